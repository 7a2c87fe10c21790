/**
 * Notifications through the data API (README "Notifications"): the inbox (my_notifications: page, unread count, mark
 * one read by updating readAt, delete; rpc mark_all_notifications_read; the notifications table behind it keeps its
 * guard), devices (rpc register_push_subscription with the browser's PushSubscription as toJSON() writes it,
 * push_subscriptions read and sign-out delete), preferences (my_notification_preferences read and updated per type,
 * the notification_preferences table upsert) and settings (my_notification_settings, rpc update_notification_settings;
 * the notification_settings table upsert). Each person's own only; the anon key gets 401. (Sending is an edge
 * function: tests/functions/notifications.test.ts.)
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
/** What PushSubscription.toJSON() answers in a browser (expirationTime: milliseconds since 1970, or null). */
const subscription = { endpoint, expirationTime: null, keys };

beforeAll(async () => {
  [reader, other] = await Promise.all([createUser('inbox-reader'), createUser('inbox-other')]);
  // What the database sends (a message, a reminder, POST /notifications/send) all goes through private.notify.
  const sql = adminSql();
  [{ id: first }] = await sql<{ id: string }[]>`select private.notify(${reader.id}, 'system', 'Welcome', 'Glad you are here', '{"page": "home"}') as id`;
  [{ id: second }] = await sql<{ id: string }[]>`select private.notify(${reader.id}, 'achievement', 'Achievement unlocked', 'First Step') as id`;
});

describe('the inbox: from(my_notifications)', () => {
  it('pages the owner\'s notifications newest first with the documented camelCase columns', async () => {
    const rows = ok(await (await supabaseAs(reader)).from('my_notifications').select()
      .order('updatedAt', { ascending: false }).order('id', { ascending: false }).limit(20));
    expect(rows.map((row) => row.id)).toEqual([second, first]);
    expect(Object.keys(rows[1]).sort()).toEqual(['body', 'createdAt', 'data', 'eventCount', 'id', 'readAt', 'title', 'type', 'updatedAt']);
    expect(rows[1]).toMatchObject({ type: 'system', title: 'Welcome', body: 'Glad you are here', data: { page: 'home' }, eventCount: 1, readAt: null });
    const next = ok(await (await supabaseAs(reader)).from('my_notifications').select('id').order('updatedAt', { ascending: false }).lt('updatedAt', rows[0].updatedAt!).limit(20));
    expect(next.map((row) => row.id)).toEqual([first]);
  });

  it('counts unread with head: true (200, count 2, no rows)', async () => {
    const answer = await (await supabaseAs(reader)).from('my_notifications').select('*', { count: 'exact', head: true }).is('readAt', null);
    expect({ status: answer.status, error: answer.error, count: answer.count, data: answer.data }).toEqual({ status: 200, error: null, count: 2, data: null });
  });

  it('marks one read by updating readAt (204); only readAt is writable (403 42501 for the words); nobody inserts', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('my_notifications').update({ readAt: new Date().toISOString() }).eq('id', first), 204);
    const { count } = await supabase.from('my_notifications').select('*', { count: 'exact', head: true }).is('readAt', null);
    expect(count).toBe(1);
    forbidden(await supabase.from('my_notifications').update({ title: 'Forged' } as never).eq('id', first));
    forbidden(await supabase.from('my_notifications').update({ eventCount: 99 } as never).eq('id', first));
    forbidden(await supabase.from('my_notifications').insert({ type: 'system', title: 'Forged', body: 'x' } as never));
  });

  it('another person reads, marks and deletes none of it; the anon key gets 401', async () => {
    const supabase = await supabaseAs(other);
    empty(await supabase.from('my_notifications').select('id').in('id', [first, second]));
    empty(await supabase.from('my_notifications').update({ readAt: new Date().toISOString() }).eq('id', second).select('id'));
    empty(await supabase.from('my_notifications').delete().eq('id', second).select('id'));
    const [untouched] = ok(await (await supabaseAs(reader)).from('my_notifications').select('id, readAt').eq('id', second));
    expect(untouched).toEqual({ id: second, readAt: null });
    anonRefused(await (await supabaseAs()).from('my_notifications').select('id'));
    anonRefused(await (await supabaseAs()).from('my_notifications').update({ readAt: new Date().toISOString() }).eq('id', second));
    anonRefused(await (await supabaseAs()).from('my_notifications').delete().eq('id', second));
  });

  it('the notifications table behind it keeps its guard: only its owner\'s rows, only read_at writable', async () => {
    const supabase = await supabaseAs(other);
    empty(await supabase.from('notifications').select('id').in('id', [first, second]));
    empty(await supabase.from('notifications').update({ read_at: new Date().toISOString() }).eq('id', second).select('id'));
    empty(await supabase.from('notifications').delete().eq('id', second).select('id'));
    forbidden(await (await supabaseAs(reader)).from('notifications').update({ title: 'Forged' }).eq('id', first));
    forbidden(await (await supabaseAs(reader)).from('notifications').insert({ user_id: reader.id, type: 'system', title: 'Forged', body: 'x' }));
    anonRefused(await (await supabaseAs()).from('notifications').select('id'));
  });

  it('rpc(mark_all_notifications_read) answers how many it marked; another person marks only theirs (0)', async () => {
    expect(ok(await (await supabaseAs(other)).rpc('mark_all_notifications_read'))).toBe(0);
    expect(ok(await (await supabaseAs(reader)).rpc('mark_all_notifications_read'))).toBe(1);
    expect(ok(await (await supabaseAs(reader)).rpc('mark_all_notifications_read'))).toBe(0);
    anonRefused(await (await supabaseAs()).rpc('mark_all_notifications_read'));
  });

  it('the owner deletes one (204)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('my_notifications').delete().eq('id', first), 204);
    expect(ok(await supabase.from('my_notifications').select('id')).map((row) => row.id)).toEqual([second]);
  });
});

describe('devices: rpc(register_push_subscription), from(push_subscriptions)', () => {
  let subscriptionId: string;

  it('registers this browser as it serialises its PushSubscription ({ ...toJSON(), userAgent }) and answers its id; the owner reads it back', async () => {
    const supabase = await supabaseAs(reader);
    subscriptionId = ok(await supabase.rpc('register_push_subscription', { ...subscription, userAgent: 'vitest browser' } as never));
    expect(subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    const [device] = ok(await supabase.from('push_subscriptions').select('id, endpoint, user_agent, last_status, expiration_time').eq('endpoint', endpoint));
    expect(device).toEqual({ id: subscriptionId, endpoint, user_agent: 'vitest browser', last_status: null, expiration_time: null });
  });

  it('an expirationTime in milliseconds is kept as that instant; the same endpoint again is the same device', async () => {
    const supabase = await supabaseAs(reader);
    const expirationTime = Date.parse('2030-01-01T00:00:00Z');
    expect(ok(await supabase.rpc('register_push_subscription', { endpoint, keys, expirationTime }))).toBe(subscriptionId);
    const [device] = ok(await supabase.from('push_subscriptions').select('expiration_time').eq('endpoint', endpoint));
    expect(new Date(device.expiration_time!).getTime()).toBe(expirationTime);
  });

  it('keys without p256dh or auth, a bad expirationTime or an endpoint that is not a known push service is 400 PT400; the anon key gets 401', async () => {
    const supabase = await supabaseAs(reader);
    refused(await supabase.rpc('register_push_subscription', { endpoint, keys: { p256dh: keys.p256dh } }), 400, 'PT400', /keys must hold p256dh and auth/);
    refused(await supabase.rpc('register_push_subscription', { endpoint, keys: { auth: keys.auth } }), 400, 'PT400', /keys must hold p256dh and auth/);
    refused(await supabase.rpc('register_push_subscription', { endpoint, keys: keys.p256dh }), 400, 'PT400', /keys must hold p256dh and auth/);
    refused(await supabase.rpc('register_push_subscription', { endpoint, keys, expirationTime: -1 }), 400, 'PT400', /expirationTime/);
    refused(await supabase.rpc('register_push_subscription', { endpoint: 'https://evil.example/push', keys }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('register_push_subscription', { endpoint, keys }));
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

describe('preferences: from(my_notification_preferences) read and updated, from(notification_preferences).upsert', () => {
  it('lists every type, on by default', async () => {
    const rows = ok(await (await supabaseAs(other)).from('my_notification_preferences').select());
    expect(rows.map((row) => row.type).sort()).toEqual(['achievement', 'chat_message', 'group_message', 'session_reminder', 'session_update', 'system']);
    expect(rows.every((row) => row.push && row.inApp)).toBe(true);
  });

  it('updates a type\'s choice as README shows it (.update({ push }).eq(type)), the first time and again, answering the row', async () => {
    const supabase = await supabaseAs(reader);
    expect(ok(await supabase.from('my_notification_preferences').update({ push: false }).eq('type', 'group_message').select())).toEqual([
      { type: 'group_message', push: false, inApp: true },
    ]);
    expect(ok(await supabase.from('my_notification_preferences').update({ inApp: false }).eq('type', 'group_message').select())).toEqual([
      { type: 'group_message', push: false, inApp: false },
    ]);
    const [row] = ok(await supabase.from('notification_preferences').select('user_id, type, push, in_app').eq('type', 'group_message'));
    expect(row).toEqual({ user_id: reader.id, type: 'group_message', push: false, in_app: false });
  });

  it('another person\'s update changes their own choice only; a type is not writable (403 42501); the anon key gets 401', async () => {
    const supabase = await supabaseAs(other);
    ok(await supabase.from('my_notification_preferences').update({ push: true, inApp: true }).eq('type', 'group_message'), 204);
    const [mine] = ok(await (await supabaseAs(reader)).from('my_notification_preferences').select().eq('type', 'group_message'));
    expect(mine).toEqual({ type: 'group_message', push: false, inApp: false });
    forbidden(await (await supabaseAs(reader)).from('my_notification_preferences').update({ type: 'system' } as never).eq('type', 'group_message'));
    anonRefused(await (await supabaseAs()).from('my_notification_preferences').select());
    anonRefused(await (await supabaseAs()).from('my_notification_preferences').update({ push: false }).eq('type', 'system'));
  });

  it('the table takes upserts too, the first time and again (201, then 200)', async () => {
    const supabase = await supabaseAs(reader);
    ok(await supabase.from('notification_preferences').upsert({ type: 'chat_message', push: false, in_app: true }), 201);
    ok(await supabase.from('notification_preferences').upsert({ type: 'chat_message', push: false, in_app: false }), 200);
    const [row] = ok(await supabase.from('my_notification_preferences').select().eq('type', 'chat_message'));
    expect(row).toEqual({ type: 'chat_message', push: false, inApp: false });
  });

  it('a preference never changes its type (400 PT400) and is nobody else\'s to write (403 42501)', async () => {
    const supabase = await supabaseAs(reader);
    refused(await supabase.from('notification_preferences').update({ type: 'system' }).eq('type', 'group_message'), 400, 'PT400');
    forbidden(await (await supabaseAs(other)).from('notification_preferences').insert({ user_id: reader.id, type: 'system', push: false }));
    expect(ok(await (await supabaseAs(other)).from('notification_preferences').select('user_id'))).toEqual([{ user_id: other.id }]);
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

describe('settings: from(my_notification_settings), rpc(update_notification_settings)', () => {
  it('someone who never saved settings reads the defaults, one row; the owner reads the table\'s row in camelCase', async () => {
    expect(ok(await (await supabaseAs(other)).from('my_notification_settings').select().single()))
      .toEqual({ pushPreviews: false, quietHoursStart: null, quietHoursEnd: null, updatedAt: null });
    expect(ok(await (await supabaseAs(reader)).from('my_notification_settings').select().single()))
      .toMatchObject({ pushPreviews: true, quietHoursStart: '23:00:00', quietHoursEnd: '07:00:00', updatedAt: expect.any(String) });
  });

  it('the rpc takes the settings object itself, changes only the keys sent and answers the settings', async () => {
    const supabase = await supabaseAs(other);
    expect(ok(await supabase.rpc('update_notification_settings', { quietHoursStart: '22:00', quietHoursEnd: '07:00', pushPreviews: false } as never)))
      .toMatchObject({ pushPreviews: false, quietHoursStart: '22:00:00', quietHoursEnd: '07:00:00', updatedAt: expect.any(String) });
    expect(ok(await supabase.rpc('update_notification_settings', { pushPreviews: true } as never)))
      .toMatchObject({ pushPreviews: true, quietHoursStart: '22:00:00', quietHoursEnd: '07:00:00' });
    expect(ok(await supabase.from('my_notification_settings').select().single()))
      .toMatchObject({ pushPreviews: true, quietHoursStart: '22:00:00', quietHoursEnd: '07:00:00' });
  });

  it('an unknown key, a bad time or a non-boolean is 400 PT400 and changes nothing', async () => {
    const supabase = await supabaseAs(other);
    refused(await supabase.rpc('update_notification_settings', { pushPreviews: false, quietHours: '23:00' } as never), 400, 'PT400', 'Unknown notification setting: quietHours');
    refused(await supabase.rpc('update_notification_settings', { quietHoursStart: '25:00', quietHoursEnd: '07:00' } as never), 400, 'PT400', 'quietHoursStart must be a time of day, HH:MM, or null');
    refused(await supabase.rpc('update_notification_settings', { quietHoursEnd: '7pm' } as never), 400, 'PT400', 'quietHoursEnd must be a time of day, HH:MM, or null');
    refused(await supabase.rpc('update_notification_settings', { pushPreviews: 'yes' } as never), 400, 'PT400', 'pushPreviews must be true or false');
    refused(await supabase.rpc('update_notification_settings', { quietHoursStart: '22:00', quietHoursEnd: '22:00' } as never), 400, 'PT400', 'quietHoursStart and quietHoursEnd must differ');
    refused(await supabase.rpc('update_notification_settings', { quietHoursStart: '21:00' } as never), 400, 'PT400', 'quietHoursStart and quietHoursEnd go together: both times, or both null');
    refused(await supabase.rpc('update_notification_settings', { quietHoursStart: null, quietHoursEnd: '07:00' } as never), 400, 'PT400', 'quietHoursStart and quietHoursEnd go together: both times, or both null');
    expect(ok(await supabase.from('my_notification_settings').select().single()))
      .toMatchObject({ pushPreviews: true, quietHoursStart: '22:00:00', quietHoursEnd: '07:00:00' });
  });

  it('the view is read-only (the rpc writes it): a PATCH is refused and changes nothing', async () => {
    const answer = await (await supabaseAs(other)).from('my_notification_settings').update({ pushPreviews: false } as never).eq('pushPreviews', true);
    // 403 42501, as for any relation the person may not write (before the read-only views refused, this was 55000, a 500).
    expect({ status: answer.status, code: answer.error?.code, data: answer.data }).toEqual({ status: 403, code: '42501', data: null });
    expect(ok(await (await supabaseAs(other)).from('my_notification_settings').select('pushPreviews').single())).toEqual({ pushPreviews: true });
  });

  it('each call writes the caller\'s own settings only; the anon key gets 401', async () => {
    expect(ok(await (await supabaseAs(reader)).from('my_notification_settings').select().single()))
      .toMatchObject({ pushPreviews: true, quietHoursStart: '23:00:00', quietHoursEnd: '07:00:00' });
    expect(ok(await (await supabaseAs(other)).from('notification_settings').select('user_id'))).toEqual([{ user_id: other.id }]);
    anonRefused(await (await supabaseAs()).from('my_notification_settings').select());
    anonRefused(await (await supabaseAs()).rpc('update_notification_settings', { pushPreviews: true } as never));
  });
});
