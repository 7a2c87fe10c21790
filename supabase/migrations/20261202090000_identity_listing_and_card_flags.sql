-- The listing time belongs to the public identity, and the card shows no activity setting (issue 14, second review).
-- * profiles.identity_listed_from: when the person's current public identity may be seen by others. Drawn (a random
--   full hour 1 to 6 hours ahead) when the identity changes, and kept by the profile, so deactivating and reactivating
--   (which removes and re-creates the card) no longer skips the wait, and every view of others (directory, groups)
--   reads one time.
-- * showActivity is no longer on the public card: turning it off changed the card (and its updated_at) at the very
--   moment a chat partner's or group member's online indicator went dark, pairing the card with the partner. It is a
--   setting the database honours itself (online indicators, read receipts), not something others need to read.

alter table public.profiles add column identity_listed_from timestamptz not null default now();
comment on column public.profiles.identity_listed_from is
  'When others may first see the current public identity (public_id): at sign-up at once, after a change of identity (anonymous mode, a name given or cleared) a random full hour 1 to 6 hours ahead. Managed by the database.';
update public.profiles as p set identity_listed_from = c.listed_from
from private.profile_cards as c where c.profile_id = p.id and c.listed_from > now();

create or replace function private.rotate_public_identity()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.public_id := gen_random_uuid();
  -- Listed at a random full hour 1 to 6 hours ahead, so that identities changing over several hours appear mixed and
  -- none is paired, by when it appears, with the one that vanished.
  new.identity_listed_from := date_trunc('hour', now()) + make_interval(hours => 1 + floor(random() * 6)::integer);
  if private.profile_is_masked(new.anonymous_mode, new.first_name, new.last_name) then
    new.pseudonym := private.new_pseudonym();
  end if;
  return new;
end;
$$;
comment on function private.rotate_public_identity() is
  'Trigger: a new public_id, listed from a random full hour 1 to 6 hours ahead, whenever anonymous mode changes or a name is given or cleared, and a new pseudonym whenever the new identity shows one.';

drop view public.public_profiles;
alter table private.profile_cards drop column show_activity;
create view public.public_profiles with (security_invoker = true) as
  select c.id, c.display_name, c.is_pseudonym, c.first_name, c.last_name, c.avatar_path, c.phone, c.date_of_birth, c.location,
         c.occupation, c.bio, c.interests, c.is_therapist, c.allow_messages, c.updated_at
  from private.profile_cards as c;
comment on view public.public_profiles is
  'Other people''s profiles with their privacy settings applied (hidden fields are null), by public id, from the hour each identity is listed. For signed-in, non-anonymous, active accounts; read-only.';
revoke all on table public.public_profiles from anon, authenticated, service_role;
grant select on table public.public_profiles to authenticated, service_role;

create or replace function private.refresh_profile_card()
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
    occupation, bio, interests, is_therapist, allow_messages, listed_from, updated_at
  )
  values (
    new.id,
    new.public_id,
    case when masked then new.pseudonym else new.display_name end,
    masked,
    case when not hidden then new.first_name end,
    case when not hidden then new.last_name end,
    -- Only pictures named for the purpose: an object name built from the account id (the old <account id>/<file>)
    -- is never published.
    case when not hidden and private.is_avatar_object_name(new.avatar_path) then new.avatar_path end,
    case when not hidden and not new.hide_phone then new.phone end,
    case when not hidden and not new.hide_date_of_birth then new.date_of_birth end,
    case when not hidden and not new.hide_location then new.location end,
    case when not hidden and not new.hide_occupation then new.occupation end,
    case when not hidden then new.bio end,
    -- Anonymous mode hides interests too: with the timing of a card's appearance they would tell who it is.
    case when not hidden and not new.hide_interests then new.interests end,
    not hidden and new.role = 'therapist',
    new.allow_messages,
    -- The identity's listing time (a new public identity waits for it), kept across deactivation.
    new.identity_listed_from,
    greatest(now(), new.identity_listed_from)
  )
  on conflict (profile_id) do update set
    id = excluded.id, display_name = excluded.display_name, is_pseudonym = excluded.is_pseudonym,
    first_name = excluded.first_name, last_name = excluded.last_name, avatar_path = excluded.avatar_path,
    phone = excluded.phone, date_of_birth = excluded.date_of_birth, location = excluded.location,
    occupation = excluded.occupation, bio = excluded.bio, interests = excluded.interests,
    is_therapist = excluded.is_therapist,
    allow_messages = excluded.allow_messages,
    listed_from = excluded.listed_from,
    updated_at = greatest(now(), excluded.listed_from)
  -- Only when something visible changed: otherwise updated_at would tell others that a hidden field did.
  where (card.id, card.display_name, card.is_pseudonym, card.first_name, card.last_name, card.avatar_path, card.phone,
         card.date_of_birth, card.location, card.occupation, card.bio, card.interests, card.is_therapist,
         card.allow_messages)
    is distinct from
        (excluded.id, excluded.display_name, excluded.is_pseudonym, excluded.first_name, excluded.last_name,
         excluded.avatar_path, excluded.phone, excluded.date_of_birth, excluded.location, excluded.occupation,
         excluded.bio, excluded.interests, excluded.is_therapist, excluded.allow_messages);
  return null;
end;
$$;
comment on function private.refresh_profile_card() is
  'Trigger on profiles: rewrites the person''s card with their privacy settings applied and the identity''s listing time (or removes it when deactivated). Security definer because owners cannot write cards.';
