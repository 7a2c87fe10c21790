-- A therapist knows a client by a handle made for that pair, and sees no directory identity of theirs that the
-- directory itself would not pair (issue 14: "anonymity that survives every feature", review findings a and b).
-- * (a) POST /notifications/send accepted an account id from a therapist (or the client's public card id): a
--   non-client answered 403, a client 201, and refused sends cost nothing, so a therapist could test
--   account ids against their clients without limit. Therapists' own account ids are public (list_therapists.id), so a
--   pseudonymous client who is also a therapist was identified by name. Now a therapist names a client only by their
--   client handle: private.opaque_id('therapist_client', <therapist id>:<client id>) (as a version 8 uuid), stable for
--   the pair, different for another therapist, and linkable to nothing else (not the account id, not the public id,
--   not the pseudonym).
--   Any other id from a therapist (an account id, a public id, a random uuid, another therapist's handle) takes the
--   same path to the same refusal. A refusal is no longer an exception that rolls back: it is written to the send log
--   (without a recipient) and returned as { refused: { code, message, hint } }, which the function answers as the 403
--   it always was; so refused attempts count toward the therapist's per-minute and per-hour send limits like sends,
--   checked before anything about the recipient, and serialised by the same per-sender lock (concurrent probes cannot
--   all pass). Admins and the service role keep addressing people by account id (they see accounts anyway).
-- * (b) The therapist's view of a client (my_therapy_sessions.client) was the client's public card: public id and
--   pseudonym included, whatever its listing time. A client turning anonymous mode on showed the therapist the new
--   public id and pseudonym at once (past sessions too), pairing the client with their anonymous directory card the
--   directory lists only from a later full hour. Now client.id is the handle, and the card's fields are shown only
--   when the client shows a named card that is listed (listed_from <= now()); otherwise the therapist sees
--   { id: <handle>, name: 'Your client', isPseudonym: true } with every other field null: no public id, no pseudonym,
--   nothing the directory shows. Turning anonymous mode on hides the card from the therapist at the moment it leaves
--   the directory; turning it off shows the named card when the directory lists it, not before.
--
-- Security definer functions in this migration, and why:
--   private.session_client_card   reads cards by account id, which no API role may (reason kept from 20261125182100).
--   private.send_notification     reads sessions and the send log, writes the log and the inbox (reason kept).

-- The handle -------------------------------------------------------------------------------------------------------

-- The keyed hash is shaped as an RFC 9562 version 8 (custom) uuid, version and variant bits set, 122 bits of it left:
-- the function validates userId as a uuid (zod's z.uuid(), as clients do), which a raw hash would fail 15 times in 16.
create function private.therapist_client_handle(therapist_id uuid, client_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select (substr(h, 1, 12) || '8' || substr(h, 14, 3) || substr('89ab', (('x' || substr(h, 17, 1))::bit(4)::integer % 4) + 1, 1) || substr(h, 18))::uuid
  from (select replace(private.opaque_id('therapist_client', therapist_id::text || ':' || client_id::text)::text, '-', '') as h) as derived;
$$;
comment on function private.therapist_client_handle(uuid, uuid) is
  'The id a therapist knows a client by (my_therapy_sessions.client.id, POST /notifications/send userId): private.opaque_id(''therapist_client'', <therapist id>:<client id>) as a version 8 uuid, stable for the pair, different for every other therapist, linkable to no account id, public id or pseudonym. Null for a deleted client. Executable by the database owner only: with it, anyone could test a pair.';

-- What the therapist sees of a client --------------------------------------------------------------------------------

-- security definer: cards are not readable by account id through the API.
create or replace function private.session_client_card(session_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when c.is_pseudonym or c.listed_from > now() then
      -- A pseudonymous card (anonymous mode, or no name) or one the directory does not list yet: nothing of it.
      jsonb_build_object(
        'id', private.therapist_client_handle(s.therapist_id, s.client_id), 'name', 'Your client', 'isPseudonym', true,
        'avatarPath', null, 'phone', null, 'dateOfBirth', null, 'location', null, 'occupation', null, 'interests', null)
    else
      jsonb_build_object(
        'id', private.therapist_client_handle(s.therapist_id, s.client_id), 'name', c.display_name, 'isPseudonym', false,
        'avatarPath', c.avatar_path, 'phone', c.phone, 'dateOfBirth', c.date_of_birth, 'location', c.location,
        'occupation', c.occupation, 'interests', c.interests)
  end
  from private.therapy_sessions as s
  join private.profile_cards as c on c.profile_id = s.client_id
  where s.id = session_client_card.session_id and s.therapist_id = auth.uid();
$$;
comment on function private.session_client_card(uuid) is
  'The client of a session as its therapist sees them: id is the client handle (private.therapist_client_handle); the card''s name and shared fields only while the client shows a named card the directory lists, else name ''Your client'' (isPseudonym true) and nothing else: never a public id or pseudonym. Null for anyone but the session''s therapist, and for a deactivated or deleted client.';

comment on view public.my_therapy_sessions is
  'GET /sessions: the caller''s sessions as client or therapist, in the seed''s shape. Filter timing = upcoming | past and therapistId; order by scheduledAt. A therapist sees the client (client): a handle of their own for that client as id, the named card''s shared fields while the client shows one that is listed, else ''Your client''; never an account id, public id, pseudonym or the rating. The client sees their own rating.';

-- Refused attempts count -------------------------------------------------------------------------------------------

alter table private.notification_send_log alter column recipient_id drop not null;
comment on table private.notification_send_log is
  'Notifications people (therapists, admins) sent through send_notification, and therapists'' refused attempts, for the send rate limits. Pruned after a day; deleted with either account; not exported (transient, and it names the other party).';
comment on column private.notification_send_log.recipient_id is
  'Whom it was sent to, for the per-person limits; null for a therapist''s refused attempt (an id that names none of their clients who may be notified), which counts toward the per-minute and per-hour limits only.';

update private.abuse_limits
set reason = 'Notifications a therapist sends per minute through POST /notifications/send, refused attempts included (so ids cannot be tried without limit): a burst of session updates, not a flood.'
where name = 'notification_send.therapist_per_minute';
update private.abuse_limits
set reason = 'Notifications a therapist sends per hour, refused attempts included: "running late" to a day''s clients fits; a campaign does not.'
where name = 'notification_send.therapist_per_hour';

-- POST /notifications/send -----------------------------------------------------------------------------------------

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
  recipient uuid := recipient_id;
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
    -- One sender's sends one at a time: concurrent requests cannot all pass the counts. The counts include a
    -- therapist's refused attempts (logged without a recipient below).
    perform pg_advisory_xact_lock(hashtextextended('notification_send:' || auth.uid()::text, 0));
    perform private.check_notification_send_rate('notification_send.' || sender || '_per_minute');
    perform private.check_notification_send_rate('notification_send.' || sender || '_per_hour');
    -- Entries older than the longest send window count toward nothing any more.
    delete from private.notification_send_log as l
    where l.sender_id = auth.uid()
      and l.sent_at < clock_timestamp() - (select max(a.per) from private.abuse_limits as a where a.name like 'notification\_send.%');
  end if;

  if sender = 'therapist' then
    -- A therapist names a client only by their handle (my_therapy_sessions.client.id). The handles of all of the
    -- therapist's clients are compared with the id given, whatever it is: an account id, a public id, a random uuid and
    -- another therapist's handle all take this same path and find nobody.
    recipient := (
      select c.client_id
      from (select distinct s.client_id from private.therapy_sessions as s where s.therapist_id = auth.uid() and s.client_id is not null) as c
      where private.therapist_client_handle(auth.uid(), c.client_id) = send_notification.recipient_id
      limit 1);
    -- The session this is about: the one named in data.sessionId, else the next upcoming one, else the most recent.
    recency := private.abuse_limit('notification_send.therapist_session_recency_days');
    select s.id into about_session
    from private.therapy_sessions as s
    join public.profiles as client on client.id = s.client_id and client.is_active
    where s.therapist_id = auth.uid() and s.client_id = recipient
      and (payload ->> 'sessionId' is null or s.id::text = lower(payload ->> 'sessionId'))
      and case when s.status = 'cancelled' then s.cancelled_at else s.ends_at end > now() - make_interval(days => recency.value)
    order by s.status in ('scheduled', 'confirmed') and s.starts_at > now() desc,
             case when s.starts_at > now() then s.starts_at end,
             s.starts_at desc
    limit 1;
    if about_session is null then
      -- Refused, and kept: the attempt counts toward the therapist's rates. The function answers it as a 403, the same
      -- for every id that is not a client they may notify (a deactivated client's included).
      insert into private.notification_send_log (sender_id, recipient_id) values (auth.uid(), null);
      return jsonb_build_object('refused', jsonb_build_object(
        'code', 'PT403', 'message', 'You may not notify this person',
        'hint', 'Therapists notify their clients, named by the id their session list shows, about an upcoming session or one in the last '
                || recency.value || ' days.'));
    end if;
    payload := payload || jsonb_build_object('sessionId', about_session);
  end if;

  if not exists (select 1 from public.profiles as p where p.id = recipient and p.is_active) then
    raise exception 'No such user' using errcode = 'PT404';
  end if;

  if sender in ('admin', 'therapist') then
    perform private.check_notification_send_rate('notification_send.' || sender || '_to_one_person_per_hour', recipient);
    if sender = 'therapist' then
      perform private.check_notification_send_rate('notification_send.therapist_to_one_person_per_day', recipient);
    end if;
    insert into private.notification_send_log (sender_id, recipient_id) values (auth.uid(), recipient);
  end if;

  -- A new row every time: a sent notification is its own event, not collapsed. Only the service role's session
  -- reminders and urgent system messages (and an admin's urgent system message, for safety) skip quiet hours.
  inbox_id := private.notify(recipient, kind, title, body, payload, null,
                             bypass_quiet_hours => (sender = 'service_role' and (kind = 'session_reminder' or (kind = 'system' and urgent)))
                                                   or (sender = 'admin' and kind = 'system' and urgent),
                             urgency => case when (sender = 'service_role' and (urgent or kind = 'session_reminder'))
                                                  or (sender = 'admin' and kind = 'system' and urgent) then 'high' else 'normal' end);
  -- The push jobs just queued (created_at is the transaction's time), for the function to deliver at once. A person
  -- sender always gets an id: a null one (in-app turned off for this type) would tell them the recipient's settings.
  return jsonb_build_object(
    'notificationId', case when sender = 'service_role' then inbox_id else coalesce(inbox_id, gen_random_uuid()) end,
    'jobs', coalesce((
      select jsonb_agg(jsonb_build_object('id', j.id, 'subscriptionId', j.subscription_id, 'runAt', j.run_at) order by j.id)
      from private.notification_jobs as j
      where j.user_id = recipient and j.kind = 'push' and j.status = 'pending' and j.created_at = now()
        and j.notification_id is not distinct from inbox_id), '[]'));
end;
$$;
comment on function private.send_notification(uuid, text, text, public.notification_type, jsonb, boolean) is
  'The seed''s POST /notifications/send. Service role: any type to anyone, by account id. Admins: system (urgent allowed) and session_update to anyone, by account id. Therapists: session_update only, never urgent, to an active client with an upcoming or recent session (carried as data.sessionId), named by their client handle (my_therapy_sessions.client.id); any other id is refused alike, and the refusal is returned as { refused: { code, message, hint } } (not raised) so that the attempt stays logged and counts toward the therapist''s rates; the function answers it 403. Others 403; a type the role may not send 403; past a send rate limit (private.abuse_limits) 429. Returns the inbox id (for people sending: an id even when the recipient keeps no in-app copy) and the queued push jobs, which the function reports to the service role only.';

revoke execute on all functions in schema private from public;
