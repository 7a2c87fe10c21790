-- Other people see a profile only through public.public_profiles, with every privacy setting applied; the seed's
-- GET /users/profile and PUT /users/privacy shapes. Threat ids: PP-01 … PP-24.
begin;
select plan(47);

select tests.create_supabase_user('open', email => 'open@example.com', metadata => '{"firstName": "Olivia", "lastName": "Open", "phone": "+447700900123", "dateOfBirth": "1985-01-02"}');
select tests.create_supabase_user('viewer', metadata => '{"firstName": "Victor"}');
select tests.create_supabase_user('nameless');

-- Everything filled in and every hide_* flag off: the card shows it all (but never the email).
update public.profiles set location = 'Porto', occupation = 'Nurse', bio = 'Here to listen', interests = array['Yoga'],
  hide_date_of_birth = false, hide_phone = false, hide_location = false, hide_occupation = false, hide_interests = false
where id = tests.get_supabase_uid('open');

--- a stranger reads the card
select tests.authenticate_as('viewer');
select results_eq(
  $$select "displayName", "isPseudonym", "firstName", "lastName", phone, "dateOfBirth", location, occupation, bio, interests
    from public.public_profiles where id = tests.public_id_of('open')$$,
  $$values ('Olivia Open'::text, false, 'Olivia'::text, 'Open'::text, '+447700900123'::text, date '1985-01-02', 'Porto'::text,
            'Nurse'::text, 'Here to listen'::text, array['Yoga'])$$,
  'PP-01: with every hide flag off, other users see every public field');
select hasnt_column('public', 'public_profiles', 'email', 'PP-02: the public card has no email column at all');
select hasnt_column('public', 'public_profiles', 'pseudonym', 'PP-02: … nor the pseudonym of a named person (it would link the two)');
select ok(not has_column_privilege('authenticated', 'private.profile_cards', 'profile_id', 'select'),
  'PP-02: … nor the account id behind a card');

--- each flag, on
reset role;
update public.profiles set hide_date_of_birth = true where id = tests.get_supabase_uid('open');
select tests.authenticate_as('viewer');
select is((select "dateOfBirth" from public.public_profiles where id = tests.public_id_of('open')), null, 'PP-03: hideDateOfBirth hides the date of birth');
select is_empty($$select 1 from public.public_profiles where "dateOfBirth" = '1985-01-02'$$, 'PP-03: … and it cannot be found by filtering on it');
reset role;
update public.profiles set hide_phone = true where id = tests.get_supabase_uid('open');
select tests.authenticate_as('viewer');
select is((select phone from public.public_profiles where id = tests.public_id_of('open')), null, 'PP-04: hidePhone hides the phone');
select is_empty($$select 1 from public.public_profiles where phone like '+44%'$$, 'PP-04: … and it cannot be found by filtering on it');
reset role;
update public.profiles set hide_location = true where id = tests.get_supabase_uid('open');
select tests.authenticate_as('viewer');
select is((select location from public.public_profiles where id = tests.public_id_of('open')), null, 'PP-05: hideLocation hides the location');
reset role;
update public.profiles set hide_occupation = true where id = tests.get_supabase_uid('open');
select tests.authenticate_as('viewer');
select is((select occupation from public.public_profiles where id = tests.public_id_of('open')), null, 'PP-06: hideOccupation hides the occupation');
reset role;
update public.profiles set hide_interests = true where id = tests.get_supabase_uid('open');
select tests.authenticate_as('viewer');
select is((select interests from public.public_profiles where id = tests.public_id_of('open')), null, 'PP-07: hideInterests hides the interests');

--- anonymous mode
reset role;
update public.profiles set hide_interests = false, hide_location = false, hide_occupation = false, hide_phone = false,
  hide_date_of_birth = false, anonymous_mode = true
where id = tests.get_supabase_uid('open');
select tests.authenticate_as('viewer');
select is_empty($$select 1 from public.public_profiles where id = tests.public_id_of('open')$$,
  'PP-27: the new anonymous card is not listed yet (it cannot be paired with the card that vanished)');
select tests.authenticate_as('open');
select isnt_empty($$select 1 from public.public_profiles where id = tests.public_id_of('open')$$, 'PP-27: … though its owner sees it at once');
reset role;
select tests.list_pending_cards();
select ok((select updated_at = date_trunc('hour', updated_at) and updated_at between date_trunc('hour', now()) + interval '1 hour'
                                                                            and date_trunc('hour', now()) + interval '6 hours'
           from private.profile_cards where profile_id = tests.get_supabase_uid('open')),
  'PP-27: … and its updated_at is the full hour it is listed at (1 to 6 hours ahead, drawn at random), not the moment anonymous mode changed');
select tests.authenticate_as('viewer');
select results_eq(
  $$select "isPseudonym", "firstName", "lastName", "avatarPath", phone, "dateOfBirth", location, occupation, bio, interests
    from public.public_profiles where id = tests.public_id_of('open')$$,
  $$values (true, null::text, null::text, null::text, null::text, null::date, null::text, null::text, null::text, null::text[])$$,
  'PP-08: anonymous mode hides names, avatar, phone, date of birth, location, occupation, bio and interests even with their flags off');
reset role;
select is((select "displayName" from public.public_profiles where id = tests.public_id_of('open')),
          (select pseudonym from public.profiles where id = tests.get_supabase_uid('open')),
          'PP-08: … and shows the person''s stable pseudonym instead of the name');
select tests.authenticate_as('viewer');
select is_empty($$select 1 from public.public_profiles where "displayName" ilike '%Olivia%' or ("firstName" is not null and id = tests.public_id_of('open'))$$,
  'PP-09: the name of a person in anonymous mode cannot be searched for');
reset role;
update public.profiles set anonymous_mode = false where id = tests.get_supabase_uid('open');
select is((select "displayName" from public.public_profiles where id = tests.public_id_of('open')), 'Olivia Open',
  'PP-10: turning anonymous mode off shows the name again');
select is((select "displayName" from public.public_profiles where id = tests.public_id_of('nameless')),
          (select pseudonym from public.profiles where id = tests.get_supabase_uid('nameless')),
          'PP-11: someone who gave no name appears by their pseudonym');
select ok((select "allowMessages" from public.public_profiles where id = tests.public_id_of('open')),
  'PP-12: allowMessages is on the card for others to honour');
select set_config('tests.card_before_activity', (select to_jsonb(c)::text from public.public_profiles as c where id = tests.public_id_of('open')), true);
update public.profiles set show_activity = false where id = tests.get_supabase_uid('open');
select is((select to_jsonb(c) from public.public_profiles as c where id = tests.public_id_of('open')), current_setting('tests.card_before_activity')::jsonb,
  'PP-12: … showActivity is not: turning it off changes nothing on the card (not even updatedAt) at the moment a partner''s online dot goes dark');
update public.profiles set show_activity = true where id = tests.get_supabase_uid('open');

--- a new public identity whenever anonymous mode changes
select set_config('tests.named_id', tests.public_id_of('open')::text, true);
select set_config('tests.named_pseudonym', (select pseudonym from public.profiles where id = tests.get_supabase_uid('open')), true);
update public.profiles set anonymous_mode = true where id = tests.get_supabase_uid('open');
select isnt(tests.public_id_of('open')::text, current_setting('tests.named_id'), 'PP-25: turning anonymous mode on gives the card a new public id');
select isnt((select pseudonym from public.profiles where id = tests.get_supabase_uid('open')), current_setting('tests.named_pseudonym'),
  'PP-25: … and a new pseudonym');
select is_empty(format($$select 1 from public.public_profiles where id = %L$$, current_setting('tests.named_id')),
  'PP-25: … so nothing links the named card anyone saw to the anonymous one');
select set_config('tests.anonymous_id', tests.public_id_of('open')::text, true);
update public.profiles set anonymous_mode = false where id = tests.get_supabase_uid('open');
select isnt(tests.public_id_of('open')::text, current_setting('tests.anonymous_id'), 'PP-25: turning it off starts yet another public id');
update public.profiles set role = 'therapist', anonymous_mode = true where id = tests.get_supabase_uid('open');
select is((select "isTherapist" from public.public_profiles where id = tests.public_id_of('open')), false, 'PP-26: anonymous mode hides the therapist badge too');
update public.profiles set role = 'client', anonymous_mode = false where id = tests.get_supabase_uid('open');
select set_config('tests.card_updated_at', (select updated_at::text from private.profile_cards where profile_id = tests.get_supabase_uid('open')), true);
update public.profiles set hide_phone = true, phone = '+447700900999' where id = tests.get_supabase_uid('open');
update public.profiles set hide_phone = false where id = tests.get_supabase_uid('open');
update public.profiles set phone = '+447700900123' where id = tests.get_supabase_uid('open');
update public.profiles set hide_date_of_birth = true where id = tests.get_supabase_uid('open');
select set_config('tests.card_updated_at', (select updated_at::text from private.profile_cards where profile_id = tests.get_supabase_uid('open')), true);
update public.profiles set date_of_birth = '1985-02-03' where id = tests.get_supabase_uid('open');
select is((select updated_at::text from private.profile_cards where profile_id = tests.get_supabase_uid('open')), current_setting('tests.card_updated_at'),
  'PP-27: changing a hidden field does not touch the card, so its updated_at cannot betray the change');
update public.profiles set hide_date_of_birth = false, date_of_birth = '1985-01-02' where id = tests.get_supabase_uid('open');

--- who may browse
select tests.create_supabase_user('guest', is_anonymous => true);
select tests.authenticate_as('guest');
select is_empty($$select 1 from public.public_profiles$$, 'PP-28: an anonymous sign-in cannot browse people (no free directory scraping)');
reset role;
update public.profiles set is_active = false where id = tests.get_supabase_uid('viewer');
select tests.authenticate_as('viewer');
select is_empty($$select 1 from public.public_profiles$$, 'PP-29: a deactivated account cannot browse people');
reset role;
update public.profiles set is_active = true where id = tests.get_supabase_uid('viewer');

--- deactivated accounts have no card
update public.profiles set is_active = false where id = tests.get_supabase_uid('nameless');
select is_empty($$select 1 from public.public_profiles where id = tests.public_id_of('nameless')$$, 'PP-13: a deactivated account has no public card');
update public.profiles set is_active = true where id = tests.get_supabase_uid('nameless');
select isnt_empty($$select 1 from public.public_profiles where id = tests.public_id_of('nameless')$$, 'PP-13: … and gets it back when reactivated');

--- nobody writes cards through the API
select tests.authenticate_as('open');
select throws_ok($$update public.public_profiles set "displayName" = 'Someone' where id = (select auth.uid())$$, '42501', null,
  'PP-14: not even the owner can write their card directly');
select throws_ok($$insert into public.public_profiles (id, "displayName", "isPseudonym", "isTherapist", "allowMessages", "updatedAt")
  values (gen_random_uuid(), 'Fake', false, true, true, now())$$, '42501', null, 'PP-14: nobody can insert a fake card');
select throws_ok($$delete from public.public_profiles$$, '42501', null, 'PP-14: nobody can delete cards');
select tests.clear_authentication();
select throws_ok($$select * from public.public_profiles$$, '42501', null, 'PP-15: anon cannot read cards (signed-in people only)');

--- GET /users/profile: my_profile
select tests.authenticate_as('open');
select results_eq(
  $$select id, email, "firstName", "privacySettings" from public.my_profile$$,
  $$values (tests.get_supabase_uid('open'), 'open@example.com'::text, 'Olivia'::text,
            '{"hideDateOfBirth": false, "hidePhone": false, "hideLocation": false, "hideOccupation": false, "hideInterests": false, "anonymousMode": false, "showActivity": true, "allowMessages": true}'::jsonb)$$,
  'PP-16: my_profile is the seed''s shape of the caller''s own profile, privacySettings included');
select tests.authenticate_as('viewer');
select is((select count(*)::int from public.my_profile), 1, 'PP-17: my_profile shows one row: the caller''s');
select tests.clear_authentication();
select throws_ok($$select * from public.my_profile$$, '42501', null, 'PP-17: anon has no my_profile');

--- PUT /users/privacy
select tests.authenticate_as('viewer');
select is(
  public.update_privacy_settings('{"hideDateOfBirth": false, "anonymousMode": true, "allowMessages": false}'),
  '{"hideDateOfBirth": false, "hidePhone": true, "hideLocation": true, "hideOccupation": false, "hideInterests": false, "anonymousMode": true, "showActivity": true, "allowMessages": false}'::jsonb,
  'PP-18: three keys change three settings; the other five keep their values');
select throws_ok($$select public.update_privacy_settings('{"hidePhone": false, "hideEmail": true}')$$, 'PT400', 'Unknown privacy setting: hideEmail',
  'PP-19: an unknown key is refused with 400');
select is((select hide_phone from public.profiles), true, 'PP-19: … and nothing changed, not even the valid key');
select throws_ok($$select public.update_privacy_settings('{"hidePhone": "no"}')$$, 'PT400', 'Privacy setting hidePhone must be true or false',
  'PP-20: a non-boolean value is refused with 400');
select throws_ok($$select public.update_privacy_settings('[true]')$$, 'PT400', 'Privacy settings must be a JSON object',
  'PP-21: a body that is not an object is refused with 400');
select is(public.update_privacy_settings('{}') ->> 'anonymousMode', 'true', 'PP-22: an empty object changes nothing and returns the settings');
select tests.clear_authentication();
select throws_ok($$select public.update_privacy_settings('{"hidePhone": true}')$$, '42501', null, 'PP-23: anon cannot call it');
reset role;
select is((select "displayName" from public.public_profiles where id = tests.public_id_of('viewer')),
          (select pseudonym from public.profiles where id = tests.get_supabase_uid('viewer')),
          'PP-24: a privacy change through the RPC reaches the public card at once');
select is((select "allowMessages" from public.public_profiles where id = tests.public_id_of('viewer')), false,
  'PP-24: … allowMessages off included');

select * from finish();
rollback;
