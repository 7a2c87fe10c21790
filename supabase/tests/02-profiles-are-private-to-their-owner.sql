-- Profiles: created by the database for every new auth user, readable by their owner only, written by nobody
-- through the API. Threat ids: PR-01 … PR-12.
begin;
select plan(20);

select tests.create_supabase_user('ava', metadata => '{"display_name": "Ava"}');
select tests.create_supabase_user('ben', metadata => '{"firstName": "  Ben  "}');
select tests.create_supabase_user('noname', metadata => '{"display_name": 42, "first_name": ""}');
select tests.create_supabase_user('longname', metadata => jsonb_build_object('display_name', repeat('x', 200)));
select tests.create_supabase_user('anonymous-visitor', is_anonymous => true);

--- the sign-up trigger
select is((select display_name from public.profiles where id = tests.get_supabase_uid('ava')), 'Ava',
  'PR-01: a profile is created with the display name from sign-up metadata');
select is((select display_name from public.profiles where id = tests.get_supabase_uid('ben')), 'Ben',
  'PR-02: the seed''s firstName is used when there is no display_name, trimmed');
select is((select display_name from public.profiles where id = tests.get_supabase_uid('noname')), null,
  'PR-03: non-string or empty names in metadata give a null name, not a failed sign-up');
select is((select char_length(display_name) from public.profiles where id = tests.get_supabase_uid('longname')), 80,
  'PR-04: an over-long name is cut to 80 characters instead of failing sign-up');
select isnt((select id from public.profiles where id = tests.get_supabase_uid('anonymous-visitor')), null,
  'PR-05: anonymous sign-ins get a profile too');
select lives_ok(
  $$insert into auth.users (instance_id, id, aud, role, raw_user_meta_data, created_at, updated_at)
    values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', '[1, 2]', now(), now())$$,
  'PR-06: metadata that is not a JSON object does not break sign-up');

--- owner
select tests.authenticate_as('ava');
select results_eq(
  $$select id, display_name from public.profiles$$,
  $$select tests.get_supabase_uid('ava'), 'Ava'::text$$,
  'PR-07: a user sees exactly their own profile');
select throws_ok(
  $$update public.profiles set display_name = 'Someone else' where id = (select auth.uid())$$,
  '42501', null, 'PR-08: users cannot update profiles through the API yet (no grant)');
select throws_ok(
  $$insert into public.profiles (id, display_name) values (gen_random_uuid(), 'Forged')$$,
  '42501', null, 'PR-09: users cannot insert profiles (only the sign-up trigger does)');
select throws_ok(
  $$delete from public.profiles where id = (select auth.uid())$$,
  '42501', null, 'PR-10: users cannot delete profiles (deleting the account does)');

--- stranger
select tests.authenticate_as('ben');
select is_empty(
  $$select 1 from public.profiles where id = tests.get_supabase_uid('ava')$$,
  'PR-11: another user cannot read someone else''s profile');
select results_eq(
  $$select count(*)::int from public.profiles$$,
  array[1],
  'PR-11: another user''s listing contains only their own profile');

--- anon
select tests.clear_authentication();
select throws_ok($$select * from public.profiles$$, '42501', null,
  'PR-12: the anon role has no access to profiles at all');

--- service role
select tests.authenticate_as_service_role();
select ok((select count(*) >= 5 from public.profiles), 'service_role reads every profile (server-side code)');

--- updated_at and deletion, as the migration owner
reset role;
update public.profiles set updated_at = '2000-01-01', created_at = '2000-01-01' where id = tests.get_supabase_uid('ava');
select ok(
  (select updated_at > '2000-01-01' from public.profiles where id = tests.get_supabase_uid('ava')),
  'profiles_set_updated_at stamps updated_at on every update, whatever was sent');
select policies_are('public', 'profiles', array['profiles_select_own'], 'profiles has exactly the intended policies');
select ok((select relrowsecurity from pg_class where oid = 'public.profiles'::regclass), 'RLS is enabled on profiles');
select ok(not has_table_privilege('anon', 'public.profiles', 'select'), 'anon has no select grant on profiles');

delete from auth.users where id = tests.get_supabase_uid('ben');
select is_empty(
  $$select 1 from public.profiles p where not exists (select 1 from auth.users u where u.id = p.id)$$,
  'deleting an auth user deletes their profile (no orphans)');
select is((select count(*)::int from public.profiles where display_name = 'Ben'), 0, 'the deleted user''s profile is gone');

select * from finish();
rollback;
