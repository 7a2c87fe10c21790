-- Profile pictures in Storage: a person writes only in their own folder of the avatars bucket; others see a picture
-- only while it is on the owner's public card. Rows are written as the Storage server writes them (as the caller,
-- with storage.allow_delete_query set for deletes). Threat ids: AV-01 … AV-16.
begin;
select plan(22);

select tests.create_supabase_user('owner', metadata => '{"firstName": "Olga"}');
select tests.create_supabase_user('stranger');
insert into storage.buckets (id, name) values ('elsewhere', 'elsewhere');

--- the bucket
select results_eq(
  $$select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'avatars'$$,
  $$values (false, 2097152::bigint, array['image/png', 'image/jpeg', 'image/webp'])$$,
  'AV-01: the avatars bucket is private, 2 MiB at most, PNG, JPEG or WebP (enforced by the Storage server)');

--- the owner
select tests.authenticate_as('owner');
select lives_ok(format($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', '%s/me.png', auth.uid()::text)$$, tests.get_supabase_uid('owner')),
  'AV-02: the owner uploads into their own folder');
select is((select avatar_path from public.profiles), tests.get_supabase_uid('owner') || '/me.png', 'AV-03: the upload becomes the profile''s avatar_path');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('avatars', '%s/me.png')$$, tests.get_supabase_uid('stranger')), '42501', null,
  'AV-04: nobody uploads into someone else''s folder');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('avatars', 'me.png')$$, '42501', null,
  'AV-05: nor outside any folder');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('avatars', '%s/deep/me.png')$$, tests.get_supabase_uid('owner')), '42501', null,
  'AV-06: nor in a sub-folder');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('avatars', '%s/me.svg')$$, tests.get_supabase_uid('owner')), '42501', null,
  'AV-07: nor with another extension than png, jpg, jpeg or webp');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('elsewhere', '%s/me.png')$$, tests.get_supabase_uid('owner')), '42501', null,
  'AV-08: nor into another bucket');

--- others
select tests.authenticate_as('stranger');
select results_eq($$select name from storage.objects where bucket_id = 'avatars'$$,
  format($$values ('%s/me.png'::text)$$, tests.get_supabase_uid('owner')),
  'AV-09: another signed-in person can read the picture on the owner''s public card');
select is_empty(format($$update storage.objects set name = '%s/stolen.png' where bucket_id = 'avatars' returning 1$$, tests.get_supabase_uid('stranger')),
  'AV-10: … but not move it');
select set_config('storage.allow_delete_query', 'true', true);
select is_empty($$delete from storage.objects where bucket_id = 'avatars' returning 1$$, 'AV-10: … nor delete it');

select tests.authenticate_as('owner');
select lives_ok(format($$insert into storage.objects (bucket_id, name) values ('avatars', '%s/old.jpg')$$, tests.get_supabase_uid('owner')),
  'AV-11: the owner uploads a second picture');
select tests.authenticate_as('stranger');
select results_eq($$select name from storage.objects where bucket_id = 'avatars'$$,
  format($$values ('%s/old.jpg'::text)$$, tests.get_supabase_uid('owner')),
  'AV-11: others now see only the current picture, not the replaced one');

reset role;
update public.profiles set anonymous_mode = true where id = tests.get_supabase_uid('owner');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from storage.objects where bucket_id = 'avatars'$$, 'AV-12: in anonymous mode nobody else can read the picture');
select tests.authenticate_as('owner');
select is((select count(*)::int from storage.objects where bucket_id = 'avatars'), 2, 'AV-13: the owner always reads their own pictures');

select tests.create_supabase_user('guest', is_anonymous => true);
reset role;
update public.profiles set anonymous_mode = false where id = tests.get_supabase_uid('owner');
select tests.authenticate_as('guest');
select is_empty($$select 1 from storage.objects where bucket_id = 'avatars'$$, 'AV-17: an anonymous sign-in cannot see other people''s pictures');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('avatars', '%s/me.png')$$, tests.get_supabase_uid('guest')), '42501', null,
  'AV-17: … nor upload any (free sessions are not free storage)');

select tests.clear_authentication();
select is_empty($$select 1 from storage.objects where bucket_id = 'avatars'$$, 'AV-14: anon reads no pictures');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('avatars', '%s/x.png')$$, tests.get_supabase_uid('owner')), '42501', null,
  'AV-14: anon uploads nothing');

--- deleting the current picture clears the path
select tests.authenticate_as('owner');
select set_config('storage.allow_delete_query', 'true', true);
select results_eq(format($$delete from storage.objects where name = '%s/old.jpg' returning name$$, tests.get_supabase_uid('owner')),
  format($$values ('%s/old.jpg'::text)$$, tests.get_supabase_uid('owner')), 'AV-15: the owner deletes their picture');
select is((select avatar_path from public.profiles), null, 'AV-15: … and the profile no longer points at it');
reset role;
select policies_are('storage', 'objects',
  array['storage_objects_select_own_or_shown', 'storage_objects_insert_own', 'storage_objects_update_own', 'storage_objects_delete_own'],
  'AV-16: storage.objects has exactly one policy per command (avatars and group covers)');

select * from finish();
rollback;
