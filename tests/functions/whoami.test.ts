/**
 * `whoami` in-process against the real test database: the caller's identity as the database sees it, read through
 * RLS as the caller, and a 401 in the seed's error shape for every token that does not name a living user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../functions/_shared/db.ts';
import { app, type WhoamiBody } from '../../functions/whoami/app.ts';
import { apiKey } from '../../scripts/lib/tokens.ts';
import { createUser, deleteUser, env, expectErrorShape, forgedTokens, type TestUser, tokenFor } from '../support/stack.ts';

let member: TestUser;
let visitor: TestUser;

beforeAll(async () => {
  member = await createUser('whoami-member', { metadata: { firstName: 'Mira' } });
  visitor = await createUser('whoami-visitor', { anonymous: true });
});

afterAll(closeDatabase);

const whoami = (token?: string) => app.request('/whoami', { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /whoami', () => {
  it('answers the caller\'s identity as the database sees it (auth.uid(), role, own profile)', async () => {
    const response = await whoami(await tokenFor(member));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as WhoamiBody;
    expect(body).toMatchObject({
      id: member.id,
      email: member.email,
      role: 'authenticated',
      isAnonymous: false,
      databaseRole: 'authenticated',
      appRole: 'client',
      profile: { displayName: 'Mira' },
    });
  });

  it('serves anonymous sign-ins, who are users too', async () => {
    const response = await whoami(await tokenFor(visitor));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: visitor.id, email: null, isAnonymous: true, profile: { displayName: null } });
  });

  it('answers 401 without a token, with a WWW-Authenticate challenge', async () => {
    const response = await whoami();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectErrorShape(await response.json(), 401);
  });

  it('answers 401 to the anon and service_role API keys: neither is a signed-in person', async () => {
    for (const role of ['anon', 'service_role'] as const) {
      const response = await whoami(await apiKey(role, env.jwtSecret));
      expect(response.status, role).toBe(401);
      expectErrorShape(await response.json(), 401);
    }
  });

  it('answers 401 to every forged, expired or malformed token', async () => {
    const tokens = await forgedTokens(member);
    for (const [kind, token] of Object.entries(tokens)) {
      const response = await whoami(token);
      expect(response.status, kind).toBe(401);
      expectErrorShape(await response.json(), 401);
    }
  });

  it('answers 401 to a valid token of a deleted account', async () => {
    const leaving = await createUser('whoami-leaving');
    const token = await tokenFor(leaving);
    expect((await whoami(token)).status).toBe(200);
    await deleteUser(leaving.id);
    const response = await whoami(token);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, message: 'This account no longer exists' });
  });

  it('answers CORS preflights for browser clients', async () => {
    const response = await app.request('/whoami', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});
