-- Profiles: one row per auth user with every field of the seed's User, its privacy settings and the person's role,
-- created by the database in the same transaction as the auth.users row and deleted with it.
-- * The owner reads and edits their own row (RLS + column grants); nobody else reads it: other people see the
--   privacy-masked card in public.public_profiles (next migration).
-- * role, is_active, email, is_anonymous, pseudonym and avatar_path are managed: the column grants leave them out of
--   every API write. Admins change role and is_active through audited RPCs (roles migration); Supabase Auth's
--   changes reach email and is_anonymous through a trigger; the avatars trigger keeps avatar_path.
-- * private.caller_role() is the one helper policies use to ask for the caller's role. It reads this table, not
--   the token: a demotion takes effect on the next statement instead of when the token expires, and a forged
--   app_metadata claim changes nothing. The token carries the role too (access token hook) for the frontend.

create type public.app_role as enum ('client', 'therapist', 'admin');
comment on type public.app_role is 'What a person is on HealSpace: client (default), therapist, admin.';

-- Limits shared by the table's checks and the sign-up trigger, so sign-up can drop a bad value instead of failing.
create function private.texts_within(items text[], max_items integer, max_length integer)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select cardinality(items) <= max_items
     and not exists (select 1 from unnest(items) as item where item is null or char_length(btrim(item)) not between 1 and max_length);
$$;
comment on function private.texts_within(text[], integer, integer) is
  'True when the array has at most max_items entries, each non-blank and at most max_length characters.';
-- Check constraints run their functions with the writer's rights.
grant execute on function private.texts_within(text[], integer, integer) to authenticated, service_role;

-- An IANA zone name such as Europe/Lisbon (not an abbreviation or a POSIX offset, whose meaning surprises people).
create function private.is_time_zone(name text)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  if name is null or name !~ '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$' then
    return false;
  end if;
  perform now() at time zone name;
  return true;
exception when invalid_parameter_value then
  return false;
end;
$$;
comment on function private.is_time_zone(text) is 'True for a time zone name Postgres knows, in IANA form (Area/City) or UTC.';
grant execute on function private.is_time_zone(text) to authenticated, service_role;

create function private.new_pseudonym()
returns text
language sql
volatile
set search_path = ''
as $$
  select 'Anonymous ' ||
    (array['Calm', 'Gentle', 'Brave', 'Quiet', 'Kind', 'Bright', 'Steady', 'Warm', 'Hopeful', 'Patient',
           'Curious', 'Honest', 'Mellow', 'Serene', 'Cheerful', 'Thoughtful'])[1 + floor(random() * 16)::int] || ' ' ||
    (array['Heron', 'Otter', 'Willow', 'Fox', 'Sparrow', 'Maple', 'River', 'Robin', 'Cedar', 'Dolphin', 'Finch',
           'Aspen', 'Lynx', 'Harbor', 'Meadow', 'Owl'])[1 + floor(random() * 16)::int] || ' #' ||
    lpad((floor(random() * 10000))::int::text, 4, '0');
$$;
comment on function private.new_pseudonym() is
  'A random pseudonym such as "Anonymous Quiet Heron #2847". Random, not derived from the user id, so it cannot be linked back to the account.';

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  first_name text,
  last_name text,
  display_name text generated always as (nullif(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '')) stored,
  phone text,
  date_of_birth date,
  location text,
  occupation text,
  bio text,
  interests text[] not null default '{}',
  time_zone text not null default 'UTC',
  avatar_path text,
  is_anonymous boolean not null default false,
  is_active boolean not null default true,
  role public.app_role not null default 'client',
  pseudonym text not null default private.new_pseudonym(),
  public_id uuid not null default gen_random_uuid(),
  hide_date_of_birth boolean not null default true,
  hide_phone boolean not null default true,
  hide_location boolean not null default true,
  hide_occupation boolean not null default false,
  hide_interests boolean not null default false,
  anonymous_mode boolean not null default false,
  show_activity boolean not null default true,
  allow_messages boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_first_name_length_check check (char_length(btrim(first_name)) between 1 and 80),
  constraint profiles_last_name_length_check check (char_length(btrim(last_name)) between 1 and 80),
  constraint profiles_phone_format_check check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  -- current_date only moves forward, so a row that passes this check passes it forever (safe in a check).
  constraint profiles_date_of_birth_range_check check (date_of_birth between date '1900-01-01' and current_date),
  constraint profiles_location_length_check check (char_length(btrim(location)) between 1 and 120),
  constraint profiles_occupation_length_check check (char_length(btrim(occupation)) between 1 and 120),
  constraint profiles_bio_length_check check (char_length(bio) <= 2000),
  constraint profiles_interests_check check (private.texts_within(interests, 20, 40)),
  constraint profiles_time_zone_check check (private.is_time_zone(time_zone)),
  constraint profiles_avatar_path_own_folder_check check (avatar_path like id::text || '/%')
);
comment on table public.profiles is
  'One profile per auth user (the seed''s User), created by a trigger on auth.users and deleted with it. Personal data: readable and editable by its owner only; others see public.public_profiles.';
comment on column public.profiles.id is 'The auth.users id of the person.';
comment on column public.profiles.email is 'Copy of auth.users.email, kept in sync by the database. Personal data; never shown to others; not editable here (change it through Supabase Auth).';
comment on column public.profiles.first_name is 'Personal data. Shown to others unless anonymous_mode.';
comment on column public.profiles.last_name is 'Personal data. Shown to others unless anonymous_mode.';
comment on column public.profiles.display_name is 'First and last name joined; derived.';
comment on column public.profiles.phone is 'E.164 phone number. Personal data; shown to others only when hide_phone is off.';
comment on column public.profiles.date_of_birth is 'Sensitive personal data; shown to others only when hide_date_of_birth is off.';
comment on column public.profiles.location is 'Personal data; shown to others only when hide_location is off.';
comment on column public.profiles.occupation is 'Personal data; shown to others only when hide_occupation is off.';
comment on column public.profiles.bio is 'Free text the person wrote about themselves; may contain health information.';
comment on column public.profiles.interests is 'Up to 20 short interests; shown to others only when hide_interests is off.';
comment on column public.profiles.time_zone is 'IANA time zone (e.g. Europe/Lisbon): decides the person''s calendar day for mood entries, streaks and statistics. From sign-up metadata timeZone, else UTC.';
comment on column public.profiles.avatar_path is 'Object name of the current profile picture in the avatars bucket, always under the owner''s folder; maintained by the avatars trigger on storage.objects.';
comment on column public.profiles.is_anonymous is 'The seed''s isAnonymous: true while the account is a Supabase anonymous sign-in (no email); mirrors auth.users.is_anonymous.';
comment on column public.profiles.is_active is 'False when an admin deactivated the account: hidden from others. Only admins change it.';
comment on column public.profiles.role is 'client, therapist or admin. Only admins and the service role change it; carried into the access token by the hook.';
comment on column public.profiles.pseudonym is 'Random pseudonym shown instead of the name in anonymous mode; stable while anonymous mode stays on, drawn anew each time it is turned on.';
comment on column public.profiles.public_id is 'The id others know this person''s public card by. Random, never the account id, and drawn anew whenever anonymous mode changes, so a named card and an anonymous one cannot be linked.';
comment on column public.profiles.hide_date_of_birth is 'Privacy (hideDateOfBirth): hide the date of birth from others. On by default.';
comment on column public.profiles.hide_phone is 'Privacy (hidePhone): hide the phone from others. On by default.';
comment on column public.profiles.hide_location is 'Privacy (hideLocation): hide the location from others. On by default.';
comment on column public.profiles.hide_occupation is 'Privacy (hideOccupation): hide the occupation from others.';
comment on column public.profiles.hide_interests is 'Privacy (hideInterests): hide the interests from others.';
comment on column public.profiles.anonymous_mode is 'Privacy (anonymousMode): others see the pseudonym instead of the name, and no avatar, phone, date of birth, location or occupation. Set at sign-up by the seed''s "anonymous" choice.';
comment on column public.profiles.show_activity is 'Privacy (showActivity): whether others may see when the person is online.';
comment on column public.profiles.allow_messages is 'Privacy (allowMessages): whether others may start a direct conversation.';
comment on column public.profiles.created_at is 'When the account was created.';
comment on column public.profiles.updated_at is 'Last change, maintained by profiles_set_updated_at.';

-- Serves the moderation listing filtered by role (most people are clients, so only the others are indexed).
create index profiles_role_idx on public.profiles (role) where role <> 'client';

alter table public.profiles enable row level security;

-- Supabase's default privileges grant everything to the API roles; take it back and grant what is used.
revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant update (
  first_name, last_name, phone, date_of_birth, location, occupation, bio, interests, time_zone,
  hide_date_of_birth, hide_phone, hide_location, hide_occupation, hide_interests, anonymous_mode, show_activity,
  allow_messages
) on table public.profiles to authenticated;

-- security definer: policies of other tables ask for the caller's role, and the caller may not be able to read
-- public.profiles under those policies' conditions; the lookup is by primary key and runs once per statement.
create function private.caller_role()
returns public.app_role
language sql
stable
security definer
set search_path = ''
as $$
  select p.role from public.profiles as p where p.id = auth.uid() and p.is_active;
$$;
comment on function private.caller_role() is
  'The caller''s role from public.profiles (null for anon, the service role and deactivated accounts). Use as (select private.caller_role()) in policies.';
grant execute on function private.caller_role() to authenticated, service_role;

create policy profiles_select_own on public.profiles
  for select to authenticated
  using (id = (select auth.uid()));

create policy profiles_update_own on public.profiles
  for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

-- Switching anonymous mode either way starts a new public identity: a new public id, and a new pseudonym when it
-- turns on. Otherwise someone who saw the named card could recognise the anonymous one by its id or pseudonym.
create function private.rotate_public_identity()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.public_id := gen_random_uuid();
  if new.anonymous_mode then
    new.pseudonym := private.new_pseudonym();
  end if;
  return new;
end;
$$;
comment on function private.rotate_public_identity() is 'Trigger: a new public_id (and pseudonym, when turning anonymous) whenever anonymous_mode changes.';
grant execute on function private.new_pseudonym() to authenticated, service_role;

create trigger profiles_rotate_public_identity
  before update of anonymous_mode on public.profiles
  for each row when (old.anonymous_mode is distinct from new.anonymous_mode)
  execute function private.rotate_public_identity();

-- A metadata value only when it is a JSON string: `->>` would also turn numbers and objects into text.
create function private.jsonb_string(document jsonb, key text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when jsonb_typeof(document -> key) = 'string' then btrim(document ->> key) end;
$$;
comment on function private.jsonb_string(jsonb, text) is 'The trimmed value of a key when it holds a JSON string, else null.';

-- Sign-up: the profile is created from the user metadata in the same transaction as the auth.users row.
-- security definer: Supabase Auth inserts as supabase_auth_admin, which has no grant on public.profiles.
create function private.create_profile_for_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  metadata jsonb := case when jsonb_typeof(new.raw_user_meta_data) = 'object' then new.raw_user_meta_data else '{}' end;
  full_name text := coalesce(private.jsonb_string(metadata, 'full_name'), private.jsonb_string(metadata, 'name'), '');
  first_name text;
  last_name text;
  phone text;
  date_of_birth date;
  time_zone text;
  wants_anonymity boolean;
begin
  begin
    -- Email sign-up sends the seed's firstName/lastName (and the app its timeZone); Google and GitHub send full_name.
    first_name := coalesce(private.jsonb_string(metadata, 'firstName'), private.jsonb_string(metadata, 'first_name'),
                           private.jsonb_string(metadata, 'given_name'), nullif(split_part(full_name, ' ', 1), ''));
    last_name := coalesce(private.jsonb_string(metadata, 'lastName'), private.jsonb_string(metadata, 'last_name'),
                          private.jsonb_string(metadata, 'family_name'),
                          nullif(btrim(substr(full_name, char_length(split_part(full_name, ' ', 1)) + 1)), ''));
    first_name := case when char_length(first_name) between 1 and 80 then first_name end;
    last_name := case when char_length(last_name) between 1 and 80 then last_name end;
    phone := private.jsonb_string(metadata, 'phone');
    phone := case when phone ~ '^\+[1-9][0-9]{6,14}$' then phone end;
    if private.jsonb_string(metadata, 'dateOfBirth') ~ '^\d{4}-\d{2}-\d{2}$' then
      begin
        date_of_birth := private.jsonb_string(metadata, 'dateOfBirth')::date;
        if date_of_birth < date '1900-01-01' or date_of_birth > current_date then
          date_of_birth := null;
        end if;
      exception when others then
        date_of_birth := null; -- e.g. 1990-02-30
      end;
    end if;
    time_zone := private.jsonb_string(metadata, 'timeZone');
    time_zone := case when private.is_time_zone(time_zone) then time_zone else 'UTC' end;
    wants_anonymity := coalesce(new.is_anonymous, false)
      or coalesce(jsonb_typeof(metadata -> 'anonymous') = 'boolean' and (metadata -> 'anonymous')::boolean, false);

    insert into public.profiles (id, email, first_name, last_name, phone, date_of_birth, time_zone, is_anonymous, anonymous_mode)
    values (new.id, new.email, first_name, last_name, phone, date_of_birth, time_zone, coalesce(new.is_anonymous, false), wants_anonymity)
    on conflict (id) do nothing;
  exception when others then
    -- Metadata we did not foresee must never cost the person their account: keep the profile, drop the details.
    raise warning 'profile metadata for user % was not usable (%): created a bare profile', new.id, sqlstate;
    insert into public.profiles (id, email, is_anonymous, anonymous_mode)
    values (new.id, new.email, coalesce(new.is_anonymous, false), coalesce(new.is_anonymous, false))
    on conflict (id) do nothing;
  end;
  return new;
end;
$$;
comment on function private.create_profile_for_new_user() is
  'Trigger on auth.users: creates the profile in the sign-up transaction from validated metadata; unusable values are dropped, never fatal. Security definer because Supabase Auth inserts as supabase_auth_admin.';

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.create_profile_for_new_user();

-- Email changes and the upgrade of an anonymous sign-in (updateUser with an email) keep the same id, so every row of
-- the person stays theirs; only the copies here follow.
-- security definer: Supabase Auth updates as supabase_auth_admin.
create function private.sync_profile_from_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles as p
  set email = new.email, is_anonymous = coalesce(new.is_anonymous, false)
  where p.id = new.id and (p.email is distinct from new.email or p.is_anonymous is distinct from coalesce(new.is_anonymous, false));
  return new;
end;
$$;
comment on function private.sync_profile_from_auth_user() is
  'Trigger on auth.users: keeps profiles.email and is_anonymous in step with Supabase Auth (email change, anonymous upgrade). Security definer because Supabase Auth updates as supabase_auth_admin.';

create trigger on_auth_user_updated
  after update of email, is_anonymous on auth.users
  for each row execute function private.sync_profile_from_auth_user();

revoke execute on all functions in schema private from public;
