#!/bin/sh
# Nightly-style deep run of the batch-equivalence property (test/events/batch-equivalence.happy.test.ts):
# FIDELIS_PROPERTY_RUNS random runs (500 unless set; `npm test` runs 20) on PGlite and PostgreSQL.
# From 200 runs on, the random runs alone must reach every case the generator aims at (MUST_REACH).
# Not part of CI. Arguments go to Vitest instead of the default projects:
#   npm run test:deep                                   -> 500 runs on each driver (~10 minutes each)
#   FIDELIS_PROPERTY_RUNS=2000 npm run test:deep -- --project pglite
# Set FIDELIS_TEST_VERBOSE=1 to print how many runs reached each case the generator aims at.
set -eu
cd "$(dirname "$0")/.."
FIDELIS_PROPERTY_RUNS="${FIDELIS_PROPERTY_RUNS:-500}"
export FIDELIS_PROPERTY_RUNS
if [ "$#" -eq 0 ]; then set -- --project pglite --project postgres; fi
exec sh scripts/node.sh node_modules/vitest/vitest.mjs run "$@" test/events/batch-equivalence.happy.test.ts
