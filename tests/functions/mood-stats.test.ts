/**
 * `mood-stats` in-process against the real database: exact figures on a fixture history relative to the person's
 * today (their time zone), the empty and single-entry cases, every bad parameter (400) and bad token (401).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../functions/_shared/db.ts';
import { app, type MoodStats } from '../../functions/mood-stats/app.ts';
import { adminSql, createUser, expectErrorShape, forgedTokens, type TestUser, tokenFor } from '../support/stack.ts';

let tracker: TestUser;
let newcomer: TestUser;
let today: string;

beforeAll(async () => {
  // Auckland: far from UTC, so a day computed in UTC instead of the person's zone would show in the figures.
  tracker = await createUser('stats-tracker', { metadata: { timeZone: 'Pacific/Auckland' } });
  newcomer = await createUser('stats-newcomer');
  // Ten days in a row ending today where the person lives: moods 1..5 twice, Exercise on the good days.
  await adminSql()`
    insert into public.mood_entries (user_id, date, mood, factors)
    select ${tracker.id}, private.local_date(${tracker.id}) - n, 5 - (n % 5), case when n % 5 < 2 then '{Exercise}'::text[] else '{}' end
    from generate_series(0, 9) as n`;
  [{ today }] = await adminSql()<{ today: string }[]>`select private.local_date(${tracker.id})::text as today`;
});

afterAll(closeDatabase);

const stats = async (user: TestUser | undefined, query = '', token?: string) =>
  await app.request(`/mood-stats${query}`, { headers: { authorization: `Bearer ${token ?? (user ? await tokenFor(user) : '')}` } });

describe('GET /mood-stats', () => {
  it('answers the seed\'s figures and more, exactly, for the caller\'s history', async () => {
    const response = await stats(tracker);
    expect(response.status).toBe(200);
    const body = (await response.json()) as MoodStats;
    expect(body).toMatchObject({
      averageMood: 3,
      totalEntries: 10,
      moodDistribution: { amazing: 2, good: 2, okay: 2, notGreat: 2, difficult: 2 },
      // last 7 days: n = 0..6 → moods 5,4,3,2,1,5,4 = 24 / 7
      trends: { lastWeek: 3.43, lastMonth: 3, improvement: true },
      streaks: { current: 10, longest: 10 },
      range: { from: null, to: null, today },
    });
    expect(body.factors).toEqual([
      { factor: 'Exercise', withAverage: 4.5, withCount: 4, withoutAverage: 2, withoutCount: 6, difference: 2.5 },
    ]);
    expect(body.byWeekday.reduce((sum, day) => sum + day.entries, 0)).toBe(10);
  });

  it('narrows the figures to from/to, inclusive', async () => {
    const [{ from }] = await adminSql()<{ from: string }[]>`select (${today}::date - 1)::text as from`;
    const body = (await (await stats(tracker, `?from=${from}&to=${today}`)).json()) as MoodStats;
    expect(body).toMatchObject({ totalEntries: 2, averageMood: 4.5, range: { from, to: today } });
  });

  it('answers a well-defined empty result for someone without entries (the tracker\'s entries are not theirs)', async () => {
    const body = (await (await stats(newcomer)).json()) as MoodStats;
    expect(body).toMatchObject({
      averageMood: null, totalEntries: 0, moodDistribution: { amazing: 0, good: 0, okay: 0, notGreat: 0, difficult: 0 },
      trends: { lastWeek: null, lastMonth: null, improvement: null }, streaks: { current: 0, longest: 0 }, byWeekday: [], factors: [],
    });
  });

  it.each([
    ['?from=2025-13-01', 'from'],
    ['?from=2025-02-30', 'from'],
    ['?to=yesterday', 'to'],
    ['?from=2025-03-01&to=2025-02-01', 'from'],
    ['?days=7', '(root)'],
  ])('answers 400 with a field detail for %s', async (query, field) => {
    const response = await stats(tracker, query);
    expect(response.status).toBe(400);
    const body = await response.json();
    expectErrorShape(body, 400);
    expect(body.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('answers 401 without a token and for every bad token', async () => {
    const missing = await app.request('/mood-stats');
    expect(missing.status).toBe(401);
    expectErrorShape(await missing.json(), 401);
    for (const [kind, token] of Object.entries(await forgedTokens(tracker))) {
      const response = await stats(undefined, '', token);
      expect(response.status, kind).toBe(401);
    }
  });
});
