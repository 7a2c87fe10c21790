-- Profile pictures in Storage: each upload is <random uuid>.<ext> at the top of the avatars bucket, owned by its
-- uploader (owner_id, which the Storage server sets from the token); no object name carries an account id. Others see
-- a picture only while it is on the owner's public card. Rows are written as the Storage server writes them (as the
-- caller, owner_id from the token, storage.allow_delete_query set for deletes). Threat ids: AV-01 … AV-20.
begin;
select plan(29);

select tests.create_supabase_user('owner', metadata => '{"firstName": "Olga"}');
select tests.create_supabase_user('stranger');
insert into storage.buckets (id, name) values ('elsewhere', 'elsewhere');
select set_config('av.me', gen_random_uuid() || '.png', true);
select set_config('av.old', gen_random_uuid() || '.jpg', true);

--- the bucket
select results_eq(
  $$select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'avatars'$$,
  $$values (false, 2097152::bigint, array['image/png', 'image/jpeg', 'image/webp'])$$,
  'AV-01: the avatars bucket is private, 2 MiB at most, PNG, JPEG or WebP (enforced by the Storage server)');

--- the owner
select tests.authenticate_as('owner');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', current_setting('av.me'), auth.uid()::text)$$,
  'AV-02: the owner uploads a picture named by a random uuid');
select is((select avatar_path from public.profiles), current_setting('av.me'), 'AV-03: the upload becomes the profile''s avatar_path');
select throws_ok(format($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', '%s/me.png', auth.uid()::text)$$, tests.get_supabase_uid('owner')),
  '42501', null, 'AV-04: nobody uploads under a folder named by their account id any more');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', gen_random_uuid() || '.png', gen_random_uuid()::text)$$,
  '42501', null, 'AV-05: nor as someone else (owner_id is the uploader)');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', 'me.png', auth.uid()::text)$$, '42501', null,
  'AV-06: nor under any name but a random uuid');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', 'x/' || gen_random_uuid() || '.png', auth.uid()::text)$$, '42501', null,
  'AV-06: … nor in a folder');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', gen_random_uuid() || '.svg', auth.uid()::text)$$, '42501', null,
  'AV-07: nor with another extension than png, jpg, jpeg or webp');
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('elsewhere', gen_random_uuid() || '.png', auth.uid()::text)$$, '42501', null,
  'AV-08: nor into another bucket');

--- others
select tests.authenticate_as('stranger');
select results_eq($$select name from storage.objects where bucket_id = 'avatars'$$, $$values (current_setting('av.me'))$$,
  'AV-09: another signed-in person can read the picture on the owner''s public card');
select is((select "avatarPath" from public.public_profiles where id = tests.public_id_of('owner')), current_setting('av.me'),
  'AV-18: the card shows the picture''s name …');
select ok(position(tests.get_supabase_uid('owner')::text in (select jsonb_agg(to_jsonb(c))::text from public.public_profiles as c)) = 0,
  'AV-18: … and no card carries an account id');
select is_empty($$update storage.objects set name = gen_random_uuid() || '.png' where bucket_id = 'avatars' returning 1$$, 'AV-10: … but not move it');
select set_config('storage.allow_delete_query', 'true', true);
select is_empty($$delete from storage.objects where bucket_id = 'avatars' returning 1$$, 'AV-10: … nor delete it');

select tests.authenticate_as('owner');
select lives_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', current_setting('av.old'), auth.uid()::text)$$,
  'AV-11: the owner uploads a second picture');
select tests.authenticate_as('stranger');
select results_eq($$select name from storage.objects where bucket_id = 'avatars'$$, $$values (current_setting('av.old'))$$,
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
select throws_ok($$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', gen_random_uuid() || '.png', auth.uid()::text)$$, '42501', null,
  'AV-17: … nor upload any (free sessions are not free storage)');

select tests.clear_authentication();
select is_empty($$select 1 from storage.objects where bucket_id = 'avatars'$$, 'AV-14: anon reads no pictures');
select throws_ok($$insert into storage.objects (bucket_id, name) values ('avatars', gen_random_uuid() || '.png')$$, '42501', null,
  'AV-14: anon uploads nothing');

--- pictures of the old scheme (<account id>/<file>) stay their owner's, and are never published
reset role;
insert into storage.objects (bucket_id, name, owner_id) values ('avatars', tests.get_supabase_uid('owner') || '/legacy.png', null);
update public.profiles set avatar_path = tests.get_supabase_uid('owner') || '/legacy.png' where id = tests.get_supabase_uid('owner');
select is((select avatar_path from private.profile_cards where profile_id = tests.get_supabase_uid('owner')), null,
  'AV-19: a picture named by the account id is never put on the card');
select tests.authenticate_as('owner');
select is((select count(*)::int from private.avatar_objects_of_caller()), 3, 'AV-19: … but stays the owner''s to read, export and delete');
select tests.authenticate_as('stranger');
select is_empty($$select 1 from storage.objects where bucket_id = 'avatars' and name like '%legacy%'$$, 'AV-19: … and nobody else''s to read');

--- deleting the current picture clears the path
reset role;
update public.profiles set avatar_path = current_setting('av.old') where id = tests.get_supabase_uid('owner');
select tests.authenticate_as('owner');
select set_config('storage.allow_delete_query', 'true', true);
select results_eq($$delete from storage.objects where name = current_setting('av.old') returning name$$,
  $$values (current_setting('av.old'))$$, 'AV-15: the owner deletes their picture');
select is((select avatar_path from public.profiles), null, 'AV-15: … and the profile no longer points at it');
select results_eq($$delete from storage.objects where name like '%/legacy.png' returning 1$$, $$values (1)$$,
  'AV-20: the owner deletes a picture of the old scheme too');
reset role;
select policies_are('storage', 'objects',
  array['storage_objects_select_own_or_shown', 'storage_objects_insert_own', 'storage_objects_update_own', 'storage_objects_delete_own'],
  'AV-16: storage.objects has exactly one policy per command (avatars and group covers)');

select * from finish();
rollback;
