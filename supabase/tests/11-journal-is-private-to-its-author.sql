-- The journal: author only (no admin or therapist path), validated in the database, filters, ranked language-aware
-- search with an index, keyset pages without gaps or repeats, favorite toggling; the seed's query parameters and its
-- entry shape (createdAt, isFavorite). Threat ids: JO-01 … JO-24.
begin;
select plan(34);

select tests.create_supabase_user('author');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('therapist');
select tests.create_supabase_user('admin');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('therapist');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');

-- Fixtures with past creation times, written as the database owner (created_at is not writable through the API).
insert into public.journal_entries (user_id, title, content, mood, tags, language, created_at)
select tests.get_supabase_uid('author'), title, content, mood::public.journal_mood, tags, language::public.search_language, created_at
from (values
  ('Feeling better today', 'Had a great therapy session and went running afterwards.', 'happy', '{therapy,progress}'::text[], 'english', '2026-01-08 09:00+00'::timestamptz),
  ('Rough night', 'Could not sleep. Anxious thoughts about work kept running.', 'sad', '{sleep,work}', 'english', '2026-01-07 22:00+00'),
  ('Ordinary Tuesday', 'Work was fine. Cooked dinner.', 'neutral', '{work}', 'english', '2026-01-06 19:00+00'),
  ('Therapy homework', 'Wrote down three things I am grateful for.', 'happy', '{therapy}', 'english', '2026-01-05 08:00+00'),
  ('Tagebuch', 'Heute bin ich viel gelaufen und fühle mich besser.', 'happy', '{}', 'german', '2026-01-04 08:00+00')
) as fixture (title, content, mood, tags, language, created_at);

select tests.authenticate_as('author');

--- the author
select is((select count(*)::int from public.journal_entries), 5, 'JO-01: the author reads their entries');
insert into public.journal_entries (title, content, mood) values ('Drafted now', 'Inserted through the API.', 'neutral');
select is((select user_id from public.journal_entries where title = 'Drafted now'), tests.get_supabase_uid('author'), 'JO-02: the author is taken from the token');
delete from public.journal_entries where title = 'Drafted now';
select results_eq($$select title from public.list_journal_entries()$$,
  $$values ('Feeling better today'::text), ('Rough night'), ('Ordinary Tuesday'), ('Therapy homework'), ('Tagebuch')$$,
  'JO-03: newest first');
select results_eq($$select id, title, content, mood, tags, "createdAt", "isFavorite", language, "updatedAt" from public.list_journal_entries() where title = 'Rough night'$$,
  $$select id, title, content, mood, tags, created_at, is_favorite, language, updated_at from public.journal_entries where title = 'Rough night'$$,
  'JO-03: each row is the seed''s entry (id, title, content, mood, tags, createdAt, isFavorite) plus language and updatedAt');
select results_eq($$select title from public.list_journal_entries(mood => 'happy')$$,
  $$values ('Feeling better today'::text), ('Therapy homework'), ('Tagebuch')$$, 'JO-04: filter by mood');
select results_eq($$select title from public.list_journal_entries(tags => '{therapy,work}')$$,
  $$values ('Feeling better today'::text), ('Rough night'), ('Ordinary Tuesday'), ('Therapy homework')$$, 'JO-05: tags, any of them');
select results_eq($$select title from public.list_journal_entries(tags => '{sleep,work}', "matchAllTags" => true)$$,
  $$values ('Rough night'::text)$$, 'JO-06: tags, all of them');
select results_eq($$select title from public.list_journal_entries("startDate" => '2026-01-06', "endDate" => '2026-01-07')$$,
  $$values ('Rough night'::text), ('Ordinary Tuesday')$$, 'JO-07: the days startDate..endDate, both included (Rough night is 22:00 on the end day)');
update public.profiles set time_zone = 'Asia/Tokyo' where id = tests.get_supabase_uid('author');
select results_eq($$select title from public.list_journal_entries("startDate" => '2026-01-08', "endDate" => '2026-01-08')$$,
  $$values ('Feeling better today'::text), ('Rough night')$$, 'JO-07: … days of the author''s calendar (22:00 UTC on the 7th is the 8th in Tokyo)');
update public.profiles set time_zone = 'UTC' where id = tests.get_supabase_uid('author');
select results_eq($$select title from public.list_journal_entries(search => 'running therapy')$$,
  $$values ('Feeling better today'::text)$$, 'JO-08: search needs every word, stemmed (running, run)');
select results_eq($$select title from public.list_journal_entries(search => 'therapy')$$,
  $$values ('Therapy homework'::text), ('Feeling better today')$$, 'JO-09: a match in the title ranks above one in the content');
select results_eq($$select title from public.list_journal_entries(search => 'sleep or grateful')$$,
  $$values ('Rough night'::text), ('Therapy homework')$$, 'JO-10: web-style search syntax (or)');
select results_eq($$select title from public.list_journal_entries(search => 'fühlen', "searchLanguage" => 'german')$$,
  $$values ('Tagebuch'::text)$$, 'JO-11: search is language-aware (German stemming finds fühle from fühlen)');
select results_eq($$select t.title, t."isFavorite" from public.toggle_journal_favorite((select id from public.journal_entries where title = 'Rough night')) as t$$,
  $$values ('Rough night'::text, true)$$, 'JO-12: toggle favorite on; the answer is the whole entry with its new isFavorite');
select results_eq($$select title from public.list_journal_entries("favoritesOnly" => true)$$, $$values ('Rough night'::text)$$, 'JO-13: favorites only');
select is((public.toggle_journal_favorite((select id from public.journal_entries where title = 'Rough night')))."isFavorite", false, 'JO-12: … and off again');

--- keyset pages
select results_eq($$select title from public.list_journal_entries("limit" => 2)$$, $$values ('Feeling better today'::text), ('Rough night')$$, 'JO-14: page 1');
select set_config('tests.cursor', (select id::text from public.list_journal_entries("limit" => 2) offset 1 limit 1), true);
insert into public.journal_entries (title, content, mood) values ('Written meanwhile', 'A new entry between two page loads.', 'neutral');
select results_eq(format($$select title from public.list_journal_entries("limit" => 2, before => %L)$$, current_setting('tests.cursor')),
  $$values ('Ordinary Tuesday'::text), ('Therapy homework')$$, 'JO-15: page 2 (before: the last entry''s id) continues exactly after page 1, unaffected by a new entry');
select set_config('tests.search_cursor', (select id::text from public.list_journal_entries(search => 'therapy', "limit" => 1)), true);
select results_eq(format($$select title from public.list_journal_entries(search => 'therapy', "limit" => 1, before => %L)$$, current_setting('tests.search_cursor')),
  $$values ('Feeling better today'::text)$$, 'JO-15: … and a ranked search pages after its cursor''s rank');
select throws_ok($$select * from public.list_journal_entries("limit" => 0)$$, 'PT400', 'limit must be between 1 and 100', 'JO-16: a bad limit is a 400');
select throws_ok($$select * from public.list_journal_entries(before => gen_random_uuid())$$, 'PT400', 'before is not one of your journal entries', 'JO-16: an unknown cursor is a 400');
select throws_ok($$select * from public.list_journal_entries("startDate" => '2026-02-01', "endDate" => '2026-01-01')$$, 'PT400', null, 'JO-16: an inverted range is a 400');

--- validation
select throws_ok($$insert into public.journal_entries (title, content, mood) values ('', 'x', 'happy')$$, '23514', null, 'JO-17: a title is required');
select throws_ok($$insert into public.journal_entries (title, content, mood) values ('t', repeat('x', 20001), 'happy')$$, '23514', null, 'JO-17: content is at most 20000 characters');
select throws_ok($$insert into public.journal_entries (title, content, mood) values ('t', 'x', 'angry')$$, '22P02', null, 'JO-17: mood is happy, neutral or sad');
select throws_ok($$insert into public.journal_entries (title, content, mood, tags) values ('t', 'x', 'happy', array_fill('x'::text, array[11]))$$, '23514', null, 'JO-17: at most 10 tags');
select throws_ok($$insert into public.journal_entries (user_id, title, content, mood) values (gen_random_uuid(), 't', 'x', 'happy')$$, '42501', null,
  'JO-18: nobody writes an entry in someone else''s name');

--- everyone else
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.journal_entries$$, 'JO-19: another user sees nothing');
select is_empty($$select 1 from public.list_journal_entries()$$, 'JO-19: … not even through the listing');
select throws_ok(format('select public.list_journal_entries(before => %L)', current_setting('tests.cursor')), 'PT400', 'before is not one of your journal entries',
  'JO-19: … nor by paging after one of the author''s entries (the cursor must be the caller''s own)');
select throws_ok(format('select public.toggle_journal_favorite(%L)', current_setting('tests.cursor')), 'PT404', 'No such journal entry',
  'JO-20: toggling someone else''s entry is a 404 (it does not exist for them)');
select tests.authenticate_as('therapist');
select is_empty($$select 1 from public.journal_entries$$, 'JO-21: a therapist cannot read journals');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.journal_entries$$, 'JO-22: an admin cannot read journals (no admin path)');
select tests.clear_authentication();
select throws_ok($$select * from public.journal_entries$$, '42501', null, 'JO-23: anon has no access');

select * from finish();
rollback;
