-- Support groups, first part (the seed's /groups, join and leave): curated categories, groups that therapists and
-- admins create and moderate, membership with join requests for private groups, member roles, mute and ban, an exact
-- member count, ranked typo-tolerant search, and an online count from a database-side heartbeat.
-- * Members are known to each other by a member id and a per-group pseudonym (or their public name when they choose
--   it and are not in anonymous mode); the account behind a member is in private.group_members.user_id, which no API
--   role may read.
-- * Who may create what: therapists and admins create groups and become their owner; owners and moderators moderate
--   their own group; admins may moderate any group. Unmoderated rooms are where peer-support services have seen harm.
--
-- Security definer functions in this migration, and why:
--   private.group_ids_of_caller / private.group_role_of_caller  policies and views ask them; group_members is private.
--   public.join_group, public.leave_group, public.moderate_group_member, public.group_heartbeat
--                                           write group_members, which no API role may write directly.
--   public.list_groups                      counts members online across the group (heartbeats of others).

create extension if not exists pg_trgm with schema extensions;

create table public.group_categories (
  id text primary key,
  name text not null,
  description text not null,
  sort_order integer not null
);
comment on table public.group_categories is 'The curated list of support group categories. Readable by signed-in users; maintained by migrations.';
alter table public.group_categories enable row level security;
revoke all on table public.group_categories from anon, authenticated;
grant select on table public.group_categories to authenticated;
create policy group_categories_select_signed_in on public.group_categories for select to authenticated using (true);
insert into public.group_categories (id, name, description, sort_order) values
  ('anxiety', 'Anxiety', 'Worry, panic and social anxiety', 10),
  ('depression', 'Depression', 'Low mood, motivation and getting through the day', 20),
  ('grief', 'Grief & Loss', 'Bereavement and other losses', 30),
  ('addiction-recovery', 'Addiction Recovery', 'Recovery from alcohol, drugs, gambling and other addictions', 40),
  ('lgbtq', 'LGBTQ+', 'A space for LGBTQ+ people and the questioning', 50),
  ('caregivers', 'Caregivers', 'Caring for someone who is ill, disabled or elderly', 60),
  ('students', 'Students', 'Exams, pressure and student life', 70),
  ('trauma', 'Trauma & PTSD', 'Living with trauma', 80),
  ('parenting', 'Parenting', 'Parenthood, postnatal mental health and family life', 90),
  ('chronic-illness', 'Chronic Illness', 'Living with long-term physical illness', 100),
  ('relationships', 'Relationships', 'Breakups, loneliness and connection', 110),
  ('general', 'General Wellbeing', 'Everything else', 120)
on conflict (id) do update set name = excluded.name, description = excluded.description, sort_order = excluded.sort_order;

create type public.group_privacy as enum ('public', 'private');
create type public.group_member_role as enum ('member', 'moderator', 'owner');
create type public.group_member_status as enum ('pending', 'active', 'banned', 'left');

create table public.support_groups (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text not null,
  category_id text not null references public.group_categories (id),
  privacy public.group_privacy not null default 'public',
  member_cap integer,
  member_count integer not null default 0,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search_vector tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, name), 'A') || setweight(to_tsvector('english'::regconfig, description), 'B')
  ) stored,
  constraint support_groups_name_length_check check (char_length(btrim(name)) between 3 and 80),
  constraint support_groups_description_length_check check (char_length(btrim(description)) between 1 and 2000),
  constraint support_groups_member_cap_check check (member_cap between 2 and 10000),
  constraint support_groups_member_count_check check (member_count >= 0 and (member_cap is null or member_count <= member_cap))
);
comment on table public.support_groups is 'Support groups (the seed''s SupportGroup). Listed to signed-in people; content for members only. member_count is maintained by the database.';
comment on column public.support_groups.member_count is 'Derived: active members, kept exact by a trigger on membership changes.';
comment on column public.support_groups.created_by is 'The therapist or admin who created the group. Not shown to members through the API.';
comment on column public.support_groups.search_vector is 'Generated: name (A) and description (B) for ranked search.';
create index support_groups_category_id_idx on public.support_groups (category_id);
create index support_groups_created_by_idx on public.support_groups (created_by);
create index support_groups_search_vector_idx on public.support_groups using gin (search_vector);
create index support_groups_name_trgm_idx on public.support_groups using gin (name extensions.gin_trgm_ops);

create table private.group_members (
  id uuid primary key default gen_random_uuid(),
  group_id uuid not null references public.support_groups (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.group_member_role not null default 'member',
  status public.group_member_status not null default 'active',
  alias text not null default 'Member #' || lpad((floor(random() * 10000))::int::text, 4, '0'),
  use_display_name boolean not null default false,
  muted_until timestamptz,
  last_seen_at timestamptz,
  requested_at timestamptz not null default now(),
  joined_at timestamptz,
  constraint group_members_group_id_user_id_key unique (group_id, user_id)
);
comment on table private.group_members is
  'Membership: member id, per-group alias, role, status (pending, active, banned, left), mute, heartbeat. Kept when a member leaves, so their messages stay theirs (and go with their account). user_id is never readable through the API.';
create index group_members_user_id_group_id_idx on private.group_members (user_id, group_id);
create index group_members_group_id_status_idx on private.group_members (group_id, status, last_seen_at);
alter table private.group_members enable row level security;

-- security definer: the caller's own memberships, for policies and views (group_members is private).
create function private.group_ids_of_caller(member_status public.group_member_status default 'active')
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.group_id from private.group_members as m where m.user_id = auth.uid() and m.status = member_status;
$$;
comment on function private.group_ids_of_caller(public.group_member_status) is 'Groups where the caller has the given membership status (active by default).';

create function private.group_role_of_caller(group_id uuid)
returns public.group_member_role
language sql
stable
security definer
set search_path = ''
as $$
  select m.role from private.group_members as m
  where m.group_id = group_role_of_caller.group_id and m.user_id = auth.uid() and m.status = 'active';
$$;
comment on function private.group_role_of_caller(uuid) is 'The caller''s role in a group, or null when not an active member.';

-- A moderator of this group, or an admin anywhere.
create function private.caller_moderates_group(group_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select coalesce(private.group_role_of_caller(group_id) in ('moderator', 'owner'), false)
      or (select private.caller_role()) is not distinct from 'admin';
$$;
comment on function private.caller_moderates_group(uuid) is 'True for the group''s owner and moderators, and for admins.';

alter table public.support_groups enable row level security;
revoke all on table public.support_groups from anon, authenticated;
grant select (id, name, description, category_id, privacy, member_cap, member_count, created_at, updated_at, search_vector)
  on table public.support_groups to authenticated;
grant insert (name, description, category_id, privacy, member_cap) on table public.support_groups to authenticated;
grant update (name, description, category_id, privacy, member_cap) on table public.support_groups to authenticated;

create policy support_groups_select_signed_in on public.support_groups
  for select to authenticated using ((select private.caller_may_browse_people()));
create policy support_groups_insert_therapists_admins on public.support_groups
  for insert to authenticated with check ((select private.caller_role()) in ('therapist', 'admin') and created_by = (select auth.uid()));
create policy support_groups_update_moderators on public.support_groups
  for update to authenticated using (private.caller_moderates_group(id)) with check (private.caller_moderates_group(id));

create trigger support_groups_set_updated_at before update on public.support_groups for each row execute function private.set_updated_at();

-- The creator owns the group. security definer: writes group_members.
create function private.make_creator_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.created_by is not null then
    insert into private.group_members (group_id, user_id, role, status, joined_at) values (new.id, new.created_by, 'owner', 'active', now());
  end if;
  return null;
end;
$$;
comment on function private.make_creator_owner() is 'Trigger on support_groups: the creator becomes the owner (an active member).';
create trigger support_groups_make_creator_owner after insert on public.support_groups for each row execute function private.make_creator_owner();

-- member_count is exact under concurrency: every change to an active membership updates the group row, and the row
-- lock serialises concurrent joins and leaves of one group. security definer: members cannot write groups.
create function private.count_group_members()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  delta integer := (case when tg_op in ('INSERT', 'UPDATE') and new.status = 'active' then 1 else 0 end)
                 - (case when tg_op in ('UPDATE', 'DELETE') and old.status = 'active' then 1 else 0 end);
begin
  if delta <> 0 then
    update public.support_groups as g set member_count = g.member_count + delta where g.id = coalesce(new.group_id, old.group_id);
  end if;
  return null;
end;
$$;
comment on function private.count_group_members() is 'Trigger on group_members: keeps support_groups.member_count equal to the active members (a full group refuses more by its check).';
create trigger group_members_count after insert or update of status or delete on private.group_members
  for each row execute function private.count_group_members();

-- How a member appears to the others: their pseudonym, or their public name when they chose it and are not in
-- anonymous mode (which forces the pseudonym).
create function private.group_member_name(member private.group_members)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case when member.use_display_name then coalesce(
    (select c.display_name from private.profile_cards as c where c.profile_id = member.user_id and not c.is_pseudonym), member.alias)
  else member.alias end;
$$;
comment on function private.group_member_name(private.group_members) is 'The name a member shows in a group: the pseudonym, or the public name if chosen and not in anonymous mode.';

-- The members of the groups the caller belongs to, as the other members see them.
create function public.list_group_members(group_id uuid)
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
    select m.id, private.group_member_name(m), m.role,
           -- Members whose showActivity is off are counted online but never shown as such.
           m.last_seen_at > now() - interval '2 minutes' and coalesce((select p.show_activity from public.profiles as p where p.id = m.user_id), false),
           m.user_id = auth.uid()
    from private.group_members as m
    where m.group_id = list_group_members.group_id and m.status = 'active'
    order by m.role desc, m.joined_at;
end;
$$;
comment on function public.list_group_members(uuid) is 'Members of a group the caller belongs to: member id, name as shown in the group, role, online (honouring showActivity). Never an account id.';

-- POST /groups/:id/join. Public groups: joined at once; private groups: a request for the moderators. Joining twice
-- is harmless; a banned person stays out; a full group says so.
create function public.join_group(group_id uuid, use_display_name boolean default false)
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
  -- A returning member gets their membership (and member id) back; a newcomer a new one.
  insert into private.group_members as m (group_id, user_id, status, use_display_name, joined_at)
  values (target.id, auth.uid(), (case when target.privacy = 'public' then 'active' else 'pending' end)::public.group_member_status,
          coalesce(join_group.use_display_name, false),
          case when target.privacy = 'public' then now() end)
  on conflict on constraint group_members_group_id_user_id_key do update
    set status = excluded.status, role = 'member', use_display_name = excluded.use_display_name, joined_at = excluded.joined_at,
        requested_at = now(), muted_until = null
  returning * into existing;
  return jsonb_build_object('status', existing.status, 'memberId', existing.id);
end;
$$;
comment on function public.join_group(uuid, boolean) is 'POST /groups/:id/join: active at once in a public group, pending (a join request) in a private one; idempotent; 403 when banned, 409 when full.';

-- DELETE /groups/:id/leave. Leaving twice is harmless; an owner hands the group over first.
create function public.leave_group(group_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  mine private.group_members;
begin
  -- The group row first, then the membership: the same order as joining and moderation, so they queue, never deadlock.
  perform 1 from public.support_groups as g where g.id = leave_group.group_id for update;
  select m.* into mine from private.group_members as m where m.group_id = leave_group.group_id and m.user_id = auth.uid() for update;
  if mine.id is null or mine.status in ('banned', 'left') then
    return jsonb_build_object('status', 'left');
  end if;
  if mine.role = 'owner' then
    raise exception 'Make another member owner (make_owner) before leaving' using errcode = 'PT409';
  end if;
  -- Kept as left, not deleted: the member's messages stay theirs, and go with their account if it is deleted.
  update private.group_members as m set status = 'left', role = 'member', last_seen_at = null where m.id = mine.id;
  return jsonb_build_object('status', 'left');
end;
$$;
comment on function public.leave_group(uuid) is 'DELETE /groups/:id/leave: idempotent; the owner must hand over ownership first (409).';

-- Moderation of members by the group's moderators (or admins): approve or decline requests, mute for a while,
-- ban and unban, promote to moderator or owner, demote.
create function public.moderate_group_member(group_id uuid, member_id uuid, action text, muted_until timestamptz default null)
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
      delete from private.group_members as m where m.id = target.id;
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
comment on function public.moderate_group_member(uuid, uuid, text, timestamptz) is
  'Group moderators (or admins): approve/decline join requests (within the cap), mute until a time, ban/unban; the owner (or an admin) also promotes, demotes and hands over ownership (make_owner). Moderators of other groups have no power here.';

-- The heartbeat behind onlineCount: the app calls it every minute while a group is open.
create function public.group_heartbeat(group_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.group_members as m set last_seen_at = now()
  where m.group_id = group_heartbeat.group_id and m.user_id = auth.uid() and m.status = 'active';
  if not found then
    raise exception 'No such group membership' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.group_heartbeat(uuid) is 'Marks the caller present in a group for the next 2 minutes (onlineCount).';

-- GET /groups: the seed's filters (category, search, joined) and fields, with joined and onlineCount for the caller.
-- Search is ranked and typo-tolerant: full-text matches rank first, then names that are merely similar (trigrams).
create function public.list_groups(
  category text default null,
  search text default null,
  is_joined boolean default null,
  page_size integer default 20,
  page_offset integer default 0
)
returns table (
  id uuid,
  name text,
  description text,
  category_id text,
  privacy public.group_privacy,
  member_count integer,
  online_count integer,
  next_session timestamptz,
  joined boolean,
  membership public.group_member_status,
  rank real
)
language plpgsql
stable
security definer
set search_path = ''
-- Typo tolerance: a name matches when some of its words resemble the search this much (pg_trgm's <% operator,
-- which the trigram index serves).
set pg_trgm.word_similarity_threshold = 0.3
-- Plan each call with its own arguments: a generic plan cannot drop the filters that are off (null), and would scan.
set plan_cache_mode = force_custom_plan
as $$
declare
  search_query tsquery;
  search_text text := nullif(btrim(search), '');
begin
  if not private.caller_may_browse_people() then
    raise exception 'Sign in with an account to browse groups' using errcode = 'PT403';
  end if;
  perform private.check_page_size(page_size, 100);
  if page_offset is null or page_offset < 0 then
    raise exception 'page_offset must not be negative' using errcode = 'PT400';
  end if;
  if search_text is not null then
    search_query := websearch_to_tsquery('english'::regconfig, search_text);
  end if;
  return query
    select g.id, g.name, g.description, g.category_id, g.privacy, g.member_count,
           -- Only members who show their activity: a count including the others would let anyone work them out.
           (select count(*)::integer from private.group_members as o
            join public.profiles as p on p.id = o.user_id and p.show_activity
            where o.group_id = g.id and o.status = 'active' and o.last_seen_at > now() - interval '2 minutes'),
           private.next_group_session(g.id),
           mine.status = 'active', mine.status,
           case when search_text is null then null
                else ts_rank(g.search_vector, search_query) + extensions.word_similarity(search_text, g.name) end::real
    from public.support_groups as g
    left join private.group_members as mine on mine.group_id = g.id and mine.user_id = auth.uid()
    where (list_groups.category is null or g.category_id = list_groups.category)
      and (search_text is null or g.search_vector @@ search_query or search_text operator(extensions.<%) g.name)
      and (is_joined is null or (coalesce(mine.status = 'active', false) = is_joined))
    order by case when search_text is null then null
                  else ts_rank(g.search_vector, search_query) + extensions.word_similarity(search_text, g.name) end desc nulls last,
             g.member_count desc, g.id
    limit page_size offset page_offset;
end;
$$;
comment on function public.list_groups(text, text, boolean, integer, integer) is
  'GET /groups: category, search (ranked full text plus trigram similarity on the name, so typos still find), is_joined (the seed''s joined); with the caller''s membership and the online count (heartbeats in the last 2 minutes).';

revoke execute on all functions in schema private from public;
grant execute on function private.group_ids_of_caller(public.group_member_status) to authenticated;
grant execute on function private.group_role_of_caller(uuid) to authenticated;
grant execute on function private.caller_moderates_group(uuid) to authenticated;
revoke execute on function public.list_group_members(uuid) from public, anon;
revoke execute on function public.join_group(uuid, boolean) from public, anon;
revoke execute on function public.leave_group(uuid) from public, anon;
revoke execute on function public.moderate_group_member(uuid, uuid, text, timestamptz) from public, anon;
revoke execute on function public.group_heartbeat(uuid) from public, anon;
revoke execute on function public.list_groups(text, text, boolean, integer, integer) from public, anon;
grant execute on function public.list_group_members(uuid) to authenticated;
grant execute on function public.join_group(uuid, boolean) to authenticated;
grant execute on function public.leave_group(uuid) to authenticated;
grant execute on function public.moderate_group_member(uuid, uuid, text, timestamptz) to authenticated;
grant execute on function public.group_heartbeat(uuid) to authenticated;
grant execute on function public.list_groups(text, text, boolean, integer, integer) to authenticated;
