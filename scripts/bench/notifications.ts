/**
 * `npm run bench notifications`: Web Push fan-out and the job queue.
 * - Fan-out: BENCH_PUSH_DEVICES devices (10k: 1000 people × 10 browsers with real P-256 keys) each get one encrypted
 *   push through the real worker (functions/notifications/delivery.ts `processDue`: claim, web-push encryption, fetch,
 *   record the outcome) to a push service on loopback, with one worker and with two. Each worker is a process of its
 *   own (as each worker pass is an edge function invocation of its own) on Deno, the runtime Supabase runs functions
 *   on (BENCH_PUSH_RUNTIME=node: on Node), connected before the clock starts, so two workers can use two cores.
 *   Figures: pushes per second, p50/p99 of each push's HTTP round trip, deliveries per device (exactly 1), the
 *   connections the push service accepted (kept alive: not one per push), the VAPID signatures the workers made
 *   (counted at web-push's jws.sign) and the distinct Authorization headers seen, the workers' CPU time per push, and
 *   a sample decrypted with http_ece (the bytes are real).
 * - Baseline (pushVsEncryptLimit): the one-core encryption-only rate, in a process of its own on the workers' runtime,
 *   no I/O, nothing else of the bench running: web-push's aes128gcm encryption (the call the worker makes: a fresh ECDH
 *   key pair, ECDH with the device's key, HKDF, AES-GCM) of the payload the jobs carry to the devices' P-256 keys, one
 *   after another, BENCH_PUSH_ENCRYPTIONS times (3000); VAPID signing (web-push's getVapidHeaders) the same way,
 *   BENCH_PUSH_SIGNATURES times (500). Each rate is calls over the lower of wall and CPU time, measured before the
 *   fan-outs and again after them, and the higher counts (a busy machine slows the baseline, which would flatter the
 *   workers). The limit of a run is workers / (the encryption's time + the signing time × signatures per push): a
 *   worker signing per push is held to encryption + signing, one reusing a header per push service to encryption
 *   alone. pushVsEncryptLimit is the two-worker pushes/s over that limit, i.e. over 2 × the one-core rate.
 *   BENCH_PUSH_PROFILE=<dir>: a V8 CPU profile of each worker on Node (--cpu-prof), a V8 tick log on Deno (--prof).
 * - Claiming: BENCH_CLAIM_JOBS jobs (20k) claimed and finished in batches of 200 by one and by two workers in SQL
 *   alone (no network), jobs per second and double claims (must be 0).
 */
import { spawn } from 'node:child_process';
import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import process from 'node:process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ece from 'http_ece';
import webpush from 'web-push';
import { bin, connect, repoRoot } from '../lib/stack.ts';
import { dim } from '../lib/steps.ts';
import { generateVapidKeys } from '../../functions/_shared/push.ts';
import { summarize, type Timing } from './measure.ts';
import type { Ratios } from './ratios.ts';

type FanOut = {
  workers: number; seconds: number; pushes: number; perSecond: number; roundTrip: Timing; maxPerDevice: number; missing: number; decryptedSample: number;
  /** TCP connections the push service accepted during the run. */
  connections: number;
  /** VAPID signatures the workers made (counted in each worker, at web-push's jws.sign). */
  signatures: number;
  /** Distinct VAPID Authorization headers the push service saw. */
  vapidHeaders: number;
  /** The workers' CPU time (user + system, all worker processes) per push, in ms. */
  workerCpuMsPerPush: number;
  /** The push service's CPU time per push (this process, which does nothing else meanwhile), in ms. */
  pushServiceCpuMsPerPush: number;
  /** The database's CPU time per push (every process of the Postgres server), in ms; absent where /proc is not. */
  databaseCpuMsPerPush?: number;
  /** How busy the machine's cores were during the run (all processes, other work on the machine included), 0..1. */
  machineBusy: number;
  /** Of the machine's cores during the run, the share busy with anything but the workers, push service and database. */
  otherBusy?: number;
  /** The 1-minute load average at the end of the run. */
  loadAverage: number;
  /** The encryption-only limit for this run: 2 × (one-core rate) for two workers, with the signatures it really made. */
  limitPerSecond: number;
};

export type NotificationFigures = {
  devices: number;
  /** One core, no I/O: web-push's aes128gcm encryption of the jobs' payload to the devices' keys, and VAPID signing. */
  encryption: {
    /** Where the workers and the baseline ran: Deno (as on Supabase) or Node (BENCH_PUSH_RUNTIME=node). */
    runtime: Runtime;
    payloadBytes: number; encryptions: number; encryptionsPerSecond: number; signatures: number; signaturesPerSecond: number;
    /** Each measurement (before and after the fan-outs); the rates above are the higher of each. */
    measured: Array<{ encryptionsPerSecond: number; signaturesPerSecond: number }>;
  };
  fanOut: FanOut[];
  claiming: Array<{ workers: number; jobs: number; perSecond: number; doubleClaims: number }>;
  ratios: Ratios;
};

async function startCountingPushService(keys: Map<string, { ecdh: ECDH; auth: string }>) {
  const counts = new Map<string, number>();
  const authorizations = new Set<string>();
  let decrypted = 0;
  let connections = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = request.url?.split('/').pop() ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
      authorizations.add(request.headers.authorization ?? '');
      // Decrypt one in a hundred with the reference implementation: the bench measures real, readable pushes.
      if (counts.size % 100 === 0) {
        const key = keys.get(id);
        if (key) {
          JSON.parse(ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth }).toString());
          decrypted += 1;
        }
      }
      response.writeHead(201).end();
    });
  });
  server.on('connection', () => { connections += 1; });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${address.port}`,
    counts,
    decrypted: () => decrypted,
    connections: () => connections,
    vapidHeaders: () => authorizations.size,
    reset: () => { counts.clear(); authorizations.clear(); decrypted = 0; connections = 0; },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/**
 * Rate per second of `run`, one call after another on this thread, after a short warm-up: the higher of the calls
 * over the wall time and over the process's CPU time (on a machine busy with other work the wall time counts the
 * time this process waited for a core; the CPU time does not).
 */
function ratePerSecond(iterations: number, run: (index: number) => unknown): number {
  for (let index = 0; index < Math.min(100, iterations); index += 1) run(index);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < iterations; index += 1) run(index);
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return iterations / (cpuSeconds > 0 ? Math.min(wallSeconds, cpuSeconds) : wallSeconds);
}

// ---------------------------------------------------------------------------------------------------------------------
// Child processes: this module, run again with BENCH_PUSH_CHILD set, on Deno (the runtime Supabase runs functions on,
// the default) or Node (BENCH_PUSH_RUNTIME=node). They read their input as one line on stdin and answer with lines
// starting with `childPrefix` on stdout (anything else they print is passed on to stderr).

const childPrefix = 'bench-push-child ';
type BaselineInput = { keys: Array<{ p256dh: string; auth: string }>; payload: string; origin: string; vapid: { subject: string; publicKey: string; privateKey: string }; encryptions: number; signatures: number };
type Baseline = { encryptionsPerSecond: number; signaturesPerSecond: number };
type WorkerDone = { pushes: number; roundTrips: number[]; cpuMicros: number; signatures: number };
type ChildMessage = { type: 'ready' } | { type: 'failed'; message: string } | ({ type: 'baseline' } & Baseline) | ({ type: 'done' } & WorkerDone);

async function runChild(mode: string): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  const nextLine = new Promise<string>((resolve) => lines.once('line', resolve));
  const say = (message: ChildMessage) => new Promise<void>((resolve) => process.stdout.write(`${childPrefix}${JSON.stringify(message)}\n`, () => resolve()));
  try {
    if (mode === 'baseline') {
      // The one-core limit: encryption exactly as web-push does it for the worker, and VAPID signing, one after another.
      const input = JSON.parse(await nextLine) as BaselineInput;
      const encryptionsPerSecond = ratePerSecond(input.encryptions, (index) => {
        const key = input.keys[index % input.keys.length];
        return webpush.encrypt(key.p256dh, key.auth, input.payload, 'aes128gcm');
      });
      const { subject, publicKey, privateKey } = input.vapid;
      const signaturesPerSecond = ratePerSecond(input.signatures, () => webpush.getVapidHeaders(input.origin, subject, publicKey, privateKey, 'aes128gcm'));
      await say({ type: 'baseline', encryptionsPerSecond, signaturesPerSecond });
      return;
    }
    // A worker: connects, says ready, runs one worker pass on the go line, reports its pushes, each push's HTTP round
    // trip (fetch timed around the worker) and its CPU time.
    const { processDue } = await import('../../functions/notifications/delivery.ts');
    const { vapidFromEnv } = await import('../../functions/_shared/push.ts');
    const { asCaller, closeDatabase, serviceRoleClaims } = await import('../../functions/_shared/db.ts');
    try {
      // Open as many pool connections as the worker may use, before the clock starts.
      await Promise.all(Array.from({ length: Number(process.env.DB_POOL_MAX) }, () => asCaller(serviceRoleClaims, (tx) => tx`select 1`)));
      const roundTrips: number[] = [];
      const realFetch = globalThis.fetch;
      globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
        const started = performance.now();
        try {
          return await realFetch(...args);
        } finally {
          roundTrips.push(performance.now() - started);
        }
      }) as typeof fetch;
      // Count the VAPID signatures the worker makes: every one goes through jws.sign in web-push's vapid helper.
      const jws = createRequire(createRequire(import.meta.url).resolve('web-push'))('jws') as { sign: (...args: unknown[]) => string };
      const sign = jws.sign;
      let signatures = 0;
      jws.sign = (...args: unknown[]) => {
        signatures += 1;
        return sign(...args);
      };
      await say({ type: 'ready' });
      await nextLine;
      const cpu = process.cpuUsage();
      const summary = await processDue(mode, vapidFromEnv(), { batchSize: 500, budgetMs: 600_000 });
      const used = process.cpuUsage(cpu);
      await say({ type: 'done', pushes: summary.pushes.sent, roundTrips, cpuMicros: used.user + used.system, signatures });
    } finally {
      await closeDatabase();
    }
  } catch (error) {
    await say({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  } finally {
    lines.close();
  }
}

if (process.env.BENCH_PUSH_CHILD) {
  await runChild(process.env.BENCH_PUSH_CHILD);
  process.exit(0);
}

type Runtime = 'deno' | 'node';

/** Starts this module as a child on `runtime`; its messages come one at a time from next(). */
function startChild(runtime: Runtime, mode: string, env: Record<string, string>) {
  const file = fileURLToPath(import.meta.url);
  // BENCH_PUSH_PROFILE=<dir>: a V8 CPU profile of each worker on Node (--cpu-prof), a V8 log on Deno (--prof).
  const profile = process.env.BENCH_PUSH_PROFILE;
  const child = runtime === 'deno'
    ? spawn(bin('deno'), ['run', '--config', `${repoRoot}functions/deno.json`, '--allow-all', ...(profile ? ['--v8-flags=--prof'] : []), file], {
      cwd: profile ?? repoRoot, env: { ...process.env, ...env, BENCH_PUSH_CHILD: mode }, stdio: ['pipe', 'pipe', 'inherit'],
    })
    : spawn(process.execPath, [...process.execArgv, ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), file], {
      cwd: repoRoot, env: { ...process.env, ...env, BENCH_PUSH_CHILD: mode }, stdio: ['pipe', 'pipe', 'inherit'],
    });
  const queued: ChildMessage[] = [];
  const waiting: Array<{ resolve: (message: ChildMessage) => void; reject: (error: Error) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith(childPrefix)) {
      process.stderr.write(`${line}\n`);
      return;
    }
    const message = JSON.parse(line.slice(childPrefix.length)) as ChildMessage;
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(message);
    else queued.push(message);
  });
  child.once('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`bench push child (${mode} on ${runtime}) exited with ${code}`));
  });
  return {
    next: async <Type extends ChildMessage['type']>(type: Type): Promise<Extract<ChildMessage, { type: Type }>> => {
      const message = queued.shift() ?? await new Promise<ChildMessage>((resolve, reject) => {
        if (child.exitCode !== null) reject(new Error(`bench push child (${mode} on ${runtime}) exited with ${child.exitCode}`));
        else waiting.push({ resolve, reject });
      });
      if (message.type === 'failed') throw new Error(`bench push child (${mode} on ${runtime}) failed: ${message.message}`);
      if (message.type !== type) throw new Error(`bench push child (${mode} on ${runtime}) said ${message.type}, not ${type}`);
      return message as Extract<ChildMessage, { type: Type }>;
    },
    send: (line: string) => child.stdin!.write(`${line}\n`),
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

/** CPU time so far of the database server's processes (the postmaster and its children), in ms; undefined without /proc. */
function databaseCpuMs(postmaster: number | undefined): number | undefined {
  if (postmaster === undefined) return undefined;
  try {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // pid (comm) state ppid … utime stime: fields after the command's closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Its children's utime and stime; the postmaster's own, and those of the children it has reaped (cutime,
      // cstime: backends that ended meanwhile).
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
      if (Number(entry) === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU time of all the machine's cores so far, busy and in all, in ms. */
function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    total += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  return { busy, total };
}

/** The one-core rates, measured in a process of its own on the workers' runtime. */
async function measureBaseline(runtime: Runtime, input: BaselineInput): Promise<Baseline> {
  const child = startChild(runtime, 'baseline', {});
  try {
    child.send(JSON.stringify(input));
    const { encryptionsPerSecond, signaturesPerSecond } = await child.next('baseline');
    return { encryptionsPerSecond, signaturesPerSecond };
  } finally {
    child.stop();
  }
}

/** Starts `count` worker processes, waits until each is connected, then starts them together; resolves with their reports. */
async function runWorkers(runtime: Runtime, count: number, env: Record<string, string>, onStart: () => void): Promise<{ seconds: number; reports: WorkerDone[] }> {
  const children = Array.from({ length: count }, (_, index) => startChild(runtime, `bench-${count}-${index}`, env));
  try {
    await Promise.all(children.map((child) => child.next('ready')));
    onStart();
    const started = performance.now();
    for (const child of children) child.send('go');
    const reports = await Promise.all(children.map((child) => child.next('done')));
    return { seconds: (performance.now() - started) / 1000, reports };
  } finally {
    for (const child of children) child.stop();
  }
}

export async function measureNotifications(url: string, onProgress: (message: string) => void): Promise<NotificationFigures> {
  const devices = Number(process.env.BENCH_PUSH_DEVICES ?? 10_000);
  const perPerson = 10;
  const people = Math.ceil(devices / perPerson);
  const claimJobs = Number(process.env.BENCH_CLAIM_JOBS ?? 20_000);
  const encryptions = Number(process.env.BENCH_PUSH_ENCRYPTIONS ?? 3000);
  const signatures = Number(process.env.BENCH_PUSH_SIGNATURES ?? 500);
  const runtime: Runtime = process.env.BENCH_PUSH_RUNTIME === 'node' ? 'node' : 'deno';
  // What each worker process reads when it starts.
  const vapid = { ...generateVapidKeys(), subject: 'mailto:bench@healspace.local' };
  const workerEnv = { SUPABASE_DB_URL: url, DB_POOL_MAX: '16', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: vapid.subject };

  const keys = new Map<string, { ecdh: ECDH; auth: string }>();
  const push = await startCountingPushService(keys);
  const sql = connect(url, { max: 1 });
  try {
    await sql`insert into private.push_services (host_suffix, description) values ('127.0.0.1', 'bench push service') on conflict do nothing`;
    await sql`
      insert into auth.users (instance_id, id, aud, role, email, raw_user_meta_data, is_anonymous, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-push-' || n || '@example.com',
             jsonb_build_object('bench_push', n), false, now(), now()
      from generate_series(1, ${people}::int) as n`;
    const users = (await sql<{ id: string }[]>`select id from auth.users where raw_user_meta_data ? 'bench_push' order by id`).map((row) => row.id);
    const rows = Array.from({ length: devices }, (_, index) => {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = `device-${index}`;
      const auth = randomBytes(16).toString('base64url');
      keys.set(id, { ecdh, auth });
      return { user: users[index % users.length], endpoint: `${push.origin}/push/${id}`, p256dh: ecdh.getPublicKey('base64url'), auth };
    });
    await sql`
      insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
      select unnest(${rows.map((row) => row.user)}::uuid[]), unnest(${rows.map((row) => row.endpoint)}::text[]),
             unnest(${rows.map((row) => row.p256dh)}::text[]), unnest(${rows.map((row) => row.auth)}::text[])`;
    onProgress(`${devices.toLocaleString('en-US')} devices of ${people.toLocaleString('en-US')} people`);

    // Only this section's pushes: jobs other sections queued (group fan-outs of the groups section) are set aside.
    const queue = async () => {
      await sql`update private.notification_jobs set status = 'cancelled', last_error = 'set aside by the bench' where status = 'pending'`;
      await sql`select count(private.notify(u, 'system', 'Bench', 'A push to every device', '{}', null, true)) from unnest(${users}::uuid[]) as u`;
    };

    // The baseline: one core, no I/O, the payload the jobs carry, the devices' keys, in a process of its own on the
    // workers' runtime. Measured before the fan-outs and again after them, with no worker running; the higher rate of
    // each counts (the machine may be busy with other work at one of the two moments, and a slower baseline would
    // flatter the workers).
    await queue();
    const [{ payload }] = await sql<{ payload: unknown }[]>`select payload from private.notification_jobs where status = 'pending' and kind = 'push' limit 1`;
    const plaintext = JSON.stringify(payload);
    const baselineInput: BaselineInput = {
      keys: rows.slice(0, 1000).map(({ p256dh, auth }) => ({ p256dh, auth })), payload: plaintext, origin: push.origin, vapid, encryptions, signatures,
    };
    const before = await measureBaseline(runtime, baselineInput);
    onProgress(`one core (${runtime}): ${before.encryptionsPerSecond.toFixed(0)} encryptions/s, ${before.signaturesPerSecond.toFixed(0)} VAPID signatures/s`);

    type Run = {
      workers: number; seconds: number; reports: WorkerDone[]; perDevice: number[]; pushes: number; connections: number; vapidHeaders: number; decrypted: number;
      serviceCpuMicros: number; databaseCpuMs?: number; machine: { busy: number; total: number };
    };
    // The Postgres server's main process: the parent of this connection's backend.
    const [{ backend }] = await sql<{ backend: number }[]>`select pg_backend_pid() as backend`;
    let postmaster: number | undefined;
    try {
      const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
      postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      postmaster = undefined;
    }
    const runs: Run[] = [];
    for (const workers of [1, 2]) {
      push.reset();
      if (workers > 1) await queue();
      let serviceCpu = process.cpuUsage();
      let machine = machineTimes();
      let database = databaseCpuMs(postmaster);
      const { seconds, reports } = await runWorkers(runtime, workers, workerEnv, () => {
        serviceCpu = process.cpuUsage();
        machine = machineTimes();
        database = databaseCpuMs(postmaster);
      });
      const serviceUsed = process.cpuUsage(serviceCpu);
      const machineNow = machineTimes();
      const databaseNow = databaseCpuMs(postmaster);
      const perDevice = [...push.counts.values()];
      runs.push({
        workers, seconds, reports, perDevice, pushes: perDevice.reduce((sum, count) => sum + count, 0), connections: push.connections(), vapidHeaders: push.vapidHeaders(),
        decrypted: push.decrypted(), serviceCpuMicros: serviceUsed.user + serviceUsed.system,
        databaseCpuMs: databaseNow === undefined || database === undefined ? undefined : databaseNow - database,
        machine: { busy: machineNow.busy - machine.busy, total: machineNow.total - machine.total },
      });
      onProgress(`fan-out with ${workers} worker${workers > 1 ? 's' : ''} (${runtime}): ${seconds.toFixed(1)} s`);
    }

    const after = await measureBaseline(runtime, baselineInput);
    onProgress(`one core again (${runtime}): ${after.encryptionsPerSecond.toFixed(0)} encryptions/s, ${after.signaturesPerSecond.toFixed(0)} VAPID signatures/s`);
    const encryptionsPerSecond = Math.max(before.encryptionsPerSecond, after.encryptionsPerSecond);
    const signaturesPerSecond = Math.max(before.signaturesPerSecond, after.signaturesPerSecond);
    const encryption = {
      runtime, payloadBytes: Buffer.byteLength(plaintext), encryptions, encryptionsPerSecond, signatures, signaturesPerSecond,
      measured: [before, after],
    };
    const fanOut: FanOut[] = runs.map(({ workers, seconds, reports, perDevice, pushes, connections, vapidHeaders, decrypted, serviceCpuMicros, databaseCpuMs, machine }) => ({
      workers, seconds, pushes, perSecond: pushes / seconds, roundTrip: summarize(reports.flatMap((report) => report.roundTrips)),
      maxPerDevice: Math.max(0, ...perDevice), missing: devices - perDevice.length, decryptedSample: decrypted, connections, vapidHeaders,
      workerCpuMsPerPush: reports.reduce((sum, report) => sum + report.cpuMicros, 0) / 1000 / Math.max(1, pushes),
      pushServiceCpuMsPerPush: serviceCpuMicros / 1000 / Math.max(1, pushes),
      ...(databaseCpuMs === undefined ? {} : {
        databaseCpuMsPerPush: databaseCpuMs / Math.max(1, pushes),
        otherBusy: Math.max(0, machine.busy - reports.reduce((sum, report) => sum + report.cpuMicros, 0) / 1000 - serviceCpuMicros / 1000 - databaseCpuMs) / Math.max(1, machine.total),
      }),
      machineBusy: machine.busy / Math.max(1, machine.total), loadAverage: loadavg()[0],
      signatures: reports.reduce((sum, report) => sum + report.signatures, 0),
      // The cost per push of the work no worker can skip: encryption, and the signatures the workers made.
      limitPerSecond: workers / (1 / encryptionsPerSecond + (reports.reduce((sum, report) => sum + report.signatures, 0) / Math.max(1, pushes)) / signaturesPerSecond),
    }));

    // Claiming alone: jobs that never reach the network.
    const claiming: NotificationFigures['claiming'] = [];
    const pool = connect(url, { max: 4 });
    try {
      for (const workers of [1, 2]) {
        await sql`delete from private.notification_jobs where kind = 'push' and payload ->> 'bench' = 'claim'`;
        await sql`
          insert into private.notification_jobs (kind, user_id, subscription_id, notification_type, payload)
          select 'push', s.user_id, s.id, 'system', '{"bench": "claim"}' from public.push_subscriptions as s, generate_series(1, ${Math.ceil(claimJobs / devices)}::int)
          limit ${claimJobs}`;
        const claimed: number[] = [];
        const started = performance.now();
        await Promise.all(Array.from({ length: workers }, async (_, index) => {
          const worker = `claim-${workers}-${index}`;
          for (;;) {
            const jobs = await pool<{ id: number }[]>`select id from private.claim_notification_jobs(${worker}, 200)`;
            if (jobs.length === 0) break;
            claimed.push(...jobs.map((job) => job.id));
            await pool`select private.finish_notification_job(id, ${worker}, true) from unnest(${jobs.map((job) => job.id)}::bigint[]) as id`;
          }
        }));
        const seconds = (performance.now() - started) / 1000;
        claiming.push({ workers, jobs: claimed.length, perSecond: claimed.length / seconds, doubleClaims: claimed.length - new Set(claimed).size });
      }
    } finally {
      await pool.end();
    }
    onProgress('claiming measured');
    const two = fanOut.find((row) => row.workers === 2);
    return { devices, encryption, fanOut, claiming, ratios: two ? { pushVsEncryptLimit: two.perSecond / two.limitPerSecond } : {} };
  } finally {
    await sql.end();
    await push.close();
  }
}

export function printNotificationFigures(figures: NotificationFigures): void {
  const { encryption } = figures;
  console.log(`\nWeb Push fan-out: ${figures.devices.toLocaleString('en-US')} devices, one encrypted push each, to a push service on loopback (each worker its own ${encryption.runtime} process)`);
  console.log(`  baseline, one core, no I/O, on ${encryption.runtime} like the workers: aes128gcm encryption of the ${encryption.payloadBytes}-byte payload to the devices' P-256 keys `
    + `${encryption.encryptionsPerSecond.toFixed(0)}/s (${(1000 / encryption.encryptionsPerSecond).toFixed(3)} ms), VAPID signing ${encryption.signaturesPerSecond.toFixed(0)}/s `
    + `(${(1000 / encryption.signaturesPerSecond).toFixed(3)} ms); the higher of ${encryption.measured.map((rate) => `${rate.encryptionsPerSecond.toFixed(0)}/${rate.signaturesPerSecond.toFixed(0)}`).join(' and ')}, `
    + 'measured before and after the fan-outs');
  console.log(`  ${'workers'.padEnd(8)} ${'seconds'.padStart(8)} ${'pushes/s'.padStart(9)} ${'limit/s'.padStart(8)} ${'vs limit'.padStart(9)} ${'vs 1 worker'.padStart(12)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} `
    + `${'max/device'.padStart(10)} ${'missing'.padStart(8)} ${'decrypted'.padStart(9)} ${'conns'.padStart(6)} ${'VAPID sigs'.padStart(10)} ${'headers'.padStart(8)} `
    + `${'CPU ms/push: workers'.padStart(20)} ${'of it limit'.padStart(11)} ${'service'.padStart(7)} ${'database'.padStart(8)} ${'machine busy'.padStart(12)} ${'other work'.padStart(10)} ${'load'.padStart(5)}`);
  const [one] = figures.fanOut;
  for (const row of figures.fanOut) {
    console.log(`  ${String(row.workers).padEnd(8)} ${row.seconds.toFixed(1).padStart(8)} ${row.perSecond.toFixed(0).padStart(9)} ${row.limitPerSecond.toFixed(0).padStart(8)} `
      + `${(row.perSecond / row.limitPerSecond).toFixed(2).padStart(9)} ${`${(row.perSecond / one.perSecond).toFixed(2)}×`.padStart(12)} ${row.roundTrip.p50.toFixed(2).padStart(7)} ${row.roundTrip.p99.toFixed(2).padStart(7)} `
      + `${String(row.maxPerDevice).padStart(10)} ${String(row.missing).padStart(8)} ${String(row.decryptedSample).padStart(9)} ${String(row.connections).padStart(6)} `
      + `${String(row.signatures).padStart(10)} ${String(row.vapidHeaders).padStart(8)} ${row.workerCpuMsPerPush.toFixed(3).padStart(20)} `
      + `${`${(100 * (row.workers * 1000 / row.limitPerSecond) / row.workerCpuMsPerPush).toFixed(0)}%`.padStart(11)} ${row.pushServiceCpuMsPerPush.toFixed(3).padStart(7)} `
      + `${(row.databaseCpuMsPerPush?.toFixed(3) ?? '-').padStart(8)} ${`${(100 * row.machineBusy).toFixed(0)}%`.padStart(12)} `
      + `${(row.otherBusy === undefined ? '-' : `${(100 * row.otherBusy).toFixed(0)}%`).padStart(10)} ${row.loadAverage.toFixed(1).padStart(5)}`);
  }
  console.log(dim('  limit: workers / (encryption + VAPID signing × the signatures the workers made per push), one-core times from the baseline; vs limit of 2 workers = pushVsEncryptLimit.'));
  console.log(dim('  conns: connections the push service accepted; headers: distinct Authorization headers it saw; CPU per push of the worker processes (of it limit: the'));
  console.log(dim('  share the limit\'s work would take), the push service (this process) and the Postgres server, all on this machine\'s cores; machine busy: all cores,'));
  console.log(dim('  everything on the machine; other work: the part of it that is none of those.'));
  console.log(`\n  ${'claiming (SQL only)'.padEnd(20)} ${'jobs'.padStart(7)} ${'jobs/s'.padStart(9)} ${'double claims'.padStart(14)} ${'vs 1 worker'.padStart(12)}`);
  const [single] = figures.claiming;
  for (const row of figures.claiming) {
    console.log(`  ${`${row.workers} worker${row.workers > 1 ? 's' : ''}`.padEnd(20)} ${String(row.jobs).padStart(7)} ${row.perSecond.toFixed(0).padStart(9)} ${String(row.doubleClaims).padStart(14)} ${`${(row.perSecond / single.perSecond).toFixed(2)}×`.padStart(12)}`);
  }
}
