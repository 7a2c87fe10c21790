-- README's upserts work through PostgREST (issue 15, found by tests/e2e/data-api-notifications.e2e.test.ts and
-- tests/e2e/data-api-therapy.e2e.test.ts, which call them with supabase-js against the real PostgREST).
-- PostgREST turns `upsert(row)` into INSERT … ON CONFLICT (<primary key>) DO UPDATE SET <each column sent> =
-- EXCLUDED.<column>, so the key columns the call sends are in the SET list, and Postgres wants UPDATE on every column
-- there, even when no row conflicts. notification_preferences granted update on (push, in_app) only and
-- therapist_session_notes on (body) only, so `from('notification_preferences').upsert({ type, push, in_app })` and
-- `from('therapist_session_notes').upsert({ session_id, body })`, exactly as README documents them, were refused with
-- 403 (42501) every time, the first time included.
-- Granting update on the key column makes them work. A trigger keeps the key from changing (the upsert sets it to
-- itself, which is no change): a preference stays the choice for one type (notification_preferences_cancel_jobs
-- acts on the type a push is turned off for) and a note stays on the session it was written about.

create function private.refuse_key_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if to_jsonb(new) -> tg_argv[0] is distinct from to_jsonb(old) -> tg_argv[0] then
    raise exception '%', tg_argv[1] using errcode = 'PT400';
  end if;
  return new;
end;
$$;
comment on function private.refuse_key_change() is
  'Trigger (before update of the key column): refuses a change of the column named by the first argument with 400 and the message in the second; setting it to itself, as a PostgREST upsert does, passes.';
revoke execute on function private.refuse_key_change() from public;

grant update (type) on table public.notification_preferences to authenticated;
create trigger notification_preferences_type_is_fixed
  before update of type on public.notification_preferences
  for each row execute function private.refuse_key_change('type', 'A preference''s type does not change: upsert the type you mean');

grant update (session_id) on table public.therapist_session_notes to authenticated;
create trigger therapist_session_notes_session_is_fixed
  before update of session_id on public.therapist_session_notes
  for each row execute function private.refuse_key_change('session_id', 'A note stays on its session: write a note on the other session instead');
