-- Data rights, part two: deleting an account. The `account` edge function verifies the caller, removes their files
-- through the Storage API (which deletes the stored bytes, not just the rows), then calls private.delete_account
-- as the service role. Deleting the auth.users row cascades to everything of theirs (profile, public card);
-- the audit log keeps the fact of the deletion.

-- security definer: deletes from auth.users, which only the database owner and Supabase Auth may do; executable by
-- the service role alone, so only server code that has verified the caller can reach it.
create function private.delete_account(user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from auth.users as u where u.id = delete_account.user_id) then
    raise exception 'No such account' using errcode = 'PT404';
  end if;
  -- Rows without their bytes would be orphans in the bucket: the Storage API must have removed the files first.
  if exists (
    select 1 from storage.objects as o
    where o.bucket_id = 'avatars' and (storage.foldername(o.name))[1] = delete_account.user_id::text
  ) then
    raise exception 'The account still has files in Storage; remove them through the Storage API first' using errcode = 'PT409';
  end if;
  -- The person asked for it: they are the actor, though server code made the call.
  perform private.write_audit('account_deleted', delete_account.user_id, '{}', delete_account.user_id);
  delete from auth.users as u where u.id = delete_account.user_id;
end;
$$;
comment on function private.delete_account(uuid) is
  'Deletes an account and, by cascade, everything of theirs; refuses while Storage still holds their files. Service role only (the account function).';

revoke execute on all functions in schema private from public;
grant execute on function private.delete_account(uuid) to service_role;
