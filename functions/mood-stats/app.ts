/**
 * GET /functions/v1/mood-stats?from=YYYY-MM-DD&to=YYYY-MM-DD: the seed's GET /mood/stats for the caller, and more
 * (streaks, averages by weekday, mood with and without each factor). One round trip: public.mood_statistics computes
 * everything in SQL, as the caller, so RLS limits it to their own entries; days are the caller's calendar days.
 */
import { z } from 'zod';
import { createFunctionApp, requireUser, userClaims } from '../_shared/app.ts';
import { queryAsCaller, statement } from '../_shared/db.ts';
import { serveOpenApi } from '../_shared/openapi.ts';
import { isoDate, queryParams } from '../_shared/validate.ts';

const statsQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() })
  .strict()
  .refine((query) => !query.from || !query.to || query.from <= query.to, { message: 'from must not be after to', path: ['from'] });

export type MoodStats = {
  averageMood: number | null;
  totalEntries: number;
  moodDistribution: { amazing: number; good: number; okay: number; notGreat: number; difficult: number };
  trends: { lastWeek: number | null; lastMonth: number | null; improvement: boolean | null };
  streaks: { current: number; longest: number };
  byWeekday: Array<{ weekday: number; averageMood: number; entries: number }>;
  factors: Array<{ factor: string; withAverage: number; withCount: number; withoutAverage: number | null; withoutCount: number; difference: number | null }>;
  range: { from: string | null; to: string | null; today: string };
};

export const app = createFunctionApp('mood-stats');

app.get('/', requireUser, async (c) => {
  const { from, to } = queryParams(c, statsQuery);
  const [row] = await queryAsCaller(userClaims(c), statement<{ stats: MoodStats }>`select public.mood_statistics(${from ?? null}::date, ${to ?? null}::date) as stats`);
  c.header('cache-control', 'no-store');
  return c.json(row.stats);
});

serveOpenApi(app, {
  name: 'mood-stats',
  title: 'mood-stats',
  description: 'The seed\'s GET /mood/stats: the caller\'s mood statistics in their own calendar days.',
  routes: [{ method: 'get', path: '/', summary: 'My mood statistics', auth: 'user', query: statsQuery, responses: { 200: 'The statistics', 400: 'Bad dates', 401: 'No valid token' } }],
});
