/**
 * `health` when Postgres cannot be reached: 503 with `degraded`, quickly, never a 500.
 * Its own file because the database URL is read once per process (vitest runs each file in its own fork).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/postgres.ts';

let app: typeof import('../../functions/health/app.ts').app;
let closeDatabase: () => Promise<void>;

beforeAll(async () => {
  // A port nobody listens on: the connection is refused, as when the database is down.
  process.env.SUPABASE_DB_URL = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
  ({ app } = await import('../../functions/health/app.ts'));
  ({ closeDatabase } = await import('../../functions/_shared/db.ts'));
});

afterAll(() => closeDatabase());

describe('GET /health with the database down', () => {
  it('answers 503 with status degraded and the database unavailable', async () => {
    const response = await app.request('/health');
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'degraded', service: 'healspace', checks: { database: { status: 'unavailable' } } });
  });
});
