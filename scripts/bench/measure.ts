/**
 * Measuring helpers shared by the bench sections: percentiles, in-database execution time, real nested plans, and the
 * bounded closed loop that puts load on a route (over HTTP or SQL).
 */
import { type Agent, get as httpGet, request as httpRequest } from 'node:http';
import type postgres from 'postgres';
import { connect } from '../lib/stack.ts';

export type Timing = { p50: number; p99: number };

export const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;

export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Wall time of `iterations` sequential runs (client round trips included). */
export async function timed(iterations: number, run: (index: number) => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await run(index);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

/** Server-side execution time of one statement (triggers included), from EXPLAIN ANALYZE's summary. */
export async function executionMs(tx: postgres.TransactionSql, statement: string): Promise<number> {
  const rows = await tx.unsafe(`explain (analyze, timing off, summary on, format json) ${statement}`);
  return Number((rows[0]['QUERY PLAN'] as Array<{ 'Execution Time': number }>)[0]['Execution Time']);
}

/** Sets up a transaction as PostgREST would: claims always, and the authenticated role unless `asSuperuser`. */
export async function actAs(tx: postgres.TransactionSql, claims: string, asSuperuser = false): Promise<void> {
  await tx`select set_config('request.jwt.claims', ${claims}, true)`;
  if (!asSuperuser) await tx`select set_config('role', 'authenticated', true)`;
}

/** In-database execution times of a statement, after a warm-up, in one transaction as the given caller. */
export async function executionTimes(sql: postgres.Sql, claims: string, statement: string, iterations: number, asSuperuser = false): Promise<Timing> {
  const samples = await sql.begin(async (tx) => {
    await actAs(tx, claims, asSuperuser);
    for (let warm = 0; warm < 5; warm += 1) await executionMs(tx, statement);
    const measured: number[] = [];
    for (let index = 0; index < iterations; index += 1) measured.push(await executionMs(tx, statement));
    return measured;
  });
  return summarize(samples);
}

/**
 * The plans of the statements a call really runs, the statement itself and nested ones (inside functions) included, via auto_explain
 * with the caller's role and claims. Returns them as text for printing.
 */
export async function nestedPlans(url: string, claims: string, statement: string): Promise<string> {
  const logged: string[] = [];
  const explainer = connect(url, { max: 1, onnotice: (notice) => logged.push(String(notice.message)) });
  try {
    await explainer.begin(async (tx) => {
      await tx`load 'auto_explain'`;
      await tx`select set_config('auto_explain.log_min_duration', '0', true), set_config('auto_explain.log_nested_statements', 'on', true),
                      set_config('auto_explain.log_analyze', 'on', true), set_config('auto_explain.log_timing', 'off', true),
                      set_config('client_min_messages', 'log', true)`;
      await actAs(tx, claims);
      await tx.unsafe(statement);
    });
  } finally {
    await explainer.end();
  }
  // The statement's own plan and every nested one (functions, triggers), but not the set_config calls of actAs.
  const plans = logged.filter((message) => message.includes('Query Text') && !message.includes('set_config('))
    .map((message) => message.replace(/^duration: [\d.]+ ms\s+plan:\n/, ''));
  // A helper called once per row logs the same plan once per row: show each distinct plan once, with its count.
  const counts = new Map<string, number>();
  for (const plan of plans) counts.set(plan, (counts.get(plan) ?? 0) + 1);
  return [...counts].map(([plan, count]) => (count > 1 ? `(${count}×) ${plan}` : plan)).join('\n');
}

/** Figures of the measured requests; `warmupErrors` and `failures` (errors by reason) count the warm-up's too. */
export type LoadFigures = Timing & { requests: number; seconds: number; rps: number; errors: number; warmupErrors: number; failures: Map<string, number> };
export type LoadOptions = { connections: number; requests: number; warmup: number };

/**
 * A bounded closed loop: `amount` requests from `connections` concurrent clients, each sending its next request when
 * its last one is answered, timed per request with performance.now(). `send(index)` gets a running index (from
 * `firstIndex`) and resolves when the request succeeded; a rejection is an error, counted by its reason and left out of
 * the latencies.
 */
export async function closedLoop(connections: number, amount: number, send: (index: number) => Promise<unknown>, firstIndex = 0) {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let issued = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (issued < amount) {
      const index = firstIndex + issued;
      issued += 1;
      const sent = performance.now();
      try {
        await send(index);
        latencies.push(performance.now() - sent);
      } catch (error) {
        const reason = failureReason(error);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { latencies, seconds, errors: amount - latencies.length, failures };
}

/** A short name for why a request failed: the HTTP status, or the SQLSTATE (PT429 is the rate limit's 429). */
function failureReason(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && error.code) return String(error.code);
  return error instanceof Error ? error.message : String(error);
}

/** A warm-up of `warmup` requests, then `requests` measured ones: throughput, p50/p99 and errors of the measured ones. */
export async function boundedLoad({ connections, requests, warmup }: LoadOptions, send: (index: number) => Promise<unknown>): Promise<LoadFigures> {
  const warm = await closedLoop(connections, warmup, send);
  const { latencies, seconds, errors, failures } = await closedLoop(connections, requests, send, warmup);
  for (const [reason, count] of warm.failures) failures.set(reason, (failures.get(reason) ?? 0) + count);
  return { ...summarize(latencies), requests, seconds, rps: requests / seconds, errors, warmupErrors: warm.errors, failures };
}

/** One GET on a kept-alive connection of `agent`: resolves on a 2xx, rejects with the status (`HTTP 429`) otherwise. */
export function getOk(agent: Agent, url: URL, headers: Record<string, string> = {}): Promise<void> {
  return requestOk(agent, url, 'GET', headers);
}

/** One POST of a JSON body (as supabase-js sends an RPC), answered like getOk. */
export function postOk(agent: Agent, url: URL, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  return requestOk(agent, url, 'POST', { ...headers, 'content-type': 'application/json' }, JSON.stringify(body));
}

function requestOk(agent: Agent, url: URL, method: string, headers: Record<string, string>, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = (method === 'GET' ? httpGet : httpRequest)(url, { agent, method, headers }, (response) => {
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`HTTP ${status}`));
      });
    });
    request.on('error', reject);
    if (method !== 'GET') request.end(body);
  });
}

// Growth of a page with the data (issue 17's listGrowth parts): settling, sampling, plans and printing.

/**
 * Samples per size of a growth measurement (BENCH_GROWTH_QUERIES, 1000): more than BENCH_QUERIES, as a page takes well
 * under a millisecond and the two sizes are timed minutes apart, so a p50 over a longer stretch of time is steadier.
 */
export const growthIterations = () => Number(process.env.BENCH_GROWTH_QUERIES ?? 1000);

/**
 * Settles the database before a growth measurement, the same way at both sizes, so that what was just filled does
 * not weigh on one size's timing only: the tables vacuumed and analyzed (hint bits and visibility set now rather than
 * by the first reads, statistics current, nothing left for autovacuum), a checkpoint (no flush of the fill's dirty
 * pages during the timing), and no autovacuum worker running (waiting up to two minutes for one to finish).
 */
export async function settle(sql: postgres.Sql, tables: string[]): Promise<void> {
  await sql.unsafe(`vacuum (analyze) ${tables.join(', ')}`);
  await sql`checkpoint`;
  for (let second = 0; second < 120; second += 1) {
    const [{ workers }] = await sql<{ workers: number }[]>`select count(*)::int as workers from pg_stat_activity where backend_type = 'autovacuum worker'`;
    if (workers === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** One size of a growth measurement: the page's p50/p99 in the database, the buffers a call touches and its plan. */
export type PageAtSize = { mine: number; others: number; timing: Timing; page: PagePlan };

/** Rows of a growth measurement: size, p50, p99, buffers a call touches, and whether the page is one index range. */
export function printGrowthRows(rows: Array<[string, PageAtSize]>, whose: string): void {
  console.log(`  ${'size'.padEnd(14)} ${`${whose}'s rows`.padStart(18)} ${"everyone else's".padStart(16)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'buffers'.padStart(8)}  plan`);
  for (const [size, at] of rows) {
    console.log(`  ${size.padEnd(14)} ${at.mine.toLocaleString('en-US').padStart(18)} ${at.others.toLocaleString('en-US').padStart(16)} ${at.timing.p50.toFixed(3).padStart(8)} ${at.timing.p99.toFixed(3).padStart(8)} ${String(at.page.buffers).padStart(8)}  ${at.page.verdict}`);
  }
}

export type PagePlan = { buffers: number; indexRange: boolean; verdict: string; plan: string };
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: PlanNode[] };

/**
 * How one page is read, on one connection warmed up as the timed loop is (plpgsql caches a function's plans per
 * session and may switch to a generic plan after five calls, so the first call's plan is not necessarily the one
 * timed): the shared buffers one call touches, nested statements included (EXPLAIN (ANALYZE, BUFFERS) of the call),
 * and the plan of the listing query inside the function (auto_explain, nested, with buffers), with whether it is one
 * index range: a single Index Scan of `table` using `index`, no Sort, and no more rows read than the page holds.
 */
export async function pagePlan(url: string, claims: string, statement: string, shape: { table: string; index: string; limit: number; marker: string }): Promise<PagePlan> {
  const logged: string[] = [];
  const sql = connect(url, { max: 1, onnotice: (notice) => logged.push(String(notice.message)) });
  try {
    const buffers = await sql.begin(async (tx) => {
      await actAs(tx, claims);
      for (let warm = 0; warm < 10; warm += 1) await tx.unsafe(statement);
      const [row] = await tx.unsafe(`explain (analyze, buffers, timing off, summary off, format json) ${statement}`);
      const plan = (row['QUERY PLAN'] as Array<{ Plan: Record<string, number> }>)[0].Plan;
      return plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
    });
    const explained = async (format: 'json' | 'text') => {
      logged.length = 0;
      await sql.begin(async (tx) => {
        await tx`load 'auto_explain'`;
        await tx`select set_config('auto_explain.log_min_duration', '0', true), set_config('auto_explain.log_nested_statements', 'on', true),
                        set_config('auto_explain.log_analyze', 'on', true), set_config('auto_explain.log_timing', 'off', true),
                        set_config('auto_explain.log_buffers', 'on', true), set_config('auto_explain.log_format', ${format}, true),
                        set_config('client_min_messages', 'log', true)`;
        await actAs(tx, claims);
        await tx.unsafe(statement);
      });
      const found = logged.find((message) => message.includes(shape.marker));
      if (!found) throw new Error(`no plan of a statement with "${shape.marker}" among ${logged.length} logged`);
      return found.replace(/^duration: [\d.]+ ms\s+plan:\n/, '');
    };
    const root = (JSON.parse(await explained('json')) as { Plan: PlanNode }).Plan;
    const nodes: PlanNode[] = [];
    const walk = (node: PlanNode) => {
      nodes.push(node);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(root);
    const scans = nodes.filter((node) => node['Relation Name'] === shape.table);
    const [scan] = scans;
    const read = (scan?.['Actual Rows'] ?? 0) + (scan?.['Rows Removed by Filter'] ?? 0);
    const indexRange = scans.length === 1 && scan['Node Type'] === 'Index Scan' && scan['Index Name'] === shape.index
      && (scan['Actual Loops'] ?? 1) === 1 && read <= shape.limit && !nodes.some((node) => node['Node Type'] === 'Sort');
    const verdict = indexRange
      ? `one index range: ${scan['Index Name']}, ${read} rows read for a page of ${shape.limit}`
      : `NOT one index range: ${scans.map((node) => `${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''} (${node['Actual Rows']} rows × ${node['Actual Loops']} loops, ${node['Rows Removed by Filter'] ?? 0} filtered out)`).join(', ')}${nodes.some((node) => node['Node Type'] === 'Sort') ? ', then a Sort' : ''}`;
    const text = await explained('text');
    // The plan tree, without the (long) query text above it.
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.includes('(cost='));
    return { buffers, indexRange, verdict, plan: lines.slice(Math.max(0, start)).join('\n') };
  } finally {
    await sql.end();
  }
}
