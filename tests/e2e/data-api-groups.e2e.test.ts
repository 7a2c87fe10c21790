/**
 * Support groups through the data API (README "Support groups"): GET /groups (rpc list_groups, group_categories),
 * creating groups (support_groups insert, therapists and admins), POST /groups/:id/join and DELETE /groups/:id/leave
 * (rpc join_group, leave_group), members and join requests, moderation (rpc moderate_group_member), GET/POST
 * /groups/:id/messages (rpc list_group_messages, send_group_message, change_group_message, the group_messages table),
 * Realtime on group:<id>, presence (rpc group_heartbeat) and live sessions (rpc schedule_group_session,
 * rsvp_group_session, group_sessions). Every parameter and answer key is the seed's camelCase (issue 16).
 * Members may, moderators moderate; outsiders get the 404 or 403 the functions raise or empty reads, the anon key 401.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

/** A group message in the seed's shape (group_message_item), as the page and a send answer it. */
type GroupMessage = {
  id: string; groupId: string; content: string | null; sender: { id: string; name: string }; timestamp: string;
  isAnonymous: boolean; isMine: boolean; editedAt: string | null; deleted: boolean; pinned: boolean;
};
type Sent = { message: GroupMessage; duplicate: boolean; safety: unknown };

const groupMessageKeys = ['content', 'deleted', 'editedAt', 'groupId', 'id', 'isAnonymous', 'isMine', 'pinned', 'sender', 'timestamp'];

let host: TestUser;
let member: TestUser;
let applicant: TestUser;
let outsider: TestUser;
let guest: TestUser;
let named: TestUser;
let openGroup: string;
let closedGroup: string;
let memberHandle: string;
let applicantHandle: string;
let memberMessage: string;
let hostMessage: string;
let sessionId: string;
const tag = crypto.randomUUID().slice(0, 8);

/** The Realtime broadcasts on group:<id>, oldest first, as Realtime reads them from realtime.messages. */
async function groupBroadcasts(groupId: string) {
  return await adminSql()<{ event: string; payload: Record<string, unknown> }[]>`
    select event, payload from realtime.messages where topic = ${`group:${groupId}`} order by inserted_at, id`;
}

beforeAll(async () => {
  [host, member, applicant, outsider, guest, named] = await Promise.all([
    createUser('groups-host', { metadata: { firstName: 'Hana', lastName: 'Host' } }),
    createUser('groups-member'),
    createUser('groups-applicant'),
    createUser('groups-outsider'),
    createUser('groups-guest', { anonymous: true }),
    createUser('groups-named', { metadata: { firstName: 'Nora', lastName: 'Named' } }),
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
    const members = ok(await supabase.rpc('list_group_members', { groupId: openGroup }));
    expect(members).toEqual([expect.objectContaining({ role: 'owner', isMe: true, name: expect.any(String) })]);
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
  it('searches (typo-tolerant), filters by category and answers the seed\'s group shape', async () => {
    const rows = ok(await (await supabaseAs(member)).rpc('list_groups', { category: 'Anxiety', search: `panik peers ${tag}`, limit: 100 }));
    const row = rows.find((group) => group.id === openGroup);
    // joined is false, not null, for a group never joined (migration 20261202111200); category is the name shown.
    expect(row).toMatchObject({ category: 'Anxiety', categoryId: 'anxiety', privacy: 'public', memberCount: 1, onlineCount: 0, nextSession: null, joined: false, membership: null });
    expect(rows.every((group) => group.categoryId === 'anxiety' && group.category === 'Anxiety')).toBe(true);
    expect(Object.keys(row!).sort()).toEqual(['category', 'categoryId', 'description', 'id', 'joined', 'memberCount', 'membership', 'name', 'nextSession', 'onlineCount', 'privacy']);
  });

  it('the category is the name the listing shows, in any case, or its id', async () => {
    const supabase = await supabaseAs(member);
    for (const category of ['Grief & Loss', 'grief & loss', 'GRIEF & LOSS', 'grief', 'Grief']) {
      const rows = ok(await supabase.rpc('list_groups', { category, search: `grief circle ${tag}`, limit: 100 }));
      expect(rows.map((group) => group.id), category).toContain(closedGroup);
      expect(rows.every((group) => group.categoryId === 'grief' && group.category === 'Grief & Loss'), category).toBe(true);
    }
    const anxious = ok(await supabase.rpc('list_groups', { category: 'anxiety', limit: 100 }));
    expect(anxious.map((group) => group.id)).toContain(openGroup);
    expect(anxious.map((group) => group.id)).not.toContain(closedGroup);
  });

  it('an unknown category is 400 PT400 naming it, the hint listing the categories (not an empty page)', async () => {
    const answer = await (await supabaseAs(member)).rpc('list_groups', { category: 'Astrology' });
    refused(answer, 400, 'PT400', 'Unknown category: Astrology');
    expect(answer.error?.hint).toMatch(/^Categories: /);
    expect(answer.error?.hint).toContain('Anxiety');
    expect(answer.error?.hint).toContain('Grief & Loss');
    expect(answer.error?.hint).toContain('General Wellbeing');
  });

  it('an anonymous sign-in may not browse (403 PT403); a negative offset is 400 PT400; the anon key gets 401', async () => {
    refused(await (await supabaseAs(guest)).rpc('list_groups', {}), 403, 'PT403', 'Sign in with an account to browse groups');
    refused(await (await supabaseAs(member)).rpc('list_groups', { offset: -1 }), 400, 'PT400');
    refused(await (await supabaseAs(member)).rpc('list_groups', { limit: 0 }), 400, 'PT400', 'limit must be between 1 and 100');
    anonRefused(await (await supabaseAs()).rpc('list_groups', {}));
  });
});

describe('membership: rpc(join_group), rpc(list_group_members), rpc(list_group_join_requests), rpc(moderate_group_member)', () => {
  it('joining a public group is immediate and answers the member\'s handle', async () => {
    const joined = ok(await (await supabaseAs(member)).rpc('join_group', { groupId: openGroup, useDisplayName: false })) as { status: string; memberId: string };
    expect(joined).toEqual({ status: 'active', memberId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    memberHandle = joined.memberId;
    const joinedList = ok(await (await supabaseAs(member)).rpc('list_groups', { joined: true }));
    expect(joinedList.map((group) => group.id)).toContain(openGroup);
  });

  it('a private group takes a request, which its owner sees and approves', async () => {
    const asked = ok(await (await supabaseAs(applicant)).rpc('join_group', { groupId: closedGroup })) as { status: string; memberId: string };
    expect(asked.status).toBe('pending');
    applicantHandle = asked.memberId;
    const requests = ok(await (await supabaseAs(host)).rpc('list_group_join_requests', { groupId: closedGroup }));
    expect(requests).toEqual([{ memberId: applicantHandle, name: expect.any(String), requestedAt: expect.any(String) }]);
    expect(ok(await (await supabaseAs(host)).rpc('moderate_group_member', { groupId: closedGroup, memberId: applicantHandle, action: 'approve' })))
      .toEqual({ memberId: applicantHandle, action: 'approve' });
    expect(ok(await (await supabaseAs(applicant)).rpc('list_group_members', { groupId: closedGroup })).map((row) => row.isMe)).toContain(true);
  });

  it('members see the member list by handle, never an account id', async () => {
    const rows = ok(await (await supabaseAs(member)).rpc('list_group_members', { groupId: openGroup }));
    expect(rows.map((row) => [row.role, row.isMe])).toEqual([['owner', false], ['member', true]]);
    expect(Object.keys(rows[0]).sort()).toEqual(['isMe', 'memberId', 'name', 'online', 'role']);
    expect(JSON.stringify(rows)).not.toContain(host.id);
  });

  it('outsiders: the member list 404 PT404, join requests 403 PT403 (members too); anonymous sign-ins cannot join (403)', async () => {
    refused(await (await supabaseAs(outsider)).rpc('list_group_members', { groupId: openGroup }), 404, 'PT404');
    refused(await (await supabaseAs(outsider)).rpc('list_group_join_requests', { groupId: closedGroup }), 403, 'PT403');
    refused(await (await supabaseAs(applicant)).rpc('list_group_join_requests', { groupId: closedGroup }), 403, 'PT403');
    refused(await (await supabaseAs(guest)).rpc('join_group', { groupId: openGroup }), 403, 'PT403');
    refused(await (await supabaseAs(outsider)).rpc('join_group', { groupId: crypto.randomUUID() }), 404, 'PT404');
    for (const call of [
      (await supabaseAs()).rpc('join_group', { groupId: openGroup }),
      (await supabaseAs()).rpc('list_group_members', { groupId: openGroup }),
      (await supabaseAs()).rpc('list_group_join_requests', { groupId: closedGroup }),
      (await supabaseAs()).rpc('moderate_group_member', { groupId: openGroup, memberId: memberHandle, action: 'ban' }),
    ]) anonRefused(await call);
  });

  it('moderation is the moderators\': a plain member 403 PT403; an unknown handle 404 PT404; an unknown action 400 PT400', async () => {
    refused(await (await supabaseAs(applicant)).rpc('moderate_group_member', { groupId: closedGroup, memberId: applicantHandle, action: 'promote' }), 403, 'PT403');
    refused(await (await supabaseAs(member)).rpc('moderate_group_member', { groupId: openGroup, memberId: memberHandle, action: 'mute', mutedUntil: new Date(Date.now() + 3_600_000).toISOString() }), 403, 'PT403');
    const supabase = await supabaseAs(host);
    refused(await supabase.rpc('moderate_group_member', { groupId: openGroup, memberId: crypto.randomUUID(), action: 'mute' }), 404, 'PT404');
    refused(await supabase.rpc('moderate_group_member', { groupId: openGroup, memberId: memberHandle, action: 'shout' }), 400, 'PT400');
    refused(await supabase.rpc('moderate_group_member', { groupId: openGroup, memberId: memberHandle, action: 'mute', mutedUntil: '2020-01-01T00:00:00Z' }), 400, 'PT400',
      'mutedUntil must be in the future');
  });
});

describe('messages: rpc(send_group_message), rpc(list_group_messages), rpc(change_group_message), from(group_messages)', () => {
  it('a member posts and gets { message, duplicate, safety } in the seed\'s shape; a retry with the same messageId is a duplicate', async () => {
    const supabase = await supabaseAs(member);
    const key = crypto.randomUUID();
    const sent = ok(await supabase.rpc('send_group_message', { groupId: openGroup, messageId: key, content: 'Breathing exercises help me' })) as Sent;
    expect(sent).toMatchObject({
      duplicate: false, safety: null,
      message: { groupId: openGroup, content: 'Breathing exercises help me', sender: { id: memberHandle, name: expect.stringMatching(/^Member #\d{4}$/) },
        timestamp: expect.any(String), isAnonymous: true, isMine: true, editedAt: null, deleted: false, pinned: false },
    });
    expect(Object.keys(sent.message).sort()).toEqual(groupMessageKeys);
    memberMessage = sent.message.id;
    const again = ok(await supabase.rpc('send_group_message', { groupId: openGroup, messageId: key, content: 'Breathing exercises help me' })) as Sent;
    expect(again).toMatchObject({ duplicate: true, message: { id: memberMessage } });
    hostMessage = (ok(await (await supabaseAs(host)).rpc('send_group_message', { groupId: openGroup, messageId: crypto.randomUUID(), content: 'Welcome, everyone' })) as Sent).message.id;
  });

  it('members read the page newest first, in the seed\'s shape', async () => {
    const page = ok(await (await supabaseAs(member)).rpc('list_group_messages', { groupId: openGroup, limit: 50 }));
    expect(page.map((message) => [message.content, message.isMine])).toEqual([['Welcome, everyone', false], ['Breathing exercises help me', true]]);
    expect(Object.keys(page[0]).sort()).toEqual(groupMessageKeys);
    expect(page[1]).toMatchObject({ id: memberMessage, groupId: openGroup, sender: { id: memberHandle }, isAnonymous: true });
  });

  it('before (the last message\'s id) pages on; an unknown before, or one of another group, is 400 PT400', async () => {
    const supabase = await supabaseAs(member);
    const [first] = ok(await supabase.rpc('list_group_messages', { groupId: openGroup, limit: 1 }));
    expect(first.id).toBe(hostMessage);
    expect(ok(await supabase.rpc('list_group_messages', { groupId: openGroup, limit: 1, before: first.id! })).map((message) => message.id)).toEqual([memberMessage]);
    empty(await supabase.rpc('list_group_messages', { groupId: openGroup, before: memberMessage }));
    refused(await supabase.rpc('list_group_messages', { groupId: openGroup, before: crypto.randomUUID() }), 400, 'PT400', 'before is not a message of this group');
    const elsewhere = (ok(await (await supabaseAs(applicant)).rpc('send_group_message', { groupId: closedGroup, content: 'In the other group' })) as Sent).message.id;
    refused(await supabase.rpc('list_group_messages', { groupId: openGroup, before: elsewhere }), 400, 'PT400');
    refused(await supabase.rpc('list_group_messages', { groupId: openGroup, limit: 101 }), 400, 'PT400', 'limit must be between 1 and 100');
  });

  it('messageId is optional: without one, every send is a new message', async () => {
    const supabase = await supabaseAs(applicant);
    const first = ok(await supabase.rpc('send_group_message', { groupId: closedGroup, content: 'Said twice' })) as Sent;
    const second = ok(await supabase.rpc('send_group_message', { groupId: closedGroup, content: 'Said twice' })) as Sent;
    expect(first).toMatchObject({ duplicate: false, message: { content: 'Said twice', isMine: true } });
    expect(second).toMatchObject({ duplicate: false, message: { content: 'Said twice', isMine: true } });
    expect(second.message.id).not.toBe(first.message.id);
    const page = ok(await (await supabaseAs(host)).rpc('list_group_messages', { groupId: closedGroup }));
    expect(page.filter((message) => message.content === 'Said twice').map((message) => message.id).sort()).toEqual([first.message.id, second.message.id].sort());
  });

  it('the table takes a column list (select() alone: 403 42501); members read, outsiders nothing', async () => {
    const rows = ok(await (await supabaseAs(member)).from('group_messages').select('id, group_id, sender_handle, sender_name, sender_is_anonymous, content, created_at').eq('group_id', openGroup));
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.id === memberMessage)).toMatchObject({ sender_handle: memberHandle, sender_is_anonymous: true });
    forbidden(await (await supabaseAs(member)).from('group_messages').select().eq('group_id', openGroup));
    empty(await (await supabaseAs(outsider)).from('group_messages').select('id').eq('group_id', openGroup));
    anonRefused(await (await supabaseAs()).from('group_messages').select('id'));
  });

  it('outsiders neither read nor post (404 PT404); empty content is 400 PT400; the anon key gets 401', async () => {
    refused(await (await supabaseAs(outsider)).rpc('list_group_messages', { groupId: openGroup }), 404, 'PT404');
    refused(await (await supabaseAs(outsider)).rpc('send_group_message', { groupId: openGroup, messageId: crypto.randomUUID(), content: 'Let me in' }), 404, 'PT404');
    refused(await (await supabaseAs(outsider)).rpc('send_group_message', { groupId: openGroup, content: 'Let me in' }), 404, 'PT404');
    refused(await (await supabaseAs(member)).rpc('send_group_message', { groupId: openGroup, messageId: crypto.randomUUID(), content: '' }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('list_group_messages', { groupId: openGroup }));
    anonRefused(await (await supabaseAs()).rpc('send_group_message', { groupId: openGroup, messageId: crypto.randomUUID(), content: 'x' }));
  });

  it('the author edits (204); someone else\'s message: 403 PT403; an outsider: 404 PT404', async () => {
    ok(await (await supabaseAs(member)).rpc('change_group_message', { messageId: memberMessage, action: 'edit', content: 'Box breathing helps me' }), 204);
    refused(await (await supabaseAs(member)).rpc('change_group_message', { messageId: hostMessage, action: 'edit', content: 'Rewritten' }), 403, 'PT403');
    refused(await (await supabaseAs(outsider)).rpc('change_group_message', { messageId: memberMessage, action: 'delete' }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('change_group_message', { messageId: memberMessage, action: 'delete' }));
  });

  it('moderators pin (204); a plain member may not (403 PT403); the author deletes their own (204)', async () => {
    ok(await (await supabaseAs(host)).rpc('change_group_message', { messageId: memberMessage, action: 'pin' }), 204);
    refused(await (await supabaseAs(member)).rpc('change_group_message', { messageId: hostMessage, action: 'pin' }), 403, 'PT403');
    const [pinned] = ok(await (await supabaseAs(member)).rpc('list_group_messages', { groupId: openGroup })).filter((message) => message.id === memberMessage);
    expect(pinned).toMatchObject({ pinned: true, content: 'Box breathing helps me', editedAt: expect.any(String) });
    ok(await (await supabaseAs(member)).rpc('change_group_message', { messageId: memberMessage, action: 'delete' }), 204);
    const [deleted] = ok(await (await supabaseAs(host)).rpc('list_group_messages', { groupId: openGroup })).filter((message) => message.id === memberMessage);
    expect(deleted).toMatchObject({ deleted: true, content: null, pinned: false, isMine: false });
  });

  it('Realtime on group:<id>: groupMessage, messageUpdated, messagePinned, messageDeleted, each the seed\'s message without isMine', async () => {
    const broadcasts = (await groupBroadcasts(openGroup)).filter(({ payload }) => payload.id === memberMessage);
    expect(broadcasts.map(({ event }) => event)).toEqual(['groupMessage', 'messageUpdated', 'messagePinned', 'messageDeleted']);
    for (const { payload } of broadcasts) {
      expect(Object.keys(payload).sort()).toEqual(groupMessageKeys.filter((key) => key !== 'isMine'));
      expect(payload).toMatchObject({ groupId: openGroup, sender: { id: memberHandle, name: expect.stringMatching(/^Member #\d{4}$/) }, isAnonymous: true });
    }
    expect(broadcasts[0].payload).toMatchObject({ content: 'Breathing exercises help me', editedAt: null, deleted: false, pinned: false });
    expect(broadcasts[3].payload).toMatchObject({ content: null, deleted: true, pinned: false });
    // The new message as everyone hears it is the page's item for a reader, less isMine.
    const [welcome] = (await groupBroadcasts(openGroup)).filter(({ event, payload }) => event === 'groupMessage' && payload.id === hostMessage);
    const [onPage] = ok(await (await supabaseAs(member)).rpc('list_group_messages', { groupId: openGroup })).filter((message) => message.id === hostMessage);
    const { isMine, ...shared } = onPage;
    expect(isMine).toBe(false);
    expect(welcome.payload).toEqual(shared);
  });

  it('a muted member is told until when (403 PT403)', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(ok(await (await supabaseAs(host)).rpc('moderate_group_member', { groupId: openGroup, memberId: memberHandle, action: 'mute', mutedUntil: until })))
      .toEqual({ memberId: memberHandle, action: 'mute' });
    refused(await (await supabaseAs(member)).rpc('send_group_message', { groupId: openGroup, messageId: crypto.randomUUID(), content: 'Can I speak?' }), 403, 'PT403', /^You are muted in this group until /);
    refused(await (await supabaseAs(member)).rpc('send_group_message', { groupId: openGroup, content: 'Can I speak?' }), 403, 'PT403', /^You are muted in this group until /);
    ok(await (await supabaseAs(host)).rpc('moderate_group_member', { groupId: openGroup, memberId: memberHandle, action: 'unmute' }));
  });
});

describe('isAnonymous of a group message: as it was written', () => {
  let namedMessage: string;
  let namedName: string;

  it('written under the display name (useDisplayName, no anonymous mode): isAnonymous false and the name; under the pseudonym: true', async () => {
    const supabase = await supabaseAs(named);
    expect(ok(await supabase.rpc('join_group', { groupId: openGroup, useDisplayName: true }))).toMatchObject({ status: 'active' });
    [{ name: namedName }] = ok(await supabase.rpc('list_group_members', { groupId: openGroup })).filter((row) => row.isMe);
    expect(namedName).toMatch(/^Nora/);
    const sent = ok(await supabase.rpc('send_group_message', { groupId: openGroup, content: 'Nora here, by name' })) as Sent;
    expect(sent.message).toMatchObject({ isAnonymous: false, isMine: true, sender: { name: namedName } });
    namedMessage = sent.message.id;
    const page = ok(await (await supabaseAs(host)).rpc('list_group_messages', { groupId: openGroup }));
    expect(page.find((message) => message.id === namedMessage)).toMatchObject({ isAnonymous: false, isMine: false, sender: { name: namedName } });
    expect(page.find((message) => message.id === hostMessage)).toMatchObject({ isAnonymous: true, sender: { name: expect.stringMatching(/^Member #\d{4}$/) } });
    const [heard] = (await groupBroadcasts(openGroup)).filter(({ event, payload }) => event === 'groupMessage' && payload.id === namedMessage);
    expect(heard.payload).toMatchObject({ isAnonymous: false, sender: { name: namedName } });
    expect(heard.payload).not.toHaveProperty('isMine');
  });

  it('stays false, with the name, after the person turns anonymous mode on', async () => {
    ok(await (await supabaseAs(named)).rpc('update_privacy_settings', { anonymousMode: true } as never));
    const page = ok(await (await supabaseAs(host)).rpc('list_group_messages', { groupId: openGroup }));
    expect(page.find((message) => message.id === namedMessage)).toMatchObject({ isAnonymous: false, sender: { name: namedName } });
    const [row] = ok(await (await supabaseAs(member)).from('group_messages').select('sender_name, sender_is_anonymous').eq('id', namedMessage));
    expect(row).toEqual({ sender_name: namedName, sender_is_anonymous: false });
    // Now the member list shows them by a pseudonym (once listed), never by the name on the old message.
    const members = ok(await (await supabaseAs(host)).rpc('list_group_members', { groupId: openGroup }));
    expect(members.map((entry) => entry.name)).not.toContain(namedName);
  });
});

describe('presence and sessions: rpc(group_heartbeat), rpc(schedule_group_session), rpc(rsvp_group_session), from(group_sessions)', () => {
  it('a member\'s heartbeat (204); an outsider\'s: 404 PT404; the anon key 401', async () => {
    ok(await (await supabaseAs(member)).rpc('group_heartbeat', { groupId: openGroup }), 204);
    refused(await (await supabaseAs(outsider)).rpc('group_heartbeat', { groupId: openGroup }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('group_heartbeat', { groupId: openGroup }));
  });

  it('a moderator schedules a session (its id); a member may not (403 PT403); a start in the past is 400 PT400', async () => {
    const startsAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
    sessionId = ok(await (await supabaseAs(host)).rpc('schedule_group_session', { groupId: openGroup, title: 'Evening check-in', startsAt, durationMinutes: 45 }));
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    refused(await (await supabaseAs(member)).rpc('schedule_group_session', { groupId: openGroup, title: 'Mine', startsAt }), 403, 'PT403');
    refused(await (await supabaseAs(host)).rpc('schedule_group_session', { groupId: openGroup, title: 'Late', startsAt: '2020-01-01T00:00:00Z' }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('schedule_group_session', { groupId: openGroup, title: 'x', startsAt }));
    const [listed] = ok(await (await supabaseAs(member)).rpc('list_groups', { joined: true, category: 'Anxiety' })).filter((group) => group.id === openGroup);
    expect(new Date(listed.nextSession!).toISOString()).toBe(startsAt);
  });

  it('members RSVP and get the count; an outsider: 404 PT404', async () => {
    expect(ok(await (await supabaseAs(member)).rpc('rsvp_group_session', { sessionId, attending: true }))).toBe(1);
    expect(ok(await (await supabaseAs(member)).rpc('rsvp_group_session', { sessionId, attending: false }))).toBe(0);
    refused(await (await supabaseAs(outsider)).rpc('rsvp_group_session', { sessionId }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('rsvp_group_session', { sessionId }));
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
    expect(ok(await (await supabaseAs(member)).rpc('leave_group', { groupId: openGroup }))).toEqual({ status: 'left' });
    expect(ok(await (await supabaseAs(member)).rpc('leave_group', { groupId: openGroup }))).toEqual({ status: 'left' });
    refused(await (await supabaseAs(member)).rpc('list_group_messages', { groupId: openGroup }), 404, 'PT404');
    refused(await (await supabaseAs(host)).rpc('leave_group', { groupId: openGroup }), 409, 'PT409');
    anonRefused(await (await supabaseAs()).rpc('leave_group', { groupId: openGroup }));
  });
});
