-- Notification types and send rates per sender role (issue 14, finding 9: "a therapist can send any text typed as
-- session_reminder, which bypasses quiet hours, to anyone who ever booked with them, with no rate limit";
-- private.send_notification let the caller pick the type). POST /functions/v1/notifications/send (the seed's
-- POST /notifications/send) keeps its body { userId, title, body, type?, data?, urgent? }; the database now decides,
-- by who is sending:
--   sender         types it may send                           quiet hours                      rate (429 past it)
--   service role   any (the backend: reminders, system notes)   session_reminder and urgent      none
--                                                               system messages go at once
--   admin          system (urgent allowed), session_update      urgent system messages (safety)  20 a minute, 200 an hour,
--                                                               go at once; the rest wait          5 an hour to one person
--   therapist      session_update only, never urgent, and only  always respected                 5 a minute, 30 an hour,
--                  about a session with that client that is                                       3 an hour and 10 a day
--                  upcoming or ended (or was cancelled) in the                                     to one person
--                  last 14 days
--   anyone else    nothing (403)
-- A type the sender's role may not use, or urgent from a therapist, is a 403 that says so. An omitted type is the
-- role's usual one (system; session_update for a therapist). A therapist's notification carries the session it is
-- about (data.sessionId: the one given, which must qualify, or the next upcoming / most recent one). Session reminders
-- come from the database's own scheduler (private.send_due_session_reminders) or the service role only.
-- Rates are counted in private.notification_send_log (successful sends by people; a refused send rolls back and costs
-- nothing), serialised per sender by a transaction-scoped advisory lock as the chat send limit is, and checked before
-- anything about the recipient is looked at (the per-person limits after the recipient is known to be allowed).
-- The numbers are rows of private.abuse_limits (created by the booking limits migration), with their reasons.
-- Data rights: the send log is deleted with either account (cascade) and not exported (transient: pruned after a day;
-- and a row names the other party).

insert into private.abuse_limits (name, value, per, reason) values
  ('notification_send.therapist_per_minute', 5, interval '1 minute',
   'Notifications a therapist sends per minute through POST /notifications/send: a burst of session updates, not a flood.'),
  ('notification_send.therapist_per_hour', 30, interval '1 hour',
   'Notifications a therapist sends per hour: "running late" to a day''s clients fits; a campaign does not.'),
  ('notification_send.therapist_to_one_person_per_hour', 3, interval '1 hour',
   'Notifications a therapist sends one client per hour: a note and a correction or two, never harassment.'),
  ('notification_send.therapist_to_one_person_per_day', 10, interval '24 hours',
   'Notifications a therapist sends one client per day.'),
  ('notification_send.therapist_session_recency_days', 14, null,
   'Days after a session ended (or was cancelled) during which its therapist may still send its client a session update; upcoming sessions always qualify. Not a rate: the one policy number of the send rules, kept with the others.'),
  ('notification_send.admin_per_minute', 20, interval '1 minute',
   'Notifications an admin sends per minute by hand (broadcasts belong to the service role): bounds a stolen admin token.'),
  ('notification_send.admin_per_hour', 200, interval '1 hour',
   'Notifications an admin sends per hour.'),
  ('notification_send.admin_to_one_person_per_hour', 5, interval '1 hour',
   'Notifications an admin sends one person per hour, urgent safety messages included.');

-- The send log ---------------------------------------------------------------------------------------------------

create table private.notification_send_log (
  sender_id uuid not null references public.profiles (id) on delete cascade,
  recipient_id uuid not null references public.profiles (id) on delete cascade,
  sent_at timestamptz not null default clock_timestamp()
);
comment on table private.notification_send_log is
  'Notifications people (therapists, admins) sent through send_notification, for the send rate limits. Pruned after a day; deleted with either account; not exported (transient, and it names the other party).';
comment on column private.notification_send_log.sender_id is 'The therapist or admin who sent (the service role is not limited and not logged).';
comment on column private.notification_send_log.recipient_id is 'Whom it was sent to, for the per-person limits.';
comment on column private.notification_send_log.sent_at is 'When it was sent (clock time, so sends within one transaction are ordered).';
create index notification_send_log_sender_id_sent_at_idx on private.notification_send_log (sender_id, sent_at);
create index notification_send_log_recipient_id_idx on private.notification_send_log (recipient_id);
alter table private.notification_send_log enable row level security;

-- Raises 429 when the caller's sends within a limit's window, to anyone (recipient_id null) or to one person, reached
-- it. Runs inside send_notification (security definer), after the caller's advisory lock.
create function private.check_notification_send_rate(limit_name text, recipient_id uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
  send_limit private.abuse_limits := private.abuse_limit(limit_name);
begin
  if (select count(*) from private.notification_send_log as l
      where l.sender_id = auth.uid() and l.sent_at > clock_timestamp() - send_limit.per
        and (check_notification_send_rate.recipient_id is null or l.recipient_id = check_notification_send_rate.recipient_id)) >= send_limit.value then
    if recipient_id is null then
      raise exception 'You have sent % notifications in the last %; wait before sending more', send_limit.value, private.window_in_words(send_limit.per)
        using errcode = 'PT429';
    end if;
    raise exception 'You have sent this person % notifications in the last %; wait before sending them more', send_limit.value,
      private.window_in_words(send_limit.per) using errcode = 'PT429';
  end if;
end;
$$;
comment on function private.check_notification_send_rate(text, uuid) is
  'Raises 429 when the caller''s logged sends (to anyone, or to recipient_id) within the named limit''s window reached its value.';

-- POST /notifications/send ----------------------------------------------------------------------------------------

-- Who may notify whom, with which types, how often. security definer: reads sessions and the send log, writes the
-- log and the inbox through private.notify.
create or replace function private.send_notification(recipient_id uuid, title text, body text, type public.notification_type default null,
                                                     data jsonb default '{}', urgent boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  sender text := case when coalesce(auth.role(), '') = 'service_role' then 'service_role' else (select private.caller_role())::text end;
  kind public.notification_type;
  payload jsonb := coalesce(data, '{}');
  recency private.abuse_limits;
  about_session uuid;
  inbox_id uuid;
begin
  -- What the sender's role may send. Nothing about the recipient is looked at before this and the sender's own rate.
  if sender = 'service_role' then
    kind := coalesce(type, 'system');
  elsif sender = 'admin' then
    kind := coalesce(type, 'system');
    if kind not in ('system', 'session_update') then
      raise exception 'Admins send system and session_update notifications; % notifications come from the database', kind using errcode = 'PT403';
    end if;
  elsif sender = 'therapist' then
    kind := coalesce(type, 'session_update');
    if kind <> 'session_update' then
      raise exception 'Therapists send only session_update notifications (not %): session reminders and urgent messages come from HealSpace itself', kind
        using errcode = 'PT403';
    end if;
    if urgent then
      raise exception 'Therapists cannot send urgent notifications: yours wait for the client''s quiet hours to end' using errcode = 'PT403';
    end if;
  else
    raise exception 'You may not notify this person' using errcode = 'PT403';
  end if;

  if sender in ('admin', 'therapist') then
    -- One sender's sends one at a time: concurrent requests cannot all pass the counts.
    perform pg_advisory_xact_lock(hashtextextended('notification_send:' || auth.uid()::text, 0));
    perform private.check_notification_send_rate('notification_send.' || sender || '_per_minute');
    perform private.check_notification_send_rate('notification_send.' || sender || '_per_hour');
  end if;

  if sender = 'therapist' then
    -- The session this is about: the one named in data.sessionId, else the next upcoming one, else the most recent.
    recency := private.abuse_limit('notification_send.therapist_session_recency_days');
    select s.id into about_session
    from private.therapy_sessions as s
    where s.therapist_id = auth.uid() and s.client_id = send_notification.recipient_id
      and (payload ->> 'sessionId' is null or s.id::text = lower(payload ->> 'sessionId'))
      and case when s.status = 'cancelled' then s.cancelled_at else s.ends_at end > now() - make_interval(days => recency.value)
    order by s.status in ('scheduled', 'confirmed') and s.starts_at > now() desc,
             case when s.starts_at > now() then s.starts_at end,
             s.starts_at desc
    limit 1;
    if about_session is null then
      raise exception 'You may not notify this person' using errcode = 'PT403',
        hint = 'Therapists notify their clients about an upcoming session, or one in the last ' || recency.value || ' days.';
    end if;
    payload := payload || jsonb_build_object('sessionId', about_session);
  end if;

  if not exists (select 1 from public.profiles as p where p.id = recipient_id and p.is_active) then
    raise exception 'No such user' using errcode = 'PT404';
  end if;

  if sender in ('admin', 'therapist') then
    perform private.check_notification_send_rate('notification_send.' || sender || '_to_one_person_per_hour', recipient_id);
    if sender = 'therapist' then
      perform private.check_notification_send_rate('notification_send.therapist_to_one_person_per_day', recipient_id);
    end if;
    -- Entries older than the longest send window count toward nothing any more.
    delete from private.notification_send_log as l
    where l.sender_id = auth.uid()
      and l.sent_at < clock_timestamp() - (select max(a.per) from private.abuse_limits as a where a.name like 'notification\_send.%');
    insert into private.notification_send_log (sender_id, recipient_id) values (auth.uid(), recipient_id);
  end if;

  -- A new row every time: a sent notification is its own event, not collapsed. Only the service role's session
  -- reminders and urgent system messages (and an admin's urgent system message, for safety) skip quiet hours.
  inbox_id := private.notify(recipient_id, kind, title, body, payload, null,
                             bypass_quiet_hours => (sender = 'service_role' and (kind = 'session_reminder' or (kind = 'system' and urgent)))
                                                   or (sender = 'admin' and kind = 'system' and urgent),
                             urgency => case when (sender = 'service_role' and (urgent or kind = 'session_reminder'))
                                                  or (sender = 'admin' and kind = 'system' and urgent) then 'high' else 'normal' end);
  -- The push jobs just queued (created_at is the transaction's time), for the function to deliver at once.
  return jsonb_build_object(
    'notificationId', inbox_id,
    'jobs', coalesce((
      select jsonb_agg(jsonb_build_object('id', j.id, 'subscriptionId', j.subscription_id, 'runAt', j.run_at) order by j.id)
      from private.notification_jobs as j
      where j.user_id = recipient_id and j.kind = 'push' and j.status = 'pending' and j.created_at = now()
        and j.notification_id is not distinct from inbox_id), '[]'));
end;
$$;
comment on function private.send_notification(uuid, text, text, public.notification_type, jsonb, boolean) is
  'The seed''s POST /notifications/send. Service role: any type to anyone. Admins: system (urgent allowed) and session_update to anyone. Therapists: session_update only, never urgent, to a client with an upcoming or recent session (carried as data.sessionId). Others 403; a type the role may not send 403; past a send rate limit (private.abuse_limits) 429. Returns the inbox id and the queued push jobs.';

revoke execute on all functions in schema private from public;
