/**
 * Mood tracking through the data API (README "Mood"): GET/POST /mood/entries (mood_entries select, insert, upsert) and
 * GET /mood/stats as rpc(mood_statistics). The author only: another person reads nothing, the anon key gets 401.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

// types/database.ts predates migration 20261202120000 (mood_entries.entry_date is the seed's `date` now): until it is
// regenerated, mood_entries is reached through supabase-js without the generated types (drop this cast then).
const moodClient = async (user?: TestUser): Promise<SupabaseClient> => await supabaseAs(user) as never;

let logger: TestUser;
let other: TestUser;

beforeAll(async () => {
  [logger, other] = await Promise.all([createUser('mood-logger', { metadata: { timeZone: 'America/New_York' } }), createUser('mood-other')]);
});

describe('POST /mood/entries: from(mood_entries).insert / upsert', () => {
  it('logs a past day (201) and the day without a date as the person\'s today', async () => {
    const supabase = await moodClient(logger);
    ok(await supabase.from('mood_entries').insert({ mood: 4, note: 'A walk helped', factors: ['Exercise'], date: '2025-01-08' }), 201);
    ok(await supabase.from('mood_entries').insert({ mood: 2, factors: ['Work'], date: '2025-01-09' }), 201);
    const today = ok(await supabase.from('mood_entries').insert({ mood: 3 }).select('date').single(), 201);
    const newYorkToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
    expect(today.date).toBe(newYorkToday);
  });

  it('a second entry for the same day is 409 with 23505', async () => {
    refused(await (await moodClient(logger)).from('mood_entries').insert({ mood: 5, date: '2025-01-08' }), 409, '23505');
  });

  it('upsert with onConflict user_id,date replaces the day\'s entry (200)', async () => {
    const supabase = await moodClient(logger);
    ok(await supabase.from('mood_entries').upsert({ mood: 5, date: '2025-01-08' }, { onConflict: 'user_id,date' }), 200);
    const [day] = ok(await supabase.from('mood_entries').select('mood, note').eq('date', '2025-01-08'));
    expect(day).toEqual({ mood: 5, note: 'A walk helped' });
  });

  it('a day that has not begun where the person is, or a mood outside 1-5: 400 with 23514', async () => {
    const supabase = await moodClient(logger);
    refused(await supabase.from('mood_entries').insert({ mood: 3, date: '2999-01-01' }), 400, '23514');
    refused(await supabase.from('mood_entries').insert({ mood: 6, date: '2025-01-10' }), 400, '23514');
  });

  it('nobody logs for someone else (user_id is not writable: 403 42501); the anon key gets 401', async () => {
    forbidden(await (await moodClient(other)).from('mood_entries').insert({ user_id: logger.id, mood: 1, date: '2025-01-11' }));
    anonRefused(await (await moodClient()).from('mood_entries').insert({ mood: 1 }));
  });
});

describe('GET /mood/entries: from(mood_entries).select(id, mood, note, factors, date)', () => {
  it('answers the range in date order, in the seed\'s shape', async () => {
    const rows = ok(await (await moodClient(logger)).from('mood_entries').select('id, mood, note, factors, date')
      .gte('date', '2025-01-01').lte('date', '2025-01-31').order('date'));
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      { mood: 5, note: 'A walk helped', factors: ['Exercise'], date: '2025-01-08' },
      { mood: 2, note: null, factors: ['Work'], date: '2025-01-09' },
    ]);
  });

  it('another person reads none of it, updates and deletes nothing; the anon key gets 401', async () => {
    const supabase = await moodClient(other);
    empty(await supabase.from('mood_entries').select('id').eq('date', '2025-01-08'));
    empty(await supabase.from('mood_entries').update({ mood: 1 }).eq('date', '2025-01-08').select('id'));
    empty(await supabase.from('mood_entries').delete().eq('date', '2025-01-09').select('id'));
    anonRefused(await (await moodClient()).from('mood_entries').select('id'));
  });

  it('the author updates and deletes their own (204)', async () => {
    const supabase = await moodClient(logger);
    ok(await supabase.from('mood_entries').update({ note: 'Long day' }).eq('date', '2025-01-09'), 204);
    ok(await supabase.from('mood_entries').delete().eq('date', '2025-01-09'), 204);
    empty(await supabase.from('mood_entries').select('id').eq('date', '2025-01-09'));
  });
});

describe('GET /mood/stats: rpc(mood_statistics)', () => {
  it('answers the seed\'s figures for the range', async () => {
    const stats = ok(await (await supabaseAs(logger)).rpc('mood_statistics', { from: '2025-01-01', to: '2025-01-31' })) as Record<string, unknown>;
    expect(stats).toMatchObject({
      averageMood: 5, totalEntries: 1,
      moodDistribution: { amazing: 1, good: 0, okay: 0, notGreat: 0, difficult: 0 },
      streaks: { current: 1, longest: 1 },
      byWeekday: [{ weekday: 3, averageMood: 5, entries: 1 }],
      factors: [{ factor: 'Exercise', withAverage: 5, withCount: 1, withoutAverage: null, withoutCount: 0 }],
      range: { from: '2025-01-01', to: '2025-01-31' },
    });
    expect(stats.trends).toEqual({ lastWeek: 3, lastMonth: 3, improvement: false });
  });

  it('from after to is 400 PT400; another person\'s statistics are their own (empty); the anon key gets 401', async () => {
    refused(await (await supabaseAs(logger)).rpc('mood_statistics', { from: '2025-02-01', to: '2025-01-01' }), 400, 'PT400');
    const stats = ok(await (await supabaseAs(other)).rpc('mood_statistics', {})) as Record<string, unknown>;
    expect(stats).toMatchObject({ averageMood: null, totalEntries: 0, factors: [], byWeekday: [] });
    anonRefused(await (await supabaseAs()).rpc('mood_statistics', {}));
  });
});
