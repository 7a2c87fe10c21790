-- Group messages (the seed's GET/POST /groups/:id/messages and its joinGroup/groupMessage events), on the chat's
-- machinery rather than a copy of it: the same per-person send rate limit (one send log for chats and groups), the same
-- crisis matcher and safety prompt, the same page-size rule, and Realtime topics under the same policies.
-- * Members read and write; banned and pending people do not; a muted member's post is refused with the time the
--   mute ends. Sending is idempotent on the client-generated id. Members edit and delete their own messages;
--   moderators remove any message and pin one.
-- * Realtime: group:<id> carries the database's events (new_message, message_updated, message_deleted,
--   message_pinned), receive only, for active members; group:<id>:live carries presence and typing for them
--   (private.group_topic_allows, asked by the realtime migration's policies).
--   Realtime checks policies when a channel is joined, so server events and client events need separate topics.
--
-- Security definer functions in this migration, and why:
--   public.send_group_message, public.moderate_group_message   check membership and mutes in private.group_members.
--   private.broadcast_group_message                            writes to realtime.messages.

create table public.group_messages (
  id uuid primary key,
  group_id uuid not null references public.support_groups (id) on delete cascade,
  sender_member_id uuid references private.group_members (id) on delete set null,
  content text,
  created_at timestamptz not null default now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  removed_at timestamptz,
  pinned_at timestamptz,
  constraint group_messages_content_check check (
    (content is null and (deleted_at is not null or removed_at is not null))
    or (content is not null and char_length(btrim(content)) between 1 and 4000)
  )
);
comment on table public.group_messages is 'Messages in a support group. Sensitive. Readable by the group''s active members; the sender is a member id and the name they showed in the group.';
comment on column public.group_messages.sender_member_id is 'The sending member (null once they left the group); never an account id. Their name is worked out when read, so a later anonymous mode covers past messages too.';
create index group_messages_group_id_created_at_id_idx on public.group_messages (group_id, created_at desc, id desc);
create index group_messages_sender_member_id_created_at_idx on public.group_messages (sender_member_id, created_at desc);
create index group_messages_pinned_idx on public.group_messages (group_id) where pinned_at is not null;

create table private.group_message_flags (
  message_id uuid primary key references public.group_messages (id) on delete cascade,
  phrase_id bigint references private.crisis_phrases (id) on delete set null,
  flagged_at timestamptz not null default now()
);
comment on table private.group_message_flags is 'Group messages that matched a crisis phrase; never visible to other members.';
create index group_message_flags_phrase_id_idx on private.group_message_flags (phrase_id);
alter table private.group_message_flags enable row level security;

alter table public.group_messages enable row level security;
revoke all on table public.group_messages from anon, authenticated;
grant select on table public.group_messages to authenticated;
create policy group_messages_select_members on public.group_messages
  for select to authenticated using (group_id in (select private.group_ids_of_caller()));

-- POST /groups/:id/messages. Answers { message, duplicate, safety } as send_chat_message does.
create function public.send_group_message(group_id uuid, message_id uuid, content text, country_code text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me private.group_members;
  existing public.group_messages;
  sent public.group_messages;
  matched bigint;
begin
  if message_id is null then
    raise exception 'message_id is required' using errcode = 'PT400';
  end if;
  perform private.check_message_content(content);
  perform private.check_chat_send_rate();
  select m.* into me from private.group_members as m
  where m.group_id = send_group_message.group_id and m.user_id = auth.uid() and m.status = 'active';
  if me.id is null then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
  if me.muted_until > now() then
    raise exception 'You are muted in this group until %', to_char(me.muted_until at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
      using errcode = 'PT403';
  end if;
  select m.* into existing from public.group_messages as m where m.id = send_group_message.message_id;
  if existing.id is not null then
    if existing.sender_member_id is distinct from me.id then
      raise exception 'That message id is already taken' using errcode = 'PT409';
    end if;
    return jsonb_build_object('message', to_jsonb(existing) - 'sender_member_id', 'duplicate', true,
      'safety', case when exists (select 1 from private.group_message_flags as f where f.message_id = existing.id)
                     then public.crisis_support(country_code) end);
  end if;
  insert into public.group_messages (id, group_id, sender_member_id, content, created_at)
  values (message_id, me.group_id, me.id, btrim(content), clock_timestamp())
  returning * into sent;
  matched := private.crisis_phrase_in(sent.content);
  if matched is not null then
    insert into private.group_message_flags as f (message_id, phrase_id) values (sent.id, matched);
  end if;
  update private.group_members as m set last_seen_at = now() where m.id = me.id;
  return jsonb_build_object('message', to_jsonb(sent), 'duplicate', false,
    'safety', case when matched is not null then public.crisis_support(country_code) end);
end;
$$;
comment on function public.send_group_message(uuid, uuid, text, text) is
  'POST /groups/:id/messages: active members only; muted members get 403 with the end of the mute; idempotent on message_id; rate limit and crisis prompt shared with chat.';

-- The name a message's sender shows now (not when they wrote it), or "[former member]".
-- security definer: memberships are private.
create function private.group_sender_name(member_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select private.group_member_name(m) from private.group_members as m where m.id = member_id), '[former member]');
$$;
comment on function private.group_sender_name(uuid) is 'A group message sender''s current name in the group, or "[former member]".';

-- GET /groups/:id/messages: newest first, keyset pages like chat.
create function public.list_group_messages(group_id uuid, page_size integer default 50, before_created_at timestamptz default null, before_id uuid default null)
returns table (
  id uuid, sender_member_id uuid, sender_name text, is_mine boolean, content text, created_at timestamptz,
  edited_at timestamptz, deleted boolean, pinned boolean
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  my_member uuid := (select m.member_id from public.list_group_members(list_group_messages.group_id) as m where m.is_me);
begin
  perform private.check_page_size(page_size, 100);
  perform private.check_keyset_cursor(before_created_at, before_id);
  return query
    select m.id, m.sender_member_id, private.group_sender_name(m.sender_member_id), m.sender_member_id = my_member, m.content, m.created_at, m.edited_at,
           m.deleted_at is not null or m.removed_at is not null, m.pinned_at is not null
    from public.group_messages as m
    where m.group_id = list_group_messages.group_id
      and (before_created_at is null or (m.created_at, m.id) < (before_created_at, before_id))
    order by m.created_at desc, m.id desc
    limit page_size;
end;
$$;
comment on function public.list_group_messages(uuid, integer, timestamptz, uuid) is
  'GET /groups/:id/messages: members only (404 otherwise); newest first; keyset pages via the last row''s created_at and id.';

-- Edit and delete one's own message; moderators remove any and pin one. security definer: membership is private.
create function public.change_group_message(message_id uuid, action text, content text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.group_messages;
  mine boolean;
  moderates boolean;
begin
  select m.* into target from public.group_messages as m where m.id = change_group_message.message_id;
  if target.id is null or private.group_role_of_caller(target.group_id) is null and (select private.caller_role()) is distinct from 'admin' then
    raise exception 'No such message' using errcode = 'PT404';
  end if;
  mine := exists (select 1 from private.group_members as g where g.id = target.sender_member_id and g.user_id = auth.uid());
  moderates := private.caller_moderates_group(target.group_id);
  case action
    when 'edit' then
      if not mine or target.deleted_at is not null or target.removed_at is not null then
        raise exception 'Only your own message can be edited' using errcode = 'PT403';
      end if;
      if not private.group_caller_may_speak(target.group_id) then
        raise exception 'You cannot post in this group right now' using errcode = 'PT403';
      end if;
      perform private.check_message_content(content);
      -- An edit reaches every member like a message: it counts toward the same rate limit.
      perform private.check_chat_send_rate();
      update public.group_messages as m set content = btrim(change_group_message.content), edited_at = now() where m.id = target.id;
      insert into private.group_message_flags as f (message_id, phrase_id)
      select target.id, private.crisis_phrase_in(change_group_message.content)
      where private.crisis_phrase_in(change_group_message.content) is not null
      on conflict on constraint group_message_flags_pkey do nothing;
    when 'delete' then
      if not mine then
        raise exception 'Only your own message can be deleted' using errcode = 'PT403';
      end if;
      update public.group_messages as m set content = null, deleted_at = now(), pinned_at = null where m.id = target.id;
    when 'remove' then
      if not moderates then
        raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
      end if;
      update public.group_messages as m set content = null, removed_at = now(), pinned_at = null where m.id = target.id;
    when 'pin' then
      if not moderates then
        raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
      end if;
      -- One pinned message per group.
      update public.group_messages as m set pinned_at = null where m.group_id = target.group_id and m.pinned_at is not null and m.id <> target.id;
      update public.group_messages as m set pinned_at = now() where m.id = target.id and m.content is not null;
    when 'unpin' then
      if not moderates then
        raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
      end if;
      update public.group_messages as m set pinned_at = null where m.id = target.id;
    else
      raise exception 'Unknown action %; use edit, delete, remove, pin or unpin', action using errcode = 'PT400';
  end case;
end;
$$;
comment on function public.change_group_message(uuid, text, text) is
  'Members edit or delete their own group messages (the text is erased); the group''s moderators (or admins) remove any message and pin one.';

-- Who may speak in a group (post, edit, show typing or presence): an active member who is not muted.
-- security definer: memberships are private.
create function private.group_caller_may_speak(group_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from private.group_members as m
                 where m.group_id = group_caller_may_speak.group_id and m.user_id = auth.uid() and m.status = 'active'
                   and (m.muted_until is null or m.muted_until <= now()));
$$;
comment on function private.group_caller_may_speak(uuid) is 'True for an active member of the group who is not muted.';

-- A deleted account's group messages lose their text, as its chat messages do (leaving a group keeps them).
-- security definer: runs within the account deletion, before the memberships go with it.
create function private.erase_group_messages_of_deleted_account()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.group_messages as m set content = null, deleted_at = coalesce(m.deleted_at, now()), pinned_at = null
  where m.sender_member_id in (select g.id from private.group_members as g where g.user_id = old.id);
  return old;
end;
$$;
comment on function private.erase_group_messages_of_deleted_account() is 'Trigger on auth.users: a deleted account''s group messages lose their text.';
create trigger on_auth_user_deleted_erase_group_messages
  before delete on auth.users
  for each row execute function private.erase_group_messages_of_deleted_account();

-- Realtime on group:<id>. security definer: writes the broadcasts.
create function private.broadcast_group_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  event text := case
    when tg_op = 'INSERT' then 'new_message'
    when new.pinned_at is distinct from old.pinned_at and new.content is not distinct from old.content then 'message_pinned'
    when new.deleted_at is not null or new.removed_at is not null then 'message_deleted'
    else 'message_updated' end;
begin
  perform realtime.send(jsonb_build_object(
    'id', new.id, 'group_id', new.group_id, 'sender_member_id', new.sender_member_id, 'sender_name', private.group_sender_name(new.sender_member_id),
    'content', new.content, 'created_at', new.created_at, 'edited_at', new.edited_at, 'pinned', new.pinned_at is not null,
    'deleted', new.deleted_at is not null or new.removed_at is not null), event, 'group:' || new.group_id, true);
  return null;
end;
$$;
comment on function private.broadcast_group_message() is 'Trigger on group_messages: new, edited, deleted/removed and pinned messages on group:<id>. No account ids.';
create trigger group_messages_broadcast
  after insert or update of content, deleted_at, removed_at, pinned_at on public.group_messages
  for each row execute function private.broadcast_group_message();

-- Realtime rules for the groups' topics (asked by the realtime migration's policies): group:<id> receive only for
-- active members; group:<id>:live (presence, typing) for active members who are not muted. Null for other topics.
create function private.group_topic_allows(topic text, sending boolean)
returns boolean
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if topic !~ '^group:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:live)?$' then
    return null;
  end if;
  if sending then
    return topic like '%:live' and private.group_caller_may_speak(substr(topic, 7, 36)::uuid);
  end if;
  return substr(topic, 7, 36)::uuid in (select private.group_ids_of_caller());
end;
$$;
comment on function private.group_topic_allows(text, boolean) is
  'Group topic rules: group:<id> receive only for active members; group:<id>:live for active members who are not muted. Null for other topics.';

revoke execute on all functions in schema private from public;
revoke execute on function public.send_group_message(uuid, uuid, text, text) from public, anon;
revoke execute on function public.list_group_messages(uuid, integer, timestamptz, uuid) from public, anon;
revoke execute on function public.change_group_message(uuid, text, text) from public, anon;
grant execute on function public.send_group_message(uuid, uuid, text, text) to authenticated;
grant execute on function public.list_group_messages(uuid, integer, timestamptz, uuid) to authenticated;
grant execute on function public.change_group_message(uuid, text, text) to authenticated;
grant execute on function private.group_caller_may_speak(uuid) to authenticated;
grant execute on function private.group_sender_name(uuid) to authenticated;
grant execute on function private.group_topic_allows(text, boolean) to authenticated;
