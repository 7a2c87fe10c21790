/**
 * OpenAPI 3.1 for every function, generated from the zod schemas the routes validate with (zod 4's JSON Schema output
 * is draft 2020-12, which OpenAPI 3.1 uses as is). A function lists its routes once, with the same schema objects its
 * handlers parse, and serves the document at GET /<name>/openapi.json; scripts/gen-openapi.ts combines them into
 * openapi.json at the repository root, which a unit test keeps in step, and another test checks that every route a
 * function serves is documented and every documented route is served.
 */
import { z } from 'zod';
import type { FunctionApp } from './app.ts';
import { errorBodySchema } from './errors.ts';

export type RouteAuth = 'none' | 'user' | 'token' | 'service_role';

export type RouteDoc = {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Hono style, relative to the function: `/`, `/slots`, `/:id/rate`. */
  path: string;
  summary: string;
  description?: string;
  /** Who may call: nobody signed in, a signed-in user, any valid API token (anon, user, service role), or the service role. */
  auth: RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: Record<string, z.ZodType>;
  body?: z.ZodType;
  /** Per status: a description, or a description and the zod schema of a success body. */
  responses: Record<number, string | { description: string; schema: z.ZodType }>;
};

export type FunctionDoc = { name: string; title: string; description: string; routes: RouteDoc[] };

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; required?: string[]; [key: string]: unknown };

const toJsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parametersOf(location: 'path' | 'query' | 'header', schema: JsonSchema): unknown[] {
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (schema.required ?? []).includes(name),
    schema: property,
  }));
}

/** `/:id/rate` → `/{id}/rate`, under the function's public path. */
export const openApiPath = (name: string, path: string) => `/functions/v1/${name}${path === '/' ? '' : path.replace(/:(\w+)/g, '{$1}')}`;

export function functionOpenApi(doc: FunctionDoc): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of doc.routes) {
    const operation: Record<string, unknown> = {
      operationId: `${doc.name}.${route.method}${route.path === '/' ? '' : route.path.replace(/[/:]+(\w)/g, (_, letter: string) => letter.toUpperCase()).replace(/[^\w]/g, '')}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [doc.name],
      security: route.auth === 'none' ? [] : [{ bearerAuth: [] }],
      parameters: [
        ...(route.params ? parametersOf('path', toJsonSchema(route.params)) : []),
        ...(route.query ? parametersOf('query', toJsonSchema(route.query)) : []),
        ...Object.entries(route.headers ?? {}).map(([name, schema]) => ({ name, in: 'header', required: !schema.safeParse(undefined).success, schema: toJsonSchema(schema) })),
      ],
      ...(route.body ? { requestBody: { required: !route.body.safeParse(undefined).success, content: { 'application/json': { schema: toJsonSchema(route.body) } } } } : {}),
      responses: Object.fromEntries(Object.entries(route.responses).map(([status, response]) => {
        const description = typeof response === 'string' ? response : response.description;
        return [
          status,
          Number(status) >= 400
            ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
            : { description, content: { 'application/json': { schema: typeof response === 'string' ? {} : toJsonSchema(response.schema, 'output') } } },
        ];
      })),
      'x-auth': route.auth,
    };
    paths[openApiPath(doc.name, route.path)] = { ...paths[openApiPath(doc.name, route.path)], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: doc.title, version: '1.0.0', description: doc.description },
    servers: [{ url: 'http://127.0.0.1:54321', description: 'npm start' }, { url: 'https://{project}.supabase.co', variables: { project: { default: 'your-project-ref' } } }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Supabase access token (or the anon / service role key where the route says so).' } },
      schemas: { Error: toJsonSchema(errorBodySchema) },
    },
  };
}

/** Serves the function's OpenAPI document at GET /<name>/openapi.json (no token: it describes, it does not disclose). */
export function serveOpenApi(app: FunctionApp, doc: FunctionDoc): void {
  const document = functionOpenApi(doc);
  app.get('/openapi.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(document);
  });
}
