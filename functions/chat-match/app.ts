/**
 * /functions/v1/chat-match: the seed's POST /chat/start. Matching runs in SQL (private.request_chat_match) as the caller,
 * in one transaction, safe under concurrency; see the chat_matching migration for the queue's semantics.
 *   POST   { topic?, asListener?, preferParticipantId? }  → 200 { status: 'matched', conversationId, partner: { id, name } }
 *                                                           or 202 { status: 'queued', position, estimatedWaitSeconds, expiresAt }
 *   GET    → the caller's queue status          DELETE → leave the queue
 * A waiting caller also learns of a later match at once on their user:<id> Realtime topic (event match_found).
 */
import { z } from 'zod';
import { createFunctionApp, requireUser, userClaims } from '../_shared/app.ts';
import { queryAsCaller, statement } from '../_shared/db.ts';
import { serveOpenApi } from '../_shared/openapi.ts';
import { jsonBody } from '../_shared/validate.ts';

const matchRequest = z.object({
  topic: z.string().trim().min(1).max(80).optional(),
  asListener: z.boolean().optional(),
  preferParticipantId: z.uuid().optional(),
}).strict();

export type MatchAnswer =
  | { status: 'matched'; conversationId: string; partner: { id: string; name: string } }
  | { status: 'queued'; role: 'seeker' | 'listener'; position: number; estimatedWaitSeconds: number; expiresAt: string };

export const app = createFunctionApp('chat-match');

app.post('/', requireUser, async (c) => {
  const { topic, asListener, preferParticipantId } = await jsonBody(c, matchRequest);
  const claims = userClaims(c);
  const [{ answer }] = await queryAsCaller(claims, statement<{ answer: MatchAnswer }>`
      select private.request_chat_match(${asListener ?? false}, ${topic ?? null}, ${preferParticipantId ?? null}::uuid) as answer`);
  c.header('cache-control', 'no-store');
  return c.json(answer, answer.status === 'matched' ? 200 : 202);
});

app.get('/', requireUser, async (c) => {
  const [row] = await queryAsCaller(userClaims(c), statement<{ status: unknown }>`select private.chat_match_status() as status`);
  c.header('cache-control', 'no-store');
  return c.json(row.status);
});

app.delete('/', requireUser, async (c) => {
  const [row] = await queryAsCaller(userClaims(c), statement<{ answer: unknown }>`select private.cancel_chat_match() as answer`);
  return c.json(row.answer);
});

serveOpenApi(app, {
  name: 'chat-match',
  title: 'chat-match',
  description: 'The seed\'s POST /chat/start: anonymous peer matching.',
  routes: [
    { method: 'post', path: '/', summary: 'Find me someone to talk to (or queue me)', auth: 'user', body: matchRequest,
      responses: { 200: 'Matched: conversation and partner alias', 202: 'Queued: position and estimated wait', 400: 'Bad body', 401: 'No valid token', 403: 'Not a listener', 429: 'Too many requests' } },
    { method: 'get', path: '/', summary: 'My place in the queue', auth: 'user', responses: { 200: 'Queue status', 401: 'No valid token' } },
    { method: 'delete', path: '/', summary: 'Leave the queue', auth: 'user', responses: { 200: 'Left', 401: 'No valid token' } },
  ],
});
