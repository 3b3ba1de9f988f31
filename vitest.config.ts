import { defineConfig } from 'vitest/config';

/**
 * Test projects (see docs/testing.md):
 * - unit: pure domain modules, no I/O;
 * - api-pglite / api-postgres: the HTTP API through Fastify inject on a fresh copy of a migrated,
 *   seeded template database per test file; api-postgres runs when TEST_DATABASE_URL is set;
 * - e2e: real Chromium against a listening server (skipped without /usr/bin/chromium unless
 *   HUIJU_REQUIRE_BROWSER=1, which turns a missing browser into a failure).
 */
const apiProject = (name: string, database: 'pglite' | 'postgres') => ({
  test: {
    name,
    include: ['tests/api/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/support/global-setup.ts'],
    env: { HUIJU_TEST_DB: database },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

if (process.env.HUIJU_REQUIRE_POSTGRES === '1' && !process.env.TEST_DATABASE_URL) {
  throw new Error('HUIJU_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: the PostgreSQL suite would not run.');
}

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: { name: 'cli', include: ['tests/cli/**/*.test.ts'], environment: 'node', testTimeout: 180_000 },
      },
      apiProject('api-pglite', 'pglite'),
      ...(process.env.TEST_DATABASE_URL ? [apiProject('api-postgres', 'postgres')] : []),
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          env: { HUIJU_TEST_DB: 'pglite' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // A page answers within a second on an idle machine, not on a loaded CI runner: polls wait
          // up to 15 s (still failing fast enough when something is really wrong).
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // Browsers are heavy: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
