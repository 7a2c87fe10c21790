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

-- (public.list_groups: as this change leaves it, in 20261202111200_group_listing_joined_is_boolean.)
