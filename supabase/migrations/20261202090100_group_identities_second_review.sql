-- Group identities, second review (issue 14: "anonymity that survives every feature").
-- * A member who does not show their name (use_display_name false) has one handle, and so one pseudonym, per
--   membership: a keyed hash of the membership alone. Their card, public id and anonymous mode no longer enter it, so
--   nothing in the group moves when their card does. Before, the handle hashed the public id for everyone: turning
--   anonymous mode on made the directory card and "Member #3688" vanish at the same instant, pairing the two.
--   Only members who chose to show their name have a handle tied to their public identity (a new one, listed with
--   the new card, for every public identity: named, or masked by anonymous mode or a missing name).
-- * A member's group identity is listed from profiles.identity_listed_from (never the card, which deactivation
--   removes): a member who chose their name and has a new public identity is in nobody else's list until that hour.
--   While so, they do nothing others would see: posting, editing, hosting a session and sending on group:<id>:live
--   (typing, presence) answer 409 "Your new name shows in this group from <hour> UTC"; deleting their own messages,
--   reading, RSVPs (a count that names nobody), heartbeats (counted nowhere until they are listed) and leaving stay.
--   online_count counts only members others can see; member_count stays the exact count the cap needs (README).
-- * Members whose account is deactivated are left out of member lists, join requests and online counts, and do
--   nothing others would see (403).
-- * Moderation through a message's handle that is not the author's current one: only mute and unmute (any moderator)
--   and ban and unban (the owner or an admin), answered alike whatever the author's role is now: where the caller has
--   no power over the author as they are now (an owner; a moderator, for a plain moderator) the answer is the same and
--   nothing changes. Role changes and answers to join requests take a current handle only.
-- * Members edit their own group message for 15 minutes (private.chat_edit_window(), as in chat) and only while it
--   carries their current handle; deleting (a tombstone) stays allowed at any time.
-- * Moderators see the join requests waiting for them: public.list_group_join_requests.
--
-- Security definer functions in this migration, and why:
--   private.group_member_identities        reads memberships and profiles past their RLS (as before).
--   private.group_member_for_handle        reads memberships and messages' internal senders, which no API role may.
--   private.group_caller_may_speak         reads the caller's membership (private), for the Realtime policies.
--   public.list_group_join_requests        reads memberships (private) for the group's moderators.
--   public.list_group_members, public.list_groups, public.send_group_message, public.change_group_message,
--   public.schedule_group_session, public.moderate_group_member
--                                          keep their reasons (memberships are private; they write them).

-- showActivity is applied where presence is written, not where it is read: shown_seen_at follows last_seen_at only
-- while the member shows their activity, so turning it off lets their dot go dark as an idle one does (within two
-- minutes), instead of switching every indicator of theirs, in chat and in every group, off at one instant.
alter table private.group_members add column shown_seen_at timestamptz;
update private.group_members as m set shown_seen_at = m.last_seen_at
from public.profiles as p where p.id = m.user_id and p.show_activity;
comment on column private.group_members.shown_seen_at is
  'Presence as other members may see it: follows last_seen_at only while the member shows their activity.';

-- security definer: reads the member's privacy setting, which the writer of the heartbeat may not read.
create function private.show_group_presence()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.last_seen_at is null then
    new.shown_seen_at := null;
  elsif exists (select 1 from public.profiles as p where p.id = new.user_id and p.show_activity) then
    new.shown_seen_at := new.last_seen_at;
  end if;
  return new;
end;
$$;
comment on function private.show_group_presence() is 'Trigger: a member''s presence becomes visible only while they show their activity.';
create trigger group_members_show_presence
  before update of last_seen_at on private.group_members
  for each row execute function private.show_group_presence();

-- Whether a member's group identity is listed (others may see it): a pseudonym of the membership always; a
-- public identity from the hour the directory lists it. One definition for lists, counts and checks.
create function private.group_identity_listed(use_display_name boolean, identity_listed_from timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select not coalesce(use_display_name, false) or identity_listed_from <= now();
$$;
comment on function private.group_identity_listed(boolean, timestamptz) is
  'Whether a member''s group identity may be seen by others now: always for a member who shows a pseudonym (it is the membership''s), from profiles.identity_listed_from for one who chose their name.';

drop function private.group_member_identities(uuid, uuid);
create function private.group_member_identities(group_id uuid, only_membership uuid default null)
returns table (membership_id uuid, handle uuid, name text, listed boolean, listed_from timestamptz, account_active boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select m.id, h.handle,
         case when s.named then p.display_name else private.group_alias_of(h.handle) end,
         private.group_identity_listed(m.use_display_name, p.identity_listed_from),
         case when m.use_display_name then p.identity_listed_from end,
         p.is_active
  from private.group_members as m
  join public.profiles as p on p.id = m.user_id
  -- As the card decides it, from the profile itself: the card is gone while an account is deactivated.
  cross join lateral (select m.use_display_name and not (p.anonymous_mode or p.display_name is null) as named) as s
  cross join lateral (select case when m.use_display_name
                                  then private.opaque_id('group_member', m.id::text || ':' || p.public_id::text || ':' || s.named::text)
                                  else private.opaque_id('group_member', m.id::text || ':pseudonym') end as handle) as h
  where m.group_id = group_member_identities.group_id
    and (only_membership is null or m.id = only_membership);
$$;
comment on function private.group_member_identities(uuid, uuid) is
  'How the members of a group (or the one given) appear in it now. A member who shows a pseudonym: one handle per membership (a keyed hash of the membership alone) and the pseudonym derived from it, listed always. A member who chose their name: a handle per public identity (a keyed hash of the membership, the public id and whether the name shows), their name unless anonymous mode or a missing name masks it, listed from profiles.identity_listed_from (listed_from). account_active: deactivated accounts are shown to nobody.';

comment on function private.group_member_handle(private.group_members) is
  'The handle other members know a member by now (member_id in answers): the membership''s own for a pseudonymous member; for one who chose their name, a new one with every public identity.';
comment on function private.group_member_name(private.group_members) is
  'The name a member shows in a group now: their name when they chose it and no anonymous mode or missing name masks it, else the pseudonym of their current handle.';

-- The caller may do what others would see in the group only while others can see them there.
create function private.check_group_identity_shown(member private.group_members)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  shown record;
begin
  select i.listed, i.listed_from, i.account_active into shown
  from private.group_member_identities(member.group_id, member.id) as i;
  if not shown.account_active then
    raise exception 'This account is deactivated' using errcode = 'PT403';
  end if;
  if not shown.listed then
    raise exception 'Your new name shows in this group from % UTC; until then you can read, but not post, edit, host or show that you are here',
      to_char(shown.listed_from at time zone 'UTC', 'YYYY-MM-DD HH24:MI') using errcode = 'PT409';
  end if;
end;
$$;
comment on function private.check_group_identity_shown(private.group_members) is
  'Refuses (409, naming the hour) anything others would see from a member whose new identity is not listed in the group yet, and (403) from a deactivated account: what they did would carry an identity nobody may see yet, pairing it with the one that went.';

-- Sending on group:<id>:live (typing, presence) too: an active member who is not muted and whom others can see.
create or replace function private.group_caller_may_speak(group_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from private.group_members as m
                 cross join lateral private.group_member_identities(m.group_id, m.id) as i
                 where m.group_id = group_caller_may_speak.group_id and m.user_id = auth.uid() and m.status = 'active'
                   and (m.muted_until is null or m.muted_until <= now())
                   and i.listed and i.account_active);
$$;
comment on function private.group_caller_may_speak(uuid) is
  'True for an active member of the group who is not muted and whom the others can see (identity listed, account active): who may post, edit and send on group:<id>:live.';

-- Which membership a handle names, and whether it is the member's current handle (else one on a message).
drop function private.group_membership_for_handle(uuid, uuid);
create function private.group_member_for_handle(group_id uuid, handle uuid)
returns table (membership_id uuid, is_current boolean)
language sql
stable
security definer
set search_path = ''
as $$
  with named as (
    select coalesce(
      (select m.sender_member_id from public.group_messages as m
       where m.group_id = group_member_for_handle.group_id and m.sender_handle = group_member_for_handle.handle
         and m.sender_member_id is not null
       limit 1),
      (select i.membership_id from private.group_member_identities(group_member_for_handle.group_id) as i
       where i.handle = group_member_for_handle.handle
       limit 1)) as membership_id)
  select n.membership_id, i.handle = group_member_for_handle.handle
  from named as n
  cross join lateral private.group_member_identities(group_member_for_handle.group_id, n.membership_id) as i
  where n.membership_id is not null;
$$;
comment on function private.group_member_for_handle(uuid, uuid) is
  'The internal membership a handle names in a group (the member''s current handle, or one a message of the group carries) and whether it is the current one; no row for anything else (membership ids are not accepted).';

-- The member list -----------------------------------------------------------------------------------------------------

create or replace function public.list_group_members(group_id uuid)
returns table (member_id uuid, name text, role public.group_member_role, online boolean, is_me boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.group_role_of_caller(list_group_members.group_id) is null then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
  return query
    select i.handle, i.name, m.role,
           -- Online as others may see it: shown_seen_at only moves while the member shows their activity.
           m.shown_seen_at > now() - interval '2 minutes',
           m.user_id = auth.uid()
    from private.group_members as m
    join public.profiles as p on p.id = m.user_id
    join private.group_member_identities(list_group_members.group_id) as i on i.membership_id = m.id
    where m.group_id = list_group_members.group_id and m.status = 'active'
      -- A new identity appears to others from its listing hour; a deactivated account to nobody. The member sees
      -- themselves at once.
      and ((i.listed and i.account_active) or m.user_id = auth.uid())
    -- By what is shown, never by joining order: a place carries nothing across a switch of handle.
    order by m.role desc, i.name, i.handle;
end;
$$;
comment on function public.list_group_members(uuid) is
  'Members of a group the caller belongs to: member_id (the member''s current handle), name as shown in the group, role, online (honouring showActivity), is_me; ordered by role, name and handle. A member''s new public identity is listed to others from its listing hour; deactivated accounts are left out. Never an account or membership id.';

-- (public.list_groups: as this change leaves it, in 20261202111200_group_listing_joined_is_boolean.)
-- What a member does that others see -----------------------------------------------------------------------------------

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
    -- A retry of what was sent before: nothing new appears.
    return jsonb_build_object('message', private.group_message_json(existing), 'duplicate', true,
      'safety', case when exists (select 1 from private.group_message_flags as f where f.message_id = existing.id)
                     then public.crisis_support(country_code) end);
  end if;
  -- A new message would carry an identity nobody may see yet.
  perform private.check_group_identity_shown(me);
  insert into public.group_messages (id, group_id, sender_member_id, content, created_at)
  values (stored_id, me.group_id, me.id, btrim(content), clock_timestamp())
  returning * into sent;
  matched := private.crisis_phrase_in(sent.content);
  if matched is not null then
    insert into private.group_message_flags as f (message_id, phrase_id) values (sent.id, matched);
  end if;
  update private.group_members as m set last_seen_at = now() where m.id = me.id;
  return jsonb_build_object('message', private.group_message_json(sent), 'duplicate', false,
    'safety', case when matched is not null then public.crisis_support(country_code) end);
end;
$$;
comment on function public.send_group_message(uuid, uuid, text, text) is
  'POST /groups/:id/messages: active members only; muted members get 403 with the end of the mute; a member whose new name is not listed in the group yet gets 409 naming the hour; idempotent on message_id (the client''s key; the stored id is derived from it and the sender); the handle and name shown are stored as they are now (sender_member_id in the answer is that handle); rate limit and crisis prompt shared with chat.';

create or replace function public.change_group_message(message_id uuid, action text, content text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.group_messages;
  me private.group_members;
  moderates boolean;
begin
  select m.* into target from public.group_messages as m where m.id = change_group_message.message_id;
  if target.id is null or private.group_role_of_caller(target.group_id) is null and (select private.caller_role()) is distinct from 'admin' then
    raise exception 'No such message' using errcode = 'PT404';
  end if;
  -- The caller's membership when the message is theirs.
  select g.* into me from private.group_members as g where g.id = target.sender_member_id and g.user_id = auth.uid();
  moderates := private.caller_moderates_group(target.group_id);
  case action
    when 'edit' then
      if me.id is null or target.deleted_at is not null or target.removed_at is not null then
        raise exception 'Only your own message can be edited' using errcode = 'PT403';
      end if;
      if me.status <> 'active' or me.muted_until > now() then
        raise exception 'You cannot post in this group right now' using errcode = 'PT403';
      end if;
      perform private.check_group_identity_shown(me);
      if target.created_at < now() - private.chat_edit_window() then
        raise exception 'A message can be edited for 15 minutes after it was sent' using errcode = 'PT409';
      end if;
      -- An edit under a name one no longer shows would tell that whoever wrote it is still here, as someone else.
      if target.sender_handle is distinct from (select i.handle from private.group_member_identities(me.group_id, me.id) as i) then
        raise exception 'This message was written under a name you no longer show in this group: it can be deleted, not edited'
          using errcode = 'PT409';
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
      -- Deleting one's words is always allowed: a tombstone, as in chat.
      if me.id is null then
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
  'Members edit their own group message within 15 minutes of sending it and only while it carries their current handle (409 otherwise; 409 naming the hour while their new name is not listed), and delete their own at any time (the text is erased); the group''s moderators (or admins) remove any message and pin one.';

create or replace function public.schedule_group_session(group_id uuid, title text, starts_at timestamptz, duration_minutes integer default 60)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  session_id uuid;
  host private.group_members;
begin
  if not private.caller_moderates_group(schedule_group_session.group_id) then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  if starts_at is null or starts_at < now() then
    raise exception 'A session starts in the future' using errcode = 'PT400';
  end if;
  -- The host is the caller as the group sees them (an admin who is no active member hosts without a handle).
  select m.* into host from private.group_members as m
  where m.group_id = schedule_group_session.group_id and m.user_id = auth.uid() and m.status = 'active';
  if host.id is not null then
    perform private.check_group_identity_shown(host);
  end if;
  insert into public.group_sessions (group_id, title, starts_at, duration_minutes, host_member_id)
  values (schedule_group_session.group_id, btrim(title), starts_at, coalesce(duration_minutes, 60),
          (select i.handle from private.group_member_identity(host) as i))
  returning id into session_id;
  if host.id is not null then
    insert into private.group_session_hosts (session_id, member_id) values (session_id, host.id);
  end if;
  return session_id;
end;
$$;
comment on function public.schedule_group_session(uuid, text, timestamptz, integer) is
  'The group''s moderators (or admins) schedule a session; returns its id. The host is shown by the handle they have in the group now; a host whose new name is not listed yet gets 409 naming the hour.';

-- Moderation ------------------------------------------------------------------------------------------------------------

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
  target_id uuid;
  by_current boolean;
  -- The answer: the handle given, never the member's current one (acting on an old message's author must not name
  -- them as they are now).
  answer jsonb := jsonb_build_object('memberId', moderate_group_member.member_id, 'action', action);
begin
  select g.* into group_row from public.support_groups as g where g.id = moderate_group_member.group_id for update;
  -- Read after the lock: a moderator demoted at this moment has no power left.
  my_role := private.group_role_of_caller(moderate_group_member.group_id);
  if group_row.id is null or not private.caller_moderates_group(moderate_group_member.group_id) then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  -- A handle: the member's current one, or the one on a message of theirs in this group.
  select h.membership_id, h.is_current into target_id, by_current
  from private.group_member_for_handle(moderate_group_member.group_id, moderate_group_member.member_id) as h;
  select m.* into target from private.group_members as m where m.id = target_id for update;
  if target.id is null then
    raise exception 'No such member' using errcode = 'PT404';
  end if;
  if target.user_id = auth.uid() then
    raise exception 'Moderators do not moderate themselves' using errcode = 'PT403';
  end if;
  if by_current then
    -- The member as the list shows them, role included.
    if target.role = 'owner' or (target.role = 'moderator' and my_role is distinct from 'owner' and not caller_is_admin) then
      raise exception 'Only the owner or an admin can moderate a moderator' using errcode = 'PT403';
    end if;
    -- Roles are the owner's (or an admin's) to give: a moderator cannot make more moderators, such as a second account.
    if action in ('promote', 'demote', 'make_owner') and my_role is distinct from 'owner' and not caller_is_admin then
      raise exception 'Only the owner or an admin can change roles' using errcode = 'PT403';
    end if;
  else
    -- The author of an old message, who now shows another name. Nothing in the answer may depend on who they are now
    -- (their role included): only sanctions, and the same answer whether or not the caller has power over them.
    if action not in ('mute', 'unmute', 'ban', 'unban') then
      raise exception 'A member id from an old message allows mute, unmute, ban and unban only; roles and join requests take the id the member list or the join requests show'
        using errcode = 'PT403';
    end if;
    -- A ban takes the author out of the list, showing who they are now: the owner's (or an admin's) call only.
    if action in ('ban', 'unban') and my_role is distinct from 'owner' and not caller_is_admin then
      raise exception 'Only the owner or an admin can ban or unban by the member id on an old message; mute them, or use their id from the member list'
        using errcode = 'PT403';
    end if;
    -- Checks that depend on the input and the membership's sanctions, never on its role (an owner is never banned).
    if action = 'mute' and (muted_until is null or muted_until <= now()) then
      raise exception 'muted_until must be in the future' using errcode = 'PT400';
    end if;
    if action = 'unban' and target.status <> 'banned' then
      raise exception 'Not banned' using errcode = 'PT409';
    end if;
    -- Without power over the author as they are now (the owner; a moderator, for a plain moderator): the same answer,
    -- and nothing changes.
    if target.role = 'owner' or (target.role = 'moderator' and my_role is distinct from 'owner' and not caller_is_admin) then
      return answer;
    end if;
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
      -- Necessarily takes the member out of the list (and out of the join requests).
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
  return answer;
end;
$$;
comment on function public.moderate_group_member(uuid, uuid, text, timestamptz) is
  'Group moderators (or admins): approve/decline join requests (within the cap), mute until a time, ban/unban; the owner (or an admin) also promotes, demotes and hands over ownership (make_owner). member_id is a handle: the member''s current one (from the member list or the join requests), for every action; or one on an old message of theirs in this group, for mute and unmute (any moderator) and ban and unban (the owner or an admin) only, answered alike whatever the author''s role is now (where the caller has no power over them, nothing changes). The answer echoes the handle given. Moderators of other groups have no power here.';

create function public.list_group_join_requests(group_id uuid)
returns table (member_id uuid, name text, requested_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.caller_moderates_group(list_group_join_requests.group_id) then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  return query
    -- A request appears as the member list would show its author: from the listing hour of a new public identity
    -- (and dated no earlier), never for a deactivated account.
    select i.handle, i.name, greatest(m.requested_at, i.listed_from)
    from private.group_members as m
    join private.group_member_identities(list_group_join_requests.group_id) as i on i.membership_id = m.id
    where m.group_id = list_group_join_requests.group_id and m.status = 'pending' and i.listed and i.account_active
    order by 3, 1;
end;
$$;
comment on function public.list_group_join_requests(uuid) is
  'The join requests waiting in a group, for its moderators (or admins; 403 for anyone else): member_id (the handle approve and decline take), the name the applicant will show, requested_at; oldest first. A request by a new public identity is listed from that identity''s listing hour, dated no earlier; deactivated accounts are left out.';

revoke execute on all functions in schema private from public;
grant execute on function private.group_caller_may_speak(uuid) to authenticated;
revoke execute on function public.list_group_join_requests(uuid) from public, anon;
grant execute on function public.list_group_join_requests(uuid) to authenticated;

comment on table private.group_members is
  'Membership (internal id, role, status: pending, active, banned, left; mute, heartbeat). Others know a member by a handle derived from it (and, for a member who shows their name, from their public identity: private.group_member_identities), never by its id. Kept when a member leaves, so their messages stay theirs (and go with their account). user_id is never readable through the API.';
comment on column public.group_messages.sender_handle is
  'The handle the sender was known by in the group when they wrote it (shown as sender_member_id); null once their membership is gone. Editing needs it to be the sender''s current handle.';
