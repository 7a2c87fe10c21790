-- Audit log: an append-only record of security-relevant changes, written by the database itself (triggers and
-- security definer functions call private.write_audit), readable by admins only, changed by nobody.
-- Sign-in attempts are not here: Supabase Auth keeps its own audit trail (auth.audit_log_entries, and the Auth logs
-- in the dashboard); see the README.

create table public.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  action text not null,
  actor_id uuid,
  actor_db_role text not null,
  subject_id uuid,
  details jsonb not null default '{}',
  constraint audit_log_action_check check (action in (
    'role_changed', 'account_deactivated', 'account_reactivated', 'privacy_changed', 'account_deleted',
    'moderation_read', 'chat_message_removed'
  )),
  constraint audit_log_details_object_check check (jsonb_typeof(details) = 'object')
);
comment on table public.audit_log is
  'Append-only audit of security-relevant changes (roles, privacy, deactivation, deletion, admin reads). Written only by the database; readable by admins; never updated or deleted.';
comment on column public.audit_log.action is 'What happened: role_changed, account_deactivated, account_reactivated, privacy_changed, account_deleted, moderation_read, chat_message_removed.';
comment on column public.audit_log.actor_id is 'auth.uid() of whoever caused it; null for the service role, the database owner or Supabase Auth.';
comment on column public.audit_log.actor_db_role is 'Who ran the statement: the API role from the token (authenticated, service_role), else the database login (postgres, supabase_auth_admin).';
comment on column public.audit_log.subject_id is 'The account the event is about. No foreign key: the record must outlive the account.';
comment on column public.audit_log.details is 'Which fields changed and to what, for settings and roles only. Never personal content (no names, notes or messages).';

create index audit_log_subject_id_occurred_at_idx on public.audit_log (subject_id, occurred_at desc);
create index audit_log_occurred_at_idx on public.audit_log (occurred_at desc);

alter table public.audit_log enable row level security;
revoke all on table public.audit_log from anon, authenticated, service_role;
grant select on table public.audit_log to authenticated, service_role;

create policy audit_log_select_admin on public.audit_log
  for select to authenticated
  using ((select private.caller_role()) = 'admin');

-- Append-only for everyone, the table owner included: no grant to write, and a trigger refusing change.
create function private.refuse_audit_log_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  raise exception 'The audit log is append-only' using errcode = '42501';
end;
$$;
comment on function private.refuse_audit_log_change() is 'Trigger: refuses update, delete and truncate of public.audit_log for every role.';

create trigger audit_log_refuse_update_delete
  before update or delete on public.audit_log
  for each row execute function private.refuse_audit_log_change();
create trigger audit_log_refuse_truncate
  before truncate on public.audit_log
  for each statement execute function private.refuse_audit_log_change();

-- security definer: triggers and functions running as the caller (authenticated) record events in a table the
-- caller may not write to.
create function private.write_audit(action text, subject_id uuid, details jsonb default '{}', actor_id uuid default auth.uid())
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.audit_log (action, actor_id, actor_db_role, subject_id, details)
  values (
    write_audit.action, write_audit.actor_id, coalesce(auth.jwt() ->> 'role', session_user::text), write_audit.subject_id,
    coalesce(write_audit.details, '{}')
  );
$$;
comment on function private.write_audit(text, uuid, jsonb, uuid) is
  'Appends one audit event, by default on behalf of auth.uid(). Security definer so that callers without write access can be audited.';

-- security definer: runs for the profile's owner or an admin, who may not call private.write_audit themselves
-- (nobody outside the database can append, so nobody can forge an event).
create function private.audit_profile_changes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  privacy_before jsonb := private.privacy_settings_json(old);
  privacy_after jsonb := private.privacy_settings_json(new);
begin
  if new.role is distinct from old.role then
    perform private.write_audit('role_changed', new.id, jsonb_build_object('from', old.role, 'to', new.role));
  end if;
  if new.is_active is distinct from old.is_active then
    perform private.write_audit(case when new.is_active then 'account_reactivated' else 'account_deactivated' end, new.id);
  end if;
  if privacy_after <> privacy_before then
    perform private.write_audit('privacy_changed', new.id, jsonb_build_object('changed', (
      select jsonb_object_agg(after.key, after.value)
      from jsonb_each(privacy_after) as after
      where after.value <> privacy_before -> after.key
    )));
  end if;
  return null;
end;
$$;
comment on function private.audit_profile_changes() is
  'Trigger on profiles: records role changes, (de)activation and privacy changes (the settings that changed and their new values).';

create trigger profiles_audit_changes
  after update on public.profiles
  for each row execute function private.audit_profile_changes();

revoke execute on all functions in schema private from public;
