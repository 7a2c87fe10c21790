-- Abuse limits (issue 14, findings 8 and 9), each from the allowed and the denied side. Booking: one account cannot
-- hold a therapist's calendar (the 37-bookings scenario: refused past the limit, another client still finds a free
-- slot every day), at most 4 upcoming sessions with one therapist and 8 in total, at most 10 bookings a day whatever
-- became of them (book/cancel loops and reschedules count: limits survive cancel and rebook), at most 10 unanswered
-- requests from new clients per therapist who confirms by hand; an Idempotency-Key retry costs nothing; anonymous
-- sign-ins do not book. Sending notifications: a therapist sends only session_update, never urgent, only about an
-- upcoming or recent session with that client, always after the client's quiet hours; 5 a minute, 30 an hour, 3 an
-- hour and 10 a day to one person; admins send system (urgent for safety) and session_update, 5 an hour to one person;
-- the service role keeps the seed's contract (session_reminder bypasses quiet hours); a therapist names a client only by
-- their handle, and refused attempts count toward the therapist's rates. Threat ids: AL-01 … AL-44.
-- Statements that use the new objects by name come last, so this file also runs (and fails where it should) on a
-- database without the two migrations. Other suites and the vitest run share the database: every assertion is about
-- this suite's people.
begin;
select plan(52);

-- A test user's account id by short name (al-<name>).
create function pg_temp.uid(name text)
returns uuid
language sql
stable
as $$ select tests.get_supabase_uid('al-' || name) $$;

-- The id Dr. Dee (al-doc) knows a client by: their handle (my_therapy_sessions.client.id).
create function pg_temp.handle(name text)
returns uuid
language sql
stable
as $$ select tests.therapist_client_handle('al-doc', 'al-' || name) $$;

-- Runs a statement and keeps what it did when it succeeds; returns 'ok' or the SQLSTATE it raised (undone).
create function pg_temp.attempt(statement text)
returns text
language plpgsql
as $$
begin
  execute statement;
  return 'ok';
exception when others then
  return sqlstate;
end;
$$;

-- Books as the current user; returns the session id (or raises).
create function pg_temp.book(therapist text, starts_at timestamptz, idempotency_key text default null)
returns uuid
language sql
as $$ select private.book_therapy_session(pg_temp.uid(therapist), starts_at, 'video', null, idempotency_key) $$;

-- Day d (1 = tomorrow, UTC) at hour h.
create function pg_temp.at(d integer, h integer)
returns timestamptz
language sql
stable
as $$ select date_trunc('day', now(), 'UTC') + make_interval(days => d, hours => h) $$;

create temporary table attempts (n integer, outcome text);
grant all on table attempts to authenticated;

-- People.
select tests.create_supabase_user('al-' || name)
from unnest(array['mallory', 'erin', 'known', 'late', 'hold', 'other1', 'other2', 'intake', 'auto', 'doc', 'pat', 'pat2', 'pat3',
                  'pat4', 'pat5', 'pat6', 'former', 'stranger', 'admin']) as name;
select tests.create_supabase_user('al-new' || n) from generate_series(1, 11) as n;
select tests.create_supabase_user('al-auto-new' || n) from generate_series(1, 11) as n;
select tests.create_supabase_user('al-guest', is_anonymous => true);
update public.profiles set role = 'therapist'
where id in (pg_temp.uid('hold'), pg_temp.uid('other1'), pg_temp.uid('other2'), pg_temp.uid('intake'), pg_temp.uid('auto'), pg_temp.uid('doc'));
update public.profiles set role = 'admin' where id = pg_temp.uid('admin');

-- Therapists. Hold works 09:00-13:00 UTC every day, one start an hour (four a day), confirms by hand: ten days are
-- forty slots, the calendar of the finding. The others are open around the clock with no notice.
insert into public.therapists (id, display_name, specialties, hourly_rate, slot_interval_minutes, minimum_notice_minutes, auto_confirm) values
  (pg_temp.uid('hold'), 'Dr. Hana Hold', '{anxiety}', 100, 60, 0, false),
  (pg_temp.uid('other1'), 'Dr. Omar One', '{stress}', 100, 30, 0, true),
  (pg_temp.uid('other2'), 'Dr. Olga Two', '{stress}', 100, 30, 0, true),
  (pg_temp.uid('intake'), 'Dr. Ines Intake', '{grief}', 100, 30, 0, false),
  (pg_temp.uid('auto'), 'Dr. Abe Auto', '{grief}', 100, 30, 0, true),
  (pg_temp.uid('doc'), 'Dr. Dee Notes', '{sleep}', 100, 30, 0, false);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select pg_temp.uid('hold'), d, '09:00'::time, '13:00'::time from generate_series(1, 7) as d
union all
select pg_temp.uid(t), d, '00:00', '24:00' from unnest(array['other1', 'other2', 'intake', 'auto', 'doc']) as t, generate_series(1, 7) as d;

--- finding 8: one account holds a therapist's calendar --------------------------------------------------------------

-- Mallory tries the first 37 of the ten days' 40 slots, in order.
select tests.authenticate_as('al-mallory');
insert into attempts (n, outcome)
select n, pg_temp.attempt(format('select pg_temp.book(%L, %L)', 'hold', pg_temp.at(1 + (n - 1) / 4, 9 + (n - 1) % 4)))
from generate_series(1, 37) as n order by n;
select results_eq($$select outcome, count(*)::int, min(n), max(n) from attempts group by outcome order by outcome$$,
  $$values ('PT429'::text, 33, 5, 37), ('ok', 4, 1, 4)$$,
  'AL-01: of 37 bookings one account tries with one therapist, the first 4 are made and the other 33 refused with 429');
select throws_ok($$select pg_temp.book('hold', pg_temp.at(10, 11))$$, 'PT429',
  'You already have 4 upcoming sessions with this therapist; attend or cancel one before booking another',
  'AL-02: … with a message that says why and what to do');
select tests.authenticate_as('al-erin');
select results_eq($$select jsonb_array_length(s -> 'slots'), (select count(distinct x ->> 'date')::int from jsonb_array_elements(s -> 'slots') as x)
    from private.list_bookable_slots(pg_temp.uid('hold'), (pg_temp.at(1, 0) at time zone 'UTC')::date, (pg_temp.at(10, 0) at time zone 'UTC')::date, 'UTC') as s$$,
  $$values (36, 9)$$, 'AL-03: another client still sees 36 of the 40 slots: all but the first day''s four');
select lives_ok($$select pg_temp.book('hold', pg_temp.at(2, 12))$$, 'AL-04: … and books one');

-- The total across therapists.
select tests.authenticate_as('al-mallory');
select set_config('tests.keyed', pg_temp.book('other1', pg_temp.at(1, 15), 'al-key-1')::text, true);
select is(array[pg_temp.attempt($$select pg_temp.book('other1', pg_temp.at(2, 15))$$), pg_temp.attempt($$select pg_temp.book('other1', pg_temp.at(3, 15))$$),
                pg_temp.attempt($$select pg_temp.book('other1', pg_temp.at(4, 15))$$)],
  array['ok', 'ok', 'ok'], 'AL-05: the same client books 4 sessions with a second therapist (the limit is per therapist)');
select throws_ok($$select pg_temp.book('other2', pg_temp.at(5, 15))$$, 'PT429',
  'You already have 8 upcoming sessions; attend or cancel one before booking another',
  'AL-06: … but a ninth upcoming session, with a third therapist, is refused (8 in total)');

-- Cancel and rebook: cancelling gives room back in what one holds, never in what one has made today.
select set_config('tests.hold_first', (select id::text from public.my_therapy_sessions where "therapistId" = pg_temp.uid('hold') order by "scheduledAt" limit 1), true);
select private.cancel_therapy_session(current_setting('tests.hold_first')::uuid, 'changed my mind');
select is(pg_temp.attempt($$select pg_temp.book('hold', pg_temp.at(6, 9))$$), 'ok', 'AL-07: after cancelling one, the client books another with that therapist (9 bookings today)');
select private.cancel_therapy_session((select id from public.my_therapy_sessions where "therapistId" = pg_temp.uid('hold') and status = 'scheduled'
  order by "scheduledAt" limit 1), 'again');
select is(pg_temp.attempt($$select pg_temp.book('hold', pg_temp.at(6, 10))$$), 'ok', 'AL-07: … and once more (10 bookings today)');
select private.cancel_therapy_session((select id from public.my_therapy_sessions where "therapistId" = pg_temp.uid('hold') and status = 'scheduled'
  order by "scheduledAt" limit 1), 'and again');
select throws_ok($$select pg_temp.book('hold', pg_temp.at(6, 11))$$, 'PT429',
  'You have made 10 bookings in the last day (cancelled and rescheduled ones count too); try again later',
  'AL-08: the eleventh booking of the day is refused although the client holds only 3 sessions with the therapist: book/cancel loops end here');
select throws_ok($$select pg_temp.book('other2', pg_temp.at(5, 15))$$, 'PT429', null, 'AL-08: … with any therapist');
select results_eq($$select count(*)::int from public.my_therapy_sessions where timing = 'upcoming'$$, $$values (7)$$,
  'AL-08: (she holds 7 upcoming sessions: 3 and 4)');
select set_config('tests.to_move', (select id::text from public.my_therapy_sessions where "therapistId" = pg_temp.uid('other1') order by "scheduledAt" desc limit 1), true);
select throws_ok($$select private.reschedule_therapy_session(current_setting('tests.to_move')::uuid, pg_temp.at(7, 15))$$, 'PT429',
  'You have made 10 bookings in the last day (cancelled and rescheduled ones count too); try again later',
  'AL-09: a reschedule is a booking too: refused past the daily limit');
select results_eq($$select status::text, "scheduledAt", "rescheduledTo" from public.my_therapy_sessions where id = current_setting('tests.to_move')::uuid$$,
  $$values ('confirmed'::text, pg_temp.at(4, 15), null::uuid)$$, 'AL-09: … and the session stays as it was');
select is(pg_temp.book('other1', pg_temp.at(1, 15), 'al-key-1'), current_setting('tests.keyed')::uuid,
  'AL-10: a retry with the same Idempotency-Key still answers with the first booking (a retry books nothing, so no limit applies)');

select tests.authenticate_as('al-guest');
select throws_ok($$select pg_temp.book('other2', pg_temp.at(8, 15))$$, 'PT403', 'Create an account (email, Google or GitHub) to book a session',
  'AL-11: an anonymous sign-in does not book at all');

-- Rescheduling within the limits.
select tests.authenticate_as('al-late');
select set_config('tests.late_session', pg_temp.book('other2', pg_temp.at(3, 8))::text, true);
select isnt(private.reschedule_therapy_session(current_setting('tests.late_session')::uuid, pg_temp.at(3, 9)), null,
  'AL-12: under the daily limit a client reschedules');

--- finding 8, many accounts: unanswered requests from new clients per therapist ---------------------------------

reset role;
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
values (pg_temp.uid('intake'), pg_temp.uid('known'), now() - interval '10 days', 50, 'video', 'completed');
create function pg_temp.book_as(person text, therapist text, starts_at timestamptz)
returns text
language plpgsql
as $$
begin
  perform tests.authenticate_as('al-' || person);
  return pg_temp.attempt(format('select pg_temp.book(%L, %L)', therapist, starts_at));
end;
$$;
select is((select array_agg(pg_temp.book_as('new' || n, 'intake', pg_temp.at(1, n)) order by n) from generate_series(1, 10) as n),
  array_fill('ok'::text, array[10]), 'AL-13: ten clients new to a therapist who confirms by hand each request a session');
select tests.authenticate_as('al-new11');
select throws_ok($$select pg_temp.book('intake', pg_temp.at(1, 12))$$, 'PT429',
  'This therapist has too many booking requests from new clients waiting for an answer; try again later or choose another therapist',
  'AL-14: an eleventh new client is asked to try later: fresh accounts cannot fill a calendar either');
select tests.authenticate_as('al-known');
select lives_ok($$select pg_temp.book('intake', pg_temp.at(1, 13))$$, 'AL-15: a client who has completed a session with the therapist still books');
select tests.authenticate_as('al-intake');
select private.set_therapy_session_status((select id from public.my_therapy_sessions where status = 'scheduled' order by "scheduledAt" limit 1), 'confirmed');
select tests.authenticate_as('al-new11');
select lives_ok($$select pg_temp.book('intake', pg_temp.at(1, 14))$$, 'AL-16: once the therapist answers a request, a new client can book again');
select is((select array_agg(pg_temp.book_as('auto-new' || n, 'auto', pg_temp.at(2, n)) order by n) from generate_series(1, 11) as n),
  array_fill('ok'::text, array[11]), 'AL-17: a therapist who auto-confirms accepted every booking: eleven new clients book');

--- finding 9: what a therapist may send, and how often --------------------------------------------------------------

reset role;
-- Pat has an upcoming session with Dr. Dee, a device, and quiet hours around now; Former's last session ended 30 days ago.
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
select pg_temp.uid('doc'), pg_temp.uid(p), now() + interval '3 days' + make_interval(hours => n::integer), 50, 'video', 'scheduled'
from unnest(array['pat', 'pat2', 'pat3', 'pat4', 'pat5', 'pat6']) with ordinality as c (p, n);
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
values (pg_temp.uid('doc'), pg_temp.uid('former'), now() - interval '30 days', 50, 'video', 'completed'),
       (pg_temp.uid('doc'), pg_temp.uid('pat'), now() - interval '7 days', 50, 'video', 'completed');
select set_config('tests.pat_session', (select id::text from private.therapy_sessions where client_id = pg_temp.uid('pat') and status = 'scheduled'), true);
select set_config('tests.pat_past', (select id::text from private.therapy_sessions where client_id = pg_temp.uid('pat') and status = 'completed'), true);
select set_config('tests.pat2_session', (select id::text from private.therapy_sessions where client_id = pg_temp.uid('pat2')), true);
insert into public.notification_settings (user_id, quiet_hours_start, quiet_hours_end)
values (pg_temp.uid('pat'), ((now() - interval '1 hour') at time zone 'UTC')::time, ((now() + interval '1 hour') at time zone 'UTC')::time);
select tests.authenticate_as('al-pat');
select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/al26-pat-phone', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)));

select tests.authenticate_as('al-doc');
select throws_ok(format($$select private.send_notification(%L, 'Session Reminder', 'Your session starts in 30 minutes', 'session_reminder')$$, pg_temp.handle('pat')),
  'PT403', 'Therapists send only session_update notifications (not session_reminder): session reminders and urgent messages come from HealSpace itself',
  'AL-20: a therapist cannot send a session_reminder (the type that skips quiet hours)');
select throws_ok(format($$select private.send_notification(%L, 'Call me', 'Now', 'system', urgent => true)$$, pg_temp.handle('pat')),
  'PT403', 'Therapists send only session_update notifications (not system): session reminders and urgent messages come from HealSpace itself',
  'AL-21: … nor an urgent system message (the other way past quiet hours)');
select throws_ok(format($$select private.send_notification(%L, 'Hello', 'Just checking in', 'session_update', urgent => true)$$, pg_temp.handle('pat')),
  'PT403', 'Therapists cannot send urgent notifications: yours wait for the client''s quiet hours to end', 'AL-21: … nor anything urgent');
select throws_ok(format($$select private.send_notification(%L, 'News', 'Our practice moved', 'system')$$, pg_temp.handle('pat')),
  'PT403', null, 'AL-22: … nor a system message');
select set_config('tests.sent1', private.send_notification(pg_temp.handle('pat'), 'Running late', 'I will start 10 minutes late', 'session_update')::text, true);
select set_config('tests.sent2', private.send_notification(pg_temp.handle('pat'), 'Worksheet', 'As discussed', data => jsonb_build_object('sessionId', current_setting('tests.pat_past')))::text, true);
reset role;
select results_eq($$select (j #>> '{jobs,0,runAt}')::timestamptz, n.type::text, n.data from public.notifications as n,
      (select current_setting('tests.sent1')::jsonb as j) as answer where n.id = (j ->> 'notificationId')::uuid$$,
  $$values (now() + interval '1 hour', 'session_update'::text, jsonb_build_object('sessionId', current_setting('tests.pat_session')::uuid))$$,
  'AL-23: a therapist''s session update to a client in quiet hours waits for their end, and names the upcoming session it is about');
select results_eq($$select type::text, data ->> 'sessionId' from public.notifications where id = (current_setting('tests.sent2')::jsonb ->> 'notificationId')::uuid$$,
  $$values ('session_update'::text, current_setting('tests.pat_past'))$$,
  'AL-24: without a type a therapist sends a session update; one about a session of last week names that session');
select tests.authenticate_as('al-doc');
select isnt(private.send_notification(pg_temp.handle('pat'), 'Room', 'We meet in room 2') ->> 'notificationId', null, 'AL-27: a third notification to one client within the hour goes');
select throws_ok(format($$select private.send_notification(%L, 'Again', 'And again')$$, pg_temp.handle('pat')), 'PT429',
  'You have sent this person 3 notifications in the last hour; wait before sending them more', 'AL-27: a fourth is refused with 429');
select is(array[pg_temp.attempt(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat2'))),
                pg_temp.attempt(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat3')))],
  array['ok', 'ok'], 'AL-28: two more to other clients make five this minute');
select throws_ok(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat4')), 'PT429',
  'You have sent 5 notifications in the last minute; wait before sending more', 'AL-28: the sixth within the minute is refused with 429, whoever it is for');
reset role;
select is((select count(*)::int from public.notifications where user_id in (pg_temp.uid('pat'), pg_temp.uid('pat4'), pg_temp.uid('former'), pg_temp.uid('stranger'))
    and title in ('Session Reminder', 'Call me', 'Hello', 'News', 'Again', 'Note')),
  0, 'AL-29: refused sends write nothing');

--- admins, the service role, everyone else -----------------------------------------------------------------------
select tests.authenticate_as('al-admin');
select throws_ok(format($$select private.send_notification(%L, 'Session Reminder', 'Soon', 'session_reminder')$$, pg_temp.uid('pat')), 'PT403',
  'Admins send system and session_update notifications; session_reminder notifications come from the database', 'AL-30: an admin does not send session reminders');
select set_config('tests.admin_urgent', private.send_notification(pg_temp.uid('pat'), 'Safety', 'Help is available', 'system', urgent => true)::text, true);
select results_eq($$select (j #>> '{jobs,0,runAt}')::timestamptz, j -> 'notificationId' is not null from (select current_setting('tests.admin_urgent')::jsonb as j) as a$$,
  $$values (now(), true)$$, 'AL-31: an admin''s urgent system message (safety) goes at once, quiet hours or not');
select is((select array_agg(pg_temp.attempt(format($$select private.send_notification(%L, 'From the team', 'Note %s')$$, pg_temp.uid('pat'), n)) order by n)
    from generate_series(1, 5) as n),
  array['ok', 'ok', 'ok', 'ok', 'PT429'], 'AL-32: an admin sends one person 5 notifications an hour; the sixth is a 429');
select lives_ok(format($$select private.send_notification(%L, 'From the team', 'Hello')$$, pg_temp.uid('stranger')), 'AL-32: … while others can still be reached');
select tests.authenticate_as_service_role();
select set_config('tests.service_reminder', private.send_notification(pg_temp.uid('pat'), 'Session Reminder', 'Your therapy session starts in 30 minutes',
  'session_reminder')::text, true);
select results_eq($$select (j #>> '{jobs,0,runAt}')::timestamptz from (select current_setting('tests.service_reminder')::jsonb as j) as a$$,
  $$values (now())$$, 'AL-33: the service role sends the seed''s session_reminder, which skips quiet hours, without a rate limit');
select tests.authenticate_as('al-pat');
select throws_ok(format($$select private.send_notification(%L, 'Hi', 'From a client', 'session_update')$$, pg_temp.uid('pat2')), 'PT403', 'You may not notify this person',
  'AL-34: a client notifies nobody');

--- the rest uses the new objects by name ------------------------------------------------------------------------------
reset role;
-- The minute passes: the therapist may send again (to a client not yet at their own limits).
update private.notification_send_log set sent_at = sent_at - interval '2 minutes' where sender_id = pg_temp.uid('doc');
select tests.authenticate_as('al-doc');
select lives_ok(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat4')), 'AL-35: after the minute the therapist sends again');
reset role;
-- 24 more sends earlier this hour (30 with the 6 made): the hourly limit is reached.
insert into private.notification_send_log (sender_id, recipient_id, sent_at)
select pg_temp.uid('doc'), pg_temp.uid('pat5'), clock_timestamp() - interval '30 minutes' from generate_series(1, 24);
select tests.authenticate_as('al-doc');
select throws_ok(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat6')), 'PT429',
  'You have sent 30 notifications in the last hour; wait before sending more', 'AL-36: a therapist sends at most 30 notifications an hour');
reset role;
-- Ten to one client across the day: the daily limit to one person holds when the hourly one would not.
update private.notification_send_log set sent_at = clock_timestamp() - interval '3 hours' where sender_id = pg_temp.uid('doc');
insert into private.notification_send_log (sender_id, recipient_id, sent_at)
select pg_temp.uid('doc'), pg_temp.uid('pat6'), clock_timestamp() - interval '5 hours' from generate_series(1, 10);
insert into private.notification_send_log (sender_id, recipient_id, sent_at) values (pg_temp.uid('doc'), pg_temp.uid('pat4'), clock_timestamp() - interval '2 days');
select tests.authenticate_as('al-doc');
select throws_ok(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat6')), 'PT429',
  'You have sent this person 10 notifications in the last day; wait before sending them more', 'AL-37: a therapist sends one client at most 10 a day');
select lives_ok(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat4')), 'AL-37: … and another client still hears from them');
reset role;
select is((select count(*)::int from private.notification_send_log where sender_id = pg_temp.uid('doc') and sent_at < clock_timestamp() - interval '24 hours'), 0,
  'AL-38: a send prunes the sender''s log entries older than the longest window (one from two days ago is gone)');

-- Whom a therapist may not notify, and what trying costs. One send so far this minute (AL-37). A therapist names a
-- client by their handle; every other id is refused alike, and the refusal is kept (returned, not raised) so that it
-- counts toward the therapist's rates: ids cannot be tried without limit.
select tests.authenticate_as('al-doc');
select set_config('tests.to_former', private.send_notification(pg_temp.handle('former'), 'Hello again', 'It has been a while')::text, true);
select is(current_setting('tests.to_former')::jsonb #>> '{refused,message}', 'You may not notify this person',
  'AL-25: a client whose last session ended 30 days ago is no longer reachable by the therapist');
select is(private.send_notification(pg_temp.handle('pat'), 'Wrong file', 'x', data => jsonb_build_object('sessionId', current_setting('tests.pat2_session'))),
  current_setting('tests.to_former')::jsonb, 'AL-26: a notification cannot claim to be about another client''s session');
select is(private.send_notification(pg_temp.uid('stranger'), 'Hi', 'Do you want therapy?'), current_setting('tests.to_former')::jsonb,
  'AL-26: … nor reach a stranger');
select is(private.send_notification(pg_temp.uid('pat'), 'By account id', 'Is it you?'), current_setting('tests.to_former')::jsonb,
  'AL-41: a client''s account id is answered exactly as a stranger''s (only the handle names a client)');
select throws_ok(format($$select private.send_notification(%L, 'Note', 'A note')$$, pg_temp.handle('pat4')), 'PT429',
  'You have sent 5 notifications in the last minute; wait before sending more',
  'AL-42: refused attempts count: after one send and four refusals this minute, even a real client is a 429');
reset role;
select is((select count(*)::int from private.notification_send_log where sender_id = pg_temp.uid('doc') and recipient_id is null), 4,
  'AL-43: each refused attempt is in the send log, without a recipient');
select is((select count(*)::int from public.notifications where user_id in (pg_temp.uid('pat'), pg_temp.uid('former'), pg_temp.uid('stranger'))
    and title in ('Hello again', 'Wrong file', 'Hi', 'By account id')), 0, 'AL-44: … and wrote nothing else');

select ok((select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()) >= 3,
  'AL-39: bookings and sends hold transaction-scoped advisory locks (per client, per therapist for new clients, per sender) until commit');

select results_eq($$select name, value, per from private.abuse_limits order by name collate "C"$$,
  $$values ('booking.made_per_day'::text, 10, interval '24 hours'), ('booking.unanswered_from_new_clients', 10, null),
           ('booking.upcoming_total', 8, null), ('booking.upcoming_with_one_therapist', 4, null),
           ('notification_send.admin_per_hour', 200, interval '1 hour'), ('notification_send.admin_per_minute', 20, interval '1 minute'),
           ('notification_send.admin_to_one_person_per_hour', 5, interval '1 hour'),
           ('notification_send.therapist_per_hour', 30, interval '1 hour'), ('notification_send.therapist_per_minute', 5, interval '1 minute'),
           ('notification_send.therapist_session_recency_days', 14, null),
           ('notification_send.therapist_to_one_person_per_day', 10, interval '24 hours'),
           ('notification_send.therapist_to_one_person_per_hour', 3, interval '1 hour')$$,
  'AL-40: the limits are the numbers the README documents, in one table');

select * from finish();
rollback;
