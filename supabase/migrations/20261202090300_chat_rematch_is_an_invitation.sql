-- chat-match's preferred partner is an invitation (issue 14, second review): asking for someone met before matched
-- at once when that person happened to be waiting to listen, so asking (and cancelling) told the asker whether a past
-- partner was online, even with showActivity off, as often as they liked. Now a preferred request matches only when
-- the other asks for the asker in return; the other is told by a notification (with the conversation they shared and
-- the asker's participant id in it, which they pass back to accept), at most once a day per conversation, and never
-- to someone who left that conversation.

create table private.chat_rematch_invitations (
  conversation_id uuid not null references public.chat_conversations (id) on delete cascade,
  inviter_participant_id uuid not null references private.chat_participants (id) on delete cascade,
  invited_at timestamptz not null default now(),
  primary key (conversation_id, inviter_participant_id)
);
comment on table private.chat_rematch_invitations is
  'When a person last invited a past partner (through the matched conversation they shared) to talk again: at most one invitation a day each. Never readable through the API.';
create index chat_rematch_invitations_inviter_participant_id_idx on private.chat_rematch_invitations (inviter_participant_id);
alter table private.chat_rematch_invitations enable row level security;

create or replace function private.request_chat_match(as_listener boolean, topic text default null, prefer_participant_id uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := auth.uid();
  my_role public.chat_queue_role := case when as_listener then 'listener'::public.chat_queue_role else 'seeker'::public.chat_queue_role end;
  other_role public.chat_queue_role := case when as_listener then 'seeker'::public.chat_queue_role else 'listener'::public.chat_queue_role end;
  mine private.chat_queue;
  partner private.chat_queue;
  preferred_user uuid;
  met_conversation uuid;
  my_old_participant uuid;
  preferred_left boolean;
  conversation uuid;
  my_participant uuid;
  partner_participant uuid;
  queue_position integer;
begin
  if me is null then
    raise exception 'Sign-in required' using errcode = 'PT401';
  end if;
  if as_listener and not exists (select 1 from public.profiles as p where p.id = me and p.is_listener and p.is_active) then
    raise exception 'Opt in as a listener first' using errcode = 'PT403';
  end if;
  if not exists (select 1 from public.profiles as p where p.id = me and p.is_active) then
    raise exception 'This account is deactivated' using errcode = 'PT403';
  end if;
  if prefer_participant_id is not null then
    -- Asking for someone met before: only a partner from one of the caller's own conversations.
    select other.user_id, mine_p.conversation_id, mine_p.id, other.left_at is not null
      into preferred_user, met_conversation, my_old_participant, preferred_left
    from private.chat_participants as mine_p
    join private.chat_participants as other on other.conversation_id = mine_p.conversation_id and other.id <> mine_p.id
    join public.chat_conversations as met on met.id = mine_p.conversation_id and met.kind = 'matched'
    where mine_p.user_id = me and mine_p.delivered_at is not null and other.id = prefer_participant_id;
    if preferred_user is null then
      raise exception 'No such participant' using errcode = 'PT404';
    end if;
  end if;

  perform pg_advisory_xact_lock(hashtextextended('chat_match', 0));
  update private.chat_queue as q set status = 'expired' where q.status = 'waiting' and q.expires_at <= now();

  -- The caller's own entry, created or refreshed.
  insert into private.chat_queue as q (user_id, role, topic, prefer_participant_id, expires_at)
  values (me, my_role, nullif(btrim(request_chat_match.topic), ''), request_chat_match.prefer_participant_id,
          now() + case when as_listener then interval '30 minutes' else interval '10 minutes' end)
  on conflict (user_id) where status = 'waiting' do update
    set role = excluded.role, topic = excluded.topic, prefer_participant_id = excluded.prefer_participant_id,
        expires_at = excluded.expires_at
  returning q.* into mine;

  select q.conversation_id into conversation
  from private.chat_queue as q join public.chat_conversations as c on c.id = q.conversation_id
  where q.user_id = me and q.status = 'matched' and c.ended_at is null
  order by q.matched_at desc limit 1;
  if conversation is not null then
    update private.chat_queue as q set status = 'cancelled' where q.id = mine.id;
    select p.id into partner_participant from private.chat_participants as p
    where p.conversation_id = conversation and p.user_id is distinct from me;
    return jsonb_build_object('status', 'matched', 'conversationId', conversation, 'partner', jsonb_build_object(
      'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant)));
  end if;

  select q.* into partner
  from private.chat_queue as q
  where q.status = 'waiting' and q.role = other_role and q.user_id <> me and q.expires_at > now()
    and not private.is_blocked_between(me, q.user_id)
    -- Asking for someone met before matches only when they ask for the caller too (an invitation they accept): an
    -- immediate match with whoever happens to be waiting would tell the asker that person is listening right now.
    and (preferred_user is null or (q.user_id = preferred_user and q.prefer_participant_id is not null))
    -- A waiting person who asked for someone met before is matched only with that person asking for them in return.
    and (q.prefer_participant_id is null or (preferred_user is not null and exists (
      select 1 from private.chat_participants as wanted where wanted.id = q.prefer_participant_id and wanted.user_id = me)))
    and (preferred_user is not null or not exists (
      select 1 from private.chat_participants as a
      join private.chat_participants as b on b.conversation_id = a.conversation_id and b.id <> a.id
      join public.chat_conversations as c on c.id = a.conversation_id and c.kind = 'matched'
      where a.user_id = me and b.user_id = q.user_id and coalesce(c.ended_at, now()) > now() - interval '24 hours'))
  order by
    case when my_role = 'seeker' and mine.topic is not null then (q.topic is distinct from mine.topic and q.topic is not null) end,
    q.created_at
  limit 1;

  if partner.id is null then
    -- The person asked for hears of it (and accepts by asking for the caller in return); nothing tells the caller
    -- whether they are around.
    -- At most one invitation a day per conversation, and none to someone who left it (leaving is how a person ends
    -- contact short of a block): asking again, or after they left, waits in silence, answered exactly the same.
    if preferred_user is not null and not preferred_left and private.chat_block_time(me, preferred_user) is null
       and not exists (select 1 from private.chat_rematch_invitations as i
                       where i.conversation_id = met_conversation and i.inviter_participant_id = my_old_participant
                         and i.invited_at > now() - interval '1 day') then
      insert into private.chat_rematch_invitations as i (conversation_id, inviter_participant_id)
      values (met_conversation, my_old_participant)
      on conflict (conversation_id, inviter_participant_id) do update set invited_at = now();
      perform private.notify(preferred_user, 'chat_message', 'Someone would like to talk again',
                             'A person you talked with would like to talk with you again',
                             jsonb_build_object('conversationId', met_conversation, 'participantId', my_old_participant),
                             'rematch:' || met_conversation);
    end if;
    select count(*)::integer + 1 into queue_position from private.chat_queue as q
    where q.status = 'waiting' and q.role = my_role and q.expires_at > now() and q.created_at < mine.created_at;
    return jsonb_build_object('status', 'queued', 'role', my_role, 'position', queue_position,
      'estimatedWaitSeconds', queue_position * 60, 'expiresAt', mine.expires_at);
  end if;

  insert into public.chat_conversations (kind, topic) values ('matched', coalesce(mine.topic, partner.topic)) returning id into conversation;
  insert into private.chat_participants (conversation_id, user_id, alias) values (conversation, me, private.chat_alias_for(me, false))
    returning id into my_participant;
  insert into private.chat_participants (conversation_id, user_id, alias) values (conversation, partner.user_id, private.chat_alias_for(partner.user_id, false))
    returning id into partner_participant;
  update private.chat_queue as q set status = 'matched', conversation_id = conversation, matched_at = now() where q.id in (mine.id, partner.id);

  perform realtime.send(jsonb_build_object('conversation_id', conversation, 'partner', jsonb_build_object(
      'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant))),
    'match_found', private.personal_topic(me), true);
  perform realtime.send(jsonb_build_object('conversation_id', conversation, 'partner', jsonb_build_object(
      'id', my_participant, 'name', (select p.alias from private.chat_participants as p where p.id = my_participant))),
    'match_found', private.personal_topic(partner.user_id), true);

  return jsonb_build_object('status', 'matched', 'conversationId', conversation, 'partner', jsonb_build_object(
    'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant)));
end;
$$;
comment on function private.request_chat_match(boolean, text, uuid) is
  'chat-match: queues the caller as seeker or listener and matches them at once when someone suitable waits; a preferred partner (from a matched conversation) is an invitation matched only when accepted (see the chat_matching and chat_rematch_is_an_invitation migrations).';
