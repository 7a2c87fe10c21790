/**
 * The Hono app every function starts from: mounted under `/<function-name>` (the path Supabase's edge runtime
 * hands a function), with CORS, a body size limit, a request log, authentication middleware and the one error
 * shape for every failure, including unknown routes and unexpected exceptions.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type AccessTokenClaims, bearerToken, requireUserClaims, type UserClaims, verifyAccessToken } from './auth.ts';
import { readEnv } from './env.ts';
import { fromPostgresError, HttpError } from './errors.ts';
import { log } from './log.ts';

export type FunctionEnv = { Variables: { requestId: string; claims: AccessTokenClaims } };
export type FunctionApp = Hono<FunctionEnv>;

/** Bodies above this are refused with 413 before any handler reads them. */
export const maxBodyBytes = 64 * 1024;

/** Network failures reaching Postgres: the service is unavailable, the request was not wrong. */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', '57P01', '57P03', '53300']);

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
  if (code && unavailableCodes.has(code)) return new HttpError(503, 'Service temporarily unavailable; try again shortly');
  return fromPostgresError(error) ?? new HttpError(500, 'Internal server error');
}

export function errorResponse(c: Context, error: HttpError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(error.toBody(), error.status as ContentfulStatusCode);
}

export function createFunctionApp(name: string): FunctionApp {
  // strict: false, so /booking/ and /booking are one route (clients and proxies add or drop the trailing slash).
  const app = new Hono<FunctionEnv>({ strict: false }).basePath(`/${name}`);

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header('x-request-id') ?? crypto.randomUUID();
    c.set('requestId', requestId);
    await next();
    c.header('x-request-id', requestId);
    log(c.res.status >= 500 ? 'error' : 'info', 'request', {
      function: name,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      request_id: requestId,
    });
  });

  app.use('*', cors({
    origin: (readEnv('CORS_ALLOWED_ORIGINS') ?? '*').split(',').map((origin) => origin.trim()),
    allowHeaders: ['authorization', 'x-client-info', 'apikey', 'content-type', 'idempotency-key', 'x-request-id'],
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    exposeHeaders: ['x-request-id'],
    maxAge: 86400,
  }));

  app.use('*', bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => errorResponse(c, new HttpError(413, `Request body is larger than ${maxBodyBytes} bytes`)),
  }));

  app.notFound((c) => errorResponse(c, new HttpError(404, `No route for ${c.req.method} ${c.req.path}`)));

  app.onError((error, c) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) {
      // The message and SQLSTATE only: never the request body, never query parameters.
      log('error', 'unhandled_error', {
        function: name,
        request_id: c.get('requestId'),
        error: error instanceof Error ? error.name : typeof error,
        message: error instanceof Error ? error.message : String(error),
        code: error && typeof error === 'object' && 'code' in error ? String(error.code) : undefined,
      });
    }
    return errorResponse(c, httpError);
  });

  return app;
}

/** Verifies the bearer token (any API role) and stores its claims in `c.var.claims`. */
export const requireToken: MiddlewareHandler<FunctionEnv> = async (c, next) => {
  c.set('claims', await verifyAccessToken(bearerToken(c.req.header('authorization'))));
  await next();
};

/** Like requireToken, but the caller must be a signed-in user (`role = authenticated` with a subject). */
export const requireUser: MiddlewareHandler<FunctionEnv> = async (c, next) => {
  c.set('claims', requireUserClaims(await verifyAccessToken(bearerToken(c.req.header('authorization')))));
  await next();
};

export function userClaims(c: Context<FunctionEnv>): UserClaims {
  return requireUserClaims(c.get('claims'));
}
