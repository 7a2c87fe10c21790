-- What grows with users stays bounded (issue 17, part 3). Some tables grow from operational traffic, not from what
-- people wrote and own: every chat or group message adds a send-log row, every notification one finished delivery job
-- per device, every booking four reminders, every match request a queue entry. Each was pruned only where a person's
-- own next action happened to prune it (the send logs, per sender) or not at all, so the rows of everyone who stopped
-- stayed forever. private.prune_operational_rows deletes, oldest first and at most `batch` rows per table per call,
-- the rows nothing reads any more; pg_cron runs it hourly. The rule for each table, and why nothing still reads what
-- it deletes:
--
--   private.send_log (one row per chat or group message or edit): rows older than 1 hour. The limit counts the last
--     minute (private.recent_message_count_of_caller); a sender's own next send already deletes their rows older than
--     an hour (private.log_send_of_caller); this is the same bound for people who stop sending.
--   private.notification_send_log (one row per notification a therapist or admin sends or tries): rows older than the
--     longest notification_send window in private.abuse_limits (24 hours), read at run time like
--     private.send_notification's own per-sender delete, so tuning a window in Studio moves both.
--   private.notification_jobs (one per push per device, one per group-message fan-out): finished jobs only. Done and
--     cancelled ones 1 day after they finished (updated_at); dead ones (a push that failed for good) after 7 days, so
--     an operator can still see why deliveries failed. Pending and running jobs are never touched: a retry waits as
--     pending, a running job whose worker vanished is claimed again after 5 minutes. No function reads a finished job
--     (claim takes pending or stale running ones, finish only the worker's running one, collapse only pending ones).
--   private.session_reminders (four per booking): sent and cancelled reminders of sessions that ended more than 30
--     days ago. Never a pending one: the worker sends or cancels it (send_due_session_reminders); reminders are created
--     only when a session is inserted, so a deleted one is never made again. Only export_my_data reads them after that.
--   private.chat_queue (one entry per match request): entries whose waiting window (expires_at, which every refresh
--     moves) closed more than 7 days ago, except a match whose conversation is still open: asking again while it is
--     open answers that match (request_chat_match). GET /chat-match answers the person's newest entry; an entry a week
--     past its window answers "none", as for someone who never asked, instead of "expired", "cancelled" or a match
--     that has ended. The 24-hour "not matched again" rule reads conversations, not the queue.
--   private.chat_rematch_invitations (one per conversation and inviter): invitations older than 1 day. The only read
--     asks whether one was made in the last day; an older row and no row answer alike (the upsert makes it again).
--   cron.job_run_details, where pg_cron runs: run records older than 7 days. The notification worker's job alone adds
--     8,640 a day, and pg_cron never deletes them (Supabase's knowledge base recommends this same delete; the table is
--     the extension's, so it gets no index of ours and is walked by its primary key, run ids following time). Reached
--     by dynamic SQL, since the schema exists only where pg_cron does.
--
-- Not pruned here, because people wrote or own them (their bounds are for the operators: partitioning, retention):
-- chat and group messages (and private.chat_withheld_messages, which must live as long as the message it withholds,
-- and the crisis flags on messages), journal, mood, goals, notifications in the inbox, push subscriptions, therapy
-- sessions and notes, group memberships, sessions and RSVPs, reports and ratings, and public.audit_log (append-only).
--
-- Each delete walks an index in the order it deletes (oldest first) and skips rows another transaction holds
-- (FOR UPDATE SKIP LOCKED): the prune never waits on a send, a claim or a match. The indexes below are the ones a
-- prune would otherwise have had to scan its table for. A count equal to `batch` means more rows were due than one
-- call deletes: the next hourly call takes the next batch (raise the batch in the cron command if it never catches up).

create index send_log_sent_at_idx on private.send_log (sent_at);
create index notification_send_log_sent_at_idx on private.notification_send_log (sent_at);
create index notification_jobs_finished_updated_at_idx on private.notification_jobs (updated_at)
  where status in ('done', 'cancelled', 'dead');
create index session_reminders_finished_due_at_idx on private.session_reminders (due_at)
  where status in ('sent', 'cancelled');
create index chat_queue_expires_at_idx on private.chat_queue (expires_at);
create index chat_rematch_invitations_invited_at_idx on private.chat_rematch_invitations (invited_at);

-- Security definer: it deletes from private tables no API role may write, and the service role and the cron job (run
-- as the owner) are the only callers; it takes nothing but a batch size and answers only counts.
create function private.prune_operational_rows(batch integer default 10000)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  counts jsonb := '{}'::jsonb;
  deleted integer;
  send_window interval;
  job_runs regclass := to_regclass('cron.job_run_details');
begin
  if batch is null or batch < 1 then
    raise exception 'batch must be a positive number of rows' using errcode = 'PT400';
  end if;

  -- Chat and group send log: the limit counts the last minute; a sender's next send drops their rows past an hour.
  delete from private.send_log as l
  where l.ctid = any (array(
    select o.ctid from private.send_log as o
    where o.sent_at < now() - interval '1 hour'
    order by o.sent_at
    limit batch
    for update skip locked));
  get diagnostics deleted = row_count;
  counts := counts || jsonb_build_object('private.send_log', deleted);

  -- Notification send log: past the longest send window, as private.send_notification's own per-sender delete.
  send_window := (select max(a.per) from private.abuse_limits as a where a.name like 'notification\_send.%');
  delete from private.notification_send_log as l
  where l.ctid = any (array(
    select o.ctid from private.notification_send_log as o
    where o.sent_at < now() - coalesce(send_window, interval '1 day')
    order by o.sent_at
    limit batch
    for update skip locked));
  get diagnostics deleted = row_count;
  counts := counts || jsonb_build_object('private.notification_send_log', deleted);

  -- Delivery jobs: finished ones only; dead ones are kept a week for whoever looks into failed deliveries.
  delete from private.notification_jobs as j
  where j.id = any (array(
    select o.id from private.notification_jobs as o
    where o.status in ('done', 'cancelled', 'dead')
      and o.updated_at < now() - interval '1 day'
      and (o.status <> 'dead' or o.updated_at < now() - interval '7 days')
    order by o.updated_at
    limit batch
    for update skip locked));
  get diagnostics deleted = row_count;
  counts := counts || jsonb_build_object('private.notification_jobs', deleted);

  -- Session reminders: sent or cancelled, of a session that ended over 30 days ago. A reminder is due at most a day
  -- before its session starts, so due_at bounds the index walk and the session's end decides.
  delete from private.session_reminders as r
  where r.id = any (array(
    select o.id from private.session_reminders as o
    where o.status in ('sent', 'cancelled')
      and o.due_at < now() - interval '30 days'
      and exists (select 1 from private.therapy_sessions as s where s.id = o.session_id and s.ends_at < now() - interval '30 days')
    order by o.due_at
    limit batch
    for update of o skip locked));
  get diagnostics deleted = row_count;
  counts := counts || jsonb_build_object('private.session_reminders', deleted);

  -- Match requests: a week past their waiting window, unless they matched into a conversation still open.
  delete from private.chat_queue as q
  where q.id = any (array(
    select o.id from private.chat_queue as o
    where o.expires_at < now() - interval '7 days'
      and (o.status <> 'matched' or o.conversation_id is null
           or (select c.ended_at from public.chat_conversations as c where c.id = o.conversation_id) is not null)
    order by o.expires_at
    limit batch
    for update of o skip locked));
  get diagnostics deleted = row_count;
  counts := counts || jsonb_build_object('private.chat_queue', deleted);

  -- Rematch invitations: only whether one was made in the last day is ever asked.
  delete from private.chat_rematch_invitations as i
  where i.ctid = any (array(
    select o.ctid from private.chat_rematch_invitations as o
    where o.invited_at < now() - interval '1 day'
    order by o.invited_at
    limit batch
    for update skip locked));
  get diagnostics deleted = row_count;
  counts := counts || jsonb_build_object('private.chat_rematch_invitations', deleted);

  -- pg_cron's run records, where pg_cron runs (null elsewhere): by run id, which follows time. pg_cron writes only
  -- the runs in progress, so nothing here is locked (and no row lock asks for a privilege beyond delete).
  if job_runs is not null then
    execute format($prune$
      delete from %1$s as d
      where d.runid = any (array(
        select o.runid from %1$s as o
        where o.end_time < now() - interval '7 days'
        order by o.runid
        limit $1))
    $prune$, job_runs) using batch;
    get diagnostics deleted = row_count;
    counts := counts || jsonb_build_object('cron.job_run_details', deleted);
  else
    counts := counts || jsonb_build_object('cron.job_run_details', null);
  end if;

  return counts;
end;
$$;
comment on function private.prune_operational_rows(integer) is
  'Deletes operational rows nothing reads any more (send logs, finished delivery jobs, past reminders, closed match requests, old rematch invitations, pg_cron run records), oldest first, at most batch per table; answers the count per table. Hourly by pg_cron; service role only.';

revoke execute on function private.prune_operational_rows(integer) from public, anon, authenticated;
grant execute on function private.prune_operational_rows(integer) to service_role;

-- Hourly on hosted Supabase, as the notification worker is scheduled (20261125182400_notification_schedule.sql): where
-- pg_cron cannot be installed (plain Postgres, the local stack) this does nothing and the function is still there.
-- The job runs as the migration's role, the function's owner. cron.schedule with a name replaces the job of that name.
do $schedule$
begin
  if not exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron') then
    raise notice 'pg_cron is not available: operational rows are not pruned on a schedule here';
    return;
  end if;
  begin
    create extension if not exists pg_cron with schema pg_catalog;
  exception when others then
    -- Available but not loadable (pg_cron needs shared_preload_libraries): the same as not available.
    raise notice 'pg_cron could not be enabled (%): operational rows are not pruned on a schedule here', sqlerrm;
    return;
  end;
  perform cron.schedule(
    'healspace-prune-operational-rows',
    '17 * * * *',
    $job$ select private.prune_operational_rows() $job$);
end
$schedule$;
