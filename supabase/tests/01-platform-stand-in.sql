-- Platform contract: the Supabase objects our migrations rely on.
--
-- Runs unchanged against our stand-in (sql/platform-stand-in.sql on plain
-- Postgres) and against real Supabase (`supabase test db`), so it only
-- asserts documented platform behaviour. pgTAP lives in schema `extensions`
-- (`supabase test db` runs `create extension if not exists pgtap with schema
-- extensions`); the postgres role's search_path includes `extensions`.
-- Request context is simulated exactly as PostgREST does it: a transaction-local
-- `request.jwt.claims` setting plus `set local role`.

begin;

select plan(49);

-- ---------------------------------------------------------------------------
-- roles
-- ---------------------------------------------------------------------------
select is(
  (select count(*)::int from pg_catalog.pg_roles
    where rolname in ('anon', 'authenticated', 'service_role', 'authenticator',
                      'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin',
                      'supabase_realtime_admin', 'dashboard_user')),
  9,
  'all nine platform roles exist'
);

select ok(
  (select rolbypassrls from pg_catalog.pg_roles where rolname = 'service_role'),
  'service_role bypasses row level security'
);

select ok(
  not (select bool_or(rolbypassrls) from pg_catalog.pg_roles where rolname in ('anon', 'authenticated')),
  'anon and authenticated are subject to row level security'
);

select ok(
  not (select bool_or(rolcanlogin) from pg_catalog.pg_roles where rolname in ('anon', 'authenticated', 'service_role')),
  'the api roles cannot log in directly'
);

select ok(
  (select rolcanlogin and not rolinherit from pg_catalog.pg_roles where rolname = 'authenticator'),
  'authenticator can log in and does not inherit privileges'
);

select ok(
  pg_has_role('authenticator', 'anon', 'member')
    and pg_has_role('authenticator', 'authenticated', 'member')
    and pg_has_role('authenticator', 'service_role', 'member'),
  'authenticator can switch to anon, authenticated and service_role'
);

select ok(
  not pg_has_role('authenticator', 'supabase_admin', 'member'),
  'authenticator is not a member of supabase_admin'
);

select ok(
  (select not rolsuper from pg_catalog.pg_roles where rolname = 'authenticator'),
  'authenticator is not a superuser'
);

select ok(
  pg_has_role('postgres', 'authenticated', 'member') and pg_has_role('postgres', 'anon', 'member'),
  'postgres can set role to authenticated and anon'
);

-- ---------------------------------------------------------------------------
-- schemas, extensions, default privileges
-- ---------------------------------------------------------------------------
select has_schema('extensions', 'schema extensions exists');
select has_schema('auth', 'schema auth exists');
select has_schema('storage', 'schema storage exists');
select has_schema('realtime', 'schema realtime exists');

select ok(
  has_schema_privilege('anon', 'extensions', 'usage')
    and has_schema_privilege('authenticated', 'auth', 'usage')
    and has_schema_privilege('authenticated', 'storage', 'usage')
    and has_schema_privilege('authenticated', 'realtime', 'usage'),
  'the api roles can use the extensions, auth, storage and realtime schemas'
);

select is(
  (select extnamespace::regnamespace::text from pg_catalog.pg_extension where extname = 'pgcrypto'),
  'extensions',
  'pgcrypto is installed in schema extensions'
);

select is(
  (select extnamespace::regnamespace::text from pg_catalog.pg_extension where extname = 'uuid-ossp'),
  'extensions',
  'uuid-ossp is installed in schema extensions'
);

create table public.platform_contract_probe (id bigint generated always as identity primary key);

select ok(
  has_table_privilege('anon', 'public.platform_contract_probe', 'select, insert, update, delete')
    and has_table_privilege('authenticated', 'public.platform_contract_probe', 'select, insert, update, delete')
    and has_table_privilege('service_role', 'public.platform_contract_probe', 'select, insert, update, delete'),
  'tables that postgres creates in public are granted to the api roles by default'
);

select ok(
  has_sequence_privilege('authenticated', 'public.platform_contract_probe_id_seq', 'usage'),
  'sequences that postgres creates in public are granted to the api roles by default'
);

-- ---------------------------------------------------------------------------
-- auth
-- ---------------------------------------------------------------------------
select col_type_is('auth', 'users', 'id', 'uuid', 'auth.users.id is a uuid');
select col_type_is('auth', 'users', 'email', 'character varying(255)', 'auth.users.email is a varchar(255)');
select col_type_is('auth', 'users', 'raw_user_meta_data', 'jsonb', 'auth.users.raw_user_meta_data is jsonb');
select col_type_is('auth', 'users', 'raw_app_meta_data', 'jsonb', 'auth.users.raw_app_meta_data is jsonb');
select col_not_null('auth', 'users', 'is_anonymous', 'auth.users.is_anonymous is not null');
select col_type_is('auth', 'users', 'deleted_at', 'timestamp with time zone', 'auth.users.deleted_at is a timestamptz');

select is(auth.uid(), null, 'auth.uid() is null outside of a request');

select set_config(
  'request.jwt.claims',
  '{"sub": "9b7e5a1e-3c4d-4f6a-8b2c-1d0e9f8a7b6c", "role": "authenticated", "email": "ada@example.com", "aal": "aal1"}',
  true
);

select is(auth.uid(), '9b7e5a1e-3c4d-4f6a-8b2c-1d0e9f8a7b6c'::uuid, 'auth.uid() returns the sub claim of request.jwt.claims');
select is(auth.role(), 'authenticated', 'auth.role() returns the role claim');
select is(auth.email(), 'ada@example.com', 'auth.email() returns the email claim');
select is(auth.jwt() ->> 'aal', 'aal1', 'auth.jwt() returns all claims as jsonb');

select set_config('request.jwt.claim.sub', '', true);
select is(
  auth.uid(),
  '9b7e5a1e-3c4d-4f6a-8b2c-1d0e9f8a7b6c'::uuid,
  'an empty legacy request.jwt.claim.sub setting falls back to request.jwt.claims'
);

set local role authenticated;
select is(
  auth.uid(),
  '9b7e5a1e-3c4d-4f6a-8b2c-1d0e9f8a7b6c'::uuid,
  'auth.uid() works for the authenticated role'
);
reset role;

set local role anon;
select throws_ok(
  'select count(*) from auth.users',
  '42501',
  null,
  'anon cannot read auth.users'
);
reset role;

-- ---------------------------------------------------------------------------
-- storage
-- ---------------------------------------------------------------------------
select is(storage.foldername('a/b/c.png'), array['a', 'b'], 'storage.foldername() returns the folders of a path');
select is(storage.filename('a/b/c.png'), 'c.png', 'storage.filename() returns the last path segment');
select is(storage.extension('a/b/c.png'), 'png', 'storage.extension() returns the file extension');

select col_type_is('storage', 'objects', 'path_tokens', 'text[]', 'storage.objects.path_tokens is a text array');
select col_type_is('storage', 'objects', 'owner_id', 'text', 'storage.objects.owner_id is text');

insert into storage.buckets (id, name) values ('platform-contract', 'platform-contract');
insert into storage.objects (bucket_id, name) values ('platform-contract', 'a/b/c.png');

select is(
  (select path_tokens from storage.objects where bucket_id = 'platform-contract'),
  array['a', 'b', 'c.png'],
  'storage.objects.path_tokens is generated from the object name'
);

select ok(
  (select relrowsecurity from pg_catalog.pg_class where oid = 'storage.objects'::regclass),
  'row level security is enabled on storage.objects'
);

-- ---------------------------------------------------------------------------
-- realtime
-- ---------------------------------------------------------------------------
select ok(
  (select relrowsecurity from pg_catalog.pg_class where oid = 'realtime.messages'::regclass),
  'row level security is enabled on realtime.messages'
);

select ok(
  has_table_privilege('authenticated', 'realtime.messages', 'select')
    and has_table_privilege('anon', 'realtime.messages', 'select'),
  'anon and authenticated may select from realtime.messages (subject to rls)'
);

select set_config('realtime.topic', 'room:contract', true);
select is(realtime.topic(), 'room:contract', 'realtime.topic() follows the realtime.topic setting');

select lives_ok(
  $$select realtime.send('{"text": "hello"}'::jsonb, 'message', 'room:42', false)$$,
  'realtime.send() accepts a payload, event, topic and private flag'
);

select is(
  (select count(*)::int from realtime.messages
    where topic = 'room:42' and event = 'message' and extension = 'broadcast'
      and private is false and payload - 'id' = '{"text": "hello"}'::jsonb),
  1,
  'realtime.send() inserts one broadcast row with the given topic, event, payload and private flag'
);

select realtime.send('{"text": "secret"}'::jsonb, 'message', 'room:43');
select ok(
  (select private from realtime.messages where topic = 'room:43'),
  'realtime.send() creates private messages by default'
);

select ok(
  exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime'),
  'the supabase_realtime publication exists'
);

select is_empty(
  $$select 1 from pg_catalog.pg_inherits as i join pg_catalog.pg_class as c on c.oid = i.inhrelid
    where i.inhparent = 'realtime.messages'::regclass and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'$$,
  'realtime.messages has no DEFAULT partition, as on the platform'
);
select ok(
  to_regclass('realtime.messages_' || to_char((now() at time zone 'UTC')::date, 'YYYY_MM_DD')) is not null
    and to_regclass('realtime.messages_' || to_char((now() at time zone 'UTC')::date + 3, 'YYYY_MM_DD')) is not null,
  'realtime.messages has the daily partitions the Realtime server creates (yesterday to three days ahead)'
);
select throws_ok(
  $$insert into realtime.messages (topic, extension, payload, inserted_at) values ('room:later', 'broadcast', '{}', now() + interval '30 days')$$,
  '23514', null,
  'a day without a partition takes no message (realtime.send then drops the broadcast with a warning, as on the platform)'
);

select * from finish();

rollback;
