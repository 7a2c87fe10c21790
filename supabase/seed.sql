-- Local demo data, applied by `supabase db push --include-seed` (npm start) and `supabase db reset` (Docker).
-- Never run against production: the accounts below have a documented password.
--
-- Demo accounts, marked with `demo_account` in their user metadata so `npm start` and `npm run tokens` can
-- list them and mint local access tokens:
--   client     ava.client@example.com      password: healspace-demo-1   (an ordinary member)
--   therapist  theo.therapist@example.com  password: healspace-demo-1   (becomes a therapist with the roles issue)
--   anonymous  (no email)                                               (an anonymous sign-in)
-- Rows are shaped as Supabase Auth writes them (auth.users plus auth.identities for email users), so the
-- profile trigger runs exactly as it does on a real sign-up. Idempotent: a second run changes nothing.

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change
)
values
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000001', 'authenticated', 'authenticated',
   'ava.client@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "client", "firstName": "Ava", "lastName": "Client"}',
   false, now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '6f1c2a3e-0d7b-4c8e-9a51-000000000002', 'authenticated', 'authenticated',
   'theo.therapist@example.com', extensions.crypt('healspace-demo-1', extensions.gen_salt('bf')), now(),
   '{"provider": "email", "providers": ["email"]}',
   '{"demo_account": "therapist", "firstName": "Theo", "lastName": "Therapist"}',
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
