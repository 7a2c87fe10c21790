-- The therapist directory, people's cards, the notification inbox and settings, and the admin calls in the seed's
-- shapes (issue 16): camelCase names in and out, filters that take what the API shows.
--
-- - GET /therapists: `specialty` takes what the directory shows ("Anxiety", "Grief & Loss", "Anxiety, Depression") or
--   the codes; `availability` is a number of days ("has a free slot within N days"); a therapist who takes no new
--   clients shows no nextAvailable to someone who is not already their client (booking it was a 422).
-- - public_profiles, therapy_session_operations: camelCase columns.
-- - The inbox (`my_notifications`), notification preferences (`my_notification_preferences`) and settings
--   (`my_notification_settings`) are views in camelCase, read and written there: INSTEAD OF triggers write the tables
--   as the caller, so RLS and the column grants decide.
-- - register_push_subscription takes the browser's PushSubscription as it serialises (`endpoint`, `expirationTime`,
--   `keys {p256dh, auth}`); the admin calls and crisis_support take camelCase parameters.

-- The directory -------------------------------------------------------------------------------------------------------

create function private.therapy_specialties_named(named text)
returns public.therapy_specialty[]
language plpgsql
stable
set search_path = ''
as $$
declare
  wanted text := nullif(btrim(named), '');
  part text;
  words text[];
  first_word integer;
  last_word integer;
  found_specialty public.therapy_specialty;
  result public.therapy_specialty[] := '{}'::public.therapy_specialty[];
begin
  if wanted is null then
    return null;
  end if;
  if octet_length(wanted) > 200 then
    raise exception 'specialty is at most 200 bytes' using errcode = 'PT400';
  end if;
  -- Labels or codes, by commas or ampersands. A label may hold an ampersand itself ("Trauma & PTSD"), so the longest
  -- run of words that names a specialty is taken first: "Anxiety & Grief & Loss" is Anxiety and Grief & Loss.
  foreach part in array regexp_split_to_array(wanted, '\s*,\s*') loop
    continue when part = '';
    words := regexp_split_to_array(part, '\s+&\s+');
    first_word := 1;
    while first_word <= cardinality(words) loop
      found_specialty := null;
      last_word := cardinality(words);
      while last_word >= first_word loop
        found_specialty := private.therapy_specialty_by_name(array_to_string(words[first_word:last_word], ' & '));
        exit when found_specialty is not null;
        last_word := last_word - 1;
      end loop;
      if found_specialty is null then
        raise exception 'Unknown specialty: %', left(words[first_word], 80) using errcode = 'PT400',
          hint = 'Specialties: ' || (select string_agg(private.therapy_specialty_label(s), ', ' order by s)
                                     from unnest(enum_range(null::public.therapy_specialty)) as s);
      end if;
      result := result || found_specialty;
      first_word := last_word + 1;
    end loop;
  end loop;
  return result;
end;
$$;

create function private.therapy_specialty_by_name(named text)
returns public.therapy_specialty
language sql
stable
set search_path = ''
as $$
  select s from unnest(enum_range(null::public.therapy_specialty)) as s
  where lower(s::text) = lower(btrim(named)) or lower(private.therapy_specialty_label(s)) = lower(btrim(named))
  limit 1;
$$;

-- Whether the caller may book this therapist, as book_therapy_session and assert_bookable decide it: a full account
-- (not an anonymous sign-in), not the therapist themselves, and the therapist takes new clients or the caller already
-- is one. Definer: sessions are private.
create function private.caller_may_book_with(therapist_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.caller_may_browse_people()
     and caller_may_book_with.therapist_id is distinct from (select auth.uid())
     and (exists (select 1 from public.therapists as t where t.id = caller_may_book_with.therapist_id and t.accepting_new_clients)
          or exists (select 1 from private.therapy_sessions as s
                     where s.therapist_id = caller_may_book_with.therapist_id and s.client_id = (select auth.uid())
                       and s.status in ('scheduled', 'confirmed', 'completed')));
$$;
revoke execute on function private.caller_may_book_with(uuid) from public, anon;
grant execute on function private.caller_may_book_with(uuid) to authenticated;

create type public.therapist_listing as (
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
);
comment on type public.therapist_listing is
  'A therapist as the seed lists them: id, name, specialty, experience, rating, nextAvailable, hourlyRate; plus the rest of the directory card.';

drop function public.list_therapists(public.therapy_specialty, integer, text, public.therapy_session_type, integer, text, uuid);
create function private.list_therapists(
  specialty text default null,
  availability integer default null,
  language text default null,
  "sessionType" public.therapy_session_type default null,
  page_size integer default 20,
  after uuid default null
)
returns setof public.therapist_listing
language plpgsql
stable
set search_path = ''
as $$
declare
  wanted public.therapy_specialty[] := private.therapy_specialties_named(specialty);
  after_name text;
begin
  perform private.check_page_size(page_size, 100);
  if availability is not null and availability not between 1 and 365 then
    raise exception 'availability is a number of days from 1 to 365' using errcode = 'PT400';
  end if;
  if after is not null then
    select t.display_name into after_name from public.therapists as t where t.id = after and t.is_listed and t.is_active;
    if after_name is null then
      raise exception 'after is not a therapist of the directory' using errcode = 'PT400';
    end if;
  end if;
  return query
    select t.id, t.display_name, private.therapy_specialty_summary(t.specialties), t.specialties,
           t.years_of_experience || case when t.years_of_experience = 1 then ' year' else ' years' end, t.years_of_experience,
           t.rating_average, t.rating_count,
           next_slot.starts_at, t.hourly_rate, t.currency, t.languages, t.session_types, t.session_minutes,
           t.accepting_new_clients, t.bio, t.time_zone
    from public.therapists as t
    -- A slot is offered only to someone who may book it.
    cross join lateral (select case when private.caller_may_book_with(t.id)
                                    then private.next_available_slot(t.id, availability) end as starts_at) as next_slot
    where t.is_listed and t.is_active
      and (wanted is null or t.specialties @> wanted)
      and (list_therapists.language is null or list_therapists.language = any (t.languages))
      and ("sessionType" is null or t.session_types @> array["sessionType"])
      and (availability is null or next_slot.starts_at is not null)
      and (after is null or (t.display_name, t.id) > (after_name, after))
    order by t.display_name, t.id
    limit page_size;
end;
$$;
revoke execute on function private.list_therapists(text, integer, text, public.therapy_session_type, integer, uuid) from public, anon;
grant execute on function private.list_therapists(text, integer, text, public.therapy_session_type, integer, uuid) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.list_therapists(
  specialty text default null,
  availability integer default null,
  language text default null,
  "sessionType" public.therapy_session_type default null,
  "limit" integer default 20,
  after uuid default null
)
returns setof public.therapist_listing
language sql
stable
set search_path = ''
as $$
  select * from private.list_therapists($1, $2, $3, $4, $5, $6);
$$;
comment on function public.list_therapists(text, integer, text, public.therapy_session_type, integer, uuid) is
  'GET /therapists: listed therapists in the seed''s shape, by name; the seed''s specialty (a label as the directory shows it, several by commas or ampersands, or codes; 400 for an unknown one) and availability (a free slot within that many days), language and sessionType; limit and after (the last therapist''s id) page through them. nextAvailable is computed from real availability, and shown only to someone who may book it (a therapist not taking new clients shows none to a new client); rating and ratingCount are the batch snapshot (none below 3 ratings).';
revoke execute on function public.list_therapists(text, integer, text, public.therapy_session_type, integer, uuid) from public, anon;
grant execute on function public.list_therapists(text, integer, text, public.therapy_session_type, integer, uuid) to authenticated;

drop view public.therapy_session_operations;
create view public.therapy_session_operations with (security_invoker = true) as
  select o.id, o.therapist_id as "therapistId", o.therapist_name as "therapistName", o.starts_at as "startsAt",
         o.ends_at as "endsAt", o.duration_minutes as "durationMinutes", o.session_type as "sessionType", o.status,
         o.cancelled_at as "cancelledAt", o.cancelled_by as "cancelledBy", o.is_late_cancellation as "isLateCancellation",
         o.rescheduled_from as "rescheduledFrom", o.client_deleted as "clientDeleted", o.created_at as "createdAt",
         o.status_changed_at as "statusChangedAt"
  from private.therapy_session_operations() as o;
comment on view public.therapy_session_operations is
  'Admins only (empty for everyone else): every session''s schedule and status facts (no client identity, notes or ratings), for operations such as no-show and late-cancellation rates.';
revoke all on public.therapy_session_operations from anon, authenticated, service_role;
grant select on public.therapy_session_operations to authenticated, service_role;

-- People's cards ------------------------------------------------------------------------------------------------------

drop view public.public_profiles;
create view public.public_profiles with (security_invoker = true) as
  select c.id, c.display_name as "displayName", c.is_pseudonym as "isPseudonym", c.first_name as "firstName",
         c.last_name as "lastName", c.avatar_path as "avatarPath", c.phone, c.date_of_birth as "dateOfBirth", c.location,
         c.occupation, c.bio, c.interests, c.is_therapist as "isTherapist", c.allow_messages as "allowMessages",
         c.updated_at as "updatedAt"
  from private.profile_cards as c;
comment on view public.public_profiles is
  'Other people''s profiles with their privacy settings applied (hidden fields are null), by public id, from the hour each identity is listed. For signed-in, non-anonymous, active accounts; read-only.';
revoke all on public.public_profiles from anon, authenticated, service_role;
grant select on public.public_profiles to authenticated, service_role;

-- The export read the card by its old column names.
create or replace function private.export_identity()
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'format', 'healspace-export/2', -- 2: camelCase keys throughout (issue 16)
    'exportedAt', now(),
    'userId', auth.uid(),
    'profile', (select to_jsonb(mine) from public.my_profile as mine),
    'publicCard', (
      select to_jsonb(card) from public.public_profiles as card
      where card.id = (select p.public_id from public.profiles as p where p.id = (select auth.uid()))
    ),
    'avatars', (
      select coalesce(jsonb_agg(jsonb_build_object('name', o.name, 'createdAt', o.created_at, 'size', o.metadata -> 'size',
                                                   'mimetype', o.metadata -> 'mimetype') order by o.created_at), '[]')
      from private.avatar_objects_of_caller() as o
    ),
    'auditEvents', private.audit_events_about_caller()
  );
$$;

-- The inbox, preferences and settings ---------------------------------------------------------------------------------

create view public.my_notifications with (security_invoker = true) as
  select n.id, n.type, n.title, n.body, n.data, n.event_count as "eventCount", n.read_at as "readAt",
         n.created_at as "createdAt", n.updated_at as "updatedAt"
  from public.notifications as n
  where n.user_id = (select auth.uid());
comment on view public.my_notifications is
  'The caller''s in-app notifications (eventCount: how many events one collapsed notification stands for). Order by updatedAt desc, id desc; mark one read by updating readAt, remove one by deleting it.';

create function private.write_my_notifications()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  touched uuid;
begin
  if tg_op = 'DELETE' then
    delete from public.notifications as n where n.id = old.id returning n.id into touched;
    return case when touched is null then null else old end;
  end if;
  update public.notifications as n set read_at = new."readAt" where n.id = old.id returning n.id into touched;
  if touched is null then
    return null;
  end if;
  select m.* into new from public.my_notifications as m where m.id = old.id;
  return new;
end;
$$;
create trigger my_notifications_write
  instead of update or delete on public.my_notifications
  for each row execute function private.write_my_notifications();
revoke all on public.my_notifications from anon, authenticated, service_role;
grant select, update ("readAt"), delete on public.my_notifications to authenticated;
grant select, references, trigger on public.my_notifications to service_role;

drop view public.my_notification_preferences;
create view public.my_notification_preferences with (security_invoker = true) as
  select t.type, coalesce(p.push, true) as push, coalesce(p.in_app, true) as "inApp"
  from unnest(enum_range(null::public.notification_type)) as t (type)
  left join public.notification_preferences as p on p.user_id = (select auth.uid()) and p.type = t.type;
comment on view public.my_notification_preferences is
  'Every notification type with the caller''s push and in-app choice (on unless turned off); change one by updating push or inApp where type is that type.';

create function private.write_my_notification_preferences()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into public.notification_preferences as p (type, push, in_app)
  values (old.type, new.push, new."inApp")
  on conflict (user_id, type) do update set push = excluded.push, in_app = excluded.in_app;
  select m.* into new from public.my_notification_preferences as m where m.type = old.type;
  return new;
end;
$$;
create trigger my_notification_preferences_write
  instead of update on public.my_notification_preferences
  for each row execute function private.write_my_notification_preferences();
revoke all on public.my_notification_preferences from anon, authenticated, service_role;
grant select, update (push, "inApp") on public.my_notification_preferences to authenticated;
grant select, references, trigger on public.my_notification_preferences to service_role;

create view public.my_notification_settings with (security_invoker = true) as
  select coalesce(s.push_previews, false) as "pushPreviews", s.quiet_hours_start as "quietHoursStart",
         s.quiet_hours_end as "quietHoursEnd", s.updated_at as "updatedAt"
  from (select (select auth.uid()) as user_id) as me
  left join public.notification_settings as s on s.user_id = me.user_id
  where me.user_id is not null;
comment on view public.my_notification_settings is
  'The caller''s notification settings, one row: pushPreviews (message text in pushes), quietHoursStart and quietHoursEnd (their local time; pushes wait until the end). Change with rpc(update_notification_settings).';
revoke all on public.my_notification_settings from anon, authenticated, service_role;
grant select on public.my_notification_settings to authenticated;
grant select, references, trigger on public.my_notification_settings to service_role;

-- A one-row resource: its body is the settings object itself (an unnamed jsonb takes the whole request body), as
-- update_privacy_settings takes the privacy object.
create function public.update_notification_settings(jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  settings jsonb := $1;
  bad_key text;
  answer jsonb;
begin
  if settings is null or jsonb_typeof(settings) <> 'object' then
    raise exception 'Notification settings must be a JSON object' using errcode = 'PT400';
  end if;
  select key into bad_key from jsonb_object_keys(settings) as key
  where key <> all (array['pushPreviews', 'quietHoursStart', 'quietHoursEnd']) order by key limit 1;
  if bad_key is not null then
    raise exception 'Unknown notification setting: %', left(bad_key, 80) using errcode = 'PT400',
      hint = 'Known settings: pushPreviews, quietHoursStart, quietHoursEnd';
  end if;
  if settings ? 'pushPreviews' and jsonb_typeof(settings -> 'pushPreviews') <> 'boolean' then
    raise exception 'pushPreviews must be true or false' using errcode = 'PT400';
  end if;
  select key into bad_key from jsonb_each(settings) as entry (key, value)
  where key in ('quietHoursStart', 'quietHoursEnd')
    and not (jsonb_typeof(value) = 'null' or (jsonb_typeof(value) = 'string' and value #>> '{}' ~ '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$'))
  order by key limit 1;
  if bad_key is not null then
    raise exception '% must be a time of day, HH:MM, or null', bad_key using errcode = 'PT400';
  end if;
  if (settings ? 'quietHoursStart') <> (settings ? 'quietHoursEnd')
     or (jsonb_typeof(settings -> 'quietHoursStart') = 'null') <> (jsonb_typeof(settings -> 'quietHoursEnd') = 'null') then
    raise exception 'quietHoursStart and quietHoursEnd go together: both times, or both null' using errcode = 'PT400';
  end if;
  if settings ->> 'quietHoursStart' is not null and (settings ->> 'quietHoursStart')::time = (settings ->> 'quietHoursEnd')::time then
    raise exception 'quietHoursStart and quietHoursEnd must differ' using errcode = 'PT400';
  end if;
  insert into public.notification_settings as s (push_previews, quiet_hours_start, quiet_hours_end)
  values (coalesce((settings ->> 'pushPreviews')::boolean, false), (settings ->> 'quietHoursStart')::time, (settings ->> 'quietHoursEnd')::time)
  on conflict (user_id) do update set
    push_previews = case when settings ? 'pushPreviews' then excluded.push_previews else s.push_previews end,
    quiet_hours_start = case when settings ? 'quietHoursStart' then excluded.quiet_hours_start else s.quiet_hours_start end,
    quiet_hours_end = case when settings ? 'quietHoursEnd' then excluded.quiet_hours_end else s.quiet_hours_end end;
  select to_jsonb(m) into answer from public.my_notification_settings as m;
  return answer;
end;
$$;
comment on function public.update_notification_settings(jsonb) is
  'The caller''s notification settings: the body is { pushPreviews?, quietHoursStart?, quietHoursEnd? } (times HH:MM in their time zone, both or neither; null clears); only the keys sent change. Answers the settings.';
revoke execute on function public.update_notification_settings(jsonb) from public, anon;
grant execute on function public.update_notification_settings(jsonb) to authenticated;

-- Push subscriptions: the browser's PushSubscription as its toJSON() writes it.
drop function public.register_push_subscription(text, text, text, timestamptz, text);
create function public.register_push_subscription(endpoint text default null, keys jsonb default null, "expirationTime" double precision default null, "userAgent" text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
-- The ON CONFLICT target and the update's right-hand sides name columns that are also parameters here.
#variable_conflict use_column
declare
  subscription_id uuid;
  key_p256dh text := case when jsonb_typeof(keys) = 'object' then keys ->> 'p256dh' end;
  key_auth text := case when jsonb_typeof(keys) = 'object' then keys ->> 'auth' end;
begin
  perform private.require_argument(endpoint, 'endpoint');
  perform private.require_argument(keys, 'keys');
  if auth.uid() is null then
    raise exception 'Sign in to receive notifications' using errcode = 'PT401';
  end if;
  if endpoint is null or not private.is_push_service_endpoint(endpoint) then
    raise exception 'endpoint must be the https URL of a known push service' using errcode = 'PT400';
  end if;
  if key_p256dh is null or key_auth is null then
    raise exception 'keys must hold p256dh and auth, as PushSubscription.toJSON() gives them' using errcode = 'PT400';
  end if;
  if "expirationTime" is not null and not ("expirationTime" between 0 and 1e14) then
    raise exception 'expirationTime is milliseconds since 1970, or null' using errcode = 'PT400';
  end if;
  insert into public.push_subscriptions as s (user_id, endpoint, p256dh, auth, expiration_time, user_agent)
  values (auth.uid(), register_push_subscription.endpoint, key_p256dh, key_auth,
          to_timestamp("expirationTime" / 1000), left("userAgent", 512))
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
comment on function public.register_push_subscription(text, jsonb, double precision, text) is
  'Registers this device''s PushSubscription for the caller, as the browser serialises it ({ ...subscription.toJSON(), userAgent }: endpoint, keys {p256dh, auth}, expirationTime in ms); the endpoint moves to the caller if another account had it. Returns its id.';
revoke execute on function public.register_push_subscription(text, jsonb, double precision, text) from public, anon;
grant execute on function public.register_push_subscription(text, jsonb, double precision, text) to authenticated;

-- Admin calls, crisis support and mood statistics, with camelCase parameters --------------------------------------------

drop function public.set_user_role(uuid, public.app_role);
create function public.set_user_role("userId" uuid default null, role public.app_role default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_argument("userId", 'userId');
  perform private.require_argument(role, 'role');
  perform private.require_admin_acting_on_other("userId");
  update public.profiles as p set role = set_user_role.role where p.id = "userId";
  if not found then
    raise exception 'No such account' using errcode = 'PT404';
  end if;
end;
$$;
comment on function public.set_user_role(uuid, public.app_role) is
  'Admins (or the service role) only: changes another account''s role (audited as role_changed). Policies see it at once; the token at its next refresh.';
revoke execute on function public.set_user_role(uuid, public.app_role) from public, anon;
grant execute on function public.set_user_role(uuid, public.app_role) to authenticated;

drop function public.set_account_active(uuid, boolean);
create function public.set_account_active("userId" uuid default null, active boolean default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_argument("userId", 'userId');
  perform private.require_argument(active, 'active');
  perform private.require_admin_acting_on_other("userId");
  update public.profiles as p set is_active = set_account_active.active where p.id = "userId";
  if not found then
    raise exception 'No such account' using errcode = 'PT404';
  end if;
  -- Supabase Auth's ban: no new sign-in or token refresh while deactivated, so existing sessions end within an hour.
  update auth.users as u set banned_until = case when set_account_active.active then null else 'infinity'::timestamptz end
  where u.id = "userId";
end;
$$;
comment on function public.set_account_active(uuid, boolean) is
  'Admins (or the service role) only: deactivates (no public card, no role in policies, banned in Supabase Auth) or reactivates another account (audited).';
revoke execute on function public.set_account_active(uuid, boolean) from public, anon;
grant execute on function public.set_account_active(uuid, boolean) to authenticated;

drop function public.moderation_profiles(text, public.app_role, integer, uuid);
create function private.moderation_profiles(search text default null, "withRole" public.app_role default null, page_size integer default 50, after uuid default null)
returns table (id uuid, email text, "firstName" text, "lastName" text, "role" public.app_role, "isActive" boolean, "isAnonymous" boolean,
               "createdAt" timestamptz, "lastSignInAt" timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin();
  perform private.check_page_size(page_size, 200);
  perform private.write_audit('moderation_read', null, jsonb_build_object(
    'view', 'moderation_profiles', 'search', search, 'role_filter', "withRole", 'after_id', after, 'page_size', page_size
  ));
  return query
    select p.id, p.email, p.first_name, p.last_name, p.role, p.is_active, p.is_anonymous, p.created_at, u.last_sign_in_at
    from public.profiles as p
    join auth.users as u on u.id = p.id
    where ("withRole" is null or p.role = "withRole")
      and (search is null or p.email ilike '%' || search || '%' or p.display_name ilike '%' || search || '%')
      and (after is null or p.id > after)
    order by p.id
    limit page_size;
end;
$$;
revoke execute on function private.moderation_profiles(text, public.app_role, integer, uuid) from public, anon;
grant execute on function private.moderation_profiles(text, public.app_role, integer, uuid) to authenticated, service_role;

-- The API's names, some of them SQL keywords ("limit", "offset", "from", "to"), which plpgsql_check refuses as
-- plpgsql parameter names: the API function is SQL and passes them on to the implementation.
create function public.moderation_profiles(search text default null, "withRole" public.app_role default null, "limit" integer default 50, after uuid default null)
returns table (id uuid, email text, "firstName" text, "lastName" text, "role" public.app_role, "isActive" boolean, "isAnonymous" boolean,
               "createdAt" timestamptz, "lastSignInAt" timestamptz)
language sql
set search_path = ''
as $$
  select * from private.moderation_profiles($1, $2, $3, $4);
$$;
comment on function public.moderation_profiles(text, public.app_role, integer, uuid) is
  'Admins only, every call audited (moderation_read): accounts with what moderation needs (names, email, role, status, last sign-in), never health data, privacy-hidden fields, bios or avatars. Filter by search (email or name) and withRole; keyset paging by id (after).';
revoke execute on function public.moderation_profiles(text, public.app_role, integer, uuid) from public, anon;
grant execute on function public.moderation_profiles(text, public.app_role, integer, uuid) to authenticated;

drop function public.crisis_support(text);
create function public.crisis_support("countryCode" text default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'notice', 'HealSpace peer support is not a crisis service. If you are in danger or thinking about ending your life, please contact a helpline or your local emergency number now.',
    'helplines', coalesce((
      select jsonb_agg(jsonb_build_object('name', h.name, 'phone', h.phone, 'sms', h.sms, 'url', h.url, 'hours', h.hours)
                       order by h.country_code = 'ZZ', h.sort_order)
      from public.helplines as h
      -- octet_length first: it reads the length only, so a megabyte of input costs nothing.
      where h.country_code = (select upper("countryCode") where octet_length("countryCode") = 2 and "countryCode" ~ '^[A-Za-z]{2}$')
         or h.country_code = 'ZZ'
    ), '[]')
  );
$$;
comment on function public.crisis_support(text) is
  'The "not a crisis service" notice and the helplines for a country (countryCode: two-letter ISO code; anything else reads as no country) plus the international fallback. Callable by anyone.';
revoke execute on function public.crisis_support(text) from public;
grant execute on function public.crisis_support(text) to anon, authenticated, service_role;

-- Trigger functions run without EXECUTE; nobody calls them (schema guards SG-04, SG-05). The specialty parser is the
-- directory's, called as the caller.
revoke execute on function private.write_my_notifications(), private.write_my_notification_preferences() from public, anon, authenticated;
revoke execute on function private.therapy_specialties_named(text), private.therapy_specialty_by_name(text) from public, anon;
grant execute on function private.therapy_specialties_named(text), private.therapy_specialty_by_name(text) to authenticated;

-- The inbox's Realtime events in camelCase like every other: notification, notificationUpdated.
create or replace function private.broadcast_notification()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform realtime.send(
    jsonb_build_object('id', new.id, 'type', new.type, 'title', new.title, 'body', new.body, 'data', new.data,
                       'eventCount', new.event_count, 'readAt', new.read_at, 'updatedAt', new.updated_at),
    case when tg_op = 'INSERT' then 'notification' else 'notificationUpdated' end,
    private.personal_topic(new.user_id), true);
  return null;
end;
$function$;
