-- Scheduled live sessions of a group: title, start, duration, host. The seed's nextSession is the next session that
-- has not ended; members RSVP. Hosts are the group's moderators; sessions are visible to members.

create table public.group_sessions (
  id uuid primary key default gen_random_uuid(),
  group_id uuid not null references public.support_groups (id) on delete cascade,
  title text not null,
  starts_at timestamptz not null,
  duration_minutes integer not null default 60,
  host_member_id uuid references private.group_members (id) on delete set null,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  constraint group_sessions_title_length_check check (char_length(btrim(title)) between 3 and 120),
  constraint group_sessions_duration_check check (duration_minutes between 15 and 240)
);
comment on table public.group_sessions is 'Live sessions scheduled in a group. Members read them; the group''s moderators schedule and cancel them.';
comment on column public.group_sessions.host_member_id is 'The hosting member (a moderator), by member id.';
create index group_sessions_group_id_starts_at_idx on public.group_sessions (group_id, starts_at);
create index group_sessions_host_member_id_idx on public.group_sessions (host_member_id);

create table private.group_session_rsvps (
  session_id uuid not null references public.group_sessions (id) on delete cascade,
  member_id uuid not null references private.group_members (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (session_id, member_id)
);
comment on table private.group_session_rsvps is 'Members who said they will attend a session.';
create index group_session_rsvps_member_id_idx on private.group_session_rsvps (member_id);
alter table private.group_session_rsvps enable row level security;

alter table public.group_sessions enable row level security;
revoke all on table public.group_sessions from anon, authenticated;
grant select on table public.group_sessions to authenticated;
create policy group_sessions_select_members on public.group_sessions
  for select to authenticated using (group_id in (select private.group_ids_of_caller()));

-- Moderators schedule and cancel. security definer: the host is the caller's membership (private).
create function public.schedule_group_session(group_id uuid, title text, starts_at timestamptz, duration_minutes integer default 60)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  session_id uuid;
begin
  if not private.caller_moderates_group(schedule_group_session.group_id) then
    raise exception 'Only this group''s moderators can do this' using errcode = 'PT403';
  end if;
  if starts_at is null or starts_at < now() then
    raise exception 'A session starts in the future' using errcode = 'PT400';
  end if;
  insert into public.group_sessions (group_id, title, starts_at, duration_minutes, host_member_id)
  values (schedule_group_session.group_id, btrim(title), starts_at, coalesce(duration_minutes, 60),
          (select m.id from private.group_members as m where m.group_id = schedule_group_session.group_id and m.user_id = auth.uid()))
  returning id into session_id;
  return session_id;
end;
$$;
comment on function public.schedule_group_session(uuid, text, timestamptz, integer) is 'The group''s moderators (or admins) schedule a session; returns its id.';

-- RSVP (attending true) or withdraw (false); idempotent. security definer: RSVPs are private.
create function public.rsvp_group_session(session_id uuid, attending boolean default true)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.group_sessions;
  member uuid;
begin
  select s.* into target from public.group_sessions as s where s.id = session_id;
  member := (select m.id from private.group_members as m where m.group_id = target.group_id and m.user_id = auth.uid() and m.status = 'active');
  if target.id is null or member is null then
    raise exception 'No such session' using errcode = 'PT404';
  end if;
  if target.cancelled_at is not null or target.starts_at + make_interval(mins => target.duration_minutes) < now() then
    raise exception 'This session is over or cancelled' using errcode = 'PT409';
  end if;
  if attending then
    insert into private.group_session_rsvps (session_id, member_id) values (target.id, member) on conflict do nothing;
  else
    delete from private.group_session_rsvps as r where r.session_id = target.id and r.member_id = member;
  end if;
  return (select count(*)::integer from private.group_session_rsvps as r where r.session_id = target.id);
end;
$$;
comment on function public.rsvp_group_session(uuid, boolean) is 'Members say they will attend a session (or withdraw); returns how many attend.';

-- The seed's nextSession: the next session of a group that has not ended and is not cancelled.
create function private.next_group_session(group_id uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select min(s.starts_at) from public.group_sessions as s
  where s.group_id = next_group_session.group_id and s.cancelled_at is null
    and s.starts_at + make_interval(mins => s.duration_minutes) > now();
$$;
comment on function private.next_group_session(uuid) is 'Start of the next session of the group that has not ended (null when none).';

revoke execute on all functions in schema private from public;
grant execute on function private.next_group_session(uuid) to authenticated;
revoke execute on function public.schedule_group_session(uuid, text, timestamptz, integer) from public, anon;
revoke execute on function public.rsvp_group_session(uuid, boolean) from public, anon;
grant execute on function public.schedule_group_session(uuid, text, timestamptz, integer) to authenticated;
grant execute on function public.rsvp_group_session(uuid, boolean) to authenticated;
