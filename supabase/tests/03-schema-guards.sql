-- Catalog guards over everything HealSpace owns (schemas public and private): cheap checks that catch drift
-- when a later migration forgets a rule. Each lists the offenders, so a failure names what to fix. SG-01 … SG-10.
begin;
select plan(10);

select is_empty($$
  select c.relname from pg_class as c
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity
$$, 'SG-01: every table in public has row level security enabled');

select is_empty($$
  select c.relname from pg_class as c
  where c.relnamespace = 'public'::regnamespace and c.relkind = 'v'
    and not coalesce('security_invoker=true' = any (c.reloptions) or 'security_invoker=on' = any (c.reloptions), false)
$$, 'SG-02: every view in public runs with the caller''s rights (security_invoker)');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc as p
  where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
    and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as setting where setting like 'search_path=%')
$$, 'SG-03: every function we own pins search_path');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc as p
  where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
    and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) as acl where acl.grantee = 0 and acl.privilege_type = 'EXECUTE'))
$$, 'SG-04: no function we own is executable by PUBLIC (each grant is explicit)');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc as p
  where p.pronamespace = 'private'::regnamespace and has_function_privilege('anon', p.oid, 'execute')
$$, 'SG-05: anon can execute nothing in private');

select ok(not has_schema_privilege('anon', 'private', 'usage'), 'SG-06: anon has no usage on the private schema');

select is_empty($$
  select c.relname from pg_class as c
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
    and obj_description(c.oid, 'pg_class') is null
$$, 'SG-07: every table and view in public is commented for Studio');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc as p
  where p.pronamespace = 'public'::regnamespace and p.prosecdef
    and (has_function_privilege('anon', p.oid, 'execute'))
$$, 'SG-08: no security definer function in the exposed schema is callable by anon');

select is_empty($$
  select c.relname || ' ' || event from pg_class as c
  cross join (values ('update', 4), ('insert', 8), ('delete', 16)) as e (event, bit)
  where c.relnamespace = 'public'::regnamespace and c.relkind = 'v' and (pg_relation_is_updatable(c.oid, true) & e.bit) = 0
$$, 'SG-09: every view in public takes or refuses (42501) every write: none reaches the rewriter''s 55000, a 500 through PostgREST');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc as p
  where p.pronamespace = 'public'::regnamespace and p.pronargs > p.pronargdefaults
    and not (p.pronargs = 1 and p.proargnames is null)
$$, 'SG-10: every parameter of the API''s functions has a default (a missing argument is a 400 naming it, not PostgREST''s "function not found")');

select * from finish();
rollback;
