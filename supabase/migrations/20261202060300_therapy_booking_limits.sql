-- Booking abuse limits (issue 14, finding 8: "one free account can hold a therapist's whole calendar"; 37 unconfirmed
-- bookings covered ten days and other clients then saw no slots). The database now refuses, with 429 (PT429) and a
-- clear message, a booking that would take a client or a therapist's calendar past these limits:
-- * a client holds at most 4 upcoming sessions (scheduled or confirmed, not yet started) with one therapist, and at
--   most 8 across all therapists;
-- * a client makes at most 10 bookings in any 24 hours, counting every session created (kept, cancelled by anyone, or
--   replaced by a reschedule; a reschedule is a booking too): book/cancel loops cannot hold slots or spam a therapist
--   with "New booking" / "Session cancelled" notifications, because cancelling gives nothing back;
-- * a therapist who confirms bookings by hand (auto_confirm off) has at most 10 upcoming requests waiting for an answer
--   from clients who have never completed a session with them; past that, new clients are asked to try later while
--   clients the therapist already knows still book. Therapists who auto-confirm accepted every booking in advance; the
--   per-client limits bound what any one account can take from them.
-- Anonymous sign-ins already cannot book (403, since the therapy_sessions migration): a free anonymous account is not a
-- way in. The numbers live in one place, private.abuse_limits (the notification send limits join them in the next
-- migration), with the reason for each; operators may tune them in Studio.
-- Race-safety: a client's bookings and reschedules are serialised by a transaction-scoped advisory lock on the client
-- (as the chat send limit is), and requests from new clients to a therapist who confirms by hand by one on the
-- therapist, taken after the client's (always in that order, so they cannot deadlock); each count runs after its lock,
-- so it sees every booking committed before. Concurrent bookings by one client cannot all pass.

-- The limits ----------------------------------------------------------------------------------------------------------

create table private.abuse_limits (
  name text primary key,
  value integer not null,
  per interval,
  reason text not null,
  constraint abuse_limits_value_check check (value > 0),
  constraint abuse_limits_per_check check (per > interval '0')
);
comment on table private.abuse_limits is
  'Abuse limits enforced by the database (booking, sending notifications), one row each, with why. Read by the functions that enforce them; tune in Studio. Exceeding one answers 429 (PT429).';
comment on column private.abuse_limits.name is 'What is limited, e.g. booking.upcoming_with_one_therapist.';
comment on column private.abuse_limits.value is 'The most allowed: held at once, or within the rolling window `per`.';
comment on column private.abuse_limits.per is 'The rolling window the value counts over; null for something held at once (upcoming sessions).';
comment on column private.abuse_limits.reason is 'Why the limit exists and why this number.';
alter table private.abuse_limits enable row level security;

insert into private.abuse_limits (name, value, per, reason) values
  ('booking.upcoming_with_one_therapist', 4, null,
   'Upcoming sessions (scheduled or confirmed) a client holds with one therapist: weekly sessions a month ahead. One account cannot hold a therapist''s calendar (finding 8: 37 bookings held ten days).'),
  ('booking.upcoming_total', 8, null,
   'Upcoming sessions a client holds across all therapists: two therapists weekly for a month, or several first sessions while choosing one.'),
  ('booking.made_per_day', 10, interval '24 hours',
   'Sessions a client creates in 24 hours, whatever became of them (cancelled, rescheduled): book/cancel loops neither hold slots nor spam the therapist.'),
  ('booking.unanswered_from_new_clients', 10, null,
   'Per therapist who confirms by hand: upcoming requests still waiting for an answer from clients who never completed a session with them. Accounts the therapist does not know cannot fill their calendar; known clients still book.');

-- One limit by name; a name that is not configured is an error, never a silently missing limit.
create function private.abuse_limit(limit_name text)
returns private.abuse_limits
language plpgsql
stable
set search_path = ''
as $$
declare
  found_limit private.abuse_limits;
begin
  select l.* into found_limit from private.abuse_limits as l where l.name = limit_name;
  if found_limit.name is null then
    raise exception 'Abuse limit % is not configured', limit_name;
  end if;
  return found_limit;
end;
$$;
comment on function private.abuse_limit(text) is 'The configured abuse limit of that name (raises if it is missing, so no limit is ever silently off).';

-- A window in words for messages: "24 hours" → "day", "1 hour" → "hour", "7 days" → "7 days".
create function private.window_in_words(per interval)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when s % 86400 = 0 then case when s = 86400 then 'day' else (s / 86400) || ' days' end
    when s % 3600 = 0 then case when s = 3600 then 'hour' else (s / 3600) || ' hours' end
    when s % 60 = 0 then case when s = 60 then 'minute' else (s / 60) || ' minutes' end
    else s || ' seconds' end
  from (select extract(epoch from per)::bigint as s) as w;
$$;
comment on function private.window_in_words(interval) is 'A rolling window as words for error messages ("day", "hour", "7 days").';

-- Raises 429 when a booking (is_new_booking) or a reschedule by client_id with therapist_id would break a limit.
-- Runs inside the security definer booking functions; volatile, so that every count after a lock sees what committed
-- before it.
create function private.check_therapy_booking_limits(client_id uuid, therapist_id uuid, is_new_booking boolean)
returns void
language plpgsql
set search_path = ''
as $$
declare
  made_per_day private.abuse_limits := private.abuse_limit('booking.made_per_day');
  with_one private.abuse_limits := private.abuse_limit('booking.upcoming_with_one_therapist');
  in_total private.abuse_limits := private.abuse_limit('booking.upcoming_total');
  unanswered private.abuse_limits := private.abuse_limit('booking.unanswered_from_new_clients');
begin
  -- One client's bookings and reschedules one at a time: concurrent requests cannot all pass the counts.
  perform pg_advisory_xact_lock(hashtextextended('therapy_booking:' || client_id::text, 0));
  if (select count(*) from private.therapy_sessions as s
      where s.client_id = check_therapy_booking_limits.client_id and s.created_at > now() - made_per_day.per) >= made_per_day.value then
    raise exception 'You have made % bookings in the last % (cancelled and rescheduled ones count too); try again later',
      made_per_day.value, private.window_in_words(made_per_day.per) using errcode = 'PT429';
  end if;
  if not is_new_booking then
    -- A reschedule gives up the session it replaces: what the client holds does not grow.
    return;
  end if;
  if (select count(*) from private.therapy_sessions as s
      where s.client_id = check_therapy_booking_limits.client_id and s.therapist_id = check_therapy_booking_limits.therapist_id
        and s.status in ('scheduled', 'confirmed') and s.starts_at > now()) >= with_one.value then
    raise exception 'You already have % upcoming sessions with this therapist; attend or cancel one before booking another', with_one.value
      using errcode = 'PT429';
  end if;
  if (select count(*) from private.therapy_sessions as s
      where s.client_id = check_therapy_booking_limits.client_id and s.status in ('scheduled', 'confirmed') and s.starts_at > now()) >= in_total.value then
    raise exception 'You already have % upcoming sessions; attend or cancel one before booking another', in_total.value using errcode = 'PT429';
  end if;
  -- A request the therapist will have to answer, from someone they have not completed a session with.
  if exists (select 1 from public.therapists as t where t.id = check_therapy_booking_limits.therapist_id and not t.auto_confirm)
     and not exists (select 1 from private.therapy_sessions as s
                     where s.client_id = check_therapy_booking_limits.client_id and s.therapist_id = check_therapy_booking_limits.therapist_id
                       and s.status = 'completed') then
    perform pg_advisory_xact_lock(hashtextextended('therapy_booking_requests:' || therapist_id::text, 0));
    if (select count(*) from private.therapy_sessions as s
        where s.therapist_id = check_therapy_booking_limits.therapist_id and s.status = 'scheduled' and s.starts_at > now()
          and not exists (select 1 from private.therapy_sessions as c
                          where c.therapist_id = s.therapist_id and c.client_id = s.client_id and c.status = 'completed')) >= unanswered.value then
      raise exception 'This therapist has too many booking requests from new clients waiting for an answer; try again later or choose another therapist'
        using errcode = 'PT429';
    end if;
  end if;
end;
$$;
comment on function private.check_therapy_booking_limits(uuid, uuid, boolean) is
  'Raises 429 when a booking would break a limit in private.abuse_limits (bookings per day, upcoming with one therapist and in total, unanswered requests from new clients per therapist); reschedules check bookings per day only. Serialised per client (and per therapist for new clients'' requests).';

-- Booking and rescheduling: as before, with the limits checked once the request itself is known to be bookable -----

-- POST /functions/v1/booking (the seed's POST /sessions). security definer: writes private.therapy_sessions.
create or replace function private.book_therapy_session(
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
    -- slot and losing with a 409). A retry answered this way books nothing, so it counts toward no limit.
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
  perform private.check_therapy_booking_limits(caller_id, therapist.id, true);
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
  'Books a session for the caller at a bookable start: 404/422 with the reason, 409 when taken (also on a lost race), 429 past a booking limit (private.abuse_limits); the same idempotency_key returns the first booking.';

-- PUT /functions/v1/booking/:id { action: reschedule }. The client moves the session to another bookable start of the
-- same therapist: the old one is cancelled (reason Rescheduled) and the new one booked in one transaction, so a
-- refused or lost new slot leaves the old booking as it was. Retrying with the same start returns the same session.
-- A reschedule creates a session, so it counts toward the client's bookings per day (429 past it). security definer:
-- writes private.therapy_sessions.
create or replace function private.reschedule_therapy_session(session_id uuid, starts_at timestamptz)
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
  -- Before anything is written: the client's lock is taken while this transaction holds only the session's row lock.
  perform private.check_therapy_booking_limits(auth.uid(), (locked.session).therapist_id, false);
  perform private.mark_session_cancelled((locked.session).id, 'client', 'Rescheduled');
  therapist := private.assert_bookable((locked.session).therapist_id, starts_at, (locked.session).session_type, auth.uid(), false);
  return private.insert_therapy_session(therapist, auth.uid(), starts_at, (locked.session).session_type,
                                        (locked.session).client_note, null, (locked.session).id);
end;
$$;
comment on function private.reschedule_therapy_session(uuid, timestamptz) is
  'The client moves an active session to another bookable start (same therapist and type), atomically; the new session links to the old. Counts toward the bookings-per-day limit (429).';

revoke execute on all functions in schema private from public;
