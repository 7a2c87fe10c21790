/**
 * Data rights through the data API (README "Data rights", wellbeing "Export"): rpc(export_my_data), the whole document
 * of the caller and nobody else, and the CSV exports rpc(export_mood_csv), rpc(export_journal_csv). Each answers the
 * caller's own data only; the anon key gets 401. (Account deletion is the account edge function.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, ok } from '../support/data-api.ts';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let owner: TestUser;
let other: TestUser;

beforeAll(async () => {
  [owner, other] = await Promise.all([
    createUser('export-owner', { metadata: { firstName: 'Eve', lastName: 'Export' } }),
    createUser('export-other', { metadata: { firstName: 'Otto', lastName: 'Export' } }),
  ]);
  const [mine, theirs] = await Promise.all([supabaseAs(owner), supabaseAs(other)]);
  // `as never`: types/database.ts predates migration 20261202120000 (mood_entries.entry_date is `date` now).
  ok(await mine.from('journal_entries').insert({ title: 'On "rest", mostly', content: 'Slept well,\nfinally', mood: 'happy', tags: ['sleep', 'rest'] }), 201);
  ok(await mine.from('mood_entries').insert({ mood: 4, note: 'Calm, rested', factors: ['Sleep', 'Exercise'], date: '2025-03-02' } as never), 201);
  ok(await theirs.from('journal_entries').insert({ title: 'Otto\'s secret', content: 'Not for Eve', mood: 'sad' }), 201);
  ok(await theirs.from('mood_entries').insert({ mood: 1, note: 'Otto\'s bad day', date: '2025-03-02' } as never), 201);
});

describe('rpc(export_my_data)', () => {
  it('answers one document with a section per domain, the caller\'s own', async () => {
    const document = ok(await (await supabaseAs(owner)).rpc('export_my_data')) as Record<string, unknown>;
    expect(document).toMatchObject({
      format: 'healspace-export/2', userId: owner.id,
      profile: { id: owner.id, firstName: 'Eve', lastName: 'Export' },
      journalEntries: [{ title: 'On "rest", mostly', content: 'Slept well,\nfinally', mood: 'happy', tags: ['sleep', 'rest'] }],
      moodEntries: [expect.objectContaining({ date: '2025-03-02', mood: 4, note: 'Calm, rested' })],
      achievements: expect.arrayContaining([expect.objectContaining({ id: 'first_journal_entry' })]),
    });
    expect(Object.keys(document)).toEqual(expect.arrayContaining([
      'publicCard', 'avatars', 'auditEvents', 'goals', 'chatConversations', 'chatReportsFiled', 'chatRatingsGiven', 'chatBlocksMade',
      'chatMatchRequests', 'therapySessions', 'therapist', 'groupMemberships', 'groupMessages', 'groupSessionRsvps', 'groupSessionsHosted',
      'groupsCreated', 'notifications', 'pushSubscriptions', 'notificationPreferences', 'notificationSettings', 'sessionReminders',
    ]));
  });

  it('holds nothing of anyone else', async () => {
    const text = JSON.stringify(ok(await (await supabaseAs(owner)).rpc('export_my_data')));
    expect(text).not.toContain(other.id);
    expect(text).not.toContain('Otto');
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).rpc('export_my_data'));
  });
});

describe('rpc(export_mood_csv), rpc(export_journal_csv)', () => {
  it('answer CSV text with numbers, quoted where needed, the caller\'s rows only', async () => {
    const supabase = await supabaseAs(owner);
    expect(ok(await supabase.rpc('export_mood_csv'))).toBe('date,mood,note,factors\n2025-03-02,4,"Calm, rested",Sleep; Exercise');
    const journal = ok(await supabase.rpc('export_journal_csv'));
    expect(journal).toMatch(/^created_at,title,mood,mood_score,tags,is_favorite,content\n\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,"On ""rest"", mostly",happy,3,sleep; rest,false,"Slept well,\nfinally"$/);
    expect(ok(await (await supabaseAs(other)).rpc('export_mood_csv'))).toBe('date,mood,note,factors\n2025-03-02,1,Otto\'s bad day,');
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).rpc('export_mood_csv'));
    anonRefused(await (await supabaseAs()).rpc('export_journal_csv'));
  });
});
