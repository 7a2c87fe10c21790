/**
 * The data API as the frontend meets it: the real supabase-js client against the real PostgREST (pinned binary),
 * through API_URL/rest/v1, with tokens signed as Supabase Auth signs them. Statuses and error codes are asserted as
 * supabase-js returns them. Every mapped table, view and RPC, from both sides, is in data-api-<domain>.e2e.test.ts;
 * hostile input is in data-api-hostile.e2e.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let ava: TestUser;
let ben: TestUser;

beforeAll(async () => {
  [ava, ben] = await Promise.all([
    createUser('rest-ava', { metadata: { firstName: 'Ava', lastName: 'Rest' } }),
    createUser('rest-ben', { metadata: { firstName: 'Ben', lastName: 'Rest' } }),
  ]);
});

describe('GET /users/profile: from(my_profile)', () => {
  it('answers the signed-in person their own profile in the seed\'s shape', async () => {
    const supabase = await supabaseAs(ava);
    const { data, error, status } = await supabase.from('my_profile').select().single();
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toMatchObject({ id: ava.id, firstName: 'Ava', lastName: 'Rest', privacySettings: { anonymousMode: false } });
    expect(data?.realtimeTopic).toMatch(/^user:[0-9a-f-]{36}$/);
    expect(data?.realtimeTopic).not.toContain(ava.id);
  });

  it('answers nobody else\'s row (the other person sees only their own)', async () => {
    const supabase = await supabaseAs(ben);
    const { data, error } = await supabase.from('my_profile').select('id');
    expect(error).toBeNull();
    expect(data).toEqual([{ id: ben.id }]);
  });

  it('refuses the anon key alone with 401 and 42501', async () => {
    const supabase = await supabaseAs();
    const { data, error, status } = await supabase.from('my_profile').select('id');
    expect(data).toBeNull();
    expect(status).toBe(401);
    expect(error?.code).toBe('42501');
  });
});

// types/database.ts predates migration 20261202120000 (update_privacy_settings took `settings`): the seed's body is
// cast until it is regenerated.
describe('PUT /users/privacy: rpc(update_privacy_settings, body)', () => {
  it('updates with the seed\'s body as it is and answers all eight', async () => {
    const supabase = await supabaseAs(ava);
    const { data, error, status } = await supabase.rpc('update_privacy_settings', { hidePhone: false } as never);
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toMatchObject({ hidePhone: false, anonymousMode: false });
  });

  it('refuses an unknown key with 400 and the database\'s PT400', async () => {
    const supabase = await supabaseAs(ava);
    const { data, error, status } = await supabase.rpc('update_privacy_settings', { hideEverything: true } as never);
    expect(data).toBeNull();
    expect(status).toBe(400);
    expect(error?.code).toBe('PT400');
    expect(error?.message).toBe('Unknown privacy setting: hideEverything');
  });
});

describe('search input never reaches the parser as operators (issue 15: XX000 / 54001 / timeouts, HTTP 500)', () => {
  it('GET /journal/entries?search=: operators are plain text, answered 200', async () => {
    const supabase = await supabaseAs(ava);
    for (const search of ['-'.repeat(34), '!(&|<->:*'.repeat(20), '"a" or "b" or -c', '悲しい -眠れない'.repeat(10)]) {
      const { error, status } = await supabase.rpc('list_journal_entries', { search });
      expect({ search, status, error }).toMatchObject({ status: 200, error: null });
    }
  });

  it('a search over 200 characters is a 400 with PT400, never a timeout', async () => {
    const supabase = await supabaseAs(ava);
    const { data, error, status } = await supabase.rpc('list_journal_entries', { search: 'word '.repeat(12_000) });
    expect(data).toBeNull();
    expect(status).toBe(400);
    expect(error?.code).toBe('PT400');
    const groups = await supabase.rpc('list_groups', { search: '-'.repeat(201) });
    expect(groups.status).toBe(400);
    expect(groups.error?.code).toBe('PT400');
  });

  it('GET /groups?search=: 34 dashes answer 200 too', async () => {
    const supabase = await supabaseAs(ava);
    const { error, status } = await supabase.rpc('list_groups', { search: '-'.repeat(34) });
    expect({ status, error }).toMatchObject({ status: 200, error: null });
  });
});

describe('POST push subscriptions: rpc(register_push_subscription)', () => {
  it('refuses an endpoint that is not printable ASCII (bytes past the index\'s limit were an HTTP 500) with 400', async () => {
    const supabase = await supabaseAs(ava);
    const { data, error, status } = await supabase.rpc('register_push_subscription', {
      endpoint: `https://fcm.googleapis.com/fcm/send/${'漢'.repeat(1_900)}`, keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
    });
    expect(data).toBeNull();
    expect(status).toBe(400);
    expect(error?.code).toBe('PT400');
  });

  it('registers a real-looking endpoint', async () => {
    const supabase = await supabaseAs(ava);
    const { data, error, status } = await supabase.rpc('register_push_subscription', {
      endpoint: `https://fcm.googleapis.com/fcm/send/rest-${crypto.randomUUID()}`, keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) },
    });
    expect({ status, error }).toMatchObject({ status: 200, error: null });
    expect(data).toMatch(/^[0-9a-f-]{36}$/);
  });
});
