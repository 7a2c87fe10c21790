/**
 * /functions/v1/booking: the seed's therapy-session endpoints. Every rule lives in SQL (the therapy_sessions
 * migration) and runs as the caller, so the guarantees are the database's: exclusion constraints make a double
 * booking impossible (a lost race answers 409), a trigger enforces the status machine.
 *   GET  /slots?therapistId&from&to&tz    bookable starts between two local dates, in tz (default: the caller's zone)
 *   POST /            { therapistId, scheduledAt, type, notes }  + optional Idempotency-Key header   → 201 session
 *                     (429 past a booking limit: private.abuse_limits, the therapy_booking_limits migration)
 *   GET  /?status=upcoming|past&therapist=<id>                  the caller's sessions (seed GET /sessions)
 *   PUT  /:id         the seed's partial session, one change at a time: { scheduledAt } (reschedule)
 *                     | { status: cancelled, reason? } | { status: confirmed | completed | no-show }
 *                     | { rescheduleRequested: true, note? } (the therapist asks the client to move it) → session
 *   POST /:id/rate    { rating: 1-5, feedback? }                                                     → 201 session
 * Sessions are answered in the seed's shape, from public.my_therapy_sessions as the caller.
 */
import { z } from 'zod';
import { Constants, type Database } from '../../types/database.ts';
import { createFunctionApp, requireUser, userClaims } from '../_shared/app.ts';
import { asCaller, queryAsCaller, statement, type Transaction } from '../_shared/db.ts';
import { HttpError } from '../_shared/errors.ts';
import { serveOpenApi } from '../_shared/openapi.ts';
import { isoDate, isoInstant, jsonBody, parseWith, queryParams } from '../_shared/validate.ts';

export type TherapySession = Database['public']['Views']['my_therapy_sessions']['Row'];
export type BookableSlots = {
  therapistId: string;
  timeZone: string;
  duration: number;
  sessionTypes: Array<Database['public']['Enums']['therapy_session_type']>;
  slots: Array<{ start: string; end: string; date: string }>;
};

const sessionType = z.enum(Constants.public.Enums.therapy_session_type);
const sessionId = z.uuid({ error: 'Not a session id' });

const slotsQuery = z.object({
  therapistId: z.uuid(),
  from: isoDate,
  to: isoDate,
  tz: z.string().min(1).max(64).optional(),
}).strict().refine((query) => query.from <= query.to, { message: 'from must not be after to', path: ['from'] });

const bookingRequest = z.object({
  therapistId: z.uuid(),
  scheduledAt: isoInstant,
  type: sessionType.default('video'),
  notes: z.string().max(2000).optional(),
}).strict();

/** Stripe-style: any printable ASCII up to 200 characters; a UUID per attempt is what clients should send. */
const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'Idempotency-Key must be 1-200 printable ASCII characters').optional();

/**
 * PUT /sessions/:id takes the seed's session fields ("Update session (reschedule, cancel)"): a new scheduledAt, or a
 * new status; the therapist's request that the client move it is rescheduleRequested (as the session shows
 * rescheduleRequestedAt). One change per request, so that each answer says what happened.
 */
const updateRequest = z.object({
  scheduledAt: isoInstant.optional().describe('Reschedule to this bookable time'),
  status: z.enum(['cancelled', 'confirmed', 'completed', 'no-show']).optional().describe('cancelled (either party); confirmed, completed, no-show (the therapist)'),
  reason: z.string().max(500).optional().describe('With status cancelled'),
  rescheduleRequested: z.literal(true).optional().describe('The therapist asks the client to move the session'),
  note: z.string().max(500).optional().describe('With rescheduleRequested'),
}).strict().superRefine((body, context) => {
  const changes = (['scheduledAt', 'status', 'rescheduleRequested'] as const).filter((key) => body[key] !== undefined);
  if (changes.length !== 1) {
    context.addIssue({ code: 'custom', path: changes.length === 0 ? [] : [changes[1]], message: 'Send one change: scheduledAt, status or rescheduleRequested' });
  }
  if (body.reason !== undefined && body.status !== 'cancelled') {
    context.addIssue({ code: 'custom', path: ['reason'], message: 'reason goes with status: cancelled' });
  }
  if (body.note !== undefined && body.rescheduleRequested === undefined) {
    context.addIssue({ code: 'custom', path: ['note'], message: 'note goes with rescheduleRequested: true' });
  }
});

const rateRequest = z.object({
  rating: z.number().int().min(1).max(5),
  feedback: z.string().max(2000).optional(),
}).strict();

const listQuery = z.object({
  status: z.enum(['upcoming', 'past']).optional(),
  therapist: z.uuid().optional(),
}).strict();

async function sessionAsCaller(tx: Transaction, id: string): Promise<TherapySession> {
  const [row] = await tx<{ session: TherapySession }[]>`select to_jsonb(s) as session from public.my_therapy_sessions as s where s.id = ${id}`;
  if (!row) throw new HttpError(404, 'No such session');
  return row.session;
}

export const app = createFunctionApp('booking');

app.get('/slots', requireUser, async (c) => {
  const { therapistId, from, to, tz } = queryParams(c, slotsQuery);
  const [row] = await queryAsCaller(userClaims(c),
    statement<{ slots: BookableSlots }>`select private.list_bookable_slots(${therapistId}, ${from}::date, ${to}::date, ${tz ?? null}) as slots`);
  c.header('cache-control', 'no-store');
  return c.json(row.slots);
});

app.post('/', requireUser, async (c) => {
  const key = parseWith(idempotencyKey, c.req.header('idempotency-key'), 'Idempotency-Key');
  const { therapistId, scheduledAt, type, notes } = await jsonBody(c, bookingRequest);
  const session = await asCaller(userClaims(c), async (tx) => {
    const [{ id }] = await tx<{ id: string }[]>`
      select private.book_therapy_session(${therapistId}, ${scheduledAt}::timestamptz, ${type}, ${notes ?? null}, ${key ?? null}) as id`;
    return await sessionAsCaller(tx, id);
  });
  return c.json(session, 201);
});

app.get('/', requireUser, async (c) => {
  const { status, therapist } = queryParams(c, listQuery);
  const rows = await queryAsCaller(userClaims(c), statement<{ session: TherapySession }>`
      select to_jsonb(s) as session from public.my_therapy_sessions as s
      where (${status ?? null}::text is null or s.timing = ${status ?? null}::text)
        and (${therapist ?? null}::uuid is null or s."therapistId" = ${therapist ?? null}::uuid)
      -- Upcoming soonest first; past most recent first.
      order by case when s.timing = 'upcoming' then s."scheduledAt" end, s."scheduledAt" desc
      limit 200`);
  c.header('cache-control', 'no-store');
  return c.json(rows.map((row) => row.session));
});

app.put('/:id', requireUser, async (c) => {
  const id = parseWith(sessionId, c.req.param('id'), 'id');
  const update = await jsonBody(c, updateRequest);
  const session = await asCaller(userClaims(c), async (tx) => {
    const [{ result }] = await (() => {
      if (update.scheduledAt !== undefined) {
        return tx<{ result: string }[]>`select private.reschedule_therapy_session(${id}, ${update.scheduledAt}::timestamptz) as result`;
      }
      if (update.rescheduleRequested) {
        return tx<{ result: string }[]>`select private.request_therapy_reschedule(${id}, ${update.note ?? null}) as result`;
      }
      if (update.status === 'cancelled') {
        return tx<{ result: string }[]>`select private.cancel_therapy_session(${id}, ${update.reason ?? null}) as result`;
      }
      return tx<{ result: string }[]>`select private.set_therapy_session_status(${id}, ${update.status ?? null}) as result`;
    })();
    return await sessionAsCaller(tx, result);
  });
  return c.json(session);
});

app.post('/:id/rate', requireUser, async (c) => {
  const id = parseWith(sessionId, c.req.param('id'), 'id');
  const { rating, feedback } = await jsonBody(c, rateRequest);
  const session = await asCaller(userClaims(c), async (tx) => {
    await tx`select private.rate_therapy_session(${id}, ${rating}, ${feedback ?? null})`;
    return await sessionAsCaller(tx, id);
  });
  return c.json(session, 201);
});

const sessionParams = z.object({ id: sessionId });

serveOpenApi(app, {
  name: 'booking',
  title: 'booking',
  description: 'The seed\'s /sessions endpoints: bookable slots, booking, reschedule, cancel, status, rating. Sessions come back in the seed\'s shape.',
  routes: [
    { method: 'get', path: '/slots', summary: 'Bookable starts of a therapist between two local dates', auth: 'user', query: slotsQuery,
      responses: { 200: 'Slots as local ISO times with offsets', 400: 'Bad dates or zone', 401: 'No valid token', 404: 'No such therapist' } },
    { method: 'post', path: '/', summary: 'Book a session (POST /sessions)', auth: 'user', body: bookingRequest, headers: { 'Idempotency-Key': idempotencyKey },
      responses: { 201: 'The session', 400: 'Bad body', 401: 'No valid token', 403: 'Anonymous sign-ins cannot book', 404: 'No such therapist', 409: 'The time is taken', 422: 'Not bookable, with the reason',
        429: 'Over a booking limit (upcoming sessions with one therapist or in total, bookings a day, a therapist\'s unanswered requests from new clients), with the reason' } },
    { method: 'get', path: '/', summary: 'My sessions (GET /sessions)', auth: 'user', query: listQuery, responses: { 200: 'Sessions', 400: 'Bad filters', 401: 'No valid token' } },
    { method: 'put', path: '/:id', summary: 'Reschedule, cancel, confirm, complete, mark no-show, request a reschedule (PUT /sessions/:id)', auth: 'user',
      params: sessionParams, body: updateRequest,
      responses: { 200: 'The session', 400: 'Bad body', 401: 'No valid token', 403: 'Not your part to do', 404: 'No such session', 409: 'Not possible in this state, or the time is taken', 422: 'Not bookable, with the reason',
        429: 'A reschedule past the daily booking limit' } },
    { method: 'post', path: '/:id/rate', summary: 'Rate a completed session (POST /sessions/:id/rate)', auth: 'user', params: sessionParams, body: rateRequest,
      responses: { 201: 'The session with the rating', 400: 'Bad body', 401: 'No valid token', 403: 'Only the client rates', 404: 'No such session', 409: 'Not completed, or already rated' } },
  ],
});
