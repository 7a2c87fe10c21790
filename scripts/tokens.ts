/**
 * `npm run tokens [label|email]`: fresh access tokens for the demo accounts of the running local stack
 * (reads DB_URL, API_URL and JWT_SECRET from .env.local). With an argument it prints just that token, for
 * `curl -H "Authorization: Bearer $(npm run -s tokens -- client)" …`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoAccounts, repoRoot } from './lib/stack.ts';
import { userAccessToken } from './lib/tokens.ts';

const envPath = join(repoRoot, '.env.local');
if (!existsSync(envPath)) {
  console.error('No .env.local: start the stack first with `npm start`.');
  process.exit(1);
}
const env = Object.fromEntries(
  readFileSync(envPath, 'utf8').split('\n').filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^"|"$/g, '')]),
);
const wanted = process.argv[2];
const accounts = await demoAccounts(env.DB_URL);
const chosen = wanted ? accounts.filter((account) => account.label === wanted || account.email === wanted) : accounts;
if (chosen.length === 0) {
  console.error(`No demo account ${wanted}; known: ${accounts.map((account) => account.label).join(', ')}`);
  process.exit(1);
}
for (const account of chosen) {
  const token = await userAccessToken(account, { apiUrl: env.API_URL, secret: env.JWT_SECRET });
  console.log(wanted ? token : `${account.label}\t${account.email || '(anonymous)'}\t${token}`);
}
