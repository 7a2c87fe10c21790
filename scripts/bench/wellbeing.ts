/**
 * `npm run bench` section: the private wellbeing data at scale. 10k people (BENCH_WELLBEING_USERS) with a year of
 * daily mood entries and 100 journal entries each, generated in SQL, then:
 * - the first page of one person's journal and a full-text search, through RLS as that person versus the same
 *   query as the superuser without RLS (same claims, so auth.uid() is the same person);
 * - mood_statistics for a person with three years of daily entries, timed inside the database;
 * - journalPageGrowth: the first journal page (rpc list_journal_entries, limit 20, as the person: their claims and
 *   role as PostgREST sets them, RLS on, timed in the database BENCH_GROWTH_QUERIES times) at 1x and at 10x the data.
 *   The population is built in two steps so that the 10x point is the section's population itself and costs nothing
 *   extra: 1x is measured once the first tenth of the people (BENCH_WELLBEING_USERS / 10, 1,000 by default) have
 *   their entries, for person 1 (100 entries) among everyone else's (99,900 by default); 10x after the whole
 *   population, with person 1 at 1,000 entries (the 900 added are older, so the page holds the same 20 rows) among
 *   everyone else's (999,900). Each size is timed once the tables are settled (vacuumed, analyzed, checkpointed, no
 *   autovacuum running) and EXPLAINed after the timed loop's warm-up (the listing query inside the function), with
 *   the shared buffers a call touches and whether the page is one index range.
 * Plans come from auto_explain with nested statements, so they are the plans of the queries the functions really run.
 */
import type postgres from 'postgres';
import { connect, repoRoot } from '../lib/stack.ts';
import { executionTimes, growthIterations, nestedPlans, type PageAtSize, pagePlan, printGrowthRows, settle, type Timing } from './measure.ts';
import { dim } from '../lib/steps.ts';
import type { Ratios } from './ratios.ts';

const words = ['sleep', 'anxious', 'walk', 'therapy', 'work', 'friends', 'tired', 'grateful', 'run', 'family', 'deadline', 'calm',
  'music', 'cooking', 'breathing', 'meeting', 'rain', 'sunshine', 'reading', 'worry', 'hope', 'panic', 'garden', 'coffee', 'call',
  'sister', 'weekend', 'doctor', 'yoga', 'journal', 'morning', 'evening'];

const wellbeingTables = ['auth.users', 'public.profiles', 'public.mood_entries', 'public.journal_entries'];

export type WellbeingPopulation = {
  readerId: string; longHistoryId: string; users: number;
  /** The first journal page of person 1 when a tenth of the people were in (journalPageGrowth's 1x). */
  growth: { readerId: string; people: number; atOne: PageAtSize };
};

const firstJournalPage = 'select * from public.list_journal_entries("limit" => 20)';
const journalPageShape = { table: 'journal_entries', index: 'journal_entries_user_id_created_at_id_idx', limit: 20, marker: 'from public.journal_entries as e' };

/** Person `n`'s journal entries number `from`..`to`, entry e written e × 3 days ago (+ n % 600 minutes). */
async function insertJournalEntries(sql: postgres.Sql, people: { first: number; last: number }, entries: { from: number; to: number }): Promise<void> {
  await sql`
    insert into public.journal_entries (user_id, title, content, mood, tags, created_at)
    select u.id, 'Entry ' || e, (
             select string_agg((${words}::text[])[1 + ((u.n * 31 + e * 17 + w * 13) % ${words.length}::int)], ' ')
             from generate_series(1, 24) as w),
           (array['happy', 'neutral', 'sad'])[1 + (u.n + e) % 3]::public.journal_mood,
           array[(${words}::text[])[1 + (u.n + e) % 8]], now() - make_interval(days => e * 3, mins => u.n % 600)
    from (select id, (raw_user_meta_data ->> 'wellbeing_bench')::int as n from auth.users
          where (raw_user_meta_data ->> 'wellbeing_bench')::int between ${people.first}::int and ${people.last}::int) as u
    cross join generate_series(${entries.from}::int, ${entries.to}::int) as e`;
}

/** The claims person `id`'s token carries, from the same test helper bench.ts and the pgTAP suites use. */
async function claimsFor(sql: postgres.Sql, id: string): Promise<string> {
  await sql.file(`${repoRoot}supabase/tests/helpers/test-helpers.psql`);
  const [{ claims }] = await sql<{ claims: Record<string, unknown> }[]>`select tests.user_claims(${id}) as claims`;
  return JSON.stringify(claims);
}

/** The first journal page of person 1 at the current size: how many entries are theirs and everyone else's, p50, plan. */
async function journalPageAtSize(url: string, sql: postgres.Sql, readerId: string, claims: string): Promise<PageAtSize> {
  const [{ mine, others }] = await sql<{ mine: number; others: number }[]>`
    select count(*) filter (where user_id = ${readerId})::int as mine, count(*) filter (where user_id <> ${readerId})::int as others
    from public.journal_entries`;
  const timing = await executionTimes(sql, claims, firstJournalPage, growthIterations());
  return { mine, others, timing, page: await pagePlan(url, claims, firstJournalPage, journalPageShape) };
}

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
    // journalPageGrowth's 1x: once the first tenth of the people are in (a batch ends there).
    const tenth = Math.max(1, Math.round(users / 10));
    const [growthReader] = await sql<{ id: string }[]>`select id from auth.users where (raw_user_meta_data ->> 'wellbeing_bench')::int = 1`;
    let atOne: PageAtSize | undefined;
    for (let first = 1, last = 0; first <= users; first = last + 1) {
      last = Math.min(first + batch - 1, users, first <= tenth ? tenth : users);
      await sql`
        insert into public.mood_entries (user_id, date, mood, factors)
        select u.id, current_date - d, 1 + ((n * 7 + d * 3) % 5),
               case when (n + d) % 3 = 0 then '{Exercise}'::text[] when (n + d) % 7 = 0 then '{Poor Sleep}' else '{}' end
        from (select id, (raw_user_meta_data ->> 'wellbeing_bench')::int as n from auth.users
              where (raw_user_meta_data ->> 'wellbeing_bench')::int between ${first}::int and ${last}::int) as u
        cross join generate_series(0, 364) as d`;
      await insertJournalEntries(sql, { first, last }, { from: 1, to: 100 });
      onProgress(`${last.toLocaleString('en-US')} / ${users.toLocaleString('en-US')} people: ${(last * 365).toLocaleString('en-US')} mood entries, ${(last * 100).toLocaleString('en-US')} journal entries`);
      if (last === tenth) {
        const measurer = connect(url, { max: 1 });
        try {
          await settle(measurer, wellbeingTables);
          atOne = await journalPageAtSize(url, measurer, growthReader.id, await claimsFor(measurer, growthReader.id));
        } finally {
          await measurer.end();
        }
        onProgress(`journal page at 1x (person 1: ${atOne.mine} entries, everyone else's: ${atOne.others.toLocaleString('en-US')}): p50 ${atOne.timing.p50.toFixed(3)} ms`);
      }
    }
    // 10x the person's entries (the 900 added are older: the first page is the same 20 rows); everyone else's are
    // 10x once every batch is in.
    await insertJournalEntries(sql, { first: 1, last: 1 }, { from: 101, to: 1000 });
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
    if (!atOne) throw new Error('journalPageGrowth: the 1x point was not reached');
    return { readerId: reader.id, longHistoryId: longHistory.id, users, growth: { readerId: growthReader.id, people: tenth, atOne } };
  } finally {
    await sql.end();
  }
}

export type WellbeingFigures = {
  rows: Array<{ name: string; rls: Timing; superuser: Timing }>;
  stats: Timing;
  plans: string[];
  /** The first journal page of person 1 at 1x (a tenth of the people in) and at 10x (everyone in, person 1 at 1,000 entries). */
  journalGrowth: { atOne: PageAtSize; atTen: PageAtSize };
  ratios: Ratios;
};

export async function measureWellbeing(url: string, population: WellbeingPopulation, claimsOf: (id: string) => Promise<Record<string, unknown>>, iterations: number): Promise<WellbeingFigures> {
  const sql = connect(url, { max: 1 });
  try {
    const readerClaims = JSON.stringify(await claimsOf(population.readerId));
    const longClaims = JSON.stringify(await claimsOf(population.longHistoryId));
    const run = (asRole: 'authenticated' | 'superuser', claims: string, statement: string) =>
      executionTimes(sql, claims, statement, iterations, asRole === 'superuser');
    const firstPage = firstJournalPage;
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
    await settle(sql, wellbeingTables);
    const atTen = await journalPageAtSize(url, sql, population.growth.readerId, JSON.stringify(await claimsOf(population.growth.readerId)));
    const { atOne } = population.growth;
    return { rows, stats, plans, journalGrowth: { atOne, atTen }, ratios: { journalPageGrowth: atTen.timing.p50 / atOne.timing.p50 } };
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
  const { atOne, atTen } = figures.journalGrowth;
  console.log(`\n  journal first page (20) as the person through RLS, at 10x the data vs 1x ${dim('(journalPageGrowth, target ≤ 1.5)')}`);
  printGrowthRows([['10x', atTen], ['1x (baseline)', atOne]], 'person 1');
  console.log(`  ${'journalPageGrowth (p50 10x / 1x)'.padEnd(44)} ${`${figures.ratios.journalPageGrowth?.toFixed(2)}×`.padStart(8)}`);
  console.log(dim(`\n${figures.plans.join('\n\n')}`));
  console.log(dim(`\njournal first page at 1x, listing query (${atOne.page.verdict}):\n${atOne.page.plan}\n\njournal first page at 10x, listing query (${atTen.page.verdict}):\n${atTen.page.plan}`));
}
