-- Identifiers that leave the database are made for that purpose, never account ids (issue 14).
-- * A person's own Realtime topic is no longer user:<account id> but user:<personal key>, a keyed hash of the account
--   id that only its owner is told (my_profile.realtimeTopic). No one can derive it from anything they see, and the
--   account id stops travelling in topic names, stored broadcasts and client code.
-- * The key is a secret made once per database, in a table no API role can read. The same secret derives other
--   opaque identifiers (chat message ids from a client's idempotency key, live-room names), each under its own label
--   so that no two derivations can be compared.
--
-- Security definer functions in this migration, and why:
--   private.opaque_id  reads the secret, which no API role may read.

create table private.identifier_secret (
  singleton boolean primary key default true,
  secret bytea not null,
  created_at timestamptz not null default now(),
  constraint identifier_secret_singleton_check check (singleton)
);
comment on table private.identifier_secret is
  'One random secret per database, for deriving opaque identifiers (personal Realtime topics, message ids, live rooms). Never readable through the API; rotating it renames every personal topic.';
alter table private.identifier_secret enable row level security;
-- gen_random_uuid draws from the server's strong random source: two of them give 244 random bits.
insert into private.identifier_secret (secret)
values (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));

-- A keyed hash of a label and a value: the same inputs always give the same id, and nobody without the secret can
-- compute it or tell two values' ids apart from random ones.
create function private.opaque_id(label text, value text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select substr(encode(sha256(s.secret || convert_to(label || ':' || value, 'UTF8')), 'hex'), 1, 32)::uuid
  from private.identifier_secret as s;
$$;
comment on function private.opaque_id(text, text) is
  'A uuid derived from a label and a value with the database''s secret: stable, unguessable, unlinkable across labels.';

-- The one place that names a person's own Realtime topic.
create function private.personal_topic(person_id uuid)
returns text
language sql
stable
set search_path = ''
as $$
  select 'user:' || private.opaque_id('personal_topic', person_id::text);
$$;
comment on function private.personal_topic(uuid) is
  'A person''s own receive-only Realtime topic (inbox, matches, chat events): user:<opaque key>, told only to them.';

-- (private.realtime_topic_allows: as this change leaves it, in 20261202080000_chat_silence_without_tells.)
create or replace function private.broadcast_notification()
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
    private.personal_topic(new.user_id), true);
  return null;
end;
$$;
comment on function private.broadcast_notification() is 'Trigger: sends each new or changed inbox row to its owner''s personal Realtime topic.';

-- GET /users/profile gains the topic the app subscribes to for the person's own events.
create or replace view public.my_profile with (security_invoker = true) as
  select
    p.id, p.email, p.first_name as "firstName", p.last_name as "lastName", p.phone, p.date_of_birth as "dateOfBirth",
    p.location, p.occupation, p.bio, p.interests, p.time_zone as "timeZone", p.avatar_path as "avatarPath", p.public_id as "publicId", p.is_anonymous as "isAnonymous",
    p.is_active as "isActive", p.role, p.pseudonym, private.privacy_settings_json(p) as "privacySettings",
    p.created_at as "createdAt", p.updated_at as "updatedAt", private.personal_topic(p.id) as "realtimeTopic"
  from public.profiles as p
  where p.id = (select auth.uid());
comment on view public.my_profile is
  'GET /users/profile: the caller''s own profile in the seed''s JSON shape (camelCase, privacySettings object), plus realtimeTopic, their private Realtime topic. Runs with the caller''s rights; one row or none.';

revoke execute on all functions in schema private from public;
grant execute on function private.opaque_id(text, text) to authenticated, service_role;
grant execute on function private.personal_topic(uuid) to authenticated, service_role;
