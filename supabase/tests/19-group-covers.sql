-- Group cover images: the group's moderators write in the group's folder; people who may browse groups see the
-- current cover; nobody else writes. Threat ids: GC-01 … GC-08.
begin;
select plan(9);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('member');
select tests.create_supabase_user('outsider');
select tests.create_supabase_user('guest', is_anonymous => true);
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('owner');
select tests.authenticate_as('owner');
insert into public.support_groups (name, description, category_id) values ('Cover Test Group', 'With a picture', 'general');
select set_config('tests.group', (select id::text from public.support_groups where name = 'Cover Test Group'), true);
select tests.authenticate_as('member');
select public.join_group(current_setting('tests.group')::uuid);

select tests.authenticate_as('owner');
select lives_ok(format($$insert into storage.objects (bucket_id, name) values ('group-covers', '%s/cover.jpg')$$, current_setting('tests.group')),
  'GC-01: the owner uploads a cover into the group''s folder');
select is((select cover_path from public.support_groups where id = current_setting('tests.group')::uuid), current_setting('tests.group') || '/cover.jpg',
  'GC-02: it becomes the group''s cover');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('group-covers', '%s/cover.svg')$$, current_setting('tests.group')), '42501', null,
  'GC-03: only pictures');
select tests.authenticate_as('member');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('group-covers', '%s/mine.png')$$, current_setting('tests.group')), '42501', null,
  'GC-04: members do not change the cover');
select tests.authenticate_as('outsider');
select results_eq($$select name from storage.objects where bucket_id = 'group-covers'$$, format($$values ('%s/cover.jpg'::text)$$, current_setting('tests.group')),
  'GC-05: people who browse groups see the current cover');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('group-covers', '%s/defaced.png')$$, current_setting('tests.group')), '42501', null,
  'GC-06: … and cannot write one');
select tests.authenticate_as('guest');
select is_empty($$select 1 from storage.objects where bucket_id = 'group-covers'$$, 'GC-07: anonymous sign-ins do not');
select tests.authenticate_as('owner');
select set_config('storage.allow_delete_query', 'true', true);
select lives_ok($$delete from storage.objects where bucket_id = 'group-covers'$$, 'GC-08: the owner removes the cover');
select is((select cover_path from public.support_groups where id = current_setting('tests.group')::uuid), null, 'GC-08: … and the group has none');

select * from finish();
rollback;
