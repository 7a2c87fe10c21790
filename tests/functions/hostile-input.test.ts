/**
 * Hostile input on every function route (issue 10, §3), in-process against the real test database.
 * Routes are enumerated from the OpenAPI document each function serves (generated from the zod schemas that validate
 * them), so a new route is covered without editing this file, and a route whose `x-auth` is unknown fails it.
 *
 * 1. Tokens: no token, malformed headers, every forged token of tests/support (expired, another secret, alg none,
 *    tampered payload/signature, not a JWT, role escalation, no expiry) and a deleted user's token → 401, error shape.
 * 2. Property-based fuzzing (fast-check, seeded, a bounded number of runs per route) of path params, query strings,
 *    documented headers, content types, transports (content-length or a stream without one) and bodies: arbitrary JSON,
 *    malformed JSON, raw number literals, and objects derived from the documented JSON Schema with one property
 *    made wrong. A request built to violate the schema ("must reject", decided from the JSON Schema and never trusting
 *    the server) must get a 4xx; every answer is < 500 and in the error shape when >= 400. On routes that change data,
 *    only must-reject requests are sent.
 * 3. No row changed: before and after each route's fuzz, a fingerprint of every row that mentions the fuzz user's id,
 *    in every table of public, private, storage, auth and realtime (count and md5 over xmin + row text per table).
 * 4. Oversized bodies: one byte over maxBodyBytes is a 413 on every POST/PUT/DELETE route, with a content-length
 *    and streamed without one, in-process and over HTTP, even without a token (so before authentication, and so
 *    before any database work), while the same request at exactly the limit is a 401.
 * 5. Logs: everything the functions write through console (functions/_shared/log.ts) while requests carry a marker
 *    in bodies and query strings, including 2xx paths and 5xx paths (the database made unreachable), never contains
 *    the marker nor the bearer tokens.
 * Reproduce a failure with the seed fast-check prints: HOSTILE_INPUT_SEED=<seed> (HOSTILE_INPUT_RUNS for more runs).
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionApp, functionNames, functionOpenApiDocument } from '../../scripts/lib/openapi.ts';
import { freePort } from '../../scripts/lib/postgres.ts';
import { apiKey } from '../../scripts/lib/tokens.ts';
import { succeeded } from '../support/data-api.ts';
import { adminSql, createUser, deleteUser, env, expectErrorShape, forgedTokens, supabaseAs, type TestUser, tokenFor } from '../support/stack.ts';

const { maxBodyBytes } = await import('../../functions/_shared/app.ts');
const { closeDatabase } = await import('../../functions/_shared/db.ts');

afterAll(closeDatabase);

const seed = Number(process.env.HOSTILE_INPUT_SEED ?? 20261125);
const numRuns = Number(process.env.HOSTILE_INPUT_RUNS ?? 40);

// ---------------------------------------------------------------------------------------------------------------
// Routes, from the OpenAPI documents
// ---------------------------------------------------------------------------------------------------------------

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: JsonSchema };
type Operation = { parameters?: Parameter[]; requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> }; 'x-auth'?: string };
type Auth = 'none' | 'user' | 'token' | 'service_role';
const knownAuth: readonly string[] = ['none', 'user', 'token', 'service_role'];

type Route = {
  key: string;
  fn: string;
  app: Hono;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path the app answers, with `{param}` placeholders: `/booking/{id}/rate`. */
  template: string;
  auth: Auth;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body?: JsonSchema;
  bodyRequired: boolean;
  /** A route that may change data: only requests that must be rejected are fuzzed at it. */
  mutating: boolean;
};

async function loadRoutes(): Promise<{ routes: Route[]; unknownAuth: string[] }> {
  const routes: Route[] = [];
  const unknownAuth: string[] = [];
  for (const fn of functionNames()) {
    const app = await functionApp(fn);
    const document = await functionOpenApiDocument(fn);
    for (const [openApiPath, operations] of Object.entries(document.paths)) {
      for (const [method, raw] of Object.entries(operations)) {
        const operation = raw as Operation;
        const key = `${method.toUpperCase()} ${openApiPath}`;
        const auth = operation['x-auth'];
        if (!auth || !knownAuth.includes(auth)) {
          unknownAuth.push(`${key}: ${String(auth)}`);
          continue;
        }
        const parameters = operation.parameters ?? [];
        const body = operation.requestBody?.content['application/json']?.schema;
        const upper = method.toUpperCase() as Route['method'];
        routes.push({
          key,
          fn,
          app,
          method: upper,
          template: openApiPath.replace(/^\/functions\/v1/, ''),
          auth: auth as Auth,
          pathParams: parameters.filter((parameter) => parameter.in === 'path'),
          query: parameters.filter((parameter) => parameter.in === 'query'),
          headers: parameters.filter((parameter) => parameter.in === 'header'),
          body,
          bodyRequired: operation.requestBody?.required ?? false,
          mutating: upper !== 'GET',
        });
      }
    }
  }
  return { routes, unknownAuth };
}

const { routes, unknownAuth } = await loadRoutes();
const authenticated = routes.filter((route) => route.auth !== 'none');
const withBodies = routes.filter((route) => route.method !== 'GET');

// ---------------------------------------------------------------------------------------------------------------
// "Definitely invalid" from the JSON Schema: an under-approximation of what zod refuses (constraints zod adds that
// JSON Schema cannot say, such as trim() or refine(), only make more inputs invalid, never fewer).
// ---------------------------------------------------------------------------------------------------------------

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Why `value` cannot satisfy `schema`, or undefined when it might. */
function violation(value: unknown, schema: JsonSchema): string | undefined {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const reasons = branches.map((branch) => violation(value, branch));
    if (reasons.every((reason) => reason !== undefined)) return `matches no alternative (${reasons.join('; ')})`;
  }
  if ('const' in schema && !deepEqual(value, schema.const)) return `is not ${JSON.stringify(schema.const)}`;
  if (schema.enum && !schema.enum.some((option) => deepEqual(option, value))) return 'is not one of the enum';
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = jsonType(value);
    if (!types.some((type) => type === actual || (type === 'number' && actual === 'integer'))) return `is ${actual}, not ${types.join('|')}`;
  }
  if (typeof value === 'string') {
    // zod may trim before checking lengths and patterns: judge the trimmed and the raw value, invalid only if both are.
    const trimmed = value.trim();
    if (schema.maxLength !== undefined && trimmed.length > schema.maxLength) return `is longer than ${schema.maxLength}`;
    if (schema.minLength !== undefined && value.length < schema.minLength) return `is shorter than ${schema.minLength}`;
    if (schema.pattern) {
      const pattern = new RegExp(schema.pattern);
      if (!pattern.test(value) && !pattern.test(trimmed)) return `does not match ${schema.pattern}`;
    }
  }
  if (typeof value === 'number' && schema.type) {
    if (schema.minimum !== undefined && value < schema.minimum) return `is below ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `is above ${schema.maximum}`;
  }
  if (jsonType(value) === 'object' && (schema.type === 'object' || schema.properties)) {
    const object = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!Object.hasOwn(object, name)) return `misses ${name}`;
    for (const name of Object.keys(object)) {
      if (!Object.hasOwn(properties, name)) {
        if (schema.additionalProperties === false) return `has the unknown key ${JSON.stringify(name)}`;
        continue;
      }
      const reason = violation(object[name], properties[name]);
      if (reason) return `${name} ${reason}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

/** A therapist bookable around the clock in UTC, as in booking.test.ts. */
async function createTherapist(prefix: string): Promise<TestUser> {
  const therapist = await createUser(prefix, { metadata: { firstName: 'Thera', lastName: 'Pist' } });
  const sql = adminSql();
  await sql`update public.profiles set role = 'therapist' where id = ${therapist.id}`;
  await sql`
    insert into public.therapists (id, display_name, specialties, hourly_rate, time_zone, session_types, minimum_notice_minutes, buffer_after_minutes)
    values (${therapist.id}, ${`Dr. ${prefix}`}, '{anxiety}', 120, 'UTC', '{video,phone}', 0, 10)`;
  await sql`
    insert into public.therapist_weekly_hours (therapist_id, weekday, starts_at, ends_at)
    select ${therapist.id}, d, '00:00', '24:00' from generate_series(1, 7) as d`;
  return therapist;
}

function daysAhead(days: number, hourUtc = 10): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  date.setUTCHours(hourUtc, 0, 0, 0);
  return date.toISOString();
}

const today = () => new Date().toISOString().slice(0, 10);

/** What the fixtures are, for sample values: real ids make valid requests reach the database. */
const fixture = { therapistId: '', sessionId: '', userId: '' };

/** A value the schema accepts (as far as JSON Schema can say), preferring the fixtures' real ids. */
function sampleValue(schema: JsonSchema, name = ''): unknown {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) return sampleValue(branches[0], name);
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uuid') {
        const known: Record<string, string> = { therapistId: fixture.therapistId, therapist: fixture.therapistId, id: fixture.sessionId, userId: fixture.userId };
        return known[name] || crypto.randomUUID();
      }
      if (schema.format === 'date-time') return daysAhead(30);
      if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return today();
      if (schema.pattern) {
        const example = ['a', 'x', crypto.randomUUID()].find((candidate) => new RegExp(schema.pattern!).test(candidate));
        if (example) return example;
      }
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, sampleValue(schema.properties?.[key] ?? {}, key)]));
    default:
      return null;
  }
}

type Caller = 'user' | 'service_role' | 'none';
const tokens: Record<'user' | 'service_role', string> = { user: '', service_role: '' };

/** Who fuzzes a route: the fuzz user, or the service role where only it may call. */
function defaultCaller(route: Route): Caller {
  return route.auth === 'service_role' ? 'service_role' : route.auth === 'none' ? 'none' : 'user';
}

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

type Hostile = {
  caller: Caller;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  transport: 'length' | 'stream';
  /** Why the schema refuses the request; empty when it might be valid (then any answer below 500 will do). */
  reasons: string[];
  /** Which kind of body it carries, for the failure message. */
  label: string;
};

const encoder = new TextEncoder();

function streamOf(bytes: Uint8Array, chunks = 3): ReadableStream<Uint8Array> {
  const size = Math.max(1, Math.ceil(bytes.length / chunks));
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

type Sent = { path: string; method?: string; token?: string; headers?: Record<string, string>; body?: Uint8Array; transport?: 'length' | 'stream' };

/** One request to the route's app in-process; a body goes with its content-length (as clients send it) or streamed. */
async function send(route: Route, request: Sent): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  let body: BodyInit | undefined;
  if (request.body) {
    if (request.transport === 'stream') body = streamOf(request.body);
    else {
      body = request.body as Uint8Array<ArrayBuffer>;
      headers['content-length'] = String(request.body.length);
    }
  }
  const response = await route.app.request(request.path, { method: request.method ?? route.method, headers, body, duplex: 'half' } as RequestInit);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** The route's path with its params filled in. */
function pathOf(route: Route, params: Record<string, string> = {}, query = ''): string {
  return route.template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? String(sampleValue(route.pathParams.find((p) => p.name === name)?.schema ?? {}, name))) + query;
}

/** A request the schema accepts: only the token is in question. */
/**
 * Valid bodies for routes with a rule JSON Schema cannot say, where the schema's minimal sample would be refused:
 * PUT /booking/{id} takes exactly one change (scheduledAt, status or rescheduleRequested), so its `{}` is a 400.
 */
const sampleBodies: Record<string, () => unknown> = {
  'PUT /functions/v1/booking/{id}': () => ({ status: 'cancelled', reason: 'x' }),
};

function validRequest(route: Route): { path: string; headers: Record<string, string>; body?: Uint8Array } {
  const query = route.query
    .filter((parameter) => parameter.required)
    .map((parameter) => `${encodeURIComponent(parameter.name)}=${encodeURIComponent(String(sampleValue(parameter.schema, parameter.name)))}`)
    .join('&');
  const body = route.body ? encoder.encode(JSON.stringify(sampleBodies[route.key]?.() ?? sampleValue(route.body))) : undefined;
  return { path: pathOf(route, {}, query ? `?${query}` : ''), headers: body ? { 'content-type': 'application/json' } : {}, body };
}

// --- arbitraries ------------------------------------------------------------------------------------------------

const specialStrings = [
  '', ' ', '\t\n', '\u0000', '\ud800', '\udfff', 'null', 'true', 'false', 'undefined', 'NaN', 'Infinity', '-1', '0x10', '1e999',
  '💥'.repeat(40), 'e\u0301', '\u202e\u0645\u0631\u062d\u0628\u0627', 'Ω≈ç√∫', "'; drop table public.profiles; --", '" or "1"="1', '<script>alert(1)</script>',
  '../../etc/passwd', '%00', '%', '${jndi:ldap://x}', '{{7*7}}', '__proto__', 'constructor', '2025-02-30', '2025-13-01', '0000-01-01', '9999-12-31',
  '2025-01-15T10:00:00', '2025-01-15T25:00:00Z', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000',
  'Europe/Nowhere', 'UTC', '+05:30', 'America/New_York\u0000', 'A'.repeat(65),
];
/** No lone surrogates (encodeURIComponent throws on them); String.prototype.isWellFormed is ES2024. */
const wellFormed = (value: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...specialStrings),
  fc.tuple(fc.constantFrom('x', 'é', '界', '🙂', '\u0000'), fc.integer({ min: 100, max: 2500 })).map(([unit, count]) => unit.repeat(count)),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, 5, 6, -1, 1.5, 1e21, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 5e-324),
);
const hostileScalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const hostileKey = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', ' ', 'id', 'user_id', 'role', '$where'));
const { hostileValue } = fc.letrec((tie) => ({
  hostileValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('hostileValue'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('hostileValue'), { maxKeys: 4 }),
  ),
}));

function typesOf(schema: JsonSchema): string[] {
  if ('const' in schema) return [jsonType(schema.const)];
  if (schema.enum) return [...new Set(schema.enum.map(jsonType))];
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

/** A value that breaks `schema`: a wrong type, or the right type breaking a constraint. */
function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const numeric = types.includes('number') || types.includes('integer');
  const options: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.array(hostileValue, { maxLength: 3 }),
    fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 }),
    fc.integer({ min: 20, max: 200 }).map((depth) => JSON.parse('{"a":'.repeat(depth) + '[]' + '}'.repeat(depth))),
  ];
  if (!types.includes('string')) options.push(hostileString, fc.constantFrom('1', 'true', '5'));
  if (!numeric) options.push(hostileNumber);
  if (!types.includes('boolean')) options.push(fc.boolean());
  if (types.includes('boolean')) options.push(fc.constantFrom(false, 'true', 1, 0));
  if (types.includes('string')) {
    options.push(hostileString);
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      options.push(fc.tuple(fc.constantFrom('x', 'é', '界', '🙂'), fc.integer({ min: max + 1, max: max + 40 })).map(([unit, count]) => unit.repeat(count)));
    }
    if (schema.minLength) options.push(fc.constant(''));
  }
  if (numeric) {
    options.push(fc.constantFrom(1e308, -1e308, 2 ** 63, 0.5, -0.5));
    if (types.includes('integer') && !types.includes('number')) options.push(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)));
    if (schema.minimum !== undefined) options.push(fc.integer({ min: -1_000_000, max: schema.minimum - 1 }));
    if (schema.maximum !== undefined) options.push(fc.integer({ min: schema.maximum + 1, max: 2 ** 31 }));
  }
  return fc.oneof(...options).filter((value) => violation(value, schema) !== undefined);
}

/** Objects shaped like the body schema with something wrong: one property wrong, a required one missing, an extra key. */
function schemaDerivedInvalid(schema: JsonSchema): fc.Arbitrary<unknown> {
  const branches = schema.oneOf ?? schema.anyOf ?? [schema];
  const perBranch = branches.map((branch) => {
    const properties = Object.entries(branch.properties ?? {});
    const base = () => {
      const object = sampleValue(branch);
      return object && typeof object === 'object' && !Array.isArray(object) ? { ...(object as Record<string, unknown>) } : {};
    };
    const mutations: fc.Arbitrary<unknown>[] = [fc.oneof(hostileScalar, fc.array(hostileValue, { maxLength: 4 }))];
    if (properties.length > 0) {
      mutations.push(fc.constantFrom(...properties).chain(([name, property]) => wrongValue(property).map((value) => ({ ...base(), [name]: value }))));
      // Every property wrong at once, some left out.
      mutations.push(fc.record(Object.fromEntries(properties.map(([name, property]) => [name, wrongValue(property)])), { requiredKeys: [] }).map((wrong) => ({ ...base(), ...wrong })));
    }
    if ((branch.required ?? []).length > 0) {
      mutations.push(fc.constantFrom(...branch.required!).map((name) => {
        const object: Record<string, unknown> = base();
        delete object[name];
        return object;
      }));
    }
    if (branch.additionalProperties === false) {
      mutations.push(fc.tuple(hostileKey.filter((key) => !Object.hasOwn(branch.properties ?? {}, key)), hostileValue).map(([key, value]) => ({ ...base(), [key]: value })));
    }
    return fc.oneof(...mutations);
  });
  return fc.oneof(...perBranch).filter((value) => violation(value, schema) !== undefined);
}

/** JSON text with number literals JSON.parse turns into Infinity, -0 or lossy doubles, in a documented property. */
function rawNumberTexts(schema: JsonSchema): fc.Arbitrary<string> {
  const branch = (schema.oneOf ?? schema.anyOf ?? [schema])[0];
  const names = Object.keys(branch.properties ?? {});
  const literal = fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '-0', '1E+2', '0.000000000000000000001', '00', '+1', '.5', 'NaN', '0x10');
  if (names.length === 0) return literal;
  return fc.tuple(fc.constantFrom(...names), literal).map(([name, raw]) => {
    const object = { ...(sampleValue(branch) as Record<string, unknown>), [name]: '__RAW__' };
    return JSON.stringify(object).replace('"__RAW__"', raw);
  });
}

const malformedJson = fc.oneof(
  fc.constantFrom('{', '{"a":', "{'a':1}", '[1,]', '{"a":1,}', 'undefined', '{"a":1}{"b":2}', '"\\u12"', '{"a":"\\x41"}', '\u0000', '[' .repeat(5000), '{"a":' + '"x'),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)).chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut))),
);

/** Bytes that are not UTF-8, inside an otherwise JSON body: the decoder replaces them, JSON may then be valid. */
const badUtf8 = fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.uint8Array({ minLength: 1, maxLength: 6, min: 0x80, max: 0xff })).map(([value, junk]) => {
  const text = encoder.encode(JSON.stringify({ value, s: '' }));
  const at = text.length - 3; // inside the value of "s"
  return new Uint8Array([...text.slice(0, at), ...junk, ...text.slice(at)]);
});

const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json'];
const nonJsonTypes = [
  undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream',
  'text/json', 'application/jsonp', 'json',
];

type BodyCase = { bytes?: Uint8Array; contentType?: string; label: string };

function bodyCases(route: Route): fc.Arbitrary<BodyCase> {
  const text = (arbitrary: fc.Arbitrary<string>, label: string) => arbitrary.map((value) => ({ bytes: encoder.encode(value), label }));
  const bodies: fc.WeightedArbitrary<Omit<BodyCase, 'contentType'>>[] = [
    { weight: 2, arbitrary: text(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }).map((value) => JSON.stringify(value)), 'arbitrary JSON') },
    { weight: 1, arbitrary: text(fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'undefined'), 'anything as JSON') },
    { weight: 2, arbitrary: text(hostileValue.map((value) => JSON.stringify(value)), 'hostile JSON') },
    { weight: 2, arbitrary: text(malformedJson, 'malformed JSON') },
    { weight: 1, arbitrary: badUtf8.map((bytes) => ({ bytes, label: 'invalid UTF-8' })) },
    { weight: 1, arbitrary: fc.constantFrom({ bytes: undefined, label: 'no body' }, { bytes: new Uint8Array(0), label: 'empty body' }) },
  ];
  if (route.body) {
    bodies.push(
      { weight: 4, arbitrary: text(schemaDerivedInvalid(route.body).map((value) => JSON.stringify(value)), 'schema-derived invalid') },
      { weight: 1, arbitrary: text(rawNumberTexts(route.body), 'raw number literal') },
    );
  }
  const contentTypes = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...jsonTypes) }, { weight: 1, arbitrary: fc.constantFrom(...nonJsonTypes) });
  return fc.tuple(fc.oneof(...bodies), contentTypes).map(([body, contentType]) => ({ ...body, contentType }));
}

/** What the server reads: UTF-8 decoding as Request.text() does it (BOM dropped, bad bytes replaced). */
function decodedJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return { ok: false };
  }
}

function bodyReasons(route: Route, body: BodyCase): string[] {
  if (!route.body) return []; // the route documents no body: it ignores whatever comes
  const empty = !body.bytes || body.bytes.length === 0;
  if (empty) return route.bodyRequired ? ['no body'] : [];
  if (!jsonTypes.includes(body.contentType ?? '')) return [`content type ${String(body.contentType)}`];
  const parsed = decodedJson(body.bytes!);
  if (!parsed.ok) return ['not JSON'];
  const reason = violation(parsed.value, route.body);
  return reason ? [`body ${reason}`] : [];
}

type QueryCase = { text: string; reasons: string[]; judged: boolean };

/** Query strings: documented keys with sample or hostile values, unknown keys, repeats, unicode, long values, bad escapes. */
function queryCases(route: Route): fc.Arbitrary<QueryCase> {
  const documented = route.query.map((parameter) => parameter.name);
  const dates = fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10));
  const nearDates = fc.integer({ min: -90, max: 90 }).map((offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10));
  const value = (parameter: Parameter) => fc.oneof(
    { weight: 3, arbitrary: fc.constant(String(sampleValue(parameter.schema, parameter.name))) },
    {
      weight: 2,
      arbitrary: parameter.schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$' ? fc.oneof(dates, nearDates) : fc.constantFrom(...(parameter.schema.enum as string[] | undefined ?? ['x'])),
    },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom(...specialStrings.filter((s) => wellFormed(s))) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => 'é'.repeat(n)) },
  );
  type Pair = { key: string; value: string; raw: boolean };
  const documentedPair: fc.Arbitrary<Pair> | undefined = route.query.length > 0
    ? fc.constantFrom(...route.query).chain((parameter) => value(parameter).map((v) => ({ key: parameter.name, value: v, raw: false })))
    : undefined;
  const unknownPair: fc.Arbitrary<Pair> = fc
    .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((key) => !documented.includes(key)), fc.string({ unit: 'grapheme', maxLength: 60 }))
    .map(([key, v]) => ({ key, value: v, raw: false }));
  const rawPair: fc.Arbitrary<Pair> = fc
    .tuple(
      fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%ff', '+', '%2B', '%26', '%3D', '&', '=', '%00', '\u00e9', '\ud83d\ude00', '[]', 'a[b]'),
      fc.constantFrom('', 'x', '%', '%%', '%E2%82', '=', '&&', '+++'),
    )
    .map(([key, v]) => ({ key: `k${key}`, value: v, raw: true }));
  const pairs = documentedPair
    ? fc.array(fc.oneof({ weight: 4, arbitrary: documentedPair }, { weight: 1, arbitrary: unknownPair }, { weight: 1, arbitrary: rawPair }), { maxLength: 6 })
    : fc.array(fc.oneof(unknownPair, rawPair), { maxLength: 4 });
  // A documented set first, so that complete (often valid) queries are common too.
  const complete = fc.constant(route.query.filter((parameter) => parameter.required)
    .map((parameter) => ({ key: parameter.name, value: String(sampleValue(parameter.schema, parameter.name)), raw: false })));
  return fc.tuple(complete, pairs, fc.boolean()).map(([required, extra, keepRequired]) => {
    const all = [...(keepRequired ? required : []), ...extra];
    const text = all.map((pair) => (pair.raw ? `${pair.key}=${pair.value}` : `${encodeURIComponent(pair.key)}=${encodeURIComponent(pair.value)}`)).join('&');
    const judged = all.every((pair) => !pair.raw);
    const reasons: string[] = [];
    if (judged) {
      for (const parameter of route.query) {
        const values = all.filter((pair) => pair.key === parameter.name).map((pair) => pair.value);
        if (values.length === 0 && parameter.required) reasons.push(`query misses ${parameter.name}`);
        // Whichever occurrence the server picks, every one is wrong.
        const wrong = values.map((v) => violation(v, parameter.schema));
        if (values.length > 0 && wrong.every((reason) => reason !== undefined)) reasons.push(`query ${parameter.name} ${wrong[0]}`);
      }
    }
    return { text: text ? `?${text}` : '', reasons, judged };
  });
}

/** Path params: the fuzz user's own session, random ids, and hostile segments. */
function pathCases(route: Route): fc.Arbitrary<{ path: string; reasons: string[] }> {
  if (route.pathParams.length === 0) return fc.constant({ path: pathOf(route), reasons: [] });
  const param = (parameter: Parameter) => fc.oneof(
    { weight: 2, arbitrary: fc.constant({ value: String(sampleValue(parameter.schema, parameter.name)), raw: false }) },
    { weight: 1, arbitrary: fc.uuid().map((value) => ({ value, raw: false })) },
    {
      weight: 3,
      arbitrary: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), fc.constantFrom(...specialStrings.filter((s) => s.length > 0 && wellFormed(s))))
        .map((value) => ({ value, raw: false })),
    },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '%', '%2e%2e', '%00', '%2F', ';', '%ZZ', '%E0%A4%A').map((value) => ({ value, raw: true })) },
  );
  return fc.tuple(...route.pathParams.map(param)).map((values) => {
    const reasons: string[] = [];
    const params: Record<string, string> = {};
    route.pathParams.forEach((parameter, index) => {
      const { value, raw } = values[index];
      params[parameter.name] = raw ? value : encodeURIComponent(value);
      if (raw) reasons.push(`path ${parameter.name} is the raw segment ${value}`);
      else {
        const reason = violation(value, parameter.schema);
        if (reason) reasons.push(`path ${parameter.name} ${reason}`);
      }
    });
    return { path: pathOf(route, params), reasons };
  });
}

/** Documented headers (Idempotency-Key): absent, valid, or hostile Latin-1 (what an HTTP header can carry). */
function headerCases(route: Route): fc.Arbitrary<{ headers: Record<string, string>; reasons: string[] }> {
  if (route.headers.length === 0) return fc.constant({ headers: {}, reasons: [] });
  const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 250 });
  return fc.tuple(...route.headers.map((parameter) => fc.option(fc.oneof(fc.constant(String(sampleValue(parameter.schema))), fc.uuid(), latin1), { nil: undefined })))
    .map((values) => {
      const headers: Record<string, string> = {};
      const reasons: string[] = [];
      route.headers.forEach((parameter, index) => {
        const value = values[index];
        if (value === undefined) {
          if (parameter.required) reasons.push(`header ${parameter.name} missing`);
          return;
        }
        headers[parameter.name] = value;
        // Headers drop leading and trailing spaces: judge what the server will read.
        const reason = violation(value.replace(/^[ \t]+|[ \t]+$/g, ''), parameter.schema);
        if (reason) reasons.push(`header ${parameter.name} ${reason}`);
      });
      return { headers, reasons };
    });
}

function hostileRequests(route: Route): fc.Arbitrary<Hostile> {
  const callers: Caller[] = route.auth === 'token' ? ['user', 'service_role'] : [defaultCaller(route)];
  const body = route.method === 'GET' ? fc.constant<BodyCase>({ label: 'no body' }) : bodyCases(route);
  const requests = fc.record({
    caller: fc.constantFrom(...callers),
    path: pathCases(route),
    query: queryCases(route),
    header: headerCases(route),
    body,
    transport: fc.constantFrom<'length' | 'stream'>('length', 'stream'),
  }).map(({ caller, path, query, header, body: bodyCase, transport }): Hostile => {
    const headers = { ...header.headers, ...(bodyCase.contentType ? { 'content-type': bodyCase.contentType } : {}) };
    const reasons = [...path.reasons, ...header.reasons, ...(route.method === 'GET' ? query.reasons : []), ...bodyReasons(route, bodyCase)];
    return { caller, path: path.path + query.text, headers, body: bodyCase.bytes, transport, reasons, label: bodyCase.label };
  });
  // Where a request can be invalid at all, a route that changes data only ever gets requests that must be refused.
  const canBeInvalid = route.body !== undefined || route.pathParams.length > 0 || route.headers.some((header) => header.required);
  return route.mutating && canBeInvalid ? requests.filter((request) => request.reasons.length > 0) : requests;
}

// ---------------------------------------------------------------------------------------------------------------
// The fingerprint of everything that mentions a user
// ---------------------------------------------------------------------------------------------------------------

let fingerprintSql = '';

/**
 * Per table of public, private, storage, auth and realtime: how many rows mention `userId` anywhere in their text
 * (uuid columns, storage paths, realtime topics, JSON…), and an md5 over those rows' xmin and full text. Any insert,
 * update (even to the same values: xmin changes) or delete of such a row changes it. Rows of other users, which
 * parallel test files change all the time, are not part of it.
 */
async function fingerprint(userId: string): Promise<Record<string, string>> {
  const sql = adminSql();
  if (!fingerprintSql) {
    const tables = await sql<{ schema: string; name: string }[]>`
      select n.nspname as schema, c.relname as name
      from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
      where n.nspname in ('public', 'private', 'storage', 'auth', 'realtime') and c.relkind in ('r', 'p') and not c.relispartition
      order by 1, 2`;
    expect(tables.length).toBeGreaterThan(30);
    fingerprintSql = tables.map(({ schema, name }) => `
      select '${schema}.${name}' as "table", count(*)::int as rows,
             coalesce(md5(string_agg(fp_row.xmin::text || ':' || fp_row::text, ',' order by fp_row::text)), '') as digest
      from "${schema}"."${name}" as fp_row where strpos(fp_row::text, $1) > 0`).join(' union all ');
  }
  const rows = await sql.unsafe<{ table: string; rows: number; digest: string }[]>(fingerprintSql, [userId]);
  return Object.fromEntries(rows.map((row) => [row.table, `${row.rows}:${row.digest}`]));
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

let fuzzUser: TestUser;
let therapist: TestUser;

beforeAll(async () => {
  [fuzzUser, therapist] = await Promise.all([createUser('hostile-fuzz'), createTherapist('hostile-therapist')]);
  fixture.therapistId = therapist.id;
  fixture.userId = fuzzUser.id;
  tokens.user = await tokenFor(fuzzUser);
  tokens.service_role = await apiKey('service_role', env.jwtSecret);
  // Data of the fuzz user's own that a wrongly accepted request could change: a session 20 days ahead (no reminder is
  // due during the test), a mood entry and a journal entry.
  const booking = routes.find((route) => route.key === 'POST /functions/v1/booking');
  if (booking) {
    const booked = await send(booking, {
      path: '/booking', token: tokens.user, headers: { 'content-type': 'application/json' },
      body: encoder.encode(JSON.stringify({ therapistId: therapist.id, scheduledAt: daysAhead(20), type: 'video', notes: 'fixture' })),
    });
    expect(booked.status, booked.text).toBe(201);
    fixture.sessionId = (booked.body as { id: string }).id;
  }
  const asFuzzUser = await supabaseAs(fuzzUser);
  succeeded(await asFuzzUser.from('mood_entries').insert({ mood: 3, note: 'fixture' }), 'from(mood_entries).insert the fixture');
  succeeded(await asFuzzUser.from('journal_entries').insert({ title: 'fixture', content: 'fixture', mood: 'neutral' }), 'from(journal_entries).insert the fixture');
}, 30_000);

// ---------------------------------------------------------------------------------------------------------------

describe('the routes under test', () => {
  it('are every documented route of every function, each with a known auth', () => {
    expect(unknownAuth, 'routes whose x-auth is not one of none, user, token, service_role').toEqual([]);
    expect(new Set(routes.map((route) => route.fn))).toEqual(new Set(functionNames()));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    for (const route of routes) {
      // The sample the token tests send must be valid as far as the schema can tell, or they would test validation.
      const sample = validRequest(route);
      if (route.body && sample.body) expect(violation(JSON.parse(new TextDecoder().decode(sample.body)), route.body), route.key).toBeUndefined();
    }
  });

  it('the fingerprint sees a change to a row of the user (so it can fail)', async () => {
    const before = await fingerprint(fuzzUser.id);
    expect(Number(before['public.profiles'].split(':')[0])).toBe(1);
    await adminSql()`update public.mood_entries set note = note where user_id = ${fuzzUser.id}`;
    const after = await fingerprint(fuzzUser.id);
    expect(after['public.mood_entries']).not.toBe(before['public.mood_entries']);
    expect({ ...after, 'public.mood_entries': '' }).toEqual({ ...before, 'public.mood_entries': '' });
  });
});

describe('tokens: 401 for no token, malformed headers, forged tokens and a deleted user', () => {
  let victim: TestUser;
  let forged: Record<string, string>;
  let goneToken: string;
  let anonKey: string;

  beforeAll(async () => {
    let gone: TestUser;
    [victim, gone] = await Promise.all([createUser('hostile-victim'), createUser('hostile-gone')]);
    forged = await forgedTokens(victim);
    anonKey = await apiKey('anon', env.jwtSecret);
    goneToken = await tokenFor(gone);
    const whoami = routes.find((route) => route.key === 'GET /functions/v1/whoami')!;
    expect((await send(whoami, { path: '/whoami', token: goneToken })).status).toBe(200); // the token was good
    await deleteUser(gone.id);
  });

  it.each(authenticated.map((route) => [route.key, route] as const))('%s', async (_, route) => {
    const sample = validRequest(route);
    const attempts: Array<[string, Record<string, string>]> = [
      ['no Authorization header', {}],
      ['Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['Bearer without a token', { authorization: 'Bearer' }],
      ['two tokens', { authorization: `Bearer ${forged.expired} ${forged.expired}` }],
      ['a token without the scheme', { authorization: forged.expired }],
      ...Object.entries(forged).map(([kind, token]): [string, Record<string, string>] => [kind, { authorization: `Bearer ${token}` }]),
      ["a deleted user's token", { authorization: `Bearer ${goneToken}` }],
    ];
    if (route.auth === 'user') {
      attempts.push(['the anon key', { authorization: `Bearer ${anonKey}` }], ['the service role key', { authorization: `Bearer ${tokens.service_role}` }]);
    }
    const wrong: string[] = [];
    for (const [kind, headers] of attempts) {
      const response = await send(route, { path: sample.path, headers: { ...sample.headers, ...headers }, body: sample.body });
      // A service_role route refuses every user token with 403 before it looks at the user (no user data involved).
      const expected = route.auth === 'service_role' && kind === "a deleted user's token" ? [401, 403] : [401];
      if (!expected.includes(response.status)) wrong.push(`${kind}: ${response.status} ${response.text.slice(0, 160)}`);
      else expectErrorShape(response.body, response.status);
    }
    expect(wrong, `${route.key} with ${sample.path} ${sample.body ? new TextDecoder().decode(sample.body) : ''}`).toEqual([]);
  });
});

describe('fuzzing: a 4xx in the error shape for what the schema refuses, never a 5xx, no row changed', () => {
  const stats: Record<string, Record<number, number>> = {};
  afterAll(() => {
    // HOSTILE_INPUT_STATS=<file>: the answers per route and status, to see what the fuzz reached.
    if (process.env.HOSTILE_INPUT_STATS) writeFileSync(process.env.HOSTILE_INPUT_STATS, JSON.stringify({ seed, numRuns, stats }, null, 1));
  });

  it.each(routes.map((route) => [route.key, route] as const))('%s', async (_, route) => {
    const before = await fingerprint(fuzzUser.id);
    const seen: Record<number, number> = (stats[route.key] = {});
    await fc.assert(
      fc.asyncProperty(hostileRequests(route), async (request) => {
        const token = request.caller === 'none' ? undefined : tokens[request.caller];
        const response = await send(route, { path: request.path, token, headers: request.headers, body: request.body, transport: request.transport });
        seen[response.status] = (seen[response.status] ?? 0) + 1;
        const context = `${response.status} ${response.text.slice(0, 200)} (${request.label}; must reject: ${request.reasons.join(', ') || 'no'})`;
        expect(response.status, context).toBeLessThan(500);
        if (response.status >= 400) expectErrorShape(response.body, response.status);
        if (request.reasons.length > 0) {
          expect(response.status, context).toBeGreaterThanOrEqual(400);
          // The token is valid: a refusal is about the input, not the caller.
          expect(response.status, context).not.toBe(401);
        }
      }),
      { seed, numRuns },
    );
    expect(await fingerprint(fuzzUser.id), `rows of the fuzz user changed during the fuzz of ${route.key}`).toEqual(before);
  }, 30_000);

  it('left the fuzz user and their session in place', async () => {
    const whoami = routes.find((route) => route.key === 'GET /functions/v1/whoami')!;
    expect((await send(whoami, { path: '/whoami', token: tokens.user })).status).toBe(200);
    const [session] = await adminSql()<{ status: string }[]>`select status::text from private.therapy_sessions where id = ${fixture.sessionId}`;
    expect(session).toEqual({ status: 'scheduled' });
  });
});

describe('oversized bodies: 413 before authentication, so before any database work', () => {
  /** A JSON body of exactly `size` bytes. */
  const bodyOf = (size: number) => encoder.encode(`{"pad":"${'x'.repeat(size - 10)}"}`);

  it.each(withBodies.map((route) => [route.key, route] as const))('%s', async (_, route) => {
    const over = bodyOf(maxBodyBytes + 1);
    const atLimit = bodyOf(maxBodyBytes);
    expect([over.length, atLimit.length]).toEqual([maxBodyBytes + 1, maxBodyBytes]);
    const before = await fingerprint(fuzzUser.id);
    const headers = { 'content-type': 'application/json' };
    const token = defaultCaller(route) === 'none' ? undefined : tokens[defaultCaller(route) as 'user' | 'service_role'];
    for (const [label, request] of [
      ['content-length, no token', { body: over, transport: 'length' }],
      ['streamed without content-length, no token', { body: over, transport: 'stream' }],
      ['content-length, valid token', { body: over, transport: 'length', token }],
      ['streamed, valid token', { body: over, transport: 'stream', token }],
    ] as const) {
      const response = await send(route, { path: validRequest(route).path, headers, ...request });
      expect(response.status, `${label}: ${response.text.slice(0, 200)}`).toBe(413);
      expectErrorShape(response.body, 413);
    }
    // The same request at exactly the limit goes on to authentication: without a token it is a 401, so the 413 above
    // came first (every handler, and so every database call, runs after authentication).
    const atLimitResponse = await send(route, { path: validRequest(route).path, headers, body: atLimit, transport: 'stream' });
    expect(atLimitResponse.status).toBe(route.auth === 'none' ? atLimitResponse.status : 401);
    expect(atLimitResponse.status).not.toBe(413);
    expect(await fingerprint(fuzzUser.id)).toEqual(before);
  });

  it('over HTTP (the Deno gateway) too, with content-length and chunked', async () => {
    const over = bodyOf(maxBodyBytes + 1);
    for (const route of withBodies) {
      const url = `${env.functionsUrl.replace(/\/$/, '')}${validRequest(route).path}`;
      for (const chunked of [false, true]) {
        const response = await fetch(url, {
          method: route.method,
          headers: { 'content-type': 'application/json' },
          body: chunked ? streamOf(over, 16) : over,
          duplex: 'half',
        } as RequestInit);
        expect(response.status, `${route.key} ${chunked ? 'chunked' : 'content-length'}`).toBe(413);
        expectErrorShape(await response.json(), 413);
      }
    }
  });
});

describe('logs', () => {
  it('never contain request bodies, query strings, message text or tokens, on 4xx, 2xx and 5xx paths', async () => {
    const marker = `HOSTILE-MARKER-${crypto.randomUUID()}`;
    const logUser = await createUser('hostile-log');
    const userToken = await tokenFor(logUser);
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg) ?? String(arg))).join(' '));
    };
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((method) => vi.spyOn(console, method).mockImplementation(capture));
    const byKey = (key: string) => routes.find((route) => route.key === key);
    const statuses: number[] = [];
    const call = async (route: Route | undefined, request: { path?: string; token?: string; body?: unknown; raw?: string; contentType?: string; transport?: 'length' | 'stream' }) => {
      if (!route) return;
      const text = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
      const response = await send(route, {
        path: request.path ?? validRequest(route).path,
        token: request.token,
        headers: text === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' },
        body: text === undefined ? undefined : encoder.encode(text),
        transport: request.transport,
      });
      statuses.push(response.status);
      return response;
    };
    const tokenOf = (route: Route) => (route.auth === 'service_role' ? tokens.service_role : route.auth === 'none' ? undefined : userToken);

    try {
      // Every route: the marker in invalid bodies (values, keys, malformed JSON, another content type) and in queries.
      for (const route of routes) {
        const token = tokenOf(route);
        const base = validRequest(route);
        const query = `${base.path.includes('?') ? '&' : '?'}${marker}=${marker}&${route.query.map((parameter) => `${parameter.name}=${marker}`).join('&')}`;
        await call(route, { path: base.path + query, token });
        if (route.method === 'GET') continue;
        const sample = (route.body ? sampleValue(route.body) : {}) as Record<string, unknown>;
        const strings = Object.entries(((route.body?.oneOf?.[0] ?? route.body)?.properties) ?? {}).filter(([, schema]) => schema.type === 'string').map(([name]) => name);
        await call(route, { token, body: { ...sample, [marker]: marker } });
        for (const name of strings) await call(route, { token, body: { ...sample, [name]: `${marker} ${'x'.repeat(3000)}` } });
        await call(route, { token, raw: `{"text": "${marker}` });
        await call(route, { token, raw: JSON.stringify({ text: marker }), contentType: 'text/plain' });
        await call(route, { token, raw: JSON.stringify({ text: marker }), transport: 'stream' });
      }
      // 2xx paths carrying message text.
      const book = await call(byKey('POST /functions/v1/booking'), { token: userToken, body: { therapistId: therapist.id, scheduledAt: daysAhead(25, 14), notes: marker } });
      expect(book?.status).toBe(201);
      const sessionId = (book?.body as { id: string }).id;
      await call(byKey('PUT /functions/v1/booking/{id}'), { path: `/booking/${sessionId}`, token: userToken, body: { status: 'cancelled', reason: marker } });
      await call(byKey('POST /functions/v1/booking/{id}/rate'), { path: `/booking/${sessionId}/rate`, token: userToken, body: { rating: 5, feedback: marker } });
      await call(byKey('GET /functions/v1/booking/slots'), { path: `/booking/slots?therapistId=${therapist.id}&from=${today()}&to=${today()}&tz=${marker}`, token: userToken });
      const notify = await call(byKey('POST /functions/v1/notifications/send'), {
        token: tokens.service_role,
        body: { userId: logUser.id, title: marker, body: marker, data: { note: marker } },
      });
      expect(notify?.status).toBe(201);

      // 5xx paths: the database unreachable while requests with message text are handled.
      const databaseUrl = process.env.SUPABASE_DB_URL;
      await closeDatabase();
      process.env.SUPABASE_DB_URL = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
      try {
        const down = [
          await call(byKey('POST /functions/v1/booking'), { token: userToken, body: { therapistId: therapist.id, scheduledAt: daysAhead(26), notes: marker } }),
          await call(byKey('POST /functions/v1/notifications/send'), { token: tokens.service_role, body: { userId: logUser.id, title: marker, body: marker } }),
          await call(byKey('GET /functions/v1/chat-match'), { path: `/chat-match?${marker}=${marker}`, token: userToken }),
        ];
        expect(down.map((response) => response?.status)).toEqual([503, 503, 503]);
      } finally {
        await closeDatabase();
        process.env.SUPABASE_DB_URL = databaseUrl;
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    const events = lines.map((line) => {
      try {
        return (JSON.parse(line) as { event?: string }).event;
      } catch {
        return undefined;
      }
    });
    // The capture saw what log.ts writes: request lines for every call, and the unhandled errors of the 5xx paths.
    expect(events.filter((event) => event === 'request').length).toBe(statuses.length);
    expect(events.filter((event) => event === 'unhandled_error').length).toBeGreaterThanOrEqual(3);
    const leaks = lines.filter((line) => line.includes(marker) || [userToken, tokens.service_role].some((token) => line.includes(token) || line.includes(token.split('.')[2])));
    expect(leaks).toEqual([]);
  });
});
