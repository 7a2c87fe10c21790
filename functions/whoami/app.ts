/**
 * GET /functions/v1/whoami: the caller's identity as the database sees it.
 * The query runs as the caller (role + claims set like PostgREST), so what it returns is what RLS lets them see:
 * `auth.uid()`, the database role, their HealSpace role as policies see it, and their own profile row. A valid token whose account was deleted has no
 * visible profile and is answered 401, like any other token that no longer names a person.
 */
import { createFunctionApp, requireUser, userClaims } from '../_shared/app.ts';
import { accountGone } from '../_shared/auth.ts';
import { queryAsCaller, statement } from '../_shared/db.ts';
import { serveOpenApi } from '../_shared/openapi.ts';

export type WhoamiBody = {
  id: string;
  email: string | null;
  role: string;
  isAnonymous: boolean;
  databaseRole: string;
  appRole: 'client' | 'therapist' | 'admin' | null;
  profile: { displayName: string | null; createdAt: string };
};

type IdentityRow = {
  user_id: string;
  database_role: string;
  app_role: WhoamiBody['appRole'];
  display_name: string | null;
  created_at: Date;
};

export const app = createFunctionApp('whoami');

app.get('/', requireUser, async (c) => {
  const claims = userClaims(c);
  const [row] = await queryAsCaller(claims, statement<IdentityRow>`
      select auth.uid() as user_id, current_user as database_role, private.caller_role() as app_role, p.display_name, p.created_at
      from public.profiles as p
      where p.id = (select auth.uid())`);
  if (!row) throw accountGone();
  const body: WhoamiBody = {
    id: row.user_id,
    email: claims.email || null,
    role: claims.role,
    isAnonymous: claims.is_anonymous === true,
    databaseRole: row.database_role,
    appRole: row.app_role,
    profile: { displayName: row.display_name, createdAt: row.created_at.toISOString() },
  };
  c.header('cache-control', 'no-store');
  return c.json(body);
});

serveOpenApi(app, {
  name: 'whoami',
  title: 'whoami',
  description: 'Who the caller is, as the database sees them (token claims, role, profile).',
  routes: [{ method: 'get', path: '/', summary: 'The caller\'s identity', auth: 'user', responses: { 200: 'The identity', 401: 'No valid token, or the account is gone' } }],
});
