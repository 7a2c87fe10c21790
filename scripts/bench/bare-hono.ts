/**
 * The baseline for `npm run bench`: a bare Hono handler on the same Deno runtime, with none of our plumbing
 * (no gateway, no middleware, no token check, no database). Whatever the functions cost above this is ours.
 */
import { Hono } from 'hono';

const app = new Hono().get('/bare', (c) => c.json({ status: 'ok' }));
const port = Number(Deno.env.get('BARE_PORT') ?? '54399');

Deno.serve({ hostname: '127.0.0.1', port, onListen: () => console.log('bare hono listening') }, app.fetch);
