/**
 * Migrations must apply on hosted Supabase, where `postgres` is not a superuser and does not own the platform's
 * schemas: auth (owned by supabase_auth_admin), storage (supabase_storage_admin) and realtime (supabase_admin /
 * supabase_realtime_admin). There, only a table's owner may drop or alter a trigger on it, alter the table (RLS, columns,
 * owner), comment on it, index it, or drop or replace its functions; Supabase's "Restricting access on auth, storage and
 * realtime schemas" (changelog 34270, April 2025) leaves `postgres` exactly these: foreign keys to those tables, RLS
 * policies and triggers on a listed set of tables (auth.users, storage.objects, realtime.messages, …; policies through
 * supautils, which lets it create, alter and drop them), and ordinary reads and writes (inserting into storage.buckets
 * creates a bucket). Such a migration passes locally, where the stand-in makes `postgres` the owner, and fails only on
 * `supabase db push` to a real project, so this test reads every migration and fails on any statement outside that
 * set, naming the file and line. Comments and string literals are ignored; function and DO bodies are read as SQL
 * (what they run fails the same way at run time).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const migrationsDir = new URL('../../supabase/migrations/', import.meta.url);

/** Tables on which `postgres` may create triggers and RLS policies on hosted Supabase (changelog 34270). */
const openToTriggersAndPolicies = new Set([
  'auth.audit_log_entries', 'auth.identities', 'auth.refresh_tokens', 'auth.sessions', 'auth.users',
  'storage.buckets', 'storage.migrations', 'storage.objects', 'storage.s3_multipart_uploads', 'storage.s3_multipart_uploads_parts',
  'realtime.messages',
]);
/** The platform services' own migration history: never written by us. */
const migrationTables = new Set(['auth.schema_migrations', 'storage.migrations', 'realtime.schema_migrations']);

/**
 * The text with comments and string literals replaced by spaces (newlines kept, so offsets keep their line), and
 * dollar-quote delimiters blanked so that function and DO bodies are read as the SQL they are.
 */
function codeOnly(sql: string): string {
  const out = sql.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  let i = 0;
  while (i < sql.length) {
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      blank(i, stop);
      i = stop;
    } else if (sql.startsWith('/*', i)) {
      let depth = 0;
      let j = i;
      do {
        if (sql.startsWith('/*', j)) {
          depth++;
          j += 2;
        } else if (sql.startsWith('*/', j)) {
          depth--;
          j += 2;
        } else j++;
      } while (depth > 0 && j < sql.length);
      blank(i, j);
      i = j;
    } else if (sql[i] === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? '');
      let j = i + 1;
      while (j < sql.length) {
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      blank(i, j + 1);
      i = j + 1;
    } else if (sql[i] === '$') {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag && !/\w/.test(sql[i - 1] ?? '')) {
        blank(i, i + tag[0].length);
        i += tag[0].length;
      } else i++;
    } else i++;
  }
  return out.join('');
}

type Violation = { line: number; statement: string; reason: string };

const platformSchemas = new Set(['auth', 'storage', 'realtime']);
/** A possibly schema-qualified, possibly quoted name: groups `first` and (when qualified) `second`. */
const name = String.raw`"?([a-z_][a-z0-9_$]*)"?(?:\s*\.\s*"?([a-z_][a-z0-9_$]*)"?)?`;
const ifExists = String.raw`(?:if\s+(?:not\s+)?exists\s+)?`;
/** After a keyword, up to the first ` on <name>` of the same statement. */
const upToOn = String.raw`[^;]*?\bon\s+(?:only\s+)?`;

type Rule = { pattern: RegExp; reason: (table: string) => string | null };
const rule = (pattern: string, reason: Rule['reason']): Rule => ({ pattern: new RegExp(pattern + name, 'gi'), reason });
const allowedHere = (table: string) => openToTriggersAndPolicies.has(table);
const rules: Rule[] = [
  rule(String.raw`\bdrop\s+trigger\s+${ifExists}${upToOn}`,
    (t) => `drops a trigger on ${t}: only the table's owner may; keep the trigger and replace its function with one that does nothing`),
  rule(String.raw`\balter\s+trigger\s+${upToOn}`, (t) => `alters a trigger on ${t}, which only its owner may`),
  rule(String.raw`\bcomment\s+on\s+(?:trigger|policy|constraint|rule)\s+${upToOn}(?:domain\s+)?`, (t) => `comments on an object of ${t}, which only the table's owner may`),
  rule(String.raw`\bcomment\s+on\s+(?:table|column|index|function|procedure|view|materialized\s+view|sequence|type)\s+`, (t) => `comments on ${t}, which only its owner may`),
  rule(String.raw`\balter\s+(?:table|index|function|procedure|view|materialized\s+view|sequence|type)\s+${ifExists}(?:only\s+)?`,
    (t) => `alters ${t} (columns, RLS, triggers, owner…), which only its owner may`),
  rule(String.raw`\bdrop\s+(?:table|view|materialized\s+view|index\s+(?:concurrently\s+)?|function|procedure|sequence|type|aggregate)\s*${ifExists}`,
    (t) => `drops ${t}, which belongs to the platform`),
  rule(String.raw`\bcreate\s+(?:unique\s+)?index\s+${upToOn}`, (t) => `creates an index on ${t}: refused on hosted (indexes on existing platform tables are theirs to make)`),
  rule(String.raw`\bcreate\s+(?:or\s+replace\s+)?(?:table|view|materialized\s+view|function|procedure|sequence|type|aggregate)\s+${ifExists}`,
    (t) => `creates or replaces ${t} in a platform schema, which hosted Supabase refuses`),
  rule(String.raw`\btruncate\s+(?:table\s+)?(?:only\s+)?`, (t) => `truncates ${t}`),
  rule(String.raw`\brevoke\s+[^;]*?\bon\s+(?:table\s+)?`, (t) => `revokes privileges on ${t}, which hosted Supabase refuses (the services rely on their grants)`),
  rule(String.raw`\b(?:create|alter|drop)\s+policy\s+${ifExists}(?:"[^"]+"|\w+)\s+on\s+`,
    (t) => (allowedHere(t) ? null : `manages a policy on ${t}, which hosted Supabase allows only on ${[...openToTriggersAndPolicies].join(', ')}`)),
  rule(String.raw`\bcreate\s+(?:or\s+replace\s+)?(?:constraint\s+)?trigger\s+${upToOn}`,
    (t) => (allowedHere(t) ? null : `creates a trigger on ${t}, which hosted Supabase allows only on ${[...openToTriggersAndPolicies].join(', ')}`)),
  rule(String.raw`\b(?:insert\s+into|update|delete\s+from)\s+(?:only\s+)?`,
    (t) => (migrationTables.has(t) ? `writes ${t}, the platform service's own migration history` : null)),
];
/** Statements about a whole platform schema (group `first` is the schema). */
const schemaRules: Rule[] = [
  { pattern: new RegExp(String.raw`\brevoke\s+[^;]*?\bon\s+all\s+(?:tables|functions|sequences|routines)\s+in\s+schema\s+` + name, 'gi'),
    reason: (schema) => `revokes privileges on everything in ${schema}, which hosted Supabase refuses` },
  { pattern: new RegExp(String.raw`\b(?:alter|drop)\s+schema\s+${ifExists}` + name, 'gi'), reason: (schema) => `alters or drops the schema ${schema}` },
];

/**
 * Roles hosted Supabase reserves for its services (supautils.reserved_roles in supabase/postgres,
 * ansible/files/postgresql_config/supautils.conf.j2): `postgres` may not alter, rename or drop them; on those marked `*`
 * there it may set and reset only the parameters of supautils.privileged_role_allowed_configs (PostgREST's `pgrst.*`
 * among them), which is how `alter role authenticator set pgrst.db_pre_request` applies on a real project.
 */
const reservedRoles = new Set(['supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin', 'supabase_read_only_user',
  'supabase_replication_admin', 'dashboard_user', 'pgbouncer', 'service_role', 'authenticator', 'authenticated', 'anon']);
const reservedRolesWithSettings = new Set(['service_role', 'authenticator', 'authenticated', 'anon']);
const privilegedRoleAllowedConfigs = ['auto_explain.log_min_duration', 'auto_explain.log_nested_statements', 'log_lock_waits',
  'log_min_messages', 'pg_net.batch_size', 'pg_net.ttl', 'pgaudit.*', 'pgrst.*', 'plan_filter.*', 'safeupdate.enabled',
  'session_replication_role', 'track_io_timing'];
const settingAllowed = (parameter: string) =>
  privilegedRoleAllowedConfigs.some((allowed) => allowed.endsWith('.*') ? parameter.startsWith(allowed.slice(0, -1)) : parameter === allowed);
const alterRole = new RegExp(String.raw`\balter\s+(?:role|user)\s+"?([a-z_][a-z0-9_$]*)"?\s+(?:in\s+database\s+\S+\s+)?(?:(set|reset)\s+"?([a-z_][a-z0-9_.$]*))?`, 'gi');

/** `alter role` statements hosted Supabase refuses: on a reserved role, anything but an allowed parameter. */
function roleViolations(code: string, lineOf: (offset: number) => number): Violation[] {
  const found: Violation[] = [];
  for (const match of code.matchAll(alterRole)) {
    const [role, verb, parameter] = [match[1].toLowerCase(), match[2]?.toLowerCase(), match[3]?.toLowerCase()];
    if (!reservedRoles.has(role)) continue;
    const reason = !verb ? `alters the reserved role ${role} (options, password, name), which hosted Supabase refuses`
      : !reservedRolesWithSettings.has(role) ? `changes a setting of the reserved role ${role}, which hosted Supabase refuses`
      : parameter === 'all' || !settingAllowed(parameter ?? '') ? `${verb}s ${parameter} on ${role}: hosted Supabase allows only ${privilegedRoleAllowedConfigs.join(', ')}`
      : null;
    if (reason) found.push({ line: lineOf(match.index ?? 0), statement: match[0].replace(/\s+/g, ' ').trim(), reason });
  }
  return found;
}

/** Every statement of a migration that would fail (or break the platform) on hosted Supabase. */
function platformViolations(sql: string): Violation[] {
  const code = codeOnly(sql);
  const lineOf = (offset: number) => code.slice(0, offset).split('\n').length;
  const found: Violation[] = [];
  const report = (match: RegExpMatchArray, reason: string | null) => {
    if (reason) found.push({ line: lineOf(match.index ?? 0), statement: match[0].replace(/\s+/g, ' ').trim(), reason });
  };
  for (const { pattern, reason } of rules) {
    for (const match of code.matchAll(pattern)) {
      const [schema, table] = [match[1].toLowerCase(), match[2]?.toLowerCase()];
      if (table && platformSchemas.has(schema)) report(match, reason(`${schema}.${table}`));
    }
  }
  for (const { pattern, reason } of schemaRules) {
    for (const match of code.matchAll(pattern)) {
      if (!match[2] && platformSchemas.has(match[1].toLowerCase())) report(match, reason(match[1].toLowerCase()));
    }
  }
  found.push(...roleViolations(code, lineOf));
  return found.sort((a, b) => a.line - b.line);
}

const migrationFiles = readdirSync(migrationsDir).filter((name) => name.endsWith('.sql')).sort();

describe('migrations apply on hosted Supabase (no platform-owned object dropped or altered)', () => {
  it('has migrations to read', () => {
    expect(migrationFiles.length).toBeGreaterThan(10);
  });

  it.each(migrationFiles)('%s', (file) => {
    const violations = platformViolations(readFileSync(new URL(file, migrationsDir), 'utf8'));
    const report = violations.map((v) => `supabase/migrations/${file}:${v.line}: ${v.statement} — ${v.reason}`).join('\n');
    expect(report, `statements that fail on hosted Supabase (postgres does not own auth, storage or realtime):\n${report}`).toBe('');
  });
});

describe('the guard itself', () => {
  it.each([
    ['drop trigger on_auth_user_deleted_erase_group_messages on auth.users;', 'drops a trigger on auth.users'],
    ['drop trigger if exists "t" on "storage"."objects";', 'drops a trigger on storage.objects'],
    ['DROP TRIGGER x\n  ON realtime.messages;', 'drops a trigger on realtime.messages'],
    ['alter trigger t on auth.users rename to u;', 'alters a trigger on auth.users'],
    ['alter table auth.users enable row level security;', 'alters auth.users'],
    ['alter table storage.objects add column x int;', 'alters storage.objects'],
    ['alter table if exists only auth.users disable trigger all;', 'alters auth.users'],
    ['alter function storage.foldername(text) owner to postgres;', 'alters storage.foldername'],
    ['drop function auth.uid();', 'drops auth.uid'],
    ['drop index if exists auth.users_email_idx;', 'drops auth.users_email_idx'],
    ['create index users_meta_idx on auth.users (created_at);', 'creates an index on auth.users'],
    ['create or replace function auth.uid() returns uuid language sql as $$ select null::uuid $$;', 'creates or replaces auth.uid'],
    ['create table storage.extras (id int);', 'creates or replaces storage.extras'],
    ['comment on trigger t on auth.users is $$x$$;', 'comments on an object of auth.users'],
    ['comment on table storage.objects is \'files\';', 'comments on storage.objects'],
    ['revoke select on table auth.users from anon;', 'revokes privileges on auth.users'],
    ['revoke all on all tables in schema realtime from anon;', 'revokes privileges on everything in realtime'],
    ['truncate realtime.messages;', 'truncates realtime.messages'],
    ['create policy p on auth.flow_state for select using (true);', 'manages a policy on auth.flow_state'],
    ['create trigger t after insert on auth.flow_state for each row execute function private.f();', 'creates a trigger on auth.flow_state'],
    ['delete from storage.migrations;', 'writes storage.migrations'],
    ['do $$ begin\n  drop trigger t on auth.users;\nend $$;', 'drops a trigger on auth.users'],
    ['alter role authenticator set statement_timeout = \'1min\';', 'sets statement_timeout on authenticator'],
    ['alter role authenticator reset all;', 'resets all on authenticator'],
    ['alter role supabase_auth_admin set search_path = auth;', 'changes a setting of the reserved role supabase_auth_admin'],
    ['alter role anon nologin;', 'alters the reserved role anon'],
    ['ALTER USER "authenticated" RENAME TO members;', 'alters the reserved role authenticated'],
  ])('refuses %j', (sql, reason) => {
    expect(platformViolations(sql).map((v) => v.reason).join('\n')).toContain(reason);
  });

  it.each([
    'create trigger on_auth_user_created\n  after insert on auth.users\n  for each row execute function private.handle_new_user();',
    'create trigger t after insert or update of name, bucket_id or delete on storage.objects for each row execute function private.f();',
    'create policy p on storage.objects for select to authenticated using (bucket_id = \'avatars\');',
    'drop policy p on storage.objects;',
    'create policy r on realtime.messages for insert to authenticated with check (true);',
    'insert into storage.buckets (id, name, public) values (\'avatars\', \'avatars\', false);',
    'create table public.t (user_id uuid references auth.users (id) on delete cascade);',
    'create function private.f() returns void language sql as $$ delete from auth.users where id = auth.uid(); update storage.objects set owner = null $$;',
    '-- drop trigger t on auth.users;\nselect 1;',
    '/* alter table auth.users enable row level security; */ select 1;',
    'comment on function private.f() is \'Trigger on auth.users: drop trigger x on auth.users is not allowed\';',
    'drop trigger t on public.profiles; drop function private.erase_group_messages_of_deleted_account();',
    'grant select (id, role) on table public.profiles to supabase_auth_admin;',
    'alter role authenticator set pgrst.db_pre_request = \'api_guard.check_request\';',
    'alter role authenticator reset pgrst.db_pre_request;',
    'alter role healspace_worker set statement_timeout = \'5s\';',
  ])('allows %j', (sql) => {
    expect(platformViolations(sql)).toEqual([]);
  });

  it('names the line of the statement', () => {
    expect(platformViolations('select 1;\n\n-- note\ndrop trigger x on auth.users;')).toMatchObject([{ line: 4, statement: 'drop trigger x on auth.users' }]);
  });
});
