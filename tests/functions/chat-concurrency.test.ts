/**
 * Chat under real concurrency, on separate connections as PostgREST would run them: the same message sent many times
 * at once is stored once, and message pages have no gaps or repeats while the partner keeps writing.
 */
import { describe, expect, it } from 'vitest';
import { adminSql, asUser, createUser } from '../support/stack.ts';

describe('sending', () => {
  it('stores a message once when the same id is retried concurrently, and answers every retry with the original', async () => {
    const [sender, recipient] = await Promise.all([createUser('retry-sender'), createUser('retry-recipient')]);
    const [{ public_id: recipientPublicId }] = await adminSql()`select public_id from public.profiles where id = ${recipient.id}`;
    const messageId = crypto.randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      asUser(sender, async (tx) => {
        const [row] = await tx<{ answer: { message: { id: string }; duplicate: boolean } }[]>`
          select public.send_chat_message(${messageId}, 'Are you there?', ${recipientPublicId}) as answer`;
        return row.answer;
      })
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
});

describe('reading', () => {
  it('pages back through a conversation without gaps or repeats while the partner keeps writing', async () => {
    const [reader, writer] = await Promise.all([createUser('paging-reader'), createUser('paging-writer')]);
    const [{ public_id: readerPublicId }] = await adminSql()`select public_id from public.profiles where id = ${reader.id}`;
    const sent: string[] = [];
    for (let index = 0; index < 15; index += 1) {
      const content = `history ${index}`;
      await asUser(writer, (tx) => tx`select public.send_chat_message(${crypto.randomUUID()}, ${content}, ${readerPublicId})`);
      sent.push(content);
    }
    const [{ conversation_id: conversationId }] = await adminSql()`
      select conversation_id from private.chat_participants where user_id = ${reader.id} limit 1`;
    const seen: string[] = [];
    let cursor: { created_at: Date; id: string } | undefined;
    for (let page = 0; page < 10; page += 1) {
      const rows = await asUser(reader, (tx) => tx<{ id: string; content: string; created_at: Date }[]>`
        select id, content, created_at from public.list_chat_messages(${conversationId}, 4, ${cursor?.created_at ?? null}, ${cursor?.id ?? null})`);
      if (rows.length === 0) break;
      seen.push(...rows.map((row) => row.content));
      cursor = rows[rows.length - 1];
      await asUser(writer, (tx) => tx`select public.send_chat_message(${crypto.randomUUID()}, ${`live ${page}`}, ${readerPublicId})`);
    }
    expect(seen).toEqual([...sent].reverse());
  });
});

describe('the rate limit', () => {
  it('holds under concurrent sends: of 30 sent at once, 20 are stored and the rest answered 429', async () => {
    const [sender, recipient] = await Promise.all([createUser('burst-sender'), createUser('burst-recipient')]);
    const [{ public_id: recipientPublicId }] = await adminSql()`select public_id from public.profiles where id = ${recipient.id}`;
    const [opened] = await asUser(sender, (tx) => tx<{ answer: { conversationId: string } }[]>`
      select public.send_chat_message(${crypto.randomUUID()}, 'hello', ${recipientPublicId}) as answer`);
    const [{ id: partnerId }] = await adminSql()`
      select id from private.chat_participants where conversation_id = ${opened.answer.conversationId} and user_id = ${recipient.id}`;
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) =>
      asUser(sender, (tx) => tx`select public.send_chat_message(${crypto.randomUUID()}, ${`burst ${index}`}, ${partnerId})`)
        .then(() => 'sent', (error: { code?: string }) => error.code)
    ));
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(19);
    expect(outcomes.filter((outcome) => outcome === 'PT429')).toHaveLength(11);
    const [{ count }] = await adminSql()`
      select count(*)::int as count from public.chat_messages where conversation_id = ${opened.answer.conversationId}`;
    expect(count).toBe(20);
  });
});
