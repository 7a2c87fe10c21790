-- Views are read-only for every API role. Supabase's default privileges grant the service role insert, update and
-- delete on every new relation, and simple views are automatically updatable: through my_profile or goal_overview the
-- service role could write the tables underneath in ways no code path intends (found by the RLS matrix). Writes go to
-- the tables (or RPCs) themselves; this takes the view grants back, for every view in public, now and in this batch.
do $views$
declare
  view_name text;
begin
  for view_name in select c.relname from pg_catalog.pg_class as c where c.relnamespace = 'public'::regnamespace and c.relkind = 'v' loop
    execute format('revoke insert, update, delete, truncate on table public.%I from anon, authenticated, service_role', view_name);
  end loop;
end
$views$;
