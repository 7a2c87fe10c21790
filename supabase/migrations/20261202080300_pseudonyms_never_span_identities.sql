-- A pseudonym never spans two public identities (issue 14). A person with no name is shown by their pseudonym all the
-- time; turning anonymous mode off used to keep the pseudonym of their anonymous period on the new card, beside the
-- bio, location and interests anonymous mode had hidden, so the new card named the anonymous one. Now every new public
-- identity that shows a pseudonym draws a new one, and a change of what the card is known by (a name given or
-- cleared, anonymous mode either way) starts a new public identity.

-- Whether a profile row is shown by its pseudonym. display_name is generated after BEFORE triggers run, so the names
-- are read directly.
create function private.profile_is_masked(anonymous_mode boolean, first_name text, last_name text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select anonymous_mode or nullif(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), '') is null;
$$;
comment on function private.profile_is_masked(boolean, text, text) is 'True when a card would show the pseudonym: anonymous mode, or no name.';

-- (private.rotate_public_identity: as this change leaves it, in 20261202090000_identity_listing_and_card_flags.)
drop trigger profiles_rotate_public_identity on public.profiles;
create trigger profiles_rotate_public_identity
  before update of anonymous_mode, first_name, last_name on public.profiles
  for each row when (old.anonymous_mode is distinct from new.anonymous_mode
                     or private.profile_is_masked(old.anonymous_mode, old.first_name, old.last_name)
                        is distinct from private.profile_is_masked(new.anonymous_mode, new.first_name, new.last_name))
  execute function private.rotate_public_identity();

revoke execute on all functions in schema private from public;
grant execute on function private.profile_is_masked(boolean, text, text) to authenticated, service_role;
