/**
 * /functions/v1/notifications: the seed's POST /notifications/send, the VAPID public key, and the delivery worker.
 *   GET  /vapid-public-key   → { publicKey }  (no token: the browser needs it to subscribe)
 *   POST /send   { userId, title, body, type?, data?, urgent? }   service role, admins, a therapist to their own clients
 *                userId: an account id from the service role or an admin; from a therapist, the client handle their
 *                session list shows (my_therapy_sessions.client.id). Any other id from a therapist (an account id, a
 *                public id) is answered exactly as a stranger (403), and every refused attempt counts toward the
 *                therapist's send rate, so ids cannot be tried without limit.
 *                → 201 { notificationId } to a person (a therapist or an admin): nothing about the recipient's devices,
 *                  unsubscriptions or quiet hours, whatever they are, and delivered in the background so that the time
 *                  the answer takes says nothing either;
 *                → 201 { notificationId, devices: [{ subscriptionId, status: sent | removed | retrying | failed | deferred, httpStatus?, at? }] }
 *                  to the service role (the backend itself), after delivering what is due.
 *                Which types each role may send, quiet hours and the send rate limits (403, 429) are the database's.
 *                Without a type, the sender's usual one: system (session_update for a therapist).
 *   POST /process   service role only: one worker pass (due reminders, group fan-outs, pushes) → summary
 * Who may notify whom, preferences, quiet hours and the inbox are the database's (private.send_notification,
 * private.notify); this function only moves bytes to push services.
 */
import { z } from 'zod';
import { Constants } from '../../types/database.ts';
import { createFunctionApp, requireToken } from '../_shared/app.ts';
import { json, queryAsCaller, statement } from '../_shared/db.ts';
import { fromPostgresError, HttpError } from '../_shared/errors.ts';
import { serveOpenApi } from '../_shared/openapi.ts';
import { vapidFromEnv } from '../_shared/push.ts';
import { jsonBody } from '../_shared/validate.ts';
import { deliverInBackground, deliverNow, processDue } from './delivery.ts';

const sendRequest = z.object({
  userId: z.uuid().describe('Whom to notify: an account id (service role, admins); for a therapist, the client handle their session list shows '
    + '(my_therapy_sessions.client.id), never an account id or public id'),
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(500),
  // Optional: the database picks the sender's usual type (system; session_update for a therapist) and refuses types
  // the sender's role may not send.
  type: z.enum(Constants.public.Enums.notification_type).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  urgent: z.boolean().optional(),
}).strict();

/** What a person sending learns: that it was accepted, and its id. The same whatever the recipient has set up. */
const personSendResponse = z.object({
  notificationId: z.uuid().describe('The notification (an id that names no inbox row when the recipient keeps none for this type)'),
}).strict();

/** What the service role learns: the outcome per device of the recipient. */
const serviceSendResponse = z.object({
  notificationId: z.uuid().nullable().describe('The inbox row; null when the recipient turned in-app notifications off for the type'),
  devices: z.array(z.object({
    subscriptionId: z.string(),
    status: z.enum(['sent', 'removed', 'retrying', 'failed', 'deferred']),
    httpStatus: z.number().int().nullable().optional().describe('The push service\'s answer'),
    at: z.string().optional().describe('deferred: when it will be sent (the end of the recipient\'s quiet hours)'),
  }).strict()),
}).strict();

const sendResponse = z.union([
  personSendResponse.describe('To a therapist or an admin'),
  serviceSendResponse.describe('To the service role'),
]);

const processRequest = z.object({ batchSize: z.number().int().min(1).max(1000).optional() }).strict();

export const app = createFunctionApp('notifications');

app.get('/vapid-public-key', (c) => {
  const vapid = vapidFromEnv();
  if (!vapid) throw new HttpError(503, 'Push notifications are not configured on this server');
  c.header('cache-control', 'public, max-age=3600');
  return c.json({ publicKey: vapid.publicKey });
});

app.post('/send', requireToken, async (c) => {
  const { userId, title, body, type, data, urgent } = await jsonBody(c, sendRequest);
  if (data && JSON.stringify(data).length > 2048) {
    throw new HttpError(400, 'Validation failed', [{ field: 'data', message: 'data must be at most 2048 characters of JSON' }]);
  }
  const [row] = await queryAsCaller(c.get('claims'),
    statement<{ sent: { notificationId: string | null; jobs: Array<{ id: number; subscriptionId: string; runAt: string }>; refused?: { code: string; message: string } } }>`
      select private.send_notification(${userId}, ${title}, ${body}, ${type ?? null}, ${json(data ?? {})}, ${urgent ?? false}) as sent`);
  // A therapist's refused attempt is returned, not raised, so that it stays logged (committed) and counts toward their
  // send rate; it is answered exactly as the error it stands for.
  if (row.sent.refused) throw fromPostgresError(row.sent.refused) ?? new HttpError(403, 'You may not notify this person');
  const worker = `send-${c.get('requestId')}`;
  if (c.get('claims').role === 'service_role') {
    const answer: z.infer<typeof serviceSendResponse> = { notificationId: row.sent.notificationId, devices: await deliverNow(row.sent.jobs, worker, vapidFromEnv()) };
    return c.json(answer, 201);
  }
  // A person sending learns nothing about the recipient: not how many devices they have, their ids, which are gone,
  // nor the end of their quiet hours, neither from the answer nor from how long it takes (delivery runs after it).
  deliverInBackground(row.sent.jobs, worker, vapidFromEnv());
  const answer: z.infer<typeof personSendResponse> = { notificationId: row.sent.notificationId ?? crypto.randomUUID() };
  return c.json(answer, 201);
});

app.post('/process', requireToken, async (c) => {
  if (c.get('claims').role !== 'service_role') throw new HttpError(403, 'Only the service role runs the delivery worker');
  // Any body is validated, with or without a Content-Length (a chunked request has none): only an empty one is no body.
  const { batchSize } = (await c.req.text()).length > 0 ? await jsonBody(c, processRequest) : {};
  const summary = await processDue(`process-${c.get('requestId')}`, vapidFromEnv(), { batchSize });
  return c.json(summary);
});

serveOpenApi(app, {
  name: 'notifications',
  title: 'notifications',
  description: 'The seed\'s POST /notifications/send, the VAPID public key, and the delivery worker.',
  routes: [
    { method: 'get', path: '/vapid-public-key', summary: 'The VAPID public key for PushManager.subscribe', auth: 'none', responses: { 200: 'The key', 503: 'Push is not configured' } },
    { method: 'post', path: '/send', summary: 'Notify a person: inbox and every device', auth: 'token', body: sendRequest,
      description: 'The service role may send any type to anyone; admins system (urgent allowed) and session_update to anyone, both by account id; '
        + 'a therapist only session_update, never urgent, to a client with an upcoming or recent session (it waits for their quiet hours), named by '
        + 'the client handle their session list shows (my_therapy_sessions.client.id): an account id or public id from a therapist is answered as a '
        + 'stranger (403). Therapists and admins are rate limited per minute, per hour and per recipient, a therapist\'s refused attempts '
        + 'included (429; README, Abuse limits). '
        + 'Without a type: system, or session_update for a therapist.',
      responses: { 201: { description: 'Stored. To a therapist or an admin only its id, the same whatever the recipient\'s devices, settings or '
          + 'quiet hours (delivery follows in the background); to the service role the outcome per device', schema: sendResponse },
        400: 'Bad body', 401: 'No valid token',
        403: 'You may not notify this person (from a therapist: anyone but a client they may notify, named by their handle; a deactivated client '
          + 'included), or not with this type',
        404: 'No such user (service role and admins)', 429: 'Over a send rate limit' } },
    { method: 'post', path: '/process', summary: 'One delivery worker pass (pg_cron calls this)', auth: 'service_role', body: processRequest.optional(),
      responses: { 200: 'What the pass did', 401: 'No valid token', 403: 'Not the service role' } },
  ],
});
