-- Peer chat (the seed's /chat/* and its sendMessage/newMessage events): anonymous one-to-one conversations.
-- * Nobody in a conversation ever learns who the other person is: each participant has a per-conversation
--   participant id and alias; messages name the participant, never the account. Participants live in
--   private.chat_participants, whose user_id column no API role may read; the public views expose the rest.
-- * Sending, reading, editing, deleting, leaving and blocking are RPCs that run as the caller (security invoker)
--   over these tables' RLS, except where noted. Sending is idempotent on the client-generated message id and rate
--   limited in the database; messages matching a crisis phrase are flagged privately and answered, to the sender
--   only, with helplines.
-- * New messages, edits, deletions and read receipts are broadcast from the database on private Realtime topics
--   (conversation:<id>, user:<id>), admitted by the realtime migration's policies through private.chat_topic_allows.
--
-- Security definer functions in this migration, and why:
--   private.chat_conversation_ids_of_caller  the participants' own policies ask it; a policy cannot query its table.
--   private.chat_caller_participant_id       as above.
--   private.chat_open_direct_conversation    creates the partner's participant row, which the caller may not write.
--   private.broadcast_chat_message           writes to realtime.messages for topics of both participants.
--   private.flag_crisis_message              writes the private flag table.
--   private.anonymise_departed_participant   runs when an account is deleted.

create table public.helplines (
  id bigint generated always as identity primary key,
  country_code text not null,
  name text not null,
  phone text,
  sms text,
  url text,
  hours text not null default '24/7',
  sort_order integer not null default 0,
  constraint helplines_country_code_check check (country_code ~ '^([A-Z]{2}|ZZ)$')
);
comment on table public.helplines is
  'Public crisis helplines by ISO country code (ZZ: international fallback). Readable by everyone, signed in or not.';
create index helplines_country_code_idx on public.helplines (country_code, sort_order);
alter table public.helplines enable row level security;
revoke all on table public.helplines from anon, authenticated;
grant select on table public.helplines to anon, authenticated;
create policy helplines_select_everyone on public.helplines for select to anon, authenticated using (true);

insert into public.helplines (country_code, name, phone, sms, url, hours, sort_order) values
  ('US', '988 Suicide & Crisis Lifeline', '988', '988', 'https://988lifeline.org', '24/7', 1),
  ('US', 'Crisis Text Line', null, '741741', 'https://www.crisistextline.org', '24/7', 2),
  ('GB', 'Samaritans', '116 123', null, 'https://www.samaritans.org', '24/7', 1),
  ('GB', 'Shout', null, '85258', 'https://giveusashout.org', '24/7', 2),
  ('IE', 'Samaritans Ireland', '116 123', null, 'https://www.samaritans.org/ireland', '24/7', 1),
  ('CA', '9-8-8 Suicide Crisis Helpline', '988', '988', 'https://988.ca', '24/7', 1),
  ('AU', 'Lifeline Australia', '13 11 14', '0477 13 11 14', 'https://www.lifeline.org.au', '24/7', 1),
  ('DE', 'TelefonSeelsorge', '0800 111 0 111', null, 'https://www.telefonseelsorge.de', '24/7', 1),
  ('FR', '3114 Numéro national de prévention du suicide', '3114', null, 'https://3114.fr', '24/7', 1),
  ('ZZ', 'Find A Helpline (international directory)', null, null, 'https://findahelpline.com', '24/7', 1);

-- What the sender sees when a message matches a crisis phrase, and what the app can show at any time.
create function public.crisis_support(country_code text default null)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'notice', 'HealSpace peer support is not a crisis service. If you are in danger or thinking about ending your life, please contact a helpline or your local emergency number now.',
    'helplines', coalesce((
      select jsonb_agg(jsonb_build_object('name', h.name, 'phone', h.phone, 'sms', h.sms, 'url', h.url, 'hours', h.hours)
                       order by h.country_code = 'ZZ', h.sort_order)
      from public.helplines as h
      where h.country_code = upper(crisis_support.country_code) or h.country_code = 'ZZ'
    ), '[]')
  );
$$;
comment on function public.crisis_support(text) is
  'The "not a crisis service" notice and the helplines for a country (ISO code) plus the international fallback. Callable by anyone.';
revoke execute on function public.crisis_support(text) from public;
grant execute on function public.crisis_support(text) to anon, authenticated;

-- Curated, data-driven: maintained by admins in Studio, never shown to users.
create table private.crisis_phrases (
  id bigint generated always as identity primary key,
  phrase text not null unique,
  constraint crisis_phrases_phrase_check check (phrase = lower(btrim(phrase)) and char_length(phrase) between 3 and 100)
);
comment on table private.crisis_phrases is 'Lower-case phrases whose presence in a chat message flags it for crisis support. Curated by admins.';
insert into private.crisis_phrases (phrase) values
  ('kill myself'), ('end my life'), ('suicide'), ('suicidal'), ('want to die'), ('better off dead'), ('no reason to live'),
  ('hurt myself'), ('self harm'), ('self-harm'), ('cut myself'), ('overdose'), ('can''t go on'), ('cannot go on');

-- The one place that decides whether a text calls for crisis support (chat and group messages, new or edited).
-- security definer: the phrase list is private.
create function private.crisis_phrase_in(content text)
returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select cp.id from private.crisis_phrases as cp
  where position(cp.phrase in lower(content)) > 0
  order by char_length(cp.phrase) desc
  limit 1;
$$;
comment on function private.crisis_phrase_in(text) is 'The longest curated crisis phrase contained in the text, or null.';

create type public.chat_conversation_kind as enum ('matched', 'direct');

create table public.chat_conversations (
  id uuid primary key default gen_random_uuid(),
  kind public.chat_conversation_kind not null,
  topic text,
  created_at timestamptz not null default now(),
  last_message_at timestamptz,
  ended_at timestamptz,
  constraint chat_conversations_topic_length_check check (char_length(topic) <= 80)
);
comment on table public.chat_conversations is 'One-to-one peer conversations (matched by chat-match or opened directly). Visible to its two participants.';
comment on column public.chat_conversations.ended_at is 'Set when a participant leaves or blocks: no more messages.';

create table private.chat_participants (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.chat_conversations (id) on delete cascade,
  user_id uuid references auth.users (id) on delete set null,
  alias text not null,
  is_anonymous boolean not null default true,
  last_read_at timestamptz,
  last_active_at timestamptz,
  left_at timestamptz,
  joined_at timestamptz not null default now(),
  opened_to_public_id uuid,
  constraint chat_participants_conversation_id_user_id_key unique (conversation_id, user_id)
);
comment on table private.chat_participants is
  'Who is in a conversation. The id (participant id) and alias are what the other side sees; user_id is never readable through the API. user_id becomes null when the account is deleted.';
comment on column private.chat_participants.alias is 'A per-conversation pseudonym ("Anonymous User #2847"), or the display name when talking openly, or "[deleted user]".';
comment on column private.chat_participants.last_read_at is 'Read pointer: messages up to this time are read by this participant.';
comment on column private.chat_participants.opened_to_public_id is
  'On the opener''s row of a direct conversation: the public id they wrote to. A direct conversation is reused only by its opener writing to that same public id, so nobody can find an anonymous writer by writing to a card.';
create index chat_participants_user_id_conversation_id_idx on private.chat_participants (user_id, conversation_id);
create index chat_participants_conversation_id_idx on private.chat_participants (conversation_id);

create table public.chat_messages (
  id uuid primary key,
  conversation_id uuid not null references public.chat_conversations (id) on delete cascade,
  sender_id uuid not null references private.chat_participants (id) on delete cascade,
  content text,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  removed_at timestamptz,
  constraint chat_messages_content_check check (
    (content is null and (deleted_at is not null or removed_at is not null))
    or (content is not null and char_length(btrim(content)) between 1 and 4000)
  )
);
comment on table public.chat_messages is
  'Chat messages. Sensitive: what people in distress say to each other. Readable by the two participants; the sender is a participant id, never an account.';
comment on column public.chat_messages.id is 'Client-generated (uuid): resending the same id returns the original message instead of a duplicate.';
comment on column public.chat_messages.content is 'Up to 4000 characters; null once deleted by its sender or removed by a moderator (the text is gone, not hidden).';
create index chat_messages_conversation_id_created_at_id_idx on public.chat_messages (conversation_id, created_at desc, id desc);
create index chat_messages_sender_id_created_at_idx on public.chat_messages (sender_id, created_at desc);

create table private.chat_message_flags (
  message_id uuid primary key references public.chat_messages (id) on delete cascade,
  phrase_id bigint references private.crisis_phrases (id) on delete set null,
  flagged_at timestamptz not null default now()
);
comment on table private.chat_message_flags is 'Messages that matched a crisis phrase. Never visible to the partner; for the sender''s safety prompt and admins.';
create index chat_message_flags_phrase_id_idx on private.chat_message_flags (phrase_id);

create table private.user_blocks (
  blocker_id uuid not null references auth.users (id) on delete cascade,
  blocked_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (blocker_id, blocked_id),
  constraint user_blocks_not_self_check check (blocker_id <> blocked_id)
);
comment on table private.user_blocks is 'Who blocked whom. Blocks end conversations and prevent any future match or direct message, both ways. Never readable by the blocked person.';
create index user_blocks_blocked_id_idx on private.user_blocks (blocked_id);

-- Membership helpers for policies. security definer: they read chat_participants, whose own policies call them.
create function private.chat_conversation_ids_of_caller()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.conversation_id from private.chat_participants as p where p.user_id = auth.uid();
$$;
comment on function private.chat_conversation_ids_of_caller() is 'The conversations the caller takes part in. For policies: conversation_id in (select private.chat_conversation_ids_of_caller()).';

create function private.chat_memberships_of_caller()
returns table (conversation_id uuid, participant_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select p.conversation_id, p.id from private.chat_participants as p where p.user_id = auth.uid();
$$;
comment on function private.chat_memberships_of_caller() is 'The caller''s conversations with their own participant id in each: one index scan for a whole inbox.';

create function private.chat_caller_participant_id(conversation_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.id from private.chat_participants as p
  where p.conversation_id = chat_caller_participant_id.conversation_id and p.user_id = auth.uid();
$$;
comment on function private.chat_caller_participant_id(uuid) is 'The caller''s participant id in a conversation, or null.';

create function private.is_blocked_between(first_user uuid, second_user uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from private.user_blocks as b
    where (b.blocker_id = first_user and b.blocked_id = second_user) or (b.blocker_id = second_user and b.blocked_id = first_user)
  );
$$;
comment on function private.is_blocked_between(uuid, uuid) is 'True when either of two accounts blocked the other.';

alter table public.chat_conversations enable row level security;
alter table private.chat_participants enable row level security;
alter table public.chat_messages enable row level security;
alter table private.chat_message_flags enable row level security;
alter table private.user_blocks enable row level security;
alter table private.crisis_phrases enable row level security;

revoke all on table public.chat_conversations from anon, authenticated;
revoke all on table public.chat_messages from anon, authenticated;
grant select on table public.chat_conversations to authenticated;
grant select on table public.chat_messages to authenticated;
grant select (id, conversation_id, alias, is_anonymous, last_read_at, left_at, joined_at)
  on table private.chat_participants to authenticated;

create policy chat_conversations_select_participant on public.chat_conversations
  for select to authenticated using (id in (select private.chat_conversation_ids_of_caller()));
create policy chat_participants_select_same_conversation on private.chat_participants
  for select to authenticated using (conversation_id in (select private.chat_conversation_ids_of_caller()));
create policy chat_messages_select_participant on public.chat_messages
  for select to authenticated using (conversation_id in (select private.chat_conversation_ids_of_caller()));

-- security definer: whether a participant (in one of the caller's conversations) was active in the last five minutes
-- and lets others see it (their showActivity setting), without revealing who they are.
create function private.chat_partner_is_online(participant_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select p.last_active_at > now() - interval '5 minutes' and pr.show_activity and pr.is_active
    from private.chat_participants as p join public.profiles as pr on pr.id = p.user_id
    where p.id = participant_id
      and exists (select 1 from private.chat_participants as me where me.conversation_id = p.conversation_id and me.user_id = auth.uid())
  ), false);
$$;
comment on function private.chat_partner_is_online(uuid) is 'True when the participant was active in the last 5 minutes and shows their activity.';

-- GET /chat/conversations: the caller's conversations, newest activity first, in the seed's shape. The partner is a
-- participant id and alias; online honours the partner's showActivity setting.
create view public.chat_conversation_list with (security_invoker = true) as
  select c.id, c.kind, c.topic, c.created_at, c.ended_at,
         partner.id as partner_id, partner.alias as partner_name,
         private.chat_partner_is_online(partner.id) as partner_online,
         last_message.content as last_message, coalesce(last_message.created_at, c.created_at) as timestamp,
         (select count(*)::integer from public.chat_messages as m
          where m.conversation_id = c.id and m.sender_id <> me.id and m.deleted_at is null and m.removed_at is null
            and m.created_at > coalesce(me.last_read_at, '-infinity')) as unread_count
  from private.chat_memberships_of_caller() as membership
  join public.chat_conversations as c on c.id = membership.conversation_id
  join private.chat_participants as me on me.id = membership.participant_id
  left join private.chat_participants as partner on partner.conversation_id = c.id and partner.id <> me.id
  left join lateral (
    select m.content, m.created_at from public.chat_messages as m
    where m.conversation_id = c.id order by m.created_at desc, m.id desc limit 1
  ) as last_message on true;
comment on view public.chat_conversation_list is
  'GET /chat/conversations: partner (participant id, alias, online), last message, timestamp, unread count. Order by timestamp desc.';
revoke all on table public.chat_conversation_list from anon, authenticated;
grant select on table public.chat_conversation_list to authenticated;

-- GET /chat/conversations/:id/messages: newest first, keyset pages by (created_at, id), at most 100 a page.
-- security invoker: RLS limits it to conversations the caller is in.
create function public.list_chat_messages(
  conversation_id uuid,
  page_size integer default 50,
  before_created_at timestamptz default null,
  before_id uuid default null
)
returns table (
  id uuid,
  sender_id uuid,
  sender_name text,
  is_mine boolean,
  is_anonymous boolean,
  content text,
  created_at timestamptz,
  edited_at timestamptz,
  deleted boolean
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  me uuid := private.chat_caller_participant_id(list_chat_messages.conversation_id);
begin
  if me is null then
    raise exception 'No such conversation' using errcode = 'PT404';
  end if;
  perform private.check_page_size(page_size, 100);
  perform private.check_keyset_cursor(before_created_at, before_id);
  return query
    select m.id, m.sender_id, sender.alias, m.sender_id = me, sender.is_anonymous, m.content, m.created_at, m.edited_at,
           m.deleted_at is not null or m.removed_at is not null
    from public.chat_messages as m
    join private.chat_participants as sender on sender.id = m.sender_id
    where m.conversation_id = list_chat_messages.conversation_id
      and (before_created_at is null or (m.created_at, m.id) < (before_created_at, before_id))
    order by m.created_at desc, m.id desc
    limit page_size;
end;
$$;
comment on function public.list_chat_messages(uuid, integer, timestamptz, uuid) is
  'GET /chat/conversations/:id/messages: sender (participant id and alias), isMine, isAnonymous; newest first; keyset pages via the last row''s created_at and id.';

-- Anonymous "Anonymous User #2847", or the person's public name when talking openly.
create function private.chat_alias_for(person_id uuid, talk_openly boolean)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when talk_openly then coalesce((select c.display_name from private.profile_cards as c where c.profile_id = person_id and not c.is_pseudonym),
                                   'Anonymous User #' || lpad((floor(random() * 10000))::int::text, 4, '0'))
    else 'Anonymous User #' || lpad((floor(random() * 10000))::int::text, 4, '0')
  end;
$$;
comment on function private.chat_alias_for(uuid, boolean) is 'A fresh per-conversation alias, or the public display name when talking openly and the person is not in anonymous mode.';

-- Opens (or reuses) a direct conversation with the person behind a public profile id. security definer: it creates
-- the other person's participant row and reads their privacy settings and blocks, none of which the caller may.
-- * Reused only when the caller opened it, to this same public id, with the same anonymity: writing to someone's
--   card never lands in a conversation they opened (which would unmask them), and a card whose public id changed
--   (anonymous mode) starts afresh.
-- * A person who blocked the caller is not told apart from anyone else: the caller gets a conversation whose other
--   side is nobody (shadow delivery), so no answer, error or timing differs from an ordinary first message.
create function private.chat_open_direct_conversation(recipient_public_id uuid, talk_openly boolean)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  recipient public.profiles;
  found_id uuid;
  blocked boolean;
begin
  select p.* into recipient from public.profiles as p where p.public_id = recipient_public_id and p.is_active;
  if recipient.id is null or recipient.id = auth.uid() then
    raise exception 'No such recipient' using errcode = 'PT404';
  end if;
  -- allowMessages is on the public card: refusing it reveals nothing the card does not show.
  if not recipient.allow_messages then
    raise exception 'This person is not accepting messages' using errcode = 'PT403';
  end if;
  -- One opening per (caller, card) at a time, and blocks are read after the lock, so a block and a first message
  -- racing each other cannot both win.
  perform pg_advisory_xact_lock(hashtextextended(
    'chat_pair:' || least(auth.uid(), recipient.id)::text || ':' || greatest(auth.uid(), recipient.id)::text, 0));
  blocked := private.is_blocked_between(auth.uid(), recipient.id);
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
  insert into private.chat_participants (conversation_id, user_id, alias, is_anonymous)
  values (found_id, case when blocked then null else recipient.id end, private.chat_alias_for(recipient.id, false), true);
  return found_id;
end;
$$;
comment on function private.chat_open_direct_conversation(uuid, boolean) is
  'Finds the caller''s own direct conversation to a public profile id, or opens one; 403 when the card does not accept messages; a block is delivered to nobody rather than refused.';

-- Chat and group messages alike: 1 to 4000 characters once trimmed.
create function private.check_message_content(content text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if content is null or char_length(btrim(content)) not between 1 and 4000 then
    raise exception 'A message is 1 to 4000 characters' using errcode = 'PT400';
  end if;
end;
$$;
comment on function private.check_message_content(text) is 'Raises 400 unless the message text is 1 to 4000 characters once trimmed.';

-- The database's send rate limit: at most this many messages per person per minute across all conversations.
create function private.chat_send_limit_per_minute()
returns integer
language sql
immutable
set search_path = ''
as $$ select 20 $$;
comment on function private.chat_send_limit_per_minute() is 'Messages a person may send per minute before being told to slow down (429).';

-- Every send attempt that passed the rate check, per person, for the rate limit: a log of its own, so that nothing a
-- person can delete or leave (a message, a group membership) resets their count. Rows older than an hour are pruned.
create table private.send_log (
  user_id uuid not null references auth.users (id) on delete cascade,
  sent_at timestamptz not null default clock_timestamp()
);
comment on table private.send_log is 'When each person last sent chat or group messages, for the per-minute send limit. Pruned after an hour.';
create index send_log_user_id_sent_at_idx on private.send_log (user_id, sent_at);
alter table private.send_log enable row level security;

-- security definer: the send log is private.
create function private.recent_message_count_of_caller()
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer from private.send_log as l where l.user_id = auth.uid() and l.sent_at > clock_timestamp() - interval '1 minute';
$$;
comment on function private.recent_message_count_of_caller() is 'Messages the caller sent (chats and groups) in the last minute.';

-- security definer: appends to the send log and prunes the caller's old entries.
create function private.log_send_of_caller()
returns void
language sql
security definer
set search_path = ''
as $$
  delete from private.send_log as l where l.user_id = auth.uid() and l.sent_at < clock_timestamp() - interval '1 hour';
  insert into private.send_log (user_id) values (auth.uid());
$$;
comment on function private.log_send_of_caller() is 'Records one send by the caller for the rate limit.';

-- The rate limit, serialised per sender so that concurrent sends cannot all pass the count at once.
create function private.check_chat_send_rate(record_send boolean default true)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(hashtextextended('chat_send:' || auth.uid()::text, 0));
  if private.recent_message_count_of_caller() >= private.chat_send_limit_per_minute() then
    raise exception 'You are sending messages too quickly; wait a moment' using errcode = 'PT429';
  end if;
  if record_send then
    perform private.log_send_of_caller();
  end if;
end;
$$;
comment on function private.check_chat_send_rate(boolean) is 'Raises 429 when the caller sent the per-minute limit already (serialised per caller); otherwise records this send unless told not to.';

-- Every insert, through the RPC or not: the conversation is open, the sender is the caller, and the rate limit holds.
-- security invoker: the checks use the caller's own identity.
create function private.check_chat_message_insert()
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
  new.content := btrim(new.content);
  -- The moment of sending, not of the transaction's start: orders messages sent within one transaction too.
  new.created_at := clock_timestamp();
  return new;
end;
$$;
comment on function private.check_chat_message_insert() is 'Trigger: refuses messages to ended conversations and beyond the per-minute rate limit (429).';

-- security definer: flags into a table nobody reads through the API, and stamps the conversation's activity.
create function private.after_chat_message_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matched bigint := private.crisis_phrase_in(new.content);
begin
  if matched is not null then
    insert into private.chat_message_flags (message_id, phrase_id) values (new.id, matched) on conflict do nothing;
  end if;
  update public.chat_conversations as c set last_message_at = new.created_at where c.id = new.conversation_id;
  -- Answering means having read what came before: the sender's read pointer moves too (a read receipt).
  update private.chat_participants as p set last_active_at = new.created_at, last_read_at = greatest(p.last_read_at, new.created_at)
  where p.id = new.sender_id;
  return null;
end;
$$;
comment on function private.after_chat_message_insert() is 'Trigger: crisis flagging (private), conversation and sender activity, the sender''s read pointer.';

create trigger chat_messages_check_insert before insert on public.chat_messages for each row execute function private.check_chat_message_insert();
create trigger chat_messages_after_insert after insert on public.chat_messages for each row execute function private.after_chat_message_insert();

-- An edit is read with the same care as a new message. security definer: the flag table is private.
create function private.flag_edited_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matched bigint := private.crisis_phrase_in(new.content);
begin
  if matched is not null then
    insert into private.chat_message_flags (message_id, phrase_id) values (new.id, matched) on conflict (message_id) do nothing;
  end if;
  return null;
end;
$$;
comment on function private.flag_edited_chat_message() is 'Trigger: crisis flagging of edited message text.';
create trigger chat_messages_flag_edit
  after update of content on public.chat_messages
  for each row when (new.content is not null and new.content is distinct from old.content)
  execute function private.flag_edited_chat_message();

-- security definer: only the sender may learn that their own message was flagged.
create function private.chat_message_flagged_for_sender(message_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from private.chat_message_flags as f
    join public.chat_messages as m on m.id = f.message_id
    join private.chat_participants as p on p.id = m.sender_id
    where f.message_id = chat_message_flagged_for_sender.message_id and p.user_id = auth.uid()
  );
$$;
comment on function private.chat_message_flagged_for_sender(uuid) is 'True when the message is the caller''s own and matched a crisis phrase.';

create policy chat_messages_insert_as_own_participant on public.chat_messages
  for insert to authenticated
  with check (sender_id = private.chat_caller_participant_id(conversation_id));
grant insert (id, conversation_id, sender_id, content) on table public.chat_messages to authenticated;

-- POST /chat/messages. recipient_id: the partner's participant id in an existing conversation, or a public profile
-- id to open a direct conversation. message_id is generated by the client: sending it again returns the original.
-- Answers { message, conversationId, duplicate, safety }: safety (notice and helplines) only ever in the sender's own
-- answer, when the message matched a crisis phrase. security invoker: the insert runs under the caller's RLS.
create function public.send_chat_message(
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
  target_conversation uuid;
  existing public.chat_messages;
  sent public.chat_messages;
begin
  if message_id is null or recipient_id is null then
    raise exception 'message_id and recipient_id are required' using errcode = 'PT400';
  end if;
  perform private.check_message_content(content);
  -- A retry of a message already sent answers the original.
  select m.* into existing from public.chat_messages as m where m.id = message_id;
  if existing.id is not null then
    if existing.sender_id is distinct from private.chat_caller_participant_id(existing.conversation_id) then
      raise exception 'That message id is already taken' using errcode = 'PT409';
    end if;
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
    -- The same id, sent twice at once, or someone else's id: the original answers, or a 409 if it is not ours.
    select m.* into existing from public.chat_messages as m where m.id = message_id;
    if existing.id is null or existing.sender_id is distinct from private.chat_caller_participant_id(existing.conversation_id) then
      raise exception 'That message id is already taken' using errcode = 'PT409';
    end if;
    return jsonb_build_object('message', to_jsonb(existing), 'conversationId', existing.conversation_id, 'duplicate', true,
      'safety', case when private.chat_message_flagged_for_sender(existing.id) then public.crisis_support(country_code) end);
  end;
  return jsonb_build_object('message', to_jsonb(sent), 'conversationId', target_conversation, 'duplicate', false,
    'safety', case when private.chat_message_flagged_for_sender(sent.id) then public.crisis_support(country_code) end);
end;
$$;
comment on function public.send_chat_message(uuid, text, uuid, boolean, text) is
  'POST /chat/messages: idempotent on message_id; opens a direct conversation for a public profile id; 429 past the per-minute limit; a crisis phrase adds a safety prompt (helplines) to the sender''s answer only.';

-- Mark read up to a message (the per-participant read pointer behind unread counts).
create function public.mark_chat_read(message_id uuid)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  read_message public.chat_messages;
begin
  select m.* into read_message from public.chat_messages as m where m.id = message_id;
  if read_message.id is null then
    raise exception 'No such message' using errcode = 'PT404';
  end if;
  perform private.chat_move_read_pointer(read_message.conversation_id, read_message.created_at);
end;
$$;
comment on function public.mark_chat_read(uuid) is 'Marks the caller''s conversation read up to (and including) the message; never moves the pointer back.';

-- security definer: moves the caller's own read pointer (participants are not writable through the API).
create function private.chat_move_read_pointer(conversation_id uuid, read_up_to timestamptz)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.chat_participants as p
  set last_read_at = greatest(coalesce(p.last_read_at, '-infinity'), read_up_to), last_active_at = now()
  where p.conversation_id = chat_move_read_pointer.conversation_id and p.user_id = auth.uid();
$$;
comment on function private.chat_move_read_pointer(uuid, timestamptz) is 'Moves the caller''s read pointer forward in a conversation they are in.';

-- Edit and delete one's own message. Deleting removes the text (not just hides it).
create policy chat_messages_update_own on public.chat_messages
  for update to authenticated
  using (sender_id = private.chat_caller_participant_id(conversation_id) and deleted_at is null and removed_at is null)
  with check (sender_id = private.chat_caller_participant_id(conversation_id));
grant update (content, deleted_at) on table public.chat_messages to authenticated;

-- However a message is changed: a deletion erases the text, an edit is stamped, nothing else moves.
create function private.check_chat_message_update()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if new.deleted_at is not null or new.removed_at is not null then
    new.content := null;
  elsif new.content is distinct from old.content then
    if current_user in ('authenticated', 'anon') then
      if exists (select 1 from public.chat_conversations as c where c.id = new.conversation_id and c.ended_at is not null) then
        raise exception 'This conversation has ended' using errcode = 'PT409';
      end if;
      -- An edit reaches the partner like a message: it counts toward the same rate limit.
      perform private.check_chat_send_rate();
    end if;
    new.content := btrim(new.content);
    new.edited_at := now();
  end if;
  return new;
end;
$$;
comment on function private.check_chat_message_update() is 'Trigger: deleting or removing erases the text; an edit stamps edited_at, counts toward the send rate limit and is refused once the conversation ended.';
create trigger chat_messages_check_update before update on public.chat_messages for each row execute function private.check_chat_message_update();

create function public.edit_chat_message(message_id uuid, content text)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform private.check_message_content(content);
  update public.chat_messages as m set content = edit_chat_message.content where m.id = message_id;
  if not found then
    raise exception 'No such message of yours' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.edit_chat_message(uuid, text) is 'Edits the caller''s own message (404 for anyone else''s, or a deleted one).';

create function public.delete_chat_message(message_id uuid)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  update public.chat_messages as m set deleted_at = now() where m.id = message_id;
  if not found then
    raise exception 'No such message of yours' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.delete_chat_message(uuid) is 'Deletes the caller''s own message: the text is erased, a tombstone stays in the conversation.';

-- Leave (end) a conversation, or block the partner: both end it for both sides.
-- security definer: ends a conversation and records a block, which the caller may not write directly.
create function public.leave_chat_conversation(conversation_id uuid, block_partner boolean default false)
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
  where p.conversation_id = leave_chat_conversation.conversation_id and p.user_id = auth.uid();
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
      -- A block ends every conversation between the two, not only this one.
      update public.chat_conversations as c set ended_at = coalesce(c.ended_at, now())
      where c.id in (select a.conversation_id from private.chat_participants as a
                     join private.chat_participants as b on b.conversation_id = a.conversation_id
                     where a.user_id = auth.uid() and b.user_id = partner_user);
    end if;
  end if;
end;
$$;
comment on function public.leave_chat_conversation(uuid, boolean) is
  'Leaves (ends) a conversation; with block_partner, also blocks the partner: no more messages or matches between the two, every conversation between them ended.';

-- When an account is deleted its participant rows stay (the partner's conversation keeps its shape) as
-- "[deleted user]", and the text of its messages is erased.
-- security definer: runs in the account deletion.
create function private.anonymise_departed_participant()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.alias := '[deleted user]';
  new.left_at := coalesce(new.left_at, now());
  update public.chat_messages as m set content = null, deleted_at = coalesce(m.deleted_at, now()) where m.sender_id = new.id;
  update public.chat_conversations as c set ended_at = coalesce(c.ended_at, now()) where c.id = new.conversation_id;
  return new;
end;
$$;
comment on function private.anonymise_departed_participant() is 'Trigger: a participant whose account was deleted becomes "[deleted user]" and their messages'' text is erased.';
create trigger chat_participants_anonymise_departed
  before update of user_id on private.chat_participants
  for each row when (old.user_id is not null and new.user_id is null)
  execute function private.anonymise_departed_participant();

-- Realtime. Topics: conversation:<id> (new_message, message_updated, message_deleted, read) and user:<account id>
-- (new_message for a conversation the person is not looking at). Payloads carry participant ids and aliases only.
-- security definer: writes broadcasts for both participants' topics.
create function private.broadcast_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  sender private.chat_participants;
  payload jsonb;
  event text;
  recipient uuid;
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
  perform realtime.send(payload, event, 'conversation:' || new.conversation_id, true);
  if tg_op = 'INSERT' then
    for recipient in
      select p.user_id from private.chat_participants as p
      where p.conversation_id = new.conversation_id and p.id <> new.sender_id and p.user_id is not null and p.left_at is null
    loop
      perform realtime.send(
        jsonb_build_object('conversation_id', new.conversation_id, 'message_id', new.id, 'sender_name', sender.alias, 'created_at', new.created_at),
        'new_message', 'user:' || recipient, true);
    end loop;
  end if;
  return null;
end;
$$;
comment on function private.broadcast_chat_message() is
  'Trigger on chat_messages: broadcasts new, edited and deleted messages on conversation:<id>, and new ones on each recipient''s user:<id>. No account ids in payloads.';
create trigger chat_messages_broadcast
  after insert or update of content, deleted_at, removed_at on public.chat_messages
  for each row execute function private.broadcast_chat_message();

-- Read receipts.
create function private.broadcast_chat_read()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Read receipts tell when someone was active: only for people who show their activity.
  if exists (select 1 from public.profiles as p where p.id = new.user_id and p.show_activity) then
    perform realtime.send(jsonb_build_object('participant_id', new.id, 'last_read_at', new.last_read_at), 'read',
                          'conversation:' || new.conversation_id, true);
  end if;
  return null;
end;
$$;
comment on function private.broadcast_chat_read() is 'Trigger on chat_participants: a moved read pointer is a read receipt on conversation:<id>, for people who show their activity.';
create trigger chat_participants_broadcast_read
  after update of last_read_at on private.chat_participants
  for each row when (new.last_read_at is distinct from old.last_read_at)
  execute function private.broadcast_chat_read();

-- Realtime rules for the chat's topics (the policies on realtime.messages, in the realtime migration, ask it):
--   conversation:<id>        receive only: events written by the database (messages, edits, deletions, reads);
--   conversation:<id>:live   receive and send: typing indicators and presence, while the conversation is open and
--                            the caller has not left it.
-- Realtime checks the policies when a channel is joined, not per message, so events the server vouches for and
-- events clients may send live on different topics. Null for a topic that is not a conversation topic.
create function private.chat_topic_allows(topic text, sending boolean)
returns boolean
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  conversation uuid;
begin
  if topic !~ '^conversation:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:live)?$' then
    return null;
  end if;
  conversation := substr(topic, 14, 36)::uuid;
  if topic like '%:live' then
    return private.chat_caller_is_present_in(conversation);
  end if;
  return not sending and conversation in (select private.chat_conversation_ids_of_caller());
end;
$$;
comment on function private.chat_topic_allows(text, boolean) is
  'Chat topic rules: conversation:<id> receive only for participants; conversation:<id>:live for participants of an open conversation they have not left. Null for other topics.';

-- security definer: reads the caller's own participant row (left_at) and the conversation's state.
create function private.chat_caller_is_present_in(conversation_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from private.chat_participants as p join public.chat_conversations as c on c.id = p.conversation_id
    where p.conversation_id = chat_caller_is_present_in.conversation_id and p.user_id = auth.uid()
      and p.left_at is null and c.ended_at is null
  );
$$;
comment on function private.chat_caller_is_present_in(uuid) is 'True while the caller takes part in the conversation: it is open and they have not left.';

revoke execute on all functions in schema private from public;
grant execute on function private.chat_conversation_ids_of_caller() to authenticated;
grant execute on function private.chat_caller_participant_id(uuid) to authenticated;
grant execute on function private.chat_memberships_of_caller() to authenticated;
grant execute on function private.chat_partner_is_online(uuid) to authenticated;
grant execute on function private.chat_open_direct_conversation(uuid, boolean) to authenticated;
grant execute on function private.recent_message_count_of_caller() to authenticated;
grant execute on function private.log_send_of_caller() to authenticated;
grant execute on function private.chat_send_limit_per_minute() to authenticated;
grant execute on function private.chat_message_flagged_for_sender(uuid) to authenticated;
grant execute on function private.chat_move_read_pointer(uuid, timestamptz) to authenticated;
grant execute on function private.chat_topic_allows(text, boolean) to authenticated;
grant execute on function private.check_chat_send_rate(boolean) to authenticated;
grant execute on function private.check_message_content(text) to authenticated;
grant execute on function private.chat_caller_is_present_in(uuid) to authenticated;
revoke execute on function public.list_chat_messages(uuid, integer, timestamptz, uuid) from public, anon;
revoke execute on function public.send_chat_message(uuid, text, uuid, boolean, text) from public, anon;
revoke execute on function public.mark_chat_read(uuid) from public, anon;
revoke execute on function public.edit_chat_message(uuid, text) from public, anon;
revoke execute on function public.delete_chat_message(uuid) from public, anon;
revoke execute on function public.leave_chat_conversation(uuid, boolean) from public, anon;
grant execute on function public.list_chat_messages(uuid, integer, timestamptz, uuid) to authenticated;
grant execute on function public.send_chat_message(uuid, text, uuid, boolean, text) to authenticated;
grant execute on function public.mark_chat_read(uuid) to authenticated;
grant execute on function public.edit_chat_message(uuid, text) to authenticated;
grant execute on function public.delete_chat_message(uuid) to authenticated;
grant execute on function public.leave_chat_conversation(uuid, boolean) to authenticated;
