-- Roles: the custom access token hook that carries a person's role into their JWT, and the admin RPCs that change
-- roles, deactivate accounts and read what moderation needs. Every admin action lands in public.audit_log.
--
-- Security definer functions in this migration, and why:
--   private.custom_access_token_hook  no: runs as supabase_auth_admin, which is granted exactly what it reads.
--   public.set_user_role              yes: admins change another person's row, which RLS and grants keep from them.
--   public.set_account_active         yes: as above.
--   public.moderation_profiles        yes: reads other people's profiles and auth.users; admins only, every call audited.
-- Moderation reads are an RPC rather than a view: PostgREST runs GET requests in read-only transactions, so a view
-- could not record who read it. Studio (project operators, connected as postgres) reads the tables directly.

-- Supabase Auth calls this before issuing every access token (config.toml: [auth.hook.custom_access_token]).
-- The role goes into app_metadata.user_role: app_metadata is the part of the token only the server writes, and the
-- top-level `role` claim must stay the Postgres role (authenticated). Policies do not trust it (private.caller_role
-- reads the table); the frontend and functions use it to choose what to show.
create function private.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  claims jsonb := coalesce(event -> 'claims', '{}');
  user_role public.app_role;
begin
  select p.role into user_role
  from public.profiles as p
  where p.id = (event ->> 'user_id')::uuid and p.is_active;
  claims := jsonb_set(
    claims, '{app_metadata}',
    coalesce(claims -> 'app_metadata', '{}') || jsonb_build_object('user_role', coalesce(user_role, 'client'))
  );
  return jsonb_set(event, '{claims}', claims);
end;
$$;
comment on function private.custom_access_token_hook(jsonb) is
  'Supabase Auth custom access token hook: adds app_metadata.user_role (client for deactivated or unknown accounts). Executable by supabase_auth_admin only.';

grant usage on schema private to supabase_auth_admin;
grant execute on function private.custom_access_token_hook(jsonb) to supabase_auth_admin;
grant select (id, role, is_active) on table public.profiles to supabase_auth_admin;
create policy profiles_select_auth_admin on public.profiles
  for select to supabase_auth_admin
  using (true);

-- The check every admin-only RPC starts with.
create function private.require_admin()
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if (select private.caller_role()) is distinct from 'admin' then
    raise exception 'Only admins can do this' using errcode = 'PT403';
  end if;
end;
$$;
comment on function private.require_admin() is 'Raises 403 unless the caller is an active admin.';

-- The checks every account-changing admin RPC starts with: the caller is the service role (server code), or an active admin who is
-- not acting on themselves (an admin cannot demote or lock out their own account, so someone is always left to undo
-- a mistake).
create function private.require_admin_acting_on_other(target_id uuid)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if auth.jwt() ->> 'role' = 'service_role' then
    return;
  end if;
  perform private.require_admin();
  if target_id = auth.uid() then
    raise exception 'Admins cannot change their own role or active flag' using errcode = 'PT403';
  end if;
end;
$$;
comment on function private.require_admin_acting_on_other(uuid) is 'Raises 403 unless the caller is the service role or an active admin acting on another account.';

create function public.set_user_role(user_id uuid, new_role public.app_role)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin_acting_on_other(set_user_role.user_id);
  if new_role is null then
    raise exception 'new_role is required' using errcode = 'PT400';
  end if;
  update public.profiles as p set role = set_user_role.new_role where p.id = set_user_role.user_id;
  if not found then
    raise exception 'No such account' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.set_user_role(uuid, public.app_role) is
  'Admins (or the service role) only: changes another account''s role (audited as role_changed). Policies see it at once; the token at its next refresh.';

create function public.set_account_active(user_id uuid, active boolean)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin_acting_on_other(set_account_active.user_id);
  if active is null then
    raise exception 'active is required' using errcode = 'PT400';
  end if;
  update public.profiles as p set is_active = set_account_active.active where p.id = set_account_active.user_id;
  if not found then
    raise exception 'No such account' using errcode = 'PT404';
  end if;
  -- Supabase Auth's ban: no new sign-in or token refresh while deactivated, so existing sessions end within an hour.
  update auth.users as u set banned_until = case when set_account_active.active then null else 'infinity'::timestamptz end
  where u.id = set_account_active.user_id;
end;
$$;
comment on function public.set_account_active(uuid, boolean) is
  'Admins (or the service role) only: deactivates (no public card, no role in policies, banned in Supabase Auth) or reactivates another account (audited).';

create function public.moderation_profiles(
  search text default null,
  role_filter public.app_role default null,
  page_size integer default 50,
  after_id uuid default null
)
returns table (
  id uuid,
  email text,
  first_name text,
  last_name text,
  role public.app_role,
  is_active boolean,
  is_anonymous boolean,
  created_at timestamptz,
  last_sign_in_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  perform private.check_page_size(page_size, 200);
  perform private.write_audit('moderation_read', null, jsonb_build_object(
    'view', 'moderation_profiles', 'search', search, 'role_filter', role_filter, 'after_id', after_id, 'page_size', page_size
  ));
  return query
    select p.id, p.email, p.first_name, p.last_name, p.role, p.is_active, p.is_anonymous, p.created_at, u.last_sign_in_at
    from public.profiles as p
    join auth.users as u on u.id = p.id
    where (role_filter is null or p.role = role_filter)
      and (search is null or p.email ilike '%' || search || '%' or p.display_name ilike '%' || search || '%')
      and (after_id is null or p.id > after_id)
    order by p.id
    limit page_size;
end;
$$;
comment on function public.moderation_profiles(text, public.app_role, integer, uuid) is
  'Admins only, every call audited (moderation_read): accounts with what moderation needs (names, email, role, status, last sign-in), never health data, privacy-hidden fields, bios or avatars. Keyset paging by id.';

revoke execute on all functions in schema private from public;
revoke execute on function public.set_user_role(uuid, public.app_role) from public, anon;
revoke execute on function public.set_account_active(uuid, boolean) from public, anon;
revoke execute on function public.moderation_profiles(text, public.app_role, integer, uuid) from public, anon;
grant execute on function public.set_user_role(uuid, public.app_role) to authenticated, service_role;
grant execute on function public.set_account_active(uuid, boolean) to authenticated, service_role;
grant execute on function public.moderation_profiles(text, public.app_role, integer, uuid) to authenticated;
