-- What grows with users stays bounded (issue 17, part 3): private.prune_operational_rows deletes the operational rows
-- nothing reads any more, oldest first and at most `batch` per table per call, and keeps every row still in use: the
-- send logs' windows, pending and running delivery jobs (and dead ones for a week), pending reminders and those of
-- recent sessions, a match whose conversation is open and the entry GET /chat-match still reports, the day's rematch
-- invitations, recent pg_cron run records. Each table is checked from both sides; anon and signed-in users cannot run
-- it. Threat ids: PO-01 … PO-26.
-- Other suites and the vitest run share the database and the prune is global: this suite first drains what was due,
-- then counts and checks only its own rows (po-*), and rolls everything back.
begin;
select plan(27);

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

-- Whether a fixture row is still there: its probe is a query answering one boolean.
create function pg_temp.present(probe text)
returns boolean
language plpgsql
as $$
declare
  found boolean;
begin
  execute probe into found;
  return found;
end;
$$;

-- The counts a call answered, without pg_cron's (null where pg_cron does not run; this suite gives it a stand-in).
create temporary table calls (n integer primary key, counts jsonb);

-- Every row this suite writes into a pruned table: whether the prune must take it, whether it is the oldest of those
-- in its table (the first to go), and how to tell whether it is still there.
create temporary table fx (tbl text, label text, expired boolean, oldest boolean default false, probe text);

create function pg_temp.fixture(tbl text, label text, expired boolean, probe text, oldest boolean default false)
returns void
language sql
as $$ insert into fx (tbl, label, expired, oldest, probe) values (tbl, label, expired, oldest, probe) $$;

-- Where pg_cron does not run, a stand-in for its run records with pg_cron's columns (rolled back with the rest).
do $$
begin
  if to_regclass('cron.job_run_details') is null then
    create schema if not exists cron;
    create table cron.job_run_details (
      jobid bigint, runid bigserial primary key, job_pid integer, database text, username text, command text,
      status text, return_message text, start_time timestamptz, end_time timestamptz);
  end if;
end
$$;

-- Whatever was already due goes first (other suites' leftovers, a long-lived local database), so that the counts
-- below are this suite's rows only.
do $$
declare
  counts jsonb;
begin
  loop
    counts := private.prune_operational_rows(10000);
    exit when not exists (select 1 from jsonb_each(counts) as c where c.value = '10000');
  end loop;
end
$$;

-- People: four who talk and a therapist who notifies.
select tests.create_supabase_user('po-a');
select tests.create_supabase_user('po-b');
select tests.create_supabase_user('po-c');
select tests.create_supabase_user('po-d');
select tests.create_supabase_user('po-t');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('po-t');
insert into public.therapists (id, display_name, specialties, hourly_rate) values (tests.get_supabase_uid('po-t'), 'Dr. Prune', '{sleep}', 100);

-- Chat and group send log: the limit counts the last minute; rows past an hour count toward nothing. po-b stopped
-- sending five hours ago, so no send of theirs would ever prune their rows.
insert into private.send_log (user_id, sent_at) values
  (tests.get_supabase_uid('po-b'), now() - interval '5 hours'),
  (tests.get_supabase_uid('po-a'), now() - interval '3 hours'),
  (tests.get_supabase_uid('po-a'), now() - interval '2 hours'),
  (tests.get_supabase_uid('po-a'), now() - interval '50 minutes'),
  (tests.get_supabase_uid('po-a'), now() - interval '10 seconds');
select pg_temp.fixture('private.send_log', label, expired, format(
  'select exists (select 1 from private.send_log where user_id = %L and sent_at = now() - %L::interval)', tests.get_supabase_uid(who), age), oldest)
from (values ('po-b 5 hours ago', 'po-b', '5 hours', true, true), ('po-a 3 hours ago', 'po-a', '3 hours', true, false),
             ('po-a 2 hours ago', 'po-a', '2 hours', true, false), ('po-a 50 minutes ago', 'po-a', '50 minutes', false, false),
             ('po-a 10 seconds ago', 'po-a', '10 seconds', false, false)) as r (label, who, age, expired, oldest);

-- Notification send log: the longest window is a day (10 a day to one client); a refused attempt has no recipient.
insert into private.notification_send_log (sender_id, recipient_id, sent_at) values
  (tests.get_supabase_uid('po-t'), null, now() - interval '3 days'),
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() - interval '26 hours'),
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() - interval '23 hours'),
  (tests.get_supabase_uid('po-t'), null, now() - interval '30 minutes');
select pg_temp.fixture('private.notification_send_log', label, expired, format(
  'select exists (select 1 from private.notification_send_log where sender_id = %L and sent_at = now() - %L::interval)',
  tests.get_supabase_uid('po-t'), age), oldest)
from (values ('refused 3 days ago', '3 days', true, true), ('to po-a 26 hours ago', '26 hours', true, false),
             ('to po-a 23 hours ago (in the day''s window)', '23 hours', false, false),
             ('refused 30 minutes ago', '30 minutes', false, false)) as r (label, age, expired, oldest);

-- Delivery jobs (group fan-outs: no device needed). Finished: done and cancelled kept a day, dead a week; pending and
-- running never taken, however old.
with job (label, status, age, expired, oldest) as (
  values ('dead 8 days ago', 'dead', '8 days', true, true), ('done 3 days ago', 'done', '3 days', true, false),
         ('cancelled 2 days ago', 'cancelled', '2 days', true, false), ('dead 2 days ago', 'dead', '2 days', false, false),
         ('done 2 hours ago', 'done', '2 hours', false, false), ('pending since 10 days (a retry in flight)', 'pending', '10 days', false, false),
         ('running since 10 days (its worker vanished)', 'running', '10 days', false, false)),
inserted as (
  insert into private.notification_jobs (kind, notification_type, payload, status, run_at, locked_at, locked_by, created_at, updated_at)
  select 'group_message', 'group_message', jsonb_build_object('po', j.label), j.status, now() - j.age::interval,
         case when j.status = 'running' then now() - j.age::interval end, case when j.status = 'running' then 'po-worker' end,
         now() - j.age::interval - interval '1 minute', now() - j.age::interval
  from job as j
  returning id, payload ->> 'po' as label)
select pg_temp.fixture('private.notification_jobs', j.label, j.expired,
  format('select exists (select 1 from private.notification_jobs where id = %s)', i.id), j.oldest)
from job as j join inserted as i using (label);

-- Therapy sessions: one 60 and one 40 days past, one that ended 29.5 days ago (its day-ahead reminder was due 30.5
-- days ago), one 10 days past and a cancelled one ten days ahead.
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status, cancelled_at, cancelled_by, client_note)
values
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() - interval '60 days', 50, 'video', 'completed', null, null, 'po-older'),
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() - interval '40 days', 50, 'video', 'completed', null, null, 'po-old'),
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() - interval '30 days' + interval '12 hours', 50, 'video', 'completed', null, null, 'po-edge'),
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() - interval '10 days', 50, 'video', 'completed', null, null, 'po-recent'),
  (tests.get_supabase_uid('po-t'), tests.get_supabase_uid('po-a'), now() + interval '10 days', 50, 'video', 'cancelled', now(), 'client', 'po-future');
with reminder (label, note, who, lead, status, expired, oldest) as (
  values ('older session, client, day ahead, sent', 'po-older', 'po-a', 1440, 'sent', true, true),
         ('old session, therapist, day ahead, cancelled', 'po-old', 'po-t', 1440, 'cancelled', true, false),
         ('old session, client, 30 minutes, sent', 'po-old', 'po-a', 30, 'sent', true, false),
         ('old session, therapist, 30 minutes, still pending', 'po-old', 'po-t', 30, 'pending', false, false),
         ('session ended 29.5 days ago, client, day ahead, sent', 'po-edge', 'po-a', 1440, 'sent', false, false),
         ('recent session, client, day ahead, sent', 'po-recent', 'po-a', 1440, 'sent', false, false),
         ('recent session, client, 30 minutes, sent', 'po-recent', 'po-a', 30, 'sent', false, false),
         ('cancelled future session, client, day ahead', 'po-future', 'po-a', 1440, 'cancelled', false, false)),
inserted as (
  insert into private.session_reminders (session_id, recipient_id, lead_minutes, due_at, status)
  select s.id, tests.get_supabase_uid(r.who), r.lead, s.starts_at - make_interval(mins => r.lead), r.status
  from reminder as r join private.therapy_sessions as s on s.client_note = r.note and s.client_id = tests.get_supabase_uid('po-a')
  returning id, session_id, recipient_id, lead_minutes)
select pg_temp.fixture('private.session_reminders', r.label, r.expired,
  format('select exists (select 1 from private.session_reminders where id = %s)', i.id), r.oldest)
from reminder as r
join private.therapy_sessions as s on s.client_note = r.note and s.client_id = tests.get_supabase_uid('po-a')
join inserted as i on i.session_id = s.id and i.recipient_id = tests.get_supabase_uid(r.who) and i.lead_minutes = r.lead;

-- Conversations: one still open, one that ended 29 days ago; po-a and po-b in both.
insert into public.chat_conversations (id, kind, ended_at) values
  ('00000000-0000-4000-8000-0000000e0001', 'matched', null),
  ('00000000-0000-4000-8000-0000000e0002', 'matched', now() - interval '29 days');
insert into private.chat_participants (id, conversation_id, user_id, alias) values
  ('00000000-0000-4000-8000-0000000e0a01', '00000000-0000-4000-8000-0000000e0001', tests.get_supabase_uid('po-a'), 'Anonymous User #9101'),
  ('00000000-0000-4000-8000-0000000e0b01', '00000000-0000-4000-8000-0000000e0001', tests.get_supabase_uid('po-b'), 'Anonymous User #9102'),
  ('00000000-0000-4000-8000-0000000e0a02', '00000000-0000-4000-8000-0000000e0002', tests.get_supabase_uid('po-a'), 'Anonymous User #9103'),
  ('00000000-0000-4000-8000-0000000e0b02', '00000000-0000-4000-8000-0000000e0002', tests.get_supabase_uid('po-b'), 'Anonymous User #9104');

-- Match requests, by how long ago their waiting window closed (expires_at; created 10 minutes before it).
with entry (label, who, status, conversation, closed, expired, oldest) as (
  values ('po-b matched 40 days ago, conversation still open', 'po-b', 'matched', '00000000-0000-4000-8000-0000000e0001', '-40 days', false, false),
         ('po-b matched 30 days ago, conversation ended', 'po-b', 'matched', '00000000-0000-4000-8000-0000000e0002', '-30 days', true, true),
         ('po-c waiting, window closed 10 days ago', 'po-c', 'waiting', null, '-10 days', true, false),
         ('po-a cancelled, window closed 9 days ago', 'po-a', 'cancelled', null, '-9 days', true, false),
         ('po-a expired, window closed 8 days ago', 'po-a', 'expired', null, '-8 days', true, false),
         ('po-a cancelled 6 days ago (what GET reports)', 'po-a', 'cancelled', null, '-6 days', false, false),
         ('po-d waiting now', 'po-d', 'waiting', null, '10 minutes', false, false)),
inserted as (
  insert into private.chat_queue (user_id, role, topic, status, conversation_id, matched_at, created_at, expires_at)
  select tests.get_supabase_uid(e.who), 'seeker', left(e.label, 80), e.status::public.chat_queue_status, e.conversation::uuid,
         case when e.status = 'matched' then now() + e.closed::interval - interval '5 minutes' end,
         now() + e.closed::interval - interval '10 minutes', now() + e.closed::interval
  from entry as e
  returning id, topic)
select pg_temp.fixture('private.chat_queue', e.label, e.expired,
  format('select exists (select 1 from private.chat_queue where id = %L)', i.id), e.oldest)
from entry as e join inserted as i on i.topic = left(e.label, 80);

-- Rematch invitations: only whether one was made in the last day is ever asked.
insert into private.chat_rematch_invitations (conversation_id, inviter_participant_id, invited_at) values
  ('00000000-0000-4000-8000-0000000e0002', '00000000-0000-4000-8000-0000000e0a02', now() - interval '3 days'),
  ('00000000-0000-4000-8000-0000000e0002', '00000000-0000-4000-8000-0000000e0b02', now() - interval '25 hours'),
  ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e0a01', now() - interval '23 hours'),
  ('00000000-0000-4000-8000-0000000e0001', '00000000-0000-4000-8000-0000000e0b01', now() - interval '1 minute');
select pg_temp.fixture('private.chat_rematch_invitations', label, expired, format(
  'select exists (select 1 from private.chat_rematch_invitations where inviter_participant_id = %L)', inviter), oldest)
from (values ('po-a, 3 days ago', '00000000-0000-4000-8000-0000000e0a02', true, true),
             ('po-b, 25 hours ago', '00000000-0000-4000-8000-0000000e0b02', true, false),
             ('po-a, 23 hours ago (today''s)', '00000000-0000-4000-8000-0000000e0a01', false, false),
             ('po-b, a minute ago', '00000000-0000-4000-8000-0000000e0b01', false, false)) as r (label, inviter, expired, oldest);

-- pg_cron's run records (the real table where pg_cron runs, else the stand-in), oldest run first.
with run (label, started, ended, expired, oldest) as (
  values ('ended 10 days ago', '10 days', '10 days', true, true), ('ended 8 days ago', '8 days', '8 days', true, false),
         ('ended 6 days ago', '6 days', '6 days', false, false), ('still running', '1 minute', null, false, false)),
inserted as (
  insert into cron.job_run_details (jobid, database, username, command, status, return_message, start_time, end_time)
  select 0, current_database(), 'postgres', 'select 1', case when r.ended is null then 'running' else 'succeeded' end, 'po: ' || r.label,
         now() - r.started::interval - interval '1 second', now() - r.ended::interval
  from run as r
  order by r.started::interval desc
  returning runid, return_message)
select pg_temp.fixture('cron.job_run_details', r.label, r.expired,
  format('select exists (select 1 from cron.job_run_details where runid = %s)', i.runid), r.oldest)
from run as r join inserted as i on i.return_message = 'po: ' || r.label;

-- The function.
select ok((select p.prosecdef from pg_proc as p where p.oid = 'private.prune_operational_rows(integer)'::regprocedure),
  'PO-01: private.prune_operational_rows(batch) exists and runs as its owner (it deletes from tables no API role writes)');

-- One row per table per call when the batch is 1, and the oldest due row is the one taken.
insert into calls values (1, private.prune_operational_rows(1));
select is((select counts from calls where n = 1),
  '{"private.send_log": 1, "private.notification_send_log": 1, "private.notification_jobs": 1, "private.session_reminders": 1,
    "private.chat_queue": 1, "private.chat_rematch_invitations": 1, "cron.job_run_details": 1}'::jsonb,
  'PO-02: a call deletes at most batch rows per table (batch 1: one in each), and answers the count per table');
select set_eq($$select tbl from fx group by tbl having bool_and(pg_temp.present(probe) = not oldest)$$,
  array['private.send_log', 'private.notification_send_log', 'private.notification_jobs', 'private.session_reminders',
        'private.chat_queue', 'private.chat_rematch_invitations', 'cron.job_run_details'],
  'PO-03: … oldest first: in every table the oldest due row went, and every other row is still there');

-- The next call takes the rest of what is due, and exactly that.
insert into calls values (2, private.prune_operational_rows());
select is((select counts from calls where n = 2),
  '{"private.send_log": 2, "private.notification_send_log": 1, "private.notification_jobs": 2, "private.session_reminders": 2,
    "private.chat_queue": 3, "private.chat_rematch_invitations": 1, "cron.job_run_details": 1}'::jsonb,
  'PO-04: the default batch takes every remaining due row, and only those: its counts are exactly this suite''s due rows');

select is_empty($$select label from fx where tbl = 'private.send_log' and expired and pg_temp.present(probe)$$,
  'PO-05: send_log loses the rows past an hour, a sender''s who stopped sending included');
select is_empty($$select label from fx where tbl = 'private.send_log' and not expired and not pg_temp.present(probe)$$,
  'PO-06: send_log keeps the last hour, so the per-minute limit still counts every recent send');
select is_empty($$select label from fx where tbl = 'private.notification_send_log' and expired and pg_temp.present(probe)$$,
  'PO-07: notification_send_log loses the sends and refused attempts past the longest window (a day)');
select is_empty($$select label from fx where tbl = 'private.notification_send_log' and not expired and not pg_temp.present(probe)$$,
  'PO-08: notification_send_log keeps the day''s sends and refused attempts, which the per-day and per-hour limits count');
select is_empty($$select label from fx where tbl = 'private.notification_jobs' and expired and pg_temp.present(probe)$$,
  'PO-09: notification_jobs loses done and cancelled jobs a day after they finished, dead ones after a week');
select is_empty($$select label from fx where tbl = 'private.notification_jobs' and not expired and not pg_temp.present(probe)$$,
  'PO-10: notification_jobs keeps every pending and running job however old (a retry, a worker that vanished) and recent finished ones');
select is_empty($$select label from fx where tbl = 'private.session_reminders' and expired and pg_temp.present(probe)$$,
  'PO-11: session_reminders loses sent and cancelled reminders of sessions that ended over 30 days ago');
select is_empty($$select label from fx where tbl = 'private.session_reminders' and not expired and not pg_temp.present(probe)$$,
  'PO-12: session_reminders keeps pending ones, those of sessions that ended within 30 days and those of future sessions');
select is_empty($$select label from fx where tbl = 'private.chat_queue' and expired and pg_temp.present(probe)$$,
  'PO-13: chat_queue loses entries a week past their waiting window, a stale waiting one and an ended match included');
select is_empty($$select label from fx where tbl = 'private.chat_queue' and not expired and not pg_temp.present(probe)$$,
  'PO-14: chat_queue keeps a match whose conversation is open (however old), recent entries and who is waiting');
select is_empty($$select label from fx where tbl = 'private.chat_rematch_invitations' and expired and pg_temp.present(probe)$$,
  'PO-15: chat_rematch_invitations loses invitations older than a day');
select is_empty($$select label from fx where tbl = 'private.chat_rematch_invitations' and not expired and not pg_temp.present(probe)$$,
  'PO-16: chat_rematch_invitations keeps the day''s, which hold back a second invitation');
select is_empty($$select label from fx where tbl = 'cron.job_run_details' and expired and pg_temp.present(probe)$$,
  'PO-17: pg_cron''s run records older than a week go');
select is_empty($$select label from fx where tbl = 'cron.job_run_details' and not expired and not pg_temp.present(probe)$$,
  'PO-18: … the week''s and a run still going stay');

-- What reads the kept rows answers as before.
select set_config('request.jwt.claims', jsonb_build_object('sub', tests.get_supabase_uid('po-a'), 'role', 'authenticated')::text, true);
select is(private.chat_match_status() ->> 'status', 'cancelled',
  'PO-19: GET /chat-match still reports a recent entry (po-a: cancelled 6 days ago)');
select set_config('request.jwt.claims', jsonb_build_object('sub', tests.get_supabase_uid('po-b'), 'role', 'authenticated')::text, true);
select is(private.chat_match_status() - 'expiresAt' - 'position' - 'role',
  '{"status": "matched", "conversationId": "00000000-0000-4000-8000-0000000e0001"}'::jsonb,
  'PO-20: … and a match whose conversation is open (po-b: the ended match that was newer is gone)');
select set_config('request.jwt.claims', jsonb_build_object('sub', tests.get_supabase_uid('po-a'), 'role', 'authenticated')::text, true);
select is(private.recent_message_count_of_caller(), 1, 'PO-21: the chat send limit still counts the last minute''s send');
select set_config('request.jwt.claims', null, true);

select is(private.prune_operational_rows(),
  '{"private.send_log": 0, "private.notification_send_log": 0, "private.notification_jobs": 0, "private.session_reminders": 0,
    "private.chat_queue": 0, "private.chat_rematch_invitations": 0, "cron.job_run_details": 0}'::jsonb,
  'PO-22: a call with nothing due deletes nothing');
select is(pg_temp.attempt('select private.prune_operational_rows(0)'), 'PT400', 'PO-23: a batch below 1 is refused (400)');

-- Who may run it: the service role and the cron job (its owner), nobody through the API.
select ok(not has_function_privilege('anon', 'private.prune_operational_rows(integer)', 'execute')
          and not has_function_privilege('authenticated', 'private.prune_operational_rows(integer)', 'execute')
          and not has_function_privilege('public', 'private.prune_operational_rows(integer)', 'execute')
          and has_function_privilege('service_role', 'private.prune_operational_rows(integer)', 'execute'),
  'PO-24: only the service role may execute it (not anon, not signed-in users, not PUBLIC)');
select tests.authenticate_as('po-a');
select is(pg_temp.attempt('select private.prune_operational_rows()'), '42501', 'PO-25: a signed-in user calling it is refused (42501)');
select tests.clear_authentication();
select is(pg_temp.attempt('select private.prune_operational_rows()'), '42501', 'PO-25: … and so is anon');
reset role;

-- Hourly where pg_cron runs (hosted Supabase); elsewhere the migration schedules nothing and the function is there.
select ok(case when to_regclass('cron.job') is null then true
               else (xpath('/row/n/text()', query_to_xml($q$select count(*) as n from cron.job
                       where jobname = 'healspace-prune-operational-rows' and schedule = '17 * * * *'
                         and command like '%private.prune_operational_rows()%'$q$, false, true, '')))[1]::text = '1' end,
  'PO-26: where pg_cron runs, the prune is scheduled hourly (healspace-prune-operational-rows)');

select * from finish();
rollback;
