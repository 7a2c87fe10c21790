-- Search input is compiled safely and bounded (issue 15): what a person types into a search box never reaches the
-- full-text parser as operators. websearch_to_tsquery turned 34 dashes into a query deeper than its stack (XX000,
-- an HTTP 500 through PostgREST), long inputs into stack-depth errors (54001), and a megabyte into the statement
-- timeout. Now a search is at most 200 characters (400 past that) and only its words and quoted phrases are parsed:
-- every other character is a space, so no input can build operators (negations, alternations) at all.

create function private.search_query(config regconfig, search text)
returns tsquery
language plpgsql
stable
set search_path = ''
as $$
begin
  if nullif(btrim(search), '') is null then
    return null;
  end if;
  if char_length(search) > 200 then
    raise exception 'A search is at most 200 characters' using errcode = 'PT400';
  end if;
  -- Letters, digits and double quotes (phrases) only; "or" stays a word the parser may read as an alternative of two
  -- words, which cannot nest.
  return websearch_to_tsquery(config, regexp_replace(search, '[^[:alnum:]"[:space:]]+', ' ', 'g'));
end;
$$;
comment on function private.search_query(regconfig, text) is
  'The one way a typed search becomes a tsquery: at most 200 characters (PT400), words and quoted phrases only, so no input can build operators or overflow the parser.';
revoke execute on function private.search_query(regconfig, text) from public;
grant execute on function private.search_query(regconfig, text) to authenticated;

create or replace function public.list_journal_entries(
  with_mood public.journal_mood default null,
  with_tags text[] default null,
  match_all_tags boolean default false,
  created_from timestamptz default null,
  created_to timestamptz default null,
  search text default null,
  search_language public.search_language default 'english',
  favorites_only boolean default false,
  page_size integer default 20,
  before_created_at timestamptz default null,
  before_id uuid default null,
  before_rank real default null
)
returns table (
  id uuid,
  title text,
  content text,
  mood public.journal_mood,
  tags text[],
  is_favorite boolean,
  language public.search_language,
  created_at timestamptz,
  updated_at timestamptz,
  rank real
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  search_query tsquery;
begin
  perform private.check_page_size(page_size, 100);
  if created_from is not null and created_to is not null and created_from > created_to then
    raise exception 'created_from must not be after created_to' using errcode = 'PT400';
  end if;
  perform private.check_keyset_cursor(before_created_at, before_id);
  if nullif(btrim(search), '') is not null then
    search_query := private.search_query(search_language::text::regconfig, search);
    if before_created_at is not null and before_rank is null then
      raise exception 'Searching pages by rank: pass before_rank with the cursor' using errcode = 'PT400';
    end if;
  end if;

  return query
    select e.id, e.title, e.content, e.mood, e.tags, e.is_favorite, e.language, e.created_at, e.updated_at,
           case when search_query is null then null else ts_rank(e.search_vector, search_query) end as rank
    from public.journal_entries as e
    where e.user_id = (select auth.uid())
      and (with_mood is null or e.mood = with_mood)
      and (with_tags is null or cardinality(with_tags) = 0
           or (match_all_tags and e.tags @> with_tags)
           or (not match_all_tags and e.tags && with_tags))
      and (created_from is null or e.created_at >= created_from)
      and (created_to is null or e.created_at < created_to)
      and (not favorites_only or e.is_favorite)
      and (search_query is null or e.search_vector @@ search_query)
      and (
        before_created_at is null
        or (search_query is null and (e.created_at, e.id) < (before_created_at, before_id))
        or (search_query is not null
            and (ts_rank(e.search_vector, search_query), e.created_at, e.id) < (before_rank, before_created_at, before_id))
      )
    order by
      case when search_query is null then null else ts_rank(e.search_vector, search_query) end desc nulls last,
      e.created_at desc, e.id desc
    limit page_size;
end;
$$;

create or replace function public.list_groups(
  category text default null,
  search text default null,
  is_joined boolean default null,
  page_size integer default 20,
  page_offset integer default 0
)
returns table (
  id uuid,
  name text,
  description text,
  category_id text,
  privacy public.group_privacy,
  member_count integer,
  online_count integer,
  next_session timestamptz,
  joined boolean,
  membership public.group_member_status,
  rank real
)
language plpgsql
stable
security definer
set search_path = ''
set pg_trgm.word_similarity_threshold = 0.3
set plan_cache_mode = force_custom_plan
as $$
declare
  search_query tsquery;
  search_text text := nullif(btrim(search), '');
begin
  if not private.caller_may_browse_people() then
    raise exception 'Sign in with an account to browse groups' using errcode = 'PT403';
  end if;
  perform private.check_page_size(page_size, 100);
  if page_offset is null or page_offset < 0 then
    raise exception 'page_offset must not be negative' using errcode = 'PT400';
  end if;
  if search_text is not null then
    search_query := private.search_query('english'::regconfig, search_text);
  end if;
  return query
    select g.id, g.name, g.description, g.category_id, g.privacy, g.member_count,
           -- Only members the list shows others (listed identity, active account) who show their activity: a count
           -- including anyone else would let people work them out.
           (select count(*)::integer from private.group_members as o
            join public.profiles as p on p.id = o.user_id and p.is_active
            where o.group_id = g.id and o.status = 'active' and o.shown_seen_at > now() - interval '2 minutes'
              and private.group_identity_listed(o.use_display_name, p.identity_listed_from)),
           private.next_group_session(g.id),
           mine.status = 'active', mine.status,
           case when search_text is null then null
                else ts_rank(g.search_vector, search_query) + extensions.word_similarity(search_text, g.name) end::real
    from public.support_groups as g
    left join private.group_members as mine on mine.group_id = g.id and mine.user_id = auth.uid()
    where (list_groups.category is null or g.category_id = list_groups.category)
      and (search_text is null or g.search_vector @@ search_query or search_text operator(extensions.<%) g.name)
      and (is_joined is null or (coalesce(mine.status = 'active', false) = is_joined))
    order by case when search_text is null then null
                  else ts_rank(g.search_vector, search_query) + extensions.word_similarity(search_text, g.name) end desc nulls last,
             g.member_count desc, g.id
    limit page_size offset page_offset;
end;
$$;
