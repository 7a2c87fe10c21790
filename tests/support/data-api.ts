/**
 * What the data-api-<domain> suites share: assertions on what supabase-js answers (`{ data, error, status }`), so that
 * each check names the status and code the frontend will see.
 */
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { expect } from 'vitest';
import { env } from './stack.ts';
import type { Database } from '../../types/database.ts';

/** The parts of a supabase-js answer (PostgrestResponse, PostgrestSingleResponse, rpc) the suites look at. */
export type Answer<T> = { data: T | null; error: { code: string; message: string; details?: string | null; hint?: string | null } | null; status: number; count?: number | null };

/** A successful answer (no error, the given status, 200 unless said) and its data (null only for a 201 or 204 without a body). */
export function ok<A extends Answer<unknown>>(answer: A, status = 200): NonNullable<A['data']> {
  expect({ status: answer.status, error: answer.error }).toEqual({ status, error: null });
  return answer.data as NonNullable<A['data']>;
}

/**
 * The data of a call that must succeed, whatever its 2xx status (a step of a scenario, not the check under test). An
 * error fails the test with the call's name, the HTTP status and what PostgREST said. Like `ok`, the data is null
 * only for a write without a body.
 */
export function succeeded<A extends Answer<unknown>>(answer: A, call: string): NonNullable<A['data']> {
  if (answer.error) {
    const { code, message, details, hint } = answer.error;
    throw new Error(`${call} failed with ${answer.status} ${code}: ${message}${details ? ` (${details})` : ''}${hint ? ` hint: ${hint}` : ''}`);
  }
  return answer.data as NonNullable<A['data']>;
}

/** A successful read that found nothing of anyone else: 200 and an empty list. */
export function empty(answer: Answer<unknown[]>): void {
  expect({ status: answer.status, error: answer.error, data: answer.data }).toEqual({ status: 200, error: null, data: [] });
}

/** A refusal as supabase-js returns it: no data, the HTTP status and the SQLSTATE (or PostgREST) code. */
export function refused(answer: Answer<unknown>, status: number, code: string, message?: string | RegExp): void {
  expect({ status: answer.status, code: answer.error?.code, data: answer.data }).toEqual({ status, code, data: null });
  if (message !== undefined) expect(answer.error?.message).toMatch(message);
}

/** The anon key alone, on anything but helplines and crisis_support: 401 with 42501 (no grant to anon). */
export function anonRefused(answer: Answer<unknown>): void {
  refused(answer, 401, '42501');
}

/** A signed-in person without the grant (a column or table privilege, or a row an RLS check refuses): 403 with 42501. */
export function forbidden(answer: Answer<unknown>): void {
  refused(answer, 403, '42501');
}

/** supabase-js with the service role key as the apikey and token, as server code uses it (npm test provides the key). */
export function supabaseAsServiceRole() {
  const key = process.env.SUPABASE_SERVICE_ROLE_KEY ?? '';
  if (!key) throw new Error('SUPABASE_SERVICE_ROLE_KEY is not set: run the suites with `npm test`');
  return createClient<Database>(env.apiUrl, key, {
    realtime: { transport: ws as never },
    auth: { persistSession: false, autoRefreshToken: false },
  });
}
