-- Peer chat: participants only, nobody learns who the other is, idempotent and rate-limited sending, crisis support
-- for the sender alone, read pointers, edits and deletions, leaving and blocking, Realtime topics and payloads.
-- Threat ids: CH-01 … CH-40.
begin;
select plan(76);

select tests.create_supabase_user('seeker', email => 'seeker@example.com', metadata => '{"firstName": "Sage", "lastName": "Seeker"}');
select tests.create_supabase_user('listener', email => 'listener@example.com', metadata => '{"firstName": "Lin", "lastName": "Listener"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('closed', metadata => '{"firstName": "Cleo"}');
select tests.create_supabase_user('therapist');
select tests.create_supabase_user('admin');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('therapist');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');
update public.profiles set allow_messages = false where id = tests.get_supabase_uid('closed');

--- opening a direct conversation by public id
select tests.authenticate_as('seeker');
select set_config('tests.first', public.send_chat_message('Hi, is anyone there?', tests.public_id_of('listener'),
  "messageId" => '00000000-0000-4000-8000-000000000001')::text, true);
select set_config('tests.conversation', current_setting('tests.first')::jsonb ->> 'conversationId', true);
select is(current_setting('tests.first')::jsonb ->> 'duplicate', 'false', 'CH-01: a message to a public profile id opens a direct conversation');
select is(current_setting('tests.first')::jsonb -> 'safety', 'null'::jsonb, 'CH-01: … with no safety prompt for an ordinary message');
select is((select array_agg(k order by k) from jsonb_object_keys(current_setting('tests.first')::jsonb -> 'message') as k),
  array['content', 'conversationId', 'deleted', 'editedAt', 'id', 'isAnonymous', 'isMine', 'sender', 'timestamp'],
  'CH-01: … and answers the message in the seed''s shape (id, content, sender, timestamp, isAnonymous) with conversationId, isMine, editedAt, deleted');
select results_eq(format($$select %1$L::jsonb #>> '{message,id}', %1$L::jsonb #>> '{message,content}', (%1$L::jsonb #>> '{message,isMine}')::boolean,
                                  (%1$L::jsonb #>> '{message,isAnonymous}')::boolean, %1$L::jsonb #>> '{message,conversationId}',
                                  %1$L::jsonb #>> '{message,sender,name}' ~ '^Anonymous User #[0-9]{4}$'$$, current_setting('tests.first')),
  format($$values (%L, 'Hi, is anyone there?', true, true, %L, true)$$,
    tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001'), current_setting('tests.conversation')),
  'CH-01: … the stored message, as the sender sees it (isMine), anonymous by default, under an alias');
select throws_ok(format($$select public.send_chat_message('hello', %L)$$, tests.public_id_of('closed')), 'PT403',
  'This person is not accepting messages', 'CH-02: a person whose allowMessages is off cannot be messaged');
select throws_ok(format($$select public.send_chat_message('hello', %L)$$, gen_random_uuid()), 'PT404', 'No such recipient',
  'CH-03: an unknown recipient is a 404');
select throws_ok(format($$select public.send_chat_message('   ', %L)$$, tests.public_id_of('listener')), 'PT400',
  'A message is 1 to 4000 characters', 'CH-04: an empty message is a 400');
select throws_ok(format($$select public.send_chat_message(repeat('x', 4001), %L)$$, tests.public_id_of('listener')), 'PT400',
  'A message is 1 to 4000 characters', 'CH-04: so is one over 4000 characters');

--- idempotency
select is(public.send_chat_message('Hi, is anyone there?', tests.public_id_of('listener'), "messageId" => '00000000-0000-4000-8000-000000000001') ->> 'duplicate',
  'true',
  'CH-05: resending the same message id returns the original');
select is((select count(*)::int from public.chat_messages), 1, 'CH-05: … and stores no duplicate');

--- the listener's seat
select tests.authenticate_as('listener');
select set_config('tests.seeker_participant', (select partner ->> 'id' from public.chat_conversation_list), true);
select results_eq($$select "unreadCount", "lastMessage", partner ->> 'name' ~ '^Anonymous User #[0-9]{4}$' from public.chat_conversation_list$$,
  $$values (1, 'Hi, is anyone there?'::text, true)$$, 'CH-06: the recipient sees the conversation, one unread message, and an anonymous alias');
select is(public.send_chat_message('same key, my own message', current_setting('tests.seeker_participant')::uuid,
  "messageId" => '00000000-0000-4000-8000-000000000001') ->> 'duplicate',
  'false', 'CH-07: another person''s idempotency key is just a new message of mine: no answer says whether someone else''s id exists');
select is((select content from public.chat_messages where id = tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001')),
  'Hi, is anyone there?', 'CH-07: … and the other person''s message is untouched');
select is(public.send_chat_message('their stored id as my key', current_setting('tests.seeker_participant')::uuid,
  "messageId" => tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001')) ->> 'duplicate', 'false', 'CH-07: … and so is a key equal to their stored message id');
select isnt(public.send_chat_message('no key', current_setting('tests.seeker_participant')::uuid) #>> '{message,id}',
  public.send_chat_message('no key', current_setting('tests.seeker_participant')::uuid) #>> '{message,id}',
  'CH-07: without a messageId (the seed''s body) every send is a new message: the same words twice are two messages');
reset role;
delete from public.chat_messages where sender_id = (select id from private.chat_participants where user_id = tests.get_supabase_uid('listener'));
select tests.authenticate_as('listener');
select results_eq($$select "isMine", content, sender ->> 'name' ~ '^Anonymous User', sender ->> 'id', "conversationId", "isAnonymous", deleted
                    from public.list_chat_messages(current_setting('tests.conversation')::uuid)$$,
  $$values (false, 'Hi, is anyone there?'::text, true, current_setting('tests.seeker_participant'), current_setting('tests.conversation')::uuid, true, false)$$,
  'CH-08: messages name the sender by alias and participant id, with isMine');
select throws_ok(format($$select * from public.list_chat_messages(%L, before => gen_random_uuid())$$, current_setting('tests.conversation')), 'PT400',
  'before is not a message of this conversation', 'CH-08: paging before an unknown message is a 400');
select throws_ok(format($$select * from public.list_chat_messages(%L, "limit" => 101)$$, current_setting('tests.conversation')), 'PT400',
  'limit must be between 1 and 100', 'CH-08: … and so is a page over 100');
select lives_ok(format($$select public.send_chat_message('I am here. What is on your mind?', %L, "messageId" => '00000000-0000-4000-8000-000000000002')$$,
  current_setting('tests.seeker_participant')), 'CH-09: the recipient answers to the partner''s participant id');
select is((select "unreadCount" from public.chat_conversation_list), 0, 'CH-10: answering marks the conversation read for the one who answers');

--- nobody can find out who the partner is
select throws_ok($$select user_id from private.chat_participants$$, '42501', null, 'CH-11: the account id of participants is unreadable');
select ok(position(tests.get_supabase_uid('seeker')::text in (select jsonb_agg(to_jsonb(l))::text from public.chat_conversation_list as l)) = 0,
  'CH-12: the conversation list holds no trace of the partner''s account id');
select ok(position(tests.get_supabase_uid('seeker')::text in
  (select jsonb_agg(to_jsonb(m))::text from public.list_chat_messages(current_setting('tests.conversation')::uuid) as m)) = 0,
  'CH-12: … nor do the messages');
select ok((select jsonb_agg(to_jsonb(l))::text from public.chat_conversation_list as l) !~ '(Sage|Seeker|seeker@example.com)',
  'CH-12: … nor the partner''s name or email');
select isnt(public.send_chat_message('Is that you, Sage?', tests.public_id_of('seeker')) ->> 'conversationId',
  current_setting('tests.conversation'),
  'CH-13: writing to someone''s card never lands in a conversation they opened anonymously (no unmasking by probing cards)');
select is((select count(*)::int from public.chat_conversation_list), 2, 'CH-13: … it opens a conversation of its own');

--- everyone else
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.chat_conversations union all select 1 from public.chat_messages
  union all select 1 from public.chat_conversation_list union all select 1 from private.chat_participants$$,
  'CH-14: a non-participant sees no conversation, message or participant');
select throws_ok(format($$select * from public.list_chat_messages(%L)$$, current_setting('tests.conversation')), 'PT404', 'No such conversation',
  'CH-14: … and the conversation does not exist for them');
select throws_ok(format($$select public.send_chat_message('let me in', %L)$$, current_setting('tests.seeker_participant')), 'PT404',
  'No such recipient', 'CH-15: a non-participant cannot post to a participant id');
select throws_ok(format($$insert into public.chat_messages (id, conversation_id, sender_id, content) values (gen_random_uuid(), %L, %L, 'x')$$,
  current_setting('tests.conversation'), current_setting('tests.seeker_participant')), '42501', null, 'CH-15: nor insert as someone else''s participant');
select tests.authenticate_as('therapist');
select is_empty($$select 1 from public.chat_messages$$, 'CH-16: a therapist reads no one''s chats');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.chat_messages$$, 'CH-17: an admin reads no chats through the API (moderation has its own path)');
select tests.clear_authentication();
select throws_ok($$select * from public.chat_messages$$, '42501', null, 'CH-18: anon has no access');
select throws_ok($$select public.send_chat_message('x', gen_random_uuid())$$, '42501', null, 'CH-18: … and cannot send');

--- read pointers, edits, deletions
select tests.authenticate_as('seeker');
select set_config('tests.listener_participant', (select partner ->> 'id' from public.chat_conversation_list where id = current_setting('tests.conversation')::uuid), true);
select is((select "unreadCount" from public.chat_conversation_list where id = current_setting('tests.conversation')::uuid), 1, 'CH-19: the seeker has one unread answer');
select public.mark_chat_read(tests.chat_message_id('listener', '00000000-0000-4000-8000-000000000002'));
select is((select "unreadCount" from public.chat_conversation_list where id = current_setting('tests.conversation')::uuid), 0, 'CH-19: marking it read clears the count');
select lives_ok($$select public.edit_chat_message(tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001'), 'Hi, is anyone around?')$$, 'CH-20: the sender edits their message');
select isnt((select edited_at from public.chat_messages where id = tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001')), null, 'CH-20: … which is stamped as edited');
select throws_ok($$select public.edit_chat_message(tests.chat_message_id('listener', '00000000-0000-4000-8000-000000000002'), 'putting words in your mouth')$$, 'PT404', null,
  'CH-21: nobody edits the partner''s message');
select throws_ok($$select public.delete_chat_message(tests.chat_message_id('listener', '00000000-0000-4000-8000-000000000002'))$$, 'PT404', null, 'CH-21: … or deletes it');
select public.delete_chat_message(tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001'));
select results_eq($$select content, deleted_at is not null from public.chat_messages where id = tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000001')$$,
  $$values (null::text, true)$$, 'CH-22: deleting erases the text, not just hides it');
select is_empty($$update public.chat_messages set deleted_at = now() where id = tests.chat_message_id('listener', '00000000-0000-4000-8000-000000000002') returning 1$$,
  'CH-22: the table itself refuses changes to the partner''s messages');

--- crisis support, for the sender only
select throws_ok($$select public.send_chat_message('talking to myself', current_setting('tests.seeker_participant')::uuid)$$,
  'PT404', 'No such recipient', 'CH-23: nobody messages their own participant id');
select tests.authenticate_as('seeker');
select set_config('tests.crisis', public.send_chat_message('Honestly I want to die some days',
  (select (partner ->> 'id')::uuid from public.chat_conversation_list where id = current_setting('tests.conversation')::uuid),
  "messageId" => '00000000-0000-4000-8000-000000000004', "countryCode" => 'GB')::text, true);
select ok(current_setting('tests.crisis')::jsonb #>> '{safety,notice}' like '%not a crisis service%', 'CH-24: a crisis phrase brings the sender the notice');
select ok((current_setting('tests.crisis')::jsonb #> '{safety,helplines}')::text like '%Samaritans%', 'CH-24: … and the helplines of their country');
select ok((current_setting('tests.crisis')::jsonb #> '{safety,helplines}')::text like '%findahelpline%', 'CH-24: … and the international fallback');
select tests.authenticate_as('listener');
select is((select content from public.chat_messages where id = tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000004')), 'Honestly I want to die some days',
  'CH-25: the message is delivered unchanged: flagging never blocks');
select throws_ok($$select * from private.chat_message_flags$$, '42501', null, 'CH-25: … and the partner cannot see that it was flagged');

--- rate limit
select tests.authenticate_as('listener');
select lives_ok($$select count(public.send_chat_message('message ' || n, current_setting('tests.seeker_participant')::uuid))
  from generate_series(1, 20 - private.recent_message_count_of_caller()) as n$$, 'CH-26: twenty messages a minute go through');
select throws_ok($$select public.send_chat_message('one too many', current_setting('tests.seeker_participant')::uuid)$$,
  'PT429', 'You are sending messages too quickly; wait a moment', 'CH-26: the twenty-first in a minute is refused with 429');
select throws_ok($$select public.edit_chat_message(tests.chat_message_id('listener', '00000000-0000-4000-8000-000000000002'), 'rewriting instead')$$,
  'PT429', 'You are sending messages too quickly; wait a moment', 'CH-26: … and so is an edit, which reaches the partner like a message');

--- Realtime: what was broadcast, and who may hear it
reset role;
select ok((select count(*) > 0 from realtime.messages where topic = tests.personal_topic('listener') and event = 'newMessage'
  and payload ->> 'conversationId' = current_setting('tests.conversation')),
  'CH-27: new messages are broadcast on the recipient''s personal topic');
select ok(exists (select 1 from realtime.messages where topic = tests.personal_topic('seeker') and event = 'newMessage'
  and payload ->> 'id' = tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000004')::text),
  'CH-28: … and on the sender''s own, for their other devices');
select is_empty(format($$select 1 from realtime.messages where concat(topic, payload::text) like any (array['%%%s%%', '%%%s%%'])$$,
  tests.get_supabase_uid('seeker'), tests.get_supabase_uid('listener')), 'CH-29: no broadcast topic or payload carries an account id');
select ok((select count(*) > 0 from realtime.messages where topic = tests.personal_topic('listener') and event = 'messageDeleted'
  and payload ->> 'content' is null and (payload ->> 'deleted')::boolean), 'CH-30: deletions are broadcast without the text');
-- The payload is the message in the seed's shape, as each recipient reads it (isMine is theirs), on each personal topic once.
select results_eq(format($$
    select topic = tests.personal_topic('seeker'), (select array_agg(k order by k) from jsonb_object_keys(payload) as k),
           payload - 'isMine' - 'sender' - 'timestamp', payload -> 'isMine', payload #>> '{sender,id}',
           payload #>> '{sender,name}' ~ '^Anonymous User #[0-9]{4}$',
           (payload ->> 'timestamp')::timestamptz = (select m.created_at from public.chat_messages as m where m.id = %1$L)
    from realtime.messages where event = 'newMessage' and payload ->> 'id' = %1$L::text order by 1$$,
    tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000004')),
  format($$values (false, %1$L::text[], %2$L::jsonb, 'false'::jsonb, %3$L, true, true), (true, %1$L::text[], %2$L::jsonb, 'true'::jsonb, %3$L, true, true)$$,
    array['content', 'conversationId', 'deleted', 'editedAt', 'id', 'isAnonymous', 'isMine', 'sender', 'timestamp'],
    jsonb_build_object('id', tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000004'), 'conversationId', current_setting('tests.conversation'),
                       'content', 'Honestly I want to die some days', 'isAnonymous', true, 'editedAt', null, 'deleted', false),
    current_setting('tests.seeker_participant')),
  'CH-30: newMessage carries the seed''s message (id, content, sender {id, name}, timestamp, isAnonymous), isMine for each recipient, no safety prompt');

select tests.authenticate_as('listener');
select public.chat_typing(current_setting('tests.conversation')::uuid);
select public.chat_typing(current_setting('tests.conversation')::uuid);
reset role;
select is((select count(*)::int from realtime.messages where topic = tests.personal_topic('seeker') and event = 'typing'
           -- (realtime.send gives a payload without an id the broadcast's own)
           and payload - 'id' = jsonb_build_object('conversationId', current_setting('tests.conversation'), 'participantId', current_setting('tests.listener_participant'))), 1,
  'CH-31: typing reaches the partner''s personal topic ({conversationId, participantId}), once every few seconds at most');
select tests.authenticate_as('listener');
select set_config('realtime.topic', 'conversation:' || current_setting('tests.conversation'), true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private)
  values (realtime.topic(), 'broadcast', 'newMessage', '{"sender": {"name": "Moderator"}}', true)$$, '42501', null,
  'CH-32: nobody sends server events: the conversation id is no topic');
select set_config('realtime.topic', 'conversation:' || current_setting('tests.conversation') || ':live', true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private)
  values (realtime.topic(), 'broadcast', 'typing', '{"participantId": "x"}', true)$$, '42501', null,
  'CH-32: nor client broadcasts: a conversation has no shared room whose name could change at a block');
select set_config('realtime.topic', tests.personal_topic('listener'), true);
select ok((select count(*) > 0 from realtime.messages), 'CH-33: a person receives on their own personal topic');
select is((select "realtimeTopic" from public.my_profile), tests.personal_topic('listener'), 'CH-33: … which my_profile tells them');
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private) values (realtime.topic(), 'broadcast', 'x', '{}', true)$$,
  '42501', null, 'CH-33: … but nobody sends into a personal topic');
select set_config('realtime.topic', tests.personal_topic('seeker'), true);
select is_empty($$select 1 from realtime.messages$$, 'CH-34: nobody receives on someone else''s personal topic');
select set_config('realtime.topic', 'user:' || tests.get_supabase_uid('listener'), true);
select is_empty($$select 1 from realtime.messages$$, 'CH-34: … and an account id names no topic, not even one''s own');
select tests.authenticate_as('stranger');
select throws_ok(format($$select public.chat_typing(%L)$$, current_setting('tests.conversation')), 'PT404', null,
  'CH-35: a non-participant cannot type into a conversation');
select set_config('realtime.topic', 'conversation:' || current_setting('tests.conversation'), true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private) values (realtime.topic(), 'presence', 'track', '{}', true)$$,
  '42501', null, 'CH-35: … and can neither send nor show presence there');
select set_config('realtime.topic', 'conversation:not-a-uuid', true);
select is_empty($$select 1 from realtime.messages$$, 'CH-36: a malformed topic belongs to nobody (and raises no error)');

--- leaving and blocking
select tests.authenticate_as('listener');
select public.leave_chat_conversation(current_setting('tests.conversation')::uuid, "blockPartner" => true);
select tests.authenticate_as('seeker');
select throws_ok($$select public.send_chat_message('still there?', (select (partner ->> 'id')::uuid from public.chat_conversation_list
  where id = current_setting('tests.conversation')::uuid))$$, 'PT409', 'This conversation has ended', 'CH-37: nobody writes in an ended conversation');
select throws_ok($$select public.edit_chat_message(tests.chat_message_id('seeker', '00000000-0000-4000-8000-000000000004'), 'rewritten after the block')$$, 'PT409',
  'This conversation has ended', 'CH-37: … nor rewrites old messages there');
select throws_ok(format($$select public.chat_typing(%L)$$, current_setting('tests.conversation')), 'PT404', null,
  'CH-37: … nor shows typing there');
select lives_ok(format($$select public.send_chat_message('please answer', %L, "messageId" => '00000000-0000-4000-8000-0000000000b1')$$, tests.public_id_of('listener')),
  'CH-38: a blocked person writing to the blocker''s card gets an ordinary answer (no error tells them they were blocked)');
select throws_ok($$select * from private.user_blocks$$, '42501', null, 'CH-38: … and cannot read the blocks');
select tests.authenticate_as('listener');
select is_empty($$select 1 from public.chat_messages where id = tests.chat_message_id('seeker', '00000000-0000-4000-8000-0000000000b1')$$,
  'CH-38: … while the blocker receives nothing');
reset role;
-- A minute passes: the listener's earlier burst no longer counts against the rate limit.
update private.send_log set sent_at = sent_at - interval '2 minutes' where user_id = tests.get_supabase_uid('listener');
select tests.authenticate_as('listener');
select public.send_chat_message('hello again', tests.public_id_of('seeker'), "messageId" => '00000000-0000-4000-8000-0000000000b2');
select tests.authenticate_as('seeker');
select is_empty($$select 1 from public.chat_messages where id = tests.chat_message_id('listener', '00000000-0000-4000-8000-0000000000b2')$$, 'CH-39: a block works both ways');

--- an account deleted
reset role;
delete from auth.users where id = tests.get_supabase_uid('seeker');
select tests.authenticate_as('listener');
select results_eq($$select partner ->> 'name' from public.chat_conversation_list where id = current_setting('tests.conversation')::uuid$$, $$values ('[deleted user]'::text)$$,
  'CH-40: the partner of a deleted account sees "[deleted user]"');
select is_empty(format($$select 1 from public.list_chat_messages(%L) where not "isMine" and content is not null$$, current_setting('tests.conversation')),
  'CH-40: … and none of the deleted person''s words');

select * from finish();
rollback;
