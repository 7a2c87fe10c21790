-- Local demo data, applied by `supabase db push --include-seed` (npm start) and `supabase db reset` (Docker).
-- Never run against production: the accounts below have a documented password.
--
-- Demo personas, marked with `demo_account` in their user metadata so `npm start` and `npm run tokens` can list
-- them and mint local access tokens. Email accounts share the password healspace-demo-1.
--   client     ava.client@example.com      a client with the default privacy settings
--   open       sam.open@example.com        a client who shares location, occupation, phone and date of birth
--   private    river.private@example.com   a client who signed up with "anonymous": true (anonymous mode)
--   therapist  theo.therapist@example.com  a therapist
--   admin      ada.admin@example.com       an admin (moderation RPCs, audit log)
--   anonymous  (no email)                  an anonymous sign-in, not yet upgraded
-- Rows are shaped as Supabase Auth writes them (auth.users plus auth.identities for email users), so the profile
-- trigger runs exactly as on a real sign-up. Idempotent: a second run changes nothing.

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
   '{"demo_account": "therapist", "firstName": "Theo", "lastName": "Therapist"}',
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
update public.profiles set role = 'admin' where id = '6f1c2a3e-0d7b-4c8e-9a51-000000000006' and role <> 'admin';
update public.profiles set location = 'Oakland, CA', occupation = 'Teacher', interests = array['Running', 'Journaling'],
  hide_location = false, hide_phone = false, hide_date_of_birth = false
where id = '6f1c2a3e-0d7b-4c8e-9a51-000000000004' and location is null;
