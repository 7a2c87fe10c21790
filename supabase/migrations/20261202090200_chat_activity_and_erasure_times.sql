-- Chat activity and erasure times that pair nobody (issue 14, second review).
-- * What a partner sees of someone's activity (online) is seen_active_at, which moves only while no block stands
--   between the two: activity after a block stays unseen for good (before, any activity after a block showed online
--   until five minutes past the block, then cut off, which no ordinary partner does).
-- * Talking openly shows one's public name only once the directory lists it (a new identity's name showed early).
-- * A waiting person who asked chat-match for someone met before is matched with that person only (an arrival of the
--   other side ignored the preference).
-- * An erasure publishes no time of its own: a deleted person's tombstones keep their own times, a conversation ends
--   at its last activity, their future sessions are "Cancelled by HealSpace" (as other system cancellations), and a
--   group's updated_at moves only for what its moderators change, not its member count. Before, one instant appeared
--   in every conversation, group and calendar they were in.
--
-- Security definer functions in this migration, and why:
--   private.chat_touch   writes a participant's activity and reads blocks.
--   (the replaced ones keep their reasons)

alter table private.chat_participants add column seen_active_at timestamptz;
update private.chat_participants set seen_active_at = last_active_at;
comment on column private.chat_participants.seen_active_at is
  'The participant''s activity as their partner may see it (online): moves with last_active_at only while no block stands between the two.';

create function private.chat_touch(participant_id uuid, at timestamptz)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.chat_participants as p
  set last_active_at = greatest(p.last_active_at, at),
      -- showActivity is applied here, where activity is written, not where it is read: turning it off lets the dot
      -- go dark as an idle one does, instead of switching every indicator of the person off at the same instant.
      seen_active_at = case when person.show_activity
                                 and (partner.user_id is null or private.chat_block_time(p.user_id, partner.user_id) is null)
                            then greatest(p.seen_active_at, at) else p.seen_active_at end
  from private.chat_participants as partner, public.profiles as person
  where p.id = chat_touch.participant_id and partner.conversation_id = p.conversation_id and partner.id <> p.id
    and person.id = p.user_id;
$$;
comment on function private.chat_touch(uuid, timestamptz) is
  'Records activity of a participant: always for themselves; for their partner''s eyes only while they show their activity and no block stands between them.';

create or replace function private.chat_partner_is_online(participant_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select p.seen_active_at > now() - interval '5 minutes' and pr.is_active
    from private.chat_participants as p
    join public.profiles as pr on pr.id = p.user_id
    join private.chat_participants as me on me.conversation_id = p.conversation_id and me.user_id = auth.uid() and me.id <> p.id
    where p.id = participant_id
  ), false);
$$;
comment on function private.chat_partner_is_online(uuid) is
  'True when the partner was active in the conversation in the last 5 minutes as the caller may see it (seen_active_at: only while they showed their activity, nothing after a block between them).';

create or replace function private.after_chat_message_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matched bigint := private.crisis_phrase_in(new.content);
  sender private.chat_participants;
  partner private.chat_participants;
begin
  if matched is not null then
    insert into private.chat_message_flags (message_id, phrase_id) values (new.id, matched) on conflict do nothing;
  end if;
  select p.* into sender from private.chat_participants as p where p.id = new.sender_id;
  select p.* into partner from private.chat_participants as p where p.conversation_id = new.conversation_id and p.id <> new.sender_id;
  if partner.user_id is not null and private.chat_block_time(sender.user_id, partner.user_id) is not null then
    insert into private.chat_withheld_messages (message_id, recipient_participant_id) values (new.id, partner.id);
  else
    update private.chat_participants as p set delivered_at = new.created_at where p.id = partner.id and p.delivered_at is null;
  end if;
  -- Answering means having read what came before: the sender's read pointer moves too, withheld or not (the sender's
  -- own state never tells them which). What the partner may see of it is decided where they see it (online, read
  -- receipts).
  update private.chat_participants as p set last_read_at = greatest(p.last_read_at, new.created_at) where p.id = new.sender_id;
  perform private.chat_touch(new.sender_id, new.created_at);
  return null;
end;
$$;
comment on function private.after_chat_message_insert() is
  'Trigger: crisis flagging (private); a message between a blocked pair is withheld from the partner, any other delivers the conversation to them; the sender''s read pointer and activity move either way.';

create or replace function public.chat_typing(conversation_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me private.chat_participants;
  partner private.chat_participants;
begin
  select p.* into me from private.chat_participants as p
  join public.chat_conversations as c on c.id = p.conversation_id and c.ended_at is null
  where p.conversation_id = chat_typing.conversation_id and p.user_id = auth.uid() and p.delivered_at is not null and p.left_at is null;
  if me.id is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  if me.typing_at > now() - interval '3 seconds' then
    return;
  end if;
  update private.chat_participants as p set typing_at = now() where p.id = me.id;
  perform private.chat_touch(me.id, now());
  select p.* into partner from private.chat_participants as p where p.conversation_id = me.conversation_id and p.id <> me.id;
  if partner.user_id is not null and partner.delivered_at is not null and partner.left_at is null
     and private.chat_block_time(me.user_id, partner.user_id) is null then
    perform realtime.send(jsonb_build_object('conversation_id', me.conversation_id, 'participant_id', me.id),
                          'typing', private.personal_topic(partner.user_id), true);
  end if;
end;
$$;

create or replace function private.chat_move_read_pointer(conversation_id uuid, read_up_to timestamptz)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.chat_participants as p
  set last_read_at = greatest(coalesce(p.last_read_at, '-infinity'), read_up_to)
  where p.conversation_id = chat_move_read_pointer.conversation_id and p.user_id = auth.uid();
  select private.chat_touch(p.id, now()) from private.chat_participants as p
  where p.conversation_id = chat_move_read_pointer.conversation_id and p.user_id = auth.uid();
$$;

create or replace function private.chat_alias_for(person_id uuid, talk_openly boolean)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    -- The public name only once others may see it (a new identity waits for its listing hour).
    when talk_openly then coalesce((select c.display_name from private.profile_cards as c
                                    where c.profile_id = person_id and not c.is_pseudonym and c.listed_from <= now()),
                                   'Anonymous User #' || lpad((floor(random() * 10000))::int::text, 4, '0'))
    else 'Anonymous User #' || lpad((floor(random() * 10000))::int::text, 4, '0')
  end;
$$;

-- (private.request_chat_match: as this change leaves it, in 20261202090300_chat_rematch_is_an_invitation.)
create or replace function private.anonymise_departed_participant()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.alias := '[deleted user]';
  -- Times of the erasure itself are never shown: they would be one instant across every conversation and group the
  -- person was in, pairing their identities there. A tombstone keeps its own time; the conversation ends at its last
  -- activity.
  new.left_at := coalesce(new.left_at, new.last_active_at, new.joined_at);
  new.opened_to_public_id := null;
  update public.chat_messages as m set content = null, deleted_at = coalesce(m.deleted_at, m.created_at) where m.sender_id = new.id;
  update public.chat_conversations as c
  set ended_at = coalesce(c.ended_at, (select max(m.created_at) from public.chat_messages as m where m.conversation_id = c.id), c.created_at)
  where c.id = new.conversation_id;
  return new;
end;
$$;

create or replace function private.erase_account_traces()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  person uuid := old.id;
  card uuid := (select p.public_id from public.profiles as p where p.id = old.id);
  participant_ids uuid[] := array(select p.id from private.chat_participants as p where p.user_id = old.id);
  member_ids uuid[] := array(select m.id from private.group_members as m where m.user_id = old.id);
  chat_message_ids text[];
  realtime_needles text[];
begin
  -- Therapy: future sessions are given up (the slot is free again, reminders cancelled, the other party told).
  perform private.mark_session_cancelled(s.id, 'system', 'Cancelled by HealSpace')
  from private.therapy_sessions as s
  where person in (s.client_id, s.therapist_id) and s.status in ('scheduled', 'confirmed') and s.starts_at > now();
  update private.therapy_sessions as s
  set client_note = null, idempotency_key = null,
      cancellation_reason = case when s.cancelled_by = 'client' and s.cancellation_reason <> 'Rescheduled' then null else s.cancellation_reason end
  where s.client_id = person
    and (s.client_note is not null or s.idempotency_key is not null
         or (s.cancelled_by = 'client' and s.cancellation_reason <> 'Rescheduled'));

  -- Chat: what the partner keeps loses the person's words; the participant rows become "[deleted user]".
  chat_message_ids := array(select m.id::text from public.chat_messages as m where m.sender_id = any (participant_ids));
  delete from private.chat_message_flags as f using public.chat_messages as m
  where m.id = f.message_id and m.sender_id = any (participant_ids);
  update private.chat_reports as r set description = null
  where r.reporter_participant_id = any (participant_ids) and r.description is not null;
  update private.chat_reports as r
  set reported_messages = (select coalesce(jsonb_agg(case when jsonb_typeof(e.value) = 'object' then e.value || '{"content": null}' else e.value end
                                                     order by e.position), '[]')
                           from jsonb_array_elements(r.reported_messages) with ordinality as e (value, position))
  where r.reported_participant_id = any (participant_ids);
  update private.chat_ratings as r set comment = null where r.rater_participant_id = any (participant_ids) and r.comment is not null;
  update private.chat_participants as p set opened_to_public_id = null where p.opened_to_public_id = card;
  update public.chat_conversations as c set topic = null
  from private.chat_queue as q
  where q.user_id = person and q.conversation_id = c.id and c.topic = q.topic;
  update private.chat_participants as p set user_id = null where p.user_id = person;

  -- Groups: their messages lose their text (tombstones stay, as "[former member]" once the membership goes).
  delete from private.group_message_flags as f using public.group_messages as m
  where m.id = f.message_id and m.sender_member_id = any (member_ids);
  update public.group_messages as m set content = null, deleted_at = coalesce(m.deleted_at, m.created_at), pinned_at = null
  where m.sender_member_id = any (member_ids) and (m.content is not null or m.pinned_at is not null);
  -- Sessions they host lose host and title (the future ones are cancelled) when their memberships go:
  -- private.forget_session_host.

  -- Files they uploaded that belong to something else (a group's cover) stay, without their uploader.
  update storage.objects as o set owner = null, owner_id = null where o.owner = person or o.owner_id = person::text;

  -- Stored broadcasts: the person's own topic, and events naming their account, participants, members or messages.
  -- (Realtime delivered them already; the rows are its log, which the platform prunes after a few days anyway.)
  realtime_needles := array[person::text] || participant_ids::text[] || member_ids::text[];
  delete from realtime.messages as m
  where m.topic = private.personal_topic(person)
     or m.payload ->> 'message_id' = any (chat_message_ids)
     or exists (select 1 from unnest(realtime_needles) as n where strpos(m.payload::text, n) > 0);

  -- Supabase Auth's own rows without a foreign key to users, where the platform has them (hosted projects). A role
  -- without rights on them there must not block the deletion: the platform keeps its own retention.
  if to_regclass('auth.audit_log_entries') is not null then
    begin
      execute 'delete from auth.audit_log_entries as e where strpos(e.payload::text, $1) > 0 or ($2 <> '''' and strpos(lower(e.payload::text), lower($2)) > 0)'
        using person::text, coalesce(old.email, '');
    exception when insufficient_privilege then
      raise warning 'auth.audit_log_entries is not writable here; Supabase Auth''s own audit entries for the account remain';
    end;
  end if;
  if to_regclass('auth.flow_state') is not null then
    begin
      execute 'delete from auth.flow_state as f where f.user_id = $1' using person;
    exception when insufficient_privilege or undefined_column then
      raise warning 'auth.flow_state could not be cleaned here';
    end;
  end if;
  return old;
end;
$$;

-- A system cancellation (only an erasure makes one) is dated by the session's own booking time, never the erasure's
-- moment, which would be the same on every calendar and group of the person.
create or replace function private.mark_session_cancelled(session_id uuid, cancelled_by public.therapy_party, reason text)
returns void
language sql
set search_path = ''
as $$
  update private.therapy_sessions as s
  set status = 'cancelled',
      cancelled_at = case when mark_session_cancelled.cancelled_by = 'system' then s.created_at else now() end,
      cancelled_by = mark_session_cancelled.cancelled_by,
      cancellation_reason = nullif(btrim(reason), ''),
      is_late_cancellation = mark_session_cancelled.cancelled_by <> 'system' and now() > s.starts_at - make_interval(hours => coalesce(
        (select t.late_cancellation_hours from public.therapists as t where t.id = s.therapist_id), 0))
  where s.id = mark_session_cancelled.session_id;
$$;
comment on function private.mark_session_cancelled(uuid, public.therapy_party, text) is
  'Cancels a session, recording who, why, when (a system cancellation: the booking''s own time) and whether it was late.';

drop trigger support_groups_set_updated_at on public.support_groups;
create trigger support_groups_set_updated_at
  before update of name, description, category_id, privacy, member_cap, cover_path on public.support_groups
  for each row execute function private.set_updated_at();

revoke execute on all functions in schema private from public;
grant execute on function private.chat_touch(uuid, timestamptz) to authenticated;
