/**
 * `npm start`: the HealSpace backend on this machine, no Docker and no system services.
 *   Postgres (DATABASE_URL, or embedded Postgres 17 with data in .healspace/db) → platform stand-in →
 *   migrations + seed via `supabase db push` → PostgREST (the pinned official binary) → one API_URL on Deno's
 *   gateway: :54321/rest/v1 (PostgREST) and :54321/functions/v1/<name> (edge functions).
 * `npm run reset` (`--reset`) deletes the embedded database first. Ctrl-C stops everything.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseServer, freePort, startEmbeddedPostgres } from './lib/postgres.ts';
import { postgrestBinary, type PostgrestServer, startPostgrest } from './lib/postgrest.ts';
import { generateVapidKeys } from '../functions/_shared/push.ts';
import { applyPlatformStandIn, connect, demoAccounts, type FunctionsServer, pushMigrations, repoRoot, startFunctions, type VapidEnv, writeEnvFile } from './lib/stack.ts';
import { bold, dim, green, step, StepError } from './lib/steps.ts';
import { apiKey, jwtSecret, userAccessToken } from './lib/tokens.ts';

const dataDir = join(repoRoot, '.healspace', 'db');
export const envFile = join(repoRoot, '.env.local');
const dbPort = Number(process.env.DB_PORT ?? 54322);
const functionsPort = Number(process.env.FUNCTIONS_PORT ?? 54321);
const apiUrl = `http://127.0.0.1:${functionsPort}`;
const reset = process.argv.includes('--reset');

let database: DatabaseServer | undefined;
let functions: FunctionsServer | undefined;
let rest: PostgrestServer | undefined;
let stopping = false;
let deliveryTimer: NodeJS.Timeout | undefined;

/** The local VAPID pair: generated on the first start and kept, so browsers' subscriptions stay valid across restarts. */
function localVapidKeys(): VapidEnv {
  const file = join(repoRoot, '.healspace', 'vapid.json');
  if (!existsSync(file)) {
    mkdirSync(join(repoRoot, '.healspace'), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...generateVapidKeys(), subject: 'mailto:dev@healspace.local' }, null, 2), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as VapidEnv;
}

/**
 * What pg_cron + pg_net do on hosted Supabase (see the notifications migration), on a timer: one delivery worker pass
 * every 10 seconds, as the service role. Logs only passes that did something.
 */
function startDeliveryWorker(functionsUrl: string, serviceRoleKey: string): NodeJS.Timeout {
  let running = false;
  return setInterval(async () => {
    if (running || stopping) return;
    running = true;
    try {
      const response = await fetch(`${functionsUrl}/notifications/process`, { method: 'POST', headers: { authorization: `Bearer ${serviceRoleKey}` } });
      const summary = (await response.json()) as { remindersSent?: number; batches?: number; pushes?: Record<string, number> };
      if (!response.ok) console.log(dim(`[delivery] ${response.status} ${JSON.stringify(summary)}`));
      else if (summary.remindersSent || summary.batches) console.log(dim(`[delivery] ${JSON.stringify(summary)}`));
    } catch (error) {
      if (!stopping) console.log(dim(`[delivery] ${error instanceof Error ? error.message : String(error)}`));
    } finally {
      running = false;
    }
  }, 10_000);
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    clearInterval(deliveryTimer);
    console.log(dim('\nStopping…'));
    await functions?.stop().catch(() => undefined);
    await rest?.stop().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    console.log(dim('Stopped. Data is kept; `npm run reset` starts from scratch.'));
  }
  process.exit(code);
}

async function main(): Promise<void> {
  console.log(bold('HealSpace local stack'));
  if (!existsSync(join(repoRoot, 'node_modules', '.bin', 'supabase'))) {
    throw new StepError('dependencies are not installed', 'run `npm install` first');
  }
  const externalUrl = process.env.DATABASE_URL;
  if (reset) {
    if (externalUrl) throw new StepError('--reset only resets the embedded database', 'drop and recreate the database behind DATABASE_URL yourself');
    await step('Reset: deleting the embedded database', async () => {
      rmSync(join(repoRoot, '.healspace'), { recursive: true, force: true });
      rmSync(envFile, { force: true });
    });
  }

  database = await step(externalUrl ? 'Postgres: using DATABASE_URL' : `Postgres: embedded Postgres 17 on port ${dbPort}`, async () =>
    externalUrl
      ? { url: externalUrl, port: Number(new URL(externalUrl).port || 5432), description: 'DATABASE_URL', stop: async () => {} }
      : await startEmbeddedPostgres({ dataDir, port: dbPort, persistent: true })
  );
  const dbUrl = database.url;

  await step('Platform stand-in: Supabase roles, auth, storage and realtime schemas (skipped where present)', () => applyPlatformStandIn(dbUrl));
  await step('Migrations and seed: supabase db push --include-seed', () => pushMigrations(dbUrl));

  const secret = jwtSecret();
  const anonKey = await apiKey('anon', secret);
  const serviceRoleKey = await apiKey('service_role', secret);

  const vapid = await step('Web Push: VAPID keys (generated once, kept in .healspace/vapid.json)', async () => localVapidKeys());

  // PostgREST connects as authenticator, with the database's password, as `supabase start` sets it up.
  const postgrest = postgrestBinary();
  if ('unavailable' in postgrest) {
    console.log(dim(`  PostgREST: not started: ${postgrest.unavailable}. ${apiUrl}/rest/v1 answers 503; the rest runs.`));
  } else {
    rest = await step('PostgREST 12.0.2 (pinned binary, sha256 checked) as authenticator', async () => {
      const password = decodeURIComponent(new URL(dbUrl).password);
      if (password) {
        const sql = connect(dbUrl, { max: 1 });
        try {
          await sql.unsafe(`alter role authenticator with login password '${password.replace(/'/g, "''")}'`);
        } finally {
          await sql.end();
        }
      }
      return await startPostgrest({ binary: postgrest.path, dbUrl, authenticatorPassword: password, port: await freePort(), adminPort: await freePort(), jwtSecret: secret,
        onLog: (line) => { if (!stopping) console.log(dim(`[postgrest] ${line}`)); } });
    });
  }

  functions = await step(`API gateway: Deno on ${apiUrl} (/rest/v1, /functions/v1)`, () =>
    startFunctions(functionsPort, { dbUrl, apiUrl, anonKey, serviceRoleKey, jwtSecret: secret, vapid, restUrl: rest?.url }, (line) => {
      if (!stopping) console.log(dim(`[functions] ${line}`));
    })
  );

  const vars = { API_URL: apiUrl, REST_URL: `${apiUrl}/rest/v1`, FUNCTIONS_URL: `${apiUrl}/functions/v1`, DB_URL: dbUrl, JWT_SECRET: secret, ANON_KEY: anonKey, SERVICE_ROLE_KEY: serviceRoleKey, VAPID_PUBLIC_KEY: vapid.publicKey };
  writeEnvFile(envFile, vars);
  deliveryTimer = startDeliveryWorker(`${apiUrl}/functions/v1`, serviceRoleKey);

  const accounts = await demoAccounts(dbUrl);
  console.log(`\n${green(bold('HealSpace is running.'))}`);
  console.log(`  Database   ${dbUrl}  ${dim(database.description)}`);
  console.log(`  Data API   ${rest ? `${apiUrl}/rest/v1  ${dim('(PostgREST; createClient(API_URL, ANON_KEY))')}` : dim('not running (see above)')}`);
  console.log(`  Functions  ${apiUrl}/functions/v1/<name>`);
  console.log(`  Env file   ${envFile}  ${dim('(names as `supabase status -o env`; `npm run status` prints it)')}`);
  console.log(dim('  Not run locally without Docker: the Auth, Realtime and Storage servers (see README): use minted tokens.'));
  console.log(`\n${bold('Demo accounts')} ${dim('(from supabase/seed.sql; tokens valid 1 hour, `npm run tokens` mints fresh ones)')}`);
  for (const account of accounts) {
    const token = await userAccessToken(account, { apiUrl, secret });
    console.log(`  ${account.label.padEnd(10)} ${account.email || '(anonymous sign-in)'}  ${dim(account.id)}`);
    console.log(`  ${' '.repeat(10)} ${token}`);
  }
  const first = accounts.find((account) => account.label === 'client') ?? accounts[0];
  if (first) {
    console.log(`\n${bold('Try it')}`);
    console.log(`  curl ${apiUrl}/functions/v1/health`);
    if (rest) console.log(`  curl -H "Authorization: Bearer $(npm run -s tokens -- ${first.label})" ${apiUrl}/rest/v1/my_profile`);
    console.log(`  curl -H "Authorization: Bearer $(npm run -s tokens -- ${first.label})" ${apiUrl}/functions/v1/whoami`);
  }
  console.log(dim('\nPress Ctrl-C to stop.'));
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error) => {
  if (!(error instanceof StepError)) console.error(error);
  await shutdown(1);
});
