/**
 * DELETE /functions/v1/account: a person deletes their own account, everything of theirs with it.
 *   body: { "confirm": true }   (so a stray request cannot delete anyone), within 15 minutes of signing in.
 * 1. The caller's token is verified and their avatar files are listed as the caller (RLS decides what is theirs).
 * 2. The files are removed through the Storage API with the service role: that deletes the stored bytes, not only the
 *    rows. If Storage cannot be reached, nothing is deleted and the answer is 503: no half-deleted accounts.
 * 3. private.delete_account runs as the service role: it refuses while files remain and deletes the auth user; the
 *    deletion triggers erase or anonymise every row of theirs (rules in the data_rights_everywhere migration) and
 *    record an account_deleted event without identifiers. (Should this step fail after the files went, the account
 *    stays, without its pictures, and the person can simply retry.)
 */
import { StorageClient } from '@supabase/storage-js';
import { z } from 'zod';
import { createFunctionApp, requireUser, userClaims } from '../_shared/app.ts';
import { accountGone, type UserClaims } from '../_shared/auth.ts';
import { asCaller, queryAsCaller, serviceRoleClaims, statement } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { HttpError } from '../_shared/errors.ts';
import { log } from '../_shared/log.ts';
import { serveOpenApi } from '../_shared/openapi.ts';
import { jsonBody } from '../_shared/validate.ts';

export type AccountDeletedBody = { deleted: true; userId: string; filesRemoved: number };

const avatarsBucket = 'avatars';

/**
 * Deleting everything is the one action a stolen access token must not be enough for: the person must have signed in
 * (password, OAuth, magic link…) within this many seconds, as Supabase's `amr` claim records. Anonymous sign-ins have
 * no other credential to show, so their session suffices.
 */
export const maxSignInAgeSeconds = 15 * 60;

function requireRecentSignIn(claims: UserClaims): void {
  if (claims.is_anonymous) return;
  const signedInAt = Math.max(0, ...(claims.amr ?? []).map((entry) => Number(entry.timestamp) || 0));
  if (Date.now() / 1000 - signedInAt > maxSignInAgeSeconds) {
    throw new HttpError(403, `Sign in again to delete your account (it must be within ${maxSignInAgeSeconds / 60} minutes)`);
  }
}
const deletionRequest = z.object({ confirm: z.literal(true, { error: 'Set confirm to true to delete your account' }) }).strict();

async function removeFiles(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  // storage-js alone (what supabase-js uses for .storage): the full client would also start Realtime, which needs
  // a WebSocket implementation that Node 20 (vitest) lacks.
  const serviceKey = requireEnv('SUPABASE_SERVICE_ROLE_KEY');
  const storage = new StorageClient(`${requireEnv('SUPABASE_URL').replace(/\/$/, '')}/storage/v1`, {
    apikey: serviceKey,
    authorization: `Bearer ${serviceKey}`,
  });
  let failure: string | undefined;
  try {
    const { error } = await storage.from(avatarsBucket).remove(paths);
    failure = error?.message;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  if (failure !== undefined) {
    log('warn', 'account_deletion_storage_unavailable', { message: failure });
    throw new HttpError(503, 'Your files could not be removed right now, so nothing was deleted; try again shortly');
  }
}

export const app = createFunctionApp('account');

app.delete('/', requireUser, async (c) => {
  const claims = userClaims(c);
  await jsonBody(c, deletionRequest);
  requireRecentSignIn(claims);
  const files = await asCaller(claims, async (tx) => {
    const [account] = await tx`select 1 from public.profiles where id = (select auth.uid())`;
    if (!account) throw accountGone();
    return await tx<{ name: string }[]>`select o.name from private.avatar_objects_of_caller() as o`;
  });
  await removeFiles(files.map((file) => file.name));
  await queryAsCaller(serviceRoleClaims, statement`select private.delete_account(${claims.sub})`);
  log('info', 'account_deleted', { files_removed: files.length });
  const body: AccountDeletedBody = { deleted: true, userId: claims.sub, filesRemoved: files.length };
  return c.json(body);
});

serveOpenApi(app, {
  name: 'account',
  title: 'account',
  description: 'Account deletion: the caller\'s account and everything of theirs.',
  routes: [{
    method: 'delete', path: '/', summary: 'Delete my account', auth: 'user', body: deletionRequest,
    description: `Needs a sign-in within the last ${maxSignInAgeSeconds / 60} minutes. Files are removed through Storage first; if Storage is unreachable nothing is deleted (503).`,
    responses: { 200: 'Deleted', 400: 'confirm is not true', 401: 'No valid token', 403: 'Sign in again first', 415: 'Not JSON', 503: 'Storage unreachable; nothing deleted' },
  }],
});
