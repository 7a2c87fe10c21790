/**
 * What vitest suites share: the test database (as its owner, to create fixtures through the `tests` helpers that
 * the pgTAP suites use too), and access tokens, good and forged, signed like Supabase Auth signs them.
 */
import { createClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import postgres from 'postgres';
import ws from 'ws';
import { afterAll } from 'vitest';
import { accessTokenAppMetadataSql } from '../../scripts/lib/stack.ts';
import { type AuthUserRow, userAccessToken } from '../../scripts/lib/tokens.ts';
import type { Database } from '../../types/database.ts';

export const env = {
  dbUrl: process.env.DB_URL ?? '',
  jwtSecret: process.env.JWT_SECRET ?? '',
  functionsUrl: process.env.FUNCTIONS_URL ?? '',
  apiUrl: process.env.API_URL ?? '',
  anonKey: process.env.ANON_KEY ?? '',
};

let admin: postgres.Sql | undefined;

/** The test database as its owner. Closed after the file's tests. */
export function adminSql(): postgres.Sql {
  if (!admin) {
    admin = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
    afterAll(async () => {
      await admin?.end();
      admin = undefined;
    });
  }
  return admin;
}

/** A unique identifier, so files running in parallel never share a fixture. */
export function uniqueIdentifier(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export type TestUser = AuthUserRow & { identifier: string };

/** Creates a committed auth user through `tests.create_supabase_user` (its profile comes from the real trigger). */
export async function createUser(prefix: string, options: { metadata?: Record<string, unknown>; anonymous?: boolean } = {}): Promise<TestUser> {
  const identifier = uniqueIdentifier(prefix);
  const sql = adminSql();
  const [{ id }] = await sql<{ id: string }[]>`
    select tests.create_supabase_user(${identifier}, metadata => ${sql.json((options.metadata ?? {}) as postgres.JSONValue)}, is_anonymous => ${options.anonymous ?? false}) as id`;
  const [row] = await sql<AuthUserRow[]>`
    select u.id, u.email, u.phone, u.is_anonymous, ${sql.unsafe(accessTokenAppMetadataSql)} as raw_app_meta_data, u.raw_user_meta_data
    from auth.users as u where u.id = ${id}`;
  return { ...row, identifier };
}

export async function deleteUser(userId: string): Promise<void> {
  await adminSql()`delete from auth.users where id = ${userId}`;
}

export async function tokenFor(user: AuthUserRow, options: { expiresInSeconds?: number; issuedAt?: number; secret?: string } = {}): Promise<string> {
  return await userAccessToken(user, { apiUrl: env.apiUrl || 'http://127.0.0.1:54321', secret: env.jwtSecret, ...options });
}

/** Tokens that must all be refused with 401. */
export async function forgedTokens(user: AuthUserRow): Promise<Record<string, string>> {
  const valid = await tokenFor(user);
  const [header, payload, signature] = valid.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return {
    expired: await tokenFor(user, { issuedAt: now - 7200, expiresInSeconds: 3600 }),
    'signed with another secret': await tokenFor(user, { secret: 'another-secret-that-is-at-least-32-characters' }),
    'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    'tampered payload': `${header}.${encode({ ...claims, sub: crypto.randomUUID() })}.${signature}`,
    'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    'not a JWT': 'not-a-token',
    'role escalation to postgres': await new SignJWT({ ...claims, role: 'postgres' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(env.jwtSecret)),
    'no expiry': await new SignJWT({ ...claims, exp: undefined })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(env.jwtSecret)),
  };
}

/** The seed's error shape, as every failure must be answered. */
export function expectErrorShape(body: unknown, statusCode: number): void {
  const error = body as Record<string, unknown>;
  if (
    typeof error !== 'object' || error === null || error.statusCode !== statusCode || typeof error.message !== 'string' ||
    typeof error.error !== 'string' || !Array.isArray(error.details)
  ) {
    throw new Error(`expected the error shape with statusCode ${statusCode}, got ${JSON.stringify(body)}`);
  }
}

/**
 * The real supabase-js client against API_URL (the gateway: PostgREST at /rest/v1), as the frontend builds it: the
 * anon key, and the person's access token when signed in. Node 20 has no WebSocket of its own, so Realtime gets `ws`.
 */
export async function supabaseAs(user?: AuthUserRow) {
  const token = user ? await tokenFor(user) : undefined;
  return createClient<Database>(env.apiUrl, env.anonKey, {
    // ws's constructor type is wider than realtime-js declares; at run time it is exactly what realtime-js expects.
    realtime: { transport: ws as never },
    auth: { persistSession: false, autoRefreshToken: false },
    ...(token ? { global: { headers: { Authorization: `Bearer ${token}` } } } : {}),
  });
}
