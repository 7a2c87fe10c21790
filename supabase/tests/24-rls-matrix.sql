-- The RLS matrix: every table and view of the exposed API (schema public, plus storage.objects and realtime.messages),
-- enumerated from the catalog, probed for select / insert / update / delete as each persona, and compared with the
-- expected-access table in helpers/rls-matrix-expected.psql. A relation without an entry there fails RM-01; an entry
-- naming a relation that no longer exists fails RM-02. Threat ids: RM-01 … RM-05 (coverage, fixture, personas), then
-- one per relation (RM-06 …), and last the matrix total (RLS-MATRIX: … cells, 0 unexpected).
--
-- Personas (real accounts, made by the real sign-up trigger, roles given by an admin through set_user_role):
--   anon       no token (role anon)
--   stranger   a signed-in client unrelated to anything below
--   owner      a client: the one whose journal, mood, goals, inbox, chat, group post, booking, avatar… the fixture is
--   member     the owner's counterpart wherever there is one: their chat partner, a fellow member of their group, and
--              the therapist of their session (so also the owner of the therapist-practice rows: directory entry,
--              hours, date overrides, session notes; nobody but a therapist can own those)
--   therapist  a therapist with their own directory entry and hours, unrelated to the owner
--   admin      an active admin, unrelated to the owner
--   service    the service role (bypasses RLS; grants still apply)
-- Not personas: the bystander, a client with a row like the owner's in every relation where people have rows, and
-- the host, a therapist who created both groups (so neither the owner nor the member moderates one) and is the
-- bystander's chat partner and therapist (unlisted). Their rows tell "sees the owner's rows" from "sees everyone's".
--
-- Cells (the probe runs inside a subtransaction that is always rolled back, so no probe sees another's effects):
--   select   none  42501, or none of the owner's fixture rows (nor the bystander's) visible
--            row   the owner's fixture rows are all visible, the bystander's are not (or the relation has none)
--            all   the owner's and the bystander's fixture rows are visible
--            anything else is reported as partial(owner seen/of, bystander seen/of)
--   insert   allow  the entry's minimal insert succeeds (1 row); deny  42501 (grant or WITH CHECK) or not insertable
--                   (a view); error:SQLSTATE  anything else (a trigger, foreign key or check refused it).
--                   The insert is "a row for the persona itself" where the relation has per-person rows (for anon and
--                   the service role, which have no self: for the owner, or as noted), else a row into the owner's
--                   world as the persona (a message into the owner's conversation, progress on the owner's goal…).
--   update   allow  the entry's update of the owner's target row(s) changes ≥ 1 row; deny  0 rows (USING filtered
--   delete          them out), 42501 or not updatable (a view); error:SQLSTATE  anything else.
-- Vitest suites write into this database at the same time: every count here is of this suite's own fixture rows.
begin;

create schema rls_matrix;
grant usage on schema rls_matrix to anon, authenticated, service_role;

-- Fixture ids by name, readable by every persona (the probes' statements name rows through rls_matrix.id). Kept in
-- transaction-local settings rather than a table: a setting is read the same whatever the snapshot or the role.
create function rls_matrix.keep(key text, id uuid) returns uuid
language sql as $$
  select set_config('rls_matrix.' || key, id::text, true)::uuid;
$$;
create function rls_matrix.id(key text) returns uuid
language sql stable as $$
  select current_setting('rls_matrix.' || key)::uuid;
$$;
-- Whom "a row for the persona itself" is for: the persona, or the owner for anon and the service role.
create function rls_matrix.subject() returns uuid
language sql stable set search_path = '' as $$
  select coalesce(auth.uid(), rls_matrix.id('owner'));
$$;
grant execute on all functions in schema rls_matrix to anon, authenticated, service_role;

create table rls_matrix.personas (name text primary key, ord integer not null, db_role text not null, identifier text);
insert into rls_matrix.personas (name, ord, db_role, identifier) values
  ('anon', 1, 'anon', null),
  ('stranger', 2, 'authenticated', 'rls-matrix-stranger'),
  ('owner', 3, 'authenticated', 'rls-matrix-owner'),
  ('member', 4, 'authenticated', 'rls-matrix-member'),
  ('therapist', 5, 'authenticated', 'rls-matrix-therapist'),
  ('admin', 6, 'authenticated', 'rls-matrix-admin'),
  ('service', 7, 'service_role', null);

-- One line per probed slice of a relation (storage.objects and realtime.messages are probed per bucket and topic
-- kind, since their policies route by them). Columns:
--   relation        schema.name, optionally #slice
--   owner_rows      predicate selecting the owner's fixture rows (the rows of the owner's world the cells are about)
--   bystander_rows  predicate selecting the bystander's equivalent rows; null where a relation cannot show them
--                   (views of the caller's own rows without an owner column, realtime topics)
--   target          predicate of the rows update and delete try; null: owner_rows
--   set_clause      the update's SET list (grant-sized: a column authenticated may update, where one exists)
--   insert_sql      the minimal insert, as the persona
--   service_insert  the service role's insert where it must name what a signed-in default fills in; null: insert_sql
--   before_insert   run as the database owner, with the persona's claims, before the insert (rolled back with it):
--                   clears the one row a persona may have so that "insert my own" can succeed
--   context         run as the database owner before every probe, with $1 = the command: what the platform sets
--                   (Realtime's topic, Storage's delete permission)
create table rls_matrix.entries (
  ord integer primary key generated always as identity,
  relation text not null unique,
  owner_rows text not null,
  bystander_rows text,
  target text,
  set_clause text not null,
  insert_sql text not null,
  service_insert text,
  before_insert text,
  context text
);

create table rls_matrix.expected (
  relation text not null,
  persona text not null references rls_matrix.personas (name),
  sel text not null,
  ins text not null,
  upd text not null,
  del text not null,
  primary key (relation, persona)
);
\ir helpers/rls-matrix-expected.psql

insert into rls_matrix.entries (relation, owner_rows, bystander_rows, target, set_clause, insert_sql, service_insert, before_insert, context) values
  ('public.achievements', $$id = 'first_journal_entry'$$, $$id = 'goal_completed'$$, null, 'title = title',
   $$insert into public.achievements (id, title, description, icon, sort_order) values ('rls_matrix_probe', 'Probe', 'Probe', 'Star', 999)$$,
   null, null, null),
  ('public.audit_log', $$subject_id = rls_matrix.id('owner')$$, $$subject_id = rls_matrix.id('bystander')$$, null, 'details = details',
   $$insert into public.audit_log (action, actor_db_role, subject_id) values ('privacy_changed', 'authenticated', rls_matrix.subject())$$,
   null, null, null),
  ('public.chat_conversation_list', $$id = rls_matrix.id('conversation')$$, $$id = rls_matrix.id('bystander_conversation')$$, null, '"lastMessage" = "lastMessage"',
   $$insert into public.chat_conversation_list (id, kind) values (gen_random_uuid(), 'direct')$$, null, null, null),
  ('public.chat_conversations', $$id = rls_matrix.id('conversation')$$, $$id = rls_matrix.id('bystander_conversation')$$, null, $$topic = 'Renamed'$$,
   $$insert into public.chat_conversations (kind) values ('direct')$$, null, null, null),
  -- insert: a message into the owner's conversation, sent as the persona's own participant there (if any)
  ('public.chat_messages', $$conversation_id = rls_matrix.id('conversation')$$, $$conversation_id = rls_matrix.id('bystander_conversation')$$,
   $$id = rls_matrix.id('chat_message')$$, $$content = 'Edited'$$,
   $$insert into public.chat_messages (id, conversation_id, sender_id, content)
     values (gen_random_uuid(), rls_matrix.id('conversation'), private.chat_caller_participant_id(rls_matrix.id('conversation')), 'Probe')$$,
   $$insert into public.chat_messages (id, conversation_id, sender_id, content)
     values (gen_random_uuid(), rls_matrix.id('conversation'), rls_matrix.id('owner_participant'), 'Probe')$$, null, null),
  -- insert: the seed's POST /progress/goals body (a goal of the persona's own); update: the seed's PUT of current
  ('public.goal_overview', $$id = rls_matrix.id('goal')$$, $$id = rls_matrix.id('bystander_goal')$$, null, 'current = current + 1',
   $$insert into public.goal_overview (title, category, unit, target, current) values ('Probe goal', 'General', 'times', 3, 1)$$, null, null, null),
  -- insert: progress on the owner's goal, as the persona
  ('public.goal_progress', $$goal_id = rls_matrix.id('goal')$$, $$goal_id = rls_matrix.id('bystander_goal')$$, null, $$note = 'Noted'$$,
   $$insert into public.goal_progress (goal_id, amount) values (rls_matrix.id('goal'), 1)$$,
   $$insert into public.goal_progress (goal_id, user_id, amount) values (rls_matrix.id('goal'), rls_matrix.id('owner'), 1)$$, null, null),
  ('public.goals', $$id = rls_matrix.id('goal')$$, $$id = rls_matrix.id('bystander_goal')$$, null, $$title = 'Renamed'$$,
   $$insert into public.goals (title, target) values ('Probe goal', 3)$$,
   $$insert into public.goals (user_id, title, target) values (rls_matrix.id('owner'), 'Probe goal', 3)$$, null, null),
  ('public.group_categories', $$id = 'rls-matrix'$$, $$id = 'general'$$, null, 'name = name',
   $$insert into public.group_categories (id, name, description, sort_order) values ('rls-matrix-probe', 'Probe', 'Probe', 999)$$, null, null, null),
  ('public.group_messages', $$group_id = rls_matrix.id('group')$$, $$group_id = rls_matrix.id('bystander_group')$$,
   $$id = rls_matrix.id('group_message')$$, $$content = 'Edited'$$,
   $$insert into public.group_messages (id, group_id, content) values (gen_random_uuid(), rls_matrix.id('group'), 'Probe')$$, null, null, null),
  ('public.group_sessions', $$group_id = rls_matrix.id('group')$$, $$group_id = rls_matrix.id('bystander_group')$$, null, $$title = 'Renamed session'$$,
   $$insert into public.group_sessions (group_id, title, starts_at) values (rls_matrix.id('group'), 'Probe session', now() + interval '3 days')$$,
   null, null, null),
  ('public.helplines', $$name = 'RLS matrix line'$$, $$country_code = 'ZZ'$$, null, 'hours = hours',
   $$insert into public.helplines (country_code, name) values ('QX', 'Probe line')$$, null, null, null),
  ('public.journal_entries', $$id = rls_matrix.id('journal')$$, $$id = rls_matrix.id('bystander_journal')$$, null, 'is_favorite = not is_favorite',
   $$insert into public.journal_entries (title, content, mood) values ('Probe', 'A probe entry', 'neutral')$$,
   $$insert into public.journal_entries (user_id, title, content, mood) values (rls_matrix.id('owner'), 'Probe', 'A probe entry', 'neutral')$$, null, null),
  ('public.mood_entries', $$id = rls_matrix.id('mood')$$, $$id = rls_matrix.id('bystander_mood')$$, null, 'mood = 5',
   $$insert into public.mood_entries (date, mood) values (date '2020-01-01', 3)$$,
   $$insert into public.mood_entries (user_id, date, mood) values (rls_matrix.id('owner'), date '2020-01-01', 3)$$, null, null),
  ('public.my_achievements', $$id = 'first_journal_entry' and unlocked$$, null, $$id = 'first_journal_entry'$$, 'title = title',
   $$insert into public.my_achievements (id, title) values ('rls_matrix_probe', 'Probe')$$, null, null, null),
  -- the caller's inbox (no owner column: the view shows the caller's own); update: marking read, as the API does it
  ('public.my_notifications', $$id = rls_matrix.id('notification')$$, $$id = rls_matrix.id('bystander_notification')$$, null, '"readAt" = now()',
   $$insert into public.my_notifications (type, title, body) values ('system', 'Probe', 'A probe notification')$$, null, null, null),
  -- every type for every caller, each their own choices (no owner column): the owner's row is the one type only the
  -- owner turned off; update: the API's .update({ push }).eq('type', t)
  ('public.my_notification_preferences', $$type = 'group_message' and not push$$, null, null, 'push = true',
   $$insert into public.my_notification_preferences (type, push) values ('achievement', false)$$, null, null, null),
  -- one row for every caller, their own: the owner's quiet hours start at 22:00, the bystander's at 21:00
  ('public.my_notification_settings', $$"quietHoursStart" = '22:00'$$, $$"quietHoursStart" = '21:00'$$, null, '"pushPreviews" = true',
   $$insert into public.my_notification_settings ("pushPreviews") values (true)$$, null, null, null),
  -- insert: a profile for an account that has none (the spare account; the sign-up trigger makes everyone else's);
  -- update: the seed's PUT /users/profile
  ('public.my_profile', $$id = rls_matrix.id('owner')$$, $$id = rls_matrix.id('bystander')$$, null, $$"firstName" = 'Renamed'$$,
   $$insert into public.my_profile (id) values (rls_matrix.id('spare'))$$, null, null, null),
  ('public.my_therapy_sessions', $$id = rls_matrix.id('session')$$, $$id = rls_matrix.id('bystander_session')$$, null, 'notes = notes',
   $$insert into public.my_therapy_sessions (id) values (gen_random_uuid())$$, null, null, null),
  ('public.my_timeline', $$id = 'goal:' || rls_matrix.id('goal')$$, $$id = 'goal:' || rls_matrix.id('bystander_goal')$$, null, 'title = title',
   $$insert into public.my_timeline (id, title) values ('probe', 'Probe')$$, null, null, null),
  ('public.notification_preferences', $$user_id = rls_matrix.id('owner')$$, $$user_id = rls_matrix.id('bystander')$$, null, 'push = not push',
   $$insert into public.notification_preferences (type, push) values ('achievement', false)$$,
   $$insert into public.notification_preferences (user_id, type, push) values (rls_matrix.id('owner'), 'achievement', false)$$, null, null),
  ('public.notification_settings', $$user_id = rls_matrix.id('owner')$$, $$user_id = rls_matrix.id('bystander')$$, null, 'push_previews = not push_previews',
   $$insert into public.notification_settings (user_id, quiet_hours_start, quiet_hours_end) values (rls_matrix.subject(), '23:00', '06:00')$$,
   null, $$delete from public.notification_settings where user_id = rls_matrix.subject()$$, null),
  ('public.notifications', $$id = rls_matrix.id('notification')$$, $$id = rls_matrix.id('bystander_notification')$$, null, 'read_at = now()',
   $$insert into public.notifications (user_id, type, title, body) values (rls_matrix.subject(), 'system', 'Probe', 'A probe notification')$$,
   null, null, null),
  -- insert: a profile for an account that has none (the spare account; the sign-up trigger makes everyone else's)
  ('public.profiles', $$id = rls_matrix.id('owner')$$, $$id = rls_matrix.id('bystander')$$, null, $$bio = 'Updated bio'$$,
   $$insert into public.profiles (id) values (rls_matrix.id('spare'))$$, null, null, null),
  ('public.public_profiles', $$id = rls_matrix.id('owner_card')$$, $$id = rls_matrix.id('bystander_card')$$, null, 'bio = bio',
   $$insert into public.public_profiles (id, "displayName") values (gen_random_uuid(), 'Probe')$$, null, null, null),
  ('public.push_subscriptions', $$id = rls_matrix.id('push')$$, $$id = rls_matrix.id('bystander_push')$$, null, 'last_status = 201',
   $$insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
     values (rls_matrix.subject(), 'https://fcm.googleapis.com/fcm/send/rls-matrix-probe-' || gen_random_uuid(), 'B' || repeat('A', 86), repeat('A', 22))$$,
   null, null, null),
  ('public.support_groups', $$id = rls_matrix.id('group')$$, $$id = rls_matrix.id('bystander_group')$$, null, $$description = 'Updated'$$,
   $$insert into public.support_groups (name, description, category_id) values ('Probe group', 'A probe group', 'general')$$, null, null, null),
  -- therapist-practice rows: the owner's world has them as its therapist's (the member's); the service role writes
  -- for the member
  ('public.therapist_date_overrides', $$therapist_id = rls_matrix.id('member')$$, $$therapist_id = rls_matrix.id('host')$$, null, 'on_date = on_date',
   $$insert into public.therapist_date_overrides (therapist_id, on_date) values (rls_matrix.subject(), current_date + 300)$$,
   $$insert into public.therapist_date_overrides (therapist_id, on_date) values (rls_matrix.id('member'), current_date + 300)$$, null, null),
  -- insert: a note on the owner's session, as the persona (the member's own note is cleared first: one per session)
  ('public.therapist_session_notes', $$session_id = rls_matrix.id('session')$$, $$session_id = rls_matrix.id('bystander_session')$$, null,
   $$body = 'Updated note'$$,
   $$insert into public.therapist_session_notes (session_id, body) values (rls_matrix.id('session'), 'Probe note')$$,
   $$insert into public.therapist_session_notes (session_id, therapist_id, body) values (rls_matrix.id('session'), rls_matrix.id('member'), 'Probe note')$$,
   $$delete from public.therapist_session_notes where session_id = rls_matrix.id('session')$$, null),
  ('public.therapist_weekly_hours', $$therapist_id = rls_matrix.id('member')$$, $$therapist_id = rls_matrix.id('host')$$, null, 'ends_at = ends_at',
   $$insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) values (rls_matrix.subject(), 7, '22:00', '23:00')$$,
   $$insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) values (rls_matrix.id('member'), 7, '22:00', '23:00')$$,
   null, null),
  -- insert: one's own directory entry (a therapist's existing one is removed first); the service role makes the owner one
  ('public.therapists', $$id = rls_matrix.id('member')$$, $$id = rls_matrix.id('host')$$, null, $$bio = 'Updated bio'$$,
   $$insert into public.therapists (id, display_name, specialties, hourly_rate) values (rls_matrix.subject(), 'Probe Therapist', '{anxiety}', 90)$$,
   null, $$delete from public.therapists where id = rls_matrix.subject()$$, null),
  ('public.therapy_session_operations', $$id = rls_matrix.id('session')$$, $$id = rls_matrix.id('bystander_session')$$, null, 'status = status',
   $$insert into public.therapy_session_operations (id) values (gen_random_uuid())$$, null, null, null),
  ('public.user_achievements', $$user_id = rls_matrix.id('owner')$$, $$user_id = rls_matrix.id('bystander')$$, null, 'unlocked_at = unlocked_at',
   $$insert into public.user_achievements (user_id, achievement_id) values (rls_matrix.subject(), 'journal_10_entries')$$, null, null, null),
  -- Storage: as the Storage server writes rows, as the caller, with storage.allow_delete_query set for deletes
  ('storage.objects#avatars', $$bucket_id = 'avatars' and name = rls_matrix.id('avatar') || '.png'$$,
   $$bucket_id = 'avatars' and name = rls_matrix.id('bystander_avatar') || '.png'$$, null, $$metadata = '{"probe": true}'$$,
   $$insert into storage.objects (bucket_id, name, owner_id) values ('avatars', gen_random_uuid() || '.png', (select auth.uid())::text)$$, null, null,
   $$select set_config('storage.allow_delete_query', 'true', true)$$),
  -- insert: a cover picture into the owner's group's folder
  ('storage.objects#group-covers', $$bucket_id = 'group-covers' and name = rls_matrix.id('group') || '/cover.png'$$,
   $$bucket_id = 'group-covers' and name = rls_matrix.id('bystander_group') || '/cover.png'$$, null, $$metadata = '{"probe": true}'$$,
   $$insert into storage.objects (bucket_id, name) values ('group-covers', rls_matrix.id('group') || '/probe.png')$$, null, null,
   $$select set_config('storage.allow_delete_query', 'true', true)$$),
  -- Realtime authorizes a channel by its topic (realtime.topic(), set as the Realtime server sets it when a client
  -- joins), not by the rows' topic column; rows are the broadcasts the database wrote to the topic. Insert is a
  -- client broadcast: on the receive topic for the personal topic, on the :live companion for groups (conversations
  -- have no client topic: typing is an RPC).
  ('realtime.messages#user', $$topic = private.personal_topic(rls_matrix.id('owner'))$$, null, null, 'payload = payload',
   $$insert into realtime.messages (topic, extension, payload) values (realtime.topic(), 'broadcast', '{}')$$, null, null,
   $$select set_config('realtime.topic', private.personal_topic(rls_matrix.id('owner')), true)$$),
  ('realtime.messages#group', $$topic = 'group:' || rls_matrix.id('group')$$, null, null, 'payload = payload',
   $$insert into realtime.messages (topic, extension, payload) values (realtime.topic(), 'broadcast', '{}')$$, null, null,
   $$select set_config('realtime.topic', 'group:' || rls_matrix.id('group') || case when $1 = 'insert' then ':live' else '' end, true)$$);

-- ------------------------------------------------------------------------------------------------------------------
-- The fixture world, written through the real API as each person where the API lets them, else as the database owner
-- (as migrations and Studio do).
-- ------------------------------------------------------------------------------------------------------------------
do $fixture$
declare
  person text;
  prefix text;
  kept uuid;
begin
  foreach person in array array['owner', 'member', 'stranger', 'therapist', 'admin', 'bystander', 'host', 'spare'] loop
    perform rls_matrix.keep(person, tests.create_supabase_user('rls-matrix-' || person,
      metadata => jsonb_build_object('firstName', initcap(person), 'lastName', 'Matrix')));
  end loop;
  perform rls_matrix.keep(who.name || '_card', p.public_id)
  from unnest(array['owner', 'member', 'bystander', 'host']) as who (name)
  join public.profiles as p on p.id = rls_matrix.id(who.name);
  -- An account without a profile: the only way to ask whether someone may create a profile row.
  delete from public.profiles where id = rls_matrix.id('spare');
  -- Reference rows, which only migrations (the database owner) write.
  insert into public.helplines (country_code, name, phone) values ('QX', 'RLS matrix line', '000');
  insert into public.group_categories (id, name, description, sort_order) values ('rls-matrix', 'RLS matrix', 'A fixture category', 999);
  -- The first admin is appointed in the database; the admin appoints the therapists through the audited RPC.
  update public.profiles set role = 'admin' where id = rls_matrix.id('admin');
  perform tests.authenticate_as('rls-matrix-admin');
  perform public.set_user_role(rls_matrix.id(who.name), 'therapist') from unnest(array['member', 'therapist', 'host']) as who (name);

  -- Therapists: a directory entry, hours (never on Sundays, where the probes add theirs) and a day off each.
  foreach person in array array['member', 'therapist', 'host'] loop
    perform tests.authenticate_as('rls-matrix-' || person);
    insert into public.therapists (id, display_name, specialties, hourly_rate, minimum_notice_minutes)
    values (auth.uid(), 'Dr ' || initcap(person) || ' Matrix', '{anxiety}', 80, 60);
    insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
    select auth.uid(), day, '08:00', '20:00' from generate_series(1, 6) as day;
    insert into public.therapist_date_overrides (therapist_id, on_date) values (auth.uid(), current_date + 50);
  end loop;

  -- Groups: the host creates and moderates the owner's group and the bystander's, each with a cover and a session.
  perform tests.authenticate_as('rls-matrix-host');
  insert into public.support_groups (name, description, category_id) values ('RLS matrix circle', 'The owner''s group', 'general')
  returning id into kept;
  perform rls_matrix.keep('group', kept);
  insert into public.support_groups (name, description, category_id) values ('RLS matrix side room', 'The bystander''s group', 'general')
  returning id into kept;
  perform rls_matrix.keep('bystander_group', kept);
  insert into storage.objects (bucket_id, name) values
    ('group-covers', rls_matrix.id('group') || '/cover.png'), ('group-covers', rls_matrix.id('bystander_group') || '/cover.png');
  perform public.schedule_group_session(rls_matrix.id('group'), 'Weekly circle', now() + interval '2 days');
  perform public.schedule_group_session(rls_matrix.id('bystander_group'), 'Side room meeting', now() + interval '2 days');

  -- The owner, and the bystander doing the same in their own world (partner and therapist: the host).
  foreach person in array array['owner', 'bystander'] loop
    perform tests.authenticate_as('rls-matrix-' || person);
    prefix := case when person = 'owner' then '' else person || '_' end; -- journal, bystander_journal…
    perform public.update_privacy_settings('{"hideOccupation": true}'); -- an audit event about them
    perform rls_matrix.keep(prefix || 'avatar', gen_random_uuid());
    insert into storage.objects (bucket_id, name, owner_id) values ('avatars', rls_matrix.id(prefix || 'avatar') || '.png', auth.uid()::text);
    insert into public.journal_entries (title, content, mood) values ('Today', 'A hard day, written down.', 'sad') returning id into kept;
    perform rls_matrix.keep(prefix || 'journal', kept);
    insert into public.mood_entries (mood, note) values (2, 'Low') returning id into kept;
    perform rls_matrix.keep(prefix || 'mood', kept);
    insert into public.goals (title, target) values ('Walk once', 1) returning id into kept;
    perform rls_matrix.keep(prefix || 'goal', kept);
    insert into public.goal_progress (goal_id, amount) values (kept, 1); -- completes it: achievement and timeline
    insert into public.notification_preferences (type, push) values ('group_message', false);
    insert into public.notification_settings (quiet_hours_start, quiet_hours_end)
    values (case when person = 'owner' then '22:00' else '21:00' end::time, '07:00');
    perform rls_matrix.keep(prefix || 'push', public.register_push_subscription(
      'https://fcm.googleapis.com/fcm/send/rls-matrix-' || gen_random_uuid(), jsonb_build_object('p256dh', 'B' || repeat('A', 86), 'auth', repeat('A', 22))));
  end loop;

  perform tests.authenticate_as('rls-matrix-owner');
  perform rls_matrix.keep('chat_message_key', gen_random_uuid());
  perform rls_matrix.keep('conversation', (public.send_chat_message(
    'Hello, is anyone there?', rls_matrix.id('member_card'), true, rls_matrix.id('chat_message_key')) ->> 'conversationId')::uuid);
  perform rls_matrix.keep('chat_message', private.chat_message_id_for(rls_matrix.id('chat_message_key')));
  perform public.join_group(rls_matrix.id('group'));
  perform rls_matrix.keep('group_message', (public.send_group_message(rls_matrix.id('group'), 'Hello, group') #>> '{message,id}')::uuid);
  perform rls_matrix.keep('session', private.book_therapy_session(
    rls_matrix.id('member'), private.next_available_slot(rls_matrix.id('member')), 'video', 'First session'));

  perform tests.authenticate_as('rls-matrix-member');
  perform public.send_chat_message('I am here. Take your time.',
    (select (l.partner ->> 'id')::uuid from public.chat_conversation_list as l where l.id = rls_matrix.id('conversation')), true);
  perform public.join_group(rls_matrix.id('group'));
  insert into public.therapist_session_notes (session_id, body) values (rls_matrix.id('session'), 'Private note on the first session');

  perform tests.authenticate_as('rls-matrix-bystander');
  perform rls_matrix.keep('bystander_conversation', (public.send_chat_message(
    'Hello from the side room', rls_matrix.id('host_card'), true) ->> 'conversationId')::uuid);
  perform public.join_group(rls_matrix.id('bystander_group'));
  perform public.send_group_message(rls_matrix.id('bystander_group'), 'Hello, side room');
  perform rls_matrix.keep('bystander_session', private.book_therapy_session(
    rls_matrix.id('host'), private.next_available_slot(rls_matrix.id('host')), 'video', 'Side session'));

  perform tests.authenticate_as('rls-matrix-host');
  insert into public.therapist_session_notes (session_id, body) values (rls_matrix.id('bystander_session'), 'Private note on the side session');
  update public.therapists set is_listed = false where id = auth.uid(); -- only admins and the service role see it now

  perform tests.authenticate_as_service_role();
  perform rls_matrix.keep('notification', (private.send_notification(rls_matrix.id('owner'), 'RLS matrix', 'A notification for the owner') ->> 'notificationId')::uuid);
  perform rls_matrix.keep('bystander_notification', (private.send_notification(rls_matrix.id('bystander'), 'RLS matrix', 'A notification for the bystander') ->> 'notificationId')::uuid);
end
$fixture$;
reset role;

do $fixture$
begin
  perform set_config('request.jwt.claims', '', true);
  perform rls_matrix.keep('owner_participant', p.id) from private.chat_participants as p
  where p.conversation_id = rls_matrix.id('conversation') and p.user_id = rls_matrix.id('owner');
end
$fixture$;

-- The claims each persona's requests carry (as PostgREST sets them), and those of everyone whose view can show a
-- fixture row: how many owner and bystander rows exist is the most any of them sees with RLS bypassed (views of the
-- caller's own rows filter by auth.uid(), so the database owner alone would see none).
alter table rls_matrix.personas add column claims jsonb;
update rls_matrix.personas set claims = case
  when db_role = 'anon' then '{"role": "anon"}'::jsonb
  when db_role = 'service_role' then '{"role": "service_role"}'::jsonb
  else tests.user_claims(rls_matrix.id(name)) end;
create table rls_matrix.viewers as
  select claims from rls_matrix.personas
  union all select tests.user_claims(rls_matrix.id('bystander'))
  union all select tests.user_claims(rls_matrix.id('host'));

create table rls_matrix.totals as
  select e.relation, 0::bigint as owner_rows, 0::bigint as bystander_rows, 0::bigint as target_rows from rls_matrix.entries as e;
do $totals$
declare
  entry rls_matrix.entries;
  viewer jsonb;
  counts record;
begin
  for entry in select * from rls_matrix.entries where to_regclass(split_part(relation, '#', 1)) is not null loop
    for viewer in select claims from rls_matrix.viewers loop
      perform set_config('request.jwt.claims', viewer::text, true);
      execute format('select count(*) filter (where %s) as o, count(*) filter (where %s) as b, count(*) filter (where %s) as t from %s',
                     entry.owner_rows, coalesce(entry.bystander_rows, 'false'), coalesce(entry.target, entry.owner_rows),
                     split_part(entry.relation, '#', 1))
      into counts;
      update rls_matrix.totals as t
      set owner_rows = greatest(t.owner_rows, counts.o), bystander_rows = greatest(t.bystander_rows, counts.b),
          target_rows = greatest(t.target_rows, counts.t)
      where t.relation = entry.relation;
    end loop;
  end loop;
  perform set_config('request.jwt.claims', '', true);
end
$totals$;

-- One cell: the command as the persona, inside a subtransaction that is always rolled back (so the role, the claims,
-- the platform settings and the probe's effects all end with it).
create function rls_matrix.probe(entry rls_matrix.entries, persona rls_matrix.personas, command text, out actual text, out detail text)
language plpgsql
as $$
declare
  relation_name text := split_part(entry.relation, '#', 1);
  total rls_matrix.totals;
  statement text;
  counted bigint;
  seen text[];
begin
  select t.* into total from rls_matrix.totals as t where t.relation = entry.relation;
  statement := case command
    when 'select' then format('select count(*) filter (where %s) || '','' || count(*) filter (where %s) from %s',
                              entry.owner_rows, coalesce(entry.bystander_rows, 'false'), relation_name)
    when 'insert' then case when persona.name = 'service' then coalesce(entry.service_insert, entry.insert_sql) else entry.insert_sql end
    when 'update' then format('update %s set %s where %s', relation_name, entry.set_clause, coalesce(entry.target, entry.owner_rows))
    when 'delete' then format('delete from %s where %s', relation_name, coalesce(entry.target, entry.owner_rows))
  end;
  begin
    perform set_config('request.jwt.claims', persona.claims::text, true);
    if entry.context is not null then
      execute entry.context using command;
    end if;
    if command = 'insert' and entry.before_insert is not null then
      execute entry.before_insert;
    end if;
    perform set_config('role', persona.db_role, true);
    if command = 'select' then
      execute statement into detail;
    else
      execute statement;
      get diagnostics counted = row_count;
      detail := counted::text;
    end if;
    raise exception using errcode = 'RM000', message = detail;
  exception
    when sqlstate 'RM000' then
      detail := sqlerrm;
    when insufficient_privilege then
      actual := case when command = 'select' then 'none' else 'deny' end;
      detail := sqlerrm;
      return;
    when others then
      detail := sqlerrm;
      -- A view Postgres cannot write through refuses the statement itself: nobody may write there.
      actual := case when sqlstate in ('55000', '0A000') and sqlerrm ~ '^cannot (insert into|update|delete from) view' then 'deny'
                     else 'error:' || sqlstate end;
      return;
  end;
  if command <> 'select' then
    actual := case when detail::bigint > 0 then 'allow' else 'deny' end;
    detail := detail || ' row(s)';
    return;
  end if;
  seen := string_to_array(detail, ',');
  actual := case
    when seen[1]::bigint = 0 and seen[2]::bigint = 0 then 'none'
    when seen[1]::bigint = total.owner_rows and seen[2]::bigint = 0 then 'row'
    when seen[1]::bigint = total.owner_rows and seen[2]::bigint = total.bystander_rows then 'all'
    else format('partial(%s/%s,%s/%s)', seen[1], total.owner_rows, seen[2], total.bystander_rows) end;
  detail := format('owner rows %s of %s, bystander rows %s of %s', seen[1], total.owner_rows, seen[2], total.bystander_rows);
end;
$$;

create table rls_matrix.results as
  select e.relation, p.name as persona, c.command, r.actual, r.detail
  from rls_matrix.entries as e
  cross join rls_matrix.personas as p
  cross join unnest(array['select', 'insert', 'update', 'delete']) as c (command)
  cross join lateral rls_matrix.probe(e, p, c.command) as r
  where to_regclass(split_part(e.relation, '#', 1)) is not null; -- a stale entry fails RM-02 instead

-- Every cell with what was expected of it.
create table rls_matrix.cells as
  select r.relation, r.persona, r.command,
         case r.command when 'select' then x.sel when 'insert' then x.ins when 'update' then x.upd when 'delete' then x.del end as expected,
         r.actual, r.detail
  from rls_matrix.results as r
  left join rls_matrix.expected as x on x.relation = r.relation and x.persona = r.persona;

-- The API's relations, from the catalog: every table and view of the exposed schema (config.toml [api] schemas:
-- public), and the two platform tables whose policies are ours.
create table rls_matrix.catalog as
  select format('%I.%I', n.nspname, c.relname) as relation
  from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
  where (n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f'))
     or (n.nspname, c.relname) in (('storage', 'objects'), ('realtime', 'messages'));

select plan((select count(*)::integer from rls_matrix.entries) + 6);

select is_empty($$
  select relation from rls_matrix.catalog
  except
  select split_part(e.relation, '#', 1) from rls_matrix.entries as e where exists (select 1 from rls_matrix.expected as x where x.relation = e.relation)
$$, 'RM-01: every table and view of the exposed schema (public), storage.objects and realtime.messages has a probe entry and expected lines');
select is_empty($$
  select relation from (select relation from rls_matrix.entries union select relation from rls_matrix.expected) as named
  where split_part(relation, '#', 1) not in (select relation from rls_matrix.catalog)
$$, 'RM-02: the matrix names no relation that no longer exists');
select is_empty($$
  select e.relation, p.name, 'no expected line' from rls_matrix.entries as e cross join rls_matrix.personas as p
  where not exists (select 1 from rls_matrix.expected as x where x.relation = e.relation and x.persona = p.name)
  union all
  select x.relation, x.persona, 'no probe entry' from rls_matrix.expected as x
  where not exists (select 1 from rls_matrix.entries as e where e.relation = x.relation)
  union all
  select x.relation, x.persona, 'unknown value' from rls_matrix.expected as x
  where x.sel not in ('none', 'row', 'all')
     or exists (select 1 from unnest(array[x.ins, x.upd, x.del]) as v where v not in ('allow', 'deny') and v !~ '^error:[0-9A-Z]{5}$')
$$, 'RM-03: every entry has one expected line per persona, in the matrix''s vocabulary');
select is_empty($$
  select t.relation, t.owner_rows, t.bystander_rows, t.target_rows from rls_matrix.totals as t join rls_matrix.entries as e using (relation)
  where t.owner_rows = 0 or t.target_rows = 0 or (e.bystander_rows is not null and t.bystander_rows = 0)
$$, 'RM-04: the fixture has the owner''s rows, the bystander''s rows and the write targets in every relation (no cell is vacuous)');
select results_eq($$
  select p.name, pr.role::text, pr.is_active from rls_matrix.personas as p
  join public.profiles as pr on pr.id = case when p.identifier is not null then tests.get_supabase_uid(p.identifier) end order by p.ord
$$, $$values ('stranger', 'client', true), ('owner', 'client', true), ('member', 'therapist', true), ('therapist', 'therapist', true),
             ('admin', 'admin', true)$$,
  'RM-05: the personas are active accounts with the roles they stand for');

select is_empty(
  format($$select persona, command, expected, actual, detail from rls_matrix.cells where relation = %L and actual is distinct from expected$$, e.relation),
  format('RM-%s: %s: %s personas × select/insert/update/delete as expected', lpad((5 + e.n)::text, 2, '0'), e.relation,
         (select count(*) from rls_matrix.personas)))
from (select row_number() over (order by ord) as n, relation from rls_matrix.entries order by ord offset 0) as e;

select ok(
  unexpected = 0 and uncovered = 0 and stale = 0,
  format('RLS-MATRIX: %s relation slices (%s tables and views) × %s personas × 4 commands = %s cells, %s unexpected%s%s',
         relations, (select count(*) from rls_matrix.catalog), personas, cells, unexpected,
         case when uncovered > 0 then format(', %s relations without an entry', uncovered) else '' end,
         case when stale > 0 then format(', %s entries for relations that no longer exist', stale) else '' end))
from (
  select (select count(*) from rls_matrix.entries) as relations,
         (select count(*) from rls_matrix.personas) as personas,
         (select count(*) from rls_matrix.cells) as cells,
         (select count(*) from rls_matrix.cells where actual is distinct from expected) as unexpected,
         (select count(*) from (select relation from rls_matrix.catalog
                                except select split_part(relation, '#', 1) from rls_matrix.entries) as missing) as uncovered,
         (select count(*) from rls_matrix.entries where split_part(relation, '#', 1) not in (select relation from rls_matrix.catalog)) as stale
) as matrix;

select * from finish();
rollback;
