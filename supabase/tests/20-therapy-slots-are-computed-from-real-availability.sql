-- Therapy slots: bookable starts follow from each therapist's real availability (weekly hours, date overrides,
-- buffers, minimum notice, booking window, active sessions), across DST in the therapist's zone and in the client's;
-- booking refuses everything else with its reason; the directory's nextAvailable and filters use the same computation;
-- availability is its therapist's alone. Threat ids: TS-01 … TS-66.
-- The clock: now() is the transaction's start and cannot be pinned. What ignores it (private.therapist_open_slots,
-- private.local_iso) is tested on fixed dates; what depends on it (notice, window, bookings, listing) on dates derived
-- from now(), with exact expectations relative to them, so the suite means the same whenever it runs.
begin;
select plan(90);

-- Therapists (their rows are inserted by themselves below):
--   york          America/New_York, Mon-Fri 09-12 and 13-17, 50 min every 30, no buffers, no notice, 365-day window
--   berlin        Europe/Berlin, every day 09-10, 50 min every 30
--   tokyo         Asia/Tokyo (no DST), every day 08-09 and 18-19, 50 min every 60
--   uma, uri      UTC, every day 00-24, 60 min every 60, no buffers, 24 h notice, 3-day window
--   buffered      UTC, every day 09-17, 50 min every 30, buffers 10 before and 10 after
--   back-to-back  UTC, every day 09-17, 60 min every 60, no buffers
select tests.create_supabase_user('york');
select tests.create_supabase_user('berlin');
select tests.create_supabase_user('tokyo');
select tests.create_supabase_user('uma');
select tests.create_supabase_user('uri');
select tests.create_supabase_user('buffered');
select tests.create_supabase_user('back-to-back');
select tests.create_supabase_user('client-a');
select tests.create_supabase_user('client-b');
select tests.create_supabase_user('client-c', metadata => '{"timeZone": "Asia/Kolkata"}');
select tests.create_supabase_user('visitor', is_anonymous => true);
select tests.create_supabase_user('admin');
update public.profiles set role = 'therapist'
where id in (select tests.get_supabase_uid(t) from unnest(array['york', 'berlin', 'tokyo', 'uma', 'uri', 'buffered', 'back-to-back']) as t);
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');
select set_config('tests.ours', (select array_agg(tests.get_supabase_uid(t))::text
  from unnest(array['york', 'berlin', 'tokyo', 'uma', 'uri', 'buffered', 'back-to-back']) as t), true);

select tests.authenticate_as('york');
select lives_ok($$insert into public.therapists (id, display_name, specialties, hourly_rate, languages, time_zone, session_types,
    session_minutes, slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, booking_window_days)
  values (auth.uid(), 'Dr. Nora York', '{anxiety,depression}', 120, '{en,es}', 'America/New_York', '{video,phone}', 50, 30, 0, 0, 0, 365)$$,
  'TS-01: a therapist creates their own directory row');
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, r.opens, r.closes from generate_series(1, 5) as d, (values ('09:00'::time, '12:00'::time), ('13:00', '17:00')) as r (opens, closes);
-- The two US DST Sundays of 2027 get hours across the change (02:00 local both times).
insert into public.therapist_date_overrides (therapist_id, on_date, starts_at, ends_at) values
  (auth.uid(), '2027-03-14', '01:00', '04:00'),
  (auth.uid(), '2027-11-07', '01:00', '04:00');

select tests.authenticate_as('berlin');
insert into public.therapists (id, display_name, specialties, hourly_rate, languages, time_zone, session_minutes, slot_interval_minutes,
  buffer_after_minutes, minimum_notice_minutes, booking_window_days)
values (auth.uid(), 'Dr. Bernd Berlin', '{grief}', 90, '{de,en}', 'Europe/Berlin', 50, 30, 0, 0, 365);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, '09:00', '10:00' from generate_series(1, 7) as d;

select tests.authenticate_as('tokyo');
insert into public.therapists (id, display_name, specialties, hourly_rate, languages, time_zone, session_minutes, slot_interval_minutes,
  buffer_after_minutes, minimum_notice_minutes, booking_window_days)
values (auth.uid(), 'Dr. Kenji Tokyo', '{sleep}', 100, '{ja,en}', 'Asia/Tokyo', 50, 60, 0, 0, 365);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, r.opens, r.closes from generate_series(1, 7) as d, (values ('08:00'::time, '09:00'::time), ('18:00', '19:00')) as r (opens, closes);

select tests.authenticate_as('uma');
insert into public.therapists (id, display_name, specialties, hourly_rate, languages, time_zone, session_types, session_minutes,
  slot_interval_minutes, buffer_after_minutes, minimum_notice_minutes, booking_window_days)
values (auth.uid(), 'Dr. Uma One', '{anxiety,stress}', 80, '{en}', 'UTC', '{video}', 60, 60, 0, 1440, 3);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, '00:00', '24:00' from generate_series(1, 7) as d;

select tests.authenticate_as('uri');
insert into public.therapists (id, display_name, specialties, hourly_rate, languages, time_zone, session_types, session_minutes,
  slot_interval_minutes, buffer_after_minutes, minimum_notice_minutes, booking_window_days)
values (auth.uid(), 'Dr. Uri Two', '{trauma,ocd}', 80, '{pt-BR}', 'UTC', '{video,chat}', 60, 60, 0, 1440, 3);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, '00:00', '24:00' from generate_series(1, 7) as d;

select tests.authenticate_as('buffered');
insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_minutes, slot_interval_minutes,
  buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, booking_window_days)
values (auth.uid(), 'Dr. Bea Buffer', '{family}', 70, 'UTC', 50, 30, 10, 10, 0, 30);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, '09:00', '17:00' from generate_series(1, 7) as d;

select tests.authenticate_as('back-to-back');
insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_minutes, slot_interval_minutes,
  buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes, booking_window_days)
values (auth.uid(), 'Dr. Bob Back', '{adhd}', 70, 'UTC', 60, 60, 0, 0, 0, 30);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select auth.uid(), d, '09:00', '17:00' from generate_series(1, 7) as d;
reset role;

--- weekly hours (fixed dates: open slots ignore the clock)
select is((select array_agg(to_char(s at time zone 'America/New_York', 'HH24:MI') order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('york'), '2027-01-06 00:00 America/New_York', '2027-01-07 00:00 America/New_York') as s),
  array['09:00', '09:30', '10:00', '10:30', '11:00', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00'],
  'TS-02: two ranges a day, 50 min every 30: starts step from each range''s opening and a session must end inside its range (no 11:30, 12:00 or 16:30)');
select is_empty(format($$select 1 from private.therapist_open_slots(%L, '2027-01-09 00:00 America/New_York', '2027-01-11 00:00 America/New_York')$$,
  tests.get_supabase_uid('york')), 'TS-03: a weekend without weekly hours has no starts');
-- Next week's Wednesday in New York, as a client sees it (before any booking exists).
select set_config('tests.wednesday', (select min(d)::date::text from generate_series(
  (now() at time zone 'America/New_York')::date + 2, (now() at time zone 'America/New_York')::date + 8, interval '1 day') as d
  where extract(isodow from d) = 3), true);
select tests.authenticate_as('client-a');
select is((select array_agg(substr(s.slot ->> 'start', 12, 5) order by s.n) from jsonb_array_elements(private.list_bookable_slots(
    tests.get_supabase_uid('york'), current_setting('tests.wednesday')::date, current_setting('tests.wednesday')::date, 'America/New_York') -> 'slots')
    with ordinality as s (slot, n)),
  array['09:00', '09:30', '10:00', '10:30', '11:00', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00'],
  'TS-04: a client lists the same starts, in order, for a coming Wednesday through private.list_bookable_slots');
select tests.authenticate_as('client-c');
select set_config('tests.kolkata_slots', private.list_bookable_slots(tests.get_supabase_uid('york'),
  current_setting('tests.wednesday')::date, current_setting('tests.wednesday')::date)::text, true);
select ok((select current_setting('tests.kolkata_slots')::jsonb ->> 'timeZone' = 'Asia/Kolkata' and count(*) > 0 and bool_and(s ->> 'start' like '%+05:30')
    from jsonb_array_elements(current_setting('tests.kolkata_slots')::jsonb -> 'slots') as s),
  'TS-05: without a zone, slots are shown in the caller''s profile zone (Asia/Kolkata, +05:30)');

--- DST in the therapist's zone
reset role;
select results_eq(format($$select min(s) from private.therapist_open_slots(%L, '2027-03-12 00:00 America/New_York', '2027-03-16 00:00 America/New_York') as s
    where extract(isodow from s at time zone 'America/New_York') <> 7 group by (s at time zone 'America/New_York')::date order by 1$$,
    tests.get_supabase_uid('york')),
  $$values ('2027-03-12 14:00+00'::timestamptz), ('2027-03-15 13:00+00')$$,
  'TS-06: US spring forward: 09:00 stays 09:00 in New York (14:00 UTC on Friday, 13:00 UTC on Monday)');
select is((select array_agg(s order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('york'), '2027-03-14 00:00 America/New_York', '2027-03-15 00:00 America/New_York') as s),
  array['2027-03-14 06:00+00', '2027-03-14 06:30+00', '2027-03-14 07:00+00']::timestamptz[],
  'TS-07: spring-forward day, 01:00-04:00 (two real hours): 01:00 and 01:30 EST, then 03:00 EDT once (the missing 02:00 is the same instant, not listed twice); nothing later fits before 04:00 in real time');
select results_eq(format($$select min(s) from private.therapist_open_slots(%L, '2027-11-05 00:00 America/New_York', '2027-11-09 00:00 America/New_York') as s
    where extract(isodow from s at time zone 'America/New_York') <> 7 group by (s at time zone 'America/New_York')::date order by 1$$,
    tests.get_supabase_uid('york')),
  $$values ('2027-11-05 13:00+00'::timestamptz), ('2027-11-08 14:00+00')$$,
  'TS-08: US fall back: 09:00 stays 09:00 in New York (13:00 UTC on Friday, 14:00 UTC on Monday)');
-- Fall-back day, 01:00-04:00 local: 01:00-02:00 happens twice. A wall-clock start is one instant; Postgres reads an
-- ambiguous local time as standard time, so the repeated hour is offered once, in its second (EST) pass, and the first
-- (EDT) pass is not offered. Every start is distinct, hourly steps of real time, and every session ends by 04:00 EST.
select is((select array_agg(s order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('york'), '2027-11-07 00:00 America/New_York', '2027-11-08 00:00 America/New_York') as s),
  array['2027-11-07 06:00+00', '2027-11-07 06:30+00', '2027-11-07 07:00+00', '2027-11-07 07:30+00', '2027-11-07 08:00+00']::timestamptz[],
  'TS-09: fall-back day, 01:00-04:00: the repeated hour once (EST), then 02:00-03:00 EST, no duplicates, the last session ends 03:50 EST');
select is((select array_agg(s order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('berlin'), '2027-03-27 00:00 Europe/Berlin', '2027-03-29 00:00 Europe/Berlin') as s),
  array['2027-03-27 08:00+00', '2027-03-28 07:00+00']::timestamptz[],
  'TS-10: EU spring forward: 09:00 stays 09:00 in Berlin (08:00 UTC on Saturday, 07:00 UTC on Sunday)');
select is((select array_agg(s order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('berlin'), '2027-10-30 00:00 Europe/Berlin', '2027-11-01 00:00 Europe/Berlin') as s),
  array['2027-10-30 07:00+00', '2027-10-31 08:00+00']::timestamptz[],
  'TS-11: EU fall back: 09:00 stays 09:00 in Berlin (07:00 UTC on Saturday, 08:00 UTC on Sunday)');

--- DST in the client's zone: a Tokyo therapist (no DST) seen from London across London's next change
-- Tokyo 08:00 and 18:00 are 23:00 (the day before) and 09:00 UTC. The change day c is computed from now(); which
-- change it is decides the expected list, written out for both.
select set_config('tests.london_change', d::date::text, true), set_config('tests.london_change_hours', hours::text, true)
from (select d, extract(epoch from ((d::date + time '12:00') at time zone 'Europe/London') - ((d::date - 1 + time '12:00') at time zone 'Europe/London'))::integer / 3600 as hours
      from generate_series((now() at time zone 'UTC')::date + 3, (now() at time zone 'UTC')::date + 300, interval '1 day') as d) as days
where hours <> 24 order by d limit 1;
select tests.authenticate_as('client-a');
select set_config('tests.london_slots', private.list_bookable_slots(tests.get_supabase_uid('tokyo'),
  current_setting('tests.london_change')::date - 1, current_setting('tests.london_change')::date, 'Europe/London')::text, true);
select is((select array_agg(s.slot ->> 'start' order by s.n) from jsonb_array_elements(current_setting('tests.london_slots')::jsonb -> 'slots') with ordinality as s (slot, n)),
  (select case when current_setting('tests.london_change_hours') = '23'
            then array[b || 'T09:00:00+00:00', b || 'T23:00:00+00:00', c || 'T10:00:00+01:00']
            else array[b || 'T00:00:00+01:00', b || 'T10:00:00+01:00', c || 'T00:00:00+01:00', c || 'T09:00:00+00:00', c || 'T23:00:00+00:00'] end
   from (select (current_setting('tests.london_change')::date - 1)::text as b, current_setting('tests.london_change') as c) as days),
  'TS-12: the client''s zone: starts are London local times with the offset of each instant, before and after London''s own change; from and to are London dates (a 23- or 25-hour day)');
select ok((select bool_and(s ->> 'date' = left(s ->> 'start', 10)) and count(*) > 0 and current_setting('tests.london_slots')::jsonb ->> 'timeZone' = 'Europe/London'
    from jsonb_array_elements(current_setting('tests.london_slots')::jsonb -> 'slots') as s),
  'TS-13: each slot''s date is its local date in the client''s zone, and the answer names that zone');

--- date overrides
select tests.authenticate_as('york');
insert into public.therapist_date_overrides (therapist_id, on_date, starts_at, ends_at) values
  (auth.uid(), '2027-02-01', null, null),        -- Monday: a day off
  (auth.uid(), '2027-02-02', '10:00', '11:00'),  -- Tuesday: only 10-11
  (auth.uid(), '2027-02-06', '14:00', '16:00');  -- Saturday: extra hours
reset role;
select is_empty(format($$select 1 from private.therapist_open_slots(%L, '2027-02-01 00:00 America/New_York', '2027-02-02 00:00 America/New_York')$$,
  tests.get_supabase_uid('york')), 'TS-14: a day-off override (a row without times) removes the whole day');
select is((select array_agg(to_char(s at time zone 'America/New_York', 'HH24:MI') order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('york'), '2027-02-02 00:00 America/New_York', '2027-02-03 00:00 America/New_York') as s),
  array['10:00'], 'TS-15: an override with a range replaces that day''s weekly hours (10-11 leaves only 10:00)');
select is((select array_agg(to_char(s at time zone 'America/New_York', 'HH24:MI') order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('york'), '2027-02-03 00:00 America/New_York', '2027-02-04 00:00 America/New_York') as s),
  array['09:00', '09:30', '10:00', '10:30', '11:00', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00'],
  'TS-16: … for that date only: the next day keeps its weekly hours');
select is((select array_agg(to_char(s at time zone 'America/New_York', 'HH24:MI') order by s)
    from private.therapist_open_slots(tests.get_supabase_uid('york'), '2027-02-06 00:00 America/New_York', '2027-02-07 00:00 America/New_York') as s),
  array['14:00', '14:30', '15:00'], 'TS-17: an override on a weekend adds hours (14-16: 14:00, 14:30, 15:00)');
select tests.authenticate_as('york');
select throws_ok($$insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) values (auth.uid(), 1, '11:00', '13:00')$$,
  '23P01', null, 'TS-18: a weekly range overlapping another on the same weekday is refused');
select throws_ok($$insert into public.therapist_date_overrides (therapist_id, on_date, starts_at, ends_at) values (auth.uid(), '2027-02-02', '10:30', '12:00')$$,
  '23P01', null, 'TS-19: an override range overlapping another on the same date is refused');
select throws_ok($$insert into public.therapist_date_overrides (therapist_id, on_date, starts_at, ends_at) values (auth.uid(), '2027-02-01', '15:00', '16:00')$$,
  '23P01', null, 'TS-20: a range cannot be added to a day off');
select throws_ok($$insert into public.therapist_date_overrides (therapist_id, on_date) values (auth.uid(), '2027-02-02')$$,
  '23P01', null, 'TS-21: … nor a day off to a date with ranges');
select lives_ok($$insert into public.therapist_date_overrides (therapist_id, on_date, starts_at, ends_at) values (auth.uid(), '2027-02-06', '16:00', '24:00')$$,
  'TS-22: ranges that only touch (14-16 and 16-24) do not overlap');

--- buffers and existing sessions (a day a week from now, UTC)
select set_config('tests.day', ((now() at time zone 'UTC')::date + 7)::text, true);
select tests.authenticate_as('client-a');
select isnt(private.book_therapy_session(tests.get_supabase_uid('buffered'), (current_setting('tests.day') || ' 12:00+00')::timestamptz), null,
  'TS-23: a client books 12:00-12:50 with the buffered therapist (occupying 11:50-13:00 with the buffers)');
select tests.authenticate_as('client-b');
select is((select array_agg(substr(s.slot ->> 'start', 12, 5) order by s.n) from jsonb_array_elements(private.list_bookable_slots(tests.get_supabase_uid('buffered'),
    current_setting('tests.day')::date, current_setting('tests.day')::date, 'UTC') -> 'slots') with ordinality as s (slot, n)),
  array['09:00', '09:30', '10:00', '10:30', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00'],
  'TS-24: buffers on both sides add up: 11:00 (its 10 min after meets the neighbour''s 10 min before) through 13:00 are gone, 10:30 and 13:30 stay');
reset role;
with inserted as (
  insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type)
  values (tests.get_supabase_uid('back-to-back'), tests.get_supabase_uid('client-c'), (current_setting('tests.day') || ' 12:00+00')::timestamptz, 60, 'video')
  returning id)
select set_config('tests.noon_session', id::text, true) from inserted;
select tests.authenticate_as('client-b');
select is((select array_agg(substr(s.slot ->> 'start', 12, 5) order by s.n) from jsonb_array_elements(private.list_bookable_slots(tests.get_supabase_uid('back-to-back'),
    current_setting('tests.day')::date, current_setting('tests.day')::date, 'UTC') -> 'slots') with ordinality as s (slot, n)),
  array['09:00', '10:00', '11:00', '13:00', '14:00', '15:00', '16:00'],
  'TS-25: without buffers only the booked 12:00 is gone: 11:00 and 13:00 touch it and stay');
select lives_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('back-to-back'), current_setting('tests.day') || ' 13:00+00'),
  'TS-26: a session right after another (13:00 after 12:00-13:00) can be booked');
select lives_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('back-to-back'), current_setting('tests.day') || ' 11:00+00'),
  'TS-26: … and one right before it (11:00-12:00)');
select tests.authenticate_as('back-to-back');
select lives_ok(format($$select private.cancel_therapy_session(%L, 'Unwell')$$, current_setting('tests.noon_session')),
  'TS-27: the therapist cancels the 12:00 session');
select tests.authenticate_as('client-b');
select is((select array_agg(substr(s.slot ->> 'start', 12, 5) order by s.n) from jsonb_array_elements(private.list_bookable_slots(tests.get_supabase_uid('back-to-back'),
    current_setting('tests.day')::date, current_setting('tests.day')::date, 'UTC') -> 'slots') with ordinality as s (slot, n)),
  array['09:00', '10:00', '12:00', '14:00', '15:00', '16:00'],
  'TS-27: … and a cancelled session frees its slot (12:00 is back; 11:00 and 13:00 are taken)');

--- minimum notice and booking window (uma: 24 h notice, 3-day window, a start every hour of every day)
-- The first start allowed: the first whole UTC hour at or after now() + 24 h.
select set_config('tests.first', (date_trunc('hour', now() + interval '1 day' - interval '1 microsecond') + interval '1 hour')::text, true);
select tests.authenticate_as('client-a');
select results_eq(format($$select min((s ->> 'start')::timestamptz), max((s ->> 'start')::timestamptz), count(*)::int
    from jsonb_array_elements(private.list_bookable_slots(%L, (now() at time zone 'UTC')::date, (now() at time zone 'UTC')::date + 5, 'UTC') -> 'slots') as s$$,
    tests.get_supabase_uid('uma')),
  format($$values (%L::timestamptz, %L::timestamptz, 48)$$, current_setting('tests.first'), current_setting('tests.first')::timestamptz + interval '47 hours'),
  'TS-28: nothing starts before now() + the notice or at/after now() + the window: exactly the 48 hourly starts between');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), date_trunc('hour', now())),
  'PT422', 'That time is in the past', 'TS-29: booking a start in the past is a 422');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), current_setting('tests.first')::timestamptz - interval '1 hour'),
  'PT422', 'Sessions with this therapist must be booked at least 24.0 hours ahead', 'TS-30: booking inside the minimum notice is a 422 that says so');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), current_setting('tests.first')::timestamptz + interval '49 hours'),
  'PT422', 'Sessions with this therapist can be booked at most 3 days ahead', 'TS-31: booking beyond the window is a 422 that says so');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), current_setting('tests.first')::timestamptz + interval '30 minutes'),
  'PT422', 'That is not one of this therapist''s bookable times; pick one from /booking/slots', 'TS-32: a time between slot boundaries is a 422');
select throws_ok(format($$select private.book_therapy_session(%L, %L, 'phone')$$, tests.get_supabase_uid('uma'), current_setting('tests.first')),
  'PT422', 'This therapist does not offer phone sessions', 'TS-33: a session type the therapist does not offer is a 422');
select isnt(private.book_therapy_session(tests.get_supabase_uid('uma'), current_setting('tests.first')::timestamptz), null,
  'TS-34: the first allowed start is booked');
select tests.authenticate_as('client-b');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), current_setting('tests.first')),
  'PT409', 'That time is no longer available', 'TS-35: a taken start is a 409 for anyone else');
select tests.authenticate_as('client-a');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uri'), current_setting('tests.first')),
  'PT409', 'You already have a session at that time', 'TS-36: a client''s own overlapping session (with another therapist) is a 409');
reset role;
select throws_ok(format($$insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, buffer_before_minutes, buffer_after_minutes, session_type)
    values (%L, %L, %L, 50, 10, 10, 'video')$$, tests.get_supabase_uid('buffered'), tests.get_supabase_uid('client-c'), current_setting('tests.day') || ' 13:00+00'),
  '23P01', null, 'TS-37: the constraint itself refuses a session whose buffers overlap a neighbour''s (13:00 after 12:00-12:50, 10 + 10 min buffers), whoever writes it');
select throws_ok(format($$insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type)
    values (%L, %L, %L, 60, 'video')$$, tests.get_supabase_uid('uri'), tests.get_supabase_uid('client-a'), current_setting('tests.first')),
  '23P01', null, 'TS-38: … and a second active session for the same client at the same time');
select tests.authenticate_as('uri');
update public.therapists set accepting_new_clients = false where id = auth.uid();
select tests.authenticate_as('client-b');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uri'), current_setting('tests.first')::timestamptz + interval '1 hour'),
  'PT422', 'This therapist is not accepting new clients', 'TS-39: a therapist not accepting new clients refuses a new client with a 422');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, gen_random_uuid(), current_setting('tests.first')),
  'PT404', 'No such therapist', 'TS-40: an unknown therapist is a 404');
select tests.authenticate_as('uma');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), current_setting('tests.first')::timestamptz + interval '2 hours'),
  'PT422', 'You cannot book a session with yourself', 'TS-41: a therapist cannot book themselves');
select tests.authenticate_as('visitor');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('uma'), current_setting('tests.first')::timestamptz + interval '2 hours'),
  'PT403', 'Create an account (email, Google or GitHub) to book a session', 'TS-42: an anonymous sign-in cannot book (403)');

--- the client's own sessions
select tests.authenticate_as('client-a');
select results_eq(format($$select count(*)::int, bool_or((s ->> 'start')::timestamptz = %L)
    from jsonb_array_elements(private.list_bookable_slots(%L, (now() at time zone 'UTC')::date, (now() at time zone 'UTC')::date + 5, 'UTC') -> 'slots') as s$$,
    current_setting('tests.first'), tests.get_supabase_uid('uri')),
  $$values (47, false)$$, 'TS-43: a client''s own active session (with uma) removes that start from another therapist''s slots for them');
select tests.authenticate_as('client-b');
select results_eq(format($$select count(*)::int, bool_or((s ->> 'start')::timestamptz = %L)
    from jsonb_array_elements(private.list_bookable_slots(%L, (now() at time zone 'UTC')::date, (now() at time zone 'UTC')::date + 5, 'UTC') -> 'slots') as s$$,
    current_setting('tests.first'), tests.get_supabase_uid('uri')),
  $$values (48, true)$$, 'TS-44: … but not from another client''s');

--- nextAvailable and the directory
select is(private.next_available_slot(tests.get_supabase_uid('uma')), current_setting('tests.first')::timestamptz + interval '1 hour',
  'TS-45: nextAvailable is the first start that is still free (the first allowed one is booked)');
select is(private.next_available_slot(tests.get_supabase_uid('uma')),
  (select (private.list_bookable_slots(tests.get_supabase_uid('uma'), (now() at time zone 'UTC')::date, (now() at time zone 'UTC')::date + 5, 'UTC') #>> '{slots,0,start}')::timestamptz),
  'TS-46: … the same start private.list_bookable_slots lists first');
-- Dr. Uri Two takes no new clients (TS-39): client-b becomes an existing client of theirs (a session two weeks ago), to
-- whom the directory offers their slots; client-a stays a new client, to whom it offers none (TS-66).
reset role;
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
values (tests.get_supabase_uid('uri'), tests.get_supabase_uid('client-b'), date_trunc('hour', now()) - interval '14 days', 60, 'video', 'completed');
select tests.authenticate_as('client-b');
select results_eq(format($$select name, "nextAvailable", specialty, duration from public.list_therapists("limit" => 100) where id = any (%L::uuid[]) and name like 'Dr. U%%'$$,
    current_setting('tests.ours')),
  format($$values ('Dr. Uma One'::text, %L::timestamptz, 'Anxiety, Stress & Burnout'::text, 60), ('Dr. Uri Two', %L, 'Trauma & PTSD, OCD', 60)$$,
    current_setting('tests.first')::timestamptz + interval '1 hour', current_setting('tests.first')),
  'TS-47: the directory shows each therapist''s nextAvailable, by name (Dr. Uri Two''s too: taking no new clients, but client-b already is one)');
select is((select array_agg(name) from public.list_therapists("limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Bea Buffer', 'Dr. Bernd Berlin', 'Dr. Bob Back', 'Dr. Kenji Tokyo', 'Dr. Nora York', 'Dr. Uma One', 'Dr. Uri Two'],
  'TS-48: every listed, active therapist is in the directory, ordered by name');
select is((select array_agg(name) from public.list_therapists(specialty => 'anxiety', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Nora York', 'Dr. Uma One'], 'TS-49: specialty keeps the therapists offering it, by its code …');
select is((select array_agg(name) from public.list_therapists(specialty => 'Anxiety', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Nora York', 'Dr. Uma One'], 'TS-49: … or by its label as the directory shows it');
select is((select array_agg(name) from public.list_therapists(specialty => 'Anxiety & Depression', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Nora York'], 'TS-49: several labels joined by an ampersand keep the therapists offering all of them (''Anxiety & Depression'')');
select is((select array_agg(name) from public.list_therapists(specialty => 'Grief & Loss', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Bernd Berlin'], 'TS-49: … while a label holding an ampersand itself is one specialty (''Grief & Loss'')');
select is((select array_agg(name) from public.list_therapists(specialty => 'Trauma & PTSD, OCD', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Uri Two'], 'TS-49: … and the specialty line a card shows finds that therapist (''Trauma & PTSD, OCD'')');
select is((select array_agg(name) from public.list_therapists(language => 'pt-BR', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Uri Two'], 'TS-50: language keeps the therapists working in it');
select is((select array_agg(name) from public.list_therapists("sessionType" => 'chat', "limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Uri Two'], 'TS-51: sessionType keeps the therapists offering it');
select is((select array_agg(name) from public.list_therapists(availability => 1, "limit" => 100)
    where id in (tests.get_supabase_uid('uma'), tests.get_supabase_uid('uri'), tests.get_supabase_uid('buffered'))),
  array['Dr. Bea Buffer'], 'TS-52: availability 1 (days) drops therapists whose 24 h notice leaves nothing within a day …');
select is((select array_agg(name) from public.list_therapists(availability => 2, "limit" => 100)
    where id in (tests.get_supabase_uid('uma'), tests.get_supabase_uid('uri'), tests.get_supabase_uid('buffered'))),
  array['Dr. Bea Buffer', 'Dr. Uma One', 'Dr. Uri Two'], 'TS-52: … and availability 2 keeps them');
select tests.authenticate_as('client-a');
select results_eq(format($$select "nextAvailable", "acceptingNewClients" from public.list_therapists("limit" => 100) where id = %L$$, tests.get_supabase_uid('uri')),
  $$values (null::timestamptz, false)$$,
  'TS-66: a therapist taking no new clients shows a new client no nextAvailable (booking it would be a 422) …');
select is((select array_agg(name) from public.list_therapists(availability => 2, "limit" => 100)
    where id in (tests.get_supabase_uid('uma'), tests.get_supabase_uid('uri'))),
  array['Dr. Uma One'], 'TS-66: … and no free slot within the days asked for');
select tests.authenticate_as('back-to-back');
update public.therapists set is_listed = false where id = auth.uid();
reset role;
update public.profiles set role = 'client' where id = tests.get_supabase_uid('berlin');
select is((select is_active from public.therapists where id = tests.get_supabase_uid('berlin')), false,
  'TS-53: demoting a therapist''s profile to client makes their directory row inactive (trigger)');
select tests.authenticate_as('client-b');
select is((select array_agg(name) from public.list_therapists("limit" => 100) where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Bea Buffer', 'Dr. Kenji Tokyo', 'Dr. Nora York', 'Dr. Uma One', 'Dr. Uri Two'],
  'TS-54: an unlisted therapist and a demoted one vanish from the directory (even for a client with sessions there)');
select results_eq(format($$select private.next_available_slot(%L), private.next_available_slot(%L)$$, tests.get_supabase_uid('back-to-back'), tests.get_supabase_uid('berlin')),
  $$values (null::timestamptz, null::timestamptz)$$, 'TS-55: … have no nextAvailable');
select throws_ok(format($$select private.list_bookable_slots(%L, current_date, current_date + 1, 'UTC')$$, tests.get_supabase_uid('back-to-back')),
  'PT404', 'No such therapist', 'TS-56: … and no slots (404)');
select throws_ok(format($$select private.book_therapy_session(%L, %L)$$, tests.get_supabase_uid('back-to-back'), current_setting('tests.day') || ' 15:00+00'),
  'PT404', 'No such therapist', 'TS-56: … and cannot be booked (404)');
reset role;
select is_empty(format($$select 1 from private.bookable_slots(%1$L, now(), now() + interval '30 days', null) union all
    select 1 from private.bookable_slots(%2$L, now(), now() + interval '365 days', null)$$, tests.get_supabase_uid('back-to-back'), tests.get_supabase_uid('berlin')),
  'TS-56: … and private.bookable_slots itself yields no start for either, whoever calls it');
select tests.authenticate_as('client-b');
select is((select array_agg(name) from public.list_therapists("limit" => 100, after => tests.get_supabase_uid('york'))
    where id = any (current_setting('tests.ours')::uuid[])),
  array['Dr. Uma One', 'Dr. Uri Two'], 'TS-57: the next page starts after the last row''s therapist (after: its id; the database resolves its name)');
select throws_ok($$select * from public.list_therapists("limit" => 0)$$, 'PT400', 'limit must be between 1 and 100', 'TS-58: limit 0 is a 400');
select throws_ok($$select * from public.list_therapists(availability => 0)$$, 'PT400', 'availability is a number of days from 1 to 365',
  'TS-58: availability 0 is a 400');
select throws_ok($$select * from public.list_therapists(availability => 366)$$, 'PT400', 'availability is a number of days from 1 to 365',
  'TS-58: … and so is availability 366');
select throws_ok($$select * from public.list_therapists(after => gen_random_uuid())$$, 'PT400', 'after is not a therapist of the directory',
  'TS-58: an after that is no therapist is a 400');
select throws_ok(format($$select * from public.list_therapists(after => %L)$$, tests.get_supabase_uid('back-to-back')), 'PT400', 'after is not a therapist of the directory',
  'TS-58: … and so is an unlisted therapist''s id (it would tell their place in the list)');
select throws_ok($$select * from public.list_therapists(specialty => 'Astrology')$$, 'PT400', 'Unknown specialty: Astrology',
  'TS-58: an unknown specialty is a 400 naming it');
select throws_ok($$select * from public.list_therapists(specialty => 'Anxiety & Astrology')$$, 'PT400', 'Unknown specialty: Astrology',
  'TS-58: … also next to a known one');

--- who reads and writes availability
select tests.authenticate_as('york');
select results_eq($$select (select count(*)::int from public.therapist_weekly_hours), (select count(*)::int from public.therapist_date_overrides)$$,
  $$values (10, 6)$$, 'TS-59: a therapist reads exactly their own weekly hours and overrides');
select tests.authenticate_as('uma');
select is_empty(format($$select 1 from public.therapist_weekly_hours where therapist_id = %1$L union all select 1 from public.therapist_date_overrides where therapist_id = %1$L$$,
  tests.get_supabase_uid('york')), 'TS-60: another therapist reads none of them');
select throws_ok(format($$insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) values (%L, 6, '09:00', '10:00')$$, tests.get_supabase_uid('york')),
  '42501', null, 'TS-60: … cannot add hours for them');
select throws_ok(format($$insert into public.therapist_date_overrides (therapist_id, on_date) values (%L, '2027-02-08')$$, tests.get_supabase_uid('york')),
  '42501', null, 'TS-60: … nor a day off');
select is_empty(format($$update public.therapist_weekly_hours set ends_at = '18:00' where therapist_id = %1$L returning 1$$, tests.get_supabase_uid('york')),
  'TS-60: … and changes none of their hours');
select is_empty(format($$delete from public.therapist_date_overrides where therapist_id = %1$L returning 1$$, tests.get_supabase_uid('york')),
  'TS-60: … and deletes none of their overrides');
select tests.authenticate_as('client-a');
select is_empty($$select 1 from public.therapist_weekly_hours union all select 1 from public.therapist_date_overrides$$,
  'TS-61: a client reads no availability');
select throws_ok(format($$insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) values (%L, 6, '09:00', '10:00')$$, tests.get_supabase_uid('york')),
  '42501', null, 'TS-61: … and writes none');
select throws_ok($$insert into public.therapists (id, display_name, specialties, hourly_rate) values (auth.uid(), 'Not A Therapist', '{anxiety}', 10)$$,
  '42501', null, 'TS-61: a client cannot create a directory row for themselves');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.therapist_weekly_hours union all select 1 from public.therapist_date_overrides$$,
  'TS-62: an admin reads no availability either');
select tests.clear_authentication();
select throws_ok($$select 1 from public.therapist_weekly_hours$$, '42501', null, 'TS-63: anon has no access to weekly hours');
select throws_ok($$select 1 from public.therapist_date_overrides$$, '42501', null, 'TS-63: … nor to date overrides');
select tests.authenticate_as('york');
select throws_ok($$update public.therapists set rating_count = 10, rating_average = 5 where id = auth.uid()$$, '42501', null,
  'TS-64: a therapist cannot write their rating');
select throws_ok($$update public.therapists set is_active = true where id = auth.uid()$$, '42501', null,
  'TS-64: … nor is_active');

--- local ISO times
reset role;
select results_eq($$select private.local_iso('2027-03-14 13:00+00', 'America/New_York'), private.local_iso('2027-01-06 14:00+00', 'America/New_York'),
    private.local_iso('2027-03-14 03:30+00', 'Asia/Kolkata'), private.local_iso('2027-01-06 12:30+00', 'America/St_Johns'), private.local_iso('2027-01-06 23:59:59+00', 'UTC')$$,
  $$values ('2027-03-14T09:00:00-04:00'::text, '2027-01-06T09:00:00-05:00'::text, '2027-03-14T09:00:00+05:30'::text, '2027-01-06T09:00:00-03:30'::text, '2027-01-06T23:59:59+00:00'::text)$$,
  'TS-65: private.local_iso writes local time with the zone''s offset at that instant (-04:00 EDT, -05:00 EST, +05:30, -03:30, +00:00)');

select * from finish();
rollback;
