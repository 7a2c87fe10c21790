/**
 * Database access for functions: postgres.js (runs on Deno and Node) over `SUPABASE_DB_URL`.
 * Every query runs as the caller, exactly as PostgREST would run it: inside one transaction,
 * `role` and `request.jwt.claims` are set locally, so RLS, grants and `auth.uid()` apply to functions too.
 * `prepare: false` keeps it working through Supabase's transaction pooler (port 6543), which has no
 * session to keep prepared statements in.
 */
import postgres from 'postgres';
import { type AccessTokenClaims, accountGone, type ApiRole, apiRoles } from './auth.ts';
import { readEnv, requireEnv } from './env.ts';

export type Sql = postgres.Sql;
export type Transaction = postgres.TransactionSql;

let client: Sql | undefined;

export function database(): Sql {
  client ??= postgres(requireEnv('SUPABASE_DB_URL'), {
    prepare: false,
    max: Number(readEnv('DB_POOL_MAX') ?? 5),
    idle_timeout: 20,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'healspace-functions' },
  });
  return client;
}

/** Closes the pool (tests and graceful shutdown); the next `database()` call opens a new one. */
export async function closeDatabase(): Promise<void> {
  const open = client;
  client = undefined;
  await open?.end({ timeout: 5 });
}

/** Claims of the anonymous API role, for unauthenticated work that must still run under RLS. */
export const anonClaims: AccessTokenClaims = { role: 'anon' };

/** Claims of the service role, for server work done after the function itself has verified the caller. */
export const serviceRoleClaims: AccessTokenClaims = { role: 'service_role' };

/** Runs `work` in one transaction as the caller: role and claims set with `set_config(…, true)` like PostgREST. */
export async function asCaller<T>(claims: AccessTokenClaims, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const role: ApiRole = claims.role;
  // Defence in depth: a token can only become one of the API roles, never a privileged database role.
  if (!apiRoles.includes(role)) throw new Error(`refusing to run as database role ${String(role)}`);
  // A token outlives its account: a user whose account is gone (deleted, or soft-deleted by Auth) is a 401, not a
  // stranger with no rows. Checked in the same round trip, as the connection's role, before the switch to `role`.
  const subject = role === 'authenticated' && claims.sub ? claims.sub : null;
  const result = await database().begin(async (tx) => {
    const [setup] = await tx<{ present: boolean }[]>`
      select ${subject}::uuid is null or exists (select 1 from auth.users as u where u.id = ${subject}::uuid and u.deleted_at is null) as present,
             set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    if (!setup.present) throw accountGone();
    return await work(tx);
  });
  return result as T;
}
