/**
 * `chat-match` in-process against the real database, under real concurrency: 200 seekers and 50 listeners asking at
 * once are matched without a double match, a self-match or a blocked pair; queueing, cancel, expiry, bad input, bad
 * tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSql, createUser, expectErrorShape, forgedTokens, type TestUser, tokenFor } from '../support/stack.ts';

// More connections than the default pool, so that requests really overlap in the database.
process.env.DB_POOL_MAX = '24';
const { app } = await import('../../functions/chat-match/app.ts');
const { closeDatabase } = await import('../../functions/_shared/db.ts');

afterAll(closeDatabase);

const ask = async (user: TestUser, body: unknown = {}) =>
  app.request('/chat-match', {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(user)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function makeListeners(prefix: string, count: number): Promise<TestUser[]> {
  const listeners = await Promise.all(Array.from({ length: count }, (_, index) => createUser(`${prefix}-${index}`)));
  await adminSql()`update public.profiles set is_listener = true where id = any(${listeners.map((listener) => listener.id)}::uuid[])`;
  return listeners;
}

describe('POST /chat-match under load', () => {
  let seekers: TestUser[];
  let listeners: TestUser[];

  beforeAll(async () => {
    seekers = await Promise.all(Array.from({ length: 200 }, (_, index) => createUser(`load-seeker-${index}`)));
    listeners = await makeListeners('load-listener', 50);
    // Ten pairs that must never meet.
    await adminSql()`
      insert into private.user_blocks (blocker_id, blocked_id)
      select unnest(${seekers.slice(0, 10).map((seeker) => seeker.id)}::uuid[]), unnest(${listeners.slice(0, 10).map((listener) => listener.id)}::uuid[])`;
  }, 120_000);

  it('matches 200 seekers and 50 listeners asking at once with no double match, self-match or blocked pair', async () => {
    const everyone = [...seekers.map((user) => ({ user, body: {} })), ...listeners.map((user) => ({ user, body: { asListener: true } }))]
      .sort(() => Math.random() - 0.5);
    const responses = await Promise.all(everyone.map(({ user, body }) => ask(user, body)));
    for (const response of responses) expect([200, 202]).toContain(response.status);

    const userIds = [...seekers, ...listeners].map((user) => user.id);
    const pairs = await adminSql()<{ conversation_id: string; users: string[]; roles: string[] }[]>`
      select q.conversation_id, array_agg(q.user_id order by q.role) as users, array_agg(q.role::text order by q.role) as roles
      from private.chat_queue as q
      where q.status = 'matched' and q.user_id = any(${userIds}::uuid[])
      group by q.conversation_id`;
    const matchedUsers = pairs.flatMap((pair) => pair.users);
    expect(new Set(matchedUsers).size, 'nobody is matched twice').toBe(matchedUsers.length);
    for (const pair of pairs) {
      expect(pair.roles).toEqual(['seeker', 'listener']);
      expect(pair.users[0]).not.toBe(pair.users[1]);
    }
    const [blocked] = await adminSql()<{ count: number }[]>`
      select count(*)::int as count from private.chat_participants as a
      join private.chat_participants as b on b.conversation_id = a.conversation_id and b.id <> a.id
      join private.user_blocks as k on k.blocker_id = a.user_id and k.blocked_id = b.user_id`;
    expect(blocked.count, 'no blocked pair is ever matched').toBe(0);
    const [participants] = await adminSql()<{ conversations: number; rows: number }[]>`
      select count(distinct conversation_id)::int as conversations, count(*)::int as rows
      from private.chat_participants where conversation_id = any(${pairs.map((pair) => pair.conversation_id)}::uuid[])`;
    expect(participants.rows).toBe(participants.conversations * 2);
    // Every listener ends up with someone: 190 seekers remain waiting and none of them is blocked with every listener.
    expect(pairs.length).toBe(50);
  }, 120_000);
});

describe('the queue', () => {
  it('queues a seeker when nobody listens, with a position, and tells the listener who arrives later at once', async () => {
    const [lonely] = await Promise.all([createUser('queue-lonely')]);
    // Drain any waiting listeners of other tests out of the way by asking as a fresh topic-less seeker is not enough:
    // make sure no listener waits, then ask.
    await adminSql()`update private.chat_queue set status = 'cancelled' where status = 'waiting' and role = 'listener'`;
    const queued = await ask(lonely, { topic: 'grief' });
    expect(queued.status).toBe(202);
    expect(await queued.json()).toMatchObject({ status: 'queued', role: 'seeker', position: expect.any(Number), estimatedWaitSeconds: expect.any(Number) });

    const [listener] = await makeListeners('queue-listener', 1);
    await adminSql()`update private.chat_queue set status = 'cancelled' where status = 'waiting' and role = 'seeker' and user_id <> ${lonely.id}`;
    const matched = await ask(listener, { asListener: true });
    expect(matched.status).toBe(200);
    const answer = await matched.json();
    expect(answer).toMatchObject({ status: 'matched', conversationId: expect.any(String), partner: { id: expect.any(String), name: expect.stringMatching(/^Anonymous User #\d{4}$/) } });
    // Both hear matchFound on their personal topics, in the shape of the answer: { conversationId, partner { id, name } }
    // (and the broadcast's own id, which realtime.send gives a payload without one).
    const [broadcast] = await adminSql()`
      select payload from realtime.messages where topic = private.personal_topic(${lonely.id}) and event = 'matchFound' order by inserted_at desc limit 1`;
    expect(broadcast.payload).toEqual({ id: expect.any(String), conversationId: answer.conversationId, partner: { id: expect.any(String), name: expect.stringMatching(/^Anonymous User #\d{4}$/) } });
    expect(JSON.stringify(broadcast.payload)).not.toContain(listener.id);
    const [heardByListener] = await adminSql()`
      select payload from realtime.messages where topic = private.personal_topic(${listener.id}) and event = 'matchFound' order by inserted_at desc limit 1`;
    expect(heardByListener.payload).toEqual({ id: expect.any(String), conversationId: answer.conversationId, partner: answer.partner });
    expect(broadcast.payload.partner.id, 'each side hears the other as partner').not.toBe(answer.partner.id);
    expect(JSON.stringify(heardByListener.payload)).not.toContain(lonely.id);
    const [{ old }] = await adminSql()`
      select count(*)::int as old from realtime.messages where topic in (private.personal_topic(${lonely.id}), private.personal_topic(${listener.id})) and event = 'match_found'`;
    expect(old, 'no event under the old name').toBe(0);
    const status = await app.request('/chat-match', { headers: { authorization: `Bearer ${await tokenFor(lonely)}` } });
    expect(await status.json()).toMatchObject({ status: 'matched', conversationId: answer.conversationId });
  });

  it('lets a waiting person cancel, and expires stale entries', async () => {
    await adminSql()`update private.chat_queue set status = 'cancelled' where status = 'waiting' and role = 'listener'`;
    const [leaving, stale] = await Promise.all([createUser('queue-cancel'), createUser('queue-stale')]);
    expect((await ask(leaving)).status).toBe(202);
    const cancelled = await app.request('/chat-match', { method: 'DELETE', headers: { authorization: `Bearer ${await tokenFor(leaving)}` } });
    expect(await cancelled.json()).toEqual({ status: 'cancelled' });
    expect(await (await app.request('/chat-match', { headers: { authorization: `Bearer ${await tokenFor(leaving)}` } })).json())
      .toMatchObject({ status: 'cancelled' });

    expect((await ask(stale)).status).toBe(202);
    await adminSql()`update private.chat_queue set expires_at = now() - interval '1 second' where user_id = ${stale.id} and status = 'waiting'`;
    expect(await (await app.request('/chat-match', { headers: { authorization: `Bearer ${await tokenFor(stale)}` } })).json())
      .toMatchObject({ status: 'expired' });
  });

  it('refuses to queue someone as a listener who has not opted in (403)', async () => {
    const person = await createUser('queue-not-listener');
    const response = await ask(person, { asListener: true });
    expect(response.status).toBe(403);
    expectErrorShape(await response.json(), 403);
  });

  it.each([
    [{ topic: '' }, 'topic'],
    [{ topic: 'x'.repeat(81) }, 'topic'],
    [{ asListener: 'yes' }, 'asListener'],
    [{ preferParticipantId: 'someone' }, 'preferParticipantId'],
    [{ extra: true }, '(root)'],
  ])('answers 400 for %j', async (body, field) => {
    const person = await createUser('queue-bad-body');
    const response = await ask(person, body);
    expect(response.status).toBe(400);
    const error = await response.json();
    expectErrorShape(error, 400);
    expect(error.details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('answers 401 without a token and for every bad token', async () => {
    const person = await createUser('queue-bad-token');
    expect((await app.request('/chat-match', { method: 'POST' })).status).toBe(401);
    for (const [kind, token] of Object.entries(await forgedTokens(person))) {
      const response = await app.request('/chat-match', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
      expect(response.status, kind).toBe(401);
    }
  });
});
