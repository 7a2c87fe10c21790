-- Installs the shared test helpers (tests schema) and proves they are there. Runs first under `supabase test db`
-- (files run in name order); `npm test` also installs them before running the suites in parallel.
-- Not wrapped in a rolled-back transaction: the helpers must outlive this file.
\ir helpers/test-helpers.psql

select plan(6);
select has_function('tests', 'create_supabase_user', array['text', 'text', 'text', 'jsonb', 'boolean'], 'tests.create_supabase_user exists');
select has_function('tests', 'get_supabase_uid', array['text'], 'tests.get_supabase_uid exists');
select has_function('tests', 'user_claims', array['uuid'], 'tests.user_claims exists');
select has_function('tests', 'authenticate_as', array['text'], 'tests.authenticate_as exists');
select has_function('tests', 'authenticate_as_service_role', 'tests.authenticate_as_service_role exists');
select has_function('tests', 'clear_authentication', 'tests.clear_authentication exists');
select * from finish();
