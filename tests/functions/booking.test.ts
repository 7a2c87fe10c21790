/**
 * `booking` in-process against the real database, under real concurrency: 200 clients racing for one slot get exactly
 * one booking and 199 answers of 409 with no overlap in the table; racing reschedules likewise; retries with one
 * Idempotency-Key return the first booking; every route answers bad input with 400 and bad tokens with 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, expectErrorShape, forgedTokens, supabaseAs, type TestUser, tokenFor } from '../support/stack.ts';

// More connections than the default pool, so that requests really overlap in the database.
process.env.DB_POOL_MAX = '24';
const { app } = await import('../../functions/booking/app.ts');
const { closeDatabase } = await import('../../functions/_shared/db.ts');

afterAll(closeDatabase);

type Json = Record<string, unknown>;

async function call(user: TestUser | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return await app.request(`/booking${path}`, {
    method,
    headers: {
      ...(user ? { authorization: `Bearer ${await tokenFor(user)}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A therapist bookable around the clock in UTC (every half hour), with no notice, 10 minutes' buffer after. */
async function createTherapist(prefix: string, settings: { auto_confirm?: boolean; time_zone?: string } = {}): Promise<TestUser> {
  const therapist = await createUser(prefix, { metadata: { firstName: 'Thera', lastName: 'Pist' } });
  const sql = adminSql();
  await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
  await sql`
    insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_types, minimum_notice_minutes,
                                   buffer_after_minutes, auto_confirm)
    values (${therapist.id}, ${`Dr. ${prefix}`}, '{anxiety,depression}', 120, ${settings.time_zone ?? 'UTC'}, '{video,phone}', 0, 10,
            ${settings.auto_confirm ?? false})`;
  await sql`
    insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
    select ${therapist.id}, d, '00:00', '24:00' from generate_series(1, 7) as d`;
  return therapist;
}

/** A half-hour boundary some days ahead (the fixtures are open around the clock). */
function slotInDays(days: number, hourUtc = 10, minute = 0): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  date.setUTCHours(hourUtc, minute, 0, 0);
  return date.toISOString();
}

describe('POST /booking under contention', () => {
  let therapist: TestUser;
  let clients: TestUser[];

  beforeAll(async () => {
    therapist = await createTherapist('race-therapist');
    clients = await Promise.all(Array.from({ length: 200 }, (_, index) => createUser(`race-client-${index}`)));
  }, 120_000);

  it('200 clients booking one slot at once: exactly one 201, 199 × 409, no overlap in the table', async () => {
    const scheduledAt = slotInDays(3);
    const responses = await Promise.all(clients.map((client) => call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt, type: 'video' })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(199);
    for (const response of responses.filter((r) => r.status === 409)) expectErrorShape(await response.json(), 409);

    const [overlaps] = await adminSql()<{ active: number; overlapping: number }[]>`
      select (select count(*)::int from private.therapy_sessions where therapist_id = ${therapist.id} and status in ('scheduled', 'confirmed')) as active,
             (select count(*)::int from private.therapy_sessions as a join private.therapy_sessions as b
                on a.therapist_id = b.therapist_id and a.id < b.id and a.occupied && b.occupied
              where a.therapist_id = ${therapist.id} and a.status in ('scheduled', 'confirmed') and b.status in ('scheduled', 'confirmed')) as overlapping`;
    expect(overlaps).toEqual({ active: 1, overlapping: 0 });
  }, 120_000);

  it('reschedules racing for one slot: exactly one wins; every loser keeps their old session untouched', async () => {
    const racers = clients.slice(0, 20);
    // Returning clients (a completed session each): the therapist knows them, so the limit on unanswered requests from
    // new clients (10 per therapist who confirms by hand) does not apply. What this measures is the reschedule race.
    await adminSql()`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      select ${therapist.id}, racer, now() - interval '7 days' - make_interval(hours => n::integer), 50, 'video', 'completed'
      from unnest(${racers.map((client) => client.id)}::uuid[]) with ordinality as r (racer, n)`;
    // Each racer first books their own hour on day 5 (50 minutes + 10 of buffer fill it), then all move to one slot on day 6.
    const booked = await Promise.all(racers.map(async (client, index) => {
      const response = await call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(5, index) });
      expect(response.status).toBe(201);
      return (await response.json()) as Json;
    }));
    const target = slotInDays(6, 12);
    const responses = await Promise.all(racers.map((client, index) =>
      call(client, 'PUT', `/${booked[index].id}`, { scheduledAt: target })
    ));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const rows = await adminSql()<{ id: string; status: string }[]>`
      select id, status::text from private.therapy_sessions where id = any(${booked.map((session) => session.id as string)}::uuid[])`;
    expect(rows.filter((row) => row.status === 'cancelled')).toHaveLength(1);
    expect(rows.filter((row) => row.status === 'scheduled')).toHaveLength(19);
  }, 120_000);

  it('one client booking 10 slots of one therapist at once: exactly 4 × 201 and 6 × 429 (the limits are race-safe)', async () => {
    const [limited, greedy] = await Promise.all([createTherapist('limit-therapist'), createUser('greedy-client')]);
    const responses = await Promise.all(Array.from({ length: 10 }, (_, index) =>
      call(greedy, 'POST', '/', { therapistId: limited.id, scheduledAt: slotInDays(2 + index) })
    ));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    for (const response of responses.filter((r) => r.status === 429)) {
      const error = (await response.json()) as { message: string };
      expectErrorShape(error, 429);
      expect(error.message).toBe('You already have 4 upcoming sessions with this therapist; attend or cancel one before booking another');
    }
    const [{ count }] = await adminSql()<{ count: number }[]>`
      select count(*)::int as count from private.therapy_sessions where client_id = ${greedy.id} and status in ('scheduled', 'confirmed')`;
    expect(count).toBe(4);
  });

  it('one Idempotency-Key retried 10 times at once returns the first booking every time, and books once', async () => {
    const [client] = await Promise.all([createUser('idempotent-client')]);
    const key = crypto.randomUUID();
    const body = { therapistId: therapist.id, scheduledAt: slotInDays(7), type: 'phone', notes: 'First visit' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => call(client, 'POST', '/', body, { 'idempotency-key': key })));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    const ids = new Set(await Promise.all(responses.map(async (response) => ((await response.json()) as Json).id)));
    expect(ids.size).toBe(1);
    const [{ count }] = await adminSql()<{ count: number }[]>`select count(*)::int as count from private.therapy_sessions where client_id = ${client.id}`;
    expect(count).toBe(1);

    const reused = await call(client, 'POST', '/', { ...body, scheduledAt: slotInDays(8) }, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expectErrorShape(await reused.json(), 422);
  });
});

describe('the booking routes', () => {
  let therapist: TestUser;
  let client: TestUser;

  beforeAll(async () => {
    [therapist, client] = await Promise.all([createTherapist('routes-therapist', { time_zone: 'America/New_York' }), createUser('routes-client')]);
  });

  it('lists slots in the requested zone, books one (201, seed shape), lists it, confirms, cancels', async () => {
    const day = slotInDays(4).slice(0, 10);
    const slotsResponse = await call(client, 'GET', `/slots?therapistId=${therapist.id}&from=${day}&to=${day}&tz=Asia/Kolkata`);
    expect(slotsResponse.status).toBe(200);
    const slots = (await slotsResponse.json()) as { timeZone: string; duration: number; slots: Array<{ start: string; end: string }> };
    expect(slots.timeZone).toBe('Asia/Kolkata');
    expect(slots.duration).toBe(50);
    expect(slots.slots.length).toBeGreaterThan(20);
    for (const slot of slots.slots) expect(slot.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:(00|30):00\+05:30$/);

    const booked = await call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt: slots.slots[0].start, type: 'video', notes: 'Initial consultation' });
    expect(booked.status).toBe(201);
    const session = (await booked.json()) as Json;
    expect(session).toMatchObject({
      therapist: { id: therapist.id, name: 'Dr. routes-therapist', specialty: 'Anxiety, Depression' },
      duration: 50, type: 'video', status: 'scheduled', notes: 'Initial consultation', myRole: 'client', timing: 'upcoming',
    });
    expect(new Date(session.scheduledAt as string).getTime()).toBe(new Date(slots.slots[0].start).getTime());

    const afterBooking = (await (await call(client, 'GET', `/slots?therapistId=${therapist.id}&from=${day}&to=${day}&tz=Asia/Kolkata`)).json()) as typeof slots;
    expect(afterBooking.slots.map((slot) => slot.start)).not.toContain(slots.slots[0].start);

    const list = (await (await call(client, 'GET', `/?status=upcoming&therapist=${therapist.id}`)).json()) as Json[];
    expect(list.map((row) => row.id)).toEqual([session.id]);
    expect(await (await call(client, 'GET', '/?status=past')).json()).toEqual([]);

    const refusedConfirm = await call(client, 'PUT', `/${session.id}`, { status: 'confirmed' });
    expect(refusedConfirm.status).toBe(403);
    expectErrorShape(await refusedConfirm.json(), 403);
    const confirmed = await call(therapist, 'PUT', `/${session.id}`, { status: 'confirmed' });
    expect(confirmed.status).toBe(200);
    const seenByTherapist = (await confirmed.json()) as Json;
    expect(seenByTherapist).toMatchObject({ status: 'confirmed', myRole: 'therapist', client: { name: expect.any(String) } });
    expect(JSON.stringify(seenByTherapist)).not.toContain(client.id);

    const cancelled = await call(client, 'PUT', `/${session.id}`, { status: 'cancelled', reason: 'Feeling better' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', cancelledBy: 'client', cancellationReason: 'Feeling better', lateCancellation: false });
    const again = await call(client, 'PUT', `/${session.id}`, { status: 'cancelled' });
    expect(again.status).toBe(409);
  });

  it('PUT with the seed\'s other bodies: the therapist asks for a move ({ rescheduleRequested, note }), the client moves it ({ scheduledAt }), the therapist marks started sessions completed or no-show ({ status })', async () => {
    const mover = await createUser('routes-mover');
    const booked = await call(mover, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(11, 9) });
    expect(booked.status).toBe(201);
    const session = (await booked.json()) as Json;

    const askedByClient = await call(mover, 'PUT', `/${session.id}`, { rescheduleRequested: true });
    expect(askedByClient.status).toBe(403);
    expectErrorShape(await askedByClient.json(), 403);
    const asked = await call(therapist, 'PUT', `/${session.id}`, { rescheduleRequested: true, note: 'Could we move it a day?' });
    expect(asked.status).toBe(200);
    expect(await asked.json()).toMatchObject({ id: session.id, status: 'scheduled', myRole: 'therapist', rescheduleRequestedAt: expect.any(String) });

    const moved = await call(mover, 'PUT', `/${session.id}`, { scheduledAt: slotInDays(12, 9) });
    expect(moved.status).toBe(200);
    const movedSession = (await moved.json()) as Json;
    expect(movedSession).toMatchObject({ status: 'scheduled', myRole: 'client' });
    expect(new Date(movedSession.scheduledAt as string).getTime()).toBe(new Date(slotInDays(12, 9)).getTime());
    const tooEarly = await call(therapist, 'PUT', `/${movedSession.id}`, { status: 'completed' });
    expect(tooEarly.status).toBe(409);
    expectErrorShape(await tooEarly.json(), 409);

    const [started, missed] = await adminSql()<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${therapist.id}, ${mover.id}, now() - interval '2 days', 50, 'video', 'scheduled'),
             (${therapist.id}, ${mover.id}, now() - interval '3 days', 50, 'video', 'confirmed')
      returning id`;
    expect((await call(mover, 'PUT', `/${started.id}`, { status: 'completed' })).status).toBe(403);
    const completed = await call(therapist, 'PUT', `/${started.id}`, { status: 'completed' });
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({ id: started.id, status: 'completed', timing: 'past' });
    const noShow = await call(therapist, 'PUT', `/${missed.id}`, { status: 'no-show' });
    expect(noShow.status).toBe(200);
    expect(await noShow.json()).toMatchObject({ id: missed.id, status: 'no-show' });
  });

  it('answers 422 with the reason for a time that is not a slot, 404 for an unknown therapist or session', async () => {
    const notBoundary = await call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(4, 10, 10) });
    expect(notBoundary.status).toBe(422);
    expect(((await notBoundary.json()) as Json).message).toMatch(/not one of this therapist's bookable times/);
    const past = await call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(-1) });
    expect(past.status).toBe(422);
    const chat = await call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(4, 11), type: 'chat' });
    expect(chat.status).toBe(422);
    expect(((await chat.json()) as Json).message).toBe('This therapist does not offer chat sessions');
    expect((await call(client, 'POST', '/', { therapistId: crypto.randomUUID(), scheduledAt: slotInDays(4) })).status).toBe(404);
    expect((await call(client, 'PUT', `/${crypto.randomUUID()}`, { status: 'cancelled' })).status).toBe(404);
    expect((await call(client, 'GET', `/slots?therapistId=${crypto.randomUUID()}&from=2030-01-01&to=2030-01-02`)).status).toBe(404);
  });

  it('rates only a completed session, once (201, then 409)', async () => {
    const [row] = await adminSql()<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${therapist.id}, ${client.id}, now() - interval '3 days', 50, 'video', 'completed') returning id`;
    const rated = await call(client, 'POST', `/${row.id}/rate`, { rating: 5, feedback: 'Great session, very helpful' });
    expect(rated.status).toBe(201);
    expect(await rated.json()).toMatchObject({ id: row.id, rating: 5, feedback: 'Great session, very helpful', status: 'completed' });
    expect((await call(client, 'POST', `/${row.id}/rate`, { rating: 4 })).status).toBe(409);
    const byTherapist = await call(therapist, 'POST', `/${row.id}/rate`, { rating: 1 });
    expect(byTherapist.status).toBe(403);
    // Counted in the private live totals; the directory publishes ratings only in batches of 3 (pgTAP 28).
    const [totals] = await adminSql()`select rating_count, rating_sum from private.therapist_rating_totals where therapist_id = ${therapist.id}`;
    expect(totals).toEqual({ rating_count: 1, rating_sum: 5 });
    const [published] = await adminSql()`select rating_count, rating_average from public.therapists where id = ${therapist.id}`;
    expect(published).toEqual({ rating_count: 0, rating_average: null });
  });

  it('exports the client\'s sessions to the client, and the practice without client identities to the therapist', async () => {
    const [other] = await Promise.all([createUser('export-client', { metadata: { firstName: 'Quinn', lastName: 'Exporter' } })]);
    const booked = await call(other, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(9), notes: 'about my sleep' });
    expect(booked.status).toBe(201);
    const session = (await booked.json()) as Json;
    const clientExport = succeeded(await (await supabaseAs(other)).rpc('export_my_data'), 'the client\'s rpc(export_my_data)') as Json;
    expect(clientExport.therapySessions).toEqual([expect.objectContaining({ id: session.id, notes: 'about my sleep', status: 'scheduled' })]);
    expect(clientExport.therapist).toBeNull();
    const therapistExport = succeeded(await (await supabaseAs(therapist)).rpc('export_my_data'), 'the therapist\'s rpc(export_my_data)') as Json;
    const practice = therapistExport.therapist as { profile: Json; weeklyHours: unknown[]; sessions: Json[] };
    expect(practice.profile).toMatchObject({ id: therapist.id, displayName: 'Dr. routes-therapist' });
    expect(practice.weeklyHours).toHaveLength(7);
    expect(practice.sessions.map((row) => row.id)).toContain(session.id);
    const text = JSON.stringify(therapistExport);
    for (const secret of [other.id, 'Quinn', 'Exporter', 'about my sleep']) expect(text).not.toContain(secret);
  });

  it.each([
    ['GET', '/slots', undefined, 'therapistId'],
    ['GET', '/slots?therapistId=nope&from=2030-01-01&to=2030-01-02', undefined, 'therapistId'],
    ['GET', '/slots?therapistId=00000000-0000-4000-8000-000000000000&from=2030-02-30&to=2030-03-02', undefined, 'from'],
    ['GET', '/slots?therapistId=00000000-0000-4000-8000-000000000000&from=2030-03-02&to=2030-03-01', undefined, 'from'],
    ['GET', '/?status=soon', undefined, 'status'],
    ['GET', '/?therapist=x', undefined, 'therapist'],
    ['POST', '/', {}, 'therapistId'],
    ['POST', '/', { therapistId: '00000000-0000-4000-8000-000000000000', scheduledAt: '2030-01-01T10:00:00' }, 'scheduledAt'],
    ['POST', '/', { therapistId: '00000000-0000-4000-8000-000000000000', scheduledAt: '2030-01-01T10:00:00Z', type: 'in-person' }, 'type'],
    ['POST', '/', { therapistId: '00000000-0000-4000-8000-000000000000', scheduledAt: '2030-01-01T10:00:00Z', notes: 'x'.repeat(2001) }, 'notes'],
    ['POST', '/', { therapistId: '00000000-0000-4000-8000-000000000000', scheduledAt: '2030-01-01T10:00:00Z', extra: 1 }, '(root)'],
    ['PUT', '/not-a-uuid', { status: 'cancelled' }, 'id'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { status: 'deleted' }, 'status'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { scheduledAt: 'tomorrow' }, 'scheduledAt'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { status: 'cancelled', reason: 'x'.repeat(501) }, 'reason'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', {}, '(root)'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { scheduledAt: '2030-01-01T10:00:00Z', status: 'cancelled' }, 'status'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { status: 'confirmed', reason: 'why' }, 'reason'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { action: 'cancel' }, '(root)'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { scheduledAt: '2030-01-01T10:00:00Z', rescheduleRequested: true }, 'rescheduleRequested'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { status: 'cancelled', rescheduleRequested: true, note: 'x' }, 'rescheduleRequested'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { rescheduleRequested: false }, 'rescheduleRequested'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { note: 'Could we move it?' }, 'note'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { status: 'cancelled', note: 'x' }, 'note'],
    ['PUT', '/00000000-0000-4000-8000-000000000000', { rescheduleRequested: true, note: 'x'.repeat(501) }, 'note'],
    ['POST', '/00000000-0000-4000-8000-000000000000/rate', { rating: 6 }, 'rating'],
    ['POST', '/00000000-0000-4000-8000-000000000000/rate', { rating: 4.5 }, 'rating'],
    ['POST', '/00000000-0000-4000-8000-000000000000/rate', { rating: 5, feedback: 'x'.repeat(2001) }, 'feedback'],
  ])('%s %s answers 400 naming the field', async (method, path, body, field) => {
    const response = await call(client, method, path, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { details: Array<{ field: string }> };
    expectErrorShape(error, 400);
    expect(error.details.map((detail) => detail.field)).toContain(field);
  });

  it('answers 400 for a bad Idempotency-Key, an unknown time zone and a range over 62 days; 415 without JSON', async () => {
    const badKey = await call(client, 'POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(4) }, { 'idempotency-key': 'has spaces' });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as { details: Array<{ field: string }> }).details[0].field).toBe('Idempotency-Key');
    const badZone = await call(client, 'GET', `/slots?therapistId=${therapist.id}&from=2030-01-01&to=2030-01-02&tz=Mars/Olympus`);
    expect(badZone.status).toBe(400);
    expectErrorShape(await badZone.json(), 400);
    expect((await call(client, 'GET', `/slots?therapistId=${therapist.id}&from=2030-01-01&to=2030-04-01`)).status).toBe(400);
    const noJson = await app.request('/booking', { method: 'POST', headers: { authorization: `Bearer ${await tokenFor(client)}` }, body: 'x' });
    expect(noJson.status).toBe(415);
  });

  it('answers 401 on every route without a token and for every bad token', async () => {
    const routes: Array<[string, string, unknown]> = [
      ['GET', `/slots?therapistId=${therapist.id}&from=2030-01-01&to=2030-01-02`, undefined],
      ['GET', '/', undefined],
      ['POST', '/', { therapistId: therapist.id, scheduledAt: slotInDays(4) }],
      ['PUT', `/${crypto.randomUUID()}`, { status: 'cancelled' }],
      ['POST', `/${crypto.randomUUID()}/rate`, { rating: 5 }],
    ];
    const tokens = await forgedTokens(client);
    for (const [method, path, body] of routes) {
      const anonymous = await call(undefined, method, path, body);
      expect(anonymous.status, `${method} ${path} without a token`).toBe(401);
      expectErrorShape(await anonymous.json(), 401);
      for (const [kind, token] of Object.entries(tokens)) {
        const response = await call(undefined, method, path, body, { authorization: `Bearer ${token}` });
        expect(response.status, `${method} ${path}: ${kind}`).toBe(401);
      }
    }
  });
});
