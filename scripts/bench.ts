/**
 * `npm run bench [functions] [profiles] [wellbeing] [chat] [groups] [therapy] [notifications] [load]`: figures measured side by side in one run, never pass/fail on
 * time, on a throwaway database. With no arguments, every section.
 *
 * Function overhead: p50/p99 latency and throughput of `health` (gateway + Hono app + one query as anon) and of
 * `whoami` (the same + JWT verification + a transaction as the caller through RLS), both on local Deno, against a
 * bare Hono handler on the same runtime. Load is bounded and on loopback: a closed loop of a fixed number of
 * kept-alive connections and requests per target, after a warm-up, timed per request with performance.now()
 * (autocannon, tried first, reports whole milliseconds, too coarse for sub-millisecond handlers). Client and
 * servers share the machine, so the ratios are the figures to compare between runs, not the absolute numbers.
 */
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { freePort, startThrowawayCluster } from './lib/postgres.ts';
import { measurePublicProfilePages, populateProfiles, printPageFigures } from './bench/public-profiles.ts';
import { measureChat, printChatFigures } from './bench/chat.ts';
import { measureGroups, printGroupFigures } from './bench/groups.ts';
import { measureLoad, printLoadFigures } from './bench/load.ts';
import { measureNotifications, printNotificationFigures } from './bench/notifications.ts';
import { measureTherapy, printTherapyFigures } from './bench/therapy.ts';
import { boundedLoad, getOk } from './bench/measure.ts';
import { measureWellbeing, populateWellbeing, printWellbeingFigures } from './bench/wellbeing.ts';
import { applyPlatformStandIn, bin, connect, demoAccounts, pushMigrations, repoRoot, startFunctions } from './lib/stack.ts';
import { bold, dim, step } from './lib/steps.ts';
import { apiKey, jwtSecret, userAccessToken } from './lib/tokens.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const requests = Number(process.env.BENCH_REQUESTS ?? 4000);
const warmup = Math.min(500, requests);

type Figures = { name: string; p50: number; p99: number; rps: number; errors: number };

/** The closed loop on one URL, on kept-alive connections that the warm-up opens. */
async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  try {
    return { name, ...(await boundedLoad({ connections, requests, warmup }, () => getOk(agent, target, headers))) };
  } finally {
    agent.destroy();
  }
}

async function startBareHono(port: number): Promise<() => void> {
  const child = spawn(bin('deno'), ['run', '--config', `${repoRoot}functions/deno.json`, '--allow-net', '--allow-env', `${repoRoot}scripts/bench/bare-hono.ts`], {
    env: { ...process.env, BARE_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`bare Hono exited with ${code}`)));
  });
  return () => child.kill('SIGTERM');
}

/** The claims a person's token carries, built by the same test helper the pgTAP suites use. */
async function userClaimsOf(url: string, userId: string): Promise<Record<string, unknown>> {
  const sql = connect(url, { max: 1 });
  try {
    await sql.file(`${repoRoot}supabase/tests/helpers/test-helpers.psql`);
    const [{ claims }] = await sql<{ claims: Record<string, unknown> }[]>`select tests.user_claims(${userId}) as claims`;
    return claims;
  } finally {
    await sql.end();
  }
}

const sections = ['functions', 'profiles', 'wellbeing', 'chat', 'groups', 'therapy', 'notifications', 'load'] as const;
type Section = (typeof sections)[number];
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !sections.includes(name as Section));
if (unknown.length > 0) {
  console.error(`Unknown bench section ${unknown.join(', ')}; known: ${sections.join(', ')} (default: all)`);
  process.exit(2);
}
const wanted = (section: Section) => requested.length === 0 || requested.includes(section);

const cleanups: Array<() => unknown> = [];
try {
  console.log(bold('HealSpace benchmarks'), dim(`(sections: ${sections.filter(wanted).join(', ')})`));
  const server = await step('Throwaway database: Debian PostgreSQL', () => startThrowawayCluster());
  cleanups.push(() => server.stop());
  await step('Platform stand-in, migrations and seed', async () => {
    await applyPlatformStandIn(server.url);
    await pushMigrations(server.url);
  });
  const [client] = await demoAccounts(server.url);
  const claimsOf = (userId: string) => userClaimsOf(server.url, userId);

  if (wanted('functions')) {
    console.log(dim(`Function overhead: ${connections} connections, ${requests} requests per target after ${warmup} warm-up, loopback`));
    const secret = jwtSecret();
    const functionsPort = await freePort();
    const apiUrl = `http://127.0.0.1:${functionsPort}`;
    const functions = await step('Edge functions on Deno', async () =>
      startFunctions(functionsPort, { dbUrl: server.url, apiUrl, anonKey: await apiKey('anon', secret), serviceRoleKey: await apiKey('service_role', secret), jwtSecret: secret }, () => {})
    );
    cleanups.push(() => functions.stop());
    const barePort = await freePort();
    const stopBare = await step('Bare Hono handler on Deno', () => startBareHono(barePort));
    cleanups.push(stopBare);
    const token = await userAccessToken(client, { apiUrl, secret, expiresInSeconds: 3600 });

    const bare = await step('Load: bare Hono', () => load('bare Hono handler (baseline)', `http://127.0.0.1:${barePort}/bare`));
    const health = await step('Load: health', () => load('health (gateway, one query as anon)', `${functions.url}/health`));
    const whoami = await step('Load: whoami', () =>
      load('whoami (JWT, transaction as caller, RLS)', `${functions.url}/whoami`, { authorization: `Bearer ${token}` })
    );

    const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(1)}×` : 'n/a');
    console.log(`\n${bold('Function overhead')}`);
    console.log(`  ${'target'.padEnd(44)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'req/s'.padStart(8)} ${'p50 vs bare'.padStart(12)} ${'req/s vs bare'.padStart(14)} ${'errors'.padStart(7)}`);
    for (const figures of [bare, health, whoami]) {
      console.log(
        `  ${figures.name.padEnd(44)} ${figures.p50.toFixed(2).padStart(7)} ${figures.p99.toFixed(2).padStart(7)} ${figures.rps.toFixed(0).padStart(8)} ` +
          `${ratio(figures.p50, bare.p50).padStart(12)} ${ratio(figures.rps, bare.rps).padStart(14)} ${String(figures.errors).padStart(7)}`,
      );
    }
    if (bare.errors + health.errors + whoami.errors > 0) console.log(dim('\nErrors are non-2xx answers or failed connections: the figures above exclude them.'));
    await functions.stop();
    stopBare();
  }

  if (wanted('profiles')) {
    const profileCount = Number(process.env.BENCH_PROFILES ?? 100_000);
    await step(`Population: ${profileCount.toLocaleString('en-US')} sign-ups through the real triggers`, () =>
      populateProfiles(server.url, profileCount, (done) => console.log(dim(`  … ${done.toLocaleString('en-US')} profiles`))));
    const pages = await step('Pages: privacy-aware vs plain', async () =>
      measurePublicProfilePages(server.url, await claimsOf(client.id), Number(process.env.BENCH_PAGES ?? 500)));
    printPageFigures(profileCount, pages.figures, pages.plans);
  }

  if (wanted('wellbeing')) {
    const people = Number(process.env.BENCH_WELLBEING_USERS ?? 10_000);
    const population = await step(`Population: ${people.toLocaleString('en-US')} people with a year of mood and 100 journal entries`, () =>
      populateWellbeing(server.url, people, (message) => console.log(dim(`  … ${message}`))));
    const figures = await step('Journal pages, search and mood statistics', () =>
      measureWellbeing(server.url, population, claimsOf, Number(process.env.BENCH_QUERIES ?? 200)));
    printWellbeingFigures(population, figures);
  }

  if (wanted('chat')) {
    const figures = await step('Peer chat: matching, message inserts, conversation list', () =>
      measureChat(server.url, (message) => console.log(dim(`  … ${message}`))));
    printChatFigures(figures);
  }

  if (wanted('groups')) {
    const figures = await step('Support groups: listing at scale, messages to a large group', () =>
      measureGroups(server.url, (message) => console.log(dim(`  … ${message}`))));
    printGroupFigures(figures);
  }

  if (wanted('therapy')) {
    const figures = await step('Therapy: slots, booking under contention, the directory', () =>
      measureTherapy(server.url, (message) => console.log(dim(`  … ${message}`))));
    printTherapyFigures(figures);
  }

  if (wanted('notifications')) {
    const figures = await step('Notifications: Web Push fan-out and job claiming', () =>
      measureNotifications(server.url, (message) => console.log(dim(`  … ${message}`))));
    printNotificationFigures(figures);
  }

  if (wanted('load')) {
    const figures = await step('Load: chat send, mood-stats and booking slots under a bounded closed loop', () =>
      measureLoad(server.url, (message) => console.log(dim(`  … ${message}`))));
    printLoadFigures(figures);
  }
} catch (error) {
  if (!(error instanceof Error && error.name === 'StepError')) console.error(error);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
}
