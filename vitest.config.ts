import { defineConfig } from 'vitest/config';

// Three rings (DESIGN.md §4): pure core tests once; every store/service/API test twice,
// on embedded PGlite and on a real PostgreSQL server (a fresh database per test file).
const storeTests = ['src/**/*.test.ts', 'test/**/*.test.ts'];
export const coreTests = ['src/core/**/*.test.ts', 'test/architecture.test.ts', 'test/docs.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'core', include: coreTests } },
      {
        test: {
          name: 'pglite',
          include: storeTests,
          exclude: [...coreTests, '**/*.pg-only.test.ts'],
          env: { FIDELIS_TEST_DRIVER: 'pglite' },
        },
      },
      {
        test: {
          name: 'postgres',
          include: storeTests,
          exclude: coreTests,
          env: { FIDELIS_TEST_DRIVER: 'postgres' },
          globalSetup: ['test/support/postgres-template.ts'],
        },
      },
    ],
  },
});
