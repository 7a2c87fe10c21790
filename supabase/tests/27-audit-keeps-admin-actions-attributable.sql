-- Privileged actions stay attributable after the actor's account is erased (issue 14, finding 10): every audit event
-- records the actor's role when they acted, and an actor who acted on someone else carries a pseudonymous reference
-- (HMAC of the account id with a secret salt) that is written with the event, survives the erasure unchanged, is the
-- same for all of one actor's events and different between actors, and never holds the id. Nobody writes or changes
-- it, and no API role reads the salt or computes references. Threat ids: AT-01 … AT-14.
begin;
select plan(26);

-- Two admins, Ann and Bob, and two clients they act on.
select tests.create_supabase_user('at-ann', email => 'at-ann.admin@example.com');
select tests.create_supabase_user('at-bob', email => 'at-bob.admin@example.com');
select tests.create_supabase_user('at-carol');
select tests.create_supabase_user('at-dave');
update public.profiles set role = 'admin' where id in (tests.get_supabase_uid('at-ann'), tests.get_supabase_uid('at-bob'));
select set_config('tests.ann', tests.get_supabase_uid('at-ann')::text, true);
select set_config('tests.ann_card', tests.public_id_of('at-ann')::text, true);
select set_config('tests.bob', tests.get_supabase_uid('at-bob')::text, true);
select set_config('tests.carol', tests.get_supabase_uid('at-carol')::text, true);
select set_config('tests.dave', tests.get_supabase_uid('at-dave')::text, true);

-- Ann changes Carol's role, deactivates Dave, looks Carol up, and changes her own privacy settings; Bob changes Carol's
-- role back; Carol changes her own privacy settings.
select tests.authenticate_as('at-ann');
select public.set_user_role(current_setting('tests.carol')::uuid, 'therapist');
select public.set_account_active(current_setting('tests.dave')::uuid, false);
select count(*) from public.moderation_profiles(search => 'at-carol');
select public.update_privacy_settings('{"hidePhone": false}');
select tests.authenticate_as('at-bob');
select public.set_user_role(current_setting('tests.carol')::uuid, 'client');
select tests.authenticate_as('at-carol');
select public.update_privacy_settings('{"hidePhone": false}');
reset role;
select set_config('request.jwt.claims', '', true);
select set_config('tests.ann_ref', (select actor_ref from public.audit_log where actor_id = current_setting('tests.ann')::uuid and action = 'role_changed'), true);
select set_config('tests.bob_ref', (select actor_ref from public.audit_log where actor_id = current_setting('tests.bob')::uuid and action = 'role_changed'), true);

--- what is written -----------------------------------------------------------------------------------------------------
select results_eq($$select action, actor_role::text, actor_ref is not null from public.audit_log
                    where actor_id = current_setting('tests.ann')::uuid order by id$$,
  $$values ('role_changed'::text, 'admin'::text, true), ('account_deactivated', 'admin', true), ('moderation_read', 'admin', true),
           ('privacy_changed', 'admin', false)$$,
  'AT-01: each of Ann''s events records her role; those acting on others carry a reference, her own privacy change none');
select is((select count(distinct actor_ref)::int from public.audit_log where actor_id = current_setting('tests.ann')::uuid), 1,
  'AT-02: all of Ann''s actions on others carry the same reference');
select matches(current_setting('tests.ann_ref'), '^[0-9a-f]{32}$', 'AT-02: … 128 bits in hex, which cannot contain an account id');
select ok(current_setting('tests.bob_ref') ~ '^[0-9a-f]{32}$' and current_setting('tests.bob_ref') <> current_setting('tests.ann_ref'),
  'AT-03: another admin''s reference is different');
select results_eq($$select actor_role::text, actor_ref from public.audit_log
                    where actor_id = current_setting('tests.carol')::uuid and action = 'privacy_changed'$$,
  $$values ('client'::text, null::text)$$,
  'AT-04: a person acting on their own account: their role, no reference (data minimisation)');
select results_eq($$select actor_db_role, actor_role::text, actor_ref from public.audit_log
                    where subject_id = current_setting('tests.ann')::uuid and action = 'role_changed'$$,
  $$values ('postgres'::text, null::text, null::text)$$,
  'AT-04: no account acted (the database owner made Ann an admin): neither role nor reference');

--- Ann deletes her account -----------------------------------------------------------------------------------------
select tests.authenticate_as_service_role();
select lives_ok(format('select private.delete_account(%L)', current_setting('tests.ann')), 'AT-05: Ann''s account is deleted');
reset role;

select results_eq($$select action, actor_id, actor_role::text, actor_ref, subject_id from public.audit_log
                    where actor_ref = current_setting('tests.ann_ref') order by id$$,
  $$values ('role_changed'::text, null::uuid, 'admin'::text, current_setting('tests.ann_ref'), current_setting('tests.carol')::uuid),
           ('account_deactivated', null, 'admin', current_setting('tests.ann_ref'), current_setting('tests.dave')::uuid),
           ('moderation_read', null, 'admin', current_setting('tests.ann_ref'), null)$$,
  'AT-06: her actions keep their role, the same reference and their subjects; only her id is gone');
select results_eq($$select action, actor_id, actor_role::text, actor_ref, details from public.audit_log
                    where actor_id = current_setting('tests.bob')::uuid order by id$$,
  $$values ('role_changed'::text, current_setting('tests.bob')::uuid, 'admin'::text, current_setting('tests.bob_ref'),
            '{"from": "therapist", "to": "client"}'::jsonb)$$,
  'AT-07: Bob''s action is untouched, and still told apart from Ann''s by its reference');
select is_empty($$select table_name || '.' || column_name || ' holds ' || needle || ' in ' || hit_rows || ' row(s)'
                  from tests.traces(array[current_setting('tests.ann'), current_setting('tests.ann_card'), 'at-ann.admin@example.com'])$$,
  'AT-08: no column of any row anywhere holds Ann''s id, public id or email');
select ok(current_setting('tests.ann_ref') not in (left(encode(extensions.digest(current_setting('tests.ann'), 'sha256'), 'hex'), 32),
                                                  left(encode(extensions.digest(current_setting('tests.ann'), 'sha1'), 'hex'), 32),
                                                  md5(current_setting('tests.ann')), replace(current_setting('tests.ann'), '-', '')),
  'AT-09: the reference is no plain hash of the id (a list of candidate ids does not reveal whose it is)');
select is(private.audit_actor_ref(current_setting('tests.ann')::uuid), current_setting('tests.ann_ref'),
  'AT-09: … but whoever holds the salt and her id, obtained elsewhere, can confirm it is hers');

--- nobody writes or changes it ------------------------------------------------------------------------------------------
select tests.authenticate_as('at-bob');
select throws_ok($$update public.audit_log set actor_ref = null where actor_ref = current_setting('tests.ann_ref')$$, '42501', null,
  'AT-10: an admin cannot change a reference');
select throws_ok($$insert into public.audit_log (action, actor_db_role, subject_id, actor_role, actor_ref)
                   values ('role_changed', 'authenticated', current_setting('tests.carol')::uuid, 'admin', current_setting('tests.ann_ref'))$$,
  '42501', null, 'AT-10: … nor write one into a forged event');
select tests.authenticate_as_service_role();
select throws_ok($$update public.audit_log set actor_role = 'client' where actor_ref = current_setting('tests.ann_ref')$$, '42501', null,
  'AT-10: nor can the service role');
reset role;
select throws_ok($$update public.audit_log set actor_ref = null where actor_ref = current_setting('tests.ann_ref')$$, '42501',
  'The audit log is append-only', 'AT-11: not even the table owner');
select set_config('healspace.erasing_account', current_setting('tests.ann'), true);
select throws_ok($$update public.audit_log set actor_ref = null where actor_ref = current_setting('tests.ann_ref')$$, '42501',
  'The audit log is append-only', 'AT-11: … not even as the erasure of the deleted account: the reference stays');
select throws_ok($$update public.audit_log set actor_role = null where actor_ref = current_setting('tests.ann_ref')$$, '42501',
  'The audit log is append-only', 'AT-11: … and so does the role');
select set_config('healspace.erasing_account', '', true);
insert into public.audit_log (action, actor_id, actor_db_role, subject_id, actor_role, actor_ref)
values ('role_changed', current_setting('tests.bob')::uuid, 'postgres', current_setting('tests.carol')::uuid, 'client', current_setting('tests.ann_ref'));
select results_eq($$select actor_role::text, actor_ref from public.audit_log where actor_id = current_setting('tests.bob')::uuid order by id desc limit 1$$,
  $$values ('admin'::text, current_setting('tests.bob_ref'))$$,
  'AT-12: role and reference are the database''s: even the owner''s insert gets the actor''s own, not the ones it gave');

--- nobody reads the salt -------------------------------------------------------------------------------------------------
select tests.clear_authentication();
select throws_ok($$select salt from private.audit_actor_salt$$, '42501', null, 'AT-13: anon cannot read the salt');
select tests.authenticate_as('at-carol');
select throws_ok($$select salt from private.audit_actor_salt$$, '42501', null, 'AT-13: … nor a signed-in client');
select tests.authenticate_as('at-bob');
select throws_ok($$select salt from private.audit_actor_salt$$, '42501', null, 'AT-13: … nor an admin');
select throws_ok(format('select private.audit_actor_ref(%L)', current_setting('tests.bob')), '42501', null,
  'AT-13: … who cannot compute a reference for a candidate id either');
select tests.authenticate_as_service_role();
select throws_ok($$select salt from private.audit_actor_salt$$, '42501', null, 'AT-13: … nor the service role');
reset role;
select is_empty($$
  select r.rolname || ' ' || p.privilege from (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
  cross join unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) as p (privilege)
  where has_table_privilege(r.rolname, 'private.audit_actor_salt', p.privilege)
  union all
  select r.rolname || ' execute ' || f.oid::regprocedure from (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
  cross join (values ('private.audit_actor_ref(uuid)'::regprocedure), ('private.attribute_audit_actor()'::regprocedure)) as f (oid)
  where has_function_privilege(r.rolname, f.oid, 'execute')
$$, 'AT-13: no API role holds any privilege on the salt, or may call the functions that use it');
select throws_ok($$update private.audit_actor_salt set salt = extensions.gen_random_bytes(32)$$, '42501', 'The audit actor salt never changes',
  'AT-14: the salt never changes, so one actor''s trail is never split in two');

select * from finish();
rollback;
