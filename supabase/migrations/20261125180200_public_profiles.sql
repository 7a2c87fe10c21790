-- What others may see of a person, and the seed-shaped views of one's own profile and privacy settings.
-- * public.public_profiles is the only way to see someone else's profile: a view of private.profile_cards, which the
--   database keeps from public.profiles with the privacy settings already applied. Hidden fields are stored as null,
--   so no query, join, filter or sort can reveal them (a view over profiles would need security definer rights, and
--   a filter on a hidden column could leak it through the row count). A page is a plain indexed read.
-- * A card is known by the person's public_id, never their account id; it changes whenever anonymous mode changes.
-- * Anonymous mode shows the pseudonym instead of the name and hides every identifying field: names, avatar, phone,
--   date of birth, location, occupation, bio and the therapist badge. Interests follow hide_interests.
-- * Email is never copied. Deactivated accounts have no card. Cards are for people who browse as themselves: not
--   for anonymous sign-ins (a new one costs nothing, so they must not be a way to scrape the directory) and not for
--   deactivated accounts.
-- * public.my_profile (GET /users/profile) and public.update_privacy_settings (PUT /users/privacy) serve the seed's
--   JSON shapes.

create table private.profile_cards (
  profile_id uuid primary key references public.profiles (id) on delete cascade,
  id uuid not null,
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
  updated_at timestamptz not null default now(),
  constraint profile_cards_id_key unique (id)
);
comment on table private.profile_cards is
  'Privacy-masked profile cards, served as public.public_profiles. Maintained by the database from profiles; hidden fields are null here. profile_id (the account) is not readable through the API.';
comment on column private.profile_cards.profile_id is 'The account. Never exposed: the card is known by id (the public id).';
comment on column private.profile_cards.id is 'The person''s public_id.';

create index profile_cards_display_name_id_idx on private.profile_cards (display_name, id);
create index profile_cards_avatar_path_idx on private.profile_cards (avatar_path) where avatar_path is not null;

alter table private.profile_cards enable row level security;
grant select (
  id, display_name, is_pseudonym, first_name, last_name, avatar_path, phone, date_of_birth, location, occupation, bio,
  interests, is_therapist, show_activity, allow_messages, updated_at
) on table private.profile_cards to authenticated, service_role;

-- Who may browse other people: a signed-in person, not an anonymous sign-in, whose own account is active.
-- security definer: reads the caller's own profile whatever policies apply where it is used.
create function private.caller_may_browse_people()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((auth.jwt() ->> 'is_anonymous')::boolean, false) = false
     and exists (select 1 from public.profiles as p where p.id = auth.uid() and p.is_active and not p.is_anonymous);
$$;
comment on function private.caller_may_browse_people() is
  'True for a signed-in, non-anonymous, active account: the people who may see other people''s cards and pictures.';
grant execute on function private.caller_may_browse_people() to authenticated;

create policy profile_cards_select_browsers on private.profile_cards
  for select to authenticated
  using ((select private.caller_may_browse_people()));

create view public.public_profiles with (security_invoker = true) as
  select c.id, c.display_name, c.is_pseudonym, c.first_name, c.last_name, c.avatar_path, c.phone, c.date_of_birth, c.location,
         c.occupation, c.bio, c.interests, c.is_therapist, c.show_activity, c.allow_messages, c.updated_at
  from private.profile_cards as c;
comment on view public.public_profiles is
  'Other people''s profiles with their privacy settings applied (hidden fields are null), by public id. For signed-in, non-anonymous, active accounts; read-only.';
revoke all on table public.public_profiles from anon, authenticated;
grant select on table public.public_profiles to authenticated;

-- security definer: runs after a change to profiles by its owner, who has no write access to the cards.
create function private.refresh_profile_card()
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
    delete from private.profile_cards where profile_id = new.id;
    return null;
  end if;
  insert into private.profile_cards as card (
    profile_id, id, display_name, is_pseudonym, first_name, last_name, avatar_path, phone, date_of_birth, location,
    occupation, bio, interests, is_therapist, show_activity, allow_messages
  )
  values (
    new.id,
    new.public_id,
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
    not hidden and new.role = 'therapist',
    new.show_activity,
    new.allow_messages
  )
  on conflict (profile_id) do update set
    id = excluded.id, display_name = excluded.display_name, is_pseudonym = excluded.is_pseudonym,
    first_name = excluded.first_name, last_name = excluded.last_name, avatar_path = excluded.avatar_path,
    phone = excluded.phone, date_of_birth = excluded.date_of_birth, location = excluded.location,
    occupation = excluded.occupation, bio = excluded.bio, interests = excluded.interests,
    is_therapist = excluded.is_therapist, show_activity = excluded.show_activity,
    allow_messages = excluded.allow_messages, updated_at = now()
  -- Only when something visible changed: otherwise updated_at would tell others that a hidden field did.
  where (card.id, card.display_name, card.is_pseudonym, card.first_name, card.last_name, card.avatar_path, card.phone,
         card.date_of_birth, card.location, card.occupation, card.bio, card.interests, card.is_therapist,
         card.show_activity, card.allow_messages)
    is distinct from
        (excluded.id, excluded.display_name, excluded.is_pseudonym, excluded.first_name, excluded.last_name,
         excluded.avatar_path, excluded.phone, excluded.date_of_birth, excluded.location, excluded.occupation,
         excluded.bio, excluded.interests, excluded.is_therapist, excluded.show_activity, excluded.allow_messages);
  return null;
end;
$$;
comment on function private.refresh_profile_card() is
  'Trigger on profiles: rewrites the person''s card with their privacy settings applied (or removes it when deactivated). Security definer because owners cannot write cards.';

create trigger profiles_refresh_profile_card
  after insert or update on public.profiles
  for each row execute function private.refresh_profile_card();

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
    p.location, p.occupation, p.bio, p.interests, p.time_zone as "timeZone", p.avatar_path as "avatarPath", p.public_id as "publicId", p.is_anonymous as "isAnonymous",
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
