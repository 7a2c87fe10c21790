-- The audit trail keeps privileged actions attributable after the actor's account is erased (issue 14, finding 10).
-- Erasure nulls actor_id, so an admin who deleted their own account left role changes and deactivations that nobody
-- could attribute any more. Every event now also records, when it is written:
--   actor_role  the actor's role (public.profiles.role) when they acted; null when no account acted (service role,
--               database owner, Supabase Auth: actor_db_role says which).
--   actor_ref   for an account acting on someone else's account or on shared data (today: the admin RPCs; the log
--               records no ordinary interaction between people), a pseudonymous reference to the actor:
--               hex(HMAC-SHA-256(account id, salt)), first 128 bits. Stable per actor, so one erased admin's actions
--               stay grouped and apart from another's; the id cannot be recovered from it without the salt, which
--               lives in private.audit_actor_salt where no API role can read it. Null when a person acted on their
--               own account (data minimisation: the person's own data goes with them).
-- Both are set by a trigger before insert from actor_id, overriding whatever the writer passed, so they cannot be forged;
-- erasure leaves them as they are (the append-only trigger now compares every column but the three erasure nulls or
-- rewrites), and nothing else may change them. The legal basis for keeping the reference is in the README (data rights).
--
-- The salt is drawn here (pgcrypto's gen_random_bytes, 32 bytes) once per database: every environment, the hosted
-- project included, gets its own at `supabase db push`; it is never in the repository. It never changes (a trigger
-- refuses it): a new salt would split every actor's trail in two. With the salt and an account id obtained elsewhere
-- (a legal process, the person's own records), an operator can confirm which reference is theirs; without a
-- candidate id, nothing.
--
-- Existing rows are backfilled: actor_role 'admin' for events only an admin could cause through the API (their actor
-- already erased or not), else the actor's current role; actor_ref for actors that still exist and acted on others.
-- The references of actors erased before this migration are lost: there is nothing left to compute them from.
--
-- Security definer functions in this migration: none. Only the table owner inserts into public.audit_log (through
-- private.write_audit, itself security definer), so the insert trigger runs as the owner, who may read the salt.

create table private.audit_actor_salt (
  id boolean primary key default true,
  salt bytea not null default extensions.gen_random_bytes(32),
  created_at timestamptz not null default now(),
  constraint audit_actor_salt_single_row_check check (id),
  constraint audit_actor_salt_length_check check (octet_length(salt) >= 32)
);
comment on table private.audit_actor_salt is
  'The secret key of the audit log''s actor references (public.audit_log.actor_ref): one row, drawn at migration, never changed. No API role may read it.';
comment on column private.audit_actor_salt.salt is 'HMAC-SHA-256 key: 32 random bytes. Whoever holds it can test a candidate account id against a reference.';
alter table private.audit_actor_salt enable row level security;
revoke all on table private.audit_actor_salt from public, anon, authenticated, service_role;
insert into private.audit_actor_salt default values;

create function private.refuse_audit_actor_salt_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  raise exception 'The audit actor salt never changes' using errcode = '42501';
end;
$$;
comment on function private.refuse_audit_actor_salt_change() is
  'Trigger: refuses update, delete and truncate of private.audit_actor_salt (a new salt would split every actor''s audit trail in two).';

create trigger audit_actor_salt_refuse_update_delete
  before update or delete on private.audit_actor_salt
  for each row execute function private.refuse_audit_actor_salt_change();
create trigger audit_actor_salt_refuse_truncate
  before truncate on private.audit_actor_salt
  for each statement execute function private.refuse_audit_actor_salt_change();

-- Executable by the owner only: granted to anyone who can read the audit log, it would be an oracle linking any
-- candidate account id to its reference.
create function private.audit_actor_ref(actor_id uuid)
returns text
language sql
stable
security invoker
set search_path = ''
as $$
  select left(encode(extensions.hmac(convert_to(audit_actor_ref.actor_id::text, 'UTF8'), s.salt, 'sha256'), 'hex'), 32)
  from private.audit_actor_salt as s
  where audit_actor_ref.actor_id is not null;
$$;
comment on function private.audit_actor_ref(uuid) is
  'The audit log''s pseudonymous reference to an account: hex of HMAC-SHA-256(id, salt), first 128 bits. Owner only (anyone else could use it to link ids to references).';

alter table public.audit_log
  add column actor_role public.app_role,
  add column actor_ref text,
  add constraint audit_log_actor_ref_format_check check (actor_ref ~ '^[0-9a-f]{32}$');
comment on column public.audit_log.actor_role is
  'The actor''s role (client, therapist, admin) when they acted; kept when the account is erased. Null when no account acted (see actor_db_role).';
comment on column public.audit_log.actor_ref is
  'Pseudonymous reference to an actor who acted on someone else (their account or data): the same for all of one actor''s events, kept when the account is erased, the id not recoverable from it. Null for a person acting on their own account.';
comment on column public.audit_log.actor_id is
  'auth.uid() of whoever caused it; null for the service role, the database owner or Supabase Auth, and once the account is erased (actor_role and actor_ref remain).';

create index audit_log_actor_ref_occurred_at_idx on public.audit_log (actor_ref, occurred_at desc) where actor_ref is not null;

-- Before insert: the actor's role and reference come from actor_id and the database, never from the writer.
create function private.attribute_audit_actor()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  new.actor_role := (select p.role from public.profiles as p where p.id = new.actor_id);
  new.actor_ref := case
    when new.actor_id is not null and new.subject_id is distinct from new.actor_id then private.audit_actor_ref(new.actor_id)
  end;
  return new;
end;
$$;
comment on function private.attribute_audit_actor() is
  'Trigger before insert on public.audit_log: sets actor_role (the actor''s current role) and actor_ref (for an actor acting on anyone or anything but their own account), overriding any value given.';

create trigger audit_log_attribute_actor
  before insert on public.audit_log
  for each row execute function private.attribute_audit_actor();

-- Erasure may null ids and rewrite strings in details; every other column, actor_role and actor_ref included (and any
-- column added later), must stay as it was.
create or replace function private.refuse_audit_log_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
declare
  erased_account uuid;
  erasable constant text[] := array['actor_id', 'subject_id', 'details'];
begin
  if tg_op = 'UPDATE' and current_setting('healspace.erasing_account', true) ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    erased_account := current_setting('healspace.erasing_account', true)::uuid;
    if not exists (select 1 from auth.users as u where u.id = erased_account)
       and (to_jsonb(new) - erasable) = (to_jsonb(old) - erasable)
       and (new.actor_id is not distinct from old.actor_id or (old.actor_id = erased_account and new.actor_id is null))
       and (new.subject_id is not distinct from old.subject_id or (old.subject_id = erased_account and new.subject_id is null))
       and private.jsonb_is_erasure_of(old.details, new.details) then
      return new;
    end if;
  end if;
  raise exception 'The audit log is append-only' using errcode = '42501';
end;
$$;
comment on function private.refuse_audit_log_change() is
  'Trigger: refuses update, delete and truncate of public.audit_log for every role, except the anonymisation of a deleted account (ids to null, strings to "[erased]"; actor_role, actor_ref and every other column unchanged) by private.anonymise_audit_of_deleted_account.';

-- Backfill, once, with the append-only trigger held off for this statement only (the migration runs as the owner, in
-- one transaction: nobody sees the log without it).
alter table public.audit_log disable trigger audit_log_refuse_update_delete;
update public.audit_log as a
set actor_role = case
      when a.actor_db_role = 'authenticated'
       and a.action in ('role_changed', 'account_deactivated', 'account_reactivated', 'moderation_read', 'chat_message_removed')
        then 'admin'::public.app_role
      else (select p.role from public.profiles as p where p.id = a.actor_id)
    end,
    actor_ref = case
      when a.actor_id is not null and a.subject_id is distinct from a.actor_id then private.audit_actor_ref(a.actor_id)
    end
where a.actor_id is not null or a.actor_db_role = 'authenticated';
alter table public.audit_log enable trigger audit_log_refuse_update_delete;

revoke execute on all functions in schema private from public;
