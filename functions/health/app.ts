/**
 * GET /functions/v1/health: is the service up and can it reach Postgres? No token needed.
 * The database check runs as the `anon` role, so it proves the API roles work, not just that a socket opens.
 */
import { createFunctionApp } from '../_shared/app.ts';
import { serveOpenApi } from '../_shared/openapi.ts';
import { anonClaims, queryAsCaller, statement } from '../_shared/db.ts';
import { log } from '../_shared/log.ts';

/** A health probe must answer quickly even when the database hangs. */
const databaseTimeoutMs = 2000;

export type HealthBody = {
  status: 'ok' | 'degraded';
  service: 'healspace';
  time: string;
  checks: { database: { status: 'ok' | 'unavailable'; latencyMs: number } };
};

async function checkDatabase(): Promise<HealthBody['checks']['database']> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      queryAsCaller(anonClaims, statement`select 1 as alive`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database check timed out')), databaseTimeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    log('warn', 'health_database_unavailable', { message: error instanceof Error ? error.message : String(error) });
    return { status: 'unavailable', latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

export const app = createFunctionApp('health');

app.get('/', async (c) => {
  const database = await checkDatabase();
  const body: HealthBody = {
    status: database.status === 'ok' ? 'ok' : 'degraded',
    service: 'healspace',
    time: new Date().toISOString(),
    checks: { database },
  };
  c.header('cache-control', 'no-store');
  return c.json(body, database.status === 'ok' ? 200 : 503);
});

serveOpenApi(app, {
  name: 'health',
  title: 'health',
  description: 'Liveness and database reachability, for monitors and load balancers.',
  routes: [{ method: 'get', path: '/', summary: 'Is the service up and can it reach Postgres?', auth: 'none', responses: { 200: 'Up', 503: 'The database is unreachable' } }],
});
