-- Optional group cover images in Storage: a private bucket (2 MiB; PNG, JPEG, WebP), one folder per group
-- (group-covers/<group id>/<file>), written by the group's moderators, readable by everyone who may browse groups
-- while it is the group's current cover. support_groups.cover_path follows uploads, as profiles.avatar_path does.
-- storage.objects now serves two buckets; Postgres evaluates every permissive policy of a command, so each command
-- gets one policy covering both buckets (one policy per command and role, as the advisor expects).

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('group-covers', 'group-covers', false, 2097152, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update set
  public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

alter table public.support_groups add column cover_path text;
alter table public.support_groups add constraint support_groups_cover_path_own_folder_check check (cover_path like id::text || '/%');
comment on column public.support_groups.cover_path is 'Object name of the current cover in the group-covers bucket, under the group''s folder; maintained by the covers trigger on storage.objects.';
grant select (cover_path) on table public.support_groups to authenticated;

-- A group's folder and a picture extension, one level deep, for the group's moderators (or admins).
create function private.is_moderated_cover_object(object_name text)
returns boolean
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  folder text[] := storage.foldername(object_name);
begin
  if array_length(folder, 1) is distinct from 1 or lower(storage.extension(object_name)) not in ('png', 'jpg', 'jpeg', 'webp')
     or folder[1] !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return false;
  end if;
  return private.caller_moderates_group(folder[1]::uuid);
end;
$$;
comment on function private.is_moderated_cover_object(text) is 'True when the object is <group id>/<picture> of a group the caller moderates.';
grant execute on function private.is_moderated_cover_object(text) to authenticated;

drop policy avatars_select_own_or_on_public_card on storage.objects;
drop policy avatars_insert_own on storage.objects;
drop policy avatars_update_own on storage.objects;
drop policy avatars_delete_own on storage.objects;

create policy storage_objects_select_own_or_shown on storage.objects
  for select to authenticated
  using (
    (bucket_id = 'avatars' and (
      (storage.foldername(name))[1] = (select auth.uid())::text
      or exists (select 1 from private.profile_cards as card where card.avatar_path = objects.name)))
    or (bucket_id = 'group-covers' and (
      private.is_moderated_cover_object(name)
      or exists (select 1 from public.support_groups as g where g.cover_path = objects.name)))
  );

-- Anonymous sign-ins upload nothing: their pictures would never be shown, and free sessions must not be free storage.
create policy storage_objects_insert_own on storage.objects
  for insert to authenticated
  with check (
    coalesce(((select auth.jwt()) ->> 'is_anonymous')::boolean, false) = false
    and ((bucket_id = 'avatars' and private.is_own_avatar_object(name))
         or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)))
  );

create policy storage_objects_update_own on storage.objects
  for update to authenticated
  using ((bucket_id = 'avatars' and private.is_own_avatar_object(name)) or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)))
  with check ((bucket_id = 'avatars' and private.is_own_avatar_object(name)) or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)));

create policy storage_objects_delete_own on storage.objects
  for delete to authenticated
  using ((bucket_id = 'avatars' and private.is_own_avatar_object(name)) or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)));

create index support_groups_cover_path_idx on public.support_groups (cover_path) where cover_path is not null;

-- security definer: moderators upload through Storage, which writes objects as them; cover_path is not theirs to write.
create function private.sync_group_cover_path()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.bucket_id = 'group-covers' then
    update public.support_groups as g set cover_path = null where g.cover_path = old.name;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.bucket_id = 'group-covers' then
    update public.support_groups as g set cover_path = new.name
    where g.id::text = (storage.foldername(new.name))[1] and array_length(storage.foldername(new.name), 1) = 1;
  end if;
  return null;
end;
$$;
comment on function private.sync_group_cover_path() is 'Trigger on storage.objects: the newest picture in a group''s folder becomes its cover; deleting or moving it clears cover_path.';
create trigger group_covers_sync_cover_path
  after insert or update of name, bucket_id or delete on storage.objects
  for each row execute function private.sync_group_cover_path();

revoke execute on all functions in schema private from public;
grant execute on function private.is_moderated_cover_object(text) to authenticated;
