-- Therapy sessions: bookable slots, booking that cannot double-book, the status machine, reschedule, cancel, rating,
-- reminder jobs, and what each party may see.
-- * private.therapy_sessions holds the bookings. Nobody writes it through the API: the booking edge function calls the
--   security definer functions below as the caller, and they decide who may do what. Reads go through
--   public.my_therapy_sessions (the seed's GET /sessions shape), which shows the client their sessions and the therapist
--   theirs, with the client's privacy-masked card instead of an account id.
-- * Double booking is impossible by construction: exclusion constraints over active sessions (scheduled, confirmed)
--   refuse overlapping occupied ranges for a therapist (the session plus the therapist's buffers around it, so the
--   buffers of neighbours add up) and overlapping sessions for a client. The functions check first to give a clear
--   reason, but correctness rests on the constraints: of two racing bookings one commits and the other gets 409.
-- * Status machine (enforced by a trigger for every writer): scheduled → confirmed (therapist, or auto_confirm at
--   booking); scheduled | confirmed → cancelled (either party, before the start; late inside the therapist's
--   late-cancellation window); scheduled | confirmed → completed | no-show (therapist, from the start time on).
--   cancelled, completed and no-show are final. Time, type and parties never change: a reschedule cancels the old
--   session and books a new one linked to it (rescheduled_from), in one transaction.
-- * Reminders: private.session_reminders gets the 24 h and 30 min reminder jobs of both parties when a session is
--   booked; they are cancelled as soon as the session leaves the active statuses (the notifications issue delivers
--   them and must skip anything not pending).
-- * Ratings are private.therapy_session_ratings: the client sees their own; the therapist sees only the aggregate on
--   public.therapists (rating_count, rating_sum), so feedback is never tied to a client in the therapist's view.

create type public.therapy_session_status as enum ('scheduled', 'confirmed', 'completed', 'cancelled', 'no-show');
comment on type public.therapy_session_status is 'The seed''s session statuses; see private.check_therapy_session_change for the allowed transitions.';
create type public.therapy_party as enum ('client', 'therapist', 'system');
comment on type public.therapy_party is 'Who did something to a session: its client, its therapist, or the system (e.g. account deletion).';

create table private.therapy_sessions (
  id uuid primary key default gen_random_uuid(),
  therapist_id uuid references public.therapists (id) on delete set null,
  client_id uuid references public.profiles (id) on delete set null,
  starts_at timestamptz not null,
  duration_minutes integer not null,
  buffer_before_minutes integer not null default 0,
  buffer_after_minutes integer not null default 0,
  ends_at timestamptz not null generated always as (private.plus_minutes(starts_at, duration_minutes)) stored,
  occupied tstzrange not null generated always as (
    tstzrange(private.plus_minutes(starts_at, -buffer_before_minutes), private.plus_minutes(starts_at, duration_minutes + buffer_after_minutes))) stored,
  session_type public.therapy_session_type not null,
  status public.therapy_session_status not null default 'scheduled',
  client_note text,
  idempotency_key text,
  rescheduled_from uuid references private.therapy_sessions (id) on delete set null,
  cancelled_at timestamptz,
  cancelled_by public.therapy_party,
  cancellation_reason text,
  is_late_cancellation boolean not null default false,
  reschedule_requested_at timestamptz,
  reschedule_request_note text,
  status_changed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  constraint therapy_sessions_duration_check check (duration_minutes between 15 and 180),
  constraint therapy_sessions_buffers_check check (buffer_before_minutes between 0 and 120 and buffer_after_minutes between 0 and 120),
  constraint therapy_sessions_client_note_length_check check (char_length(client_note) <= 2000),
  constraint therapy_sessions_idempotency_key_check check (char_length(idempotency_key) between 1 and 200),
  constraint therapy_sessions_cancellation_reason_length_check check (char_length(cancellation_reason) <= 500),
  constraint therapy_sessions_reschedule_request_note_length_check check (char_length(reschedule_request_note) <= 500),
  constraint therapy_sessions_cancellation_check check ((status = 'cancelled') = (cancelled_at is not null and cancelled_by is not null)),
  constraint therapy_sessions_rescheduled_from_key unique (rescheduled_from),
  constraint therapy_sessions_therapist_no_overlap exclude using gist (therapist_id with =, occupied with &&)
    where (status in ('scheduled', 'confirmed')),
  constraint therapy_sessions_client_no_overlap exclude using gist (client_id with =, tstzrange(starts_at, ends_at) with &&)
    where (status in ('scheduled', 'confirmed'))
);
comment on table private.therapy_sessions is
  'Booked therapy sessions. Written only by the booking functions; read through public.my_therapy_sessions. Exclusion constraints make overlapping active sessions impossible for a therapist (with buffers) and for a client.';
comment on column private.therapy_sessions.therapist_id is 'The therapist (their account id); null once the therapist''s account is deleted.';
comment on column private.therapy_sessions.client_id is 'The client''s account; null once the client''s account is deleted (the therapist keeps the slot''s history without identity).';
comment on column private.therapy_sessions.duration_minutes is 'Copied from the therapist at booking (the seed''s duration).';
comment on column private.therapy_sessions.buffer_before_minutes is 'The therapist''s buffer before, copied at booking, so later changes to the settings never make existing bookings overlap.';
comment on column private.therapy_sessions.occupied is 'The therapist''s time this session takes: buffers included. Active sessions of a therapist never overlap here.';
comment on column private.therapy_sessions.client_note is 'The client''s booking note (the seed''s notes): visible to the client and their therapist.';
comment on column private.therapy_sessions.idempotency_key is 'The client''s Idempotency-Key: a retried booking with the same key returns this session.';
comment on column private.therapy_sessions.rescheduled_from is 'The session this one replaces (the old one is cancelled with reason Rescheduled). A session is rescheduled at most once.';
comment on column private.therapy_sessions.is_late_cancellation is 'Cancelled inside the therapist''s late-cancellation window.';
comment on column private.therapy_sessions.reschedule_requested_at is 'When the therapist asked the client to reschedule (the client then picks a new time).';

create index therapy_sessions_client_id_starts_at_idx on private.therapy_sessions (client_id, starts_at);
create index therapy_sessions_therapist_id_starts_at_idx on private.therapy_sessions (therapist_id, starts_at);
create unique index therapy_sessions_client_id_idempotency_key_idx on private.therapy_sessions (client_id, idempotency_key)
  where idempotency_key is not null;

alter table private.therapy_sessions enable row level security;
-- Every column but client_id and idempotency_key: the client's account id is never readable by the therapist (the
-- view shows the client's masked card instead), as chat withholds participants' accounts.
grant select (
  id, therapist_id, starts_at, duration_minutes, buffer_before_minutes, buffer_after_minutes, ends_at, occupied, session_type,
  status, client_note, rescheduled_from, cancelled_at, cancelled_by, cancellation_reason, is_late_cancellation,
  reschedule_requested_at, reschedule_request_note, status_changed_at, created_at
) on table private.therapy_sessions to authenticated;
create policy therapy_sessions_select_parties on private.therapy_sessions
  for select to authenticated
  using (client_id = (select auth.uid()) or therapist_id = (select auth.uid()));

-- The therapists the caller has sessions with as a client. security definer: client_id is not readable by callers.
create function private.therapists_of_caller()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select distinct s.therapist_id from private.therapy_sessions as s where s.client_id = auth.uid() and s.therapist_id is not null;
$$;
comment on function private.therapists_of_caller() is 'Therapists the caller has (had) sessions with as a client.';

-- Clients keep seeing the therapists they have sessions with, listed or not (their session history names them).
alter policy therapists_select_listed_or_own on public.therapists
  using ((is_listed and is_active) or id = (select auth.uid()) or (select private.caller_role()) = 'admin'
         or id in (select private.therapists_of_caller()));

-- The status machine and the fields that never change, for every writer (functions, Studio, the service role).
-- Account deletion may only erase the client's own words (idempotency key, cancellation reason; the note is not
-- guarded): those changes to null are the only ones a final session accepts beyond what the status machine allows.
create function private.check_therapy_session_change()
returns trigger
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if (new.starts_at, new.duration_minutes, new.buffer_before_minutes, new.buffer_after_minutes, new.session_type)
     is distinct from (old.starts_at, old.duration_minutes, old.buffer_before_minutes, old.buffer_after_minutes, old.session_type)
     or (new.idempotency_key is distinct from old.idempotency_key and new.idempotency_key is not null)
     or (new.therapist_id is distinct from old.therapist_id and new.therapist_id is not null)
     or (new.client_id is distinct from old.client_id and new.client_id is not null)
     or (new.rescheduled_from is distinct from old.rescheduled_from and new.rescheduled_from is not null) then
    raise exception 'A session''s time, type and parties do not change; reschedule it instead' using errcode = 'PT409';
  end if;
  if old.status in ('cancelled', 'completed', 'no-show')
     and ((new.status, new.cancelled_at, new.cancelled_by, new.is_late_cancellation)
          is distinct from (old.status, old.cancelled_at, old.cancelled_by, old.is_late_cancellation)
          or (new.cancellation_reason is distinct from old.cancellation_reason and new.cancellation_reason is not null)) then
    raise exception 'A % session is final', old.status using errcode = 'PT409';
  end if;
  if new.status is distinct from old.status then
    if not (old.status = 'scheduled' and new.status in ('confirmed', 'cancelled', 'completed', 'no-show')
            or old.status = 'confirmed' and new.status in ('cancelled', 'completed', 'no-show')) then
      raise exception 'A % session cannot become %', old.status, new.status using errcode = 'PT409';
    end if;
    if new.status in ('completed', 'no-show') and now() < old.starts_at then
      raise exception 'A session can be marked % only once it has started', new.status using errcode = 'PT409';
    end if;
    if new.status = 'cancelled' and now() >= old.starts_at then
      raise exception 'A session that has started cannot be cancelled; its therapist marks it completed or no-show' using errcode = 'PT409';
    end if;
    new.status_changed_at := now();
  end if;
  return new;
end;
$$;
comment on function private.check_therapy_session_change() is
  'Trigger: allowed status transitions only, completed/no-show only after the start, cancel only before it; time, type and parties are fixed (an idempotency key and a cancellation reason may only be erased).';

create trigger therapy_sessions_check_change
  before update on private.therapy_sessions
  for each row execute function private.check_therapy_session_change();

-- Reminder jobs ---------------------------------------------------------------------------------------------------

create table private.session_reminders (
  id bigint generated always as identity primary key,
  session_id uuid not null references private.therapy_sessions (id) on delete cascade,
  recipient_id uuid not null references public.profiles (id) on delete cascade,
  lead_minutes integer not null,
  due_at timestamptz not null,
  status text not null default 'pending',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint session_reminders_lead_minutes_check check (lead_minutes in (1440, 30)),
  constraint session_reminders_status_check check (status in ('pending', 'sent', 'cancelled')),
  constraint session_reminders_session_id_recipient_id_lead_minutes_key unique (session_id, recipient_id, lead_minutes)
);
comment on table private.session_reminders is
  'Reminder jobs for therapy sessions (24 h and 30 min before, for client and therapist), written by triggers on therapy_sessions. Delivered by the notifications issue; only pending rows may ever be sent.';
comment on column private.session_reminders.lead_minutes is 'How long before the start: 1440 (24 h) or 30.';
create index session_reminders_due_at_idx on private.session_reminders (due_at) where status = 'pending';
create index session_reminders_recipient_id_idx on private.session_reminders (recipient_id);
alter table private.session_reminders enable row level security;

-- security definer: the parties of a session cannot write reminder jobs themselves.
create function private.sync_session_reminders()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status in ('scheduled', 'confirmed') then
    if tg_op = 'INSERT' then
      insert into private.session_reminders (session_id, recipient_id, lead_minutes, due_at)
      select new.id, party.id, lead.minutes, private.plus_minutes(new.starts_at, -lead.minutes)
      from (values (new.client_id), (new.therapist_id)) as party (id)
      cross join (values (1440), (30)) as lead (minutes)
      where party.id is not null and private.plus_minutes(new.starts_at, -lead.minutes) > now()
      on conflict do nothing;
    end if;
  else
    update private.session_reminders as r set status = 'cancelled', updated_at = now()
    where r.session_id = new.id and r.status = 'pending';
  end if;
  return null;
end;
$$;
comment on function private.sync_session_reminders() is 'Trigger: a booked session gets its reminder jobs (those still in the future); a session that stops being active has its pending reminders cancelled.';

create trigger therapy_sessions_sync_reminders
  after insert or update of status on private.therapy_sessions
  for each row execute function private.sync_session_reminders();

-- Ratings ---------------------------------------------------------------------------------------------------------

create table private.therapy_session_ratings (
  session_id uuid primary key references private.therapy_sessions (id) on delete cascade,
  client_id uuid not null references public.profiles (id) on delete cascade,
  therapist_id uuid references public.therapists (id) on delete set null,
  rating smallint not null,
  feedback text,
  created_at timestamptz not null default now(),
  constraint therapy_session_ratings_rating_check check (rating between 1 and 5),
  constraint therapy_session_ratings_feedback_length_check check (char_length(feedback) <= 2000)
);
comment on table private.therapy_session_ratings is
  'A client''s rating of a completed session (once). The client reads their own; therapists see only the aggregate on public.therapists.';
create index therapy_session_ratings_client_id_idx on private.therapy_session_ratings (client_id);
create index therapy_session_ratings_therapist_id_idx on private.therapy_session_ratings (therapist_id);
alter table private.therapy_session_ratings enable row level security;
grant select on table private.therapy_session_ratings to authenticated;
create policy therapy_session_ratings_select_own on private.therapy_session_ratings
  for select to authenticated
  using (client_id = (select auth.uid()));

-- Incremental, under the therapist row's lock: concurrent ratings never lose an update.
create function private.maintain_therapist_rating()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.therapists as t set rating_count = t.rating_count + 1, rating_sum = t.rating_sum + new.rating
    where t.id = new.therapist_id;
  else
    update public.therapists as t set rating_count = t.rating_count - 1, rating_sum = t.rating_sum - old.rating
    where t.id = old.therapist_id;
  end if;
  return null;
end;
$$;
comment on function private.maintain_therapist_rating() is 'Trigger: keeps therapists.rating_count and rating_sum equal to their rated sessions.';
create trigger therapy_session_ratings_maintain_therapist_rating
  after insert or delete on private.therapy_session_ratings
  for each row execute function private.maintain_therapist_rating();

-- The therapist's private notes ----------------------------------------------------------------------------------

create table public.therapist_session_notes (
  session_id uuid primary key references private.therapy_sessions (id) on delete cascade,
  therapist_id uuid not null default auth.uid() references public.therapists (id) on delete cascade,
  body text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint therapist_session_notes_body_length_check check (char_length(body) between 1 and 20000)
);
comment on table public.therapist_session_notes is 'A therapist''s private notes on one of their sessions: visible only to that therapist (not to the client, not to admins).';
create index therapist_session_notes_therapist_id_idx on public.therapist_session_notes (therapist_id);
create trigger therapist_session_notes_set_updated_at
  before update on public.therapist_session_notes
  for each row execute function private.set_updated_at();
alter table public.therapist_session_notes enable row level security;
revoke all on table public.therapist_session_notes from anon, authenticated;
grant select, delete on table public.therapist_session_notes to authenticated;
grant insert (session_id, body) on table public.therapist_session_notes to authenticated;
grant update (body) on table public.therapist_session_notes to authenticated;
create policy therapist_session_notes_all_own on public.therapist_session_notes
  for all to authenticated
  using (therapist_id = (select auth.uid()))
  with check (
    therapist_id = (select auth.uid())
    and exists (select 1 from private.therapy_sessions as s where s.id = session_id and s.therapist_id = (select auth.uid())));

-- Slots -----------------------------------------------------------------------------------------------------------

-- Every start the therapist's hours allow in [from_at, to_at), ignoring bookings, notice and window. Runs inside the
-- security definer functions below (hours are readable by their owner only). plpgsql rather than sql here and in
-- bookable_slots: PL/pgSQL keeps the query's plan for the session, while a non-inlinable SQL function plans its query
-- on every call, which cost ~4 ms per call (measured: npm run bench therapy).
create function private.therapist_open_slots(therapist_id uuid, from_at timestamptz, to_at timestamptz)
returns setof timestamptz
language plpgsql
stable
set search_path = ''
as $$
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
    join public.therapist_date_overrides as o on o.therapist_id = local_day.id and o.on_date = local_day.on_date
    where o.starts_at is not null
    union all
    select local_day.*, h.starts_at, h.ends_at
    from local_day
    join public.therapist_weekly_hours as h on h.therapist_id = local_day.id and h.weekday = extract(isodow from local_day.on_date)
    where not exists (select 1 from public.therapist_date_overrides as o where o.therapist_id = local_day.id and o.on_date = local_day.on_date)
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
$$;
comment on function private.therapist_open_slots(uuid, timestamptz, timestamptz) is
  'Starts allowed by the therapist''s weekly hours and date overrides in [from_at, to_at): wall-clock steps in the therapist''s zone, each session ending inside its range. Ignores bookings, notice and window.';

-- Starts a client could book now: open slots within notice and window, free of the therapist's active sessions with
-- both sides' buffers, and of the client's own active sessions.
create function private.bookable_slots(therapist_id uuid, from_at timestamptz, to_at timestamptz, client_id uuid)
returns setof timestamptz
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
  select s.starts_at
  from public.therapists as t
  cross join lateral private.therapist_open_slots(
    t.id,
    greatest(from_at, now() + make_interval(mins => t.minimum_notice_minutes)),
    least(to_at, now() + make_interval(days => t.booking_window_days))) as s (starts_at)
  where t.id = bookable_slots.therapist_id and t.is_listed and t.is_active
    and not exists (
      select 1 from private.therapy_sessions as x
      where x.therapist_id = t.id and x.status in ('scheduled', 'confirmed')
        and x.occupied && tstzrange(s.starts_at - make_interval(mins => t.buffer_before_minutes),
                                    s.starts_at + make_interval(mins => t.session_minutes + t.buffer_after_minutes)))
    and not exists (
      select 1 from private.therapy_sessions as x
      where x.client_id = bookable_slots.client_id and x.status in ('scheduled', 'confirmed')
        and tstzrange(x.starts_at, x.ends_at) && tstzrange(s.starts_at, s.starts_at + make_interval(mins => t.session_minutes)))
  order by s.starts_at;
end;
$$;
comment on function private.bookable_slots(uuid, timestamptz, timestamptz, uuid) is
  'Bookable starts of a listed therapist in [from_at, to_at) for client_id: open slots within notice and window, clear of active sessions (therapist with buffers; client without).';

-- An instant as ISO 8601 local time with its UTC offset in a zone, e.g. 2026-03-08T09:00:00-04:00.
create function private.local_iso(at_time timestamptz, time_zone text)
returns text
language sql
stable
set search_path = ''
as $$
  select to_char(at_time at time zone time_zone, 'YYYY-MM-DD"T"HH24:MI:SS')
         || case when o.offset_interval < interval '0' then '-' else '+' end
         || to_char(case when o.offset_interval < interval '0' then -o.offset_interval else o.offset_interval end, 'HH24:MI')
  from (select (at_time at time zone time_zone) - (at_time at time zone 'UTC') as offset_interval) as o;
$$;
comment on function private.local_iso(timestamptz, text) is 'ISO 8601 local date-time with offset of an instant in an IANA zone.';

-- GET /functions/v1/booking/slots: bookable starts between two local dates (inclusive) in the caller's zone.
-- security definer: needs the therapist's hours and every client's busy times, and shows neither.
create function private.list_bookable_slots(therapist_id uuid, from_date date, to_date date, time_zone text default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  zone text := coalesce(time_zone, (select p.time_zone from public.profiles as p where p.id = auth.uid()), 'UTC');
  therapist public.therapists;
begin
  if auth.uid() is null then
    raise exception 'Sign in to see bookable times' using errcode = 'PT401';
  end if;
  if not private.is_time_zone(zone) then
    raise exception 'Unknown time zone %; use an IANA name such as Europe/Lisbon', zone using errcode = 'PT400';
  end if;
  if from_date is null or to_date is null or to_date < from_date or to_date - from_date > 62 then
    raise exception 'from and to must be dates at most 62 days apart, from first' using errcode = 'PT400';
  end if;
  select t.* into therapist from public.therapists as t
  where t.id = list_bookable_slots.therapist_id and t.is_listed and t.is_active;
  if therapist.id is null then
    raise exception 'No such therapist' using errcode = 'PT404';
  end if;
  return jsonb_build_object(
    'therapistId', therapist.id,
    'timeZone', zone,
    'duration', therapist.session_minutes,
    'sessionTypes', to_jsonb(therapist.session_types),
    'slots', coalesce((
      select jsonb_agg(jsonb_build_object(
               'start', private.local_iso(s.starts_at, zone),
               'end', private.local_iso(s.starts_at + make_interval(mins => therapist.session_minutes), zone),
               'date', (s.starts_at at time zone zone)::date)
             order by s.starts_at)
      from private.bookable_slots(therapist.id, from_date::timestamp at time zone zone, (to_date + 1)::timestamp at time zone zone, auth.uid()) as s (starts_at)
    ), '[]'::jsonb));
end;
$$;
comment on function private.list_bookable_slots(uuid, date, date, text) is
  'Bookable starts of a therapist from from_date to to_date (inclusive, local dates in time_zone, default the caller''s), as local ISO times with offsets.';

-- The first bookable start of a therapist (for anyone), looking one day ahead, then two, four… (at most two weeks at a
-- time) up to the booking window or within_days: usually the first day after the notice has a free start. security definer: reads every client's busy times and shows only the first free start.
create function private.next_available_slot(therapist_id uuid, within_days integer default null)
returns timestamptz
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  therapist public.therapists;
  chunk_start timestamptz;
  horizon timestamptz;
  first_start timestamptz;
  chunk interval := interval '1 day';
begin
  select t.* into therapist from public.therapists as t
  where t.id = next_available_slot.therapist_id and t.is_listed and t.is_active;
  if therapist.id is null then
    return null;
  end if;
  chunk_start := now() + make_interval(mins => therapist.minimum_notice_minutes);
  horizon := least(now() + make_interval(days => therapist.booking_window_days), now() + make_interval(days => coalesce(within_days, 366)));
  while chunk_start < horizon loop
    select min(s.starts_at) into first_start
    from private.bookable_slots(therapist.id, chunk_start, least(chunk_start + chunk, horizon), null) as s (starts_at);
    if first_start is not null then
      return first_start;
    end if;
    chunk_start := chunk_start + chunk;
    chunk := least(chunk * 2, interval '14 days');
  end loop;
  return null;
end;
$$;
comment on function private.next_available_slot(uuid, integer) is 'The seed''s nextAvailable: first bookable start of a listed therapist within the booking window (and within_days, when given); null when none.';

-- GET /therapists -------------------------------------------------------------------------------------------------

create function public.list_therapists(
  with_specialty public.therapy_specialty default null,
  available_within_days integer default null,
  with_language text default null,
  with_session_type public.therapy_session_type default null,
  page_size integer default 20,
  after_name text default null,
  after_id uuid default null
)
returns table (
  id uuid,
  name text,
  specialty text,
  specialties public.therapy_specialty[],
  experience text,
  "yearsOfExperience" integer,
  rating numeric,
  "ratingCount" integer,
  "nextAvailable" timestamptz,
  "hourlyRate" numeric,
  currency text,
  languages text[],
  "sessionTypes" public.therapy_session_type[],
  duration integer,
  "acceptingNewClients" boolean,
  bio text,
  "timeZone" text
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform private.check_page_size(page_size, 100);
  if available_within_days is not null and available_within_days not between 1 and 365 then
    raise exception 'available_within_days must be between 1 and 365' using errcode = 'PT400';
  end if;
  if (after_name is null) <> (after_id is null) then
    raise exception 'after_name and after_id go together (the name and id of the last row of the previous page)' using errcode = 'PT400';
  end if;
  return query
    select t.id, t.display_name, private.therapy_specialty_summary(t.specialties), t.specialties,
           t.years_of_experience || case when t.years_of_experience = 1 then ' year' else ' years' end, t.years_of_experience,
           case when t.rating_count > 0 then round(t.rating_sum::numeric / t.rating_count, 1) end, t.rating_count,
           next_slot.starts_at, t.hourly_rate, t.currency, t.languages, t.session_types, t.session_minutes,
           t.accepting_new_clients, t.bio, t.time_zone
    from public.therapists as t
    cross join lateral (select private.next_available_slot(t.id, available_within_days) as starts_at) as next_slot
    where t.is_listed and t.is_active
      and (with_specialty is null or t.specialties @> array[with_specialty])
      and (with_language is null or with_language = any (t.languages))
      and (with_session_type is null or t.session_types @> array[with_session_type])
      and (available_within_days is null or next_slot.starts_at is not null)
      and (after_name is null or (t.display_name, t.id) > (after_name, after_id))
    order by t.display_name, t.id
    limit page_size;
end;
$$;
comment on function public.list_therapists(public.therapy_specialty, integer, text, public.therapy_session_type, integer, text, uuid) is
  'GET /therapists: listed therapists in the seed''s shape, by name; filters with_specialty, available_within_days (has a bookable start within N days), with_language, with_session_type; keyset pages with after_name/after_id. nextAvailable is computed from real availability.';

-- Booking ---------------------------------------------------------------------------------------------------------

-- Raises the reason a start cannot be booked with a therapist by a client (422, or 409 when it is taken), or returns
-- the therapist. Checks only for a clear answer: the exclusion constraints are what guarantees no overlap.
create function private.assert_bookable(therapist_id uuid, starts_at timestamptz, session_type public.therapy_session_type, client_id uuid, is_new_booking boolean)
returns public.therapists
language plpgsql
stable
set search_path = ''
as $$
declare
  therapist public.therapists;
begin
  select t.* into therapist from public.therapists as t
  where t.id = assert_bookable.therapist_id and t.is_listed and t.is_active;
  if therapist.id is null then
    raise exception 'No such therapist' using errcode = 'PT404';
  end if;
  if therapist.id = client_id then
    raise exception 'You cannot book a session with yourself' using errcode = 'PT422';
  end if;
  if not (session_type = any (therapist.session_types)) then
    raise exception 'This therapist does not offer % sessions', session_type using errcode = 'PT422';
  end if;
  if is_new_booking and not therapist.accepting_new_clients and not exists (
    select 1 from private.therapy_sessions as s
    where s.therapist_id = therapist.id and s.client_id = assert_bookable.client_id and s.status in ('scheduled', 'confirmed', 'completed')) then
    raise exception 'This therapist is not accepting new clients' using errcode = 'PT422';
  end if;
  if assert_bookable.starts_at <= now() then
    raise exception 'That time is in the past' using errcode = 'PT422';
  end if;
  if assert_bookable.starts_at < now() + make_interval(mins => therapist.minimum_notice_minutes) then
    raise exception 'Sessions with this therapist must be booked at least % hours ahead', round(therapist.minimum_notice_minutes / 60.0, 1)
      using errcode = 'PT422';
  end if;
  if assert_bookable.starts_at >= now() + make_interval(days => therapist.booking_window_days) then
    raise exception 'Sessions with this therapist can be booked at most % days ahead', therapist.booking_window_days using errcode = 'PT422';
  end if;
  if not exists (select 1 from private.therapist_open_slots(therapist.id, assert_bookable.starts_at, assert_bookable.starts_at + interval '1 minute') as s (slot_start)
                 where s.slot_start = assert_bookable.starts_at) then
    raise exception 'That is not one of this therapist''s bookable times; pick one from /booking/slots' using errcode = 'PT422';
  end if;
  -- The one definition of "free": the same function that lists slots.
  if not exists (select 1 from private.bookable_slots(therapist.id, assert_bookable.starts_at, assert_bookable.starts_at + interval '1 minute', client_id) as s (slot_start)
                 where s.slot_start = assert_bookable.starts_at) then
    if exists (select 1 from private.therapy_sessions as x
               where x.client_id = assert_bookable.client_id and x.status in ('scheduled', 'confirmed')
                 and x.ends_at > assert_bookable.starts_at and x.starts_at < assert_bookable.starts_at + make_interval(mins => therapist.session_minutes)) then
      raise exception 'You already have a session at that time' using errcode = 'PT409';
    end if;
    raise exception 'That time is no longer available' using errcode = 'PT409';
  end if;
  return therapist;
end;
$$;
comment on function private.assert_bookable(uuid, timestamptz, public.therapy_session_type, uuid, boolean) is
  'Raises why a start cannot be booked (404 therapist, 422 rule, 409 taken) or returns the therapist.';

-- Inserts an active session; a lost race on the exclusion constraints is a 409.
create function private.insert_therapy_session(
  therapist public.therapists, client_id uuid, starts_at timestamptz, session_type public.therapy_session_type,
  client_note text, idempotency_key text, rescheduled_from uuid)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  session_id uuid;
begin
  insert into private.therapy_sessions (
    therapist_id, client_id, starts_at, duration_minutes, buffer_before_minutes, buffer_after_minutes, session_type,
    status, client_note, idempotency_key, rescheduled_from)
  values (
    therapist.id, client_id, starts_at, therapist.session_minutes, therapist.buffer_before_minutes, therapist.buffer_after_minutes,
    session_type, case when therapist.auto_confirm then 'confirmed' else 'scheduled' end::public.therapy_session_status,
    nullif(btrim(client_note), ''), idempotency_key, rescheduled_from)
  returning id into session_id;
  return session_id;
exception when exclusion_violation or deadlock_detected then
  -- Concurrent inserts into an exclusion constraint that conflict wait for each other, and two that both got in can
  -- deadlock: either way another booking holds the time. Rolling back to this block's savepoint lets the other go on.
  raise exception 'That time was just booked; pick another' using errcode = 'PT409';
end;
$$;
comment on function private.insert_therapy_session(public.therapists, uuid, timestamptz, public.therapy_session_type, text, text, uuid) is
  'Inserts a session with the therapist''s current duration, buffers and confirmation policy; an overlap (lost race) raises 409.';

-- POST /functions/v1/booking (the seed's POST /sessions). security definer: writes private.therapy_sessions.
create function private.book_therapy_session(
  therapist_id uuid, starts_at timestamptz, session_type public.therapy_session_type default 'video',
  client_note text default null, idempotency_key text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller_id uuid := auth.uid();
  existing private.therapy_sessions;
  therapist public.therapists;
begin
  if caller_id is null then
    raise exception 'Sign in to book a session' using errcode = 'PT401';
  end if;
  if not private.caller_may_browse_people() then
    raise exception 'Create an account (email, Google or GitHub) to book a session' using errcode = 'PT403';
  end if;
  if idempotency_key is not null then
    -- Retries with one key queue here until the first commits, then find its booking (instead of racing it for the
    -- slot and losing with a 409).
    perform pg_advisory_xact_lock(hashtextextended(caller_id::text || ':' || idempotency_key, 0));
    select s.* into existing from private.therapy_sessions as s
    where s.client_id = caller_id and s.idempotency_key = book_therapy_session.idempotency_key;
    if existing.id is not null then
      if (existing.therapist_id, existing.starts_at, existing.session_type) is distinct from (book_therapy_session.therapist_id, starts_at, session_type) then
        raise exception 'This Idempotency-Key was already used for a different booking' using errcode = 'PT422';
      end if;
      return existing.id;
    end if;
  end if;
  therapist := private.assert_bookable(therapist_id, starts_at, session_type, caller_id, true);
  begin
    return private.insert_therapy_session(therapist, caller_id, starts_at, session_type, client_note, idempotency_key, null);
  exception when unique_violation then
    -- The same key committed by a concurrent retry: answer with that booking.
    select s.* into existing from private.therapy_sessions as s
    where s.client_id = caller_id and s.idempotency_key = book_therapy_session.idempotency_key;
    if existing.id is null then
      raise;
    end if;
    return existing.id;
  end;
end;
$$;
comment on function private.book_therapy_session(uuid, timestamptz, public.therapy_session_type, text, text) is
  'Books a session for the caller at a bookable start: 404/422 with the reason, 409 when taken (also on a lost race); the same idempotency_key returns the first booking.';

-- Locks one of the caller's sessions and says which party the caller is in it.
create type private.callers_therapy_session as (session private.therapy_sessions, party public.therapy_party);
comment on type private.callers_therapy_session is 'A session locked for a change, and which party the caller is in it.';

create function private.lock_callers_therapy_session(session_id uuid)
returns private.callers_therapy_session
language plpgsql
set search_path = ''
as $$
declare
  locked private.callers_therapy_session;
  found_session private.therapy_sessions;
begin
  select s.* into found_session from private.therapy_sessions as s
  where s.id = lock_callers_therapy_session.session_id and auth.uid() in (s.client_id, s.therapist_id)
  for update;
  if found_session.id is null then
    raise exception 'No such session' using errcode = 'PT404';
  end if;
  locked.session := found_session;
  locked.party := (case when found_session.client_id = auth.uid() then 'client' else 'therapist' end)::public.therapy_party;
  return locked;
end;
$$;
comment on function private.lock_callers_therapy_session(uuid) is 'Locks a session of the caller (404 otherwise) and returns it with the caller''s party.';

-- The one way a session becomes cancelled: who, why, when, and whether it was late (inside the therapist's
-- late-cancellation window; never for the system's own cancellations).
create function private.mark_session_cancelled(session_id uuid, cancelled_by public.therapy_party, reason text)
returns void
language sql
set search_path = ''
as $$
  update private.therapy_sessions as s
  set status = 'cancelled', cancelled_at = now(), cancelled_by = mark_session_cancelled.cancelled_by,
      cancellation_reason = nullif(btrim(reason), ''),
      is_late_cancellation = mark_session_cancelled.cancelled_by <> 'system' and now() > s.starts_at - make_interval(hours => coalesce(
        (select t.late_cancellation_hours from public.therapists as t where t.id = s.therapist_id), 0))
  where s.id = mark_session_cancelled.session_id;
$$;
comment on function private.mark_session_cancelled(uuid, public.therapy_party, text) is 'Cancels a session, recording who, why, when and whether it was late.';

-- PUT /functions/v1/booking/:id { action: reschedule }. The client moves the session to another bookable start of the
-- same therapist: the old one is cancelled (reason Rescheduled) and the new one booked in one transaction, so a
-- refused or lost new slot leaves the old booking as it was. Retrying with the same start returns the same session.
create function private.reschedule_therapy_session(session_id uuid, starts_at timestamptz)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  locked record;
  replacement private.therapy_sessions;
  therapist public.therapists;
begin
  select * into locked from private.lock_callers_therapy_session(session_id);
  if locked.party <> 'client' then
    raise exception 'Only the client reschedules; ask them with action request-reschedule' using errcode = 'PT403';
  end if;
  select s.* into replacement from private.therapy_sessions as s where s.rescheduled_from = (locked.session).id;
  if replacement.id is not null then
    if replacement.starts_at = reschedule_therapy_session.starts_at then
      return replacement.id;
    end if;
    raise exception 'This session was already rescheduled' using errcode = 'PT409';
  end if;
  if (locked.session).status not in ('scheduled', 'confirmed') then
    raise exception 'A % session cannot be rescheduled', (locked.session).status using errcode = 'PT409';
  end if;
  if (locked.session).starts_at = reschedule_therapy_session.starts_at then
    raise exception 'The session is already at that time' using errcode = 'PT422';
  end if;
  perform private.mark_session_cancelled((locked.session).id, 'client', 'Rescheduled');
  therapist := private.assert_bookable((locked.session).therapist_id, starts_at, (locked.session).session_type, auth.uid(), false);
  return private.insert_therapy_session(therapist, auth.uid(), starts_at, (locked.session).session_type,
                                        (locked.session).client_note, null, (locked.session).id);
end;
$$;
comment on function private.reschedule_therapy_session(uuid, timestamptz) is
  'The client moves an active session to another bookable start (same therapist and type), atomically; the new session links to the old.';

-- PUT /functions/v1/booking/:id { action: cancel }: either party, before the start.
create function private.cancel_therapy_session(session_id uuid, reason text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  locked record;
begin
  select * into locked from private.lock_callers_therapy_session(session_id);
  if (locked.session).status not in ('scheduled', 'confirmed') then
    raise exception 'A % session cannot be cancelled', (locked.session).status using errcode = 'PT409';
  end if;
  perform private.mark_session_cancelled((locked.session).id, locked.party, reason);
  return (locked.session).id;
end;
$$;
comment on function private.cancel_therapy_session(uuid, text) is 'Either party cancels an active session before its start; records who, why and when, and whether it was late.';

-- PUT /functions/v1/booking/:id { action: confirm | complete | no-show }: the therapist only.
create function private.set_therapy_session_status(session_id uuid, status public.therapy_session_status)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  locked record;
begin
  if status not in ('confirmed', 'completed', 'no-show') then
    raise exception 'Use cancel or reschedule for that' using errcode = 'PT422';
  end if;
  select * into locked from private.lock_callers_therapy_session(session_id);
  if locked.party <> 'therapist' then
    raise exception 'Only the session''s therapist can mark it %', status using errcode = 'PT403';
  end if;
  update private.therapy_sessions as s set status = set_therapy_session_status.status where s.id = (locked.session).id;
  return (locked.session).id;
end;
$$;
comment on function private.set_therapy_session_status(uuid, public.therapy_session_status) is 'The therapist confirms a session, or marks it completed or no-show once it has started.';

-- PUT /functions/v1/booking/:id { action: request-reschedule }: the therapist asks the client to pick another time.
create function private.request_therapy_reschedule(session_id uuid, note text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  locked record;
begin
  select * into locked from private.lock_callers_therapy_session(session_id);
  if locked.party <> 'therapist' then
    raise exception 'Only the session''s therapist can ask for a reschedule' using errcode = 'PT403';
  end if;
  if (locked.session).status not in ('scheduled', 'confirmed') or (locked.session).starts_at <= now() then
    raise exception 'Only an upcoming active session can be rescheduled' using errcode = 'PT409';
  end if;
  update private.therapy_sessions as s
  set reschedule_requested_at = now(), reschedule_request_note = nullif(btrim(note), '')
  where s.id = (locked.session).id;
  return (locked.session).id;
end;
$$;
comment on function private.request_therapy_reschedule(uuid, text) is 'The therapist asks the client to reschedule an upcoming session (with an optional note).';

-- POST /functions/v1/booking/:id/rate (the seed's POST /sessions/:id/rate): the client of a completed session, once.
create function private.rate_therapy_session(session_id uuid, rating integer, feedback text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  locked record;
begin
  if rating is null or rating not between 1 and 5 then
    raise exception 'rating must be a whole number from 1 to 5' using errcode = 'PT400';
  end if;
  select * into locked from private.lock_callers_therapy_session(session_id);
  if locked.party <> 'client' then
    raise exception 'Only the client rates a session' using errcode = 'PT403';
  end if;
  if (locked.session).status <> 'completed' then
    raise exception 'Only a completed session can be rated' using errcode = 'PT409';
  end if;
  insert into private.therapy_session_ratings (session_id, client_id, therapist_id, rating, feedback)
  values ((locked.session).id, auth.uid(), (locked.session).therapist_id, rating, nullif(btrim(feedback), ''));
  return (locked.session).id;
exception when unique_violation then
  raise exception 'You already rated this session' using errcode = 'PT409';
end;
$$;
comment on function private.rate_therapy_session(uuid, integer, text) is 'The client rates a completed session 1-5 with optional feedback, once.';

-- What the therapist sees of a client: the client's privacy-masked public card, and only for their own clients.
-- security definer: cards are not readable by account id through the API.
create function private.session_client_card(session_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', c.id, 'name', c.display_name, 'isPseudonym', c.is_pseudonym, 'avatarPath', c.avatar_path, 'phone', c.phone,
    'dateOfBirth', c.date_of_birth, 'location', c.location, 'occupation', c.occupation, 'interests', c.interests)
  from private.therapy_sessions as s
  join private.profile_cards as c on c.profile_id = s.client_id
  where s.id = session_client_card.session_id and s.therapist_id = auth.uid();
$$;
comment on function private.session_client_card(uuid) is 'The client''s public card (privacy settings applied) of a session, for that session''s therapist; null otherwise.';

-- GET /sessions in the seed's shape, for both parties: RLS limits rows to the caller's sessions, in which the caller is
-- the therapist or else the client (nobody books themselves).
create view public.my_therapy_sessions with (security_invoker = true) as
  select s.id,
         initcap(s.session_type::text) || ' session with ' || coalesce(t.display_name, 'a former therapist') as title,
         jsonb_build_object('id', s.therapist_id, 'name', coalesce(t.display_name, '[deleted therapist]'),
                            'specialty', private.therapy_specialty_summary(t.specialties)) as therapist,
         s.therapist_id as "therapistId",
         case when s.therapist_id = (select auth.uid()) then 'therapist' else 'client' end as "myRole",
         case when s.therapist_id = (select auth.uid()) then
           coalesce(private.session_client_card(s.id), jsonb_build_object('id', null, 'name', '[deleted user]'))
         end as client,
         s.starts_at as "scheduledAt",
         s.ends_at as "endsAt",
         s.duration_minutes as duration,
         s.session_type as type,
         s.status,
         case when s.status in ('scheduled', 'confirmed') and s.ends_at > now() then 'upcoming' else 'past' end as timing,
         s.client_note as notes,
         s.cancelled_at as "cancelledAt",
         s.cancelled_by as "cancelledBy",
         s.cancellation_reason as "cancellationReason",
         s.is_late_cancellation as "lateCancellation",
         s.rescheduled_from as "rescheduledFrom",
         (select n.id from private.therapy_sessions as n where n.rescheduled_from = s.id) as "rescheduledTo",
         s.reschedule_requested_at as "rescheduleRequestedAt",
         s.reschedule_request_note as "rescheduleRequestNote",
         r.rating,
         r.feedback,
         s.created_at as "createdAt"
  from private.therapy_sessions as s
  left join public.therapists as t on t.id = s.therapist_id
  left join private.therapy_session_ratings as r on r.session_id = s.id;
comment on view public.my_therapy_sessions is
  'GET /sessions: the caller''s sessions as client or therapist, in the seed''s shape. Filter timing = upcoming | past and therapistId; order by scheduledAt. A therapist sees the client''s privacy-masked card (client), never the rating; the client sees their own rating.';
revoke all on table public.my_therapy_sessions from anon, authenticated;
grant select on table public.my_therapy_sessions to authenticated;

-- For admins (Studio and the app's admin screens): operational facts of every session, without the client's identity,
-- notes or feedback. security definer: admins are not parties to the sessions, and RLS shows sessions to parties only.
create function private.therapy_session_operations()
returns table (
  id uuid, therapist_id uuid, therapist_name text, starts_at timestamptz, ends_at timestamptz, duration_minutes integer,
  session_type public.therapy_session_type, status public.therapy_session_status, cancelled_at timestamptz,
  cancelled_by public.therapy_party, is_late_cancellation boolean, rescheduled_from uuid, client_deleted boolean,
  created_at timestamptz, status_changed_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select s.id, s.therapist_id, t.display_name, s.starts_at, s.ends_at, s.duration_minutes, s.session_type, s.status,
         s.cancelled_at, s.cancelled_by, s.is_late_cancellation, s.rescheduled_from, s.client_id is null, s.created_at, s.status_changed_at
  from private.therapy_sessions as s
  left join public.therapists as t on t.id = s.therapist_id
  where (select private.caller_role()) = 'admin';
$$;
comment on function private.therapy_session_operations() is 'Rows of public.therapy_session_operations: every session for admins, nothing for anyone else.';

create view public.therapy_session_operations with (security_invoker = true) as
  select * from private.therapy_session_operations();
comment on view public.therapy_session_operations is
  'Admins only (empty for everyone else): every session''s schedule and status facts (no client identity, notes or ratings), for operations such as no-show and late-cancellation rates.';
revoke all on table public.therapy_session_operations from anon, authenticated;
grant select on table public.therapy_session_operations to authenticated;

-- Completed sessions join the client's progress timeline (same columns as before, one more branch).
create or replace view public.my_timeline with (security_invoker = true) as
  select 'achievement:' || u.achievement_id as id, u.unlocked_at as occurred_at, u.unlocked_at::date as date,
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
         'Therapy session with ' || coalesce(t.display_name, 'a former therapist'), null, 'therapy_session'
  from private.therapy_sessions as s
  left join public.therapists as t on t.id = s.therapist_id
  -- RLS leaves the caller's sessions; those where they are not the therapist are theirs as the client.
  where s.therapist_id is distinct from (select auth.uid()) and s.status = 'completed';
comment on view public.my_timeline is
  'GET /progress/timeline: the caller''s milestones (achievements, completed goals, completed therapy sessions), in the seed''s shape. Order by occurred_at desc, id desc; page with occurred_at/id of the last row.';

-- An account being deleted gives up its future sessions: they are cancelled (freeing the therapist's slots and
-- cancelling reminders) before the foreign keys null the identity. security definer: runs inside Auth's delete.
create function private.cancel_sessions_of_deleted_account()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.mark_session_cancelled(s.id, 'system', 'Account deleted')
  from private.therapy_sessions as s
  where old.id in (s.client_id, s.therapist_id) and s.status in ('scheduled', 'confirmed') and s.starts_at > now();
  return old;
end;
$$;
comment on function private.cancel_sessions_of_deleted_account() is 'Trigger: cancels the future active sessions of a profile being deleted.';
create trigger profiles_cancel_sessions_of_deleted_account
  before delete on public.profiles
  for each row execute function private.cancel_sessions_of_deleted_account();

-- Data export section: the caller's sessions as a client (with their ratings), and as a therapist their directory
-- profile, availability, sessions (times and statuses, without the clients' cards) and private notes.
create function private.export_therapy()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'therapySessions', coalesce((
      select jsonb_agg(to_jsonb(s) - 'client' - 'myRole' order by s."scheduledAt")
      from public.my_therapy_sessions as s where s."myRole" = 'client'), '[]'),
    'therapist', (
      select jsonb_build_object(
        'profile', to_jsonb(t),
        'weeklyHours', coalesce((select jsonb_agg(to_jsonb(h) order by h.weekday, h.starts_at) from public.therapist_weekly_hours as h where h.therapist_id = t.id), '[]'),
        'dateOverrides', coalesce((select jsonb_agg(to_jsonb(o) order by o.on_date, o.starts_at) from public.therapist_date_overrides as o where o.therapist_id = t.id), '[]'),
        'sessions', coalesce((
          select jsonb_agg(to_jsonb(s) - 'client' - 'notes' - 'rating' - 'feedback' - 'myRole' order by s."scheduledAt")
          from public.my_therapy_sessions as s where s."myRole" = 'therapist'), '[]'),
        'sessionNotes', coalesce((select jsonb_agg(to_jsonb(n) order by n.created_at) from public.therapist_session_notes as n where n.therapist_id = t.id), '[]'))
      from public.therapists as t where t.id = (select auth.uid())));
$$;
comment on function private.export_therapy() is 'Data export section: therapy sessions as a client, and everything of a therapist''s own practice (no client identities).';

create or replace function public.export_my_data()
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.export_identity() || private.export_wellbeing() || private.export_chat() || private.export_therapy();
$$;

revoke execute on all functions in schema private from public;
revoke execute on function public.list_therapists(public.therapy_specialty, integer, text, public.therapy_session_type, integer, text, uuid) from public, anon;
grant execute on function public.list_therapists(public.therapy_specialty, integer, text, public.therapy_session_type, integer, text, uuid) to authenticated;
-- Called by the booking function as the caller, and from the API's views and policies.
grant execute on function
  private.next_available_slot(uuid, integer),
  private.list_bookable_slots(uuid, date, date, text),
  private.book_therapy_session(uuid, timestamptz, public.therapy_session_type, text, text),
  private.reschedule_therapy_session(uuid, timestamptz),
  private.cancel_therapy_session(uuid, text),
  private.set_therapy_session_status(uuid, public.therapy_session_status),
  private.request_therapy_reschedule(uuid, text),
  private.rate_therapy_session(uuid, integer, text),
  private.export_therapy(),
  private.session_client_card(uuid),
  private.therapists_of_caller(),
  private.therapy_session_operations(),
  private.therapy_specialty_summary(public.therapy_specialty[]),
  private.therapy_specialty_label(public.therapy_specialty),
  private.plus_minutes(timestamptz, integer),
  private.minutes_of_day(time, time)
to authenticated;
grant execute on function private.plus_minutes(timestamptz, integer), private.minutes_of_day(time, time) to service_role;
