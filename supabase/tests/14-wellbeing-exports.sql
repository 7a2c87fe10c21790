-- Wellbeing in the data exports: CSV with numbers rather than labels, properly quoted, and the JSON export, each with
-- the caller's data only. Threat ids: WE-01 … WE-07.
begin;
select plan(8);

select tests.create_supabase_user('writer');
select tests.create_supabase_user('other');
insert into public.mood_entries (user_id, date, mood, note, factors) values
  (tests.get_supabase_uid('writer'), '2026-01-02', 4, 'fine, mostly', '{Exercise,Sleep Quality}'),
  (tests.get_supabase_uid('writer'), '2026-01-01', 2, null, '{}'),
  (tests.get_supabase_uid('other'), '2026-01-01', 5, 'not yours', '{}');
insert into public.journal_entries (user_id, title, content, mood, tags, created_at) values
  (tests.get_supabase_uid('writer'), 'Quote "this"', 'Line one' || chr(10) || 'line two', 'sad', '{sleep}', '2026-01-01 08:00+00'),
  (tests.get_supabase_uid('other'), 'Secret', 'Someone else''s words', 'happy', '{}', '2026-01-01 09:00+00');

select tests.authenticate_as('writer');
select is(public.export_mood_csv(),
  'date,mood,note,factors' || chr(10) || '2026-01-01,2,,' || chr(10) || '2026-01-02,4,"fine, mostly",Exercise; Sleep Quality',
  'WE-01: mood CSV: one row per day, oldest first, mood as a number, RFC 4180 quoting');
select is(public.export_journal_csv(),
  'created_at,title,mood,mood_score,tags,is_favorite,content' || chr(10) ||
  '2026-01-01T08:00:00Z,"Quote ""this""",sad,1,sleep,false,"Line one' || chr(10) || 'line two"',
  'WE-02: journal CSV: the label and its number, quotes doubled, line breaks kept inside quotes');
select set_config('tests.export', public.export_my_data()::text, true);
select is(jsonb_array_length(current_setting('tests.export')::jsonb -> 'moodEntries'), 2, 'WE-03: the JSON export has the mood entries');
select is(current_setting('tests.export')::jsonb #>> '{journalEntries,0,title}', 'Quote "this"', 'WE-04: … the journal');
select ok(not (current_setting('tests.export')::jsonb #> '{journalEntries,0}' ? 'search_vector'), 'WE-04: … without derived search data');
select ok(current_setting('tests.export') !~ '(not yours|Secret|Someone else)', 'WE-05: … and nothing of anyone else');

select tests.authenticate_as('other');
select is(public.export_journal_csv(), 'created_at,title,mood,mood_score,tags,is_favorite,content' || chr(10) ||
  '2026-01-01T09:00:00Z,Secret,happy,3,,false,Someone else''s words', 'WE-06: each person exports only their own entries');
select tests.clear_authentication();
select throws_ok($$select public.export_mood_csv()$$, '42501', null, 'WE-07: anon exports nothing');

select * from finish();
rollback;
