-- Request bodies are bounded before PostgREST hands them to the database (issue 15, part 3: no 5xx from any input).
-- PostgREST 12 imposes no size on a body: it reads all of it and its statement parses all of it again (json_to_record
-- and json_to_recordset, for arguments and rows alike), so a body of 100 MB to any RPC, even anon's crisis_support,
-- ran into the statement timeout (57014, an HTTP 500) and held a connection of the pool for seconds. PostgREST runs its
-- pre-request function (db-pre-request, read from this role setting as on the platform) in the request's transaction
-- before the statement that carries the body: it refuses a body whose declared length (Content-Length, which
-- supabase-js and browsers always send) is over 2 MiB with 413 (PT413). A body sent in chunks declares no length and
-- passes: refusing those would refuse bodiless requests that proxies forward as an empty chunked body (the local
-- gateway does so for every POST and DELETE without a body), and whether the platform's gateway re-chunks bodies is
-- not something a migration can know.
--
-- The hook lives in a schema of its own: every API role (anon included) must be able to call it, and anon has no
-- usage on `private` (schema guard SG-06). The schema holds this function only and is not exposed.
--
-- crisis_support compared every helpline with upper() of the whole argument, row by row: it now reads a country code
-- only when it is two letters, and anything else gets the international helplines, as an unknown country does.

create schema if not exists api_guard;
comment on schema api_guard is
  'PostgREST''s request hooks (db-pre-request): checks every Data API request passes before its statement runs. Not exposed through the Data API.';
revoke all on schema api_guard from public;
grant usage on schema api_guard to anon, authenticated, service_role;

create function api_guard.check_request()
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  declared text := nullif(current_setting('request.headers', true), '')::json ->> 'content-length';
begin
  -- Digits only, as HTTP servers accept them; more than 2 MiB, or more digits than any real length, is too big.
  if declared is not null and (declared !~ '^[0-9]{1,12}$' or declared::bigint > 2097152) then
    raise exception 'A request body is at most 2 MiB' using errcode = 'PT413';
  end if;
end;
$$;
comment on function api_guard.check_request() is
  'PostgREST''s db-pre-request: refuses a request body whose Content-Length is over 2 MiB (PT413), before the statement that would parse it runs.';
revoke execute on function api_guard.check_request() from public;
grant execute on function api_guard.check_request() to anon, authenticated, service_role;

-- In-database configuration, as Supabase documents for db-pre-request; a running PostgREST reloads it on notify.
alter role authenticator set pgrst.db_pre_request = 'api_guard.check_request';
notify pgrst, 'reload config';

create or replace function public.crisis_support(country_code text default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'notice', 'HealSpace peer support is not a crisis service. If you are in danger or thinking about ending your life, please contact a helpline or your local emergency number now.',
    'helplines', coalesce((
      select jsonb_agg(jsonb_build_object('name', h.name, 'phone', h.phone, 'sms', h.sms, 'url', h.url, 'hours', h.hours)
                       order by h.country_code = 'ZZ', h.sort_order)
      from public.helplines as h
      -- octet_length first: it reads the length only, so a megabyte of input costs nothing.
      where h.country_code = (select upper(crisis_support.country_code)
                              where octet_length(crisis_support.country_code) = 2 and crisis_support.country_code ~ '^[A-Za-z]{2}$')
         or h.country_code = 'ZZ'
    ), '[]')
  );
$$;
comment on function public.crisis_support(text) is
  'The "not a crisis service" notice and the helplines for a country (two-letter ISO code; anything else reads as no country) plus the international fallback. Callable by anyone.';
