/**
 * `notifications` in-process against the real database and a real Web Push service on loopback (tests/support/
 * push-service.ts decrypts every push with Mozilla's reference code and verifies its VAPID token): delivery to every
 * device, what a lock screen may show, 404/410 clean-up, 429/5xx retries with backoff, 403 recorded, quiet hours,
 * who may send, the worker's exactly-once claiming with two workers, session reminders.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKey } from '../../scripts/lib/tokens.ts';
import { startPushService, type PushService, type SimulatedBrowser } from '../support/push-service.ts';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, env, expectErrorShape, forgedTokens, supabaseAs, type TestUser, tokenFor } from '../support/stack.ts';

process.env.DB_POOL_MAX = '16';
const { app } = await import('../../functions/notifications/app.ts');
const { backgroundDeliveriesSettled, processDue } = await import('../../functions/notifications/delivery.ts');
const { vapidFromEnv } = await import('../../functions/_shared/push.ts');
const { closeDatabase } = await import('../../functions/_shared/db.ts');

let push: PushService;
let serviceKey: string;
beforeAll(async () => {
  push = await startPushService();
  serviceKey = await apiKey('service_role', env.jwtSecret);
});
afterAll(async () => {
  await backgroundDeliveriesSettled();
  await push.close();
  await closeDatabase();
});

type Json = Record<string, unknown>;

async function subscribe(user: TestUser, browser: SimulatedBrowser = push.browser()): Promise<SimulatedBrowser> {
  const { endpoint, keys } = browser.subscription;
  succeeded(await (await supabaseAs(user)).rpc('register_push_subscription', { endpoint, keys, userAgent: 'vitest browser' }),
    'rpc(register_push_subscription)');
  return browser;
}

async function send(token: string | undefined, body: unknown): Promise<Response> {
  return await app.request('/notifications/send', {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const receivedBy = (browser: SimulatedBrowser) => push.received.filter((entry) => entry.browserId === browser.id);

/** The id a therapist knows a client by: the client handle their session list shows (my_therapy_sessions.client.id). */
async function handleOf(therapist: TestUser, client: TestUser): Promise<string> {
  const [{ handle }] = await adminSql()<{ handle: string }[]>`select private.therapist_client_handle(${therapist.id}, ${client.id})::text as handle`;
  return handle;
}

describe('POST /notifications/send', () => {
  it('stores the notification and delivers it to every device, encrypted, with a generic lock-screen text', async () => {
    const person = await createUser('push-person');
    const [phone, laptop] = [await subscribe(person), await subscribe(person)];
    const response = await send(serviceKey, { userId: person.id, title: 'Session Reminder', body: 'Your therapy session starts in 30 minutes', type: 'session_reminder' });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { notificationId: string; devices: Json[] };
    expect(answer.devices).toHaveLength(2);
    for (const device of answer.devices) expect(device).toMatchObject({ status: 'sent', httpStatus: 201 });

    for (const browser of [phone, laptop]) {
      const [delivered] = receivedBy(browser);
      expect(delivered.answeredWith).toBe(201);
      // Readable by the device only, and it says nothing about therapy or anyone.
      expect(delivered.payload).toEqual({ title: 'HealSpace', body: 'You have an appointment coming up', type: 'session_reminder', notificationId: answer.notificationId, data: {} });
      expect({ encoding: delivered.headers['content-encoding'], ttl: delivered.headers.ttl, urgency: delivered.headers.urgency })
        .toEqual({ encoding: 'aes128gcm', ttl: '1800', urgency: 'high' });
      expect(delivered.vapid.publicKey).toBe(process.env.VAPID_PUBLIC_KEY);
      expect(delivered.vapid.token.sub).toBe(process.env.VAPID_SUBJECT);
      const expiresIn = (delivered.vapid.token.exp ?? 0) - Date.now() / 1000;
      expect(expiresIn).toBeGreaterThan(0);
      expect(expiresIn).toBeLessThanOrEqual(24 * 3600);
    }
    const [inbox] = await adminSql()`select type::text, title, body, read_at from public.notifications where id = ${answer.notificationId}`;
    expect(inbox).toEqual({ type: 'session_reminder', title: 'Session Reminder', body: 'Your therapy session starts in 30 minutes', read_at: null });
    const [broadcast] = await adminSql()`select event, payload from realtime.messages where topic = private.personal_topic(${person.id}) order by inserted_at desc limit 1`;
    expect(broadcast).toMatchObject({ event: 'notification', payload: { id: answer.notificationId, title: 'Session Reminder' } });
  });

  it('shows the words on the lock screen only when the person turned previews on', async () => {
    const person = await createUser('push-previews');
    const browser = await subscribe(person);
    succeeded(await (await supabaseAs(person)).rpc('update_notification_settings', { pushPreviews: true } as never), 'rpc(update_notification_settings) pushPreviews');
    expect((await send(serviceKey, { userId: person.id, title: 'Welcome', body: 'Glad you are here' })).status).toBe(201);
    expect(receivedBy(browser)[0].payload).toMatchObject({ title: 'Welcome', body: 'Glad you are here', type: 'system' });
  });

  it('deletes a subscription the push service says is gone (404, 410), records 403, and retries 429 and 5xx with backoff', async () => {
    const person = await createUser('push-answers');
    const [gone, missing, refused, limited, down] = await Promise.all([0, 1, 2, 3, 4].map(() => subscribe(person)));
    const ids = new Map((await adminSql()<{ id: string; endpoint: string }[]>`select id, endpoint from public.push_subscriptions where user_id = ${person.id}`)
      .map((row) => [row.endpoint, row.id]));
    const idOf = (browser: SimulatedBrowser) => ids.get(browser.subscription.endpoint)!;
    push.answer(gone, 410);
    push.answer(missing, 404);
    push.answer(refused, 403);
    push.answer(limited, { status: 429, headers: { 'retry-after': '120' } });
    push.answer(down, 503);
    const response = await send(serviceKey, { userId: person.id, title: 'Hello', body: 'A test' });
    const { devices } = (await response.json()) as { devices: Array<{ subscriptionId: string; status: string; httpStatus: number }> };
    const rows = await adminSql()<{ id: string; last_status: number | null }[]>`select id, last_status from public.push_subscriptions where user_id = ${person.id}`;
    const rowOf = (browser: SimulatedBrowser) => rows.find((row) => row.id === idOf(browser));
    const statusOf = (browser: SimulatedBrowser) => devices.find((device) => device.subscriptionId === idOf(browser));
    expect(rowOf(gone)).toBeUndefined();
    expect(rowOf(missing)).toBeUndefined();
    expect(rowOf(refused)?.last_status).toBe(403);
    expect(statusOf(gone)).toMatchObject({ status: 'removed', httpStatus: 410 });
    expect(statusOf(missing)).toMatchObject({ status: 'removed', httpStatus: 404 });
    expect(statusOf(refused)).toMatchObject({ status: 'failed', httpStatus: 403 });
    expect(statusOf(limited)).toMatchObject({ status: 'retrying', httpStatus: 429 });
    expect(statusOf(down)).toMatchObject({ status: 'retrying', httpStatus: 503 });
    const jobs = await adminSql()<{ subscription_id: string; status: string; attempts: number; wait: number }[]>`
      select subscription_id, status, attempts, extract(epoch from run_at - now())::int as wait
      from private.notification_jobs where subscription_id in (${idOf(limited)}, ${idOf(down)})`;
    const jobOf = (browser: SimulatedBrowser) => jobs.find((job) => job.subscription_id === idOf(browser))!;
    expect(jobOf(limited)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(jobOf(limited).wait).toBeGreaterThan(100); // the service's Retry-After: 120
    expect(jobOf(down)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(jobOf(down).wait).toBeGreaterThan(40); // backoff: a minute after the first attempt
    expect(jobOf(down).wait).toBeLessThanOrEqual(60);
  });

  it('defers a push inside quiet hours to their end, unless it is urgent', async () => {
    const person = await createUser('push-quiet');
    const browser = await subscribe(person);
    // A quiet window around now in the person's zone (UTC), crossing midnight when now is late.
    const [{ start, finish, ends }] = await adminSql()<{ start: string; finish: string; ends: Date }[]>`
      select to_char(now() at time zone 'UTC' - interval '1 hour', 'HH24:MI') as start, to_char(now() at time zone 'UTC' + interval '2 hours', 'HH24:MI') as finish,
             date_trunc('minute', now() + interval '2 hours') as ends`;
    succeeded(await (await supabaseAs(person)).rpc('update_notification_settings', { quietHoursStart: start, quietHoursEnd: finish } as never), 'rpc(update_notification_settings) quiet hours');
    const quiet = (await (await send(serviceKey, { userId: person.id, title: 'Later', body: 'Not now' })).json()) as { devices: Json[] };
    expect(quiet.devices).toEqual([{ subscriptionId: expect.any(String), status: 'deferred', at: expect.any(String) }]);
    expect(new Date(quiet.devices[0].at as string).getTime()).toBe(ends.getTime());
    expect(receivedBy(browser)).toHaveLength(0);
    const urgent = (await (await send(serviceKey, { userId: person.id, title: 'Safety', body: 'Help is available', urgent: true })).json()) as { devices: Json[] };
    expect(urgent.devices).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(receivedBy(browser)[0].headers.urgency).toBe('high');
  });

  it('lets the service role, admins and a therapist (to their own client) send; anyone else gets 403', async () => {
    const [client, stranger, therapist, admin] = await Promise.all(['send-client', 'send-stranger', 'send-therapist', 'send-admin'].map((name) => createUser(name)));
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
    await sql`update public.profiles set role = 'admin' where id = ${admin.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate) values (${therapist.id}, 'Dr. Sender', '{stress}', 100)`;
    await sql`insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
              values (${therapist.id}, ${client.id}, now() - interval '2 days', 50, 'video', 'completed')`;
    // A therapist sends session updates (the only type their role may send); the others send system messages.
    const body = (userId: string, type = 'system') => ({ userId, title: 'From us', body: 'A note', type });
    expect((await send(await tokenFor(admin), body(stranger.id))).status).toBe(201);
    // The id a therapist actually sees for their client: their handle for that client, in their session list (account
    // ids never leave the database; the client's public id is not shown to them either).
    const [{ handle }] = succeeded(await (await supabaseAs(therapist)).from('my_therapy_sessions').select('handle:client->>id').limit(1), 'from(my_therapy_sessions).select the client handle');
    const [{ publicId }] = await sql<{ publicId: string }[]>`select public_id::text as "publicId" from public.profiles where id = ${client.id}`;
    expect(handle).toBe(await handleOf(therapist, client));
    expect([client.id, publicId]).not.toContain(handle);
    expect((await send(await tokenFor(therapist), body(handle, 'session_update'))).status, 'a therapist names a client by the id they are shown').toBe(201);
    // Any other id of the client, from a therapist, is a stranger's: the same 403 and the same body.
    const toStranger = await send(await tokenFor(therapist), body(stranger.id, 'session_update'));
    const strangerAnswer = await toStranger.json();
    for (const [userId, label] of [[client.id, 'the client\'s account id'], [publicId, 'the client\'s public id']] as const) {
      const response = await send(await tokenFor(therapist), body(userId, 'session_update'));
      expect({ status: response.status, body: await response.json() }, label).toEqual({ status: toStranger.status, body: strangerAnswer });
    }
    expect(toStranger.status).toBe(403);
    for (const [token, userId, label] of [
      [await tokenFor(therapist), stranger.id, 'therapist to a stranger'],
      [await tokenFor(client), stranger.id, 'a client'],
      [await apiKey('anon', env.jwtSecret), stranger.id, 'the anon key'],
    ] as const) {
      const response = await send(token, body(userId));
      expect(response.status, label).toBe(403);
      expectErrorShape(await response.json(), 403);
    }
    expect((await send(serviceKey, body(crypto.randomUUID()))).status).toBe(404);
  });

  it('tells a therapist nothing about the recipient: the answer for a client with 3 devices in quiet hours equals the one for a client with none', async () => {
    const [therapist, busy, bare, silent] = await Promise.all(['decoy-therapist', 'decoy-busy', 'decoy-bare', 'decoy-silent'].map((name) => createUser(name)));
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate) values (${therapist.id}, 'Dr. Decoy', '{stress}', 100)`;
    for (const client of [busy, bare, silent]) {
      await sql`insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
                values (${therapist.id}, ${client.id}, now() - interval '2 days', 50, 'video', 'completed')`;
    }
    // The busy client: three devices, one of them already unsubscribed at the push service, and quiet hours right now.
    const devices = [await subscribe(busy), await subscribe(busy), await subscribe(busy)];
    push.answer(devices[2], 410);
    const [{ start, finish }] = await sql<{ start: string; finish: string }[]>`
      select to_char(now() at time zone 'UTC' - interval '1 hour', 'HH24:MI') as start, to_char(now() at time zone 'UTC' + interval '3 hours', 'HH24:MI') as finish`;
    succeeded(await (await supabaseAs(busy)).rpc('update_notification_settings', { quietHoursStart: start, quietHoursEnd: finish } as never), 'rpc(update_notification_settings) quiet hours');
    // The silent client keeps no in-app copy of session updates (the answer used to carry a null id for them).
    succeeded(await (await supabaseAs(silent)).from('my_notification_preferences').update({ push: true, inApp: false }).eq('type', 'session_update'), 'from(my_notification_preferences).update session_update');

    const token = await tokenFor(therapist);
    const answers: Array<{ status: number; headers: string[]; body: Json }> = [];
    for (const client of [busy, bare, silent]) {
      const response = await send(token, { userId: await handleOf(therapist, client), title: 'Running late', body: 'I will start 10 minutes late' });
      answers.push({ status: response.status, headers: [...response.headers.keys()].sort(), body: (await response.json()) as Json });
    }
    const shape = (answer: (typeof answers)[number]) => ({ ...answer, body: { ...answer.body, notificationId: typeof answer.body.notificationId } });
    expect(shape(answers[0])).toEqual(shape(answers[1]));
    expect(shape(answers[2])).toEqual(shape(answers[1]));
    expect(answers[1]).toEqual({ status: 201, headers: expect.any(Array), body: { notificationId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(new Set(answers.map((answer) => answer.body.notificationId)).size).toBe(3);
    // The busy client still gets it: in the inbox now, on every device after their quiet hours (queued for the worker).
    expect(await sql`select 1 from public.notifications where id = ${answers[0].body.notificationId as string} and user_id = ${busy.id}`).toHaveLength(1);
    const queued = await sql<{ status: string; later: boolean }[]>`
      select status, run_at > now() + interval '1 hour' as later from private.notification_jobs
      where user_id = ${busy.id} and kind = 'push' and notification_type = 'session_update'`;
    expect(queued).toEqual(Array.from({ length: 3 }, () => ({ status: 'pending', later: true })));
    expect(await sql`select 1 from public.notifications where user_id = ${silent.id}`).toHaveLength(0);
    await backgroundDeliveriesSettled();
    for (const device of devices) expect(receivedBy(device)).toHaveLength(0);
  });

  it('delivers what a person sends in the background, and reports devices to the service role only', async () => {
    const [client, admin] = await Promise.all(['background-client', 'background-admin'].map((name) => createUser(name)));
    await adminSql()`update public.profiles set role = 'admin' where id = ${admin.id}`;
    const browser = await subscribe(client);
    const fromAdmin = await send(await tokenFor(admin), { userId: client.id, title: 'Hello', body: 'From the team' });
    expect(fromAdmin.status).toBe(201);
    expect(Object.keys((await fromAdmin.json()) as Json)).toEqual(['notificationId']);
    await backgroundDeliveriesSettled();
    expect(receivedBy(browser)).toHaveLength(1);
    const fromBackend = (await (await send(serviceKey, { userId: client.id, title: 'Hello', body: 'From HealSpace' })).json()) as Json;
    expect(fromBackend).toEqual({ notificationId: expect.any(String), devices: [expect.objectContaining({ status: 'sent', httpStatus: 201 })] });
  });

  it('answers a therapist writing to their deactivated client exactly as for someone who is not their client (403), not 404', async () => {
    const [client, stranger, therapist] = await Promise.all(['deactivated-client', 'deactivated-stranger', 'deactivated-therapist'].map((name) => createUser(name)));
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate) values (${therapist.id}, 'Dr. Deact', '{stress}', 100)`;
    await sql`insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
              values (${therapist.id}, ${client.id}, now() - interval '2 days', 50, 'video', 'completed')`;
    const token = await tokenFor(therapist);
    const note = (userId: string) => ({ userId, title: 'Checking in', body: 'How are you?' });
    const handle = await handleOf(therapist, client);
    expect((await send(token, note(handle))).status).toBe(201);
    await sql`update public.profiles set is_active = false where id = ${client.id}`;
    const [toDeactivated, toStranger] = [await send(token, note(handle)), await send(token, note(stranger.id))];
    expect(toDeactivated.status).toBe(403);
    expect(await toDeactivated.json()).toEqual(await toStranger.json());
    // The service role (the backend) still learns the account is gone.
    expect((await send(serviceKey, note(client.id))).status).toBe(404);
  });

  it('lets a therapist send only session updates (403 for a session_reminder or anything urgent), at most 3 an hour to one client even at once (429)', async () => {
    const [client, therapist] = await Promise.all(['limit-client', 'limit-therapist'].map((name) => createUser(name)));
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate) values (${therapist.id}, 'Dr. Limit', '{stress}', 100)`;
    const [session] = await sql<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${therapist.id}, ${client.id}, now() + interval '2 days', 50, 'video', 'scheduled') returning id`;
    const token = await tokenFor(therapist);
    const handle = await handleOf(therapist, client);
    // The seed's own example body, from a therapist: its type is refused, with the reason.
    const reminder = await send(token, { userId: handle, title: 'Session Reminder', body: 'Your therapy session starts in 30 minutes', type: 'session_reminder' });
    expect(reminder.status).toBe(403);
    const refused = (await reminder.json()) as { message: string };
    expectErrorShape(refused, 403);
    expect(refused.message).toMatch(/^Therapists send only session_update notifications/);
    expect((await send(token, { userId: handle, title: 'Now', body: 'Call me', type: 'system', urgent: true })).status).toBe(403);

    const responses = await Promise.all(Array.from({ length: 8 }, (_, index) => send(token, { userId: handle, title: 'Update', body: `Note ${index}` })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    for (const response of responses.filter((r) => r.status === 429)) expectErrorShape(await response.json(), 429);
    const inbox = await sql<{ type: string; data: Json }[]>`select type::text, data from public.notifications where user_id = ${client.id} and title = 'Update'`;
    expect(inbox).toHaveLength(3);
    for (const row of inbox) expect(row).toEqual({ type: 'session_update', data: { sessionId: session.id } });
  });

  it('answers a therapist probing ids exactly as for a random id, and counts every refused try: candidate ids cannot be tried without limit', async () => {
    // Dr. Tara is a therapist (her account id is public: list_therapists.id) and, pseudonymously, this therapist's client.
    const [prober, tara] = await Promise.all(['probe-therapist', 'probe-tara'].map((name) => createUser(name)));
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id in (${prober.id}, ${tara.id})`;
    await sql`update public.profiles set anonymous_mode = true where id = ${tara.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate)
              values (${prober.id}, 'Dr. Prober', '{stress}', 100), (${tara.id}, 'Dr. Tara Probe', '{anxiety}', 100)`;
    await sql`insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
              values (${prober.id}, ${tara.id}, now() + interval '2 days', 50, 'video', 'scheduled')`;
    // name is selected too: PostgREST 12 filters a function's rows only on columns it selects (PostgREST issue 3965).
    const [listed] = succeeded(await (await supabaseAs(prober)).rpc('list_therapists', { limit: 100 }).select('id, name').eq('name', 'Dr. Tara Probe'), 'rpc(list_therapists)');
    expect(listed.id).toBe(tara.id);
    const token = await tokenFor(prober);
    const probe = async (userId: string) => {
      const response = await send(token, { userId, title: 'Hello', body: 'Is it you?' });
      return { status: response.status, headers: [...response.headers.keys()].sort(), body: await response.json() };
    };
    const [toTara, toNobody] = [await probe(tara.id), await probe(crypto.randomUUID())];
    expect(toTara).toEqual(toNobody);
    expect(toTara.status).toBe(403);
    expectErrorShape(toTara.body, 403);
    // Refused tries count like sends (5 a minute): after four refused and one sent, even the real handle is a 429.
    expect((await probe(crypto.randomUUID())).status).toBe(403);
    expect((await probe(await handleOf(prober, tara))).status).toBe(201);
    expect((await probe(crypto.randomUUID())).status).toBe(403);
    const limited = await probe(await handleOf(prober, tara));
    expect(limited.status).toBe(429);
    expect((limited.body as { message: string }).message).toBe('You have sent 5 notifications in the last minute; wait before sending more');
    const [{ refused }] = await sql<{ refused: number }[]>`select count(*)::int as refused from private.notification_send_log where sender_id = ${prober.id} and recipient_id is null`;
    expect(refused).toBe(4);
  });

  it.each([
    [{}, 'userId'],
    [{ userId: 'x', title: 't', body: 'b' }, 'userId'],
    [{ userId: '00000000-0000-4000-8000-000000000000', title: '', body: 'b' }, 'title'],
    [{ userId: '00000000-0000-4000-8000-000000000000', title: 'x'.repeat(121), body: 'b' }, 'title'],
    [{ userId: '00000000-0000-4000-8000-000000000000', title: 't', body: 'x'.repeat(501) }, 'body'],
    [{ userId: '00000000-0000-4000-8000-000000000000', title: 't', body: 'b', type: 'marketing' }, 'type'],
    [{ userId: '00000000-0000-4000-8000-000000000000', title: 't', body: 'b', data: { big: 'x'.repeat(3000) } }, 'data'],
    [{ userId: '00000000-0000-4000-8000-000000000000', title: 't', body: 'b', extra: 1 }, '(root)'],
  ])('answers 400 for %j', async (body, field) => {
    const response = await send(serviceKey, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { details: Array<{ field: string }> };
    expectErrorShape(error, 400);
    expect(error.details.map((detail) => detail.field)).toContain(field);
  });

  it('answers 401 without a token and for every bad token, on send and process', async () => {
    const person = await createUser('push-bad-token');
    for (const path of ['/notifications/send', '/notifications/process']) {
      expect((await app.request(path, { method: 'POST' })).status).toBe(401);
      for (const [kind, token] of Object.entries(await forgedTokens(person))) {
        const response = await app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
        expect(response.status, `${path}: ${kind}`).toBe(401);
      }
    }
  });

  it('serves the VAPID public key without a token', async () => {
    const response = await app.request('/notifications/vapid-public-key');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ publicKey: process.env.VAPID_PUBLIC_KEY });
  });
});

describe('collapsing under concurrency', () => {
  it('20 events racing for one unread notification all count into it (no duplicate, no error)', async () => {
    const person = await createUser('collapse-race');
    const pool = postgres(env.dbUrl, { max: 10, onnotice: () => {} });
    try {
      await Promise.all(Array.from({ length: 20 }, () =>
        pool`select private.notify(${person.id}, 'group_message', 'New messages in Circle', 'There are new messages in Circle', '{}', 'group:race')`));
    } finally {
      await pool.end();
    }
    const rows = await adminSql()`select event_count from public.notifications where user_id = ${person.id} and collapse_key = 'group:race'`;
    expect(rows).toEqual([{ event_count: 20 }]);
  });
});

describe('the delivery worker', () => {
  const processAs = async (token: string) => await app.request('/notifications/process', { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  it('runs only for the service role', async () => {
    const person = await createUser('worker-person');
    const response = await processAs(await tokenFor(person));
    expect(response.status).toBe(403);
    expectErrorShape(await response.json(), 403);
  });

  it('delivers each of 300 jobs exactly once with two workers claiming at the same time', async () => {
    const person = await createUser('worker-many');
    // Registered in one statement (register_push_subscription is exercised above and in pgTAP).
    const browsers = Array.from({ length: 300 }, () => push.browser());
    await adminSql()`
      insert into public.push_subscriptions (user_id, endpoint, p256dh, auth)
      select ${person.id}, unnest(${browsers.map((b) => b.subscription.endpoint)}::text[]), unnest(${browsers.map((b) => b.subscription.keys.p256dh)}::text[]),
             unnest(${browsers.map((b) => b.subscription.keys.auth)}::text[])`;
    // One notification, one job per device, all due now; nothing runs them until the workers below.
    await adminSql()`select private.notify(${person.id}, 'system', 'Batch', 'One of many', '{}', null, false)`;
    const [{ queued }] = await adminSql()`select count(*)::int as queued from private.notification_jobs where user_id = ${person.id} and status = 'pending'`;
    expect(queued).toBe(300);
    const warnings = vi.spyOn(console, 'warn');
    let first, second;
    try {
      [first, second] = await Promise.all([processDue('worker-a', vapidFromEnv()), processDue('worker-b', vapidFromEnv())]);
    } finally {
      warnings.mockRestore();
    }
    const delivered = browsers.map((browser) => receivedBy(browser).length);
    expect(delivered.filter((count) => count === 1)).toHaveLength(300);
    expect(first.pushes.sent + second.pushes.sent).toBeGreaterThanOrEqual(300);
    // Outcomes were recorded in groups, none fell back to one transaction per job…
    expect(warnings.mock.calls.filter(([line]) => String(line).includes('notification_finish_group_failed'))).toEqual([]);
    // …and the VAPID header was signed once for this push service, not per push (each verified by the push service).
    expect(new Set(browsers.flatMap((browser) => receivedBy(browser).map((entry) => entry.headers.authorization))).size).toBe(1);
    expect(browsers.every((browser) => receivedBy(browser)[0].answeredWith === 201)).toBe(true);
    // Every device's answer is recorded on it.
    const answered = await adminSql()<{ count: number }[]>`
      select count(*)::int as count from public.push_subscriptions where user_id = ${person.id} and last_status = 201 and last_used_at is not null`;
    expect(answered[0].count).toBe(300);
    const jobs = await adminSql()<{ status: string; attempts: number; count: number }[]>`
      select status, attempts, count(*)::int as count from private.notification_jobs where user_id = ${person.id} group by status, attempts`;
    expect(jobs).toEqual([{ status: 'done', attempts: 1, count: 300 }]);
  }, 60_000);

  it('collapses chat notifications per conversation, with a Topic, and sends reminders only for sessions still on', async () => {
    const [client, therapist] = await Promise.all([createUser('reminder-client'), createUser('reminder-therapist')]);
    const browser = await subscribe(client);
    const sql = adminSql();
    await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
    await sql`insert into public.therapists (id, display_name, specialties, hourly_rate) values (${therapist.id}, 'Dr. Remind', '{sleep}', 100)`;
    const [kept, dropped] = await sql<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${therapist.id}, ${client.id}, now() + interval '20 minutes', 50, 'video', 'confirmed'),
             (${therapist.id}, ${client.id}, now() + interval '3 hours', 50, 'video', 'scheduled')
      returning id`;
    await sql`insert into private.session_reminders (session_id, recipient_id, lead_minutes, due_at)
              values (${kept.id}, ${client.id}, 30, now() - interval '1 minute'), (${dropped.id}, ${client.id}, 30, now() - interval '1 minute')
              on conflict (session_id, recipient_id, lead_minutes) do update set due_at = excluded.due_at`;
    await sql`update private.therapy_sessions set status = 'cancelled', cancelled_at = now(), cancelled_by = 'client' where id = ${dropped.id}`;
    // (The inserts above also notify: "New booking" to the therapist, "Session confirmed" to the client's device.)
    for (let index = 0; index < 3; index += 1) {
      await sql`select private.notify(${client.id}, 'chat_message', 'New message', 'You have a new message', ${sql.json({ conversationId: 'c1' })}, 'chat:c1')`;
    }
    await processDue('worker-events', vapidFromEnv());
    const pushes = receivedBy(browser);
    const chat = pushes.filter((entry) => entry.payload.type === 'chat_message');
    const reminders = pushes.filter((entry) => entry.payload.type === 'session_reminder');
    expect(chat, 'three chat events, one pending push per device').toHaveLength(1);
    expect(chat[0].headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(chat[0].payload.body).toBe('You have a new message');
    expect(reminders).toHaveLength(1);
    const [inbox] = await sql`select event_count from public.notifications where user_id = ${client.id} and collapse_key = 'chat:c1'`;
    expect(inbox.event_count).toBe(3);
    const statuses = await sql`select session_id, status from private.session_reminders where session_id in (${kept.id}, ${dropped.id}) and recipient_id = ${client.id} order by status`;
    expect(statuses).toEqual([{ session_id: dropped.id, status: 'cancelled' }, { session_id: kept.id, status: 'sent' }]);
  });
});

