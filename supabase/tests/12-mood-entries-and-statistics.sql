-- Mood entries: one per person per local day, author only; and mood_statistics with exact numbers on a fixture
-- history, with the clock pinned around midnight and the 2026 US DST change. Threat ids: MO-01 … MO-22.
begin;
select plan(27);

select tests.create_supabase_user('nyc', metadata => '{"timeZone": "America/New_York"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('therapist');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('kiritimati', metadata => '{"timeZone": "Pacific/Kiritimati"}');
select tests.create_supabase_user('empty');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('therapist');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');

-- The fixture: 7 days in a row up to Sunday 2026-03-08 (the day US clocks sprang forward) and two in February.
insert into public.mood_entries (user_id, date, mood, factors) values
  (tests.get_supabase_uid('nyc'), '2026-02-10', 5, '{Exercise}'),
  (tests.get_supabase_uid('nyc'), '2026-02-11', 5, '{}'),
  (tests.get_supabase_uid('nyc'), '2026-03-02', 5, '{Exercise}'),
  (tests.get_supabase_uid('nyc'), '2026-03-03', 4, '{Exercise,Exercise}'),
  (tests.get_supabase_uid('nyc'), '2026-03-04', 4, '{}'),
  (tests.get_supabase_uid('nyc'), '2026-03-05', 3, '{}'),
  (tests.get_supabase_uid('nyc'), '2026-03-06', 2, '{Poor Sleep}'),
  (tests.get_supabase_uid('nyc'), '2026-03-07', 1, '{Poor Sleep}'),
  (tests.get_supabase_uid('nyc'), '2026-03-08', 3, '{}');

--- the author
select tests.authenticate_as('nyc');
select is((select count(*)::int from public.mood_entries), 9, 'MO-01: the author reads their entries');
select throws_ok($$insert into public.mood_entries (date, mood) values ('2026-03-08', 4)$$, '23505', null,
  'MO-02: a second entry for the same day is refused (409 through PostgREST)');
select lives_ok($$insert into public.mood_entries (date, mood, note) values ('2026-03-08', 4, 'better evening')
  on conflict (user_id, date) do update set mood = excluded.mood, note = excluded.note$$,
  'MO-03: the day''s entry can be replaced with an upsert on (user_id, date)');
select is((select mood::int from public.mood_entries where date = '2026-03-08'), 4, 'MO-03: … which updates it');
update public.mood_entries set mood = 3, note = null where date = '2026-03-08';
select throws_ok(format($$insert into public.mood_entries (date, mood) values (%L, 3)$$, private.local_date(tests.get_supabase_uid('nyc')) + 1),
  '23514', 'A mood entry cannot be for a day that has not begun where you are', 'MO-04: no entry for a day that has not begun where the person is');
select throws_ok($$insert into public.mood_entries (date, mood) values ('2026-01-01', 6)$$, '23514', null, 'MO-05: mood is 1 to 5');
select throws_ok($$insert into public.mood_entries (date, mood, factors) values ('2026-01-01', 3, array_fill('x'::text, array[11]))$$, '23514', null,
  'MO-05: at most 10 factors');
select throws_ok(format($$insert into public.mood_entries (user_id, date, mood) values (%L, '2026-01-01', 3)$$, tests.get_supabase_uid('stranger')),
  '42501', null, 'MO-06: nobody writes an entry in someone else''s name');
select tests.authenticate_as('kiritimati');
insert into public.mood_entries (mood) values (3);
select is((select date from public.mood_entries), (now() at time zone 'Pacific/Kiritimati')::date,
  'MO-07: without a date, the entry is for the person''s today in their time zone (UTC+14 here)');

--- everyone else
select tests.authenticate_as('stranger');
select is_empty(format($$select 1 from public.mood_entries where user_id = %L$$, tests.get_supabase_uid('nyc')), 'MO-08: another user sees nothing');
select is_empty($$update public.mood_entries set mood = 1 returning 1$$, 'MO-08: … and changes nothing');
select is_empty($$delete from public.mood_entries returning 1$$, 'MO-08: … and deletes nothing');
select tests.authenticate_as('therapist');
select is_empty($$select 1 from public.mood_entries$$, 'MO-09: a therapist sees no one''s mood entries');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.mood_entries$$, 'MO-10: an admin sees no one''s mood entries');
select tests.clear_authentication();
select throws_ok($$select * from public.mood_entries$$, '42501', null, 'MO-11: anon has no access');

--- statistics, with the clock pinned
select tests.authenticate_as('nyc');
-- 2026-03-09 03:30 UTC is 23:30 on Sunday 8 March in New York (EDT since 02:00 that day).
select set_config('tests.stats', public.mood_statistics("asOf" => '2026-03-09 03:30:00+00')::text, true);
select is(current_setting('tests.stats')::jsonb - 'byWeekday' - 'factors',
  '{"averageMood": 3.56, "totalEntries": 9,
    "moodDistribution": {"amazing": 3, "good": 2, "okay": 2, "notGreat": 1, "difficult": 1},
    "trends": {"lastWeek": 3.14, "lastMonth": 3.56, "improvement": false},
    "streaks": {"current": 7, "longest": 7},
    "range": {"from": null, "to": null, "today": "2026-03-08"}}'::jsonb,
  'MO-12: the seed''s figures, streaks and today, exact, at 23:30 local on the DST day');
select is(current_setting('tests.stats')::jsonb -> 'byWeekday',
  '[{"weekday": 1, "averageMood": 5.00, "entries": 1}, {"weekday": 2, "averageMood": 4.50, "entries": 2},
    {"weekday": 3, "averageMood": 4.50, "entries": 2}, {"weekday": 4, "averageMood": 3.00, "entries": 1},
    {"weekday": 5, "averageMood": 2.00, "entries": 1}, {"weekday": 6, "averageMood": 1.00, "entries": 1},
    {"weekday": 7, "averageMood": 3.00, "entries": 1}]'::jsonb,
  'MO-13: averages by ISO weekday (1 = Monday)');
select is(current_setting('tests.stats')::jsonb -> 'factors',
  '[{"factor": "Exercise", "withAverage": 4.67, "withCount": 3, "withoutAverage": 3.00, "withoutCount": 6, "difference": 1.67},
    {"factor": "Poor Sleep", "withAverage": 1.50, "withCount": 2, "withoutAverage": 4.14, "withoutCount": 7, "difference": -2.64}]'::jsonb,
  'MO-14: mood with versus without each factor (a factor listed twice in one entry counts once)');
select is(public.mood_statistics("asOf" => '2026-03-09 04:30:00+00') #>> '{range,today}', '2026-03-09',
  'MO-15: an hour later it is Monday in New York');
select is(public.mood_statistics("asOf" => '2026-03-09 04:30:00+00') -> 'streaks', '{"current": 7, "longest": 7}'::jsonb,
  'MO-15: … and the streak is still alive while Monday is not over');
select is(public.mood_statistics("asOf" => '2026-03-10 04:30:00+00') -> 'streaks', '{"current": 0, "longest": 7}'::jsonb,
  'MO-16: a whole day without an entry ends the current streak');
select is(public.mood_statistics("asOf" => '2026-03-08 06:30:00+00') #>> '{range,today}', '2026-03-08',
  'MO-17: 06:30 UTC on the DST morning is already 8 March in New York (EST then EDT)');
select is(public.mood_statistics('2026-03-05', '2026-03-08', '2026-03-09 03:30:00+00') -> 'averageMood', '2.25'::jsonb,
  'MO-18: from/to narrow the figures (inclusive)');
select throws_ok($$select public.mood_statistics('2026-03-08', '2026-03-01')$$, 'PT400', 'from must not be after to', 'MO-19: from after to is a 400');

select tests.authenticate_as('empty');
select is(public.mood_statistics("asOf" => '2026-03-09 03:30:00+00') - 'range',
  '{"averageMood": null, "totalEntries": 0,
    "moodDistribution": {"amazing": 0, "good": 0, "okay": 0, "notGreat": 0, "difficult": 0},
    "trends": {"lastWeek": null, "lastMonth": null, "improvement": null},
    "streaks": {"current": 0, "longest": 0}, "byWeekday": [], "factors": []}'::jsonb,
  'MO-20: an empty history gives a well-defined answer');
select tests.authenticate_as('stranger');
insert into public.mood_entries (date, mood, factors) values ('2026-03-08', 2, '{Work}');
select is(public.mood_statistics("asOf" => '2026-03-09 03:30:00+00') - 'range' - 'byWeekday',
  '{"averageMood": 2.00, "totalEntries": 1,
    "moodDistribution": {"amazing": 0, "good": 0, "okay": 0, "notGreat": 1, "difficult": 0},
    "trends": {"lastWeek": 2.00, "lastMonth": 2.00, "improvement": false},
    "streaks": {"current": 1, "longest": 1},
    "factors": [{"factor": "Work", "withAverage": 2.00, "withCount": 1, "withoutAverage": null, "withoutCount": 0, "difference": null}]}'::jsonb,
  'MO-21: a single entry (UTC person, same instant: already 9 March, so the streak of 8 March is still alive)');
select tests.clear_authentication();
select throws_ok($$select public.mood_statistics()$$, '42501', null, 'MO-22: anon cannot compute statistics');

select * from finish();
rollback;
