-- Rating aggregates that no single rating can be read from (issue 14: "anonymity that survives every feature").
-- Until now public.therapists.rating_count and rating_sum were readable by every signed-in person and moved with each
-- rating: comparing them before and after gave the exact stars of the newest rating, and its therapist, who knows whose
-- session just completed, could tie those stars to the client (the README promises feedback is never tied to a client).
-- Even the row's updated_at moved with every rating.
--
-- Now the live totals are private (private.therapist_rating_totals, kept by the ratings trigger under the totals row's
-- lock, as before), and the directory shows a published snapshot that moves only in batches:
--   * a publication happens only when at least 3 ratings arrived or were removed since the last one (pending_changes)
--     AND the last one is more than 24 hours old (or there was none), so every visible change mixes at least 3
--     ratings, and the change between two publications is the batch's aggregate, never one rating;
--   * it is made by the rating that completes the condition, inside its transaction (no scheduler needed). Its author
--     learns only that the batch holds theirs and at least 2 others; a therapist sees the figure move right after some
--     session, as they would with any batch;
--   * while the therapist has fewer than 3 ratings in total, the snapshot shows none (rating_count 0, no average), so a
--     count that shrinks by removals (accounts deleted) can never leave one rating alone in the figure;
--   * what is published: the exact count and the average rounded to one decimal (rating_average); the sum is not.
-- Nothing else of the therapists row changes between publications (updated_at included). The raw per-session ratings
-- stay in private.therapy_session_ratings, readable by their client only.
-- What batching cannot hide: a batch whose ratings are all equal (three 5s) shows that each gave 5; and a therapist
-- who controls k-1 of a batch's raters (accounts of their own) can subtract them. Both are inherent in publishing any
-- aggregate; the batch raises the bar from "every rating, at once" to these.

-- The live totals ---------------------------------------------------------------------------------------------------

create table private.therapist_rating_totals (
  therapist_id uuid primary key references public.therapists (id) on delete cascade,
  rating_count integer not null default 0,
  rating_sum integer not null default 0,
  pending_changes integer not null default 0,
  published_at timestamptz,
  constraint therapist_rating_totals_check check (rating_count >= 0 and rating_sum between rating_count and 5 * rating_count and pending_changes >= 0)
);
comment on table private.therapist_rating_totals is
  'Live rating totals per therapist, kept by the ratings trigger; never readable through the API. The directory shows only the batch snapshot on public.therapists (rating_count, rating_average).';
comment on column private.therapist_rating_totals.rating_count is 'Rated sessions of the therapist now.';
comment on column private.therapist_rating_totals.rating_sum is 'Sum of those ratings now.';
comment on column private.therapist_rating_totals.pending_changes is 'Ratings added or removed since the last publication.';
comment on column private.therapist_rating_totals.published_at is 'When the snapshot on public.therapists was last published; null before the first.';
alter table private.therapist_rating_totals enable row level security;

-- The ratings present now; every therapist with at least 3 keeps the figure the directory already showed (published
-- now), the others show none until their batch is complete (all their ratings count as pending).
insert into private.therapist_rating_totals (therapist_id, rating_count, rating_sum, pending_changes, published_at)
select r.therapist_id, count(*), sum(r.rating), case when count(*) >= 3 then 0 else count(*) end, case when count(*) >= 3 then now() end
from private.therapy_session_ratings as r
where r.therapist_id is not null
group by r.therapist_id;

-- The published snapshot -------------------------------------------------------------------------------------------

alter table public.therapists
  drop constraint therapists_rating_check,
  drop column rating_sum,
  add column rating_average numeric(2, 1);
update public.therapists as t
set rating_count = case when r.rating_count >= 3 then r.rating_count else 0 end,
    rating_average = case when r.rating_count >= 3 then round(r.rating_sum::numeric / r.rating_count, 1) end
from (select t2.id, coalesce(x.rating_count, 0) as rating_count, coalesce(x.rating_sum, 0) as rating_sum
      from public.therapists as t2 left join private.therapist_rating_totals as x on x.therapist_id = t2.id) as r
where r.id = t.id;
alter table public.therapists
  add constraint therapists_rating_check check (
    rating_count >= 0 and (rating_average is null) = (rating_count = 0) and rating_average between 1 and 5);
comment on column public.therapists.rating_count is
  'Published number of rated sessions: a snapshot the ratings trigger refreshes at most once a day and only after at least 3 ratings changed, so no single rating shows; 0 until the therapist has 3 ratings.';
comment on column public.therapists.rating_average is
  'Published average rating, rounded to one decimal, from the same snapshot as rating_count; null until the therapist has 3 ratings.';

-- Publishes the live totals as the snapshot. Called by the ratings trigger when a batch is complete (totals row locked).
create function private.publish_therapist_rating(therapist_id uuid)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.therapists as t
  set rating_count = case when r.rating_count >= 3 then r.rating_count else 0 end,
      rating_average = case when r.rating_count >= 3 then round(r.rating_sum::numeric / r.rating_count, 1) end
  from private.therapist_rating_totals as r
  where r.therapist_id = publish_therapist_rating.therapist_id and t.id = r.therapist_id
    and (t.rating_count, t.rating_average) is distinct from
        (case when r.rating_count >= 3 then r.rating_count else 0 end, case when r.rating_count >= 3 then round(r.rating_sum::numeric / r.rating_count, 1) end);
  update private.therapist_rating_totals as r
  set pending_changes = 0, published_at = now()
  where r.therapist_id = publish_therapist_rating.therapist_id;
end;
$$;
comment on function private.publish_therapist_rating(uuid) is
  'Copies a therapist''s live rating totals to the directory snapshot (count, average to one decimal; none below 3 ratings) and starts a new batch.';

-- Replaces the incremental update of the public figures: the live totals move under the totals row's lock (concurrent
-- ratings never lose an update); the public snapshot only when the batch is complete.
-- security definer: runs as the client who rates (or within an account deletion) and writes the private totals and a
-- column of public.therapists nobody may write through the API.
create or replace function private.maintain_therapist_rating()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  therapist uuid := case when tg_op = 'INSERT' then new.therapist_id else old.therapist_id end;
  count_change integer := case when tg_op = 'INSERT' then 1 else -1 end;
  sum_change integer := case when tg_op = 'INSERT' then new.rating else -old.rating end;
  totals private.therapist_rating_totals;
begin
  if therapist is null or not exists (select 1 from public.therapists as t where t.id = therapist) then
    return null;
  end if;
  insert into private.therapist_rating_totals as r (therapist_id, rating_count, rating_sum, pending_changes)
  values (therapist, greatest(count_change, 0), greatest(sum_change, 0), 1)
  on conflict on constraint therapist_rating_totals_pkey do update
  set rating_count = r.rating_count + count_change, rating_sum = r.rating_sum + sum_change, pending_changes = r.pending_changes + 1
  returning r.* into totals;
  if totals.pending_changes >= 3 and (totals.published_at is null or totals.published_at <= now() - interval '24 hours') then
    perform private.publish_therapist_rating(therapist);
  end if;
  return null;
end;
$$;
comment on function private.maintain_therapist_rating() is
  'Trigger: keeps the private live rating totals; publishes them to the directory only when at least 3 ratings changed and the last publication is over a day old.';

-- New directory rows start unrated (the snapshot is the database's).
-- security definer: runs on profile changes by admins and Auth, and on therapists inserts by the therapist, and
-- writes columns nobody may write through the API.
create or replace function private.sync_therapist_activity()
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
    new.rating_average := null;
    return new;
  end if;
  return null;
end;
$$;

-- GET /therapists: the same shape, from the snapshot.
create or replace function public.list_therapists(
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
           t.rating_average, t.rating_count,
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
  'GET /therapists: listed therapists in the seed''s shape, by name; filters with_specialty, available_within_days (has a bookable start within N days), with_language, with_session_type; keyset pages with after_name/after_id. nextAvailable is computed from real availability; rating and ratingCount are the batch snapshot (none below 3 ratings).';

revoke execute on all functions in schema private from public;
