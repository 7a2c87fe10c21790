-- Wellbeing and the profile in the seed's shapes, keys in and keys out (issue 16). A frontend written against the seed
-- ports by changing only the transport: the bodies it sends are the seed's, the JSON it gets back is the seed's
-- (camelCase where the seed names nothing). The database's own names stay inside the database.
--
-- - Mood entries: the seed's key is `date`; the column was `entry_date`, so an insert with the seed's body was a 400.
--   The column is renamed (one word, so SQL reads it as any column) and every function reading it follows.
-- - The journal list takes the seed's query parameters (`mood`, `tags`, a date range, `search`) and the seed's paging
--   (`limit`, `before`: the id of the last entry of the previous page, a keyset cursor the database resolves), and
--   answers `createdAt` and `isFavorite`. Its rows are a composite type because a function's parameters and result
--   columns share one namespace (`mood` and `tags` are both).
-- - Goals: `goal_overview` is the seed's /progress/goals resource for reads and now for writes: insert creates a goal,
--   update sets its fields and `current` (the seed's PUT), delete removes it. INSTEAD OF triggers write the tables as
--   the caller (security invoker), so RLS and the column grants decide exactly as for a direct write.
-- - The profile: `my_profile` takes the seed's partial user data (`firstName`, `dateOfBirth`, …) as an update, and
--   `update_privacy_settings` takes the seed's privacy body as it is, not wrapped.
-- - Achievements and the timeline answer `sortOrder` and `occurredAt`.

-- Arguments -----------------------------------------------------------------------------------------------------------

-- PostgREST finds a function by the names of the arguments sent: one left out of a call whose parameter has no default
-- is "function not found" (PGRST202, a 404), which tells the person nothing about what to send. Every parameter of the
-- API's functions has a default, and a required one is checked here, so its absence is a 400 naming it.
create function private.require_argument(argument anyelement, name text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if argument is null then
    raise exception '% is required', name using errcode = 'PT400';
  end if;
end;
$$;
comment on function private.require_argument(anyelement, text) is 'Raises 400 "<name> is required" when the argument is null.';
revoke execute on function private.require_argument(anyelement, text) from public, anon;
grant execute on function private.require_argument(anyelement, text) to authenticated, service_role;

-- Mood ---------------------------------------------------------------------------------------------------------------

alter table public.mood_entries rename column entry_date to date;
alter table public.mood_entries rename constraint mood_entries_user_id_entry_date_key to mood_entries_user_id_date_key;
alter table public.mood_entries rename constraint mood_entries_entry_date_range_check to mood_entries_date_range_check;
comment on column public.mood_entries.date is
  'The seed''s `date`: the person''s calendar day in their profiles.time_zone; defaults to their today, never a day that has not begun where they are. One entry per person per day.';

create or replace function private.refuse_future_mood_entry()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.date > private.local_date(new.user_id) then
    raise exception 'A mood entry cannot be for a day that has not begun where you are' using errcode = '23514';
  end if;
  return new;
end;
$$;

create or replace function private.unlock_mood_achievements()
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
    select array_agg(m.date) from public.mood_entries as m
    where m.user_id = new.user_id and m.date between new.date - 29 and new.date + 29
  ), new.date + 29) as s;
  if run_length >= 7 then
    perform private.unlock_achievement(new.user_id, 'mood_streak_7');
  end if;
  if run_length >= 30 then
    perform private.unlock_achievement(new.user_id, 'mood_streak_30');
  end if;
  return null;
end;
$$;

-- The statistics take the function's query names (from, to) and asOf, in camelCase like every other call.
drop function public.mood_statistics(date, date, timestamptz);
create function private.mood_statistics(from_day date default null, to_day date default null, "asOf" timestamptz default now())
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  today date := private.local_date((select auth.uid()), "asOf");
  result jsonb;
begin
  if from_day is not null and to_day is not null and from_day > to_day then
    raise exception 'from must not be after to' using errcode = 'PT400';
  end if;
  with mine as (
    select m.date, m.mood, m.factors from public.mood_entries as m where m.user_id = (select auth.uid())
  ),
  ranged as (
    select * from mine
    where (from_day is null or mine.date >= from_day) and (to_day is null or mine.date <= to_day)
  ),
  factor_days as (
    select distinct factor, r.date, r.mood from ranged as r cross join lateral unnest(r.factors) as factor
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
  week as (select avg(mood) as average from mine where mine.date between today - 6 and today),
  month as (select avg(mood) as average from mine where mine.date between today - 29 and today),
  streaks as (select * from private.day_streaks((select array_agg(mine.date) from mine), today))
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
      from (select extract(isodow from ranged.date)::integer as weekday, avg(mood) as average, count(*)::integer as entries
            from ranged group by 1) as w),
    'factors', (select coalesce(jsonb_agg(jsonb_build_object(
        'factor', f.factor, 'withAverage', f.with_average, 'withCount', f.with_count,
        'withoutAverage', f.without_average, 'withoutCount', f.without_count,
        'difference', f.with_average - f.without_average) order by f.with_count desc, f.factor), '[]')
      from factor_figures as f),
    'range', jsonb_build_object('from', from_day, 'to', to_day, 'today', today)
  ) into result;
  return result;
end;
$$;
revoke execute on function private.mood_statistics(date, date, timestamptz) from public, anon;
grant execute on function private.mood_statistics(date, date, timestamptz) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.mood_statistics("from" date default null, "to" date default null, "asOf" timestamptz default now())
returns jsonb
language sql
stable
set search_path = ''
as $$
  select private.mood_statistics($1, $2, $3);
$$;
comment on function public.mood_statistics(date, date, timestamptz) is
  'mood-stats: the seed''s averageMood, totalEntries, moodDistribution and trends (lastWeek = last 7 days, lastMonth = last 30 days, improvement = lastWeek above lastMonth), plus streaks, averages by ISO weekday (1 = Monday) and mood with versus without each factor; from and to (the person''s days, inclusive) narrow all but trends and streaks. Empty history gives zeros, nulls and empty lists.';
revoke execute on function public.mood_statistics(date, date, timestamptz) from public, anon;
grant execute on function public.mood_statistics(date, date, timestamptz) to authenticated;

create or replace function public.export_mood_csv()
returns text
language sql
stable
set search_path = ''
as $$
  select 'date,mood,note,factors' || chr(10) || coalesce(string_agg(
    concat_ws(',', m.date::text, m.mood::text, private.csv_field(m.note), private.csv_field(array_to_string(m.factors, '; '))),
    chr(10) order by m.date), '')
  from public.mood_entries as m
  where m.user_id = (select auth.uid());
$$;

create or replace function private.export_wellbeing()
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'journalEntries', (
      select coalesce(jsonb_agg(to_jsonb(e) - 'search_vector' - 'user_id' order by e.created_at, e.id), '[]')
      from public.journal_entries as e where e.user_id = (select auth.uid())
    ),
    'moodEntries', (
      select coalesce(jsonb_agg(to_jsonb(m) - 'user_id' order by m.date), '[]')
      from public.mood_entries as m where m.user_id = (select auth.uid())
    ),
    'goals', (
      select coalesce(jsonb_agg(to_jsonb(g) - 'user_id' || jsonb_build_object('progressLog', (
        select coalesce(jsonb_agg(to_jsonb(p) - 'user_id' - 'goal_id' order by p.logged_on, p.created_at), '[]')
        from public.goal_progress as p where p.goal_id = g.id)) order by g.created_at), '[]')
      from public.goals as g where g.user_id = (select auth.uid())
    ),
    'achievements', (
      select coalesce(jsonb_agg(jsonb_build_object('id', u.achievement_id, 'unlockedAt', u.unlocked_at) order by u.unlocked_at), '[]')
      from public.user_achievements as u where u.user_id = (select auth.uid())
    )
  );
$$;

-- Journal ------------------------------------------------------------------------------------------------------------

create type public.journal_entry_item as (
  id uuid,
  title text,
  content text,
  mood public.journal_mood,
  tags text[],
  "createdAt" timestamptz,
  "isFavorite" boolean,
  language public.search_language,
  "updatedAt" timestamptz
);
comment on type public.journal_entry_item is
  'A journal entry as the seed answers it (GET /journal/entries): id, title, content, mood, tags, createdAt, isFavorite, plus language and updatedAt.';

drop function public.list_journal_entries(public.journal_mood, text[], boolean, timestamptz, timestamptz, text, public.search_language, boolean, integer, timestamptz, uuid, real);

create function private.list_journal_entries(
  mood public.journal_mood default null,
  tags text[] default null,
  "matchAllTags" boolean default false,
  "startDate" date default null,
  "endDate" date default null,
  search text default null,
  "searchLanguage" public.search_language default 'english',
  "favoritesOnly" boolean default false,
  page_size integer default 50,
  before uuid default null
)
returns setof public.journal_entry_item
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  zone text := coalesce((select p.time_zone from public.profiles as p where p.id = me), 'UTC');
  search_query tsquery;
  cursor_entry public.journal_entries;
  cursor_rank real;
begin
  perform private.check_page_size(page_size, 100);
  if "startDate" is not null and "endDate" is not null and "startDate" > "endDate" then
    raise exception 'startDate must not be after endDate' using errcode = 'PT400';
  end if;
  if nullif(btrim(search), '') is not null then
    search_query := private.search_query("searchLanguage"::text::regconfig, search);
  end if;
  if before is not null then
    -- The cursor is an entry of the caller's; its position (and rank, when searching) is read here, not trusted
    -- from the client, so a page never depends on values the client could get wrong.
    select e.* into cursor_entry from public.journal_entries as e where e.id = before and e.user_id = me;
    if cursor_entry.id is null then
      raise exception 'before is not one of your journal entries' using errcode = 'PT400';
    end if;
    if search_query is not null then
      cursor_rank := ts_rank(cursor_entry.search_vector, search_query);
    end if;
  end if;

  return query
    select e.id, e.title, e.content, e.mood, e.tags, e.created_at, e.is_favorite, e.language, e.updated_at
    from public.journal_entries as e
    where e.user_id = me
      and (list_journal_entries.mood is null or e.mood = list_journal_entries.mood)
      and (list_journal_entries.tags is null or cardinality(list_journal_entries.tags) = 0
           or ("matchAllTags" and e.tags @> list_journal_entries.tags)
           or (not "matchAllTags" and e.tags && list_journal_entries.tags))
      -- Days are the person's calendar days: [startDate 00:00, endDate + 1 00:00) in their time zone.
      and ("startDate" is null or e.created_at >= ("startDate"::timestamp at time zone zone))
      and ("endDate" is null or e.created_at < (("endDate" + 1)::timestamp at time zone zone))
      and (not "favoritesOnly" or e.is_favorite)
      and (search_query is null or e.search_vector @@ search_query)
      and (
        cursor_entry.id is null
        or (search_query is null and (e.created_at, e.id) < (cursor_entry.created_at, cursor_entry.id))
        or (search_query is not null
            and (ts_rank(e.search_vector, search_query), e.created_at, e.id) < (cursor_rank, cursor_entry.created_at, cursor_entry.id))
      )
    order by
      case when search_query is null then null else ts_rank(e.search_vector, search_query) end desc nulls last,
      e.created_at desc, e.id desc
    limit page_size;
end;
$$;
revoke execute on function private.list_journal_entries(public.journal_mood, text[], boolean, date, date, text, public.search_language, boolean, integer, uuid) from public, anon;
grant execute on function private.list_journal_entries(public.journal_mood, text[], boolean, date, date, text, public.search_language, boolean, integer, uuid) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.list_journal_entries(
  mood public.journal_mood default null,
  tags text[] default null,
  "matchAllTags" boolean default false,
  "startDate" date default null,
  "endDate" date default null,
  search text default null,
  "searchLanguage" public.search_language default 'english',
  "favoritesOnly" boolean default false,
  "limit" integer default 50,
  before uuid default null
)
returns setof public.journal_entry_item
language sql
stable
set search_path = ''
as $$
  select * from private.list_journal_entries($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);
$$;
comment on function public.list_journal_entries(public.journal_mood, text[], boolean, date, date, text, public.search_language, boolean, integer, uuid) is
  'GET /journal/entries: the caller''s entries by mood, tags (any, or all with matchAllTags), the days startDate..endDate (their calendar), favoritesOnly and web-style search (ranked); newest first; limit (default 50, at most 100) and before (the last entry''s id) page through them.';
revoke execute on function public.list_journal_entries(public.journal_mood, text[], boolean, date, date, text, public.search_language, boolean, integer, uuid) from public, anon;
grant execute on function public.list_journal_entries(public.journal_mood, text[], boolean, date, date, text, public.search_language, boolean, integer, uuid) to authenticated;

drop function public.toggle_journal_favorite(uuid);
create function public.toggle_journal_favorite(id uuid default null)
returns public.journal_entry_item
language plpgsql
set search_path = ''
as $$
declare
  toggled public.journal_entry_item;
begin
  perform private.require_argument(id, 'id');
  update public.journal_entries as e set is_favorite = not e.is_favorite
  where e.id = toggle_journal_favorite.id
  returning e.id, e.title, e.content, e.mood, e.tags, e.created_at, e.is_favorite, e.language, e.updated_at into toggled;
  if toggled.id is null then
    raise exception 'No such journal entry' using errcode = 'PT404';
  end if;
  return toggled;
end;
$$;
comment on function public.toggle_journal_favorite(uuid) is
  'POST /journal/entries/:id/favorite: toggles the caller''s entry and answers it (isFavorite is the new state); 404 for anyone else''s entry.';
revoke execute on function public.toggle_journal_favorite(uuid) from public, anon;
grant execute on function public.toggle_journal_favorite(uuid) to authenticated;

-- Goals --------------------------------------------------------------------------------------------------------------

-- numeric admits NaN, which passes `target > 0` (NaN sorts above every number) and showed as 100 % done.
alter table public.goals add constraint goals_target_is_a_number check (target <> 'NaN'::numeric);

-- Sets a goal's `current` as the seed's PUT does, keeping the progress log the streak is read from: a higher value
-- logs the difference today; a lower one takes back the newest logs until the sum is at most the value, then logs
-- what is missing. Runs as the caller: goal_progress's RLS and grants apply.
create function private.set_goal_current(goal_id uuid, wanted numeric)
returns void
language plpgsql
set search_path = ''
as $$
declare
  total numeric := (select coalesce(sum(p.amount), 0) from public.goal_progress as p where p.goal_id = set_goal_current.goal_id);
  newest record;
begin
  if wanted is null or wanted < 0 then
    raise exception 'current must be a number of at least 0' using errcode = 'PT400';
  end if;
  while total > wanted loop
    select p.id, p.amount into newest from public.goal_progress as p
    where p.goal_id = set_goal_current.goal_id order by p.logged_on desc, p.created_at desc, p.id desc limit 1;
    delete from public.goal_progress as p where p.id = newest.id;
    total := total - newest.amount;
  end loop;
  if wanted > total then
    insert into public.goal_progress (goal_id, amount) values (set_goal_current.goal_id, wanted - total);
  end if;
end;
$$;
revoke execute on function private.set_goal_current(uuid, numeric) from public, anon;
grant execute on function private.set_goal_current(uuid, numeric) to authenticated;

create function private.write_goal_overview()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  goal_id uuid;
begin
  if tg_op = 'DELETE' then
    delete from public.goals as g where g.id = old.id returning g.id into goal_id;
    return case when goal_id is null then null else old end;
  end if;
  if tg_op = 'INSERT' then
    insert into public.goals (title, description, category, unit, target)
    values (new.title, new.description, new.category, new.unit, new.target)
    returning id into goal_id;
    if coalesce(new.current, 0) > 0 then
      perform private.set_goal_current(goal_id, new.current);
    end if;
  else
    update public.goals as g set
      title = new.title, description = new.description, category = new.category, unit = new.unit, target = new.target,
      archived_at = new."archivedAt"
    where g.id = old.id
    returning g.id into goal_id;
    if goal_id is null then
      return null;
    end if;
    if new.current is distinct from old.current then
      if old."archivedAt" is not null or new."archivedAt" is not null then
        raise exception 'An archived goal takes no more progress' using errcode = 'PT422';
      end if;
      perform private.set_goal_current(goal_id, new.current);
    end if;
  end if;
  select o.* into new from public.goal_overview as o where o.id = goal_id;
  return new;
end;
$$;

create trigger goal_overview_write
  instead of insert or update or delete on public.goal_overview
  for each row execute function private.write_goal_overview();
grant insert (title, description, category, unit, target, current), update (title, description, category, unit, target, current, "archivedAt"), delete
  on public.goal_overview to authenticated;
comment on view public.goal_overview is
  'The seed''s /progress/goals, read and written: GET the caller''s goals (progress, streak: days in a row with progress in their time zone; filter archivedAt is null for active goals); POST with title, description, category, unit, target (and current); PUT a goal''s fields or current (a lower current takes back the newest logged progress); archive with archivedAt.';

-- Achievements and the timeline ------------------------------------------------------------------------------------------

-- A view's columns cannot be renamed in place: these two are made again, with their grants and comments.
drop view public.my_achievements;
create view public.my_achievements with (security_invoker = true) as
  select a.id, a.title, a.description, a.icon,
         u.user_id is not null as unlocked,
         u.unlocked_at::date as date,
         a.sort_order as "sortOrder"
  from public.achievements as a
  left join public.user_achievements as u on u.achievement_id = a.id and u.user_id = (select auth.uid());
comment on view public.my_achievements is
  'GET /progress/achievements: every achievement with unlocked and date (of unlocking) for the caller. Order by sortOrder.';
revoke all on public.my_achievements from anon, authenticated, service_role;
grant select on public.my_achievements to authenticated;
grant select, references, trigger on public.my_achievements to service_role;

drop view public.my_timeline;
create view public.my_timeline with (security_invoker = true) as
  select 'achievement:' || u.achievement_id as id, u.unlocked_at as "occurredAt", u.unlocked_at::date as date,
         a.title, a.description, 'achievement'::text as type
  from public.user_achievements as u
  join public.achievements as a on a.id = u.achievement_id
  where u.user_id = (select auth.uid())
  union all
  select 'goal:' || g.id, g.completed_at, g.completed_at::date, 'Completed: ' || g.title, g.description, 'goal'
  from public.goals as g
  where g.user_id = (select auth.uid()) and g.completed_at is not null
  union all
  select 'therapy_session:' || s.id, s.ends_at, s.ends_at::date,
         'Therapy session with ' || coalesce(t.display_name, 'a former therapist'), null::text, 'therapy_session'
  from private.therapy_sessions as s
  left join public.therapists as t on t.id = s.therapist_id
  where s.therapist_id is distinct from (select auth.uid()) and s.status = 'completed';
comment on view public.my_timeline is
  'GET /progress/timeline: the caller''s milestones (achievements, completed goals, completed therapy sessions), in the seed''s shape. Order by occurredAt desc, id desc; page with occurredAt/id of the last row.';
revoke all on public.my_timeline from anon, authenticated, service_role;
grant select on public.my_timeline to authenticated;
grant select, references, trigger on public.my_timeline to service_role;

-- Profile ------------------------------------------------------------------------------------------------------------

-- PUT /users/privacy's body is the settings object itself: a function whose only parameter is an unnamed jsonb gets
-- the whole request body from PostgREST, so `rpc('update_privacy_settings', { hideDateOfBirth: true })` is the
-- seed's request as it stands.
drop function public.update_privacy_settings(jsonb);
create function public.update_privacy_settings(jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  settings jsonb := $1;
  known text[] := array['hideDateOfBirth', 'hidePhone', 'hideLocation', 'hideOccupation', 'hideInterests',
                        'anonymousMode', 'showActivity', 'allowMessages'];
  bad_key text;
  updated public.profiles;
begin
  if settings is null or jsonb_typeof(settings) <> 'object' then
    raise exception 'Privacy settings must be a JSON object' using errcode = 'PT400';
  end if;
  select key into bad_key from jsonb_object_keys(settings) as key where key <> all (known) order by key limit 1;
  if bad_key is not null then
    raise exception 'Unknown privacy setting: %', bad_key using errcode = 'PT400', hint = 'Known settings: ' || array_to_string(known, ', ');
  end if;
  select key into bad_key from jsonb_each(settings) as entry(key, value) where jsonb_typeof(value) <> 'boolean' order by key limit 1;
  if bad_key is not null then
    raise exception 'Privacy setting % must be true or false', bad_key using errcode = 'PT400';
  end if;

  update public.profiles as p set
    hide_date_of_birth = coalesce((settings ->> 'hideDateOfBirth')::boolean, p.hide_date_of_birth),
    hide_phone = coalesce((settings ->> 'hidePhone')::boolean, p.hide_phone),
    hide_location = coalesce((settings ->> 'hideLocation')::boolean, p.hide_location),
    hide_occupation = coalesce((settings ->> 'hideOccupation')::boolean, p.hide_occupation),
    hide_interests = coalesce((settings ->> 'hideInterests')::boolean, p.hide_interests),
    anonymous_mode = coalesce((settings ->> 'anonymousMode')::boolean, p.anonymous_mode),
    show_activity = coalesce((settings ->> 'showActivity')::boolean, p.show_activity),
    allow_messages = coalesce((settings ->> 'allowMessages')::boolean, p.allow_messages)
  where p.id = (select auth.uid())
  returning p.* into updated;
  if updated.id is null then
    raise exception 'No profile for this account' using errcode = 'PT404';
  end if;
  return private.privacy_settings_json(updated);
end;
$$;
comment on function public.update_privacy_settings(jsonb) is
  'PUT /users/privacy: the request body is the seed''s settings object (hideDateOfBirth, hidePhone, hideLocation, hideOccupation, hideInterests, anonymousMode, showActivity, allowMessages; any subset, booleans); answers all eight. 400 for an unknown key or a non-boolean.';
revoke execute on function public.update_privacy_settings(jsonb) from public, anon;
grant execute on function public.update_privacy_settings(jsonb) to authenticated, service_role;

-- The profile answers isListener too (whether the person offers to listen in peer chat), so that every setting a
-- person owns is read and written in one place.
create or replace view public.my_profile with (security_invoker = true) as
  select p.id, p.email, p.first_name as "firstName", p.last_name as "lastName", p.phone, p.date_of_birth as "dateOfBirth",
         p.location, p.occupation, p.bio, p.interests, p.time_zone as "timeZone", p.avatar_path as "avatarPath",
         p.public_id as "publicId", p.is_anonymous as "isAnonymous", p.is_active as "isActive", p.role, p.pseudonym,
         private.privacy_settings_json(p.*) as "privacySettings", p.created_at as "createdAt", p.updated_at as "updatedAt",
         private.personal_topic(p.id) as "realtimeTopic", p.is_listener as "isListener"
  from public.profiles as p
  where p.id = (select auth.uid());

-- PUT /users/profile: the seed's partial user data, written through the view the profile is read from. Only what a
-- person may change is granted (role, email, activity and ids are not); the profile is written as the caller.
create function private.write_my_profile()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.profiles as p set
    first_name = new."firstName", last_name = new."lastName", phone = new.phone, date_of_birth = new."dateOfBirth",
    location = new.location, occupation = new.occupation, bio = new.bio, interests = new.interests,
    time_zone = new."timeZone", is_listener = new."isListener"
  where p.id = old.id;
  if new."privacySettings" is null or jsonb_typeof(new."privacySettings") <> 'object' then
    raise exception 'privacySettings must be an object of the settings to change' using errcode = 'PT400';
  end if;
  if new."privacySettings" is distinct from old."privacySettings" then
    -- Only the keys that changed, so a client echoing the object it read changes nothing else.
    perform public.update_privacy_settings(coalesce((
      select jsonb_object_agg(entry.key, entry.value) from jsonb_each(new."privacySettings") as entry
      where entry.value is distinct from old."privacySettings" -> entry.key), '{}'));
  end if;
  select m.* into new from public.my_profile as m where m.id = old.id;
  return new;
end;
$$;

create trigger my_profile_write
  instead of update on public.my_profile
  for each row execute function private.write_my_profile();
grant update ("firstName", "lastName", phone, "dateOfBirth", location, occupation, bio, interests, "timeZone", "privacySettings", "isListener")
  on public.my_profile to authenticated;
comment on view public.my_profile is
  'GET /users/profile and PUT /users/profile: the caller''s own profile in the seed''s shape (camelCase, privacySettings object), plus realtimeTopic, their private Realtime topic; one row or none. Update it with the seed''s keys (firstName, lastName, phone, dateOfBirth, location, occupation, bio, interests, timeZone, privacySettings: only the keys sent change).';

-- Trigger functions run without EXECUTE; nobody calls them (schema guards SG-04, SG-05).
revoke execute on function private.write_goal_overview(), private.write_my_profile() from public, anon, authenticated;

-- Every list takes its page size as `limit` now (the seed's name for it), so the refusal names it so.
create or replace function private.check_page_size(page_size integer, max_page_size integer)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if page_size is null or page_size not between 1 and max_page_size then
    raise exception 'limit must be between 1 and %', max_page_size using errcode = 'PT400';
  end if;
end;
$$;
