/** `npm run gen:openapi`: writes openapi.json, the combined OpenAPI 3.1 document of every function route. */
import { writeFileSync } from 'node:fs';
import { combinedOpenApi, openApiFile } from './lib/openapi.ts';

writeFileSync(openApiFile, `${JSON.stringify(await combinedOpenApi(), null, 2)}\n`);
console.log(`Wrote ${openApiFile}`);
