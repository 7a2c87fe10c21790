-- The events that notify people, all through private.notify (preferences, inbox, collapsed pushes, quiet hours):
-- * a chat message, for a participant not active in that conversation in the last 2 minutes, collapsed per
--   conversation; a match found;
-- * a group message, fanned out by a job (one row per message, so sending stays cheap in large groups) to active
--   members not seen in the group in the last 2 minutes, collapsed per group;
-- * an achievement unlocked;
-- * a therapy session booked, confirmed, rescheduled, cancelled or asked to be rescheduled (the other party);
-- * session reminders (24 h and 30 min), when due and only while the session is still active.
-- Texts name no one and quote nothing: "You have a new message", never its content.

-- A session's start in the recipient's zone, e.g. "Tue 1 Dec, 15:00".
create function private.local_start_text(person_id uuid, starts_at timestamptz)
returns text
language sql
stable
set search_path = ''
as $$
  select to_char(starts_at at time zone coalesce((select p.time_zone from public.profiles as p where p.id = person_id), 'UTC'), 'Dy FMDD Mon, HH24:MI');
$$;
comment on function private.local_start_text(uuid, timestamptz) is 'A start time as the person reads it in their own zone, e.g. "Tue 1 Dec, 15:00".';

-- Chat ------------------------------------------------------------------------------------------------------------

create function private.notify_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.notify(p.user_id, 'chat_message', 'New message', 'You have a new message',
                         jsonb_build_object('conversationId', new.conversation_id), 'chat:' || new.conversation_id)
  from private.chat_participants as p
  where p.conversation_id = new.conversation_id and p.id <> new.sender_id and p.user_id is not null and p.left_at is null
    and coalesce(greatest(p.last_active_at, p.last_read_at), '-infinity') < now() - interval '2 minutes'
    and not exists (select 1 from private.user_blocks as b
                    join private.chat_participants as sender on sender.id = new.sender_id
                    where b.blocker_id = p.user_id and b.blocked_id = sender.user_id);
  return null;
end;
$$;
comment on function private.notify_chat_message() is 'Trigger: a new chat message notifies the other participants who are not active in the conversation (collapsed per conversation).';
create trigger chat_messages_notify
  after insert on public.chat_messages
  for each row execute function private.notify_chat_message();

create function private.notify_chat_match()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.notify(new.user_id, 'chat_message', 'You have been matched', 'Someone is ready to talk with you',
                         jsonb_build_object('conversationId', new.conversation_id), 'match:' || new.conversation_id);
  return null;
end;
$$;
comment on function private.notify_chat_match() is 'Trigger: a queue entry that becomes matched notifies its person.';
create trigger chat_queue_notify_match
  after update of status on private.chat_queue
  for each row when (old.status = 'waiting' and new.status = 'matched')
  execute function private.notify_chat_match();

-- Groups ----------------------------------------------------------------------------------------------------------

create function private.queue_group_message_notifications()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.notification_jobs (kind, notification_type, payload)
  values ('group_message', 'group_message',
          jsonb_build_object('groupId', new.group_id, 'messageId', new.id, 'senderMemberId', new.sender_member_id));
  return null;
end;
$$;
comment on function private.queue_group_message_notifications() is 'Trigger: a new group message queues one fan-out job.';
create trigger group_messages_queue_notifications
  after insert on public.group_messages
  for each row execute function private.queue_group_message_notifications();

-- Runs a claimed group_message job: every active member but the sender, not seen in the group for 2 minutes.
create function private.fan_out_group_message(job_id bigint)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.notification_jobs;
  group_name text;
  notified integer;
begin
  select j.* into job from private.notification_jobs as j where j.id = job_id and j.kind = 'group_message';
  select g.name into group_name from public.support_groups as g where g.id = (job.payload ->> 'groupId')::uuid;
  if group_name is null then
    return 0;
  end if;
  -- Counted whether or not an inbox row came back (null when in-app is off but a push was queued).
  select count(coalesce(private.notify(m.user_id, 'group_message', 'New messages in ' || group_name,
                                       'There are new messages in ' || group_name,
                                       jsonb_build_object('groupId', job.payload ->> 'groupId'), 'group:' || (job.payload ->> 'groupId'))::text,
                        'push only'))::integer
  into notified
  from private.group_members as m
  where m.group_id = (job.payload ->> 'groupId')::uuid and m.status = 'active' and m.user_id is not null
    and m.id is distinct from (job.payload ->> 'senderMemberId')::uuid
    and coalesce(m.last_seen_at, '-infinity') < now() - interval '2 minutes';
  return notified;
end;
$$;
comment on function private.fan_out_group_message(bigint) is 'Runs a group_message job: notifies the group''s active members who are not there (collapsed per group); returns how many.';

-- Achievements ----------------------------------------------------------------------------------------------------

create function private.notify_achievement()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.notify(new.user_id, 'achievement', 'Achievement unlocked', a.title, jsonb_build_object('achievementId', a.id))
  from public.achievements as a where a.id = new.achievement_id;
  return null;
end;
$$;
comment on function private.notify_achievement() is 'Trigger: an unlocked achievement notifies its person.';
create trigger user_achievements_notify
  after insert on public.user_achievements
  for each row execute function private.notify_achievement();

-- Therapy sessions ------------------------------------------------------------------------------------------------

create function private.notify_therapy_session_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  data jsonb := jsonb_build_object('sessionId', new.id);
begin
  if tg_op = 'INSERT' then
    if new.rescheduled_from is null then
      perform private.notify(new.therapist_id, 'session_update', 'New booking',
                             'A client booked a session on ' || private.local_start_text(new.therapist_id, new.starts_at), data);
    else
      perform private.notify(new.therapist_id, 'session_update', 'Session rescheduled',
                             'A client moved a session to ' || private.local_start_text(new.therapist_id, new.starts_at), data);
    end if;
    if new.status = 'confirmed' then
      perform private.notify(new.client_id, 'session_update', 'Session confirmed',
                             'Your session on ' || private.local_start_text(new.client_id, new.starts_at) || ' is confirmed', data);
    end if;
  elsif new.status is distinct from old.status then
    if new.status = 'confirmed' then
      perform private.notify(new.client_id, 'session_update', 'Session confirmed',
                             'Your session on ' || private.local_start_text(new.client_id, new.starts_at) || ' is confirmed', data);
    elsif new.status = 'cancelled' and new.cancellation_reason is distinct from 'Rescheduled' then
      perform private.notify(party, 'session_update', 'Session cancelled',
                             'Your session on ' || private.local_start_text(party, new.starts_at) || ' was cancelled', data)
      from unnest(array[new.client_id, new.therapist_id]) as party
      where party is not null and new.cancelled_by is distinct from
        (case when party = new.client_id then 'client' else 'therapist' end)::public.therapy_party;
    end if;
  elsif new.reschedule_requested_at is distinct from old.reschedule_requested_at and new.reschedule_requested_at is not null then
    perform private.notify(new.client_id, 'session_update', 'Please pick a new time',
                           'Your therapist asked to move your session on ' || private.local_start_text(new.client_id, new.starts_at), data);
  end if;
  return null;
end;
$$;
comment on function private.notify_therapy_session_change() is
  'Trigger: booked, rescheduled (therapist), confirmed (client), cancelled (the other party; both when the system cancels), reschedule requested (client).';
create trigger therapy_sessions_notify
  after insert or update of status, reschedule_requested_at on private.therapy_sessions
  for each row execute function private.notify_therapy_session_change();

-- Turns due session reminders into notifications, once each: claimed with SKIP LOCKED, sent only while the session is
-- still active and not yet started, otherwise cancelled. Returns how many were sent.
create function private.send_due_session_reminders(batch_size integer default 500)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  reminder record;
  sent integer := 0;
begin
  for reminder in
    select r.id, r.recipient_id, r.lead_minutes, s.id as session_id, s.starts_at,
           s.status in ('scheduled', 'confirmed') and s.starts_at > now() as still_on
    from private.session_reminders as r
    join private.therapy_sessions as s on s.id = r.session_id
    where r.status = 'pending' and r.due_at <= now()
    order by r.due_at
    limit batch_size
    for update of r skip locked
  loop
    if reminder.still_on then
      perform private.notify(reminder.recipient_id, 'session_reminder', 'Session reminder',
        'Your session starts ' || case
          when reminder.lead_minutes >= 1440 then 'on ' || private.local_start_text(reminder.recipient_id, reminder.starts_at)
          else 'in ' || greatest(1, ceil(extract(epoch from reminder.starts_at - now()) / 60))::integer || ' minutes' end,
        jsonb_build_object('sessionId', reminder.session_id), 'session:' || reminder.session_id,
        bypass_quiet_hours => true, urgency => 'high');
      sent := sent + 1;
    end if;
    update private.session_reminders as r
    set status = case when reminder.still_on then 'sent' else 'cancelled' end, updated_at = now()
    where r.id = reminder.id;
  end loop;
  return sent;
end;
$$;
comment on function private.send_due_session_reminders(integer) is
  'Sends due session reminders (only for sessions still active and not started; the others are cancelled), each once; returns how many were sent.';

revoke execute on all functions in schema private from public;
grant execute on function private.fan_out_group_message(bigint), private.send_due_session_reminders(integer) to service_role;
