import { defineConfig } from 'vitest/config';

// Suites by suffix and folder: tests/**/*.unit.test.ts are pure logic; tests/functions/*.test.ts call the function
// apps in-process against the real test database; tests/e2e/*.e2e.test.ts go over HTTP to the functions served by
// Deno. `npm test` provides the database and the served functions (DB_URL, FUNCTIONS_URL, JWT_SECRET).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 15_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
