/**
 * Notifications through the data API (README "Notifications"): the inbox (notifications: page, unread count, mark one
 * read, delete; rpc mark_all_notifications_read), devices (rpc register_push_subscription, push_subscriptions read and
 * sign-out delete), preferences (my_notification_preferences, notification_preferences upsert) and quiet hours
 * (notification_settings upsert). Each person's own only; the anon key gets 401. (Sending is an edge function:
 * tests/functions/notifications.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let reader: TestUser;
let other: TestUser;
let first: string;
let second: string;
const endpoint = `https://fcm.googleapis.com/fcm/send/rest-notifications-${crypto.randomUUID()}`;
const keys = { p256dh: `B${'A'.repeat(86)}`, auth: 'A'.repeat(22) };

beforeAll(async () => {
  [reader, other] = await Promise.all([createUser('inbox-reader'), createUser('inbox-other')]);
  // What the database sends (a message, a reminder, POST /notifications/send) all goes through private.notify.
  const sql = adminSql();
  [{ id: first }] = await sql<{ id: string }[]>`select private.notify(${reader.id}, 'system', 'Welcome', 'Glad you are here', '{"page": "home"}') as id`;
  [{ id: second }] = await sql<{ id: string }[]>`select private.notify(${reader.id}, 'achievement', 'Achievement unlocked', 'First Step') as id`;
});

describe('the inbox: from(notifications)', () => {
  it('pages the owner\'s notifications newest first with the documented columns', async () => {
    const rows = ok(await (await supabaseAs(reader)).from('notifications').select('id, type, title, body, data, event_count, read_at, updated_at')
      .order('updated_at', { ascending: false }).order('id', { ascending: false }).limit(20));
    expect(rows.map((row) => row.id)).toEqual([second, first]);
    expect(rows[1]).toMatchObject({ type: 'system', title: 'Welcome', body: 'Glad you are here', data: { page: 'home' }, event_count: 1, read_at: null });
    const next = ok(await (await supabaseAs(reader)).from('notifications').select('id').order('updated_at', { ascending: false }).lt('updated_at', rows[0].updated_at).limit(20));
    expect(next.map((row) => row.id)).toEqual([first]);
  });

  it('counts unread with head: true (200, count 2, no rows)', async () => {
    const answer = await (await supabaseAs(reader)).from('notifications').select('*', { count: 'exact', head: true }).is('read_at', null);
    expect({ status: answer.status, error: answer.error, count: answer.count, data: answer.data }).toEqual({ status: 200, error: null, count: 2, data: null });
  });

  it('marks one read (204); only read_at is writable (403 42501 for the words)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('notifications').update({ read_at: new Date().toISOString() }).eq('id', first), 204);
    const { count } = await supabase.from('notifications').select('*', { count: 'exact', head: true }).is('read_at', null);
    expect(count).toBe(1);
    forbidden(await supabase.from('notifications').update({ title: 'Forged' }).eq('id', first));
    forbidden(await supabase.from('notifications').insert({ user_id: reader.id, type: 'system', title: 'Forged', body: 'x' }));
  });

  it('another person reads, marks and deletes none of it; the anon key gets 401', async () => {
    const supabase = await supabaseAs(other);
    empty(await supabase.from('notifications').select('id').in('id', [first, second]));
    empty(await supabase.from('notifications').update({ read_at: new Date().toISOString() }).eq('id', second).select('id'));
    empty(await supabase.from('notifications').delete().eq('id', second).select('id'));
    anonRefused(await (await supabaseAs()).from('notifications').select('id'));
    anonRefused(await (await supabaseAs()).from('notifications').delete().eq('id', second));
  });

  it('rpc(mark_all_notifications_read) answers how many it marked; another person marks only theirs (0)', async () => {
    expect(ok(await (await supabaseAs(other)).rpc('mark_all_notifications_read'))).toBe(0);
    expect(ok(await (await supabaseAs(reader)).rpc('mark_all_notifications_read'))).toBe(1);
    expect(ok(await (await supabaseAs(reader)).rpc('mark_all_notifications_read'))).toBe(0);
    anonRefused(await (await supabaseAs()).rpc('mark_all_notifications_read'));
  });

  it('the owner deletes one (204)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('notifications').delete().eq('id', first), 204);
    expect(ok(await supabase.from('notifications').select('id')).map((row) => row.id)).toEqual([second]);
  });
});

describe('devices: rpc(register_push_subscription), from(push_subscriptions)', () => {
  let subscriptionId: string;

  it('registers this browser and answers its id; the owner reads it back', async () => {
    const supabase = await supabaseAs(reader);
    subscriptionId = ok(await supabase.rpc('register_push_subscription', { endpoint, ...keys, expiration_time: undefined, user_agent: 'vitest browser' }));
    expect(subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    const [device] = ok(await supabase.from('push_subscriptions').select('id, endpoint, user_agent, last_status').eq('endpoint', endpoint));
    expect(device).toEqual({ id: subscriptionId, endpoint, user_agent: 'vitest browser', last_status: null });
  });

  it('an endpoint that is not a known push service is 400 PT400; the anon key gets 401', async () => {
    refused(await (await supabaseAs(reader)).rpc('register_push_subscription', { endpoint: 'https://evil.example/push', ...keys }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('register_push_subscription', { endpoint, ...keys }));
  });

  it('another person reads and removes nothing; nobody inserts rows directly (403 42501)', async () => {
    const supabase = await supabaseAs(other);
    empty(await supabase.from('push_subscriptions').select('id').eq('endpoint', endpoint));
    empty(await supabase.from('push_subscriptions').delete().eq('endpoint', endpoint).select('id'));
    forbidden(await supabase.from('push_subscriptions').insert({ user_id: other.id, endpoint, ...keys } as never));
    anonRefused(await (await supabaseAs()).from('push_subscriptions').select('id'));
  });

  it('sign-out on this device deletes it (204)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('push_subscriptions').delete().eq('endpoint', endpoint), 204);
    empty(await supabase.from('push_subscriptions').select('id'));
  });
});

describe('preferences: from(my_notification_preferences), from(notification_preferences).upsert', () => {
  it('lists every type, on by default', async () => {
    const rows = ok(await (await supabaseAs(other)).from('my_notification_preferences').select());
    expect(rows.map((row) => row.type).sort()).toEqual(['achievement', 'chat_message', 'group_message', 'session_reminder', 'session_update', 'system']);
    expect(rows.every((row) => row.push && row.in_app)).toBe(true);
  });

  it('upserts a type\'s choice as README shows it, the first time and again (201, then 200)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('notification_preferences').upsert({ type: 'group_message', push: false, in_app: true }), 201);
    ok(await supabase.from('notification_preferences').upsert({ type: 'group_message', push: false, in_app: false }), 200);
    const [row] = ok(await supabase.from('my_notification_preferences').select().eq('type', 'group_message'));
    expect(row).toEqual({ type: 'group_message', push: false, in_app: false });
  });

  it('a preference never changes its type (400 PT400) and is nobody else\'s to write (403 42501)', async () => {
    const supabase = await supabaseAs(reader);
    refused(await supabase.from('notification_preferences').update({ type: 'system' }).eq('type', 'group_message'), 400, 'PT400');
    forbidden(await (await supabaseAs(other)).from('notification_preferences').insert({ user_id: reader.id, type: 'system', push: false }));
    empty(await (await supabaseAs(other)).from('notification_preferences').select('type'));
    anonRefused(await (await supabaseAs()).from('my_notification_preferences').select());
    anonRefused(await (await supabaseAs()).from('notification_preferences').upsert({ type: 'system', push: false, in_app: true }));
  });
});

describe('quiet hours: from(notification_settings).upsert', () => {
  it('upserts the owner\'s quiet hours and previews (201, then 200)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('notification_settings').upsert({ quiet_hours_start: '22:00', quiet_hours_end: '07:00', push_previews: false }), 201);
    ok(await supabase.from('notification_settings').upsert({ quiet_hours_start: '23:00', quiet_hours_end: '07:00', push_previews: true }), 200);
    const [row] = ok(await supabase.from('notification_settings').select('user_id, quiet_hours_start, quiet_hours_end, push_previews'));
    expect(row).toEqual({ user_id: reader.id, quiet_hours_start: '23:00:00', quiet_hours_end: '07:00:00', push_previews: true });
  });

  it('a window that starts where it ends is 400 23514; another person\'s settings are out of reach', async () => {
    refused(await (await supabaseAs(reader)).from('notification_settings').upsert({ quiet_hours_start: '22:00', quiet_hours_end: '22:00' }), 400, '23514');
    empty(await (await supabaseAs(other)).from('notification_settings').select('user_id'));
    forbidden(await (await supabaseAs(other)).from('notification_settings').upsert({ user_id: reader.id, push_previews: false }));
    anonRefused(await (await supabaseAs()).from('notification_settings').upsert({ push_previews: true }));
  });
});
