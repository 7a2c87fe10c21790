/**
 * Support groups through the data API (README "Support groups"): GET /groups (rpc list_groups, group_categories),
 * creating groups (support_groups insert, therapists and admins), POST /groups/:id/join and DELETE /groups/:id/leave
 * (rpc join_group, leave_group), members and join requests, moderation (rpc moderate_group_member), GET/POST
 * /groups/:id/messages (rpc list_group_messages, send_group_message, change_group_message, the group_messages table),
 * presence (rpc group_heartbeat) and live sessions (rpc schedule_group_session, rsvp_group_session, group_sessions).
 * Members may, moderators moderate; outsiders get the 404 or 403 the functions raise or empty reads, the anon key 401.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

type Sent = { message: { id: string; content: string; sender_member_id: string }; duplicate: boolean; safety: unknown };

let host: TestUser;
let member: TestUser;
let applicant: TestUser;
let outsider: TestUser;
let guest: TestUser;
let openGroup: string;
let closedGroup: string;
let memberHandle: string;
let applicantHandle: string;
let memberMessage: string;
let hostMessage: string;
let sessionId: string;
const tag = crypto.randomUUID().slice(0, 8);

beforeAll(async () => {
  [host, member, applicant, outsider, guest] = await Promise.all([
    createUser('groups-host', { metadata: { firstName: 'Hana', lastName: 'Host' } }),
    createUser('groups-member'),
    createUser('groups-applicant'),
    createUser('groups-outsider'),
    createUser('groups-guest', { anonymous: true }),
  ]);
  await adminSql()`update public.profiles set role = 'therapist' where id = ${host.id}`;
});

describe('creating groups: from(support_groups).insert', () => {
  it('a therapist creates groups and gets the id back with .select(id) (201); they own them', async () => {
    const supabase = await supabaseAs(host);
    ({ id: openGroup } = ok(await supabase.from('support_groups').insert({ name: `Panic peers ${tag}`, description: 'Living with panic attacks', category_id: 'anxiety', privacy: 'public', member_cap: 30 })
      .select('id').single(), 201));
    ({ id: closedGroup } = ok(await supabase.from('support_groups').insert({ name: `Grief circle ${tag}`, description: 'After a loss', category_id: 'grief', privacy: 'private' })
      .select('id').single(), 201));
    const members = ok(await supabase.rpc('list_group_members', { group_id: openGroup }));
    expect(members).toEqual([expect.objectContaining({ role: 'owner', is_me: true, name: expect.any(String) })]);
  });

  it('a client may not create one: the policy\'s check refuses (403 42501); an unknown category is 409 23503', async () => {
    forbidden(await (await supabaseAs(member)).from('support_groups').insert({ name: 'My own group', description: 'x', category_id: 'anxiety' }));
    refused(await (await supabaseAs(host)).from('support_groups').insert({ name: 'Odd group', description: 'x', category_id: 'no-such-category' }), 409, '23503');
    anonRefused(await (await supabaseAs()).from('support_groups').insert({ name: 'Anon group', description: 'x', category_id: 'anxiety' }));
  });

  it('reading the table takes a column list (select() alone asks for hidden columns: 403 42501, as README says)', async () => {
    const supabase = await supabaseAs(member);
    const [row] = ok(await supabase.from('support_groups').select('id, name, description, category_id, privacy, member_cap, member_count').eq('id', openGroup));
    expect(row).toMatchObject({ id: openGroup, privacy: 'public', member_cap: 30, member_count: 1 });
    forbidden(await supabase.from('support_groups').select().eq('id', openGroup));
  });

  it('the owner edits the group (204); a non-moderator\'s update reaches no row', async () => {
    ok(await (await supabaseAs(host)).from('support_groups').update({ description: 'Living with panic attacks, together' }).eq('id', openGroup), 204);
    empty(await (await supabaseAs(member)).from('support_groups').update({ name: 'Taken over' }).eq('id', openGroup).select('id'));
  });

  it('from(group_categories): the curated list for everyone signed in; the anon key gets 401', async () => {
    const categories = ok(await (await supabaseAs(member)).from('group_categories').select('id, name, description, sort_order').order('sort_order'));
    expect(categories.map((category) => category.id)).toEqual(expect.arrayContaining(['anxiety', 'depression', 'grief']));
    anonRefused(await (await supabaseAs()).from('group_categories').select('id'));
    forbidden(await (await supabaseAs(host)).from('group_categories').insert({ id: 'new', name: 'New', description: 'x', sort_order: 1 } as never));
  });
});

describe('GET /groups: rpc(list_groups)', () => {
  it('searches (typo-tolerant), filters by category and answers the listing shape', async () => {
    const rows = ok(await (await supabaseAs(member)).rpc('list_groups', { category: 'anxiety', search: `panik peers ${tag}`, page_size: 100 }));
    const row = rows.find((group) => group.id === openGroup);
    // joined is false, not null, for a group never joined (migration 20261202111200).
    expect(row).toMatchObject({ category_id: 'anxiety', privacy: 'public', member_count: 1, online_count: 0, next_session: null, joined: false, membership: null, rank: expect.any(Number) });
    expect(rows.every((group) => group.category_id === 'anxiety')).toBe(true);
    expect(Object.keys(row!).sort()).toEqual(['category_id', 'description', 'id', 'joined', 'member_count', 'membership', 'name', 'next_session', 'online_count', 'privacy', 'rank']);
  });

  it('an anonymous sign-in may not browse (403 PT403); a negative offset is 400 PT400; the anon key gets 401', async () => {
    refused(await (await supabaseAs(guest)).rpc('list_groups', {}), 403, 'PT403', 'Sign in with an account to browse groups');
    refused(await (await supabaseAs(member)).rpc('list_groups', { page_offset: -1 }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('list_groups', {}));
  });
});

describe('membership: rpc(join_group), rpc(list_group_members), rpc(list_group_join_requests), rpc(moderate_group_member)', () => {
  it('joining a public group is immediate and answers the member\'s handle', async () => {
    const joined = ok(await (await supabaseAs(member)).rpc('join_group', { group_id: openGroup, use_display_name: false })) as { status: string; memberId: string };
    expect(joined).toEqual({ status: 'active', memberId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    memberHandle = joined.memberId;
    const joinedList = ok(await (await supabaseAs(member)).rpc('list_groups', { is_joined: true }));
    expect(joinedList.map((group) => group.id)).toContain(openGroup);
  });

  it('a private group takes a request, which its owner sees and approves', async () => {
    const asked = ok(await (await supabaseAs(applicant)).rpc('join_group', { group_id: closedGroup })) as { status: string; memberId: string };
    expect(asked.status).toBe('pending');
    applicantHandle = asked.memberId;
    const requests = ok(await (await supabaseAs(host)).rpc('list_group_join_requests', { group_id: closedGroup }));
    expect(requests).toEqual([{ member_id: applicantHandle, name: expect.any(String), requested_at: expect.any(String) }]);
    expect(ok(await (await supabaseAs(host)).rpc('moderate_group_member', { group_id: closedGroup, member_id: applicantHandle, action: 'approve' })))
      .toEqual({ memberId: applicantHandle, action: 'approve' });
    expect(ok(await (await supabaseAs(applicant)).rpc('list_group_members', { group_id: closedGroup })).map((row) => row.is_me)).toContain(true);
  });

  it('members see the member list by handle, never an account id', async () => {
    const rows = ok(await (await supabaseAs(member)).rpc('list_group_members', { group_id: openGroup }));
    expect(rows.map((row) => [row.role, row.is_me])).toEqual([['owner', false], ['member', true]]);
    expect(Object.keys(rows[0]).sort()).toEqual(['is_me', 'member_id', 'name', 'online', 'role']);
    expect(JSON.stringify(rows)).not.toContain(host.id);
  });

  it('outsiders: the member list 404 PT404, join requests 403 PT403 (members too); anonymous sign-ins cannot join (403)', async () => {
    refused(await (await supabaseAs(outsider)).rpc('list_group_members', { group_id: openGroup }), 404, 'PT404');
    refused(await (await supabaseAs(outsider)).rpc('list_group_join_requests', { group_id: closedGroup }), 403, 'PT403');
    refused(await (await supabaseAs(applicant)).rpc('list_group_join_requests', { group_id: closedGroup }), 403, 'PT403');
    refused(await (await supabaseAs(guest)).rpc('join_group', { group_id: openGroup }), 403, 'PT403');
    refused(await (await supabaseAs(outsider)).rpc('join_group', { group_id: crypto.randomUUID() }), 404, 'PT404');
    for (const call of [
      (await supabaseAs()).rpc('join_group', { group_id: openGroup }),
      (await supabaseAs()).rpc('list_group_members', { group_id: openGroup }),
      (await supabaseAs()).rpc('list_group_join_requests', { group_id: closedGroup }),
      (await supabaseAs()).rpc('moderate_group_member', { group_id: openGroup, member_id: memberHandle, action: 'ban' }),
    ]) anonRefused(await call);
  });

  it('moderation is the moderators\': a plain member 403 PT403; an unknown handle 404 PT404; an unknown action 400 PT400', async () => {
    refused(await (await supabaseAs(applicant)).rpc('moderate_group_member', { group_id: closedGroup, member_id: applicantHandle, action: 'promote' }), 403, 'PT403');
    refused(await (await supabaseAs(member)).rpc('moderate_group_member', { group_id: openGroup, member_id: memberHandle, action: 'mute', muted_until: new Date(Date.now() + 3_600_000).toISOString() }), 403, 'PT403');
    const supabase = await supabaseAs(host);
    refused(await supabase.rpc('moderate_group_member', { group_id: openGroup, member_id: crypto.randomUUID(), action: 'mute' }), 404, 'PT404');
    refused(await supabase.rpc('moderate_group_member', { group_id: openGroup, member_id: memberHandle, action: 'shout' }), 400, 'PT400');
  });
});

describe('messages: rpc(send_group_message), rpc(list_group_messages), rpc(change_group_message), from(group_messages)', () => {
  it('a member posts and gets { message, duplicate, safety }; a retry with the same id is a duplicate', async () => {
    const supabase = await supabaseAs(member);
    const key = crypto.randomUUID();
    const sent = ok(await supabase.rpc('send_group_message', { group_id: openGroup, message_id: key, content: 'Breathing exercises help me' })) as Sent;
    expect(sent).toMatchObject({ duplicate: false, safety: null, message: { content: 'Breathing exercises help me', sender_member_id: memberHandle } });
    memberMessage = sent.message.id;
    const again = ok(await supabase.rpc('send_group_message', { group_id: openGroup, message_id: key, content: 'Breathing exercises help me' })) as Sent;
    expect(again).toMatchObject({ duplicate: true, message: { id: memberMessage } });
    hostMessage = (ok(await (await supabaseAs(host)).rpc('send_group_message', { group_id: openGroup, message_id: crypto.randomUUID(), content: 'Welcome, everyone' })) as Sent).message.id;
  });

  it('members read the page newest first, in the documented shape', async () => {
    const page = ok(await (await supabaseAs(member)).rpc('list_group_messages', { group_id: openGroup, page_size: 50 }));
    expect(page.map((message) => [message.content, message.is_mine])).toEqual([['Welcome, everyone', false], ['Breathing exercises help me', true]]);
    expect(Object.keys(page[0]).sort()).toEqual(['content', 'created_at', 'deleted', 'edited_at', 'id', 'is_mine', 'pinned', 'sender_member_id', 'sender_name']);
  });

  it('the table takes a column list (select() alone: 403 42501); members read, outsiders nothing', async () => {
    const rows = ok(await (await supabaseAs(member)).from('group_messages').select('id, group_id, sender_handle, sender_name, content, created_at').eq('group_id', openGroup));
    expect(rows).toHaveLength(2);
    forbidden(await (await supabaseAs(member)).from('group_messages').select().eq('group_id', openGroup));
    empty(await (await supabaseAs(outsider)).from('group_messages').select('id').eq('group_id', openGroup));
    anonRefused(await (await supabaseAs()).from('group_messages').select('id'));
  });

  it('outsiders neither read nor post (404 PT404); empty content is 400 PT400; the anon key gets 401', async () => {
    refused(await (await supabaseAs(outsider)).rpc('list_group_messages', { group_id: openGroup }), 404, 'PT404');
    refused(await (await supabaseAs(outsider)).rpc('send_group_message', { group_id: openGroup, message_id: crypto.randomUUID(), content: 'Let me in' }), 404, 'PT404');
    refused(await (await supabaseAs(member)).rpc('send_group_message', { group_id: openGroup, message_id: crypto.randomUUID(), content: '' }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('list_group_messages', { group_id: openGroup }));
    anonRefused(await (await supabaseAs()).rpc('send_group_message', { group_id: openGroup, message_id: crypto.randomUUID(), content: 'x' }));
  });

  it('the author edits (204); someone else\'s message: 403 PT403; an outsider: 404 PT404', async () => {
    ok(await (await supabaseAs(member)).rpc('change_group_message', { message_id: memberMessage, action: 'edit', content: 'Box breathing helps me' }), 204);
    refused(await (await supabaseAs(member)).rpc('change_group_message', { message_id: hostMessage, action: 'edit', content: 'Rewritten' }), 403, 'PT403');
    refused(await (await supabaseAs(outsider)).rpc('change_group_message', { message_id: memberMessage, action: 'delete' }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('change_group_message', { message_id: memberMessage, action: 'delete' }));
  });

  it('moderators pin (204); a plain member may not (403 PT403); the author deletes their own (204)', async () => {
    ok(await (await supabaseAs(host)).rpc('change_group_message', { message_id: memberMessage, action: 'pin' }), 204);
    refused(await (await supabaseAs(member)).rpc('change_group_message', { message_id: hostMessage, action: 'pin' }), 403, 'PT403');
    const [pinned] = ok(await (await supabaseAs(member)).rpc('list_group_messages', { group_id: openGroup })).filter((message) => message.id === memberMessage);
    expect(pinned).toMatchObject({ pinned: true, content: 'Box breathing helps me', edited_at: expect.any(String) });
    ok(await (await supabaseAs(member)).rpc('change_group_message', { message_id: memberMessage, action: 'delete' }), 204);
    const [deleted] = ok(await (await supabaseAs(host)).rpc('list_group_messages', { group_id: openGroup })).filter((message) => message.id === memberMessage);
    expect(deleted).toMatchObject({ deleted: true, content: null, pinned: false });
  });

  it('a muted member is told until when (403 PT403)', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(ok(await (await supabaseAs(host)).rpc('moderate_group_member', { group_id: openGroup, member_id: memberHandle, action: 'mute', muted_until: until })))
      .toEqual({ memberId: memberHandle, action: 'mute' });
    refused(await (await supabaseAs(member)).rpc('send_group_message', { group_id: openGroup, message_id: crypto.randomUUID(), content: 'Can I speak?' }), 403, 'PT403', /^You are muted in this group until /);
    ok(await (await supabaseAs(host)).rpc('moderate_group_member', { group_id: openGroup, member_id: memberHandle, action: 'unmute' }));
  });
});

describe('presence and sessions: rpc(group_heartbeat), rpc(schedule_group_session), rpc(rsvp_group_session), from(group_sessions)', () => {
  it('a member\'s heartbeat (204); an outsider\'s: 404 PT404; the anon key 401', async () => {
    ok(await (await supabaseAs(member)).rpc('group_heartbeat', { group_id: openGroup }), 204);
    refused(await (await supabaseAs(outsider)).rpc('group_heartbeat', { group_id: openGroup }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('group_heartbeat', { group_id: openGroup }));
  });

  it('a moderator schedules a session (its id); a member may not (403 PT403); a start in the past is 400 PT400', async () => {
    const startsAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    sessionId = ok(await (await supabaseAs(host)).rpc('schedule_group_session', { group_id: openGroup, title: 'Evening check-in', starts_at: startsAt, duration_minutes: 45 }));
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    refused(await (await supabaseAs(member)).rpc('schedule_group_session', { group_id: openGroup, title: 'Mine', starts_at: startsAt }), 403, 'PT403');
    refused(await (await supabaseAs(host)).rpc('schedule_group_session', { group_id: openGroup, title: 'Late', starts_at: '2020-01-01T00:00:00Z' }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('schedule_group_session', { group_id: openGroup, title: 'x', starts_at: startsAt }));
    const [listed] = ok(await (await supabaseAs(member)).rpc('list_groups', { is_joined: true, category: 'anxiety' })).filter((group) => group.id === openGroup);
    expect(new Date(listed.next_session).toISOString()).toBe(startsAt);
  });

  it('members RSVP and get the count; an outsider: 404 PT404', async () => {
    expect(ok(await (await supabaseAs(member)).rpc('rsvp_group_session', { session_id: sessionId, attending: true }))).toBe(1);
    expect(ok(await (await supabaseAs(member)).rpc('rsvp_group_session', { session_id: sessionId, attending: false }))).toBe(0);
    refused(await (await supabaseAs(outsider)).rpc('rsvp_group_session', { session_id: sessionId }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('rsvp_group_session', { session_id: sessionId }));
  });

  it('members read group_sessions with the host as their handle; outsiders nothing', async () => {
    const [session] = ok(await (await supabaseAs(member)).from('group_sessions').select('id, group_id, title, starts_at, duration_minutes, host_member_id, cancelled_at').eq('group_id', openGroup));
    expect(session).toMatchObject({ id: sessionId, title: 'Evening check-in', duration_minutes: 45, cancelled_at: null, host_member_id: expect.any(String) });
    expect(session.host_member_id).not.toBe(host.id);
    empty(await (await supabaseAs(outsider)).from('group_sessions').select('id').eq('group_id', openGroup));
    anonRefused(await (await supabaseAs()).from('group_sessions').select('id'));
    forbidden(await (await supabaseAs(host)).from('group_sessions').insert({ group_id: openGroup, title: 'Direct', starts_at: new Date().toISOString() } as never));
  });
});

describe('DELETE /groups/:id/leave: rpc(leave_group)', () => {
  it('a member leaves ({ status: left }), and again (idempotent); the owner must hand over first (409 PT409)', async () => {
    expect(ok(await (await supabaseAs(member)).rpc('leave_group', { group_id: openGroup }))).toEqual({ status: 'left' });
    expect(ok(await (await supabaseAs(member)).rpc('leave_group', { group_id: openGroup }))).toEqual({ status: 'left' });
    refused(await (await supabaseAs(member)).rpc('list_group_messages', { group_id: openGroup }), 404, 'PT404');
    refused(await (await supabaseAs(host)).rpc('leave_group', { group_id: openGroup }), 409, 'PT409');
    anonRefused(await (await supabaseAs()).rpc('leave_group', { group_id: openGroup }));
  });
});
