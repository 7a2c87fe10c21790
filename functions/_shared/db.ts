/**
 * Database access for functions: postgres.js (runs on Deno and Node) over `SUPABASE_DB_URL`.
 * Every query runs as the caller, exactly as PostgREST would run it: inside one transaction,
 * `role` and `request.jwt.claims` are set locally, so RLS, grants and `auth.uid()` apply to functions too.
 * `prepare: false` keeps it working through Supabase's transaction pooler (port 6543), which has no
 * session to keep prepared statements in.
 *
 * Round trips: a request that needs one statement (`queryAsCaller`) sends the account check, the role and claims, and
 * the statement as ONE simple-protocol message, which Postgres runs as one implicit transaction (committed at its end,
 * rolled back whole if any part fails, `set_config(…, true)` undone with it): one round trip, one pooler transaction.
 * Its values travel as quoted literals, the way libpq's PQescapeLiteral writes them, because a parameter would cost
 * postgres.js a second round trip with `prepare: false` (it describes every parameterised statement before binding).
 * Work that needs several statements (`asCaller`) runs in a transaction whose setup is pipelined with its first query.
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

// ---------------------------------------------------------------------------------------------------------------------
// Statements with their values

const jsonValue = Symbol('json');
/** A value sent as `jsonb`, as postgres.js's `sql.json(value)` sends it. */
export type Json = { readonly [jsonValue]: unknown };
export function json(value: unknown): Json {
  return { [jsonValue]: value };
}

/**
 * The values a statement may hold, each written as postgres.js would type it as a parameter: strings and numbers
 * untyped (Postgres infers their type from where they stand, as it does for an untyped parameter), booleans as
 * boolean, bigints as int8, dates as timestamptz, flat arrays as an untyped array literal, `json(…)` as jsonb.
 */
export type SqlValue = string | number | bigint | boolean | Date | null | readonly (string | number | null)[] | Json;

export type Statement<Row> = { readonly strings: readonly string[]; readonly values: readonly SqlValue[]; readonly row?: Row };

/** A statement for `queryAsCaller`: `statement<Row>\`select … where id = ${id}\``. One SQL statement, no `;`. */
export function statement<Row extends object = Record<string, unknown>>(strings: TemplateStringsArray, ...values: SqlValue[]): Statement<Row> {
  return { strings: [...strings], values };
}

/**
 * A string literal: `E'…'` with every backslash and quote doubled, so that nothing in the value is read as SQL or
 * as an escape, whatever `standard_conforming_strings` says (PQescapeLiteral's form).
 */
function quote(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** Postgres's array input syntax for a flat array (postgres.js's arraySerializer). */
function arrayLiteral(values: readonly (string | number | null)[]): string {
  return `{${values.map((value) => {
    if (value === null) return 'NULL';
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    throw new TypeError(`an array in a statement holds strings, numbers or nulls, not ${typeof value}`);
  }).join(',')}}`;
}

/**
 * The literal a value is written as, or undefined when it cannot be: text holding a NUL byte (the query text is a
 * C string). Such a statement is sent with that value as a parameter instead, so Postgres refuses it exactly as it
 * refuses it as a parameter (22021).
 */
function literal(value: SqlValue): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return value.includes('\0') ? undefined : quote(value);
  if (typeof value === 'number') return quote(String(value));
  if (typeof value === 'bigint') return `${quote(String(value))}::int8`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return `${quote(value.toISOString())}::timestamptz`;
  if (Array.isArray(value)) {
    const text = arrayLiteral(value);
    return text.includes('\0') ? undefined : quote(text);
  }
  if (typeof value === 'object' && jsonValue in value) return `${quote(JSON.stringify(value[jsonValue]) ?? 'null')}::jsonb`;
  throw new TypeError(`a statement cannot hold ${value === undefined ? 'undefined' : typeof value} values`);
}

/** The statement's text with its values as literals, and, for values that cannot be literals, as `$n` parameters. */
function render(query: Statement<unknown>): { text: string; parameters: string[] } {
  const parameters: string[] = [];
  let text = query.strings[0];
  query.values.forEach((value, index) => {
    const written = literal(value);
    if (written === undefined) parameters.push(Array.isArray(value) ? arrayLiteral(value) : value as string);
    text += (written ?? `$${parameters.length}`) + query.strings[index + 1];
  });
  return { text, parameters };
}

// ---------------------------------------------------------------------------------------------------------------------
// Running as the caller

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const accountGoneMessage = 'This account no longer exists';

/**
 * What runs before the caller's work, as the connection's own role: for a signed-in user, the check that their
 * account still exists (a token outlives its account: a user whose account is gone, deleted or soft-deleted by Auth,
 * is a 401, not a stranger with no rows), raised as an error so that nothing after it in the transaction runs; then
 * `role` and `request.jwt.claims` set with `set_config(…, true)` like PostgREST.
 */
function setupSql(claims: AccessTokenClaims): { text: string; statements: number } {
  const role: ApiRole = claims.role;
  // Defence in depth: a token can only become one of the API roles, never a privileged database role.
  if (!apiRoles.includes(role)) throw new Error(`refusing to run as database role ${String(role)}`);
  const subject = role === 'authenticated' && claims.sub ? claims.sub : null;
  if (subject !== null && !uuidPattern.test(subject)) throw new Error('refusing a subject that is not a uuid');
  const check = subject === null ? '' : `do $check$ begin
  if not exists (select 1 from auth.users as u where u.id = '${subject}'::uuid and u.deleted_at is null) then
    raise exception '${accountGoneMessage}' using errcode = 'PT401';
  end if;
end $check$;
`;
  const text = `${check}select set_config('role', '${role}', true), set_config('request.jwt.claims', ${quote(JSON.stringify(claims))}, true)`;
  return { text, statements: subject === null ? 1 : 2 };
}

/** The setup's refusal of a gone account, answered as every other gone account is (401 with WWW-Authenticate). */
function accountGoneFrom(error: unknown): unknown {
  const gone = error instanceof Error && 'code' in error && error.code === 'PT401' && error.message === accountGoneMessage;
  return gone ? accountGone() : error;
}

/**
 * Runs one statement as the caller in one round trip: the setup and the statement in one message, one implicit
 * transaction. Returns the statement's rows.
 */
export async function queryAsCaller<Row>(claims: AccessTokenClaims, query: Statement<Row>): Promise<postgres.RowList<Row[]>> {
  const { text, parameters } = render(query);
  if (parameters.length > 0) return await asCaller(claims, (tx) => tx.unsafe<Row[]>(text, parameters));
  const setup = setupSql(claims);
  const statements = setup.statements + 1;
  let results: postgres.RowList<Row[]>[];
  try {
    results = await database().unsafe(`${setup.text};\n${text}`) as unknown as postgres.RowList<Row[]>[];
  } catch (error) {
    throw accountGoneFrom(error);
  }
  // Several statements answer with one result each; anything else means the statement was not one statement.
  if (!Array.isArray(results) || results.length !== statements) throw new Error('queryAsCaller runs exactly one statement');
  return results[statements - 1];
}

/**
 * Runs `work` in one transaction as the caller. The setup goes out with the work's first query, pipelined on the
 * same connection: Postgres runs them in order, so the work only ever runs as the caller, and not at all when the
 * setup fails (the transaction is then aborted and rolled back).
 */
export async function asCaller<T>(claims: AccessTokenClaims, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const setupText = setupSql(claims).text;
  const result = await database().begin(async (tx) => {
    const setup = tx.unsafe(setupText).execute();
    const working = Promise.resolve().then(() => work(tx));
    try {
      await setup;
    } catch (error) {
      working.catch(() => {}); // it fails too (the transaction is aborted); the setup's error is the answer
      throw accountGoneFrom(error);
    }
    return await working;
  });
  return result as T;
}
