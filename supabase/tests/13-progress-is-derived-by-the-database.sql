-- Goals, achievements and the timeline: progress, completion and unlocks come from the database, never the client;
-- owner only; goals are written through goal_overview as the seed writes /progress/goals. Threat ids: PG-01 … PG-28.
begin;
select plan(45);

select tests.create_supabase_user('owner', metadata => '{"timeZone": "Europe/Lisbon"}');
select tests.create_supabase_user('stranger');
select tests.create_supabase_user('therapist');
select tests.create_supabase_user('admin');
update public.profiles set role = 'therapist' where id = tests.get_supabase_uid('therapist');
update public.profiles set role = 'admin' where id = tests.get_supabase_uid('admin');

--- goals
select tests.authenticate_as('owner');
insert into public.goals (title, description, category, unit, target) values ('Daily Meditation', 'Meditate for 10 minutes every day', 'Mindfulness', 'days', 4);
select set_config('tests.goal', (select id::text from public.goals), true);
select results_eq($$select progress, current::numeric, completed_at from public.goals$$, $$values (0, 0::numeric, null::timestamptz)$$,
  'PG-01: a new goal starts at zero');
select throws_ok($$update public.goals set current = 4$$, '42501', null, 'PG-02: current is not writable by the client');
select throws_ok($$update public.goals set completed_at = now()$$, '42501', null, 'PG-02: nor is completion');
select throws_ok($$insert into public.goals (title, target, current) values ('Cheat', 1, 1)$$, '42501', null, 'PG-02: nor can a goal start completed');
select throws_ok($$insert into public.goals (title, target) values ('Zero', 0)$$, '23514', null, 'PG-03: a target is positive');

-- Progress on three consecutive days up to today, as the app logs it.
insert into public.goal_progress (goal_id, logged_on) values
  (current_setting('tests.goal')::uuid, private.local_date(auth.uid()) - 2),
  (current_setting('tests.goal')::uuid, private.local_date(auth.uid()) - 1),
  (current_setting('tests.goal')::uuid, private.local_date(auth.uid()));
select results_eq($$select progress, current::numeric, streak, "completedAt" from public.goal_overview$$,
  $$values (75, 3::numeric, 3, null::timestamptz)$$, 'PG-04: current, progress (75%) and streak (3 days) are derived');
insert into public.goal_progress (goal_id, amount) values (current_setting('tests.goal')::uuid, 2);
select results_eq($$select progress, current::numeric from public.goals$$, $$values (100, 5::numeric)$$, 'PG-05: progress stops at 100%');
select isnt((select completed_at from public.goals), null, 'PG-06: reaching the target completes the goal');
select is((select count(*)::int from public.user_achievements where achievement_id = 'goal_completed'), 1, 'PG-07: … and unlocks goal_completed');
delete from public.goal_progress where amount = 2;
select results_eq($$select progress, current::numeric, completed_at is not null from public.goals$$, $$values (75, 3::numeric, true)$$,
  'PG-08: removing progress recomputes current; completion, once reached, stays');
update public.goals set archived_at = now();
select throws_ok(format($$insert into public.goal_progress (goal_id) values (%L)$$, current_setting('tests.goal')), '42501', null,
  'PG-09: an archived goal takes no more progress');
insert into public.goals (title, target) values ('Walks', 10);
insert into public.goal_progress (goal_id, amount) select id, 3 from public.goals where title = 'Walks';
update public.goals set target = 3 where title = 'Walks';
select isnt((select completed_at from public.goals where title = 'Walks'), null, 'PG-10: lowering the target to what is done completes the goal');

--- achievements
select ok((select unlocked from public.my_achievements where id = 'first_goal'), 'PG-11: setting a first goal unlocks first_goal');
insert into public.journal_entries (title, content, mood) values ('First', 'My first entry', 'happy');
select ok((select unlocked from public.my_achievements where id = 'first_journal_entry'), 'PG-12: a first journal entry unlocks first_journal_entry');
insert into public.journal_entries (title, content, mood) select 'Entry ' || n, 'More', 'neutral' from generate_series(1, 9) as n;
select ok((select unlocked from public.my_achievements where id = 'journal_10_entries'), 'PG-13: the tenth entry unlocks journal_10_entries');
insert into public.mood_entries (date, mood) select private.local_date(auth.uid()) - n, 3 from generate_series(1, 6) as n;
select ok(not (select unlocked from public.my_achievements where id = 'mood_streak_7'), 'PG-14: six days in a row are not seven');
insert into public.mood_entries (date, mood) values (private.local_date(auth.uid()), 4);
select ok((select unlocked from public.my_achievements where id = 'mood_streak_7'), 'PG-14: the seventh day in a row unlocks mood_streak_7');
select is((select count(*)::int from public.my_achievements), (select count(*)::int from public.achievements),
  'PG-15: my_achievements lists the whole catalogue, locked and unlocked together');
select is((select count(*)::int from public.my_achievements where not unlocked and date is null), 1, 'PG-15: … locked ones without a date');
select throws_ok($$insert into public.user_achievements (user_id, achievement_id) values (auth.uid(), 'mood_streak_30')$$, '42501', null,
  'PG-16: the client cannot unlock an achievement');

--- the timeline
select is((select count(*)::int from public.my_timeline), 8, 'PG-17: the timeline has every unlocked achievement and completed goal');
select set_eq($$select title from public.my_timeline where type = 'goal'$$,
  array['Completed: Walks', 'Completed: Daily Meditation'], 'PG-18: completed goals are on the timeline with the seed''s fields');
select results_eq($$select "occurredAt" from public.my_timeline where type = 'goal' and title = 'Completed: Walks'$$,
  $$select completed_at from public.goals where title = 'Walks'$$, 'PG-18: … when they happened as occurredAt (the seed''s key)');
select results_eq($$select id from public.my_achievements order by "sortOrder"$$, $$select id from public.achievements order by sort_order$$,
  'PG-15: my_achievements is ordered by the seed''s sortOrder');

--- goals written through goal_overview: the seed's POST, PUT and DELETE /progress/goals
insert into public.goal_overview (title, description, category, unit, target, current) values ('Read', 'Pages read', 'Learning', 'pages', 100, 30);
select results_eq($$select o.title, o.description, o.category, o.unit, o.target, o.current, o.progress, g.user_id, g.completed_at
                    from public.goal_overview as o join public.goals as g using (id) where o.title = 'Read'$$,
  $$values ('Read'::text, 'Pages read'::text, 'Learning'::text, 'pages'::text, 100::numeric(12, 2), 30::numeric(12, 2), 30, tests.get_supabase_uid('owner'), null::timestamptz)$$,
  'PG-22: an insert into goal_overview creates the caller''s goal, its starting current logged as progress');
select set_config('tests.read_goal', (select id::text from public.goals where title = 'Read'), true);
update public.goal_overview set current = 50 where title = 'Read';
select results_eq($$select current, progress from public.goal_overview where title = 'Read'$$, $$values (50::numeric(12, 2), 50)$$,
  'PG-23: setting a higher current (the seed''s PUT) logs the difference …');
select results_eq($$select amount from public.goal_progress where goal_id = current_setting('tests.read_goal')::uuid order by amount$$,
  $$values (20::numeric(12, 2)), (30::numeric(12, 2))$$, 'PG-23: … as progress today, so current stays the sum of the log');
update public.goal_overview set current = 20 where title = 'Read';
select results_eq($$select (select current from public.goal_overview where title = 'Read'),
                           (select array_agg(amount) from public.goal_progress where goal_id = current_setting('tests.read_goal')::uuid)$$,
  $$values (20::numeric(12, 2), array[20::numeric(12, 2)])$$, 'PG-23: a lower current takes back the newest progress and logs what is missing');
update public.goal_overview set title = 'Read more', target = 40 where title = 'Read';
select results_eq($$select title, target, current, progress from public.goal_overview where id = current_setting('tests.read_goal')::uuid$$,
  $$values ('Read more'::text, 40::numeric(12, 2), 20::numeric(12, 2), 50)$$, 'PG-24: other fields update in place; current is left alone');
select throws_ok($$update public.goal_overview set current = -1 where title = 'Read more'$$, 'PT400', 'current must be a number of at least 0',
  'PG-24: a negative current is a 400');
select throws_ok($$update public.goal_overview set current = 1 where title = 'Daily Meditation'$$, 'PT422', 'An archived goal takes no more progress',
  'PG-25: an archived goal takes no more progress through the view either');
select throws_ok($$update public.goal_overview set progress = 100 where title = 'Read more'$$, '42501', null,
  'PG-26: progress is not writable through the view');
select throws_ok($$update public.goal_overview set "completedAt" = now() where title = 'Read more'$$, '42501', null,
  'PG-26: … nor is completion');
select throws_ok($$insert into public.goal_overview (title, category, unit, target, streak) values ('Cheat', 'General', 'times', 1, 99)$$, '42501', null,
  'PG-26: … nor can a goal start with a streak');

--- another user's goals through goal_overview
select tests.authenticate_as('stranger');
select is_empty(format($$update public.goal_overview set title = 'hijacked', current = 0 where id = %L returning 1$$, current_setting('tests.read_goal')),
  'PG-27: another user cannot update someone''s goal through goal_overview');
select is_empty(format($$delete from public.goal_overview where id = %L returning 1$$, current_setting('tests.read_goal')),
  'PG-27: … nor delete it');
select tests.authenticate_as('owner');
select results_eq($$select title, current from public.goal_overview where id = current_setting('tests.read_goal')::uuid$$,
  $$values ('Read more'::text, 20::numeric(12, 2))$$, 'PG-27: … and the owner''s goal is as they left it');
delete from public.goal_overview where id = current_setting('tests.read_goal')::uuid;
select is_empty($$select 1 from public.goals where title = 'Read more' union all select 1 from public.goal_progress where goal_id = current_setting('tests.read_goal')::uuid$$,
  'PG-28: deleting from goal_overview removes the goal and its progress');

--- everyone else
select tests.authenticate_as('stranger');
select is_empty($$select 1 from public.goals union all select 1 from public.goal_progress union all select 1 from public.user_achievements
  union all select 1 from public.goal_overview union all select 1 from public.my_timeline$$,
  'PG-19: another user sees none of it');
select is((select count(*)::int from public.my_achievements where unlocked), 0, 'PG-19: … and their own achievements are their own');
select tests.authenticate_as('therapist');
select is_empty($$select 1 from public.goals union all select 1 from public.goal_progress union all select 1 from public.user_achievements
  union all select 1 from public.goal_overview union all select 1 from public.my_timeline$$, 'PG-20: a therapist sees none of it');
select tests.authenticate_as('admin');
select is_empty($$select 1 from public.goals union all select 1 from public.goal_progress union all select 1 from public.user_achievements
  union all select 1 from public.goal_overview union all select 1 from public.my_timeline$$, 'PG-20: an admin sees none of it');
select is_empty($$update public.goals set title = 'hijacked' returning 1$$, 'PG-20: … and changes none of it');
select tests.clear_authentication();
select throws_ok($$select * from public.goals$$, '42501', null, 'PG-21: anon has no access');
select throws_ok($$select * from public.my_achievements$$, '42501', null, 'PG-21: … not even to the catalogue');

select * from finish();
rollback;
