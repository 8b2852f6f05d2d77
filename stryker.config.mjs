// Mutation testing of the pure core (docs/decisions/0010-mutation-testing.md). Not part of CI nor of
// `npm test`: run `npm run mutation`, or one file at a time with
// `npm run mutation -- --mutate src/core/tiers/ladder.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // Only the core tests (no database): vitest.core.config.ts, not the three projects of vitest.config.ts.
  vitest: { configFile: 'vitest.core.config.ts', related: true },
  mutate: ['src/core/**/*.ts', '!src/core/**/*.test.ts'],
  coverageAnalysis: 'perTest',
  // The machine is shared; raise with --concurrency when it is not.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
};
