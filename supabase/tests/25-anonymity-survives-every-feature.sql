-- Issue 14: anonymity that survives every feature. Each finding, tried as the attacker tried it, with the observer's
-- view compared between the real target and a decoy: the two must be identical. Threat ids: AN-01 … AN-20.
begin;
select plan(114);

select tests.create_supabase_user('an-attacker', metadata => '{"firstName": "Ash"}');
select tests.create_supabase_user('an-partner', metadata => '{"firstName": "Pia"}');
select tests.create_supabase_user('an-decoy', metadata => '{"firstName": "Dev"}');
select tests.create_supabase_user('an-owner');
select tests.create_supabase_user('an-muted', metadata => '{"firstName": "Mo"}');
select tests.create_supabase_user('an-writer', metadata => '{"firstName": "Wren"}');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('an-owner');
update public.profiles set is_listener = true where id = tests.get_supabase_uid('an-partner');

-- The observer's view of a conversation: everything chat_conversation_list and list_chat_messages show, without the
-- ids and times that differ between any two conversations anyway (their equality to each other is compared instead).
create function pg_temp.conversation_view(conversation uuid) returns jsonb language sql as $$
  select jsonb_build_object(
    'row', (select jsonb_build_object('kind', l.kind, 'ended', l."endedAt" is not null, 'partnerNamePattern', regexp_replace(l.partner ->> 'name', '[0-9]', '#', 'g'),
              'online', l.partner -> 'online', 'last', l."lastMessage", 'unread', l."unreadCount",
              'lastIsNewest', l."timestamp" = greatest(l."createdAt", l."timestamp"))
            from public.chat_conversation_list as l where l.id = conversation),
    'messages', (select jsonb_agg(jsonb_build_object('mine', m."isMine", 'content', m.content, 'deleted', m.deleted) order by m."timestamp")
                 from public.list_chat_messages(conversation) as m));
$$;
grant execute on function pg_temp.conversation_view(uuid) to authenticated;

--- Finding 1: blocking an anonymous partner must not tell which probe went to them.
-- The partner waits to listen; the attacker is matched with them (anonymous), writes one-message probes to two cards:
-- the partner's and a decoy's, then blocks the partner in the matched conversation.
select tests.authenticate_as('an-partner');
select private.request_chat_match(true);
select tests.authenticate_as('an-attacker');
select set_config('an.matched', private.request_chat_match(false) ->> 'conversationId', true);
select set_config('an.probe_partner', public.send_chat_message('hi, a probe', tests.public_id_of('an-partner')) ->> 'conversationId', true);
select set_config('an.probe_decoy', public.send_chat_message('hi, a probe', tests.public_id_of('an-decoy')) ->> 'conversationId', true);
select public.leave_chat_conversation(current_setting('an.matched')::uuid, "blockPartner" => true);
select is((select "endedAt" is not null from public.chat_conversation_list where id = current_setting('an.matched')::uuid), true,
  'AN-01: blocking ends the conversation it is made in');
select is(pg_temp.conversation_view(current_setting('an.probe_partner')::uuid), pg_temp.conversation_view(current_setting('an.probe_decoy')::uuid),
  'AN-02: the blocker''s view of the probe to the blocked partner''s card equals that of the probe to a decoy (nothing ended, nothing changed)');

-- Both candidates answer the probe; the blocked partner's answer is withheld, so the attacker sees a difference only
-- in what a person chose to write, never in how the conversation behaves.
select tests.authenticate_as('an-partner');
select set_config('an.partner_answer', public.send_chat_message('who is this?',
  (select (partner ->> 'id')::uuid from public.chat_conversation_list where id = current_setting('an.probe_partner')::uuid))::text, true);
select tests.authenticate_as('an-decoy');
select set_config('an.decoy_answer', public.send_chat_message('who is this?',
  (select (partner ->> 'id')::uuid from public.chat_conversation_list where id = current_setting('an.probe_decoy')::uuid))::text, true);
select is(current_setting('an.partner_answer')::jsonb - 'message' - 'conversationId', current_setting('an.decoy_answer')::jsonb - 'message' - 'conversationId',
  'AN-03: the blocked person''s send is answered exactly as anyone''s (nothing tells them they were blocked)');
select tests.authenticate_as('an-partner');
select set_config('an.partner_seen_by_self', pg_temp.conversation_view(current_setting('an.probe_partner')::uuid)::text, true);
select tests.authenticate_as('an-decoy');
select is(pg_temp.conversation_view(current_setting('an.probe_decoy')::uuid), current_setting('an.partner_seen_by_self')::jsonb,
  'AN-04: … and their own view of the conversation is the decoy''s');
select tests.authenticate_as('an-attacker');
select results_eq(format($$select "unreadCount", "lastMessage" from public.chat_conversation_list where id = %L$$, current_setting('an.probe_partner')),
  $$values (0, 'hi, a probe'::text)$$, 'AN-05: the blocker receives nothing from the blocked person: no message, no unread count');
select is_empty(format($$select 1 from realtime.messages where topic = %L and payload ->> 'content' = 'who is this?'
                           and payload ->> 'conversationId' = %L$$, tests.personal_topic('an-attacker'), current_setting('an.probe_partner')),
  'AN-06: … and no broadcast');

-- After the block the attacker writes to both cards again: no "shadow" partner tells the blocked person's card apart.
select set_config('an.second_partner', public.send_chat_message('hello again', tests.public_id_of('an-partner'), "isAnonymous" => false) ->> 'conversationId', true);
select set_config('an.second_decoy', public.send_chat_message('hello again', tests.public_id_of('an-decoy'), "isAnonymous" => false) ->> 'conversationId', true);
select is(pg_temp.conversation_view(current_setting('an.second_partner')::uuid), pg_temp.conversation_view(current_setting('an.second_decoy')::uuid),
  'AN-07: writing to the blocked person''s card after the block looks exactly like writing to anyone''s');
select tests.authenticate_as('an-partner');
select is_empty(format($$select 1 from public.chat_conversation_list where id = %L$$, current_setting('an.second_partner')),
  'AN-08: … while the blocked person never sees that conversation');
select tests.authenticate_as('an-decoy');
select isnt_empty(format($$select 1 from public.chat_conversation_list where id = %L$$, current_setting('an.second_decoy')),
  'AN-08: … which reaches anyone else');

--- Finding 2: a blocked person cannot learn who blocked them through chat-match's preferred partner.
select tests.authenticate_as('an-attacker');
select set_config('an.blocker_card_conversation', public.send_chat_message('hello attacker', tests.public_id_of('an-decoy')) ->> 'conversationId', true);
select tests.authenticate_as('an-partner');
select set_config('an.to_blocker', public.send_chat_message('are you the one?', tests.public_id_of('an-attacker')) ->> 'conversationId', true);
select set_config('an.to_writer', public.send_chat_message('are you the one?', tests.public_id_of('an-writer')) ->> 'conversationId', true);
select throws_ok(format($$select private.request_chat_match(false, null, %L)$$,
    (select partner ->> 'id' from public.chat_conversation_list where id = current_setting('an.to_blocker')::uuid)), 'PT404', 'No such participant',
  'AN-09: asking chat-match for the blocker by participant id is answered as for anyone …');
select throws_ok(format($$select private.request_chat_match(false, null, %L)$$,
    (select partner ->> 'id' from public.chat_conversation_list where id = current_setting('an.to_writer')::uuid)), 'PT404', 'No such participant',
  'AN-09: … 404 alike: a preferred partner is only ever someone met through matching, never a card''s owner (who would be unmasked)');
select is(pg_temp.conversation_view(current_setting('an.to_blocker')::uuid), pg_temp.conversation_view(current_setting('an.to_writer')::uuid),
  'AN-10: the blocked person''s view of a conversation with the blocker equals one with anyone else');

--- Finding 7: message ids are no existence oracle.
select tests.authenticate_as('an-decoy');
select set_config('an.decoy_message', (public.send_chat_message('mine', (select (partner ->> 'id')::uuid from public.chat_conversation_list
  where id = current_setting('an.probe_decoy')::uuid)) #>> '{message,id}'), true);
select tests.authenticate_as('an-writer');
select lives_ok(format($$select public.send_chat_message('is this id taken?', %L, "messageId" => %L)$$, tests.public_id_of('an-decoy'), current_setting('an.decoy_message')),
  'AN-11: sending with someone else''s message id is just a new message (no 409 confirming it exists)');

--- Finding 4: a name shown for a group message is the one that applied when it was written.
select tests.authenticate_as('an-owner');
insert into public.support_groups (name, description, category_id) values ('AN Group', 'Unlinkability', 'anxiety');
select set_config('an.group', (select id::text from public.support_groups where name = 'AN Group'), true);
insert into public.support_groups (name, description, category_id, privacy) values ('AN Private Group', 'Unlinkability', 'anxiety', 'private');
select set_config('an.private_group', (select id::text from public.support_groups where name = 'AN Private Group'), true);
select tests.authenticate_as('an-writer');
select public.join_group(current_setting('an.group')::uuid, "useDisplayName" => true);
select public.update_privacy_settings('{"anonymousMode": true}');
-- (Posting waits for the new identity's listing hour: AN-72.)
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-writer');
select set_config('an.anonymous_post', (public.send_group_message(current_setting('an.group')::uuid, 'posted anonymously') #>> '{message,id}'), true);
select public.update_privacy_settings('{"anonymousMode": false}');
select tests.authenticate_as('an-owner');
select ok((select sender ->> 'name' ~ '^Member #[0-9]{4}$' from public.list_group_messages(current_setting('an.group')::uuid) where id = current_setting('an.anonymous_post')::uuid),
  'AN-12: a message written in anonymous mode keeps its pseudonym after anonymous mode is turned off');
select is((select count(*)::int from public.list_group_messages(current_setting('an.group')::uuid) where sender ->> 'name' = 'Wren'), 0,
  'AN-12: … no message shows the real name it was not written under');

--- Finding 6 (and sanctions that stick): a mute survives leaving and rejoining, and a declined or approved request.
select tests.authenticate_as('an-muted');
select set_config('an.muted_member', public.join_group(current_setting('an.group')::uuid) ->> 'memberId', true);
select set_config('an.muted_private', public.join_group(current_setting('an.private_group')::uuid) ->> 'memberId', true);
select tests.authenticate_as('an-owner');
select public.moderate_group_member(current_setting('an.private_group')::uuid, current_setting('an.muted_private')::uuid, 'approve');
select public.moderate_group_member(current_setting('an.group')::uuid, current_setting('an.muted_member')::uuid, 'mute', now() + interval '1 day');
select public.moderate_group_member(current_setting('an.private_group')::uuid, current_setting('an.muted_private')::uuid, 'mute', now() + interval '1 day');
select tests.authenticate_as('an-muted');
select public.leave_group(current_setting('an.group')::uuid);
select public.join_group(current_setting('an.group')::uuid);
select throws_ok(format($$select public.send_group_message(%L, 'free again?')$$, current_setting('an.group')), 'PT403', null,
  'AN-13: leaving and rejoining a public group does not lift a mute');
select public.leave_group(current_setting('an.private_group')::uuid);
select public.join_group(current_setting('an.private_group')::uuid);
select tests.authenticate_as('an-owner');
select public.moderate_group_member(current_setting('an.private_group')::uuid, current_setting('an.muted_private')::uuid, 'approve');
select tests.authenticate_as('an-muted');
select throws_ok(format($$select public.send_group_message(%L, 'free again?')$$, current_setting('an.private_group')), 'PT403', null,
  'AN-14: nor does a new request in a private group, once approved');
select public.leave_group(current_setting('an.private_group')::uuid);
select public.join_group(current_setting('an.private_group')::uuid);
select tests.authenticate_as('an-owner');
select public.moderate_group_member(current_setting('an.private_group')::uuid, current_setting('an.muted_private')::uuid, 'decline');
select tests.authenticate_as('an-muted');
select public.join_group(current_setting('an.private_group')::uuid);
select tests.authenticate_as('an-owner');
select public.moderate_group_member(current_setting('an.private_group')::uuid, current_setting('an.muted_private')::uuid, 'approve');
select tests.authenticate_as('an-muted');
select throws_ok(format($$select public.send_group_message(%L, 'free again?')$$, current_setting('an.private_group')), 'PT403', null,
  'AN-15: nor does a declined request followed by a new one');
select public.update_privacy_settings('{"anonymousMode": true}');
select throws_ok(format($$select public.send_group_message(%L, 'as someone else?')$$, current_setting('an.group')), 'PT403', null,
  'AN-16: nor turning anonymous mode on');

--- Blocks stick: a new conversation after a public-id rotation still delivers nothing between the two.
select tests.authenticate_as('an-partner');
select public.update_privacy_settings('{"anonymousMode": true}');
select public.update_privacy_settings('{"anonymousMode": false}');
select set_config('an.after_rotation', public.send_chat_message('new card, new me', tests.public_id_of('an-attacker')) ->> 'conversationId', true);
select tests.authenticate_as('an-attacker');
select is_empty(format($$select 1 from public.chat_conversation_list where id = %L$$, current_setting('an.after_rotation')),
  'AN-17: a block outlives anonymous-mode toggles and new conversations');
reset role;
select is((select count(*)::int from private.chat_queue as q where q.status = 'matched'
           and q.user_id in (tests.get_supabase_uid('an-attacker'), tests.get_supabase_uid('an-partner'))
           and q.conversation_id <> current_setting('an.matched')::uuid), 0, 'AN-18: … and they are never matched again');
select tests.authenticate_as('an-partner');
select private.request_chat_match(true);
select tests.authenticate_as('an-attacker');
select is(private.request_chat_match(false) ->> 'status', 'queued', 'AN-18: a blocked pair waiting on both sides stays unmatched');
select tests.authenticate_as('an-partner');
select is_empty(format($$select 1 from realtime.messages where topic = %L and payload::text like '%%hello again%%'$$, tests.personal_topic('an-partner')),
  'AN-19: nothing the blocker sends reaches the blocked person live either');
select tests.authenticate_as('an-partner');
select public.chat_typing(current_setting('an.probe_partner')::uuid);
select tests.authenticate_as('an-decoy');
select public.chat_typing(current_setting('an.probe_decoy')::uuid);
reset role;
select is((select count(*)::int from realtime.messages where topic = tests.personal_topic('an-attacker') and event = 'typing'), 1,
  'AN-20: typing reaches the blocker only from the decoy: the blocked person''s typing goes nowhere (and nothing shared changes at the block)');


--- Finding 3: ids that leave the database are made for it: pictures, a therapist's view of a client, topics.
select tests.create_supabase_user('an-pictured', metadata => '{"firstName": "Pax"}');
select tests.authenticate_as('an-pictured');
insert into storage.objects (bucket_id, name, owner_id) values ('avatars', gen_random_uuid() || '.png', auth.uid()::text);
select tests.authenticate_as('an-owner');
insert into public.therapists (id, display_name, specialties, hourly_rate, session_types, minimum_notice_minutes)
values ((select auth.uid()), 'Dr. An Owner', '{anxiety}', 100, '{video}', 0);
reset role;
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
values (tests.get_supabase_uid('an-owner'), tests.get_supabase_uid('an-pictured'), date_trunc('hour', now()) + interval '3 days', 50, 'video', 'scheduled');
select tests.authenticate_as('an-attacker');
select ok((select "avatarPath" from public.public_profiles where id = tests.public_id_of('an-pictured')) is not null
          and position(tests.get_supabase_uid('an-pictured')::text in (select jsonb_agg(to_jsonb(c))::text from public.public_profiles as c)) = 0,
  'AN-21: a card shows its picture under a name that carries no account id');
select tests.authenticate_as('an-owner');
select ok((select client is not null from public.my_therapy_sessions limit 1)
          and position(tests.get_supabase_uid('an-pictured')::text in (select jsonb_agg(to_jsonb(s))::text from public.my_therapy_sessions as s)) = 0,
  'AN-22: a therapist''s view of a client (picture included) carries no account id');
select tests.authenticate_as('an-pictured');
select ok(position(tests.get_supabase_uid('an-pictured')::text in (select "realtimeTopic" from public.my_profile)) = 0,
  'AN-23: a person''s Realtime topic is not named by their account id');

--- Finding 5: turning anonymous mode on does not pair the vanishing named card with the appearing pseudonymous one.
-- Two people with the same interests; one turns anonymous mode on. Until the next full hour the observer sees the
-- named card gone and nothing new; from then on a pseudonymous card with no interests, dated that hour.
reset role;
update public.profiles set interests = array['Chess', 'Birding'], hide_interests = false
where id in (tests.get_supabase_uid('an-writer'), tests.get_supabase_uid('an-decoy'));
select tests.list_pending_cards();
select tests.authenticate_as('an-attacker');
select set_config('an.cards_before', (select count(*)::text from public.public_profiles), true);
select tests.authenticate_as('an-decoy');
select public.update_privacy_settings('{"anonymousMode": true}');
select tests.authenticate_as('an-attacker');
select is((select count(*)::int from public.public_profiles), current_setting('an.cards_before')::int - 1,
  'AN-24: within the hour the named card is gone and no pseudonymous card has appeared');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-attacker');
select results_eq(format($$select interests, "updatedAt" = date_trunc('hour', "updatedAt") and "updatedAt" > now() from public.public_profiles where id = %L$$,
    tests.public_id_of('an-decoy')),
  $$values (null::text[], true)$$, 'AN-25: the pseudonymous card, once listed, carries no interests and the full hour it was listed at, not the moment of the change');


--- Review of the block model: nothing either side observes over time, in their export, in matching or by inserting.
select tests.authenticate_as('an-partner');
select results_eq(format($$select (e ->> 'lastReadAt') is not null from jsonb_array_elements(public.export_my_data() -> 'chatConversations') as e
                          where e ->> 'id' in (%L, %L) order by e ->> 'id' = %L$$,
    current_setting('an.to_blocker'), current_setting('an.to_writer'), current_setting('an.to_writer')),
  $$values (true), (true)$$, 'AN-26: the blocked person''s export shows their read pointer moved by their own sends alike, withheld or not');
reset role;
-- Six minutes pass.
update private.chat_participants set last_active_at = last_active_at - interval '6 minutes', seen_active_at = seen_active_at - interval '6 minutes',
  typing_at = null where last_active_at is not null;
update private.user_blocks set created_at = created_at - interval '6 minutes';
select tests.authenticate_as('an-attacker');
select results_eq(format($$select (partner ->> 'online')::boolean from public.chat_conversation_list where id in (%L, %L)$$,
    current_setting('an.probe_partner'), current_setting('an.probe_decoy')),
  $$values (false), (false)$$, 'AN-27: minutes after the block, both probes'' partners show offline alike');
select is((select count(*)::int from public.chat_conversation_list where id in (current_setting('an.second_partner')::uuid, current_setting('an.second_decoy')::uuid)
           and (partner ->> 'online')::boolean), 0, 'AN-27: … and a partner never active in a conversation is never shown online');
select tests.create_supabase_user('an-kim', metadata => '{"firstName": "Kim"}');
select tests.create_supabase_user('an-seeker');
reset role;
update public.profiles set is_listener = true where id = tests.get_supabase_uid('an-kim');
select tests.authenticate_as('an-kim');
select private.request_chat_match(true);
select tests.authenticate_as('an-seeker');
select public.send_chat_message('hello Kim', tests.public_id_of('an-kim'));
select is(private.request_chat_match(false) ->> 'status', 'matched',
  'AN-28: one message to a listener''s card does not steer matching away from them (so a second account cannot be steered onto them)');
reset role;
select set_config('an.someone_message', (select id::text from public.chat_messages
  where conversation_id = current_setting('an.probe_decoy')::uuid and content = 'hi, a probe'), true);
select tests.authenticate_as('an-writer');
select lives_ok(format($$insert into public.chat_messages (id, conversation_id, sender_id, content) values (%L, %L, private.chat_caller_participant_id(%L), 'x')$$,
    current_setting('an.someone_message'), current_setting('an.to_writer'), current_setting('an.to_writer')),
  'AN-29: inserting a row with someone else''s message id is a new message of one''s own, not a 409 confirming the id');


--- A pseudonym never spans two public identities (a person with no name is shown by it all the time).
select tests.create_supabase_user('an-nameless');
select set_config('an.nameless_pseudonym', (select pseudonym from public.profiles where id = tests.get_supabase_uid('an-nameless')), true);
select tests.authenticate_as('an-nameless');
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
select set_config('an.nameless_anonymous_pseudonym', (select pseudonym from public.profiles where id = tests.get_supabase_uid('an-nameless')), true);
select tests.authenticate_as('an-nameless');
select public.update_privacy_settings('{"anonymousMode": false}');
reset role;
select ok((select pseudonym from public.profiles where id = tests.get_supabase_uid('an-nameless'))
          not in (current_setting('an.nameless_pseudonym'), current_setting('an.nameless_anonymous_pseudonym')),
  'AN-40: a person without a name who turns anonymous mode off is shown by a new pseudonym, not the anonymous period''s');
update public.profiles set first_name = 'Neve' where id = tests.get_supabase_uid('an-nameless');
select set_config('an.named_public_id', tests.public_id_of('an-nameless')::text, true);
update public.profiles set first_name = null where id = tests.get_supabase_uid('an-nameless');
select isnt(tests.public_id_of('an-nameless')::text, current_setting('an.named_public_id'),
  'AN-41: clearing one''s name starts a new public identity (the named card is not renamed into a pseudonymous one)');


--- Edits are ordinary for everyone, for 15 minutes after sending: a block cannot be told from an edit.
select tests.authenticate_as('an-attacker');
select set_config('an.view_before_edit', pg_temp.conversation_view(current_setting('an.probe_partner')::uuid)::text, true);
select tests.authenticate_as('an-partner');
select lives_ok(format($$select public.edit_chat_message(%L, 'who is this? (typo fixed)')$$, current_setting('an.partner_answer')::jsonb #>> '{message,id}'),
  'AN-42: the blocked person edits a reply they just sent, as anyone would');
select tests.authenticate_as('an-attacker');
select is(pg_temp.conversation_view(current_setting('an.probe_partner')::uuid), current_setting('an.view_before_edit')::jsonb,
  'AN-42: … and nothing appears or vanishes in the blocker''s view');
reset role;
update public.chat_messages set created_at = created_at - interval '16 minutes'
where id = (current_setting('an.decoy_answer')::jsonb #>> '{message,id}')::uuid;
select tests.authenticate_as('an-decoy');
select throws_ok(format($$select public.edit_chat_message(%L, 'too late')$$, current_setting('an.decoy_answer')::jsonb #>> '{message,id}'), 'PT409',
  'A message can be edited for 15 minutes after it was sent', 'AN-43: after 15 minutes nobody edits a message, blocked or not');


--- Therapist client handles (issue 14, review findings a and b): a therapist knows a client by a handle of their own,
-- sees nothing of a pseudonymous or not-yet-listed card, and learns nothing from probing ids. AN-60 … AN-66.
-- Dr. An Owner's clients: Tara, a therapist herself (her account id is public: list_therapists.id) who comes as a
-- pseudonymous client; Nico, named, who turns anonymous mode on; Quinn, a pseudonymous decoy. Dr. An Second sees Nico too.
reset role;
select tests.create_supabase_user('an-tara', metadata => '{"firstName": "Tara", "lastName": "Therapist", "anonymous": true}');
select tests.create_supabase_user('an-nico', metadata => '{"firstName": "Nico"}');
select tests.create_supabase_user('an-quinn', metadata => '{"anonymous": true}');
select tests.create_supabase_user('an-second');
update public.profiles set role = 'therapist' where id in (tests.get_supabase_uid('an-tara'), tests.get_supabase_uid('an-second'));
insert into public.therapists (id, display_name, specialties, hourly_rate) values
  (tests.get_supabase_uid('an-tara'), 'Dr. Tara Therapist', '{anxiety}', 100),
  (tests.get_supabase_uid('an-second'), 'Dr. An Second', '{grief}', 100);
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
select tests.get_supabase_uid(t), tests.get_supabase_uid(c), date_trunc('hour', now()) + make_interval(days => d), 50, 'video', 'scheduled'
from (values ('an-owner', 'an-tara', 4), ('an-owner', 'an-nico', 5), ('an-owner', 'an-quinn', 6), ('an-second', 'an-nico', 4)) as s (t, c, d);
select set_config('an.s_' || c, (select s.id::text from private.therapy_sessions as s
                                 where s.therapist_id = tests.get_supabase_uid('an-owner') and s.client_id = tests.get_supabase_uid('an-' || c)), true)
from unnest(array['tara', 'nico', 'quinn']) as c;
-- Everything a client could be known by in the directory or the database, before anonymous mode changes anything.
select set_config('an.client_traces', (
  select string_agg(x, '|') from (
    select p.id::text as x from public.profiles as p where p.id in (tests.get_supabase_uid('an-tara'), tests.get_supabase_uid('an-nico'), tests.get_supabase_uid('an-quinn'))
    union all select p.public_id::text from public.profiles as p where p.id in (tests.get_supabase_uid('an-tara'), tests.get_supabase_uid('an-nico'), tests.get_supabase_uid('an-quinn'))
    union all select p.pseudonym from public.profiles as p where p.id in (tests.get_supabase_uid('an-tara'), tests.get_supabase_uid('an-nico'), tests.get_supabase_uid('an-quinn'))) as t), true);

-- The therapist's view of the client of a session, and a send to an id as a probe (its answer, or the error it raised).
create function pg_temp.client_seen(session_id uuid) returns jsonb language sql as $$
  select s.client from public.my_therapy_sessions as s where s.id = session_id;
$$;
create function pg_temp.probe(recipient uuid) returns jsonb language plpgsql as $$
begin
  return private.send_notification(recipient, 'Hello', 'Is it you?');
exception when others then
  return jsonb_build_object('error', sqlstate, 'message', sqlerrm);
end;
$$;
grant execute on function pg_temp.client_seen(uuid), pg_temp.probe(uuid) to authenticated;

select tests.authenticate_as('an-owner');
select is(pg_temp.client_seen(current_setting('an.s_tara')::uuid) - 'id', pg_temp.client_seen(current_setting('an.s_quinn')::uuid) - 'id',
  'AN-60: a pseudonymous client who is also a therapist is seen exactly as any other pseudonymous client, but for the handle');
select set_config('an.nico_seen_before', pg_temp.client_seen(current_setting('an.s_nico')::uuid)::text, true);
select tests.authenticate_as('an-nico');
select public.update_privacy_settings('{"anonymousMode": true}');
select tests.authenticate_as('an-owner');
select set_config('an.nico_seen_after', pg_temp.client_seen(current_setting('an.s_nico')::uuid)::text, true);
select is(current_setting('an.nico_seen_after')::jsonb,
  jsonb_build_object('id', current_setting('an.nico_seen_before')::jsonb -> 'id', 'name', 'Your client', 'isPseudonym', true, 'avatarPath', null,
                     'phone', null, 'dateOfBirth', null, 'location', null, 'occupation', null, 'interests', null),
  'AN-61: a named client turning anonymous mode on: the therapist keeps the same handle and sees "Your client", nothing of the new card');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-owner');
select is(array[pg_temp.client_seen(current_setting('an.s_nico')::uuid), pg_temp.client_seen(current_setting('an.s_nico')::uuid) - 'id'],
  array[current_setting('an.nico_seen_after')::jsonb, pg_temp.client_seen(current_setting('an.s_quinn')::uuid) - 'id'],
  'AN-62: an hour later, when the directory lists the anonymous card, the therapist''s view does not change: still the decoy''s, but for the handle');
reset role;
select set_config('an.client_traces', current_setting('an.client_traces') || '|' || (
  select string_agg(p.public_id::text || '|' || p.pseudonym, '|') from public.profiles as p where p.id = tests.get_supabase_uid('an-nico')), true);
select tests.authenticate_as('an-owner');
select is((select count(*)::int from public.my_therapy_sessions as s, regexp_split_to_table(current_setting('an.client_traces'), '\|') as trace
           where strpos(to_jsonb(s)::text, trace) > 0), 0,
  'AN-63: the therapist''s sessions hold none of their clients'' account ids, public ids or pseudonyms, before or after anonymous mode');
select set_config('an.tara_account', (select id::text from public.list_therapists("limit" => 100) where name = 'Dr. Tara Therapist'), true);
select is(pg_temp.probe(current_setting('an.tara_account')::uuid), pg_temp.probe(gen_random_uuid()),
  'AN-64: notifying a therapist''s public account id, who is one''s pseudonymous client, answers exactly as a random id (no test of account ids)');
select is(pg_temp.probe(tests.public_id_of('an-nico')), pg_temp.probe(gen_random_uuid()),
  'AN-65: … and so does the public id of the client''s listed anonymous card (nothing pairs it with the client)');
select tests.authenticate_as('an-second');
select ok((select client ->> 'id' from public.my_therapy_sessions limit 1)
            not in (current_setting('an.nico_seen_before')::jsonb ->> 'id', tests.public_id_of('an-nico')::text, tests.get_supabase_uid('an-nico')::text),
  'AN-66: another therapist knows the same client by another handle: two therapists cannot match their clients');

--- Groups: what other members see of a member is a handle and a name that change together (issue 14, group review).
-- Wren shows their name in a group, writes, turns anonymous mode on and writes again, then turns it off. An observer
-- member watches the member list, the messages and the group's Realtime topic; the owner moderates.
select tests.create_supabase_user('an-quill', metadata => '{"firstName": "Wren", "lastName": "Quill"}');
select tests.create_supabase_user('an-observer', metadata => '{"firstName": "Obi"}');
select tests.create_supabase_user('an-aaron', metadata => '{"firstName": "Aaron"}');
select tests.authenticate_as('an-owner');
insert into public.support_groups (name, description, category_id) values ('AN Handles Group', 'Unlinkability', 'anxiety');
select set_config('an.hgroup', (select id::text from public.support_groups where name = 'AN Handles Group'), true);
select tests.authenticate_as('an-quill');
select public.join_group(current_setting('an.hgroup')::uuid, "useDisplayName" => true);
select tests.authenticate_as('an-observer');
select public.join_group(current_setting('an.hgroup')::uuid);
select tests.authenticate_as('an-aaron');
select public.join_group(current_setting('an.hgroup')::uuid, "useDisplayName" => true);
-- Joined in an order that names do not follow (Aaron last), so a list in order of joining would keep places.
reset role;
update private.group_members as m set joined_at = now() - make_interval(mins => case p.id when tests.get_supabase_uid('an-quill') then 30
                                                                                   when tests.get_supabase_uid('an-observer') then 20 else 10 end)
from public.profiles as p where p.id = m.user_id and m.group_id = current_setting('an.hgroup')::uuid and m.role = 'member';
-- The observer's view of the member list, in its order.
create function pg_temp.members_seen(group_id uuid) returns jsonb language sql as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', m.member_id, 'name', m.name, 'role', m.role) order by m.position), '[]')
  from public.list_group_members(group_id) with ordinality as m (member_id, name, role, online, is_me, position);
$$;
grant execute on function pg_temp.members_seen(uuid) to authenticated;

select tests.authenticate_as('an-quill');
select set_config('an.named_send', public.send_group_message(current_setting('an.hgroup')::uuid, 'written under my name')::text, true);
select tests.authenticate_as('an-observer');
select set_config('an.members_named', pg_temp.members_seen(current_setting('an.hgroup')::uuid)::text, true);
select tests.authenticate_as('an-quill');
select public.update_privacy_settings('{"anonymousMode": true}');
-- (Posting waits for the new identity's listing hour: AN-72.)
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-quill');
select set_config('an.anonymous_send', public.send_group_message(current_setting('an.hgroup')::uuid, 'written anonymously')::text, true);
select set_config('an.named_message', current_setting('an.named_send')::jsonb #>> '{message,id}', true);
select set_config('an.anonymous_message', current_setting('an.anonymous_send')::jsonb #>> '{message,id}', true);
reset role;
select tests.list_pending_cards();

select tests.authenticate_as('an-observer');
select results_eq(format($$select count(distinct sender ->> 'id')::int, count(*)::int, count(*) filter (where sender ->> 'name' = 'Wren Quill')::int
                           from public.list_group_messages(%L) where id in (%L, %L)$$,
    current_setting('an.hgroup'), current_setting('an.named_message'), current_setting('an.anonymous_message')),
  $$values (2, 2, 1)$$,
  'AN-30: an observer''s view of a message written under the name and one written in anonymous mode shares no member id');
select is((select sender ->> 'id' from public.list_group_messages(current_setting('an.hgroup')::uuid) where id = current_setting('an.anonymous_message')::uuid)
            = any (select e ->> 'id' from jsonb_array_elements(current_setting('an.members_named')::jsonb) as e), false,
  'AN-30: … nor does the anonymous message carry the id the member list showed beside the name');
select results_eq(format($$select count(distinct payload #>> '{sender,id}')::int, count(*)::int from realtime.messages
                           where topic = 'group:' || %L and event = 'groupMessage' and payload ->> 'id' in (%L, %L)$$,
    current_setting('an.hgroup'), current_setting('an.named_message'), current_setting('an.anonymous_message')),
  $$values (2, 2)$$, 'AN-31: … nor do their Realtime events');
select is((select count(*)::int from realtime.messages where topic = 'group:' || current_setting('an.hgroup') and payload ? 'isMine'), 0,
  'AN-31: … and a group event, one payload for every member, never says whose message it is (no isMine)');
select is((select count(distinct v)::int from (values (current_setting('an.named_send')::jsonb #>> '{message,sender,id}'),
                                                     (current_setting('an.anonymous_send')::jsonb #>> '{message,sender,id}')) as s (v)
           where v is not null), 2, 'AN-31: … and the writer''s own send answers carry the two different ids');

select set_config('an.members_anonymous', pg_temp.members_seen(current_setting('an.hgroup')::uuid)::text, true);
select results_eq(format($$select (select count(*)::int from jsonb_array_elements(%1$L::jsonb) as b where b -> 'id' not in (select a -> 'id' from jsonb_array_elements(%2$L::jsonb) as a)),
                                  (select count(*)::int from jsonb_array_elements(%2$L::jsonb) as a where a -> 'id' not in (select b -> 'id' from jsonb_array_elements(%1$L::jsonb) as b)),
                                  (select bool_and(a ->> 'name' ~ '^Member #[0-9]{4}$') from jsonb_array_elements(%2$L::jsonb) as a
                                   where a -> 'id' not in (select b -> 'id' from jsonb_array_elements(%1$L::jsonb) as b))$$,
    current_setting('an.members_named'), current_setting('an.members_anonymous')),
  $$values (1, 1, true)$$,
  'AN-32: after the switch the member list shares no id with the one before for the member who switched (one id gone, one new pseudonym)');
select is(current_setting('an.members_anonymous')::jsonb,
  (select jsonb_agg(e order by case e ->> 'role' when 'owner' then 0 when 'moderator' then 1 else 2 end, e ->> 'name', e ->> 'id')
   from jsonb_array_elements(current_setting('an.members_anonymous')::jsonb) as e),
  'AN-32: … and its order is that of what it shows (role, name, id), so a place in it carries nothing across a switch');
select is(current_setting('an.members_named')::jsonb,
  (select jsonb_agg(e order by case e ->> 'role' when 'owner' then 0 when 'moderator' then 1 else 2 end, e ->> 'name', e ->> 'id')
   from jsonb_array_elements(current_setting('an.members_named')::jsonb) as e),
  'AN-32: … before the switch too');

-- Anonymous mode off: the named card is listed from the next full hour, and so is the name in the group.
select tests.authenticate_as('an-quill');
select public.update_privacy_settings('{"anonymousMode": false}');
select tests.authenticate_as('an-observer');
select is((select count(*)::int from public.list_group_members(current_setting('an.hgroup')::uuid) where name = 'Wren Quill'), 0,
  'AN-33: after anonymous mode is turned off, the group does not show the name before the named card is listed');
select is((select count(*)::int from jsonb_array_elements(pg_temp.members_seen(current_setting('an.hgroup')::uuid)) as e
           where e -> 'id' not in (select a -> 'id' from jsonb_array_elements(current_setting('an.members_anonymous')::jsonb) as a)), 0,
  'AN-33: … nor a new pseudonym that the name would replace on the hour');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-observer');
select results_eq(format($$select count(*)::int, bool_or("memberId"::text in (select e ->> 'id' from jsonb_array_elements(%L::jsonb) as e
                                                                                union select e ->> 'id' from jsonb_array_elements(%L::jsonb) as e))
                           from public.list_group_members(%L) where name = 'Wren Quill'$$,
    current_setting('an.members_named'), current_setting('an.members_anonymous'), current_setting('an.hgroup')),
  $$values (1, false)$$, 'AN-33: once the card is listed the name appears, under a member id never shown before');

-- A moderator acts on the author of an old message by the id the message carries.
select tests.authenticate_as('an-owner');
select set_config('an.old_handle', (select sender ->> 'id' from public.list_group_messages(current_setting('an.hgroup')::uuid)
                                    where id = current_setting('an.anonymous_message')::uuid), true);
select is((select current_setting('an.old_handle') = any (select "memberId"::text from public.list_group_members(current_setting('an.hgroup')::uuid)))
            or (public.moderate_group_member(current_setting('an.hgroup')::uuid, current_setting('an.old_handle')::uuid, 'mute', now() + interval '1 day')
                ->> 'memberId') = any (select "memberId"::text from public.list_group_members(current_setting('an.hgroup')::uuid)),
  false, 'AN-34: a moderator mutes the author of an old message by the id on it (not the author''s current one), and the answer names no current member');
select tests.authenticate_as('an-quill');
select throws_ok(format($$select public.send_group_message(%L, 'still here')$$, current_setting('an.hgroup')), 'PT403', null,
  'AN-34: … and the mute holds on the member as they are now');
select results_eq(format($$select count(*)::int, bool_and("isMine") from public.list_group_messages(%L)$$, current_setting('an.hgroup')),
  $$values (2, true)$$, 'AN-35: the writer still sees every message they wrote as theirs, whatever id it carries');
select tests.authenticate_as('an-owner');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'unmute')$$, current_setting('an.group'), current_setting('an.old_handle')),
  'PT404', null, 'AN-35: a member id means nothing in another group');

-- A member who shows their pseudonym keeps it, and their member id, whatever their card does (second review, AN-70).
select tests.authenticate_as('an-observer');
select set_config('an.observer_before', (select to_jsonb(m)::text from public.list_group_members(current_setting('an.hgroup')::uuid) as m where "isMe"), true);
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-observer');
select results_eq(format($$select "memberId"::text = %L, name = %L from public.list_group_members(%L) where "isMe"$$,
    current_setting('an.observer_before')::jsonb ->> 'memberId', current_setting('an.observer_before')::jsonb ->> 'name', current_setting('an.hgroup')),
  $$values (true, true)$$,
  'AN-36: a pseudonymous member''s anonymous period changes nothing in the group: the same member id and pseudonym (they are the membership''s, not the card''s)');


--- A session's host is shown by the handle they had when scheduling it, never by their membership.
select tests.authenticate_as('an-owner');
select set_config('an.hsession', public.schedule_group_session(current_setting('an.hgroup')::uuid, 'Evening check-in', now() + interval '2 days')::text, true);
select tests.authenticate_as('an-observer');
select is((select host_member_id from public.group_sessions where id = current_setting('an.hsession')::uuid),
          (select "memberId" from public.list_group_members(current_setting('an.hgroup')::uuid) where role = 'owner'),
  'AN-38: a session names its host by the member id the host shows in the group');
reset role;
select is_empty(format($$select 1 from private.group_members where id = (select host_member_id from public.group_sessions where id = %L)$$,
    current_setting('an.hsession')), 'AN-38: … never by the internal membership, which outlives the host''s name periods');
select tests.authenticate_as('an-owner');
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an-observer');
select is((select host_member_id from public.group_sessions where id = current_setting('an.hsession')::uuid),
          (select "memberId" from public.list_group_members(current_setting('an.hgroup')::uuid) where role = 'owner'),
  'AN-38: … and a pseudonymous host''s member id does not move with their card, so the session pairs nothing (a host who shows their name: AN-79)');


--- The listing time is the identity's: deactivating and reactivating does not skip it.
select tests.create_supabase_user('an-returner', metadata => '{"firstName": "Rue"}');
select tests.authenticate_as('an-returner');
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
update public.profiles set is_active = false where id = tests.get_supabase_uid('an-returner');
update public.profiles set is_active = true where id = tests.get_supabase_uid('an-returner');
select tests.authenticate_as('an-attacker');
select is_empty(format($$select 1 from public.public_profiles where id = %L$$, tests.public_id_of('an-returner')),
  'AN-44: a new identity still waits for its listing hour after its account is deactivated and reactivated');


--- Second review: activity after a block, names while unlisted, a waiting preference, erasure times.
select tests.authenticate_as('an-attacker');
select set_config('an.view_before_typing', pg_temp.conversation_view(current_setting('an.probe_partner')::uuid)::text, true);
reset role;
update private.chat_participants set typing_at = null;
select tests.authenticate_as('an-partner');
select public.chat_typing(current_setting('an.probe_partner')::uuid);
select tests.authenticate_as('an-attacker');
select is(pg_temp.conversation_view(current_setting('an.probe_partner')::uuid), current_setting('an.view_before_typing')::jsonb,
  'AN-45: the blocked person''s activity after the block never shows (no online flash), whatever they do');

select tests.create_supabase_user('an-opener', metadata => '{"firstName": "Opal"}');
select tests.authenticate_as('an-opener');
select public.update_privacy_settings('{"anonymousMode": true}');
select public.update_privacy_settings('{"anonymousMode": false}');
select set_config('an.open_while_unlisted', public.send_chat_message('hi, openly', tests.public_id_of('an-decoy'), "isAnonymous" => false) ->> 'conversationId', true);
select tests.authenticate_as('an-decoy');
select ok((select partner ->> 'name' <> 'Opal' from public.chat_conversation_list where id = current_setting('an.open_while_unlisted')::uuid),
  'AN-46: talking openly before one''s new identity is listed shows a pseudonym, not the name the directory does not show yet');

select tests.create_supabase_user('an-s', metadata => '{"firstName": "Sal"}');
select tests.create_supabase_user('an-l', metadata => '{"firstName": "Lou"}');
select tests.create_supabase_user('an-m', metadata => '{"firstName": "Max"}');
reset role;
update public.profiles set is_listener = true where id in (tests.get_supabase_uid('an-l'), tests.get_supabase_uid('an-m'));
update private.chat_queue set status = 'cancelled' where status = 'waiting';
select tests.authenticate_as('an-l');
select private.request_chat_match(true);
select tests.authenticate_as('an-s');
select set_config('an.sl', private.request_chat_match(false) ->> 'conversationId', true);
select set_config('an.l_in_sl', (select partner ->> 'id' from public.chat_conversation_list where id = current_setting('an.sl')::uuid), true);
select public.leave_chat_conversation(current_setting('an.sl')::uuid);
select private.request_chat_match(false, null, current_setting('an.l_in_sl')::uuid);
select tests.authenticate_as('an-m');
select is(private.request_chat_match(true) ->> 'status', 'queued',
  'AN-47: a person waiting for someone met before is not matched with anyone else who arrives');
select tests.authenticate_as('an-m');
select private.cancel_chat_match();
select tests.authenticate_as('an-l');
select private.request_chat_match(true);
select tests.authenticate_as('an-s');
select is(private.request_chat_match(false, null, current_setting('an.l_in_sl')::uuid) ->> 'status', 'queued',
  'AN-49: asking for a past partner who is waiting to listen right now answers queued, as when they are away (no presence probe)');
reset role;
select set_config('an.rematch_invite', (select data::text from public.notifications where user_id = tests.get_supabase_uid('an-l')
                                          and data ->> 'conversationId' = current_setting('an.sl') and data ? 'participantId' limit 1), true);
select tests.authenticate_as('an-l');
select is(private.request_chat_match(true, null, (current_setting('an.rematch_invite')::jsonb ->> 'participantId')::uuid) ->> 'status', 'matched',
  'AN-49: … the past partner is invited (a notification naming the conversation they shared) and a match happens when they accept');
select tests.authenticate_as('an-l');
select public.leave_chat_conversation((select id from public.chat_conversation_list where kind = 'matched' and "endedAt" is null limit 1));
reset role;
select set_config('an.invites_before', (select coalesce(sum(event_count), 0)::text from public.notifications where user_id = tests.get_supabase_uid('an-l')
                                          and title = 'Someone would like to talk again'), true);
select tests.authenticate_as('an-s');
select private.cancel_chat_match();
select is(private.request_chat_match(false, null, current_setting('an.l_in_sl')::uuid) ->> 'status', 'queued', 'AN-53: asking again …');
select private.cancel_chat_match();
reset role;
select is((select coalesce(sum(event_count), 0)::text from public.notifications where user_id = tests.get_supabase_uid('an-l') and title = 'Someone would like to talk again'),
          current_setting('an.invites_before'), 'AN-53: … invites nobody again the same day');
-- Two days pass; the invitee left the conversation they shared.
update private.chat_rematch_invitations set invited_at = invited_at - interval '2 days';
select tests.authenticate_as('an-l');
select public.leave_chat_conversation(current_setting('an.sl')::uuid);
select tests.authenticate_as('an-s');
select is(private.request_chat_match(false, null, current_setting('an.l_in_sl')::uuid) ->> 'status', 'queued', 'AN-54: asking after they left …');
select private.cancel_chat_match();
reset role;
select is((select coalesce(sum(event_count), 0)::text from public.notifications where user_id = tests.get_supabase_uid('an-l') and title = 'Someone would like to talk again'),
          current_setting('an.invites_before'), 'AN-54: … reaches nobody who left the conversation (leaving ends contact)');

select tests.create_supabase_user('an-leaver', metadata => '{"firstName": "Lea"}');
select tests.authenticate_as('an-leaver');
select set_config('an.leaver_chat', public.send_chat_message('bye soon', tests.public_id_of('an-decoy')) ->> 'conversationId', true);
select public.join_group(current_setting('an.group')::uuid);
select public.send_group_message(current_setting('an.group')::uuid, 'bye group');
reset role;
select set_config('an.group_updated_before', (select updated_at::text from public.support_groups where id = current_setting('an.group')::uuid), true);
delete from auth.users where id = tests.get_supabase_uid('an-leaver');
select results_eq(format($$
    select (select c.ended_at = (select max(m.created_at) from public.chat_messages as m where m.conversation_id = c.id)
            from public.chat_conversations as c where c.id = %1$L),
           (select bool_and(m.deleted_at = m.created_at) from public.chat_messages as m where m.conversation_id = %1$L),
           (select bool_and(m.deleted_at = m.created_at) from public.group_messages as m where m.group_id = %2$L and m.sender_name = '[former member]'),
           (select g.updated_at = %3$L::timestamptz from public.support_groups as g where g.id = %2$L)$$,
    current_setting('an.leaver_chat'), current_setting('an.group'), current_setting('an.group_updated_before')),
  $$values (true, true, true, true)$$,
  'AN-48: an account''s erasure shows no time of its own anywhere (the conversation ends at its last message, tombstones keep their own times, the group''s updated_at stays), so nothing pairs its identities across places');


--- Sanctions that stick: a ban, the send rate limit and a block survive leaving, anonymous mode and account changes.
select tests.create_supabase_user('an-banned', metadata => '{"firstName": "Bo"}');
select tests.authenticate_as('an-banned');
select set_config('an.banned_member', public.join_group(current_setting('an.group')::uuid) ->> 'memberId', true);
select tests.authenticate_as('an-owner');
select public.moderate_group_member(current_setting('an.group')::uuid, current_setting('an.banned_member')::uuid, 'ban');
select tests.authenticate_as('an-banned');
select public.leave_group(current_setting('an.group')::uuid);
select public.update_privacy_settings('{"anonymousMode": true}');
select throws_ok(format($$select public.join_group(%L)$$, current_setting('an.group')), 'PT403', null,
  'AN-50: a ban survives leaving and turning anonymous mode on: rejoining is refused');
select tests.create_supabase_user('an-sender', metadata => '{"firstName": "Sid"}');
select tests.authenticate_as('an-sender');
select public.join_group(current_setting('an.group')::uuid);
reset role;
insert into private.send_log (user_id) select tests.get_supabase_uid('an-sender') from generate_series(1, 20);
select tests.authenticate_as('an-sender');
select public.update_privacy_settings('{"anonymousMode": true}');
select throws_ok(format($$select public.send_chat_message('new identity, new limit?', %L)$$, tests.public_id_of('an-decoy')), 'PT429', null,
  'AN-51: the send rate limit survives anonymous mode (a new public identity is the same sender)');
select tests.create_supabase_user('an-guest', is_anonymous => true);
select tests.create_supabase_user('an-host', metadata => '{"firstName": "Hal"}');
select tests.authenticate_as('an-guest');
select set_config('an.guest_chat', public.send_chat_message('hello from a guest', tests.public_id_of('an-host')) ->> 'conversationId', true);
select tests.authenticate_as('an-host');
select public.leave_chat_conversation(current_setting('an.guest_chat')::uuid, "blockPartner" => true);
reset role;
-- The anonymous sign-in becomes a permanent account (as Supabase Auth does on linking an email): same account id.
update auth.users set is_anonymous = false, email = 'an-guest-now@example.com', email_confirmed_at = now() where id = tests.get_supabase_uid('an-guest');
select tests.authenticate_as('an-guest');
select set_config('an.guest_again', public.send_chat_message('it is me again', tests.public_id_of('an-host'), "isAnonymous" => false) ->> 'conversationId', true);
select tests.authenticate_as('an-host');
select is_empty(format($$select 1 from public.chat_conversation_list where id = %L$$, current_setting('an.guest_again')),
  'AN-52: a block survives the blocked anonymous sign-in becoming a permanent account');


--- ---------------------------------------------------------------------------------------------------------------------
--- Second group review (issue 14): a group identity pairs with nothing, whatever the member, their card or a moderator
--- does. AN-70 … AN-84. The group's owner; Wren shows a pseudonym (her card shows her name); Lark (a moderator) and
--- Finch (a decoy: a plain member) show their names; Mo moderates without being the owner; an observer watches.
select tests.create_supabase_user('an2-owner');
select tests.create_supabase_user('an2-wren', metadata => '{"firstName": "Wren", "lastName": "Vale"}');
select tests.create_supabase_user('an2-lark', metadata => '{"firstName": "Lark"}');
select tests.create_supabase_user('an2-finch', metadata => '{"firstName": "Finch"}');
select tests.create_supabase_user('an2-mo', metadata => '{"firstName": "Mo"}');
select tests.create_supabase_user('an2-observer');
select tests.create_supabase_user('an2-sleeper', metadata => '{"firstName": "Sol"}');
select tests.create_supabase_user('an2-dozer');
select tests.create_supabase_user('an2-applicant');
select tests.create_supabase_user('an2-nia', metadata => '{"firstName": "Nia"}');
reset role;
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('an2-owner');
select tests.authenticate_as('an2-owner');
insert into public.support_groups (name, description, category_id) values ('AN Second Review Group', 'Unlinkability', 'trauma');
insert into public.support_groups (name, description, category_id, privacy) values ('AN Second Review Circle', 'Unlinkability', 'trauma', 'private');
select set_config('an.g2', (select id::text from public.support_groups where name = 'AN Second Review Group'), true);
select set_config('an.c2', (select id::text from public.support_groups where name = 'AN Second Review Circle'), true);
select tests.authenticate_as('an2-wren');
select public.join_group(current_setting('an.g2')::uuid);
select tests.authenticate_as('an2-lark');
select set_config('an.lark_joined', public.join_group(current_setting('an.g2')::uuid, "useDisplayName" => true) ->> 'memberId', true);
select tests.authenticate_as('an2-finch');
select public.join_group(current_setting('an.g2')::uuid, "useDisplayName" => true);
select tests.authenticate_as('an2-mo');
select set_config('an.mo_joined', public.join_group(current_setting('an.g2')::uuid) ->> 'memberId', true);
select tests.authenticate_as('an2-observer');
select public.join_group(current_setting('an.g2')::uuid);
select tests.authenticate_as('an2-owner');
select public.moderate_group_member(current_setting('an.g2')::uuid, current_setting('an.lark_joined')::uuid, 'promote');
select public.moderate_group_member(current_setting('an.g2')::uuid, current_setting('an.mo_joined')::uuid, 'promote');

-- Finding 1: anonymous mode moves a card, never the group pseudonym of a member who does not show their name.
select tests.authenticate_as('an2-wren');
select set_config('an.wren_first', public.send_group_message(current_setting('an.g2')::uuid, 'before my card changes')::text, true);
select set_config('an.wren_card', tests.public_id_of('an2-wren')::text, true);
select tests.authenticate_as('an2-observer');
select set_config('an.g2_before', pg_temp.members_seen(current_setting('an.g2')::uuid)::text, true);
select tests.authenticate_as('an2-wren');
select public.update_privacy_settings('{"anonymousMode": true}');
select tests.authenticate_as('an2-observer');
select results_eq(format($$select pg_temp.members_seen(%L) = %L::jsonb, exists (select 1 from public.public_profiles where id = %L)$$,
    current_setting('an.g2'), current_setting('an.g2_before'), current_setting('an.wren_card')),
  $$values (true, false)$$,
  'AN-70: turning anonymous mode on takes the card away and changes nothing in the member list for a member who shows a pseudonym (two rows no longer vanish together)');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an2-observer');
select is(pg_temp.members_seen(current_setting('an.g2')::uuid), current_setting('an.g2_before')::jsonb,
  'AN-70: … nor when the new card is listed');
select tests.authenticate_as('an2-wren');
select public.update_privacy_settings('{"anonymousMode": false}');
select is(public.send_group_message(current_setting('an.g2')::uuid, 'after it changed twice') #>> '{message,sender,id}',
          current_setting('an.wren_first')::jsonb #>> '{message,sender,id}',
  'AN-71: … and she writes on at once under the same member id (her pseudonym is the membership''s, never the card''s)');

-- Finding 2: a member whose new name waits for its listing hour does nothing others would see.
select tests.authenticate_as('an2-lark');
select set_config('an.lark_m1', public.send_group_message(current_setting('an.g2')::uuid, 'Lark, a first word') #>> '{message,id}', true);
select set_config('an.lark_m2', public.send_group_message(current_setting('an.g2')::uuid, 'Lark, a second word') #>> '{message,id}', true);
select tests.authenticate_as('an2-finch');
select set_config('an.finch_m1', public.send_group_message(current_setting('an.g2')::uuid, 'Finch, a first word') #>> '{message,id}', true);
select public.update_privacy_settings('{"anonymousMode": true}');
select tests.authenticate_as('an2-lark');
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
update private.group_members set last_seen_at = null where group_id = current_setting('an.g2')::uuid;
select set_config('an.lark_wait', format('Your new name shows in this group from %s UTC; until then you can read, but not post, edit, host or show that you are here',
    (select to_char(identity_listed_from at time zone 'UTC', 'YYYY-MM-DD HH24:MI') from public.profiles where id = tests.get_supabase_uid('an2-lark'))), true);
select tests.authenticate_as('an2-lark');
select throws_ok(format($$select public.send_group_message(%L, 'am I here yet?')$$, current_setting('an.g2')),
  'PT409', current_setting('an.lark_wait'),
  'AN-72: while a new name waits for its listing hour, posting answers 409 with the hour it shows (the message would carry an id nobody sees)');
select throws_ok(format($$select public.change_group_message(%L, 'edit', 'Lark, edited')$$, current_setting('an.lark_m1')),
  'PT409', current_setting('an.lark_wait'), 'AN-72: … and so does editing');
select throws_ok(format($$select public.schedule_group_session(%L, 'Lark hosts', now() + interval '1 day')$$, current_setting('an.g2')),
  'PT409', current_setting('an.lark_wait'), 'AN-72: … and hosting a session (as a moderator)');
select set_config('realtime.topic', 'group:' || current_setting('an.g2') || ':live', true);
select throws_ok($$insert into realtime.messages (topic, extension, event, payload, private) values (realtime.topic(), 'broadcast', 'typing', '{}', true)$$,
  '42501', null, 'AN-72: … and typing or presence on group:<id>:live');
select lives_ok(format($$select public.change_group_message(%L, 'delete')$$, current_setting('an.lark_m2')),
  'AN-72: deleting one''s own message stays allowed (a tombstone, under the name it was written with)');
select lives_ok(format($$select public.group_heartbeat(%L)$$, current_setting('an.g2')),
  'AN-73: a heartbeat is taken while the name waits …');
select tests.authenticate_as('an2-observer');
select results_eq(format($$select (select "onlineCount" from public.list_groups(joined => true, "limit" => 100) where id = %1$L),
                                  (select count(*)::int from public.list_group_members(%1$L) where online)$$, current_setting('an.g2')),
  $$values (0, 0)$$, 'AN-73: … but counted nowhere: onlineCount counts only members the list shows');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an2-observer');
select results_eq(format($$select (select "onlineCount" from public.list_groups(joined => true, "limit" => 100) where id = %1$L),
                                  (select count(*)::int from public.list_group_members(%1$L) where online)$$, current_setting('an.g2')),
  $$values (1, 1)$$, 'AN-73: … from the listing hour the member shows, online, as the list does');

-- Finding 3: through an old message's id, a moderator's answer never depends on who its author is now.
create function pg_temp.moderation_answer(group_id uuid, member_id uuid, action text) returns jsonb language plpgsql as $$
declare
  answer jsonb;
begin
  answer := public.moderate_group_member(group_id, member_id, action, case when action = 'mute' then now() + interval '1 day' end);
  return jsonb_build_object('answer', answer - 'memberId', 'echoes', answer ->> 'memberId' = member_id::text);
exception when others then
  return jsonb_build_object('code', sqlstate, 'message', sqlerrm);
end;
$$;
grant execute on function pg_temp.moderation_answer(uuid, uuid, text) to authenticated;
select tests.authenticate_as('an2-observer');
select set_config('an.lark_old', (select sender ->> 'id' from public.list_group_messages(current_setting('an.g2')::uuid) where id = current_setting('an.lark_m1')::uuid), true);
select set_config('an.finch_old', (select sender ->> 'id' from public.list_group_messages(current_setting('an.g2')::uuid) where id = current_setting('an.finch_m1')::uuid), true);
select tests.authenticate_as('an2-mo');
select results_eq(format($$select a.action, pg_temp.moderation_answer(%1$L, %2$L, a.action) = pg_temp.moderation_answer(%1$L, %3$L, a.action)
                           from unnest(array['mute', 'unmute', 'ban', 'unban', 'promote', 'demote', 'make_owner', 'approve', 'decline']) with ordinality as a (action, n)
                           order by a.n$$,
    current_setting('an.g2'), current_setting('an.lark_old'), current_setting('an.finch_old')),
  $$values ('mute', true), ('unmute', true), ('ban', true), ('unban', true), ('promote', true), ('demote', true), ('make_owner', true),
           ('approve', true), ('decline', true)$$,
  'AN-74: a plain moderator''s every action by an old message''s id answers the same for a now-moderator author as for a plain member (no 403 naming a moderator)');
select is(pg_temp.moderation_answer(current_setting('an.g2')::uuid, current_setting('an.finch_old')::uuid, 'mute'),
          '{"answer": {"action": "mute"}, "echoes": true}'::jsonb,
  'AN-75: through an old id, a plain moderator mutes (and unmutes) …');
select tests.authenticate_as('an2-finch');
select throws_ok(format($$select public.send_group_message(%L, 'Finch again')$$, current_setting('an.g2')), 'PT403', null,
  'AN-75: … and the mute holds on the author as they are now …');
select tests.authenticate_as('an2-mo');
select pg_temp.moderation_answer(current_setting('an.g2')::uuid, current_setting('an.lark_old')::uuid, 'mute');
select tests.authenticate_as('an2-lark');
select lives_ok(format($$select public.send_group_message(%L, 'Lark, listed now')$$, current_setting('an.g2')),
  'AN-75: … while on a now-moderator, whom they have no power over, the same answer changes nothing');
select tests.authenticate_as('an2-owner');
select is(pg_temp.moderation_answer(current_setting('an.g2')::uuid, current_setting('an.finch_old')::uuid, 'promote'),
  jsonb_build_object('code', 'PT403', 'message', 'A member id from an old message allows mute, unmute, ban and unban only; roles and join requests take the id the member list or the join requests show'),
  'AN-76: roles change only through the id the member list shows, never an old message''s (that would label the author''s current entry)');
reset role;
select set_config('an.finch_now', (select private.group_member_handle(m)::text from private.group_members as m
                                   where m.group_id = current_setting('an.g2')::uuid and m.user_id = tests.get_supabase_uid('an2-finch')), true);
select tests.authenticate_as('an2-observer');
select ok(current_setting('an.finch_now')::uuid in (select "memberId" from public.list_group_members(current_setting('an.g2')::uuid)),
  'AN-76: (the author is listed under their current id) …');
select tests.authenticate_as('an2-owner');
select is(pg_temp.moderation_answer(current_setting('an.g2')::uuid, current_setting('an.finch_old')::uuid, 'ban'),
          '{"answer": {"action": "ban"}, "echoes": true}'::jsonb,
  'AN-76: the owner bans through an old message''s id …');
select is((select count(*)::int from public.list_group_members(current_setting('an.g2')::uuid) where "memberId" = current_setting('an.finch_now')::uuid), 0,
  'AN-76: … which necessarily takes the author''s current entry out of the list (documented)');

-- Finding 5: edits for 15 minutes, and only under the name one shows now.
select tests.authenticate_as('an2-lark');
select throws_ok(format($$select public.change_group_message(%L, 'edit', 'Lark, edited')$$, current_setting('an.lark_m1')), 'PT409',
  'This message was written under a name you no longer show in this group: it can be deleted, not edited',
  'AN-77: a message written under a name one no longer shows cannot be edited (it would show the old identity is still here) …');
select lives_ok(format($$select public.change_group_message(%L, 'delete')$$, current_setting('an.lark_m1')),
  'AN-77: … but can be deleted');
reset role;
update public.group_messages set created_at = created_at - interval '16 minutes'
where id = (current_setting('an.wren_first')::jsonb #>> '{message,id}')::uuid;
select tests.authenticate_as('an2-wren');
select throws_ok(format($$select public.change_group_message(%L, 'edit', 'rewritten later')$$, current_setting('an.wren_first')::jsonb #>> '{message,id}'),
  'PT409', 'A message can be edited for 15 minutes after it was sent',
  'AN-78: after 15 minutes nobody edits a group message, as in chat');

-- A session hosted under a shown name does not pair that name with the host's next one.
select tests.authenticate_as('an2-lark');
select public.update_privacy_settings('{"anonymousMode": false}');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an2-lark');
select set_config('an.lark_session', public.schedule_group_session(current_setting('an.g2')::uuid, 'Lark hosts', now() + interval '1 day')::text, true);
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an2-observer');
select is((select host_member_id from public.group_sessions where id = current_setting('an.lark_session')::uuid)
            in (select "memberId" from public.list_group_members(current_setting('an.g2')::uuid)), false,
  'AN-79: a host who showed their name is not paired by the session with their next identity');

-- Finding 4: deactivated accounts are nobody's to see, and a new name waits for the profile's listing hour.
select tests.authenticate_as('an2-sleeper');
select public.join_group(current_setting('an.g2')::uuid, "useDisplayName" => true);
select tests.authenticate_as('an2-dozer');
select public.join_group(current_setting('an.g2')::uuid);
select tests.authenticate_as('an2-sleeper');
select public.update_privacy_settings('{"anonymousMode": true}');
select tests.authenticate_as('an2-observer');
select set_config('an.g2_sleeper_waits', pg_temp.members_seen(current_setting('an.g2')::uuid)::text, true);
reset role;
update public.profiles set is_active = false where id = tests.get_supabase_uid('an2-sleeper');
select tests.authenticate_as('an2-observer');
select is(pg_temp.members_seen(current_setting('an.g2')::uuid), current_setting('an.g2_sleeper_waits')::jsonb,
  'AN-80: a member whose new name waits is not shown at once when their account is deactivated (listing is the profile''s, not the card''s) …');
reset role;
update public.profiles set is_active = true where id = tests.get_supabase_uid('an2-sleeper');
select tests.authenticate_as('an2-observer');
select is(pg_temp.members_seen(current_setting('an.g2')::uuid), current_setting('an.g2_sleeper_waits')::jsonb,
  'AN-80: … nor when it is reactivated before the hour');
select tests.authenticate_as('an2-dozer');
select public.group_heartbeat(current_setting('an.g2')::uuid);
select tests.authenticate_as('an2-observer');
select set_config('an.g2_dozer', (select jsonb_build_object('online', (select "onlineCount" from public.list_groups(joined => true, "limit" => 100) where id = current_setting('an.g2')::uuid),
                                                            'members', pg_temp.members_seen(current_setting('an.g2')::uuid))::text), true);
reset role;
update public.profiles set is_active = false where id = tests.get_supabase_uid('an2-dozer');
select tests.authenticate_as('an2-observer');
select results_eq(format($$select (select "onlineCount" from public.list_groups(joined => true, "limit" => 100) where id = %1$L),
                                  jsonb_array_length(pg_temp.members_seen(%1$L))$$, current_setting('an.g2')),
  format($$values (%s - 1, %s - 1)$$, current_setting('an.g2_dozer')::jsonb ->> 'online', jsonb_array_length(current_setting('an.g2_dozer')::jsonb -> 'members')),
  'AN-81: a deactivated account is left out of the member list and the online count');

-- Finding 6: moderators see the join requests waiting for them.
select tests.authenticate_as('an2-applicant');
select public.join_group(current_setting('an.c2')::uuid);
select tests.authenticate_as('an2-nia');
select public.update_privacy_settings('{"anonymousMode": true}');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an2-nia');
select public.update_privacy_settings('{"anonymousMode": false}');
select public.join_group(current_setting('an.c2')::uuid, "useDisplayName" => true);
select tests.authenticate_as('an2-owner');
select results_eq(format($$select count(*)::int, bool_and(name ~ '^Member #[0-9]{4}$') from public.list_group_join_requests(%L)$$, current_setting('an.c2')),
  $$values (1, true)$$,
  'AN-82: a group''s moderators see its join requests (the name each applicant will show), but not one by a new name before its listing hour');
select tests.authenticate_as('an2-applicant');
select throws_ok(format($$select * from public.list_group_join_requests(%L)$$, current_setting('an.c2')), 'PT403', 'Only this group''s moderators can do this',
  'AN-83: applicants do not see the requests …');
select tests.authenticate_as('an2-observer');
select throws_ok(format($$select * from public.list_group_join_requests(%L)$$, current_setting('an.g2')), 'PT403', 'Only this group''s moderators can do this',
  'AN-83: … nor do members who do not moderate');
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('an2-owner');
select results_eq(format($$select count(*)::int, count(*) filter (where name = 'Nia')::int from public.list_group_join_requests(%L)$$, current_setting('an.c2')),
  $$values (2, 1)$$,
  'AN-84: from its listing hour, the new name''s request shows too');
select lives_ok(format($$select public.moderate_group_member(%L, (select "memberId" from public.list_group_join_requests(%L) where name = 'Nia'), 'approve')$$,
    current_setting('an.c2'), current_setting('an.c2')),
  'AN-84: the id a request shows is the one approve takes …');
select results_eq(format($$select (select count(*)::int from public.list_group_join_requests(%1$L)), (select count(*)::int from public.list_group_members(%1$L) where name = 'Nia')$$,
    current_setting('an.c2')),
  $$values (1, 1)$$, 'AN-84: … and the approved member leaves the requests for the member list');


--- Third review: a therapist's calendar shows no erasure moment; showActivity switches nothing off at one instant.
reset role;
delete from auth.users where id = tests.get_supabase_uid('an-pictured');
select tests.authenticate_as('an-owner');
select results_eq($$select "cancelledAt" = "createdAt", "cancelledBy"::text from public.my_therapy_sessions where status = 'cancelled'$$,
  $$values (true, 'system'::text)$$,
  'AN-55: a deleted client''s future session is cancelled dated by its own booking, not the erasure''s moment (the same everywhere else)');
select tests.create_supabase_user('an-vera', metadata => '{"firstName": "Vera"}');
select tests.authenticate_as('an-vera');
select set_config('an.vera_chat', public.send_chat_message('hi there', tests.public_id_of('an-decoy')) ->> 'conversationId', true);
select tests.authenticate_as('an-decoy');
select set_config('an.vera_online_before', (select partner ->> 'online' from public.chat_conversation_list where id = current_setting('an.vera_chat')::uuid), true);
select tests.authenticate_as('an-vera');
select public.update_privacy_settings('{"showActivity": false}');
select tests.authenticate_as('an-decoy');
select is((select partner ->> 'online' from public.chat_conversation_list where id = current_setting('an.vera_chat')::uuid), current_setting('an.vera_online_before'),
  'AN-56: turning showActivity off switches no indicator off at that instant (every one of them would pair the person''s identities) …');
select tests.authenticate_as('an-vera');
select public.chat_typing(current_setting('an.vera_chat')::uuid);
reset role;
update private.chat_participants set seen_active_at = seen_active_at - interval '6 minutes', last_active_at = last_active_at - interval '6 minutes'
where conversation_id = current_setting('an.vera_chat')::uuid;
select tests.authenticate_as('an-vera');
select public.chat_typing(current_setting('an.vera_chat')::uuid);
select tests.authenticate_as('an-decoy');
select is((select (partner ->> 'online')::boolean from public.chat_conversation_list where id = current_setting('an.vera_chat')::uuid), false,
  'AN-56: … and from then on their activity shows to nobody, so the dot goes dark as an idle one does');

select * from finish();
rollback;
