/**
 * The seed as a contract (issue 16): every seed endpoint's mapped call, made as the frontend makes it (supabase-js
 * against the real PostgREST, HTTP to the functions), with the seed's request body, validated against the seed's
 * shapes in `types/contract.ts`. A persona with realistic data (profile details, a journal, a month of moods, goals
 * with progress) is built through the same API first. Any drift fails: a documented field missing or of another
 * type, a key that is not camelCase, a request body of the seed's that is refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contract from '../../types/contract.ts';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, env, supabaseAs, type TestUser, tokenFor } from '../support/stack.ts';

type Client = Awaited<ReturnType<typeof supabaseAs>>;

/** Every key of `value`, at any depth, with its path (array items share their array's path). */
function keysOf(value: unknown, path = '$'): Array<{ path: string; key: string }> {
  if (Array.isArray(value)) return value.flatMap((item) => keysOf(item, `${path}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [{ path, key }, ...keysOf(inner, `${path}.${key}`)]);
}

/** The answer holds the seed's shape: the schema parses it, and every key at every depth is camelCase. */
function expectSeedShape(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([]);
  expect(keysOf(value).filter(({ key }) => !/^[a-z][a-zA-Z0-9]*$/.test(key)).map(({ path, key }) => `${path}.${key}`)).toEqual([]);
}

/** A request body is the seed's before it is sent (so a test cannot drift to the database's names). */
function seedBody<S extends z.ZodType>(schema: S, body: z.input<S>): z.input<S> {
  expect(schema.safeParse(body).success, JSON.stringify(body)).toBe(true);
  return body;
}

/** A call to an edge function as `user`, answering the status and the JSON body. */
async function callFunction(user: TestUser | 'service', method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const token = user === 'service' ? process.env.SUPABASE_SERVICE_ROLE_KEY ?? '' : await tokenFor(user);
  const response = await fetch(`${env.functionsUrl}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** The last Realtime broadcast of an event on a topic, as Realtime reads it from realtime.messages (its payload). */
async function lastBroadcast(topic: string, event: string): Promise<unknown> {
  const [row] = await adminSql()<{ payload: unknown }[]>`
    select payload from realtime.messages where topic = ${topic} and event = ${event} order by inserted_at desc, id desc limit 1`;
  expect(row, `no ${event} on ${topic}`).toBeDefined();
  return row.payload;
}

async function personalTopic(user: TestUser): Promise<string> {
  const [{ topic }] = await adminSql()<{ topic: string }[]>`select private.personal_topic(${user.id}) as topic`;
  return topic;
}

/** The person's today, as the database counts their days (their profile's time zone). */
function dayIn(timeZone: string, daysAgo = 0): string {
  return new Date(Date.now() - daysAgo * 86_400_000).toLocaleDateString('en-CA', { timeZone });
}

const timeZone = 'Europe/Berlin';
let persona: TestUser;
let supabase: Client;

beforeAll(async () => {
  persona = await createUser('contract-persona', {
    metadata: { firstName: 'Mara', lastName: 'Lindqvist', phone: '+4915112345678', dateOfBirth: '1991-04-12', timeZone },
  });
  supabase = await supabaseAs(persona);
  // A month of check-ins, three journal entries and two goals, written with the seed's bodies.
  for (let daysAgo = 0; daysAgo < 30; daysAgo++) {
    succeeded(await supabase.from('mood_entries').insert(seedBody(contract.moodEntryRequest, {
      mood: 1 + ((daysAgo * 7) % 5), note: daysAgo % 3 === 0 ? `Day ${daysAgo}` : null, factors: daysAgo % 2 ? ['Exercise'] : ['Sleep Quality', 'Work'], date: dayIn(timeZone, daysAgo),
    })), 'POST /mood/entries');
  }
  for (const entry of [
    { title: 'First session', content: 'Talked about sleep and the pressure at work.', mood: 'neutral', tags: ['therapy', 'sleep'] },
    { title: 'A better day', content: 'Walked by the river; the breathing exercise helped.', mood: 'happy', tags: ['progress'] },
    { title: 'Rough night', content: 'Could not sleep, anxious about Monday.', mood: 'sad', tags: ['sleep', 'anxiety'] },
  ] as const) {
    succeeded(await supabase.from('journal_entries').insert(seedBody(contract.journalEntryRequest, { ...entry, tags: [...entry.tags] })), 'POST /journal/entries');
  }
  for (const goal of [
    { title: 'Daily Meditation', description: 'Meditate for 10 minutes every day', category: 'Mindfulness', unit: 'days', target: 28, current: 21 },
    { title: 'Read', description: null, category: 'Growth', unit: 'books', target: 4 },
  ]) {
    succeeded(await supabase.from('goal_overview').insert(seedBody(contract.goalRequest, goal)), 'POST /progress/goals');
  }
});

describe('users', () => {
  it('GET /users/profile: from(my_profile).select().single()', async () => {
    const profile = succeeded(await supabase.from('my_profile').select().single(), 'GET /users/profile');
    expectSeedShape(contract.profile, profile);
    expect(profile).toMatchObject({ firstName: 'Mara', lastName: 'Lindqvist', phone: '+4915112345678', dateOfBirth: '1991-04-12' });
  });

  it('PUT /users/profile: the seed\'s partial user data, answered in the profile\'s shape', async () => {
    const body = seedBody(contract.profileUpdateRequest, { firstName: 'Mara', location: 'Berlin', occupation: 'Nurse', bio: 'Night shifts, learning to rest.', interests: ['Mental Health', 'Running'] });
    const updated = succeeded(await supabase.from('my_profile').update(body).eq('id', persona.id).select().single(), 'PUT /users/profile');
    expectSeedShape(contract.profile, updated);
    expect(updated).toMatchObject(body);
  });

  it('PUT /users/privacy: the seed\'s body as it is; all eight settings come back', async () => {
    const body = seedBody(contract.privacyRequest, { hideDateOfBirth: true, anonymousMode: false, allowMessages: false });
    const settings = succeeded(await supabase.rpc('update_privacy_settings', body as never), 'PUT /users/privacy');
    expectSeedShape(contract.privacySettings, settings);
    expect(settings).toMatchObject(body);
  });
});

describe('journal', () => {
  it('GET /journal/entries: rpc(list_journal_entries) with the seed\'s filters and paging', async () => {
    const all = succeeded(await supabase.rpc('list_journal_entries', {}), 'GET /journal/entries');
    expectSeedShape(contract.journalEntry.array().length(3), all);
    const query = seedBody(contract.journalListQuery, { mood: 'sad', tags: ['sleep'], search: 'anxious', startDate: dayIn(timeZone, 1), endDate: dayIn(timeZone) });
    const found = succeeded(await supabase.rpc('list_journal_entries', query as never), 'GET /journal/entries?mood&tags&date&search');
    expectSeedShape(contract.journalEntry.array(), found);
    expect(found.map((entry) => entry.title)).toEqual(['Rough night']);
    const [first] = succeeded(await supabase.rpc('list_journal_entries', { limit: 1 }), 'page 1');
    const second = succeeded(await supabase.rpc('list_journal_entries', { limit: 2, before: first.id! }), 'page 2');
    expect(second.map((entry) => entry.id)).toEqual(all.slice(1).map((entry) => entry.id));
  });

  it('POST, PUT, favorite and DELETE /journal/entries: seed bodies in, the entry\'s shape back', async () => {
    const created = succeeded(await supabase.from('journal_entries').insert(seedBody(contract.journalEntryRequest, { title: 'My Journal Entry', content: 'Today was a good day...', mood: 'happy', tags: ['work', 'progress'] }))
      .select(contract.columns.journalEntry).single(), 'POST /journal/entries');
    expectSeedShape(contract.journalEntry, created);
    const updated = succeeded(await supabase.from('journal_entries').update({ content: 'Today was a very good day.' }).eq('id', created.id)
      .select(contract.columns.journalEntry).single(), 'PUT /journal/entries/:id');
    expectSeedShape(contract.journalEntry, updated);
    const favorite = succeeded(await supabase.rpc('toggle_journal_favorite', { id: created.id }), 'POST /journal/entries/:id/favorite');
    expectSeedShape(contract.journalEntry, favorite);
    expect(favorite.isFavorite).toBe(true);
    succeeded(await supabase.from('journal_entries').delete().eq('id', created.id), 'DELETE /journal/entries/:id');
  });
});

describe('mood', () => {
  it('GET /mood/entries?startDate&endDate: from(mood_entries).select(columns.moodEntry)', async () => {
    const entries = succeeded(await supabase.from('mood_entries').select(contract.columns.moodEntry)
      .gte('date', dayIn(timeZone, 6)).lte('date', dayIn(timeZone)).order('date'), 'GET /mood/entries');
    expectSeedShape(contract.moodEntry.array().length(7), entries);
  });

  it('POST /mood/entries answers the entry in the seed\'s shape', async () => {
    const other = await supabaseAs(await createUser('contract-mood'));
    const created = succeeded(await other.from('mood_entries').insert(seedBody(contract.moodEntryRequest, { mood: 4, note: 'Feeling good today', factors: ['Exercise', 'Social Connection'], date: dayIn('UTC', 1) }))
      .select(contract.columns.moodEntry).single(), 'POST /mood/entries');
    expectSeedShape(contract.moodEntry, created);
  });

  it('GET /mood/stats: GET /functions/v1/mood-stats', async () => {
    const response = await fetch(`${env.functionsUrl}/mood-stats`, { headers: { Authorization: `Bearer ${await tokenFor(persona)}` } });
    expect(response.status).toBe(200);
    const stats = await response.json();
    expectSeedShape(contract.moodStats, stats);
    expect(stats.totalEntries).toBe(30);
  });
});

describe('progress', () => {
  it('GET /progress/goals: from(goal_overview).select()', async () => {
    const goals = succeeded(await supabase.from('goal_overview').select().order('createdAt'), 'GET /progress/goals');
    expectSeedShape(contract.goal.array().length(2), goals);
    expect(goals[0]).toMatchObject({ title: 'Daily Meditation', current: 21, target: 28, progress: 75, streak: 1 });
  });

  it('PUT /progress/goals/:id with the seed\'s current', async () => {
    const [goal] = succeeded(await supabase.from('goal_overview').select('id').eq('title', 'Read'), 'goal');
    const updated = succeeded(await supabase.from('goal_overview').update(seedBody(contract.goalUpdateRequest, { current: 1 })).eq('id', goal.id).select().single(), 'PUT /progress/goals/:id');
    expectSeedShape(contract.goal, updated);
    expect(updated).toMatchObject({ current: 1, progress: 25 });
  });

  it('GET /progress/achievements and GET /progress/timeline', async () => {
    const achievements = succeeded(await supabase.from('my_achievements').select().order('sortOrder'), 'GET /progress/achievements');
    expectSeedShape(contract.achievement.array().min(1), achievements);
    expect(achievements.filter((achievement) => achievement.unlocked).map((achievement) => achievement.id)).toEqual(expect.arrayContaining(['first_mood_entry', 'mood_streak_7', 'first_goal']));
    const timeline = succeeded(await supabase.from('my_timeline').select().order('occurredAt', { ascending: false }), 'GET /progress/timeline');
    expectSeedShape(contract.timelineItem.array().min(3), timeline);
  });
});

describe('chat', () => {
  let partner: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    partner = await createUser('contract-partner', { metadata: { firstName: 'Rae', lastName: 'Okoye' } });
  });

  it('POST /chat/messages: rpc(send_chat_message) with the seed\'s body; the partner hears newMessage', async () => {
    const [{ card }] = await adminSql()<{ card: string }[]>`select public_id::text as card from public.profiles where id = ${partner.id}`;
    const body = seedBody(contract.chatSendRequest, { content: 'Hello, I\'m here to listen', recipientId: card, isAnonymous: true });
    const answer = succeeded(await supabase.rpc('send_chat_message', body), 'POST /chat/messages');
    expectSeedShape(contract.chatSendAnswer, answer);
    const sent = contract.chatSendAnswer.parse(answer);
    conversationId = sent.conversationId;
    const heard = await lastBroadcast(await personalTopic(partner), 'newMessage');
    expectSeedShape(contract.chatMessage, heard);
    expect(heard).toMatchObject({ id: sent.message.id, content: 'Hello, I\'m here to listen', isMine: false });
  });

  it('a seed body missing a required field is a 400 naming it, not PostgREST\'s "function not found"', async () => {
    const missing = await supabase.rpc('send_chat_message', { content: 'Hello?' } as never);
    expect({ status: missing.status, code: missing.error?.code, message: missing.error?.message })
      .toEqual({ status: 400, code: 'PT400', message: 'recipientId is required' });
  });

  it('GET /chat/conversations and GET /chat/conversations/:id/messages, from the partner\'s side', async () => {
    const other = await supabaseAs(partner);
    const conversations = succeeded(await other.from('chat_conversation_list').select().order('timestamp', { ascending: false }), 'GET /chat/conversations');
    expectSeedShape(contract.conversation.array().length(1), conversations);
    expect(conversations[0]).toMatchObject({ id: conversationId, lastMessage: 'Hello, I\'m here to listen', unreadCount: 1 });
    const messages = succeeded(await other.rpc('list_chat_messages', { conversationId, ...seedBody(contract.chatMessagesQuery, { limit: 50 }) }), 'GET messages');
    expectSeedShape(contract.chatMessage.array().length(1), messages);
  });

  it('POST /chat/start: POST /functions/v1/chat-match answers the seed\'s { conversationId, partner }; both hear matchFound', async () => {
    const listener = await createUser('contract-listener');
    succeeded(await (await supabaseAs(listener)).from('my_profile').update({ isListener: true }).eq('id', listener.id), 'become a listener');
    expect((await callFunction(listener, 'POST', '/chat-match', { asListener: true })).status).toBe(202);
    const started = await callFunction(persona, 'POST', '/chat-match', {});
    expect(started.status).toBe(200);
    expectSeedShape(contract.chatStart, started.json);
    expectSeedShape(contract.chatStart, await lastBroadcast(await personalTopic(listener), 'matchFound'));
  });
});

describe('groups', () => {
  let groupId: string;

  beforeAll(async () => {
    const host = await createUser('contract-host', { metadata: { firstName: 'Hana', lastName: 'Host' } });
    await adminSql()`update public.profiles set role = 'therapist' where id = ${host.id}`;
    ({ id: groupId } = succeeded(await (await supabaseAs(host)).from('support_groups')
      .insert({ name: `Anxiety Support Circle ${crypto.randomUUID().slice(0, 6)}`, description: 'A safe space for anxiety discussions', category_id: 'anxiety', privacy: 'public' })
      .select('id').single(), 'a therapist creates a group'));
  });

  it('POST /groups/:id/join, then GET /groups?category=Anxiety&joined=true', async () => {
    succeeded(await supabase.rpc('join_group', { groupId }), 'POST /groups/:id/join');
    const query = seedBody(contract.groupsQuery, { category: 'Anxiety', joined: true });
    const groups = succeeded(await supabase.rpc('list_groups', query), 'GET /groups');
    expectSeedShape(contract.group.array(), groups);
    expect(groups.find((group) => group.id === groupId)).toMatchObject({ category: 'Anxiety', joined: true, memberCount: 2 });
  });

  it('POST and GET /groups/:id/messages; the group hears groupMessage', async () => {
    const sent = succeeded(await supabase.rpc('send_group_message', seedBody(contract.groupSendRequest, { groupId, content: 'First time here. Breathing helps.' })), 'POST /groups/:id/messages');
    expectSeedShape(contract.groupMessage, (sent as { message: unknown }).message);
    const page = succeeded(await supabase.rpc('list_group_messages', { groupId, limit: 20 }), 'GET /groups/:id/messages');
    expectSeedShape(contract.groupMessage.array().length(1), page);
    expectSeedShape(contract.chatMessage, await lastBroadcast(`group:${groupId}`, 'groupMessage'));
  });

  it('DELETE /groups/:id/leave', async () => {
    expect(succeeded(await supabase.rpc('leave_group', { groupId }), 'DELETE /groups/:id/leave')).toEqual({ status: 'left' });
  });
});

describe('therapy', () => {
  let therapist: TestUser;
  let closedTherapist: TestUser;
  const specialtyShown = 'Anxiety, Depression';

  beforeAll(async () => {
    [therapist, closedTherapist] = await Promise.all([createUser('contract-therapist'), createUser('contract-closed-therapist')]);
    const sql = adminSql();
    for (const [who, accepting] of [[therapist, true], [closedTherapist, false]] as const) {
      await sql`update public.profiles set role = 'therapist' where id = ${who.id}`;
      await sql`
        insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_types, minimum_notice_minutes, years_of_experience, accepting_new_clients)
        values (${who.id}, ${`Dr. Sarah Johnson ${who.identifier}`}, '{anxiety,depression}', 150, 'UTC', '{video,phone}', 0, 12, ${accepting})`;
      await sql`insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at) select ${who.id}, d, '00:00', '24:00' from generate_series(1, 7) as d`;
    }
  });

  it('GET /therapists?specialty&availability, with the specialty as the directory shows it', async () => {
    const listed = succeeded(await supabase.rpc('list_therapists', seedBody(contract.therapistsQuery, { specialty: specialtyShown, availability: 7, limit: 100 })), 'GET /therapists');
    expectSeedShape(contract.therapist.array(), listed);
    expect(listed.find((row) => row.id === therapist.id)).toMatchObject({ specialty: specialtyShown, experience: '12 years', hourlyRate: 150, nextAvailable: expect.any(String) });
    // Taking no new clients: no slot is offered to someone who is not a client yet (booking it was a 422).
    const all = succeeded(await supabase.rpc('list_therapists', { specialty: specialtyShown, limit: 100 }), 'GET /therapists');
    expect(all.find((row) => row.id === closedTherapist.id)).toMatchObject({ nextAvailable: null, acceptingNewClients: false });
  });

  it('POST /sessions, GET /sessions, PUT /sessions/:id with the seed\'s bodies', async () => {
    const [listed] = succeeded(await supabase.rpc('list_therapists', { specialty: 'Anxiety', availability: 7, limit: 100 }).eq('id', therapist.id).select('id, nextAvailable'), 'directory');
    const booking = seedBody(contract.sessionBookRequest, { therapistId: therapist.id, scheduledAt: listed.nextAvailable!, type: 'video', notes: 'Initial consultation' });
    const booked = await callFunction(persona, 'POST', '/booking', booking);
    expect(booked.status).toBe(201);
    expectSeedShape(contract.session, booked.json);
    const sessions = succeeded(await supabase.from('my_therapy_sessions').select().eq('timing', 'upcoming'), 'GET /sessions');
    expectSeedShape(contract.session.array().min(1), sessions);
    const viaFunction = await callFunction(persona, 'GET', '/booking?status=upcoming');
    expectSeedShape(contract.session.array().min(1), viaFunction.json);
    const moved = await callFunction(persona, 'PUT', `/booking/${booked.json.id}`, seedBody(contract.sessionUpdateRequest, { scheduledAt: new Date(Date.parse(booked.json.scheduledAt) + 86_400_000).toISOString() }));
    expect(moved.status).toBe(200);
    expectSeedShape(contract.session, moved.json);
    const cancelled = await callFunction(persona, 'PUT', `/booking/${moved.json.id}`, seedBody(contract.sessionUpdateRequest, { status: 'cancelled' }));
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ status: 'cancelled' });
    expectSeedShape(contract.session, cancelled.json);
  });

  it('POST /sessions/:id/rate with the seed\'s body', async () => {
    const [row] = await adminSql()<{ id: string }[]>`
      insert into private.therapy_sessions (therapist_id, client_id, starts_at, duration_minutes, session_type, status)
      values (${therapist.id}, ${persona.id}, now() - interval '3 days', 50, 'video', 'completed') returning id`;
    const rated = await callFunction(persona, 'POST', `/booking/${row.id}/rate`, seedBody(contract.sessionRateRequest, { rating: 5, feedback: 'Great session, very helpful' }));
    expect(rated.status).toBe(201);
    expectSeedShape(contract.session, rated.json);
  });
});

describe('notifications', () => {
  it('POST /notifications/send: POST /functions/v1/notifications/send with the seed\'s body; the person hears notification', async () => {
    const body = seedBody(contract.notificationSendRequest, { userId: persona.id, title: 'Session Reminder', body: 'Your therapy session starts in 30 minutes', type: 'session_reminder' });
    const sent = await callFunction('service', 'POST', '/notifications/send', body);
    expect(sent.status).toBe(201);
    expect(Object.keys(sent.json).every((key) => /^[a-z][a-zA-Z0-9]*$/.test(key))).toBe(true);
    expect(await lastBroadcast(await personalTopic(persona), 'notification')).toMatchObject({ title: 'Session Reminder' });
    const inbox = succeeded(await supabase.from('my_notifications').select().order('updatedAt', { ascending: false }).limit(1), 'inbox');
    expect(inbox[0]).toMatchObject({ title: 'Session Reminder', readAt: null });
    expect(keysOf(inbox).filter(({ key }) => !/^[a-z][a-zA-Z0-9]*$/.test(key))).toEqual([]);
  });
});

describe('the error shape', () => {
  it('every edge function answers the seed\'s error shape', async () => {
    const bad = await callFunction(persona, 'POST', '/booking', { therapistId: 'not-an-id' });
    expect(bad.status).toBe(400);
    expectSeedShape(contract.seedError, bad.json);
  });
});
