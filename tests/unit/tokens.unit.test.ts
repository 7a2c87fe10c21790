/**
 * Local tokens: the API keys are the Supabase CLI's documented demo keys (so Supabase tools and examples configured
 * with them work against `npm start`), and user tokens carry the claims Supabase Auth issues and our functions accept.
 */
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyAccessToken } from '../../functions/_shared/auth.ts';
import { apiKey, demoJwtSecret, userAccessToken } from '../../scripts/lib/tokens.ts';

// From Supabase's local development docs (`supabase status` with the default secret).
const documentedAnonKey =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
const documentedServiceRoleKey =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';

describe('local API keys', () => {
  it('are byte for byte the CLI\'s demo keys with the demo secret', async () => {
    expect(await apiKey('anon', demoJwtSecret)).toBe(documentedAnonKey);
    expect(await apiKey('service_role', demoJwtSecret)).toBe(documentedServiceRoleKey);
  });

  it('are signed with the configured secret when one is given', async () => {
    const custom = await apiKey('anon', 'another-local-secret-with-32-characters!');
    expect(custom).not.toBe(documentedAnonKey);
    expect(decodeJwt(custom)).toEqual({ iss: 'supabase-demo', role: 'anon', exp: 1983812996 });
  });
});

describe('userAccessToken', () => {
  const user = {
    id: '6f1c2a3e-0d7b-4c8e-9a51-000000000001', email: 'ava@example.com', phone: null, is_anonymous: false,
    raw_app_meta_data: { provider: 'email' }, raw_user_meta_data: { firstName: 'Ava' },
  };

  it('carries Supabase Auth\'s claims and passes our verification', async () => {
    const secret = 'unit-test-secret-with-at-least-32-characters!';
    process.env.JWT_SECRET = secret;
    const token = await userAccessToken(user, { apiUrl: 'http://127.0.0.1:54321/', secret, issuedAt: Math.floor(Date.now() / 1000) });
    const claims = await verifyAccessToken(token);
    expect(claims).toMatchObject({
      sub: user.id, role: 'authenticated', aud: 'authenticated', email: user.email, phone: '', aal: 'aal1',
      is_anonymous: false, iss: 'http://127.0.0.1:54321/auth/v1', app_metadata: { provider: 'email' }, user_metadata: { firstName: 'Ava' },
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.amr).toEqual([{ method: 'password', timestamp: claims.iat }]);
  });

  it('marks anonymous sign-ins with the anonymous method', async () => {
    const token = await userAccessToken({ ...user, email: null, is_anonymous: true }, { apiUrl: 'http://x', secret: 'x'.repeat(32) });
    expect(decodeJwt(token)).toMatchObject({ is_anonymous: true, email: '', amr: [{ method: 'anonymous' }] });
  });
});
