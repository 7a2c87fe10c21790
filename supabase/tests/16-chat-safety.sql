-- Chat safety: reports hide the reporter, admins see only reported messages (audited), moderators remove messages,
-- ratings after the end, and the chat export. Threat ids: CS-01 … CS-16.
begin;
select plan(22);

select tests.create_supabase_user('reporter', metadata => '{"firstName": "Rey"}');
select tests.create_supabase_user('reported', metadata => '{"firstName": "Ria"}');
select tests.create_supabase_user('admin');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');

select tests.authenticate_as('reported');
select set_config('tests.conversation', public.send_chat_message('first, harmless', tests.public_id_of('reporter'),
  "messageId" => '00000000-0000-4000-9000-000000000001') ->> 'conversationId', true);
select public.send_chat_message('something cruel', tests.public_id_of('reporter'), "messageId" => '00000000-0000-4000-9000-000000000002');
select tests.authenticate_as('reporter');
select set_config('tests.reported_participant', (select partner ->> 'id' from public.chat_conversation_list), true);
select public.send_chat_message('please stop', current_setting('tests.reported_participant')::uuid, "messageId" => '00000000-0000-4000-9000-000000000003');

--- reporting
select isnt(public.report_chat_participant(current_setting('tests.reported_participant')::uuid, 'harassment', 'Insults after I asked to stop',
  array[tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000002')]), null, 'CS-01: a participant reports their partner with a reason and messages');
select throws_ok(format($$select public.report_chat_participant(%L, 'spam', null, array[tests.chat_message_id('reporter', '00000000-0000-4000-9000-000000000003')])$$,
  current_setting('tests.reported_participant')), 'PT400', null, 'CS-02: only the reported person''s own messages can be attached');
select throws_ok(format($$select public.report_chat_participant(%L, 'spam')$$, gen_random_uuid()), 'PT404', 'No such participant',
  'CS-03: nobody reports someone outside their conversations');
select throws_ok($$select * from private.chat_reports$$, '42501', null, 'CS-04: reports are not readable through the API');
select tests.authenticate_as('reported');
select public.delete_chat_message(tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000002'));
select public.edit_chat_message(tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000001'), 'I hope you want to die');
select throws_ok($$select * from private.chat_reports$$, '42501', null, 'CS-05: the reported person cannot see that they were reported');
select throws_ok($$select * from public.moderation_chat_reports()$$, 'PT403', 'Only admins can do this', 'CS-06: nor read the moderation listing');

--- admins
select tests.authenticate_as('admin');
select results_eq($$select reason::text, description, jsonb_array_length("reportedMessages"), "reportedParticipantId"::text, "conversationId"::text,
                           (select array_agg(k order by k) from jsonb_object_keys("reportedMessages" -> 0) as k), "resolvedAt"
                    from public.moderation_chat_reports()$$,
  format($$values ('harassment'::text, 'Insults after I asked to stop'::text, 1, %L, %L, array['content', 'createdAt', 'editedAt', 'id'], null::timestamptz)$$,
    current_setting('tests.reported_participant'), current_setting('tests.conversation')),
  'CS-07: admins see the report with the reported messages only ({id, content, createdAt, editedAt}), the reported participant and the conversation');
select ok((select "reportedMessages"::text from public.moderation_chat_reports()) !~ '(first, harmless|please stop)',
  'CS-08: … not the rest of the conversation, and nothing of the reporter');
select is((select "reportedMessages" -> 0 ->> 'content' from public.moderation_chat_reports()), 'something cruel',
  'CS-08: … as they were when reported, even though the reported person deleted them since');
select throws_ok($$select public.moderation_remove_chat_message(tests.chat_message_id('reporter', '00000000-0000-4000-9000-000000000003'))$$, 'PT404', 'No open report names this message',
  'CS-08: moderators remove only messages named in an open report');
select is((select count(*)::int from public.audit_log where action = 'moderation_read' and details ->> 'view' = 'moderation_chat_reports'), 3,
  'CS-09: every moderation read is audited');
select is_empty($$select 1 from public.chat_messages$$, 'CS-10: admins still read no conversation directly');
select lives_ok($$select public.moderation_remove_chat_message(tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000002'))$$, 'CS-11: an admin removes a reported message');
reset role;
select results_eq($$select content, removed_at is not null from public.chat_messages where id = tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000002')$$,
  $$values (null::text, true)$$, 'CS-11: … its text is erased');
select ok(exists (select 1 from private.chat_message_flags where message_id = tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000001')),
  'CS-11: an edit that adds a crisis phrase is flagged like a new message');
select ok((select count(*) > 0 from realtime.messages where event = 'messageDeleted' and payload ->> 'id' = tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000002')::text
                     and payload ->> 'content' is null and (payload ->> 'deleted')::boolean),
  'CS-12: … the removal is broadcast so clients hide it');
select isnt((select resolved_at from private.chat_reports limit 1), null, 'CS-12: … and the report naming it is resolved');
select tests.authenticate_as('reporter');
select throws_ok($$select public.moderation_remove_chat_message(tests.chat_message_id('reported', '00000000-0000-4000-9000-000000000001'))$$, 'PT403', 'Only admins can do this',
  'CS-13: only admins remove other people''s messages');

--- ratings
select throws_ok($$select public.rate_chat_conversation(current_setting('tests.conversation')::uuid, 5)$$, 'PT409', 'Rate a conversation once it has ended',
  'CS-14: no rating before the conversation ends');
select public.leave_chat_conversation(current_setting('tests.conversation')::uuid);
select lives_ok($$select public.rate_chat_conversation(current_setting('tests.conversation')::uuid, 2, 'It did not go well')$$,
  'CS-15: one rating after it ended');
select throws_ok($$select public.rate_chat_conversation(current_setting('tests.conversation')::uuid, 5)$$, 'PT409', 'You already rated this conversation',
  'CS-15: … and only one');

--- the chat export
select ok((public.export_my_data() -> 'chatConversations')::text like '%please stop%'
  and (public.export_my_data() -> 'chatConversations')::text not like '%first, harmless%',
  'CS-16: the export has the caller''s own messages and not the partner''s');

select * from finish();
rollback;
