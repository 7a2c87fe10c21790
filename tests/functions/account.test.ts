/**
 * `account` in-process against the real test database: a person deletes their own account; nothing is left of them
 * but an anonymous account_deleted event in the audit log, and nothing is deleted at all when their files cannot be
 * removed first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJwt, SignJWT } from 'jose';
import { app, maxSignInAgeSeconds } from '../../functions/account/app.ts';
import { closeDatabase } from '../../functions/_shared/db.ts';
import { adminSql, createUser, env, expectErrorShape, forgedTokens, tokenFor } from '../support/stack.ts';

afterAll(closeDatabase);

const deleteAccount = (token: string | undefined, body: unknown = { confirm: true }) =>
  app.request('/account', {
    method: 'DELETE',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function leftovers(userId: string): Promise<Record<string, number>> {
  const [row] = await adminSql()<Record<string, number>[]>`
    select (select count(*)::int from auth.users where id = ${userId}) as auth_users,
           (select count(*)::int from auth.identities where user_id = ${userId}) as identities,
           (select count(*)::int from public.profiles where id = ${userId}) as profiles,
           (select count(*)::int from private.profile_cards where profile_id = ${userId}) as public_profiles`;
  return row;
}

describe('DELETE /account', () => {
  it('deletes the caller\'s account and everything of theirs, and records the deletion', async () => {
    const person = await createUser('account-leaving', { metadata: { firstName: 'Lea' } });
    const token = await tokenFor(person);
    const [{ before }] = await adminSql()<{ before: Date }[]>`select now() as before`;
    const response = await deleteAccount(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: true, userId: person.id, filesRemoved: 0 });
    expect(await leftovers(person.id)).toEqual({ auth_users: 0, identities: 0, profiles: 0, public_profiles: 0 });
    // The log keeps that an account was deleted, never whose (no row anywhere may hold a deleted person's id).
    // (Other suites delete accounts meanwhile, as the database owner: hence "some" for the role.)
    const deletions = await adminSql()`select actor_id, subject_id, actor_db_role from public.audit_log where action = 'account_deleted' and occurred_at >= ${before}`;
    expect(deletions.some((deletion) => deletion.actor_db_role === 'service_role')).toBe(true);
    for (const deletion of deletions) expect(deletion).toMatchObject({ actor_id: null, subject_id: null });
    const [naming] = await adminSql()`select count(*)::int as events from public.audit_log where ${person.id}::uuid in (actor_id, subject_id)`;
    expect(naming).toEqual({ events: 0 });
    const again = await deleteAccount(token);
    expect(again.status, 'the token of a deleted account is refused').toBe(401);
  });

  it('deletes nothing and answers 503 when the Storage API cannot remove the person\'s files', async () => {
    const person = await createUser('account-with-avatar');
    await adminSql()`insert into storage.objects (bucket_id, name, owner_id) values ('avatars', ${`${crypto.randomUUID()}.png`}, ${person.id})`;
    const response = await deleteAccount(await tokenFor(person));
    expect(response.status).toBe(503);
    expectErrorShape(await response.json(), 503);
    expect(await leftovers(person.id)).toEqual({ auth_users: 1, identities: 0, profiles: 1, public_profiles: 1 });
  });

  it('refuses with 403 when the person signed in longer ago than 15 minutes (a stolen token is not enough)', async () => {
    const person = await createUser('account-stale-session');
    const now = Math.floor(Date.now() / 1000);
    const token = await tokenFor(person);
    const staleSignIn = await new SignJWT({ ...decodeJwt(token), amr: [{ method: 'password', timestamp: now - maxSignInAgeSeconds - 60 }] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(env.jwtSecret));
    const response = await deleteAccount(staleSignIn);
    expect(response.status).toBe(403);
    expect((await response.json()).message).toMatch(/Sign in again/);
    expect((await leftovers(person.id)).profiles).toBe(1);
  });

  it('lets an anonymous sign-in delete itself (it has no other credential to show)', async () => {
    const visitor = await createUser('account-anonymous', { anonymous: true });
    const response = await deleteAccount(await tokenFor(visitor, { issuedAt: Math.floor(Date.now() / 1000) - 3000 }));
    expect(response.status).toBe(200);
    expect((await leftovers(visitor.id)).auth_users).toBe(0);
  });

  it('refuses without an explicit confirmation', async () => {
    const person = await createUser('account-unconfirmed');
    const token = await tokenFor(person);
    for (const body of [{}, { confirm: 'yes' }, { confirm: false }, { confirm: true, also: 1 }]) {
      const response = await deleteAccount(token, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expectErrorShape(await response.json(), 400);
    }
    expect((await leftovers(person.id)).profiles).toBe(1);
  });

  it('answers 401 to a missing, forged or expired token and deletes nothing', async () => {
    const person = await createUser('account-target');
    expect((await deleteAccount(undefined)).status).toBe(401);
    for (const [kind, token] of Object.entries(await forgedTokens(person))) {
      const response = await deleteAccount(token);
      expect(response.status, kind).toBe(401);
      expectErrorShape(await response.json(), 401);
    }
    expect((await leftovers(person.id)).profiles).toBe(1);
  });

  it('answers other methods with a 404 in the error shape', async () => {
    const person = await createUser('account-get');
    const response = await app.request('/account', { headers: { authorization: `Bearer ${await tokenFor(person)}` } });
    expect(response.status).toBe(404);
    expectErrorShape(await response.json(), 404);
  });
});
