/**
 * Peer chat through the data API (README "Peer chat"): GET /chat/conversations (chat_conversation_list), messages
 * (rpc list_chat_messages), POST /chat/messages (rpc send_chat_message), read pointer, edit, delete, leave and block,
 * typing, report, rate, and the crisis resources anyone may read (rpc crisis_support, helplines). The two
 * participants may; a stranger gets empty answers or the 404 the functions raise (no answer tells that a
 * conversation or message exists), the anon key 401. Matching (POST /chat/start) is the chat-match edge function.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { anonRefused, empty, forbidden, ok, refused } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs, type TestUser } from '../support/stack.ts';

type Sent = { message: { id: string; conversation_id: string; sender_id: string; content: string }; conversationId: string; duplicate: boolean; safety: { notice: string; helplines: Array<{ name: string }> } | null };

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
  it('opens a direct conversation with a card and answers { message, conversationId, duplicate, safety }', async () => {
    firstKey = crypto.randomUUID();
    const sent = ok(await (await supabaseAs(sam)).rpc('send_chat_message', { message_id: firstKey, content: 'Hi, how are you holding up?', recipient_id: raeCard, is_anonymous: true })) as Sent;
    expect(sent).toMatchObject({ duplicate: false, safety: null, message: { content: 'Hi, how are you holding up?' } });
    expect(sent.message.id).not.toBe(firstKey);
    expect(JSON.stringify(sent)).not.toContain(sam.id);
    conversationId = sent.conversationId;
    samParticipant = sent.message.sender_id;
    firstMessage = sent.message.id;
  });

  it('a retry with the same message_id answers the original (duplicate: true)', async () => {
    const sent = ok(await (await supabaseAs(sam)).rpc('send_chat_message', { message_id: firstKey, content: 'Hi, how are you holding up?', recipient_id: raeCard })) as Sent;
    expect(sent).toMatchObject({ duplicate: true, conversationId, message: { id: firstMessage } });
  });

  it('a crisis phrase: the sender alone gets the safety notice and helplines for their country', async () => {
    const sent = ok(await (await supabaseAs(sam)).rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Some days I want to die', recipient_id: raeCard, country_code: 'GB' })) as Sent;
    expect(sent.conversationId).toBe(conversationId);
    expect(sent.safety?.notice).toMatch(/not a crisis service/);
    expect(sent.safety?.helplines.map((line) => line.name)).toEqual(['Samaritans', 'Shout', 'Find A Helpline (international directory)']);
    secondMessage = sent.message.id;
  });

  it('the recipient answers through the partner\'s participant id', async () => {
    const supabase = await supabaseAs(rae);
    const [conversation] = ok(await supabase.from('chat_conversation_list').select('id, partner_id'));
    expect(conversation).toEqual({ id: conversationId, partner_id: samParticipant });
    const sent = ok(await supabase.rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Thanks for asking', recipient_id: samParticipant })) as Sent;
    expect(sent.conversationId).toBe(conversationId);
    raeParticipant = sent.message.sender_id;
  });

  it('a card that does not take messages: 403 PT403; an unknown id: 404 PT404; empty content: 400 PT400', async () => {
    const supabase = await supabaseAs(stranger);
    refused(await supabase.rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Hello', recipient_id: closedCard }), 403, 'PT403', 'This person is not accepting messages');
    refused(await supabase.rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Hello', recipient_id: crypto.randomUUID() }), 404, 'PT404');
    refused(await supabase.rpc('send_chat_message', { message_id: crypto.randomUUID(), content: '   ', recipient_id: raeCard }), 400, 'PT400');
  });

  it('a stranger naming a participant of the conversation reaches nobody: 404 PT404, as for any unknown id', async () => {
    refused(await (await supabaseAs(stranger)).rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Let me in', recipient_id: samParticipant }), 404, 'PT404', 'No such recipient');
  });

  it('the anon key alone: 401 42501', async () => {
    anonRefused(await (await supabaseAs()).rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Hello', recipient_id: raeCard }));
  });
});

describe('GET /chat/conversations: from(chat_conversation_list)', () => {
  it('each participant sees the conversation with the partner\'s participant id and alias, the last message and unread count', async () => {
    const [row] = ok(await (await supabaseAs(sam)).from('chat_conversation_list').select().order('timestamp', { ascending: false }));
    expect(row).toMatchObject({ id: conversationId, kind: 'direct', partner_id: raeParticipant, last_message: 'Thanks for asking', unread_count: 1, ended_at: null });
    expect(typeof row.partner_name).toBe('string');
    expect(typeof row.partner_online).toBe('boolean');
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
  it('answers newest first with is_mine from the caller\'s side, and pages by keyset', async () => {
    const supabase = await supabaseAs(rae);
    const page = ok(await supabase.rpc('list_chat_messages', { conversation_id: conversationId, page_size: 50 }));
    expect(page.map((message) => [message.content, message.is_mine])).toEqual([['Thanks for asking', true], ['Some days I want to die', false], ['Hi, how are you holding up?', false]]);
    expect(Object.keys(page[0]).sort()).toEqual(['content', 'created_at', 'deleted', 'edited_at', 'id', 'is_anonymous', 'is_mine', 'sender_id', 'sender_name']);
    const older = ok(await supabase.rpc('list_chat_messages', { conversation_id: conversationId, page_size: 1, before_created_at: page[1].created_at, before_id: page[1].id }));
    expect(older.map((message) => message.id)).toEqual([firstMessage]);
  });

  it('a stranger: 404 PT404; a page over 100: 400 PT400; the anon key: 401', async () => {
    refused(await (await supabaseAs(stranger)).rpc('list_chat_messages', { conversation_id: conversationId }), 404, 'PT404', 'No such conversation');
    refused(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversation_id: conversationId, page_size: 101 }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('list_chat_messages', { conversation_id: conversationId }));
  });
});

describe('read pointer, typing, edit and delete', () => {
  it('rpc(mark_chat_read) by the recipient (204) clears the unread count; a stranger gets 404', async () => {
    ok(await (await supabaseAs(sam)).rpc('mark_chat_read', { message_id: await lastMessageOf(sam) }), 204);
    const [row] = ok(await (await supabaseAs(sam)).from('chat_conversation_list').select('unread_count'));
    expect(row.unread_count).toBe(0);
    refused(await (await supabaseAs(stranger)).rpc('mark_chat_read', { message_id: firstMessage }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('mark_chat_read', { message_id: firstMessage }));
  });

  it('rpc(chat_typing) by a participant (204); a stranger gets 404; the anon key 401', async () => {
    ok(await (await supabaseAs(rae)).rpc('chat_typing', { conversation_id: conversationId }), 204);
    refused(await (await supabaseAs(stranger)).rpc('chat_typing', { conversation_id: conversationId }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('chat_typing', { conversation_id: conversationId }));
  });

  it('rpc(edit_chat_message) by its sender (204); the partner or a stranger: 404 PT404; too long: 400 PT400', async () => {
    ok(await (await supabaseAs(sam)).rpc('edit_chat_message', { message_id: firstMessage, content: 'Hi, how are you holding up today?' }), 204);
    refused(await (await supabaseAs(rae)).rpc('edit_chat_message', { message_id: firstMessage, content: 'Rewritten' }), 404, 'PT404', 'No such message of yours');
    refused(await (await supabaseAs(stranger)).rpc('edit_chat_message', { message_id: firstMessage, content: 'Rewritten' }), 404, 'PT404');
    refused(await (await supabaseAs(sam)).rpc('edit_chat_message', { message_id: firstMessage, content: 'x'.repeat(4001) }), 400, 'PT400');
    anonRefused(await (await supabaseAs()).rpc('edit_chat_message', { message_id: firstMessage, content: 'x' }));
    const [message] = ok(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversation_id: conversationId })).filter((entry) => entry.id === firstMessage);
    expect(message).toMatchObject({ content: 'Hi, how are you holding up today?', edited_at: expect.any(String) });
  });

  it('rpc(delete_chat_message) by its sender leaves a tombstone (204); the partner: 404 PT404', async () => {
    refused(await (await supabaseAs(rae)).rpc('delete_chat_message', { message_id: secondMessage }), 404, 'PT404');
    ok(await (await supabaseAs(sam)).rpc('delete_chat_message', { message_id: secondMessage }), 204);
    const [message] = ok(await (await supabaseAs(rae)).rpc('list_chat_messages', { conversation_id: conversationId })).filter((entry) => entry.id === secondMessage);
    expect(message).toMatchObject({ deleted: true, content: null });
    anonRefused(await (await supabaseAs()).rpc('delete_chat_message', { message_id: secondMessage }));
  });
});

describe('safety: rpc(report_chat_participant), rpc(leave_chat_conversation), rpc(rate_chat_conversation)', () => {
  it('a participant reports the other, attaching their messages, and gets the report id', async () => {
    const reportId = ok(await (await supabaseAs(rae)).rpc('report_chat_participant', { participant_id: samParticipant, reason: 'self_harm_risk', description: 'Worried about them', message_ids: [firstMessage] }));
    expect(reportId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('attaching someone else\'s message: 400 PT400; reporting oneself or from outside: 404 PT404; the anon key 401', async () => {
    refused(await (await supabaseAs(rae)).rpc('report_chat_participant', { participant_id: samParticipant, reason: 'spam', message_ids: [crypto.randomUUID()] }), 400, 'PT400');
    refused(await (await supabaseAs(rae)).rpc('report_chat_participant', { participant_id: raeParticipant, reason: 'spam' }), 404, 'PT404');
    refused(await (await supabaseAs(stranger)).rpc('report_chat_participant', { participant_id: samParticipant, reason: 'spam' }), 404, 'PT404');
    refused(await (await supabaseAs(rae)).rpc('report_chat_participant', { participant_id: samParticipant, reason: 'rude' as never }), 400, '22P02');
    anonRefused(await (await supabaseAs()).rpc('report_chat_participant', { participant_id: samParticipant, reason: 'spam' }));
  });

  it('rating before the end: 409 PT409', async () => {
    refused(await (await supabaseAs(rae)).rpc('rate_chat_conversation', { conversation_id: conversationId, stars: 5 }), 409, 'PT409');
  });

  it('leaving (204) ends the conversation for both: no more messages (409 PT409); a stranger cannot leave it (404)', async () => {
    refused(await (await supabaseAs(stranger)).rpc('leave_chat_conversation', { conversation_id: conversationId }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('leave_chat_conversation', { conversation_id: conversationId }));
    ok(await (await supabaseAs(sam)).rpc('leave_chat_conversation', { conversation_id: conversationId, block_partner: false }), 204);
    const [row] = ok(await (await supabaseAs(rae)).from('chat_conversation_list').select('ended_at'));
    expect(row.ended_at).not.toBeNull();
    refused(await (await supabaseAs(rae)).rpc('send_chat_message', { message_id: crypto.randomUUID(), content: 'Still there?', recipient_id: samParticipant }), 409, 'PT409');
  });

  it('each participant rates once after the end (204, then 409); out of range 400; a stranger 404', async () => {
    ok(await (await supabaseAs(rae)).rpc('rate_chat_conversation', { conversation_id: conversationId, stars: 4, comment: 'Kind listener' }), 204);
    refused(await (await supabaseAs(rae)).rpc('rate_chat_conversation', { conversation_id: conversationId, stars: 5 }), 409, 'PT409');
    refused(await (await supabaseAs(sam)).rpc('rate_chat_conversation', { conversation_id: conversationId, stars: 6 }), 400, 'PT400');
    refused(await (await supabaseAs(stranger)).rpc('rate_chat_conversation', { conversation_id: conversationId, stars: 5 }), 404, 'PT404');
    anonRefused(await (await supabaseAs()).rpc('rate_chat_conversation', { conversation_id: conversationId, stars: 5 }));
  });
});

describe('crisis resources: rpc(crisis_support), from(helplines)', () => {
  it('the anon key may read them (200): the notice, the country\'s helplines and the international fallback', async () => {
    const support = ok(await (await supabaseAs()).rpc('crisis_support', { country_code: 'us' })) as { notice: string; helplines: Array<{ name: string; phone: string | null }> };
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
  const [newest] = ok(await (await supabaseAs(user)).rpc('list_chat_messages', { conversation_id: conversationId, page_size: 1 }));
  return newest.id;
}
