/**
 * The journal through the data API (README "Journal"): GET /journal/entries (rpc list_journal_entries), POST, PUT and
 * DELETE /journal/entries (journal_entries insert, update, delete) and POST /journal/entries/:id/favorite
 * (rpc toggle_journal_favorite), with the seed's query parameters (mood, tags, startDate, endDate, search, limit, before)
 * and its entry shape (createdAt, isFavorite). Only the author ever reads or changes an entry: another person gets
 * empty answers or the 404 the function raises, the anon key 401.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Answer, anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

type Client = Awaited<ReturnType<typeof supabaseAs>>;
/** GET /journal/entries's query, the seed's (rpc list_journal_entries's parameters). */
type EntryQuery = {
  mood?: 'happy' | 'neutral' | 'sad'; tags?: string[]; matchAllTags?: boolean; startDate?: string; endDate?: string;
  search?: string; searchLanguage?: string; favoritesOnly?: boolean; limit?: number; before?: string;
};
/** An entry as the seed answers it (public.journal_entry_item). */
type Entry = {
  id: string; title: string; content: string; mood: string; tags: string[]; createdAt: string; isFavorite: boolean; language: string; updatedAt: string;
};
// types/database.ts predates migration 20261202120000 (these parameters and this shape): the two RPCs are called
// through these, cast, until it is regenerated.
const listEntries = async (supabase: Client, query: EntryQuery = {}): Promise<Answer<Entry[]>> => await supabase.rpc('list_journal_entries', query as never) as never;
const toggleFavorite = async (supabase: Client, id: string): Promise<Answer<Entry>> => await supabase.rpc('toggle_journal_favorite', { id } as never) as never;
/** A UTC calendar day (the suite's people live in UTC) `offset` days from today, as YYYY-MM-DD. */
const utcDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let author: TestUser;
let other: TestUser;
let sleepEntry: string;
let workEntry: string;

beforeAll(async () => {
  [author, other] = await Promise.all([createUser('journal-author'), createUser('journal-other')]);
});

describe('POST /journal/entries: from(journal_entries).insert', () => {
  it('the author writes entries (201) and gets the row back with .select().single()', async () => {
    const supabase = await supabaseAs(author);
    const first = ok(await supabase.from('journal_entries').insert({ title: 'Restless night', content: 'Could not sleep, anxious about the exam', mood: 'sad', tags: ['sleep', 'exam'] })
      .select('id, user_id, title, mood, tags, is_favorite, language, created_at').single(), 201);
    expect(first).toMatchObject({ user_id: author.id, title: 'Restless night', mood: 'sad', tags: ['sleep', 'exam'], is_favorite: false, language: 'english' });
    sleepEntry = first.id;
    ok(await supabase.from('journal_entries').insert({ title: 'Good day at work', content: 'Finished the project', mood: 'happy', tags: ['work'] }), 201);
    const [work] = ok(await listEntries(supabase, { tags: ['work'] }));
    workEntry = work.id;
  });

  it('a bad value is refused as Postgres refuses it: an unknown mood 400 22P02, an empty title 400 23514', async () => {
    const supabase = await supabaseAs(author);
    refused(await supabase.from('journal_entries').insert({ title: 'x', content: 'y', mood: 'furious' as never }), 400, '22P02');
    refused(await supabase.from('journal_entries').insert({ title: '   ', content: 'y', mood: 'happy' }), 400, '23514');
  });

  it('nobody writes an entry for someone else: user_id is not writable (403 42501); the anon key gets 401', async () => {
    forbidden(await (await supabaseAs(other)).from('journal_entries').insert({ user_id: author.id, title: 'Planted', content: 'x', mood: 'happy' }));
    anonRefused(await (await supabaseAs()).from('journal_entries').insert({ title: 'Anon', content: 'x', mood: 'happy' }));
  });
});

describe('GET /journal/entries: rpc(list_journal_entries)', () => {
  it('answers the author\'s entries newest first in the seed shape, with the filters applied', async () => {
    const supabase = await supabaseAs(author);
    const all = ok(await listEntries(supabase, { limit: 20 }));
    expect(all.map((entry) => entry.title)).toEqual(['Good day at work', 'Restless night']);
    expect(Object.keys(all[0]).sort()).toEqual(['content', 'createdAt', 'id', 'isFavorite', 'language', 'mood', 'tags', 'title', 'updatedAt']);
    expect(all[1]).toMatchObject({ id: sleepEntry, content: 'Could not sleep, anxious about the exam', mood: 'sad', tags: ['sleep', 'exam'], isFavorite: false, createdAt: expect.any(String) });
    expect(ok(await listEntries(supabase, { mood: 'sad' })).map((entry) => entry.id)).toEqual([sleepEntry]);
    expect(ok(await listEntries(supabase, { tags: ['sleep', 'work'], matchAllTags: true }))).toEqual([]);
    expect(ok(await listEntries(supabase, { startDate: utcDay(-1), endDate: utcDay(1) }))).toHaveLength(2);
    expect(ok(await listEntries(supabase, { startDate: utcDay(1) }))).toEqual([]);
  });

  it('searches by rank and pages with limit and before (the id of the last entry of the previous page)', async () => {
    const supabase = await supabaseAs(author);
    const [hit] = ok(await listEntries(supabase, { search: 'sleep or anxious', searchLanguage: 'english' }));
    expect(hit).toMatchObject({ id: sleepEntry, title: 'Restless night' });
    const [newest] = ok(await listEntries(supabase, { limit: 1 }));
    const next = ok(await listEntries(supabase, { limit: 1, before: newest.id }));
    expect(next.map((entry) => entry.id)).toEqual([sleepEntry]);
    empty(await listEntries(supabase, { limit: 1, before: sleepEntry }));
  });

  it('bad input is 400 PT400 (limit, an unknown before, startDate after endDate)', async () => {
    const supabase = await supabaseAs(author);
    refused(await listEntries(supabase, { limit: 1000 }), 400, 'PT400');
    refused(await listEntries(supabase, { before: crypto.randomUUID() }), 400, 'PT400', 'before is not one of your journal entries');
    refused(await listEntries(supabase, { startDate: '2025-02-01', endDate: '2025-01-01' }), 400, 'PT400');
  });

  it('another person lists only their own (none), and cannot page from the author\'s entry (400); the anon key gets 401', async () => {
    empty(await listEntries(await supabaseAs(other)));
    refused(await listEntries(await supabaseAs(other), { before: sleepEntry }), 400, 'PT400', 'before is not one of your journal entries');
    anonRefused(await listEntries(await supabaseAs()));
  });

  it('the table itself answers the author only, too', async () => {
    expect(ok(await (await supabaseAs(author)).from('journal_entries').select('id').order('created_at'))).toHaveLength(2);
    empty(await (await supabaseAs(other)).from('journal_entries').select('id').eq('id', sleepEntry));
    anonRefused(await (await supabaseAs()).from('journal_entries').select('id'));
  });
});

describe('PUT /journal/entries/:id: from(journal_entries).update(…).eq(id)', () => {
  it('the author updates their entry (204)', async () => {
    const supabase = await supabaseAs(author);
    ok(await supabase.from('journal_entries').update({ title: 'A restless night', mood: 'neutral', tags: ['sleep'] }).eq('id', sleepEntry), 204);
    const [entry] = ok(await listEntries(supabase, { mood: 'neutral' }));
    expect(entry).toMatchObject({ id: sleepEntry, title: 'A restless night', tags: ['sleep'] });
  });

  it('another person\'s update reaches no row (200, empty with .select()), the anon key 401', async () => {
    empty(await (await supabaseAs(other)).from('journal_entries').update({ title: 'Hijacked' }).eq('id', sleepEntry).select('id'));
    anonRefused(await (await supabaseAs()).from('journal_entries').update({ title: 'Hijacked' }).eq('id', sleepEntry));
  });

  it('derived and owner columns are not writable: 403 42501', async () => {
    const supabase = await supabaseAs(author);
    forbidden(await supabase.from('journal_entries').update({ user_id: other.id }).eq('id', sleepEntry));
    forbidden(await supabase.from('journal_entries').update({ created_at: '2020-01-01T00:00:00Z' }).eq('id', sleepEntry));
  });
});

describe('POST /journal/entries/:id/favorite: rpc(toggle_journal_favorite)', () => {
  it('toggles and answers the whole entry with the new isFavorite', async () => {
    const supabase = await supabaseAs(author);
    const on = ok(await toggleFavorite(supabase, workEntry));
    expect(on).toMatchObject({ id: workEntry, title: 'Good day at work', tags: ['work'], isFavorite: true });
    expect(Object.keys(on).sort()).toEqual(['content', 'createdAt', 'id', 'isFavorite', 'language', 'mood', 'tags', 'title', 'updatedAt']);
    expect(ok(await listEntries(supabase, { favoritesOnly: true })).map((entry) => entry.id)).toEqual([workEntry]);
    expect(ok(await toggleFavorite(supabase, workEntry))).toMatchObject({ id: workEntry, isFavorite: false });
  });

  it('another person\'s entry, or none: 404 PT404; the anon key: 401', async () => {
    refused(await toggleFavorite(await supabaseAs(other), workEntry), 404, 'PT404', 'No such journal entry');
    refused(await toggleFavorite(await supabaseAs(author), crypto.randomUUID()), 404, 'PT404');
    anonRefused(await toggleFavorite(await supabaseAs(), workEntry));
    expect(ok(await listEntries(await supabaseAs(author), { favoritesOnly: true }))).toEqual([]);
  });
});

describe('DELETE /journal/entries/:id: from(journal_entries).delete().eq(id)', () => {
  it('another person deletes nothing (200, empty with .select()); the anon key gets 401', async () => {
    empty(await (await supabaseAs(other)).from('journal_entries').delete().eq('id', workEntry).select('id'));
    anonRefused(await (await supabaseAs()).from('journal_entries').delete().eq('id', workEntry));
  });

  it('the author deletes their entry (204)', async () => {
    const supabase = await supabaseAs(author);
    ok(await supabase.from('journal_entries').delete().eq('id', workEntry), 204);
    expect(ok(await listEntries(supabase)).map((entry) => entry.id)).toEqual([sleepEntry]);
  });
});
