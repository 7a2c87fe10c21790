-- Therapists: the directory (GET /therapists), each therapist's availability, and the slot computation that booking
-- (next migration) and the directory's nextAvailable both use.
-- * public.therapists is one row per therapist, keyed by their account id (a therapist is a professional who is meant
--   to be found; clients are never keyed by account id anywhere they can see). A therapist creates and edits their own
--   row; it is listed while their profile is an active therapist (is_active, maintained from profiles) and they keep
--   is_listed on. The rating columns belong to the database (ratings trigger, next migration).
-- * Availability, as Cal.com models it: weekly hours in the therapist's time zone (several ranges a day), date
--   overrides that replace a day's hours (ranges, or one row without times for a day off), buffers before and after
--   each session, a minimum notice and a booking window. All of it is the therapist's own: nobody else reads it;
--   clients see the bookable starts that follow from it.
-- * Slots are wall-clock times in the therapist's zone, stepped by slot_interval_minutes from the start of each range
--   and converted to instants one day at a time, so 09:00 stays 09:00 across a DST change. A start that does not
--   exist (spring forward) lands on the same instant as the next real one and is listed once; a session must end
--   inside its range in real elapsed time. An ambiguous wall-clock time (the repeated hour when clocks fall back) is
--   read as standard time, as Postgres does, so a range starting inside that hour starts at its second occurrence.

create extension if not exists btree_gist with schema extensions;

create type public.therapy_specialty as enum (
  'anxiety', 'depression', 'trauma', 'grief', 'relationships', 'stress', 'addiction', 'eating_disorders', 'ocd', 'adhd',
  'sleep', 'self_esteem', 'family', 'lgbtq'
);
comment on type public.therapy_specialty is 'The curated list of specialties a therapist can offer (labels: private.therapy_specialty_label).';

create type public.therapy_session_type as enum ('video', 'phone', 'chat');
comment on type public.therapy_session_type is 'How a therapy session takes place (the seed''s type).';

create function private.therapy_specialty_label(specialty public.therapy_specialty)
returns text
language sql
immutable
set search_path = ''
as $$
  select case specialty
    when 'anxiety' then 'Anxiety' when 'depression' then 'Depression' when 'trauma' then 'Trauma & PTSD'
    when 'grief' then 'Grief & Loss' when 'relationships' then 'Relationships' when 'stress' then 'Stress & Burnout'
    when 'addiction' then 'Addiction' when 'eating_disorders' then 'Eating Disorders' when 'ocd' then 'OCD'
    when 'adhd' then 'ADHD' when 'sleep' then 'Sleep' when 'self_esteem' then 'Self-Esteem'
    when 'family' then 'Family' when 'lgbtq' then 'LGBTQ+'
  end;
$$;
comment on function private.therapy_specialty_label(public.therapy_specialty) is 'Display label of a specialty, e.g. trauma → Trauma & PTSD.';

-- The seed's specialty string ("Anxiety, Depression"): the first two specialties.
create function private.therapy_specialty_summary(specialties public.therapy_specialty[])
returns text
language sql
immutable
set search_path = ''
as $$
  select string_agg(private.therapy_specialty_label(s), ', ' order by n)
  from unnest(specialties[1:2]) with ordinality as u(s, n);
$$;
comment on function private.therapy_specialty_summary(public.therapy_specialty[]) is 'The seed''s one-line specialty: labels of the first two specialties, comma-separated.';

-- timestamptz + interval is only stable because day and month intervals depend on the time zone; whole minutes do
-- not, so this is immutable and may be used in generated columns and exclusion constraints.
create function private.plus_minutes(at_time timestamptz, minutes integer)
returns timestamptz
language sql
immutable
parallel safe
set search_path = ''
as $$
  select at_time + make_interval(mins => minutes);
$$;
comment on function private.plus_minutes(timestamptz, integer) is 'at_time plus whole minutes (immutable: minute arithmetic does not depend on the time zone).';

create function private.minutes_of_day(starts_at time, ends_at time)
returns int4range
language sql
immutable
parallel safe
set search_path = ''
as $$
  select int4range((extract(epoch from starts_at) / 60)::integer, (extract(epoch from ends_at) / 60)::integer);
$$;
comment on function private.minutes_of_day(time, time) is 'A time-of-day range as minutes since midnight, [start, end); 24:00 is 1440.';

create table public.therapists (
  id uuid primary key references public.profiles (id) on delete cascade,
  display_name text not null,
  specialties public.therapy_specialty[] not null,
  years_of_experience integer not null default 0,
  hourly_rate numeric(8, 2) not null,
  currency text not null default 'USD',
  languages text[] not null default '{en}',
  bio text,
  time_zone text not null default 'UTC',
  session_types public.therapy_session_type[] not null default '{video}',
  session_minutes integer not null default 50,
  slot_interval_minutes integer not null default 30,
  buffer_before_minutes integer not null default 0,
  buffer_after_minutes integer not null default 10,
  minimum_notice_minutes integer not null default 1440,
  booking_window_days integer not null default 60,
  late_cancellation_hours integer not null default 24,
  auto_confirm boolean not null default false,
  accepting_new_clients boolean not null default true,
  is_listed boolean not null default true,
  is_active boolean not null default true,
  rating_count integer not null default 0,
  rating_sum integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint therapists_display_name_length_check check (char_length(btrim(display_name)) between 2 and 120),
  constraint therapists_specialties_check check (cardinality(specialties) between 1 and 6 and array_position(specialties, null) is null),
  constraint therapists_years_of_experience_check check (years_of_experience between 0 and 70),
  constraint therapists_hourly_rate_check check (hourly_rate between 0 and 10000),
  constraint therapists_currency_check check (currency ~ '^[A-Z]{3}$'),
  constraint therapists_languages_check check (
    cardinality(languages) between 1 and 10 and private.texts_within(languages, 10, 8)
    and array_to_string(languages, ',') ~ '^[a-z]{2,3}(-[A-Z]{2})?(,[a-z]{2,3}(-[A-Z]{2})?)*$'),
  constraint therapists_bio_length_check check (char_length(bio) <= 4000),
  constraint therapists_time_zone_check check (private.is_time_zone(time_zone)),
  constraint therapists_session_types_check check (cardinality(session_types) between 1 and 3 and array_position(session_types, null) is null),
  constraint therapists_session_minutes_check check (session_minutes between 15 and 180),
  constraint therapists_slot_interval_minutes_check check (slot_interval_minutes between 5 and 180),
  constraint therapists_buffer_before_minutes_check check (buffer_before_minutes between 0 and 120),
  constraint therapists_buffer_after_minutes_check check (buffer_after_minutes between 0 and 120),
  constraint therapists_minimum_notice_minutes_check check (minimum_notice_minutes between 0 and 43200),
  constraint therapists_booking_window_days_check check (booking_window_days between 1 and 365),
  constraint therapists_late_cancellation_hours_check check (late_cancellation_hours between 0 and 168),
  constraint therapists_rating_check check (rating_count >= 0 and rating_sum between rating_count and 5 * rating_count)
);
comment on table public.therapists is
  'The therapist directory: one row per therapist (id = their account), created and edited by the therapist. Listed while is_listed and is_active. Availability lives in therapist_weekly_hours and therapist_date_overrides.';
comment on column public.therapists.display_name is 'Name shown to clients, e.g. "Dr. Sarah Johnson".';
comment on column public.therapists.specialties is 'Curated specialties, most important first (the seed''s specialty shows the first two).';
comment on column public.therapists.hourly_rate is 'Price per hour in currency (the seed''s hourlyRate).';
comment on column public.therapists.currency is 'ISO 4217 code of hourly_rate.';
comment on column public.therapists.languages is 'Languages the therapist works in: BCP 47 codes such as en, pt-BR.';
comment on column public.therapists.time_zone is 'IANA zone the weekly hours and date overrides are written in.';
comment on column public.therapists.session_types is 'Session types offered: video, phone, chat.';
comment on column public.therapists.session_minutes is 'Length of a session (the seed''s duration), the same for every type.';
comment on column public.therapists.slot_interval_minutes is 'Step between bookable starts, from the start of each range of hours.';
comment on column public.therapists.buffer_before_minutes is 'Free time the therapist keeps before each session; buffers of neighbouring sessions add up.';
comment on column public.therapists.buffer_after_minutes is 'Free time the therapist keeps after each session; buffers of neighbouring sessions add up.';
comment on column public.therapists.minimum_notice_minutes is 'How long before its start a session can still be booked (default 24 h).';
comment on column public.therapists.booking_window_days is 'How far ahead sessions can be booked (default 60 days).';
comment on column public.therapists.late_cancellation_hours is 'A cancellation less than this many hours before the start is allowed but marked late.';
comment on column public.therapists.auto_confirm is 'Bookings are confirmed at once instead of waiting for the therapist to confirm.';
comment on column public.therapists.accepting_new_clients is 'Off: only clients who have booked with this therapist before can book.';
comment on column public.therapists.is_listed is 'The therapist''s own switch: shown in the directory and bookable.';
comment on column public.therapists.is_active is 'Maintained by the database: the profile is an active therapist. Only active therapists are listed or bookable.';
comment on column public.therapists.rating_count is 'Number of rated sessions, maintained by the ratings trigger.';
comment on column public.therapists.rating_sum is 'Sum of the ratings, maintained by the ratings trigger; the average is rating_sum / rating_count.';

create index therapists_specialties_idx on public.therapists using gin (specialties);
create index therapists_listing_idx on public.therapists (display_name, id) where is_listed and is_active;

create trigger therapists_set_updated_at
  before update on public.therapists
  for each row execute function private.set_updated_at();

alter table public.therapists enable row level security;
revoke all on table public.therapists from anon, authenticated;
grant select on table public.therapists to authenticated;
grant insert (
  id, display_name, specialties, years_of_experience, hourly_rate, currency, languages, bio, time_zone, session_types,
  session_minutes, slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes,
  booking_window_days, late_cancellation_hours, auto_confirm, accepting_new_clients, is_listed
) on table public.therapists to authenticated;
grant update (
  display_name, specialties, years_of_experience, hourly_rate, currency, languages, bio, time_zone, session_types,
  session_minutes, slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes,
  booking_window_days, late_cancellation_hours, auto_confirm, accepting_new_clients, is_listed
) on table public.therapists to authenticated;

create policy therapists_select_listed_or_own on public.therapists
  for select to authenticated
  using ((is_listed and is_active) or id = (select auth.uid()) or (select private.caller_role()) = 'admin');
create policy therapists_insert_own on public.therapists
  for insert to authenticated
  with check (id = (select auth.uid()) and (select private.caller_role()) = 'therapist');
create policy therapists_update_own on public.therapists
  for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()) and (select private.caller_role()) = 'therapist');

-- is_active follows the profile: a therapist who is demoted or deactivated leaves the directory at once.
-- security definer: runs on profile changes by admins and Auth, and on therapists inserts by the therapist, and
-- writes a column nobody may write through the API.
create function private.sync_therapist_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'profiles' then
    update public.therapists as t set is_active = (new.role = 'therapist' and new.is_active)
    where t.id = new.id and t.is_active is distinct from (new.role = 'therapist' and new.is_active);
  else
    new.is_active := exists (select 1 from public.profiles as p where p.id = new.id and p.role = 'therapist' and p.is_active);
    -- Ratings are the database's: a therapist cannot start with a rating.
    new.rating_count := 0;
    new.rating_sum := 0;
    return new;
  end if;
  return null;
end;
$$;
comment on function private.sync_therapist_activity() is 'Triggers: therapists.is_active mirrors "the profile is an active therapist"; new rows start unrated.';

create trigger profiles_sync_therapist_activity
  after update of role, is_active on public.profiles
  for each row execute function private.sync_therapist_activity();
create trigger therapists_sync_activity
  before insert on public.therapists
  for each row execute function private.sync_therapist_activity();

-- Weekly hours: ISO weekdays (1 = Monday … 7 = Sunday), wall-clock times in the therapist's zone; 24:00 ends a day.
create table public.therapist_weekly_hours (
  id bigint generated always as identity primary key,
  therapist_id uuid not null references public.therapists (id) on delete cascade,
  weekday smallint not null,
  starts_at time not null,
  ends_at time not null,
  constraint therapist_weekly_hours_weekday_check check (weekday between 1 and 7),
  constraint therapist_weekly_hours_order_check check (starts_at < ends_at or ends_at = '24:00'),
  constraint therapist_weekly_hours_no_overlap exclude using gist (
    therapist_id with =, weekday with =, private.minutes_of_day(starts_at, ends_at) with &&)
);
comment on table public.therapist_weekly_hours is 'A therapist''s recurring working hours: several non-overlapping ranges per ISO weekday (1 = Monday), in the therapist''s time zone. Owner only.';
comment on column public.therapist_weekly_hours.ends_at is 'End of the range (exclusive); 24:00 for the end of the day.';

-- Date overrides replace the weekly hours of one date: ranges for that date, or a single row without times (day off).
create table public.therapist_date_overrides (
  id bigint generated always as identity primary key,
  therapist_id uuid not null references public.therapists (id) on delete cascade,
  on_date date not null,
  starts_at time,
  ends_at time,
  constraint therapist_date_overrides_times_check check (
    (starts_at is null and ends_at is null) or (starts_at is not null and ends_at is not null and (starts_at < ends_at or ends_at = '24:00'))),
  -- A day off covers the whole day, so it cannot be combined with ranges on the same date.
  constraint therapist_date_overrides_no_overlap exclude using gist (
    therapist_id with =, on_date with =, private.minutes_of_day(coalesce(starts_at, '00:00'), coalesce(ends_at, '24:00')) with &&)
);
comment on table public.therapist_date_overrides is
  'Date overrides: when a date has rows here they replace its weekly hours. Rows with times are the hours for that date; one row without times makes it a day off. Owner only.';

alter table public.therapist_weekly_hours enable row level security;
alter table public.therapist_date_overrides enable row level security;
revoke all on table public.therapist_weekly_hours, public.therapist_date_overrides from anon, authenticated;
grant select, insert, update, delete on table public.therapist_weekly_hours, public.therapist_date_overrides to authenticated;

create policy therapist_weekly_hours_all_own on public.therapist_weekly_hours
  for all to authenticated
  using (therapist_id = (select auth.uid()))
  with check (therapist_id = (select auth.uid()));
create policy therapist_date_overrides_all_own on public.therapist_date_overrides
  for all to authenticated
  using (therapist_id = (select auth.uid()))
  with check (therapist_id = (select auth.uid()));
-- The exclusion constraints' indexes lead with therapist_id and serve the policies and the slot computation.
