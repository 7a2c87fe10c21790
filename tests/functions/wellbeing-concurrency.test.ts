/**
 * What only real concurrency shows: achievements unlock exactly once when triggering events race, and journal keyset
 * pages have no gaps or repeats while another session keeps writing.
 */
import { describe, expect, it } from 'vitest';
import { adminSql, asUser, createUser } from '../support/stack.ts';

describe('achievements under concurrent triggering events', () => {
  it('unlock first_journal_entry exactly once when two first entries commit at the same time', async () => {
    const person = await createUser('race-journal');
    let arrived = 0;
    let release!: () => void;
    const bothInserted = new Promise<void>((resolve) => (release = resolve));
    const writeFirstEntry = (title: string) =>
      asUser(person, async (tx) => {
        await tx`insert into public.journal_entries (title, content, mood) values (${title}, 'racing', 'happy')`;
        arrived += 1;
        if (arrived === 2) release();
        // Hold the transaction open until the other has inserted too (or, when the unlock makes it wait on this one, for
        // half a second): both unlock attempts then overlap in time.
        await Promise.race([bothInserted, new Promise((resolve) => setTimeout(resolve, 500))]);
      });
    await Promise.all([writeFirstEntry('one'), writeFirstEntry('two')]);
    const rows = await adminSql()`select achievement_id from public.user_achievements where user_id = ${person.id} and achievement_id = 'first_journal_entry'`;
    expect(rows).toHaveLength(1);
  });

  it('unlock mood_streak_7 exactly once when seven days are logged concurrently', async () => {
    const person = await createUser('race-mood');
    await Promise.all(Array.from({ length: 7 }, (_, daysAgo) =>
      asUser(person, (tx) => tx`insert into public.mood_entries (entry_date, mood) values (private.local_date(auth.uid()) - ${daysAgo}::int, 3)`)
    ));
    const [streak] = await adminSql()`
      select count(*)::int as unlocks from public.user_achievements where user_id = ${person.id} and achievement_id = 'mood_streak_7'`;
    // Each insert sees only the rows committed before it, so the unlock comes from whichever saw all seven, if any.
    // Logging an eighth day (or any later entry) settles it; what must never happen is two rows.
    expect(streak.unlocks).toBeLessThanOrEqual(1);
    await asUser(person, (tx) => tx`insert into public.mood_entries (entry_date, mood) values (private.local_date(auth.uid()) - 7, 3)`);
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
    const seen: string[] = [];
    let cursor: { created_at: Date; id: string } | undefined;
    for (let page = 0; page < 10; page += 1) {
      const rows = await asUser(person, (tx) => tx<{ id: string; title: string; created_at: Date }[]>`
        select id, title, created_at from public.list_journal_entries(
          page_size => 7, before_created_at => ${cursor?.created_at ?? null}, before_id => ${cursor?.id ?? null})`);
      if (rows.length === 0) break;
      seen.push(...rows.map((row) => row.title));
      cursor = rows[rows.length - 1];
      // Another device writes between page loads (each one newer than everything paged so far).
      await asUser(person, (tx) => tx`insert into public.journal_entries (title, content, mood) values (${`Written during page ${page}`}, 'new', 'happy')`);
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `Entry ${index + 1}`));
  });
});
