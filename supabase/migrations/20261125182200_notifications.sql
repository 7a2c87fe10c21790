-- Notifications: push subscriptions, the in-app inbox, preferences and quiet hours, and the delivery job queue.
-- * private.notify() is the one way anything notifies a person: it applies their preferences, writes (or collapses
--   into) an inbox row, which a trigger broadcasts on their user:<id> Realtime topic, and queues one push job per
--   device, delayed to the end of their quiet hours unless the type may bypass them.
-- * Pushes never carry the notification's words by default: the job's payload is a generic line per type ("You have
--   a new message") with the inbox id, so nothing sensitive shows on a lock screen. A person may turn previews on.
-- * The queue is private.notification_jobs. Workers (the notifications function, driven by pg_cron on hosted
--   Supabase and by a timer in `npm start`) claim due jobs with FOR UPDATE SKIP LOCKED, so two workers never take the
--   same job; a job ends done, retried later with backoff (attempts, last_error), dead after max_attempts (kept for
--   inspection), or cancelled (a preference turned off, a session cancelled).
-- * Push endpoints must belong to a known push service (private.push_services): the function POSTs to them, and an
--   arbitrary URL would let anyone make our servers call it.

create type public.notification_type as enum ('session_reminder', 'session_update', 'chat_message', 'group_message', 'achievement', 'system');
comment on type public.notification_type is 'What a notification is about; preferences are per type.';

-- Push services ---------------------------------------------------------------------------------------------------

create table private.push_services (
  host_suffix text primary key,
  description text not null
);
comment on table private.push_services is 'Hosts (or host suffixes, starting with a dot) of the Web Push services subscriptions may point at.';
alter table private.push_services enable row level security;
insert into private.push_services (host_suffix, description) values
  ('fcm.googleapis.com', 'Chrome, Edge, Opera, Samsung Internet (Firebase Cloud Messaging)'),
  ('updates.push.services.mozilla.com', 'Firefox (Mozilla autopush)'),
  ('web.push.apple.com', 'Safari on macOS and iOS'),
  ('.notify.windows.com', 'Edge legacy (Windows Push Notification Services)'),
  ('.push.apple.com', 'Apple (other hosts)');

create function private.is_push_service_endpoint(endpoint text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from private.push_services as s,
         -- The whole authority must be host[:port]: no userinfo (https://fcm.googleapis.com:443@evil.example) and no
         -- backslash (URL parsers read https://evil.example\.push.apple.com as host evil.example).
         lateral (select substring(endpoint from '^https?://([^/\\:?#@]+)(?::[0-9]*)?(?:[/?#]|$)') as host) as h
    where (endpoint like 'https://%' or s.host_suffix in ('127.0.0.1', 'localhost'))
      and (h.host = s.host_suffix or (s.host_suffix like '.%' and h.host like '%' || s.host_suffix)));
$$;
comment on function private.is_push_service_endpoint(text) is 'True for an https URL on a known push service (plain http only for loopback services added in tests).';

-- Subscriptions ---------------------------------------------------------------------------------------------------

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  endpoint text not null,
  p256dh text not null,
  auth text not null,
  expiration_time timestamptz,
  user_agent text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  last_status integer,
  last_error text,
  constraint push_subscriptions_endpoint_key unique (endpoint),
  constraint push_subscriptions_endpoint_check check (char_length(endpoint) <= 2048 and private.is_push_service_endpoint(endpoint)),
  -- An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url as PushSubscription.toJSON() gives them.
  constraint push_subscriptions_p256dh_check check (p256dh ~ '^[A-Za-z0-9_-]{87}=?$'),
  constraint push_subscriptions_auth_check check (auth ~ '^[A-Za-z0-9_-]{22}(==)?$'),
  constraint push_subscriptions_user_agent_length_check check (char_length(user_agent) <= 512)
);
comment on table public.push_subscriptions is 'Web Push subscriptions, one per device/browser (the endpoint is unique). Owners read and remove theirs; register with register_push_subscription.';
comment on column public.push_subscriptions.endpoint is 'The push service URL of the device (PushSubscription.endpoint); must be a known push service.';
comment on column public.push_subscriptions.p256dh is 'The device''s P-256 public key, base64url (keys.p256dh).';
comment on column public.push_subscriptions.auth is 'The device''s 16-byte auth secret, base64url (keys.auth).';
comment on column public.push_subscriptions.last_status is 'HTTP status of the last push to this device (403 and 400 are recorded here; 404 and 410 delete the row).';
create index push_subscriptions_user_id_idx on public.push_subscriptions (user_id);
alter table public.push_subscriptions enable row level security;
revoke all on table public.push_subscriptions from anon, authenticated;
grant select, delete on table public.push_subscriptions to authenticated;
create policy push_subscriptions_select_own on public.push_subscriptions
  for select to authenticated using (user_id = (select auth.uid()));
create policy push_subscriptions_delete_own on public.push_subscriptions
  for delete to authenticated using (user_id = (select auth.uid()));

-- security definer: a browser's endpoint moves to whoever signs in on it, so the row may belong to someone else.
create function public.register_push_subscription(endpoint text, p256dh text, auth text, expiration_time timestamptz default null, user_agent text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
-- The ON CONFLICT target and the update's right-hand sides name columns that are also parameters here.
#variable_conflict use_column
declare
  subscription_id uuid;
begin
  if auth.uid() is null then
    raise exception 'Sign in to receive notifications' using errcode = 'PT401';
  end if;
  if endpoint is null or not private.is_push_service_endpoint(endpoint) then
    raise exception 'endpoint must be the https URL of a known push service' using errcode = 'PT400';
  end if;
  insert into public.push_subscriptions as s (user_id, endpoint, p256dh, auth, expiration_time, user_agent)
  values (auth.uid(), endpoint, p256dh, register_push_subscription.auth, expiration_time, left(user_agent, 512))
  on conflict (endpoint) do update
    set user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, expiration_time = excluded.expiration_time,
        user_agent = excluded.user_agent, last_status = null, last_error = null
  returning s.id into subscription_id;
  -- The device now belongs to the caller: the previous owner's queued pushes must not reach it.
  update private.notification_jobs as j set status = 'cancelled', last_error = 'device moved to another account', updated_at = now()
  where j.subscription_id = (select s.id from public.push_subscriptions as s where s.endpoint = register_push_subscription.endpoint)
    and j.status = 'pending' and j.user_id is distinct from auth.uid();
  return subscription_id;
end;
$$;
comment on function public.register_push_subscription(text, text, text, timestamptz, text) is
  'Registers this device''s PushSubscription for the caller (the endpoint moves to the caller if another account had it). Returns its id.';

-- Inbox -----------------------------------------------------------------------------------------------------------

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  type public.notification_type not null,
  title text not null,
  body text not null,
  data jsonb not null default '{}',
  collapse_key text,
  event_count integer not null default 1,
  read_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notifications_title_length_check check (char_length(title) between 1 and 120),
  constraint notifications_body_length_check check (char_length(body) between 1 and 500),
  constraint notifications_data_check check (jsonb_typeof(data) = 'object' and pg_column_size(data) <= 4096),
  constraint notifications_collapse_key_length_check check (char_length(collapse_key) <= 100)
);
comment on table public.notifications is
  'The in-app inbox: newest first (order by updated_at desc, id desc). Owners read, mark read and delete theirs. Arrives live on the user:<id> Realtime topic (event notification).';
comment on column public.notifications.data is 'Where the notification leads, e.g. {"conversationId": …} or {"sessionId": …}.';
comment on column public.notifications.collapse_key is 'Events with the same key collapse into one unread notification (e.g. chat:<conversation id>), counted in event_count.';
comment on column public.notifications.updated_at is 'When the notification last changed: a collapsed event moves it to the top.';
create index notifications_user_id_updated_at_id_idx on public.notifications (user_id, updated_at desc, id desc);
create index notifications_user_id_unread_idx on public.notifications (user_id) where read_at is null;
create unique index notifications_user_id_collapse_key_unread_idx on public.notifications (user_id, collapse_key)
  where read_at is null and collapse_key is not null;
alter table public.notifications enable row level security;
revoke all on table public.notifications from anon, authenticated;
grant select, delete on table public.notifications to authenticated;
grant update (read_at) on table public.notifications to authenticated;
create policy notifications_select_own on public.notifications
  for select to authenticated using (user_id = (select auth.uid()));
create policy notifications_update_own on public.notifications
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy notifications_delete_own on public.notifications
  for delete to authenticated using (user_id = (select auth.uid()));

create function public.mark_all_notifications_read()
returns integer
language sql
security invoker
set search_path = ''
as $$
  with marked as (
    update public.notifications as n set read_at = now()
    where n.user_id = (select auth.uid()) and n.read_at is null
    returning 1)
  select count(*)::integer from marked;
$$;
comment on function public.mark_all_notifications_read() is 'Marks every unread notification of the caller read; returns how many.';

-- Live delivery: the inbox row, as the owner may read it, on their private topic.
create function private.broadcast_notification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('id', new.id, 'type', new.type, 'title', new.title, 'body', new.body, 'data', new.data,
                       'eventCount', new.event_count, 'readAt', new.read_at, 'updatedAt', new.updated_at),
    case when tg_op = 'INSERT' then 'notification' else 'notification_updated' end,
    'user:' || new.user_id, true);
  return null;
end;
$$;
comment on function private.broadcast_notification() is 'Trigger: sends each new or changed inbox row to its owner''s user:<id> Realtime topic.';
create trigger notifications_broadcast
  after insert or update on public.notifications
  for each row execute function private.broadcast_notification();

-- Preferences and quiet hours -------------------------------------------------------------------------------------

create table public.notification_preferences (
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  type public.notification_type not null,
  push boolean not null default true,
  in_app boolean not null default true,
  updated_at timestamptz not null default now(),
  primary key (user_id, type)
);
comment on table public.notification_preferences is 'Per type and channel: on or off. A missing row means both on. Turning push off cancels that type''s queued pushes.';
alter table public.notification_preferences enable row level security;
revoke all on table public.notification_preferences from anon, authenticated;
grant select, insert, delete on table public.notification_preferences to authenticated;
grant update (push, in_app) on table public.notification_preferences to authenticated;
create policy notification_preferences_all_own on public.notification_preferences
  for all to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create trigger notification_preferences_set_updated_at
  before update on public.notification_preferences
  for each row execute function private.set_updated_at();

create table public.notification_settings (
  user_id uuid primary key default auth.uid() references public.profiles (id) on delete cascade,
  quiet_hours_start time,
  quiet_hours_end time,
  push_previews boolean not null default false,
  updated_at timestamptz not null default now(),
  constraint notification_settings_quiet_hours_check check (
    (quiet_hours_start is null and quiet_hours_end is null)
    or (quiet_hours_start is not null and quiet_hours_end is not null and quiet_hours_start <> quiet_hours_end))
);
comment on table public.notification_settings is
  'Quiet hours (in the person''s profile time zone; a window may cross midnight, e.g. 22:00-07:00) and whether pushes may show the notification''s words. No row: no quiet hours, no previews.';
comment on column public.notification_settings.quiet_hours_start is 'Start of the daily quiet window, local time; pushes due inside it wait for its end (session reminders and urgent system messages do not wait).';
comment on column public.notification_settings.push_previews is 'Off (default): a push says only "You have a new message" and the like. On: it shows the notification''s title and body.';
alter table public.notification_settings enable row level security;
revoke all on table public.notification_settings from anon, authenticated;
grant select, delete on table public.notification_settings to authenticated;
grant insert (user_id, quiet_hours_start, quiet_hours_end, push_previews), update (quiet_hours_start, quiet_hours_end, push_previews)
  on table public.notification_settings to authenticated;
create policy notification_settings_all_own on public.notification_settings
  for all to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create trigger notification_settings_set_updated_at
  before update on public.notification_settings
  for each row execute function private.set_updated_at();

-- Every type with the caller's effective preferences, for a settings screen.
create view public.my_notification_preferences with (security_invoker = true) as
  select t.type, coalesce(p.push, true) as push, coalesce(p.in_app, true) as in_app
  from unnest(enum_range(null::public.notification_type)) as t (type)
  left join public.notification_preferences as p on p.user_id = (select auth.uid()) and p.type = t.type;
comment on view public.my_notification_preferences is 'Every notification type with the caller''s push and in-app choice (on unless turned off).';
revoke all on table public.my_notification_preferences from anon, authenticated;
grant select on table public.my_notification_preferences to authenticated;

-- When a push due at `due_at` may go: at due_at, or at the end of the person's quiet window containing it. Windows
-- are wall-clock times in the person's zone and may cross midnight; the end is converted on its own local date, so a
-- DST change inside the window is handled.
create function private.after_quiet_hours(person_id uuid, due_at timestamptz)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  zone text;
  quiet_start time;
  quiet_end time;
  local_due timestamp;
  local_time time;
  end_date date;
begin
  select p.time_zone, s.quiet_hours_start, s.quiet_hours_end into zone, quiet_start, quiet_end
  from public.profiles as p left join public.notification_settings as s on s.user_id = p.id
  where p.id = person_id;
  if quiet_start is null then
    return due_at;
  end if;
  local_due := due_at at time zone zone;
  local_time := local_due::time;
  if quiet_start < quiet_end then
    if local_time >= quiet_start and local_time < quiet_end then
      end_date := local_due::date;
    end if;
  elsif local_time >= quiet_start then
    end_date := local_due::date + 1;          -- e.g. 23:00 inside 22:00-07:00: ends tomorrow
  elsif local_time < quiet_end then
    end_date := local_due::date;              -- e.g. 03:00 inside 22:00-07:00: ends today
  end if;
  if end_date is null then
    return due_at;
  end if;
  return (end_date + quiet_end) at time zone zone;
end;
$$;
comment on function private.after_quiet_hours(uuid, timestamptz) is
  'due_at, or the end of the person''s quiet window that contains it (windows may cross midnight; local time of their profile zone).';

-- Jobs ------------------------------------------------------------------------------------------------------------

create table private.notification_jobs (
  id bigint generated always as identity primary key,
  kind text not null,
  user_id uuid references public.profiles (id) on delete cascade,
  subscription_id uuid references public.push_subscriptions (id) on delete cascade,
  notification_id uuid references public.notifications (id) on delete set null,
  notification_type public.notification_type,
  collapse_key text,
  payload jsonb not null default '{}',
  urgency text not null default 'normal',
  run_at timestamptz not null default now(),
  status text not null default 'pending',
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  last_error text,
  result jsonb,
  locked_at timestamptz,
  locked_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_jobs_kind_check check (kind in ('push', 'group_message')),
  constraint notification_jobs_status_check check (status in ('pending', 'running', 'done', 'dead', 'cancelled')),
  constraint notification_jobs_urgency_check check (urgency in ('very-low', 'low', 'normal', 'high')),
  constraint notification_jobs_push_check check (kind <> 'push' or subscription_id is not null)
);
comment on table private.notification_jobs is
  'Delivery jobs: push (one device) and group_message (fan-out of one group message to its members). Claimed with FOR UPDATE SKIP LOCKED; done, retried with backoff, dead after max_attempts (kept), or cancelled.';
comment on column private.notification_jobs.collapse_key is 'A newer push with the same key for the same device replaces a pending older one (and is the Web Push Topic).';
create index notification_jobs_due_idx on private.notification_jobs (run_at) where status = 'pending';
create index notification_jobs_user_id_type_idx on private.notification_jobs (user_id, notification_type) where status = 'pending';
create index notification_jobs_subscription_id_idx on private.notification_jobs (subscription_id);
create index notification_jobs_notification_id_idx on private.notification_jobs (notification_id);
create unique index notification_jobs_pending_collapse_idx on private.notification_jobs (subscription_id, collapse_key)
  where status = 'pending' and collapse_key is not null;
alter table private.notification_jobs enable row level security;

-- The words a push shows when previews are off: nothing about what happened beyond its kind.
create function private.push_generic_text(type public.notification_type)
returns text
language sql
immutable
set search_path = ''
as $$
  select case type
    when 'session_reminder' then 'You have an appointment coming up'
    when 'session_update' then 'An appointment was updated'
    when 'chat_message' then 'You have a new message'
    when 'group_message' then 'There is new activity in your groups'
    when 'achievement' then 'You reached a milestone'
    else 'You have a new notification' end;
$$;
comment on function private.push_generic_text(public.notification_type) is 'Lock-screen-safe push text per type (used unless the person turned previews on).';

-- The one way to notify someone. Applies their preferences; writes or collapses the inbox row; queues a push per
-- device at the end of their quiet hours unless bypass_quiet_hours. Returns the inbox row id (null when in-app is off).
create function private.notify(
  recipient_id uuid, type public.notification_type, title text, body text, data jsonb default '{}',
  collapse_key text default null, bypass_quiet_hours boolean default false, urgency text default 'normal')
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
-- The ON CONFLICT target below names columns that are also parameters here.
#variable_conflict use_column
declare
  wants_push boolean;
  wants_in_app boolean;
  previews boolean;
  inbox_id uuid;
  push_at timestamptz;
  push_payload jsonb;
begin
  if recipient_id is null or not exists (select 1 from public.profiles as p where p.id = recipient_id and p.is_active) then
    return null;
  end if;
  select coalesce(p.push, true), coalesce(p.in_app, true) into wants_push, wants_in_app
  from (select 1) as one left join public.notification_preferences as p on p.user_id = recipient_id and p.type = notify.type;
  if wants_in_app then
    -- One statement, so two events racing for the same unread notification (two group messages fanned out by two
    -- workers) both land: one inserts, the other counts itself in.
    insert into public.notifications as n (user_id, type, title, body, data, collapse_key)
    values (recipient_id, type, title, body, coalesce(data, '{}'), collapse_key)
    on conflict (user_id, collapse_key) where read_at is null and collapse_key is not null
    do update set title = excluded.title, body = excluded.body, data = excluded.data, event_count = n.event_count + 1, updated_at = now()
    returning n.id into inbox_id;
  end if;
  if wants_push then
    previews := coalesce((select s.push_previews from public.notification_settings as s where s.user_id = recipient_id), false);
    push_at := case when bypass_quiet_hours then now() else private.after_quiet_hours(recipient_id, now()) end;
    push_payload := jsonb_build_object(
      'title', case when previews then title else 'HealSpace' end,
      'body', case when previews then body else private.push_generic_text(type) end,
      'type', type, 'notificationId', inbox_id, 'data', case when previews then data else '{}'::jsonb end);
    -- A newer push replaces a pending older one with the same key on the same device.
    if collapse_key is not null then
      update private.notification_jobs as j
      set payload = push_payload, notification_id = inbox_id, run_at = least(j.run_at, push_at), updated_at = now()
      where j.user_id = recipient_id and j.collapse_key = notify.collapse_key and j.status = 'pending' and j.kind = 'push';
    end if;
    insert into private.notification_jobs (kind, user_id, subscription_id, notification_id, notification_type, collapse_key, payload, urgency, run_at)
    select 'push', recipient_id, s.id, inbox_id, type, collapse_key, push_payload, urgency, push_at
    from public.push_subscriptions as s
    where s.user_id = recipient_id and (s.expiration_time is null or s.expiration_time > now())
    on conflict (subscription_id, collapse_key) where status = 'pending' and collapse_key is not null do nothing;
  end if;
  return inbox_id;
end;
$$;
comment on function private.notify(uuid, public.notification_type, text, text, jsonb, text, boolean, text) is
  'Notifies a person: inbox row (collapsed by collapse_key while unread) and one push job per device, per their preferences and quiet hours.';

-- Turning push off for a type cancels what is queued for it.
create function private.cancel_jobs_for_disabled_push()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not new.push then
    update private.notification_jobs as j set status = 'cancelled', last_error = 'push turned off', updated_at = now()
    where j.user_id = new.user_id and j.notification_type = new.type and j.status = 'pending' and j.kind = 'push';
  end if;
  return null;
end;
$$;
comment on function private.cancel_jobs_for_disabled_push() is 'Trigger: push turned off for a type cancels that person''s pending pushes of the type.';
create trigger notification_preferences_cancel_jobs
  after insert or update of push on public.notification_preferences
  for each row execute function private.cancel_jobs_for_disabled_push();

-- Workers: claim, then finish each job. ---------------------------------------------------------------------------

-- Claims up to batch_size due jobs for one worker. A job whose worker vanished (running for over 5 minutes) is due
-- again. FOR UPDATE SKIP LOCKED: concurrent workers never claim the same job.
create function private.claim_notification_jobs(worker text, batch_size integer default 100, only_ids bigint[] default null)
returns setof private.notification_jobs
language sql
security definer
set search_path = ''
as $$
  update private.notification_jobs as j
  set status = 'running', locked_at = now(), locked_by = worker, attempts = j.attempts + 1, updated_at = now()
  where j.id in (
    select c.id from private.notification_jobs as c
    where ((c.status = 'pending' and c.run_at <= now()) or (c.status = 'running' and c.locked_at < now() - interval '5 minutes'))
      and (only_ids is null or c.id = any (only_ids))
    order by c.run_at
    limit batch_size
    for update skip locked)
  returning j.*;
$$;
comment on function private.claim_notification_jobs(text, integer, bigint[]) is
  'Claims up to batch_size due jobs (or only the given ids) for a worker; never the same job to two workers.';

-- Records a job's outcome: done, a retry after backoff (1, 2, 4, 8… minutes, or the push service's Retry-After),
-- or dead once attempts reach max_attempts.
create function private.finish_notification_job(job_id bigint, worker text, succeeded boolean, result jsonb default null,
                                                error text default null, retry boolean default false, retry_after_seconds integer default null)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.notification_jobs;
  outcome text;
begin
  select j.* into job from private.notification_jobs as j where j.id = job_id and j.status = 'running' and j.locked_by = worker for update;
  if job.id is null then
    return 'not_owned';
  end if;
  outcome := case when succeeded then 'done' when retry and job.attempts < job.max_attempts then 'pending' when retry then 'dead' else 'dead' end;
  update private.notification_jobs as j
  set status = outcome, result = finish_notification_job.result, last_error = left(error, 1000), locked_at = null, locked_by = null,
      run_at = case when outcome = 'pending'
                    then now() + make_interval(secs => coalesce(retry_after_seconds, 60 * power(2, job.attempts - 1)::integer)) else j.run_at end,
      updated_at = now()
  where j.id = job_id;
  return outcome;
end;
$$;
comment on function private.finish_notification_job(bigint, text, boolean, jsonb, text, boolean, integer) is
  'Ends a claimed job: done, pending again after backoff when retry (dead once attempts reach max_attempts), or dead.';

-- What a worker needs to send a batch of pushes: each device's keys (service role only, through the function).
create function private.push_job_targets(job_ids bigint[])
returns table (job_id bigint, subscription_id uuid, endpoint text, p256dh text, auth text, payload jsonb, urgency text, topic text, ttl_seconds integer)
language sql
stable
security definer
set search_path = ''
as $$
  select j.id, s.id, s.endpoint, s.p256dh, s.auth, j.payload, j.urgency,
         -- The Topic header: at most 32 base64url characters; a hash of the collapse key fits and reveals nothing.
         case when j.collapse_key is not null then left(translate(encode(extensions.digest(j.collapse_key, 'sha256'), 'base64'), '+/=', '-_'), 32) end,
         case when j.notification_type = 'session_reminder' then 1800 else 86400 end
  from private.notification_jobs as j join public.push_subscriptions as s on s.id = j.subscription_id
  where j.id = any (job_ids);
$$;
comment on function private.push_job_targets(bigint[]) is 'Endpoint, keys, payload, urgency, Topic and TTL of push jobs (jobs whose device is gone are absent).';

-- Push service answers: 404/410 delete the subscription; others are recorded on it.
create function private.record_push_response(subscription_id uuid, status integer, error text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if status in (404, 410) then
    delete from public.push_subscriptions as s where s.id = subscription_id;
  else
    update public.push_subscriptions as s
    set last_status = status, last_error = left(error, 500), last_used_at = case when status between 200 and 299 then now() else s.last_used_at end
    where s.id = subscription_id;
  end if;
end;
$$;
comment on function private.record_push_response(uuid, integer, text) is 'Records a push service''s answer on the subscription; 404 and 410 (gone) delete it.';

-- POST /notifications/send --------------------------------------------------------------------------------------

-- Who may notify whom: the service role and admins anyone; a therapist only their own clients.
create function private.send_notification(recipient_id uuid, title text, body text, type public.notification_type default 'system',
                                          data jsonb default '{}', urgent boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  inbox_id uuid;
begin
  if coalesce(auth.role(), '') <> 'service_role' and (select private.caller_role()) is distinct from 'admin'
     and not ((select private.caller_role()) = 'therapist' and exists (
       select 1 from private.therapy_sessions as s where s.therapist_id = auth.uid() and s.client_id = send_notification.recipient_id)) then
    raise exception 'You may not notify this person' using errcode = 'PT403';
  end if;
  if not exists (select 1 from public.profiles as p where p.id = recipient_id and p.is_active) then
    raise exception 'No such user' using errcode = 'PT404';
  end if;
  -- A new row every time: a sent notification is its own event, not collapsed.
  inbox_id := private.notify(recipient_id, type, title, body, coalesce(data, '{}'), null,
                                    bypass_quiet_hours => type = 'session_reminder' or (type = 'system' and urgent),
                                    urgency => case when urgent or type = 'session_reminder' then 'high' else 'normal' end);
  -- The push jobs just queued (created_at is the transaction's time), for the function to deliver at once.
  return jsonb_build_object(
    'notificationId', inbox_id,
    'jobs', coalesce((
      select jsonb_agg(jsonb_build_object('id', j.id, 'subscriptionId', j.subscription_id, 'runAt', j.run_at) order by j.id)
      from private.notification_jobs as j
      where j.user_id = recipient_id and j.kind = 'push' and j.status = 'pending' and j.created_at = now()
        and j.notification_id is not distinct from inbox_id), '[]'));
end;
$$;
comment on function private.send_notification(uuid, text, text, public.notification_type, jsonb, boolean) is
  'The seed''s POST /notifications/send: service role and admins notify anyone, therapists their own clients (403 otherwise). Returns the inbox id and the queued push jobs.';

revoke execute on all functions in schema private from public;
revoke execute on function public.register_push_subscription(text, text, text, timestamptz, text), public.mark_all_notifications_read() from public, anon;
grant execute on function public.register_push_subscription(text, text, text, timestamptz, text), public.mark_all_notifications_read() to authenticated;
grant execute on function private.is_push_service_endpoint(text) to authenticated, service_role;
grant execute on function private.send_notification(uuid, text, text, public.notification_type, jsonb, boolean) to authenticated, service_role;
grant execute on function
  private.claim_notification_jobs(text, integer, bigint[]),
  private.finish_notification_job(bigint, text, boolean, jsonb, text, boolean, integer),
  private.push_job_targets(bigint[]),
  private.record_push_response(uuid, integer, text)
to service_role;
