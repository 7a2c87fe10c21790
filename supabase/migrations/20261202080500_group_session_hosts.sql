-- A session's host is shown by the handle they had in the group when they scheduled it, never by their membership
-- id (issue 14): group_sessions.host_member_id was the internal membership, the same across every name period of the
-- host, so members could pair the host's handles and names through it. The membership behind a session is kept in
-- private.group_session_hosts, for the host's export and their account's erasure.
--
-- Security definer functions in this migration, and why:
--   private.forget_session_host   runs when the host's membership goes (their account is deleted).
--   (the replaced functions keep their reasons)

create table private.group_session_hosts (
  session_id uuid primary key references public.group_sessions (id) on delete cascade,
  member_id uuid not null references private.group_members (id) on delete cascade
);
comment on table private.group_session_hosts is 'The membership that scheduled (hosts) a group session. Never readable through the API.';
create index group_session_hosts_member_id_idx on private.group_session_hosts (member_id);
alter table private.group_session_hosts enable row level security;

insert into private.group_session_hosts (session_id, member_id)
select s.id, s.host_member_id from public.group_sessions as s where s.host_member_id is not null;

alter table public.group_sessions drop constraint group_sessions_host_member_id_fkey;
drop index public.group_sessions_host_member_id_idx;
update public.group_sessions as s set host_member_id = i.handle
from private.group_members as m cross join lateral private.group_member_identity(m) as i
where m.id = s.host_member_id;
comment on column public.group_sessions.host_member_id is
  'The host''s member id (handle) in the group as it was when they scheduled the session; null once their account is gone.';

-- (public.schedule_group_session: as this change leaves it, in 20261202090100_group_identities_second_review.)
-- When the host's membership goes (their account is deleted), their sessions lose the title they wrote and their
-- handle, and the future ones are cancelled: what the erasure did through host_member_id before.
create function private.forget_session_host()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.group_sessions as s
  set title = 'Group session', host_member_id = null,
      -- Dated by the session's own creation, never the erasure's moment (the same in every group of the person).
      cancelled_at = case when s.starts_at > now() then coalesce(s.cancelled_at, s.created_at) else s.cancelled_at end
  where s.id = old.session_id;
  return old;
end;
$$;
comment on function private.forget_session_host() is 'Trigger: a session whose host''s membership is deleted loses its title and host, and is cancelled if still ahead.';
create trigger group_session_hosts_forget_host
  before delete on private.group_session_hosts
  for each row execute function private.forget_session_host();

create or replace function private.export_groups()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'groupMemberships', coalesce((
      select jsonb_agg(jsonb_build_object('memberId', i.handle, 'groupId', g.id, 'groupName', g.name, 'role', m.role, 'status', m.status,
                                          'alias', private.group_alias_of(i.handle), 'shownName', i.name,
                                          'useDisplayName', m.use_display_name, 'requestedAt', m.requested_at,
                                          'joinedAt', m.joined_at, 'mutedUntil', m.muted_until, 'lastSeenAt', m.last_seen_at)
                       order by m.requested_at)
      from private.group_members as m
      cross join lateral private.group_member_identity(m) as i
      join public.support_groups as g on g.id = m.group_id
      where m.user_id = auth.uid()), '[]'),
    'groupMessages', coalesce((
      select jsonb_agg(jsonb_build_object('id', gm.id, 'groupId', g.id, 'groupName', g.name, 'content', gm.content,
                                          'senderMemberId', gm.sender_handle, 'senderName', gm.sender_name,
                                          'createdAt', gm.created_at, 'editedAt', gm.edited_at, 'deletedAt', gm.deleted_at,
                                          'removedAt', gm.removed_at, 'pinnedAt', gm.pinned_at,
                                          'crisisFlagged', exists (select 1 from private.group_message_flags as f where f.message_id = gm.id))
                       order by gm.created_at, gm.id)
      from public.group_messages as gm
      join private.group_members as m on m.id = gm.sender_member_id
      join public.support_groups as g on g.id = gm.group_id
      where m.user_id = auth.uid()), '[]'),
    'groupSessionRsvps', coalesce((
      select jsonb_agg(jsonb_build_object('sessionId', s.id, 'groupId', g.id, 'groupName', g.name, 'title', s.title,
                                          'startsAt', s.starts_at, 'durationMinutes', s.duration_minutes,
                                          'cancelledAt', s.cancelled_at, 'rsvpAt', r.created_at) order by s.starts_at)
      from private.group_session_rsvps as r
      join private.group_members as m on m.id = r.member_id
      join public.group_sessions as s on s.id = r.session_id
      join public.support_groups as g on g.id = s.group_id
      where m.user_id = auth.uid()), '[]'),
    'groupSessionsHosted', coalesce((
      select jsonb_agg(jsonb_build_object('sessionId', s.id, 'groupId', g.id, 'groupName', g.name, 'title', s.title,
                                          'startsAt', s.starts_at, 'durationMinutes', s.duration_minutes,
                                          'cancelledAt', s.cancelled_at) order by s.starts_at)
      from public.group_sessions as s
      join private.group_session_hosts as h on h.session_id = s.id
      join private.group_members as m on m.id = h.member_id
      join public.support_groups as g on g.id = s.group_id
      where m.user_id = auth.uid()), '[]'),
    'groupsCreated', coalesce((
      select jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name, 'description', g.description, 'categoryId', g.category_id,
                                          'privacy', g.privacy, 'createdAt', g.created_at) order by g.created_at)
      from public.support_groups as g where g.created_by = auth.uid()), '[]'));
$$;

revoke execute on all functions in schema private from public;
