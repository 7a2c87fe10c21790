-- The data export in the API's one shape (issue 16): camelCase keys at every depth. The export is assembled from
-- table rows (`to_jsonb(row)`), whose keys are the database's column names; it is the only answer built that way, so
-- its keys are renamed once, at the end, rather than in each of its parts.

create function private.camel_case(key text)
returns text
language sql
immutable
set search_path = ''
as $$
  -- Only snake_case keys change: a key with capitals, digits first or no underscore is left as it is.
  select case when key ~ '^[a-z][a-z0-9]*(_[a-z0-9]+)+$'
              then (select string_agg(case when n = 1 then part else upper(left(part, 1)) || substr(part, 2) end, '' order by n)
                    from unnest(string_to_array(key, '_')) with ordinality as word (part, n))
              else key end;
$$;
comment on function private.camel_case(text) is 'snake_case to camelCase (the export''s keys); any other key unchanged.';

create function private.camel_case_keys(document jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case jsonb_typeof(document)
    when 'object' then (select coalesce(jsonb_object_agg(private.camel_case(entry.key), private.camel_case_keys(entry.value)), '{}')
                        from jsonb_each(document) as entry)
    when 'array' then (select coalesce(jsonb_agg(private.camel_case_keys(item.value) order by item.position), '[]')
                       from jsonb_array_elements(document) with ordinality as item (value, position))
    else document end;
$$;
comment on function private.camel_case_keys(jsonb) is 'The document with every snake_case key camelCased, at every depth (values untouched).';

revoke execute on function private.camel_case(text), private.camel_case_keys(jsonb) from public, anon;
grant execute on function private.camel_case(text), private.camel_case_keys(jsonb) to authenticated, service_role;

create or replace function public.export_my_data()
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.camel_case_keys(
    private.export_identity() || private.export_wellbeing() || private.export_chat() || private.export_therapy()
    || private.export_groups() || private.export_notifications());
$$;
