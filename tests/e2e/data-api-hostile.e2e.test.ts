/**
 * Hostile input on the data API, through the real PostgREST (issue 15, part 3: "No 5xx from any input, through
 * PostgREST"). Everything goes over HTTP to API_URL/rest/v1 (the gateway, as the frontend meets it).
 *
 * 1. Targets, enumerated, never listed by hand: every RPC and every relation the API roles can insert into, update
 *    or delete from, from the catalog (privileges of anon and authenticated, column by column), each checked against
 *    PostgREST's own OpenAPI document (fetched with the anon key and with a signed-in person's token), which also
 *    gives each argument's and column's type. A function or writable relation in one and not the other fails.
 * 2. Fuzzing (fast-check, seeded with HOSTILE_INPUT_SEED, DATA_API_HOSTILE_RUNS requests per target): arguments,
 *    bodies, filters, `select`, `order`, `columns`, `on_conflict`, Prefer/Accept/Range headers and content types, as
 *    anon, a client, a therapist and (RPCs only) an admin, with uuids of their own fixtures so calls reach real rows.
 *    Values: PostgREST operators and filter syntax, SQL, tsquery and regex syntax, strings up to 1.5 MB, deep JSON,
 *    arrays, CJK, emoji, combining marks, NUL and lone surrogates (in JSON escapes and as bad UTF-8 in URLs and raw
 *    bodies), numbers at and past the limits (raw JSON such as 1e400), wrong types and unknown keys.
 *    Every answer must be a 2xx, or a 4xx with a stable code (PGRSTnnn or a SQLSTATE), never 57014, within 5 s.
 *    Failures are collected by class (status, code, message) and reported together, one smallest example each.
 * 3. Limits: a body declared over 2 MiB is a 413 (PT413) from api_guard.check_request, PostgREST's pre-request, before
 *    the statement that would parse it (100 MB ran into the statement timeout); query strings past the HTTP servers'
 *    limits are a 400; the gateway (scripts/serve-functions.ts) answers what PostgREST itself (REST_URL) answers.
 *
 * Upstream failures no database object can prevent are allowed by name only (knownUpstream), each pinned by a test
 * that fails once an upgrade fixes it: PostgREST's fts/wfts filters reaching to_tsquery's internal limit (XX000
 * "tsquery stack too small", on any readable text column: pg_catalog comes first in every search path, and PostgREST
 * passes no query string to the pre-request); PostgREST 12.0.2 answering 500 "Something went wrong" to a query string
 * or form body that is not UTF-8, and closing the connection on some unparsable CSV bodies. Kept out of the fuzzing:
 * RPC argument names of kilobytes, whose "did you mean" hint costs PostgREST time quadratic in their length.
 *
 * Reproduce a run with the seed it prints: HOSTILE_INPUT_SEED=<seed> (DATA_API_HOSTILE_RUNS for more runs).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSql, createUser, env, supabaseAs, type TestUser, tokenFor } from '../support/stack.ts';

const seed = Number(process.env.HOSTILE_INPUT_SEED ?? 20261125);
const runsPerTarget = Number(process.env.DATA_API_HOSTILE_RUNS ?? 10);
const rest = `${env.apiUrl}/rest/v1`;
/** PostgREST itself, behind the gateway: `npm test` passes its URL so the gateway can be compared with it. */
const directRest = process.env.REST_URL ?? '';
/** api_guard.check_request's limit on a declared request body (Content-Length), see its migration. */
const maxBodyBytes = 2 * 1024 * 1024;
const concurrency = 4;

// ---------------------------------------------------------------------------------------------------------------
// Targets: the catalog, checked against PostgREST's OpenAPI document
// ---------------------------------------------------------------------------------------------------------------

type Role = 'anon' | 'authenticated';
type Column = { name: string; format: string; type?: string; items?: { type?: string }; enum?: string[] };
type RpcTarget = { kind: 'rpc'; name: string; params: Column[]; readOnly: boolean; roles: Role[]; key: string };
type WriteTarget = { kind: 'insert' | 'update' | 'delete'; name: string; columns: Column[]; writable: string[]; roles: Role[]; key: string };
type Target = RpcTarget | WriteTarget;
type OpenApi = {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema?: { properties?: Record<string, Column> } }> }>>;
  definitions: Record<string, { properties?: Record<string, Column> }>;
};

async function openApi(token: string): Promise<OpenApi> {
  const response = await fetch(`${rest}/`, { headers: { apikey: env.anonKey, authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /rest/v1/ answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as OpenApi;
}

type CatalogFunction = { name: string; volatility: string; anon: boolean; authenticated: boolean };
type CatalogRelation = { name: string; role: Role; insert_columns: string[]; update_columns: string[]; can_delete: boolean };

async function loadTargets(userToken: string): Promise<{ targets: Target[]; mismatches: string[]; enums: Map<string, string[]> }> {
  const sql = adminSql();
  const [anonDoc, userDoc, functions, relations, enumRows] = await Promise.all([
    openApi(env.anonKey),
    openApi(userToken),
    sql<CatalogFunction[]>`
      select p.proname as name, p.provolatile::text as volatility,
             has_function_privilege('anon', p.oid, 'execute') as anon,
             has_function_privilege('authenticated', p.oid, 'execute') as authenticated
      from pg_catalog.pg_proc as p
      where p.pronamespace = 'public'::regnamespace and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype
        and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
      order by 1`,
    sql<CatalogRelation[]>`
      select c.relname as name, r.role,
             array(select a.attname::text from pg_catalog.pg_attribute as a
                   where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                     and has_column_privilege(r.role, c.oid, a.attnum, 'insert') order by a.attnum) as insert_columns,
             array(select a.attname::text from pg_catalog.pg_attribute as a
                   where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                     and has_column_privilege(r.role, c.oid, a.attnum, 'update') order by a.attnum) as update_columns,
             has_table_privilege(r.role, c.oid, 'delete') as can_delete
      from pg_catalog.pg_class as c cross join (values ('anon'), ('authenticated')) as r (role)
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm', 'f', 'p')
      order by 1, 2`,
    sql<{ name: string; labels: string[] }[]>`
      select t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
      from pg_catalog.pg_type as t join pg_catalog.pg_enum as e on e.enumtypid = t.oid
      where t.typnamespace = 'public'::regnamespace group by t.typname`,
  ]);
  const enums = new Map(enumRows.map((row) => [row.name, row.labels]));
  const mismatches: string[] = [];
  const targets: Target[] = [];

  const rpcPaths = (doc: OpenApi) => new Set(Object.keys(doc.paths).filter((path) => path.startsWith('/rpc/')).map((path) => path.slice(5)));
  const anonRpcs = rpcPaths(anonDoc);
  const userRpcs = rpcPaths(userDoc);
  for (const fn of functions) {
    if (fn.anon && !anonRpcs.has(fn.name)) mismatches.push(`rpc ${fn.name}: executable by anon, missing from anon's OpenAPI`);
    if (fn.authenticated && !userRpcs.has(fn.name)) mismatches.push(`rpc ${fn.name}: executable by authenticated, missing from the signed-in OpenAPI`);
    const doc = fn.authenticated ? userDoc : anonDoc;
    const body = doc.paths[`/rpc/${fn.name}`]?.post?.parameters?.find((parameter) => parameter.in === 'body');
    const params = Object.entries(body?.schema?.properties ?? {}).map(([name, column]) => ({ ...column, name }));
    const roles = (['anon', 'authenticated'] as const).filter((role) => fn[role]);
    targets.push({ kind: 'rpc', name: fn.name, params, readOnly: fn.volatility !== 'v', roles, key: `rpc ${fn.name}` });
  }
  for (const name of new Set([...anonRpcs, ...userRpcs])) {
    if (!functions.some((fn) => fn.name === name)) mismatches.push(`rpc ${name}: in the OpenAPI, but no public function the API roles may execute`);
  }

  const byName = new Map<string, CatalogRelation[]>();
  for (const relation of relations) byName.set(relation.name, [...(byName.get(relation.name) ?? []), relation]);
  for (const [name, rows] of byName) {
    const definition = userDoc.definitions[name] ?? anonDoc.definitions[name];
    const columns = Object.entries(definition?.properties ?? {}).map(([column, schema]) => ({ ...schema, name: column }));
    const kinds = [
      ['insert', rows.filter((row) => row.insert_columns.length > 0)],
      ['update', rows.filter((row) => row.update_columns.length > 0)],
      ['delete', rows.filter((row) => row.can_delete)],
    ] as const;
    for (const [kind, allowed] of kinds) {
      if (allowed.length === 0) continue;
      if (!definition) mismatches.push(`${name}: ${kind} granted to ${allowed.map((row) => row.role).join(', ')}, but not in the OpenAPI`);
      const writable = [...new Set(allowed.flatMap((row) => kind === 'insert' ? row.insert_columns : kind === 'update' ? row.update_columns : []))];
      targets.push({ kind, name, columns, writable, roles: allowed.map((row) => row.role), key: `${kind} ${name}` });
    }
  }
  return { targets, mismatches, enums };
}

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

/** JSON text spliced into a body as is: numbers JavaScript cannot hold, deep nesting, bad escapes. */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${toJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A string as text for a URL or a form: Raw stays raw, anything else becomes text. */
function asText(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (typeof value === 'string') return value;
  return toJson(value);
}

const hugeCache = new Map<string, string>();
/** `unit` repeated to about `bytes` bytes of UTF-8. */
function huge(unit: string, bytes: number): string {
  const key = `${unit}:${bytes}`;
  let value = hugeCache.get(key);
  if (!value) {
    value = unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))));
    hugeCache.set(key, value);
  }
  return value;
}

const syntax = [
  // PostgREST operators, filter and select syntax
  'eq.1', 'not.is.null', 'is.null', 'is.unknown', 'in.(1,2,3)', 'in.("a","b")', 'in.()', 'cs.{a}', 'cd.{}', 'ov.[1,2]', 'fts.a', 'plfts(english).a b',
  'or=(id.eq.1)', 'or(a.eq.1,b.eq.2)', 'and(a.eq.1,not.or(b.eq.2))', 'eq(any).{a,b}', 'like(all).{%a%,_}', '*', '**', 'id,*', 'x:id', 'id::text',
  'count()', 'profiles(*)', 'profiles!inner(*)', 'a->b->>c', 'data->>0', 'id.desc.nullsfirst', 'asc.nullslast', 'desc,asc',
  // SQL and string-literal syntax
  "'", "''", '"', '"\\"', '\\', '\\\\', '(', ')', '((()))', ',', '.', '..', ';', '--', '/*', '*/', "'; drop table public.profiles; --",
  "x' or '1'='1", '$1', '$$', '$tag$', 'E\'\\x00\'', '%s%n%x', 'pg_sleep(10)', 'now()', 'null', 'NULL', 'true', 'undefined', '{', '}', '{}', '{{}}',
  '{a,b}', '{"a":1}', '{"\\"}', '{{a}', '[1,2)', '(,)', 'empty', '[]', '::text', '->', '->>', '#>>{a}', '@>', '<@', '&&', '||', '!=', '<>',
  // tsquery and regex syntax
  '!', '!!', '<->', '<1>', '<99999>', ':*', ':ABCD', '&', '|', '-'.repeat(34), '!'.repeat(40), '('.repeat(64), '!(&|<->:*'.repeat(20), '"a" or -b',
  '.*', '(a*)*b', '(a|a)*$', '((a+)+)+$', '[[:alpha:]]{1,255}{1,255}', '\\1', '(?=a)', 'a{1000000}', '[', '(?', '%', '_', '%%%_%\\%',
  // literals at and past the limits of types
  'infinity', '-infinity', 'NaN', 'Infinity', '1e308', '-1e308', '1e-400', '9'.repeat(400), '0x1F', '2147483648', '-2147483649',
  '9223372036854775808', '1.5', '-0', 'epoch', 'allballs', 'now', 'today', 'tomorrow', 'yesterday', 'J2451187', '294277-01-01T00:00:00Z',
  '4714-11-24 00:00:00 BC', '5874898-01-01', '2026-02-30', '2026-13-01', '0000-00-00', '24:00:00', '24:00:01', '23:59:60', '-1 days',
  'P1Y2M', '1 millennium', '178000000 years', '2026-01-01T00:00:00+99:99', 'ZZ', 'zz', 'US', 'xx-XX', 'english', 'pg_catalog.english',
  'simple', 'nonexistent_config', 'public', 'private', 'auth', 'extensions', 'application/json', '00000000-0000-0000-0000-000000000000',
  '{00000000-0000-0000-0000-000000000000}', '00000000000000000000000000000000', 'not-a-uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  // whitespace and invisible characters
  '', ' ', '   ', '\t\n\r', '\u200b', '\u202e', '\ufeff', '\u2028',
];
const multiByte = [
  '漢字かな交じり文', '悲しい -眠れない', '😀'.repeat(50), '👨‍👩‍👧‍👦', `e${'\u0301'.repeat(500)}`, 'ﷺ', 'ꙮ', '𝕳𝖊𝖑𝖑𝖔', 'مرحبا بالعالم', 'Z̷̢̛a̸l̵g̴o̶',
  '\u0000', 'a\u0000b', '\ud800', '\udfff', 'a\ud800b', '\udc00\ud800', '\uffff', '\u{10ffff}', '\u0001\u001f\u007f', 'İıﬁß',
];
const hugeUnits = ['a', '漢', '😀', '-', '!', "'", 'e\u0301', '\\', '%', ' '];
const hugeSizes = [70_000, 400_000, 1_500_000];

const arbHuge = fc.tuple(fc.constantFrom(...hugeUnits), fc.constantFrom(...hugeSizes)).map(([unit, bytes]) => huge(unit, bytes));
/** Strings of every kind; huge ones rarely (they cost the most time). */
const arbHostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...syntax) },
  { weight: 3, arbitrary: fc.constantFrom(...multiByte) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...syntax, ...multiByte), fc.integer({ min: 2, max: 300 })).map(([unit, times]) => unit.repeat(times)) },
  { weight: 1, arbitrary: arbHuge },
);
/** Strings small enough for a URL (PostgREST's HTTP server refuses a request line past about 50 kB; tested apart). */
const arbUrlString = arbHostileString.map((value) => value.length > 2_000 ? value.slice(0, 2_000) : value);

const deep = (depth: number, open: string, close: string, inner = '1') => new Raw(open.repeat(depth) + inner + close.repeat(depth));
/** Nesting from ordinary to far past every parser's stack (built once: generating them costs time too). */
const deepValues = [64, 1_000, 10_000, 100_000].flatMap((depth) => [deep(depth, '[', ']'), deep(depth, '{"a":', '}')]);
const arbNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 32767, 32768, -32769, 2147483647, 2147483648, -2147483648, -2147483649, 9007199254740991, 1e308, -1e308,
    5e-324, 0.1, 1.5, -1.5),
  fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', `0.${'0'.repeat(400)}1`, '9'.repeat(1000), '1E+2', '-0.0').map((text) => new Raw(text)),
  fc.double(),
  fc.integer(),
);
/** Any JSON value, of any type, including structures deeper than any parser's stack. */
const arbWrong: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: arbNumber },
  { weight: 2, arbitrary: fc.constantFrom(true, false, null, [], {}, [null], { '': null }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.array(arbHostileString.map((value) => value.slice(0, 500)), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(...deepValues) },
  { weight: 1, arbitrary: fc.constantFrom(...[10_000, 100_000].map((length) => new Raw(`[${Array.from({ length }, (_, index) => index % 10).join(',')}]`))) },
);

// ---------------------------------------------------------------------------------------------------------------
// Identities and fixtures
// ---------------------------------------------------------------------------------------------------------------

type Identity = { label: 'anon' | 'client' | 'therapist' | 'admin'; token: string; uuids: string[] };

/** A value a column or argument of this type would plausibly hold (ids from the caller's own fixtures). */
function plausible(column: Column, identity: Identity, enums: Map<string, string[]>): fc.Arbitrary<unknown> {
  const format = column.format.replace(/^public\./, '');
  const isArray = format.endsWith('[]');
  const base = isArray ? format.slice(0, -2) : format;
  const labels = column.enum ?? enums.get(base);
  let element: fc.Arbitrary<unknown>;
  if (labels?.length) element = fc.constantFrom(...labels);
  else if (base === 'uuid') element = identity.uuids.length ? fc.oneof(fc.constantFrom(...identity.uuids), fc.uuid()) : fc.uuid();
  else if (['integer', 'smallint', 'bigint'].includes(base)) element = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(1, 5, 20, 100));
  else if (['numeric', 'real', 'double precision'].includes(base)) element = fc.double({ min: -10, max: 1000, noNaN: true });
  else if (base === 'boolean') element = fc.boolean();
  else if (base.startsWith('timestamp')) element = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
  else if (base === 'date') element = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
  else if (base.startsWith('time')) element = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  else if (base === 'jsonb' || base === 'json') element = fc.jsonValue({ maxDepth: 2 });
  else if (base === 'interval') element = fc.constantFrom('1 hour', '15 minutes', '1 day');
  else element = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('hello', 'A calm evening', 'https://fcm.googleapis.com/fcm/send/x'));
  return isArray ? fc.array(element, { maxLength: 4 }) : element;
}

function valueFor(column: Column, identity: Identity, enums: Map<string, string[]>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: plausible(column, identity, enums) },
    { weight: 3, arbitrary: arbHostileString },
    { weight: 2, arbitrary: arbWrong },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

type Spec = {
  target: string;
  identity: Identity['label'];
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query: string[];
  headers: Record<string, string>;
  body?: string | Uint8Array;
};

/** encodeURIComponent, except that a lone surrogate becomes the bytes a careless encoder would send (bad UTF-8). */
function encode(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

const arbRawBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('', ' ', 'null', 'true', '1', '"text"', '[]', '[[]]', '{}', '{"a":', '{"a":1,"a":2}', '{"a" 1}', "{'a':1}", '{"a":1}}', '\ufeff{}',
    '{"a":"\\ud800"}', '{"a":"\\udc00\\ud800"}', '{"a":"\\u0000"}', '{"a":"\\uZZZZ"}', '{"a":"\\x41"}', '{"a":"\u0001"}', '{"a":NaN}',
    '{"a":Infinity}', '{"a":-}', '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":1e}', '/* c */ {}', '{"a":1} {"b":2}', 'a=1&b=2', 'a,b\n1,2'),
  fc.constantFrom([0xff, 0xfe, 0xfd], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d], [0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d],
    [0xef, 0xbb, 0xbf, 0x7b, 0x7d], [0x22, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x22], [0x00, 0x00, 0x00]).map((bytes) => new Uint8Array(bytes)),
  fc.constantFrom(...deepValues.map((value) => value.text)),
  fc.constantFrom(`{"a":"${huge('a', 1_500_000)}"}`, `[${'{},'.repeat(200_000)}{}]`),
);
/**
 * Bodies with many or long keys: sent to tables only. To an RPC, keys that name no argument make PostgREST 12.0.2
 * compute a "did you mean" hint (PGRST202) in time that grows with the square of the keys' length, before any
 * database work (a 20 kB key: 15 s; upstream, reported apart).
 */
const arbManyKeys = fc.constantFrom(`{${Array.from({ length: 20_000 }, (_, index) => `"k${index}":${index}`).join(',')}}`, `{"${huge('k', 300_000)}":1}`);

const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/csv', 'application/x-www-form-urlencoded', 'text/plain',
  'application/octet-stream', 'application/vnd.pgrst.object+json', 'garbage', 'application/json; charset=latin1', 'multipart/form-data; boundary=x'];
const accepts = ['application/json', '*/*', 'application/vnd.pgrst.object+json', 'application/vnd.pgrst.object+json;nulls=stripped', 'text/csv',
  'application/octet-stream', 'text/plain', 'application/geo+json', 'application/vnd.pgrst.plan+json', 'application/openapi+json', 'garbage/*;q=x',
  'application/vnd.pgrst.array+json;nulls=stripped'];
const prefers = ['return=representation', 'return=minimal', 'return=headers-only', 'count=exact', 'count=planned', 'count=estimated',
  'resolution=merge-duplicates', 'resolution=ignore-duplicates', 'missing=default', 'params=single-object', 'tx=rollback', 'tx=commit',
  'handling=strict', 'handling=lenient', 'max-affected=1', 'timezone=Mars/Olympus', 'timezone=America/New_York', 'garbage', 'return=representation,count=exact'];

/** `arbitrary`'s value once in `times` runs, else undefined. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, times: number) =>
  fc.oneof({ weight: times - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Headers now and then: most requests carry none, so most reach the database. */
const arbHeaders: fc.Arbitrary<Record<string, string>> = fc.record({
  prefer: rarely(fc.oneof(fc.constantFrom(...prefers), fc.subarray(prefers, { maxLength: 4 }).map((list) => list.join(', '))), 2),
  accept: rarely(fc.constantFrom(...accepts), 6),
  range: rarely(fc.constantFrom('0-9', '10-0', '0-', '-5', 'garbage', '0-99999999999999999999', 'items=0-1'), 10),
  'accept-profile': rarely(fc.constantFrom('public', 'private', 'auth', 'nope', ''), 12),
  'content-profile': rarely(fc.constantFrom('public', 'private', 'storage', ''), 12),
}, { requiredKeys: [] }).map((headers) => Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>);

const filterOperators = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'in', 'is', 'isdistinct', 'fts', 'plfts',
  'phfts', 'wfts', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'fts(english)', 'wfts(simple)', 'fts(nonexistent)', 'plfts(german)', 'nope'];

function arbFilter(columns: string[], value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const arbColumn = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...columns) },
    { weight: 1, arbitrary: fc.constantFrom('nope', 'id->>a', 'data->a->>b', 'id::text', '"id"', 'a.b', 'or', 'select', 'order', '') });
  const condition = fc.tuple(arbColumn, fc.boolean(), fc.constantFrom(...filterOperators), fc.constantFrom('', '(any)', '(all)'), value)
    .map(([column, not, op, modifier, operand]) => ({ column, text: `${not ? 'not.' : ''}${op}${op.includes('(') ? '' : modifier}.${operand}` }));
  const logic: fc.Arbitrary<string> = fc.letrec<{ tree: string }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true },
      condition.map(({ column, text }) => `${column}.${text}`),
      fc.tuple(fc.constantFrom('or', 'and', 'not.or', 'not.and'), fc.array(tie('tree'), { minLength: 1, maxLength: 3 })).map(([op, items]) => `${op}(${items.join(',')})`)),
  })).tree;
  const sane = fc.tuple(fc.constantFrom(...columns), fc.constantFrom('eq', 'neq', 'gt', 'lt', 'like', 'ilike', 'is', 'in'), value)
    .map(([column, op, operand]) => `${encode(column)}=${op}.${encode(op === 'in' ? `(${operand})` : operand)}`);
  return fc.oneof(
    { weight: 6, arbitrary: sane },
    { weight: 4, arbitrary: condition.map(({ column, text }) => `${encode(column)}=${encode(text)}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('or', 'and', 'not.or'), fc.array(logic, { minLength: 1, maxLength: 3 })).map(([op, items]) => `${op}=${encode(`(${items.join(',')})`)}`) },
    // Deep trees cost PostgREST time quadratic in their depth before any database work (1,000 levels: about 1 s).
    { weight: 1, arbitrary: fc.constantFrom(50, 300).map((depth) => `or=(${'and(or('.repeat(depth)}id.eq.1${'))'.repeat(depth)})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('select', 'order', 'limit', 'offset', 'columns', 'on_conflict', 'nope', ''), value).map(([key, operand]) => `${key}=${encode(operand)}`) },
  );
}

const arbSelect = (columns: string[]) => fc.oneof(
  fc.constantFrom('*', 'id', 'count()', 'id::text', 'x:id', 'profiles(*)', 'nope', '', ',', '*,*', `${'a('.repeat(200)}*${')'.repeat(200)}`, 'id.sum()'),
  fc.subarray(columns, { minLength: 1 }).map((list) => list.join(',')),
);
const arbPaging = fc.oneof(
  fc.constantFrom('limit=0', 'limit=-1', 'limit=1', 'limit=99999999999999999999', 'offset=-1', 'offset=2147483648', 'limit=abc', 'order=id.desc',
    'order=nope.asc', 'order=id.sideways', 'order=', `order=${'id,'.repeat(1000)}id`),
);

function specFor(target: Target, identities: Identity[], enums: Map<string, string[]>): fc.Arbitrary<Spec> {
  const allowed = identities.filter((identity) => target.kind === 'rpc' || identity.label !== 'admin');
  const names = target.kind === 'rpc' ? target.params.map((param) => param.name) : target.columns.map((column) => column.name);
  const byName = new Map((target.kind === 'rpc' ? target.params : target.columns).map((column) => [column.name, column]));
  return fc.constantFrom(...allowed).chain((identity) => {
    const auth = { apikey: env.anonKey, authorization: `Bearer ${identity.token}` };
    const columnValue = (name: string) => valueFor(byName.get(name) ?? { name, format: 'text' }, identity, enums);
    const hostileValue = fc.oneof({ weight: 3, arbitrary: arbHostileString }, { weight: 2, arbitrary: arbWrong });
    /**
     * An object of known names plus now and then unknown keys. Mostly every name, plausible values but one hostile
     * (so calls get past type checks into the function's body with one bad value); else any names, any values.
     */
    const arbObject = (known: string[]) => fc.tuple(
      fc.oneof({ weight: 2, arbitrary: fc.constant(known) }, { weight: 1, arbitrary: fc.subarray(known) }),
      fc.boolean(),
      rarely(fc.dictionary(arbUrlString.map((key) => key.slice(0, 200)), arbWrong, { maxKeys: 3 }), 4),
    ).chain(([chosen, oneBad, extra]) => fc.tuple(
      fc.nat(),
      fc.tuple(...chosen.map((name) => plausible(byName.get(name) ?? { name, format: 'text' }, identity, enums))),
      fc.tuple(...chosen.map(() => hostileValue)),
      fc.tuple(...chosen.map((name) => columnValue(name))),
    ).map(([bad, plausibleValues, hostileValues, mixedValues]) => ({
      ...Object.fromEntries(chosen.map((name, index) => [name,
        oneBad ? (index === bad % chosen.length ? hostileValues[index] : plausibleValues[index]) : mixedValues[index]])),
      ...(extra ?? {}),
    })));
    const arbBody = (known: string[]) => fc.oneof(
      { weight: 12, arbitrary: arbObject(known).map(toJson) },
      { weight: 1, arbitrary: fc.array(arbObject(known), { minLength: 0, maxLength: 3 }).map(toJson) },
      { weight: 1, arbitrary: arbWrong.map(toJson) },
      { weight: 2, arbitrary: arbRawBody },
      ...(target.kind === 'rpc' ? [] : [{ weight: 1, arbitrary: arbManyKeys }]),
      { weight: 1, arbitrary: fc.tuple(fc.subarray(known), arbUrlString).map(([list, value]) => // CSV
        `${list.join(',')}\n${list.map(() => `"${value.replaceAll('"', '""')}"`).join(',')}\n`) },
      { weight: 1, arbitrary: fc.tuple(fc.subarray(known), arbUrlString).map(([list, value]) => list.map((name) => `${encode(name)}=${encode(value)}`).join('&')) },
    );
    const contentType = fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...contentTypes) });
    const base = { target: target.key, identity: identity.label };

    if (target.kind === 'rpc') {
      const post = fc.record({ headers: arbHeaders, contentType, body: arbBody(names), extra: rarely(fc.oneof(arbPaging, arbFilter(names.length ? names : ['id'], arbUrlString)), 3) })
        .map(({ headers, contentType: type, body, extra }): Spec => ({
          ...base, method: 'POST', path: `/rpc/${target.name}`, query: extra ? [extra] : [], body,
          // A form or CSV body's keys are its text: a long one takes the hint's quadratic path (see arbManyKeys).
          headers: { ...auth, ...headers, 'content-type': /urlencoded|csv/.test(type) && (typeof body === 'string' ? body.length : body.byteLength) > 2_000 ? 'application/json' : type },
        }));
      const get = fc.record({
        headers: arbHeaders,
        args: arbObject(names).map((args) => Object.entries(args).map(([name, value]) => `${encode(name)}=${encode(asText(value).slice(0, 4_000))}`)),
        repeated: rarely(fc.constantFrom(...(names.length ? names : ['x'])).map((name) => `${name}=a&${name}=b`), 5),
        extra: fc.array(fc.oneof(arbPaging, arbSelect(['id', 'name']).map((select) => `select=${encode(select)}`), arbFilter(['id', 'name', 'content', 'created_at'], arbUrlString)), { maxLength: 1 }),
      }).map(({ headers, args, repeated, extra }): Spec => ({
        ...base, method: 'GET', path: `/rpc/${target.name}`, query: [...args, ...(repeated ? [repeated] : []), ...extra], headers: { ...auth, ...headers },
      }));
      // A function that changes data answers GET with 405 before it runs; most runs go to POST, its real method.
      return fc.oneof({ weight: target.readOnly ? 2 : 1, arbitrary: get }, { weight: 4, arbitrary: post });
    }

    const filters = fc.array(arbFilter(names, fc.oneof(arbUrlString, fc.constantFrom(...(identity.uuids.length ? identity.uuids : ['x'])))), { maxLength: 3 });
    if (target.kind === 'insert') {
      return fc.record({
        headers: arbHeaders, contentType, body: arbBody([...new Set([...target.writable, ...names])]),
        query: fc.array(fc.oneof(
          arbSelect(names).map((select) => `select=${encode(select)}`),
          fc.subarray(names, { minLength: 1 }).map((list) => `columns=${encode(list.join(','))}`),
          fc.oneof(fc.constantFrom(...names), arbUrlString).map((column) => `on_conflict=${encode(column)}`),
        ), { maxLength: 3 }),
      }).map(({ headers, contentType: type, body, query }): Spec => ({
        ...base, method: 'POST', path: `/${target.name}`, query, headers: { ...auth, ...headers, 'content-type': type }, body,
      }));
    }
    if (target.kind === 'update') {
      return fc.record({ headers: arbHeaders, contentType, body: arbBody([...new Set([...target.writable, ...names])]), filters, paging: fc.array(arbPaging, { maxLength: 1 }) })
        .map(({ headers, contentType: type, body, filters: query, paging }): Spec => ({
          ...base, method: 'PATCH', path: `/${target.name}`, query: [...query, ...paging], headers: { ...auth, ...headers, 'content-type': type }, body,
        }));
    }
    return fc.record({ headers: arbHeaders, filters, paging: fc.array(arbPaging, { maxLength: 1 }) }).map(({ headers, filters: query, paging }): Spec => ({
      ...base, method: 'DELETE', path: `/${target.name}`, query: [...query, ...paging], headers: { ...auth, ...headers },
    }));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Sending and judging
// ---------------------------------------------------------------------------------------------------------------

/** `direct`: the same request sent to PostgREST itself, when the gateway answered that PostgREST gave it no answer. */
type Answer = { status: number; code?: string; message?: string; ms: number; error?: string; bodyText: string; direct?: Answer };

async function send(spec: Spec, base = rest): Promise<Answer> {
  const url = `${base}${spec.path}${spec.query.length ? `?${spec.query.join('&')}` : ''}`;
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: spec.method, headers: spec.headers, signal: AbortSignal.timeout(30_000),
      body: spec.method === 'GET' || spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : new Blob([new Uint8Array(spec.body)]),
    });
    const bodyText = await response.text();
    const ms = performance.now() - started;
    let parsed: { code?: unknown; message?: unknown } | undefined;
    try {
      parsed = JSON.parse(bodyText) as { code?: unknown; message?: unknown };
    } catch {
      parsed = undefined;
    }
    const code = typeof parsed?.code === 'string' ? parsed.code : undefined;
    const message = typeof parsed?.message === 'string' ? parsed.message : undefined;
    return { status: response.status, code, message, ms, bodyText };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), bodyText: '' };
  }
}

const stableCode = /^(PGRST\d{3}|[0-9A-Z]{5})$/;

/** A query string part that is not UTF-8 once percent-decoded. */
const badUtf8 = (part: string) => {
  try {
    decodeURIComponent(part);
    return false;
  } catch {
    return true;
  }
};

/** A form or CSV body (which PostgREST decodes as text) that is not UTF-8. */
function formNotUtf8(spec: Spec): boolean {
  if (!/urlencoded|csv/.test(spec.headers['content-type'] ?? '') || spec.body === undefined) return false;
  const bytes = typeof spec.body === 'string' ? Buffer.from(spec.body) : spec.body;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /%[89a-f][0-9a-f]/i.test(Buffer.from(bytes).toString()) && badUtf8(Buffer.from(bytes).toString());
  } catch {
    return true;
  }
}

/**
 * The upstream classes allowed, by name (see the header and the tests that pin them), or undefined:
 * - PostgREST's fts/wfts filters reaching the tsquery parser's internal limit (XX000);
 * - PostgREST 12.0.2 failing on a query string, or a form or CSV body, that is not UTF-8 (once percent-decoded): an
 *   uncaught decoding exception in PostgREST itself, answered 500 "Something went wrong" before any database work;
 * - PostgREST 12.0.2 closing the connection without an answer on a CSV body it cannot parse when its error message
 *   would cut a multi-byte character (the gateway then answers 503 "PostgREST is not reachable"; sent to PostgREST
 *   itself, the same request gets no answer at all).
 */
function knownUpstream(spec: Spec, answer: Answer): string | undefined {
  if (answer.status === 503 && answer.direct?.status === 0 && /csv/.test(spec.headers['content-type'] ?? '')) return 'CSV body: connection closed';
  if (answer.status !== 500) return undefined;
  if (answer.code === 'XX000' && answer.message === 'tsquery stack too small' &&
      spec.query.some((part) => /(^|[.=(,]|%28|%2C|%2E)(not(\.|%2E))?w?fts(\(|%28|\.|%2E)/i.test(part))) return 'fts/wfts XX000';
  if (answer.bodyText === 'Something went wrong' && (spec.query.some(badUtf8) || formNotUtf8(spec))) return 'request text not UTF-8';
  return undefined;
}

/** Why an answer is wrong, or undefined. */
function judge(spec: Spec, answer: Answer): string | undefined {
  if (answer.status === 0) return `no answer (${answer.error})`;
  if (answer.code === '57014') return `statement timeout (57014, status ${answer.status})`;
  if (answer.status >= 500) return knownUpstream(spec, answer) ? undefined : `${answer.status} ${answer.code ?? 'no code'}: ${answer.message ?? answer.bodyText.slice(0, 120)}`;
  if (answer.status >= 400 && !(answer.code && stableCode.test(answer.code))) return `${answer.status} without a stable code: ${answer.bodyText.slice(0, 120)}`;
  if (answer.status < 200 || (answer.status >= 300 && answer.status < 400)) return `status ${answer.status}`;
  return undefined;
}

function describeSpec(spec: Spec): string {
  const clip = (text: string, length: number) => text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text;
  const body = spec.body === undefined ? '' : typeof spec.body === 'string' ? ` body ${clip(JSON.stringify(spec.body), 240)}` : ` body bytes [${[...spec.body].slice(0, 16).join(',')}]`;
  const headers = Object.entries(spec.headers).filter(([name]) => !['apikey', 'authorization'].includes(name)).map(([name, value]) => `${name}: ${value}`).join('; ');
  return `${spec.identity}: ${spec.method} ${spec.path}${spec.query.length ? `?${clip(spec.query.join('&'), 300)}` : ''}${headers ? ` [${headers}]` : ''}${body}`;
}

function sizeOf(spec: Spec): number {
  return spec.query.join('&').length + (spec.body === undefined ? 0 : typeof spec.body === 'string' ? spec.body.length : spec.body.byteLength);
}

/** Sends through the gateway; a 503 "PostgREST is not reachable" is sent again to PostgREST itself, to say who failed. */
async function sendAndCheck(spec: Spec): Promise<Answer> {
  const answer = await send(spec);
  if (answer.status === 503 && answer.bodyText.includes('PostgREST is not reachable') && directRest) answer.direct = await send(spec, directRest);
  return answer;
}

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Answers by status and kind, failures by class (smallest example kept), for the summary line and the report. */
class Tally {
  readonly byStatus = new Map<number, number>();
  readonly byKind = new Map<string, number>();
  readonly byCode = new Map<string, number>();
  readonly failures = new Map<string, { count: number; example: Spec; answer: Answer; targets: Set<string> }>();
  readonly upstream = new Map<string, number>();
  requests = 0;
  slowest = 0;

  record(spec: Spec, answer: Answer): void {
    this.requests += 1;
    this.byStatus.set(answer.status, (this.byStatus.get(answer.status) ?? 0) + 1);
    const kind = spec.target.split(' ')[0];
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    const code = answer.code ?? (answer.status < 300 ? 'ok' : 'none');
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
    this.slowest = Math.max(this.slowest, answer.ms);
    const upstream = knownUpstream(spec, answer);
    if (upstream) this.upstream.set(upstream, (this.upstream.get(upstream) ?? 0) + 1);
    const reason = judge(spec, answer);
    if (!reason) return;
    const key = reason.replace(/\d{3,} ms/, 'slow').replace(/"[^"]*"/g, '"…"').replace(/\b[0-9a-f-]{36}\b/g, '<uuid>').slice(0, 140);
    const entry = this.failures.get(key);
    if (!entry) this.failures.set(key, { count: 1, example: spec, answer, targets: new Set([spec.target]) });
    else {
      entry.count += 1;
      entry.targets.add(spec.target);
      if (sizeOf(spec) < sizeOf(entry.example)) Object.assign(entry, { example: spec, answer });
    }
  }

  statuses(): string {
    return [...this.byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
  }

  report(): string {
    return [...this.failures].map(([reason, { count, example, targets }]) =>
      `${reason}\n    ${count}× on ${[...targets].slice(0, 6).join(', ')}${targets.size > 6 ? ` and ${targets.size - 6} more` : ''}\n    e.g. ${describeSpec(example)}`).join('\n');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------------------------

let targets: Target[] = [];
let mismatches: string[] = [];
let enums = new Map<string, string[]>();
let identities: Identity[] = [];
let client: TestUser;
const tally = new Tally();

/** A therapist bookable in UTC, as in the function suites; a group they own, the client a member of it. */
async function fixtures(): Promise<void> {
  const sql = adminSql();
  let therapist: TestUser, admin: TestUser, partner: TestUser;
  [client, therapist, admin, partner] = await Promise.all([
    createUser('hostile-rest-client', { metadata: { firstName: 'Fuzz', lastName: 'Client' } }),
    createUser('hostile-rest-therapist', { metadata: { firstName: 'Fuzz', lastName: 'Therapist' } }),
    createUser('hostile-rest-admin', { metadata: { firstName: 'Fuzz', lastName: 'Admin' } }),
    createUser('hostile-rest-partner', { metadata: { firstName: 'Fuzz', lastName: 'Partner' } }),
  ]);
  await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
  await sql`update public.profiles set role = 'admin' where id = ${admin.id}`;
  // Identities listed long ago: new members may post at once.
  await sql`update public.profiles set identity_listed_from = now() - interval '1 day' where id in ${sql([client.id, therapist.id, partner.id])}`;
  await sql`
    insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_types, minimum_notice_minutes, buffer_after_minutes)
    values (${therapist.id}, 'Dr. Fuzz', '{anxiety}', 120, 'UTC', '{video,phone}', 0, 10)`;
  await sql`
    insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
    select ${therapist.id}, d, '00:00', '24:00' from generate_series(1, 7) as d`;
  const [group] = await sql<{ id: string }[]>`
    insert into public.support_groups (name, description, category_id, created_by)
    values (${`Fuzz ${client.identifier}`}, 'A group for hostile input', (select id from public.group_categories order by sort_order limit 1), ${therapist.id})
    returning id`;
  const [journal] = await sql<{ id: string }[]>`
    insert into public.journal_entries (user_id, title, content, mood) values (${client.id}, 'A title', 'Some content', 'happy') returning id`;
  const [goal] = await sql<{ id: string }[]>`
    insert into public.goals (user_id, title, category, unit, target) values (${client.id}, 'Walk', 'health', 'minutes', 30) returning id`
    .catch(() => [{ id: crypto.randomUUID() }]);
  const clientIds = [client.id, group.id, journal.id, goal.id];
  const therapistIds = [therapist.id, group.id];
  const adminIds = [group.id];
  // The ids below come from the API as the frontend gets them. Like the goal above, each is best effort: a call that
  // is refused only leaves its ids out of the fuzz (the per-domain suites check that these calls succeed).
  const [asClient, asTherapist] = await Promise.all([supabaseAs(client), supabaseAs(therapist)]);
  const joined = await asClient.rpc('join_group', { groupId: group.id });
  if (!joined.error) {
    therapistIds.push((joined.data as { memberId: string }).memberId);
    const posted = await asClient.rpc('send_group_message', { groupId: group.id, content: 'hello group' });
    if (!posted.error) {
      const { message } = posted.data as { message: { id: string } };
      clientIds.push(message.id);
      adminIds.push(message.id);
    }
  }
  const scheduled = await asTherapist.rpc('schedule_group_session', {
    groupId: group.id, title: 'A session', startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60,
  });
  if (!scheduled.error) {
    clientIds.push(scheduled.data);
    therapistIds.push(scheduled.data);
  }
  const [{ public_id: partnerPublicId }] = await sql<{ public_id: string }[]>`select public_id from public.profiles where id = ${partner.id}`;
  const chatted = await asClient.rpc('send_chat_message', { content: 'hello', recipientId: partnerPublicId });
  if (!chatted.error) {
    const answer = chatted.data as { message: { id: string }; conversationId: string };
    clientIds.push(answer.message.id, answer.conversationId);
    adminIds.push(answer.message.id);
    const participants = await sql<{ id: string }[]>`select id from private.chat_participants where conversation_id = ${answer.conversationId}`;
    clientIds.push(...participants.map((row) => row.id));
  }
  // The admin's uuids name no person: an admin call may act on the ids it is given, and nobody else's account may change.
  identities = [
    { label: 'anon', token: env.anonKey, uuids: [] },
    { label: 'client', token: await tokenFor(client), uuids: clientIds },
    { label: 'client', token: await tokenFor(client), uuids: clientIds },
    { label: 'therapist', token: await tokenFor(therapist), uuids: therapistIds },
    { label: 'admin', token: await tokenFor(admin), uuids: adminIds },
  ];
}

beforeAll(async () => {
  await fixtures();
  ({ targets, mismatches, enums } = await loadTargets(identities[1].token));
}, 60_000);

afterAll(() => {
  const count = (kind: Target['kind']) => targets.filter((target) => target.kind === kind).length;
  // `summary: ` lines are what npm test shows of a suite's output.
  console.log(`summary: data API hostile input: seed ${seed}, ${targets.length} targets (rpc ${count('rpc')}, insert ${count('insert')}, update ${count('update')}, ` +
    `delete ${count('delete')}), ${runsPerTarget} runs each, ${tally.requests} requests, answers ${tally.statuses()}; ` +
    `${tally.failures.size} failure classes, known upstream: ${[...tally.upstream].map(([name, count]) => `${name} ×${count}`).join(', ') || 'none'}; ` +
    `slowest ${Math.round(tally.slowest)} ms\nsummary:   answers by code: ${[...tally.byCode].sort(([, a], [, b]) => b - a).map(([code, count]) => `${code}×${count}`).join(' ')}`);
});

describe('targets: every RPC and writable relation, from the catalog and PostgREST\'s OpenAPI', () => {
  it('the catalog and the OpenAPI documents (anon and signed in) name the same RPCs and writable relations', () => {
    expect(mismatches).toEqual([]);
    expect(targets.filter((target) => target.kind === 'rpc').length).toBeGreaterThan(30);
    expect(targets.filter((target) => target.kind !== 'rpc').length).toBeGreaterThan(20);
    // Arguments and columns come with types, so values can be typed.
    expect(targets.filter((target) => target.kind !== 'rpc' && target.columns.length === 0).map((target) => target.key)).toEqual([]);
  });
});

describe('fuzzing every target through PostgREST: 2xx or 4xx with a stable code, never 5xx, never near the timeout', () => {
  for (const kind of ['rpc', 'insert', 'update', 'delete'] as const) {
    it(`${kind}: every target, ${runsPerTarget} seeded runs each`, async () => {
      const mine = targets.filter((target) => target.kind === kind);
      expect(mine.length).toBeGreaterThan(0);
      const specs: Spec[] = [];
      for (const target of mine) {
        const targetSeed = seed ^ [...target.key].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) | 0, 7);
        specs.push(...fc.sample(specFor(target, identities, enums), { seed: targetSeed, numRuns: runsPerTarget }));
      }
      const before = new Set(tally.failures.keys());
      await pool(specs, async (spec) => tally.record(spec, await sendAndCheck(spec)));
      const found = [...tally.failures.keys()].filter((key) => !before.has(key));
      expect(found.length, `failure classes (seed ${seed}):\n${tally.report()}`).toBe(0);
    }, 120_000);
  }
});

describe('limits: bodies and query strings past them are 4xx, and the gateway answers what PostgREST answers', () => {
  const signedIn = () => ({ apikey: env.anonKey, authorization: `Bearer ${identities[1].token}` });
  const anon = () => ({ apikey: env.anonKey, authorization: `Bearer ${env.anonKey}` });
  const countryBody = (value: string) => `{"countryCode":"${value}"}`;
  const post = (path: string, headers: Record<string, string>, body: string): Spec =>
    ({ target: 'limit', identity: 'client', method: 'POST', path, query: [], headers: { ...headers, 'content-type': 'application/json' }, body });

  it('a body over 2 MiB is a 413 (PT413) before it is parsed, for anyone and any target; at the limit it is answered', async () => {
    const over = await send(post('/rpc/crisis_support', anon(), countryBody('a'.repeat(maxBodyBytes))));
    expect({ status: over.status, code: over.code }).toEqual({ status: 413, code: 'PT413' });
    const rows = Array.from({ length: 60_000 }, () => '{"title":"x","content":"y","mood":"sad"}');
    const table = await send(post('/journal_entries', signedIn(), `[${rows.join(',')}]`));
    expect({ status: table.status, code: table.code }).toEqual({ status: 413, code: 'PT413' });
    // Exactly 2 MiB: parsed, and answered at once (two megabytes of country read as no country).
    const at = await send(post('/rpc/crisis_support', anon(), countryBody('a'.repeat(maxBodyBytes - countryBody('').length))));
    expect(at.status, at.bodyText.slice(0, 200)).toBe(200);
    expect((JSON.parse(at.bodyText) as { helplines: unknown[] }).helplines.length).toBeGreaterThan(0);
  });

  it('a body of 100 MB is refused before its statement runs (it ran into the statement timeout: 57014, an HTTP 500)', async () => {
    const answer = await send(post('/rpc/update_privacy_settings', signedIn(), `{"settings":{"x":"${'a'.repeat(100_000_000)}"}}`));
    expect({ status: answer.status, code: answer.code }).toEqual({ status: 413, code: 'PT413' });
  });

  it('a body streamed without a declared length passes the hook (proxies forward bodiless requests so; it cannot see a size)', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(countryBody('US')));
        controller.close();
      },
    });
    const response = await fetch(`${rest}/rpc/crisis_support`, { method: 'POST', headers: { ...anon(), 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    // And a bodiless DELETE, which the gateway forwards as an empty chunked body, is answered as before.
    const deleted = await send({ target: 'limit', identity: 'client', method: 'DELETE', path: '/goals', query: ['id=eq.00000000-0000-0000-0000-000000000000'], headers: signedIn() });
    expect(deleted.status).toBe(204);
  });

  it('writes to every view: 42501 where the view takes no such write (401 anon, 403 signed in), never the rewriter\'s 5xx', async () => {
    // Each view with its first column, to filter PATCH and DELETE down to no row (is.null matches none of them).
    const views = await adminSql()<{ name: string; column: string }[]>`
      select c.relname as name, a.attname as column from pg_class as c
      join pg_attribute as a on a.attrelid = c.oid and a.attnum = 1
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'v' order by 1`;
    expect(views.length).toBeGreaterThan(10);
    const answers: string[] = [];
    for (const { name, column } of views) {
      const nobody = `${encodeURIComponent(column)}=is.null`;
      for (const [method, query] of [['POST', []], ['PATCH', [nobody]], ['DELETE', [nobody]]] as const) {
        for (const [who, headers] of [['anon', anon()], ['client', signedIn()]] as const) {
          const answer = await send({ target: 'views', identity: who, method, path: `/${name}`, query: [...query], headers: { ...headers, 'content-type': 'application/json' }, body: method === 'DELETE' ? undefined : '{}' });
          answers.push(`${name} ${method} ${who}: ${answer.status} ${answer.code ?? ''}`);
        }
      }
    }
    expect(answers.filter((line) => / 5\d\d /.test(line))).toEqual([]);
    // anon may write no view at all.
    expect(answers.filter((line) => line.includes(' anon: ') && !line.endsWith(': 401 42501'))).toEqual([]);
  });

  it('query strings: tens of kB are answered; past the HTTP servers\' limits (about 50 kB) the answer is a 400, never a 5xx', async () => {
    const statuses: Record<number, number> = {};
    for (const length of [10_000, 40_000, 70_000, 400_000, 1_500_000]) {
      const answer = await send({ target: 'limit', identity: 'anon', method: 'GET', path: '/rpc/crisis_support', query: [`countryCode=${'a'.repeat(length)}`], headers: anon() });
      statuses[length] = answer.status;
    }
    // PostgREST's server answers a request line past its limit with a plain-text 400 "Bad Request", before anything
    // else runs; the gateway's own server refuses longer ones the same way, with an empty 400.
    expect(statuses).toEqual({ 10_000: 200, 40_000: 200, 70_000: 400, 400_000: 400, 1_500_000: 400 });
  });

  it.runIf(directRest)('the gateway answers with PostgREST\'s own status and code, 4xx included, and invents no 5xx', async () => {
    const cases: Array<Pick<Spec, 'method' | 'path' | 'query' | 'headers' | 'body'>> = [
      { method: 'POST', path: '/rpc/crisis_support', query: [], headers: { 'content-type': 'application/json' }, body: '{"countryCode":' },
      { method: 'POST', path: '/rpc/crisis_support', query: [], headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]) },
      { method: 'POST', path: '/rpc/crisis_support', query: [], headers: { 'content-type': 'application/json' }, body: '{"countryCode":"\\u0000"}' },
      { method: 'POST', path: '/rpc/crisis_support', query: [], headers: { 'content-type': 'application/json' }, body: '{"countryCode":"\\ud800"}' },
      { method: 'POST', path: '/rpc/no_such_function', query: [], headers: { 'content-type': 'application/json' }, body: '{}' },
      { method: 'POST', path: '/rpc/crisis_support', query: [], headers: { 'content-type': 'application/json' }, body: countryBody('a'.repeat(maxBodyBytes)) },
      { method: 'GET', path: '/rpc/mark_all_notifications_read', query: [], headers: {} },
      { method: 'GET', path: '/rpc/crisis_support', query: [`countryCode=${'a'.repeat(70_000)}`], headers: {} },
      { method: 'GET', path: '/journal_entries', query: ['id=eq.not-a-uuid'], headers: {} },
      { method: 'GET', path: '/journal_entries', query: ['or=(id.eq.1'], headers: {} },
      { method: 'GET', path: '/journal_entries', query: [], headers: { accept: 'application/vnd.pgrst.object+json' } },
      { method: 'GET', path: '/journal_entries', query: [], headers: { accept: 'garbage/garbage' } },
      { method: 'GET', path: '/journal_entries', query: [], headers: { 'accept-profile': 'private' } },
      { method: 'GET', path: '/journal_entries', query: ['offset=100', 'limit=1'], headers: { range: '10-0' } },
      { method: 'PATCH', path: '/journal_entries', query: ['id=eq.00000000-0000-0000-0000-000000000000'], headers: { 'content-type': 'application/json' }, body: '{"nope":1}' },
      { method: 'DELETE', path: '/profiles', query: [], headers: {} },
      { method: 'POST', path: '/rpc/mark_all_notifications_read', query: [], headers: {} },
      // PostgREST's own 5xx pass through as they are (see the upstream tests below).
      { method: 'GET', path: '/rpc/crisis_support', query: ['countryCode=%FF%FE'], headers: {} },
      { method: 'GET', path: '/helplines', query: [`name=wfts.${'-'.repeat(34)}`], headers: {} },
    ];
    const differences: string[] = [];
    for (const [index, item] of cases.entries()) {
      for (const [label, token] of [['anon', env.anonKey], ['client', identities[1].token]] as const) {
        const spec: Spec = { ...item, target: `case ${index}`, identity: label, headers: { apikey: env.anonKey, authorization: `Bearer ${token}`, ...item.headers } };
        const [gateway, direct] = [await send(spec), await send(spec, directRest)];
        if (gateway.status !== direct.status || gateway.code !== direct.code) {
          differences.push(`${describeSpec(spec).slice(0, 200)}: gateway ${gateway.status} ${gateway.code ?? gateway.error ?? ''}, PostgREST ${direct.status} ${direct.code ?? direct.error ?? ''}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });
});

// PostgREST 12.0.2 and PostgreSQL failures that no database object can prevent: pinned, so that each allowance in
// knownUpstream() goes when an upgrade fixes it (these tests then fail).
describe('known upstream failures, pinned', () => {
  const anon = { apikey: env.anonKey, authorization: `Bearer ${env.anonKey}` };
  const get = (path: string, query: string[]): Spec => ({ target: 'upstream', identity: 'anon', method: 'GET', path, query, headers: anon });

  it('fts/wfts filters: past 32 nested operators, to_tsquery\'s parser raises XX000 "tsquery stack too small", an HTTP 500', async () => {
    const answer = await send(get('/helplines', [`name=fts.${encode('!'.repeat(40))}a`]));
    expect({ status: answer.status, code: answer.code, message: answer.message }).toEqual({ status: 500, code: 'XX000', message: 'tsquery stack too small' });
    expect(knownUpstream(get('/helplines', [`name=fts.${encode('!'.repeat(40))}a`]), answer)).toBe('fts/wfts XX000');
    // The same text through plfts (plainto_tsquery: no operators) is answered, as is our own search (private.search_query).
    expect((await send(get('/helplines', [`name=plfts.${encode('!'.repeat(40))}a`]))).status).toBe(200);
  });

  it('a query string that is not UTF-8 once decoded: PostgREST answers 500 "Something went wrong" before any database work', async () => {
    const answer = await send(get('/rpc/crisis_support', ['countryCode=%ED%A0%80']));
    expect({ status: answer.status, body: answer.bodyText }).toEqual({ status: 500, body: 'Something went wrong' });
  });

  it.runIf(directRest)('a CSV body it cannot parse, with multi-byte text at the error: PostgREST closes the connection without an answer', async () => {
    // The CSV parser never reaches the function: what matters is where the multi-byte text falls in the error's
    // excerpt, which PostgREST cuts by bytes (with this prefix, inside a character).
    const spec: Spec = { target: 'upstream', identity: 'anon', method: 'POST', path: '/rpc/crisis_support', query: [],
      headers: { ...anon, 'content-type': 'text/csv' }, body: `{"country_code":"${'İıﬁß'.repeat(20)}"}` };
    const direct = await send(spec, directRest);
    expect(direct.status, direct.bodyText).toBe(0);
    const gateway = await sendAndCheck(spec);
    expect({ status: gateway.status, upstream: knownUpstream(spec, gateway) }).toEqual({ status: 503, upstream: 'CSV body: connection closed' });
  });

  it('an RPC argument name that names no parameter gets a "did you mean" hint (PGRST202), computed in time quadratic in the name\'s length: kept out of the fuzzing (a 20 kB name took 15 s of PostgREST\'s CPU)', async () => {
    const answer = await send({ ...get('/rpc/crisis_support', []), method: 'POST', headers: { ...anon, 'content-type': 'application/json' }, body: '{"countryCod":"US"}' });
    expect({ status: answer.status, code: answer.code }).toEqual({ status: 404, code: 'PGRST202' });
    expect(answer.bodyText).toContain('Perhaps you meant to call the function public.crisis_support(countryCode)');
  });
});
