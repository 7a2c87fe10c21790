/**
 * `npm run bench` section: the private wellbeing data at scale. 10k people (BENCH_WELLBEING_USERS) with a year of
 * daily mood entries and 100 journal entries each, generated in SQL, then:
 * - the first page of one person's journal and a full-text search, through RLS as that person versus the same
 *   query as the superuser without RLS (same claims, so auth.uid() is the same person);
 * - mood_statistics for a person with three years of daily entries, timed inside the database.
 * Plans come from auto_explain with nested statements, so they are the plans of the queries the functions really run.
 */
import { connect } from '../lib/stack.ts';
import { executionTimes, nestedPlans, type Timing } from './measure.ts';
import { dim } from '../lib/steps.ts';

const words = ['sleep', 'anxious', 'walk', 'therapy', 'work', 'friends', 'tired', 'grateful', 'run', 'family', 'deadline', 'calm',
  'music', 'cooking', 'breathing', 'meeting', 'rain', 'sunshine', 'reading', 'worry', 'hope', 'panic', 'garden', 'coffee', 'call',
  'sister', 'weekend', 'doctor', 'yoga', 'journal', 'morning', 'evening'];

export type WellbeingPopulation = { readerId: string; longHistoryId: string; users: number };

/** Generates the data set. Sign-ups go through the real triggers; the bulk rows are inserted with triggers off. */
export async function populateWellbeing(url: string, users: number, onProgress: (message: string) => void): Promise<WellbeingPopulation> {
  const sql = connect(url, { max: 1 });
  try {
    await sql`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
             'wellbeing-' || n || '@example.com', jsonb_build_object('firstName', 'Person ' || n, 'wellbeing_bench', n), false, now(), now()
      from generate_series(1, ${users + 1}::int) as n`;
    onProgress(`${users.toLocaleString('en-US')} sign-ups (+1 with a 3-year history)`);
    // Bulk history without the achievement triggers: they are not what is measured, and they would triple the time.
    await sql`set session_replication_role = replica`;
    const batch = 1000;
    for (let first = 1; first <= users; first += batch) {
      const last = Math.min(first + batch - 1, users);
      await sql`
        insert into public.mood_entries (user_id, date, mood, factors)
        select u.id, current_date - d, 1 + ((n * 7 + d * 3) % 5),
               case when (n + d) % 3 = 0 then '{Exercise}'::text[] when (n + d) % 7 = 0 then '{Poor Sleep}' else '{}' end
        from (select id, (raw_user_meta_data ->> 'wellbeing_bench')::int as n from auth.users
              where (raw_user_meta_data ->> 'wellbeing_bench')::int between ${first}::int and ${last}::int) as u
        cross join generate_series(0, 364) as d`;
      await sql`
        insert into public.journal_entries (user_id, title, content, mood, tags, created_at)
        select u.id, 'Entry ' || e, (
                 select string_agg((${words}::text[])[1 + ((u.n * 31 + e * 17 + w * 13) % ${words.length}::int)], ' ')
                 from generate_series(1, 24) as w),
               (array['happy', 'neutral', 'sad'])[1 + (u.n + e) % 3]::public.journal_mood,
               array[(${words}::text[])[1 + (u.n + e) % 8]], now() - make_interval(days => e * 3, mins => u.n % 600)
        from (select id, (raw_user_meta_data ->> 'wellbeing_bench')::int as n from auth.users
              where (raw_user_meta_data ->> 'wellbeing_bench')::int between ${first}::int and ${last}::int) as u
        cross join generate_series(1, 100) as e`;
      onProgress(`${last.toLocaleString('en-US')} / ${users.toLocaleString('en-US')} people: ${(last * 365).toLocaleString('en-US')} mood entries, ${(last * 100).toLocaleString('en-US')} journal entries`);
    }
    const [longHistory] = await sql<{ id: string }[]>`
      select id from auth.users where (raw_user_meta_data ->> 'wellbeing_bench')::int = ${users + 1}::int`;
    await sql`
      insert into public.mood_entries (user_id, date, mood, factors)
      select ${longHistory.id}, current_date - d, 1 + (d * 3 % 5),
             case when d % 3 = 0 then '{Exercise}'::text[] when d % 5 = 0 then '{Poor Sleep,Work Stress}' else '{Social Connection}' end
      from generate_series(0, 3 * 365 - 1) as d`;
    await sql`set session_replication_role = origin`;
    onProgress('analyze');
    await sql`analyze auth.users, public.profiles, public.mood_entries, public.journal_entries`;
    const [reader] = await sql<{ id: string }[]>`
      select id from auth.users where (raw_user_meta_data ->> 'wellbeing_bench')::int = ${Math.ceil(users / 2)}::int`;
    return { readerId: reader.id, longHistoryId: longHistory.id, users };
  } finally {
    await sql.end();
  }
}

export type WellbeingFigures = { rows: Array<{ name: string; rls: Timing; superuser: Timing }>; stats: Timing; plans: string[] };

export async function measureWellbeing(url: string, population: WellbeingPopulation, claimsOf: (id: string) => Promise<Record<string, unknown>>, iterations: number): Promise<WellbeingFigures> {
  const sql = connect(url, { max: 1 });
  try {
    const readerClaims = JSON.stringify(await claimsOf(population.readerId));
    const longClaims = JSON.stringify(await claimsOf(population.longHistoryId));
    const run = (asRole: 'authenticated' | 'superuser', claims: string, statement: string) =>
      executionTimes(sql, claims, statement, iterations, asRole === 'superuser');
    const firstPage = 'select * from public.list_journal_entries("limit" => 20)';
    const search = `select * from public.list_journal_entries(search => 'anxious sleep', "limit" => 20)`;
    const rows = [
      { name: 'journal: first page (20, newest first)', rls: await run('authenticated', readerClaims, firstPage), superuser: await run('superuser', readerClaims, firstPage) },
      { name: 'journal: ranked search "anxious sleep"', rls: await run('authenticated', readerClaims, search), superuser: await run('superuser', readerClaims, search) },
    ];
    const stats = await run('authenticated', longClaims, 'select public.mood_statistics()');
    const plans = [
      `journal first page (as the person, RLS on):\n${await nestedPlans(url, readerClaims, firstPage)}`,
      `journal search (as the person, RLS on):\n${await nestedPlans(url, readerClaims, search)}`,
      `mood_statistics, 3-year history:\n${await nestedPlans(url, longClaims, 'select public.mood_statistics()')}`,
    ];
    return { rows, stats, plans };
  } finally {
    await sql.end();
  }
}

export function printWellbeingFigures(population: WellbeingPopulation, figures: WellbeingFigures): void {
  console.log(`\nWellbeing at ${population.users.toLocaleString('en-US')} people × (365 mood entries + 100 journal entries), execution time in the database`);
  console.log(`  ${'query'.padEnd(44)} ${'RLS p50'.padStart(8)} ${'RLS p99'.padStart(8)} ${'super p50'.padStart(10)} ${'super p99'.padStart(10)} ${'p50 RLS/super'.padStart(14)}`);
  for (const row of figures.rows) {
    console.log(`  ${row.name.padEnd(44)} ${row.rls.p50.toFixed(3).padStart(8)} ${row.rls.p99.toFixed(3).padStart(8)} ${row.superuser.p50.toFixed(3).padStart(10)} ${row.superuser.p99.toFixed(3).padStart(10)} ${`${(row.rls.p50 / row.superuser.p50).toFixed(2)}×`.padStart(14)}`);
  }
  console.log(`  ${'mood_statistics, 3 years of daily entries'.padEnd(44)} ${figures.stats.p50.toFixed(3).padStart(8)} ${figures.stats.p99.toFixed(3).padStart(8)}   ${dim('(target: under 5 ms)')}`);
  console.log(dim(`\n${figures.plans.join('\n\n')}`));
}
