-- Data rights, part one: a person can download everything HealSpace holds about them as one JSON document
-- (supabase.rpc('export_my_data')). Each later domain adds its section here. Account deletion is the
-- `account` edge function.

-- security definer: audit events are readable by admins only, but the events about a person are theirs to see.
-- The acting admin's id is left out; only whether it was the person themselves.
create function private.audit_events_about_caller()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
    'occurredAt', a.occurred_at, 'action', a.action, 'bySelf', a.actor_id is not distinct from a.subject_id, 'details', a.details
  ) order by a.occurred_at, a.id), '[]')
  from public.audit_log as a
  where a.subject_id = auth.uid();
$$;
comment on function private.audit_events_about_caller() is
  'The caller''s own audit events for their data export, without the ids of admins who acted.';

-- Each domain contributes one section builder; export_my_data joins them. security invoker: everything is read under
-- the caller's own RLS, so the export cannot contain anyone else's data.
create function private.export_identity()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'format', 'healspace-export/1',
    'exportedAt', now(),
    'userId', auth.uid(),
    'profile', (select to_jsonb(mine) from public.my_profile as mine),
    'publicCard', (
      select to_jsonb(card) from public.public_profiles as card
      where card.id = (select p.public_id from public.profiles as p where p.id = (select auth.uid()))
    ),
    'avatars', (
      select coalesce(jsonb_agg(jsonb_build_object('name', o.name, 'createdAt', o.created_at, 'size', o.metadata -> 'size',
                                                   'mimetype', o.metadata -> 'mimetype') order by o.created_at), '[]')
      from storage.objects as o
      where o.bucket_id = 'avatars' and (storage.foldername(o.name))[1] = (select auth.uid())::text
    ),
    'auditEvents', private.audit_events_about_caller()
  );
$$;
comment on function private.export_identity() is 'Data export section: profile, public card, avatar objects, audit events about the caller.';
grant execute on function private.export_identity() to authenticated;

create function public.export_my_data()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.export_identity();
$$;
comment on function public.export_my_data() is
  'Data export: everything HealSpace holds about the caller as one JSON document, section by domain. Runs under the caller''s RLS.';

revoke execute on all functions in schema private from public;
revoke execute on function public.export_my_data() from public, anon;
grant execute on function public.export_my_data() to authenticated;
grant execute on function private.audit_events_about_caller() to authenticated;
