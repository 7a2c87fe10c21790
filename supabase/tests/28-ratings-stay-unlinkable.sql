-- Issue 14: a therapist's rating figures never give away one client's rating. The rated therapist is the observer (they
-- know whose session just completed): what they read of their directory entry (the therapists row, list_therapists)
-- must not move with one rating, must move only in batches of at least 3 (at most once a day), must equal the batch's
-- aggregate when it moves, and must be the same whichever client of a batch gave which stars. Threat ids: RT-01 … RT-12.
begin;
select plan(19);

-- The observer's view of a therapist's entry: the whole row they read and the directory's row, without the id (two
-- therapists are compared) and with updated_at (a row that is rewritten at each rating tells when it happened).
create function pg_temp.entry_view(therapist uuid) returns jsonb language sql as $$
  select jsonb_build_object(
    'row', (select to_jsonb(t) - 'id' from public.therapists as t where t.id = therapist),
    'directory', (select to_jsonb(d) - 'id' from public.list_therapists(language => 'tlh', "limit" => 100) as d where d.id = therapist));
$$;
grant execute on function pg_temp.entry_view(uuid) to authenticated;

-- A completed session of the client with the therapist, days ago (written as the seed writes past sessions).
create function pg_temp.completed_session(therapist text, client text, days_ago integer) returns uuid language sql as $$
  insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
  values (tests.get_supabase_uid(therapist), tests.get_supabase_uid(client), date_trunc('hour', now()) - make_interval(days => days_ago), 50, 'video', 'completed')
  returning id;
$$;

-- A client rates their session as PostgREST would run it (the booking function's POST /:id/rate).
create function pg_temp.rate(client text, session uuid, stars integer) returns void language plpgsql as $$
begin
  perform tests.authenticate_as(client);
  perform private.rate_therapy_session(session, stars);
  reset role;
end;
$$;

-- The view as the therapist reads it, kept under a name for later comparison.
create function pg_temp.observe(therapist text, name text) returns jsonb language plpgsql as $$
declare
  seen jsonb;
begin
  perform tests.authenticate_as(therapist);
  seen := pg_temp.entry_view(tests.get_supabase_uid(therapist));
  reset role;
  perform set_config('rt.' || name, seen::text, true);
  return seen;
end;
$$;
create function pg_temp.seen(name text) returns jsonb language sql as $$ select current_setting('rt.' || name)::jsonb $$;

select tests.create_supabase_user('rt-therapist');
select tests.create_supabase_user('rt-twin');
select tests.create_supabase_user('rt-a');
select tests.create_supabase_user('rt-b');
select tests.create_supabase_user('rt-c');
select tests.create_supabase_user('rt-d');
select tests.create_supabase_user('rt-e');
select tests.create_supabase_user('rt-f');
update public.profiles set role = 'therapist' where id in (tests.get_supabase_uid('rt-therapist'), tests.get_supabase_uid('rt-twin'));
-- Two therapists alike in everything but their id (the twin is the decoy world: the same clients, stars swapped).
insert into public.therapists (id, display_name, specialties, hourly_rate, languages)
values (tests.get_supabase_uid('rt-therapist'), 'Dr. Rating Observer', '{stress}', 100, '{tlh}'),
       (tests.get_supabase_uid('rt-twin'), 'Dr. Rating Observer', '{stress}', 100, '{tlh}');
-- An old updated_at, so that a rewrite of the row shows even within this one transaction.
set local session_replication_role = replica;
update public.therapists set created_at = '2026-01-05 09:00+00', updated_at = '2026-01-05 09:00+00'
where id in (tests.get_supabase_uid('rt-therapist'), tests.get_supabase_uid('rt-twin'));
set local session_replication_role = origin;

select set_config('rt.a1', pg_temp.completed_session('rt-therapist', 'rt-a', 9)::text, true);
select set_config('rt.b1', pg_temp.completed_session('rt-therapist', 'rt-b', 9)::text, true);
select set_config('rt.c1', pg_temp.completed_session('rt-therapist', 'rt-c', 9)::text, true);
select set_config('rt.d1', pg_temp.completed_session('rt-therapist', 'rt-d', 8)::text, true);
select set_config('rt.e1', pg_temp.completed_session('rt-therapist', 'rt-e', 8)::text, true);
select set_config('rt.f1', pg_temp.completed_session('rt-therapist', 'rt-f', 8)::text, true);
select set_config('rt.a2', pg_temp.completed_session('rt-therapist', 'rt-a', 2)::text, true);
select set_config('rt.b2', pg_temp.completed_session('rt-therapist', 'rt-b', 2)::text, true);
select set_config('rt.c2', pg_temp.completed_session('rt-therapist', 'rt-c', 2)::text, true);
select set_config('rt.twin_a', pg_temp.completed_session('rt-twin', 'rt-a', 9)::text, true);
select set_config('rt.twin_b', pg_temp.completed_session('rt-twin', 'rt-b', 9)::text, true);
select set_config('rt.twin_c', pg_temp.completed_session('rt-twin', 'rt-c', 9)::text, true);

--- One rating, then a second: nothing the therapist reads moves.
select pg_temp.observe('rt-therapist', 'before');
select is(pg_temp.seen('before') -> 'directory' ->> 'ratingCount', '0', 'RT-01: the therapist starts with no published rating');
select pg_temp.rate('rt-a', current_setting('rt.a1')::uuid, 1);
select is(pg_temp.observe('rt-therapist', 'after_a'), pg_temp.seen('before'),
  'RT-01: after one client''s rating the therapist''s row and directory entry are exactly as before (count, average, updated_at)');
select pg_temp.rate('rt-b', current_setting('rt.b1')::uuid, 5);
select is(pg_temp.observe('rt-therapist', 'after_b'), pg_temp.seen('before'), 'RT-02: … and after a second client''s rating too');

--- The third rating completes the first batch: the figure moves, to the batch's aggregate.
select pg_temp.rate('rt-c', current_setting('rt.c1')::uuid, 3);
select pg_temp.observe('rt-therapist', 'after_c');
select isnt(pg_temp.seen('after_c'), pg_temp.seen('before'), 'RT-03: the third rating publishes the batch');
select is(pg_temp.seen('after_c') -> 'directory' -> 'rating', '3.0'::jsonb, 'RT-03: … whose average is the batch''s: (1 + 5 + 3) / 3');
select is(pg_temp.seen('after_c') -> 'directory' -> 'ratingCount', '3'::jsonb, 'RT-03: … and whose count is the batch''s');
select is(pg_temp.seen('after_c') -> 'row' -> 'rating_average', '3.0'::jsonb, 'RT-03: the row says the same (rating_average), and holds no sum');
select ok(not (pg_temp.seen('after_c') -> 'row') ? 'rating_sum', 'RT-03: there is no rating_sum to subtract from');

--- The decoy world: the same three clients, A and B swapped (A 5, B 1). The therapist sees the same at every step.
select pg_temp.observe('rt-twin', 'twin_before');
select pg_temp.rate('rt-a', current_setting('rt.twin_a')::uuid, 5);
select pg_temp.observe('rt-twin', 'twin_after_a');
select pg_temp.rate('rt-b', current_setting('rt.twin_b')::uuid, 1);
select pg_temp.observe('rt-twin', 'twin_after_b');
select pg_temp.rate('rt-c', current_setting('rt.twin_c')::uuid, 3);
select pg_temp.observe('rt-twin', 'twin_after_c');
select is(jsonb_build_array(pg_temp.seen('twin_before'), pg_temp.seen('twin_after_a'), pg_temp.seen('twin_after_b'), pg_temp.seen('twin_after_c')),
          jsonb_build_array(pg_temp.seen('before'), pg_temp.seen('after_a'), pg_temp.seen('after_b'), pg_temp.seen('after_c')),
  'RT-04: A 1 star and B 5, or A 5 and B 1: the therapist''s view is identical at every step');

--- The next batch: at least 3 more ratings AND a day after the last publication.
select pg_temp.rate('rt-d', current_setting('rt.d1')::uuid, 5);
select pg_temp.rate('rt-e', current_setting('rt.e1')::uuid, 4);
select pg_temp.rate('rt-f', current_setting('rt.f1')::uuid, 5);
select is(pg_temp.observe('rt-therapist', 'same_day'), pg_temp.seen('after_c'),
  'RT-05: three more ratings the same day change nothing: at most one publication a day');
update private.therapist_rating_totals set published_at = published_at - interval '25 hours' where therapist_id = tests.get_supabase_uid('rt-therapist');
select is(pg_temp.observe('rt-therapist', 'next_day_before'), pg_temp.seen('after_c'), 'RT-06: a day later, nothing moves by itself');
select pg_temp.rate('rt-a', current_setting('rt.a2')::uuid, 2);
select pg_temp.observe('rt-therapist', 'next_day');
select results_eq($$select (pg_temp.seen('next_day') -> 'directory' ->> 'ratingCount')::int, (pg_temp.seen('next_day') -> 'directory' ->> 'rating')::numeric$$,
  $$values (7, round((1 + 5 + 3 + 5 + 4 + 5 + 2) / 7.0, 1))$$,
  'RT-06: the next rating publishes everything pending: 7 ratings, average 25 / 7 rounded to 3.6 (never the one rating alone)');
update private.therapist_rating_totals set published_at = published_at - interval '25 hours' where therapist_id = tests.get_supabase_uid('rt-therapist');
select pg_temp.rate('rt-b', current_setting('rt.b2')::uuid, 1);
select is(pg_temp.observe('rt-therapist', 'one_more'), pg_temp.seen('next_day'), 'RT-07: a day later, one rating alone is not a batch');

--- A rating that leaves (its client deleted their account) moves nothing at once either; it counts toward the batch.
select tests.clear_authentication();
reset role;
delete from auth.users where id = tests.get_supabase_uid('rt-f');
select is(pg_temp.observe('rt-therapist', 'after_erasure'), pg_temp.seen('next_day'),
  'RT-08: a client who deletes their account takes their rating with them without the directory moving at that moment');
select results_eq($$select rating_count, rating_sum, pending_changes from private.therapist_rating_totals where therapist_id = tests.get_supabase_uid('rt-therapist')$$,
  $$values (7, 21, 2)$$, 'RT-08: … the live totals (private) dropped it, and the removal counts toward the pending batch');
select pg_temp.rate('rt-c', current_setting('rt.c2')::uuid, 1);
select results_eq($$select (pg_temp.observe('rt-therapist', 'last') -> 'directory' ->> 'ratingCount')::int, (pg_temp.seen('last') -> 'directory' ->> 'rating')::numeric$$,
  $$values (8, round(22 / 8.0, 1))$$, 'RT-09: that batch (a rating, a removal, a rating) is published as one change: 8 ratings, average 22 / 8');

--- The raw ratings and the live totals stay out of reach; the figures are the database's.
select tests.authenticate_as('rt-therapist');
select is_empty($$select 1 from private.therapy_session_ratings$$, 'RT-10: the therapist reads none of their clients'' ratings');
select throws_ok($$select 1 from private.therapist_rating_totals$$, '42501', null, 'RT-11: … nor the live totals');
select throws_ok($$update public.therapists set rating_count = 10, rating_average = 5 where id = auth.uid()$$, '42501', null,
  'RT-12: … and cannot write the published figures');

select * from finish();
rollback;
