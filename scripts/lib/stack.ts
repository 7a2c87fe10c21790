/**
 * The pieces of a running HealSpace stack, shared by `npm start`, `npm test` and `npm run bench`:
 * the platform stand-in, migrations and seed through the real Supabase CLI, and the functions gateway on Deno.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { runCommand } from './postgres.ts';
import { StepError } from './steps.ts';
import type { AuthUserRow } from './tokens.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bin = (name: string) => `${repoRoot}node_modules/.bin/${name}`;

export function connect(url: string, options: postgres.Options<Record<string, never>> = {}) {
  return postgres(url, { onnotice: () => {}, max: 4, ...options });
}

/** Creates what the Supabase platform provides (roles, auth, storage, realtime…) where it is missing. */
export async function applyPlatformStandIn(url: string): Promise<void> {
  const sql = connect(url, { max: 1 });
  try {
    await sql.file(`${repoRoot}sql/platform-stand-in.sql`);
  } finally {
    await sql.end();
  }
}

/**
 * Runs the Supabase CLI from node_modules. Our databases are local servers without TLS: PGSSLMODE=disable says so,
 * which also keeps the CLI's "connected without TLS" notice out of its stdout (and out of generated types).
 */
export function supabaseCli(args: string[]) {
  return runCommand(bin('supabase'), args, { cwd: repoRoot, env: { ...process.env, PGSSLMODE: 'disable' } });
}

/** `supabase db push --include-seed`: migrations and seed as the Supabase CLI applies them, history included. */
export async function pushMigrations(url: string): Promise<string> {
  const result = await supabaseCli(['db', 'push', `--remote=${url}`, '--include-seed', '--yes']);
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.code !== 0) {
    // The CLI prints the failing statement after the error: lead with the error, then the statement's tail.
    const lines = output.split('\n');
    const errorLines = lines.filter((line) => /^(ERROR|At statement|Applying migration|Seeding data)/.test(line.trim()));
    throw new StepError(`supabase db push exited with ${result.code}\n${[...errorLines, ...lines.slice(-12)].join('\n')}`, 'fix the migration named above, then run the command again (`npm run reset` to start from an empty database)');
  }
  // A running PostgREST reloads its schema cache (it listens on the pgrst channel), as after a push on the platform.
  const sql = connect(url, { max: 1 });
  try {
    await sql`notify pgrst, 'reload schema'`;
  } finally {
    await sql.end();
  }
  return output;
}

export type FunctionsServer = { url: string; process: ChildProcess; stop(): Promise<void> };

/** VAPID keys for Web Push: a local pair `npm start` keeps in .healspace/vapid.json, a fresh one per `npm test`. */
export type VapidEnv = { publicKey: string; privateKey: string; subject: string };
/** restUrl: PostgREST's own address, which the gateway serves at API_URL/rest/v1 (absent: /rest/v1 answers 503). */
export type FunctionsEnv = { dbUrl: string; apiUrl: string; anonKey: string; serviceRoleKey: string; jwtSecret: string; vapid?: VapidEnv; restUrl?: string };

/** The environment variables the notifications function reads its VAPID keys from. */
export function vapidVariables(vapid: VapidEnv | undefined): Record<string, string> {
  return vapid ? { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: vapid.subject } : {};
}

/** Starts the Deno functions gateway and waits until `health` answers. `onLog` receives its output lines. */
export async function startFunctions(port: number, env: FunctionsEnv, onLog: (line: string) => void): Promise<FunctionsServer> {
  const child = spawn(bin('deno'), [
    'run', '--config', `${repoRoot}functions/deno.json`,
    '--allow-net', '--allow-env', '--allow-read', '--allow-sys',
    `${repoRoot}scripts/serve-functions.ts`,
  ], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FUNCTIONS_PORT: String(port),
      ...(env.restUrl ? { REST_UPSTREAM: env.restUrl } : {}),
      // The variables Supabase's edge runtime gives every function, plus our JWT secret.
      SUPABASE_URL: env.apiUrl,
      SUPABASE_ANON_KEY: env.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: env.serviceRoleKey,
      SUPABASE_DB_URL: env.dbUrl,
      JWT_SECRET: env.jwtSecret,
      ...vapidVariables(env.vapid),
    },
  });
  let recent: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recent = [...recent.slice(-20), line];
      onLog(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const url = `http://127.0.0.1:${port}/functions/v1`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new StepError(`the functions gateway exited with ${child.exitCode}\n${recent.join('\n')}`, 'the lines above are Deno\'s; `npm run typecheck` shows type errors in functions');
    }
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 503) return { url, process: child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stop();
  throw new StepError(`the functions gateway did not answer within 60 s\n${recent.join('\n')}`, `is port ${port} taken? set FUNCTIONS_PORT`);
}

/**
 * SQL for the app_metadata an access token of `auth.users as u` carries: the stored app metadata passed through our
 * custom access token hook, exactly as Supabase Auth does before it signs a token (it adds user_role).
 */
export const accessTokenAppMetadataSql =
  `(private.custom_access_token_hook(jsonb_build_object('user_id', u.id, 'claims', jsonb_build_object('app_metadata', coalesce(u.raw_app_meta_data, '{}'::jsonb)))) #> '{claims,app_metadata}')`;

/** The accounts seed.sql creates for local use (marked with `demo_account` in their metadata). */
export async function demoAccounts(url: string): Promise<Array<AuthUserRow & { label: string }>> {
  const sql = connect(url, { max: 1 });
  try {
    return await sql<Array<AuthUserRow & { label: string }>>`
      select u.id, u.email, u.phone, coalesce(u.is_anonymous, false) as is_anonymous, ${sql.unsafe(accessTokenAppMetadataSql)} as raw_app_meta_data,
             u.raw_user_meta_data, u.raw_user_meta_data ->> 'demo_account' as label
      from auth.users as u
      where u.raw_user_meta_data ? 'demo_account'
      order by u.created_at, u.email`;
  } finally {
    await sql.end();
  }
}

/** Writes the stack's variables with the names `supabase status -o env` prints. */
export function writeEnvFile(path: string, vars: Record<string, string>): void {
  const lines = Object.entries(vars).map(([name, value]) => `${name}="${value}"`);
  writeFileSync(path, `# Written by npm start for the running local stack. Not committed; regenerated on every start.\n${lines.join('\n')}\n`);
}

/** Installs pgTAP (in `extensions`, as `supabase test db` does) and the shared test helpers. */
export async function installTestTooling(url: string): Promise<void> {
  const sql = connect(url, { max: 1 });
  try {
    await sql`create extension if not exists pgtap with schema extensions`;
    await sql.file(`${repoRoot}supabase/tests/helpers/test-helpers.psql`);
  } finally {
    await sql.end();
  }
}

/** `supabase gen types typescript` for the exposed schema, as committed in types/database.ts. */
export async function generateTypes(url: string): Promise<string> {
  const result = await supabaseCli(['gen', 'types', 'typescript', `--remote=${url}`, '--schema', 'public']);
  if (result.code !== 0) throw new StepError(`supabase gen types exited with ${result.code}\n${result.stderr.trim()}`);
  return result.stdout;
}
