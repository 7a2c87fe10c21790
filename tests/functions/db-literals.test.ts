/**
 * functions/_shared/db.ts writes a statement's values into its SQL text as literals (`queryAsCaller`), and writes the
 * verified token's claims into the setup of every caller transaction (`queryAsCaller` and `asCaller`). An escaping
 * mistake there would be SQL injection on every function, so this suite proves, against the real test database and
 * through the functions' own connection (SUPABASE_DB_URL: pgbouncer in transaction mode under `npm test`), with seeded
 * fast-check properties:
 *
 * 1. Literal ≡ parameter: for arbitrary values of every kind a statement holds (hostile text: quotes, backslashes,
 *    dollar quotes, `E'`, `U&'`, semicolons, comments, control characters, unicode incl. lone surrogates, emoji and
 *    ZWJ sequences; numbers incl. NaN, ±Infinity, -0 and huge; bigints in and out of int8; booleans; dates in and out
 *    of Postgres's range; null; flat arrays of text/numbers/nulls; JSON trees with hostile keys and strings), the
 *    statement `statement\`select ${value}<cast> as v\`` run through `queryAsCaller` (as anon, service_role or a
 *    signed-in user) answers exactly what postgres.js answers for the same value bound as a parameter on the owner's
 *    connection: the same row, or the same error (SQLSTATE and message). Where postgres.js converts a value in the
 *    client before sending it (a string bound where Postgres infers bool, json(b), bytea or a date type goes through
 *    postgres.js's serializer for that type), the reference is Postgres's own text input: `${value}::text::<type>`.
 *    Beyond the reference, the values must come back as written: text verbatim (lone surrogates as U+FFFD, as any
 *    UTF-8 encoding of them), numbers as `String(n)`, in-range bigints, dates to the millisecond, arrays element by
 *    element, JSON as JSON.parse(JSON.stringify(value)).
 * 2. One statement: every answer is one row with exactly the selected columns (so queryAsCaller's result-count check
 *    held: a value that ended the statement would add a result and be refused), classic payloads such as
 *    `'; select pg_sleep(10); --` come back verbatim and fast, the pool's sessions keep their own role and no claims,
 *    and the exact text queryAsCaller sent runs as the same statements under `standard_conforming_strings = off` and
 *    `backslash_quote = off` (the E'' form must not depend on either). The result-count check itself refuses two
 *    statements and none.
 * 3. Claims: hostile email, phone, user_metadata and app_metadata strings still set `role` and
 *    `request.jwt.claims` exactly (the setting is JSON.stringify(claims) byte for byte, and, where jsonb can hold it,
 *    `::jsonb`, auth.uid(), auth.role() and auth.email() read the claims back), through queryAsCaller and asCaller;
 *    a role outside the API roles or a subject that is not a uuid is refused before any SQL.
 * 4. NUL: text holding U+0000 (alone, in an array, or next to literal values in one statement) is refused with 22021,
 *    as the same value bound as a parameter is.
 *
 * Reproduce a failure with the seed fast-check prints: DB_LITERALS_SEED=<seed> (DB_LITERALS_RUNS for more runs).
 */
import fc from 'fast-check';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type AccessTokenClaims, verifyAccessToken } from '../../functions/_shared/auth.ts';
import {
  anonClaims,
  asCaller,
  closeDatabase,
  database,
  json,
  queryAsCaller,
  serviceRoleClaims,
  type SqlValue,
  type Statement,
  statement,
} from '../../functions/_shared/db.ts';
import { adminSql, createUser, deleteUser, type TestUser, tokenFor } from '../support/stack.ts';

const seed = Number(process.env.DB_LITERALS_SEED ?? 20261202);
const numRuns = Number(process.env.DB_LITERALS_RUNS ?? 300);
const slow = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------------------------------

let member: TestUser;
let memberClaims: AccessTokenClaims;
let sessionUser: string;
let sent: MockInstance;

const callers = ['anon', 'service_role', 'member'] as const;
type Caller = (typeof callers)[number];
const claimsOf = (caller: Caller): AccessTokenClaims =>
  caller === 'anon' ? anonClaims : caller === 'service_role' ? serviceRoleClaims : memberClaims;

beforeAll(async () => {
  member = await createUser('db-literals', { metadata: { firstName: "O'Brien \\ $$" } });
  // The claims exactly as a function gets them: a real access token, verified.
  memberClaims = await verifyAccessToken(await tokenFor(member));
  const client = database();
  [{ user: sessionUser }] = await client<{ user: string }[]>`select current_user as "user"`;
  // queryAsCaller sends its one message with `database().unsafe(text)`: record it to replay it and to count it.
  sent = vi.spyOn(client, 'unsafe');
});

afterAll(async () => {
  sent?.mockRestore();
  await closeDatabase();
  if (member) await deleteUser(member.id);
});

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

/** Pieces that end, escape or re-open SQL string literals, identifiers, arrays, comments and statements. */
const fragments = [
  "'", "''", "'''", '\\', '\\\\', "\\'", "'\\", "\\''", '$$', '$q$', '$_$', '$1', "E'", "e'", "U&'", "u&'", "B'", "X'", "N'",
  ';', ';;', '--', '/*', '*/', '/* /* */', '"', '""', '\\"', '{', '}', '{}', ',', 'NULL', 'null', ' NULL ', '\\N',
  '\\x27', '\\u0027', '\\U00000027', '\\047', '\\000', '\\0', '\\b', '\\f', '\\n', '\\r', '\\t', '\\', 'UESCAPE',
  '::text', '::jsonb', '(', ')', '[', ']', ':', '=', '%s', '%%', '${', '`', '?', '&', '|', '||',
  ' ', '\n', '\r\n', '\r', '\t', '\u000b', '\f', '\u0001', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u200b', '\u200d',
  '😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', 'é', 'e\u0301', 'ß', 'İ', 'ﬃ', '中文', 'العربية', '\u{10ffff}', '\ufffd', '\ud83d\ude00',
  "'; select pg_sleep(10); --",
  "'); select set_config('role', 'postgres', false); --",
  "\\'; select 1; --",
  '$$; select 1; $$',
  "E'\\''; select 1; --",
  "*/ select 1; /*",
  "' || (select current_user) || '",
  '"}; select 1; --',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const hostilePiece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...fragments) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: loneSurrogate },
);
/** Hostile text, possibly holding NUL (U+0000). */
const anyText = fc.oneof(
  { weight: 9, arbitrary: fc.array(hostilePiece, { maxLength: 10 }).map((pieces) => pieces.join('')) },
  // Now and then a long one: the same hostile text many times over.
  { weight: 1, arbitrary: fc.tuple(fc.array(hostilePiece, { minLength: 1, maxLength: 4 }), fc.integer({ min: 50, max: 400 })).map(([pieces, times]) => pieces.join('').repeat(times)) },
);
/** Hostile text without NUL: what queryAsCaller writes as a literal. */
const text = anyText.map((value) => value.replaceAll('\0', ''));

const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.1, 0.5, 1e21, 1e-7, 123e-20, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2147483647, 2147483648, -2147483649, 9223372036854775807),
);
const int8Min = -(2n ** 63n);
const int8Max = 2n ** 63n - 1n;
const bigint = fc.oneof(
  fc.bigInt({ min: int8Min, max: int8Max }),
  fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n }),
  fc.constantFrom(0n, -1n, int8Max, int8Min, int8Max + 1n, int8Min - 1n, 2147483648n),
);
const inPostgresRange = { min: new Date('1000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z') };
const date = fc.oneof(
  { weight: 3, arbitrary: fc.date({ ...inPostgresRange, noInvalidDate: true }) },
  // Anywhere in JavaScript's range: years 0 and before, and beyond 9999 (`+275760-…`), which Postgres refuses.
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
  { weight: 1, arbitrary: fc.constantFrom(new Date(0), new Date(-1), new Date('2000-02-29T12:34:56.789Z'), new Date('0001-01-01T00:00:00.000Z'), new Date('-000001-12-31T23:59:59.999Z')) },
);
const arrayElement = fc.oneof(text, number, fc.constant(null));
const flatArray = fc.array(arrayElement, { maxLength: 8 });

/** JSON trees whose keys and strings are hostile (NUL included: JSON.stringify escapes it, jsonb then refuses it). */
const jsonTreeOf = (strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.letrec<{ node: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: 4 }, strings, number, fc.boolean(), fc.constant(null), tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 4 }),
    object: fc.dictionary(strings, tie('node'), { maxKeys: 4 }),
  })).node;
const jsonTree = jsonTreeOf(anyText);
/** Lone surrogates cannot be written in UTF-8: every encoder (Node's, so postgres.js's) writes U+FFFD for them. */
const wellFormed = (value: string) => value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
/** Text jsonb can hold: no NUL (jsonb refuses \u0000) and no lone surrogate (nor their \ud800 escapes). */
const jsonbText = text.map(wellFormed);
// A top-level JSON null is left out here: json(null) is compared on its own below.
const jsonDocument = fc.oneof(jsonTree, jsonTreeOf(jsonbText), fc.jsonValue()).filter((value) => value !== null);

// ---------------------------------------------------------------------------------------------------------------
// Statement shapes: the same select written with queryAsCaller's literal and with a postgres.js parameter
// ---------------------------------------------------------------------------------------------------------------

type Param = postgres.SerializableParameter;
type Row = Record<string, unknown>;
type Shape = {
  readonly ours: (value: SqlValue) => Statement<Row>;
  readonly theirs: (sql: postgres.Sql, value: Param) => postgres.PendingQuery<Row[]>;
};

/**
 * The reference is the value bound as a parameter in the same place. Where postgres.js would convert a string in the
 * client (its serializers for the bool, json, jsonb, bytea and date types Postgres infers there), the reference
 * binds it as text and lets Postgres read it, which is what a literal means: `…Input` shapes.
 */
const shapes = {
  untyped: { ours: (v) => statement`select ${v} as v`, theirs: (sql, v) => sql`select ${v} as v` },
  text: { ours: (v) => statement`select ${v}::text as v`, theirs: (sql, v) => sql`select ${v}::text as v` },
  varchar: { ours: (v) => statement`select ${v}::varchar(40) as v`, theirs: (sql, v) => sql`select ${v}::varchar(40) as v` },
  int4: { ours: (v) => statement`select ${v}::int4 as v`, theirs: (sql, v) => sql`select ${v}::int4 as v` },
  int8: { ours: (v) => statement`select ${v}::int8 as v`, theirs: (sql, v) => sql`select ${v}::int8 as v` },
  float4: { ours: (v) => statement`select ${v}::float4 as v`, theirs: (sql, v) => sql`select ${v}::float4 as v` },
  float8: { ours: (v) => statement`select ${v}::float8 as v`, theirs: (sql, v) => sql`select ${v}::float8 as v` },
  numeric: { ours: (v) => statement`select ${v}::numeric as v`, theirs: (sql, v) => sql`select ${v}::numeric as v` },
  json: { ours: (v) => statement`select ${v}::json as v`, theirs: (sql, v) => sql`select ${v}::json as v` },
  jsonb: { ours: (v) => statement`select ${v}::jsonb as v`, theirs: (sql, v) => sql`select ${v}::jsonb as v` },
  date: { ours: (v) => statement`select ${v}::date as v`, theirs: (sql, v) => sql`select ${v}::date as v` },
  timestamp: { ours: (v) => statement`select ${v}::timestamp as v`, theirs: (sql, v) => sql`select ${v}::timestamp as v` },
  timestamptz: { ours: (v) => statement`select ${v}::timestamptz as v`, theirs: (sql, v) => sql`select ${v}::timestamptz as v` },
  textArray: { ours: (v) => statement`select ${v}::text[] as v`, theirs: (sql, v) => sql`select ${v}::text[] as v` },
  float8Array: { ours: (v) => statement`select ${v}::float8[] as v`, theirs: (sql, v) => sql`select ${v}::float8[] as v` },
  numericArray: { ours: (v) => statement`select ${v}::numeric[] as v`, theirs: (sql, v) => sql`select ${v}::numeric[] as v` },
  int4Array: { ours: (v) => statement`select ${v}::int4[] as v`, theirs: (sql, v) => sql`select ${v}::int4[] as v` },
  // to_jsonb tells a NULL element from the text 'NULL' (postgres.js's array parser does not) and keeps every element.
  textArrayJson: { ours: (v) => statement`select to_jsonb(${v}::text[]) as v`, theirs: (sql, v) => sql`select to_jsonb(${v}::text[]) as v` },
  boolInput: { ours: (v) => statement`select ${v}::bool as v`, theirs: (sql, v) => sql`select ${v}::text::bool as v` },
  jsonInput: { ours: (v) => statement`select ${v}::json as v`, theirs: (sql, v) => sql`select ${v}::text::json as v` },
  jsonbInput: { ours: (v) => statement`select ${v}::jsonb as v`, theirs: (sql, v) => sql`select ${v}::text::jsonb as v` },
  byteaInput: { ours: (v) => statement`select ${v}::bytea as v`, theirs: (sql, v) => sql`select ${v}::text::bytea as v` },
  dateInput: { ours: (v) => statement`select ${v}::date as v`, theirs: (sql, v) => sql`select ${v}::text::date as v` },
  timestamptzInput: { ours: (v) => statement`select ${v}::timestamptz as v`, theirs: (sql, v) => sql`select ${v}::text::timestamptz as v` },
} satisfies Record<string, Shape>;
type ShapeName = keyof typeof shapes;

const shapesByKind = {
  text: ['untyped', 'text', 'varchar', 'int4', 'float8', 'numeric', 'textArray', 'textArrayJson', 'boolInput', 'jsonInput', 'jsonbInput', 'byteaInput', 'dateInput', 'timestamptzInput'],
  number: ['untyped', 'text', 'int4', 'int8', 'float4', 'float8', 'numeric', 'jsonbInput'],
  bigint: ['untyped', 'text', 'int4', 'float8', 'numeric'],
  boolean: ['untyped', 'text', 'int4'],
  date: ['untyped', 'text', 'date', 'timestamp', 'timestamptz'],
  array: ['textArray', 'float8Array', 'numericArray', 'int4Array', 'textArrayJson'],
  json: ['untyped', 'text', 'json', 'jsonb'],
  null: Object.keys(shapes) as ShapeName[],
} satisfies Record<string, ShapeName[]>;

// ---------------------------------------------------------------------------------------------------------------
// Running both and comparing
// ---------------------------------------------------------------------------------------------------------------

type Outcome = { rows: unknown[] } | { error: { code: string; message: string } };

/** Dates as their instant (or 'Invalid Date'), so that equal outcomes compare equal; everything else as parsed. */
function comparable(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : { date: value.toISOString() };
  if (Array.isArray(value)) return value.map(comparable);
  return value;
}

/** The rows, or the database's refusal (an SQLSTATE); any other failure (a client error, a refused shape) is thrown. */
async function outcome(run: () => Promise<readonly Row[]>): Promise<Outcome> {
  try {
    const rows = await run();
    return { rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, comparable(value)]))) };
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { error: { code, message: String(message) } };
    throw error;
  }
}

const tally = { compared: 0, sameRows: 0, sameErrors: new Map<string, number>(), byKind: new Map<string, number>(), replayed: 0, claims: 0, claimsJsonb: 0, nul: 0 };
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * Runs `ours` through queryAsCaller and `theirs` on the owner's connection, and requires the same outcome. A row
 * from queryAsCaller must be the only one, with exactly `columns`. Returns queryAsCaller's rows (empty on an error).
 */
async function same(kind: string, caller: Caller, ours: Statement<Row>, theirs: () => postgres.PendingQuery<Row[]>, columns = ['v']): Promise<unknown[]> {
  const [mine, reference] = await Promise.all([
    outcome(() => queryAsCaller(claimsOf(caller), ours)),
    outcome(() => theirs()),
  ]);
  expect(mine).toEqual(reference);
  tally.compared += 1;
  count(tally.byKind, kind);
  if ('error' in mine) {
    count(tally.sameErrors, mine.error.code);
    return [];
  }
  tally.sameRows += 1;
  expect(mine.rows).toHaveLength(1);
  expect(Object.keys(mine.rows[0] as Row)).toEqual(columns);
  return mine.rows;
}

async function sameAs(kind: string, caller: Caller, shapeName: ShapeName, value: SqlValue, param: (sql: postgres.Sql) => Param): Promise<unknown> {
  const shape: Shape = shapes[shapeName];
  const sql = adminSql();
  const rows = await same(kind, caller, shape.ours(value), () => shape.theirs(sql, param(sql)));
  return rows.length === 1 ? (rows[0] as Row).v : undefined;
}

const asParam = (value: unknown) => () => value as Param;
const caller = fc.constantFrom(...callers);
const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>, runs = numRuns) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed, numRuns: runs });

// ---------------------------------------------------------------------------------------------------------------
// 1. Literal ≡ parameter
// ---------------------------------------------------------------------------------------------------------------

describe('a value written as a literal answers what the same value answers as a parameter', () => {
  it('hostile text, verbatim where it is read as text', { timeout: slow }, async () => {
    await property(fc.record({ value: text, shape: fc.constantFrom(...shapesByKind.text), caller }), async ({ value, shape, caller }) => {
      const v = await sameAs('text', caller, shape, value, asParam(value));
      if (shape === 'untyped' || shape === 'text') expect(v).toBe(wellFormed(value));
    });
  });

  it('numbers: NaN, ±Infinity, -0, huge and tiny, integers', { timeout: slow }, async () => {
    await property(fc.record({ value: number, shape: fc.constantFrom(...shapesByKind.number), caller }), async ({ value, shape, caller }) => {
      const v = await sameAs('number', caller, shape, value, asParam(value));
      if (shape === 'untyped' || shape === 'text') expect(v).toBe(String(value));
      if (shape === 'float8') expect(v).toBe(value === 0 ? 0 : value);
    });
  });

  it('bigints, in and out of int8', { timeout: slow }, async () => {
    await property(fc.record({ value: bigint, shape: fc.constantFrom(...shapesByKind.bigint), caller }), async ({ value, shape, caller }) => {
      const v = await sameAs('bigint', caller, shape, value, asParam(value));
      const inRange = value >= int8Min && value <= int8Max;
      if (shape === 'untyped' || shape === 'text') expect(v).toBe(inRange ? String(value) : undefined);
    });
  });

  it('booleans and null, in every shape', { timeout: slow }, async () => {
    for (const who of callers) {
      for (const value of [true, false]) {
        for (const shape of shapesByKind.boolean) {
          const v = await sameAs('boolean', who, shape, value, asParam(value));
          if (shape === 'untyped') expect(v).toBe(value);
        }
      }
      for (const shape of shapesByKind.null) expect(await sameAs('null', who, shape, null, asParam(null))).toBeNull();
    }
  });

  it('dates, in and out of Postgres\'s range', { timeout: slow }, async () => {
    await property(fc.record({ value: date, shape: fc.constantFrom(...shapesByKind.date), caller }), async ({ value, shape, caller }) => {
      const v = await sameAs('date', caller, shape, value, asParam(value));
      if (shape === 'untyped' && value >= inPostgresRange.min && value <= inPostgresRange.max) expect(v).toEqual({ date: value.toISOString() });
    });
  });

  it('calendar dates as the functions send them (`${from}::date` with a YYYY-MM-DD string)', { timeout: slow }, async () => {
    const day = fc.date({ ...inPostgresRange, noInvalidDate: true }).map((value) => value.toISOString().slice(0, 10));
    await property(fc.record({ value: day, caller }), async ({ value, caller }) => {
      // Here the reference is postgres.js's own parameter, serializer and all: what the functions sent before.
      expect(await sameAs('calendar date', caller, 'date', value, asParam(value))).toEqual({ date: `${value}T00:00:00.000Z` });
    });
  });

  it('flat arrays of hostile text, numbers and nulls', { timeout: slow }, async () => {
    await property(fc.record({ value: flatArray, shape: fc.constantFrom(...shapesByKind.array), caller }), async ({ value, shape, caller }) => {
      const v = await sameAs('array', caller, shape, value, asParam(value));
      if (shape === 'textArrayJson') expect(v).toEqual(value.map((element) => element === null ? null : typeof element === 'number' ? String(element) : wellFormed(element)));
    });
  });

  it('JSON trees with hostile keys and strings', { timeout: slow }, async () => {
    await property(fc.record({ value: jsonDocument, shape: fc.constantFrom(...shapesByKind.json), caller }), async ({ value, shape, caller }) => {
      const v = await sameAs('json', caller, shape, json(value), (sql) => sql.json(value as postgres.JSONValue));
      const written = JSON.stringify(value);
      const jsonbCanHoldIt = !written.includes('\\u0000') && !/\\ud[89a-f]/i.test(written);
      if ((shape === 'untyped' || shape === 'jsonb') && jsonbCanHoldIt) expect(v).toEqual(JSON.parse(written));
      if (!jsonbCanHoldIt) expect(v).toBeUndefined(); // refused, by both
    });
  });

  it('json(null) is the JSON null (postgres.js\'s sql.json(null) sends SQL NULL instead)', async () => {
    for (const who of callers) {
      const [row] = await queryAsCaller(claimsOf(who), statement<{ v: unknown; text: string | null; kind: string | null; isNull: boolean }>`
        select ${json(null)} as v, ${json(null)}::text as text, jsonb_typeof(${json(null)}) as kind, ${json(null)} is null as "isNull"`);
      expect(row).toEqual({ v: null, text: 'null', kind: 'null', isNull: false });
      const [reference] = await adminSql()<{ isNull: boolean }[]>`select ${adminSql().json(null)} is null as "isNull"`;
      expect(reference.isNull).toBe(true);
    }
  });

  it('several values of every kind in one statement', { timeout: slow }, async () => {
    const scalar = fc.oneof(
      fc.record({ kind: fc.constant('text'), value: anyText }),
      fc.record({ kind: fc.constant('number'), value: number }),
      fc.record({ kind: fc.constant('bigint'), value: fc.bigInt({ min: int8Min, max: int8Max }) }),
      fc.record({ kind: fc.constant('boolean'), value: fc.boolean() }),
      fc.record({ kind: fc.constant('date'), value: fc.date({ ...inPostgresRange, noInvalidDate: true }) }),
      fc.record({ kind: fc.constant('null'), value: fc.constant(null) }),
      fc.record({ kind: fc.constant('json'), value: jsonDocument }),
    );
    const ours = ({ kind, value }: { kind: string; value: unknown }): SqlValue => kind === 'json' ? json(value) : value as SqlValue;
    const theirs = (sql: postgres.Sql, { kind, value }: { kind: string; value: unknown }): Param => kind === 'json' ? sql.json(value as postgres.JSONValue) : value as Param;
    await property(fc.record({ values: fc.tuple(scalar, scalar, scalar), caller }), async ({ values: [a, b, c], caller }) => {
      const sql = adminSql();
      const rows = await same('several', caller, statement`select ${ours(a)} as a, ${ours(b)} as b, ${ours(c)} as c`,
        () => sql`select ${theirs(sql, a)} as a, ${theirs(sql, b)} as b, ${theirs(sql, c)} as c`, ['a', 'b', 'c']);
      const holdsNul = [a, b, c].some(({ kind, value }) => kind === 'text' && (value as string).includes('\0'));
      if (holdsNul) expect(rows).toEqual([]); // 22021, by both (checked by `same`)
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 2. One statement, whatever the value
// ---------------------------------------------------------------------------------------------------------------

describe('no value ends the statement', () => {
  const payloads = [
    "'; select pg_sleep(10); --",
    "'; select pg_sleep(10); select '",
    "\\'; select pg_sleep(10); --",
    "\\\\'; select pg_sleep(10); --",
    "''; select pg_sleep(10); --",
    "$$; select pg_sleep(10); $$",
    "E'\\''; select pg_sleep(10); --",
    "U&'\\0027'; select pg_sleep(10); --",
    "'); select set_config('role', 'postgres', false); --",
    "'; set role postgres; --",
    "'; reset role; select set_config('request.jwt.claims', '{\"role\":\"service_role\"}', false); --",
    "' as v; select pg_sleep(10) as v; --",
    "*/; select pg_sleep(10); /*",
    "'\n; select pg_sleep(10);\n--",
    "\\",
    "'",
    "\\'",
    "'\\",
    "E'",
    "$$",
    "--",
    "/*",
    ';',
  ];

  it('classic payloads come back verbatim, at once, in every shape that reads text, for every caller', { timeout: slow }, async () => {
    for (const who of callers) {
      for (const payload of payloads) {
        const started = performance.now();
        const [row] = await queryAsCaller(claimsOf(who), statement<{ v: string; arr: unknown; j: unknown; role: string }>`
          select ${payload} as v, to_jsonb(${[payload, null, payload]}::text[]) as arr, ${json({ [payload]: payload })} as j, current_user as role`);
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(row).toEqual({ v: payload, arr: [payload, null, payload], j: { [payload]: payload }, role: who === 'member' ? 'authenticated' : who });
        // The pool's sessions keep the connection's own role and carry no caller's claims afterwards.
        const [session] = await database()<{ user: string; claims: string | null }[]>`
          select current_user as "user", nullif(current_setting('request.jwt.claims', true), '') as claims`;
        expect(session).toEqual({ user: sessionUser, claims: null });
      }
    }
  });

  it('the exact text queryAsCaller sent is the same statements with standard_conforming_strings and backslash_quote off', { timeout: slow }, async () => {
    const value = fc.oneof(
      fc.record({ kind: fc.constant('text'), value: text }),
      fc.record({ kind: fc.constant('array'), value: flatArray }),
      fc.record({ kind: fc.constant('json'), value: jsonTree }),
    );
    await property(fc.record({ value, caller }), async ({ value: { kind, value }, caller }) => {
      const ours = kind === 'text' ? statement`select ${value as string} as v`
        : kind === 'array' ? statement`select to_jsonb(${value as string[]}::text[]) as v`
        : statement`select ${json(value)}::text as v`;
      sent.mockClear();
      const answer = await outcome(() => queryAsCaller(claimsOf(caller), ours));
      expect(sent).toHaveBeenCalledTimes(1);
      const text = sent.mock.calls[0][0] as string;
      const statements = caller === 'member' ? 3 : 2; // the account check, role and claims, the statement
      const replayed = await outcome(() => adminSql().begin(async (tx) => {
        await tx`set local standard_conforming_strings = off`;
        await tx`set local backslash_quote = off`;
        const results = await tx.unsafe(text).simple() as unknown as Row[][];
        expect(results).toHaveLength(statements);
        return results[statements - 1];
      }));
      expect(replayed).toEqual(answer);
      if (kind === 'text') expect(answer).toEqual({ rows: [{ v: wellFormed(value as string) }] });
      tally.replayed += 1;
    });
  });

  it('queryAsCaller refuses a statement that is two statements, or none (the check an ended statement would meet)', async () => {
    await expect(queryAsCaller(anonClaims, statement`select 1 as a; select 2 as b`)).rejects.toThrow('queryAsCaller runs exactly one statement');
    await expect(queryAsCaller(memberClaims, statement`select ${'a'} as a; select ${'b'} as b`)).rejects.toThrow('queryAsCaller runs exactly one statement');
    await expect(queryAsCaller(anonClaims, statement``)).rejects.toThrow('queryAsCaller runs exactly one statement');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Claims
// ---------------------------------------------------------------------------------------------------------------

describe('hostile claims still set role and request.jwt.claims exactly', () => {
  type ClaimsRow = { claims: string; role: string; user: string };
  type JsonbRow = { claims: unknown; uid: string | null; role: string; email: string | null; phone: string | null };

  it('email, phone, user_metadata and app_metadata of any text, through queryAsCaller and asCaller', { timeout: slow }, async () => {
    // Half of them with text jsonb can hold, so that the jsonb read-back runs often.
    const claimsFrom = (strings: fc.Arbitrary<string>) => fc.record({
      who: caller,
      email: strings,
      phone: strings,
      userMetadata: fc.dictionary(strings, jsonTreeOf(strings), { maxKeys: 4 }),
      extraKey: strings,
      extraValue: jsonTreeOf(strings),
      via: fc.constantFrom('queryAsCaller', 'asCaller'),
    });
    const hostileClaims = fc.oneof(claimsFrom(anyText), claimsFrom(jsonbText));
    await property(hostileClaims, async ({ who, email, phone, userMetadata, extraKey, extraValue, via }) => {
      const base = claimsOf(who);
      const claims: AccessTokenClaims = {
        ...base, email, phone, user_metadata: userMetadata, app_metadata: { ...base.app_metadata, [extraKey]: extraValue },
      };
      const written = JSON.stringify(claims);
      const [row] = via === 'queryAsCaller'
        ? await queryAsCaller(claims, statement<ClaimsRow>`select current_setting('request.jwt.claims') as claims, current_setting('role') as role, current_user as "user"`)
        : await asCaller(claims, (tx) => tx<ClaimsRow[]>`select current_setting('request.jwt.claims') as claims, current_setting('role') as role, current_user as "user"`);
      expect(row.claims).toBe(written);
      expect(JSON.parse(row.claims)).toEqual(JSON.parse(written));
      expect(row.role).toBe(base.role);
      expect(row.user).toBe(base.role);
      tally.claims += 1;

      // jsonb (so auth.uid() and every policy) can hold neither \u0000 nor a lone surrogate; anything else reads back.
      if (written.includes('\\u0000') || /\\ud[89a-f]/i.test(written)) return;
      const [read] = await queryAsCaller(claims, statement<JsonbRow>`
        select current_setting('request.jwt.claims')::jsonb as claims, auth.uid() as uid, auth.role() as role, auth.email() as email,
               auth.jwt() ->> 'phone' as phone`);
      expect(read).toEqual({ claims: JSON.parse(written), uid: base.sub ?? null, role: base.role, email, phone });
      tally.claimsJsonb += 1;
    });
  });

  it('a role outside the API roles, or a subject that is not a uuid, is refused before any SQL', { timeout: slow }, async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    await property(fc.record({ role: anyText, sub: anyText, via: fc.constantFrom('queryAsCaller', 'asCaller') }), async ({ role, sub, via }) => {
      const run = (claims: AccessTokenClaims) => via === 'queryAsCaller'
        ? queryAsCaller(claims, statement`select 1 as one`)
        : asCaller(claims, (tx) => tx`select 1 as one`);
      sent.mockClear();
      if (!['anon', 'authenticated', 'service_role'].includes(role)) {
        await expect(run({ role } as unknown as AccessTokenClaims)).rejects.toThrow('refusing to run as database role');
      }
      if (sub !== '' && !uuid.test(sub)) { // an empty subject is no subject (and verifyAccessToken refuses it)
        await expect(run({ ...memberClaims, sub })).rejects.toThrow('refusing a subject that is not a uuid');
      }
      expect(sent).not.toHaveBeenCalled();
    }, 100);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 4. NUL
// ---------------------------------------------------------------------------------------------------------------

describe('text holding NUL', () => {
  it('is refused with 22021 alone, in an array, or beside literal values, as it is as a parameter', { timeout: slow }, async () => {
    const nulText = fc.tuple(text, text).map(([before, after]) => `${before}\0${after}`);
    const where = fc.constantFrom('alone', 'text', 'array', 'beside');
    await property(fc.record({ value: nulText, other: text, where, caller }), async ({ value, other, where, caller }) => {
      const sql = adminSql();
      const [mine, reference] = await Promise.all([
        outcome(() => queryAsCaller(claimsOf(caller),
          where === 'alone' ? statement`select ${value} as v`
          : where === 'text' ? statement`select ${value}::text as v`
          : where === 'array' ? statement`select ${[other, value, null]}::text[] as v`
          : statement`select ${other} as a, ${value} as b, ${[other]}::text[] as c, ${value} as d, ${json({ other: wellFormed(other) })} as e`)),
        outcome(() =>
          where === 'alone' ? sql`select ${value} as v`
          : where === 'text' ? sql`select ${value}::text as v`
          : where === 'array' ? sql`select ${[other, value, null]}::text[] as v`
          : sql`select ${other} as a, ${value} as b, ${[other]}::text[] as c, ${value} as d, ${sql.json({ other: wellFormed(other) })} as e`),
      ]);
      expect(mine).toEqual(reference);
      expect(mine).toMatchObject({ error: { code: '22021' } });
      tally.nul += 1;
    }, 100);
  });
});

afterAll(() => {
  const errors = [...tally.sameErrors].sort(([, a], [, b]) => b - a).map(([code, n]) => `${code}×${n}`).join(' ');
  const kinds = [...tally.byKind].map(([kind, n]) => `${kind} ${n}`).join(', ');
  // `summary: ` lines are what npm test shows of a suite's output.
  console.log(`summary: db literals: seed ${seed}, ${numRuns} runs per property; ${tally.compared} statements compared with parameters (${kinds}): ` +
    `${tally.sameRows} same rows, ${tally.compared - tally.sameRows} same errors (${errors}); ${tally.replayed} replays with standard_conforming_strings off; ` +
    `${tally.claims} hostile claims read back (${tally.claimsJsonb} also as jsonb); ${tally.nul} NUL refusals`);
});
