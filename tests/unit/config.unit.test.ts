/**
 * config.toml and the functions folder must agree: every function is configured (so `supabase functions deploy`
 * and the local gateway serve the same set), verifies its own tokens, and uses the shared import map.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const config = readFileSync(new URL('supabase/config.toml', root), 'utf8');
const functionFolders = readdirSync(new URL('functions/', root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(new URL(`functions/${entry.name}/index.ts`, root)))
  .map((entry) => entry.name)
  .sort();

function section(name: string): Record<string, string> {
  const match = new RegExp(`^\\[functions\\.${name}\\]\\n((?:[a-z_]+ = .+\\n?)+)`, 'm').exec(config);
  if (!match) return {};
  return Object.fromEntries(match[1].trim().split('\n').map((line) => line.split(' = ') as [string, string]));
}

describe('supabase/config.toml functions', () => {
  it('has at least the foundation functions', () => {
    expect(functionFolders).toEqual(expect.arrayContaining(['health', 'whoami']));
  });

  it.each(functionFolders)('configures %s with its entrypoint, the shared import map and verify_jwt = false', (name) => {
    expect(section(name)).toEqual({
      enabled: 'true',
      verify_jwt: 'false',
      import_map: '"../functions/deno.json"',
      entrypoint: `"../functions/${name}/index.ts"`,
    });
  });

  it('configures no function that does not exist', () => {
    const configured = [...config.matchAll(/^\[functions\.([a-z0-9_-]+)\]$/gm)].map((match) => match[1]).sort();
    expect(configured).toEqual(functionFolders);
  });

  it('keeps the auth settings the foundation promises', () => {
    expect(config).toMatch(/^jwt_expiry = 3600$/m);
    expect(config).toMatch(/^enable_refresh_token_rotation = true$/m);
    expect(config).toMatch(/^enable_anonymous_sign_ins = true$/m);
    expect(config).toMatch(/^minimum_password_length = 10$/m);
    expect(config).toMatch(/^\[auth\.external\.google\]\nenabled = true\nclient_id = "env\(SUPABASE_AUTH_EXTERNAL_GOOGLE_CLIENT_ID\)"/m);
    expect(config).toMatch(/^\[auth\.external\.github\]\nenabled = true\nclient_id = "env\(SUPABASE_AUTH_EXTERNAL_GITHUB_CLIENT_ID\)"/m);
  });
});

describe('supabase/config.toml identity settings', () => {
  it('enables the custom access token hook on the function the roles migration creates', () => {
    expect(config).toMatch(/^\[auth\.hook\.custom_access_token\]\nenabled = true\nuri = "pg-functions:\/\/postgres\/private\/custom_access_token_hook"$/m);
    const migration = readFileSync(new URL('supabase/migrations/20261125180400_roles.sql', root), 'utf8');
    expect(migration).toContain('create function private.custom_access_token_hook(event jsonb)');
    expect(migration).toContain('grant execute on function private.custom_access_token_hook(jsonb) to supabase_auth_admin;');
  });

  it.each([
    ['avatars', '20261125180500_avatars.sql'],
    ['group-covers', '20261125181800_group_covers.sql'],
  ])('configures the %s bucket exactly as its migration creates it', (bucketId, migrationFile) => {
    const escaped = bucketId.replace('-', '\\-');
    const bucket = new RegExp(`^\\[storage\\.buckets\\.${escaped}\\]\\npublic = (\\w+)\\nfile_size_limit = "(\\d+)MiB"\\nallowed_mime_types = \\[(.+)\\]$`, 'm').exec(config);
    expect(bucket).not.toBeNull();
    const [, isPublic, sizeMiB, mimeTypes] = bucket!;
    const migration = readFileSync(new URL(`supabase/migrations/${migrationFile}`, root), 'utf8');
    const row = new RegExp(`values \\('${escaped}', '${escaped}', (\\w+), (\\d+), array\\[(.+?)\\]\\)`).exec(migration);
    expect(row).not.toBeNull();
    const [, migrationPublic, migrationBytes, migrationMimeTypes] = row!;
    expect(isPublic).toBe(migrationPublic);
    expect(Number(sizeMiB) * 1024 * 1024).toBe(Number(migrationBytes));
    expect(mimeTypes.replaceAll('"', "'")).toBe(migrationMimeTypes);
  });
});
