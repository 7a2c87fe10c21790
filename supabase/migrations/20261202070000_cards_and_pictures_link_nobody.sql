-- Public cards and pictures that link nobody (issue 14, findings 3 and 5).
-- * Profile pictures are no longer stored under <account id>/<file>: each upload is named <random uuid>.<ext> at the
--   top of the avatars bucket and belongs to its uploader through storage.objects.owner_id, which the Storage server
--   sets from the token (https://supabase.com/docs/guides/storage/security/ownership). A card, and a therapist's view
--   of a client, show that name: nothing in it is the account id or stable across uploads. Pictures uploaded under the
--   old scheme stay the owner's (they read, export and delete them) but are never published again: their owners
--   upload anew to show a picture.
-- * Turning anonymous mode on (or off) used to rewrite the card in place: one card vanished and the other appeared
--   in the same moment, with the same interests. Now a new public identity is listed only from the next full hour,
--   with that hour as its updated_at (so every identity that changed within the hour appears together), and the
--   pseudonymous card carries no interests. The person sees their own card at once.
--
-- Security definer functions: the replaced ones keep their reasons (public_profiles and avatars migrations).

create function private.is_avatar_object_name(object_name text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select coalesce(object_name ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.(png|jpg|jpeg|webp)$', false);
$$;
comment on function private.is_avatar_object_name(text) is
  'True for a profile picture''s object name as uploads must be named: <random v4 uuid, lower case>.<png|jpg|jpeg|webp>, no folder.';

-- Whose picture an object is: its uploader (owner_id), or, for pictures of the old scheme, the folder's account.
create function private.is_avatar_of(object_name text, object_owner_id text, person_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select object_owner_id = person_id::text
      or (array_length(storage.foldername(object_name), 1) = 1 and (storage.foldername(object_name))[1] = person_id::text);
$$;
comment on function private.is_avatar_of(text, text, uuid) is
  'True when an avatars object belongs to the person: uploaded by them, or in their folder under the old <account id>/<file> scheme.';

alter table public.profiles drop constraint profiles_avatar_path_own_folder_check;
alter table public.profiles add constraint profiles_avatar_path_check
  check (private.is_avatar_object_name(avatar_path) or avatar_path like id::text || '/%');
comment on column public.profiles.avatar_path is
  'Object name of the current profile picture in the avatars bucket (<random uuid>.<ext>; <account id>/<file> for pictures of the old scheme, never published); maintained by the avatars trigger on storage.objects.';

alter table private.profile_cards add column listed_from timestamptz not null default now();
comment on column private.profile_cards.listed_from is
  'When others may see this card: at once for a first card, from the next full hour for a new public identity (anonymous mode changed), so that vanishing and appearing cards cannot be paired.';
comment on column private.profile_cards.updated_at is 'When something others see last changed; never before listed_from.';
create index profile_cards_listed_from_idx on private.profile_cards (listed_from);

drop policy profile_cards_select_browsers on private.profile_cards;
create policy profile_cards_select_browsers on private.profile_cards
  for select to authenticated
  using ((select private.caller_may_browse_people()) and (listed_from <= now() or profile_id = (select auth.uid())));

-- (private.refresh_profile_card: as this change leaves it, in 20261202090000_identity_listing_and_card_flags.)
-- Cards already published lose what they must not show: pictures named by account, interests in anonymous mode.
update private.profile_cards as c set avatar_path = null, updated_at = now()
where c.avatar_path is not null and not private.is_avatar_object_name(c.avatar_path);
update private.profile_cards as c set interests = null, updated_at = now() where c.is_pseudonym and c.interests is not null
  and exists (select 1 from public.profiles as p where p.id = c.profile_id and p.anonymous_mode);

-- Uploads: <random uuid>.<ext>, owned by the uploader; the old folders only for reading and deleting what is there.
drop policy storage_objects_select_own_or_shown on storage.objects;
drop policy storage_objects_insert_own on storage.objects;
drop policy storage_objects_update_own on storage.objects;
drop policy storage_objects_delete_own on storage.objects;

create policy storage_objects_select_own_or_shown on storage.objects
  for select to authenticated
  using (
    (bucket_id = 'avatars' and (
      private.is_avatar_of(name, owner_id, (select auth.uid()))
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
    and ((bucket_id = 'avatars' and owner_id = (select auth.uid())::text and private.is_avatar_object_name(name))
         or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)))
  );

create policy storage_objects_update_own on storage.objects
  for update to authenticated
  using ((bucket_id = 'avatars' and owner_id = (select auth.uid())::text and private.is_avatar_object_name(name))
         or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)))
  with check ((bucket_id = 'avatars' and owner_id = (select auth.uid())::text and private.is_avatar_object_name(name))
              or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)));

create policy storage_objects_delete_own on storage.objects
  for delete to authenticated
  using ((bucket_id = 'avatars' and private.is_avatar_of(name, owner_id, (select auth.uid())))
         or (bucket_id = 'group-covers' and private.is_moderated_cover_object(name)));

-- The newest picture a person uploads becomes their avatar_path; deleting or moving it clears the path.
-- security definer: Storage writes objects as the uploader, who has no write access to profiles.avatar_path.
create or replace function private.sync_avatar_path()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.bucket_id = 'avatars' then
    update public.profiles as p set avatar_path = null where p.avatar_path = old.name;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.bucket_id = 'avatars' and private.is_avatar_object_name(new.name)
     and new.owner_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    update public.profiles as p set avatar_path = new.name where p.id = new.owner_id::uuid;
  end if;
  return null;
end;
$$;
comment on function private.sync_avatar_path() is
  'Trigger on storage.objects: the newest picture a person uploads (<uuid>.<ext>, owner_id theirs) becomes profiles.avatar_path; deleting or moving it clears the path.';

-- The caller's pictures, whichever scheme they were uploaded under (export, account deletion).
create function private.avatar_objects_of_caller()
returns table (name text, created_at timestamptz, metadata jsonb)
language sql
stable
security invoker
set search_path = ''
as $$
  select o.name, o.created_at, o.metadata from storage.objects as o
  where o.bucket_id = 'avatars' and private.is_avatar_of(o.name, o.owner_id, (select auth.uid()));
$$;
comment on function private.avatar_objects_of_caller() is 'The caller''s profile pictures in the avatars bucket (read under their RLS).';

create or replace function private.export_identity()
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
      from private.avatar_objects_of_caller() as o
    ),
    'auditEvents', private.audit_events_about_caller()
  );
$$;

create or replace function private.delete_account(user_id uuid)
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
    where o.bucket_id = 'avatars' and private.is_avatar_of(o.name, o.owner_id, delete_account.user_id)
  ) then
    raise exception 'The account still has files in Storage; remove them through the Storage API first' using errcode = 'PT409';
  end if;
  delete from auth.users as u where u.id = delete_account.user_id;
end;
$$;

revoke execute on all functions in schema private from public;
grant execute on function private.is_avatar_object_name(text) to authenticated, service_role;
grant execute on function private.is_avatar_of(text, text, uuid) to authenticated, service_role;
grant execute on function private.avatar_objects_of_caller() to authenticated;
