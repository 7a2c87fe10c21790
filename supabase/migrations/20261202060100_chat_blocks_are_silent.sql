-- Chat: a block stops contact without changing anything either person can observe elsewhere (issue 14).
-- Before, blocking ended every conversation between the two accounts, so a person could learn which of their other
-- conversations (probes written to cards) was with the anonymous partner they blocked; and a direct message to a
-- blocker created a "shadow" participant with no account, which answers elsewhere (chat-match's preferred partner)
-- told apart from everyone else.
-- * Blocking ends only the conversation it is made in (leaving already ends it for both).
-- * From then on, in every conversation between the two accounts, old or new, what one of them sends is withheld
--   from the other: the sender sees it as sent (answer, list, Realtime echo on their own topic), the other sees
--   nothing at all: no message, no new conversation, no unread count, no activity, read receipt, typing or presence.
--   What each saw of the other before the block stays as it was: their activity as seen by the other stops at the
--   block, as it would for someone who stopped writing.
-- * Realtime: every server event of a conversation goes to each participant's personal topic (private.personal_topic),
--   only to those who may see it, so a withheld message echoes to its sender exactly as a delivered one does. Typing
--   and presence use a live room whose name each participant reads from chat_conversation_list.live_topic: one room
--   for both, or, between a blocked pair, a room of their own, named so that neither can tell the two apart.
-- * A direct conversation reaches its recipient with the first message they may see (delivered_at); until then it is
--   not theirs to see. The recipient's participant row always names the real account, so nothing (chat-match's
--   preferParticipantId included) answers differently for a blocker.
-- * Message ids are derived from the sender and their client-made idempotency key (private.opaque_id), so one
--   person's id never collides with another's: sending with someone else's message id is a new message, never a 409
--   that confirms the id exists.
--
-- Security definer functions in this migration, and why:
--   private.chat_block_time                           reads private.user_blocks.
--   private.chat_message_ids_withheld_from_caller     reads the withheld table for the select policy.
--   private.chat_live_topic_of_caller, private.chat_caller_live_topics   read participants and blocks.
--   (and the replaced definer functions keep their reasons from the chat migrations)

-- The conversation-wide last activity was seen by both sides; a withheld message must move nothing the other sees.
-- The conversation list derives it from the messages each person may read.
alter table public.chat_conversations drop column last_message_at;

alter table private.chat_participants add column delivered_at timestamptz;
update private.chat_participants set delivered_at = joined_at;
alter table private.chat_participants alter column delivered_at set default now();
comment on column private.chat_participants.delivered_at is
  'When the conversation reached this participant: at once for its opener and for matches; for the recipient of a direct conversation, with the first message they may see. Null: not theirs to see.';

create table private.chat_withheld_messages (
  message_id uuid primary key references public.chat_messages (id) on delete cascade,
  recipient_participant_id uuid not null references private.chat_participants (id) on delete cascade,
  withheld_at timestamptz not null default now()
);
comment on table private.chat_withheld_messages is
  'Messages (and edits) between two accounts one of which blocked the other: the sender sees them, the recipient participant never does. Never readable through the API.';
create index chat_withheld_messages_recipient_participant_id_idx on private.chat_withheld_messages (recipient_participant_id);
alter table private.chat_withheld_messages enable row level security;

-- When contact between two accounts stopped: the earliest block either way, or null.
create function private.chat_block_time(first_user uuid, second_user uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select min(b.created_at) from private.user_blocks as b
  where (b.blocker_id = first_user and b.blocked_id = second_user) or (b.blocker_id = second_user and b.blocked_id = first_user);
$$;
comment on function private.chat_block_time(uuid, uuid) is 'The moment the earlier of two accounts blocked the other, or null when neither did.';

-- The caller's conversations and participant ids: only those delivered to them.
create or replace function private.chat_conversation_ids_of_caller()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.conversation_id from private.chat_participants as p where p.user_id = auth.uid() and p.delivered_at is not null;
$$;

create or replace function private.chat_memberships_of_caller()
returns table (conversation_id uuid, participant_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select p.conversation_id, p.id from private.chat_participants as p where p.user_id = auth.uid() and p.delivered_at is not null;
$$;

create or replace function private.chat_caller_participant_id(conversation_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.id from private.chat_participants as p
  where p.conversation_id = chat_caller_participant_id.conversation_id and p.user_id = auth.uid() and p.delivered_at is not null;
$$;

create function private.chat_message_ids_withheld_from_caller()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select w.message_id from private.chat_withheld_messages as w
  join private.chat_participants as p on p.id = w.recipient_participant_id
  where p.user_id = auth.uid();
$$;
comment on function private.chat_message_ids_withheld_from_caller() is 'Messages in the caller''s conversations that are withheld from them (for the select policy).';

drop policy chat_messages_select_participant on public.chat_messages;
create policy chat_messages_select_participant on public.chat_messages
  for select to authenticated
  using (conversation_id in (select private.chat_conversation_ids_of_caller())
         and id not in (select private.chat_message_ids_withheld_from_caller()));

-- Online as the caller may see it: a partner's activity after a block between them is not theirs to see.
-- (private.chat_partner_is_online: as this change leaves it, in 20261202090200_chat_activity_and_erasure_times.)
-- The live room (typing, presence) of a conversation as the caller joins it: shared by both participants, or one of
-- their own when either account blocked the other. Keyed hashes, so nobody can tell a shared name from a split one.
create function private.chat_live_topic(conversation_id uuid, participant_id uuid, split boolean)
returns text
language sql
stable
set search_path = ''
as $$
  select 'conversation-live:' || private.opaque_id('chat_live',
    conversation_id::text || case when split then ':' || participant_id::text else '' end);
$$;
comment on function private.chat_live_topic(uuid, uuid, boolean) is 'The name of a conversation''s live room for a participant (split: a room of their own).';

create function private.chat_caller_live_topics()
returns table (conversation_id uuid, topic text)
language sql
stable
security definer
set search_path = ''
as $$
  select me.conversation_id,
         private.chat_live_topic(me.conversation_id, me.id, private.chat_block_time(me.user_id, partner.user_id) is not null)
  from private.chat_participants as me
  join public.chat_conversations as c on c.id = me.conversation_id
  left join private.chat_participants as partner on partner.conversation_id = me.conversation_id and partner.id <> me.id
  where me.user_id = auth.uid() and me.delivered_at is not null and me.left_at is null and c.ended_at is null;
$$;
comment on function private.chat_caller_live_topics() is 'The live rooms the caller may join now: one per open conversation they have not left.';

-- Realtime rules for chat: the live room only. Server events travel on personal topics (realtime_topic_allows).
create or replace function private.chat_topic_allows(topic text, sending boolean)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  -- A live room is for receiving and sending alike, so sending does not change the answer.
  select case when chat_topic_allows.topic ~ '^conversation-live:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then exists (select 1 from private.chat_caller_live_topics() as l where l.topic = chat_topic_allows.topic) end;
$$;
comment on function private.chat_topic_allows(text, boolean) is
  'Chat topic rules: conversation-live:<room> (receive and send: typing, presence) for a participant of an open conversation they have not left, in the room they were given. Null for other topics.';
drop function private.chat_caller_is_present_in(uuid);

-- GET /chat/conversations, now with the live room, and unread counted from what the caller may read: messages of the
-- partner after both the caller's read pointer and the caller's own latest message (answering means having read).
create or replace view public.chat_conversation_list with (security_invoker = true) as
  select c.id, c.kind, c.topic, c.created_at, c.ended_at,
         partner.id as partner_id, partner.alias as partner_name,
         private.chat_partner_is_online(partner.id) as partner_online,
         last_message.content as last_message, coalesce(last_message.created_at, c.created_at) as timestamp,
         (select count(*)::integer from public.chat_messages as m
          where m.conversation_id = c.id and m.sender_id <> me.id and m.deleted_at is null and m.removed_at is null
            and m.created_at > greatest(me.last_read_at, (select max(o.created_at) from public.chat_messages as o
                                                          where o.sender_id = me.id), '-infinity')) as unread_count,
         live.topic as live_topic
  from private.chat_memberships_of_caller() as membership
  join public.chat_conversations as c on c.id = membership.conversation_id
  join private.chat_participants as me on me.id = membership.participant_id
  left join private.chat_participants as partner on partner.conversation_id = c.id and partner.id <> me.id
  left join lateral (
    select m.content, m.created_at from public.chat_messages as m
    where m.conversation_id = c.id order by m.created_at desc, m.id desc limit 1
  ) as last_message on true
  left join private.chat_caller_live_topics() as live on live.conversation_id = c.id;
comment on view public.chat_conversation_list is
  'GET /chat/conversations: partner (participant id, alias, online), last message, timestamp, unread count, live_topic (the Realtime room for typing and presence; null once ended or left). Order by timestamp desc.';
comment on column private.chat_participants.last_read_at is 'Read pointer: messages up to this time are read by this participant (their own sends count as reading too).';

-- The id a chat message is stored under: derived from the sender's account and their idempotency key.
create function private.chat_message_id_for(client_message_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select private.opaque_id('chat_message', auth.uid()::text || ':' || client_message_id::text);
$$;
comment on function private.chat_message_id_for(uuid) is
  'The stored id of the caller''s chat message sent with this client-made key: the same key always gives the same id, and nobody else''s key can give it.';

-- Opening a direct conversation: the recipient's participant row always names them; it reaches them with the first
-- message they may see (a message withheld by a block never does).
create or replace function private.chat_open_direct_conversation(recipient_public_id uuid, talk_openly boolean)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  recipient public.profiles;
  found_id uuid;
begin
  select p.* into recipient from public.profiles as p where p.public_id = recipient_public_id and p.is_active;
  if recipient.id is null or recipient.id = auth.uid() then
    raise exception 'No such recipient' using errcode = 'PT404';
  end if;
  -- allowMessages is on the public card: refusing it reveals nothing the card does not show.
  if not recipient.allow_messages then
    raise exception 'This person is not accepting messages' using errcode = 'PT403';
  end if;
  -- One opening per (caller, card) at a time.
  perform pg_advisory_xact_lock(hashtextextended(
    'chat_pair:' || least(auth.uid(), recipient.id)::text || ':' || greatest(auth.uid(), recipient.id)::text, 0));
  select c.id into found_id
  from public.chat_conversations as c
  join private.chat_participants as mine on mine.conversation_id = c.id and mine.user_id = auth.uid() and mine.left_at is null
  where c.kind = 'direct' and c.ended_at is null
    and mine.opened_to_public_id = recipient_public_id and mine.is_anonymous = not talk_openly
  limit 1;
  if found_id is not null then
    return found_id;
  end if;
  insert into public.chat_conversations (kind) values ('direct') returning id into found_id;
  insert into private.chat_participants (conversation_id, user_id, alias, is_anonymous, opened_to_public_id)
  values (found_id, auth.uid(), private.chat_alias_for(auth.uid(), talk_openly), not talk_openly, recipient_public_id);
  insert into private.chat_participants (conversation_id, user_id, alias, is_anonymous, delivered_at)
  values (found_id, recipient.id, private.chat_alias_for(recipient.id, false), true, null);
  return found_id;
end;
$$;
comment on function private.chat_open_direct_conversation(uuid, boolean) is
  'Finds the caller''s own direct conversation to a public profile id, or opens one (the recipient sees it with the first message they may see); 403 when the card does not accept messages.';

-- After a message is stored: withheld from a partner between whom and the sender there is a block, otherwise
-- delivered (the conversation reaches the partner, the sender's activity and read pointer move).
-- (private.after_chat_message_insert: as this change leaves it, in 20261202090200_chat_activity_and_erasure_times.)
-- An edit between a blocked pair reaches the partner no more than a new message would: the message is withheld from
-- them from then on (their copy is gone, as a message removed from their view).
-- (private.flag_edited_chat_message: as this change leaves it, in 20261202080400_edit_window_and_listing_delay.)
-- Realtime: each participant's personal topic, for those who may see the message. Payloads carry participant ids and
-- aliases only.
create or replace function private.broadcast_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  sender private.chat_participants;
  payload jsonb;
  event text;
  recipient private.chat_participants;
begin
  select p.* into sender from private.chat_participants as p where p.id = new.sender_id;
  payload := jsonb_build_object(
    'id', new.id, 'conversation_id', new.conversation_id, 'sender_id', new.sender_id, 'sender_name', sender.alias,
    'is_anonymous', sender.is_anonymous, 'content', new.content, 'created_at', new.created_at, 'edited_at', new.edited_at,
    'deleted', new.deleted_at is not null or new.removed_at is not null
  );
  event := case
    when tg_op = 'INSERT' then 'new_message'
    when new.deleted_at is not null or new.removed_at is not null then 'message_deleted'
    else 'message_updated' end;
  for recipient in
    select p.* from private.chat_participants as p
    where p.conversation_id = new.conversation_id and p.user_id is not null and p.delivered_at is not null
      and (p.id = new.sender_id or (p.left_at is null and not exists (
        select 1 from private.chat_withheld_messages as w where w.message_id = new.id and w.recipient_participant_id = p.id)))
  loop
    perform realtime.send(payload, event, private.personal_topic(recipient.user_id), true);
  end loop;
  return null;
end;
$$;
comment on function private.broadcast_chat_message() is
  'Trigger on chat_messages: new, edited and deleted messages on the personal topic of each participant who may see them (the sender always). No account ids in payloads.';

-- Read receipts reach the partner only while there is no block between them, and only for people who show activity.
create or replace function private.broadcast_chat_read()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  partner private.chat_participants;
begin
  select p.* into partner from private.chat_participants as p where p.conversation_id = new.conversation_id and p.id <> new.id;
  if partner.user_id is not null and partner.delivered_at is not null and partner.left_at is null
     and private.chat_block_time(new.user_id, partner.user_id) is null
     and exists (select 1 from public.profiles as p where p.id = new.user_id and p.show_activity) then
    perform realtime.send(jsonb_build_object('conversation_id', new.conversation_id, 'participant_id', new.id, 'last_read_at', new.last_read_at),
                          'read', private.personal_topic(partner.user_id), true);
  end if;
  return null;
end;
$$;
comment on function private.broadcast_chat_read() is
  'Trigger on chat_participants: a moved read pointer is a read receipt on the partner''s personal topic, for people who show their activity and while no block stands between them.';

-- A chat message notifies only a partner who may see it.
create or replace function private.notify_chat_message()
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
    and p.delivered_at is not null
    and coalesce(greatest(p.last_active_at, p.last_read_at), '-infinity') < now() - interval '2 minutes'
    and not exists (select 1 from private.chat_withheld_messages as w where w.message_id = new.id);
  return null;
end;
$$;

-- POST /chat/messages. message_id is the client's idempotency key: the message is stored under an id derived from it
-- and the sender (private.chat_message_id_for), which the answer carries; sending the same key again returns the
-- original. Nobody else's key can collide with it, so no answer says whether someone else's id exists.
-- (public.send_chat_message: as this change leaves it, in 20261202080000_chat_silence_without_tells.)
-- Leave (end) a conversation, or block the partner: blocking ends this conversation and stops contact everywhere else
-- without ending or changing anything there (see the top of this migration).
-- security definer: ends a conversation and records a block, which the caller may not write directly.
create or replace function public.leave_chat_conversation(conversation_id uuid, block_partner boolean default false)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me private.chat_participants;
  partner_user uuid;
begin
  select p.* into me from private.chat_participants as p
  where p.conversation_id = leave_chat_conversation.conversation_id and p.user_id = auth.uid() and p.delivered_at is not null;
  if me.id is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  update private.chat_participants as p set left_at = coalesce(p.left_at, now()) where p.id = me.id;
  update public.chat_conversations as c set ended_at = coalesce(c.ended_at, now()) where c.id = me.conversation_id;
  if block_partner then
    select p.user_id into partner_user from private.chat_participants as p where p.conversation_id = me.conversation_id and p.id <> me.id;
    if partner_user is not null then
      -- The same locks as matching and direct opening take: a block never crosses a match or a first message.
      perform pg_advisory_xact_lock(hashtextextended('chat_match', 0));
      perform pg_advisory_xact_lock(hashtextextended(
        'chat_pair:' || least(auth.uid(), partner_user)::text || ':' || greatest(auth.uid(), partner_user)::text, 0));
      insert into private.user_blocks (blocker_id, blocked_id) values (auth.uid(), partner_user) on conflict do nothing;
    end if;
  end if;
end;
$$;
comment on function public.leave_chat_conversation(uuid, boolean) is
  'Leaves (ends) a conversation; with block_partner, also blocks the partner: no more matches between the two, and whatever either sends the other anywhere is withheld from them, with nothing else ended or changed.';
comment on table private.user_blocks is
  'Who blocked whom. A block prevents future matches and withholds every later message between the two, both ways, without ending anything but the conversation it was made in. Never readable by the blocked person.';


-- Matching announces matches on personal topics, and a preferred partner is asked for only from conversations the
-- caller may see.
-- (private.request_chat_match: as this change leaves it, in 20261202090300_chat_rematch_is_an_invitation.)
-- Account deletion clears the stored broadcasts of the person's personal topic.
-- (private.erase_account_traces: as this change leaves it, in 20261202090200_chat_activity_and_erasure_times.)
-- An edit's withholding is decided before it is broadcast (triggers fire in name order).
alter trigger chat_messages_flag_edit on public.chat_messages rename to chat_messages_after_edit;

revoke execute on all functions in schema private from public;
grant execute on function private.chat_block_time(uuid, uuid) to authenticated;
grant execute on function private.chat_message_ids_withheld_from_caller() to authenticated;
grant execute on function private.chat_live_topic(uuid, uuid, boolean) to authenticated, service_role;
grant execute on function private.chat_caller_live_topics() to authenticated;
grant execute on function private.chat_message_id_for(uuid) to authenticated;
