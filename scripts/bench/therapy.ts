/**
 * `npm run bench therapy`: therapy booking at scale. BENCH_THERAPISTS therapists (1000) in five time zones with
 * weekday hours in two ranges, and BENCH_CLIENTS clients (400), generated in SQL; then:
 * - bookable slots for one therapist over one day and over a month (empty, and with a busy calendar), timed in the
 *   database as a client, through private.list_bookable_slots exactly as the booking function calls it;
 * - booking throughput under contention: BENCH_BOOKINGS attempts (400) from 16 concurrent connections, each a
 *   different client, on distinct slots (all succeed) and on one slot (exactly one must succeed, the rest 409);
 * - GET /therapists (public.list_therapists) with nextAvailable computed for every row: a page of 20 and of 100, and
 *   the availability filter (has a start within 3 days), which computes nextAvailable for every therapist it passes.
 */
import { connect } from '../lib/stack.ts';
import { actAs, executionTimes, summarize, type Timing } from './measure.ts';

export type TherapyFigures = {
  therapists: number;
  clients: number;
  slots: Array<{ name: string; timing: Timing; slots: number }>;
  booking: Array<{ name: string; attempts: number; succeeded: number; conflicts: number; otherErrors: number; perSecond: number; latency: Timing }>;
  overlaps: number;
  directory: Array<{ name: string; timing: Timing; rows: number }>;
};

const claimsOf = (userId: string) => JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated', is_anonymous: false });

export async function measureTherapy(url: string, onProgress: (message: string) => void): Promise<TherapyFigures> {
  const therapistCount = Number(process.env.BENCH_THERAPISTS ?? 1000);
  const clientCount = Number(process.env.BENCH_CLIENTS ?? 400);
  const attempts = Number(process.env.BENCH_BOOKINGS ?? 400);
  const iterations = Number(process.env.BENCH_QUERIES ?? 100);
  const sql = connect(url, { max: 1 });
  try {
    await sql`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-therapist-' || n || '@example.com',
             jsonb_build_object('bench_therapist', n, 'firstName', 'Therapist', 'lastName', 'No' || n), false, now(), now()
      from generate_series(1, ${therapistCount}::int) as n`;
    await sql`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-client-' || n || '@example.com',
             jsonb_build_object('bench_client', n, 'firstName', 'Client'), false, now(), now()
      from generate_series(1, ${clientCount}::int) as n`;
    await sql`update public.profiles as p set role = 'therapist' from auth.users as u where u.id = p.id and u.raw_user_meta_data ? 'bench_therapist'`;
    const zones = ['America/New_York', 'Europe/Lisbon', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles'];
    const specialties = ['anxiety', 'depression', 'trauma', 'grief', 'relationships', 'stress', 'addiction', 'sleep'];
    await sql`
      insert into public.therapists (id, display_name, specialties, years_of_experience, hourly_rate, time_zone, session_types, languages)
      select u.id, 'Dr. Bench ' || lpad(n::text, 5, '0'),
             array[(${specialties}::text[])[1 + n % 8], (${specialties}::text[])[1 + (n / 8) % 8]]::public.therapy_specialty[],
             n % 30, 80 + n % 120, (${zones}::text[])[1 + n % 5], '{video,phone}', case when n % 3 = 0 then '{en,pt}'::text[] else '{en}' end
      from auth.users as u, lateral (select (u.raw_user_meta_data ->> 'bench_therapist')::int as n) as k
      where u.raw_user_meta_data ? 'bench_therapist'`;
    await sql`
      insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
      select t.id, d, r.opens, r.closes
      from public.therapists as t cross join generate_series(1, 5) as d
      cross join (values (time '09:00', time '12:00'), (time '13:00', time '18:00')) as r (opens, closes)
      where t.display_name like 'Dr. Bench %'`;
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
    const distinct = await sql<{ therapist_id: string; starts_at: Date }[]>`
      select t.id as therapist_id, private.next_available_slot(t.id) as starts_at
      from public.therapists as t where t.display_name like 'Dr. Bench %' and t.id not in (${busy}, ${quiet}, ${contended})
      order by t.display_name limit ${Math.min(attempts, clientCount)}`;
    const booking = [await run('distinct slots', distinct.map((row) => ({ therapistId: row.therapist_id, startsAt: row.starts_at })))];
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
    return { therapists: therapistCount, clients: clientCount, slots, booking, overlaps, directory };
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
  console.log(`  overlapping active sessions in the table afterwards: ${figures.overlaps}`);
  const [page] = figures.directory;
  console.log(`\n  ${'GET /therapists with nextAvailable'.padEnd(40)} ${'rows'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p50 vs page of 20'.padStart(18)}`);
  for (const row of figures.directory) {
    console.log(`  ${row.name.padEnd(40)} ${String(row.rows).padStart(6)} ${ms(row.timing.p50)} ${ms(row.timing.p99)} ${`${(row.timing.p50 / page.timing.p50).toFixed(1)}×`.padStart(18)}`);
  }
}
