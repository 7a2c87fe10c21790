-- Matching seekers with listeners (the seed's POST /chat/start, served by the chat-match function).
-- Queue semantics:
-- * A seeker asks to talk (optionally about a topic); a listener (a person who opted in with profiles.is_listener)
--   says they are available. Each person has at most one waiting entry; asking again refreshes it.
-- * An arrival is matched at once with the longest-waiting person of the other side who is not blocked either way,
--   is not themselves, and (unless asked for by participant id) did not share a conversation with them in the last
--   24 hours. A seeker's topic, when given, prefers listeners waiting for that topic or for any.
-- * Otherwise the arrival waits: the answer says it is queued, with its position and an estimate. Entries expire
--   (seekers after 10 minutes, listeners after 30) unless refreshed; a person can cancel.
-- * One matched conversation at a time: while a person's matched conversation is open, asking again answers that
--   match (so a retry, a double click or the function's second ask never matches anyone twice); to meet someone
--   new, leave the conversation first.
-- * Concurrency: matching decisions are serialised by one advisory lock (held for a few hundred microseconds each),
--   so every request sees every committed waiting entry: nobody is matched twice, and two compatible people are never
--   left waiting side by side. Blocks take the same lock, so a block and a match cannot cross.
-- * Both sides learn of the match on their user:<id> Realtime topic (event match_found), with the conversation id
--   and the partner's participant id and alias only.

alter table public.profiles add column is_listener boolean not null default false;
comment on column public.profiles.is_listener is 'Opted in to listen: may be matched with people who ask to talk.';
grant update (is_listener) on table public.profiles to authenticated;

create type public.chat_queue_role as enum ('seeker', 'listener');
create type public.chat_queue_status as enum ('waiting', 'matched', 'cancelled', 'expired');

create table private.chat_queue (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.chat_queue_role not null,
  topic text,
  prefer_participant_id uuid,
  status public.chat_queue_status not null default 'waiting',
  conversation_id uuid references public.chat_conversations (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  matched_at timestamptz,
  constraint chat_queue_topic_length_check check (char_length(topic) <= 80)
);
comment on table private.chat_queue is 'Who is waiting to talk or to listen. Read and written only by the matching functions.';
create unique index chat_queue_one_waiting_entry_per_user_idx on private.chat_queue (user_id) where status = 'waiting';
create index chat_queue_waiting_role_created_at_idx on private.chat_queue (role, created_at) where status = 'waiting';
create index chat_queue_conversation_id_idx on private.chat_queue (conversation_id);
alter table private.chat_queue enable row level security;

-- security definer: matching reads and locks other people's queue entries, creates both participants and
-- broadcasts to both user topics. Executable by authenticated, reachable only through the chat-match function
-- (private is not exposed).
create function private.request_chat_match(as_listener boolean, topic text default null, prefer_participant_id uuid default null)
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
    select other.user_id into preferred_user
    from private.chat_participants as mine_p
    join private.chat_participants as other on other.conversation_id = mine_p.conversation_id and other.id <> mine_p.id
    where mine_p.user_id = me and other.id = prefer_participant_id;
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
    and (preferred_user is null or q.user_id = preferred_user)
    and (preferred_user is not null or not exists (
      select 1 from private.chat_participants as a
      join private.chat_participants as b on b.conversation_id = a.conversation_id and b.id <> a.id
      join public.chat_conversations as c on c.id = a.conversation_id
      where a.user_id = me and b.user_id = q.user_id and coalesce(c.ended_at, now()) > now() - interval '24 hours'))
  order by
    case when my_role = 'seeker' and mine.topic is not null then (q.topic is distinct from mine.topic and q.topic is not null) end,
    q.created_at
  limit 1;

  if partner.id is null then
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
    'match_found', 'user:' || me, true);
  perform realtime.send(jsonb_build_object('conversation_id', conversation, 'partner', jsonb_build_object(
      'id', my_participant, 'name', (select p.alias from private.chat_participants as p where p.id = my_participant))),
    'match_found', 'user:' || partner.user_id, true);

  return jsonb_build_object('status', 'matched', 'conversationId', conversation, 'partner', jsonb_build_object(
    'id', partner_participant, 'name', (select p.alias from private.chat_participants as p where p.id = partner_participant)));
end;
$$;
comment on function private.request_chat_match(boolean, text, uuid) is
  'chat-match: queues the caller as seeker or listener and matches them at once when someone suitable waits (see the migration''s queue semantics).';

-- security definer: the caller's own queue entry.
create function private.chat_match_status()
returns jsonb
language sql
security definer
set search_path = ''
as $$
  update private.chat_queue as q set status = 'expired' where q.user_id = auth.uid() and q.status = 'waiting' and q.expires_at <= now();
  select coalesce((
    select jsonb_build_object('status', q.status, 'role', q.role, 'conversationId', q.conversation_id, 'expiresAt', q.expires_at,
      'position', case when q.status = 'waiting' then (select count(*) + 1 from private.chat_queue as o
        where o.status = 'waiting' and o.role = q.role and o.expires_at > now() and o.created_at < q.created_at) end)
    from private.chat_queue as q where q.user_id = auth.uid() order by q.created_at desc limit 1
  ), jsonb_build_object('status', 'none'));
$$;
comment on function private.chat_match_status() is 'The caller''s latest queue entry: waiting (with position), matched (with conversation), cancelled, expired, or none.';

create function private.cancel_chat_match()
returns jsonb
language sql
security definer
set search_path = ''
as $$
  update private.chat_queue as q set status = 'cancelled' where q.user_id = auth.uid() and q.status = 'waiting';
  select jsonb_build_object('status', 'cancelled');
$$;
comment on function private.cancel_chat_match() is 'Takes the caller out of the queue (harmless when they are not in it).';

revoke execute on all functions in schema private from public;
grant execute on function private.request_chat_match(boolean, text, uuid) to authenticated;
grant execute on function private.chat_match_status() to authenticated;
grant execute on function private.cancel_chat_match() to authenticated;
