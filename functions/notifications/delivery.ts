/**
 * The delivery worker: claims due jobs from private.notification_jobs (FOR UPDATE SKIP LOCKED, so concurrent workers
 * never take the same job), runs them outside any transaction (pushes go over the network), and records each outcome.
 * All SQL runs as the service role: the worker acts for the system, after the route checked who called it.
 */
import { asCaller, serviceRoleClaims } from '../_shared/db.ts';
import { log } from '../_shared/log.ts';
import { type PushUrgency, sendPush, type VapidKeys } from '../_shared/push.ts';

export type DeviceResult = {
  subscriptionId: string;
  status: 'sent' | 'removed' | 'retrying' | 'failed' | 'deferred';
  httpStatus?: number | null;
  at?: string;
};

type ClaimedJob = { id: number; kind: 'push' | 'group_message'; subscription_id: string | null; run_at: Date };
type PushTarget = { job_id: number; subscription_id: string; endpoint: string; p256dh: string; auth: string; payload: unknown; urgency: PushUrgency; topic: string | null; ttl_seconds: number };
type Outcome = { succeeded: boolean; result?: unknown; error?: string; retry?: boolean; retryAfterSeconds?: number };

/** How many pushes one worker has in flight at once. */
const sendConcurrency = 32;

async function claim(worker: string, batchSize: number, onlyIds?: number[]): Promise<ClaimedJob[]> {
  return await asCaller(serviceRoleClaims, (tx) =>
    tx<ClaimedJob[]>`select id, kind, subscription_id, run_at from private.claim_notification_jobs(${worker}, ${batchSize}, ${onlyIds ?? null}::bigint[])`
  );
}

/** Records the job's outcome, and the push service's answer on the device when there was one, in one transaction. */
async function finish(jobId: number, worker: string, outcome: Outcome, response?: { subscriptionId: string; status: number; error?: string }): Promise<string> {
  const [row] = await asCaller(serviceRoleClaims, async (tx) => {
    if (response) await tx`select private.record_push_response(${response.subscriptionId}, ${response.status}, ${response.error ?? null})`;
    return await tx<{ status: string }[]>`
      select private.finish_notification_job(${jobId}, ${worker}, ${outcome.succeeded}, ${outcome.result === undefined ? null : tx.json(outcome.result as never)},
                                             ${outcome.error ?? null}, ${outcome.retry ?? false}, ${outcome.retryAfterSeconds ?? null}) as status`;
  });
  return row.status;
}

async function deliverPush(job: ClaimedJob, target: PushTarget | undefined, worker: string, vapid: VapidKeys): Promise<DeviceResult> {
  const subscriptionId = job.subscription_id ?? '';
  if (!target) {
    await finish(job.id, worker, { succeeded: false, error: 'subscription no longer exists' });
    return { subscriptionId, status: 'removed' };
  }
  let result;
  try {
    result = await sendPush({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(target.payload), vapid, {
      ttlSeconds: target.ttl_seconds,
      urgency: target.urgency,
      ...(target.topic ? { topic: target.topic } : {}),
    });
  } catch (error) {
    // The request could not be built (a malformed key): nothing a retry would change.
    const message = error instanceof Error ? error.message : String(error);
    await finish(job.id, worker, { succeeded: false, error: message }, { subscriptionId, status: 400, error: message });
    return { subscriptionId, status: 'failed', httpStatus: null };
  }
  const status = await finish(job.id, worker, {
    succeeded: result.outcome === 'sent',
    result: { httpStatus: result.status },
    error: result.error,
    retry: result.outcome === 'retry',
    retryAfterSeconds: result.retryAfterSeconds,
  }, result.status === null ? undefined : { subscriptionId, status: result.status, error: result.error });
  const deviceStatus = result.outcome === 'sent' ? 'sent' : result.outcome === 'gone' ? 'removed' : status === 'pending' ? 'retrying' : 'failed';
  return { subscriptionId, status: deviceStatus, httpStatus: result.status };
}

async function runJob(job: ClaimedJob, target: PushTarget | undefined, worker: string, vapid: VapidKeys | undefined): Promise<DeviceResult | { groupNotified: number }> {
  if (job.kind === 'group_message') {
    const [row] = await asCaller(serviceRoleClaims, (tx) => tx<{ notified: number }[]>`select private.fan_out_group_message(${job.id}) as notified`);
    await finish(job.id, worker, { succeeded: true, result: { notified: row.notified } });
    return { groupNotified: row.notified };
  }
  if (!vapid) {
    await finish(job.id, worker, { succeeded: false, retry: true, error: 'VAPID keys are not configured' });
    return { subscriptionId: job.subscription_id ?? '', status: 'retrying', httpStatus: null };
  }
  return await deliverPush(job, target, worker, vapid);
}

/** Runs jobs with bounded concurrency; one failing job never stops the others. */
export async function runJobs(jobs: ClaimedJob[], worker: string, vapid: VapidKeys | undefined): Promise<Array<DeviceResult | { groupNotified: number }>> {
  const results: Array<DeviceResult | { groupNotified: number }> = new Array(jobs.length);
  // Every device of the batch in one query.
  const pushIds = jobs.filter((job) => job.kind === 'push').map((job) => job.id);
  const targets = new Map(
    pushIds.length === 0 ? [] : (await asCaller(serviceRoleClaims, (tx) => tx<PushTarget[]>`select * from private.push_job_targets(${pushIds}::bigint[])`))
      .map((target) => [Number(target.job_id), target]),
  );
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(sendConcurrency, jobs.length) }, async () => {
    while (next < jobs.length) {
      const index = next++;
      try {
        results[index] = await runJob(jobs[index], targets.get(Number(jobs[index].id)), worker, vapid);
      } catch (error) {
        log('error', 'notification_job_failed', { job_id: jobs[index].id, message: error instanceof Error ? error.message : String(error) });
        await finish(jobs[index].id, worker, { succeeded: false, retry: true, error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
        results[index] = { subscriptionId: jobs[index].subscription_id ?? '', status: 'retrying' };
      }
    }
  }));
  return results;
}

/** Delivers the given jobs now (those due; the others are reported as deferred to their time). */
export async function deliverNow(jobs: Array<{ id: number; subscriptionId: string; runAt: string }>, worker: string, vapid: VapidKeys | undefined): Promise<DeviceResult[]> {
  const due = jobs.filter((job) => new Date(job.runAt).getTime() <= Date.now());
  const claimed = due.length > 0 ? await claim(worker, due.length, due.map((job) => job.id)) : [];
  const delivered = (await runJobs(claimed, worker, vapid)) as DeviceResult[];
  const deferred: DeviceResult[] = jobs.filter((job) => !due.includes(job)).map((job) => ({ subscriptionId: job.subscriptionId, status: 'deferred', at: job.runAt }));
  return [...delivered, ...deferred];
}

/** Deliveries running after their answer went out (see deliverInBackground). */
const background = new Set<Promise<void>>();

/**
 * Delivers the given jobs without making anyone wait for it: what a push service answers, and how long that takes,
 * stays with the server. On the edge runtime the work is handed to EdgeRuntime.waitUntil so it outlives the response;
 * a delivery cut short anyway is not lost (its jobs are claimed, and given back to the worker after 5 minutes).
 */
export function deliverInBackground(jobs: Array<{ id: number; subscriptionId: string; runAt: string }>, worker: string, vapid: VapidKeys | undefined): void {
  if (jobs.length === 0) return;
  const task: Promise<void> = deliverNow(jobs, worker, vapid)
    .then(() => undefined, (error) => log('error', 'notification_delivery_failed', { worker, message: error instanceof Error ? error.message : String(error) }))
    .finally(() => background.delete(task));
  background.add(task);
  (globalThis as { EdgeRuntime?: { waitUntil?: (promise: Promise<unknown>) => void } }).EdgeRuntime?.waitUntil?.(task);
}

/** Resolves when every background delivery started so far has finished (tests, and shutdown). */
export async function backgroundDeliveriesSettled(): Promise<void> {
  while (background.size > 0) await Promise.allSettled([...background]);
}

export type ProcessSummary = { remindersSent: number; groupMessagesFannedOut: number; pushes: Record<DeviceResult['status'], number>; batches: number };

/** One worker pass: due reminders become notifications, then due jobs run in batches until none is left or time is up. */
export async function processDue(worker: string, vapid: VapidKeys | undefined, options: { batchSize?: number; budgetMs?: number } = {}): Promise<ProcessSummary> {
  const started = Date.now();
  const budgetMs = options.budgetMs ?? 20_000;
  const summary: ProcessSummary = { remindersSent: 0, groupMessagesFannedOut: 0, pushes: { sent: 0, removed: 0, retrying: 0, failed: 0, deferred: 0 }, batches: 0 };
  const [reminders] = await asCaller(serviceRoleClaims, (tx) => tx<{ sent: number }[]>`select private.send_due_session_reminders(500) as sent`);
  summary.remindersSent = reminders.sent;
  while (Date.now() - started < budgetMs) {
    const jobs = await claim(worker, options.batchSize ?? 200);
    if (jobs.length === 0) break;
    summary.batches += 1;
    for (const result of await runJobs(jobs, worker, vapid)) {
      if ('groupNotified' in result) summary.groupMessagesFannedOut += 1;
      else summary.pushes[result.status] += 1;
    }
  }
  return summary;
}
