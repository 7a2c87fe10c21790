/**
 * The combined OpenAPI document of every function: each function's own document (served at /<name>/openapi.json,
 * generated from its zod schemas) merged into one. `npm run gen:openapi` writes it to openapi.json; a unit test fails
 * when the committed file differs from what the functions produce now.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { repoRoot } from './stack.ts';

export const openApiFile = join(repoRoot, 'openapi.json');

/** Every function folder (folders starting with `_` are shared code, as on the platform). */
export function functionNames(): string[] {
  return readdirSync(join(repoRoot, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
    .map((entry) => entry.name)
    .sort();
}

export async function functionApp(name: string): Promise<Hono> {
  return ((await import(join(repoRoot, 'functions', name, 'app.ts'))) as { app: Hono }).app;
}

export async function functionOpenApiDocument(name: string): Promise<{ paths: Record<string, Record<string, unknown>>; components: Record<string, Record<string, unknown>> }> {
  const response = await (await functionApp(name)).request(`/${name}/openapi.json`);
  if (response.status !== 200) throw new Error(`${name} does not serve /openapi.json (${response.status})`);
  return await response.json();
}

export async function combinedOpenApi(): Promise<Record<string, unknown>> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  let securitySchemes: Record<string, unknown> = {};
  const tags: Array<{ name: string; description: string }> = [];
  for (const name of functionNames()) {
    const document = await functionOpenApiDocument(name) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }; info: { description: string } };
    Object.assign(paths, document.paths);
    Object.assign(schemas, document.components.schemas);
    securitySchemes = { ...securitySchemes, ...document.components.securitySchemes };
    tags.push({ name, description: document.info.description });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'HealSpace edge functions',
      version: '1.0.0',
      description: 'Every edge function route, generated from the zod schemas that validate it. Data access that is not a function goes through PostgREST (supabase-js) and is described by the database itself; see the README for the map of seed endpoints.',
    },
    servers: [{ url: 'http://127.0.0.1:54321', description: 'npm start' }, { url: 'https://{project}.supabase.co', variables: { project: { default: 'your-project-ref' } } }],
    tags,
    paths,
    components: { securitySchemes, schemas },
  };
}
