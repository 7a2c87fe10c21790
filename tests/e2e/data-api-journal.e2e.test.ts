/**
 * The journal through the data API (README "Journal"): GET /journal/entries (rpc list_journal_entries), POST, PUT and
 * DELETE /journal/entries (journal_entries insert, update, delete) and POST /journal/entries/:id/favorite
 * (rpc toggle_journal_favorite). Only the author ever reads or changes an entry: another person gets empty answers
 * or the 404 the function raises, the anon key 401.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

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
    const [work] = ok(await supabase.rpc('list_journal_entries', { with_tags: ['work'] }));
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
    const all = ok(await supabase.rpc('list_journal_entries', { page_size: 20 }));
    expect(all.map((entry) => entry.title)).toEqual(['Good day at work', 'Restless night']);
    expect(Object.keys(all[0]).sort()).toEqual(['content', 'created_at', 'id', 'is_favorite', 'language', 'mood', 'rank', 'tags', 'title', 'updated_at']);
    expect(ok(await supabase.rpc('list_journal_entries', { with_mood: 'sad' })).map((entry) => entry.id)).toEqual([sleepEntry]);
    expect(ok(await supabase.rpc('list_journal_entries', { with_tags: ['sleep', 'work'], match_all_tags: true }))).toEqual([]);
  });

  it('searches by rank and pages by keyset (before_created_at, before_id, before_rank)', async () => {
    const supabase = await supabaseAs(author);
    const [hit] = ok(await supabase.rpc('list_journal_entries', { search: 'sleep or anxious', search_language: 'english' }));
    expect(hit).toMatchObject({ id: sleepEntry, rank: expect.any(Number) });
    const [newest] = ok(await supabase.rpc('list_journal_entries', { page_size: 1 }));
    const next = ok(await supabase.rpc('list_journal_entries', { page_size: 1, before_created_at: newest.created_at, before_id: newest.id }));
    expect(next.map((entry) => entry.id)).toEqual([sleepEntry]);
  });

  it('bad input is 400 PT400 (page size, half a cursor, created_from after created_to)', async () => {
    const supabase = await supabaseAs(author);
    refused(await supabase.rpc('list_journal_entries', { page_size: 1000 }), 400, 'PT400');
    refused(await supabase.rpc('list_journal_entries', { before_created_at: new Date().toISOString() }), 400, 'PT400');
    refused(await supabase.rpc('list_journal_entries', { created_from: '2025-02-01T00:00:00Z', created_to: '2025-01-01T00:00:00Z' }), 400, 'PT400');
  });

  it('another person lists only their own (none); the anon key gets 401', async () => {
    empty(await (await supabaseAs(other)).rpc('list_journal_entries', {}));
    anonRefused(await (await supabaseAs()).rpc('list_journal_entries', {}));
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
    const [entry] = ok(await supabase.rpc('list_journal_entries', { with_mood: 'neutral' }));
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
  it('toggles and answers the new flag', async () => {
    const supabase = await supabaseAs(author);
    expect(ok(await supabase.rpc('toggle_journal_favorite', { entry_id: workEntry }))).toBe(true);
    expect(ok(await supabase.rpc('list_journal_entries', { favorites_only: true })).map((entry) => entry.id)).toEqual([workEntry]);
    expect(ok(await supabase.rpc('toggle_journal_favorite', { entry_id: workEntry }))).toBe(false);
  });

  it('another person\'s entry, or none: 404 PT404; the anon key: 401', async () => {
    refused(await (await supabaseAs(other)).rpc('toggle_journal_favorite', { entry_id: workEntry }), 404, 'PT404', 'No such journal entry');
    refused(await (await supabaseAs(author)).rpc('toggle_journal_favorite', { entry_id: crypto.randomUUID() }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('toggle_journal_favorite', { entry_id: workEntry }));
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
    expect(ok(await supabase.rpc('list_journal_entries', {})).map((entry) => entry.id)).toEqual([sleepEntry]);
  });
});
