/**
 * The delivery worker: claims due jobs from private.notification_jobs (FOR UPDATE SKIP LOCKED, so concurrent workers
 * never take the same job), runs them outside any transaction (pushes go over the network), and records each outcome.
 * All SQL runs as the service role: the worker acts for the system, after the route checked who called it.
 *
 * Database round trips are per batch, not per push: a batch is claimed and its devices read in one transaction (the
 * next batch while the last pushes of the current one are in flight), and outcomes are recorded in groups (Finisher)
 * while the sending goes on. Each outcome is recorded as one transaction per job would record it: the push service's
 * answer on the device, then the job's end. A worker that dies before recording an outcome leaves its job claimed;
 * it is due again after 5 minutes, as it always was.
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
type PushResponse = { subscriptionId: string; status: number; error?: string };
type JobResult = DeviceResult | { groupNotified: number };

/** How many pushes one worker has in flight at once. */
const sendConcurrency = 32;
/** Outcomes are recorded once this many wait… */
const finishGroupSize = 500;
/** …or once the first of them has waited this long (or at once, when the caller waits for them). */
const finishDelayMs = 25;

/** Claims due jobs and reads the devices of the push jobs among them, in one transaction. */
async function claim(worker: string, batchSize: number, onlyIds?: number[]): Promise<{ jobs: ClaimedJob[]; targets: Map<number, PushTarget> }> {
  return await asCaller(serviceRoleClaims, async (tx) => {
    const jobs = await tx<ClaimedJob[]>`select id, kind, subscription_id, run_at from private.claim_notification_jobs(${worker}, ${batchSize}, ${onlyIds ?? null}::bigint[])`;
    const pushIds = jobs.filter((job) => job.kind === 'push').map((job) => job.id);
    const targets = pushIds.length === 0 ? [] : await tx<PushTarget[]>`select * from private.push_job_targets(${pushIds}::bigint[])`;
    return { jobs, targets: new Map(targets.map((target) => [Number(target.job_id), target])) };
  });
}

/** Records the job's outcome, and the push service's answer on the device when there was one, in one transaction. */
async function finish(jobId: number, worker: string, outcome: Outcome, response?: PushResponse): Promise<string> {
  const [row] = await asCaller(serviceRoleClaims, async (tx) => {
    if (response) await tx`select private.record_push_response(${response.subscriptionId}, ${response.status}, ${response.error ?? null})`;
    return await tx<{ status: string }[]>`
      select private.finish_notification_job(${jobId}, ${worker}, ${outcome.succeeded}, ${outcome.result === undefined ? null : tx.json(outcome.result as never)},
                                             ${outcome.error ?? null}, ${outcome.retry ?? false}, ${outcome.retryAfterSeconds ?? null}) as status`;
  });
  return row.status;
}

type Finishing = { jobId: number; outcome: Outcome; response?: PushResponse; resolve: (status: string) => void; reject: (error: unknown) => void };

/**
 * Records outcomes in groups, one transaction per group, one at a time: a group goes once finishGroupSize outcomes
 * wait, once the first has waited finishDelayMs, or at once after flush(). In each transaction the push services'
 * answers are recorded on the devices first (in device order, so two workers' groups never wait on each other in a
 * cycle), then each job ends, through the same functions a single job's finish calls. A group that fails as a whole
 * (a deadlock, a lost connection) is recorded again one job per transaction, so one bad row costs only its own job.
 */
class Finisher {
  private waiting: Finishing[] = [];
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Record what waits without waiting for more (cleared once nothing waits). */
  private flushing = false;

  constructor(private readonly worker: string) {}

  /** Resolves with the job's new status (done, pending, dead, or not_owned) once recorded. */
  finish(jobId: number, outcome: Outcome, response?: PushResponse): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ jobId: Number(jobId), outcome, response, resolve, reject }); // ids come as text (bigint)
      this.schedule();
    });
  }

  /** Records everything waiting, and what comes until nothing waits, without delay. */
  flush(): void {
    this.flushing = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.running) return; // looked at again when the running group is recorded
    if (this.waiting.length === 0) {
      this.flushing = false;
      return;
    }
    if (!this.flushing && this.waiting.length < finishGroupSize) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, finishDelayMs);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = true;
    const group = this.waiting.splice(0, finishGroupSize);
    // The next group waits its own delay, unless flushed.
    if (this.waiting.length === 0) this.flushing = false;
    void this.recordGroup(group).finally(() => {
      this.running = false;
      this.schedule();
    });
  }

  private async recordGroup(group: Finishing[]): Promise<void> {
    try {
      const statuses = await this.record(group);
      for (const item of group) item.resolve(statuses.get(item.jobId) ?? 'not_owned');
    } catch (error) {
      log('warn', 'notification_finish_group_failed', { worker: this.worker, jobs: group.length, message: error instanceof Error ? error.message : String(error) });
      await Promise.all(group.map((item) => finish(item.jobId, this.worker, item.outcome, item.response).then(item.resolve, item.reject)));
    }
  }

  private async record(group: Finishing[]): Promise<Map<number, string>> {
    const responses = group.filter((item) => item.response).map((item) => item.response!)
      .sort((a, b) => (a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : 0))
      .map((response) => ({ subscription_id: response.subscriptionId, status: response.status, error: response.error ?? null }));
    const ends = [...group].sort((a, b) => a.jobId - b.jobId).map(({ jobId, outcome }) => ({
      id: jobId, succeeded: outcome.succeeded, result: outcome.result ?? null, error: outcome.error ?? null,
      retry: outcome.retry ?? false, retry_after_seconds: outcome.retryAfterSeconds ?? null,
    }));
    const rows = await asCaller(serviceRoleClaims, async (tx) => {
      if (responses.length > 0) {
        await tx`
          select private.record_push_response(r.subscription_id, r.status, r.error)
          from jsonb_to_recordset(${tx.json(responses as never)}) as r(subscription_id uuid, status integer, error text)`;
      }
      return await tx<{ id: number; status: string }[]>`
        select r.id, private.finish_notification_job(r.id, ${this.worker}, r.succeeded, r.result, r.error, r.retry, r.retry_after_seconds) as status
        from jsonb_to_recordset(${tx.json(ends as never)}) as r(id bigint, succeeded boolean, result jsonb, error text, retry boolean, retry_after_seconds integer)`;
    });
    return new Map(rows.map((row) => [Number(row.id), row.status]));
  }
}

/**
 * Sends one push; resolves once it is answered, with what resolves once its outcome is recorded (in an object: an
 * async function returning a promise would wait for it).
 */
async function deliverPush(job: ClaimedJob, target: PushTarget | undefined, finisher: Finisher, vapid: VapidKeys): Promise<{ recorded: Promise<DeviceResult> }> {
  const subscriptionId = job.subscription_id ?? '';
  if (!target) {
    return { recorded: finisher.finish(job.id, { succeeded: false, error: 'subscription no longer exists' }).then(() => ({ subscriptionId, status: 'removed' })) };
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
    return { recorded: finisher.finish(job.id, { succeeded: false, error: message }, { subscriptionId, status: 400, error: message })
      .then(() => ({ subscriptionId, status: 'failed', httpStatus: null })) };
  }
  const { outcome, status: httpStatus } = result;
  return { recorded: finisher.finish(job.id, {
    succeeded: outcome === 'sent',
    result: { httpStatus },
    error: result.error,
    retry: outcome === 'retry',
    retryAfterSeconds: result.retryAfterSeconds,
  }, httpStatus === null ? undefined : { subscriptionId, status: httpStatus, error: result.error })
    .then((status) => ({ subscriptionId, status: outcome === 'sent' ? 'sent' : outcome === 'gone' ? 'removed' : status === 'pending' ? 'retrying' : 'failed', httpStatus })) };
}

/** Runs one job; resolves once it is done but for recording its outcome, with what resolves once that is recorded. */
async function runJob(job: ClaimedJob, target: PushTarget | undefined, finisher: Finisher, vapid: VapidKeys | undefined): Promise<{ recorded: Promise<JobResult> }> {
  if (job.kind === 'group_message') {
    const [row] = await asCaller(serviceRoleClaims, (tx) => tx<{ notified: number }[]>`select private.fan_out_group_message(${job.id}) as notified`);
    return { recorded: finisher.finish(job.id, { succeeded: true, result: { notified: row.notified } }).then(() => ({ groupNotified: row.notified })) };
  }
  if (!vapid) {
    return { recorded: finisher.finish(job.id, { succeeded: false, retry: true, error: 'VAPID keys are not configured' })
      .then(() => ({ subscriptionId: job.subscription_id ?? '', status: 'retrying', httpStatus: null })) };
  }
  return await deliverPush(job, target, finisher, vapid);
}

/**
 * Runs jobs with bounded concurrency; one failing job never stops the others. A sender goes on to its next job as
 * soon as its push is answered: this resolves once every job has run, with one promise per job that resolves once
 * its outcome is recorded. `onAllTaken` is called once the last job has been taken by a sender (the last pushes are
 * in flight), when the worker claims its next batch.
 */
async function runJobs(jobs: ClaimedJob[], targets: Map<number, PushTarget>, finisher: Finisher, vapid: VapidKeys | undefined,
  onAllTaken?: () => void): Promise<Array<Promise<JobResult>>> {
  const recorded: Array<Promise<JobResult>> = new Array(jobs.length);
  const failed = (job: ClaimedJob, error: unknown): Promise<JobResult> => {
    const message = error instanceof Error ? error.message : String(error);
    log('error', 'notification_job_failed', { job_id: job.id, message });
    return finisher.finish(job.id, { succeeded: false, retry: true, error: message }).catch(() => undefined)
      .then(() => ({ subscriptionId: job.subscription_id ?? '', status: 'retrying' as const }));
  };
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(sendConcurrency, jobs.length) }, async () => {
    while (next < jobs.length) {
      const index = next++;
      if (next === jobs.length) onAllTaken?.();
      const job = jobs[index];
      try {
        recorded[index] = (await runJob(job, targets.get(Number(job.id)), finisher, vapid)).recorded.catch((error) => failed(job, error));
      } catch (error) {
        recorded[index] = failed(job, error);
      }
    }
  }));
  return recorded;
}

/** Delivers the given jobs now (those due; the others are reported as deferred to their time). */
export async function deliverNow(jobs: Array<{ id: number; subscriptionId: string; runAt: string }>, worker: string, vapid: VapidKeys | undefined): Promise<DeviceResult[]> {
  const due = jobs.filter((job) => new Date(job.runAt).getTime() <= Date.now());
  const deferred: DeviceResult[] = jobs.filter((job) => !due.includes(job)).map((job) => ({ subscriptionId: job.subscriptionId, status: 'deferred', at: job.runAt }));
  if (due.length === 0) return deferred;
  const claimed = await claim(worker, due.length, due.map((job) => job.id));
  const finisher = new Finisher(worker);
  const recorded = await runJobs(claimed.jobs, claimed.targets, finisher, vapid);
  finisher.flush();
  return [...(await Promise.all(recorded)) as DeviceResult[], ...deferred];
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

/**
 * One worker pass: due reminders become notifications, then due jobs run in batches until none is left or time is up.
 * The next batch is claimed while the last pushes of the current one are in flight, and sending goes on while
 * outcomes are recorded; the pass ends once every outcome is. After a batch that fanned out group messages, one more
 * claim follows its end, so the pushes it queued go out in the same pass.
 */
export async function processDue(worker: string, vapid: VapidKeys | undefined, options: { batchSize?: number; budgetMs?: number } = {}): Promise<ProcessSummary> {
  const started = Date.now();
  const budgetMs = options.budgetMs ?? 20_000;
  const batchSize = options.batchSize ?? 200;
  const summary: ProcessSummary = { remindersSent: 0, groupMessagesFannedOut: 0, pushes: { sent: 0, removed: 0, retrying: 0, failed: 0, deferred: 0 }, batches: 0 };
  const [reminders] = await asCaller(serviceRoleClaims, (tx) => tx<{ sent: number }[]>`select private.send_due_session_reminders(500) as sent`);
  summary.remindersSent = reminders.sent;
  const finisher = new Finisher(worker);
  const recorded: Array<Promise<JobResult>> = [];
  const none = { jobs: [] as ClaimedJob[], targets: new Map<number, PushTarget>() };
  const claimNext = async () => (Date.now() - started < budgetMs ? await claim(worker, batchSize) : none);
  try {
    let batch = await claimNext();
    while (batch.jobs.length > 0) {
      summary.batches += 1;
      let next: Promise<typeof none> | undefined;
      recorded.push(...await runJobs(batch.jobs, batch.targets, finisher, vapid, () => {
        next = claimNext();
        next.catch(() => undefined); // awaited below, where a failure is thrown
      }));
      const fannedOut = batch.jobs.some((job) => job.kind === 'group_message');
      batch = await (next ?? claimNext());
      if (batch.jobs.length === 0 && fannedOut) batch = await claimNext();
    }
  } finally {
    // Whatever ends the pass, what was sent is recorded.
    finisher.flush();
    for (const result of await Promise.all(recorded)) {
      if ('groupNotified' in result) summary.groupMessagesFannedOut += 1;
      else summary.pushes[result.status] += 1;
    }
  }
  return summary;
}
