-- Account deletion (private.delete_account, called by the `account` function as the service role): everything of
-- the person goes, the fact of the deletion stays (without their id), and it cannot run while Storage still holds their
-- files. 23-deleting-an-account-leaves-nothing-behind proves the whole rule from the catalog.
-- Threat ids: AD-01 … AD-07.
begin;
select plan(10);

select tests.create_supabase_user('leaving', metadata => '{"firstName": "Lee"}');
select tests.create_supabase_user('with-files');
insert into storage.objects (bucket_id, name) values ('avatars', tests.get_supabase_uid('with-files') || '/me.png');
insert into storage.objects (bucket_id, name) values ('avatars', tests.get_supabase_uid('leaving') || '/me.png');
-- A full life on HealSpace to leave behind: journal, mood, a goal with progress, achievements.
insert into public.journal_entries (user_id, title, content, mood) values (tests.get_supabase_uid('leaving'), 'Last entry', 'Goodbye', 'neutral');
insert into public.mood_entries (user_id, date, mood) values (tests.get_supabase_uid('leaving'), '2026-01-01', 3);
insert into public.goals (user_id, title, target) values (tests.get_supabase_uid('leaving'), 'Walk', 1);
insert into public.goal_progress (goal_id, user_id) select id, user_id from public.goals where user_id = tests.get_supabase_uid('leaving');
-- … and an audited privacy change, so the log has an event about them.
select tests.authenticate_as('leaving');
select public.update_privacy_settings('{"hidePhone": false}');
reset role;

--- who may call it
select ok(has_function_privilege('service_role', 'private.delete_account(uuid)', 'execute'), 'AD-01: the service role may delete accounts');
select ok(not has_function_privilege('authenticated', 'private.delete_account(uuid)', 'execute')
  and not has_function_privilege('anon', 'private.delete_account(uuid)', 'execute'),
  'AD-01: the API roles may not (the account function verifies the caller first)');
select tests.authenticate_as('leaving');
select throws_ok(format('select private.delete_account(%L)', tests.get_supabase_uid('with-files')), '42501', null,
  'AD-02: a user cannot delete someone else''s account (nor their own) by calling it');

--- as the account function does
select tests.authenticate_as_service_role();
select throws_ok(format('select private.delete_account(%L)', tests.get_supabase_uid('with-files')), 'PT409',
  'The account still has files in Storage; remove them through the Storage API first',
  'AD-03: it refuses while Storage holds the person''s files (their bytes would be orphaned)');
select throws_ok(format('select private.delete_account(%L)', gen_random_uuid()), 'PT404', 'No such account', 'AD-04: an unknown account is a 404');
select set_config('tests.leaving', tests.get_supabase_uid('leaving')::text, true);
-- The account function first removes the files through the Storage API, which deletes their rows like this.
select set_config('storage.allow_delete_query', 'true', true);
delete from storage.objects where name = current_setting('tests.leaving') || '/me.png';
select lives_ok(format('select private.delete_account(%L)', tests.get_supabase_uid('leaving')), 'AD-05: the service role deletes an account');

reset role;
select is_empty(format($$
  select 'auth.users' from auth.users where id = %1$L
  union all select 'profiles' from public.profiles where id = %1$L
  union all select 'profile_cards' from private.profile_cards where profile_id = %1$L
  union all select 'storage.objects' from storage.objects where name like %1$L || '/%%'
  union all select 'journal_entries' from public.journal_entries where user_id = %1$L
  union all select 'mood_entries' from public.mood_entries where user_id = %1$L
  union all select 'goals' from public.goals where user_id = %1$L
  union all select 'goal_progress' from public.goal_progress where user_id = %1$L
  union all select 'user_achievements' from public.user_achievements where user_id = %1$L$$, current_setting('tests.leaving')),
  'AD-06: nothing of the person is left in auth, profiles, public cards, Storage, journal, mood, goals or achievements');
select results_eq(
  $$select action, actor_id, subject_id, actor_db_role from public.audit_log where action = 'account_deleted' and occurred_at = now()$$,
  $$values ('account_deleted'::text, null::uuid, null::uuid, 'service_role'::text)$$,
  'AD-07: the audit log records that an account was deleted, without whose (the log keeps no id of a deleted account)');
select is_empty(format($$select 1 from public.audit_log where %1$L in (actor_id, subject_id)$$, current_setting('tests.leaving')),
  'AD-07: … and no earlier event still names the person');
select isnt_empty(format($$select 1 from public.profiles where id = %L$$, tests.get_supabase_uid('with-files')),
  'AD-07: … and the refused deletion changed nothing');

select * from finish();
rollback;
