/**
 * Access-token verification with jose, the way Supabase recommends for functions that check tokens themselves
 * (config.toml sets `verify_jwt = false` so that our own 401 carries the seed's error shape):
 * - HS256 tokens against the project's JWT secret (`JWT_SECRET`, the name `supabase status` prints; secrets
 *   named SUPABASE_* are reserved on the platform): the local stack and projects on the legacy secret;
 * - asymmetric tokens (RS256/ES256) against the project's JWKS (`JWKS_URL`, or derived from
 *   `SUPABASE_URL`): hosted projects with the new signing keys.
 * `alg: none` and every algorithm not listed here are refused by jose before any claim is read.
 */
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import { HttpError } from './errors.ts';
import { readEnv } from './env.ts';

/** The Postgres roles a token may ask for: exactly the API roles PostgREST switches to. */
export const apiRoles = ['anon', 'authenticated', 'service_role'] as const;
export type ApiRole = (typeof apiRoles)[number];

/** The claims Supabase Auth puts in an access token (the ones we rely on; others pass through untouched). */
export type AccessTokenClaims = JWTPayload & {
  role: ApiRole;
  sub?: string;
  email?: string;
  phone?: string;
  is_anonymous?: boolean;
  aal?: string;
  /** Authentication methods of the session and when each was used (Supabase Auth's amr claim). */
  amr?: Array<{ method: string; timestamp: number }>;
  session_id?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
};

/** A verified caller who is a signed-in user (anonymous sign-ins included: they are users too). */
export type UserClaims = AccessTokenClaims & { role: 'authenticated'; sub: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let cachedSecret: { source: string; key: Uint8Array } | undefined;
let cachedJwks: { url: string; keySet: ReturnType<typeof createRemoteJWKSet> } | undefined;

function hmacKey(): Uint8Array | undefined {
  const secret = readEnv('JWT_SECRET');
  if (!secret) return undefined;
  if (cachedSecret?.source !== secret) cachedSecret = { source: secret, key: new TextEncoder().encode(secret) };
  return cachedSecret.key;
}

function remoteKeySet(): ReturnType<typeof createRemoteJWKSet> | undefined {
  const supabaseUrl = readEnv('SUPABASE_URL');
  const url = readEnv('JWKS_URL') ??
    (supabaseUrl ? `${supabaseUrl.replace(/\/$/, '')}/auth/v1/.well-known/jwks.json` : undefined);
  if (!url) return undefined;
  if (cachedJwks?.url !== url) cachedJwks = { url, keySet: createRemoteJWKSet(new URL(url)) };
  return cachedJwks.keySet;
}

function unauthorized(message: string, description = message): HttpError {
  return new HttpError(401, message, [], {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  });
}

/** Reads `Authorization: Bearer <token>`; a missing or malformed header is a 401. */
export function bearerToken(authorization: string | undefined | null): string {
  if (!authorization) throw new HttpError(401, 'Missing bearer token', [], { 'WWW-Authenticate': 'Bearer' });
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization);
  if (!match) throw unauthorized('Malformed Authorization header');
  return match[1];
}

function headerAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
}

/** Verifies signature, expiry and the role claim; returns the claims or throws a 401 HttpError. */
export async function verifyAccessToken(token: string): Promise<AccessTokenClaims> {
  const algorithm = headerAlgorithm(token);
  if (!algorithm) throw unauthorized('Invalid token');
  let payload: JWTPayload;
  try {
    if (algorithm === 'HS256') {
      const key = hmacKey();
      if (!key) throw unauthorized('Invalid token', 'HS256 tokens are not accepted by this project');
      ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'role'] }));
    } else {
      const keySet = remoteKeySet();
      if (!keySet) throw unauthorized('Invalid token', 'no signing keys are configured');
      ({ payload } = await jwtVerify(token, keySet, { algorithms: ['RS256', 'ES256'], requiredClaims: ['exp', 'role'] }));
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw unauthorized('Token expired');
    if (error instanceof joseErrors.JOSEError) throw unauthorized('Invalid token', error.code);
    throw error;
  }
  if (!apiRoles.includes(payload.role as ApiRole)) throw unauthorized('Invalid token', 'unknown role');
  if (payload.sub !== undefined && !uuidPattern.test(String(payload.sub))) throw unauthorized('Invalid token', 'bad subject');
  return payload as AccessTokenClaims;
}

/** A valid token whose account has since been deleted no longer names a person: 401, like any other bad token. */
export function accountGone(): HttpError {
  return unauthorized('This account no longer exists', 'the account was deleted');
}

/** The caller must be a signed-in user: the anon key or the service key alone is not a person. */
export function requireUserClaims(claims: AccessTokenClaims): UserClaims {
  if (claims.role !== 'authenticated' || !claims.sub) throw unauthorized('Sign-in required', 'token is not a user session');
  return claims as UserClaims;
}
