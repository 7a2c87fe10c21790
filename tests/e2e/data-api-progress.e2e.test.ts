/**
 * Progress through the data API (README "Goals", "Achievements", "Timeline"): GET/POST/PUT/DELETE /progress/goals as the
 * seed calls them, on goal_overview (its INSTEAD OF triggers write goals and goal_progress as the caller), and the
 * tables behind it; GET /progress/achievements (my_achievements, and the achievements and user_achievements tables
 * behind it), GET /progress/timeline (my_timeline). The owner only; current is the sum of logged progress and
 * achievements are unlocked by the database, never by the client.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let owner: TestUser;
let other: TestUser;
let goalId: string;

beforeAll(async () => {
  [owner, other] = await Promise.all([createUser('progress-owner'), createUser('progress-other')]);
});

describe('POST /progress/goals: from(goal_overview).insert(…).select().single()', () => {
  it('the owner creates a goal with the seed\'s body (201) and gets it back in the seed shape', async () => {
    const supabase = await supabaseAs(owner);
    const goal = ok(await supabase.from('goal_overview').insert({ title: 'Meditate', description: 'Ten minutes a day', category: 'Mindfulness', unit: 'days', target: 3 })
      .select().single(), 201);
    expect(goal).toMatchObject({ title: 'Meditate', description: 'Ten minutes a day', category: 'Mindfulness', unit: 'days', target: 3, current: 0, progress: 0, streak: 0, completedAt: null, archivedAt: null });
    goalId = goal.id;
    const [overview] = ok(await supabase.from('goal_overview').select('id').is('archivedAt', null));
    expect(overview.id).toBe(goalId);
    const [row] = ok(await supabase.from('goals').select('user_id').eq('id', goalId));
    expect(row.user_id).toBe(owner.id);
  });

  it('a starting current is logged as progress', async () => {
    const supabase = await supabaseAs(owner);
    const goal = ok(await supabase.from('goal_overview').insert({ title: 'Read', category: 'Learning', unit: 'pages', target: 100, current: 30 }).select().single(), 201);
    expect(goal).toMatchObject({ current: 30, progress: 30, streak: 1, completedAt: null });
    expect(ok(await supabase.from('goal_progress').select('amount').eq('goal_id', goal.id))).toEqual([{ amount: 30 }]);
    ok(await supabase.from('goal_overview').delete().eq('id', goal.id), 204);
  });

  it('progress, streak and completion belong to the database: writing them is 403 42501, through the view or the table', async () => {
    const supabase = await supabaseAs(owner);
    forbidden(await supabase.from('goal_overview').insert({ title: 'Cheat', category: 'General', unit: 'times', target: 1, progress: 100 }));
    forbidden(await supabase.from('goal_overview').update({ completedAt: new Date().toISOString() }).eq('id', goalId));
    forbidden(await supabase.from('goal_overview').update({ streak: 30 } as never).eq('id', goalId));
    forbidden(await supabase.from('goals').insert({ title: 'Cheat', target: 1, current: 1 } as never));
    forbidden(await supabase.from('goals').update({ completed_at: new Date().toISOString() } as never).eq('id', goalId));
  });

  it('the anon key gets 401; another person reads, updates and deletes none of it', async () => {
    anonRefused(await (await supabaseAs()).from('goal_overview').insert({ title: 'Anon', category: 'General', unit: 'times', target: 1 }));
    anonRefused(await (await supabaseAs()).from('goal_overview').select());
    const supabase = await supabaseAs(other);
    empty(await supabase.from('goal_overview').select('id').eq('id', goalId));
    empty(await supabase.from('goal_overview').update({ title: 'Hijacked', current: 3 }).eq('id', goalId).select('id'));
    empty(await supabase.from('goal_overview').delete().eq('id', goalId).select('id'));
    empty(await supabase.from('goals').update({ target: 1 }).eq('id', goalId).select('id'));
    empty(await supabase.from('goals').delete().eq('id', goalId).select('id'));
    const [overview] = ok(await (await supabaseAs(owner)).from('goal_overview').select('title, current').eq('id', goalId));
    expect(overview).toEqual({ title: 'Meditate', current: 0 });
  });
});

describe('PUT /progress/goals/:id: from(goal_overview).update({ current }).eq(id)', () => {
  it('setting current logs the difference as progress: current, progress and the streak move (200 with .select())', async () => {
    const supabase = await supabaseAs(owner);
    const overview = ok(await supabase.from('goal_overview').update({ current: 1 }).eq('id', goalId).select('current, progress, streak').single());
    expect(overview).toEqual({ current: 1, progress: 33, streak: 1 });
    expect(ok(await supabase.from('goal_progress').select('goal_id, amount'))).toEqual([{ goal_id: goalId, amount: 1 }]);
  });

  it('a lower current takes back the newest progress (204); a negative one is 400 PT400', async () => {
    const supabase = await supabaseAs(owner);
    ok(await supabase.from('goal_overview').update({ current: 2 }).eq('id', goalId), 204);
    ok(await supabase.from('goal_overview').update({ current: 1 }).eq('id', goalId), 204);
    expect(ok(await supabase.from('goal_progress').select('amount').eq('goal_id', goalId))).toEqual([{ amount: 1 }]);
    refused(await supabase.from('goal_overview').update({ current: -1 }).eq('id', goalId), 400, 'PT400');
  });

  it('another person moves nothing on it (200, empty with .select(); the table\'s policy check: 403 42501); the anon key gets 401', async () => {
    empty(await (await supabaseAs(other)).from('goal_overview').update({ current: 3 }).eq('id', goalId).select('id'));
    forbidden(await (await supabaseAs(other)).from('goal_progress').insert({ goal_id: goalId, amount: 50 }));
    anonRefused(await (await supabaseAs()).from('goal_overview').update({ current: 3 }).eq('id', goalId));
    anonRefused(await (await supabaseAs()).from('goal_progress').insert({ goal_id: goalId, amount: 50 }));
    empty(await (await supabaseAs(other)).from('goal_progress').select('id').eq('goal_id', goalId));
  });

  it('lowering the target to what is done completes the goal (204), which shows on the timeline', async () => {
    const supabase = await supabaseAs(owner);
    ok(await supabase.from('goal_overview').update({ target: 1 }).eq('id', goalId), 204);
    const [overview] = ok(await supabase.from('goal_overview').select('progress, completedAt').eq('id', goalId));
    expect(overview.progress).toBe(100);
    expect(overview.completedAt).not.toBeNull();
  });

  it('an archived goal (archivedAt) takes no more progress: through the view 422 PT422, on the table 403 42501', async () => {
    const supabase = await supabaseAs(owner);
    ok(await supabase.from('goal_overview').update({ archivedAt: new Date().toISOString() }).eq('id', goalId), 204);
    empty(await supabase.from('goal_overview').select('id').is('archivedAt', null));
    refused(await supabase.from('goal_overview').update({ current: 2 }).eq('id', goalId), 422, 'PT422', 'An archived goal takes no more progress');
    forbidden(await supabase.from('goal_progress').insert({ goal_id: goalId, amount: 1 }));
  });
});

describe('GET /progress/achievements: from(my_achievements).select().order(sortOrder)', () => {
  it('lists the catalogue with the owner\'s unlocks: first goal and a completed goal', async () => {
    const rows = ok(await (await supabaseAs(owner)).from('my_achievements').select().order('sortOrder'));
    expect(rows.map((row) => row.id)).toEqual(['first_journal_entry', 'journal_10_entries', 'first_mood_entry', 'mood_streak_7', 'mood_streak_30', 'first_goal', 'goal_completed']);
    expect(rows.filter((row) => row.unlocked).map((row) => row.id)).toEqual(['first_goal', 'goal_completed']);
    expect(rows.find((row) => row.id === 'first_goal')).toMatchObject({ title: 'Setting Intentions', icon: 'Target', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), sortOrder: expect.any(Number) });
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
    const rows = ok(await (await supabaseAs(owner)).from('my_timeline').select().order('occurredAt', { ascending: false }).order('id', { ascending: false }).limit(20));
    expect(rows.map((row) => row.type).sort()).toEqual(['achievement', 'achievement', 'goal']);
    expect(rows.find((row) => row.type === 'goal')).toMatchObject({ id: `goal:${goalId}`, title: 'Completed: Meditate', description: 'Ten minutes a day', occurredAt: expect.any(String) });
  });

  it('another person\'s timeline is their own (empty); the anon key gets 401', async () => {
    empty(await (await supabaseAs(other)).from('my_timeline').select());
    anonRefused(await (await supabaseAs()).from('my_timeline').select());
  });
});

describe('DELETE /progress/goals/:id: from(goal_overview).delete().eq(id)', () => {
  it('another person deletes nothing (200, empty with .select()); the anon key gets 401; the owner deletes the goal and its progress (204)', async () => {
    const supabase = await supabaseAs(owner);
    const goal = ok(await supabase.from('goal_overview').insert({ title: 'Walk', category: 'Health', unit: 'km', target: 10, current: 2 }).select('id').single(), 201);
    empty(await (await supabaseAs(other)).from('goal_overview').delete().eq('id', goal.id).select('id'));
    anonRefused(await (await supabaseAs()).from('goal_overview').delete().eq('id', goal.id));
    ok(await supabase.from('goal_overview').delete().eq('id', goal.id), 204);
    empty(await supabase.from('goal_overview').select('id').eq('id', goal.id));
    empty(await supabase.from('goal_progress').select('id').eq('goal_id', goal.id));
  });
});
