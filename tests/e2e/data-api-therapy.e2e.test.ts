/**
 * Therapy through the data API (README "Therapy"): GET /therapists (rpc list_therapists: specialty as the directory
 * shows it, availability in days, paging after the last row's id; and the therapists table a therapist writes their
 * entry to), the therapist's availability (therapist_weekly_hours, therapist_date_overrides), GET /sessions as
 * from(my_therapy_sessions) from both parties' side, the therapist's private notes (therapist_session_notes upsert)
 * and the admins' therapy_session_operations. Booking itself is the booking edge function
 * (tests/functions/booking.test.ts); sessions here are fixtures written as it writes them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let therapist: TestUser;
let otherTherapist: TestUser;
let client: TestUser;
let stranger: TestUser;
let admin: TestUser;
let upcoming: string;
let completed: string;
let clientHandle: string;
const name = `Dr. Rest ${crypto.randomUUID().slice(0, 8)}`;

function hoursFromNow(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  at.setUTCMinutes(0, 0, 0);
  return at.toISOString();
}

beforeAll(async () => {
  [therapist, otherTherapist, client, stranger, admin] = await Promise.all([
    createUser('therapy-therapist', { metadata: { firstName: 'Theo', lastName: 'Rest' } }),
    createUser('therapy-other-therapist'),
    createUser('therapy-client', { metadata: { firstName: 'Cleo', lastName: 'Client' } }),
    createUser('therapy-stranger'),
    createUser('therapy-admin'),
  ]);
  const sql = adminSql();
  await sql`update public.profiles set role = 'therapist' where id in (${therapist.id}, ${otherTherapist.id})`;
  await sql`update public.profiles set role = 'admin' where id = ${admin.id}`;
});

describe('a therapist\'s directory entry: from(therapists).insert / update', () => {
  it('the therapist creates their own entry (201); the database starts it unrated and active', async () => {
    const supabase = await supabaseAs(therapist);
    const row = ok(await supabase.from('therapists').insert({
      id: therapist.id, display_name: name, specialties: ['anxiety', 'depression'], hourly_rate: 150, time_zone: 'UTC',
      languages: ['en', 'is'], session_types: ['video', 'phone'], minimum_notice_minutes: 0, years_of_experience: 12,
    }).select('id, display_name, is_active, rating_count').single(), 201);
    expect(row).toEqual({ id: therapist.id, display_name: name, is_active: true, rating_count: 0 });
    ok(await supabase.from('therapists').update({ bio: 'CBT and ACT' }).eq('id', therapist.id), 204);
  });

  it('a client cannot create an entry (the policy\'s check: 403 42501), nor write another\'s (no row)', async () => {
    forbidden(await (await supabaseAs(client)).from('therapists').insert({ id: client.id, display_name: 'Fake Doctor', specialties: ['stress'], hourly_rate: 1 }));
    empty(await (await supabaseAs(otherTherapist)).from('therapists').update({ hourly_rate: 1 }).eq('id', therapist.id).select('id'));
  });

  it('ratings and activity are the database\'s: 403 42501', async () => {
    forbidden(await (await supabaseAs(therapist)).from('therapists').update({ rating_count: 100 } as never).eq('id', therapist.id));
    forbidden(await (await supabaseAs(therapist)).from('therapists').update({ is_active: true } as never).eq('id', therapist.id));
  });

  it('everyone signed in reads listed entries; the anon key gets 401', async () => {
    const [row] = ok(await (await supabaseAs(stranger)).from('therapists').select('id, display_name, bio, rating_count').eq('id', therapist.id));
    expect(row).toEqual({ id: therapist.id, display_name: name, bio: 'CBT and ACT', rating_count: 0 });
    anonRefused(await (await supabaseAs()).from('therapists').select('id'));
  });
});

describe('availability: from(therapist_weekly_hours), from(therapist_date_overrides)', () => {
  it('the therapist writes and reads their hours (201) and a day off', async () => {
    const supabase = await supabaseAs(therapist);
    ok(await supabase.from('therapist_weekly_hours').insert([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ therapist_id: therapist.id, weekday, starts_at: '00:00', ends_at: '24:00' }))), 201);
    expect(ok(await supabase.from('therapist_weekly_hours').select('weekday, starts_at, ends_at').order('weekday'))).toHaveLength(7);
    ok(await supabase.from('therapist_date_overrides').insert({ therapist_id: therapist.id, on_date: '2099-12-25' }), 201);
  });

  it('overlapping ranges are refused by the exclusion constraint: 400 23P01 (PostgREST 12.0.2 maps 23P01 to 400)', async () => {
    const supabase = await supabaseAs(therapist);
    refused(await supabase.from('therapist_weekly_hours').insert({ therapist_id: therapist.id, weekday: 1, starts_at: '09:00', ends_at: '10:00' }), 400, '23P01');
    refused(await supabase.from('therapist_date_overrides').insert({ therapist_id: therapist.id, on_date: '2099-12-25', starts_at: '09:00', ends_at: '10:00' }), 400, '23P01');
  });

  it('nobody else reads or writes them (empty; 403 42501); the anon key gets 401', async () => {
    const supabase = await supabaseAs(client);
    empty(await supabase.from('therapist_weekly_hours').select('id').eq('therapist_id', therapist.id));
    empty(await supabase.from('therapist_date_overrides').select('id').eq('therapist_id', therapist.id));
    forbidden(await supabase.from('therapist_weekly_hours').insert({ therapist_id: therapist.id, weekday: 1, starts_at: '09:00', ends_at: '10:00' }));
    empty(await (await supabaseAs(otherTherapist)).from('therapist_date_overrides').delete().eq('therapist_id', therapist.id).select('id'));
    anonRefused(await (await supabaseAs()).from('therapist_weekly_hours').select('id'));
    anonRefused(await (await supabaseAs()).from('therapist_date_overrides').select('id'));
  });
});

describe('GET /therapists: rpc(list_therapists)', () => {
  const closedName = `Dr. Closed ${crypto.randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // A second therapist, of grief, open around the clock but taking no new clients; the stranger already is one
    // (a session last week), the client is not.
    const supabase = await supabaseAs(otherTherapist);
    ok(await supabase.from('therapists').insert({
      id: otherTherapist.id, display_name: closedName, specialties: ['grief'], hourly_rate: 90, time_zone: 'UTC', languages: ['is'],
      session_types: ['video'], minimum_notice_minutes: 0, accepting_new_clients: false,
    }), 201);
    ok(await supabase.from('therapist_weekly_hours').insert([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ therapist_id: otherTherapist.id, weekday, starts_at: '00:00', ends_at: '24:00' }))), 201);
    await adminSql()`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${otherTherapist.id}, ${stranger.id}, ${hoursFromNow(-24 * 7)}, 50, 'video', 'completed')`;
  });

  it('lists the therapist in the seed shape with nextAvailable computed from their hours', async () => {
    const rows = ok(await (await supabaseAs(client)).rpc('list_therapists', { specialty: 'anxiety', availability: 7, language: 'is', limit: 100 }));
    const row = rows.find((entry) => entry.id === therapist.id);
    expect(row).toMatchObject({
      name, specialty: 'Anxiety, Depression', specialties: ['anxiety', 'depression'], experience: '12 years', yearsOfExperience: 12,
      rating: null, ratingCount: 0, hourlyRate: 150, currency: 'USD', languages: ['en', 'is'], sessionTypes: ['video', 'phone'],
      duration: 50, acceptingNewClients: true, bio: 'CBT and ACT', timeZone: 'UTC',
    });
    expect(new Date(row!.nextAvailable!).getTime()).toBeGreaterThan(Date.now());
  });

  it('specialty takes the labels the directory shows: "Anxiety & Depression" is both, "Grief & Loss" is one', async () => {
    const supabase = await supabaseAs(client);
    const ours = (rows: Array<{ id: string | null }>) => rows.map((row) => row.id).filter((id) => id === therapist.id || id === otherTherapist.id);
    expect(ours(ok(await supabase.rpc('list_therapists', { specialty: 'Anxiety & Depression', language: 'is', limit: 100 })))).toEqual([therapist.id]);
    expect(ours(ok(await supabase.rpc('list_therapists', { specialty: 'Anxiety, Depression', language: 'is', limit: 100 })))).toEqual([therapist.id]);
    expect(ours(ok(await supabase.rpc('list_therapists', { specialty: 'Grief & Loss', language: 'is', limit: 100 })))).toEqual([otherTherapist.id]);
    expect(ours(ok(await supabase.rpc('list_therapists', { specialty: 'Anxiety & Grief & Loss', language: 'is', limit: 100 })))).toEqual([]);
  });

  it('a therapist taking no new clients shows a new client no nextAvailable, and their existing client one', async () => {
    const [forNewClient] = ok(await (await supabaseAs(client)).rpc('list_therapists', { specialty: 'Grief & Loss', limit: 100 }).eq('id', otherTherapist.id));
    expect(forNewClient).toMatchObject({ name: closedName, acceptingNewClients: false, nextAvailable: null });
    const [forExistingClient] = ok(await (await supabaseAs(stranger)).rpc('list_therapists', { specialty: 'Grief & Loss', limit: 100 }).eq('id', otherTherapist.id));
    expect(forExistingClient).toMatchObject({ name: closedName, acceptingNewClients: false });
    expect(new Date(forExistingClient.nextAvailable!).getTime()).toBeGreaterThan(Date.now());
    // Filtering by availability keeps them for the one who may book them only.
    empty(await (await supabaseAs(client)).rpc('list_therapists', { availability: 7, limit: 100 }).eq('id', otherTherapist.id).select('id'));
    expect(ok(await (await supabaseAs(stranger)).rpc('list_therapists', { availability: 7, limit: 100 }).eq('id', otherTherapist.id).select('id'))).toEqual([{ id: otherTherapist.id }]);
  });

  it('pages after the last row (after: its id); an unknown after, specialty, availability or limit is 400 PT400', async () => {
    const supabase = await supabaseAs(client);
    const rows = ok(await supabase.rpc('list_therapists', { language: 'is', limit: 100 }));
    const index = rows.findIndex((entry) => entry.id === therapist.id);
    const next = ok(await supabase.rpc('list_therapists', { language: 'is', after: rows[index].id! }));
    expect(next.map((entry) => entry.id)).toEqual(rows.slice(index + 1).map((entry) => entry.id));
    refused(await supabase.rpc('list_therapists', { after: crypto.randomUUID() }), 400, 'PT400', 'after is not a therapist of the directory');
    refused(await supabase.rpc('list_therapists', { specialty: 'Astrology' }), 400, 'PT400', 'Unknown specialty: Astrology');
    refused(await supabase.rpc('list_therapists', { specialty: 'Anxiety & Astrology' }), 400, 'PT400', 'Unknown specialty: Astrology');
    refused(await supabase.rpc('list_therapists', { availability: 0 }), 400, 'PT400', 'availability is a number of days from 1 to 365');
    refused(await supabase.rpc('list_therapists', { availability: 366 }), 400, 'PT400', 'availability is a number of days from 1 to 365');
    refused(await supabase.rpc('list_therapists', { limit: 0 }), 400, 'PT400', 'limit must be between 1 and 100');
  });

  it('the anon key gets 401', async () => {
    anonRefused(await (await supabaseAs()).rpc('list_therapists', {}));
  });
});

describe('GET /sessions: from(my_therapy_sessions)', () => {
  beforeAll(async () => {
    const sql = adminSql();
    [{ id: upcoming }] = await sql<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status, client_note)
      values (${therapist.id}, ${client.id}, ${hoursFromNow(72)}, 50, 'video', 'scheduled', 'First session') returning id`;
    [{ id: completed }] = await sql<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${therapist.id}, ${client.id}, ${hoursFromNow(-48)}, 50, 'phone', 'completed') returning id`;
    [{ handle: clientHandle }] = await sql<{ handle: string }[]>`select private.therapist_client_handle(${therapist.id}, ${client.id})::text as handle`;
  });

  it('the client sees their sessions in the seed shape, upcoming ones by .eq(timing, upcoming)', async () => {
    const supabase = await supabaseAs(client);
    const rows = ok(await supabase.from('my_therapy_sessions').select().eq('timing', 'upcoming').order('scheduledAt'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: upcoming, title: `Video session with ${name}`, therapist: { id: therapist.id, name, specialty: 'Anxiety, Depression' },
      therapistId: therapist.id, myRole: 'client', client: null, duration: 50, type: 'video', status: 'scheduled', timing: 'upcoming',
      notes: 'First session', rating: null,
    });
    const past = ok(await supabase.from('my_therapy_sessions').select('id, status, timing').eq('therapistId', therapist.id).eq('timing', 'past'));
    expect(past).toEqual([{ id: completed, status: 'completed', timing: 'past' }]);
  });

  it('the therapist sees the same sessions with the client by their handle, never the account id', async () => {
    const rows = ok(await (await supabaseAs(therapist)).from('my_therapy_sessions').select('id, myRole, client, notes').order('scheduledAt'));
    expect(rows.map((row) => row.id)).toEqual([completed, upcoming]);
    expect(rows[1]).toMatchObject({ myRole: 'therapist', notes: 'First session', client: { id: clientHandle, name: 'Cleo Client', isPseudonym: false } });
    expect(JSON.stringify(rows)).not.toContain(client.id);
  });

  it('a stranger, another therapist and an admin see none of them; the anon key gets 401', async () => {
    for (const person of [stranger, otherTherapist, admin]) {
      empty(await (await supabaseAs(person)).from('my_therapy_sessions').select('id').in('id', [upcoming, completed]));
    }
    anonRefused(await (await supabaseAs()).from('my_therapy_sessions').select());
  });

  it('the completed session is on the client\'s timeline', async () => {
    const rows = ok(await (await supabaseAs(client)).from('my_timeline').select('id, type, title').eq('type', 'therapy_session'));
    expect(rows).toEqual([{ id: `therapy_session:${completed}`, type: 'therapy_session', title: `Therapy session with ${name}` }]);
  });
});

describe('the therapist\'s private notes: from(therapist_session_notes).upsert', () => {
  it('the session\'s therapist upserts a note, the first time and again (201, then 200)', async () => {
    const supabase = await supabaseAs(therapist);
    ok(await supabase.from('therapist_session_notes').upsert({ session_id: completed, body: 'Sleep hygiene; follow up on work stress' }), 201);
    ok(await supabase.from('therapist_session_notes').upsert({ session_id: completed, body: 'Sleep hygiene; work stress improving' }), 200);
    const [note] = ok(await supabase.from('therapist_session_notes').select('session_id, therapist_id, body').eq('session_id', completed));
    expect(note).toEqual({ session_id: completed, therapist_id: therapist.id, body: 'Sleep hygiene; work stress improving' });
  });

  it('a note never moves to another session (400 PT400)', async () => {
    refused(await (await supabaseAs(therapist)).from('therapist_session_notes').update({ session_id: upcoming }).eq('session_id', completed), 400, 'PT400');
  });

  it('not the client\'s, an admin\'s or another therapist\'s: reads are empty, writes 403 42501; the anon key gets 401', async () => {
    for (const person of [client, admin, otherTherapist]) {
      empty(await (await supabaseAs(person)).from('therapist_session_notes').select('session_id').eq('session_id', completed));
    }
    forbidden(await (await supabaseAs(client)).from('therapist_session_notes').insert({ session_id: upcoming, body: 'My own note' }));
    forbidden(await (await supabaseAs(otherTherapist)).from('therapist_session_notes').upsert({ session_id: completed, body: 'Overwritten' }));
    anonRefused(await (await supabaseAs()).from('therapist_session_notes').select('session_id'));
  });
});

describe('from(therapy_session_operations): admins', () => {
  it('an admin reads schedule and status facts without client identity, notes or ratings', async () => {
    const rows = ok(await (await supabaseAs(admin)).from('therapy_session_operations').select().in('id', [upcoming, completed]).order('startsAt'));
    expect(rows.map((row) => [row.id, row.status, row.therapistName, row.clientDeleted])).toEqual([[completed, 'completed', name, false], [upcoming, 'scheduled', name, false]]);
    expect(JSON.stringify(rows)).not.toContain(client.id);
    expect(JSON.stringify(rows)).not.toContain('First session');
  });

  it('a client or a therapist reads nothing (200, empty); the anon key gets 401', async () => {
    empty(await (await supabaseAs(client)).from('therapy_session_operations').select('id').in('id', [upcoming, completed]));
    empty(await (await supabaseAs(therapist)).from('therapy_session_operations').select('id').in('id', [upcoming, completed]));
    anonRefused(await (await supabaseAs()).from('therapy_session_operations').select('id'));
  });
});
