-- Therapy sessions: each party sees only their own sessions and never the client's account id (the therapist knows
-- the client by a handle of their own, and sees the shared fields of a named, listed card, else "Your client": never a
-- public id or pseudonym), the therapist's notes and the client's ratings stay with their owner, the status
-- machine holds for every writer, cancel / reschedule / idempotent booking, no double booking (exclusion constraints),
-- reminder jobs, the progress timeline, account deletion and the therapist directory. Threat ids: TH-01 … TH-57.
begin;
select plan(137);

-- Always rolled back: the SQLSTATE the statements raise, or 'ok'. Lets a test try a write without keeping it.
create function pg_temp.outcome(variadic statements text[])
returns text
language plpgsql
as $$
declare
  statement text;
begin
  foreach statement in array statements loop
    execute statement;
  end loop;
  raise exception 'undo' using errcode = 'TTOK0';
exception
  when sqlstate 'TTOK0' then return 'ok';
  when others then return sqlstate;
end;
$$;

-- One status change written straight to the table (as Studio or the service role would): a session in from_status
-- starting at starts_at becomes to_status. Rolled back; returns the SQLSTATE or 'ok'.
create function pg_temp.transition(from_status public.therapy_session_status, to_status public.therapy_session_status, starts_at timestamptz)
returns text
language sql
as $$
  select pg_temp.outcome(
    format($f$insert into private.therapy_sessions (id, therapist_id, client_id, starts_at, duration_minutes, session_type, status, cancelled_at, cancelled_by)
              values ('00000000-0000-4000-8000-0000000000ff', %L, %L, %L, 50, 'video', %L, %s, %s)$f$,
           tests.get_supabase_uid('therapist'), tests.get_supabase_uid('client2'), starts_at, from_status,
           case when from_status = 'cancelled' then 'now()' else 'null' end,
           case when from_status = 'cancelled' then '''system''' else 'null' end),
    format($f$update private.therapy_sessions set status = %L, cancelled_at = %s, cancelled_by = %s
              where id = '00000000-0000-4000-8000-0000000000ff'$f$,
           to_status,
           case when to_status = 'cancelled' then 'now()' else 'null' end,
           case when to_status = 'cancelled' then '''system''' else 'null' end));
$$;

-- Other suites and the vitest run share the database: every question about "all" rows is asked about this suite's people.
-- People. The client signed up in anonymous mode and shows their phone (anonymous mode hides it anyway); client2 is
-- named, keeps the default hidden phone and shows an occupation.
select tests.create_supabase_user('client', email => 'cora@example.com',
  metadata => '{"firstName": "Cora", "lastName": "Client", "phone": "+15550001111", "anonymous": true}');
select tests.create_supabase_user('client2', metadata => '{"firstName": "Nina", "lastName": "Named", "phone": "+15550002222"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('leaving-client');
select tests.create_supabase_user('therapist', metadata => '{"firstName": "Tess"}');
select tests.create_supabase_user('other-therapist');
select tests.create_supabase_user('unlisted-therapist');
select tests.create_supabase_user('retiring-therapist');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('guest', is_anonymous => true);
update public.profiles set role = 'therapist' where id in (tests.get_supabase_uid('therapist'), tests.get_supabase_uid('other-therapist'),
  tests.get_supabase_uid('unlisted-therapist'), tests.get_supabase_uid('retiring-therapist'));
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');
update public.profiles set hide_phone = false where id = tests.get_supabase_uid('client');
update public.profiles set occupation = 'Teacher' where id = tests.get_supabase_uid('client2');
select set_config('tests.client', tests.get_supabase_uid('client')::text, true);
select set_config('tests.client_pseudonym', (select pseudonym from public.profiles where id = tests.get_supabase_uid('client')), true);
select set_config('tests.therapist', tests.get_supabase_uid('therapist')::text, true);
select set_config('tests.leaving', tests.get_supabase_uid('leaving-client')::text, true);

-- Therapists create their own directory rows. No minimum notice and every day open 00:00-24:00: any 30-minute boundary
-- (but 23:30, whose 50 minutes would cross midnight) is bookable. Defaults: 50-minute sessions, 10 minutes of buffer
-- after, late cancellation inside 24 hours.
select tests.authenticate_as('therapist');
insert into public.therapists (id, display_name, specialties, hourly_rate, session_types, minimum_notice_minutes)
values ((select auth.uid()), 'Dr. Tess Therapist', '{anxiety,depression,trauma}', 120, '{video,phone}', 0);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select (select auth.uid()), d, '00:00', '24:00' from generate_series(1, 7) as d;
select tests.authenticate_as('other-therapist');
insert into public.therapists (id, display_name, specialties, hourly_rate, minimum_notice_minutes, auto_confirm)
values ((select auth.uid()), 'Dr. Otto Other', '{grief}', 90, 0, true);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select (select auth.uid()), d, '00:00', '24:00' from generate_series(1, 7) as d;
select tests.authenticate_as('unlisted-therapist');
insert into public.therapists (id, display_name, specialties, hourly_rate, is_listed) values ((select auth.uid()), 'Dr. Una Unlisted', '{ocd}', 100, false);
select tests.authenticate_as('retiring-therapist');
insert into public.therapists (id, display_name, specialties, hourly_rate) values ((select auth.uid()), 'Dr. Rita Retiring', '{sleep}', 80);

-- Times (now() is fixed for the transaction). dN+H = day N after today (UTC), H:00.
reset role;
select set_config('tests.t_s1', (date_trunc('day', now(), 'UTC') + interval '82 hours')::text, true);     -- d3+10
select set_config('tests.t_other', (date_trunc('day', now(), 'UTC') + interval '84 hours')::text, true);  -- d3+12
select set_config('tests.t_c1', (date_trunc('day', now(), 'UTC') + interval '86 hours')::text, true);     -- d3+14
select set_config('tests.t_r1', (date_trunc('day', now(), 'UTC') + interval '106 hours')::text, true);    -- d4+10
select set_config('tests.t_r2', (date_trunc('day', now(), 'UTC') + interval '110 hours')::text, true);    -- d4+14
select set_config('tests.t_r3', (date_trunc('day', now(), 'UTC') + interval '112 hours')::text, true);    -- d4+16
select set_config('tests.t_taken', (date_trunc('day', now(), 'UTC') + interval '130 hours')::text, true); -- d5+10
select set_config('tests.t_leave', (date_trunc('day', now(), 'UTC') + interval '154 hours')::text, true); -- d6+10
select set_config('tests.t_near', (date_trunc('hour', now(), 'UTC') + interval '2 hours')::text, true);   -- 1-2 hours ahead

-- Sessions that have already started cannot be booked: written straight to the table.
insert into private.therapy_sessions (id, therapist_id, client_id, starts_at, duration_minutes, session_type, status) values
  ('00000000-0000-4000-8000-0000000000a1', tests.get_supabase_uid('therapist'), tests.get_supabase_uid('client'),
   date_trunc('day', now(), 'UTC') - interval '38 hours', 50, 'video', 'scheduled'),
  ('00000000-0000-4000-8000-0000000000a2', tests.get_supabase_uid('therapist'), tests.get_supabase_uid('client'),
   date_trunc('day', now(), 'UTC') - interval '36 hours', 50, 'video', 'confirmed'),
  ('00000000-0000-4000-8000-0000000000a3', tests.get_supabase_uid('therapist'), tests.get_supabase_uid('client2'),
   date_trunc('day', now(), 'UTC') - interval '62 hours', 50, 'video', 'completed'),
  ('00000000-0000-4000-8000-0000000000a4', tests.get_supabase_uid('therapist'), tests.get_supabase_uid('client2'),
   date_trunc('day', now(), 'UTC') - interval '60 hours', 50, 'phone', 'completed'),
  -- in progress: started this hour, 90 minutes long, so it has not ended yet
  ('00000000-0000-4000-8000-0000000000a5', tests.get_supabase_uid('therapist'), tests.get_supabase_uid('client'),
   date_trunc('hour', now(), 'UTC'), 90, 'video', 'scheduled'),
  ('00000000-0000-4000-8000-0000000000a6', tests.get_supabase_uid('unlisted-therapist'), tests.get_supabase_uid('client2'),
   date_trunc('day', now(), 'UTC') - interval '84 hours', 50, 'video', 'completed'),
  ('00000000-0000-4000-8000-0000000000a7', tests.get_supabase_uid('therapist'), tests.get_supabase_uid('leaving-client'),
   date_trunc('day', now(), 'UTC') - interval '86 hours', 50, 'video', 'completed');

--- booking is idempotent
select tests.authenticate_as('client');
select set_config('tests.s1', private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_s1')::timestamptz,
  'video', '  Please call me Sam  ', 'key-1')::text, true);
select is(private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_s1')::timestamptz, 'video',
  '  Please call me Sam  ', 'key-1'), current_setting('tests.s1')::uuid, 'TH-01: booking again with the same Idempotency-Key returns the first session');
select is((select count(*)::int from public.my_therapy_sessions where "scheduledAt" = current_setting('tests.t_s1')::timestamptz), 1,
  'TH-01: … and books nothing more');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_other')::timestamptz, 'video', null, 'key-1')$$,
  'PT422', 'This Idempotency-Key was already used for a different booking', 'TH-02: the same key for a different start is a 422');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_s1')::timestamptz, 'phone', null, 'key-1')$$,
  'PT422', 'This Idempotency-Key was already used for a different booking', 'TH-02: … and so is the same key for a different type');
select tests.authenticate_as('client2');
select isnt(private.book_therapy_session(tests.get_supabase_uid('other-therapist'), current_setting('tests.t_s1')::timestamptz, 'video', null, 'key-1'),
  current_setting('tests.s1')::uuid, 'TH-03: keys belong to one client: another client''s key-1 is a booking of its own');
select results_eq($$select status::text, "myRole" from public.my_therapy_sessions where "therapistId" = tests.get_supabase_uid('other-therapist')$$,
  $$values ('confirmed'::text, 'client'::text)$$, 'TH-03: … confirmed at once by a therapist with auto_confirm');
select tests.authenticate_as('stranger');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_s1')::timestamptz)$$,
  'PT409', 'That time is no longer available', 'TH-04: a taken start cannot be booked by another client');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_s1')::timestamptz + interval '30 minutes')$$,
  'PT409', 'That time is no longer available', 'TH-04: … nor a start that overlaps it');
select tests.authenticate_as('guest');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_other')::timestamptz)$$,
  'PT403', 'Create an account (email, Google or GitHub) to book a session', 'TH-04: an anonymous sign-in cannot book');
select tests.authenticate_as('therapist');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_other')::timestamptz)$$,
  'PT422', 'You cannot book a session with yourself', 'TH-04: nor can a therapist book themselves');

--- what the client sees
select tests.authenticate_as('client');
select results_eq(format($$select "myRole", client, notes, status::text, title, therapist ->> 'name', therapist ->> 'specialty', "therapistId",
    "scheduledAt", "endsAt", duration, type::text, timing from public.my_therapy_sessions where id = %L$$, current_setting('tests.s1')),
  format($$values ('client'::text, null::jsonb, 'Please call me Sam'::text, 'scheduled'::text, 'Video session with Dr. Tess Therapist'::text,
    'Dr. Tess Therapist'::text, 'Anxiety, Depression'::text, %L::uuid, %L::timestamptz, %L::timestamptz + interval '50 minutes', 50, 'video'::text, 'upcoming'::text)$$,
    current_setting('tests.therapist'), current_setting('tests.t_s1'), current_setting('tests.t_s1')),
  'TH-05: the client sees their session in the seed''s shape, with their booking note and no client card');
select set_eq($$select id from public.my_therapy_sessions$$,
  format($$values (%L::uuid), ('00000000-0000-4000-8000-0000000000a1'), ('00000000-0000-4000-8000-0000000000a2'), ('00000000-0000-4000-8000-0000000000a5')$$,
    current_setting('tests.s1')), 'TH-05: … and exactly their own sessions');
select set_eq($$select id from private.therapy_sessions$$,
  format($$values (%L::uuid), ('00000000-0000-4000-8000-0000000000a1'), ('00000000-0000-4000-8000-0000000000a2'), ('00000000-0000-4000-8000-0000000000a5')$$,
    current_setting('tests.s1')), 'TH-05: RLS on the table underneath gives the same rows');

--- what the therapist sees
select tests.authenticate_as('therapist');
select results_eq(format($$select "myRole", client, notes from public.my_therapy_sessions where id = %L$$, current_setting('tests.s1')),
  format($$values ('therapist'::text, jsonb_build_object('id', %L::uuid, 'name', 'Your client', 'isPseudonym', true, 'avatarPath', null, 'phone', null,
    'dateOfBirth', null, 'location', null, 'occupation', null, 'interests', null), 'Please call me Sam'::text)$$,
    tests.therapist_client_handle('therapist', 'client')),
  'TH-06: the therapist sees a client in anonymous mode as "Your client", known by their handle, nothing else of the card (phone hidden); and the booking note');
select ok((select to_jsonb(s)::text from public.my_therapy_sessions as s where id = current_setting('tests.s1')::uuid) !~ (current_setting('tests.client') || '|Cora|cora@example.com|15550001111'),
  'TH-07: the therapist''s row holds no trace of the client''s account id, name, email or phone');
select is((select count(*)::int from public.my_therapy_sessions as s
           where strpos(to_jsonb(s)::text, tests.public_id_of('client')::text) > 0 or strpos(to_jsonb(s)::text, current_setting('tests.client_pseudonym')) > 0), 0,
  'TH-07: … nor of the public id or pseudonym of their anonymous card, in any session');
select results_eq($$select client ->> 'name', client ->> 'isPseudonym', client ->> 'phone', client ->> 'occupation' from public.my_therapy_sessions
    where id = '00000000-0000-4000-8000-0000000000a3'$$,
  $$values ('Nina Named'::text, 'false'::text, null::text, 'Teacher'::text)$$, 'TH-08: a named client shows their name and visible fields, not the hidden phone');
select ok((select bool_and(client ->> 'id' = tests.therapist_client_handle('therapist', 'client2')::text) from public.my_therapy_sessions
           where id in ('00000000-0000-4000-8000-0000000000a3', '00000000-0000-4000-8000-0000000000a4'))
  and position(tests.public_id_of('client2')::text in (select string_agg(to_jsonb(s)::text, '') from public.my_therapy_sessions as s)) = 0
  and position(tests.get_supabase_uid('client2')::text in (select string_agg(to_jsonb(s)::text, '') from public.my_therapy_sessions as s)) = 0,
  'TH-08: … known by their handle in every session, never by their public id or account id');
reset role;
update private.profile_cards set listed_from = date_trunc('hour', now()) + interval '1 hour' where profile_id = tests.get_supabase_uid('client2');
select tests.authenticate_as('therapist');
select results_eq($$select client ->> 'id', client ->> 'name', client ->> 'isPseudonym', client ->> 'occupation' from public.my_therapy_sessions
    where id = '00000000-0000-4000-8000-0000000000a3'$$,
  format($$values (%L::text, 'Your client'::text, 'true'::text, null::text)$$, tests.therapist_client_handle('therapist', 'client2')),
  'TH-56: a named card the directory does not list yet is not shown to the therapist either: "Your client", the same handle');
reset role;
update private.profile_cards set listed_from = now() where profile_id = tests.get_supabase_uid('client2');
select tests.authenticate_as('therapist');
select set_eq($$select id from public.my_therapy_sessions where "myRole" = 'therapist'$$,
  format($$values (%L::uuid), ('00000000-0000-4000-8000-0000000000a1'), ('00000000-0000-4000-8000-0000000000a2'), ('00000000-0000-4000-8000-0000000000a3'),
    ('00000000-0000-4000-8000-0000000000a4'), ('00000000-0000-4000-8000-0000000000a5'), ('00000000-0000-4000-8000-0000000000a7')$$, current_setting('tests.s1')),
  'TH-09: the therapist sees exactly the sessions they give');

--- everyone else
select tests.authenticate_as('other-therapist');
select is_empty($$select 1 from public.my_therapy_sessions where "therapistId" = current_setting('tests.therapist')::uuid
  union all select 1 from private.therapy_sessions where therapist_id = current_setting('tests.therapist')::uuid$$,
  'TH-10: another therapist sees none of these sessions (view or table)');
select results_eq($$select client ->> 'id', client ->> 'name' from public.my_therapy_sessions where "therapistId" = tests.get_supabase_uid('other-therapist')$$,
  format($$values (%L::text, 'Nina Named'::text)$$, tests.therapist_client_handle('other-therapist', 'client2')),
  'TH-57: another therapist of the same client knows them by a handle of their own …');
select isnt(tests.therapist_client_handle('other-therapist', 'client2'), tests.therapist_client_handle('therapist', 'client2'),
  'TH-57: … which differs from the first therapist''s, so two therapists cannot match their clients by id');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.my_therapy_sessions union all select 1 from private.therapy_sessions$$, 'TH-10: another client sees no session at all');
select tests.clear_authentication();
select throws_ok($$select * from public.my_therapy_sessions$$, '42501', null, 'TH-11: anon cannot read sessions');
select throws_ok($$select * from private.therapy_sessions$$, '42501', null, 'TH-11: … nor the table');
select throws_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_other')::timestamptz)$$,
  '42501', null, 'TH-11: … nor book');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.my_therapy_sessions$$, 'TH-12: an admin has no sessions of their own in my_therapy_sessions');
select results_eq(format($$select "therapistId", "therapistName", status::text, "sessionType"::text, "clientDeleted", "startsAt"
    from public.therapy_session_operations where id = %L$$, current_setting('tests.s1')),
  format($$values (%L::uuid, 'Dr. Tess Therapist'::text, 'scheduled'::text, 'video'::text, false, %L::timestamptz)$$,
    current_setting('tests.therapist'), current_setting('tests.t_s1')),
  'TH-12: … but sees the session''s operational facts in therapy_session_operations');
select is((select count(*)::int from public.therapy_session_operations where "therapistId" in (tests.get_supabase_uid('therapist'),
  tests.get_supabase_uid('other-therapist'), tests.get_supabase_uid('unlisted-therapist'))), 9, 'TH-12: … for every session (seven written, two booked)');
select ok((select string_agg(to_jsonb(o)::text, '') from public.therapy_session_operations as o) !~
    (current_setting('tests.client') || '|' || tests.get_supabase_uid('client2') || '|Please call me Sam|client_?[iI]d'),
  'TH-12: … without the client''s identity or note');
select tests.authenticate_as('client');
select is_empty($$select 1 from public.therapy_session_operations$$, 'TH-13: a client sees nothing in therapy_session_operations');
select tests.authenticate_as('therapist');
select is_empty($$select 1 from public.therapy_session_operations$$, 'TH-13: … nor does a therapist');

--- the therapist's private notes
select tests.authenticate_as('therapist');
select lives_ok(format($$insert into public.therapist_session_notes (session_id, body) values (%L, 'Intake: sleep problems')$$, current_setting('tests.s1')),
  'TH-14: the therapist writes a note on their session');
select results_eq($$select session_id, body, therapist_id = auth.uid() from public.therapist_session_notes$$,
  format($$values (%L::uuid, 'Intake: sleep problems'::text, true)$$, current_setting('tests.s1')), 'TH-14: … reads it back');
select results_eq($$update public.therapist_session_notes set body = 'Intake: sleep and appetite' returning body$$,
  $$values ('Intake: sleep and appetite'::text)$$, 'TH-14: … edits it');
select results_eq($$delete from public.therapist_session_notes returning body$$, $$values ('Intake: sleep and appetite'::text)$$, 'TH-14: … and deletes it');
insert into public.therapist_session_notes (session_id, body) values (current_setting('tests.s1')::uuid, 'Second note');
select throws_ok(format($$insert into public.therapist_session_notes (session_id, therapist_id, body) values (%L, %L, 'x')$$,
  '00000000-0000-4000-8000-0000000000a1', tests.get_supabase_uid('other-therapist')), '42501', null, 'TH-15: the note''s author cannot be chosen');
select tests.authenticate_as('other-therapist');
select throws_ok(format($$insert into public.therapist_session_notes (session_id, body) values (%L, 'Not my session')$$, '00000000-0000-4000-8000-0000000000a1'),
  '42501', 'new row violates row-level security policy for table "therapist_session_notes"', 'TH-15: a therapist cannot write a note on another therapist''s session');
select is_empty($$select 1 from public.therapist_session_notes$$, 'TH-16: another therapist reads no notes');
select is_empty($$update public.therapist_session_notes set body = 'overwritten' returning 1$$, 'TH-16: … changes none');
select is_empty($$delete from public.therapist_session_notes returning 1$$, 'TH-16: … deletes none');
select tests.authenticate_as('client');
select is_empty($$select 1 from public.therapist_session_notes$$, 'TH-17: the client does not read the therapist''s notes on their session');
select throws_ok(format($$insert into public.therapist_session_notes (session_id, body) values (%L, 'My own note')$$, current_setting('tests.s1')),
  '42501', 'new row violates row-level security policy for table "therapist_session_notes"', 'TH-17: … nor writes one');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.therapist_session_notes$$, 'TH-17: nor does an admin read them');
reset role;
select is((select body from public.therapist_session_notes where session_id = current_setting('tests.s1')::uuid), 'Second note',
  'TH-16: the note is unchanged after the others tried');

--- status changes through the functions
select tests.authenticate_as('client');
select throws_ok($$select private.set_therapy_session_status(current_setting('tests.s1')::uuid, 'confirmed')$$,
  'PT403', 'Only the session''s therapist can mark it confirmed', 'TH-18: the client cannot confirm');
select throws_ok($$select private.set_therapy_session_status('00000000-0000-4000-8000-0000000000a1', 'completed')$$,
  'PT403', 'Only the session''s therapist can mark it completed', 'TH-18: … nor mark a session completed');
select throws_ok($$select private.set_therapy_session_status('00000000-0000-4000-8000-0000000000a2', 'no-show')$$,
  'PT403', 'Only the session''s therapist can mark it no-show', 'TH-18: … nor no-show');
select tests.authenticate_as('therapist');
select throws_ok($$select private.set_therapy_session_status(current_setting('tests.s1')::uuid, 'cancelled')$$,
  'PT422', 'Use cancel or reschedule for that', 'TH-19: set_therapy_session_status does not cancel');
select throws_ok($$select private.set_therapy_session_status(current_setting('tests.s1')::uuid, 'scheduled')$$,
  'PT422', 'Use cancel or reschedule for that', 'TH-19: … nor sets scheduled');
select throws_ok($$select private.set_therapy_session_status(current_setting('tests.s1')::uuid, 'completed')$$,
  'PT409', 'A session can be marked completed only once it has started', 'TH-20: a future session cannot be completed');
select is(private.set_therapy_session_status(current_setting('tests.s1')::uuid, 'confirmed'), current_setting('tests.s1')::uuid, 'TH-21: the therapist confirms');
select is(private.set_therapy_session_status('00000000-0000-4000-8000-0000000000a1', 'completed'), '00000000-0000-4000-8000-0000000000a1'::uuid,
  'TH-21: … marks a started session completed');
select is(private.set_therapy_session_status('00000000-0000-4000-8000-0000000000a2', 'no-show'), '00000000-0000-4000-8000-0000000000a2'::uuid,
  'TH-21: … and another no-show');
select throws_ok($$select private.set_therapy_session_status('00000000-0000-4000-8000-0000000000a2', 'completed')$$,
  'PT409', 'A no-show session is final', 'TH-22: a no-show is final');
select throws_ok($$select private.set_therapy_session_status('00000000-0000-4000-8000-0000000000a1', 'no-show')$$,
  'PT409', 'A completed session is final', 'TH-22: … and so is completed');
select tests.authenticate_as('client');
select results_eq($$select id, status::text, timing from public.my_therapy_sessions order by "scheduledAt"$$,
  format($$values ('00000000-0000-4000-8000-0000000000a1'::uuid, 'completed'::text, 'past'::text), ('00000000-0000-4000-8000-0000000000a2', 'no-show', 'past'),
    ('00000000-0000-4000-8000-0000000000a5', 'scheduled', 'upcoming'), (%L, 'confirmed', 'upcoming')$$, current_setting('tests.s1')),
  'TH-21: the client sees the new statuses (the session in progress is still upcoming until it ends)');
select tests.authenticate_as('stranger');
select results_eq($$select pg_temp.outcome(statement) from unnest(array[
    'select private.set_therapy_session_status(current_setting(''tests.s1'')::uuid, ''completed'')',
    'select private.cancel_therapy_session(current_setting(''tests.s1'')::uuid)',
    'select private.reschedule_therapy_session(current_setting(''tests.s1'')::uuid, current_setting(''tests.t_r3'')::timestamptz)',
    'select private.request_therapy_reschedule(current_setting(''tests.s1'')::uuid)',
    'select private.rate_therapy_session(''00000000-0000-4000-8000-0000000000a1'', 5)']) as statement$$,
  $$values ('PT404'), ('PT404'), ('PT404'), ('PT404'), ('PT404')$$,
  'TH-23: to anyone else the sessions do not exist: every action is a 404');

--- the status machine, for every writer (straight to the table)
reset role;
select results_eq($$select f::text, t::text, pg_temp.transition(f, t, now() + interval '20 days')
    from unnest(enum_range(null::public.therapy_session_status)) with ordinality as a (f, i)
    cross join unnest(enum_range(null::public.therapy_session_status)) with ordinality as b (t, j)
    where f <> t order by i, j$$,
  $$values ('scheduled', 'confirmed', 'ok'), ('scheduled', 'completed', 'PT409'), ('scheduled', 'cancelled', 'ok'), ('scheduled', 'no-show', 'PT409'),
           ('confirmed', 'scheduled', 'PT409'), ('confirmed', 'completed', 'PT409'), ('confirmed', 'cancelled', 'ok'), ('confirmed', 'no-show', 'PT409'),
           ('completed', 'scheduled', 'PT409'), ('completed', 'confirmed', 'PT409'), ('completed', 'cancelled', 'PT409'), ('completed', 'no-show', 'PT409'),
           ('cancelled', 'scheduled', 'PT409'), ('cancelled', 'confirmed', 'PT409'), ('cancelled', 'completed', 'PT409'), ('cancelled', 'no-show', 'PT409'),
           ('no-show', 'scheduled', 'PT409'), ('no-show', 'confirmed', 'PT409'), ('no-show', 'completed', 'PT409'), ('no-show', 'cancelled', 'PT409')$$,
  'TH-24: before the start: scheduled → confirmed | cancelled, confirmed → cancelled; nothing else');
select results_eq($$select f::text, t::text, pg_temp.transition(f, t, now() - interval '20 days')
    from unnest(enum_range(null::public.therapy_session_status)) with ordinality as a (f, i)
    cross join unnest(enum_range(null::public.therapy_session_status)) with ordinality as b (t, j)
    where f <> t order by i, j$$,
  $$values ('scheduled', 'confirmed', 'ok'), ('scheduled', 'completed', 'ok'), ('scheduled', 'cancelled', 'PT409'), ('scheduled', 'no-show', 'ok'),
           ('confirmed', 'scheduled', 'PT409'), ('confirmed', 'completed', 'ok'), ('confirmed', 'cancelled', 'PT409'), ('confirmed', 'no-show', 'ok'),
           ('completed', 'scheduled', 'PT409'), ('completed', 'confirmed', 'PT409'), ('completed', 'cancelled', 'PT409'), ('completed', 'no-show', 'PT409'),
           ('cancelled', 'scheduled', 'PT409'), ('cancelled', 'confirmed', 'PT409'), ('cancelled', 'completed', 'PT409'), ('cancelled', 'no-show', 'PT409'),
           ('no-show', 'scheduled', 'PT409'), ('no-show', 'confirmed', 'PT409'), ('no-show', 'completed', 'PT409'), ('no-show', 'cancelled', 'PT409')$$,
  'TH-24: after the start: scheduled | confirmed → completed | no-show (and a late confirm); no cancel; final stays final');
select throws_ok($$update private.therapy_sessions set status = 'scheduled' where id = current_setting('tests.s1')::uuid$$,
  'PT409', 'A confirmed session cannot become scheduled', 'TH-25: a confirmed session does not go back to scheduled');
select throws_ok($$update private.therapy_sessions set status = 'cancelled', cancelled_at = now(), cancelled_by = 'system' where id = '00000000-0000-4000-8000-0000000000a5'$$,
  'PT409', 'A session that has started cannot be cancelled; its therapist marks it completed or no-show', 'TH-25: a started session cannot be cancelled');
select throws_ok($$update private.therapy_sessions set cancellation_reason = 'Rewritten' where id = '00000000-0000-4000-8000-0000000000a1'$$,
  'PT409', 'A completed session is final', 'TH-25: nor can a final session''s cancellation facts be rewritten');
select throws_ok($$update private.therapy_sessions set starts_at = starts_at + interval '30 minutes' where id = current_setting('tests.s1')::uuid$$,
  'PT409', 'A session''s time, type and parties do not change; reschedule it instead', 'TH-26: the time of a session does not change');
select throws_ok($$update private.therapy_sessions set session_type = 'phone' where id = current_setting('tests.s1')::uuid$$,
  'PT409', 'A session''s time, type and parties do not change; reschedule it instead', 'TH-26: … nor its type');
select results_eq($$select pg_temp.outcome(format('update private.therapy_sessions set %s where id = %L', change, current_setting('tests.s1')))
    from unnest(array['duration_minutes = 60', 'buffer_before_minutes = 5', 'buffer_after_minutes = 0', 'idempotency_key = ''key-2''',
      format('client_id = %L', tests.get_supabase_uid('client2')), format('therapist_id = %L', tests.get_supabase_uid('other-therapist')),
      'rescheduled_from = ''00000000-0000-4000-8000-0000000000a2''', 'client_id = null', 'therapist_id = null']) with ordinality as c (change, n) order by n$$,
  $$values ('PT409'), ('PT409'), ('PT409'), ('PT409'), ('PT409'), ('PT409'), ('PT409'), ('ok'), ('ok')$$,
  'TH-26: … nor its duration, buffers, idempotency key, parties or origin (only a deleted account''s id may become null)');

--- ratings
select tests.authenticate_as('therapist');
select throws_ok($$select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a1', 5)$$, 'PT403', 'Only the client rates a session',
  'TH-27: the therapist cannot rate');
select tests.authenticate_as('client');
select throws_ok($$select private.rate_therapy_session(current_setting('tests.s1')::uuid, 5)$$, 'PT409', 'Only a completed session can be rated',
  'TH-28: a session that is not completed cannot be rated');
select throws_ok($$select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a2', 1)$$, 'PT409', 'Only a completed session can be rated',
  'TH-28: … nor a no-show');
select throws_ok($$select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a1', 0)$$, 'PT400', 'rating must be a whole number from 1 to 5',
  'TH-29: a rating of 0 is a 400');
select throws_ok($$select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a1', 6)$$, 'PT400', 'rating must be a whole number from 1 to 5',
  'TH-29: … and so is 6');
select results_eq($$select rating_count, rating_average from public.therapists where id = current_setting('tests.therapist')::uuid$$, $$values (0, null::numeric)$$,
  'TH-30: the therapist starts unrated');
select is(private.rate_therapy_session('00000000-0000-4000-8000-0000000000a1', 4, '  Very helpful  '), '00000000-0000-4000-8000-0000000000a1'::uuid,
  'TH-30: the client rates their completed session');
select throws_ok($$select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a1', 5)$$, 'PT409', 'You already rated this session',
  'TH-30: … once');
select results_eq($$select rating, feedback from public.my_therapy_sessions where id = '00000000-0000-4000-8000-0000000000a1'$$,
  $$values (4::smallint, 'Very helpful'::text)$$, 'TH-31: the client sees their rating and feedback');
select results_eq($$select rating_count, rating_average from public.therapists where id = current_setting('tests.therapist')::uuid$$, $$values (0, null::numeric)$$,
  'TH-32: one rating is not published on its own (ratings are published in batches of 3: 28-ratings-stay-unlinkable)');
select tests.authenticate_as('therapist');
select results_eq($$select rating, feedback from public.my_therapy_sessions where id = '00000000-0000-4000-8000-0000000000a1'$$,
  $$values (null::smallint, null::text)$$, 'TH-33: the therapist does not see which client gave which rating');
select is_empty($$select 1 from private.therapy_session_ratings$$, 'TH-33: … nor read the ratings table');
select throws_ok($$update public.therapists set rating_count = 10, rating_average = 5 where id = auth.uid()$$, '42501', null,
  'TH-34: a therapist cannot write their own rating');
select tests.authenticate_as('client2');
select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a3', 5);
select private.rate_therapy_session('00000000-0000-4000-8000-0000000000a4', 5);
select results_eq($$select rating, "ratingCount" from public.list_therapists("limit" => 100) where id = current_setting('tests.therapist')::uuid$$,
  $$values (4.7::numeric, 3)$$, 'TH-35: with three ratings the first batch is published: the average rounded to one decimal (14 / 3 = 4.7) and the count');

--- cancel
select tests.authenticate_as('client');
select set_config('tests.c1', private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_c1')::timestamptz, 'phone')::text, true);
select set_config('tests.n1', private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_near')::timestamptz)::text, true);
reset role;
select set_eq($$select case recipient_id when tests.get_supabase_uid('client') then 'client' when tests.get_supabase_uid('therapist') then 'therapist' end,
    lead_minutes, (extract(epoch from current_setting('tests.t_s1')::timestamptz - due_at) / 60)::integer, status
    from private.session_reminders where session_id = current_setting('tests.s1')::uuid$$,
  $$values ('client', 1440, 1440, 'pending'), ('client', 30, 30, 'pending'), ('therapist', 1440, 1440, 'pending'), ('therapist', 30, 30, 'pending')$$,
  'TH-36: a booked session has four reminder jobs: client and therapist, 24 hours and 30 minutes before');
select set_eq($$select case recipient_id when tests.get_supabase_uid('client') then 'client' when tests.get_supabase_uid('therapist') then 'therapist' end,
    lead_minutes, status from private.session_reminders where session_id = current_setting('tests.n1')::uuid$$,
  $$values ('client', 30, 'pending'), ('therapist', 30, 'pending')$$,
  'TH-36: a session less than a day ahead gets only the reminders still to come');
select tests.authenticate_as('client');
select throws_ok($$select * from private.session_reminders$$, '42501', null, 'TH-37: nobody reads the reminder jobs through the API');
select is(private.cancel_therapy_session(current_setting('tests.c1')::uuid, '  Feeling better  '), current_setting('tests.c1')::uuid,
  'TH-38: the client cancels');
select results_eq(format($$select status::text, "cancelledBy"::text, "cancelledAt", "cancellationReason", "lateCancellation", timing
    from public.my_therapy_sessions where id = %L$$, current_setting('tests.c1')),
  $$values ('cancelled'::text, 'client'::text, now(), 'Feeling better'::text, false, 'past'::text)$$,
  'TH-38: … who, when and why are recorded; three days ahead is not late');
select throws_ok($$select private.cancel_therapy_session(current_setting('tests.c1')::uuid, 'Again')$$, 'PT409', 'A cancelled session cannot be cancelled',
  'TH-39: a cancelled session cannot be cancelled again (its record stays as it was)');
select throws_ok($$select private.cancel_therapy_session('00000000-0000-4000-8000-0000000000a5')$$, 'PT409',
  'A session that has started cannot be cancelled; its therapist marks it completed or no-show', 'TH-39: nor one that has started');
select tests.authenticate_as('therapist');
select is(private.cancel_therapy_session(current_setting('tests.n1')::uuid, '   '), current_setting('tests.n1')::uuid, 'TH-38: the therapist cancels too');
select results_eq(format($$select status::text, "cancelledBy"::text, "cancelledAt", "cancellationReason", "lateCancellation"
    from public.my_therapy_sessions where id = %L$$, current_setting('tests.n1')),
  $$values ('cancelled'::text, 'therapist'::text, now(), null::text, true)$$,
  'TH-38: … recorded as the therapist''s, without a reason; inside the 24-hour window it is late');
select tests.authenticate_as('client');
select results_eq(format($$select "cancelledBy"::text, "lateCancellation" from public.my_therapy_sessions where id = %L$$, current_setting('tests.n1')),
  $$values ('therapist'::text, true)$$, 'TH-38: the client sees who cancelled');
reset role;
select bag_eq($$select lead_minutes, status from private.session_reminders where session_id in (current_setting('tests.c1')::uuid, current_setting('tests.n1')::uuid)$$,
  $$values (1440, 'cancelled'), (1440, 'cancelled'), (30, 'cancelled'), (30, 'cancelled'), (30, 'cancelled'), (30, 'cancelled')$$,
  'TH-40: cancelling cancels the reminder jobs (all six of them)');
select tests.authenticate_as('client2');
select isnt(private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_c1')::timestamptz), current_setting('tests.c1')::uuid,
  'TH-41: cancelling frees the slot: another client books the same start');

--- overlaps are impossible (exclusion constraints, whoever writes)
reset role;
select results_eq($$select pg_temp.outcome(format(
      'insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, buffer_before_minutes, session_type, status, cancelled_at, cancelled_by)
       values (%L, %L, %L, 50, %s, ''video'', %L, %s, %s)', therapist_id, client_id, starts_at, buffer_before, status,
      case when status = 'cancelled' then 'now()' else 'null' end, case when status = 'cancelled' then '''client''' else 'null' end))
    from (values
      (1, 'therapist', 'stranger', interval '50 minutes', 0, 'scheduled'),
      (2, 'therapist', 'stranger', interval '60 minutes', 0, 'scheduled'),
      (3, 'therapist', 'stranger', interval '60 minutes', 5, 'confirmed'),
      (4, 'unlisted-therapist', 'client', interval '30 minutes', 0, 'scheduled'),
      (5, 'therapist', 'stranger', interval '0 minutes', 0, 'cancelled'),
      (6, 'unlisted-therapist', 'client', interval '0 minutes', 0, 'cancelled')
    ) as attempt (n, therapist, client, offset_from_s1, buffer_before, status)
    cross join lateral (select tests.get_supabase_uid(therapist) as therapist_id, tests.get_supabase_uid(client) as client_id,
                               current_setting('tests.t_s1')::timestamptz + offset_from_s1 as starts_at) as ids
    order by n$$,
  $$values ('23P01'), ('ok'), ('23P01'), ('23P01'), ('ok'), ('ok')$$,
  'TH-42: straight into the table: a session inside the therapist''s buffer, one whose own buffer reaches back into it, or an overlap for the client is refused (23P01); back to back, or overlapping only cancelled sessions, is fine');
select is(pg_temp.outcome(format($$insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type)
    values (%L, %L, %L, 50, 'video')$$, tests.get_supabase_uid('therapist'), tests.get_supabase_uid('stranger'), current_setting('tests.t_c1'))), '23P01',
  'TH-42: a freed slot taken again is protected again');
select is(pg_temp.outcome(format($$insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type)
    values (%L, %L, %L, 50, 'video')$$, tests.get_supabase_uid('therapist'), tests.get_supabase_uid('stranger'), current_setting('tests.t_near'))), 'ok',
  'TH-42: … while the slot the therapist cancelled is free');

--- reschedule
select tests.authenticate_as('client');
select set_config('tests.r1', private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_r1')::timestamptz, 'video',
  'Evening works better')::text, true);
select tests.authenticate_as('therapist');
select throws_ok($$select private.reschedule_therapy_session(current_setting('tests.r1')::uuid, current_setting('tests.t_r2')::timestamptz)$$,
  'PT403', 'Only the client reschedules; ask them with action request-reschedule', 'TH-43: the therapist does not reschedule');
select is(private.request_therapy_reschedule(current_setting('tests.r1')::uuid, '  Could we move this?  '), current_setting('tests.r1')::uuid,
  'TH-43: … the therapist asks the client to');
select throws_ok($$select private.request_therapy_reschedule(current_setting('tests.c1')::uuid)$$, 'PT409', 'Only an upcoming active session can be rescheduled',
  'TH-43: … but not for a cancelled session');
select tests.authenticate_as('client');
select throws_ok($$select private.request_therapy_reschedule(current_setting('tests.r1')::uuid, 'Me?')$$, 'PT403', 'Only the session''s therapist can ask for a reschedule',
  'TH-43: asking for a reschedule is the therapist''s');
select results_eq(format($$select "rescheduleRequestedAt", "rescheduleRequestNote", status::text from public.my_therapy_sessions where id = %L$$, current_setting('tests.r1')),
  $$values (now(), 'Could we move this?'::text, 'scheduled'::text)$$, 'TH-43: the client sees the request and its note');
select set_config('tests.r2', private.reschedule_therapy_session(current_setting('tests.r1')::uuid, current_setting('tests.t_r2')::timestamptz)::text, true);
select results_eq(format($$select status::text, "cancelledBy"::text, "cancelledAt", "cancellationReason", "rescheduledTo" from public.my_therapy_sessions where id = %L$$,
    current_setting('tests.r1')),
  format($$values ('cancelled'::text, 'client'::text, now(), 'Rescheduled'::text, %L::uuid)$$, current_setting('tests.r2')),
  'TH-44: rescheduling cancels the old session (reason Rescheduled) and points it to the new one');
select results_eq(format($$select status::text, "rescheduledFrom", "scheduledAt", notes, type::text, "therapistId" from public.my_therapy_sessions where id = %L$$,
    current_setting('tests.r2')),
  format($$values ('scheduled'::text, %L::uuid, %L::timestamptz, 'Evening works better'::text, 'video'::text, %L::uuid)$$,
    current_setting('tests.r1'), current_setting('tests.t_r2'), current_setting('tests.therapist')),
  'TH-44: … the new one comes from it, at the new time, with the same therapist, type and note');
select is(private.reschedule_therapy_session(current_setting('tests.r1')::uuid, current_setting('tests.t_r2')::timestamptz), current_setting('tests.r2')::uuid,
  'TH-45: retrying the same reschedule returns the same new session');
select is((select count(*)::int from public.my_therapy_sessions where "scheduledAt" = current_setting('tests.t_r2')::timestamptz), 1, 'TH-45: … and books nothing more');
select throws_ok($$select private.reschedule_therapy_session(current_setting('tests.r1')::uuid, current_setting('tests.t_r3')::timestamptz)$$,
  'PT409', 'This session was already rescheduled', 'TH-45: a rescheduled session cannot be rescheduled again to another time');
select throws_ok($$select private.reschedule_therapy_session(current_setting('tests.c1')::uuid, current_setting('tests.t_r3')::timestamptz)$$,
  'PT409', 'A cancelled session cannot be rescheduled', 'TH-45: … nor a cancelled one');
select throws_ok($$select private.book_therapy_session(tests.get_supabase_uid('other-therapist'), current_setting('tests.t_r2')::timestamptz)$$,
  'PT409', 'You already have a session at that time', 'TH-04: a client cannot book two sessions at once, even with different therapists');
select throws_ok($$select private.reschedule_therapy_session(current_setting('tests.r2')::uuid, current_setting('tests.t_r2')::timestamptz)$$,
  'PT422', 'The session is already at that time', 'TH-45: … and moving a session to its own time is a 422');
select tests.authenticate_as('client2');
select set_config('tests.taken', private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_taken')::timestamptz)::text, true);
select tests.authenticate_as('client');
select throws_ok($$select private.reschedule_therapy_session(current_setting('tests.r2')::uuid, current_setting('tests.t_taken')::timestamptz)$$,
  'PT409', 'That time is no longer available', 'TH-46: rescheduling to a taken time is a 409');
select results_eq(format($$select status::text, "cancelledAt", "rescheduledTo", "scheduledAt" from public.my_therapy_sessions where id = %L$$, current_setting('tests.r2')),
  format($$values ('scheduled'::text, null::timestamptz, null::uuid, %L::timestamptz)$$, current_setting('tests.t_r2')),
  'TH-46: … and leaves the session active and unchanged');
reset role;
select bag_eq($$select session_id = current_setting('tests.r1')::uuid, lead_minutes, status from private.session_reminders
    where session_id in (current_setting('tests.r1')::uuid, current_setting('tests.r2')::uuid)$$,
  $$values (true, 1440, 'cancelled'), (true, 1440, 'cancelled'), (true, 30, 'cancelled'), (true, 30, 'cancelled'),
           (false, 1440, 'pending'), (false, 1440, 'pending'), (false, 30, 'pending'), (false, 30, 'pending')$$,
  'TH-47: rescheduling cancels the old reminder jobs and creates the new session''s');
select is((select min(due_at) from private.session_reminders where session_id = current_setting('tests.r2')::uuid),
  current_setting('tests.t_r2')::timestamptz - interval '24 hours', 'TH-47: … due before the new time');
select tests.authenticate_as('client2');
select set_config('tests.taken2', private.reschedule_therapy_session(current_setting('tests.taken')::uuid,
  current_setting('tests.t_taken')::timestamptz + interval '30 minutes')::text, true);
select results_eq(format($$select status::text, "scheduledAt", "rescheduledFrom" from public.my_therapy_sessions where id = %L$$, current_setting('tests.taken2')),
  format($$values ('scheduled'::text, %L::timestamptz + interval '30 minutes', %L::uuid)$$, current_setting('tests.t_taken'), current_setting('tests.taken')),
  'TH-46: a session can move into its own old time (the old one is cancelled first, in the same transaction)');

--- the progress timeline
select tests.authenticate_as('client');
select results_eq($$select id, "occurredAt", title, type from public.my_timeline where type = 'therapy_session'$$,
  $$values ('therapy_session:00000000-0000-4000-8000-0000000000a1'::text, date_trunc('day', now(), 'UTC') - interval '38 hours' + interval '50 minutes',
            'Therapy session with Dr. Tess Therapist'::text, 'therapy_session'::text)$$,
  'TH-48: a completed session joins the client''s timeline (not the no-show, cancelled or upcoming ones)');
select tests.authenticate_as('therapist');
select is_empty($$select 1 from public.my_timeline where type = 'therapy_session'$$, 'TH-48: … not the therapist''s');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.my_timeline where type = 'therapy_session'$$, 'TH-48: … nor anyone else''s');

--- an account deleted
select tests.authenticate_as('leaving-client');
select set_config('tests.leave', private.book_therapy_session(tests.get_supabase_uid('therapist'), current_setting('tests.t_leave')::timestamptz)::text, true);
reset role;
delete from auth.users where id = current_setting('tests.leaving')::uuid;
select results_eq($$select status::text, cancelled_by::text, cancelled_at, cancellation_reason, client_id from private.therapy_sessions where id = current_setting('tests.leave')::uuid$$,
  $$values ('cancelled'::text, 'system'::text, now(), 'Cancelled by HealSpace'::text, null::uuid)$$,
  'TH-49: deleting an account cancels their future sessions (by the system) and drops their id');
select results_eq($$select status::text, client_id from private.therapy_sessions where id = '00000000-0000-4000-8000-0000000000a7'$$,
  $$values ('completed'::text, null::uuid)$$, 'TH-49: … past sessions keep their status, without the id');
select is_empty(format($$select 1 from private.session_reminders where recipient_id = %L or (session_id = %L and status <> 'cancelled')$$,
    current_setting('tests.leaving'), current_setting('tests.leave')),
  'TH-49: … their reminder jobs are gone and the therapist''s are cancelled');
select is((select count(*)::int from private.session_reminders where session_id = current_setting('tests.leave')::uuid and recipient_id = current_setting('tests.therapist')::uuid), 2,
  'TH-49: … (both of the therapist''s)');
select tests.authenticate_as('therapist');
select results_eq(format($$select id, client, status::text from public.my_therapy_sessions where id in ('00000000-0000-4000-8000-0000000000a7', %L) order by "scheduledAt"$$,
    current_setting('tests.leave')),
  format($$values ('00000000-0000-4000-8000-0000000000a7'::uuid, '{"id": null, "name": "[deleted user]"}'::jsonb, 'completed'::text),
    (%L, '{"id": null, "name": "[deleted user]"}', 'cancelled')$$, current_setting('tests.leave')),
  'TH-50: the therapist sees "[deleted user]" in place of the client');
select tests.authenticate_as('client2');
select lives_ok($$select private.book_therapy_session(current_setting('tests.therapist')::uuid, current_setting('tests.t_leave')::timestamptz)$$,
  'TH-50: … and the freed slot can be booked');

--- the therapist directory
select tests.authenticate_as('stranger');
select set_eq($$select display_name from public.therapists where id in (tests.get_supabase_uid('therapist'), tests.get_supabase_uid('other-therapist'), tests.get_supabase_uid('unlisted-therapist'),
    tests.get_supabase_uid('retiring-therapist'))$$, $$values ('Dr. Tess Therapist'), ('Dr. Otto Other'), ('Dr. Rita Retiring')$$,
  'TH-51: every signed-in person sees the listed, active therapists');
select set_eq($$select name from public.list_therapists("limit" => 100) where id in (tests.get_supabase_uid('therapist'), tests.get_supabase_uid('other-therapist'), tests.get_supabase_uid('unlisted-therapist'),
    tests.get_supabase_uid('retiring-therapist'))$$, $$values ('Dr. Tess Therapist'), ('Dr. Otto Other'), ('Dr. Rita Retiring')$$,
  'TH-51: … and so does the directory');
select tests.authenticate_as('unlisted-therapist');
select results_eq($$select display_name, is_listed from public.therapists where id = auth.uid()$$, $$values ('Dr. Una Unlisted'::text, false)$$,
  'TH-52: an unlisted therapist sees their own row');
select tests.authenticate_as('admin');
select isnt_empty($$select 1 from public.therapists where display_name = 'Dr. Una Unlisted'$$, 'TH-52: … so does an admin');
select tests.authenticate_as('client2');
select isnt_empty($$select 1 from public.therapists where display_name = 'Dr. Una Unlisted'$$, 'TH-52: … and a client who has had a session with them');
select is_empty($$select 1 from public.list_therapists("limit" => 100) where name = 'Dr. Una Unlisted'$$, 'TH-52: … though the directory does not list them');
select tests.authenticate_as('client');
select is_empty($$select 1 from public.therapists where display_name = 'Dr. Una Unlisted'$$, 'TH-52: other clients do not see an unlisted therapist');
select tests.authenticate_as('other-therapist');
select is_empty($$select 1 from public.therapists where display_name = 'Dr. Una Unlisted'$$, 'TH-52: … nor do other therapists');
reset role;
update public.profiles set role = 'client' where id = tests.get_supabase_uid('retiring-therapist');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.therapists where display_name = 'Dr. Rita Retiring'$$, 'TH-53: a therapist who is no longer one leaves the directory');
select tests.authenticate_as('retiring-therapist');
select results_eq($$select is_active from public.therapists where id = auth.uid()$$, $$values (false)$$, 'TH-53: … their row is inactive (they still see it)');
select tests.clear_authentication();
select throws_ok($$select * from public.therapists$$, '42501', null, 'TH-54: anon does not read the directory');

select tests.authenticate_as('therapist');
select throws_ok($$select client_id from private.therapy_sessions$$, '42501', null,
  'TH-55: a therapist cannot read the client''s account id from the sessions table, even with SQL');
select isnt_empty($$select id, client_note from private.therapy_sessions$$, 'TH-55: … while the rest of their sessions stays readable');
select tests.authenticate_as('admin');
select is_empty($$select 1 from private.therapy_sessions$$, 'TH-55: admins are not parties: the table shows them nothing (operations come through the view)');

select * from finish();
rollback;
