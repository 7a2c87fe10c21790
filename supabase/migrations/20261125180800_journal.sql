-- Journal (the seed's /journal/*): strictly private entries. Only the author ever reads or changes an entry: there is
-- no admin, therapist or service path in the policies (the service role bypasses RLS by design, and no HealSpace
-- code reads journals with it).
-- * Listing, filters, ranked full-text search and keyset pagination: public.list_journal_entries.
-- * Full-text search is language-aware: each entry has a text search configuration (english by default) and a
--   generated, indexed tsvector of title (weight A) and content (weight B).
-- * Toggle favorite as one call: public.toggle_journal_favorite.

create type public.journal_mood as enum ('happy', 'neutral', 'sad');
comment on type public.journal_mood is 'The seed''s journal moods.';

-- The text search configurations entries may use: an enum rather than regconfig, which Supabase's advisor refuses
-- in tables (reg* types block pg_upgrade).
create type public.search_language as enum ('simple', 'english', 'german', 'french', 'spanish', 'portuguese', 'italian', 'dutch');
comment on type public.search_language is 'Languages for journal full-text search (Postgres text search configurations of the same name).';

-- Immutable as generated columns require: the configurations named by the enum are built into Postgres.
create function private.journal_search_vector(language public.search_language, title text, content text)
returns tsvector
language sql
immutable
set search_path = ''
as $$
  select setweight(to_tsvector(language::text::regconfig, title), 'A') || setweight(to_tsvector(language::text::regconfig, content), 'B');
$$;
comment on function private.journal_search_vector(public.search_language, text, text) is 'Weighted tsvector of a journal entry: title A, content B, in the entry''s language.';
grant execute on function private.journal_search_vector(public.search_language, text, text) to authenticated, service_role;

create table public.journal_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null,
  content text not null,
  mood public.journal_mood not null,
  tags text[] not null default '{}',
  is_favorite boolean not null default false,
  language public.search_language not null default 'english',
  search_vector tsvector generated always as (private.journal_search_vector(language, title, content)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint journal_entries_title_length_check check (char_length(btrim(title)) between 1 and 200),
  constraint journal_entries_content_length_check check (char_length(btrim(content)) between 1 and 20000),
  constraint journal_entries_tags_check check (private.texts_within(tags, 10, 30))
);
comment on table public.journal_entries is
  'Private journal entries (the seed''s JournalEntry). Highly sensitive: free text about a person''s mental health. Readable and writable by the author only.';
comment on column public.journal_entries.user_id is 'The author; set from the token on insert.';
comment on column public.journal_entries.title is 'Sensitive. 1-200 characters.';
comment on column public.journal_entries.content is 'Highly sensitive. 1-20000 characters.';
comment on column public.journal_entries.mood is 'happy, neutral or sad.';
comment on column public.journal_entries.tags is 'Up to 10 tags of up to 30 characters.';
comment on column public.journal_entries.is_favorite is 'Marked as favorite by the author.';
comment on column public.journal_entries.language is 'Language of the entry for full-text search (english by default; simple matches words as written).';
comment on column public.journal_entries.search_vector is 'Generated: weighted tsvector of title and content for ranked search. Derived from sensitive text.';

create index journal_entries_user_id_created_at_id_idx on public.journal_entries (user_id, created_at desc, id desc);
create index journal_entries_search_vector_idx on public.journal_entries using gin (search_vector);
create index journal_entries_tags_idx on public.journal_entries using gin (tags);

alter table public.journal_entries enable row level security;
revoke all on table public.journal_entries from anon, authenticated;
grant select, delete on table public.journal_entries to authenticated;
grant insert (title, content, mood, tags, is_favorite, language) on table public.journal_entries to authenticated;
grant update (title, content, mood, tags, is_favorite, language) on table public.journal_entries to authenticated;

create policy journal_entries_select_own on public.journal_entries
  for select to authenticated using (user_id = (select auth.uid()));
create policy journal_entries_insert_own on public.journal_entries
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy journal_entries_update_own on public.journal_entries
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy journal_entries_delete_own on public.journal_entries
  for delete to authenticated using (user_id = (select auth.uid()));

create trigger journal_entries_set_updated_at
  before update on public.journal_entries
  for each row execute function private.set_updated_at();

-- GET /journal/entries. Newest first, or by rank when searching; keyset pagination: pass the last row's
-- created_at and id (and rank when searching) as the before_* arguments. New entries never shift later pages.
-- security invoker: RLS keeps the listing to the caller's own entries.
create function public.list_journal_entries(
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
    search_query := websearch_to_tsquery(search_language::text::regconfig, search);
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
comment on function public.list_journal_entries(public.journal_mood, text[], boolean, timestamptz, timestamptz, text, public.search_language, boolean, integer, timestamptz, uuid, real) is
  'GET /journal/entries: the caller''s entries filtered by mood, tags (any or all), creation range [from, to), favorites and web-style search (ranked); newest first; keyset pages via before_created_at/before_id (+ before_rank when searching).';

-- POST /journal/entries/:id/favorite: flips the flag in one statement and returns the new value.
create function public.toggle_journal_favorite(entry_id uuid)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
declare
  favorite boolean;
begin
  update public.journal_entries as e set is_favorite = not e.is_favorite
  where e.id = entry_id
  returning e.is_favorite into favorite;
  if favorite is null then
    raise exception 'No such journal entry' using errcode = 'PT404';
  end if;
  return favorite;
end;
$$;
comment on function public.toggle_journal_favorite(uuid) is
  'POST /journal/entries/:id/favorite: toggles the caller''s entry and returns the new is_favorite; 404 for anyone else''s entry.';

revoke execute on function public.list_journal_entries(public.journal_mood, text[], boolean, timestamptz, timestamptz, text, public.search_language, boolean, integer, timestamptz, uuid, real) from public, anon;
revoke execute on function public.toggle_journal_favorite(uuid) from public, anon;
grant execute on function public.list_journal_entries(public.journal_mood, text[], boolean, timestamptz, timestamptz, text, public.search_language, boolean, integer, timestamptz, uuid, real) to authenticated;
grant execute on function public.toggle_journal_favorite(uuid) to authenticated;
revoke execute on all functions in schema private from public;
