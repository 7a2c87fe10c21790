-- list_groups answers joined: false, not null, for a group the caller never joined (issue 15, found by
-- tests/e2e/data-api-groups.e2e.test.ts calling GET /groups through supabase-js). `mine.status = 'active'` over the
-- left join was null without a membership row, so the listing said true (member), false (left, pending, banned) or
-- null (never joined), while types/database.ts (and the frontend) take joined as a boolean and the is_joined filter
-- already reads a missing membership as false. The body is the one of migration 20261202100000 with that one
-- coalesce; grants and comment stay (create or replace).
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
           -- false, not null, for a group the caller never joined (as is_joined reads it, and as the listing types it).
           coalesce(mine.status = 'active', false), mine.status,
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
comment on function public.list_groups(text, text, boolean, integer, integer) is
  'GET /groups: category, search (words and phrases, at most 200 characters: private.search_query; ranked full text plus trigram similarity on the name, so typos still find), is_joined (the seed''s joined, false when not a member); with the caller''s membership, member_count (the exact count the cap uses) and online_count (members others can see whose presence shows).';
