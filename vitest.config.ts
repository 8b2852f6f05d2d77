import { defineConfig } from 'vitest/config';

// Four rings (DESIGN.md §4): pure core tests once; every store/service/API test twice,
// on embedded PGlite and on a real PostgreSQL server (a fresh database per test file); the console
// in a real browser against a real server (test/web). The store projects run each file in a worker
// thread (a fresh module graph per file, as with processes, but started in a fraction of the time).
const storeTests = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const webTests = ['test/web/**/*.test.ts'];
export const coreTests = ['src/core/**/*.test.ts', 'test/architecture.test.ts', 'test/docs.test.ts'];
/** Run once, in the core project, but not by mutation testing: it builds the app on an in-memory store. */
const onceTests = ['test/client-types.test.ts'];
/** Closes what a test file opened, when it ends (test/support/file-end.ts). */
const fileEnd = 'test/support/file-end-setup.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two files at a time on the 2-core machine (vitest's default is one fewer than the cores): a
    // postgres-project file spends much of its time waiting on the server (decision 0050).
    maxWorkers: 2,
    projects: [
      { test: { name: 'core', include: [...coreTests, ...onceTests] } },
      {
        test: {
          name: 'pglite',
          include: storeTests,
          pool: 'threads',
          exclude: [...coreTests, ...onceTests, ...webTests, '**/*.pg-only.test.ts'],
          env: { FIDELIS_TEST_DRIVER: 'pglite' },
          setupFiles: [fileEnd],
          globalSetup: ['test/support/pglite-template.ts'],
        },
      },
      {
        test: {
          name: 'web',
          include: webTests,
          setupFiles: [fileEnd],
          // After the store projects, one file at a time: a browser and a server per store are heavy
          // enough on 2 cores that a second file beside them only makes both slower (decision 0050).
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // A browser's round trip to the server can take seconds on a loaded 2-core machine; a poll
          // that gives up after vitest's default second fails tests that are right.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        test: {
          name: 'postgres',
          include: storeTests,
          pool: 'threads',
          exclude: [...coreTests, ...onceTests, ...webTests],
          // One module graph per worker (decision 0050): a file's store is its own database, so files
          // share nothing but the loaded modules, and loading them again per file cost more than its tests.
          isolate: false,
          env: { FIDELIS_TEST_DRIVER: 'postgres' },
          setupFiles: [fileEnd],
          globalSetup: ['test/support/postgres-template.ts'],
        },
      },
    ],
  },
});
