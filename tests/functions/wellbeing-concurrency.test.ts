/**
 * What only real concurrency shows, through the real PostgREST as the frontend calls it (supabase-js, each call its
 * own HTTP request and transaction): achievements unlock exactly once when triggering events race, and journal keyset
 * pages have no gaps or repeats while another session keeps writing.
 */
import { describe, expect, it } from 'vitest';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

/**
 * Sends `requests` at once and lets them go on together only once each has written its row: while they start, the
 * owner's connection holds `person`'s auth.users row FOR UPDATE, so each insert waits at its foreign key check on
 * user_id (the RI trigger fires before the table's own AFTER triggers, which sort after it by name), its row written
 * and its triggers not yet run. When all of them wait, the lock goes and their triggers run side by side.
 * PostgREST gives each request a transaction of its own that a test cannot hold open, so this lock stands in for
 * holding one; it needs the owner (adminSql): no API role may lock auth.users or see other sessions' locks.
 */
async function releasedTogether<T>(person: TestUser, requests: Array<() => Promise<T>>): Promise<T[]> {
  const sql = adminSql();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: (pid: number) => void;
  const lockedBy = new Promise<number>((resolve) => (locked = resolve));
  const lock = sql.begin(async (tx) => {
    const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid from auth.users where id = ${person.id} for update`;
    locked(pid);
    await released;
  });
  const holder = await Promise.race([lockedBy, lock.then(() => { throw new Error(`${person.identifier}'s account row could not be locked`); })]);
  const answers = requests.map((request) => request());
  try {
    for (const deadline = Date.now() + 10_000; ;) {
      // Waiting on the holder, or in the queue behind a request that waits on it.
      const [{ waiting }] = await sql<{ waiting: number }[]>`
        with recursive blocked (pid) as (
          select a.pid from pg_catalog.pg_stat_activity as a where ${holder}::int = any(pg_catalog.pg_blocking_pids(a.pid))
          union
          select a.pid from pg_catalog.pg_stat_activity as a join blocked as b on b.pid = any(pg_catalog.pg_blocking_pids(a.pid))
        )
        select count(*)::int as waiting from blocked`;
      if (waiting >= requests.length) break;
      if (Date.now() > deadline) throw new Error(`only ${waiting} of ${requests.length} requests reached ${person.identifier}'s locked account row in 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    release();
    await lock;
  }
  return await Promise.all(answers);
}

/** The calendar date `daysAgo` days before `today` (YYYY-MM-DD), as the date column takes it. */
function daysBefore(today: string, daysAgo: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - daysAgo);
  return date.toISOString().slice(0, 10);
}

describe('achievements under concurrent triggering events', () => {
  it('unlock first_journal_entry exactly once when two first entries commit at the same time', async () => {
    const person = await createUser('race-journal');
    const supabase = await supabaseAs(person);
    const writeFirstEntry = (title: string) => async () =>
      succeeded(await supabase.from('journal_entries').insert({ title, content: 'racing', mood: 'happy' }), `from(journal_entries).insert "${title}"`);
    // Both inserts are written before either unlocks: both unlock attempts then overlap in time.
    await releasedTogether(person, [writeFirstEntry('one'), writeFirstEntry('two')]);
    const rows = await adminSql()`select achievement_id from public.user_achievements where user_id = ${person.id} and achievement_id = 'first_journal_entry'`;
    expect(rows).toHaveLength(1);
  });

  it('unlock mood_streak_7 exactly once when seven days are logged concurrently', async () => {
    const person = await createUser('race-mood');
    const supabase = await supabaseAs(person);
    // Days are the person's calendar days (profiles.time_zone decides them, as the database's local_date does): the
    // app reads the zone from the profile and counts back from today there.
    const { time_zone: timeZone } = succeeded(await supabase.from('profiles').select('time_zone').eq('id', person.id).single(), 'from(profiles).select time_zone');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
    const logDay = async (daysAgo: number) =>
      succeeded(await supabase.from('mood_entries').insert({ date: daysBefore(today, daysAgo), mood: 3 }), `from(mood_entries).insert ${daysAgo} days ago`);
    await Promise.all(Array.from({ length: 7 }, (_, daysAgo) => logDay(daysAgo)));
    const [streak] = await adminSql()`
      select count(*)::int as unlocks from public.user_achievements where user_id = ${person.id} and achievement_id = 'mood_streak_7'`;
    // Each insert sees only the rows committed before it, so the unlock comes from whichever saw all seven, if any.
    // Logging an eighth day (or any later entry) settles it; what must never happen is two rows.
    expect(streak.unlocks).toBeLessThanOrEqual(1);
    await logDay(7);
    const [after] = await adminSql()`
      select count(*)::int as unlocks from public.user_achievements where user_id = ${person.id} and achievement_id = 'mood_streak_7'`;
    expect(after.unlocks).toBe(1);
  });
});

describe('journal pages while another session writes', () => {
  it('has no gaps or repeats across pages when entries are added between page loads', async () => {
    const person = await createUser('paging');
    await adminSql()`
      insert into public.journal_entries (user_id, title, content, mood, created_at)
      select ${person.id}, 'Entry ' || n, 'content', 'neutral', now() - make_interval(mins => n)
      from generate_series(1, 25) as n`;
    const supabase = await supabaseAs(person);
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      // The cursor is the last entry's id: the database resolves where it stands.
      const rows = succeeded(await supabase.rpc('list_journal_entries', { limit: 7, before })
        .select('id, title'), `rpc(list_journal_entries), page ${page}`);
      if (rows.length === 0) break;
      seen.push(...rows.map((row) => row.title!));
      before = rows[rows.length - 1].id!;
      // Another device writes between page loads (each one newer than everything paged so far).
      succeeded(await supabase.from('journal_entries').insert({ title: `Written during page ${page}`, content: 'new', mood: 'happy' }), `from(journal_entries).insert during page ${page}`);
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `Entry ${index + 1}`));
  });
});
