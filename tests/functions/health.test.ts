/**
 * `health` in-process against the real test database: no token needed, and the database check runs as `anon`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../functions/_shared/db.ts';
import { app, type HealthBody } from '../../functions/health/app.ts';
import { expectErrorShape } from '../support/stack.ts';

afterAll(closeDatabase);

describe('GET /health', () => {
  it('answers 200 with the database reachable as the anon role, without a token', async () => {
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as HealthBody;
    expect(body.status).toBe('ok');
    expect(body.service).toBe('healspace');
    expect(body.checks.database.status).toBe('ok');
    expect(body.checks.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(body.time)).not.toBeNaN();
  });

  it('ignores a bad token: health is public', async () => {
    const response = await app.request('/health', { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(200);
  });

  it('answers unknown routes with a 404 in the error shape', async () => {
    const response = await app.request('/health/nothing-here');
    expect(response.status).toBe(404);
    expectErrorShape(await response.json(), 404);
  });

  it('answers other methods with a 404 in the error shape, not a bare 500', async () => {
    const response = await app.request('/health', { method: 'DELETE' });
    expect(response.status).toBe(404);
    expectErrorShape(await response.json(), 404);
  });

  it('echoes a request id for log correlation', async () => {
    const response = await app.request('/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
  });
});
