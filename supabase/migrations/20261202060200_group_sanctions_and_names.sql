-- Groups: sanctions that stick, names as they were, message ids nobody else can hit (issue 14).
-- * A name shown for a group message is the one that applied when it was written: stored with the message
--   (group_messages.sender_name), so a member who wrote as "Member #1271" in anonymous mode is not relabelled with
--   their real name when they turn it off later (nor the reverse). The name becomes "[former member]" only when the
--   membership itself goes (account deletion).
-- * Rejoining never clears a sanction: a mute outlives leave and rejoin, and a declined join request keeps the
--   membership row (as left) so that a mute it carries is not lost; bans already kept people out.
-- * Message ids are derived from the sender and their client-made idempotency key, as in chat: someone else's id is a
--   new message, never a 409 that confirms it exists.
--
-- Security definer functions: the replaced ones keep their reasons from the groups migrations.

alter table public.group_messages add column sender_name text;
update public.group_messages as m set sender_name = private.group_sender_name(m.sender_member_id);
alter table public.group_messages alter column sender_name set not null;
comment on column public.group_messages.sender_name is
  'The name the sender showed in the group when they wrote it (pseudonym or public name), kept as it was; "[former member]" once their membership is gone.';
comment on column public.group_messages.sender_member_id is 'The sending member (null once the membership is gone); never an account id.';

-- The name is the database's to record, however the message is written.
create function private.name_group_message_sender()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sender_name := private.group_sender_name(new.sender_member_id);
  return new;
end;
$$;
comment on function private.name_group_message_sender() is 'Trigger: a new group message records the name its sender shows in the group now.';
create trigger group_messages_name_sender
  before insert on public.group_messages
  for each row execute function private.name_group_message_sender();

-- However a membership goes (account deletion cascades it), its messages stop carrying the name it showed.
create function private.forget_departed_group_sender()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sender_name := '[former member]';
  return new;
end;
$$;
comment on function private.forget_departed_group_sender() is 'Trigger: a message whose sender''s membership is gone shows "[former member]".';
create trigger group_messages_forget_departed_sender
  before update of sender_member_id on public.group_messages
  for each row when (old.sender_member_id is not null and new.sender_member_id is null)
  execute function private.forget_departed_group_sender();

create function private.group_message_id_for(client_message_id uuid)
returns uuid
language sql
stable
set search_path = ''
as $$
  select private.opaque_id('group_message', auth.uid()::text || ':' || client_message_id::text);
$$;
comment on function private.group_message_id_for(uuid) is
  'The stored id of the caller''s group message sent with this client-made key: the same key always gives the same id, and nobody else''s key can give it.';

create or replace function public.join_group(group_id uuid, use_display_name boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.support_groups;
  existing private.group_members;
begin
  if not private.caller_may_browse_people() then
    raise exception 'Sign in with an account to join groups' using errcode = 'PT403';
  end if;
  select g.* into target from public.support_groups as g where g.id = join_group.group_id for update;
  if target.id is null then
    raise exception 'No such group' using errcode = 'PT404';
  end if;
  select m.* into existing from private.group_members as m where m.group_id = target.id and m.user_id = auth.uid();
  if existing.status = 'banned' then
    raise exception 'You cannot join this group' using errcode = 'PT403';
  elsif existing.status in ('active', 'pending') then
    return jsonb_build_object('status', existing.status, 'memberId', existing.id);
  end if;
  if target.privacy = 'public' and target.member_cap is not null and target.member_count >= target.member_cap then
    raise exception 'This group is full' using errcode = 'PT409';
  end if;
  -- A returning member gets their membership (and member id) back, with any mute still running; a newcomer a new one.
  insert into private.group_members as m (group_id, user_id, status, use_display_name, joined_at)
  values (target.id, auth.uid(), (case when target.privacy = 'public' then 'active' else 'pending' end)::public.group_member_status,
          coalesce(join_group.use_display_name, false),
          case when target.privacy = 'public' then now() end)
  on conflict on constraint group_members_group_id_user_id_key do update
    set status = excluded.status, role = 'member', use_display_name = excluded.use_display_name, joined_at = excluded.joined_at,
        requested_at = now()
  returning * into existing;
  return jsonb_build_object('status', existing.status, 'memberId', existing.id);
end;
$$;
comment on function public.join_group(uuid, boolean) is
  'POST /groups/:id/join: active at once in a public group, pending (a join request) in a private one; idempotent; 403 when banned, 409 when full; a running mute survives leaving and rejoining.';

create or replace function public.moderate_group_member(group_id uuid, member_id uuid, action text, muted_until timestamptz default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  target private.group_members;
  my_role public.group_member_role;
  group_row public.support_groups;
  caller_is_admin boolean := (select private.caller_role()) is not distinct from 'admin';
begin
  select g.* into group_row from public.support_groups as g where g.id = moderate_group_member.group_id for update;
  -- Read after the lock: a moderator demoted at this moment has no power left.
  my_role := private.group_role_of_caller(moderate_group_member.group_id);
  if group_row.id is null or not private.caller_moderates_group(moderate_group_member.group_id) then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  select m.* into target from private.group_members as m where m.id = member_id and m.group_id = moderate_group_member.group_id for update;
  if target.id is null then
    raise exception 'No such member' using errcode = 'PT404';
  end if;
  if target.user_id = auth.uid() then
    raise exception 'Moderators do not moderate themselves' using errcode = 'PT403';
  end if;
  if target.role = 'owner' or (target.role = 'moderator' and my_role is distinct from 'owner' and not caller_is_admin) then
    raise exception 'Only the owner or an admin can moderate a moderator' using errcode = 'PT403';
  end if;
  -- Roles are the owner's (or an admin's) to give: a moderator cannot make more moderators, such as a second account.
  if action in ('promote', 'demote', 'make_owner') and my_role is distinct from 'owner' and not caller_is_admin then
    raise exception 'Only the owner or an admin can change roles' using errcode = 'PT403';
  end if;
  case action
    when 'approve' then
      if target.status <> 'pending' then raise exception 'Not a pending request' using errcode = 'PT409'; end if;
      if group_row.member_cap is not null and group_row.member_count >= group_row.member_cap then
        raise exception 'This group is full' using errcode = 'PT409';
      end if;
      update private.group_members as m set status = 'active', joined_at = now() where m.id = target.id;
    when 'decline' then
      if target.status <> 'pending' then raise exception 'Not a pending request' using errcode = 'PT409'; end if;
      -- Kept (as left) rather than deleted: a mute it carries outlives the declined request.
      update private.group_members as m set status = 'left' where m.id = target.id;
    when 'mute' then
      if muted_until is null or muted_until <= now() then raise exception 'muted_until must be in the future' using errcode = 'PT400'; end if;
      update private.group_members as m set muted_until = moderate_group_member.muted_until where m.id = target.id;
    when 'unmute' then
      update private.group_members as m set muted_until = null where m.id = target.id;
    when 'ban' then
      update private.group_members as m set status = 'banned', role = 'member' where m.id = target.id;
    when 'unban' then
      if target.status <> 'banned' then raise exception 'Not banned' using errcode = 'PT409'; end if;
      update private.group_members as m set status = 'left' where m.id = target.id;
    when 'promote' then
      update private.group_members as m set role = 'moderator' where m.id = target.id and m.status = 'active';
    when 'demote' then
      update private.group_members as m set role = 'member' where m.id = target.id;
    when 'make_owner' then
      if target.status <> 'active' then raise exception 'Only an active member can own the group' using errcode = 'PT409'; end if;
      update private.group_members as m set role = 'moderator' where m.group_id = target.group_id and m.role = 'owner';
      update private.group_members as m set role = 'owner' where m.id = target.id;
    else
      raise exception 'Unknown action %; use approve, decline, mute, unmute, ban, unban, promote, demote or make_owner', action using errcode = 'PT400';
  end case;
  return jsonb_build_object('memberId', target.id, 'action', action);
end;
$$;

create or replace function public.send_group_message(group_id uuid, message_id uuid, content text, country_code text default null)
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
  stored_id uuid;
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
  stored_id := private.group_message_id_for(send_group_message.message_id);
  select m.* into existing from public.group_messages as m where m.id = stored_id;
  if existing.id is not null then
    return jsonb_build_object('message', to_jsonb(existing) - 'sender_member_id', 'duplicate', true,
      'safety', case when exists (select 1 from private.group_message_flags as f where f.message_id = existing.id)
                     then public.crisis_support(country_code) end);
  end if;
  insert into public.group_messages (id, group_id, sender_member_id, content, created_at)
  values (stored_id, me.group_id, me.id, btrim(content), clock_timestamp())
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
  'POST /groups/:id/messages: active members only; muted members get 403 with the end of the mute; idempotent on message_id (the client''s key; the stored id is derived from it and the sender); the name shown is stored as it is now; rate limit and crisis prompt shared with chat.';

create or replace function public.list_group_messages(group_id uuid, page_size integer default 50, before_created_at timestamptz default null, before_id uuid default null)
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
    select m.id, m.sender_member_id, m.sender_name, m.sender_member_id = my_member, m.content, m.created_at, m.edited_at,
           m.deleted_at is not null or m.removed_at is not null, m.pinned_at is not null
    from public.group_messages as m
    where m.group_id = list_group_messages.group_id
      and (before_created_at is null or (m.created_at, m.id) < (before_created_at, before_id))
    order by m.created_at desc, m.id desc
    limit page_size;
end;
$$;

create or replace function private.broadcast_group_message()
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
    'id', new.id, 'group_id', new.group_id, 'sender_member_id', new.sender_member_id, 'sender_name', new.sender_name,
    'content', new.content, 'created_at', new.created_at, 'edited_at', new.edited_at, 'pinned', new.pinned_at is not null,
    'deleted', new.deleted_at is not null or new.removed_at is not null), event, 'group:' || new.group_id, true);
  return null;
end;
$$;

revoke execute on all functions in schema private from public;
grant execute on function private.group_message_id_for(uuid) to authenticated;
