-- The grants behind the whole exposed API, as one inventory: who may read, write or call what. A new table, view or
-- function in public without a decision here fails IP-01/IP-02/IP-05. Threat ids: IP-01 … IP-10.
begin;
select plan(12);

select set_eq(
  $$select c.relname::text from pg_class as c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'p')$$,
  array['profiles', 'public_profiles', 'my_profile', 'audit_log', 'journal_entries', 'mood_entries', 'goals', 'goal_progress',
        'achievements', 'user_achievements', 'goal_overview', 'my_achievements', 'my_timeline',
        'helplines', 'chat_conversations', 'chat_messages', 'chat_conversation_list', 'group_categories', 'support_groups', 'group_messages', 'group_sessions',
        'therapists', 'therapist_weekly_hours', 'therapist_date_overrides', 'therapist_session_notes', 'my_therapy_sessions',
        'therapy_session_operations', 'push_subscriptions', 'notifications', 'notification_preferences', 'notification_settings',
        'my_notifications', 'my_notification_preferences', 'my_notification_settings'],
  'IP-01: the exposed tables and views are exactly the ones this inventory covers');
select set_eq(
  $$select p.proname::text from pg_proc as p where p.pronamespace = 'public'::regnamespace$$,
  array['update_privacy_settings', 'set_user_role', 'set_account_active', 'moderation_profiles', 'export_my_data',
        'list_journal_entries', 'toggle_journal_favorite', 'mood_statistics', 'export_mood_csv', 'export_journal_csv',
        'crisis_support', 'list_chat_messages', 'send_chat_message', 'mark_chat_read', 'edit_chat_message', 'delete_chat_message',
        'leave_chat_conversation', 'chat_typing', 'report_chat_participant', 'moderation_chat_reports', 'moderation_remove_chat_message',
        'rate_chat_conversation', 'list_group_members', 'list_group_join_requests', 'join_group', 'leave_group', 'moderate_group_member', 'group_heartbeat',
        'list_groups', 'send_group_message', 'list_group_messages', 'change_group_message',
        'schedule_group_session', 'rsvp_group_session', 'list_therapists',
        'register_push_subscription', 'mark_all_notifications_read', 'update_notification_settings'],
  'IP-02: the exposed RPCs are exactly the ones this inventory covers');

select results_eq($$
  select c.relname::text collate "default", privilege from pg_class as c
  cross join unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) as privilege
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'p') and has_table_privilege('anon', c.oid, privilege)
$$, $$values ('helplines'::text, 'select'::text)$$, 'IP-03: anon may read the helplines and nothing else');
select results_eq($$
  select p.proname::text collate "default" from pg_proc as p where p.pronamespace = 'public'::regnamespace and has_function_privilege('anon', p.oid, 'execute')
$$, $$values ('crisis_support'::text)$$, 'IP-04: anon may call crisis_support and nothing else');

select results_eq($$
  select c.relname::text collate "default",
         has_any_column_privilege('authenticated', c.oid, 'select'), has_any_column_privilege('authenticated', c.oid, 'insert'),
         has_any_column_privilege('authenticated', c.oid, 'update'), has_table_privilege('authenticated', c.oid, 'delete')
  from pg_class as c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v') order by c.relname
$$, $$values
  --                     select insert update delete   (some columns only where granted so; RLS then narrows the rows)
  ('achievements',        true,  false, false, false),
  ('audit_log',           true,  false, false, false),
  ('chat_conversation_list', true, false, false, false),
  ('chat_conversations',  true,  false, false, false),
  ('chat_messages',       true,  true,  true,  false),
  ('goal_overview',       true,  true,  true,  true),
  ('goal_progress',       true,  true,  false, true),
  ('goals',               true,  true,  true,  true),
  ('group_categories',    true,  false, false, false),
  ('group_messages',      true,  false, false, false),
  ('group_sessions',      true,  false, false, false),
  ('helplines',           true,  false, false, false),
  ('journal_entries',     true,  true,  true,  true),
  ('mood_entries',        true,  true,  true,  true),
  ('my_achievements',     true,  false, false, false),
  ('my_notification_preferences', true, false, true, false),
  ('my_notification_settings', true, false, false, false),
  ('my_notifications',    true,  false, true,  true),
  ('my_profile',          true,  false, true,  false),
  ('my_therapy_sessions', true,  false, false, false),
  ('my_timeline',         true,  false, false, false),
  ('notification_preferences', true, true, true, true),
  ('notification_settings', true, true, true,  true),
  ('notifications',       true,  false, true,  true),
  ('profiles',            true,  false, true,  false),
  ('public_profiles',     true,  false, false, false),
  ('push_subscriptions',  true,  false, false, true),
  ('support_groups',      true,  true,  true,  false),
  ('therapist_date_overrides', true, true, true, true),
  ('therapist_session_notes', true, true, true,  true),
  ('therapist_weekly_hours', true, true, true,  true),
  ('therapists',          true,  true,  true,  false),
  ('therapy_session_operations', true, false, false, false),
  ('user_achievements',   true,  false, false, false)
$$, 'IP-05: what signed-in users may do to each table and view (insert and update on some columns only)');
select ok(
  has_function_privilege('authenticated', 'public.update_privacy_settings(jsonb)', 'execute')
  and has_function_privilege('authenticated', 'public.export_my_data()', 'execute')
  and has_function_privilege('authenticated', 'public.set_user_role(uuid, public.app_role)', 'execute')
  and has_function_privilege('authenticated', 'public.set_account_active(uuid, boolean)', 'execute')
  and has_function_privilege('authenticated', 'public.moderation_profiles(text, public.app_role, integer, uuid)', 'execute')
  and has_function_privilege('authenticated', 'public.update_notification_settings(jsonb)', 'execute')
  and has_function_privilege('authenticated', 'public.register_push_subscription(text, jsonb, double precision, text)', 'execute'),
  'IP-06: signed-in users may call the RPCs (the admin ones check the role inside)');
select ok(
  has_table_privilege('service_role', 'public.profiles', 'select, update') and has_table_privilege('service_role', 'public.public_profiles', 'select')
  and not has_any_column_privilege('service_role', 'private.profile_cards', 'insert') and not has_any_column_privilege('service_role', 'private.profile_cards', 'update')
  and not has_table_privilege('service_role', 'private.profile_cards', 'delete')
  and has_table_privilege('service_role', 'public.audit_log', 'select') and not has_table_privilege('service_role', 'public.audit_log', 'insert')
  and not has_table_privilege('service_role', 'public.audit_log', 'update') and not has_table_privilege('service_role', 'public.audit_log', 'delete'),
  'IP-07: the service role reads and updates profiles, reads cards and the audit log, but writes neither cards nor the log');

select set_eq($$
  select c.relname || ' ' || r.rolname || ' ' || p.privilege from pg_class as c
  cross join (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
  cross join unnest(array['insert', 'update', 'delete', 'truncate']) as p (privilege)
  where c.relnamespace = 'public'::regnamespace and c.relkind = 'v'
    and case when p.privilege in ('insert', 'update') then has_any_column_privilege(r.rolname, c.oid, p.privilege)
             else has_table_privilege(r.rolname, c.oid, p.privilege) end
$$, array['goal_overview authenticated insert', 'goal_overview authenticated update', 'goal_overview authenticated delete',
          'my_profile authenticated update', 'my_notifications authenticated update', 'my_notifications authenticated delete',
          'my_notification_preferences authenticated update'],
  'IP-09: views are read-only for every API role, the service role included, except the seed''s writes for signed-in users: '
  || 'goal_overview (POST, PUT, DELETE /progress/goals), my_profile (PUT /users/profile), my_notifications (mark read, delete) '
  || 'and my_notification_preferences (push, inApp), through INSTEAD OF triggers; my_notification_settings is read-only '
  || '(rpc update_notification_settings writes it)');
select set_eq($$
  select c.relname || ' ' || p.privilege || ' ' || a.attname from pg_class as c
  join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  cross join unnest(array['insert', 'update']) as p (privilege)
  where c.relnamespace = 'public'::regnamespace and c.relkind = 'v' and has_column_privilege('authenticated', c.oid, a.attnum, p.privilege)
$$, array['goal_overview insert title', 'goal_overview insert description', 'goal_overview insert category', 'goal_overview insert unit',
          'goal_overview insert target', 'goal_overview insert current',
          'goal_overview update title', 'goal_overview update description', 'goal_overview update category', 'goal_overview update unit',
          'goal_overview update target', 'goal_overview update current', 'goal_overview update archivedAt',
          'my_profile update firstName', 'my_profile update lastName', 'my_profile update phone', 'my_profile update dateOfBirth',
          'my_profile update location', 'my_profile update occupation', 'my_profile update bio', 'my_profile update interests',
          'my_profile update timeZone', 'my_profile update privacySettings', 'my_profile update isListener',
          'my_notifications update readAt', 'my_notification_preferences update push', 'my_notification_preferences update inApp'],
  'IP-10: … on exactly the seed''s fields: never id, progress, streak or completedAt of a goal, never id, email, role or activity of a profile, '
  || 'only readAt of a notification (never its words, type or eventCount), only push and inApp of a preference (never its type)');

select tests.create_supabase_user('admin');
select tests.create_supabase_user('someone', metadata => '{"firstName": "Sol"}');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');
select tests.authenticate_as('admin');
select is((select "displayName" from public.public_profiles where id = tests.public_id_of('someone')), 'Sol',
  'IP-08: admins see other people as everyone does, through their public cards');
select is((select count(*)::int from public.my_profile), 1, 'IP-08: … and my_profile is their own only');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.my_profile), 0, 'IP-08: the service role has no "own" profile');

select * from finish();
rollback;
