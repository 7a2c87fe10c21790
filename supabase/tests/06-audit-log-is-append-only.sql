-- The audit log: written by the database only, read by admins only, changed by nobody. Threat ids: AU-01 … AU-09.
begin;
select plan(13);

select tests.create_supabase_user('person');
select tests.create_supabase_user('admin');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');

select tests.authenticate_as('person');
select public.update_privacy_settings('{"hidePhone": false, "allowMessages": false}');
select public.update_privacy_settings('{"hidePhone": false}');

--- what is written
reset role;
select set_config('request.jwt.claims', '', true); -- a direct database session, as Studio's: no token at all
select results_eq(
  format($$select action, actor_id, actor_db_role, details from public.audit_log where subject_id = %L and action = 'privacy_changed'$$, tests.get_supabase_uid('person')),
  format($$values ('privacy_changed'::text, %L::uuid, 'authenticated'::text, '{"changed": {"hidePhone": false, "allowMessages": false}}'::jsonb)$$, tests.get_supabase_uid('person')),
  'AU-01: a privacy change is recorded once, with the settings that changed, by whom and as which role');
select is((select count(*)::int from public.audit_log where subject_id = tests.get_supabase_uid('person') and action = 'privacy_changed'), 1,
  'AU-02: an update that changes no setting records nothing');
update public.profiles set is_active = false where id = tests.get_supabase_uid('person');
select is((select action from public.audit_log where subject_id = tests.get_supabase_uid('person') order by id desc limit 1), 'account_deactivated',
  'AU-03: deactivation is recorded');
select is((select actor_db_role from public.audit_log where subject_id = tests.get_supabase_uid('person') order by id desc limit 1), 'postgres',
  'AU-03: … with the database login when no API token was involved');

--- who reads it
select tests.authenticate_as('admin');
select ok((select count(*) >= 2 from public.audit_log where subject_id = tests.get_supabase_uid('person')), 'AU-04: admins read the audit log');
select tests.authenticate_as('person');
select is_empty($$select 1 from public.audit_log$$, 'AU-05: other users read nothing of it, not even events about themselves (their export has those)');
select tests.clear_authentication();
select throws_ok($$select * from public.audit_log$$, '42501', null, 'AU-06: anon has no access');

--- nobody changes it
select tests.authenticate_as('admin');
select throws_ok($$insert into public.audit_log (action, actor_db_role) values ('account_deleted', 'authenticated')$$, '42501', null,
  'AU-07: not even an admin can append forged events');
select throws_ok($$update public.audit_log set details = '{}'$$, '42501', null, 'AU-08: admins cannot edit events');
select throws_ok($$delete from public.audit_log$$, '42501', null, 'AU-08: admins cannot delete events');
reset role;
select throws_ok($$update public.audit_log set details = '{}'$$, '42501', 'The audit log is append-only', 'AU-09: not even the table owner can edit events');
select throws_ok($$delete from public.audit_log$$, '42501', 'The audit log is append-only', 'AU-09: … or delete them');
select throws_ok($$truncate public.audit_log$$, '42501', 'The audit log is append-only', 'AU-09: … or truncate the table');

select * from finish();
rollback;
