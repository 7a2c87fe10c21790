/**
 * Moderation through the data API (README "Roles", "Audit log", chat "Safety"): set_user_role, set_account_active,
 * moderation_profiles, audit_log, moderation_chat_reports, moderation_remove_chat_message. The admin may; a client
 * calling an admin RPC gets the 403 (PT403) the database raises, the anon key 401 (42501), the service role what
 * README grants it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused, supabaseAsServiceRole } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

let admin: TestUser;
let client: TestUser;
let target: TestUser;
let writer: TestUser;
let reportId: string;
let reportedMessageId: string;
let unreportedMessageId: string;
const surname = `Moderation${crypto.randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  [admin, client, target, writer] = await Promise.all([
    createUser('mod-admin', { metadata: { firstName: 'Ada', lastName: surname } }),
    createUser('mod-client', { metadata: { firstName: 'Cal', lastName: surname } }),
    createUser('mod-target', { metadata: { firstName: 'Tess', lastName: surname } }),
    createUser('mod-writer', { metadata: { firstName: 'Wes', lastName: surname } }),
  ]);
  await adminSql()`update public.profiles set role = 'admin' where id = ${admin.id}`;

  // A chat the way the app makes one: Wes writes to Cal's card twice, Cal reports the first message.
  const [{ public_id: calCard }] = await adminSql()<{ public_id: string }[]>`select public_id::text from public.profiles where id = ${client.id}`;
  const wes = await supabaseAs(writer);
  const first = ok(await wes.rpc('send_chat_message', { content: 'You will regret this', recipientId: calCard })) as { message: { id: string } };
  const second = ok(await wes.rpc('send_chat_message', { content: 'Just saying hi', recipientId: calCard })) as { message: { id: string } };
  reportedMessageId = first.message.id;
  unreportedMessageId = second.message.id;
  const cal = await supabaseAs(client);
  const [conversation] = ok(await cal.from('chat_conversation_list').select('id, partner'));
  reportId = ok(await cal.rpc('report_chat_participant', {
    participantId: (conversation.partner as { id: string }).id, reason: 'harassment', description: 'Threats', messageIds: [reportedMessageId],
  }));
});

describe('rpc(set_user_role)', () => {
  it('an admin changes another account\'s role (204); policies see it at once', async () => {
    ok(await (await supabaseAs(admin)).rpc('set_user_role', { userId: target.id, role: 'therapist' }), 204);
    const data = ok(await (await supabaseAs(target)).from('my_profile').select('role').single());
    expect(data.role).toBe('therapist');
  });

  it('the service role may too (server code)', async () => {
    ok(await supabaseAsServiceRole().rpc('set_user_role', { userId: target.id, role: 'client' }), 204);
  });

  it('a client calling it: 403 PT403, nothing changes', async () => {
    refused(await (await supabaseAs(client)).rpc('set_user_role', { userId: client.id, role: 'admin' }), 403, 'PT403', 'Only admins can do this');
    const [row] = await adminSql()`select role::text from public.profiles where id = ${client.id}`;
    expect(row.role).toBe('client');
  });

  it('an admin on themselves: 403 PT403; an unknown account: 404 PT404; a role that does not exist: 400 22P02', async () => {
    const supabase = await supabaseAs(admin);
    refused(await supabase.rpc('set_user_role', { userId: admin.id, role: 'client' }), 403, 'PT403');
    refused(await supabase.rpc('set_user_role', { userId: crypto.randomUUID(), role: 'client' }), 404, 'PT404', 'No such account');
    refused(await supabase.rpc('set_user_role', { userId: target.id, role: 'superuser' as never }), 400, '22P02');
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).rpc('set_user_role', { userId: target.id, role: 'admin' }));
  });
});

describe('rpc(set_account_active)', () => {
  it('an admin deactivates and reactivates another account (204 each); the ban follows', async () => {
    const supabase = await supabaseAs(admin);
    ok(await supabase.rpc('set_account_active', { userId: target.id, active: false }), 204);
    const [banned] = await adminSql()`select p.is_active, u.banned_until is not null as banned from public.profiles as p join auth.users as u on u.id = p.id where p.id = ${target.id}`;
    expect(banned).toEqual({ is_active: false, banned: true });
    ok(await supabase.rpc('set_account_active', { userId: target.id, active: true }), 204);
  });

  it('a client: 403 PT403; the anon key: 401 42501', async () => {
    refused(await (await supabaseAs(client)).rpc('set_account_active', { userId: target.id, active: false }), 403, 'PT403');
    anonRefused(await (await supabaseAs()).rpc('set_account_active', { userId: target.id, active: false }));
  });
});

describe('rpc(moderation_profiles)', () => {
  it('an admin lists accounts with what moderation needs (no health data, no privacy-hidden fields)', async () => {
    const rows = ok(await (await supabaseAs(admin)).rpc('moderation_profiles', { search: surname, limit: 50 }));
    expect(rows.map((row) => row.id).sort()).toEqual([admin.id, client.id, target.id, writer.id].sort());
    const mine = rows;
    expect(Object.keys(mine[0]).sort()).toEqual(['createdAt', 'email', 'firstName', 'id', 'isActive', 'isAnonymous', 'lastName', 'lastSignInAt', 'role']);
    expect(mine.find((row) => row.id === admin.id)).toMatchObject({ role: 'admin', firstName: 'Ada', isActive: true });
  });

  it('a limit out of range is 400 PT400', async () => {
    refused(await (await supabaseAs(admin)).rpc('moderation_profiles', { limit: 500 }), 400, 'PT400', 'limit must be between 1 and 200');
  });

  it('pages after the last row\'s id, filtered by withRole', async () => {
    const supabase = await supabaseAs(admin);
    const all = ok(await supabase.rpc('moderation_profiles', { search: surname, limit: 50 }));
    const [firstRow, ...rest] = all;
    expect(ok(await supabase.rpc('moderation_profiles', { search: surname, after: firstRow.id })).map((row) => row.id)).toEqual(rest.map((row) => row.id));
    expect(ok(await supabase.rpc('moderation_profiles', { search: surname, withRole: 'admin' })).map((row) => row.id)).toEqual([admin.id]);
  });

  it('a client: 403 PT403; the anon key: 401 42501', async () => {
    refused(await (await supabaseAs(client)).rpc('moderation_profiles', { search: surname }), 403, 'PT403');
    anonRefused(await (await supabaseAs()).rpc('moderation_profiles', {}));
  });
});

describe('from(audit_log)', () => {
  it('an admin reads the events about these accounts: the role change, deactivation, moderation reads, with actor_ref', async () => {
    const rows = ok(await (await supabaseAs(admin)).from('audit_log').select('id, action, actor_id, actor_role, actor_ref, subject_id, details, occurred_at')
      .eq('subject_id', target.id).order('id'));
    expect(rows.map((row) => row.action)).toEqual(expect.arrayContaining(['role_changed', 'account_deactivated', 'account_reactivated']));
    const byAdmin = rows.find((row) => row.actor_id === admin.id)!;
    expect(byAdmin).toMatchObject({ actor_role: 'admin', actor_ref: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const reads = ok(await (await supabaseAs(admin)).from('audit_log').select('action, details').eq('actor_id', admin.id).eq('action', 'moderation_read'));
    expect(reads.length).toBeGreaterThan(0);
  });

  it('a client reads nothing (200, empty), the anon key gets 401', async () => {
    empty(await (await supabaseAs(client)).from('audit_log').select('id').eq('subject_id', target.id));
    anonRefused(await (await supabaseAs()).from('audit_log').select('id'));
  });

  it('nobody writes it through the API, admins included: 403 42501', async () => {
    const supabase = await supabaseAs(admin);
    forbidden(await supabase.from('audit_log').insert({ action: 'forged', actor_db_role: 'authenticated' }));
    forbidden(await supabase.from('audit_log').delete().eq('subject_id', target.id));
    forbidden(await supabase.from('audit_log').update({ action: 'forged' }).eq('subject_id', target.id));
  });
});

describe('rpc(moderation_chat_reports) and rpc(moderation_remove_chat_message)', () => {
  it('an admin reads the open report with the reported message as it was, never the reporter', async () => {
    const rows = ok(await (await supabaseAs(admin)).rpc('moderation_chat_reports', { limit: 200 }));
    const report = rows.find((row) => row.reportId === reportId);
    expect(report).toMatchObject({ reason: 'harassment', description: 'Threats', resolvedAt: null, reportedAlias: expect.any(String) });
    expect(report!.reportedMessages).toEqual([expect.objectContaining({ id: reportedMessageId, content: 'You will regret this' })]);
    expect(JSON.stringify(report)).not.toContain(client.id);
    expect(JSON.stringify(report)).not.toContain(writer.id);
  });

  it('a client: 403 PT403 for both; the anon key: 401 42501', async () => {
    const supabase = await supabaseAs(client);
    refused(await supabase.rpc('moderation_chat_reports', {}), 403, 'PT403');
    refused(await supabase.rpc('moderation_remove_chat_message', { messageId: reportedMessageId }), 403, 'PT403');
    anonRefused(await (await supabaseAs()).rpc('moderation_chat_reports', {}));
    anonRefused(await (await supabaseAs()).rpc('moderation_remove_chat_message', { messageId: reportedMessageId }));
  });

  it('an admin cannot remove a message no open report names: 404 PT404', async () => {
    refused(await (await supabaseAs(admin)).rpc('moderation_remove_chat_message', { messageId: unreportedMessageId }), 404, 'PT404');
  });

  it('an admin removes the reported message (204): both participants see a tombstone, the report is resolved', async () => {
    ok(await (await supabaseAs(admin)).rpc('moderation_remove_chat_message', { messageId: reportedMessageId }), 204);
    const cal = await supabaseAs(client);
    const [conversation] = ok(await cal.from('chat_conversation_list').select('id'));
    const messages = ok(await cal.rpc('list_chat_messages', { conversationId: conversation.id! }));
    expect(messages.find((message) => message.id === reportedMessageId)).toMatchObject({ deleted: true, content: null });
    const open = ok(await (await supabaseAs(admin)).rpc('moderation_chat_reports', { limit: 200 }));
    expect(open.find((row) => row.reportId === reportId)).toBeUndefined();
    const resolved = ok(await (await supabaseAs(admin)).rpc('moderation_chat_reports', { includeResolved: true, limit: 200 }));
    expect(resolved.find((row) => row.reportId === reportId)).toMatchObject({ resolvedAt: expect.any(String) });
  });
});
