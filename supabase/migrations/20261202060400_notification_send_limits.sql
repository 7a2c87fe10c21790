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
-- (private.send_notification: as this change leaves it, in 20261202080200_therapist_client_handles.)
revoke execute on all functions in schema private from public;
