/**
 * Local API gateway, run by real Deno: one API_URL, as `supabase start` gives (Kong there):
 *   /functions/v1/<name>   every edge function, the way Supabase's edge runtime serves them;
 *   /rest/v1/…             PostgREST (REST_UPSTREAM, when it runs), with the path below /rest/v1, as Kong forwards it.
 *
 * Each `functions/<name>/index.ts` (folders starting with `_` are shared code, as on the platform) is imported
 * unchanged; its `Deno.serve(handler)` call is captured instead of opening a port, and requests under
 * `/functions/v1/<name>` reach that handler with the path the platform gives a function: `/<name>/…`.
 * Functions verify tokens themselves (config.toml: verify_jwt = false), so the gateway only routes.
 * All functions share this one process; on the platform each runs in its own isolate.
 */
type Handler = (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

const functionsDir = new URL('../functions/', import.meta.url);
const hostname = Deno.env.get('FUNCTIONS_HOST') ?? '127.0.0.1';
const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54321');
const restUpstream = Deno.env.get('REST_UPSTREAM');

function errorJson(status: number, message: string, error: string): Response {
  return Response.json({ statusCode: status, message, error, details: [] }, { status });
}

function functionNames(): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(functionsDir)) {
    if (!entry.isDirectory || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    try {
      Deno.statSync(new URL(`${entry.name}/index.ts`, functionsDir));
      names.push(entry.name);
    } catch {
      // A folder without index.ts is not a function.
    }
  }
  return names.sort();
}

function handlerOf(args: unknown[]): Handler {
  const [first, second] = args as [unknown, unknown];
  if (typeof first === 'function') return first as Handler;
  if (typeof second === 'function') return second as Handler;
  const options = first as { handler?: Handler; fetch?: Handler } | undefined;
  const handler = options?.handler ?? options?.fetch;
  if (!handler) throw new Error('Deno.serve was called without a handler');
  return handler;
}

async function loadFunctions(): Promise<Map<string, Handler>> {
  const handlers = new Map<string, Handler>();
  const realServe = Deno.serve;
  try {
    for (const name of functionNames()) {
      let captured: Handler | undefined;
      (Deno as { serve: unknown }).serve = (...args: unknown[]) => {
        captured = handlerOf(args);
        return { finished: Promise.resolve(), shutdown: () => Promise.resolve(), ref() {}, unref() {}, addr: { hostname, port, transport: 'tcp' } };
      };
      await import(new URL(`${name}/index.ts`, functionsDir).href);
      if (!captured) throw new Error(`functions/${name}/index.ts did not call Deno.serve`);
      handlers.set(name, captured);
    }
  } finally {
    (Deno as { serve: unknown }).serve = realServe;
  }
  return handlers;
}

const handlers = await loadFunctions();
const route = /^\/functions\/v1\/([^/]+)(\/.*)?$/;
const restRoute = /^\/rest\/v1(\/.*)?$/;

/** Forwards a request to PostgREST below /rest/v1, streaming both ways; hop-by-hop headers stay behind. */
async function proxyRest(request: Request, path: string, search: string): Promise<Response> {
  if (!restUpstream) return errorJson(503, 'PostgREST is not running here (see npm start\'s output)', 'Service Unavailable');
  const headers = new Headers(request.headers);
  for (const name of ['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade']) headers.delete(name);
  try {
    const upstream = await fetch(`${restUpstream}${path || '/'}${search}`, {
      method: request.method, headers, body: request.body, redirect: 'manual', duplex: 'half',
    } as RequestInit);
    return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: upstream.headers });
  } catch {
    return errorJson(503, 'PostgREST is not reachable', 'Service Unavailable');
  }
}

const server = Deno.serve({
  hostname,
  port,
  onListen: () => console.log(JSON.stringify({ level: 'info', event: 'functions_listening', url: `http://${hostname}:${port}/functions/v1/`, functions: [...handlers.keys()], rest: restUpstream ? `http://${hostname}:${port}/rest/v1/` : null })),
}, async (request, info) => {
  const url = new URL(request.url);
  const restPath = restRoute.exec(url.pathname);
  if (restPath) return await proxyRest(request, restPath[1] ?? '', url.search);
  const match = route.exec(url.pathname);
  if (!match) return errorJson(404, 'Served here: /rest/v1/… (PostgREST) and /functions/v1/<name>', 'Not Found');
  const [, name, rest = ''] = match;
  const handler = handlers.get(name);
  if (!handler) return errorJson(404, `Function not found: ${name}`, 'Not Found');
  // Method, headers and body only: copying the whole request would read `request.signal`, which this Deno version
  // still aborts after every successful response (and warns about on first use).
  const forwarded = new Request(new URL(`/${name}${rest}${url.search}`, url.origin), {
    method: request.method,
    headers: request.headers,
    body: request.body,
    duplex: 'half',
  } as RequestInit);
  try {
    return await handler(forwarded, info);
  } catch (error) {
    // A function that throws past its own error handler: answer in our shape, never a bare stack trace.
    console.error(JSON.stringify({ level: 'error', event: 'function_crashed', function: name, message: String(error) }));
    return errorJson(500, 'Internal server error', 'Internal Server Error');
  }
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  Deno.addSignalListener(signal, () => {
    server.shutdown().finally(() => Deno.exit(0));
  });
}
