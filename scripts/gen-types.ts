/**
 * `npm run gen:types`: regenerates types/database.ts with `supabase gen types typescript` from a fresh throwaway
 * database with every migration applied (never from a local database that may have drifted). `npm test` checks
 * that the committed file equals what this produces.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startThrowawayCluster } from './lib/postgres.ts';
import { applyPlatformStandIn, generateTypes, pushMigrations, repoRoot } from './lib/stack.ts';
import { step } from './lib/steps.ts';

const server = await step('Throwaway database: Debian PostgreSQL', () => startThrowawayCluster());
try {
  await step('Platform stand-in', () => applyPlatformStandIn(server.url));
  await step('Migrations: supabase db push', () => pushMigrations(server.url));
  const types = await step('supabase gen types typescript --schema public', () => generateTypes(server.url));
  writeFileSync(join(repoRoot, 'types', 'database.ts'), types);
  console.log('Wrote types/database.ts');
} catch {
  process.exitCode = 1;
} finally {
  await server.stop();
}
