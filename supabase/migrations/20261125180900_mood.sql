-- Mood tracking (the seed's /mood/*): one entry per person per calendar day in their own time zone, on the seed's
-- 1-5 scale, and the statistics behind GET /functions/v1/mood-stats, computed in SQL in one round trip.
-- * entry_date is the person's calendar day (profiles.time_zone); it defaults to their today and may not be later.
-- * A second entry for the same day is refused (409 through PostgREST: unique violation); to change the day's
--   entry, update it, or upsert with onConflict 'user_id,entry_date'.
-- * Days, streaks and "today" are computed from an as_of timestamp (default now()) in the person's time zone, so
--   tests can pin the clock and midnight and DST fall where the person lives.

-- The person's calendar date at a moment, in their time zone. security invoker: it reads the caller's own profile.
create function private.local_date(person_id uuid, as_of timestamptz default now())
returns date
language sql
stable
set search_path = ''
as $$
  select (as_of at time zone coalesce((select p.time_zone from public.profiles as p where p.id = person_id), 'UTC'))::date;
$$;
comment on function private.local_date(uuid, timestamptz) is 'The calendar date at as_of in the person''s time zone (UTC when unknown).';
grant execute on function private.local_date(uuid, timestamptz) to authenticated, service_role;

-- Streaks of consecutive days, shared by mood statistics and goals: one implementation of gaps-and-islands.
create function private.day_streaks(days date[], today date)
returns table (current_streak integer, longest_streak integer)
language sql
immutable
set search_path = ''
as $$
  with distinct_days as (
    select distinct day from unnest(days) as day where day <= today
  ),
  islands as (
    select day - (row_number() over (order by day))::integer as island, day from distinct_days
  ),
  runs as (
    select min(day) as first_day, max(day) as last_day, count(*)::integer as length from islands group by island
  )
  select
    -- A streak is alive until the day after its last day ends: a person who logged yesterday has not lost it yet.
    coalesce((select r.length from runs as r where r.last_day >= today - 1 order by r.last_day desc limit 1), 0),
    coalesce((select max(r.length) from runs as r), 0);
$$;
comment on function private.day_streaks(date[], date) is
  'Current streak (consecutive days ending today, or yesterday while today is not logged yet) and longest streak of the given days.';
grant execute on function private.day_streaks(date[], date) to authenticated, service_role;

create table public.mood_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  entry_date date not null default private.local_date(auth.uid()),
  mood smallint not null,
  note text,
  factors text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint mood_entries_user_id_entry_date_key unique (user_id, entry_date),
  constraint mood_entries_mood_range_check check (mood between 1 and 5),
  constraint mood_entries_note_length_check check (char_length(note) <= 1000),
  constraint mood_entries_factors_check check (private.texts_within(factors, 10, 40)),
  constraint mood_entries_entry_date_range_check check (entry_date >= date '2000-01-01')
);
comment on table public.mood_entries is
  'Daily mood check-ins (the seed''s MoodEntry): at most one per person per calendar day in their time zone. Sensitive health data; author only.';
comment on column public.mood_entries.entry_date is 'The person''s calendar day (their time zone); defaults to their today, never later. The seed''s "date".';
comment on column public.mood_entries.mood is '1 difficult, 2 not great, 3 okay, 4 good, 5 amazing.';
comment on column public.mood_entries.note is 'Optional, up to 1000 characters. Sensitive.';
comment on column public.mood_entries.factors is 'Up to 10 factors (e.g. Sleep Quality, Exercise), each up to 40 characters.';

alter table public.mood_entries enable row level security;
revoke all on table public.mood_entries from anon, authenticated;
grant select, delete on table public.mood_entries to authenticated;
grant insert (entry_date, mood, note, factors) on table public.mood_entries to authenticated;
grant update (entry_date, mood, note, factors) on table public.mood_entries to authenticated;

create policy mood_entries_select_own on public.mood_entries
  for select to authenticated using (user_id = (select auth.uid()));
create policy mood_entries_insert_own on public.mood_entries
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy mood_entries_update_own on public.mood_entries
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy mood_entries_delete_own on public.mood_entries
  for delete to authenticated using (user_id = (select auth.uid()));

create trigger mood_entries_set_updated_at
  before update on public.mood_entries
  for each row execute function private.set_updated_at();

-- security invoker: reads the author's own time zone.
create function private.refuse_future_mood_entry()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if new.entry_date > private.local_date(new.user_id) then
    raise exception 'A mood entry cannot be for a day that has not begun where you are' using errcode = '23514';
  end if;
  return new;
end;
$$;
comment on function private.refuse_future_mood_entry() is 'Trigger: entry_date may not be after the author''s today in their time zone.';

create trigger mood_entries_refuse_future
  before insert or update of entry_date on public.mood_entries
  for each row execute function private.refuse_future_mood_entry();

-- The numbers behind mood-stats. security invoker: only the caller's own entries are visible to it.
-- from_date/to_date (inclusive, optional) narrow the average, count, distribution, weekday and factor figures;
-- trends and streaks are always about the days up to the caller's today.
create function public.mood_statistics(from_date date default null, to_date date default null, as_of timestamptz default now())
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  today date := private.local_date((select auth.uid()), as_of);
  result jsonb;
begin
  if from_date is not null and to_date is not null and from_date > to_date then
    raise exception 'from must not be after to' using errcode = 'PT400';
  end if;
  with mine as (
    select m.entry_date, m.mood, m.factors from public.mood_entries as m where m.user_id = (select auth.uid())
  ),
  ranged as (
    select * from mine
    where (from_date is null or entry_date >= from_date) and (to_date is null or entry_date <= to_date)
  ),
  factor_days as (
    select distinct factor, r.entry_date, r.mood from ranged as r cross join lateral unnest(r.factors) as factor
  ),
  totals as (select coalesce(sum(mood), 0) as mood_sum, count(*) as entries from ranged),
  -- "without" is everything minus "with": one pass over the factors instead of one scan per factor.
  factor_figures as (
    select with_factor.factor, with_factor.with_count, with_factor.with_average, without.without_count,
           case when without.without_count > 0 then round(without.without_sum::numeric / without.without_count, 2) end as without_average
    from (select f.factor, count(*)::integer as with_count, sum(f.mood) as with_sum, round(avg(f.mood), 2) as with_average
          from factor_days as f group by f.factor) as with_factor
    cross join totals as t
    cross join lateral (select (t.entries - with_factor.with_count)::integer as without_count,
                               t.mood_sum - with_factor.with_sum as without_sum) as without
  ),
  week as (select avg(mood) as average from mine where entry_date between today - 6 and today),
  month as (select avg(mood) as average from mine where entry_date between today - 29 and today),
  streaks as (select * from private.day_streaks((select array_agg(entry_date) from mine), today))
  select jsonb_build_object(
    'averageMood', (select round(avg(mood), 2) from ranged),
    'totalEntries', (select count(*) from ranged),
    'moodDistribution', (select jsonb_build_object(
        'amazing', count(*) filter (where mood = 5), 'good', count(*) filter (where mood = 4),
        'okay', count(*) filter (where mood = 3), 'notGreat', count(*) filter (where mood = 2),
        'difficult', count(*) filter (where mood = 1)) from ranged),
    'trends', (select jsonb_build_object(
        'lastWeek', round(week.average, 2), 'lastMonth', round(month.average, 2),
        'improvement', case when week.average is null or month.average is null then null else week.average > month.average end)
      from week, month),
    'streaks', (select jsonb_build_object('current', s.current_streak, 'longest', s.longest_streak) from streaks as s),
    'byWeekday', (select coalesce(jsonb_agg(jsonb_build_object(
        'weekday', w.weekday, 'averageMood', round(w.average, 2), 'entries', w.entries) order by w.weekday), '[]')
      from (select extract(isodow from entry_date)::integer as weekday, avg(mood) as average, count(*)::integer as entries
            from ranged group by 1) as w),
    'factors', (select coalesce(jsonb_agg(jsonb_build_object(
        'factor', f.factor, 'withAverage', f.with_average, 'withCount', f.with_count,
        'withoutAverage', f.without_average, 'withoutCount', f.without_count,
        'difference', f.with_average - f.without_average) order by f.with_count desc, f.factor), '[]')
      from factor_figures as f),
    'range', jsonb_build_object('from', from_date, 'to', to_date, 'today', today)
  ) into result;
  return result;
end;
$$;
comment on function public.mood_statistics(date, date, timestamptz) is
  'mood-stats: the seed''s averageMood, totalEntries, moodDistribution and trends (lastWeek = last 7 days, lastMonth = last 30 days, improvement = lastWeek above lastMonth), plus streaks, averages by ISO weekday (1 = Monday) and mood with versus without each factor. Empty history gives zeros, nulls and empty lists.';

revoke execute on all functions in schema private from public;
revoke execute on function public.mood_statistics(date, date, timestamptz) from public, anon;
grant execute on function public.mood_statistics(date, date, timestamptz) to authenticated;
