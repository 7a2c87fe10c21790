-- Local demo data, applied by `supabase db push --include-seed` (npm start) and `supabase db reset` (Docker).
-- Never run against production: the accounts below have a documented password.
--
-- Demo personas, marked with `demo_account` in their user metadata so `npm start` and `npm run tokens` can list
-- them and mint local access tokens. Email accounts share the password healspace-demo-1.
--   client     ava.client@example.com      a client with the default privacy settings
--   open       sam.open@example.com        a client who shares location, occupation, phone and date of birth
--   private    river.private@example.com   a client who signed up with "anonymous": true (anonymous mode)
--   therapist  theo.therapist@example.com  a therapist: Dr. Theo Okafor, America/New_York
--   therapist-maya   maya.therapist@example.com   Dr. Maya Ferreira, Europe/Lisbon, confirms bookings automatically
--   therapist-jonas  jonas.therapist@example.com  Dr. Jonas Becker, Europe/Berlin, not accepting new clients
--   therapist-kenji  kenji.therapist@example.com  Dr. Kenji Sato, Asia/Tokyo
--   therapist-priya  priya.therapist@example.com  Dr. Priya Raman, America/Los_Angeles
--   admin      ada.admin@example.com       an admin (moderation RPCs, audit log)
--   anonymous  (no email)                  an anonymous sign-in, not yet upgraded
-- Rows are shaped as Supabase Auth writes them (auth.users plus auth.identities for email users), so the profile
-- trigger runs exactly as on a real sign-up. Idempotent: a second run changes nothing.
-- Therapy: every therapist has a directory row, weekly hours and (some) date overrides; Ava, Sam and River have past
-- sessions (completed, some rated; a no-show; a late cancellation) and upcoming ones (scheduled, confirmed), all at
-- times inside the therapist's hours, computed from today in the therapist's zone.

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change
)
values
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 'authenticated', 'authenticated',
   'ava.client@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "client", "firstName": "Ava", "lastName": "Client", "dateOfBirth": "1994-03-08", "anonymous": false}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 'authenticated', 'authenticated',
   'sam.open@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "open", "firstName": "Sam", "lastName": "Open", "phone": "+14155550100", "dateOfBirth": "1988-11-20"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 'authenticated', 'authenticated',
   'river.private@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "private", "firstName": "River", "lastName": "Private", "anonymous": true}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', 'authenticated', 'authenticated',
   'theo.therapist@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "therapist", "firstName": "Theo", "lastName": "Therapist", "timeZone": "America/New_York"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000007', 'authenticated', 'authenticated',
   'maya.therapist@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "therapist-maya", "firstName": "Maya", "lastName": "Ferreira", "timeZone": "Europe/Lisbon"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000008', 'authenticated', 'authenticated',
   'jonas.therapist@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "therapist-jonas", "firstName": "Jonas", "lastName": "Becker", "timeZone": "Europe/Berlin"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000009', 'authenticated', 'authenticated',
   'kenji.therapist@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "therapist-kenji", "firstName": "Kenji", "lastName": "Sato", "timeZone": "Asia/Tokyo"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-00000000000a', 'authenticated', 'authenticated',
   'priya.therapist@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "therapist-priya", "firstName": "Priya", "lastName": "Raman", "timeZone": "America/Los_Angeles"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000006', 'authenticated', 'authenticated',
   'ada.admin@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "admin", "firstName": "Ada", "lastName": "Admin"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000003', 'authenticated', 'authenticated',
   null, null, null,
   '{}',
   '{"demo_account": "anonymous"}',
   true, now(), now(), '', '', '', '')
on conflict (id) do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       'email', now(), now(), now()
from auth.users as u
where u.raw_user_meta_data ? 'demo_account' and u.email is not null
on conflict (provider_id, provider) do nothing;

-- Roles and profile details that sign-up does not carry (as an admin or the service role would set them).
update public.profiles set role = 'therapist', occupation = 'Licensed clinical psychologist', hide_occupation = false,
  bio = 'CBT and mindfulness. Here for anxiety, grief and burnout.'
where id = '6f1c2a3e-0d7b-4c8e-9a51-000000000002' and role <> 'therapist';
update public.profiles as p set role = 'therapist', occupation = v.occupation, hide_occupation = false, bio = v.bio
from (values
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000007'::uuid, 'Clinical psychologist', 'Trauma-informed therapy (EMDR, CFT). Lisbon-based, sessions in Portuguese, English and Spanish.'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000008'::uuid, 'Couples and family therapist', 'Systemic couples and family therapy; LGBTQ+ affirming. Deutsch und Englisch.'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000009'::uuid, 'Psychiatrist and CBT-I practitioner', 'Sleep, stress and low mood, with evening sessions for people who work days.'),
  ('6f1c2a3e-0d7b-4c8e-9a51-00000000000a'::uuid, 'Licensed clinical psychologist', 'ADHD, OCD and eating disorders in adults: ERP, DBT skills and practical routines.')
) as v (id, occupation, bio)
where p.id = v.id and p.role <> 'therapist';
update public.profiles set role = 'admin' where id = '6f1c2a3e-0d7b-4c8e-9a51-000000000006' and role <> 'admin';
update public.profiles set location = 'Oakland, CA', occupation = 'Teacher', interests = array['Running', 'Journaling'],
  hide_location = false, hide_phone = false, hide_date_of_birth = false
where id = '6f1c2a3e-0d7b-4c8e-9a51-000000000004' and location is null;

-- Four months of wellbeing history for the client personas, so `npm start` shows meaningful statistics, streaks and
-- achievements. Deterministic (no random()): the same seed gives the same history relative to today. Achievements
-- unlock through the real triggers. Skipped for anyone who already has entries.
with persona as (
  select p.id, p.time_zone, row_number() over (order by p.id) as k
  from public.profiles as p
  where p.id in ('6f1c2a3e-0d7b-4c8e-9a51-000000000001', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', '6f1c2a3e-0d7b-4c8e-9a51-000000000005')
    and not exists (select 1 from public.mood_entries as m where m.user_id = p.id)
),
day as (
  select persona.id, persona.k, private.local_date(persona.id) - n as date, n
  from persona cross join generate_series(0, 119) as n
  where (n * 7 + persona.k * 3) % 11 <> 0 -- a few missed days, different for each persona
),
shaped as (
  select d.*,
         (d.n * 13 + d.k * 5) % 7 < 3 as exercised,
         (d.n * 5 + d.k) % 9 = 0 as slept_badly,
         extract(isodow from d.date) >= 6 as weekend
  from day as d
)
insert into public.mood_entries (user_id, date, mood, note, factors)
select s.id, s.date,
       greatest(1, least(5, 3 + (case when s.exercised then 1 else 0 end) + (case when s.weekend then 1 else 0 end)
                           - (case when s.slept_badly then 2 else 0 end) - (case when s.n % 17 = 0 then 1 else 0 end))),
       case when s.n % 10 = 0 then 'Checked in after a long day.' end,
       array_remove(array[case when s.exercised then 'Exercise' end, case when s.slept_badly then 'Poor Sleep' end,
                          case when s.weekend then 'Social Connection' end, case when s.n % 4 = 0 then 'Work Stress' end], null)
from shaped as s
on conflict (user_id, date) do nothing;

insert into public.journal_entries (user_id, title, content, mood, tags, is_favorite, created_at)
select p.id,
       (array['Feeling better today', 'A rough night', 'Small wins', 'Therapy takeaways', 'Grateful for friends', 'Work stress again'])[1 + n % 6],
       (array['Had a good session and went for a walk afterwards. Breathing exercises helped.',
              'Could not sleep; anxious thoughts about work kept coming back.',
              'Cooked dinner, called my sister, finished a chapter. Small things count.',
              'We talked about catastrophising. Writing the thought down makes it smaller.',
              'Long lunch with friends. I laughed more than I have in weeks.',
              'Deadlines piling up. Took a break outside, which helped a little.'])[1 + n % 6],
       (array['happy', 'sad', 'happy', 'neutral', 'happy', 'sad'])[1 + n % 6]::public.journal_mood,
       case n % 6 when 0 then array['therapy', 'progress'] when 1 then array['sleep', 'anxiety'] when 2 then array['self-care']
                  when 3 then array['therapy'] when 4 then array['friends'] else array['work'] end,
       n % 9 = 0,
       now() - make_interval(days => n * 3, hours => n % 5)
from public.profiles as p cross join generate_series(0, 39) as n
where p.id in ('6f1c2a3e-0d7b-4c8e-9a51-000000000001', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', '6f1c2a3e-0d7b-4c8e-9a51-000000000005')
  and not exists (select 1 from public.journal_entries as e where e.user_id = p.id);

insert into public.goals (user_id, title, description, category, unit, target)
select p.id, g.title, g.description, g.category, g.unit, g.target
from public.profiles as p
cross join (values ('Daily Meditation', 'Meditate for 10 minutes every day', 'Mindfulness', 'days', 28),
                   ('Walk 50 km', 'Walks outside, at least 2 km each', 'Movement', 'km', 50)) as g (title, description, category, unit, target)
where p.id = '6f1c2a3e-0d7b-4c8e-9a51-000000000001'
  and not exists (select 1 from public.goals as existing where existing.user_id = p.id);

insert into public.goal_progress (goal_id, user_id, amount, logged_on)
select g.id, g.user_id, case when g.unit = 'km' then 2.5 else 1 end, private.local_date(g.user_id) - n
from public.goals as g cross join generate_series(0, 20) as n
where g.user_id = '6f1c2a3e-0d7b-4c8e-9a51-000000000001'
  and not exists (select 1 from public.goal_progress as existing where existing.goal_id = g.id);

-- Peer chat: Sam listens; River talked to Sam anonymously (and has unread answers); Ava and Sam talk openly.
update public.profiles set is_listener = true where id = '6f1c2a3e-0d7b-4c8e-9a51-000000000004' and not is_listener;

insert into public.chat_conversations (id, kind, topic, created_at)
values ('7a1c0000-0000-4000-8000-000000000001', 'matched', 'exam stress', now() - interval '2 hours'),
       ('7a1c0000-0000-4000-8000-000000000002', 'direct', null, now() - interval '1 day')
on conflict (id) do nothing;

insert into private.chat_participants (id, conversation_id, user_id, alias, is_anonymous, last_read_at, joined_at)
values ('7a1c0000-0000-4000-8000-0000000000a1', '7a1c0000-0000-4000-8000-000000000001', '6f1c2a3e-0d7b-4c8e-9a51-000000000005',
        'Anonymous User #2847', true, now() - interval '100 minutes', now() - interval '2 hours'),
       ('7a1c0000-0000-4000-8000-0000000000a2', '7a1c0000-0000-4000-8000-000000000001', '6f1c2a3e-0d7b-4c8e-9a51-000000000004',
        'Anonymous User #5310', true, now() - interval '90 minutes', now() - interval '2 hours'),
       ('7a1c0000-0000-4000-8000-0000000000b1', '7a1c0000-0000-4000-8000-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000001',
        'Ava Client', false, now() - interval '20 hours', now() - interval '1 day'),
       ('7a1c0000-0000-4000-8000-0000000000b2', '7a1c0000-0000-4000-8000-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000004',
        'Sam Open', false, now() - interval '21 hours', now() - interval '1 day')
on conflict (id) do nothing;

insert into public.chat_messages (id, conversation_id, sender_id, content, created_at)
values
  ('7a1c0000-0000-4000-8000-00000000c001', '7a1c0000-0000-4000-8000-000000000001', '7a1c0000-0000-4000-8000-0000000000a1',
   'Hi. My exams start next week and I can''t sleep.', now() - interval '110 minutes'),
  ('7a1c0000-0000-4000-8000-00000000c002', '7a1c0000-0000-4000-8000-000000000001', '7a1c0000-0000-4000-8000-0000000000a2',
   'That sounds exhausting. What keeps you up at night?', now() - interval '95 minutes'),
  ('7a1c0000-0000-4000-8000-00000000c003', '7a1c0000-0000-4000-8000-000000000001', '7a1c0000-0000-4000-8000-0000000000a2',
   'When I had exams, writing a tiny plan for the next day helped me switch off.', now() - interval '90 minutes'),
  ('7a1c0000-0000-4000-8000-00000000c004', '7a1c0000-0000-4000-8000-000000000002', '7a1c0000-0000-4000-8000-0000000000b1',
   'Thanks for the running tips yesterday!', now() - interval '22 hours'),
  ('7a1c0000-0000-4000-8000-00000000c005', '7a1c0000-0000-4000-8000-000000000002', '7a1c0000-0000-4000-8000-0000000000b2',
   'Any time. Same route on Saturday?', now() - interval '21 hours')
on conflict (id) do nothing;

-- Support groups across the categories, created by Theo (the therapist, who owns them), with members, messages and
-- upcoming sessions.
insert into public.support_groups (id, name, description, category_id, privacy, created_by)
select ('8b2d0000-0000-4000-8000-0000000000' || lpad(g.n::text, 2, '0'))::uuid, g.name, g.description, g.category_id, g.privacy::public.group_privacy,
       '6f1c2a3e-0d7b-4c8e-9a51-000000000002'
from (values
  (1, 'Anxiety Support Circle', 'A safe space to talk about worry, panic and the things that help.', 'anxiety', 'public'),
  (2, 'Low Days, Small Steps', 'For the days when getting up is the hard part.', 'depression', 'public'),
  (3, 'Grief Together', 'Remembering the people we lost, and carrying on.', 'grief', 'private'),
  (4, 'One Day at a Time', 'Recovery from alcohol and drug use, without judgement.', 'addiction-recovery', 'public'),
  (5, 'Rainbow Room', 'LGBTQ+ peer support and community.', 'lgbtq', 'public'),
  (6, 'Carers Corner', 'Looking after someone else, and yourself.', 'caregivers', 'public'),
  (7, 'Exam Season Survivors', 'Students supporting each other through exams and deadlines.', 'students', 'public'),
  (8, 'After the Storm', 'Living with trauma and PTSD.', 'trauma', 'private'),
  (9, 'New Parents Night Shift', 'Postnatal mood, sleepless nights and first years.', 'parenting', 'public'),
  (10, 'Chronic but Connected', 'Long-term illness and the mental load that comes with it.', 'chronic-illness', 'public'),
  (11, 'Heartbreak Hotel', 'Breakups, loneliness and reconnecting.', 'relationships', 'public'),
  (12, 'Daily Check-in', 'A gentle daily thread for anyone.', 'general', 'public')
) as g (n, name, description, category_id, privacy)
on conflict (id) do nothing;

insert into private.group_members (group_id, user_id, status, joined_at, last_seen_at)
select g.id, p.id, 'active', now() - interval '10 days', case when p.id = '6f1c2a3e-0d7b-4c8e-9a51-000000000004' then now() end
from public.support_groups as g
cross join (values ('6f1c2a3e-0d7b-4c8e-9a51-000000000001'::uuid), ('6f1c2a3e-0d7b-4c8e-9a51-000000000004'), ('6f1c2a3e-0d7b-4c8e-9a51-000000000005')) as p (id)
where g.id in ('8b2d0000-0000-4000-8000-000000000001', '8b2d0000-0000-4000-8000-000000000007', '8b2d0000-0000-4000-8000-000000000012')
on conflict (group_id, user_id) do nothing;

insert into public.group_messages (id, group_id, sender_member_id, content, created_at)
select m.id::uuid, m.group_id::uuid, gm.id, m.content, now() - make_interval(mins => m.minutes_ago)
from (values
  ('9c3e0000-0000-4000-8000-000000000001', '8b2d0000-0000-4000-8000-000000000001', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 'Does anyone else get panicky on Sunday evenings?', 180),
  ('9c3e0000-0000-4000-8000-000000000002', '8b2d0000-0000-4000-8000-000000000001', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 'Every week. A short walk before dinner helps me.', 170),
  ('9c3e0000-0000-4000-8000-000000000003', '8b2d0000-0000-4000-8000-000000000007', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 'Two exams down, one to go!', 60),
  ('9c3e0000-0000-4000-8000-000000000004', '8b2d0000-0000-4000-8000-000000000012', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 'Morning all. What is one small thing you will do for yourself today?', 30)
) as m (id, group_id, user_id, content, minutes_ago)
join private.group_members as gm on gm.group_id = m.group_id::uuid and gm.user_id = m.user_id::uuid
on conflict (id) do nothing;

insert into public.group_sessions (id, group_id, title, starts_at, duration_minutes, host_member_id)
select s.id::uuid, s.group_id::uuid, s.title, date_trunc('hour', now()) + make_interval(days => s.days_ahead, hours => 18), 60,
       (select gm.id from private.group_members as gm where gm.group_id = s.group_id::uuid and gm.role = 'owner')
from (values
  ('ad4f0000-0000-4000-8000-000000000001', '8b2d0000-0000-4000-8000-000000000001', 'Evening anxiety check-in', 1),
  ('ad4f0000-0000-4000-8000-000000000002', '8b2d0000-0000-4000-8000-000000000007', 'Revision stress: tools that work', 3),
  ('ad4f0000-0000-4000-8000-000000000003', '8b2d0000-0000-4000-8000-000000000003', 'Remembering together', 5)
) as s (id, group_id, title, days_ahead)
on conflict (id) do nothing;

-- Therapy: the directory. Rows are the therapists' own (as they would create them in the app); an existing row is
-- left as it is. Ratings start at zero (insert trigger); the ratings below go to the private live totals (ratings trigger).
insert into public.therapists (
  id, display_name, specialties, years_of_experience, hourly_rate, currency, languages, bio, time_zone, session_types,
  session_minutes, slot_interval_minutes, buffer_before_minutes, buffer_after_minutes, minimum_notice_minutes,
  booking_window_days, late_cancellation_hours, auto_confirm, accepting_new_clients
)
values
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000002', 'Dr. Theo Okafor', '{anxiety,grief,stress}', 12, 140, 'USD', '{en}',
   'Clinical psychologist working with CBT and mindfulness. I help adults with anxiety, grief and burnout find steadier ground, one practical step at a time.',
   'America/New_York', '{video,phone}', 50, 30, 0, 10, 1440, 60, 24, false, true),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000007', 'Dr. Maya Ferreira', '{trauma,anxiety,self_esteem}', 9, 85, 'EUR', '{pt-PT,en,es}',
   'Trauma-informed psychologist (EMDR, compassion-focused therapy). A calm, paced space to make sense of what happened and rebuild self-worth.',
   'Europe/Lisbon', '{video,chat}', 50, 60, 0, 10, 720, 45, 24, true, true),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000008', 'Dr. Jonas Becker', '{relationships,family,lgbtq}', 18, 110, 'EUR', '{de,en}',
   'Systemic couples and family therapist, LGBTQ+ affirming. My caseload is full: I continue with existing clients only.',
   'Europe/Berlin', '{video,phone}', 60, 30, 15, 15, 2880, 90, 48, false, false),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000009', 'Dr. Kenji Sato', '{sleep,stress,depression}', 7, 9000, 'JPY', '{ja,en}',
   'Psychiatrist trained in CBT for insomnia. Evening sessions for people who work long days; video or text chat.',
   'Asia/Tokyo', '{video,chat}', 45, 60, 0, 15, 1440, 30, 12, false, true),
  ('6f1c2a3e-0d7b-4c8e-9a51-00000000000a', 'Dr. Priya Raman', '{adhd,ocd,eating_disorders}', 15, 175, 'USD', '{en,hi,ta}',
   'Adult ADHD, OCD (ERP) and eating disorders. Structured, warm and practical: we build routines that survive real life.',
   'America/Los_Angeles', '{video,phone,chat}', 50, 30, 5, 10, 1440, 60, 24, false, true)
on conflict (id) do nothing;

-- Weekly hours in each therapist's zone (ISO weekdays, 1 = Monday), several ranges a day; only for a therapist who has
-- none yet.
insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
select h.therapist_id, d.weekday, h.starts_at, h.ends_at
from (values
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000002'::uuid, '{1,2,3,4}'::smallint[], '09:00'::time, '12:00'::time),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000002', '{1,2,3,4}', '13:00', '17:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000002', '{5}', '09:00', '13:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000007', '{1,3,5}', '10:00', '13:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000007', '{1,3,5}', '14:00', '18:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000007', '{2,4}', '14:00', '20:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000008', '{1,2,3,4}', '08:00', '12:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000008', '{1,2,3,4}', '15:00', '19:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000009', '{2,3,4,5,6}', '09:00', '12:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000009', '{2,3,4,5,6}', '19:00', '22:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-00000000000a', '{1,2,3,4,5}', '07:00', '11:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-00000000000a', '{1,2,3,4,5}', '12:00', '15:00'),
  ('6f1c2a3e-0d7b-4c8e-9a51-00000000000a', '{1,3}', '16:00', '19:00')
) as h (therapist_id, weekdays, starts_at, ends_at)
cross join unnest(h.weekdays) as d (weekday)
where exists (select 1 from public.therapists as t where t.id = h.therapist_id)
  and not exists (select 1 from public.therapist_weekly_hours as w where w.therapist_id = h.therapist_id);

-- Date overrides, relative to today in the therapist's zone: Theo works next Saturday (10:00-14:00), Jonas takes
-- next week's Wednesday off, Priya works a short day next week's Friday. Only for a therapist who has none yet.
insert into public.therapist_date_overrides (therapist_id, on_date, starts_at, ends_at)
select t.id, o.on_date, o.starts_at, o.ends_at
from public.therapists as t
cross join lateral (select (now() at time zone t.time_zone)::date as today) as local
cross join lateral (values
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000002'::uuid, local.today + (6 - extract(isodow from local.today)::integer + 6) % 7 + 1, '10:00'::time, '14:00'::time),
  ('6f1c2a3e-0d7b-4c8e-9a51-000000000008', local.today - extract(isodow from local.today)::integer + 10, null, null),
  ('6f1c2a3e-0d7b-4c8e-9a51-00000000000a', local.today - extract(isodow from local.today)::integer + 12, '07:00', '11:00')
) as o (therapist_id, on_date, starts_at, ends_at)
where o.therapist_id = t.id
  and not exists (select 1 from public.therapist_date_overrides as existing where existing.therapist_id = t.id);

-- Sessions of the client personas. Past sessions are written directly (booking refuses past times) in their final
-- status; upcoming ones as booking writes them (the therapist's duration and buffers; the insert trigger adds their
-- reminder jobs). Each is placed on an ISO weekday at a wall-clock time inside the therapist's hours: `weeks` -1 is the
-- last such day before today in the therapist's zone, -2 the one before; 1 is the next such day after today, 2 the one
-- after. Upcoming sessions never overlap per therapist (buffers included) or per client. Fixed ids and
-- `on conflict do nothing` (ids and the no-double-booking constraints) make a second run, on any day, add nothing.
--   past:     Ava-Theo completed x3 (two rated), Ava-Maya completed (rated), Sam-Jonas completed x2 (rated),
--             Sam-Priya cancelled late by Sam, River-Kenji completed x2 (one rated), River-Maya no-show
--   upcoming: Ava-Theo confirmed + scheduled, Sam-Jonas confirmed, Sam-Theo scheduled (Theo's Saturday hours),
--             Sam-Priya scheduled, River-Kenji scheduled, River-Maya confirmed (Maya confirms automatically)
insert into private.therapy_sessions (
  id, therapist_id, client_id, starts_at, duration_minutes, buffer_before_minutes, buffer_after_minutes, session_type,
  status, client_note, cancelled_at, cancelled_by, cancellation_reason, is_late_cancellation, status_changed_at, created_at
)
select p.id, t.id, p.client_id, slot.starts_at, t.session_minutes, t.buffer_before_minutes, t.buffer_after_minutes, p.session_type,
       p.status, p.client_note,
       case when p.status = 'cancelled' then slot.starts_at - interval '3 hours' end,
       case when p.status = 'cancelled' then 'client'::public.therapy_party end,
       case when p.status = 'cancelled' then 'Woke up with a migraine, sorry!' end,
       p.status = 'cancelled',
       case p.status when 'completed' then private.plus_minutes(slot.starts_at, t.session_minutes + 5)
                     when 'no-show' then private.plus_minutes(slot.starts_at, 20)
                     when 'cancelled' then slot.starts_at - interval '3 hours'
                     when 'confirmed' then least(slot.starts_at - interval '6 days', now() - interval '2 days')
                                           + case when t.auto_confirm then interval '0' else interval '3 hours' end
                     else least(slot.starts_at - interval '6 days', now() - interval '2 days') end,
       least(slot.starts_at - interval '6 days', now() - interval '2 days')
from (values
  ('be5e0000-0000-4000-8000-000000000001'::uuid, '6f1c2a3e-0d7b-4c8e-9a51-000000000002'::uuid, '6f1c2a3e-0d7b-4c8e-9a51-000000000001'::uuid, 2, -3, '10:00'::time, 'video'::public.therapy_session_type, 'completed'::public.therapy_session_status, 'First session. Mostly anxiety about exams.'),
  ('be5e0000-0000-4000-8000-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 2, -2, '10:00', 'video', 'completed', null),
  ('be5e0000-0000-4000-8000-000000000003', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 2, -1, '10:00', 'video', 'completed', null),
  ('be5e0000-0000-4000-8000-000000000004', '6f1c2a3e-0d7b-4c8e-9a51-000000000007', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 5, -4, '15:00', 'video', 'completed', null),
  ('be5e0000-0000-4000-8000-000000000005', '6f1c2a3e-0d7b-4c8e-9a51-000000000008', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 1, -4, '16:00', 'phone', 'completed', 'My partner may join for the second half.'),
  ('be5e0000-0000-4000-8000-000000000006', '6f1c2a3e-0d7b-4c8e-9a51-000000000008', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 1, -2, '16:00', 'phone', 'completed', null),
  ('be5e0000-0000-4000-8000-000000000007', '6f1c2a3e-0d7b-4c8e-9a51-00000000000a', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 4, -1, '08:00', 'video', 'cancelled', null),
  ('be5e0000-0000-4000-8000-000000000008', '6f1c2a3e-0d7b-4c8e-9a51-000000000009', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 6, -3, '10:00', 'chat', 'completed', 'I prefer to type rather than talk.'),
  ('be5e0000-0000-4000-8000-000000000009', '6f1c2a3e-0d7b-4c8e-9a51-000000000009', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 6, -2, '10:00', 'chat', 'completed', null),
  ('be5e0000-0000-4000-8000-000000000010', '6f1c2a3e-0d7b-4c8e-9a51-000000000007', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 3, -1, '11:00', 'video', 'no-show', null),
  ('be5e0000-0000-4000-8000-000000000021', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 2, 1, '10:00', 'video', 'confirmed', 'I would like to talk about sleep before exams.'),
  ('be5e0000-0000-4000-8000-000000000022', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 2, 2, '10:00', 'video', 'scheduled', null),
  ('be5e0000-0000-4000-8000-000000000023', '6f1c2a3e-0d7b-4c8e-9a51-000000000008', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 1, 1, '16:00', 'phone', 'confirmed', null),
  ('be5e0000-0000-4000-8000-000000000024', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 6, 1, '11:00', 'phone', 'scheduled', 'A colleague recommended you. Weekends suit me best.'),
  ('be5e0000-0000-4000-8000-000000000025', '6f1c2a3e-0d7b-4c8e-9a51-00000000000a', '6f1c2a3e-0d7b-4c8e-9a51-000000000004', 4, 1, '08:00', 'video', 'scheduled', 'Rebooking the session I had to cancel.'),
  ('be5e0000-0000-4000-8000-000000000026', '6f1c2a3e-0d7b-4c8e-9a51-000000000009', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 4, 1, '19:00', 'chat', 'scheduled', null),
  ('be5e0000-0000-4000-8000-000000000027', '6f1c2a3e-0d7b-4c8e-9a51-000000000007', '6f1c2a3e-0d7b-4c8e-9a51-000000000005', 5, 1, '14:00', 'video', 'confirmed', null)
) as p (id, therapist_id, client_id, weekday, weeks, at_time, session_type, status, client_note)
join public.therapists as t on t.id = p.therapist_id
cross join lateral (select (now() at time zone t.time_zone)::date as today) as local
cross join lateral (
  select (case when p.weeks > 0 then local.today + (p.weekday - extract(isodow from local.today)::integer + 6) % 7 + 1 + 7 * (p.weeks - 1)
               else local.today - (extract(isodow from local.today)::integer - p.weekday + 6) % 7 - 1 + 7 * (p.weeks + 1) end
          + p.at_time) at time zone t.time_zone as starts_at
) as slot
on conflict do nothing;

-- Ratings by the clients of completed sessions. The trigger adds them to private.therapist_rating_totals; the directory
-- publishes a therapist's figures only in batches of at least 3 ratings (no demo therapist has 3 yet, so the directory
-- shows no rating: see the ratings migration, 20261202070100).
insert into private.therapy_session_ratings (session_id, client_id, therapist_id, rating, feedback, created_at)
select s.id, s.client_id, s.therapist_id, r.rating, r.feedback, s.ends_at + interval '2 hours'
from (values
  ('be5e0000-0000-4000-8000-000000000001'::uuid, 5, 'I felt heard. The breathing exercise already helped.'),
  ('be5e0000-0000-4000-8000-000000000002', 4, null),
  ('be5e0000-0000-4000-8000-000000000004', 4, 'Kind and clear, but the time difference was hard for me.'),
  ('be5e0000-0000-4000-8000-000000000005', 5, 'We finally talked without shouting.'),
  ('be5e0000-0000-4000-8000-000000000006', 4, null),
  ('be5e0000-0000-4000-8000-000000000008', 5, 'Chat sessions are perfect for me. My sleep diary is making a difference.')
) as r (session_id, rating, feedback)
join private.therapy_sessions as s on s.id = r.session_id and s.status = 'completed' and s.client_id is not null
on conflict (session_id) do nothing;

-- Theo's private note on Ava's first session (visible to Theo only).
insert into public.therapist_session_notes (session_id, therapist_id, body, created_at, updated_at)
select s.id, s.therapist_id,
       'Exam-related anxiety, sleep onset ~2 h. Introduced box breathing and a worry window. Next: thought record for catastrophising.',
       s.ends_at + interval '15 minutes', s.ends_at + interval '15 minutes'
from private.therapy_sessions as s
where s.id = 'be5e0000-0000-4000-8000-000000000001' and s.therapist_id is not null
on conflict (session_id) do nothing;
