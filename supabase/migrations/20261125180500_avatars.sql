-- Profile pictures (the seed's POST /upload/profile-picture): a private Storage bucket, one folder per person.
-- * Objects live at avatars/<user id>/<file>.<png|jpg|jpeg|webp>; a person writes only in their own folder.
-- * Reading: the owner always; others only the picture currently on the owner's public card, and only if they may
--   browse people at all (the cards' policy), so a person in anonymous mode, deactivated, or who replaced a picture
--   exposes nothing. The bucket is not public; clients show pictures through short-lived signed URLs (a signed URL
--   outlives a later change of mind for as long as it was signed for, so keep them to minutes).
-- * Size (2 MiB) and types (PNG, JPEG, WebP) are enforced by the Storage server from the bucket row below, which
--   config.toml's [storage.buckets.avatars] mirrors for `supabase start`; the policies also refuse other extensions.
-- * profiles.avatar_path follows the uploads: the newest object in the person's folder is their picture; deleting it
--   clears the path.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('avatars', 'avatars', false, 2097152, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update set
  public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

-- The owner's folder and an allowed extension, one level deep: the rule shared by insert, update and delete.
create function private.is_own_avatar_object(object_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select array_length(storage.foldername(object_name), 1) = 1
     and (storage.foldername(object_name))[1] = (select auth.uid())::text
     and lower(storage.extension(object_name)) in ('png', 'jpg', 'jpeg', 'webp');
$$;
comment on function private.is_own_avatar_object(text) is
  'True when the object name is <caller''s id>/<file> with a picture extension. Used by the avatars policies.';
grant execute on function private.is_own_avatar_object(text) to authenticated;

create policy avatars_select_own_or_on_public_card on storage.objects
  for select to authenticated
  using (
    bucket_id = 'avatars'
    and (
      (storage.foldername(name))[1] = (select auth.uid())::text
      or exists (select 1 from private.profile_cards as card where card.avatar_path = objects.name)
    )
  );

-- Anonymous sign-ins upload nothing: their pictures would never be shown, and free sessions must not be free storage.
create policy avatars_insert_own on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'avatars' and private.is_own_avatar_object(name)
    and coalesce(((select auth.jwt()) ->> 'is_anonymous')::boolean, false) = false
  );

create policy avatars_update_own on storage.objects
  for update to authenticated
  using (bucket_id = 'avatars' and private.is_own_avatar_object(name))
  with check (bucket_id = 'avatars' and private.is_own_avatar_object(name));

create policy avatars_delete_own on storage.objects
  for delete to authenticated
  using (bucket_id = 'avatars' and private.is_own_avatar_object(name));

-- security definer: Storage writes objects as the uploader, who has no write access to profiles.avatar_path.
create function private.sync_avatar_path()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.bucket_id = 'avatars' then
    update public.profiles as p set avatar_path = null where p.avatar_path = old.name;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.bucket_id = 'avatars' then
    update public.profiles as p set avatar_path = new.name
    where p.id::text = (storage.foldername(new.name))[1] and array_length(storage.foldername(new.name), 1) = 1;
  end if;
  return null;
end;
$$;
comment on function private.sync_avatar_path() is
  'Trigger on storage.objects: the newest picture in a person''s avatars folder becomes profiles.avatar_path; deleting or moving it clears the path.';

create trigger avatars_sync_profile_avatar_path
  after insert or update of name, bucket_id or delete on storage.objects
  for each row execute function private.sync_avatar_path();

revoke execute on all functions in schema private from public;
grant execute on function private.is_own_avatar_object(text) to authenticated;
