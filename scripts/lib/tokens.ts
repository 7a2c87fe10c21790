/**
 * Local access tokens, signed with jose exactly as Supabase Auth signs them with an HS256 project secret.
 * The default secret is the Supabase CLI's documented local demo secret: it protects nothing real.
 */
import { SignJWT } from 'jose';

export const demoJwtSecret = 'super-secret-jwt-token-with-at-least-32-characters-long';

export function jwtSecret(): string {
  return process.env.JWT_SECRET || demoJwtSecret;
}

/** The API keys `supabase status` prints: long-lived tokens for the anon and service_role roles. */
export async function apiKey(role: 'anon' | 'service_role', secret = jwtSecret()): Promise<string> {
  // The CLI's demo keys, claim for claim and in the same order: with the demo secret these are byte for byte the
  // keys `supabase status` prints, so any Supabase tool or example configured with them works here.
  return await new SignJWT({ iss: 'supabase-demo', role, exp: 1983812996 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/** The columns of auth.users that go into a user's access token. */
export type AuthUserRow = {
  id: string;
  email: string | null;
  phone: string | null;
  is_anonymous: boolean;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
};

export type UserTokenOptions = { apiUrl: string; expiresInSeconds?: number; secret?: string; issuedAt?: number };

/** A user's access token with the claims Supabase Auth issues (sub, role, aal, amr, session_id, metadata…). */
export async function userAccessToken(user: AuthUserRow, options: UserTokenOptions): Promise<string> {
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const method = user.is_anonymous ? 'anonymous' : 'password';
  return await new SignJWT({
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    aal: 'aal1',
    amr: [{ method, timestamp: issuedAt }],
    session_id: crypto.randomUUID(),
    is_anonymous: user.is_anonymous,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`${options.apiUrl.replace(/\/$/, '')}/auth/v1`)
    .setSubject(user.id)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? jwtSecret()));
}
