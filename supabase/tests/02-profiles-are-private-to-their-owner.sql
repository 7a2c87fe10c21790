-- Profiles: created by the database for every new auth user from validated metadata, readable and editable by
-- their owner only, managed columns out of reach; written through the table or, with the seed's keys, through the
-- my_profile view (PUT /users/profile). Threat ids: PR-01 … PR-37.
begin;
select plan(57);

-- Sign-up as Supabase Auth writes it (the row shape; the role does not matter to the security definer trigger, and
-- hosted Supabase does not let postgres act as supabase_auth_admin).
insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, raw_app_meta_data, is_anonymous, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000001', 'authenticated', 'authenticated',
        'ava@example.com', '{"firstName": "  Ava ", "lastName": "Lind", "phone": "+14155550123", "dateOfBirth": "1990-05-15", "anonymous": false}',
        '{"provider": "email"}', false, now(), now());

select tests.create_supabase_user('oauth', metadata => '{"full_name": "Grace Brewster Hopper", "avatar_url": "https://example.com/g.png"}');
select tests.create_supabase_user('shy', metadata => '{"firstName": "Shy", "anonymous": true}');
select tests.create_supabase_user('junk', metadata => '{"firstName": 42, "lastName": "", "phone": "call me", "dateOfBirth": "1990-02-30", "anonymous": "yes"}');
select tests.create_supabase_user('future', metadata => jsonb_build_object('dateOfBirth', (current_date + 1)::text, 'firstName', repeat('x', 200)));
select tests.create_supabase_user('visitor', is_anonymous => true);
select tests.create_supabase_user('ben', metadata => '{"firstName": "Ben"}');

--- the sign-up trigger
select results_eq(
  $$select first_name, last_name, display_name, phone, date_of_birth, email, anonymous_mode, is_anonymous, role::text, is_active
    from public.profiles where id = '00000000-0000-4000-a000-000000000001'$$,
  $$values ('Ava'::text, 'Lind'::text, 'Ava Lind'::text, '+14155550123'::text, date '1990-05-15', 'ava@example.com'::text, false, false, 'client'::text, true)$$,
  'PR-01: a sign-up as Supabase Auth writes it creates the profile from the seed''s metadata, trimmed, with the email copied');
select results_eq(
  $$select first_name, last_name from public.profiles where id = tests.get_supabase_uid('oauth')$$,
  $$values ('Grace'::text, 'Brewster Hopper'::text)$$,
  'PR-02: Google/GitHub full_name is split into first and last name');
select ok((select anonymous_mode from public.profiles where id = tests.get_supabase_uid('shy')),
  'PR-03: the seed''s "anonymous": true turns anonymous mode on from the start');
select results_eq(
  $$select first_name, last_name, phone, date_of_birth, anonymous_mode from public.profiles where id = tests.get_supabase_uid('junk')$$,
  $$values (null::text, null::text, null::text, null::date, false)$$,
  'PR-04: unusable metadata values (wrong types, blank, bad phone, impossible date) are dropped, sign-up succeeds');
select results_eq(
  $$select first_name, date_of_birth from public.profiles where id = tests.get_supabase_uid('future')$$,
  $$values (null::text, null::date)$$,
  'PR-05: a future date of birth and an over-long name are dropped rather than failing sign-up');
select results_eq(
  $$select is_anonymous, anonymous_mode, email from public.profiles where id = tests.get_supabase_uid('visitor')$$,
  $$values (true, true, null::text)$$,
  'PR-06: an anonymous sign-in gets a profile, anonymous and in anonymous mode');
select lives_ok(
  $$insert into auth.users (instance_id, id, aud, role, raw_user_meta_data, created_at, updated_at)
    values ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000002', 'authenticated', 'authenticated', '[1, 2]', now(), now())$$,
  'PR-07: metadata that is not a JSON object does not break sign-up');
select isnt((select pseudonym from public.profiles where id = '00000000-0000-4000-a000-000000000002'), null,
  'PR-07: … and that user still has a profile with a pseudonym');
select matches((select pseudonym from public.profiles where id = tests.get_supabase_uid('ben')), '^Anonymous [A-Z][a-z]+ [A-Z][a-z]+ #[0-9]{4}$',
  'PR-08: every profile gets a stable random pseudonym');

--- upgrading an anonymous sign-in keeps everything
update public.profiles set bio = 'Still me' where id = tests.get_supabase_uid('visitor');
update auth.users set email = 'visitor@example.com', is_anonymous = false where id = tests.get_supabase_uid('visitor');
select results_eq(
  $$select email, is_anonymous, bio from public.profiles where id = tests.get_supabase_uid('visitor')$$,
  $$values ('visitor@example.com'::text, false, 'Still me'::text)$$,
  'PR-09: upgrading an anonymous sign-in (same id) keeps the profile and its data and syncs email and is_anonymous');
select ok((select anonymous_mode from public.profiles where id = tests.get_supabase_uid('visitor')),
  'PR-09: … and leaves the privacy choice (anonymous mode) to the person');

--- owner
select tests.authenticate_as('ben');
select results_eq($$select id from public.profiles$$, $$select tests.get_supabase_uid('ben')$$,
  'PR-10: a user sees exactly their own profile');
select results_eq(
  $$update public.profiles set first_name = 'Benjamin', location = 'Lisbon', interests = array['Running', 'Music'], hide_phone = false
    where id = (select auth.uid()) returning display_name, location, interests$$,
  $$values ('Benjamin'::text, 'Lisbon'::text, array['Running', 'Music'])$$,
  'PR-11: the owner updates their personal fields and privacy settings');
select throws_ok($$update public.profiles set role = 'admin' where id = (select auth.uid())$$, '42501', null,
  'PR-12: the owner cannot change their own role');
select throws_ok($$update public.profiles set is_active = false where id = (select auth.uid())$$, '42501', null,
  'PR-13: the owner cannot change their active flag');
select throws_ok($$update public.profiles set email = 'other@example.com' where id = (select auth.uid())$$, '42501', null,
  'PR-14: the owner cannot change the email copy (Supabase Auth owns it)');
select throws_ok($$update public.profiles set pseudonym = 'Chosen Name' where id = (select auth.uid())$$, '42501', null,
  'PR-15: the owner cannot choose their pseudonym (it must not be linkable)');
select throws_ok($$update public.profiles set avatar_path = 'x/y.png' where id = (select auth.uid())$$, '42501', null,
  'PR-16: the owner cannot point avatar_path anywhere (Storage uploads set it)');
select throws_ok($$update public.profiles set is_anonymous = false where id = (select auth.uid())$$, '42501', null,
  'PR-17: the owner cannot change is_anonymous (it mirrors Supabase Auth)');
select throws_ok($$insert into public.profiles (id) values (gen_random_uuid())$$, '42501', null,
  'PR-18: users cannot insert profiles (only the sign-up trigger does)');
select throws_ok($$delete from public.profiles where id = (select auth.uid())$$, '42501', null,
  'PR-19: users cannot delete profiles (deleting the account does)');

--- validation
select throws_ok($$update public.profiles set phone = '12345' where id = (select auth.uid())$$, '23514', null,
  'PR-20: a phone must be E.164');
select throws_ok($$update public.profiles set date_of_birth = current_date + 1 where id = (select auth.uid())$$, '23514', null,
  'PR-20: a date of birth cannot be in the future');
select throws_ok($$update public.profiles set bio = repeat('x', 2001) where id = (select auth.uid())$$, '23514', null,
  'PR-20: a bio is at most 2000 characters');
select throws_ok($$update public.profiles set interests = array_fill('x'::text, array[21]) where id = (select auth.uid())$$, '23514', null,
  'PR-20: at most 20 interests');
select throws_ok($$update public.profiles set interests = array['  '] where id = (select auth.uid())$$, '23514', null,
  'PR-20: no blank interest');
select throws_ok($$update public.profiles set first_name = '' where id = (select auth.uid())$$, '23514', null,
  'PR-20: no blank first name (null clears it)');

--- the seed's PUT /users/profile: an update of my_profile with the seed's keys
select results_eq(
  $$update public.my_profile set "firstName" = 'Ben', occupation = 'Nurse', "dateOfBirth" = '1991-04-02', "timeZone" = 'Europe/Lisbon'
    where id = (select auth.uid()) returning "firstName", "lastName", location, occupation, "dateOfBirth", "timeZone", interests$$,
  $$values ('Ben'::text, null::text, 'Lisbon'::text, 'Nurse'::text, date '1991-04-02', 'Europe/Lisbon'::text, array['Running', 'Music'])$$,
  'PR-31: the owner updates their profile through my_profile with the seed''s keys; what is not sent stays, and the answer is the profile');
select results_eq($$select first_name, display_name, occupation, time_zone from public.profiles$$,
  $$values ('Ben'::text, 'Ben'::text, 'Nurse'::text, 'Europe/Lisbon'::text)$$, 'PR-31: … written to the profile (display name derived again)');
select results_eq(
  $$update public.my_profile set "privacySettings" = "privacySettings" || '{"hideLocation": false}' returning "privacySettings" ->> 'hideLocation', "privacySettings" ->> 'hidePhone'$$,
  $$values ('false'::text, 'false'::text)$$, 'PR-32: privacySettings through my_profile changes the keys that changed, the others stay');
select throws_ok($$update public.my_profile set "privacySettings" = '{"hideEmail": true}'$$, 'PT400', 'Unknown privacy setting: hideEmail',
  'PR-32: … and an unknown key is a 400, as through the RPC');
select throws_ok($$update public.my_profile set phone = '12345'$$, '23514', null, 'PR-33: the table''s validation holds through the view');
select throws_ok($$update public.my_profile set email = 'other@example.com'$$, '42501', null,
  'PR-34: the email cannot be changed through my_profile (Supabase Auth owns it)');
select throws_ok($$update public.my_profile set "isActive" = false$$, '42501', null, 'PR-34: … nor the active flag');
select throws_ok($$update public.my_profile set pseudonym = 'Chosen Name'$$, '42501', null, 'PR-34: … nor the pseudonym');
select throws_ok($$update public.my_profile set "avatarPath" = 'x/y.png'$$, '42501', null, 'PR-34: … nor avatarPath');
select throws_ok($$update public.my_profile set id = gen_random_uuid()$$, '42501', null, 'PR-34: … nor the id');
select throws_ok($$insert into public.my_profile (id) values (gen_random_uuid())$$, '42501', null, 'PR-35: my_profile takes no inserts');
select throws_ok($$delete from public.my_profile$$, '42501', null, 'PR-35: … and no deletes');

--- stranger
select tests.authenticate_as('shy');
select is_empty($$select 1 from public.profiles where id = tests.get_supabase_uid('ben')$$,
  'PR-21: another user cannot read someone else''s profile');
select is_empty($$update public.profiles set bio = 'defaced' where id = tests.get_supabase_uid('ben') returning 1$$,
  'PR-22: another user cannot update someone else''s profile');
select is_empty($$update public.my_profile set bio = 'defaced' where id = tests.get_supabase_uid('ben') returning 1$$,
  'PR-36: … nor through my_profile (it is only ever the caller''s own row)');
select tests.authenticate_as('ben');
select is((select bio from public.profiles), null, 'PR-22: … and the profile is unchanged');

--- anon
select tests.clear_authentication();
select throws_ok($$select * from public.profiles$$, '42501', null, 'PR-24: the anon role has no access to profiles at all');
select throws_ok($$update public.profiles set bio = 'x'$$, '42501', null, 'PR-24: … nor can it write');
select throws_ok($$update public.my_profile set bio = 'x'$$, '42501', null, 'PR-37: … not even through my_profile');

--- service role
select tests.authenticate_as_service_role();
select ok((select count(*) >= 7 from public.profiles), 'PR-25: service_role reads every profile (server-side code)');
select lives_ok($$update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('ben')$$,
  'PR-25: service_role may change a role');

--- database-maintained columns, as the migration owner
reset role;
update public.profiles set updated_at = '2000-01-01' where id = tests.get_supabase_uid('ben');
select ok((select updated_at > '2000-01-01' from public.profiles where id = tests.get_supabase_uid('ben')),
  'PR-26: profiles_set_updated_at stamps updated_at on every update, whatever was sent');
select policies_are('public', 'profiles', array['profiles_select_own', 'profiles_update_own', 'profiles_select_auth_admin'],
  'PR-27: profiles has exactly the intended policies');
select ok(not has_table_privilege('anon', 'public.profiles', 'select'), 'PR-27: anon has no select grant on profiles');
select ok(not has_column_privilege('authenticated', 'public.profiles', 'role', 'update'), 'PR-27: no update grant on role');
select ok(not has_table_privilege('authenticated', 'public.profiles', 'insert, delete'), 'PR-27: no insert or delete grant');
select ok(has_column_privilege('supabase_auth_admin', 'public.profiles', 'role', 'select')
  and not has_column_privilege('supabase_auth_admin', 'public.profiles', 'email', 'select'),
  'PR-27: Supabase Auth reads only what the access token hook needs');

--- deletion
delete from auth.users where id = tests.get_supabase_uid('ben');
select is_empty($$select 1 from public.profiles p where not exists (select 1 from auth.users u where u.id = p.id)$$,
  'PR-28: deleting an auth user deletes their profile (no orphans)');
select is((select count(*)::int from public.profiles where first_name = 'Benjamin'), 0, 'PR-28: the deleted user''s profile is gone');
select is((select count(*)::int from private.profile_cards where display_name = 'Benjamin'), 0, 'PR-28: … and so is their public card');

select * from finish();
rollback;
