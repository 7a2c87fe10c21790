/**
 * `npm run bench [functions] [profiles] [wellbeing] [chat] [groups] [therapy] [notifications] [load]`: figures measured side by side in one run, never pass/fail on
 * time, on a throwaway database. With no arguments, every section.
 *
 * Function overhead: p50/p99 latency and throughput of `health` (gateway + Hono app + one query as anon) and of
 * `whoami` (the same + JWT verification + its one query as the caller through RLS), both on local Deno, against a
 * bare Hono handler on the same runtime and against a bare Hono handler running whoami's query with postgres.js and
 * no auth (functionOverhead = whoami p50 / that p50). Load is bounded and on loopback: a closed loop of a fixed number
 * of kept-alive connections and requests per target, after a warm-up, the targets taking turns in rounds
 * (`BENCH_ROUNDS`), timed per request with performance.now() (autocannon, tried first, reports whole milliseconds, too
 * coarse for sub-millisecond handlers). Client and servers share the machine, so the ratios are the figures to compare
 * between runs, not the absolute numbers.
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
import { closedLoop, getOk, summarize } from './bench/measure.ts';
import { BenchRecord } from './bench/ratios.ts';
import { measureWellbeing, populateWellbeing, printWellbeingFigures } from './bench/wellbeing.ts';
import { applyPlatformStandIn, bin, connect, demoAccounts, pushMigrations, repoRoot, startFunctions } from './lib/stack.ts';
import { bold, dim, step } from './lib/steps.ts';
import { apiKey, jwtSecret, userAccessToken } from './lib/tokens.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const requests = Number(process.env.BENCH_REQUESTS ?? 4000);
const warmup = Math.min(500, requests);

type Figures = { name: string; p50: number; p99: number; rps: number; errors: number };

async function startBareHono(port: number, env: Record<string, string> = {}): Promise<() => void> {
  const child = spawn(bin('deno'), ['run', '--config', `${repoRoot}functions/deno.json`, '--allow-net', '--allow-env', `${repoRoot}scripts/bench/bare-hono.ts`], {
    env: { ...process.env, ...env, BARE_PORT: String(port) },
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
const record = new BenchRecord();
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
    const token = await userAccessToken(client, { apiUrl, secret, expiresInSeconds: 3600 });
    // The baseline that runs whoami's query gets the same database URL as the functions and, as a connection startup
    // parameter, the claims whoami's token carries (so the same row comes back); it verifies nothing and switches no role.
    const tokenClaims = Buffer.from(token.split('.')[1], 'base64url').toString();
    const barePort = await freePort();
    const stopBare = await step('Bare Hono handlers on Deno', () => startBareHono(barePort, { BARE_DB_URL: server.url, BARE_CLAIMS: tokenClaims }));
    cleanups.push(stopBare);

    // The targets take turns: each one's requests run in `rounds` slices, one target after the other, so that a change
    // in the machine's background load during the run falls on figures and baselines alike. Warm-up in the first slice.
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 20));
    const targets: Array<{ name: string; url: string; headers: Record<string, string> }> = [
      { name: 'bare Hono handler (baseline)', url: `http://127.0.0.1:${barePort}/bare`, headers: {} },
      { name: 'bare Hono + whoami\'s query (baseline)', url: `http://127.0.0.1:${barePort}/query`, headers: {} },
      { name: 'health (gateway, one query as anon)', url: `${functions.url}/health`, headers: {} },
      { name: 'whoami (JWT, one round trip as caller, RLS)', url: `${functions.url}/whoami`, headers: { authorization: `Bearer ${token}` } },
    ];
    const [bare, bareQuery, health, whoami] = await step(`Load: ${targets.length} targets taking turns, ${rounds} rounds`, async () => {
      const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: connections }));
      const latencies = targets.map((): number[] => []);
      const seconds = targets.map(() => 0);
      const errors = targets.map(() => 0);
      try {
        for (let round = 0; round < rounds; round += 1) {
          const slice = Math.floor(requests / rounds) + (round < requests % rounds ? 1 : 0);
          for (const [index, target] of targets.entries()) {
            const url = new URL(target.url);
            const send = () => getOk(agents[index], url, target.headers);
            if (round === 0) await closedLoop(connections, warmup, send);
            const measured = await closedLoop(connections, slice, send);
            latencies[index].push(...measured.latencies);
            seconds[index] += measured.seconds;
            errors[index] += measured.errors;
          }
        }
      } finally {
        for (const agent of agents) agent.destroy();
      }
      return targets.map((target, index): Figures => ({ name: target.name, ...summarize(latencies[index]), rps: requests / seconds[index], errors: errors[index] }));
    });

    const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(1)}×` : 'n/a');
    console.log(`\n${bold('Function overhead')}`);
    console.log(
      `  ${'target'.padEnd(44)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'req/s'.padStart(8)} ${'p50 vs bare'.padStart(12)} ` +
        `${'req/s vs bare'.padStart(14)} ${'p50 vs query'.padStart(13)} ${'errors'.padStart(7)}`,
    );
    for (const figures of [bare, bareQuery, health, whoami]) {
      console.log(
        `  ${figures.name.padEnd(44)} ${figures.p50.toFixed(2).padStart(7)} ${figures.p99.toFixed(2).padStart(7)} ${figures.rps.toFixed(0).padStart(8)} ` +
          `${ratio(figures.p50, bare.p50).padStart(12)} ${ratio(figures.rps, bare.rps).padStart(14)} ${ratio(figures.p50, bareQuery.p50).padStart(13)} ` +
          `${String(figures.errors).padStart(7)}`,
      );
    }
    const functionOverhead = bareQuery.p50 > 0 ? whoami.p50 / bareQuery.p50 : Number.NaN;
    console.log(
      `  functionOverhead: whoami p50 ${whoami.p50.toFixed(2)} ms / bare Hono + the same query p50 ${bareQuery.p50.toFixed(2)} ms = ${functionOverhead.toFixed(2)} ` +
        dim('(target ≤ 1.5)'),
    );
    if (bare.errors + bareQuery.errors + health.errors + whoami.errors > 0) {
      console.log(dim('\nErrors are non-2xx answers or failed connections: the figures above exclude them.'));
    }
    const figures = { connections, requests, warmup, rounds, bare, bareQuery, health, whoami, ratios: { functionOverhead } };
    record.add('functions', figures.ratios, figures);
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
    record.add('wellbeing', figures.ratios, figures);
  }

  if (wanted('chat')) {
    const figures = await step('Peer chat: matching, message inserts, conversation list', () =>
      measureChat(server.url, (message) => console.log(dim(`  … ${message}`))));
    printChatFigures(figures);
    record.add('chat', figures.ratios, figures);
  }

  if (wanted('groups')) {
    const figures = await step('Support groups: listing at scale, messages to a large group', () =>
      measureGroups(server.url, (message) => console.log(dim(`  … ${message}`))));
    printGroupFigures(figures);
    record.add('groups', figures.ratios, figures);
  }

  if (wanted('therapy')) {
    const figures = await step('Therapy: slots, booking under contention, the directory', () =>
      measureTherapy(server.url, (message) => console.log(dim(`  … ${message}`))));
    printTherapyFigures(figures);
    record.add('therapy', figures.ratios, figures);
  }

  if (wanted('notifications')) {
    const figures = await step('Notifications: Web Push fan-out and job claiming', () =>
      measureNotifications(server.url, (message) => console.log(dim(`  … ${message}`))));
    printNotificationFigures(figures);
    record.add('notifications', figures.ratios, figures);
  }

  if (wanted('load')) {
    const figures = await step('Load: chat send, mood-stats and booking slots under a bounded closed loop', () =>
      measureLoad(server.url, (message) => console.log(dim(`  … ${message}`))));
    printLoadFigures(figures);
    record.add('load', figures.ratios, figures);
  }
  record.print();
  console.log(dim(`Wrote ${record.write(repoRoot, sections.filter(wanted))}`));
} catch (error) {
  if (!(error instanceof Error && error.name === 'StepError')) console.error(error);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
}
