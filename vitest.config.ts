import { defineConfig } from 'vitest/config';

// Suites by suffix and folder: tests/**/*.unit.test.ts are pure logic and run anywhere (`npx vitest run tests/unit`);
// tests/functions/*.test.ts call the function apps in-process against the real test database; tests/e2e/*.e2e.test.ts
// go over HTTP to the functions served by Deno. Those two need what `npm test` provides (DB_URL, FUNCTIONS_URL,
// JWT_SECRET), which their global setup checks.
export default defineConfig({
  test: {
    testTimeout: 15_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.unit.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.unit.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
        },
      },
    ],
  },
});
