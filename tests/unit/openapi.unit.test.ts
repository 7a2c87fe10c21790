/**
 * The API reference stays true: openapi.json equals what the functions generate from their zod schemas now, every
 * route a function serves is documented, every documented route is served, and each document is valid OpenAPI 3.1
 * in the parts we rely on (operation ids unique, error responses use the shared error shape).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { combinedOpenApi, functionApp, functionNames, functionOpenApiDocument, openApiFile } from '../../scripts/lib/openapi.ts';

describe('OpenAPI', () => {
  it('openapi.json is what the functions generate now (run `npm run gen:openapi` after changing a route)', async () => {
    expect(JSON.parse(readFileSync(openApiFile, 'utf8'))).toEqual(await combinedOpenApi());
  });

  it.each(functionNames())('%s documents exactly the routes it serves', async (name) => {
    const app = await functionApp(name);
    const served = app.routes
      .filter((route) => ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(route.method) && route.path !== `/${name}/openapi.json`)
      .map((route) => `${route.method} ${route.path.replace(/\/$/, '') || '/'}`);
    const document = await functionOpenApiDocument(name);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace('/functions/v1', '').replace(/\{(\w+)\}/g, ':$1')}`)
    );
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it('has unique operation ids and the shared error shape on every error response', async () => {
    const document = await combinedOpenApi() as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content: { 'application/json': { schema: { $ref?: string } } } }> }>> };
    const operations = Object.values(document.paths).flatMap((path) => Object.values(path));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) expect(response.content['application/json'].schema.$ref, `${operation.operationId} ${status}`).toBe('#/components/schemas/Error');
      }
    }
  });
});
