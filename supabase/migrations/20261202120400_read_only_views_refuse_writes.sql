-- A write to a view that takes none was a 500 (issue 16's review of the new views): Postgres's rewriter refuses a
-- write to a view that is neither simple nor given INSTEAD OF triggers with 55000 ("cannot insert into view"), before
-- privileges are checked, and PostgREST answers 55000 with a 500, to anon as to anyone. Each such view now has a
-- refusing INSTEAD OF trigger for every event it does not take, so Postgres checks privileges first and the answer is
-- 42501 (401 for anon, 403 for a signed-in person), as for any table the caller may not write. The trigger itself
-- runs only if a grant is ever added without a real write path, and refuses then too. 03-schema-guards.sql keeps
-- every view of public writable-or-refusing for every event (SG-16), so a new view cannot bring the 500 back.

create function private.refuse_view_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% does not take %s', tg_table_name, lower(tg_op) using errcode = '42501';
end;
$$;
comment on function private.refuse_view_write() is
  'INSTEAD OF trigger of the events a view of the API does not take: 42501 rather than the rewriter''s 55000 (a 500 through PostgREST).';
revoke execute on function private.refuse_view_write() from public, anon, authenticated;

do $views$
declare
  view_row record;
  event text;
begin
  for view_row in
    select c.oid, c.relname from pg_catalog.pg_class as c
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'v'
  loop
    foreach event in array array['insert', 'update', 'delete'] loop
      -- pg_relation_is_updatable's bits (with triggers counted): update 4, insert 8, delete 16.
      if (pg_catalog.pg_relation_is_updatable(view_row.oid, true)
          & (case event when 'update' then 4 when 'insert' then 8 else 16 end)) = 0 then
        execute format('create trigger %I instead of %s on public.%I for each row execute function private.refuse_view_write()',
                       view_row.relname || '_refuse_' || event, event, view_row.relname);
      end if;
    end loop;
  end loop;
end
$views$;
