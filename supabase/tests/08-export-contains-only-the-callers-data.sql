-- Data export (export_my_data): everything of the caller, nothing of anyone else. Threat ids: EX-01 … EX-06.
begin;
select plan(8);

select tests.create_supabase_user('me', email => 'me@example.com', metadata => '{"firstName": "Mina", "lastName": "Export"}');
select tests.create_supabase_user('them', email => 'them@example.com', metadata => '{"firstName": "Theo", "lastName": "Secret"}');
update public.profiles set bio = 'their private bio' where id = tests.get_supabase_uid('them');
update public.profiles set bio = 'my bio' where id = tests.get_supabase_uid('me');

select tests.authenticate_as('them');
select public.update_privacy_settings('{"hidePhone": false}');
select tests.authenticate_as('me');
select public.update_privacy_settings('{"anonymousMode": true}');
select set_config('tests.export', public.export_my_data()::text, true);

select is(current_setting('tests.export')::jsonb #>> '{profile,email}', 'me@example.com', 'EX-01: the export holds the caller''s profile');
select is(current_setting('tests.export')::jsonb #>> '{profile,bio}', 'my bio', 'EX-01: … with every field');
select is(current_setting('tests.export')::jsonb #>> '{profile,privacySettings,anonymousMode}', 'true', 'EX-02: … and privacy settings');
select is(current_setting('tests.export')::jsonb #>> '{publicCard,isPseudonym}', 'true', 'EX-03: … and how others see them');
select is(jsonb_array_length(current_setting('tests.export')::jsonb -> 'auditEvents'), 1, 'EX-04: … and the audit events about them');
select ok(current_setting('tests.export') !~ '(them@example.com|Theo|Secret|their private bio)'
  and position(tests.get_supabase_uid('them')::text in current_setting('tests.export')) = 0,
  'EX-05: nothing of another person: no email, name, bio or id');
select tests.clear_authentication();
select throws_ok($$select public.export_my_data()$$, '42501', null, 'EX-06: anon cannot export');
reset role;
select ok(not has_function_privilege('anon', 'public.export_my_data()', 'execute'), 'EX-06: no execute grant for anon');

select * from finish();
rollback;
