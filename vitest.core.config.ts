import { defineConfig } from 'vitest/config';
import { coreTests } from './vitest.config.ts';

// The core project of vitest.config.ts alone (no database), for mutation testing: Stryker
// (stryker.config.mjs) mutates src/core and runs only these tests. `npm test` uses vitest.config.ts.
export default defineConfig({
  test: { name: 'core', include: coreTests },
});
