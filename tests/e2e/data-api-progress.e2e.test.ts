/**
 * Progress through the data API (README "Goals", "Achievements", "Timeline"): GET/POST/PUT /progress/goals (goal_overview,
 * goals, goal_progress), GET /progress/achievements (my_achievements, and the achievements and user_achievements tables
 * behind it), GET /progress/timeline (my_timeline). The owner only; achievements are unlocked by the database, never
 * by the client.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok } from '../support/data-api.ts';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let owner: TestUser;
let other: TestUser;
let goalId: string;

beforeAll(async () => {
  [owner, other] = await Promise.all([createUser('progress-owner'), createUser('progress-other')]);
});

describe('POST /progress/goals: from(goals).insert', () => {
  it('the owner creates a goal (201) and reads it in the seed shape from goal_overview', async () => {
    const supabase = await supabaseAs(owner);
    const goal = ok(await supabase.from('goals').insert({ title: 'Meditate', description: 'Ten minutes a day', category: 'Mindfulness', unit: 'days', target: 3 })
      .select('id').single(), 201);
    goalId = goal.id;
    const [overview] = ok(await supabase.from('goal_overview').select().is('archivedAt', null));
    expect(overview).toMatchObject({ id: goalId, title: 'Meditate', unit: 'days', target: 3, current: 0, progress: 0, streak: 0, completedAt: null, archivedAt: null });
  });

  it('current, progress and completion belong to the database: writing them is 403 42501', async () => {
    const supabase = await supabaseAs(owner);
    forbidden(await supabase.from('goals').insert({ title: 'Cheat', target: 1, current: 1 } as never));
    forbidden(await supabase.from('goals').update({ completed_at: new Date().toISOString() } as never).eq('id', goalId));
  });

  it('the anon key gets 401; another person reads, updates and deletes none of it', async () => {
    anonRefused(await (await supabaseAs()).from('goals').insert({ title: 'Anon', target: 1 }));
    anonRefused(await (await supabaseAs()).from('goal_overview').select());
    const supabase = await supabaseAs(other);
    empty(await supabase.from('goal_overview').select('id').eq('id', goalId));
    empty(await supabase.from('goals').update({ target: 1 }).eq('id', goalId).select('id'));
    empty(await supabase.from('goals').delete().eq('id', goalId).select('id'));
  });
});

describe('PUT /progress/goals/:id: from(goal_progress).insert, from(goals).update', () => {
  it('logging progress moves current, progress and the streak (201)', async () => {
    const supabase = await supabaseAs(owner);
    ok(await supabase.from('goal_progress').insert({ goal_id: goalId, amount: 1 }), 201);
    const [overview] = ok(await supabase.from('goal_overview').select('current, progress, streak').eq('id', goalId));
    expect(overview).toEqual({ current: 1, progress: 33, streak: 1 });
    expect(ok(await supabase.from('goal_progress').select('goal_id, amount')).length).toBe(1);
  });

  it('another person logs nothing on it: the policy\'s check refuses (403 42501); the anon key gets 401', async () => {
    forbidden(await (await supabaseAs(other)).from('goal_progress').insert({ goal_id: goalId, amount: 50 }));
    anonRefused(await (await supabaseAs()).from('goal_progress').insert({ goal_id: goalId, amount: 50 }));
    empty(await (await supabaseAs(other)).from('goal_progress').select('id').eq('goal_id', goalId));
  });

  it('lowering the target to what is done completes the goal (204), which shows on the timeline', async () => {
    const supabase = await supabaseAs(owner);
    ok(await supabase.from('goals').update({ target: 1 }).eq('id', goalId), 204);
    const [overview] = ok(await supabase.from('goal_overview').select('progress, completedAt').eq('id', goalId));
    expect(overview.progress).toBe(100);
    expect(overview.completedAt).not.toBeNull();
  });

  it('an archived goal takes no more progress (403 42501)', async () => {
    const supabase = await supabaseAs(owner);
    ok(await supabase.from('goals').update({ archived_at: new Date().toISOString() }).eq('id', goalId), 204);
    empty(await supabase.from('goal_overview').select('id').is('archivedAt', null));
    forbidden(await supabase.from('goal_progress').insert({ goal_id: goalId, amount: 1 }));
  });
});

describe('GET /progress/achievements: from(my_achievements).select().order(sort_order)', () => {
  it('lists the catalogue with the owner\'s unlocks: first goal and a completed goal', async () => {
    const rows = ok(await (await supabaseAs(owner)).from('my_achievements').select().order('sort_order'));
    expect(rows.map((row) => row.id)).toEqual(['first_journal_entry', 'journal_10_entries', 'first_mood_entry', 'mood_streak_7', 'mood_streak_30', 'first_goal', 'goal_completed']);
    expect(rows.filter((row) => row.unlocked).map((row) => row.id)).toEqual(['first_goal', 'goal_completed']);
    expect(rows.find((row) => row.id === 'first_goal')).toMatchObject({ title: 'Setting Intentions', icon: 'Target', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('another person sees the catalogue without the owner\'s unlocks; the anon key gets 401', async () => {
    const rows = ok(await (await supabaseAs(other)).from('my_achievements').select('id, unlocked'));
    expect(rows.filter((row) => row.unlocked)).toEqual([]);
    anonRefused(await (await supabaseAs()).from('my_achievements').select());
  });

  it('the tables behind it: the catalogue for everyone signed in, unlocks for their owner, written by nobody', async () => {
    expect(ok(await (await supabaseAs(other)).from('achievements').select('id, title, description, icon, sort_order'))).toHaveLength(7);
    expect(ok(await (await supabaseAs(owner)).from('user_achievements').select('achievement_id, unlocked_at')).map((row) => row.achievement_id).sort())
      .toEqual(['first_goal', 'goal_completed']);
    empty(await (await supabaseAs(other)).from('user_achievements').select('achievement_id'));
    forbidden(await (await supabaseAs(other)).from('user_achievements').insert({ user_id: other.id, achievement_id: 'mood_streak_30' } as never));
    forbidden(await (await supabaseAs(other)).from('achievements').insert({ id: 'x', title: 'x', description: 'x', icon: 'x', sort_order: 1 }));
    anonRefused(await (await supabaseAs()).from('achievements').select('id'));
    anonRefused(await (await supabaseAs()).from('user_achievements').select('achievement_id'));
  });
});

describe('GET /progress/timeline: from(my_timeline)', () => {
  it('answers the owner\'s milestones newest first in the seed shape (date, title, description, type)', async () => {
    const rows = ok(await (await supabaseAs(owner)).from('my_timeline').select().order('occurred_at', { ascending: false }).order('id', { ascending: false }).limit(20));
    expect(rows.map((row) => row.type).sort()).toEqual(['achievement', 'achievement', 'goal']);
    expect(rows.find((row) => row.type === 'goal')).toMatchObject({ id: `goal:${goalId}`, title: 'Completed: Meditate', description: 'Ten minutes a day' });
  });

  it('another person\'s timeline is their own (empty); the anon key gets 401', async () => {
    empty(await (await supabaseAs(other)).from('my_timeline').select());
    anonRefused(await (await supabaseAs()).from('my_timeline').select());
  });
});
