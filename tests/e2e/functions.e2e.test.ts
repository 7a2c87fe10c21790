/**
 * End to end over HTTP: the functions as real Deno serves them at /functions/v1/<name> (the gateway `npm start`
 * runs), with tokens signed as Supabase Auth signs them. What the in-process suites prove about each function
 * must hold through the gateway too: routing, the JWT check, the error shape, CORS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiKey } from '../../scripts/lib/tokens.ts';
import { succeeded } from '../support/data-api.ts';
import { startPushService } from '../support/push-service.ts';
import { adminSql, createUser, env, expectErrorShape, forgedTokens, supabaseAs, type TestUser, tokenFor } from '../support/stack.ts';

let member: TestUser;

beforeAll(async () => {
  member = await createUser('e2e-member', { metadata: { firstName: 'Eve' } });
});

const call = (path: string, init: RequestInit = {}) => fetch(`${env.functionsUrl}${path}`, init);

describe('functions over HTTP', () => {
  it('GET /functions/v1/health answers 200 with the database ok', async () => {
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
  });

  it('GET /functions/v1/whoami answers the caller\'s identity for a user token', async () => {
    const response = await call('/whoami', { headers: { authorization: `Bearer ${await tokenFor(member)}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: member.id, databaseRole: 'authenticated', profile: { displayName: 'Eve' } });
  });

  it('GET /functions/v1/whoami answers 401 in the error shape without a token and for every bad token', async () => {
    const missing = await call('/whoami');
    expect(missing.status).toBe(401);
    expectErrorShape(await missing.json(), 401);
    for (const [kind, token] of Object.entries(await forgedTokens(member))) {
      const response = await call('/whoami', { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, kind).toBe(401);
      expectErrorShape(await response.json(), 401);
    }
  });

  it('DELETE /functions/v1/account deletes the caller\'s account, after which their token is refused', async () => {
    const leaving = await createUser('e2e-leaving');
    const headers = { authorization: `Bearer ${await tokenFor(leaving)}`, 'content-type': 'application/json' };
    const unconfirmed = await call('/account', { method: 'DELETE', headers, body: '{}' });
    expect(unconfirmed.status).toBe(400);
    expectErrorShape(await unconfirmed.json(), 400);
    const response = await call('/account', { method: 'DELETE', headers, body: JSON.stringify({ confirm: true }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: true, userId: leaving.id, filesRemoved: 0 });
    expect((await call('/whoami', { headers })).status).toBe(401);
  });

  it('GET /functions/v1/mood-stats answers the caller\'s statistics, and 400 for a bad date', async () => {
    const headers = { authorization: `Bearer ${await tokenFor(member)}` };
    const response = await call('/mood-stats', { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ totalEntries: 0, streaks: { current: 0, longest: 0 } });
    const bad = await call('/mood-stats?from=tomorrow', { headers });
    expect(bad.status).toBe(400);
    expectErrorShape(await bad.json(), 400);
  });

  it('POST /functions/v1/chat-match queues a seeker (202) or matches them (200), and 400 for a bad body', async () => {
    const seeker = await createUser('e2e-seeker');
    const headers = { authorization: `Bearer ${await tokenFor(seeker)}`, 'content-type': 'application/json' };
    const response = await call('/chat-match', { method: 'POST', headers, body: JSON.stringify({ topic: 'exam stress' }) });
    expect([200, 202]).toContain(response.status);
    expect((await response.json()).status).toMatch(/^(matched|queued)$/);
    const status = await call('/chat-match', { headers });
    expect(status.status).toBe(200);
    const cancelled = await call('/chat-match', { method: 'DELETE', headers });
    expect(await cancelled.json()).toEqual({ status: 'cancelled' });
    const bad = await call('/chat-match', { method: 'POST', headers, body: JSON.stringify({ asListener: 'maybe' }) });
    expect(bad.status).toBe(400);
    expectErrorShape(await bad.json(), 400);
    expect((await call('/chat-match', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('booking over HTTP: slots, a booking with an Idempotency-Key (retry returns it), the list, 400 and 401', async () => {
    const [client, therapist] = await Promise.all([createUser('e2e-client'), createUser('e2e-therapist')]);
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate, minimum_notice_minutes)
              values (${therapist.id}, 'Dr. E2E', '{grief}', 90, 0)`;
    await sql`insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
              select ${therapist.id}, d, '08:00', '20:00' from generate_series(1, 7) as d`;
    const headers = { authorization: `Bearer ${await tokenFor(client)}`, 'content-type': 'application/json' };
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const slots = await call(`/booking/slots?therapistId=${therapist.id}&from=${day}&to=${day}&tz=UTC`, { headers });
    expect(slots.status).toBe(200);
    const [first] = (await slots.json()).slots as Array<{ start: string }>;
    expect(first.start).toBe(`${day}T08:00:00+00:00`);
    const booking = { method: 'POST', headers: { ...headers, 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify({ therapistId: therapist.id, scheduledAt: first.start }) };
    const booked = await call('/booking', booking);
    expect(booked.status).toBe(201);
    const session = await booked.json();
    expect(session).toMatchObject({ therapist: { id: therapist.id, name: 'Dr. E2E', specialty: 'Grief & Loss' }, type: 'video', status: 'scheduled' });
    expect((await (await call('/booking', booking)).json()).id).toBe(session.id);
    expect((await (await call('/booking?status=upcoming', { headers })).json()).map((row: { id: string }) => row.id)).toEqual([session.id]);
    const bad = await call('/booking', { method: 'POST', headers, body: JSON.stringify({ therapistId: therapist.id, scheduledAt: 'tomorrow' }) });
    expect(bad.status).toBe(400);
    expectErrorShape(await bad.json(), 400);
    expect((await call('/booking', { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('notifications over HTTP: a push encrypted by Deno decrypts with the reference implementation on Node', async () => {
    const push = await startPushService();
    try {
      const person = await createUser('e2e-push');
      const browser = push.browser();
      const { endpoint, keys } = browser.subscription;
      succeeded(await (await supabaseAs(person)).rpc('register_push_subscription', { endpoint, keys }), 'rpc(register_push_subscription)');
      const key = await (await call('/notifications/vapid-public-key')).json();
      const response = await call('/notifications/send', {
        method: 'POST',
        headers: { authorization: `Bearer ${await apiKey('service_role', env.jwtSecret)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: person.id, title: 'Hello', body: 'From Deno', type: 'achievement' }),
      });
      expect(response.status).toBe(201);
      expect((await response.json()).devices).toEqual([expect.objectContaining({ status: 'sent', httpStatus: 201 })]);
      expect(push.received).toHaveLength(1);
      expect(push.received[0].payload).toMatchObject({ title: 'HealSpace', body: 'You reached a milestone', type: 'achievement' });
      expect(push.received[0].vapid.publicKey).toBe(key.publicKey);
    } finally {
      await push.close();
    }
  });

  it('serves each function\'s OpenAPI 3.1 document without a token', async () => {
    const response = await call('/booking/openapi.json');
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toContain('/functions/v1/booking/{id}/rate');
  });

  it('answers an unknown function with a 404 in the error shape', async () => {
    const response = await call('/no-such-function');
    expect(response.status).toBe(404);
    expectErrorShape(await response.json(), 404);
  });

  it('answers an unknown route inside a function with a 404 in the error shape', async () => {
    const response = await call('/whoami/extra', { headers: { authorization: `Bearer ${await tokenFor(member)}` } });
    expect(response.status).toBe(404);
    expectErrorShape(await response.json(), 404);
  });

  it('answers a browser preflight with the CORS headers supabase-js needs', async () => {
    const response = await call('/whoami', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, x-client-info, apikey' },
    });
    expect(response.status).toBe(204);
    const allowed = response.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['authorization', 'x-client-info', 'apikey']) expect(allowed).toContain(header);
  });
});
