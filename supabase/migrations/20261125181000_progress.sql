-- Progress (the seed's /progress/*): goals whose progress the database derives from logged progress, achievements
-- the database unlocks when the event happens (never the client), and one timeline of a person's milestones.
-- * goals.current is the sum of goal_progress; progress (percent) is generated; completed_at is set the first time
--   current reaches target; the streak is computed when read (it depends on today) in public.goal_overview.
-- * Achievements unlock through private.unlock_achievement: an insert that does nothing when the row exists, on a
--   primary key, so concurrent triggering events unlock it exactly once.

create table public.goals (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null,
  description text,
  category text not null default 'General',
  unit text not null default 'times',
  target numeric(12, 2) not null,
  current numeric(12, 2) not null default 0,
  progress integer generated always as (case when target > 0 then least(100, floor(current * 100 / target))::integer else 0 end) stored,
  completed_at timestamptz,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint goals_title_length_check check (char_length(btrim(title)) between 1 and 120),
  constraint goals_description_length_check check (char_length(description) <= 1000),
  constraint goals_category_length_check check (char_length(btrim(category)) between 1 and 40),
  constraint goals_unit_length_check check (char_length(btrim(unit)) between 1 and 20),
  constraint goals_target_positive_check check (target > 0),
  constraint goals_current_nonnegative_check check (current >= 0)
);
comment on table public.goals is 'Wellness goals (the seed''s goals). Personal; owner only. current, progress and completed_at are derived by the database.';
comment on column public.goals.target is 'How much of unit makes the goal complete (> 0).';
comment on column public.goals.current is 'Derived: the sum of the goal''s logged progress. Not writable through the API.';
comment on column public.goals.progress is 'Derived: percent of target reached, 0-100.';
comment on column public.goals.completed_at is 'Derived: when current first reached target.';
comment on column public.goals.archived_at is 'Set by the owner to archive the goal; archived goals take no more progress.';

create index goals_user_id_created_at_idx on public.goals (user_id, created_at desc);

alter table public.goals enable row level security;
revoke all on table public.goals from anon, authenticated;
grant select, delete on table public.goals to authenticated;
grant insert (title, description, category, unit, target) on table public.goals to authenticated;
grant update (title, description, category, unit, target, archived_at) on table public.goals to authenticated;

create policy goals_select_own on public.goals for select to authenticated using (user_id = (select auth.uid()));
create policy goals_insert_own on public.goals for insert to authenticated with check (user_id = (select auth.uid()));
create policy goals_update_own on public.goals
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy goals_delete_own on public.goals for delete to authenticated using (user_id = (select auth.uid()));

create trigger goals_set_updated_at before update on public.goals for each row execute function private.set_updated_at();

create table public.goal_progress (
  id uuid primary key default gen_random_uuid(),
  goal_id uuid not null references public.goals (id) on delete cascade,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  amount numeric(12, 2) not null default 1,
  logged_on date not null default private.local_date(auth.uid()),
  note text,
  created_at timestamptz not null default now(),
  constraint goal_progress_amount_range_check check (amount > 0 and amount <= 100000),
  constraint goal_progress_note_length_check check (char_length(note) <= 500)
);
comment on table public.goal_progress is 'Progress logged against a goal (PUT /progress/goals/:id "log progress"). Owner only; drives goals.current and the streak.';
comment on column public.goal_progress.logged_on is 'The owner''s calendar day (their time zone); defaults to their today.';

create index goal_progress_goal_id_logged_on_idx on public.goal_progress (goal_id, logged_on);
create index goal_progress_user_id_idx on public.goal_progress (user_id);

alter table public.goal_progress enable row level security;
revoke all on table public.goal_progress from anon, authenticated;
grant select, delete on table public.goal_progress to authenticated;
grant insert (goal_id, amount, logged_on, note) on table public.goal_progress to authenticated;

create policy goal_progress_select_own on public.goal_progress for select to authenticated using (user_id = (select auth.uid()));
-- Progress goes only to one's own goals that are not archived.
create policy goal_progress_insert_own on public.goal_progress
  for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and goal_id in (select g.id from public.goals as g where g.user_id = (select auth.uid()) and g.archived_at is null)
  );
create policy goal_progress_delete_own on public.goal_progress for delete to authenticated using (user_id = (select auth.uid()));

create table public.achievements (
  id text primary key,
  title text not null,
  description text not null,
  icon text not null,
  sort_order integer not null
);
comment on table public.achievements is 'The catalogue of achievements (title, description, icon name for the frontend). Readable by signed-in users; maintained by migrations.';

alter table public.achievements enable row level security;
revoke all on table public.achievements from anon, authenticated;
grant select on table public.achievements to authenticated;
create policy achievements_select_signed_in on public.achievements for select to authenticated using (true);

insert into public.achievements (id, title, description, icon, sort_order) values
  ('first_journal_entry', 'First Step', 'Wrote your first journal entry', 'BookOpen', 10),
  ('journal_10_entries', 'Finding Your Voice', 'Wrote 10 journal entries', 'PenLine', 20),
  ('first_mood_entry', 'Checking In', 'Logged your mood for the first time', 'Smile', 30),
  ('mood_streak_7', 'One Week Strong', 'Logged your mood 7 days in a row', 'Flame', 40),
  ('mood_streak_30', 'A Month of Check-ins', 'Logged your mood 30 days in a row', 'Trophy', 50),
  ('first_goal', 'Setting Intentions', 'Set your first goal', 'Target', 60),
  ('goal_completed', 'Goal Getter', 'Completed a goal', 'Award', 70)
on conflict (id) do update set title = excluded.title, description = excluded.description, icon = excluded.icon, sort_order = excluded.sort_order;

create table public.user_achievements (
  user_id uuid not null references auth.users (id) on delete cascade,
  achievement_id text not null references public.achievements (id) on delete cascade,
  unlocked_at timestamptz not null default now(),
  primary key (user_id, achievement_id)
);
comment on table public.user_achievements is 'Achievements a person has unlocked, once each, written only by the database. Owner reads.';

create index user_achievements_achievement_id_idx on public.user_achievements (achievement_id);

alter table public.user_achievements enable row level security;
revoke all on table public.user_achievements from anon, authenticated;
grant select on table public.user_achievements to authenticated;
create policy user_achievements_select_own on public.user_achievements for select to authenticated using (user_id = (select auth.uid()));

-- security definer: triggers unlock for the acting person, who may not write user_achievements themselves.
create function private.unlock_achievement(person_id uuid, achievement text)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.user_achievements (user_id, achievement_id) values (person_id, achievement)
  on conflict (user_id, achievement_id) do nothing;
$$;
comment on function private.unlock_achievement(uuid, text) is 'Unlocks an achievement once; a second or concurrent unlock does nothing.';

-- Journal milestones. security definer: counts the author's entries and unlocks for them.
create function private.unlock_journal_achievements()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.unlock_achievement(new.user_id, 'first_journal_entry');
  if (select count(*) from public.journal_entries as e where e.user_id = new.user_id) >= 10 then
    perform private.unlock_achievement(new.user_id, 'journal_10_entries');
  end if;
  return null;
end;
$$;
comment on function private.unlock_journal_achievements() is 'Trigger on journal_entries: first entry, tenth entry.';
create trigger journal_entries_unlock_achievements
  after insert on public.journal_entries
  for each row execute function private.unlock_journal_achievements();

-- Mood milestones. security definer: reads the author's entries and unlocks for them.
create function private.unlock_mood_achievements()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  run_length integer;
begin
  perform private.unlock_achievement(new.user_id, 'first_mood_entry');
  -- The run of consecutive days that contains this entry (entries may be logged late, for an earlier day).
  select s.longest_streak into run_length
  from private.day_streaks((
    select array_agg(m.entry_date) from public.mood_entries as m
    where m.user_id = new.user_id and m.entry_date between new.entry_date - 29 and new.entry_date + 29
  ), new.entry_date + 29) as s;
  if run_length >= 7 then
    perform private.unlock_achievement(new.user_id, 'mood_streak_7');
  end if;
  if run_length >= 30 then
    perform private.unlock_achievement(new.user_id, 'mood_streak_30');
  end if;
  return null;
end;
$$;
comment on function private.unlock_mood_achievements() is 'Trigger on mood_entries: first check-in, 7 and 30 days in a row.';
create trigger mood_entries_unlock_achievements
  after insert or update of entry_date on public.mood_entries
  for each row execute function private.unlock_mood_achievements();

-- security definer: unlocks, for the row's user_id, the achievement named by the trigger's argument. One function for
-- every "this event unlocks that achievement" trigger.
create function private.unlock_achievement_for_row()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.unlock_achievement(new.user_id, tg_argv[0]);
  return null;
end;
$$;
comment on function private.unlock_achievement_for_row() is 'Trigger: unlocks the achievement given as the trigger argument for new.user_id.';

create trigger goals_unlock_first_goal
  after insert on public.goals
  for each row execute function private.unlock_achievement_for_row('first_goal');

-- security definer: keeps goals.current (not writable by the owner) equal to the sum of its progress and stamps
-- completion the first time the target is reached (goals_unlock_goal_completed then unlocks the achievement).
create function private.apply_goal_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed_goal_id uuid := coalesce(new.goal_id, old.goal_id);
  total numeric := (select coalesce(sum(p.amount), 0) from public.goal_progress as p where p.goal_id = changed_goal_id);
begin
  update public.goals as g
  set current = total,
      completed_at = case when g.completed_at is null and total >= g.target then now() else g.completed_at end
  where g.id = changed_goal_id;
  return null;
end;
$$;
comment on function private.apply_goal_progress() is 'Trigger on goal_progress: recomputes goals.current and stamps completed_at the first time the target is reached.';
create trigger goal_progress_apply
  after insert or delete on public.goal_progress
  for each row execute function private.apply_goal_progress();

-- A target lowered to what is already done completes the goal too.
create function private.complete_goal_on_target_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if new.completed_at is null and new.current >= new.target then
    new.completed_at := now();
  end if;
  return new;
end;
$$;
comment on function private.complete_goal_on_target_change() is 'Trigger on goals: a target lowered to what is already done completes the goal.';
create trigger goals_complete_on_target_change
  before update of target on public.goals
  for each row execute function private.complete_goal_on_target_change();

-- By progress or by a lowered target: either way completed_at goes from null to a time.
create trigger goals_unlock_goal_completed
  after update of completed_at on public.goals
  for each row when (old.completed_at is null and new.completed_at is not null)
  execute function private.unlock_achievement_for_row('goal_completed');

-- GET /progress/goals in the seed's shape, with the streak (consecutive days with progress) as of today.
create view public.goal_overview with (security_invoker = true) as
  select g.id, g.title, g.description, g.progress, g.current, g.target, g.unit, g.category,
         coalesce((select s.current_streak from private.day_streaks(
           (select array_agg(p.logged_on) from public.goal_progress as p where p.goal_id = g.id),
           private.local_date(g.user_id)) as s), 0) as streak,
         g.completed_at as "completedAt", g.archived_at as "archivedAt", g.created_at as "createdAt"
  from public.goals as g
  where g.user_id = (select auth.uid());
comment on view public.goal_overview is
  'GET /progress/goals: the caller''s goals in the seed''s shape, with progress and the current streak (days in a row with progress, in their time zone). Filter archivedAt is null for active goals.';
revoke all on table public.goal_overview from anon, authenticated;
grant select on table public.goal_overview to authenticated;

-- GET /progress/achievements in the seed's shape: the whole catalogue, unlocked or not.
create view public.my_achievements with (security_invoker = true) as
  select a.id, a.title, a.description, a.icon, u.user_id is not null as unlocked, u.unlocked_at::date as date, a.sort_order
  from public.achievements as a
  left join public.user_achievements as u on u.achievement_id = a.id and u.user_id = (select auth.uid());
comment on view public.my_achievements is 'GET /progress/achievements: every achievement with unlocked and date (of unlocking) for the caller. Order by sort_order.';
revoke all on table public.my_achievements from anon, authenticated;
grant select on table public.my_achievements to authenticated;

-- GET /progress/timeline: one feed of milestones, newest first; keyset by (occurred_at, id).
create view public.my_timeline with (security_invoker = true) as
  select 'achievement:' || u.achievement_id as id, u.unlocked_at as occurred_at, u.unlocked_at::date as date,
         a.title, a.description, 'achievement'::text as type
  from public.user_achievements as u
  join public.achievements as a on a.id = u.achievement_id
  where u.user_id = (select auth.uid())
  union all
  select 'goal:' || g.id, g.completed_at, g.completed_at::date, 'Completed: ' || g.title, g.description, 'goal'
  from public.goals as g
  where g.user_id = (select auth.uid()) and g.completed_at is not null;
comment on view public.my_timeline is
  'GET /progress/timeline: the caller''s milestones (achievements, completed goals; therapy sessions join later), in the seed''s shape. Order by occurred_at desc, id desc; page with occurred_at/id of the last row.';
revoke all on table public.my_timeline from anon, authenticated;
grant select on table public.my_timeline to authenticated;

revoke execute on all functions in schema private from public;
