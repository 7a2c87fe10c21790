-- =============================================================================
-- HealSpace: Supabase platform stand-in
-- =============================================================================
--
-- What this is
--   Hosted Supabase (and the CLI's local Docker stack) ship with a set of
--   platform objects that our migrations rely on: the API roles (anon,
--   authenticated, service_role, authenticator, ...), the `extensions`,
--   `auth`, `storage`, `realtime` and `graphql_public` schemas, auth.users,
--   auth.uid()/role()/email()/jwt(), storage.buckets/objects and the
--   storage.foldername()/filename()/extension() helpers, realtime.messages,
--   realtime.topic()/send(), the `supabase_realtime` publication and the
--   default privileges on schema public.
--
--   Where there is no Docker (CI, sandboxes, embedded Postgres) we apply this
--   file to a plain PostgreSQL 15 or 17 first, so that `supabase/migrations`
--   run unchanged. Every definition mirrors Supabase's own sources (names,
--   column order and types, defaults, function signatures and bodies, owners,
--   grants, RLS):
--     supabase/postgres  migrations/db/init-scripts/*.sql, migrations/db/migrations/*
--     supabase/auth      migrations/*.up.sql          (auth.users, auth.identities, auth.*())
--     supabase/storage   migrations/tenant/*.sql      (storage.buckets, storage.objects, helpers)
--     supabase/realtime  lib/realtime/tenants/repo/migrations/*, priv/repo/tenant_schema/*
--   Only the subset our project touches is reproduced (e.g. no auth.sessions,
--   no realtime.subscription, no pg_graphql/pgsodium/vault, no event triggers).
--
-- Rules
--   * Run it as a superuser, on a plain local PostgreSQL only. It must never be
--     run against hosted Supabase, nor on behalf of anything else: there every
--     object already exists (and `postgres` is not a superuser there).
--   * Idempotent: every object is created only when missing (checks against
--     pg_roles, pg_namespace, to_regclass, to_regprocedure, pg_default_acl, ...),
--     and grants/RLS/owners are applied in the same block that creates the
--     object. Running it twice is a no-op; on a database that already has the
--     platform objects it changes nothing.
--   * No psql meta-commands: it is also sent as one multi-statement simple
--     query (postgres.js `sql.unsafe(file)`), i.e. one implicit transaction.
--
-- Known, deliberate differences from the platform
--   * realtime.messages gets the daily partitions messages_YYYY_MM_DD that the
--     Realtime server creates when it connects (yesterday to three days ahead,
--     lib/realtime/tenants.ex create_messages_partitions), created here at every
--     apply since no Realtime server runs. As on the platform there is no
--     DEFAULT partition: on a day without one, realtime.send drops the broadcast
--     with a WARNING (its exception handler) and the transaction goes on.
--   * authenticator gets no `session_preload_libraries = safeupdate`
--     (the library does not exist on plain Postgres; logins would fail).
--   * `postgres` stays a superuser locally (the platform demotes it to
--     NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS).
-- =============================================================================

-- -----------------------------------------------------------------------------
-- 1. Roles (cluster-wide)
--    init-scripts/00000000000000-initial-schema.sql, 00000000000001-auth-schema.sql,
--    00000000000002-storage-schema.sql, 00000000000003-post-setup.sql,
--    00000000000003-realtime-schema.sql, migrations/20230529180330_alter_api_roles_for_inherit.sql,
--    migrations/20260821154147_revoke_createrole_from_auth_admin.sql
-- -----------------------------------------------------------------------------
do $standin$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin with login superuser createdb createrole replication bypassrls;
    alter role supabase_admin set search_path to "\$user", public, auth, extensions;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'anon') then
    -- created "nologin noinherit", switched to inherit in 20230529180330
    create role anon with nologin inherit;
    alter role anon set statement_timeout = '3s';
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated with nologin inherit;
    alter role authenticated set statement_timeout = '8s';
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'service_role') then
    create role service_role with nologin inherit bypassrls;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticator') then
    create role authenticator with login noinherit;
    alter role authenticator set statement_timeout = '8s';
    alter role authenticator set lock_timeout = '8s';
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin with login noinherit nocreaterole noreplication;
    alter role supabase_auth_admin set search_path = auth;
    alter role supabase_auth_admin set idle_in_transaction_session_timeout to 60000;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'supabase_storage_admin') then
    create role supabase_storage_admin with login noinherit createrole noreplication;
    alter role supabase_storage_admin set search_path = storage;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'supabase_realtime_admin') then
    create role supabase_realtime_admin with login noinherit createrole replication;
    alter role supabase_realtime_admin set search_path = public, extensions, realtime;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'supabase_replication_admin') then
    create role supabase_replication_admin with login replication;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'supabase_read_only_user') then
    create role supabase_read_only_user with login bypassrls;
  end if;

  if not exists (select from pg_catalog.pg_roles where rolname = 'dashboard_user') then
    create role dashboard_user with nologin nosuperuser createdb createrole replication;
  end if;
end
$standin$;

-- Role memberships: only the ones still present on the platform after all
-- grants/revokes (e.g. `grant supabase_admin to authenticator` was revoked
-- in 20221103090837_revoke_admin.sql).
do $standin$
declare
  m record;
begin
  for m in
    select * from (values
      ('anon', 'authenticator'),
      ('authenticated', 'authenticator'),
      ('service_role', 'authenticator'),
      ('anon', 'postgres'),                           -- 20230201083204_grant_auth_roles_to_postgres
      ('authenticated', 'postgres'),
      ('service_role', 'postgres'),
      ('authenticator', 'supabase_storage_admin'),    -- 20231013070755
      ('anon', 'supabase_realtime_admin'),            -- 00000000000003-realtime-schema
      ('authenticated', 'supabase_realtime_admin'),
      ('service_role', 'supabase_realtime_admin'),
      ('pg_read_all_data', 'supabase_read_only_user')
    ) as t(granted, member)
  loop
    if not exists (
      select from pg_catalog.pg_auth_members am
      where am.roleid = to_regrole(m.granted) and am.member = to_regrole(m.member)
    ) then
      -- 20250605172253: on Postgres 16+ postgres holds the API roles WITH ADMIN OPTION
      if m.member = 'postgres'
         and current_setting('server_version_num')::int >= 160000 then
        execute format('grant %I to %I with admin option', m.granted, m.member);
      else
        execute format('grant %I to %I', m.granted, m.member);
      end if;
    end if;
  end loop;
end
$standin$;

-- postgres' role-level search_path (00000000000003-post-setup.sql). The
-- platform value literally contains "\$user" (the script escapes the dollar).
-- Only set when postgres has no role-level search_path yet.
do $standin$
begin
  if not exists (
    select from pg_catalog.pg_db_role_setting s
    where s.setrole = to_regrole('postgres') and s.setdatabase = 0
      and exists (select from unnest(s.setconfig) c where c like 'search_path=%')
  ) then
    alter role postgres set search_path to "\$user", public, extensions;
  end if;
end
$standin$;

-- Database-level grants (per database; the platform names database `postgres`).
do $standin$
begin
  if not has_database_privilege('dashboard_user', current_database(), 'CREATE, CONNECT, TEMPORARY') then
    execute format('grant all on database %I to dashboard_user', current_database());
  end if;
  if not has_database_privilege('supabase_realtime_admin', current_database(), 'CREATE') then
    execute format('grant create on database %I to supabase_realtime_admin', current_database());
  end if;
  if not has_database_privilege('supabase_auth_admin', current_database(), 'CREATE') then
    execute format('grant create on database %I to supabase_auth_admin', current_database());
  end if;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 2. Schema public: API grants and default privileges
--    init-scripts/00000000000000-initial-schema.sql
-- -----------------------------------------------------------------------------
do $standin$
begin
  if not exists (
    select from pg_catalog.pg_namespace n, aclexplode(n.nspacl) a
    where n.nspname = 'public' and a.grantee = to_regrole('anon') and a.privilege_type = 'USAGE'
  ) then
    grant usage on schema public to postgres, anon, authenticated, service_role;
  end if;
  -- 00000000000003-realtime-schema.sql
  if not exists (
    select from pg_catalog.pg_namespace n, aclexplode(n.nspacl) a
    where n.nspname = 'public' and a.grantee = to_regrole('supabase_realtime_admin') and a.privilege_type = 'CREATE'
  ) then
    grant create, usage on schema public to supabase_realtime_admin;
  end if;

  -- `alter default privileges in schema public ...` as run by postgres
  if not exists (
    select from pg_catalog.pg_default_acl d
    where d.defaclrole = to_regrole('postgres') and d.defaclnamespace = 'public'::regnamespace
  ) then
    alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
    alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
    alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;
  end if;

  if not exists (
    select from pg_catalog.pg_default_acl d
    where d.defaclrole = to_regrole('supabase_admin') and d.defaclnamespace = 'public'::regnamespace
  ) then
    alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;
    alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
    alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
  end if;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 3. Schema extensions + the extensions preinstalled in it
--    (uuid-ossp, pgcrypto, pg_stat_statements; pgjwt only exists on the
--    platform's Postgres 15 images and is not shipped by plain Postgres)
-- -----------------------------------------------------------------------------
do $standin$
declare
  e text;
begin
  if to_regnamespace('extensions') is null then
    create schema extensions;
    grant usage on schema extensions to postgres, anon, authenticated, service_role;
    grant all on schema extensions to dashboard_user;
    grant usage on schema extensions to supabase_realtime_admin;
    -- 20230224042246_grant_extensions_perms_for_postgres.sql (run as supabase_admin)
    alter default privileges for role supabase_admin in schema extensions grant all on tables to postgres with grant option;
    alter default privileges for role supabase_admin in schema extensions grant all on routines to postgres with grant option;
    alter default privileges for role supabase_admin in schema extensions grant all on sequences to postgres with grant option;
  end if;

  foreach e in array array['uuid-ossp', 'pgcrypto', 'pg_stat_statements'] loop
    if not exists (select from pg_catalog.pg_extension where extname = e)
       and exists (select from pg_catalog.pg_available_extensions where name = e) then
      execute format('create extension %I with schema extensions', e);
    end if;
  end loop;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 4. Schema graphql_public with the placeholder graphql() function
--    (20220317095840_pg_graphql.sql; pg_graphql is off by default since
--    20260421000000_pg_graphql-off-by-default.sql, whose drop makes the
--    platform's set_graphql_placeholder() event trigger install this body)
-- -----------------------------------------------------------------------------
do $standin$
begin
  if to_regnamespace('graphql_public') is null then
    create schema graphql_public authorization supabase_admin;
    grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
    alter default privileges for role supabase_admin in schema graphql_public grant all on tables to postgres, anon, authenticated, service_role;
    alter default privileges for role supabase_admin in schema graphql_public grant all on functions to postgres, anon, authenticated, service_role;
    alter default privileges for role supabase_admin in schema graphql_public grant all on sequences to postgres, anon, authenticated, service_role;
  end if;

  if to_regprocedure('graphql_public.graphql(text, text, jsonb, jsonb)') is null then
    create function graphql_public.graphql(
      "operationName" text default null,
      query text default null,
      variables jsonb default null,
      extensions jsonb default null
    )
      returns jsonb
      language plpgsql
    as $fn$
        DECLARE
            server_version float;
        BEGIN
            server_version = (SELECT (SPLIT_PART((select version()), ' ', 2))::float);

            IF server_version >= 14 THEN
                RETURN jsonb_build_object(
                    'errors', jsonb_build_array(
                        jsonb_build_object(
                            'message', 'pg_graphql extension is not enabled.'
                        )
                    )
                );
            ELSE
                RETURN jsonb_build_object(
                    'errors', jsonb_build_array(
                        jsonb_build_object(
                            'message', 'pg_graphql is only available on projects running Postgres 14 onwards.'
                        )
                    )
                );
            END IF;
        END;
    $fn$;
    alter function graphql_public.graphql(text, text, jsonb, jsonb) owner to supabase_admin;
    grant all on function graphql_public.graphql(text, text, jsonb, jsonb) to postgres, anon, authenticated, service_role;
  end if;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 5. auth (supabase/postgres 00000000000001-auth-schema.sql + supabase/auth migrations)
-- -----------------------------------------------------------------------------
do $standin$
begin
  if to_regnamespace('auth') is null then
    create schema auth authorization supabase_admin;
    grant usage on schema auth to anon, authenticated, service_role, postgres;
    grant all on schema auth to supabase_auth_admin, dashboard_user;
    grant usage on schema auth to supabase_realtime_admin;
    alter default privileges for role supabase_auth_admin in schema auth grant all on tables to postgres, dashboard_user;
    alter default privileges for role supabase_auth_admin in schema auth grant all on sequences to postgres, dashboard_user;
    alter default privileges for role supabase_auth_admin in schema auth grant all on routines to postgres, dashboard_user;
  end if;
end
$standin$;

-- auth.users: final shape after all supabase/auth migrations
do $standin$
begin
  if to_regclass('auth.users') is null then
    create table auth.users (
      instance_id uuid,
      id uuid not null,
      aud character varying(255),
      role character varying(255),
      email character varying(255),
      encrypted_password character varying(255),
      email_confirmed_at timestamp with time zone,
      invited_at timestamp with time zone,
      confirmation_token character varying(255),
      confirmation_sent_at timestamp with time zone,
      recovery_token character varying(255),
      recovery_sent_at timestamp with time zone,
      email_change_token_new character varying(255),
      email_change character varying(255),
      email_change_sent_at timestamp with time zone,
      last_sign_in_at timestamp with time zone,
      raw_app_meta_data jsonb,
      raw_user_meta_data jsonb,
      is_super_admin boolean,
      created_at timestamp with time zone,
      updated_at timestamp with time zone,
      phone text default null::character varying,
      phone_confirmed_at timestamp with time zone,
      phone_change text default ''::character varying,
      phone_change_token character varying(255) default ''::character varying,
      phone_change_sent_at timestamp with time zone,
      confirmed_at timestamp with time zone generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
      email_change_token_current character varying(255) default ''::character varying,
      email_change_confirm_status smallint default 0,
      banned_until timestamp with time zone,
      reauthentication_token character varying(255) default ''::character varying,
      reauthentication_sent_at timestamp with time zone,
      is_sso_user boolean default false not null,
      deleted_at timestamp with time zone,
      is_anonymous boolean default false not null,
      constraint users_email_change_confirm_status_check
        check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2),
      constraint users_pkey primary key (id),
      constraint users_phone_key unique (phone)
    );
    comment on table auth.users is 'Auth: Stores user login data within a secure schema.';
    comment on column auth.users.is_sso_user is 'Auth: Set this column to true when the account comes from SSO. These accounts can have duplicate emails.';

    create unique index confirmation_token_idx on auth.users using btree (confirmation_token) where ((confirmation_token)::text !~ '^[0-9 ]*$'::text);
    create unique index email_change_token_current_idx on auth.users using btree (email_change_token_current) where ((email_change_token_current)::text !~ '^[0-9 ]*$'::text);
    create unique index email_change_token_new_idx on auth.users using btree (email_change_token_new) where ((email_change_token_new)::text !~ '^[0-9 ]*$'::text);
    create unique index reauthentication_token_idx on auth.users using btree (reauthentication_token) where ((reauthentication_token)::text !~ '^[0-9 ]*$'::text);
    create unique index recovery_token_idx on auth.users using btree (recovery_token) where ((recovery_token)::text !~ '^[0-9 ]*$'::text);
    create unique index users_email_partial_key on auth.users using btree (email) where (is_sso_user = false);
    comment on index auth.users_email_partial_key is 'Auth: A partial unique index that applies only when is_sso_user is false';
    create index users_instance_id_email_idx on auth.users using btree (instance_id, lower((email)::text));
    create index users_instance_id_idx on auth.users using btree (instance_id);
    create index users_is_anonymous_idx on auth.users using btree (is_anonymous);

    alter table auth.users owner to supabase_auth_admin;
    alter table auth.users enable row level security;
    grant all on table auth.users to dashboard_user;
    grant insert, references, delete, trigger, truncate, update on table auth.users to postgres;
    grant select on table auth.users to postgres with grant option;
  end if;
end
$standin$;

-- auth.identities
do $standin$
begin
  if to_regclass('auth.identities') is null then
    create table auth.identities (
      provider_id text not null,
      user_id uuid not null,
      identity_data jsonb not null,
      provider text not null,
      last_sign_in_at timestamp with time zone,
      created_at timestamp with time zone,
      updated_at timestamp with time zone,
      email text generated always as (lower((identity_data ->> 'email'::text))) stored,
      id uuid default gen_random_uuid() not null,
      constraint identities_pkey primary key (id),
      constraint identities_provider_id_provider_unique unique (provider_id, provider),
      constraint identities_user_id_fkey foreign key (user_id) references auth.users(id) on delete cascade
    );
    comment on table auth.identities is 'Auth: Stores identities associated to a user.';
    comment on column auth.identities.email is 'Auth: Email is a generated column that references the optional email property in the identity_data';
    create index identities_email_idx on auth.identities using btree (email text_pattern_ops);
    comment on index auth.identities_email_idx is 'Auth: Ensures indexed queries on the email column';
    create index identities_user_id_idx on auth.identities using btree (user_id);

    alter table auth.identities owner to supabase_auth_admin;
    alter table auth.identities enable row level security;
    grant all on table auth.identities to dashboard_user;
    grant insert, references, delete, trigger, truncate, update on table auth.identities to postgres;
    grant select on table auth.identities to postgres with grant option;
  end if;
end
$standin$;

-- auth.uid() / auth.role() / auth.email(): 20220224000811_update_auth_functions,
-- comments from 20220531120530_add_auth_jwt_function
do $standin$
begin
  if to_regprocedure('auth.uid()') is null then
    create function auth.uid()
      returns uuid
      language sql stable
    as $fn$
  select 
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$fn$;
    comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
    alter function auth.uid() owner to supabase_auth_admin;
    grant all on function auth.uid() to postgres, dashboard_user, supabase_realtime_admin;
  end if;

  if to_regprocedure('auth.role()') is null then
    create function auth.role()
      returns text
      language sql stable
    as $fn$
  select 
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$fn$;
    comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';
    alter function auth.role() owner to supabase_auth_admin;
    grant all on function auth.role() to postgres, dashboard_user, supabase_realtime_admin;
  end if;

  if to_regprocedure('auth.email()') is null then
    create function auth.email()
      returns text
      language sql stable
    as $fn$
  select 
  coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$fn$;
    comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';
    alter function auth.email() owner to supabase_auth_admin;
    grant all on function auth.email() to postgres, dashboard_user, supabase_realtime_admin;
  end if;

  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt()
      returns jsonb
      language sql stable
    as $fn$
  select 
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$fn$;
    alter function auth.jwt() owner to supabase_auth_admin;
    grant all on function auth.jwt() to postgres, dashboard_user;
  end if;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 6. storage (supabase/postgres 00000000000002-storage-schema.sql + supabase/storage
--    migrations/tenant up to 0063)
-- -----------------------------------------------------------------------------
do $standin$
begin
  if to_regnamespace('storage') is null then
    create schema storage authorization supabase_admin;
    grant usage on schema storage to postgres, anon, authenticated, service_role;
    grant all on schema storage to supabase_storage_admin, dashboard_user;
    alter default privileges for role postgres in schema storage grant all on tables to postgres, anon, authenticated, service_role;
    alter default privileges for role postgres in schema storage grant all on functions to postgres, anon, authenticated, service_role;
    alter default privileges for role postgres in schema storage grant all on sequences to postgres, anon, authenticated, service_role;
  end if;

  if to_regtype('storage.buckettype') is null then
    create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
    alter type storage.buckettype owner to supabase_storage_admin;
  end if;
end
$standin$;

-- Path helpers (0060-optimize-existing-functions-again.sql, 0061-mark-filename-immutable.sql)
do $standin$
begin
  if to_regprocedure('storage.foldername(text)') is null then
    create function storage.foldername(name text)
      returns text[]
      language plpgsql
      immutable
    as $fn$
DECLARE
    _parts text[];
BEGIN
    -- Split on "/" to get path segments
    SELECT string_to_array(name, '/') INTO _parts;
    -- Return everything except the last segment
    RETURN _parts[1 : array_length(_parts,1) - 1];
END
$fn$;
    alter function storage.foldername(text) owner to supabase_storage_admin;
    grant all on function storage.foldername(text) to anon, authenticated, service_role, dashboard_user, postgres;
  end if;

  if to_regprocedure('storage.filename(text)') is null then
    create function storage.filename(name text)
      returns text
      language plpgsql
      immutable
    as $fn$
DECLARE
    _parts text[];
BEGIN
    SELECT string_to_array(name, '/') INTO _parts;
    RETURN _parts[array_length(_parts, 1)];
END
$fn$;
    alter function storage.filename(text) owner to supabase_storage_admin;
    grant all on function storage.filename(text) to anon, authenticated, service_role, dashboard_user, postgres;
  end if;

  if to_regprocedure('storage.extension(text)') is null then
    create function storage.extension(name text)
      returns text
      language plpgsql
      immutable
    as $fn$
DECLARE
    _parts text[];
    _filename text;
BEGIN
    -- Split on "/" to get path segments
    SELECT string_to_array(name, '/') INTO _parts;
    -- Get the last path segment (the actual filename)
    SELECT _parts[array_length(_parts, 1)] INTO _filename;
    -- Extract extension: reverse, split on '.', then reverse again
    RETURN reverse(split_part(reverse(_filename), '.', 1));
END
$fn$;
    alter function storage.extension(text) owner to supabase_storage_admin;
    grant all on function storage.extension(text) to anon, authenticated, service_role, dashboard_user, postgres;
  end if;

  -- trigger functions used by storage.buckets / storage.objects
  if to_regprocedure('storage.update_updated_at_column()') is null then
    create function storage.update_updated_at_column()
      returns trigger
      language plpgsql
    as $fn$
BEGIN
    NEW.updated_at = now();
    RETURN NEW; 
END;
$fn$;
    alter function storage.update_updated_at_column() owner to supabase_storage_admin;
  end if;

  if to_regprocedure('storage.protect_delete()') is null then
    create function storage.protect_delete()
      returns trigger
      language plpgsql
    as $fn$
BEGIN
    -- Check if storage.allow_delete_query is set to 'true'
    IF COALESCE(current_setting('storage.allow_delete_query', true), 'false') != 'true' THEN
        RAISE EXCEPTION 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
            USING HINT = 'This prevents accidental data loss from orphaned objects.',
                  ERRCODE = '42501';
    END IF;
    RETURN NULL;
END;
$fn$;
    alter function storage.protect_delete() owner to supabase_storage_admin;
  end if;

  if to_regprocedure('storage.enforce_bucket_name_length()') is null then
    create function storage.enforce_bucket_name_length()
      returns trigger
      language plpgsql
    as $fn$
begin
    if length(new.name) > 100 then
        raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
    end if;
    return new;
end;
$fn$;
    alter function storage.enforce_bucket_name_length() owner to supabase_storage_admin;
  end if;
end
$standin$;

do $standin$
begin
  if to_regclass('storage.buckets') is null then
    create table storage.buckets (
      id text not null,
      name text not null,
      owner uuid,
      created_at timestamp with time zone default now(),
      updated_at timestamp with time zone default now(),
      public boolean default false,
      avif_autodetection boolean default false,
      file_size_limit bigint,
      allowed_mime_types text[],
      owner_id text,
      type storage.buckettype default 'STANDARD'::storage.buckettype not null,
      versioning_status text default 'DISABLED'::text not null,
      constraint buckets_versioning_dark_check check ((versioning_status = 'DISABLED'::text)),
      constraint buckets_versioning_standard_only_check check (((type = 'STANDARD'::storage.buckettype) or (versioning_status = 'DISABLED'::text))),
      constraint buckets_versioning_status_check check ((versioning_status = any (array['DISABLED'::text, 'ENABLED'::text, 'SUSPENDED'::text]))),
      constraint buckets_pkey primary key (id)
    );
    comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';
    create unique index bname on storage.buckets using btree (name);
    create trigger enforce_bucket_name_length_trigger before insert or update of name on storage.buckets
      for each row execute function storage.enforce_bucket_name_length();
    create trigger protect_buckets_delete before delete on storage.buckets
      for each statement execute function storage.protect_delete();

    alter table storage.buckets owner to supabase_storage_admin;
    alter table storage.buckets enable row level security;
    grant all on table storage.buckets to anon, authenticated, service_role;
    grant all on table storage.buckets to postgres with grant option;
  end if;

  if to_regclass('storage.objects') is null then
    create table storage.objects (
      id uuid default gen_random_uuid() not null,
      bucket_id text,
      name text,
      owner uuid,
      created_at timestamp with time zone default now(),
      updated_at timestamp with time zone default now(),
      last_accessed_at timestamp with time zone default now(),
      metadata jsonb,
      path_tokens text[] generated always as (string_to_array(name, '/'::text)) stored,
      version text,
      owner_id text,
      user_metadata jsonb,
      archived_at timestamp with time zone,
      is_delete_marker boolean default false not null,
      is_versioned boolean default false not null,
      constraint objects_pkey primary key (id),
      constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets(id)
    );
    comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';
    create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
    create index idx_objects_bucket_id_name on storage.objects using btree (bucket_id, name collate "C");
    create index idx_objects_bucket_id_name_lower on storage.objects using btree (bucket_id, lower(name) collate "C");
    create index name_prefix_search on storage.objects using btree (name text_pattern_ops);
    create trigger protect_objects_delete before delete on storage.objects
      for each statement execute function storage.protect_delete();
    create trigger update_objects_updated_at before update on storage.objects
      for each row execute function storage.update_updated_at_column();

    alter table storage.objects owner to supabase_storage_admin;
    alter table storage.objects enable row level security;
    grant all on table storage.objects to anon, authenticated, service_role;
    grant all on table storage.objects to postgres with grant option;
  end if;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 7. realtime (00000000000003-realtime-schema.sql + supabase/realtime tenant schema)
-- -----------------------------------------------------------------------------
do $standin$
begin
  if to_regnamespace('realtime') is null then
    create schema realtime authorization supabase_admin;
    grant usage on schema realtime to anon, authenticated, service_role;
    grant usage on schema realtime to postgres with grant option;
    grant all on schema realtime to supabase_realtime_admin with grant option;
    alter default privileges for role supabase_admin in schema realtime grant all on tables to postgres, dashboard_user;
    alter default privileges for role supabase_admin in schema realtime grant all on sequences to postgres, dashboard_user;
    alter default privileges for role supabase_admin in schema realtime grant all on routines to postgres, dashboard_user;
  end if;
end
$standin$;

do $standin$
begin
  if to_regclass('realtime.messages') is null then
    create table realtime.messages (
      topic text not null,
      extension text not null,
      payload jsonb,
      event text,
      private boolean default false,
      updated_at timestamp without time zone default now() not null,
      inserted_at timestamp without time zone default now() not null,
      id uuid default gen_random_uuid() not null,
      binary_payload bytea,
      constraint messages_pkey primary key (id, inserted_at)
    ) partition by range (inserted_at);
    alter table realtime.messages
      add constraint messages_payload_exclusive check ((payload is null) or (binary_payload is null)) not valid;
    create index messages_inserted_at_topic_index on realtime.messages using btree (inserted_at desc, topic)
      where ((extension = 'broadcast'::text) and (private is true));

    alter table realtime.messages owner to supabase_realtime_admin;
    alter table realtime.messages enable row level security;
    grant select, insert, update on table realtime.messages to anon, authenticated, service_role;
    grant all on table realtime.messages to postgres, dashboard_user;
  end if;

  if to_regprocedure('realtime.topic()') is null then
    create function realtime.topic()
      returns text
      language sql
      stable
    as $fn$
select nullif(current_setting('realtime.topic', true), '')::text;
$fn$;
    alter function realtime.topic() owner to supabase_realtime_admin;
    grant all on function realtime.topic() to postgres, dashboard_user;
  end if;

  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    create function realtime.send(
      payload jsonb,
      event text,
      topic text,
      private boolean default true
    )
      returns void
      language plpgsql
    as $fn$
DECLARE
  generated_id uuid;
  final_payload jsonb;
BEGIN
  BEGIN
    generated_id := gen_random_uuid();

    -- Check if payload has an 'id' key, if not, add the generated UUID
    IF payload ? 'id' THEN
      final_payload := payload;
    ELSE
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    END IF;

    -- Set the topic configuration
    EXECUTE format('SET LOCAL realtime.topic TO %L', topic);

    INSERT INTO realtime.messages (id, payload, event, topic, private, extension)
    VALUES (generated_id, final_payload, event, topic, private, 'broadcast');
  EXCEPTION
    WHEN OTHERS THEN
      RAISE WARNING 'WarnSendingBroadcastMessage: %', SQLERRM;
  END;
END;
$fn$;
    alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
    grant all on function realtime.send(jsonb, text, text, boolean) to postgres, dashboard_user;
  end if;
end
$standin$;

-- The daily partitions of realtime.messages, as the Realtime server makes them when it connects: yesterday to three
-- days ahead, owned by supabase_realtime_admin. A DEFAULT partition left by an earlier version of this stand-in goes
-- (its rows are a log of broadcasts already delivered, or never to be: nothing runs Realtime here).
do $standin$
declare
  day date;
begin
  if to_regclass('realtime.messages_default') is not null then
    drop table realtime.messages_default;
  end if;
  -- Days in UTC, as the Realtime server counts them and as inserted_at (now() in the database's UTC) falls.
  for day in select generate_series((now() at time zone 'UTC')::date - 1, (now() at time zone 'UTC')::date + 3, interval '1 day')::date loop
    if to_regclass(format('realtime.messages_%s', to_char(day, 'YYYY_MM_DD'))) is null then
      execute format('create table realtime.%I partition of realtime.messages for values from (%L) to (%L)',
                     'messages_' || to_char(day, 'YYYY_MM_DD'), day, day + 1);
      execute format('alter table realtime.%I owner to supabase_realtime_admin', 'messages_' || to_char(day, 'YYYY_MM_DD'));
    end if;
  end loop;
end
$standin$;

-- -----------------------------------------------------------------------------
-- 8. The (empty) supabase_realtime publication (00000000000000-initial-schema.sql)
-- -----------------------------------------------------------------------------
do $standin$
begin
  if not exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    -- plain Postgres usually runs with wal_level = replica; keep its
    -- "wal_level is insufficient" WARNING out of the output
    if current_setting('wal_level') <> 'logical' then
      perform set_config('client_min_messages', 'error', true);
    end if;
    create publication supabase_realtime;
  end if;
end
$standin$;
