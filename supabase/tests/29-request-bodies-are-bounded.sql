-- Hostile input through PostgREST (issue 15, part 3): a request body is bounded before the statement that parses it
-- runs. PostgREST calls its db-pre-request, api_guard.check_request(), in the request's transaction with
-- request.headers set; it refuses a body whose Content-Length is over 2 MiB (PT413, HTTP 413) and lets bodies without
-- a declared length pass (proxies forward bodiless requests as empty chunked bodies); every API role may call it, and
-- its schema holds nothing else. crisis_support reads a country only from two letters.
-- Threat ids: RB-01 … RB-09. (tests/e2e/data-api-hostile.e2e.test.ts sends the same requests through real PostgREST.)
begin;
select plan(12);

select is(
  (select s.setting from pg_db_role_setting as d cross join unnest(d.setconfig) as s (setting)
   where d.setrole = 'authenticator'::regrole and d.setdatabase = 0 and s.setting like 'pgrst.db_pre_request=%'),
  'pgrst.db_pre_request=api_guard.check_request',
  'RB-01: PostgREST''s in-database configuration names the hook (as on the platform, where it reads the same setting)');

select ok(
  has_function_privilege('anon', 'api_guard.check_request()', 'execute') and has_schema_privilege('anon', 'api_guard', 'usage')
  and has_function_privilege('authenticated', 'api_guard.check_request()', 'execute')
  and has_function_privilege('service_role', 'api_guard.check_request()', 'execute'),
  'RB-02: every API role may run the hook (a role that could not would have every request refused)');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc as p where p.pronamespace = 'api_guard'::regnamespace and p.proname <> 'check_request'
  union all
  select c.relname from pg_class as c where c.relnamespace = 'api_guard'::regnamespace
  union all
  select p.oid::regprocedure::text from pg_proc as p
  where p.pronamespace = 'api_guard'::regnamespace
    and (p.prosecdef or p.proacl is null or exists (select 1 from aclexplode(p.proacl) as acl where acl.grantee = 0)
         or not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as setting where setting like 'search_path=%'))
$$, 'RB-03: the hook''s schema holds the hook only: invoker rights, search_path pinned, nothing for PUBLIC');

-- As PostgREST runs it: the request's role, with request.headers set for the transaction.
set local role anon;
select set_config('request.headers', '{"content-length": "2097152", "content-type": "application/json"}', true);
select lives_ok('select api_guard.check_request()', 'RB-04: a body of exactly 2 MiB passes');
select set_config('request.headers', '{"content-length": "2097153"}', true);
select throws_ok('select api_guard.check_request()', 'PT413', 'A request body is at most 2 MiB', 'RB-05: one byte more is refused with PT413 (HTTP 413)');
select set_config('request.headers', '{"content-length": "100000000000000000000000"}', true);
select throws_ok('select api_guard.check_request()', 'PT413', null, 'RB-05: … and so is a length of more digits than any body');
select set_config('request.headers', '{"content-length": "-1"}', true);
select throws_ok('select api_guard.check_request()', 'PT413', null, 'RB-05: … and a length that is no number');
select set_config('request.headers', '{"transfer-encoding": "chunked"}', true);
select lives_ok('select api_guard.check_request()', 'RB-06: a body sent in chunks declares no length and passes (as a bodiless request a proxy forwards so)');
select set_config('request.headers', '{"accept": "application/json"}', true);
select lives_ok('select api_guard.check_request()', 'RB-07: a request without a body passes');
select set_config('request.headers', '', true);
select lives_ok('select api_guard.check_request()', 'RB-07: … and so does a transaction without request headers (not from PostgREST)');
reset role;

select is(jsonb_array_length(public.crisis_support(repeat('us', 1000000)) -> 'helplines'), jsonb_array_length(public.crisis_support(null) -> 'helplines'),
  'RB-08: crisis_support reads two megabytes of country as no country: the international helplines, at once');
select ok(jsonb_array_length(public.crisis_support('us') -> 'helplines') > jsonb_array_length(public.crisis_support('USA') -> 'helplines'),
  'RB-09: a two-letter code in any case still finds its country''s helplines');

select * from finish();
rollback;
