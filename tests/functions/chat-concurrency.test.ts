/**
 * Chat under real concurrency, through the real PostgREST as the frontend calls it (supabase-js, each call its own
 * HTTP request and transaction): the same message sent many times at once is stored once (and messages without an
 * idempotency key each once), and message pages (limit, before: the last message's id) have no gaps or repeats while
 * the partner keeps writing.
 */
import { describe, expect, it } from 'vitest';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, supabaseAs } from '../support/stack.ts';

/** What rpc(send_chat_message) answers (its SQL return type is jsonb, so the generated types say Json). */
type Sent = { message: { id: string }; conversationId: string; duplicate: boolean };

describe('sending', () => {
  it('stores a message once when the same id is retried concurrently, and answers every retry with the original', async () => {
    const [sender, recipient] = await Promise.all([createUser('retry-sender'), createUser('retry-recipient')]);
    const [{ public_id: recipientPublicId }] = await adminSql()`select public_id from public.profiles where id = ${recipient.id}`;
    const messageId = crypto.randomUUID();
    const supabase = await supabaseAs(sender);
    const answers = await Promise.all(Array.from({ length: 8 }, async () =>
      succeeded(await supabase.rpc('send_chat_message', { messageId, content: 'Are you there?', recipientId: recipientPublicId }), 'a retried rpc(send_chat_message)') as Sent
    ));
    const storedId = answers[0].message.id;
    expect(answers.every((answer) => answer.message.id === storedId), 'every retry answers the one stored message').toBe(true);
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    const [{ count }] = await adminSql()`select count(*)::int as count from public.chat_messages where sender_id in (
      select id from private.chat_participants where user_id = ${sender.id})`;
    expect(count).toBe(1);
    const [{ conversations }] = await adminSql()`
      select count(distinct conversation_id)::int as conversations from private.chat_participants where user_id = ${sender.id}`;
    expect(conversations, 'concurrent first messages open one conversation, not several').toBe(1);
  });

  it('stores every message sent at once without a messageId (the seed\'s body), in one conversation', async () => {
    const [sender, recipient] = await Promise.all([createUser('keyless-sender'), createUser('keyless-recipient')]);
    const [{ public_id: recipientPublicId }] = await adminSql()`select public_id from public.profiles where id = ${recipient.id}`;
    const supabase = await supabaseAs(sender);
    const answers = await Promise.all(Array.from({ length: 6 }, async () =>
      succeeded(await supabase.rpc('send_chat_message', { content: 'Are you there?', recipientId: recipientPublicId }), 'a keyless rpc(send_chat_message)') as Sent
    ));
    expect(new Set(answers.map((answer) => answer.message.id)).size, 'six sends, six messages').toBe(6);
    expect(answers.every((answer) => !answer.duplicate)).toBe(true);
    expect(new Set(answers.map((answer) => answer.conversationId)).size, 'concurrent first messages open one conversation').toBe(1);
    const [{ count }] = await adminSql()`
      select count(*)::int as count from public.chat_messages where conversation_id = ${answers[0].conversationId}`;
    expect(count).toBe(6);
  });
});

describe('reading', () => {
  it('pages back through a conversation without gaps or repeats while the partner keeps writing', async () => {
    const [reader, writer] = await Promise.all([createUser('paging-reader'), createUser('paging-writer')]);
    const [{ public_id: readerPublicId }] = await adminSql()`select public_id from public.profiles where id = ${reader.id}`;
    const [asReader, asWriter] = await Promise.all([supabaseAs(reader), supabaseAs(writer)]);
    const sendToReader = async (content: string) =>
      succeeded(await asWriter.rpc('send_chat_message', { content, recipientId: readerPublicId }), `rpc(send_chat_message) of "${content}"`);
    const sent: string[] = [];
    for (let index = 0; index < 15; index += 1) {
      const content = `history ${index}`;
      await sendToReader(content);
      sent.push(content);
    }
    const [{ conversation_id: conversationId }] = await adminSql()`
      select conversation_id from private.chat_participants where user_id = ${reader.id} limit 1`;
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      // The cursor is the id of the last row of the previous page: the database resolves it to its place.
      const rows = succeeded(await asReader.rpc('list_chat_messages', { conversationId, limit: 4, before })
        .select('id, content'), `rpc(list_chat_messages), page ${page}`);
      if (rows.length === 0) break;
      seen.push(...rows.map((row) => row.content!));
      before = rows[rows.length - 1].id!;
      await sendToReader(`live ${page}`);
    }
    expect(seen).toEqual([...sent].reverse());
  });
});

describe('the rate limit', () => {
  it('holds under concurrent sends: of 30 sent at once, 20 are stored and the rest answered 429', async () => {
    const [sender, recipient] = await Promise.all([createUser('burst-sender'), createUser('burst-recipient')]);
    const [{ public_id: recipientPublicId }] = await adminSql()`select public_id from public.profiles where id = ${recipient.id}`;
    const supabase = await supabaseAs(sender);
    const opened = succeeded(await supabase.rpc('send_chat_message', { messageId: crypto.randomUUID(), content: 'hello', recipientId: recipientPublicId }), 'the first rpc(send_chat_message)') as Sent;
    const [{ id: partnerId }] = await adminSql()`
      select id from private.chat_participants where conversation_id = ${opened.conversationId} and user_id = ${recipient.id}`;
    const outcomes = await Promise.all(Array.from({ length: 30 }, async (_, index) => {
      const { error } = await supabase.rpc('send_chat_message', { content: `burst ${index}`, recipientId: partnerId });
      return error ? error.code : 'sent';
    }));
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(19);
    expect(outcomes.filter((outcome) => outcome === 'PT429')).toHaveLength(11);
    const [{ count }] = await adminSql()`
      select count(*)::int as count from public.chat_messages where conversation_id = ${opened.conversationId}`;
    expect(count).toBe(20);
  });
});
