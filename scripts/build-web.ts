// `npm run web:build` (always) and the `prepare` script after `npm install` / `npm ci` (when stale).
import { buildConsoleIfStale } from '../src/cli/web-build.ts';

buildConsoleIfStale({ force: process.argv.includes('--force') });
