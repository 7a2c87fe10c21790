/**
 * Token verification, on its own: HS256 with the project secret, asymmetric keys through a JWKS endpoint
 * (served here on loopback, as a hosted project's /auth/v1/.well-known/jwks.json would be), and every way a token
 * can be wrong.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, requireUserClaims, verifyAccessToken } from '../../functions/_shared/auth.ts';
import { HttpError } from '../../functions/_shared/errors.ts';

const secret = 'unit-test-secret-with-at-least-32-characters!';
const sub = '6f1c9a52-2f5e-4a8e-9a51-5d1f3c2b7e10';
const key = new TextEncoder().encode(secret);
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

async function hs256(claims: Record<string, unknown>, signingKey = key): Promise<string> {
  return await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(signingKey);
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('bearerToken', () => {
  it('reads the token from an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it.each([undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens'])('refuses %j with 401', (header) => {
    let thrown: unknown;
    try {
      bearerToken(header);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as HttpError).status).toBe(401);
  });
});

describe('verifyAccessToken with the HS256 project secret', () => {
  beforeAll(() => {
    process.env.JWT_SECRET = secret;
    delete process.env.JWKS_URL;
    delete process.env.SUPABASE_URL;
  });

  it('accepts a user token and returns its claims', async () => {
    const claims = await verifyAccessToken(await hs256({ sub, role: 'authenticated', exp: inOneHour(), email: 'a@b.c' }));
    expect(claims).toMatchObject({ sub, role: 'authenticated', email: 'a@b.c' });
    expect(requireUserClaims(claims).sub).toBe(sub);
  });

  it('accepts the anon key, which is not a user', async () => {
    const claims = await verifyAccessToken(await hs256({ role: 'anon', exp: inOneHour() }));
    expect(claims.role).toBe('anon');
    expect(() => requireUserClaims(claims)).toThrow('Sign-in required');
  });

  it('refuses an expired token with "Token expired"', async () => {
    const error = await rejection(verifyAccessToken(await hs256({ sub, role: 'authenticated', exp: Math.floor(Date.now() / 1000) - 10 })));
    expect([error.status, error.message]).toEqual([401, 'Token expired']);
    expect(error.headers['WWW-Authenticate']).toContain('invalid_token');
  });

  it.each([
    ['signed with another secret', async () => await hs256({ sub, role: 'authenticated', exp: inOneHour() }, new TextEncoder().encode('x'.repeat(40)))],
    ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, role: 'authenticated', exp: inOneHour() })).toString('base64url')}.`],
    ['without exp', async () => await hs256({ sub, role: 'authenticated' })],
    ['without role', async () => await hs256({ sub, exp: inOneHour() })],
    ['with a database role that is not an API role', async () => await hs256({ sub, role: 'postgres', exp: inOneHour() })],
    ['with a subject that is not a uuid', async () => await hs256({ sub: "1' or '1'='1", role: 'authenticated', exp: inOneHour() })],
    ['that is not a JWT', async () => 'garbage'],
  ])('refuses a token %s with 401', async (_label, makeToken) => {
    expect((await rejection(verifyAccessToken(await makeToken()))).status).toBe(401);
  });

  it('refuses HS256 tokens when the project has no secret configured', async () => {
    const token = await hs256({ sub, role: 'authenticated', exp: inOneHour() });
    delete process.env.JWT_SECRET;
    try {
      expect((await rejection(verifyAccessToken(token))).status).toBe(401);
    } finally {
      process.env.JWT_SECRET = secret;
    }
  });
});

describe('verifyAccessToken with asymmetric signing keys (JWKS)', () => {
  let server: Server;
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    process.env.JWKS_URL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/auth/v1/.well-known/jwks.json`;
  });

  afterAll(async () => {
    delete process.env.JWKS_URL;
    await new Promise((resolve) => server.close(resolve));
  });

  const es256 = (claims: Record<string, unknown>, privateKey: CryptoKey) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'test-key' }).sign(privateKey);

  it('accepts a token signed by a key the JWKS publishes', async () => {
    const claims = await verifyAccessToken(await es256({ sub, role: 'authenticated', exp: inOneHour() }, signingKey));
    expect(claims.sub).toBe(sub);
  });

  it('refuses a token signed by any other key', async () => {
    expect((await rejection(verifyAccessToken(await es256({ sub, role: 'authenticated', exp: inOneHour() }, otherKey)))).status).toBe(401);
  });
});
