-- Group members are known by handles that change with the kind of name they show (issue 14, group review).
-- * What other members see of a member is a handle (member_id in every answer, sender_member_id on messages and in
--   Realtime events) and a shown name, derived together from the membership and the person's current public identity:
--     shows_name := the member chose their name, and their card is not a pseudonym and is listed (listed_from <= now())
--     handle     := opaque_id('group_member', membership || ':' || public_id || ':' || shows_name)
--     name       := the card's name when shows_name, else the pseudonym 'Member #dddd' derived from the handle.
--   A switch between pseudonym and public name, and every new public identity (each anonymous-mode period, a name
--   given or cleared), is a new handle and a new pseudonym; nothing but the handle the database derives joins the two,
--   and the database's secret keeps that to itself. The membership id stays internal: sanctions (mutes, bans), roles
--   and the send rate limit live on it and survive every switch.
-- * The pseudonym is derived from the handle rather than stored and redrawn: a switch also happens when a card is
--   listed on the hour, with no statement to hang a redraw on, and a derived pseudonym can never lag its handle.
--   group_members.alias is kept only for messages written before handles (below).
-- * A new identity in a group is listed when the card is (the next full hour after a change of public identity):
--   until then other members do not see the member in the list at all, neither the name that will appear nor an
--   interim pseudonym, so the list cannot pair the identity that went with the one that comes. The member sees
--   themselves at once.
-- * The member list is ordered by what it shows (role, name, handle): a place in it carries nothing across a switch.
-- * A message stores the handle and name that applied when it was written (group_messages.sender_handle beside
--   sender_name). The internal sender (sender_member_id) is no longer readable through the API.
-- * Moderation takes a member's current handle or a handle one of the group's messages carries (so moderators can act
--   on the author of an old message), resolved to the membership inside the database; the answer echoes the handle
--   given, never the current one.
-- * Messages written before this migration: their names were frozen from each sender's name at the time of the
--   previous migration (20261202060200), so some written anonymously show a public name. Not knowing which, every one
--   shows the member's old pseudonym (group_members.alias) and one handle per membership made for them alone.
--   The group broadcasts Realtime stored before this migration carried membership ids and such names: they go.
--
-- Security definer functions in this migration, and why:
--   private.group_member_identities          reads memberships, profiles and profile cards (listed or not) past their RLS.
--   private.group_membership_for_handle      reads memberships and messages' internal senders, which no API role may.
--   private.erase_group_broadcasts_of_member writes realtime.messages.
--   private.name_group_message_sender        reads the sender's membership and card for whoever writes the message.
--   public.list_group_messages               now: tells is_mine from the internal sender, which members cannot read.
--   public.list_group_members, public.join_group, public.moderate_group_member, public.send_group_message,
--   private.broadcast_group_message, private.export_groups
--                                            keep their reasons (memberships are private; broadcasts write Realtime).

-- Handles and names ---------------------------------------------------------------------------------------------------

create function private.group_alias_of(handle uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'Member #' || lpad((('x' || substr(replace(handle::text, '-', ''), 1, 8))::bit(32)::bigint % 10000)::text, 4, '0');
$$;
comment on function private.group_alias_of(uuid) is
  'The group pseudonym ("Member #4821") that goes with a member handle: a new handle, a new pseudonym.';

-- Every membership of a group (or just one) as the others see it now. One query for a whole list: the cards and
-- profiles are joined, never looked up member by member.
create function private.group_member_identities(group_id uuid, only_membership uuid default null)
returns table (membership_id uuid, handle uuid, name text, listed boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select m.id, h.handle, case when s.shows_name then card.display_name else private.group_alias_of(h.handle) end,
         coalesce(card.listed_from <= now(), true)
  from private.group_members as m
  join public.profiles as p on p.id = m.user_id
  left join private.profile_cards as card on card.profile_id = m.user_id
  cross join lateral (select coalesce(m.use_display_name and not card.is_pseudonym and card.listed_from <= now(), false) as shows_name) as s
  cross join lateral (select private.opaque_id('group_member', m.id::text || ':' || p.public_id::text || ':' || s.shows_name::text) as handle) as h
  where m.group_id = group_member_identities.group_id
    and (only_membership is null or m.id = only_membership);
$$;
comment on function private.group_member_identities(uuid, uuid) is
  'How the members of a group (or the one given) appear in it now: handle (a keyed hash of the membership, the person''s public id and whether the name shows), the name shown (their listed, non-pseudonymous card''s name when they chose it, else the pseudonym derived from the handle), and whether that identity is listed yet (others see it only from the hour its card is listed).';

create function private.group_member_identity(member private.group_members)
returns table (handle uuid, name text, listed boolean)
language sql
stable
set search_path = ''
as $$
  select i.handle, i.name, i.listed from private.group_member_identities(member.group_id, member.id) as i;
$$;
comment on function private.group_member_identity(private.group_members) is
  'How one member appears in their group now (private.group_member_identities for one membership).';

-- No longer security definer: it only asks private.group_member_identities, which is.
create or replace function private.group_member_name(member private.group_members)
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select i.name from private.group_member_identity(member) as i;
$$;
comment on function private.group_member_name(private.group_members) is
  'The name a member shows in a group now: their card''s name when they chose it and it is listed and not a pseudonym, else the pseudonym of their current handle.';

create function private.group_member_handle(member private.group_members)
returns uuid
language sql
stable
set search_path = ''
as $$
  select i.handle from private.group_member_identity(member) as i;
$$;
comment on function private.group_member_handle(private.group_members) is
  'The handle other members know a member by now (member_id in answers); it changes with every switch of the kind of name shown.';

-- Messages carry the handle they were written under -------------------------------------------------------------------

alter table public.group_messages add column sender_handle uuid;
comment on column public.group_messages.sender_handle is
  'The handle the sender was known by in the group when they wrote it (shown as sender_member_id); null once their membership is gone.';
comment on column public.group_messages.sender_member_id is
  'The sending membership (null once it is gone). Internal: not readable through the API, which shows sender_handle; sanctions and erasure follow it.';

-- (d) Messages written before handles: the old pseudonym and a handle of their own for each membership.
update public.group_messages as m
set sender_handle = private.opaque_id('group_member', m.sender_member_id::text || ':before-handles'),
    sender_name = g.alias
from private.group_members as g
where g.id = m.sender_member_id;
update public.group_messages as m set sender_name = '[former member]', sender_handle = null where m.sender_member_id is null;

alter table public.group_messages add constraint group_messages_sender_handle_check check ((sender_handle is null) = (sender_member_id is null));
create index group_messages_group_id_sender_handle_idx on public.group_messages (group_id, sender_handle) where sender_handle is not null;

-- Which membership of a group a handle names: a member's current handle, or the handle a message of the group carries.
create function private.group_membership_for_handle(group_id uuid, handle uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select m.sender_member_id from public.group_messages as m
     where m.group_id = group_membership_for_handle.group_id and m.sender_handle = group_membership_for_handle.handle
       and m.sender_member_id is not null
     limit 1),
    (select i.membership_id from private.group_member_identities(group_membership_for_handle.group_id) as i
     where i.handle = group_membership_for_handle.handle
     limit 1));
$$;
comment on function private.group_membership_for_handle(uuid, uuid) is
  'The internal membership a handle names in a group: the member''s current handle or one a message of the group carries; null for anything else (membership ids are not accepted).';

-- The internal sender stays in the database: members read every other column.
revoke select on table public.group_messages from authenticated;
grant select (id, group_id, sender_handle, sender_name, content, created_at, edited_at, deleted_at, removed_at, pinned_at)
  on table public.group_messages to authenticated;

-- security definer: the sender's membership and card are not readable by every role that may write a message (the
-- service role included).
create or replace function private.name_group_message_sender()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.sender_handle := null;
  new.sender_name := '[former member]';
  if new.sender_member_id is not null then
    -- Only a membership of the message's own group names it (otherwise the handle stays null and the insert fails its check).
    select i.handle, i.name into new.sender_handle, new.sender_name
    from private.group_member_identities(new.group_id, new.sender_member_id) as i;
  end if;
  return new;
end;
$$;
comment on function private.name_group_message_sender() is
  'Trigger: a new group message records the handle and name its sender is known by in the group now.';

create or replace function private.forget_departed_group_sender()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sender_name := '[former member]';
  new.sender_handle := null;
  return new;
end;
$$;
comment on function private.forget_departed_group_sender() is
  'Trigger: a message whose sender''s membership is gone shows "[former member]" and no handle.';

-- A membership that goes (with its account) takes its messages' stored broadcasts along: they carry its words and the
-- handles and names it wrote under, which the account deletion's search for account and membership ids cannot find.
create function private.erase_group_broadcasts_of_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from realtime.messages as r
  where r.topic = 'group:' || old.group_id
    and r.payload ->> 'id' in (select m.id::text from public.group_messages as m where m.sender_member_id = old.id);
  return old;
end;
$$;
comment on function private.erase_group_broadcasts_of_member() is
  'Trigger before a membership is deleted (account deletion): the stored Realtime events of its messages go too.';
create trigger group_members_erase_broadcasts
  before delete on private.group_members
  for each row execute function private.erase_group_broadcasts_of_member();

-- Stored group events from before handles named members by membership id, beside names frozen by the previous
-- migration. Realtime delivered them when they were sent; the rows are its log, pruned by the platform anyway.
delete from realtime.messages as r
where r.topic ~ '^group:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' and r.payload ? 'sender_member_id';

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
    'id', new.id, 'group_id', new.group_id, 'sender_member_id', new.sender_handle, 'sender_name', new.sender_name,
    'content', new.content, 'created_at', new.created_at, 'edited_at', new.edited_at, 'pinned', new.pinned_at is not null,
    'deleted', new.deleted_at is not null or new.removed_at is not null), event, 'group:' || new.group_id, true);
  return null;
end;
$$;
comment on function private.broadcast_group_message() is
  'Trigger on group_messages: new, edited, deleted/removed and pinned messages on group:<id>, the sender by the handle and name stored with the message. No account or membership ids.';

-- The API ---------------------------------------------------------------------------------------------------------------

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
           -- Members whose showActivity is off are counted online but never shown as such.
           m.last_seen_at > now() - interval '2 minutes' and coalesce((select p.show_activity from public.profiles as p where p.id = m.user_id), false),
           m.user_id = auth.uid()
    from private.group_members as m
    join private.group_member_identities(list_group_members.group_id) as i on i.membership_id = m.id
    where m.group_id = list_group_members.group_id and m.status = 'active'
      -- A new identity appears to others when its card is listed (the next full hour), with everyone else's.
      and (i.listed or m.user_id = auth.uid())
    -- By what is shown, never by joining order: a place carries nothing across a switch of handle.
    order by m.role desc, i.name, i.handle;
end;
$$;
comment on function public.list_group_members(uuid) is
  'Members of a group the caller belongs to: member_id (the member''s current handle), name as shown in the group, role, online (honouring showActivity), is_me; ordered by role, name and handle. A member''s new identity is listed to others from the hour its card is. Never an account or membership id.';

create or replace function public.list_group_messages(group_id uuid, page_size integer default 50, before_created_at timestamptz default null, before_id uuid default null)
returns table (
  id uuid, sender_member_id uuid, sender_name text, is_mine boolean, content text, created_at timestamptz,
  edited_at timestamptz, deleted boolean, pinned boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  my_member uuid := (select m.id from private.group_members as m
                     where m.group_id = list_group_messages.group_id and m.user_id = auth.uid() and m.status = 'active');
begin
  if my_member is null then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
  perform private.check_page_size(page_size, 100);
  perform private.check_keyset_cursor(before_created_at, before_id);
  return query
    select m.id, m.sender_handle, m.sender_name, coalesce(m.sender_member_id = my_member, false),
           m.content, m.created_at, m.edited_at, m.deleted_at is not null or m.removed_at is not null, m.pinned_at is not null
    from public.group_messages as m
    where m.group_id = list_group_messages.group_id
      and (before_created_at is null or (m.created_at, m.id) < (before_created_at, before_id))
    order by m.created_at desc, m.id desc
    limit page_size;
end;
$$;
comment on function public.list_group_messages(uuid, integer, timestamptz, uuid) is
  'GET /groups/:id/messages: active members only (404 otherwise); newest first; keyset pages via the last row''s created_at and id. sender_member_id is the handle the sender wrote under, sender_name the name; is_mine from the internal sender. Security definer: the internal sender is not readable by members.';

-- A message as its sender is answered: the handle as sender_member_id, never the membership.
create function private.group_message_json(message public.group_messages)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select (to_jsonb(message) - 'sender_member_id' - 'sender_handle') || jsonb_build_object('sender_member_id', message.sender_handle);
$$;
comment on function private.group_message_json(public.group_messages) is
  'A group message as answered to its sender: its columns, the sender as the handle it was written under (sender_member_id).';

-- (public.send_group_message: as this change leaves it, in 20261202090100_group_identities_second_review.)
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
    return jsonb_build_object('status', existing.status, 'memberId', private.group_member_handle(existing));
  end if;
  if target.privacy = 'public' and target.member_cap is not null and target.member_count >= target.member_cap then
    raise exception 'This group is full' using errcode = 'PT409';
  end if;
  -- A returning member gets their membership back, with any mute still running; a newcomer a new one.
  insert into private.group_members as m (group_id, user_id, status, use_display_name, joined_at)
  values (target.id, auth.uid(), (case when target.privacy = 'public' then 'active' else 'pending' end)::public.group_member_status,
          coalesce(join_group.use_display_name, false),
          case when target.privacy = 'public' then now() end)
  on conflict on constraint group_members_group_id_user_id_key do update
    set status = excluded.status, role = 'member', use_display_name = excluded.use_display_name, joined_at = excluded.joined_at,
        requested_at = now()
  returning * into existing;
  return jsonb_build_object('status', existing.status, 'memberId', private.group_member_handle(existing));
end;
$$;
comment on function public.join_group(uuid, boolean) is
  'POST /groups/:id/join: active at once in a public group, pending (a join request) in a private one; idempotent; 403 when banned, 409 when full; a running mute survives leaving and rejoining. memberId is the member''s current handle.';

-- (public.moderate_group_member: as this change leaves it, in 20261202090100_group_identities_second_review.)
-- The person's own export: their memberships by their current handle and pseudonym, their messages with the handle
-- and name each was written under.
-- (private.export_groups: as this change leaves it, in 20261202080500_group_session_hosts.)
comment on column private.group_members.alias is
  'The pseudonym of messages written before handles (20261202080100), which keep it. Never shown for anything newer: the pseudonym now goes with the handle (private.group_alias_of).';
comment on table private.group_members is
  'Membership (internal id, role, status: pending, active, banned, left; mute, heartbeat). Others know a member by a handle derived from it and the person''s public identity (private.group_member_identity), never by its id. Kept when a member leaves, so their messages stay theirs (and go with their account). user_id is never readable through the API.';

revoke execute on all functions in schema private from public;
-- list_group_messages no longer reads names as the caller.
revoke execute on function private.group_sender_name(uuid) from authenticated;
