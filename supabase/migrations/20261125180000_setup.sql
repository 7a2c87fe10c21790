-- Setup: the ground every HealSpace migration stands on.
-- * `private` holds helpers and internal objects; it is not in the API's exposed schemas, so PostgREST never
--   serves it, and only the roles granted below may use what policies call from it.
-- * Functions are not executable by PUBLIC, anon or authenticated unless a migration grants them one by one
--   (Supabase's default privileges would otherwise expose every new function in `public` as an RPC).
-- * `private.set_updated_at()` is the one trigger function that keeps `updated_at` columns honest.

create schema if not exists private;
comment on schema private is
  'HealSpace internals: helper functions for policies and triggers, internal tables. Not exposed through the Data API.';
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- Supabase's default privileges grant the API roles execute on every new function in public (per schema, so a
-- per-schema revoke takes it back). PUBLIC's execute right is a global default that a per-schema statement cannot
-- remove, and a global revoke would also strip it from extensions installed later (pg_trgm, pgTAP…), so every
-- migration ends by revoking PUBLIC's execute on the functions it created; schema guard SG-04 checks it.
alter default privileges in schema public revoke execute on functions from anon, authenticated;

create function private.set_updated_at()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.set_updated_at() is
  'Trigger function: stamps updated_at with the transaction time on every update, whatever the client sent.';

-- Every paged RPC accepts 1..max rows a page and says so in one way.
create function private.check_page_size(page_size integer, max_page_size integer)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if page_size is null or page_size not between 1 and max_page_size then
    raise exception 'page_size must be between 1 and %', max_page_size using errcode = 'PT400';
  end if;
end;
$$;
comment on function private.check_page_size(integer, integer) is 'Raises 400 unless 1 <= page_size <= max_page_size.';

-- Keyset cursors are the last row's (created_at, id): both or neither.
create function private.check_keyset_cursor(before_created_at timestamptz, before_id uuid)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if (before_created_at is null) <> (before_id is null) then
    raise exception 'before_created_at and before_id go together' using errcode = 'PT400';
  end if;
end;
$$;
comment on function private.check_keyset_cursor(timestamptz, uuid) is 'Raises 400 when only half of a (created_at, id) cursor is given.';

revoke execute on all functions in schema private from public;
grant execute on function private.check_page_size(integer, integer) to authenticated, service_role;
grant execute on function private.check_keyset_cursor(timestamptz, uuid) to authenticated, service_role;
