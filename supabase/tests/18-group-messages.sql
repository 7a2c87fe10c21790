-- Group messages on the chat's machinery: members only, mutes and bans, idempotent sends, own edits and deletions,
-- moderators remove and pin, crisis support for the sender, Realtime topics; the seed's message shape (issue 16).
-- Threat ids: GM-01 … GM-27.
begin;
select plan(51);

select tests.create_supabase_user('owner');
select tests.create_supabase_user('member', metadata => '{"firstName": "Mae"}');
select tests.create_supabase_user('muted');
select tests.create_supabase_user('applicant');
select tests.create_supabase_user('outsider');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('owner');
select tests.authenticate_as('owner');
insert into public.support_groups (name, description, category_id) values ('Students Under Pressure', 'Exams and deadlines', 'students');
insert into public.support_groups (name, description, category_id, privacy) values ('Closed Circle', 'Private', 'general', 'private');
select set_config('tests.group', (select id::text from public.support_groups where name = 'Students Under Pressure'), true);
select set_config('tests.closed', (select id::text from public.support_groups where name = 'Closed Circle'), true);
select tests.authenticate_as('member');
select public.join_group(current_setting('tests.group')::uuid);
select tests.authenticate_as('muted');
select public.join_group(current_setting('tests.group')::uuid);
select tests.authenticate_as('applicant');
select public.join_group(current_setting('tests.closed')::uuid);
reset role;
update private.group_members set muted_until = '2099-01-01 12:00+00' where user_id = tests.get_supabase_uid('muted');

--- members post and read
select tests.authenticate_as('member');
select is(public.send_group_message(current_setting('tests.group')::uuid, 'Anyone else revising tonight?', '00000000-0000-4000-a000-000000000001') ->> 'duplicate',
  'false', 'GM-01: a member posts');
select is(public.send_group_message(current_setting('tests.group')::uuid, 'Anyone else revising tonight?', '00000000-0000-4000-a000-000000000001') ->> 'duplicate',
  'true', 'GM-02: resending the same messageId returns the original');
select results_eq($$select content, "isMine", sender ->> 'name' ~ '^Member #[0-9]{4}$', "isAnonymous" from public.list_group_messages(current_setting('tests.group')::uuid)$$,
  $$values ('Anyone else revising tonight?'::text, true, true, true)$$, 'GM-03: members read messages with the sender''s group pseudonym (isAnonymous)');
select is((select array_agg(k order by k) from jsonb_object_keys(public.send_group_message(current_setting('tests.group')::uuid, 'Anyone else revising tonight?',
    '00000000-0000-4000-a000-000000000001') -> 'message') as k),
  array['content', 'deleted', 'editedAt', 'groupId', 'id', 'isAnonymous', 'isMine', 'pinned', 'sender', 'timestamp'],
  'GM-25: a send answers the message in the seed''s shape (the page''s)');
select set_config('tests.crisis', public.send_group_message(current_setting('tests.group')::uuid, 'I feel like I cannot go on with this',
  '00000000-0000-4000-a000-000000000002', 'US')::text, true);
select ok(current_setting('tests.crisis')::jsonb #>> '{safety,notice}' like '%not a crisis service%', 'GM-04: a crisis phrase brings the sender the helplines (shared with chat)');
select tests.authenticate_as('owner');
select is((select count(*)::int from public.list_group_messages(current_setting('tests.group')::uuid)), 2, 'GM-05: other members see both messages');
select throws_ok($$select * from private.group_message_flags$$, '42501', null, 'GM-05: … but never the flag');
select ok((select jsonb_agg(to_jsonb(m))::text from public.list_group_messages(current_setting('tests.group')::uuid) as m) !~ '(Mae|@)'
  and position(tests.get_supabase_uid('member')::text in (select jsonb_agg(to_jsonb(m))::text from public.list_group_messages(current_setting('tests.group')::uuid) as m)) = 0,
  'GM-06: no name, email or account id of a pseudonymous member in the messages');

--- keyset pages
select lives_ok($$select count(public.send_group_message(current_setting('tests.group')::uuid, 'page filler ' || n, gen_random_uuid())) from generate_series(1, 5) as n$$,
  'GM-20: (five more messages)');
select set_config('tests.cursor', (select id::text
  from public.list_group_messages(current_setting('tests.group')::uuid, "limit" => 3) offset 2 limit 1), true);
select results_eq(
  format($$select content from public.list_group_messages(%L, "limit" => 3, before => %L)$$, current_setting('tests.group'), current_setting('tests.cursor')),
  $$values ('page filler 2'::text), ('page filler 1'), ('I feel like I cannot go on with this')$$,
  'GM-20: the second page continues exactly after the first (newest first), before being the last message''s id');
select throws_ok(format($$select * from public.list_group_messages(%L, before => gen_random_uuid())$$, current_setting('tests.group')),
  'PT400', 'before is not a message of this group', 'GM-26: an unknown before is a 400, not an empty page');
select throws_ok(format($$select * from public.list_group_messages(%L, "limit" => 101)$$, current_setting('tests.group')),
  'PT400', 'limit must be between 1 and 100', 'GM-26: a page holds 1 to 100 messages');
-- The page's item for a message nobody changes since, to compare with its Realtime payload (GM-16).
select set_config('tests.page_item', (select (to_jsonb(l) - 'isMine')::text
  from public.list_group_messages(current_setting('tests.group')::uuid) as l where l.content = 'page filler 1'), true);

--- who may not
select tests.authenticate_as('muted');
select throws_ok(format($$select public.send_group_message(%L, 'let me speak', gen_random_uuid())$$, current_setting('tests.group')), 'PT403',
  'You are muted in this group until 2099-01-01 12:00 UTC', 'GM-07: a muted member is told until when');
select set_config('realtime.topic', 'group:' || current_setting('tests.group') || ':live', true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private) values (realtime.topic(), 'broadcast', 'typing', '{}', true)$$,
  '42501', null, 'GM-07: … nor shows typing or presence');
select is((select count(*)::int from public.list_group_messages(current_setting('tests.group')::uuid)), 7, 'GM-07: … and can still read');
select tests.authenticate_as('applicant');
select throws_ok(format($$select public.send_group_message(%L, 'hello?')$$, current_setting('tests.closed')), 'PT404', null,
  'GM-08: a pending applicant cannot post');
select is_empty(format($$select 1 from public.group_messages where group_id = %L$$, current_setting('tests.closed')), 'GM-08: … nor read');
select tests.authenticate_as('outsider');
select is_empty($$select 1 from public.group_messages$$, 'GM-09: a non-member reads nothing');
select throws_ok(format($$select * from public.list_group_messages(%L)$$, current_setting('tests.group')), 'PT404', null, 'GM-09: … not even through the RPC');
select throws_ok(format($$select public.send_group_message(%L, 'spam', gen_random_uuid())$$, current_setting('tests.group')), 'PT404', null, 'GM-09: … and cannot post');
select tests.clear_authentication();
select throws_ok($$select * from public.group_messages$$, '42501', null, 'GM-10: anon has no access');
select tests.authenticate_as('owner');
select throws_ok($$select sender_member_id from public.group_messages$$, '42501', null,
  'GM-24: members read messages without the internal sender (the membership behind the handle)');
select is((select count(*)::int from public.group_messages as m
           join public.list_group_messages(current_setting('tests.group')::uuid, 100) as l
             on l.id = m.id and (l.sender ->> 'id')::uuid = m.sender_handle and l.sender ->> 'name' = m.sender_name
                and l."isAnonymous" = m.sender_is_anonymous and l."groupId" = m.group_id and l."timestamp" = m.created_at), 7,
  'GM-24: … but with the handle and name it was written under, as the RPC shows them (sender.id, sender.name, isAnonymous)');

--- a send needs no messageId; before must be a message of this group
select tests.authenticate_as('owner');
select set_config('tests.unkeyed', public.send_group_message(current_setting('tests.group')::uuid, 'No key needed')::text, true);
select is(current_setting('tests.unkeyed')::jsonb ->> 'duplicate', 'false', 'GM-27: a send without messageId is a new message');
select isnt(public.send_group_message(current_setting('tests.group')::uuid, 'No key needed') #>> '{message,id}', current_setting('tests.unkeyed')::jsonb #>> '{message,id}',
  'GM-27: … every time, never a duplicate');
select is((select count(*)::int from public.list_group_messages(current_setting('tests.group')::uuid, 100) where content = 'No key needed'), 2,
  'GM-27: … both on the page');
select set_config('tests.closed_message', public.send_group_message(current_setting('tests.closed')::uuid, 'In the closed circle') #>> '{message,id}', true);
select throws_ok(format($$select * from public.list_group_messages(%L, before => %L)$$, current_setting('tests.group'), current_setting('tests.closed_message')),
  'PT400', 'before is not a message of this group', 'GM-26: a before from another group is a 400');

--- own edits and deletions, moderators' removals and pins
select tests.authenticate_as('owner');
select throws_ok($$select public.change_group_message(tests.group_message_id('member', '00000000-0000-4000-a000-000000000001'), 'edit', 'rewritten')$$, 'PT403', null,
  'GM-11: nobody edits someone else''s message, not even a moderator');
select lives_ok($$select public.change_group_message(tests.group_message_id('member', '00000000-0000-4000-a000-000000000001'), 'pin')$$, 'GM-12: a moderator pins a message');
select tests.authenticate_as('member');
select throws_ok($$select public.change_group_message(tests.group_message_id('member', '00000000-0000-4000-a000-000000000001'), 'pin')$$, 'PT403', null, 'GM-12: members do not pin');
select lives_ok($$select public.change_group_message(tests.group_message_id('member', '00000000-0000-4000-a000-000000000001'), 'edit', 'Anyone revising tonight?')$$, 'GM-13: the sender edits');
select lives_ok($$select public.change_group_message(tests.group_message_id('member', '00000000-0000-4000-a000-000000000002'), 'delete')$$, 'GM-14: the sender deletes');
select results_eq($$select content, deleted from public.list_group_messages(current_setting('tests.group')::uuid) where id = tests.group_message_id('member', '00000000-0000-4000-a000-000000000002')$$,
  $$values (null::text, true)$$, 'GM-14: … and the text is gone');
select tests.authenticate_as('owner');
select lives_ok($$select public.change_group_message(tests.group_message_id('member', '00000000-0000-4000-a000-000000000001'), 'remove')$$, 'GM-15: a moderator removes a message');

--- names are the ones that applied when written; deleted accounts' words go; the rate limit survives leaving
select tests.authenticate_as('member');
select set_config('tests.member_alias', (select name from public.list_group_members(current_setting('tests.group')::uuid) where "isMe"), true);
reset role;
update private.group_members set use_display_name = true where user_id = tests.get_supabase_uid('member');
select tests.authenticate_as('member');
select is(public.send_group_message(current_setting('tests.group')::uuid, 'Signed with my name', '00000000-0000-4000-a000-000000000003') #> '{message,isAnonymous}',
  'false'::jsonb, 'GM-21: written under the display name (useDisplayName, no anonymous mode): isAnonymous is false');
select tests.authenticate_as('owner');
select results_eq(format($$select id, sender ->> 'name', "isAnonymous" from public.list_group_messages(%L) where id in (%L, %L) order by sender ->> 'name' = 'Mae'$$,
    current_setting('tests.group'), tests.group_message_id('member', '00000000-0000-4000-a000-000000000002'),
    tests.group_message_id('member', '00000000-0000-4000-a000-000000000003')),
  format($$values (%L::uuid, %L::text, true), (%L, 'Mae', false)$$, tests.group_message_id('member', '00000000-0000-4000-a000-000000000002'),
    current_setting('tests.member_alias'),
    tests.group_message_id('member', '00000000-0000-4000-a000-000000000003')),
  'GM-21: a member who chose their name shows it on what they write from then on (isAnonymous false); what they wrote as "Member #…" stays so (true)');
reset role;
update public.profiles set anonymous_mode = true where id = tests.get_supabase_uid('member');
-- Posting waits for the new identity's listing hour (suite 25, AN-72).
select tests.list_pending_cards();
select tests.authenticate_as('member');
select is(public.send_group_message(current_setting('tests.group')::uuid, 'Anonymous again', '00000000-0000-4000-a000-000000000004') #> '{message,isAnonymous}',
  'true'::jsonb, 'GM-21: written in anonymous mode, even with useDisplayName: isAnonymous is true');
select results_eq(format($$select sender ->> 'name' = 'Mae', "isAnonymous" from public.list_group_messages(%L) where id = %L$$,
    current_setting('tests.group'), tests.group_message_id('member', '00000000-0000-4000-a000-000000000003')),
  $$values (true, false)$$, 'GM-21: the message written by name keeps its name and isAnonymous false while anonymous mode is on');
reset role;
update public.profiles set anonymous_mode = false where id = tests.get_supabase_uid('member');
update private.group_members set use_display_name = false where user_id = tests.get_supabase_uid('member');
select tests.authenticate_as('owner');
select results_eq(format($$select sender ->> 'name' = 'Mae', "isAnonymous" from public.list_group_messages(%L) where id in (%L, %L, %L) order by "timestamp"$$,
    current_setting('tests.group'), tests.group_message_id('member', '00000000-0000-4000-a000-000000000002'),
    tests.group_message_id('member', '00000000-0000-4000-a000-000000000003'), tests.group_message_id('member', '00000000-0000-4000-a000-000000000004')),
  $$values (false, true), (true, false), (false, true)$$,
  'GM-21: a name and isAnonymous shown for a message are the ones that applied when it was written, whatever anonymous mode or the name choice became since');
reset role;
update private.group_members set muted_until = null where user_id = tests.get_supabase_uid('muted');
select tests.authenticate_as('muted');
select public.send_group_message(current_setting('tests.group')::uuid, 'my words', '00000000-0000-4000-a000-0000000000f1');
reset role;
update private.send_log set sent_at = sent_at - interval '1 hour' where user_id <> tests.get_supabase_uid('muted');
insert into private.send_log (user_id) select tests.get_supabase_uid('muted') from generate_series(1, 19);
select tests.authenticate_as('muted');
select public.leave_group(current_setting('tests.group')::uuid);
select public.join_group(current_setting('tests.group')::uuid);
select throws_ok(format($$select public.send_group_message(%L, 'fresh start?')$$, current_setting('tests.group')), 'PT429', null,
  'GM-22: leaving and rejoining does not reset the send rate limit');
reset role;
select set_config('tests.muted_message', tests.group_message_id('muted', '00000000-0000-4000-a000-0000000000f1')::text, true);
delete from auth.users where id = tests.get_supabase_uid('muted');
select results_eq($$select content, deleted from public.list_group_messages(current_setting('tests.group')::uuid, 100) where id = current_setting('tests.muted_message')::uuid$$,
  $$values (null::text, true)$$, 'GM-23: a deleted account''s group messages lose their text') from (select tests.authenticate_as('owner')) as acting;

--- Realtime
reset role;
select ok((select count(*) >= 5 from realtime.messages where topic = 'group:' || current_setting('tests.group')), 'GM-16: every change is broadcast on group:<id>');
select ok((select bool_and(event in ('groupMessage', 'messageUpdated', 'messageDeleted', 'messagePinned')) from realtime.messages
  where topic = 'group:' || current_setting('tests.group')), 'GM-16: … as groupMessage, messageUpdated, messageDeleted or messagePinned');
-- (One transaction: every broadcast has the same inserted_at, so the events are compared as a set.)
select results_eq(format($$select event from realtime.messages where topic = %L and payload ->> 'id' = %L order by event$$,
    'group:' || current_setting('tests.group'), tests.group_message_id('member', '00000000-0000-4000-a000-000000000001')),
  $$values ('groupMessage'::text), ('messageDeleted'), ('messagePinned'), ('messageUpdated')$$,
  'GM-16: a message''s life: groupMessage, messagePinned, messageUpdated (the edit), messageDeleted (the removal)');
select is_empty(format($$select 1 from realtime.messages where topic = %L and (payload ? 'isMine' or payload ->> 'groupId' is distinct from %L)$$,
    'group:' || current_setting('tests.group'), current_setting('tests.group')),
  'GM-16: every payload is the message for everyone: no isMine, the groupId of its topic');
select is((select payload from realtime.messages where topic = 'group:' || current_setting('tests.group') and event = 'groupMessage' and payload ->> 'content' = 'page filler 1'),
  current_setting('tests.page_item')::jsonb, 'GM-16: the groupMessage payload is the seed''s message exactly as the page shows it, less isMine');
select results_eq(format($$select payload #>> '{sender,name}', (payload -> 'isAnonymous')::boolean from realtime.messages where topic = %L and event = 'groupMessage' and payload ->> 'id' in (%L, %L) order by (payload ->> 'timestamp')::timestamptz$$,
    'group:' || current_setting('tests.group'), tests.group_message_id('member', '00000000-0000-4000-a000-000000000003'),
    tests.group_message_id('member', '00000000-0000-4000-a000-000000000004')),
  format($$values ('Mae'::text, false), (%L, true)$$, (select payload #>> '{sender,name}' from realtime.messages where topic = 'group:' || current_setting('tests.group')
    and event = 'groupMessage' and payload ->> 'id' = tests.group_message_id('member', '00000000-0000-4000-a000-000000000004')::text)),
  'GM-16: … with the name and isAnonymous it was written under');
select isnt((select payload #>> '{sender,name}' from realtime.messages where topic = 'group:' || current_setting('tests.group')
    and event = 'groupMessage' and payload ->> 'id' = tests.group_message_id('member', '00000000-0000-4000-a000-000000000004')::text), 'Mae',
  'GM-16: … (a message in anonymous mode names nobody)');
select tests.authenticate_as('member');
select set_config('realtime.topic', 'group:' || current_setting('tests.group'), true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private) values (realtime.topic(), 'broadcast', 'groupMessage', '{}', true)$$,
  '42501', null, 'GM-17: members cannot forge events on group:<id>');
select set_config('realtime.topic', 'group:' || current_setting('tests.group') || ':live', true);
select lives_ok($$insert into realtime.messages (topic, extension, event, payload, private) values (realtime.topic(), 'presence', 'track', '{}', true)$$,
  'GM-18: members show presence on group:<id>:live');
select tests.authenticate_as('outsider');
select set_config('realtime.topic', 'group:' || current_setting('tests.group'), true);
select is_empty($$select 1 from realtime.messages$$, 'GM-19: a non-member receives nothing on group:<id>');

select * from finish();
rollback;
