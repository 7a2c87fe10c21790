-- Support groups: who creates, who joins, who moderates, exact member counts, search, online count, and members who
-- stay pseudonymous. Threat ids: GR-01 … GR-40.
begin;
select plan(62);

select tests.create_supabase_user('therapist', metadata => '{"firstName": "Tara"}');
select tests.create_supabase_user('other-therapist');
select tests.create_supabase_user('admin');
select tests.create_supabase_user('member', email => 'member@example.com', metadata => '{"firstName": "Mona", "lastName": "Member"}');
select tests.create_supabase_user('open-member', metadata => '{"firstName": "Otto"}');
select tests.create_supabase_user('applicant');
select tests.create_supabase_user('troll');
select tests.create_supabase_user('outsider');
select tests.create_supabase_user('guest', is_anonymous => true);
update public.profiles set role = 'therapist' where id in (tests.get_supabase_uid('therapist'), tests.get_supabase_uid('other-therapist'));
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');

--- creating groups
select tests.authenticate_as('member');
select throws_ok($$insert into public.support_groups (name, description, category_id) values ('My room', 'Unmoderated', 'general')$$,
  '42501', null, 'GR-01: a client cannot create a group');
select tests.authenticate_as('therapist');
insert into public.support_groups (name, description, category_id) values ('Zephyr Anxiety Lounge', 'A safe space to talk about anxiety and panic', 'anxiety');
insert into public.support_groups (name, description, category_id, privacy) values ('Zephyr Grief Garden', 'For people who lost someone', 'grief', 'private');
select set_config('tests.public_group', (select id::text from public.support_groups where name = 'Zephyr Anxiety Lounge'), true);
select set_config('tests.private_group', (select id::text from public.support_groups where name = 'Zephyr Grief Garden'), true);
select results_eq($$select "memberCount", joined, membership::text from public.list_groups() where name = 'Zephyr Anxiety Lounge'$$,
  $$values (1, true, 'active'::text)$$, 'GR-02: a therapist creates a group and is its first member (the owner)');
select throws_ok($$insert into public.support_groups (name, description, category_id) values ('Nope', 'x', 'astrology')$$,
  '23503', null, 'GR-03: categories come from the curated list');
select throws_ok($$update public.support_groups set member_count = 999$$, '42501', null, 'GR-04: member_count is not writable');

--- joining
select tests.authenticate_as('member');
select is(public.join_group(current_setting('tests.public_group')::uuid) ->> 'status', 'active', 'GR-05: joining a public group is immediate');
select is(public.join_group(current_setting('tests.public_group')::uuid) ->> 'status', 'active', 'GR-05: joining twice is harmless');
select is((select member_count from public.support_groups where id = current_setting('tests.public_group')::uuid), 2, 'GR-06: member_count counts once');
select tests.authenticate_as('open-member');
select public.join_group(current_setting('tests.public_group')::uuid, "useDisplayName" => true);
select tests.authenticate_as('troll');
select public.join_group(current_setting('tests.public_group')::uuid);
select tests.authenticate_as('applicant');
select is(public.join_group(current_setting('tests.private_group')::uuid) ->> 'status', 'pending', 'GR-07: joining a private group is a request');
select results_eq($$select joined, membership::text from public.list_groups() where name = 'Zephyr Grief Garden'$$, $$values (false, 'pending'::text)$$,
  'GR-07: … shown as pending, not joined');
select throws_ok(format($$select * from public.list_group_members(%L)$$, current_setting('tests.private_group')), 'PT404', null,
  'GR-08: a pending applicant sees no members');
select tests.authenticate_as('guest');
select throws_ok(format($$select public.join_group(%L)$$, current_setting('tests.public_group')), 'PT403', null, 'GR-09: anonymous sign-ins do not join groups');
select throws_ok($$select * from public.list_groups()$$, 'PT403', null, 'GR-09: … nor browse them');
select tests.clear_authentication();
select throws_ok($$select * from public.list_groups()$$, '42501', null, 'GR-10: anon cannot list groups');

--- what members see of each other
select tests.authenticate_as('troll');
select is((select count(*)::int from public.list_group_members(current_setting('tests.public_group')::uuid)), 4, 'GR-11: members see the member list');
select ok((select jsonb_agg(to_jsonb(m))::text from public.list_group_members(current_setting('tests.public_group')::uuid) as m) !~ '(Mona|member@example.com)'
  and position(tests.get_supabase_uid('member')::text in (select jsonb_agg(to_jsonb(m))::text from public.list_group_members(current_setting('tests.public_group')::uuid) as m)) = 0,
  'GR-12: a pseudonymous member shows no name, email or account id');
select ok(exists (select 1 from public.list_group_members(current_setting('tests.public_group')::uuid) where name = 'Otto'),
  'GR-13: a member who chose to appear by name does');
select throws_ok($$select user_id from private.group_members$$, '42501', null, 'GR-14: the account behind a member is unreadable');
reset role;
update public.profiles set anonymous_mode = true where id = tests.get_supabase_uid('open-member');
select tests.authenticate_as('troll');
select ok(not exists (select 1 from public.list_group_members(current_setting('tests.public_group')::uuid) where name = 'Otto'),
  'GR-15: anonymous mode forces the pseudonym even for a member who chose their name');
select tests.authenticate_as('outsider');
select throws_ok(format($$select * from public.list_group_members(%L)$$, current_setting('tests.public_group')), 'PT404', null,
  'GR-16: a non-member sees no members');

--- moderation (moderators name a member by the handle the member list or one of their messages shows)
reset role;
select set_config('tests.applicant_member', (select private.group_member_handle(m)::text from private.group_members as m where user_id = tests.get_supabase_uid('applicant')), true);
select set_config('tests.troll_member', (select private.group_member_handle(m)::text from private.group_members as m where user_id = tests.get_supabase_uid('troll')), true);
select set_config('tests.troll_membership', (select id::text from private.group_members where user_id = tests.get_supabase_uid('troll')), true);
select tests.authenticate_as('other-therapist');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'ban')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'PT403', null, 'GR-17: a therapist has no power in a group they do not moderate');
select tests.authenticate_as('therapist');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'mute', now() + interval '1 hour')$$, current_setting('tests.public_group'),
    current_setting('tests.troll_membership')),
  'PT404', 'No such member', 'GR-40: a membership id is no handle: moderation takes only what members are shown');
select tests.authenticate_as('troll');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'ban')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'PT403', null, 'GR-18: members do not moderate');
select tests.authenticate_as('therapist');
select lives_ok(format($$select public.moderate_group_member(%L, %L, 'approve')$$, current_setting('tests.private_group'), current_setting('tests.applicant_member')),
  'GR-19: the owner approves a join request');
select is((select member_count from public.support_groups where id = current_setting('tests.private_group')::uuid), 2, 'GR-19: … which counts the member');
select lives_ok(format($$select public.moderate_group_member(%L, %L, 'mute', now() + interval '1 hour')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'GR-20: the owner mutes a member until a time');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'mute', now() - interval '1 hour')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'PT400', 'mutedUntil must be in the future', 'GR-20: a mute ends in the future');
select lives_ok(format($$select public.moderate_group_member(%L, %L, 'ban')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'GR-21: the owner bans a member');
select is((select member_count from public.support_groups where id = current_setting('tests.public_group')::uuid), 3, 'GR-21: … who no longer counts');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'dance')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'PT400', null, 'GR-22: an unknown action is a 400');
select tests.authenticate_as('troll');
select throws_ok(format($$select public.join_group(%L)$$, current_setting('tests.public_group')), 'PT403', 'You cannot join this group', 'GR-23: a banned member cannot rejoin');
select tests.authenticate_as('admin');
select lives_ok(format($$select public.moderate_group_member(%L, %L, 'unban')$$, current_setting('tests.public_group'), current_setting('tests.troll_member')),
  'GR-24: an admin moderates any group');

--- leaving
select tests.authenticate_as('member');
select is(public.leave_group(current_setting('tests.public_group')::uuid) ->> 'status', 'left', 'GR-25: a member leaves');
select is(public.leave_group(current_setting('tests.public_group')::uuid) ->> 'status', 'left', 'GR-25: leaving twice is harmless');
select is((select member_count from public.support_groups where id = current_setting('tests.public_group')::uuid), 2, 'GR-25: … and counts once');
select tests.authenticate_as('therapist');
select throws_ok(format($$select public.leave_group(%L)$$, current_setting('tests.public_group')), 'PT409', null, 'GR-26: the owner hands the group over before leaving');
reset role;
select set_config('tests.open_member', (select private.group_member_handle(m)::text from private.group_members as m where user_id = tests.get_supabase_uid('open-member')
  and group_id = current_setting('tests.public_group')::uuid), true);
select tests.authenticate_as('outsider');
select public.join_group(current_setting('tests.public_group')::uuid);
reset role;
select set_config('tests.outsider_member', (select private.group_member_handle(m)::text from private.group_members as m where user_id = tests.get_supabase_uid('outsider')), true);
select tests.authenticate_as('therapist');
select public.moderate_group_member(current_setting('tests.public_group')::uuid, current_setting('tests.open_member')::uuid, 'promote');
select tests.authenticate_as('open-member');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'promote')$$, current_setting('tests.public_group'), current_setting('tests.outsider_member')),
  'PT403', 'Only the owner or an admin can change roles', 'GR-36: a moderator cannot make more moderators');
select tests.authenticate_as('outsider');
select public.leave_group(current_setting('tests.public_group')::uuid);
select tests.authenticate_as('therapist');
select lives_ok(format($$select public.moderate_group_member(%L, %L, 'make_owner')$$, current_setting('tests.private_group'), current_setting('tests.applicant_member')),
  'GR-37: the owner hands a group over');
select is(public.leave_group(current_setting('tests.private_group')::uuid) ->> 'status', 'left', 'GR-37: … and can then leave it');
reset role;
insert into private.group_members (group_id, user_id, status, joined_at)
values (current_setting('tests.private_group')::uuid, tests.get_supabase_uid('outsider'), 'active', now());
update public.support_groups set member_cap = 2 where id = current_setting('tests.private_group')::uuid;
select tests.create_supabase_user('late-applicant');
select tests.authenticate_as('late-applicant');
select public.join_group(current_setting('tests.private_group')::uuid);
reset role;
select set_config('tests.late_applicant', (select private.group_member_handle(m)::text from private.group_members as m where user_id = tests.get_supabase_uid('late-applicant')), true);
select tests.authenticate_as('applicant');
select throws_ok(format($$select public.moderate_group_member(%L, %L, 'approve')$$, current_setting('tests.private_group'), current_setting('tests.late_applicant')),
  'PT409', 'This group is full', 'GR-38: approving a request into a full group is a clear 409 (no constraint error)');

--- search and filters
select tests.authenticate_as('outsider');
select results_eq($$select name from public.list_groups(search => 'zephyr lounge', "limit" => 1)$$, $$values ('Zephyr Anxiety Lounge'::text)$$,
  'GR-27: full-text search ranks the best match first');
select results_eq($$select name from public.list_groups(search => 'zepyhr anxeity', "limit" => 1)$$, $$values ('Zephyr Anxiety Lounge'::text)$$,
  'GR-28: typos still find the group, ranked first');
select results_eq($$select name from public.list_groups(category => 'grief') where name like 'Zephyr%'$$, $$values ('Zephyr Grief Garden'::text)$$,
  'GR-29: filter by category');
select is_empty($$select 1 from public.list_groups(category => 'grief') where "categoryId" <> 'grief'$$, 'GR-29: … only that category');
select results_eq($$select category, "categoryId" from public.list_groups(category => 'grief') where name like 'Zephyr%'$$,
  $$values ('Grief & Loss'::text, 'grief'::text)$$, 'GR-29: category is the name the listing shows, categoryId its id');
select results_eq($$select name from public.list_groups(category => 'Grief & Loss') where name like 'Zephyr%'$$, $$values ('Zephyr Grief Garden'::text)$$,
  'GR-29: filter by the category''s name as shown');
select results_eq($$select name from public.list_groups(category => 'grief & loss') where name like 'Zephyr%'$$, $$values ('Zephyr Grief Garden'::text)$$,
  'GR-29: … in any case');
select results_eq($$select name from public.list_groups(category => 'GRIEF') where name like 'Zephyr%'$$, $$values ('Zephyr Grief Garden'::text)$$,
  'GR-29: … or by its id, in any case');
select throws_ok($$select * from public.list_groups(category => 'Astrology')$$, 'PT400', 'Unknown category: Astrology',
  'GR-29: an unknown category is a 400, not an empty page');
do $$
declare
  hint text;
begin
  perform 1 from public.list_groups(category => 'Astrology');
exception when sqlstate 'PT400' then
  get stacked diagnostics hint = pg_exception_hint;
  perform set_config('tests.category_hint', hint, true);
end;
$$;
select is(current_setting('tests.category_hint'),
  'Categories: ' || (select string_agg(name, ', ' order by sort_order) from public.group_categories),
  'GR-29: … whose hint names the categories');
select throws_ok($$select * from public.list_groups("limit" => 0)$$, 'PT400', 'limit must be between 1 and 100', 'GR-29: a page holds 1 to 100 groups');
select is_empty($$select 1 from public.list_groups(joined => true) where name = 'Zephyr Anxiety Lounge'$$, 'GR-29: joined only: not a group one left');

--- scheduled sessions
select tests.authenticate_as('therapist');
select set_config('tests.session', public.schedule_group_session(current_setting('tests.public_group')::uuid, 'Evening check-in',
  now() + interval '1 day')::text, true);
select throws_ok(format($$select public.schedule_group_session(%L, 'Yesterday', now() - interval '1 day')$$, current_setting('tests.public_group')),
  'PT400', null, 'GR-31: sessions start in the future');
select tests.authenticate_as('open-member');
select is(public.rsvp_group_session(current_setting('tests.session')::uuid), 1, 'GR-32: a member RSVPs');
select is(public.rsvp_group_session(current_setting('tests.session')::uuid), 1, 'GR-32: … once');
select tests.authenticate_as('troll');
select public.join_group(current_setting('tests.public_group')::uuid);
select throws_ok(format($$select public.schedule_group_session(%L, 'My own session', now() + interval '2 days')$$, current_setting('tests.public_group')),
  'PT403', null, 'GR-33: members do not schedule sessions');
select tests.authenticate_as('open-member');
select ok((select "nextSession" > now() from public.list_groups() where name = 'Zephyr Anxiety Lounge'), 'GR-34: nextSession is the next session not yet ended');
select tests.authenticate_as('outsider');
select throws_ok(format($$select public.rsvp_group_session(%L)$$, current_setting('tests.session')), 'PT404', null, 'GR-35: non-members cannot RSVP');
select is_empty($$select 1 from public.group_sessions$$, 'GR-35: … nor see sessions');

--- online count from heartbeats (open-member's anonymous identity from GR-15 is listed first: until then nobody
--- sees them, online or not)
reset role;
select tests.list_pending_cards();
select tests.authenticate_as('open-member');
select public.group_heartbeat(current_setting('tests.public_group')::uuid);
select is((select "onlineCount" from public.list_groups() where name = 'Zephyr Anxiety Lounge'), 1, 'GR-30: a heartbeat counts the member online');
reset role;
update public.profiles set show_activity = false where id = tests.get_supabase_uid('open-member');
select tests.authenticate_as('open-member');
select is((select "onlineCount" from public.list_groups() where name = 'Zephyr Anxiety Lounge'), 1,
  'GR-39: turning showActivity off switches nothing off at that instant (that would pair the member''s indicators everywhere) …');
select public.group_heartbeat(current_setting('tests.public_group')::uuid);
reset role;
-- Two minutes pass without a heartbeat that others may see.
update private.group_members set last_seen_at = last_seen_at - interval '3 minutes', shown_seen_at = shown_seen_at - interval '3 minutes'
where user_id = tests.get_supabase_uid('open-member');
select tests.authenticate_as('open-member');
select public.group_heartbeat(current_setting('tests.public_group')::uuid);
select is((select "onlineCount" from public.list_groups() where name = 'Zephyr Anxiety Lounge'), 0,
  'GR-39: … but from then on the member''s heartbeats show to nobody, and they are not counted once the last one seen decays');
reset role;
update public.profiles set show_activity = true where id = tests.get_supabase_uid('open-member');
select tests.authenticate_as('open-member');
reset role;
update private.group_members set last_seen_at = now() - interval '3 minutes' where user_id = tests.get_supabase_uid('open-member');
select tests.authenticate_as('open-member');
select is((select "onlineCount" from public.list_groups() where name = 'Zephyr Anxiety Lounge'), 0, 'GR-30: … for two minutes');

select * from finish();
rollback;
