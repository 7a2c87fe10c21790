/**
 * `npm run bench therapy`: therapy booking at scale. BENCH_THERAPISTS therapists (1000) in five time zones with
 * weekday hours in two ranges, and BENCH_CLIENTS clients (400), generated in SQL; then:
 * - bookable slots for one therapist over one day and over a month (empty, and with a busy calendar), timed in the
 *   database as a client, through private.list_bookable_slots exactly as the booking function calls it;
 * - booking throughput under contention: BENCH_BOOKINGS attempts (400) from 16 concurrent connections, each a
 *   different client, on distinct slots (all succeed) and on one slot (exactly one must succeed, the rest 409);
 * - bookingVsPlainInsert: the distinct-slot bookings/s over plain inserts/s into private.therapy_sessions (the row
 *   insert_therapy_session writes) by the table owner on the same 16 connections, each a single autocommit INSERT of
 *   the same therapist, client, duration and buffers, on distinct slots 52 weeks after the booked ones (clear of every
 *   session, so all succeed), under the same exclusion constraints and row triggers (reminder jobs, the therapist's
 *   notification and its broadcast), with no checks, no RLS and no claims. Also shown, not in the ratio: the same
 *   insert in the booking's transaction shape (begin, two set_config, insert, commit), which separates the round
 *   trips from the work in the database, and where one booking spends its time (auto_explain of its nested
 *   statements, rolled back);
 * - GET /therapists (public.list_therapists) with nextAvailable computed for every row: a page of 20 and of 100, and
 *   the availability filter (has a start within 3 days), which computes nextAvailable for every therapist it passes;
 * - directoryPageVsPlain: the page of 20 as PostgREST runs rpc/list_therapists (its json_agg wrapper, as the client:
 *   claims and the authenticated role, RLS on) over the same listing query written here without the nextAvailable
 *   lateral (same rows and order, checked), in the same wrapper, role and transaction, the two alternated, timed in
 *   the database;
 * - directoryPageGrowth: that page of 20 at 1x, at 10x therapists (9x BENCH_THERAPISTS more, with the same weekly
 *   hours, named after the first page so it holds the same 20 rows) and then at 10x sessions (every session in the
 *   table gains 9 completed predecessors, 61 to 69 weeks earlier, the history a live calendar accumulates), each over
 *   the step before; the larger is the growth. Where the page spends its time: auto_explain of every nested statement
 *   at 1x and at the largest size, summed by statement.
 */
import type postgres from 'postgres';
import { connect } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { actAs, executionMs, executionTimes, summarize, type Timing } from './measure.ts';
import type { Ratios } from './ratios.ts';

export type TherapyFigures = {
  therapists: number;
  clients: number;
  slots: Array<{ name: string; timing: Timing; slots: number }>;
  booking: Array<{ name: string; attempts: number; succeeded: number; conflicts: number; otherErrors: number; perSecond: number; latency: Timing }>;
  overlaps: number;
  directory: Array<{ name: string; timing: Timing; rows: number }>;
  /** Plain inserts into the booking's table on distinct slots, the same 16 connections: the baseline of booking. */
  plainInsert: Array<{ name: string; attempts: number; succeeded: number; errors: number; perSecond: number; latency: Timing }>;
  /** The page of 20 as PostgREST runs it, with nextAvailable and without (the baseline), at each size. */
  directoryPage: Array<{ name: string; therapists: number; sessions: number; withNext: Timing; plain: Timing }>;
  /** Where one booking and the page of 20 (at 1x and at the largest size) spend their time (auto_explain, nested statements). */
  profiles: Array<{ name: string; profile: string }>;
  ratios: Ratios;
};

const claimsOf = (userId: string) => JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false });

/**
 * Therapists number `first`..`last` ('Dr. Bench 00001'…, so later ones sort after earlier ones) in five zones, with
 * weekday hours 09–12 and 13–18, signed up through the real triggers.
 */
async function addTherapists(sql: postgres.Sql, first: number, last: number): Promise<void> {
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-therapist-' || n || '@example.com',
           jsonb_build_object('bench_therapist', n, 'firstName', 'Therapist', 'lastName', 'No' || n), false, now(), now()
    from generate_series(${first}::int, ${last}::int) as n`;
  const added = () => sql`
    select u.id, k.n from auth.users as u, lateral (select (u.raw_user_meta_data ->> 'bench_therapist')::int as n) as k
    where u.raw_user_meta_data ? 'bench_therapist' and k.n between ${first}::int and ${last}::int`;
  await sql`update public.profiles as p set role = 'therapist' from (${added()}) as u where u.id = p.id`;
  const zones = ['America/New_York', 'Europe/Lisbon', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles'];
  const specialties = ['anxiety', 'depression', 'trauma', 'grief', 'relationships', 'stress', 'addiction', 'sleep'];
  await sql`
    insert into public.therapists (id, display_name, specialties, years_of_experience, hourly_rate, time_zone, session_types, languages)
    select u.id, 'Dr. Bench ' || lpad(u.n::text, 5, '0'),
           array[(${specialties}::text[])[1 + u.n % 8], (${specialties}::text[])[1 + (u.n / 8) % 8]]::public.therapy_specialty[],
           u.n % 30, 80 + u.n % 120, (${zones}::text[])[1 + u.n % 5], '{video,phone}', case when u.n % 3 = 0 then '{en,pt}'::text[] else '{en}' end
    from (${added()}) as u`;
  await sql`
    insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
    select u.id, d, r.opens, r.closes
    from (${added()}) as u cross join generate_series(1, 5) as d
    cross join (values (time '09:00', time '12:00'), (time '13:00', time '18:00')) as r (opens, closes)`;
}

/** In-database execution times of several statements, alternated in one transaction as the caller after a warm-up. */
async function alternatedExecutionTimes(sql: postgres.Sql, claims: string, statements: string[], iterations: number): Promise<Timing[]> {
  const samples = await sql.begin(async (tx) => {
    await actAs(tx, claims);
    for (let warm = 0; warm < 3; warm += 1) for (const statement of statements) await executionMs(tx, statement);
    const measured = statements.map((): number[] => []);
    for (let index = 0; index < iterations; index += 1) {
      for (const [at, statement] of statements.entries()) measured[at].push(await executionMs(tx, statement));
    }
    return measured;
  });
  return samples.map(summarize);
}

/**
 * Where a statement spends its time: every statement it runs, nested ones included (auto_explain, as the caller, after
 * a warm-up), summed by statement text. Durations are inclusive: a statement's time contains what it calls. The
 * slowest run of the two costliest statements that read tables themselves is shown with its plan.
 */
async function timeProfile(url: string, claims: string, statement: string, undo = false): Promise<string> {
  const logged: string[] = [];
  const explainer = connect(url, { max: 1, onnotice: (notice) => logged.push(String(notice.message)) });
  const rolledBack = new Error('rolled back');
  try {
    await explainer.begin(async (tx) => {
      // With `undo`, each run writes inside a savepoint that is rolled back: the database is left as it was.
      const runOnce = async () => {
        if (!undo) return void (await tx.unsafe(statement));
        await tx.savepoint(async (sp) => {
          await sp.unsafe(statement);
          throw rolledBack;
        }).catch((error) => {
          if (error !== rolledBack) throw error;
        });
      };
      await tx`load 'auto_explain'`;
      await actAs(tx, claims);
      await runOnce(); // warm: plans cached as in the timed loops
      // auto_explain's settings are the superuser's: back to the session's role for them, then the caller's again.
      await tx`select set_config('role', 'none', true)`;
      await tx`select set_config('auto_explain.log_min_duration', '0', true), set_config('auto_explain.log_nested_statements', 'on', true),
                      set_config('auto_explain.log_analyze', 'on', true), set_config('auto_explain.log_timing', 'off', true),
                      set_config('auto_explain.log_buffers', 'on', true), set_config('client_min_messages', 'log', true)`;
      await tx`select set_config('role', 'authenticated', true)`;
      await runOnce();
    });
  } finally {
    await explainer.end();
  }
  type Entry = { text: string; calls: number; totalMs: number; slowestMs: number; slowestPlan: string };
  const byText = new Map<string, Entry>();
  for (const message of logged) {
    const match = /^duration: ([\d.]+) ms\s+plan:\n(?:Query Text: )?([\s\S]*)$/.exec(message);
    if (!match || message.includes('set_config(')) continue;
    const ms = Number(match[1]);
    const plan = match[2];
    // The statement's text: the lines before its plan's first node (the first line with a cost estimate).
    const lines = plan.split('\n');
    const planStart = lines.findIndex((line) => line.includes('(cost='));
    const text = lines.slice(0, planStart).map((line) => line.trim()).filter((line) => line.length > 0).join(' ').replace(/\s+/g, ' ').slice(0, 110);
    const entry = byText.get(text) ?? { text, calls: 0, totalMs: 0, slowestMs: -1, slowestPlan: '' };
    entry.calls += 1;
    entry.totalMs += ms;
    if (ms > entry.slowestMs) Object.assign(entry, { slowestMs: ms, slowestPlan: plan });
    byText.set(text, entry);
  }
  const entries = [...byText.values()].sort((a, b) => b.totalMs - a.totalMs);
  const top = entries[0]?.totalMs ?? 0;
  const table = [`${'calls'.padStart(6)} ${'total ms'.padStart(9)} ${'avg ms'.padStart(8)}  statement (inclusive of what it calls)`];
  for (const entry of entries.filter((e) => e.totalMs >= top * 0.01)) {
    table.push(`${String(entry.calls).padStart(6)} ${entry.totalMs.toFixed(2).padStart(9)} ${(entry.totalMs / entry.calls).toFixed(3).padStart(8)}  ${entry.text}`);
  }
  // The plans of the two costliest statements that read tables themselves rather than through a function in FROM
  // (the listing query itself, and what it spends its time on).
  const callsAFunction = /Function Scan on (?!generate_series|unnest|json|jsonb)/;
  const readsATable = /(Seq|Index|Index Only|Bitmap Heap) Scan (using \S+ )?on /;
  const inner = entries.filter((e) => readsATable.test(e.slowestPlan) && !callsAFunction.test(e.slowestPlan)).slice(0, 2);
  for (const entry of inner) {
    const plan = entry.slowestPlan.split('\n');
    table.push('', `${entry.text.slice(0, 60)}…: the slowest of ${entry.calls} (${entry.slowestMs.toFixed(2)} ms)`,
      ...plan.slice(plan.findIndex((line) => line.includes('(cost='))).filter((line) => line.trim().length > 0));
  }
  return table.join('\n');
}

export async function measureTherapy(url: string, onProgress: (message: string) => void): Promise<TherapyFigures> {
  const therapistCount = Number(process.env.BENCH_THERAPISTS ?? 1000);
  const clientCount = Number(process.env.BENCH_CLIENTS ?? 400);
  const attempts = Number(process.env.BENCH_BOOKINGS ?? 400);
  const iterations = Number(process.env.BENCH_QUERIES ?? 100);
  const sql = connect(url, { max: 1 });
  try {
    await addTherapists(sql, 1, therapistCount);
    await sql`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-client-' || n || '@example.com',
             jsonb_build_object('bench_client', n, 'firstName', 'Client'), false, now(), now()
      from generate_series(1, ${clientCount}::int) as n`;
    // Statistics as autovacuum would have them on a live database.
    await sql`analyze public.therapists, public.therapist_weekly_hours, public.therapist_date_overrides, private.therapy_sessions`;
    onProgress(`${therapistCount.toLocaleString('en-US')} therapists with weekly hours, ${clientCount} clients`);

    const clients = (await sql<{ id: string }[]>`select id from auth.users where raw_user_meta_data ? 'bench_client' order by (raw_user_meta_data ->> 'bench_client')::int`).map((row) => row.id);
    const [busy, quiet, contended] = (await sql<{ id: string }[]>`select id from public.therapists where display_name like 'Dr. Bench %' order by display_name limit 3`).map((row) => row.id);
    // A busy calendar for one therapist: every fourth bookable start of the month taken by the clients. The therapist
    // auto-confirms, as one who takes every booking would: otherwise at most 10 requests from new clients may wait for
    // an answer at once (the booking limits), and the calendar would not fill.
    await sql`update public.therapists set auto_confirm = true where id = ${busy}`;
    const monthStarts = await sql<{ starts_at: Date }[]>`
      select s as starts_at from private.bookable_slots(${busy}, now(), now() + interval '31 days', null) as s`;
    let bookedForCalendar = 0;
    for (let index = 0; index < monthStarts.length; index += 4) {
      await sql.begin(async (tx) => {
        await actAs(tx, claimsOf(clients[index % clients.length]));
        await tx`select private.book_therapy_session(${busy}, ${monthStarts[index].starts_at}, 'video', null, null)`.catch(() => undefined);
      });
      bookedForCalendar += 1;
    }
    onProgress(`${bookedForCalendar} sessions booked in one therapist's month`);

    const client = clients[clients.length - 1];
    // A weekday at least two days ahead (beyond the default 24 h notice; the bench hours are Monday to Friday).
    const [{ weekday }] = await sql<{ weekday: number }[]>`
      select min(d)::int as weekday from generate_series(2, 8) as d where extract(isodow from current_date + d) <= 5`;
    const slotQuery = (therapistId: string, firstDay: number, lastDay: number) =>
      `select jsonb_array_length(private.list_bookable_slots('${therapistId}', current_date + ${firstDay}, current_date + ${lastDay}, 'Europe/London') -> 'slots')`;
    const countOf = async (statement: string) => {
      const [row] = await sql.begin(async (tx) => {
        await actAs(tx, claimsOf(client));
        return await tx.unsafe(statement);
      });
      return Number(Object.values(row)[0]);
    };
    const slots = [];
    for (const [name, therapistId, firstDay, lastDay] of [['one day', quiet, weekday, weekday], ['a month, empty calendar', quiet, 1, 30], ['a month, busy calendar', busy, 1, 30]] as const) {
      const statement = slotQuery(therapistId, firstDay, lastDay);
      slots.push({ name, timing: await executionTimes(sql, claimsOf(client), statement, iterations), slots: await countOf(statement) });
    }
    onProgress('slot listings measured');

    // Booking under contention: 16 connections, each request as a different client.
    const pool = connect(url, { max: 16 });
    await Promise.all(Array.from({ length: 16 }, () => pool`select 1`)); // open the connections before timing
    const book = async (clientId: string, therapistId: string, startsAt: Date): Promise<{ outcome: 'ok' | 'conflict' | 'error'; ms: number }> => {
      const started = performance.now();
      try {
        await pool.begin(async (tx) => {
          await actAs(tx, claimsOf(clientId));
          await tx`select private.book_therapy_session(${therapistId}, ${startsAt}, 'video', null, null)`;
        });
        return { outcome: 'ok', ms: performance.now() - started };
      } catch (error) {
        const code = (error as { code?: string }).code;
        return { outcome: code === 'PT409' ? 'conflict' : 'error', ms: performance.now() - started };
      }
    };
    // A closed loop: 16 workers, each sending its next attempt when the last is answered, so latency is the booking's
    // own time (with the contention it meets), not time spent queueing for a connection.
    const run = async (name: string, targets: Array<{ therapistId: string; startsAt: Date }>) => {
      const results: Array<{ outcome: string; ms: number }> = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < targets.length) {
          const index = next++;
          results.push(await book(clients[index % clients.length], targets[index].therapistId, targets[index].startsAt));
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      return {
        name, attempts: targets.length, succeeded: results.filter((r) => r.outcome === 'ok').length,
        conflicts: results.filter((r) => r.outcome === 'conflict').length, otherErrors: results.filter((r) => r.outcome === 'error').length,
        perSecond: targets.length / seconds, latency: summarize(results.map((r) => r.ms)),
      };
    };
    // Distinct slots: one start per therapist (the first bookable start of each), one client each.
    const distinct = await sql<{ therapist_id: string; starts_at: Date; session_minutes: number; buffer_before_minutes: number; buffer_after_minutes: number }[]>`
      select t.id as therapist_id, private.next_available_slot(t.id) as starts_at, t.session_minutes, t.buffer_before_minutes, t.buffer_after_minutes
      from public.therapists as t where t.display_name like 'Dr. Bench %' and t.id not in (${busy}, ${quiet}, ${contended})
      order by t.display_name limit ${Math.min(attempts, clientCount)}`;
    const booking = [await run('distinct slots', distinct.map((row) => ({ therapistId: row.therapist_id, startsAt: row.starts_at })))];

    // The baseline of booking, right after it: the row insert_therapy_session writes, inserted by the table owner (no
    // checks, no RLS) on the same 16 connections in the same closed loop, for the same therapist and client as each
    // booking, 52 weeks later (a distinct slot clear of every session; the exclusion constraints and the reminder
    // trigger still run).
    const week = 7 * 24 * 3600 * 1000;
    const plainInsert = async (name: string, weeksLater: number, inBookingShape: boolean) => {
      const latencies: number[] = [];
      let errors = 0;
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < distinct.length) {
          const index = next++;
          const row = distinct[index];
          const clientId = clients[index % clients.length];
          const insert = (tx: postgres.Sql | postgres.TransactionSql) => tx`
            insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, buffer_before_minutes, buffer_after_minutes, session_type, status)
            values (${row.therapist_id}, ${clientId}, ${new Date(row.starts_at.getTime() + weeksLater * week)}, ${row.session_minutes},
                    ${row.buffer_before_minutes}, ${row.buffer_after_minutes}, 'video', 'scheduled')`;
          const sent = performance.now();
          try {
            if (inBookingShape) {
              // The same round trips as a booking (begin, two set_config, the statement, commit), still as the owner.
              await pool.begin(async (tx) => {
                await actAs(tx, claimsOf(clientId), true);
                await tx`select set_config('role', 'postgres', true)`;
                await insert(tx);
              });
            } else {
              await insert(pool);
            }
            latencies.push(performance.now() - sent);
          } catch {
            errors += 1;
          }
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      return { name, attempts: distinct.length, succeeded: latencies.length, errors, perSecond: distinct.length / seconds, latency: summarize(latencies) };
    };
    const plain = [
      await plainInsert('plain insert, one statement (baseline)', 52, false),
      await plainInsert("plain insert, a booking's round trips", 53, true),
    ];
    // Where one booking spends its time: a booking of the quiet therapist's first free start, rolled back.
    const [{ quietFirst }] = await sql<{ quietFirst: Date }[]>`select private.next_available_slot(${quiet}) as "quietFirst"`;
    const bookingProfile = await timeProfile(url, claimsOf(client),
      `select private.book_therapy_session('${quiet}', '${quietFirst.toISOString()}', 'video', null, null)`, true);
    const [{ first }] = await sql<{ first: Date }[]>`select private.next_available_slot(${contended}) as first`;
    booking.push(await run('one slot', Array.from({ length: Math.min(attempts, clientCount) }, () => ({ therapistId: contended, startsAt: first }))));
    await pool.end();
    const [{ overlaps }] = await sql<{ overlaps: number }[]>`
      select count(*)::int as overlaps from private.therapy_sessions as a join private.therapy_sessions as b
        on a.therapist_id = b.therapist_id and a.id < b.id and a.occupied && b.occupied
      where a.status in ('scheduled', 'confirmed') and b.status in ('scheduled', 'confirmed')`;
    onProgress('booking contention measured');

    const directory = [];
    for (const [name, statement] of [
      ['page of 20', 'select * from public.list_therapists("limit" => 20)'],
      ['page of 100', 'select * from public.list_therapists("limit" => 100)'],
      ['specialty filter, page of 20', `select * from public.list_therapists(specialty => 'Grief & Loss', "limit" => 20)`],
      ['available within 3 days, page of 20', 'select * from public.list_therapists(availability => 3, "limit" => 20)'],
    ] as const) {
      const timing = await executionTimes(sql, claimsOf(client), statement, Math.max(10, Math.floor(iterations / 5)));
      directory.push({ name, timing, rows: await countOf(`select count(*) from (${statement}) as page`) });
    }
    onProgress('directory measured');

    // The page of 20 as PostgREST runs rpc/list_therapists?limit=20, and its baseline: the same listing query (the
    // same rows, columns and order) without the nextAvailable lateral, in the same wrapper.
    const asPostgrest = (source: string) => `
      with pgrst_source as (${source})
      select null::bigint as total_result_set, pg_catalog.count(_postgrest_t) as page_total, coalesce(json_agg(_postgrest_t), '[]') as body,
             nullif(current_setting('response.headers', true), '') as response_headers,
             nullif(current_setting('response.status', true), '') as response_status, '' as response_inserted
      from (select pgrst_call.* from pgrst_source as pgrst_call) as _postgrest_t`;
    const pageSource = 'select pgrst_call.* from public.list_therapists("limit" := 20) as pgrst_call';
    const plainSource = `
      select t.id, t.display_name as name, private.therapy_specialty_summary(t.specialties) as specialty, t.specialties,
             t.years_of_experience || case when t.years_of_experience = 1 then ' year' else ' years' end as experience,
             t.years_of_experience as "yearsOfExperience", t.rating_average as rating, t.rating_count as "ratingCount",
             null::timestamptz as "nextAvailable", t.hourly_rate as "hourlyRate", t.currency, t.languages, t.session_types as "sessionTypes",
             t.session_minutes as duration, t.accepting_new_clients as "acceptingNewClients", t.bio, t.time_zone as "timeZone"
      from public.therapists as t
      where t.is_listed and t.is_active
      order by t.display_name, t.id
      limit 20`;
    const pageStatement = asPostgrest(pageSource);
    const plainStatement = asPostgrest(plainSource);
    const pageIterations = Math.max(10, Math.floor(iterations / 5));
    const idsOf = async (source: string) => {
      const rows = await sql.begin(async (tx) => {
        await actAs(tx, claimsOf(client));
        return await tx.unsafe(`select id from (${source}) as page`);
      });
      return rows.map((row) => String(row.id)).join(',');
    };
    const directoryPage: TherapyFigures['directoryPage'] = [];
    const pageAtSize = async (name: string) => {
      if ((await idsOf(pageSource)) !== (await idsOf(plainSource))) throw new Error(`the directory baseline does not list the page's rows (${name})`);
      const [{ therapists, sessions }] = await sql<{ therapists: number; sessions: number }[]>`
        select (select count(*)::int from public.therapists) as therapists, (select count(*)::int from private.therapy_sessions) as sessions`;
      const [withNext, plainPage] = await alternatedExecutionTimes(sql, claimsOf(client), [pageStatement, plainStatement], pageIterations);
      directoryPage.push({ name, therapists, sessions, withNext, plain: plainPage });
      onProgress(`directory page of 20 at ${name}: ${withNext.p50.toFixed(2)} ms with nextAvailable, ${plainPage.p50.toFixed(3)} ms without`);
    };
    const profiles: TherapyFigures['profiles'] = [{ name: 'one booking (distinct slot, rolled back)', profile: bookingProfile }];
    await pageAtSize('1x');
    profiles.push({ name: '1x', profile: await timeProfile(url, claimsOf(client), pageStatement) });

    // 10x therapists: 9x more after the page (it holds the same 20 rows), with the same hours; then 10x sessions:
    // every session gains 9 completed predecessors, 61 to 69 weeks before it (all in the past: history, which no free
    // slot depends on).
    await addTherapists(sql, therapistCount + 1, therapistCount * 10);
    await sql`analyze auth.users, public.profiles, public.therapists, public.therapist_weekly_hours`;
    await pageAtSize('10x therapists');
    await sql`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, buffer_before_minutes, buffer_after_minutes,
                                            session_type, status, created_at, status_changed_at)
      select s.therapist_id, s.client_id, s.starts_at - make_interval(days => 7 * (60 + k)), s.duration_minutes, s.buffer_before_minutes,
             s.buffer_after_minutes, s.session_type, 'completed', s.starts_at - make_interval(days => 7 * (61 + k)), s.starts_at - make_interval(days => 7 * (60 + k))
      from private.therapy_sessions as s cross join generate_series(1, 9) as k`;
    await sql`analyze private.therapy_sessions, private.session_reminders`;
    await pageAtSize('10x therapists, 10x sessions');
    profiles.push({ name: '10x therapists, 10x sessions', profile: await timeProfile(url, claimsOf(client), pageStatement) });

    const [atOne, tenTherapists, tenSessions] = directoryPage;
    const [distinctBookings] = booking;
    const ratios: Ratios = {
      bookingVsPlainInsert: distinctBookings.perSecond / plain[0].perSecond,
      directoryPageVsPlain: atOne.withNext.p50 / atOne.plain.p50,
      directoryPageGrowth: Math.max(tenTherapists.withNext.p50 / atOne.withNext.p50, tenSessions.withNext.p50 / tenTherapists.withNext.p50),
    };
    return { therapists: therapistCount, clients: clientCount, slots, booking, overlaps, directory, plainInsert: plain, directoryPage, profiles, ratios };
  } finally {
    await sql.end();
  }
}

export function printTherapyFigures(figures: TherapyFigures): void {
  const ms = (value: number) => value.toFixed(2).padStart(8);
  console.log(`\nTherapy booking: ${figures.therapists.toLocaleString('en-US')} therapists, ${figures.clients} clients (in-database execution time as a client)`);
  const [day] = figures.slots;
  console.log(`  ${'bookable slots'.padEnd(40)} ${'slots'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p50 vs one day'.padStart(15)}`);
  for (const row of figures.slots) {
    console.log(`  ${row.name.padEnd(40)} ${String(row.slots).padStart(6)} ${ms(row.timing.p50)} ${ms(row.timing.p99)} ${`${(row.timing.p50 / day.timing.p50).toFixed(1)}×`.padStart(15)}`);
  }
  console.log(`\n  ${'booking, 16 connections'.padEnd(40)} ${'tries'.padStart(6)} ${'booked'.padStart(7)} ${'409'.padStart(5)} ${'other'.padStart(6)} ${'per s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  for (const row of figures.booking) {
    console.log(`  ${row.name.padEnd(40)} ${String(row.attempts).padStart(6)} ${String(row.succeeded).padStart(7)} ${String(row.conflicts).padStart(5)} ${String(row.otherErrors).padStart(6)} ${row.perSecond.toFixed(0).padStart(7)} ${ms(row.latency.p50)} ${ms(row.latency.p99)}`);
  }
  const [distinctBookings] = figures.booking;
  for (const row of figures.plainInsert) {
    console.log(`  ${row.name.padEnd(40)} ${String(row.attempts).padStart(6)} ${String(row.succeeded).padStart(7)} ${'-'.padStart(5)} ${String(row.errors).padStart(6)} ${row.perSecond.toFixed(0).padStart(7)} ${ms(row.latency.p50)} ${ms(row.latency.p99)}`);
  }
  console.log(`  bookings/s on distinct slots / plain inserts/s (one statement, as the owner): ${distinctBookings.perSecond.toFixed(0)} / ${figures.plainInsert[0].perSecond.toFixed(0)} = ${figures.ratios.bookingVsPlainInsert?.toFixed(2)}`);
  console.log(`  overlapping active sessions in the table afterwards: ${figures.overlaps}`);
  const [page] = figures.directory;
  console.log(`\n  ${'GET /therapists with nextAvailable'.padEnd(40)} ${'rows'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p50 vs page of 20'.padStart(18)}`);
  for (const row of figures.directory) {
    console.log(`  ${row.name.padEnd(40)} ${String(row.rows).padStart(6)} ${ms(row.timing.p50)} ${ms(row.timing.p99)} ${`${(row.timing.p50 / page.timing.p50).toFixed(1)}×`.padStart(18)}`);
  }
  const [atOne] = figures.directoryPage;
  console.log(`\n  ${'page of 20 as PostgREST runs it'.padEnd(32)} ${'therapists'.padStart(10)} ${'sessions'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'plain p50'.padStart(10)} ${'plain p99'.padStart(10)} ${'vs plain'.padStart(9)} ${'vs 1x'.padStart(7)}`);
  for (const [at, row] of figures.directoryPage.entries()) {
    console.log(`  ${row.name.padEnd(32)} ${String(row.therapists).padStart(10)} ${String(row.sessions).padStart(9)} ${ms(row.withNext.p50)} ${ms(row.withNext.p99)} ${row.plain.p50.toFixed(3).padStart(10)} ${row.plain.p99.toFixed(3).padStart(10)} ${`${(row.withNext.p50 / row.plain.p50).toFixed(1)}×`.padStart(9)} ${`${(row.withNext.p50 / atOne.withNext.p50).toFixed(2)}×`.padStart(7)}${at > 0 ? dim(` (${(row.withNext.p50 / figures.directoryPage[at - 1].withNext.p50).toFixed(2)}× the size before)`) : ''}`);
  }
  console.log(dim('  plain: the same listing query, rows and order without the nextAvailable lateral, in the same wrapper, as the same client'));
  // Each one's time by statement; the plans of the costliest statements for the page at the largest size only.
  for (const [at, { name, profile }] of figures.profiles.entries()) {
    const shown = at === figures.profiles.length - 1 ? profile : profile.split('\n\n')[0];
    const what = at === 0 ? name : `the page of 20 at ${name}`;
    console.log(dim(`\n  where ${what} spends its time (auto_explain, nested statements, one run):\n${shown.replace(/^/gm, '    ')}`));
  }
}
