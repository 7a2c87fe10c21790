-- Open slots read one therapist's hours, through an index (issue 17: the directory and booking paths). The function
-- joined weekly hours and date overrides on the day rows' therapist id; the planner, guessing 1000 days for
-- generate_series, hashed the whole of both tables on every call: 3-6 ms per directory row at 1000 therapists,
-- 55-85 ms at 10 000 (about 95 % of a directory page, and read twice per booking). The same therapist, named by the
-- parameter, lets an index give the few rows of that therapist; the result is the same.

create index therapist_weekly_hours_therapist_id_weekday_idx on public.therapist_weekly_hours (therapist_id, weekday);
create index therapist_date_overrides_therapist_id_on_date_idx on public.therapist_date_overrides (therapist_id, on_date);

create or replace function private.therapist_open_slots(therapist_id uuid, from_at timestamptz, to_at timestamptz)
returns setof timestamptz
language plpgsql
stable
set search_path = ''
as $function$
begin
  return query
  with therapist as (
    select t.id, t.time_zone, t.session_minutes, t.slot_interval_minutes
    from public.therapists as t where t.id = therapist_open_slots.therapist_id
  ),
  local_day as (
    select therapist.*, d::date as on_date
    from therapist,
         generate_series((from_at at time zone therapist.time_zone)::date, (to_at at time zone therapist.time_zone)::date, interval '1 day') as d
  ),
  hours as (
    select local_day.*, o.starts_at as opens, o.ends_at as closes
    from local_day
    join public.therapist_date_overrides as o on o.therapist_id = therapist_open_slots.therapist_id and o.on_date = local_day.on_date
    where o.starts_at is not null
    union all
    select local_day.*, h.starts_at, h.ends_at
    from local_day
    join public.therapist_weekly_hours as h on h.therapist_id = therapist_open_slots.therapist_id and h.weekday = extract(isodow from local_day.on_date)
    where not exists (select 1 from public.therapist_date_overrides as o where o.therapist_id = therapist_open_slots.therapist_id and o.on_date = local_day.on_date)
  )
  select distinct wall at time zone hours.time_zone
  from hours
  cross join lateral generate_series(
    hours.on_date + hours.opens,
    hours.on_date + hours.closes - make_interval(mins => hours.session_minutes),
    make_interval(mins => hours.slot_interval_minutes)) as wall
  where (wall at time zone hours.time_zone) + make_interval(mins => hours.session_minutes) <= (hours.on_date + hours.closes) at time zone hours.time_zone
    and wall at time zone hours.time_zone >= from_at
    and wall at time zone hours.time_zone < to_at;
end;
$function$;
