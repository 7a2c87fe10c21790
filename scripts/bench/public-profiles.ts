/**
 * `npm run bench` section: a page of 50 other people's profiles through the privacy-aware path (public_profiles as an
 * authenticated user, RLS on, in a transaction with role and claims set exactly as PostgREST sets them) against a
 * plain read of the profiles table by the database owner (no RLS, no masking), at 100k profiles (BENCH_PROFILES).
 * Both are keyset pages at random positions, both wrapped in the same transaction round trips; EXPLAIN shows the plans.
 */
import type postgres from 'postgres';
import { connect } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { timed } from './measure.ts';

export type PageFigures = { name: string; p50: number; p99: number };

const firstNames = ['Ava', 'Ben', 'Chloe', 'Dev', 'Elif', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jade', 'Kai', 'Lena', 'Milo', 'Nia', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sami', 'Tess'];
const lastNames = ['Adams', 'Berg', 'Costa', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Moreau', 'Novak', 'Okafor', 'Park', 'Quist', 'Rossi', 'Silva', 'Tanaka'];

/** Signs up `count` people the way Supabase Auth does (the profile and card triggers run for each); 1 in 7 anonymous. */
export async function populateProfiles(url: string, count: number, onProgress: (done: number) => void): Promise<void> {
  const sql = connect(url, { max: 1 });
  const batch = 10_000;
  try {
    for (let done = 0; done < count; done += batch) {
      const last = Math.min(done + batch, count);
      await sql`
        insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, raw_app_meta_data, is_anonymous, created_at, updated_at)
        select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-' || n || '@example.com',
               jsonb_build_object('firstName', (${firstNames}::text[])[1 + n % 20], 'lastName', (${lastNames}::text[])[1 + (n / 20) % 20],
                                  'anonymous', n % 7 = 0),
               '{"provider": "email"}', false, now(), now()
        from generate_series(${done + 1}::int, ${last}::int) as n`;
      onProgress(last);
    }
    await sql`analyze auth.users, public.profiles, public.public_profiles`;
  } finally {
    await sql.end();
  }
}

const privacyAwarePage = (tx: postgres.TransactionSql, cursor: { displayName: string; id: string }) => tx`
  select * from public.public_profiles
  where ("displayName", id) > (${cursor.displayName}, ${cursor.id})
  order by "displayName", id
  limit 50`;

const plainPage = (tx: postgres.TransactionSql, cursor: { id: string }) => tx`
  select id, display_name, first_name, last_name, avatar_path, phone, date_of_birth, location, occupation, bio, interests, role,
         show_activity, allow_messages, updated_at
  from public.profiles
  where id > ${cursor.id}
  order by id
  limit 50`;

export async function measurePublicProfilePages(url: string, readerClaims: Record<string, unknown>, iterations: number): Promise<{ figures: PageFigures[]; plans: string[] }> {
  const sql = connect(url, { max: 1 });
  try {
    const cursors = await sql<{ displayName: string; id: string }[]>`
      select "displayName", id from public.public_profiles order by random() limit ${iterations}`;
    const asReader = <T>(work: (tx: postgres.TransactionSql) => Promise<T>) =>
      sql.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(readerClaims)}, true)`;
        return await work(tx);
      });
    const asOwner = <T>(work: (tx: postgres.TransactionSql) => Promise<T>) =>
      sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', '', true)`;
        return await work(tx);
      });
    const pick = (index: number) => cursors[index % cursors.length];
    // Warm both paths first, so neither pays for cold caches.
    await timed(50, (index) => asReader((tx) => privacyAwarePage(tx, pick(index))));
    await timed(50, (index) => asOwner((tx) => plainPage(tx, pick(index))));
    const plain = await timed(iterations, (index) => asOwner((tx) => plainPage(tx, pick(index))));
    const privacyAware = await timed(iterations, (index) => asReader((tx) => privacyAwarePage(tx, pick(index))));
    const explain = async (label: string, run: typeof asReader, query: string, parameters: string[]) => {
      const rows = await run((tx) => tx.unsafe(`explain (analyze, costs off, timing off, summary off) ${query}`, parameters));
      return [label, ...rows.map((row) => `  ${String(row['QUERY PLAN'])}`)].join('\n');
    };
    const cursor = pick(0);
    const plans = [
      await explain('privacy-aware page (as authenticated, RLS on):', asReader,
        'select * from public.public_profiles where ("displayName", id) > ($1, $2::uuid) order by "displayName", id limit 50', [cursor.displayName, cursor.id]),
      await explain('plain page (as owner, no RLS):', asOwner,
        'select * from public.profiles where id > $1::uuid order by id limit 50', [cursor.id]),
    ];
    return {
      figures: [
        { name: 'plain table read (profiles, owner, no RLS)', ...plain },
        { name: 'privacy-aware (public_profiles, authenticated, RLS)', ...privacyAware },
      ],
      plans,
    };
  } finally {
    await sql.end();
  }
}

export function printPageFigures(count: number, figures: PageFigures[], plans: string[]): void {
  const [base] = figures;
  console.log(`\nPublic profiles: a page of 50 at ${count.toLocaleString('en-US')} profiles (one transaction per page)`);
  console.log(`  ${'path'.padEnd(52)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'p50 vs plain'.padStart(13)} ${'p99 vs plain'.padStart(13)}`);
  for (const row of figures) {
    console.log(`  ${row.name.padEnd(52)} ${row.p50.toFixed(3).padStart(7)} ${row.p99.toFixed(3).padStart(7)} ${`${(row.p50 / base.p50).toFixed(2)}×`.padStart(13)} ${`${(row.p99 / base.p99).toFixed(2)}×`.padStart(13)}`);
  }
  console.log(dim(`\n${plans.join('\n')}`));
}
