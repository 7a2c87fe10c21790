-- Chat, after an adversarial review of the block model (issue 14): nothing the blocker or the blocked person can
-- observe tells which conversation is with the other.
-- * Online: a partner never active in a conversation is offline (least() skipped the null and showed them online
--   forever); a partner's activity after a block between the two stays unseen, as before.
-- * The sender's own read pointer and activity move on every send, withheld or not (the export showed a null read
--   pointer exactly where sends were withheld).
-- * Live rooms are gone: a shared Realtime room whose name changed at the block told both sides which conversation it
--   was, and Realtime authorises only at join, so typing and presence crossed a block until a rejoin. Typing is now an
--   RPC (public.chat_typing) that reaches the partner's personal topic only when they may see it; presence is
--   partner_online, from the database.
-- * chat-match's preferred partner is only ever someone met through matching (a card's owner was matchable on
--   demand, unmasked), and the 24-hour "not someone you just talked to" rule counts matched conversations only (one
--   message to a card steered who else could be matched).
-- * A message's stored id is derived in the insert trigger, whatever the path (a direct insert took any id and
--   answered 409 for an existing one).
--
-- Security definer functions in this migration, and why:
--   public.chat_typing   reads the partner's participant row and blocks, and broadcasts to their topic.

-- (private.chat_partner_is_online: as this change leaves it, in 20261202090200_chat_activity_and_erasure_times.)
-- (private.after_chat_message_insert: as this change leaves it, in 20261202090200_chat_activity_and_erasure_times.)
create or replace function private.check_chat_message_insert()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if exists (select 1 from public.chat_conversations as c where c.id = new.conversation_id and c.ended_at is not null) then
    raise exception 'This conversation has ended' using errcode = 'PT409';
  end if;
  perform private.check_chat_send_rate();
  -- The stored id is derived from the sender and the id they gave (their idempotency key): nobody's id can hit
  -- someone else's message, however the row is inserted.
  new.id := private.chat_message_id_for(new.id);
  new.content := btrim(new.content);
  -- The moment of sending, not of the transaction's start: orders messages sent within one transaction too.
  new.created_at := clock_timestamp();
  return new;
end;
$$;

create or replace function public.send_chat_message(
  message_id uuid,
  content text,
  recipient_id uuid,
  is_anonymous boolean default true,
  country_code text default null
)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  stored_id uuid;
  target_conversation uuid;
  existing public.chat_messages;
  sent public.chat_messages;
begin
  if message_id is null or recipient_id is null then
    raise exception 'message_id and recipient_id are required' using errcode = 'PT400';
  end if;
  perform private.check_message_content(content);
  stored_id := private.chat_message_id_for(message_id); -- as the insert trigger stores it
  -- A retry of a message already sent answers the original.
  select m.* into existing from public.chat_messages as m where m.id = stored_id;
  if existing.id is not null then
    return jsonb_build_object('message', to_jsonb(existing), 'conversationId', existing.conversation_id, 'duplicate', true,
      'safety', case when private.chat_message_flagged_for_sender(existing.id) then public.crisis_support(country_code) end);
  end if;

  -- Before anything about the recipient is looked at: a refusal must never depend on who the recipient is. (The
  -- insert trigger checks again and records the send.)
  perform private.check_chat_send_rate(record_send => false);
  select p.conversation_id into target_conversation
  from private.chat_participants as p
  where p.id = recipient_id and p.conversation_id in (select private.chat_conversation_ids_of_caller());
  if target_conversation is null then
    target_conversation := private.chat_open_direct_conversation(recipient_id, not is_anonymous);
  elsif private.chat_caller_participant_id(target_conversation) = recipient_id then
    raise exception 'No such recipient' using errcode = 'PT404';
  end if;

  begin
    insert into public.chat_messages (id, conversation_id, sender_id, content)
    values (message_id, target_conversation, private.chat_caller_participant_id(target_conversation), content)
    returning * into sent;
  exception when unique_violation then
    -- The same key, sent twice at once: the original answers.
    select m.* into existing from public.chat_messages as m where m.id = stored_id;
    return jsonb_build_object('message', to_jsonb(existing), 'conversationId', existing.conversation_id, 'duplicate', true,
      'safety', case when private.chat_message_flagged_for_sender(existing.id) then public.crisis_support(country_code) end);
  end;
  return jsonb_build_object('message', to_jsonb(sent), 'conversationId', target_conversation, 'duplicate', false,
    'safety', case when private.chat_message_flagged_for_sender(sent.id) then public.crisis_support(country_code) end);
end;
$$;
comment on function public.send_chat_message(uuid, text, uuid, boolean, text) is
  'POST /chat/messages: idempotent on message_id (the client''s key; the stored id, in the answer, is derived from it and the sender); opens a direct conversation for a public profile id; 429 past the per-minute limit; a crisis phrase adds a safety prompt (helplines) to the sender''s answer only.';

-- (private.request_chat_match: as this change leaves it, in 20261202090300_chat_rematch_is_an_invitation.)
-- Typing: the client calls this while the person types (at most every few seconds); the partner hears `typing` on
-- their personal topic when they may see the conversation, have not left it, and no block stands between the two.
alter table private.chat_participants add column typing_at timestamptz;
comment on column private.chat_participants.typing_at is 'When this participant''s last typing indicator was broadcast (one per 3 seconds at most).';

create function public.chat_typing(conversation_id uuid)
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
  update private.chat_participants as p set typing_at = now(), last_active_at = now() where p.id = me.id;
  select p.* into partner from private.chat_participants as p where p.conversation_id = me.conversation_id and p.id <> me.id;
  if partner.user_id is not null and partner.delivered_at is not null and partner.left_at is null
     and private.chat_block_time(me.user_id, partner.user_id) is null then
    perform realtime.send(jsonb_build_object('conversation_id', me.conversation_id, 'participant_id', me.id),
                          'typing', private.personal_topic(partner.user_id), true);
  end if;
end;
$$;
comment on function public.chat_typing(uuid) is
  'Typing indicator: reaches the partner''s personal topic (event typing) when they may see it; at most one every 3 seconds. 404 for a conversation the caller is not in, has left, or that ended.';
revoke execute on function public.chat_typing(uuid) from public, anon;
grant execute on function public.chat_typing(uuid) to authenticated;

-- The list loses live_topic; a view's columns cannot be dropped in place.
drop view public.chat_conversation_list;
create view public.chat_conversation_list with (security_invoker = true) as
  select c.id, c.kind, c.topic, c.created_at, c.ended_at,
         partner.id as partner_id, partner.alias as partner_name,
         private.chat_partner_is_online(partner.id) as partner_online,
         last_message.content as last_message, coalesce(last_message.created_at, c.created_at) as timestamp,
         (select count(*)::integer from public.chat_messages as m
          where m.conversation_id = c.id and m.sender_id <> me.id and m.deleted_at is null and m.removed_at is null
            and m.created_at > greatest(me.last_read_at, (select max(o.created_at) from public.chat_messages as o
                                                          where o.sender_id = me.id), '-infinity')) as unread_count
  from private.chat_memberships_of_caller() as membership
  join public.chat_conversations as c on c.id = membership.conversation_id
  join private.chat_participants as me on me.id = membership.participant_id
  left join private.chat_participants as partner on partner.conversation_id = c.id and partner.id <> me.id
  left join lateral (
    select m.content, m.created_at from public.chat_messages as m
    where m.conversation_id = c.id order by m.created_at desc, m.id desc limit 1
  ) as last_message on true;
comment on view public.chat_conversation_list is
  'GET /chat/conversations: partner (participant id, alias, online: the presence indicator), last message, timestamp, unread count. Order by timestamp desc.';
revoke all on table public.chat_conversation_list from anon, authenticated, service_role;
grant select on table public.chat_conversation_list to authenticated, service_role;

-- Realtime: chat has no client topics any more; personal topics carry everything.
create or replace function private.realtime_topic_allows(topic text, sending boolean)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(
    case when topic = private.personal_topic(auth.uid()) then not sending end,
    private.group_topic_allows(topic, sending),
    false
  );
$$;
comment on function private.realtime_topic_allows(text, boolean) is
  'Whether the caller may receive (sending false) or send on a Realtime topic: their personal topic receive only, then the groups'' rules, else no.';
drop function private.chat_topic_allows(text, boolean);
drop function private.chat_caller_live_topics();
drop function private.chat_live_topic(uuid, uuid, boolean);
