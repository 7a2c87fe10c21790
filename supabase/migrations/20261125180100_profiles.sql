-- Profiles: one row per auth user, created by the database in the same transaction as the auth.users row.
-- This is the foundation's minimal profile (display name and times), read by the `whoami` function through RLS;
-- the identity issue grows it into the full seed User.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_display_name_length_check check (char_length(display_name) between 1 and 80)
);
comment on table public.profiles is
  'One profile per auth user, created by a trigger on auth.users and deleted with it. Personal data: readable by its owner only.';
comment on column public.profiles.id is 'The auth.users id of the person this profile belongs to.';
comment on column public.profiles.display_name is
  'Name shown to the person themselves; personal data. Null when sign-up gave none (anonymous sign-ins).';
comment on column public.profiles.created_at is 'When the account was created.';
comment on column public.profiles.updated_at is 'Last change, maintained by profiles_set_updated_at.';

alter table public.profiles enable row level security;

-- Supabase's default privileges grant everything to the API roles; take it back and grant what is used.
revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;

create policy profiles_select_own on public.profiles
  for select to authenticated
  using (id = (select auth.uid()));

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

-- security definer: runs as the table owner because the inserting role (supabase_auth_admin) has no grant on
-- public.profiles; search_path is empty and every name is qualified.
create function private.create_profile_for_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  metadata jsonb := case when jsonb_typeof(new.raw_user_meta_data) = 'object' then new.raw_user_meta_data else '{}' end;
  proposed_name text;
begin
  -- The first of these keys that holds a string; the seed's sign-up sends firstName.
  select btrim(entry.value #>> '{}') into proposed_name
  from jsonb_each(metadata) as entry
  where entry.key in ('display_name', 'firstName', 'first_name') and jsonb_typeof(entry.value) = 'string'
  order by array_position(array['display_name', 'firstName', 'first_name'], entry.key)
  limit 1;
  -- Bad or missing metadata must never break sign-up: an unusable name becomes null, a long one is cut.
  insert into public.profiles (id, display_name)
  values (new.id, nullif(left(coalesce(proposed_name, ''), 80), ''))
  on conflict (id) do nothing;
  return new;
end;
$$;
comment on function private.create_profile_for_new_user() is
  'Trigger on auth.users: creates the profile in the sign-up transaction. Security definer because Supabase Auth inserts as supabase_auth_admin.';

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.create_profile_for_new_user();

revoke execute on all functions in schema private from public;
