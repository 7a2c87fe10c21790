-- What others may see of a person, and the seed-shaped views of one's own profile and privacy settings.
-- * public.public_profiles is the only way to see someone else's profile. It is a table kept by the database from
--   public.profiles with the privacy settings already applied: hidden fields are stored as null, so no query, join,
--   filter or sort on it can reveal them (a view over profiles would need security definer rights, and a filter on a
--   hidden column could still leak it through the row count). Reading a page is a plain indexed read.
-- * Anonymous mode shows the stable pseudonym instead of the name and hides every identifying field: names, avatar,
--   phone, date of birth, location, occupation and bio. Interests follow hide_interests.
-- * Email is never copied. Deactivated accounts have no card.
-- * public.my_profile (GET /users/profile) and public.update_privacy_settings (PUT /users/privacy) serve the seed's
--   JSON shapes.

create table public.public_profiles (
  id uuid primary key references public.profiles (id) on delete cascade,
  display_name text not null,
  is_pseudonym boolean not null,
  first_name text,
  last_name text,
  avatar_path text,
  phone text,
  date_of_birth date,
  location text,
  occupation text,
  bio text,
  interests text[],
  is_therapist boolean not null,
  show_activity boolean not null,
  allow_messages boolean not null,
  updated_at timestamptz not null
);
comment on table public.public_profiles is
  'Privacy-masked profile cards, the only view of other people''s profiles. Maintained by the database from profiles; hidden fields are null here. Readable by signed-in users; written by nobody through the API.';
comment on column public.public_profiles.display_name is 'The name, or the pseudonym in anonymous mode (or when no name was given).';
comment on column public.public_profiles.is_pseudonym is 'True when display_name is the pseudonym.';
comment on column public.public_profiles.first_name is 'Null in anonymous mode.';
comment on column public.public_profiles.last_name is 'Null in anonymous mode.';
comment on column public.public_profiles.avatar_path is 'Object in the avatars bucket; null in anonymous mode. Its object is readable by signed-in users only while it is here.';
comment on column public.public_profiles.phone is 'Null when hide_phone or anonymous mode.';
comment on column public.public_profiles.date_of_birth is 'Null when hide_date_of_birth or anonymous mode.';
comment on column public.public_profiles.location is 'Null when hide_location or anonymous mode.';
comment on column public.public_profiles.occupation is 'Null when hide_occupation or anonymous mode.';
comment on column public.public_profiles.bio is 'Null in anonymous mode.';
comment on column public.public_profiles.interests is 'Null when hide_interests.';
comment on column public.public_profiles.is_therapist is 'Whether the person is a HealSpace therapist.';
comment on column public.public_profiles.show_activity is 'Whether others may see when the person is online.';
comment on column public.public_profiles.allow_messages is 'Whether others may start a direct conversation.';
comment on column public.public_profiles.updated_at is 'When the card last changed.';

create index public_profiles_display_name_id_idx on public.public_profiles (display_name, id);
create index public_profiles_avatar_path_idx on public.public_profiles (avatar_path) where avatar_path is not null;

alter table public.public_profiles enable row level security;
revoke all on table public.public_profiles from anon, authenticated;
grant select on table public.public_profiles to authenticated;

-- Every signed-in person may read every card: the masking already happened when the card was written.
create policy public_profiles_select_signed_in on public.public_profiles
  for select to authenticated
  using (true);

-- security definer: runs after a change to profiles by its owner, who has no write access to public_profiles.
create function private.refresh_public_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  masked boolean := new.anonymous_mode or new.display_name is null;
  hidden boolean := new.anonymous_mode;
begin
  if not new.is_active then
    delete from public.public_profiles where id = new.id;
    return null;
  end if;
  insert into public.public_profiles as card (
    id, display_name, is_pseudonym, first_name, last_name, avatar_path, phone, date_of_birth, location, occupation,
    bio, interests, is_therapist, show_activity, allow_messages, updated_at
  )
  values (
    new.id,
    case when masked then new.pseudonym else new.display_name end,
    masked,
    case when not hidden then new.first_name end,
    case when not hidden then new.last_name end,
    case when not hidden then new.avatar_path end,
    case when not hidden and not new.hide_phone then new.phone end,
    case when not hidden and not new.hide_date_of_birth then new.date_of_birth end,
    case when not hidden and not new.hide_location then new.location end,
    case when not hidden and not new.hide_occupation then new.occupation end,
    case when not hidden then new.bio end,
    case when not new.hide_interests then new.interests end,
    new.role = 'therapist',
    new.show_activity,
    new.allow_messages,
    new.updated_at
  )
  on conflict (id) do update set
    display_name = excluded.display_name, is_pseudonym = excluded.is_pseudonym, first_name = excluded.first_name,
    last_name = excluded.last_name, avatar_path = excluded.avatar_path, phone = excluded.phone,
    date_of_birth = excluded.date_of_birth, location = excluded.location, occupation = excluded.occupation,
    bio = excluded.bio, interests = excluded.interests, is_therapist = excluded.is_therapist,
    show_activity = excluded.show_activity, allow_messages = excluded.allow_messages, updated_at = excluded.updated_at;
  return null;
end;
$$;
comment on function private.refresh_public_profile() is
  'Trigger on profiles: rewrites the person''s public card with their privacy settings applied (or removes it when deactivated). Security definer because owners cannot write public_profiles.';

create trigger profiles_refresh_public_profile
  after insert or update on public.profiles
  for each row execute function private.refresh_public_profile();

-- The eight privacy settings as the seed names them, built in one place for my_profile and update_privacy_settings.
create function private.privacy_settings_json(profile public.profiles)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'hideDateOfBirth', profile.hide_date_of_birth,
    'hidePhone', profile.hide_phone,
    'hideLocation', profile.hide_location,
    'hideOccupation', profile.hide_occupation,
    'hideInterests', profile.hide_interests,
    'anonymousMode', profile.anonymous_mode,
    'showActivity', profile.show_activity,
    'allowMessages', profile.allow_messages
  );
$$;
comment on function private.privacy_settings_json(public.profiles) is 'The seed''s privacySettings object for a profile row.';

create view public.my_profile with (security_invoker = true) as
  select
    p.id, p.email, p.first_name as "firstName", p.last_name as "lastName", p.phone, p.date_of_birth as "dateOfBirth",
    p.location, p.occupation, p.bio, p.interests, p.time_zone as "timeZone", p.avatar_path as "avatarPath", p.is_anonymous as "isAnonymous",
    p.is_active as "isActive", p.role, p.pseudonym, private.privacy_settings_json(p) as "privacySettings",
    p.created_at as "createdAt", p.updated_at as "updatedAt"
  from public.profiles as p
  where p.id = (select auth.uid());
comment on view public.my_profile is
  'GET /users/profile: the caller''s own profile in the seed''s JSON shape (camelCase, privacySettings object). Runs with the caller''s rights; one row or none.';
revoke all on table public.my_profile from anon, authenticated;
grant select on table public.my_profile to authenticated;

-- PUT /users/privacy: the keys given change, the others stay; an unknown key or a non-boolean value changes nothing.
-- security invoker: the update runs under the caller's RLS and column grants.
create function public.update_privacy_settings(settings jsonb)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  known text[] := array['hideDateOfBirth', 'hidePhone', 'hideLocation', 'hideOccupation', 'hideInterests',
                        'anonymousMode', 'showActivity', 'allowMessages'];
  bad_key text;
  updated public.profiles;
begin
  if settings is null or jsonb_typeof(settings) <> 'object' then
    raise exception 'Privacy settings must be a JSON object' using errcode = 'PT400';
  end if;
  select key into bad_key from jsonb_object_keys(settings) as key where key <> all (known) order by key limit 1;
  if bad_key is not null then
    raise exception 'Unknown privacy setting: %', bad_key using errcode = 'PT400', hint = 'Known settings: ' || array_to_string(known, ', ');
  end if;
  select key into bad_key from jsonb_each(settings) as entry(key, value) where jsonb_typeof(value) <> 'boolean' order by key limit 1;
  if bad_key is not null then
    raise exception 'Privacy setting % must be true or false', bad_key using errcode = 'PT400';
  end if;

  update public.profiles as p set
    hide_date_of_birth = coalesce((settings ->> 'hideDateOfBirth')::boolean, p.hide_date_of_birth),
    hide_phone = coalesce((settings ->> 'hidePhone')::boolean, p.hide_phone),
    hide_location = coalesce((settings ->> 'hideLocation')::boolean, p.hide_location),
    hide_occupation = coalesce((settings ->> 'hideOccupation')::boolean, p.hide_occupation),
    hide_interests = coalesce((settings ->> 'hideInterests')::boolean, p.hide_interests),
    anonymous_mode = coalesce((settings ->> 'anonymousMode')::boolean, p.anonymous_mode),
    show_activity = coalesce((settings ->> 'showActivity')::boolean, p.show_activity),
    allow_messages = coalesce((settings ->> 'allowMessages')::boolean, p.allow_messages)
  where p.id = (select auth.uid())
  returning p.* into updated;
  if updated.id is null then
    raise exception 'No profile for this account' using errcode = 'PT404';
  end if;
  return private.privacy_settings_json(updated);
end;
$$;
comment on function public.update_privacy_settings(jsonb) is
  'PUT /users/privacy: partial update of the caller''s privacy settings with the seed''s keys; returns all eight. Unknown keys and non-boolean values are refused (400) and change nothing.';

revoke execute on all functions in schema private from public;
revoke execute on function public.update_privacy_settings(jsonb) from public, anon;
grant execute on function public.update_privacy_settings(jsonb) to authenticated;
grant execute on function private.privacy_settings_json(public.profiles) to authenticated;
