-- The seed's shapes (issue 16) say what the reader sees and nothing more, and every bad input is a 4xx that names the
-- problem. Found by the adversarial review of the change: chat's isAnonymous was the sender's request, not what the
-- partner saw; a departed member's messages kept isAnonymous false; the directory offered slots to people who cannot
-- book; NaN passed as a goal's target. Threat ids: SS-01 … SS-09.
begin;
select plan(14);

select tests.create_supabase_user('ss-masked', metadata => '{"firstName": "Mara", "lastName": "Masked"}');
select tests.create_supabase_user('ss-open', metadata => '{"firstName": "Olu", "lastName": "Open"}');
select tests.create_supabase_user('ss-reader', metadata => '{"firstName": "Rea", "lastName": "Reader"}');
select tests.create_supabase_user('ss-guest', is_anonymous => true);
select tests.create_supabase_user('ss-therapist', metadata => '{"firstName": "Tess", "lastName": "Therapist"}');
update public.profiles set anonymous_mode = true where id = tests.get_supabase_uid('ss-masked');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('ss-therapist');
insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_types, minimum_notice_minutes)
values (tests.get_supabase_uid('ss-therapist'), 'Dr. Tess Therapist', '{anxiety}', 100, 'UTC', '{video}', 0);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select tests.get_supabase_uid('ss-therapist'), d, '00:00', '24:00' from generate_series(1, 7) as d;

--- chat: isAnonymous is what the partner sees
select tests.authenticate_as('ss-masked');
select set_config('tests.masked', public.send_chat_message('hello', tests.public_id_of('ss-reader'), "isAnonymous" => false)::text, true);
select tests.authenticate_as('ss-open');
select set_config('tests.open', public.send_chat_message('hello', tests.public_id_of('ss-reader'), "isAnonymous" => false)::text, true);
select tests.authenticate_as('ss-reader');
select results_eq(
  format($$select m.sender ->> 'name' ~ '^Anonymous User #', m."isAnonymous" from public.list_chat_messages(%L) as m$$,
         current_setting('tests.masked')::jsonb ->> 'conversationId'),
  $$values (true, true)$$,
  'SS-01: someone in anonymous mode who asked to talk openly is shown a pseudonym, and the partner reads isAnonymous true (nothing about why)');
select results_eq(
  format($$select m.sender ->> 'name', m."isAnonymous" from public.list_chat_messages(%L) as m$$,
         current_setting('tests.open')::jsonb ->> 'conversationId'),
  $$values ('Olu Open', false)$$,
  'SS-02: someone shown by their name reads isAnonymous false');
select is((select count(*)::integer from realtime.messages as r
           where r.topic = tests.personal_topic('ss-reader') and r.event = 'newMessage' and (r.payload ->> 'isAnonymous')::boolean
             and r.payload #>> '{sender,name}' like 'Anonymous User #%'), 1,
  'SS-03: the Realtime newMessage says the same as the page');

--- groups: a departed member's messages are anonymous from then on
reset role;
insert into public.support_groups (id, name, description, category_id, privacy, created_by)
values ('5e5e0000-0000-4000-8000-000000000001', 'Shapes circle', 'A group', 'general', 'public', tests.get_supabase_uid('ss-reader'));
select tests.authenticate_as('ss-open');
select public.join_group('5e5e0000-0000-4000-8000-000000000001', "useDisplayName" => true);
select public.send_group_message('5e5e0000-0000-4000-8000-000000000001', 'Named words');
select tests.authenticate_as('ss-reader');
select public.join_group('5e5e0000-0000-4000-8000-000000000001');
select is((select m."isAnonymous" from public.list_group_messages('5e5e0000-0000-4000-8000-000000000001') as m), false,
  'SS-04: a message written under the display name is not anonymous');
reset role;
delete from auth.users where id = tests.get_supabase_uid('ss-open');
select tests.authenticate_as('ss-reader');
select results_eq($$select m.sender ->> 'name', m."isAnonymous" from public.list_group_messages('5e5e0000-0000-4000-8000-000000000001') as m$$,
  $$values ('[former member]', true)$$,
  'SS-05: once its author''s account is gone, it is a former member''s, anonymous');

--- the directory offers a slot only to someone who may book it
select isnt((select t."nextAvailable" from public.list_therapists(specialty => 'Anxiety') as t where t.id = tests.get_supabase_uid('ss-therapist')), null,
  'SS-06: a person who may book sees the next free slot');
select tests.authenticate_as('ss-guest');
select is((select t."nextAvailable" from public.list_therapists(specialty => 'Anxiety') as t where t.id = tests.get_supabase_uid('ss-therapist')), null,
  'SS-06: an anonymous sign-in, who cannot book, is offered none');
select tests.authenticate_as('ss-therapist');
select is((select t."nextAvailable" from public.list_therapists(specialty => 'Anxiety') as t where t.id = tests.get_supabase_uid('ss-therapist')), null,
  'SS-06: nor is the therapist, on their own listing');

--- bad input is a 4xx naming the problem
select tests.authenticate_as('ss-reader');
select throws_ok($$select public.send_chat_message(content => 'hello')$$, 'PT400', 'recipientId is required',
  'SS-07: a missing required argument is a 400 naming it');
select throws_ok($$select public.join_group()$$, 'PT400', 'groupId is required', 'SS-07: … for every function');
select throws_ok($$insert into public.goal_overview (title, category, unit, target) values ('Never', 'x', 'days', 'NaN')$$, '23514', null,
  'SS-08: NaN is no target');
select throws_ok(format($$update public.my_profile set "privacySettings" = '"x"' where id = %L$$, tests.get_supabase_uid('ss-reader')),
  'PT400', 'privacySettings must be an object of the settings to change', 'SS-09: privacySettings is an object');
select throws_ok($$select public.update_notification_settings('{"quietHoursStart": "22:00"}')$$, 'PT400',
  'quietHoursStart and quietHoursEnd go together: both times, or both null', 'SS-09: quiet hours come as a pair');
select throws_ok($$select * from public.list_therapists(specialty => repeat('é', 101))$$, 'PT400', 'specialty is at most 200 bytes',
  'SS-09: a specialty is bounded in bytes, and says so');

select * from finish();
rollback;
