-- Roles: the access token hook, the one helper policies use, the admin RPCs, and every escalation path we know of.
-- Threat ids: RO-01 … RO-20.
begin;
select plan(32);

select tests.create_supabase_user('client');
select tests.create_supabase_user('therapist');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('other-admin');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('therapist');
update public.profiles set role = 'admin' where id in (tests.get_supabase_uid('admin'), tests.get_supabase_uid('other-admin'));

--- the access token hook, with the event Supabase Auth sends (its right to call the hook is checked by RO-03)
select set_config('tests.hook_therapist', private.custom_access_token_hook(jsonb_build_object(
  'user_id', (select id from public.profiles where role = 'therapist' limit 1),
  'claims', '{"role": "authenticated", "app_metadata": {"provider": "email"}}'::jsonb,
  'authentication_method', 'password'))::text, true);
select set_config('tests.hook_unknown', private.custom_access_token_hook(jsonb_build_object(
  'user_id', gen_random_uuid(), 'claims', '{"role": "authenticated"}'::jsonb))::text, true);
select is(current_setting('tests.hook_therapist')::jsonb -> 'claims',
  '{"role": "authenticated", "app_metadata": {"provider": "email", "user_role": "therapist"}}'::jsonb,
  'RO-01: the hook adds app_metadata.user_role and keeps every other claim (the Postgres role claim untouched)');
select is(current_setting('tests.hook_unknown')::jsonb #>> '{claims,app_metadata,user_role}', 'client',
  'RO-02: an account without a profile gets the client role, never an error that would block sign-in');
select ok(has_function_privilege('supabase_auth_admin', 'private.custom_access_token_hook(jsonb)', 'execute'),
  'RO-03: Supabase Auth may execute the hook');
select ok(not has_function_privilege('authenticated', 'private.custom_access_token_hook(jsonb)', 'execute')
  and not has_function_privilege('anon', 'private.custom_access_token_hook(jsonb)', 'execute'),
  'RO-03: the API roles may not');
update public.profiles set is_active = false where id = tests.get_supabase_uid('other-admin');
select set_config('tests.hook_deactivated', private.custom_access_token_hook(jsonb_build_object(
  'user_id', (select id from public.profiles where role = 'admin' and not is_active), 'claims', '{}'::jsonb))::text, true);
select is(current_setting('tests.hook_deactivated')::jsonb #>> '{claims,app_metadata,user_role}', 'client',
  'RO-04: a deactivated admin''s next token carries no admin role');

--- the helper
select tests.authenticate_as('therapist');
select is(private.caller_role(), 'therapist'::public.app_role, 'RO-05: caller_role() answers the caller''s role');
select tests.authenticate_as('other-admin');
select is(private.caller_role(), null, 'RO-05: … and nothing for a deactivated account');
select tests.clear_authentication();
select throws_ok($$select private.caller_role()$$, '42501', null, 'RO-05: anon cannot ask');

--- escalation attempts by a client
select tests.authenticate_as('client');
select throws_ok($$update public.profiles set role = 'admin' where id = (select auth.uid())$$, '42501', null,
  'RO-06: a client cannot update their own role through the table');
select throws_ok(format('select public.set_user_role(%L, %L)', tests.get_supabase_uid('client'), 'admin'), 'PT403', 'Only admins can do this',
  'RO-07: a client cannot promote themselves through the RPC');
select throws_ok($$update public.my_profile set role = 'admin'$$, '42501', null,
  'RO-07: … nor through the my_profile view (PUT /users/profile: role is not one of the columns it may update)');
select throws_ok($$update public.my_profile set "privacySettings" = "privacySettings" || '{"role": "admin"}'$$, 'PT400', 'Unknown privacy setting: role',
  'RO-07: … nor by slipping it into my_profile''s privacySettings');
select throws_ok($$select public.update_privacy_settings('{"role": "admin"}')$$, 'PT400', 'Unknown privacy setting: role',
  'RO-07: … nor through the privacy RPC');
select throws_ok(format('select public.set_user_role(%L, %L)', tests.get_supabase_uid('therapist'), 'client'), 'PT403', 'Only admins can do this',
  'RO-08: a client cannot change someone else''s role');
select throws_ok(format('select public.set_account_active(%L, false)', tests.get_supabase_uid('admin')), 'PT403', 'Only admins can do this',
  'RO-09: a client cannot deactivate anyone');
select set_config('request.jwt.claims', (tests.user_claims(tests.get_supabase_uid('client')) || '{"app_metadata": {"user_role": "admin"}, "user_role": "admin"}')::text, true);
select throws_ok(format('select public.set_user_role(%L, %L)', tests.get_supabase_uid('client'), 'admin'), 'PT403', 'Only admins can do this',
  'RO-10: a forged admin claim in the token changes nothing: policies ask the database');
select throws_ok($$select * from public.moderation_profiles()$$, 'PT403', 'Only admins can do this',
  'RO-10: … nor does it open the moderation listing');
select tests.authenticate_as('therapist');
select throws_ok($$select * from public.moderation_profiles()$$, 'PT403', 'Only admins can do this',
  'RO-11: therapists are not admins');

--- an admin
select tests.authenticate_as('admin');
select lives_ok(format('select public.set_user_role(%L, %L)', tests.get_supabase_uid('client'), 'therapist'),
  'RO-12: an admin changes another account''s role');
select throws_ok(format('select public.set_user_role(%L, %L)', tests.get_supabase_uid('admin'), 'client'), 'PT403', 'Admins cannot change their own role or active flag',
  'RO-13: an admin cannot change their own role (someone must be left to undo mistakes)');
select throws_ok(format('select public.set_user_role(%L, %L)', gen_random_uuid(), 'client'), 'PT404', 'No such account',
  'RO-14: an unknown account is a 404');
select throws_ok(format('select public.set_user_role(%L, null)', tests.get_supabase_uid('client')), 'PT400', 'role is required',
  'RO-14: a missing role is a 400');
select lives_ok(format('select public.set_account_active(%L, false)', tests.get_supabase_uid('therapist')),
  'RO-15: an admin deactivates another account');
reset role;
select is((select banned_until from auth.users where id = tests.get_supabase_uid('therapist')), 'infinity'::timestamptz,
  'RO-15: … which Supabase Auth then refuses to sign in or refresh (banned)');
select tests.authenticate_as('admin');
select lives_ok(format('select public.set_account_active(%L, true)', tests.get_supabase_uid('therapist')),
  'RO-15: an admin reactivates another account');
reset role;
select is((select banned_until from auth.users where id = tests.get_supabase_uid('therapist')), null, 'RO-15: … and lifts the ban');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.profiles where id <> (select auth.uid())$$,
  'RO-16: being admin gives no direct read of other profiles (moderation goes through the audited RPC)');
select results_eq(
  format($$select email, role::text from public.moderation_profiles(search => 'client@') where id = %L$$, tests.get_supabase_uid('client')),
  $$values ('client@test.healspace.local'::text, 'therapist'::text)$$,
  'RO-17: the moderation listing shows what moderation needs, with the new role');
select throws_ok($$select * from public.moderation_profiles("limit" => 0)$$, 'PT400', 'limit must be between 1 and 200',
  'RO-17: a bad page size is a 400');

--- the service role
select tests.authenticate_as_service_role();
select lives_ok(format('select public.set_user_role(%L, %L)', tests.get_supabase_uid('client'), 'client'),
  'RO-18: the service role changes roles (server-side code)');

--- what was recorded
reset role;
select results_eq(
  format($$select action, actor_id, details from public.audit_log where subject_id = %L order by id$$, tests.get_supabase_uid('client')),
  format($$values ('role_changed'::text, %L::uuid, '{"from": "client", "to": "therapist"}'::jsonb),
                  ('role_changed'::text, null::uuid, '{"from": "therapist", "to": "client"}'::jsonb)$$, tests.get_supabase_uid('admin')),
  'RO-19: every role change is audited with who did it');
select results_eq($$select details ->> 'search' from public.audit_log where action = 'moderation_read'$$, $$values ('client@'::text)$$,
  'RO-20: every moderation read is audited with what was searched (the refused ones read nothing)');

select * from finish();
rollback;
