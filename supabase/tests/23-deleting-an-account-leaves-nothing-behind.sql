-- Data rights across every domain, for a fully active person: their export holds every section of theirs and nothing of
-- anyone else; deleting their account leaves no row anywhere (every table of every schema, found from the catalog) that
-- holds their id, public id, email, name or words, while the people they dealt with keep what the rules say they keep:
-- a partner's conversation with "[deleted user]" and no words of theirs, a group with "[former member]" tombstones, a
-- therapist's schedule with the cancelled slot and no client identity, the slot bookable again, reminders cancelled.
-- The rule per table is in the data rights migration (20261125182500). Threat ids: DR-01 … DR-16.
begin;
select plan(39);

-- People. Everything Dana writes, and her name and email, carry the marker "zqxdana", so one needle finds every word of
-- hers wherever it might have been copied.
select tests.create_supabase_user('dana', email => 'zqxdana.leaving@example.com', metadata => '{"firstName": "Zqxdana", "lastName": "Leaving"}');
select tests.create_supabase_user('pat', email => 'pat.partner@example.com', metadata => '{"firstName": "Patrice", "lastName": "Partner"}');
select tests.create_supabase_user('sam', email => 'sam.second@example.com', metadata => '{"firstName": "Samwise", "lastName": "Second"}');
select tests.create_supabase_user('gil', email => 'gil.member@example.com', metadata => '{"firstName": "Gilda", "lastName": "Member"}');
select tests.create_supabase_user('blocked-one');
select tests.create_supabase_user('thea', email => 'thea.therapist@example.com', metadata => '{"firstName": "Thea"}');
select tests.create_supabase_user('next-client');
select tests.create_supabase_user('admin');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('thea');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');
select set_config('tests.dana', tests.get_supabase_uid('dana')::text, true);
select set_config('tests.dana_card', tests.public_id_of('dana')::text, true);
select set_config('tests.thea', tests.get_supabase_uid('thea')::text, true);
-- A future slot on a whole hour, three days ahead, and another a day later (Thea's zone is UTC).
select set_config('tests.slot', (date_trunc('day', now(), 'UTC') + interval '3 days 10 hours')::text, true);
select set_config('tests.slot2', (date_trunc('day', now(), 'UTC') + interval '4 days 10 hours')::text, true);

--- a fully active life on HealSpace -------------------------------------------------------------------------------
-- Identity: a bio, an avatar (as the Storage API writes it: owner = the uploader), a privacy change (audited).
update public.profiles set bio = 'zqxdana bio: I like long walks', location = 'Lisbon' where id = current_setting('tests.dana')::uuid;
select set_config('tests.dana_avatar', gen_random_uuid() || '.png', true);
insert into storage.objects (bucket_id, name, owner, owner_id)
values ('avatars', current_setting('tests.dana_avatar'), current_setting('tests.dana')::uuid, current_setting('tests.dana'));
select tests.authenticate_as('dana');
select public.update_privacy_settings('{"hidePhone": false, "showActivity": true}');
update public.my_profile set "isListener" = true;

-- Notifications: a device, a preference, quiet hours with previews on (every event below fills the inbox and queues
-- pushes for the device).
select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/zqxdana-phone', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('Q', 22)),
  "userAgent" => 'zqxdana phone browser');
insert into public.notification_preferences (type, push) values ('group_message', false);
insert into public.notification_settings (quiet_hours_start, quiet_hours_end, push_previews) values ('22:00', '07:00', true);

-- Wellbeing: journal (unlocks an achievement, which notifies), mood, a goal with progress.
insert into public.journal_entries (title, content, mood) values ('zqxdana day one', 'zqxdana journal: a hard week', 'sad');
insert into public.mood_entries (date, mood, note) values ('2026-01-01', 2, 'zqxdana mood note');
insert into public.goals (title, target) values ('zqxdana walk daily', 5);
insert into public.goal_progress (goal_id, note) select id, 'zqxdana progress' from public.goals where user_id = auth.uid();

-- Chat with Pat: Dana writes to Pat's card openly (her alias is her name), Pat answers, Dana says something that matches
-- a crisis phrase (flagged), Dana reports Pat.
select set_config('tests.conv_pat', public.send_chat_message('zqxdana: hello Pat', tests.public_id_of('pat'),
  "isAnonymous" => false, "messageId" => '00000000-0000-4000-8000-00000000d001') ->> 'conversationId', true);
select tests.authenticate_as('pat');
select set_config('tests.dana_in_pat', (select partner ->> 'id' from public.chat_conversation_list where id = current_setting('tests.conv_pat')::uuid), true);
select public.send_chat_message('pat-words: hi there', current_setting('tests.dana_in_pat')::uuid, "messageId" => '00000000-0000-4000-8000-00000000d002');
select tests.authenticate_as('dana');
select set_config('tests.pat_in_dana', (select partner ->> 'id' from public.chat_conversation_list where id = current_setting('tests.conv_pat')::uuid), true);
select public.send_chat_message('zqxdana: some days I want to die', current_setting('tests.pat_in_dana')::uuid, "messageId" => '00000000-0000-4000-8000-00000000d003');
select public.report_chat_participant(current_setting('tests.pat_in_dana')::uuid, 'harassment', 'zqxdana report: Pat was unkind');
-- Pat reports Dana back, attaching her messages (the report keeps a copy of their text).
select tests.authenticate_as('pat');
select public.report_chat_participant(current_setting('tests.dana_in_pat')::uuid, 'other', 'pat-words: report about my partner',
  array[tests.chat_message_id('dana', '00000000-0000-4000-8000-00000000d001'), tests.chat_message_id('dana', '00000000-0000-4000-8000-00000000d003')]);

-- Chat with Sam: Sam writes to Dana's card openly (so Sam's row names her card), Dana answers and leaves, both rate.
select tests.authenticate_as('sam');
select set_config('tests.conv_sam', public.send_chat_message('sam-words: hello', tests.public_id_of('dana'),
  "isAnonymous" => false, "messageId" => '00000000-0000-4000-8000-00000000d004') ->> 'conversationId', true);
select tests.authenticate_as('dana');
select public.send_chat_message('zqxdana: hi Sam',
  (select (partner ->> 'id')::uuid from public.chat_conversation_list where id = current_setting('tests.conv_sam')::uuid), "messageId" => '00000000-0000-4000-8000-00000000d005');
select public.leave_chat_conversation(current_setting('tests.conv_sam')::uuid);
select public.rate_chat_conversation(current_setting('tests.conv_sam')::uuid, 4, 'zqxdana rating: kind listener');
select tests.authenticate_as('sam');
select public.rate_chat_conversation(current_setting('tests.conv_sam')::uuid, 5, 'sam-words: lovely');
-- Blocks both ways and a waiting match request (written directly: the RPCs would hold the global matching lock for
-- the rest of this transaction, while other suites run).
reset role;
insert into private.user_blocks (blocker_id, blocked_id) values
  (tests.get_supabase_uid('sam'), current_setting('tests.dana')::uuid), (current_setting('tests.dana')::uuid, tests.get_supabase_uid('blocked-one'));
insert into private.chat_queue (user_id, role, topic, expires_at) values (current_setting('tests.dana')::uuid, 'seeker', 'zqxdana topic', now() + interval '10 minutes');
-- … and an earlier match with Gil about a topic she named.
insert into public.chat_conversations (id, kind, topic) values ('00000000-0000-4000-8000-00000000c001', 'matched', 'zqxdana topic: exam stress');
insert into private.chat_participants (conversation_id, user_id, alias) values
  ('00000000-0000-4000-8000-00000000c001', current_setting('tests.dana')::uuid, 'Anonymous User #0001'),
  ('00000000-0000-4000-8000-00000000c001', tests.get_supabase_uid('gil'), 'Anonymous User #0002');
insert into private.chat_queue (user_id, role, topic, status, conversation_id, expires_at, matched_at)
values (current_setting('tests.dana')::uuid, 'seeker', 'zqxdana topic: exam stress', 'matched', '00000000-0000-4000-8000-00000000c001', now(), now()),
       (tests.get_supabase_uid('gil'), 'listener', null, 'matched', '00000000-0000-4000-8000-00000000c001', now(), now());
insert into private.send_log (user_id) values (current_setting('tests.dana')::uuid);

-- Groups: Thea's group; Dana and Gil join; Dana posts (one pinned, one flagged), Gil posts; Dana becomes a moderator,
-- uploads the group's cover and hosts a session; she RSVPs to Thea's.
select tests.authenticate_as('thea');
insert into public.support_groups (name, description, category_id) values ('Evening Calm Circle DR', 'Winding down together', 'anxiety');
select set_config('tests.group', (select id::text from public.support_groups where name = 'Evening Calm Circle DR'), true);
select tests.authenticate_as('dana');
select public.join_group(current_setting('tests.group')::uuid, "useDisplayName" => true);
select tests.authenticate_as('gil');
select public.join_group(current_setting('tests.group')::uuid);
select public.send_group_message(current_setting('tests.group')::uuid, 'gil-words: welcome all', "messageId" => '00000000-0000-4000-8000-00000000e001');
select tests.authenticate_as('dana');
select public.send_group_message(current_setting('tests.group')::uuid, 'zqxdana: thank you all', "messageId" => '00000000-0000-4000-8000-00000000e002');
select public.send_group_message(current_setting('tests.group')::uuid, 'zqxdana: I cannot go on like this', "messageId" => '00000000-0000-4000-8000-00000000e003');
select tests.authenticate_as('thea');
select public.change_group_message(tests.group_message_id('dana', '00000000-0000-4000-8000-00000000e002'), 'pin');
select public.moderate_group_member(current_setting('tests.group')::uuid,
  (select "memberId" from public.list_group_members(current_setting('tests.group')::uuid) where name = 'Zqxdana Leaving'), 'promote');
select set_config('tests.group_session', public.schedule_group_session(current_setting('tests.group')::uuid, 'Thea''s check-in',
  current_setting('tests.slot')::timestamptz)::text, true);
select tests.authenticate_as('dana');
insert into storage.objects (bucket_id, name, owner, owner_id)
values ('group-covers', current_setting('tests.group') || '/cover.png', auth.uid(), auth.uid()::text);
select public.schedule_group_session(current_setting('tests.group')::uuid, 'zqxdana hosts a walk', current_setting('tests.slot2')::timestamptz);
select public.rsvp_group_session(current_setting('tests.group_session')::uuid);

-- Therapy: Thea is bookable around the clock; Dana books a future session (reminders for both), books and cancels
-- another (her own reason), and has a past completed session she rated. Thea keeps a note on it.
select tests.authenticate_as('thea');
insert into public.therapists (id, display_name, specialties, hourly_rate, minimum_notice_minutes)
values ((select auth.uid()), 'Dr. Thea DR', '{anxiety}', 100, 0);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select (select auth.uid()), d, '00:00', '24:00' from generate_series(1, 7) as d;
select tests.authenticate_as('dana');
select set_config('tests.future', private.book_therapy_session(current_setting('tests.thea')::uuid, current_setting('tests.slot')::timestamptz,
  'video', 'zqxdana note: about my sleep', 'zqxdana-idempotency-1')::text, true);
select set_config('tests.cancelled', private.book_therapy_session(current_setting('tests.thea')::uuid, current_setting('tests.slot2')::timestamptz,
  'video', 'zqxdana note two')::text, true);
select private.cancel_therapy_session(current_setting('tests.cancelled')::uuid, 'zqxdana reason: feeling better');
reset role;
insert into private.therapy_sessions (id, therapist_id, client_id, starts_at, duration_minutes, session_type, status, client_note)
values ('00000000-0000-4000-8000-00000000f001', current_setting('tests.thea')::uuid, current_setting('tests.dana')::uuid,
        now() - interval '3 days', 50, 'video', 'completed', 'zqxdana note: first session');
select tests.authenticate_as('dana');
select private.rate_therapy_session('00000000-0000-4000-8000-00000000f001', 5, 'zqxdana feedback: very helpful');
select tests.authenticate_as('thea');
insert into public.therapist_session_notes (session_id, body) values ('00000000-0000-4000-8000-00000000f001', 'Thea''s own note: client sleeps badly');
select private.send_notification(tests.therapist_client_handle('thea', 'dana'), 'A note from your therapist', 'See you on Thursday');

select tests.authenticate_as('dana');
select public.send_chat_message('zqxdana: are you still there?', current_setting('tests.pat_in_dana')::uuid, "messageId" => '00000000-0000-4000-8000-00000000d006');

-- Audit: an admin changes Dana's role and back, and looks her up by email and by id (details that name her).
select tests.authenticate_as('admin');
select public.set_user_role(current_setting('tests.dana')::uuid, 'therapist');
select public.set_user_role(current_setting('tests.dana')::uuid, 'client');
select count(*) from public.moderation_profiles(search => 'ZQXDANA.leaving@example.com');
select count(*) from public.moderation_profiles(after => current_setting('tests.dana')::uuid);

--- DR-01 … DR-05: the export ----------------------------------------------------------------------------------------
select tests.authenticate_as('dana');
select set_config('tests.export', public.export_my_data()::text, true);
select set_eq($$select jsonb_object_keys(current_setting('tests.export')::jsonb)$$,
  array['format', 'exportedAt', 'userId', 'profile', 'publicCard', 'avatars', 'auditEvents',
        'journalEntries', 'moodEntries', 'goals', 'achievements',
        'chatConversations', 'chatListener', 'chatRatingsGiven', 'chatReportsFiled', 'chatMatchRequests', 'chatBlocksMade',
        'therapySessions', 'therapist',
        'groupMemberships', 'groupMessages', 'groupSessionRsvps', 'groupSessionsHosted', 'groupsCreated',
        'notifications', 'pushSubscriptions', 'notificationPreferences', 'notificationSettings', 'sessionReminders'],
  'DR-01: the export has a section for every domain: identity, wellbeing, chat, therapy, groups, notifications');
select is_empty($$
  select key from jsonb_each(current_setting('tests.export')::jsonb)
  where key in ('avatars', 'auditEvents', 'journalEntries', 'moodEntries', 'goals', 'achievements', 'chatConversations', 'chatRatingsGiven',
                'chatReportsFiled', 'chatMatchRequests', 'chatBlocksMade', 'therapySessions', 'groupMemberships', 'groupMessages',
                'groupSessionRsvps', 'groupSessionsHosted', 'notifications', 'pushSubscriptions', 'notificationPreferences', 'sessionReminders')
    and (jsonb_typeof(value) <> 'array' or jsonb_array_length(value) = 0)$$,
  'DR-01: … and each of them holds this active person''s rows');
select results_eq($$
  select c ->> 'myAlias', c ->> 'partnerAlias' ~ '^Anonymous User #[0-9]{4}$', jsonb_array_length(c -> 'myMessages'),
         (select bool_or((m ->> 'crisisFlagged')::boolean) from jsonb_array_elements(c -> 'myMessages') as m),
         e #>> '{chatRatingsGiven,0,comment}', e #>> '{chatReportsFiled,0,description}', (e ->> 'chatListener')::boolean,
         jsonb_array_length(e -> 'chatBlocksMade')
  from (select current_setting('tests.export')::jsonb as e) as x
  cross join lateral jsonb_array_elements(e -> 'chatConversations') as c
  where c ->> 'id' = current_setting('tests.conv_pat')$$,
  $$values ('Zqxdana Leaving'::text, true, 3, true, 'zqxdana rating: kind listener'::text, 'zqxdana report: Pat was unkind'::text, true, 1)$$,
  'DR-02: chat: her alias, Pat by pseudonym only, her own messages (with the crisis flag), her rating, her report, that she listens and blocked someone');
select is((select c -> 'partnerAlias' from jsonb_array_elements(current_setting('tests.export')::jsonb -> 'chatConversations') as c
           where c ->> 'id' = current_setting('tests.conv_sam')), 'null'::jsonb,
  'DR-02: … and Sam, who talked openly under his name, not at all');
select results_eq($$
  select e #>> '{groupMemberships,0,groupName}', e #>> '{groupMemberships,0,role}', jsonb_array_length(e -> 'groupMessages'),
         e #>> '{groupSessionRsvps,0,title}', e #>> '{groupSessionsHosted,0,title}'
  from (select current_setting('tests.export')::jsonb as e) as x$$,
  $$values ('Evening Calm Circle DR'::text, 'moderator'::text, 2, 'Thea''s check-in'::text, 'zqxdana hosts a walk'::text)$$,
  'DR-03: groups: her membership with the group''s name, her two messages, her RSVP, the session she hosts');
select results_eq($$
  select e #>> '{pushSubscriptions,0,endpoint}', e #>> '{pushSubscriptions,0,userAgent}', e -> 'pushSubscriptions' -> 0 ?| array['p256dh', 'auth', 'keys'],
         e #>> '{notificationSettings,quietHoursStart}', (e #>> '{notificationSettings,pushPreviews}')::boolean,
         (select p ->> 'push' from jsonb_array_elements(e -> 'notificationPreferences') as p where p ->> 'type' = 'group_message'),
         jsonb_array_length(e -> 'sessionReminders'), jsonb_array_length(e -> 'notifications') > 0,
         jsonb_array_length(e -> 'therapySessions'), (select s ->> 'feedback' from jsonb_array_elements(e -> 'therapySessions') as s where s ->> 'status' = 'completed')
  from (select current_setting('tests.export')::jsonb as e) as x$$,
  $$values ('https://fcm.googleapis.com/fcm/send/zqxdana-phone'::text, 'zqxdana phone browser'::text, false, '22:00:00'::text, true, 'false'::text,
            4, true, 3, 'zqxdana feedback: very helpful'::text)$$,
  'DR-04: notifications (the device without its keys, settings, preferences, reminders, inbox) and therapy sessions with her rating');
select ok(current_setting('tests.export') !~* ('(' || concat_ws('|', tests.get_supabase_uid('pat'), tests.get_supabase_uid('sam'), tests.get_supabase_uid('gil'),
    tests.get_supabase_uid('blocked-one'), tests.get_supabase_uid('admin'), tests.public_id_of('pat'), tests.public_id_of('sam'), tests.public_id_of('gil'),
    'pat\.partner@', 'sam\.second@', 'gil\.member@', 'thea\.therapist@', 'Patrice', 'Samwise', 'Gilda', 'pat-words', 'sam-words', 'gil-words',
    'Thea''s own note', repeat('Q', 22)) || ')'),
  'DR-05: nothing of anyone else: no partner''s, member''s or admin''s id, public id, email, name or words; no device secret');

--- the deletion, as the account function does it --------------------------------------------------------------------
reset role;
-- Before: the catalog search finds her everywhere it should (so an empty answer afterwards means something).
select set_config('tests.needles', array[current_setting('tests.dana'), current_setting('tests.dana_card'), 'zqxdana']::text, true);
select set_config('tests.future_reminders', (select count(*)::text from private.session_reminders where session_id = current_setting('tests.future')::uuid), true);
select set_has($$select table_name from tests.traces(current_setting('tests.needles')::text[])$$,
  $$values ('auth.users'), ('public.profiles'), ('private.profile_cards'), ('storage.objects'), ('realtime.messages'), ('public.audit_log'),
           ('public.journal_entries'), ('public.mood_entries'), ('public.goals'), ('public.goal_progress'), ('public.user_achievements'),
           ('private.chat_participants'), ('public.chat_messages'), ('private.chat_reports'), ('private.chat_ratings'), ('private.chat_queue'),
           ('private.user_blocks'), ('private.send_log'), ('private.group_members'), ('public.group_messages'), ('public.group_sessions'),
           ('private.therapy_sessions'), ('private.session_reminders'), ('private.therapy_session_ratings'),
           ('public.notifications'), ('public.push_subscriptions'), ('public.notification_preferences'), ('public.notification_settings'),
           ('private.notification_jobs')$$,
  'DR-06: before the deletion the catalog search finds her in every domain (auth, storage, realtime, audit, wellbeing, chat, groups, therapy, notifications)');

select tests.authenticate_as_service_role();
select throws_ok(format('select private.delete_account(%L)', current_setting('tests.dana')), 'PT409', null,
  'DR-07: the deletion waits for the Storage API to remove her avatar');
select set_config('storage.allow_delete_query', 'true', true);
delete from storage.objects where bucket_id = 'avatars' and name = current_setting('tests.dana_avatar');
select lives_ok(format('select private.delete_account(%L)', current_setting('tests.dana')), 'DR-07: then her account is deleted');

--- DR-08: the proof from the catalog ----------------------------------------------------------------------------------
reset role;
select ok((select count(*) from tests.data_tables() where readable and schema_name in ('public', 'private', 'storage', 'realtime', 'auth')) >= 40
    and (select count(distinct schema_name) from tests.data_tables() where readable and schema_name in ('public', 'private', 'storage', 'realtime', 'auth')) = 5
    and not exists (select 1 from tests.data_tables() where not readable and schema_name in ('public', 'private', 'storage', 'realtime', 'auth')),
  'DR-08: the search reads every table of public, private, storage, realtime and auth (and of any other schema with data it may read)');
select is_empty($$select table_name || '.' || column_name || ' holds ' || needle || ' in ' || hit_rows || ' row(s)'
                  from tests.traces(current_setting('tests.needles')::text[])$$,
  'DR-08: afterwards no column of any row anywhere holds her id, public id, email, name or any word she wrote');

--- DR-09: chat partners ------------------------------------------------------------------------------------------------
select tests.authenticate_as('pat');
select results_eq($$select partner ->> 'name', "endedAt" is not null, "lastMessage" from public.chat_conversation_list where id = current_setting('tests.conv_pat')::uuid$$,
  $$values ('[deleted user]'::text, true, null::text)$$,
  'DR-09: Pat''s conversation shows "[deleted user]", ended, with no last words of hers');
select results_eq($$select "isMine", sender ->> 'name', content, deleted from public.list_chat_messages(current_setting('tests.conv_pat')::uuid) order by "timestamp", id$$,
  $$values (false, '[deleted user]'::text, null::text, true), (true, (select alias from private.chat_participants where id <> current_setting('tests.dana_in_pat')::uuid
              and conversation_id = current_setting('tests.conv_pat')::uuid), 'pat-words: hi there'::text, false),
           (false, '[deleted user]', null, true), (false, '[deleted user]', null, true)$$,
  'DR-09: … her messages are tombstones without content, Pat''s own message is untouched');
select throws_ok($$select public.send_chat_message('still there?', current_setting('tests.dana_in_pat')::uuid)$$, 'PT409', null,
  'DR-09: … and nobody can write to the departed person');
reset role;
select results_eq($$select reason::text, description, jsonb_path_query_array(reported_messages, '$[*].content') from private.chat_reports
                    where conversation_id = current_setting('tests.conv_pat')::uuid order by created_at$$,
  $$values ('harassment'::text, null::text, '[]'::jsonb), ('other', 'pat-words: report about my partner', '[null, null]')$$,
  'DR-09: reports stay for moderation: hers without her description, Pat''s about her without the text of her messages');
select results_eq($$select topic, ended_at is not null from public.chat_conversations where id = '00000000-0000-4000-8000-00000000c001'$$,
  $$values (null::text, true)$$, 'DR-09: a matched conversation ends and forgets the topic she asked about');
select results_eq($$select stars::int, comment from private.chat_ratings where conversation_id = current_setting('tests.conv_sam')::uuid order by stars$$,
  $$values (4, null::text), (5, 'sam-words: lovely')$$, 'DR-09: her rating keeps its stars without her comment; Sam''s rating of her stays, unattributed');

--- DR-10: the group ----------------------------------------------------------------------------------------------------
select tests.authenticate_as('gil');
select results_eq($$select sender ->> 'name', content, deleted, pinned from public.list_group_messages(current_setting('tests.group')::uuid) order by "timestamp", id$$,
  $$values ((select name from public.list_group_members(current_setting('tests.group')::uuid) where "isMe"), 'gil-words: welcome all'::text, false, false),
           ('[former member]', null, true, false), ('[former member]', null, true, false)$$,
  'DR-10: the group keeps her messages as "[former member]" tombstones, unpinned, without content; Gil''s stay');
select results_eq($$select member_count from public.support_groups where id = current_setting('tests.group')::uuid$$, $$values (2)$$,
  'DR-10: … and counts her out');
select tests.authenticate_as('thea');
select results_eq($$select title, host_member_id is null, cancelled_at is not null from public.group_sessions
                    where group_id = current_setting('tests.group')::uuid order by starts_at$$,
  $$values ('Thea''s check-in'::text, false, false), ('Group session', true, true)$$,
  'DR-10: the future session she hosted is cancelled, without its host or the title she wrote');
reset role;
select results_eq($$select name, owner, owner_id from storage.objects where bucket_id = 'group-covers' and name = current_setting('tests.group') || '/cover.png'$$,
  $$values (current_setting('tests.group') || '/cover.png', null::uuid, null::text)$$, 'DR-10: the cover she uploaded stays the group''s, without its uploader');

--- DR-11 … DR-13: the therapist -----------------------------------------------------------------------------------------
select tests.authenticate_as('thea');
select results_eq(format($$select status::text, "cancelledBy"::text, "cancellationReason", client, notes from public.my_therapy_sessions where id = %L$$, current_setting('tests.future')),
  $$values ('cancelled'::text, 'system'::text, 'Cancelled by HealSpace'::text, '{"id": null, "name": "[deleted user]"}'::jsonb, null::text)$$,
  'DR-11: Thea''s schedule keeps the future slot, cancelled by the system, without the client''s identity or note');
select results_eq(format($$select status::text, "cancelledBy"::text, "cancellationReason", client, notes from public.my_therapy_sessions
                           where id in (%L, '00000000-0000-4000-8000-00000000f001') order by "scheduledAt"$$, current_setting('tests.cancelled')),
  $$values ('completed'::text, null::text, null::text, '{"id": null, "name": "[deleted user]"}'::jsonb, null::text),
           ('cancelled', 'client', null, '{"id": null, "name": "[deleted user]"}', null)$$,
  'DR-11: … her past session and the one she cancelled stay too, without her note or her reason');
select isnt_empty($$select 1 from public.therapist_session_notes where session_id = '00000000-0000-4000-8000-00000000f001'$$,
  'DR-11: the therapist''s own notes are the therapist''s to keep');
select results_eq($$select rating_count, rating_average from public.therapists where id = auth.uid()$$, $$values (0, null::numeric)$$,
  'DR-11: the directory shows no rating of hers');
reset role;
select results_eq($$select rating_count, rating_sum from private.therapist_rating_totals where therapist_id = tests.get_supabase_uid('thea')$$, $$values (0, 0)$$,
  'DR-11: her rating went with her (the live totals drop it; a published figure would follow with the next batch)');
select tests.authenticate_as('thea');
select ok((select count(*) = 1 from public.notifications where user_id = auth.uid() and title = 'Session cancelled'
           and data ->> 'sessionId' = current_setting('tests.future')),
  'DR-12: Thea is told the session was cancelled');
reset role;
select results_eq(format($$select recipient_id::text, status, count(*)::int from private.session_reminders where session_id = %L group by 1, 2$$, current_setting('tests.future')),
  $$values (current_setting('tests.thea'), 'cancelled'::text, 2)$$,
  'DR-12: the session''s reminders: hers are gone, Thea''s cancelled, none pending');
select is(current_setting('tests.future_reminders')::int, 4, 'DR-12: (there were four: 24 h and 30 min for each party)');
select tests.authenticate_as('next-client');
select ok(private.list_bookable_slots(current_setting('tests.thea')::uuid, (current_setting('tests.slot')::timestamptz at time zone 'UTC')::date,
                                      (current_setting('tests.slot')::timestamptz at time zone 'UTC')::date, 'UTC') -> 'slots'
          @> jsonb_build_array(jsonb_build_object('start', to_char(current_setting('tests.slot')::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS+00:00'))),
  'DR-13: the freed slot is listed as bookable again');
select lives_ok($$select private.book_therapy_session(current_setting('tests.thea')::uuid, current_setting('tests.slot')::timestamptz)$$,
  'DR-13: … and someone else books it');

--- DR-14 … DR-16: the audit log ----------------------------------------------------------------------------------------
reset role;
select results_eq($$select action, actor_id, subject_id, actor_db_role, details from public.audit_log where action = 'account_deleted' and occurred_at = now()$$,
  $$values ('account_deleted'::text, null::uuid, null::uuid, 'service_role'::text, '{}'::jsonb)$$,
  'DR-14: the audit log records that an account was deleted, without whose');
select results_eq(format($$select action, actor_id::text, subject_id::text, details from public.audit_log
                           where occurred_at = now() and action in ('role_changed', 'moderation_read', 'privacy_changed') and actor_db_role = 'authenticated'
                             and (actor_id = %L or actor_id is null) order by id$$, tests.get_supabase_uid('admin')),
  format($$values ('privacy_changed'::text, null::text, null::text, '{"changed": {"hidePhone": false}}'::jsonb),
           ('role_changed', %1$L, null, '{"from": "client", "to": "therapist"}'),
           ('role_changed', %1$L, null, '{"from": "therapist", "to": "client"}'),
           ('moderation_read', %1$L, null, '{"view": "moderation_profiles", "search": "[erased]", "after_id": null, "page_size": 50, "role_filter": null}'),
           ('moderation_read', %1$L, null, '{"view": "moderation_profiles", "search": null, "after_id": "[erased]", "page_size": 50, "role_filter": null}')$$,
    tests.get_supabase_uid('admin')),
  'DR-15: earlier events stay, anonymised: her id gone as actor and subject, her email and id erased from details, the admin kept');
select throws_ok($$update public.audit_log set details = '{}' where action = 'moderation_read' and occurred_at = now()$$, '42501', 'The audit log is append-only',
  'DR-16: the log is still append-only for its owner');
select set_config('healspace.erasing_account', current_setting('tests.dana'), true);
select throws_ok($$update public.audit_log set action = 'account_reactivated' where action = 'account_deleted' and occurred_at = now()$$, '42501', 'The audit log is append-only',
  'DR-16: … even naming a deleted account, anything but erasure is refused');
select set_config('healspace.erasing_account', tests.get_supabase_uid('admin')::text, true);
select throws_ok(format($$update public.audit_log set actor_id = null where actor_id = %L and occurred_at = now()$$, tests.get_supabase_uid('admin')), '42501',
  'The audit log is append-only', 'DR-16: … and an existing account cannot be erased from it');
select set_config('healspace.erasing_account', '', true);

--- DR-17: a seeded persona, active everywhere the demo seed reaches -------------------------------------------------
-- Ava (supabase/seed.sql) has a profile, four months of mood and journal, goals, achievements, chat conversations,
-- group memberships and messages, therapy sessions (rated, past and upcoming, with reminders) and her demo data's
-- traces in realtime and the audit log. The same catalog search, for her id, public id and email.
select set_config('tests.ava_needles', array[p.id::text, p.public_id::text, u.email]::text, true)
from public.profiles as p join auth.users as u on u.id = p.id where u.email = 'ava.client@example.com';
select ok((select count(distinct table_name) from tests.traces(current_setting('tests.ava_needles')::text[])) >= 10,
  'DR-17: before, the search finds the seeded client Ava in at least ten tables');
select private.delete_account(u.id) from auth.users as u where u.email = 'ava.client@example.com';
select is_empty($$select table_name || '.' || column_name || ' (' || hit_rows || ')' from tests.traces(current_setting('tests.ava_needles')::text[])$$,
  'DR-17: after her deletion no row anywhere holds her id, public id or email');

select * from finish();
rollback;
