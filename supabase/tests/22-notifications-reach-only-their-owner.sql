-- Notifications: push subscriptions, the inbox, preferences and quiet-hours settings reach only their owner; push
-- endpoints only on known push services; quiet hours across midnight and DST; private.notify (collapsing, preferences,
-- lock-screen-safe payloads, previews, one push per device, quiet hours); turning push off cancels queued pushes; the
-- job queue (claiming never twice, done, retry with backoff, dead, not_owned); push service answers; who may send; the
-- events that notify (chat, group fan-out, achievements, therapy sessions, session reminders); live delivery on the
-- owner's user:<id> topic; the API's camelCase views of the inbox, preferences and settings. Threat ids: NT-01 … NT-73.
-- Other suites and the vitest run share the database (vitest commits its rows): every assertion is about this suite's
-- people and rows; the queue functions are pointed at this suite's jobs (claim's only_ids, reminders due in 2000).
begin;
select plan(183);

-- A test user's account id by short name (nt-<name>).
create function pg_temp.uid(name text)
returns uuid
language sql
stable
as $$ select current_setting('tests.' || name)::uuid $$;

-- People.
select tests.create_supabase_user('nt-' || name)
from unnest(array['ann', 'bob', 'quiet', 'nina', 'pia', 'tokyo', 'pete', 'jo', 'rita', 'sdoc', 'patient', 'stranger', 'admin',
                  'inactive', 'seeker', 'listener', 'gowner', 'gsender', 'gaway', 'gpresent', 'gleft', 'ach', 'doc', 'cleo']) as name;
select set_config('tests.' || name, tests.get_supabase_uid('nt-' || name)::text, true)
from unnest(array['ann', 'bob', 'quiet', 'nina', 'pia', 'tokyo', 'pete', 'jo', 'rita', 'sdoc', 'patient', 'stranger', 'admin',
                  'inactive', 'seeker', 'listener', 'gowner', 'gsender', 'gaway', 'gpresent', 'gleft', 'ach', 'doc', 'cleo']) as name;
update public.profiles set role = 'therapist' where id in (pg_temp.uid('sdoc'), pg_temp.uid('gowner'), pg_temp.uid('doc'));
update public.profiles set role = 'admin' where id = pg_temp.uid('admin');
update public.profiles set is_active = false where id = pg_temp.uid('inactive');
update public.profiles set time_zone = 'Europe/Lisbon' where id = pg_temp.uid('quiet');
update public.profiles set time_zone = 'Asia/Tokyo' where id = pg_temp.uid('tokyo');

--- push subscriptions
select tests.authenticate_as('nt-ann');
select set_config('tests.ann_phone', public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-ann-phone',
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true);
-- The laptop as the frontend sends it: { ...subscription.toJSON(), userAgent } (expirationTime in milliseconds).
select set_config('tests.ann_laptop', public.register_push_subscription(
  endpoint => 'https://updates.push.services.mozilla.com/wpush/v2/nt22-ann-laptop',
  keys => jsonb_build_object('p256dh', 'B' || repeat('A', 86) || '=', 'auth', repeat('A', 22) || '=='),
  "expirationTime" => 1893456000000, "userAgent" => 'Firefox')::text, true);
select set_eq($$select id, endpoint, user_id, user_agent, expiration_time from public.push_subscriptions$$,
  format($$values (%L::uuid, 'https://fcm.googleapis.com/fcm/send/nt22-ann-phone'::text, %L::uuid, null::text, null::timestamptz),
                  (%L, 'https://updates.push.services.mozilla.com/wpush/v2/nt22-ann-laptop', %L, 'Firefox', '2030-01-01 00:00+00')$$,
    current_setting('tests.ann_phone'), pg_temp.uid('ann'), current_setting('tests.ann_laptop'), pg_temp.uid('ann')),
  'NT-01: the owner registers their devices (endpoint, keys {p256dh, auth}, expirationTime in ms, userAgent) and sees exactly them');
select throws_ok($$select public.register_push_subscription('https://evil.example/fcm/send/x', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))$$,
  'PT400', 'endpoint must be the https URL of a known push service', 'NT-02: an endpoint off the known push services is refused');
select throws_ok($$select public.register_push_subscription('http://fcm.googleapis.com/fcm/send/x', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))$$,
  'PT400', null, 'NT-02: … and so is plain http to a known service');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com.evil.example/fcm/send/x', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))$$,
  'PT400', null, 'NT-02: … and a look-alike host');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com:443@evil.example/fcm/send/x', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))$$,
  'PT400', null, 'NT-02: … and a known host smuggled in as userinfo (the request would go to evil.example)');
select throws_ok($$select public.register_push_subscription('https://evil.example\.push.apple.com/x', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))$$,
  'PT400', null, 'NT-02: … and a backslash before a known suffix (URL parsers read the host as evil.example)');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-bad-key', jsonb_build_object('p256dh', 'not a key', 'auth', repeat('A', 22)))$$,
  '23514', null, 'NT-03: a malformed p256dh key is refused');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-bad-auth', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 21) || '!'))$$,
  '23514', null, 'NT-03: … and a malformed auth secret');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-no-auth', jsonb_build_object('p256dh', 'B' || repeat('A', 86)))$$,
  'PT400', 'keys must hold p256dh and auth, as PushSubscription.toJSON() gives them', 'NT-03: keys without auth are refused with 400');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-flat-keys', to_jsonb('B' || repeat('A', 86)))$$,
  'PT400', 'keys must hold p256dh and auth, as PushSubscription.toJSON() gives them', 'NT-03: … and so are keys that are not an object');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-bad-expiry', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)), -1)$$,
  'PT400', 'expirationTime is milliseconds since 1970, or null', 'NT-03: … and an expirationTime that is no time in milliseconds');
select throws_ok($$insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
    values (auth.uid(), 'https://fcm.googleapis.com/fcm/send/nt22-direct', 'B' || repeat('A', 86), repeat('A', 22))$$,
  '42501', null, 'NT-04: the table cannot be written directly (only through register_push_subscription)');
select throws_ok(format($$update public.push_subscriptions set endpoint = 'https://fcm.googleapis.com/fcm/send/nt22-moved' where id = %L$$,
    current_setting('tests.ann_phone')),
  '42501', null, 'NT-04: … nor updated, not even by the owner');
select tests.authenticate_as('nt-bob');
select is_empty($$select 1 from public.push_subscriptions$$, 'NT-05: another person sees none of them');
select is_empty(format($$delete from public.push_subscriptions where id = %L returning 1$$, current_setting('tests.ann_phone')),
  'NT-05: … and deletes none of them');
select tests.clear_authentication();
select throws_ok($$select * from public.push_subscriptions$$, '42501', null, 'NT-06: anon has no access to subscriptions');
select throws_ok($$select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-anon', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))$$,
  '42501', null, 'NT-06: … and cannot register one');
-- A push queued for Ann, on both her devices, before her laptop's browser is signed into Bob's account.
reset role;
select private.notify(pg_temp.uid('ann'), 'system', 'Before the move', 'Queued for Ann');
select tests.authenticate_as('nt-bob');
select is(public.register_push_subscription('https://updates.push.services.mozilla.com/wpush/v2/nt22-ann-laptop', jsonb_build_object('p256dh', 'C' || repeat('A', 86), 'auth', repeat('B', 22))),
  current_setting('tests.ann_laptop')::uuid, 'NT-07: the same endpoint registered by another person is the same device');
reset role;
select results_eq($$select user_id, p256dh from public.push_subscriptions where endpoint = 'https://updates.push.services.mozilla.com/wpush/v2/nt22-ann-laptop'$$,
  format($$values (%L::uuid, 'C' || repeat('A', 86))$$, pg_temp.uid('bob')), 'NT-07: … one row, now Bob''s, with his keys');
select bag_eq(format($$select subscription_id = %L, status from private.notification_jobs where user_id = %L$$, current_setting('tests.ann_laptop'), pg_temp.uid('ann')),
  $$values (true, 'cancelled'), (false, 'pending')$$,
  'NT-08: Ann''s queued push to the device that moved is cancelled (it must not reach Bob), the one to her phone is not');
select tests.authenticate_as('nt-ann');
select set_eq($$select endpoint from public.push_subscriptions$$, $$values ('https://fcm.googleapis.com/fcm/send/nt22-ann-phone')$$,
  'NT-07: Ann no longer sees the device');
select results_eq(format($$delete from public.push_subscriptions where id = %L returning endpoint$$, current_setting('tests.ann_phone')),
  $$values ('https://fcm.googleapis.com/fcm/send/nt22-ann-phone'::text)$$, 'NT-09: the owner removes their own device');
reset role;
select is_empty(format($$select 1 from private.notification_jobs where user_id = %L and status = 'pending'$$, pg_temp.uid('ann')),
  'NT-09: … and its queued pushes go with it');

--- the inbox
select set_config('tests.ann_n1', private.notify(pg_temp.uid('ann'), 'system', 'Welcome', 'Glad you are here', '{"screen": "home"}')::text, true);
select set_config('tests.ann_n2', private.notify(pg_temp.uid('ann'), 'achievement', 'Achievement unlocked', 'Checking In')::text, true);
select set_config('tests.bob_n1', private.notify(pg_temp.uid('bob'), 'system', 'For Bob', 'Only Bob reads this')::text, true);
select tests.authenticate_as('nt-ann');
select set_eq($$select title from public.notifications$$, $$values ('Before the move'), ('Welcome'), ('Achievement unlocked')$$,
  'NT-10: the owner reads exactly their own notifications');
select results_eq(format($$update public.notifications set read_at = now() where id = %L returning id, read_at$$, current_setting('tests.ann_n1')),
  format($$values (%L::uuid, now())$$, current_setting('tests.ann_n1')), 'NT-11: the owner marks one read');
select throws_ok(format($$update public.notifications set title = 'Forged' where id = %L$$, current_setting('tests.ann_n2')),
  '42501', null, 'NT-12: … but cannot change its title');
select throws_ok(format($$update public.notifications set body = 'Forged', data = '{}' where id = %L$$, current_setting('tests.ann_n2')),
  '42501', null, 'NT-12: … nor its body or data');
select throws_ok(format($$update public.notifications set user_id = %L where id = %L$$, pg_temp.uid('bob'), current_setting('tests.ann_n2')),
  '42501', null, 'NT-12: … nor hand it to someone else');
select throws_ok($$insert into public.notifications (user_id, type, title, body) values (auth.uid(), 'system', 'Self-made', 'x')$$,
  '42501', null, 'NT-12: nobody writes notifications through the API');
select tests.authenticate_as('nt-bob');
select set_eq($$select id from public.notifications$$, format($$values (%L::uuid)$$, current_setting('tests.bob_n1')),
  'NT-13: another person sees only their own');
select is_empty(format($$update public.notifications set read_at = now() where id = %L returning 1$$, current_setting('tests.ann_n2')),
  'NT-13: … cannot mark someone else''s read');
select is_empty(format($$delete from public.notifications where id = %L returning 1$$, current_setting('tests.ann_n2')),
  'NT-13: … nor delete it');
select tests.clear_authentication();
select throws_ok($$select * from public.notifications$$, '42501', null, 'NT-14: anon has no access to the inbox');
select throws_ok($$select public.mark_all_notifications_read()$$, '42501', null, 'NT-14: … nor to mark_all_notifications_read');
select tests.authenticate_as('nt-ann');
select is(public.mark_all_notifications_read(), 2, 'NT-15: mark_all_notifications_read marks the caller''s unread ones and says how many');
reset role;
select results_eq(format($$select user_id, count(*)::int, count(*) filter (where read_at is null)::int from public.notifications
    where user_id in (%L, %L) group by user_id order by user_id = %L$$, pg_temp.uid('ann'), pg_temp.uid('bob'), pg_temp.uid('bob')),
  format($$values (%L::uuid, 3, 0), (%L::uuid, 1, 1)$$, pg_temp.uid('ann'), pg_temp.uid('bob')),
  'NT-15: … all of Ann''s are read, Bob''s is untouched');
select tests.authenticate_as('nt-ann');
select results_eq(format($$delete from public.notifications where id = %L returning id$$, current_setting('tests.ann_n1')),
  format($$values (%L::uuid)$$, current_setting('tests.ann_n1')), 'NT-16: the owner deletes their own notification');

--- the inbox as the API reads and writes it: my_notifications (camelCase; mark read by updating readAt, delete)
reset role;
select set_config('tests.ann_n3', private.notify(pg_temp.uid('ann'), 'system', 'Your plan', 'Ready to read', '{"screen": "plan"}')::text, true);
select tests.authenticate_as('nt-ann');
select results_eq(format($$select type::text, title, body, data, "eventCount", "readAt", "createdAt" = "updatedAt" from public.my_notifications where id = %L$$,
    current_setting('tests.ann_n3')),
  $$values ('system'::text, 'Your plan'::text, 'Ready to read'::text, '{"screen": "plan"}'::jsonb, 1, null::timestamptz, true)$$,
  'NT-71: my_notifications shows the owner''s notification with camelCase columns');
select results_eq(format($$update public.my_notifications set "readAt" = now() where id = %L returning id, "readAt"$$, current_setting('tests.ann_n3')),
  format($$values (%L::uuid, now())$$, current_setting('tests.ann_n3')), 'NT-71: the owner marks it read by updating readAt (the row comes back)');
select throws_ok(format($$update public.my_notifications set title = 'Forged' where id = %L$$, current_setting('tests.ann_n3')),
  '42501', null, 'NT-71: … but cannot change its title through the view');
select throws_ok(format($$update public.my_notifications set "eventCount" = 99, data = '{}' where id = %L$$, current_setting('tests.ann_n3')),
  '42501', null, 'NT-71: … nor its count or data');
select throws_ok($$insert into public.my_notifications (type, title, body) values ('system', 'Self-made', 'x')$$,
  '42501', null, 'NT-71: … and nobody inserts through it');
select tests.authenticate_as('nt-bob');
select set_eq($$select id from public.my_notifications$$, format($$values (%L::uuid)$$, current_setting('tests.bob_n1')),
  'NT-71: another person sees only their own in my_notifications');
select is_empty(format($$update public.my_notifications set "readAt" = null where id = %L returning 1$$, current_setting('tests.ann_n3')),
  'NT-71: … cannot mark someone else''s unread');
select is_empty(format($$delete from public.my_notifications where id = %L returning 1$$, current_setting('tests.ann_n3')),
  'NT-71: … nor delete it');
reset role;
select isnt((select read_at from public.notifications where id = current_setting('tests.ann_n3')::uuid), null,
  'NT-71: … which is still there, still read');
select tests.clear_authentication();
select throws_ok($$select * from public.my_notifications$$, '42501', null, 'NT-71: anon reads no inbox view');
select throws_ok(format($$delete from public.my_notifications where id = %L$$, current_setting('tests.ann_n3')), '42501', null,
  'NT-71: … and deletes nothing through it');
select tests.authenticate_as('nt-ann');
select results_eq(format($$delete from public.my_notifications where id = %L returning id$$, current_setting('tests.ann_n3')),
  format($$values (%L::uuid)$$, current_setting('tests.ann_n3')), 'NT-71: the owner deletes their notification through the view');
reset role;
select is_empty(format($$select 1 from public.notifications where id = %L$$, current_setting('tests.ann_n3')), 'NT-71: … and it is gone');
select tests.authenticate_as('nt-ann');

--- preferences and settings
select results_eq($$select p.type::text, p.push, p."inApp" from public.my_notification_preferences as p order by p.type$$,
  $$values ('session_reminder'::text, true, true), ('session_update', true, true), ('chat_message', true, true), ('group_message', true, true),
           ('achievement', true, true), ('system', true, true)$$,
  'NT-17: my_notification_preferences lists every type, on by default');
insert into public.notification_preferences (type, push, in_app) values ('chat_message', false, true);
select results_eq($$select type::text, push, "inApp" from public.my_notification_preferences where not (push and "inApp")$$,
  $$values ('chat_message'::text, false, true)$$, 'NT-17: … and reflects the caller''s choice');
select throws_ok(format($$insert into public.notification_preferences (user_id, type, push) values (%L, 'system', false)$$, pg_temp.uid('bob')),
  '42501', null, 'NT-18: nobody sets someone else''s preferences');
select tests.authenticate_as('nt-bob');
insert into public.notification_preferences (type, in_app) values ('achievement', false);
select results_eq($$select type::text, push, "inApp" from public.my_notification_preferences where not (push and "inApp")$$,
  $$values ('achievement'::text, true, false)$$, 'NT-18: another person''s view shows only their own choices');
select tests.authenticate_as('nt-ann');
select set_eq($$select user_id, type::text from public.notification_preferences$$, format($$values (%L::uuid, 'chat_message'::text)$$, pg_temp.uid('ann')),
  'NT-18: the table shows the owner only their rows');
select is_empty(format($$update public.notification_preferences set in_app = true where user_id = %L returning 1$$, pg_temp.uid('bob')),
  'NT-18: … changes none of anyone else''s');
select is_empty(format($$delete from public.notification_preferences where user_id = %L returning 1$$, pg_temp.uid('bob')),
  'NT-18: … and deletes none of anyone else''s');
-- The preferences as the API writes them: .update({ push, inApp }).eq('type', t) on my_notification_preferences.
select results_eq($$update public.my_notification_preferences set push = false, "inApp" = true where type = 'group_message' returning type::text, push, "inApp"$$,
  $$values ('group_message'::text, false, true)$$, 'NT-72: the owner turns a type''s push off through my_notification_preferences (a first choice for it)');
select results_eq($$update public.my_notification_preferences set "inApp" = false where type = 'group_message' returning type::text, push, "inApp"$$,
  $$values ('group_message'::text, false, false)$$, 'NT-72: … and changes it again, one field, the other kept');
select throws_ok($$update public.my_notification_preferences set type = 'system' where type = 'group_message'$$, '42501', null,
  'NT-72: … but never a preference''s type');
select throws_ok($$insert into public.my_notification_preferences (type, push, "inApp") values ('system', false, false)$$, '42501', null,
  'NT-72: … and inserts nothing through the view (it has every type already: no insert, no delete)');
select tests.authenticate_as('nt-bob');
select results_eq($$update public.my_notification_preferences set push = false where type = 'achievement' returning type::text, push, "inApp"$$,
  $$values ('achievement'::text, false, false)$$, 'NT-72: another person''s update changes their own preference only');
reset role;
select set_eq(format($$select user_id, type::text, push, in_app from public.notification_preferences where user_id in (%L, %L)$$, pg_temp.uid('ann'), pg_temp.uid('bob')),
  format($$values (%1$L::uuid, 'chat_message'::text, false, true), (%1$L, 'group_message', false, false), (%2$L::uuid, 'achievement', false, false)$$,
    pg_temp.uid('ann'), pg_temp.uid('bob')),
  'NT-72: … the table holds each person''s own choices, written as that person');
select tests.clear_authentication();
select throws_ok($$update public.my_notification_preferences set push = true where type = 'system'$$, '42501', null,
  'NT-72: anon changes no preferences');
select tests.authenticate_as('nt-ann');
select throws_ok($$insert into public.notification_settings (quiet_hours_start) values ('22:00')$$, '23514', null,
  'NT-19: quiet hours need an end as well as a start');
select throws_ok($$insert into public.notification_settings (quiet_hours_start, quiet_hours_end) values ('22:00', '22:00')$$, '23514', null,
  'NT-19: … and an end that is not the start');
select lives_ok($$insert into public.notification_settings (quiet_hours_start, quiet_hours_end) values ('22:00', '07:00')$$,
  'NT-19: a window across midnight is fine');
select throws_ok(format($$insert into public.notification_settings (user_id, push_previews) values (%L, true)$$, pg_temp.uid('bob')),
  '42501', null, 'NT-20: nobody writes someone else''s settings');
select tests.authenticate_as('nt-bob');
select is_empty($$select 1 from public.notification_settings$$, 'NT-20: … nor reads them');
select tests.clear_authentication();
select throws_ok($$select * from public.my_notification_preferences$$, '42501', null, 'NT-20: anon reads no preferences');

--- the settings as the API reads and writes them: my_notification_settings, rpc(update_notification_settings)
select tests.authenticate_as('nt-ann');
select results_eq($$select "pushPreviews", "quietHoursStart", "quietHoursEnd" from public.my_notification_settings$$,
  $$values (false, '22:00'::time, '07:00'::time)$$, 'NT-73: my_notification_settings is the owner''s one row, in camelCase');
select is(public.update_notification_settings('{"pushPreviews": true}') - 'updatedAt',
  '{"pushPreviews": true, "quietHoursStart": "22:00:00", "quietHoursEnd": "07:00:00"}'::jsonb,
  'NT-73: update_notification_settings changes only the keys sent and answers the settings');
select is(public.update_notification_settings('{"quietHoursStart": "23:30", "quietHoursEnd": "06:45"}') - 'updatedAt',
  '{"pushPreviews": true, "quietHoursStart": "23:30:00", "quietHoursEnd": "06:45:00"}'::jsonb, 'NT-73: … quiet hours as HH:MM');
select throws_ok($$select public.update_notification_settings('{"pushPreviews": false, "quietHours": "22:00"}')$$, 'PT400',
  'Unknown notification setting: quietHours', 'NT-73: an unknown key is refused with 400');
select throws_ok($$select public.update_notification_settings('{"quietHoursStart": "25:00", "quietHoursEnd": "07:00"}')$$, 'PT400',
  'quietHoursStart must be a time of day, HH:MM, or null', 'NT-73: … and a time that is no time of day');
select throws_ok($$select public.update_notification_settings('{"quietHoursEnd": "7am"}')$$, 'PT400',
  'quietHoursEnd must be a time of day, HH:MM, or null', 'NT-73: … whichever end it is');
select throws_ok($$select public.update_notification_settings('{"pushPreviews": "yes"}')$$, 'PT400', 'pushPreviews must be true or false',
  'NT-73: … and a pushPreviews that is not a boolean');
select throws_ok($$select public.update_notification_settings('[]')$$, 'PT400', 'Notification settings must be a JSON object',
  'NT-73: … and a body that is not an object');
select results_eq($$select "pushPreviews", "quietHoursStart", "quietHoursEnd" from public.my_notification_settings$$,
  $$values (true, '23:30'::time, '06:45'::time)$$, 'NT-73: … refused bodies change nothing, not even their valid keys');
select is(public.update_notification_settings('{"quietHoursStart": null, "quietHoursEnd": null}') - 'updatedAt',
  '{"pushPreviews": true, "quietHoursStart": null, "quietHoursEnd": null}'::jsonb, 'NT-73: null clears the quiet hours');
select throws_ok($$update public.my_notification_settings set "pushPreviews" = false$$, '42501', null,
  'NT-73: my_notification_settings itself is read-only (the RPC writes it)');
select tests.authenticate_as('nt-bob');
select results_eq($$select "pushPreviews", "quietHoursStart", "quietHoursEnd", "updatedAt" from public.my_notification_settings$$,
  $$values (false, null::time, null::time, null::timestamptz)$$, 'NT-73: someone who never saved settings reads the defaults, not another''s');
select is(public.update_notification_settings('{"quietHoursStart": "21:00", "quietHoursEnd": "06:00"}') - 'updatedAt',
  '{"pushPreviews": false, "quietHoursStart": "21:00:00", "quietHoursEnd": "06:00:00"}'::jsonb, 'NT-73: … and their first call saves their own');
reset role;
select set_eq(format($$select user_id, push_previews, quiet_hours_start, quiet_hours_end from public.notification_settings where user_id in (%L, %L)$$,
    pg_temp.uid('ann'), pg_temp.uid('bob')),
  format($$values (%L::uuid, true, null::time, null::time), (%L::uuid, false, '21:00'::time, '06:00'::time)$$, pg_temp.uid('ann'), pg_temp.uid('bob')),
  'NT-73: … each call wrote the caller''s own row only');
select tests.clear_authentication();
select throws_ok($$select * from public.my_notification_settings$$, '42501', null, 'NT-73: anon reads no settings');
select throws_ok($$select public.update_notification_settings('{"pushPreviews": true}')$$, '42501', null, 'NT-73: … and writes none');

--- quiet hours: Europe/Lisbon is UTC+0 in winter (WET), UTC+1 in summer (WEST); in 2027 the clocks go forward on 28 March
--- (01:00 WET becomes 02:00 WEST) and back on 31 October (02:00 WEST becomes 01:00 WET), both at 01:00 UTC.
reset role;
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-01-15 23:30+00'), '2027-01-15 23:30+00'::timestamptz,
  'NT-21: no settings, no quiet hours: due when due');
insert into public.notification_settings (user_id, quiet_hours_start, quiet_hours_end) values (pg_temp.uid('quiet'), '22:00', '07:00');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-01-15 23:30+00'), '2027-01-16 07:00+00'::timestamptz,
  'NT-22: 22:00-07:00, due at 23:30 local: waits until 07:00 local the next day');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-01-15 03:00+00'), '2027-01-15 07:00+00'::timestamptz,
  'NT-22: … due at 03:00 local: until 07:00 the same day');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-01-15 12:00+00'), '2027-01-15 12:00+00'::timestamptz,
  'NT-22: … due at 12:00 local: at once');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-01-15 22:00+00'), '2027-01-16 07:00+00'::timestamptz,
  'NT-22: … the window starts at its start');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-01-15 07:00+00'), '2027-01-15 07:00+00'::timestamptz,
  'NT-22: … and is over at its end');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-07-15 22:30+00'), '2027-07-16 06:00+00'::timestamptz,
  'NT-22: in summer (UTC+1) 23:30 local waits until 07:00 local, 06:00 UTC');
update public.notification_settings set quiet_hours_start = '13:00', quiet_hours_end = '15:00' where user_id = pg_temp.uid('quiet');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-07-15 13:00+00'), '2027-07-15 14:00+00'::timestamptz,
  'NT-23: a window within a day (13:00-15:00): 14:00 local waits until 15:00 local');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-07-15 11:30+00'), '2027-07-15 11:30+00'::timestamptz,
  'NT-23: … 12:30 local is before it');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-07-15 14:00+00'), '2027-07-15 14:00+00'::timestamptz,
  'NT-23: … 15:00 local is after it');
update public.notification_settings set quiet_hours_start = '01:00', quiet_hours_end = '08:00' where user_id = pg_temp.uid('quiet');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-03-28 01:30+00'), '2027-03-28 07:00+00'::timestamptz,
  'NT-24: 01:00-08:00 on the spring-forward day: 02:30 WEST waits until 08:00 WEST, 07:00 UTC');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-03-28 00:30+00'), '2027-03-28 00:30+00'::timestamptz,
  'NT-24: … 00:30 WET, before the window, goes at once');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-10-31 00:30+00'), '2027-10-31 08:00+00'::timestamptz,
  'NT-24: on the fall-back day, 01:30 WEST (the first 01:30) waits until 08:00 WET, 08:00 UTC');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-10-31 01:30+00'), '2027-10-31 08:00+00'::timestamptz,
  'NT-24: … and so does 01:30 WET (the second 01:30)');
update public.notification_settings set quiet_hours_start = '22:00', quiet_hours_end = '08:00' where user_id = pg_temp.uid('quiet');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-03-27 23:00+00'), '2027-03-28 07:00+00'::timestamptz,
  'NT-24: a night that springs forward (23:00 WET) ends at 08:00 WEST, 07:00 UTC, not at the evening''s offset');
select is(private.after_quiet_hours(pg_temp.uid('quiet'), '2027-10-30 22:00+00'), '2027-10-31 08:00+00'::timestamptz,
  'NT-24: a night that falls back (23:00 WEST) ends at 08:00 WET, 08:00 UTC');

--- private.notify
select tests.authenticate_as('nt-nina');
select set_config('tests.nina_phone', public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-nina-phone',
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true);
select set_config('tests.nina_laptop', public.register_push_subscription('https://web.push.apple.com/nt22-nina-laptop',
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true);
reset role;
select set_config('tests.nina_c1', private.notify(pg_temp.uid('nina'), 'chat_message', 'Ana wrote to you', 'I relapsed last night',
  '{"conversationId": "c-1"}', 'chat:c-1')::text, true);
select results_eq(format($$select user_id, type::text, title, body, data, collapse_key, event_count, read_at from public.notifications where id = %L$$,
    current_setting('tests.nina_c1')),
  format($$values (%L::uuid, 'chat_message'::text, 'Ana wrote to you'::text, 'I relapsed last night'::text, '{"conversationId": "c-1"}'::jsonb,
    'chat:c-1'::text, 1, null::timestamptz)$$, pg_temp.uid('nina')),
  'NT-25: notify writes the inbox row with its type, title, body and data');
select set_eq(format($$select kind, subscription_id, notification_id, notification_type::text, status, urgency, run_at, payload
    from private.notification_jobs where user_id = %L$$, pg_temp.uid('nina')),
  format($$select 'push'::text as kind, s::uuid as subscription_id, %L::uuid as notification_id, 'chat_message'::text as notification_type,
      'pending'::text as status, 'normal'::text as urgency, now() as run_at, jsonb_build_object('title', 'HealSpace', 'body', private.push_generic_text('chat_message'), 'type', 'chat_message',
                         'notificationId', %L::uuid, 'data', '{}'::jsonb) as payload
    from unnest(array[%L, %L]) as s$$,
    current_setting('tests.nina_c1'), current_setting('tests.nina_c1'), current_setting('tests.nina_phone'), current_setting('tests.nina_laptop')),
  'NT-26: … and one pending push per device, due now, with the generic text of its type');
select ok((select bool_and(payload::text !~ '(Ana|relapsed|"c-1")' and payload ->> 'body' = 'You have a new message')
    from private.notification_jobs where user_id = pg_temp.uid('nina')),
  'NT-26: … nothing of the notification''s words or data is in the push ("You have a new message")');
-- Make the changes visible: the row was last updated an hour ago, and both pushes were deferred by an hour.
update public.notifications set updated_at = now() - interval '1 hour' where id = current_setting('tests.nina_c1')::uuid;
update private.notification_jobs set run_at = now() + interval '1 hour' where user_id = pg_temp.uid('nina');
select is(private.notify(pg_temp.uid('nina'), 'chat_message', 'Ana wrote to you', 'Ana sent 2 messages', '{"conversationId": "c-1"}', 'chat:c-1'),
  current_setting('tests.nina_c1')::uuid, 'NT-27: a second event with the same collapse key, while unread, updates the same row');
select results_eq(format($$select count(*)::int, min(event_count), min(body), min(updated_at) from public.notifications where user_id = %L and collapse_key = 'chat:c-1'$$,
    pg_temp.uid('nina')),
  $$values (1, 2, 'Ana sent 2 messages'::text, now())$$, 'NT-27: … one row, event_count 2, the newest text, moved to the top (updated_at)');
select results_eq(format($$select count(*)::int, count(distinct subscription_id)::int, min(run_at), max(run_at) from private.notification_jobs
    where user_id = %L and collapse_key = 'chat:c-1' and status = 'pending'$$, pg_temp.uid('nina')),
  $$values (2, 2, now(), now())$$, 'NT-28: a pending push with the same key on a device is replaced (and due at the earlier time), not duplicated');
update public.notifications set read_at = now() where id = current_setting('tests.nina_c1')::uuid;
select isnt(private.notify(pg_temp.uid('nina'), 'chat_message', 'Ana wrote to you', 'Ana sent a message', '{"conversationId": "c-1"}', 'chat:c-1'),
  current_setting('tests.nina_c1')::uuid, 'NT-29: once read, the next event starts a new row');
select results_eq(format($$select count(*)::int, count(*) filter (where read_at is null)::int, sum(event_count)::int from public.notifications
    where user_id = %L and collapse_key = 'chat:c-1'$$, pg_temp.uid('nina')),
  $$values (2, 1, 3)$$, 'NT-29: … two rows, the new one unread and counted once');
insert into public.notification_settings (user_id, push_previews) values (pg_temp.uid('nina'), true);
select set_config('tests.nina_p', private.notify(pg_temp.uid('nina'), 'system', 'Welcome back', 'Your plan is ready', '{"screen": "plan"}')::text, true);
select bag_eq(format($$select payload from private.notification_jobs where notification_id = %L$$, current_setting('tests.nina_p')),
  format($$values (%1$L::jsonb), (%1$L::jsonb)$$, jsonb_build_object('title', 'Welcome back', 'body', 'Your plan is ready', 'type', 'system',
    'notificationId', current_setting('tests.nina_p')::uuid, 'data', '{"screen": "plan"}'::jsonb)),
  'NT-30: with push_previews on, the push shows the title, body and data');
-- Pia: in-app off for achievements, push off for group messages.
select tests.authenticate_as('nt-pia');
select set_config('tests.pia_phone', public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-pia-phone',
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true);
insert into public.notification_preferences (type, push, in_app) values ('achievement', true, false), ('group_message', false, true);
reset role;
select is(private.notify(pg_temp.uid('pia'), 'achievement', 'Achievement unlocked', 'First Step'), null,
  'NT-31: in-app off: no inbox row (notify returns null)');
select results_eq(format($$select (select count(*)::int from public.notifications where user_id = %1$L and type = 'achievement'),
      (select count(*)::int from private.notification_jobs where user_id = %1$L and notification_type = 'achievement' and status = 'pending'
         and subscription_id = %2$L and payload -> 'notificationId' = 'null'::jsonb)$$, pg_temp.uid('pia'), current_setting('tests.pia_phone')),
  $$values (0, 1)$$, 'NT-31: … but the push is still queued');
select set_config('tests.pia_g', private.notify(pg_temp.uid('pia'), 'group_message', 'New messages in Owls', 'There are new messages in Owls',
  '{"groupId": "g-1"}', 'group:g-1')::text, true);
select results_eq(format($$select (select count(*)::int from public.notifications where id = %L),
      (select count(*)::int from private.notification_jobs where user_id = %L and notification_type = 'group_message')$$,
    current_setting('tests.pia_g'), pg_temp.uid('pia')),
  $$values (1, 0)$$, 'NT-32: push off: the inbox row, no push');
-- Tokyo: quiet from an hour ago to an hour from now, in Asia/Tokyo.
select tests.authenticate_as('nt-tokyo');
select set_config('tests.tokyo_phone', public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-tokyo-phone',
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true);
reset role;
insert into public.notification_settings (user_id, quiet_hours_start, quiet_hours_end)
values (pg_temp.uid('tokyo'), ((now() - interval '1 hour') at time zone 'Asia/Tokyo')::time, ((now() + interval '1 hour') at time zone 'Asia/Tokyo')::time);
select set_config('tests.tokyo_later', private.notify(pg_temp.uid('tokyo'), 'system', 'Later', 'Not now')::text, true);
select results_eq(format($$select n.created_at, j.run_at, j.urgency from private.notification_jobs as j join public.notifications as n on n.id = j.notification_id
    where n.id = %L$$, current_setting('tests.tokyo_later')),
  $$values (now(), now() + interval '1 hour', 'normal'::text)$$, 'NT-33: inside quiet hours the inbox row is there at once, the push waits for the end of the window');
select set_config('tests.tokyo_now', private.notify(pg_temp.uid('tokyo'), 'system', 'Urgent', 'Right now', bypass_quiet_hours => true, urgency => 'high')::text, true);
select results_eq(format($$select run_at, urgency from private.notification_jobs where notification_id = %L$$, current_setting('tests.tokyo_now')),
  $$values (now(), 'high'::text)$$, 'NT-34: bypass_quiet_hours: the push goes now');

--- turning push off cancels what is queued
select tests.authenticate_as('nt-pete');
select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-pete-phone', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)));
reset role;
select private.notify(pg_temp.uid('pete'), 'chat_message', 'New message', 'You have a new message', '{}', 'chat:p-1');
select private.notify(pg_temp.uid('pete'), 'system', 'Hello', 'A system note');
select private.notify(pg_temp.uid('pete'), 'achievement', 'Achievement unlocked', 'First Step');
select tests.authenticate_as('nt-pete');
insert into public.notification_preferences (type, push) values ('chat_message', false);
reset role;
select bag_eq(format($$select notification_type::text, status, last_error from private.notification_jobs where user_id = %L$$, pg_temp.uid('pete')),
  $$values ('chat_message'::text, 'cancelled'::text, 'push turned off'::text), ('system', 'pending', null), ('achievement', 'pending', null)$$,
  'NT-35: inserting push off for a type cancels that person''s pending pushes of the type only');
select tests.authenticate_as('nt-pete');
insert into public.notification_preferences (type, push, in_app) values ('system', true, true), ('achievement', true, true);
update public.notification_preferences set push = false where type = 'system';
update public.notification_preferences set in_app = false where type = 'achievement';
reset role;
select bag_eq(format($$select notification_type::text, status from private.notification_jobs where user_id = %L$$, pg_temp.uid('pete')),
  $$values ('chat_message'::text, 'cancelled'::text), ('system', 'cancelled'), ('achievement', 'pending')$$,
  'NT-36: updating push to off cancels too; turning in-app off does not touch pushes');
select is((select count(*)::int from private.notification_jobs where user_id = pg_temp.uid('nina') and notification_type = 'chat_message' and status = 'pending'), 2,
  'NT-36: … and nobody else''s pushes of that type are cancelled');

--- the job queue
select tests.authenticate_as('nt-jo');
select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-jo-' || n, jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))
from generate_series(1, 3) as n;
reset role;
select private.notify(pg_temp.uid('jo'), 'system', 'Batch', 'One of three');
select set_config('tests.jo_jobs', (select array_agg(id order by id) from private.notification_jobs where user_id = pg_temp.uid('jo'))::text, true);
-- The claims below may only ever see this suite's jobs: Jo's three (due now) and Tokyo's deferred one (due in an hour).
select set_config('tests.claimable', (current_setting('tests.jo_jobs')::bigint[]
  || (select j.id from private.notification_jobs as j where j.notification_id = current_setting('tests.tokyo_later')::uuid))::text, true);
select tests.authenticate_as_service_role();
select set_config('tests.w1', (select array_agg(id order by id) from private.claim_notification_jobs('w1', 2, current_setting('tests.claimable')::bigint[]))::text, true);
select set_config('tests.w2', (select array_agg(id order by id) from private.claim_notification_jobs('w2', 10, current_setting('tests.claimable')::bigint[]))::text, true);
select set_config('tests.w3', (select count(*) from private.claim_notification_jobs('w3', 10, current_setting('tests.claimable')::bigint[]))::text, true);
reset role;
select is(cardinality(current_setting('tests.w1')::bigint[]), 2, 'NT-37: a worker claims due jobs, up to its batch size');
select results_eq(format($$select status, attempts, locked_by, locked_at from private.notification_jobs where id = any (%L::bigint[])$$, current_setting('tests.w1')),
  $$values ('running'::text, 1, 'w1'::text, now()), ('running', 1, 'w1', now())$$, 'NT-37: … running, first attempt, locked by that worker');
select set_eq(format($$select unnest(%L::bigint[])$$, current_setting('tests.w2')),
  format($$select id from private.notification_jobs where id = any (%L::bigint[]) and id <> all (%L::bigint[])$$, current_setting('tests.jo_jobs'), current_setting('tests.w1')),
  'NT-38: a second worker gets exactly the remaining due job, never one already claimed');
select is(current_setting('tests.w3'), '0', 'NT-38: … and a third gets nothing');
select is((select status from private.notification_jobs where notification_id = current_setting('tests.tokyo_later')::uuid), 'pending',
  'NT-38: a job not yet due (quiet hours) is not claimed');
select tests.authenticate_as_service_role();
select set_config('tests.f_done', private.finish_notification_job((current_setting('tests.w1')::bigint[])[1], 'w1', true, '{"status": 201}'), true);
select set_config('tests.f_retry', private.finish_notification_job((current_setting('tests.w1')::bigint[])[2], 'w1', false, null,
  'push service answered 503', retry => true), true);
select set_config('tests.f_stolen', private.finish_notification_job((current_setting('tests.w2')::bigint[])[1], 'w1', true), true);
select set_config('tests.f_again', private.finish_notification_job((current_setting('tests.w1')::bigint[])[1], 'w1', false, null, 'late', retry => true), true);
reset role;
select results_eq(format($$select %L::text, status, locked_by, result from private.notification_jobs where id = %s$$,
    current_setting('tests.f_done'), (current_setting('tests.w1')::bigint[])[1]),
  $$values ('done'::text, 'done'::text, null::text, '{"status": 201}'::jsonb)$$, 'NT-39: a job that succeeded is done (and unlocked)');
select results_eq(format($$select %L::text, status, attempts, run_at, last_error, locked_by from private.notification_jobs where id = %s$$,
    current_setting('tests.f_retry'), (current_setting('tests.w1')::bigint[])[2]),
  $$values ('pending'::text, 'pending'::text, 1, now() + interval '60 seconds', 'push service answered 503'::text, null::text)$$,
  'NT-40: a retry is pending again a minute later, its attempts kept');
select results_eq(format($$select %L::text, status, locked_by from private.notification_jobs where id = %s$$,
    current_setting('tests.f_stolen'), (current_setting('tests.w2')::bigint[])[1]),
  $$values ('not_owned'::text, 'running'::text, 'w2'::text)$$, 'NT-41: a worker cannot finish another worker''s job');
select is(current_setting('tests.f_again'), 'not_owned', 'NT-41: … nor a job that is already finished');
-- The retried job comes round again: the second failure waits twice as long; the fifth is the last.
update private.notification_jobs set run_at = now() - interval '1 second' where id = (current_setting('tests.w1')::bigint[])[2];
select tests.authenticate_as_service_role();
select private.claim_notification_jobs('w1', 10, current_setting('tests.w1')::bigint[]);
select set_config('tests.f_retry2', private.finish_notification_job((current_setting('tests.w1')::bigint[])[2], 'w1', false, null, 'again 503', retry => true), true);
select set_config('tests.f_late', private.finish_notification_job((current_setting('tests.w2')::bigint[])[1], 'w2', false, null, 'push service answered 429',
  retry => true, retry_after_seconds => 120), true);
reset role;
select results_eq(format($$select %L::text, status, attempts, run_at from private.notification_jobs where id = %s$$,
    current_setting('tests.f_retry2'), (current_setting('tests.w1')::bigint[])[2]),
  $$values ('pending'::text, 'pending'::text, 2, now() + interval '120 seconds')$$, 'NT-42: backoff doubles: two minutes after the second attempt');
select results_eq(format($$select %L::text, status, attempts, run_at from private.notification_jobs where id = %s$$,
    current_setting('tests.f_late'), (current_setting('tests.w2')::bigint[])[1]),
  $$values ('pending'::text, 'pending'::text, 1, now() + interval '120 seconds')$$, 'NT-42: … and a push service''s Retry-After is honoured');
update private.notification_jobs set run_at = now() - interval '1 second', attempts = 4 where id = (current_setting('tests.w1')::bigint[])[2];
select tests.authenticate_as_service_role();
select private.claim_notification_jobs('w1', 10, current_setting('tests.w1')::bigint[]);
select set_config('tests.f_dead', private.finish_notification_job((current_setting('tests.w1')::bigint[])[2], 'w1', false, null, 'still 503', retry => true), true);
reset role;
select results_eq(format($$select %L::text, status, attempts, max_attempts, last_error from private.notification_jobs where id = %s$$,
    current_setting('tests.f_dead'), (current_setting('tests.w1')::bigint[])[2]),
  $$values ('dead'::text, 'dead'::text, 5, 5, 'still 503'::text)$$, 'NT-43: after max_attempts a job is dead (and kept for inspection)');
select tests.authenticate_as('nt-jo');
select throws_ok($$select * from private.claim_notification_jobs('thief', 10)$$, '42501', null, 'NT-44: a signed-in person cannot claim jobs');
select throws_ok(format($$select private.finish_notification_job(%s, 'w2', true)$$, (current_setting('tests.w2')::bigint[])[1]), '42501', null,
  'NT-44: … nor finish them');
select throws_ok($$select * from private.notification_jobs$$, '42501', null, 'NT-44: … nor read the queue');
select throws_ok(format($$select private.record_push_response(%L, 410)$$, gen_random_uuid()), '42501', null,
  'NT-44: … nor record push answers (which delete subscriptions)');
select throws_ok($$select private.send_due_session_reminders()$$, '42501', null, 'NT-44: … nor run the reminders');
select throws_ok($$select private.notify(auth.uid(), 'system', 'x', 'y')$$, '42501', null, 'NT-44: … nor call notify');

--- push service answers
select tests.authenticate_as('nt-rita');
select set_config('tests.rita_' || name, public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-rita-' || name,
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true)
from unnest(array['gone', 'missing', 'refused']) as name;
reset role;
select private.notify(pg_temp.uid('rita'), 'system', 'Hello', 'A test');
select tests.authenticate_as_service_role();
select private.record_push_response(current_setting('tests.rita_gone')::uuid, 410);
select private.record_push_response(current_setting('tests.rita_missing')::uuid, 404);
select private.record_push_response(current_setting('tests.rita_refused')::uuid, 403, 'VAPID key mismatch');
reset role;
select results_eq(format($$select id, last_status, last_error, last_used_at from public.push_subscriptions where user_id = %L$$, pg_temp.uid('rita')),
  format($$values (%L::uuid, 403, 'VAPID key mismatch'::text, null::timestamptz)$$, current_setting('tests.rita_refused')),
  'NT-45: 410 and 404 delete the subscription; 403 is recorded on it');
select set_eq(format($$select subscription_id from private.notification_jobs where user_id = %L$$, pg_temp.uid('rita')),
  format($$values (%L::uuid)$$, current_setting('tests.rita_refused')), 'NT-45: … and the deleted devices'' jobs go with them');
select tests.authenticate_as_service_role();
select private.record_push_response(current_setting('tests.rita_refused')::uuid, 201);
reset role;
select results_eq(format($$select last_status, last_error, last_used_at from public.push_subscriptions where id = %L$$, current_setting('tests.rita_refused')),
  $$values (201, null::text, now())$$, 'NT-46: a success clears the error and records when the device was last reached');

--- who may send (POST /notifications/send)
insert into public.therapists (id, display_name, specialties, hourly_rate) values (pg_temp.uid('sdoc'), 'Dr. Sam Sender', '{stress}', 100);
insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
values (pg_temp.uid('sdoc'), pg_temp.uid('patient'), now() - interval '2 days', 50, 'video', 'completed');
select tests.authenticate_as('nt-patient');
select set_config('tests.patient_phone', public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-patient-phone',
  jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)))::text, true);
select tests.authenticate_as_service_role();
select set_config('tests.sn1', private.send_notification(pg_temp.uid('patient'), 'From us', 'A note')::text, true);
reset role;
select results_eq($$select jsonb_array_length(j -> 'jobs'), (j #>> '{jobs,0,subscriptionId}')::uuid, (j #>> '{jobs,0,runAt}')::timestamptz,
      (j #>> '{jobs,0,id}')::bigint = (select id from private.notification_jobs where notification_id = (j ->> 'notificationId')::uuid)
    from (select current_setting('tests.sn1')::jsonb as j) as answer$$,
  format($$values (1, %L::uuid, now(), true)$$, current_setting('tests.patient_phone')),
  'NT-47: the service role sends; the answer has the inbox id and the push job queued for each device');
select results_eq(format($$select user_id, type::text, title, body from public.notifications where id = %L$$, current_setting('tests.sn1')::jsonb ->> 'notificationId'),
  format($$values (%L::uuid, 'system'::text, 'From us'::text, 'A note'::text)$$, pg_temp.uid('patient')), 'NT-47: … and the inbox row');
select tests.authenticate_as('nt-admin');
select isnt(private.send_notification(pg_temp.uid('stranger'), 'From the team', 'Hello') ->> 'notificationId', null, 'NT-48: an admin notifies anyone');
select tests.authenticate_as('nt-sdoc');
select isnt(private.send_notification(tests.therapist_client_handle('nt-sdoc', 'nt-patient'), 'From your therapist', 'See you soon') ->> 'notificationId', null,
  'NT-49: a therapist notifies a client they have a session with, named by the handle their session list shows');
select set_config('tests.to_stranger', private.send_notification(pg_temp.uid('stranger'), 'Hello', 'Do you want therapy?')::text, true);
select is(current_setting('tests.to_stranger')::jsonb #>> '{refused,code}', 'PT403',
  'NT-49: … but not a stranger (refused, and the attempt kept: it counts toward their rate)');
select is(private.send_notification(pg_temp.uid('patient'), 'Hello', 'By account id'), current_setting('tests.to_stranger')::jsonb,
  'NT-49: … and their own client''s account id is refused exactly as a stranger''s');
select is(private.send_notification(tests.public_id_of('nt-patient'), 'Hello', 'By card'), current_setting('tests.to_stranger')::jsonb,
  'NT-49: … and so is their public id');
select tests.authenticate_as('nt-patient');
select throws_ok(format($$select private.send_notification(%L, 'Hi', 'From a client')$$, pg_temp.uid('stranger')),
  'PT403', 'You may not notify this person', 'NT-50: a client notifies nobody');
select throws_ok(format($$select private.send_notification(%L, 'Hi', 'Myself')$$, pg_temp.uid('patient')),
  'PT403', 'You may not notify this person', 'NT-50: … not even themselves');
select tests.clear_authentication();
select throws_ok(format($$select private.send_notification(%L, 'Hi', 'Anon')$$, pg_temp.uid('stranger')), '42501', null, 'NT-50: anon cannot send');
select tests.authenticate_as_service_role();
select throws_ok(format($$select private.send_notification(%L, 'Hi', 'Nobody')$$, gen_random_uuid()), 'PT404', 'No such user', 'NT-51: an unknown person is a 404');
select tests.authenticate_as('nt-admin');
select throws_ok(format($$select private.send_notification(%L, 'Hi', 'Gone')$$, pg_temp.uid('inactive')), 'PT404', 'No such user',
  'NT-51: … and so is a deactivated one');
reset role;
select is_empty(format($$select 1 from public.notifications where user_id in (%L, %L, %L) and title in ('Hello', 'Hi')$$, pg_temp.uid('stranger'), pg_temp.uid('inactive'),
    pg_temp.uid('patient')),
  'NT-51: … and refused sends write nothing');
insert into public.notification_settings (user_id, quiet_hours_start, quiet_hours_end)
values (pg_temp.uid('patient'), ((now() - interval '1 hour') at time zone 'UTC')::time, ((now() + interval '1 hour') at time zone 'UTC')::time);
select tests.authenticate_as_service_role();
select set_config('tests.sn_later', private.send_notification(pg_temp.uid('patient'), 'Later', 'Not urgent') ->> 'notificationId', true);
select set_config('tests.sn_urgent', private.send_notification(pg_temp.uid('patient'), 'Safety', 'Help is available', urgent => true) ->> 'notificationId', true);
reset role;
select results_eq(format($$select n.title, j.run_at, j.urgency from private.notification_jobs as j join public.notifications as n on n.id = j.notification_id
    where n.id in (%L, %L) order by n.title$$, current_setting('tests.sn_later'), current_setting('tests.sn_urgent')),
  $$values ('Later'::text, now() + interval '1 hour', 'normal'::text), ('Safety', now(), 'high')$$,
  'NT-52: a sent notification waits for quiet hours to end unless it is urgent (then it goes now, with high urgency)');

--- events: chat
select tests.authenticate_as('nt-seeker');
select set_config('tests.conversation', public.send_chat_message('I relapsed last night', tests.public_id_of('nt-listener')) ->> 'conversationId', true);
reset role;
select results_eq(format($$select type::text, title, body, data, collapse_key, event_count, read_at from public.notifications where user_id = %L$$, pg_temp.uid('listener')),
  format($$values ('chat_message'::text, 'New message'::text, 'You have a new message'::text, jsonb_build_object('conversationId', %L::uuid),
    'chat:' || %L, 1, null::timestamptz)$$, current_setting('tests.conversation'), current_setting('tests.conversation')),
  'NT-53: a chat message notifies the other participant (who was not active), without its words');
select is_empty(format($$select 1 from public.notifications where user_id = %L$$, pg_temp.uid('seeker')), 'NT-53: … and not the sender');
select tests.authenticate_as('nt-seeker');
select public.send_chat_message('Are you there?', tests.public_id_of('nt-listener'));
reset role;
select results_eq(format($$select count(*)::int, min(event_count), min(data ->> 'conversationId') from public.notifications where user_id = %L$$, pg_temp.uid('listener')),
  format($$values (1, 2, %L::text)$$, current_setting('tests.conversation')), 'NT-54: a second message collapses into the same unread row (event_count 2)');
update private.chat_participants set last_active_at = now()
where conversation_id = current_setting('tests.conversation')::uuid and user_id = pg_temp.uid('listener');
select tests.authenticate_as('nt-seeker');
select public.send_chat_message('Hello?', tests.public_id_of('nt-listener'));
reset role;
select results_eq(format($$select count(*)::int, min(event_count) from public.notifications where user_id = %L$$, pg_temp.uid('listener')),
  $$values (1, 2)$$, 'NT-55: a participant active in the conversation in the last 2 minutes is not notified');

--- events: groups
select tests.authenticate_as('nt-gowner');
insert into public.support_groups (name, description, category_id) values ('NT22 Night Owls', 'For people awake at night', 'general');
reset role;
select set_config('tests.group', (select id::text from public.support_groups where name = 'NT22 Night Owls' and created_by = pg_temp.uid('gowner')), true);
select tests.authenticate_as('nt-gsender');
select public.join_group(current_setting('tests.group')::uuid);
select tests.authenticate_as('nt-gaway');
select public.join_group(current_setting('tests.group')::uuid);
select tests.authenticate_as('nt-gpresent');
select public.join_group(current_setting('tests.group')::uuid);
select tests.authenticate_as('nt-gleft');
select public.join_group(current_setting('tests.group')::uuid);
select public.leave_group(current_setting('tests.group')::uuid);
reset role;
update private.group_members set last_seen_at = now() where user_id = pg_temp.uid('gpresent');
update private.group_members set last_seen_at = now() - interval '3 minutes' where user_id = pg_temp.uid('gaway');
select tests.authenticate_as('nt-gsender');
select set_config('tests.group_message', public.send_group_message(current_setting('tests.group')::uuid, 'Cannot sleep again') #>> '{message,id}', true);
reset role;
select results_eq(format($$select count(*)::int, min(status), min(payload ->> 'messageId'), bool_and(user_id is null and subscription_id is null)
    from private.notification_jobs where kind = 'group_message' and payload ->> 'groupId' = %L$$, current_setting('tests.group')),
  format($$values (1, 'pending'::text, %L::text, true)$$, current_setting('tests.group_message')),
  'NT-56: a group message queues exactly one group_message job');
select is_empty(format($$select 1 from public.notifications where user_id in (%L, %L, %L, %L, %L)$$,
    pg_temp.uid('gowner'), pg_temp.uid('gsender'), pg_temp.uid('gaway'), pg_temp.uid('gpresent'), pg_temp.uid('gleft')),
  'NT-56: … and notifies nobody until the job runs');
select set_config('tests.group_job', (select id::text from private.notification_jobs where kind = 'group_message' and payload ->> 'groupId' = current_setting('tests.group')), true);
select tests.authenticate_as_service_role();
select is(private.fan_out_group_message(current_setting('tests.group_job')::bigint), 2, 'NT-57: the fan-out notifies two members');
reset role;
select set_eq(format($$select user_id from public.notifications where user_id in (%L, %L, %L, %L, %L)$$,
    pg_temp.uid('gowner'), pg_temp.uid('gsender'), pg_temp.uid('gaway'), pg_temp.uid('gpresent'), pg_temp.uid('gleft')),
  format($$values (%L::uuid), (%L::uuid)$$, pg_temp.uid('gowner'), pg_temp.uid('gaway')),
  'NT-57: … the active members who are not there: not the sender, not one seen in the last 2 minutes, not one who left');
select results_eq(format($$select distinct type::text, title, body, data, collapse_key from public.notifications where user_id in (%L, %L)$$,
    pg_temp.uid('gowner'), pg_temp.uid('gaway')),
  format($$values ('group_message'::text, 'New messages in NT22 Night Owls'::text, 'There are new messages in NT22 Night Owls'::text,
    jsonb_build_object('groupId', %L::text), 'group:' || %L)$$, current_setting('tests.group'), current_setting('tests.group')),
  'NT-57: … naming the group, never the message');

--- events: achievements
insert into public.user_achievements (user_id, achievement_id) values (pg_temp.uid('ach'), 'first_goal');
select results_eq(format($$select type::text, title, body, data from public.notifications where user_id = %L$$, pg_temp.uid('ach')),
  $$values ('achievement'::text, 'Achievement unlocked'::text, 'Setting Intentions'::text, '{"achievementId": "first_goal"}'::jsonb)$$,
  'NT-58: an unlocked achievement notifies its person');

--- events: therapy sessions (Dr. Nia is open around the clock, no minimum notice)
insert into public.therapists (id, display_name, specialties, hourly_rate, minimum_notice_minutes) values (pg_temp.uid('doc'), 'Dr. Nia Notify', '{anxiety}', 100, 0);
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) select pg_temp.uid('doc'), d, '00:00', '24:00' from generate_series(1, 7) as d;
select set_config('tests.t1', (date_trunc('day', now(), 'UTC') + interval '82 hours')::text, true);   -- d3 10:00 UTC
select set_config('tests.t2', (date_trunc('day', now(), 'UTC') + interval '106 hours')::text, true);  -- d4 10:00 UTC
select set_config('tests.t3', (date_trunc('day', now(), 'UTC') + interval '130 hours')::text, true);  -- d5 10:00 UTC
-- Cleo has a device and quiet hours around now (UTC): session updates wait, reminders do not.
insert into public.notification_settings (user_id, quiet_hours_start, quiet_hours_end)
values (pg_temp.uid('cleo'), ((now() - interval '1 hour') at time zone 'UTC')::time, ((now() + interval '1 hour') at time zone 'UTC')::time);
select tests.authenticate_as('nt-cleo');
select public.register_push_subscription('https://fcm.googleapis.com/fcm/send/nt22-cleo-phone', jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22)));
select set_config('tests.s1', private.book_therapy_session(pg_temp.uid('doc'), current_setting('tests.t1')::timestamptz)::text, true);
reset role;
select results_eq(format($$select type::text, title, body, data from public.notifications where user_id = %L$$, pg_temp.uid('doc')),
  format($$values ('session_update'::text, 'New booking'::text, 'A client booked a session on ' || to_char(%L::timestamptz at time zone 'UTC', 'Dy FMDD Mon, HH24:MI'),
    jsonb_build_object('sessionId', %L::uuid))$$, current_setting('tests.t1'), current_setting('tests.s1')),
  'NT-59: a booking notifies the therapist ("New booking", the start in their zone)');
select is_empty(format($$select 1 from public.notifications where user_id = %L$$, pg_temp.uid('cleo')), 'NT-59: … not the client who booked');
select tests.authenticate_as('nt-doc');
select private.set_therapy_session_status(current_setting('tests.s1')::uuid, 'confirmed');
reset role;
select results_eq(format($$select type::text, title, body, data from public.notifications where user_id = %L$$, pg_temp.uid('cleo')),
  format($$values ('session_update'::text, 'Session confirmed'::text,
    'Your session on ' || to_char(%L::timestamptz at time zone 'UTC', 'Dy FMDD Mon, HH24:MI') || ' is confirmed', jsonb_build_object('sessionId', %L::uuid))$$,
    current_setting('tests.t1'), current_setting('tests.s1')),
  'NT-60: confirming notifies the client');
select results_eq(format($$select run_at, urgency from private.notification_jobs where user_id = %L$$, pg_temp.uid('cleo')),
  $$values (now() + interval '1 hour', 'normal'::text)$$, 'NT-60: … whose push waits for the end of her quiet hours');
select tests.authenticate_as('nt-cleo');
select private.cancel_therapy_session(current_setting('tests.s1')::uuid, 'Cannot make it');
reset role;
select results_eq(format($$select title from public.notifications where user_id = %L and data ->> 'sessionId' = %L order by title$$,
    pg_temp.uid('doc'), current_setting('tests.s1')),
  $$values ('New booking'::text), ('Session cancelled')$$, 'NT-61: the client cancelling notifies the therapist');
select is_empty(format($$select 1 from public.notifications where user_id = %L and title = 'Session cancelled'$$, pg_temp.uid('cleo')),
  'NT-61: … and not the client who cancelled');

--- session reminders. This suite's due reminders are made due in 2000, so that they are the oldest in the database and a
--- batch of exactly their number takes them and nothing of anyone else's.
select tests.authenticate_as('nt-cleo');
select set_config('tests.s2', private.book_therapy_session(pg_temp.uid('doc'), current_setting('tests.t2')::timestamptz)::text, true);
select set_config('tests.s3', private.book_therapy_session(pg_temp.uid('doc'), current_setting('tests.t3')::timestamptz)::text, true);
select private.cancel_therapy_session(current_setting('tests.s3')::uuid, 'Changed my mind');
reset role;
select results_eq(format($$select status, count(*)::int from private.session_reminders where session_id = %L group by status$$, current_setting('tests.s3')),
  $$values ('cancelled'::text, 4)$$, 'NT-62: (a cancelled session''s reminders are cancelled with it)');
-- s4 has started: written straight to the table.
with started as (
  insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
  values (pg_temp.uid('doc'), pg_temp.uid('cleo'), now() - interval '10 minutes', 50, 'video', 'scheduled') returning id)
select set_config('tests.s4', (select id::text from started), true);
-- Due, in order: s2's 24-hour reminder for Cleo (active, upcoming), s3's (cancelled session; left pending as if it had
-- been queued before the cancellation), s4's (started); then a fourth, later one on s4, for the second run.
update private.session_reminders set due_at = '2000-01-01 00:00:01+00'
where session_id = current_setting('tests.s2')::uuid and recipient_id = pg_temp.uid('cleo') and lead_minutes = 1440;
update private.session_reminders set status = 'pending', due_at = '2000-01-01 00:00:02+00'
where session_id = current_setting('tests.s3')::uuid and recipient_id = pg_temp.uid('cleo') and lead_minutes = 1440;
insert into private.session_reminders (session_id, recipient_id, lead_minutes, due_at) values
  (current_setting('tests.s4')::uuid, pg_temp.uid('cleo'), 30, '2000-01-01 00:00:03+00'),
  (current_setting('tests.s4')::uuid, pg_temp.uid('doc'), 30, '2000-01-01 00:00:09+00');
select tests.authenticate_as_service_role();
select set_config('tests.rm1', private.send_due_session_reminders(3)::text, true);
reset role;
select is(current_setting('tests.rm1'), '1', 'NT-63: of three due reminders, the one of an active, upcoming session is sent');
select results_eq(format($$select session_id, recipient_id, lead_minutes, status from private.session_reminders
    where session_id in (%L, %L, %L) and due_at < '2001-01-01' order by due_at$$, current_setting('tests.s2'), current_setting('tests.s3'), current_setting('tests.s4')),
  format($$values (%L::uuid, %L::uuid, 1440, 'sent'::text), (%L, %L, 1440, 'cancelled'), (%L, %L, 30, 'cancelled'), (%L, %L, 30, 'pending')$$,
    current_setting('tests.s2'), pg_temp.uid('cleo'), current_setting('tests.s3'), pg_temp.uid('cleo'), current_setting('tests.s4'), pg_temp.uid('cleo'),
    current_setting('tests.s4'), pg_temp.uid('doc')),
  'NT-63: … marked sent; those of a cancelled or started session are cancelled, not sent');
select results_eq(format($$select type::text, title, body, data, collapse_key, event_count from public.notifications where user_id = %L and type = 'session_reminder'$$,
    pg_temp.uid('cleo')),
  format($$values ('session_reminder'::text, 'Session reminder'::text,
    'Your session starts on ' || to_char(%L::timestamptz at time zone 'UTC', 'Dy FMDD Mon, HH24:MI'), jsonb_build_object('sessionId', %L::uuid),
    'session:' || %L, 1)$$, current_setting('tests.t2'), current_setting('tests.s2'), current_setting('tests.s2')),
  'NT-64: the reminder is in the inbox (one row: nothing for the cancelled or started session)');
select results_eq(format($$select run_at, urgency from private.notification_jobs where user_id = %L and notification_type = 'session_reminder'$$, pg_temp.uid('cleo')),
  $$values (now(), 'high'::text)$$, 'NT-64: … and its push goes now, with high urgency, despite quiet hours');
select tests.authenticate_as_service_role();
select set_config('tests.rm2', private.send_due_session_reminders(1)::text, true);
reset role;
select is(current_setting('tests.rm2'), '0', 'NT-65: a second run sends nothing: the sent reminder is not taken again (the next due one is cancelled)');
select results_eq(format($$select (select status from private.session_reminders where session_id = %1$L and recipient_id = %2$L and lead_minutes = 1440),
      (select count(*)::int from public.notifications where user_id = %2$L and type = 'session_reminder'),
      (select max(event_count) from public.notifications where user_id = %2$L and type = 'session_reminder'),
      (select status from private.session_reminders where session_id = %3$L and recipient_id = %4$L),
      (select count(*)::int from public.notifications where user_id = %4$L and type = 'session_reminder')$$,
    current_setting('tests.s2'), pg_temp.uid('cleo'), current_setting('tests.s4'), pg_temp.uid('doc')),
  $$values ('sent'::text, 1, 1, 'cancelled'::text, 0)$$, 'NT-65: … the reminder was delivered exactly once');

--- live delivery on the owner's topic
select is((select count(*)::int from realtime.messages
    where topic = private.personal_topic(pg_temp.uid('bob')) and event = 'notification' and payload ->> 'id' = current_setting('tests.bob_n1')), 1,
  'NT-66: a new inbox row is broadcast once on the recipient''s personal topic, event notification');
select results_eq(format($$select payload ->> 'title', payload ->> 'body', payload ->> 'type', (payload ->> 'eventCount')::int, private
    from realtime.messages where topic = private.personal_topic(%L) and payload ->> 'id' = %L$$, pg_temp.uid('bob'), current_setting('tests.bob_n1')),
  $$values ('For Bob'::text, 'Only Bob reads this'::text, 'system'::text, 1, true)$$, 'NT-66: … privately, as the owner reads the row');
select is_empty(format($$select 1 from realtime.messages where payload ->> 'id' = %L and topic <> private.personal_topic(%L)$$, current_setting('tests.bob_n1'), pg_temp.uid('bob')),
  'NT-67: … and on no one else''s topic');
select ok(exists (select 1 from realtime.messages where topic = private.personal_topic(pg_temp.uid('nina')) and event = 'notificationUpdated'
    and payload ->> 'id' = current_setting('tests.nina_c1') and payload ->> 'eventCount' = '2'),
  'NT-68: a collapsed event is broadcast as notificationUpdated with the new count');
select tests.authenticate_as('nt-bob');
select set_config('realtime.topic', tests.personal_topic('nt-bob'), true);
select isnt_empty($$select 1 from realtime.messages$$, 'NT-69: the recipient may receive on their own personal topic');
select set_config('realtime.topic', tests.personal_topic('nt-ann'), true);
select is_empty($$select 1 from realtime.messages$$, 'NT-70: nobody receives on another person''s personal topic');

select * from finish();
rollback;
