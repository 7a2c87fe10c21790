/**
 * The shared function plumbing on a throwaway app, without a database: zod validation of bodies and query strings,
 * content type, malformed JSON, body size, unknown routes and unexpected exceptions all end in the seed's error shape.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFunctionApp, maxBodyBytes } from '../../functions/_shared/app.ts';
import { HttpError } from '../../functions/_shared/errors.ts';
import { jsonBody, queryParams } from '../../functions/_shared/validate.ts';
import { expectErrorShape } from '../support/stack.ts';

const app = createFunctionApp('probe');
const entry = z.object({ title: z.string().min(1).max(10), tags: z.array(z.string()).max(2).default([]) }).strict();
app.post('/entries', async (c) => c.json(await jsonBody(c, entry), 201));
app.get('/entries', (c) => c.json(queryParams(c, z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }))));
app.get('/conflict', () => {
  throw new HttpError(409, 'Already booked', [{ field: 'scheduledAt', message: 'taken' }]);
});
app.get('/crash', () => {
  throw new TypeError('secret internal detail');
});

const post = (body: string, contentType = 'application/json') =>
  app.request('/probe/entries', { method: 'POST', headers: { 'content-type': contentType }, body });

describe('request validation', () => {
  it('accepts a valid body and applies defaults', async () => {
    const response = await post(JSON.stringify({ title: 'Hello' }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ title: 'Hello', tags: [] });
  });

  it('answers 400 with one detail per bad field', async () => {
    const response = await post(JSON.stringify({ title: '', tags: ['a', 'b', 'c'], extra: true }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expectErrorShape(body, 400);
    expect(body.message).toBe('Validation failed');
    expect(body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['(root)', 'tags', 'title']);
  });

  it('answers 400 to malformed JSON and 415 to another content type', async () => {
    const malformed = await post('{"title": ');
    expect(malformed.status).toBe(400);
    expectErrorShape(await malformed.json(), 400);
    const wrongType = await post('title=x', 'application/x-www-form-urlencoded');
    expect(wrongType.status).toBe(415);
    expectErrorShape(await wrongType.json(), 415);
  });

  it('answers 413 to a body above the limit before parsing it', async () => {
    const response = await post(JSON.stringify({ title: 'x'.repeat(maxBodyBytes) }));
    expect(response.status).toBe(413);
    expectErrorShape(await response.json(), 413);
  });

  it('validates query strings the same way', async () => {
    expect(await (await app.request('/probe/entries?limit=20')).json()).toEqual({ limit: 20 });
    const response = await app.request('/probe/entries?limit=1000');
    expect(response.status).toBe(400);
    expect((await response.json()).details[0].field).toBe('limit');
  });
});

describe('errors', () => {
  it('renders a thrown HttpError with its status and details', async () => {
    const response = await app.request('/probe/conflict');
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      statusCode: 409, message: 'Already booked', error: 'Conflict', details: [{ field: 'scheduledAt', message: 'taken' }],
    });
  });

  it('answers an unexpected exception with a generic 500 that leaks nothing', async () => {
    const response = await app.request('/probe/crash');
    expect(response.status).toBe(500);
    const body = await response.json();
    expectErrorShape(body, 500);
    expect(JSON.stringify(body)).not.toContain('secret internal detail');
  });

  it('answers a path outside the function\'s base path with a 404 in the error shape', async () => {
    const response = await app.request('/elsewhere');
    expect(response.status).toBe(404);
    expectErrorShape(await response.json(), 404);
  });
});
