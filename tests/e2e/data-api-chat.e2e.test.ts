/**
 * Peer chat through the data API (README "Peer chat"): GET /chat/conversations (chat_conversation_list), messages
 * (rpc list_chat_messages), POST /chat/messages (rpc send_chat_message), read pointer, edit, delete, leave and block,
 * typing, report, rate, and the crisis resources anyone may read (rpc crisis_support, helplines). The two
 * participants may; a stranger gets empty answers or the 404 the functions raise (no answer tells that a
 * conversation or message exists), the anon key 401. Matching (POST /chat/start) is the chat-match edge function.
 * Everything speaks the seed's shapes in camelCase (issue 16): a message is { id, content, sender { id, name },
 * timestamp, isAnonymous } plus conversationId, isMine, editedAt, deleted, on the page, in a send's answer and on
 * Realtime (newMessage, messageUpdated, messageDeleted, read, typing on the recipient's personal topic).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

/** A chat message as every reader gets it (public.chat_message_item). */
type Message = {
  id: string; conversationId: string; content: string | null; sender: { id: string; name: string }; timestamp: string;
  isAnonymous: boolean; isMine: boolean; editedAt: string | null; deleted: boolean;
};
/** What rpc(send_chat_message) answers (its SQL return type is jsonb, so the generated types say Json). */
type Sent = { message: Message; conversationId: string; duplicate: boolean; safety: { notice: string; helplines: Array<{ name: string }> } | null };
/** chat_conversation_list's partner column (jsonb). */
type Partner = { id: string; name: string; online: boolean };

const messageKeys = ['content', 'conversationId', 'deleted', 'editedAt', 'id', 'isAnonymous', 'isMine', 'sender', 'timestamp'];

/**
 * The Realtime broadcasts of an event on a user's personal topic, oldest first (as Realtime reads realtime.messages).
 * realtime.send gives a payload without an `id` the broadcast's own; a message's payload has its id.
 */
async function broadcasts(user: TestUser, event: string): Promise<Array<Record<string, unknown>>> {
  const rows = await adminSql()<{ payload: Record<string, unknown> }[]>`
    select payload from realtime.messages where topic = private.personal_topic(${user.id}) and event = ${event} order by inserted_at, id`;
  return rows.map((row) => row.payload);
}

let sam: TestUser;
let rae: TestUser;
let stranger: TestUser;
let closed: TestUser;
let guest: TestUser;
let raeCard: string;
let closedCard: string;
let conversationId: string;
let samParticipant: string;
let raeParticipant: string;
let firstKey: string;
let firstMessage: string;
let secondMessage: string;

beforeAll(async () => {
  [sam, rae, stranger, closed, guest] = await Promise.all([
    createUser('chat-sam', { metadata: { firstName: 'Sam', lastName: 'Chat' } }),
    createUser('chat-rae', { metadata: { firstName: 'Rae', lastName: 'Chat' } }),
    createUser('chat-stranger'),
    createUser('chat-closed', { metadata: { firstName: 'Nia', lastName: 'Closed' } }),
    createUser('chat-guest', { anonymous: true }),
  ]);
  await adminSql()`update public.profiles set allow_messages = false where id = ${closed.id}`;
  const cards = await adminSql()<{ id: string; public_id: string }[]>`select id::text, public_id::text from public.profiles where id in (${rae.id}, ${closed.id})`;
  raeCard = cards.find((card) => card.id === rae.id)!.public_id;
  closedCard = cards.find((card) => card.id === closed.id)!.public_id;
});

describe('POST /chat/messages: rpc(send_chat_message)', () => {
  it('opens a direct conversation with a card and answers { message (the seed\'s shape), conversationId, duplicate, safety }', async () => {
    firstKey = crypto.randomUUID();
    const sent = ok(await (await supabaseAs(sam)).rpc('send_chat_message', { messageId: firstKey, content: 'Hi, how are you holding up?', recipientId: raeCard, isAnonymous: true })) as Sent;
    expect(sent).toMatchObject({ duplicate: false, safety: null, message: { content: 'Hi, how are you holding up?', isAnonymous: true, isMine: true, editedAt: null, deleted: false } });
    expect(Object.keys(sent).sort()).toEqual(['conversationId', 'duplicate', 'message', 'safety']);
    expect(Object.keys(sent.message).sort()).toEqual(messageKeys);
    expect(Object.keys(sent.message.sender).sort()).toEqual(['id', 'name']);
    expect(sent.message.sender.name).toMatch(/^Anonymous User #\d{4}$/);
    expect(sent.message.conversationId).toBe(sent.conversationId);
    expect(sent.message.id).not.toBe(firstKey);
    expect(JSON.stringify(sent)).not.toContain(sam.id);
    conversationId = sent.conversationId;
    samParticipant = sent.message.sender.id;
    firstMessage = sent.message.id;
  });

  it('Realtime newMessage carries the same message to both sides on their personal topics, isMine per recipient', async () => {
    const [heardByRae] = (await broadcasts(rae, 'newMessage')).filter((payload) => payload.id === firstMessage);
    const [heardBySam] = (await broadcasts(sam, 'newMessage')).filter((payload) => payload.id === firstMessage);
    expect(Object.keys(heardByRae).sort()).toEqual(messageKeys);
    expect(heardByRae).toMatchObject({
      id: firstMessage, conversationId, content: 'Hi, how are you holding up?', sender: { id: samParticipant, name: expect.stringMatching(/^Anonymous User #\d{4}$/) },
      timestamp: expect.any(String), isAnonymous: true, isMine: false, editedAt: null, deleted: false,
    });
    expect(heardBySam).toEqual({ ...heardByRae, isMine: true });
    expect(JSON.stringify([heardByRae, heardBySam])).not.toContain(sam.id);
  });

  it('a retry with the same messageId answers the original (duplicate: true)', async () => {
    const sent = ok(await (await supabaseAs(sam)).rpc('send_chat_message', { messageId: firstKey, content: 'Hi, how are you holding up?', recipientId: raeCard })) as Sent;
    expect(sent).toMatchObject({ duplicate: true, conversationId, message: { id: firstMessage, isMine: true } });
  });

  it('without a messageId (the seed\'s body): every send is a new message, two sends are two messages', async () => {
    const [one, two] = await Promise.all([createUser('chat-nokey-one'), createUser('chat-nokey-two')]);
    const [{ card }] = await adminSql()<{ card: string }[]>`select public_id::text as card from public.profiles where id = ${two.id}`;
    const supabase = await supabaseAs(one);
    const first = ok(await supabase.rpc('send_chat_message', { content: 'Same words', recipientId: card })) as Sent;
    const second = ok(await supabase.rpc('send_chat_message', { content: 'Same words', recipientId: card })) as Sent;
    expect([first.duplicate, second.duplicate]).toEqual([false, false]);
    expect(second.message.id).not.toBe(first.message.id);
    expect(second.conversationId).toBe(first.conversationId);
    expect(first.message.isAnonymous, 'isAnonymous defaults to true').toBe(true);
    const page = ok(await (await supabaseAs(two)).rpc('list_chat_messages', { conversationId: first.conversationId }));
    expect(page.map((message) => [message.id, message.content, message.isMine])).toEqual([[second.message.id, 'Same words', false], [first.message.id, 'Same words', false]]);
  });

  it('a crisis phrase: the sender alone gets the safety notice and helplines for their country', async () => {
    const sent = ok(await (await supabaseAs(sam)).rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Some days I want to die', recipientId: raeCard, countryCode: 'GB' })) as Sent;
    expect(sent.conversationId).toBe(conversationId);
    expect(sent.safety?.notice).toMatch(/not a crisis service/);
    expect(sent.safety?.helplines.map((line) => line.name)).toEqual(['Samaritans', 'Shout', 'Find A Helpline (international directory)']);
    secondMessage = sent.message.id;
    const [heard] = (await broadcasts(rae, 'newMessage')).filter((payload) => payload.id === secondMessage);
    expect(Object.keys(heard).sort(), 'the partner hears the message, never the safety prompt').toEqual(messageKeys);
  });

  it('the recipient answers through the partner\'s participant id', async () => {
    const supabase = await supabaseAs(rae);
    const [conversation] = ok(await supabase.from('chat_conversation_list').select('id, partner'));
    expect(conversation).toEqual({ id: conversationId, partner: { id: samParticipant, name: expect.stringMatching(/^Anonymous User #\d{4}$/), online: expect.any(Boolean) } });
    const sent = ok(await supabase.rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Thanks for asking', recipientId: samParticipant })) as Sent;
    expect(sent.conversationId).toBe(conversationId);
    raeParticipant = sent.message.sender.id;
    expect(raeParticipant).not.toBe(samParticipant);
  });

  it('a card that does not take messages: 403 PT403; an unknown id: 404 PT404; empty content: 400 PT400', async () => {
    const supabase = await supabaseAs(stranger);
    refused(await supabase.rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Hello', recipientId: closedCard }), 403, 'PT403', 'This person is not accepting messages');
    refused(await supabase.rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Hello', recipientId: crypto.randomUUID() }), 404, 'PT404');
    refused(await supabase.rpc('send_chat_message', { messageId: crypto.randomUUID(), content: '   ', recipientId: raeCard }), 400, 'PT400');
    refused(await supabase.rpc('send_chat_message', { content: 'Hello', recipientId: closedCard }), 403, 'PT403', 'This person is not accepting messages');
  });

  it('a stranger naming a participant of the conversation reaches nobody: 404 PT404, as for any unknown id', async () => {
    refused(await (await supabaseAs(stranger)).rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Let me in', recipientId: samParticipant }), 404, 'PT404', 'No such recipient');
    refused(await (await supabaseAs(stranger)).rpc('send_chat_message', { content: 'Let me in', recipientId: samParticipant }), 404, 'PT404', 'No such recipient');
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Hello', recipientId: raeCard }));
    anonRefused(await (await supabaseAs()).rpc('send_chat_message', { content: 'Hello', recipientId: raeCard }));
  });
});

describe('GET /chat/conversations: from(chat_conversation_list)', () => {
  it('each participant sees the conversation with the partner { id, name, online }, lastMessage, timestamp and unreadCount', async () => {
    const [row] = ok(await (await supabaseAs(sam)).from('chat_conversation_list').select().order('timestamp', { ascending: false }));
    expect(Object.keys(row).sort()).toEqual(['createdAt', 'endedAt', 'id', 'kind', 'lastMessage', 'partner', 'timestamp', 'unreadCount']);
    expect(row).toMatchObject({ id: conversationId, kind: 'direct', partner: { id: raeParticipant }, lastMessage: 'Thanks for asking', unreadCount: 1, endedAt: null });
    const partner = row.partner as Partner;
    expect(Object.keys(partner).sort()).toEqual(['id', 'name', 'online']);
    expect(typeof partner.name).toBe('string');
    expect(typeof partner.online).toBe('boolean');
    expect(Date.parse(row.timestamp!)).toBeGreaterThanOrEqual(Date.parse(row.createdAt));
    expect(JSON.stringify(row)).not.toContain(rae.id);
  });

  it('a stranger and an anonymous sign-in see none (200, empty); the anon key gets 401', async () => {
    empty(await (await supabaseAs(stranger)).from('chat_conversation_list').select('id'));
    empty(await (await supabaseAs(guest)).from('chat_conversation_list').select('id'));
    anonRefused(await (await supabaseAs()).from('chat_conversation_list').select());
  });

  it('the tables behind it: the participants read the conversation and its messages, a stranger nothing', async () => {
    const [conversation] = ok(await (await supabaseAs(rae)).from('chat_conversations').select('id, kind, ended_at').eq('id', conversationId));
    expect(conversation).toEqual({ id: conversationId, kind: 'direct', ended_at: null });
    expect(ok(await (await supabaseAs(rae)).from('chat_messages').select('id, sender_id, content').eq('conversation_id', conversationId))).toHaveLength(3);
    empty(await (await supabaseAs(stranger)).from('chat_conversations').select('id').eq('id', conversationId));
    empty(await (await supabaseAs(stranger)).from('chat_messages').select('id').eq('conversation_id', conversationId));
    anonRefused(await (await supabaseAs()).from('chat_messages').select('id'));
    anonRefused(await (await supabaseAs()).from('chat_conversations').select('id'));
  });

  it('nobody deletes messages or writes conversations directly (403 42501); a stranger cannot post into it', async () => {
    forbidden(await (await supabaseAs(sam)).from('chat_messages').delete().eq('id', firstMessage));
    forbidden(await (await supabaseAs(sam)).from('chat_conversations').update({ ended_at: new Date().toISOString() }).eq('id', conversationId));
    forbidden(await (await supabaseAs(stranger)).from('chat_messages').insert({ id: crypto.randomUUID(), conversation_id: conversationId, sender_id: samParticipant, content: 'Forged' }));
  });
});

describe('GET /chat/conversations/:id/messages: rpc(list_chat_messages)', () => {
  it('answers the seed\'s messages newest first with isMine from the caller\'s side, and pages with limit and before (a message id)', async () => {
    const supabase = await supabaseAs(rae);
    const page = ok(await supabase.rpc('list_chat_messages', { conversationId, limit: 50 }));
    expect(page.map((message) => [message.content, message.isMine])).toEqual([['Thanks for asking', true], ['Some days I want to die', false], ['Hi, how are you holding up?', false]]);
    expect(Object.keys(page[0]).sort()).toEqual(messageKeys);
    expect(page.map((message) => (message.sender as Message['sender']).id)).toEqual([raeParticipant, samParticipant, samParticipant]);
    expect(page.every((message) => message.conversationId === conversationId && message.isAnonymous === true)).toBe(true);
    expect(JSON.stringify(page)).not.toContain(sam.id);
    const older = ok(await supabase.rpc('list_chat_messages', { conversationId, limit: 1, before: page[1].id! }));
    expect(older.map((message) => message.id)).toEqual([firstMessage]);
    empty(await supabase.rpc('list_chat_messages', { conversationId, limit: 1, before: firstMessage }));
  });

  it('a stranger: 404 PT404; a page over 100: 400 PT400; a before that is no message of the conversation: 400 PT400; the anon key: 401', async () => {
    refused(await (await supabaseAs(stranger)).rpc('list_chat_messages', { conversationId }), 404, 'PT404', 'No such conversation');
    refused(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversationId, limit: 101 }), 400, 'PT400', 'limit must be between 1 and 100');
    refused(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversationId, limit: 0 }), 400, 'PT400', 'limit must be between 1 and 100');
    refused(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversationId, before: crypto.randomUUID() }), 400, 'PT400', 'before is not a message of this conversation');
    const [{ other }] = await adminSql()<{ other: string }[]>`
      select m.id::text as other from public.chat_messages as m where m.conversation_id <> ${conversationId} limit 1`;
    refused(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversationId, before: other }), 400, 'PT400', 'before is not a message of this conversation');
    refused(await (await supabaseAs(stranger)).rpc('list_chat_messages', { conversationId, before: crypto.randomUUID() }), 404, 'PT404', 'No such conversation');
    anonRefused(await (await supabaseAs()).rpc('list_chat_messages', { conversationId }));
  });
});

describe('read pointer, typing, edit and delete', () => {
  it('rpc(mark_chat_read) by the recipient (204) clears the unread count and tells the partner (read); a stranger gets 404', async () => {
    const newest = await lastMessageOf(sam);
    ok(await (await supabaseAs(sam)).rpc('mark_chat_read', { messageId: newest }), 204);
    const [row] = ok(await (await supabaseAs(sam)).from('chat_conversation_list').select('unreadCount'));
    expect(row.unreadCount).toBe(0);
    const receipts = (await broadcasts(rae, 'read')).filter((payload) => payload.participantId === samParticipant);
    expect(receipts.length).toBeGreaterThan(0);
    expect(receipts[receipts.length - 1]).toEqual({ conversationId, participantId: samParticipant, lastReadAt: expect.any(String), id: expect.any(String) });
    expect((await broadcasts(sam, 'read')).filter((payload) => payload.participantId !== raeParticipant), 'a person hears no receipt of their own').toEqual([]);
    refused(await (await supabaseAs(stranger)).rpc('mark_chat_read', { messageId: firstMessage }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('mark_chat_read', { messageId: firstMessage }));
  });

  it('rpc(chat_typing) by a participant (204) reaches the partner (typing); a stranger gets 404; the anon key 401', async () => {
    ok(await (await supabaseAs(rae)).rpc('chat_typing', { conversationId }), 204);
    expect(await broadcasts(sam, 'typing')).toEqual([{ conversationId, participantId: raeParticipant, id: expect.any(String) }]);
    expect(await broadcasts(rae, 'typing'), 'the one typing hears nothing of it').toEqual([]);
    refused(await (await supabaseAs(stranger)).rpc('chat_typing', { conversationId }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('chat_typing', { conversationId }));
  });

  it('rpc(edit_chat_message) by its sender (204, messageUpdated); the partner or a stranger: 404 PT404; too long: 400 PT400', async () => {
    ok(await (await supabaseAs(sam)).rpc('edit_chat_message', { messageId: firstMessage, content: 'Hi, how are you holding up today?' }), 204);
    refused(await (await supabaseAs(rae)).rpc('edit_chat_message', { messageId: firstMessage, content: 'Rewritten' }), 404, 'PT404', 'No such message of yours');
    refused(await (await supabaseAs(stranger)).rpc('edit_chat_message', { messageId: firstMessage, content: 'Rewritten' }), 404, 'PT404');
    refused(await (await supabaseAs(sam)).rpc('edit_chat_message', { messageId: firstMessage, content: 'x'.repeat(4001) }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('edit_chat_message', { messageId: firstMessage, content: 'x' }));
    const [message] = ok(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversationId })).filter((entry) => entry.id === firstMessage);
    expect(message).toMatchObject({ content: 'Hi, how are you holding up today?', editedAt: expect.any(String), isMine: false });
    const [updated] = (await broadcasts(rae, 'messageUpdated')).filter((payload) => payload.id === firstMessage);
    expect(updated).toEqual(message);
  });

  it('rpc(delete_chat_message) by its sender leaves a tombstone (204, messageDeleted without the text); the partner: 404 PT404', async () => {
    refused(await (await supabaseAs(rae)).rpc('delete_chat_message', { messageId: secondMessage }), 404, 'PT404');
    ok(await (await supabaseAs(sam)).rpc('delete_chat_message', { messageId: secondMessage }), 204);
    const [message] = ok(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversationId })).filter((entry) => entry.id === secondMessage);
    expect(message).toMatchObject({ deleted: true, content: null });
    const [deleted] = (await broadcasts(rae, 'messageDeleted')).filter((payload) => payload.id === secondMessage);
    expect(deleted).toMatchObject({ id: secondMessage, conversationId, content: null, deleted: true, isMine: false });
    const [deletedForSam] = (await broadcasts(sam, 'messageDeleted')).filter((payload) => payload.id === secondMessage);
    expect(deletedForSam).toMatchObject({ id: secondMessage, content: null, deleted: true, isMine: true });
    anonRefused(await (await supabaseAs()).rpc('delete_chat_message', { messageId: secondMessage }));
  });

  it('no event of the old names is broadcast on either personal topic', async () => {
    const [{ events }] = await adminSql()<{ events: string[] }[]>`
      select coalesce(array_agg(distinct event order by event), '{}') as events from realtime.messages
      where topic in (private.personal_topic(${sam.id}), private.personal_topic(${rae.id}))`;
    expect(events.filter((event) => !['messageDeleted', 'messageUpdated', 'newMessage', 'notification', 'notificationUpdated', 'read', 'typing'].includes(event))).toEqual([]);
    expect(events).toEqual(expect.arrayContaining(['messageDeleted', 'messageUpdated', 'newMessage', 'read', 'typing']));
  });
});

describe('safety: rpc(report_chat_participant), rpc(leave_chat_conversation), rpc(rate_chat_conversation)', () => {
  it('a participant reports the other, attaching their messages, and gets the report id', async () => {
    const reportId = ok(await (await supabaseAs(rae)).rpc('report_chat_participant', { participantId: samParticipant, reason: 'self_harm_risk', description: 'Worried about them', messageIds: [firstMessage] }));
    expect(reportId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('attaching someone else\'s message: 400 PT400; reporting oneself or from outside: 404 PT404; the anon key 401', async () => {
    refused(await (await supabaseAs(rae)).rpc('report_chat_participant', { participantId: samParticipant, reason: 'spam', messageIds: [crypto.randomUUID()] }), 400, 'PT400');
    refused(await (await supabaseAs(rae)).rpc('report_chat_participant', { participantId: raeParticipant, reason: 'spam' }), 404, 'PT404');
    refused(await (await supabaseAs(stranger)).rpc('report_chat_participant', { participantId: samParticipant, reason: 'spam' }), 404, 'PT404');
    refused(await (await supabaseAs(rae)).rpc('report_chat_participant', { participantId: samParticipant, reason: 'rude' as never }), 400, '22P02');
    anonRefused(await (await supabaseAs()).rpc('report_chat_participant', { participantId: samParticipant, reason: 'spam' }));
  });

  it('rating before the end: 409 PT409', async () => {
    refused(await (await supabaseAs(rae)).rpc('rate_chat_conversation', { conversationId, stars: 5 }), 409, 'PT409');
  });

  it('leaving (204) ends the conversation for both: no more messages (409 PT409); a stranger cannot leave it (404)', async () => {
    refused(await (await supabaseAs(stranger)).rpc('leave_chat_conversation', { conversationId }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('leave_chat_conversation', { conversationId }));
    ok(await (await supabaseAs(sam)).rpc('leave_chat_conversation', { conversationId, blockPartner: false }), 204);
    const [row] = ok(await (await supabaseAs(rae)).from('chat_conversation_list').select('endedAt'));
    expect(row.endedAt).not.toBeNull();
    refused(await (await supabaseAs(rae)).rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'Still there?', recipientId: samParticipant }), 409, 'PT409');
    refused(await (await supabaseAs(rae)).rpc('send_chat_message', { content: 'Still there?', recipientId: samParticipant }), 409, 'PT409');
  });

  it('each participant rates once after the end (204, then 409); out of range 400; a stranger 404', async () => {
    ok(await (await supabaseAs(rae)).rpc('rate_chat_conversation', { conversationId, stars: 4, comment: 'Kind listener' }), 204);
    refused(await (await supabaseAs(rae)).rpc('rate_chat_conversation', { conversationId, stars: 5 }), 409, 'PT409');
    refused(await (await supabaseAs(sam)).rpc('rate_chat_conversation', { conversationId, stars: 6 }), 400, 'PT400');
    refused(await (await supabaseAs(stranger)).rpc('rate_chat_conversation', { conversationId, stars: 5 }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('rate_chat_conversation', { conversationId, stars: 5 }));
  });
});

describe('crisis resources: rpc(crisis_support), from(helplines)', () => {
  it('the anon key may read them (200): the notice, the country\'s helplines and the international fallback', async () => {
    const support = ok(await (await supabaseAs()).rpc('crisis_support', { countryCode: 'us' })) as { notice: string; helplines: Array<{ name: string; phone: string | null }> };
    expect(support.notice).toMatch(/not a crisis service/);
    expect(support.helplines.map((line) => line.name)).toEqual(['988 Suicide & Crisis Lifeline', 'Crisis Text Line', 'Find A Helpline (international directory)']);
    const lines = ok(await (await supabaseAs()).from('helplines').select('country_code, name, phone, sms, url, hours').eq('country_code', 'GB').order('sort_order'));
    expect(lines.map((line) => line.name)).toEqual(['Samaritans', 'Shout']);
  });

  it('signed in, the same; nobody writes helplines (403 42501, the anon key 401)', async () => {
    expect((ok(await (await supabaseAs(stranger)).rpc('crisis_support', {})) as { helplines: unknown[] }).helplines).toHaveLength(1);
    forbidden(await (await supabaseAs(stranger)).from('helplines').insert({ country_code: 'ZZ', name: 'Fake line' }));
    anonRefused(await (await supabaseAs()).from('helplines').insert({ country_code: 'ZZ', name: 'Fake line' }));
  });
});

/** The newest message in the caller's (only) conversation, as the app would take it from the page it shows. */
async function lastMessageOf(user: TestUser): Promise<string> {
  const [newest] = ok(await (await supabaseAs(user)).rpc('list_chat_messages', { conversationId, limit: 1 }));
  return newest.id!;
}
