/**
 * `npm run bench notifications`: Web Push fan-out and the job queue.
 * - Fan-out: BENCH_PUSH_DEVICES devices (10k: 1000 people × 10 browsers with real P-256 keys) each get one encrypted
 *   push through the real worker (functions/notifications/delivery.ts: claim, web-push encryption, fetch, finish) to
 *   a push service on loopback, with one worker and with two; throughput, p50/p99 of each push's HTTP round trip,
 *   and deliveries per device (must be exactly 1). A sample is decrypted with http_ece to prove the bytes are real.
 * - Claiming: BENCH_CLAIM_JOBS jobs (20k) claimed and finished in batches of 200 by one and by two workers in SQL
 *   alone (no network), jobs per second and double claims (must be 0).
 */
import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import ece from 'http_ece';
import { connect } from '../lib/stack.ts';
import { generateVapidKeys } from '../../functions/_shared/push.ts';
import { summarize, type Timing } from './measure.ts';

export type NotificationFigures = {
  devices: number;
  fanOut: Array<{ workers: number; seconds: number; perSecond: number; roundTrip: Timing; maxPerDevice: number; missing: number; decryptedSample: number }>;
  claiming: Array<{ workers: number; jobs: number; perSecond: number; doubleClaims: number }>;
};

async function startCountingPushService(keys: Map<string, { ecdh: ECDH; auth: string }>) {
  const counts = new Map<string, number>();
  let decrypted = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = request.url?.split('/').pop() ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${address.port}`,
    counts,
    decrypted: () => decrypted,
    reset: () => { counts.clear(); decrypted = 0; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function measureNotifications(url: string, onProgress: (message: string) => void): Promise<NotificationFigures> {
  const devices = Number(process.env.BENCH_PUSH_DEVICES ?? 10_000);
  const perPerson = 10;
  const people = Math.ceil(devices / perPerson);
  const claimJobs = Number(process.env.BENCH_CLAIM_JOBS ?? 20_000);
  // The worker reads these when it runs; set before its module opens a connection.
  const vapid = { ...generateVapidKeys(), subject: 'mailto:bench@healspace.local' };
  Object.assign(process.env, { SUPABASE_DB_URL: url, DB_POOL_MAX: '16', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: vapid.subject });
  const { processDue } = await import('../../functions/notifications/delivery.ts');
  const { closeDatabase } = await import('../../functions/_shared/db.ts');

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

    // Time every push's HTTP round trip: wrap fetch for the worker in this process.
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

    const fanOut: NotificationFigures['fanOut'] = [];
    for (const workers of [1, 2]) {
      push.reset();
      roundTrips.length = 0;
      // Only this section's pushes: jobs other sections queued (group fan-outs of the groups section) are set aside.
      await sql`update private.notification_jobs set status = 'cancelled', last_error = 'set aside by the bench' where status = 'pending'`;
      await sql`select count(private.notify(u, 'system', 'Bench', 'A push to every device', '{}', null, true)) from unnest(${users}::uuid[]) as u`;
      const started = performance.now();
      await Promise.all(Array.from({ length: workers }, (_, index) => processDue(`bench-${workers}-${index}`, vapid, { batchSize: 500, budgetMs: 600_000 })));
      const seconds = (performance.now() - started) / 1000;
      const perDevice = [...push.counts.values()];
      fanOut.push({
        workers, seconds, perSecond: perDevice.reduce((sum, count) => sum + count, 0) / seconds, roundTrip: summarize(roundTrips),
        maxPerDevice: Math.max(0, ...perDevice), missing: devices - push.counts.size, decryptedSample: push.decrypted(),
      });
      onProgress(`fan-out with ${workers} worker${workers > 1 ? 's' : ''}: ${seconds.toFixed(1)} s`);
    }
    globalThis.fetch = realFetch;

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
    return { devices, fanOut, claiming };
  } finally {
    await sql.end();
    await closeDatabase();
    await push.close();
  }
}

export function printNotificationFigures(figures: NotificationFigures): void {
  console.log(`\nWeb Push fan-out: ${figures.devices.toLocaleString('en-US')} devices, one encrypted push each, to a push service on loopback`);
  console.log(`  ${'workers'.padEnd(10)} ${'seconds'.padStart(8)} ${'pushes/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max per device'.padStart(15)} ${'missing'.padStart(8)} ${'decrypted sample'.padStart(17)} ${'vs 1 worker'.padStart(12)}`);
  const [one] = figures.fanOut;
  for (const row of figures.fanOut) {
    console.log(`  ${String(row.workers).padEnd(10)} ${row.seconds.toFixed(1).padStart(8)} ${row.perSecond.toFixed(0).padStart(9)} ${row.roundTrip.p50.toFixed(2).padStart(8)} ${row.roundTrip.p99.toFixed(2).padStart(8)} ${String(row.maxPerDevice).padStart(15)} ${String(row.missing).padStart(8)} ${String(row.decryptedSample).padStart(17)} ${`${(row.perSecond / one.perSecond).toFixed(2)}×`.padStart(12)}`);
  }
  console.log(`\n  ${'claiming (SQL only)'.padEnd(20)} ${'jobs'.padStart(7)} ${'jobs/s'.padStart(9)} ${'double claims'.padStart(14)} ${'vs 1 worker'.padStart(12)}`);
  const [single] = figures.claiming;
  for (const row of figures.claiming) {
    console.log(`  ${`${row.workers} worker${row.workers > 1 ? 's' : ''}`.padEnd(20)} ${String(row.jobs).padStart(7)} ${row.perSecond.toFixed(0).padStart(9)} ${String(row.doubleClaims).padStart(14)} ${`${(row.perSecond / single.perSecond).toFixed(2)}×`.padStart(12)}`);
  }
}
