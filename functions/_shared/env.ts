/**
 * Environment access that works on Supabase's edge runtime, local Deno and Node (vitest).
 * Shared code never touches `Deno` or `process` directly, so the same files run everywhere.
 */
type EnvSource = { get(name: string): string | undefined };

const denoEnv = (globalThis as { Deno?: { env: EnvSource } }).Deno?.env;
const nodeEnv = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;

export function readEnv(name: string): string | undefined {
  const value = denoEnv ? denoEnv.get(name) : nodeEnv?.[name];
  return value === '' ? undefined : value;
}

export function requireEnv(name: string): string {
  const value = readEnv(name);
  if (value === undefined) throw new Error(`Missing environment variable ${name}`);
  return value;
}
