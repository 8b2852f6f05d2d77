// Builds the console (web/ → web/dist with Vite) when it is missing or older than its sources, so a
// checkout's `npm install` (the `prepare` script) and `npm start` always serve the current console.
// Decision 0013. An installation without the sources or without Vite (a production image built with
// `npm ci --omit=dev`) serves whatever web/dist it was given.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const web = join(root, 'web');
const vite = join(root, 'node_modules/vite/bin/vite.js');

/** The newest modification time of the files under `path` (0 when there are none). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** The two apps of web/: the console (decision 0013) and the member portal (decision 0019), each its own build. */
const APPS = [
  { name: 'console', html: 'index.html', config: 'vite.config.ts', dist: 'dist' },
  { name: 'member portal', html: 'portal.html', config: 'vite.portal.config.ts', dist: 'dist-portal' },
] as const;
type App = (typeof APPS)[number];

/** Whether the app's build is missing or older than any of web/'s sources. */
function isStale(app: App): boolean {
  const built = join(web, app.dist, app.html);
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newest(join(web, 'src')),
    newest(join(web, app.html)),
    newest(join(web, app.config)),
  );
  return sources > statSync(built).mtimeMs;
}

/** Whether web/dist (the console) or web/dist-portal (the portal) is missing or stale. */
export function consoleIsStale(): boolean {
  return APPS.some(isStale);
}

/**
 * Builds the console and the member portal where stale and buildable here; true when both builds
 * are there afterwards.
 */
export function buildConsoleIfStale(options: { force?: boolean } = {}): boolean {
  if (!existsSync(join(web, 'src')) || !existsSync(vite))
    return APPS.every((app) => existsSync(join(web, app.dist, app.html)));
  for (const app of APPS) if (options.force || isStale(app)) buildApp(app);
  return true;
}

function buildApp(app: App): void {
  console.log(`Building the ${app.name} (web/ → web/${app.dist}) …`);
  // Into a directory of its own, then swapped in: a server (or another build, from a parallel test)
  // never sees a half-written web/dist.
  const out = `dist-build-${process.pid}`;
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', app.config, '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'],
    {
      cwd: web,
      stdio: 'inherit',
      // Always the production build (a test runner sets NODE_ENV=test, which would bundle React's development build).
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (result.status !== 0) {
    rmSync(join(web, out), { recursive: true, force: true });
    throw new Error(`Building the ${app.name} failed (see above); fix web/ or run \`npm run web:build\``);
  }
  const dist = join(web, app.dist);
  const old = `${dist}-old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  try {
    renameSync(join(web, out), dist);
  } catch {
    // Another build swapped its own in meanwhile: it is as fresh as this one.
    rmSync(join(web, out), { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}
