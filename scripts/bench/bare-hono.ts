/**
 * The baselines for `npm run bench`, on the same Deno runtime as the functions, with none of our plumbing (no
 * gateway, no middleware, no token check, no role switch, no transaction):
 * - `GET /bare`: a bare Hono handler, no database.
 * - `GET /query`: a bare Hono handler that runs the one query `whoami` runs, word for word, with postgres.js and the
 *   options functions/_shared/db.ts uses (`prepare: false`, the same pool size), on `BARE_DB_URL` (the URL the
 *   functions get). No auth: the connection's own role, and the person's claims are a startup parameter of the
 *   connection (set once per connection, not per request), so `auth.uid()` names them and the row comes back, as in
 *   whoami. One statement, one round trip: what a function that needs one query could cost at best.
 */
import { Hono } from 'hono';
import postgres from 'postgres';

const whoamiQuery = `
      select auth.uid() as user_id, current_user as database_role, private.caller_role() as app_role, p.display_name, p.created_at
      from public.profiles as p
      where p.id = (select auth.uid())`;

const url = Deno.env.get('BARE_DB_URL');
const sql = url
  ? postgres(url, {
    prepare: false,
    max: Number(Deno.env.get('DB_POOL_MAX') ?? 5),
    idle_timeout: 20,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'healspace-bench-bare', 'request.jwt.claims': Deno.env.get('BARE_CLAIMS') ?? '{}' },
  })
  : undefined;

const app = new Hono()
  .get('/bare', (c) => c.json({ status: 'ok' }))
  .get('/query', async (c) => {
    if (!sql) return c.json({ error: 'BARE_DB_URL is not set' }, 500);
    const [row] = await sql.unsafe(whoamiQuery, [], { simple: false });
    if (!row) return c.json({ error: 'no row' }, 500);
    return c.json(row);
  });
const port = Number(Deno.env.get('BARE_PORT') ?? '54399');

Deno.serve({ hostname: '127.0.0.1', port, onListen: () => console.log('bare hono listening') }, app.fetch);
