-- Therapists address a client by the id their session list shows them (issue 14): the client's card id in
-- my_therapy_sessions.client.id. POST /notifications/send took an account id, which no therapist can see (account ids
-- never leave the database), so a therapist had no way to name their own client. The account id is still accepted
-- (the service role and admins use it; a therapist cannot learn one).
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
    -- One sender's sends one at a time: concurrent requests cannot all pass the counts.
    perform pg_advisory_xact_lock(hashtextextended('notification_send:' || auth.uid()::text, 0));
    perform private.check_notification_send_rate('notification_send.' || sender || '_per_minute');
    perform private.check_notification_send_rate('notification_send.' || sender || '_per_hour');
  end if;

  if sender = 'therapist' then
    -- A therapist knows a client by the id their session list shows (the client's card, my_therapy_sessions.client.id),
    -- never by an account id they cannot see.
    recipient := coalesce((select p.id from public.profiles as p where p.public_id = send_notification.recipient_id), recipient_id);
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
      raise exception 'You may not notify this person' using errcode = 'PT403',
        hint = 'Therapists notify their clients about an upcoming session, or one in the last ' || recency.value || ' days.';
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
    -- Entries older than the longest send window count toward nothing any more.
    delete from private.notification_send_log as l
    where l.sender_id = auth.uid()
      and l.sent_at < clock_timestamp() - (select max(a.per) from private.abuse_limits as a where a.name like 'notification\_send.%');
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
