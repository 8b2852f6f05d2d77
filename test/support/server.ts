// A real `fidelis` server process on a fresh embedded store (as `npm start` runs it), for browser
// tests: started in a temporary directory, its banner kept, stopped with SIGTERM.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function env(port?: number, databaseUrl?: string): Record<string, string | undefined> {
  const e: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl ?? '',
  };
  if (port) e.PORT = String(port);
  delete e.FIDELIS_DATA_DIR;
  delete e.HOST;
  delete e.FIDELIS_ADMIN_KEY;
  return e;
}

export interface RunningServer {
  process: ChildProcess;
  url: string;
  banner: string;
  stop(): Promise<void>;
}

/** `fidelis start` in `cwd` (on the embedded store, or the PostgreSQL database named), once its banner is printed. */
export async function startServer(
  cwd: string,
  port: number,
  databaseUrl?: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, [join(ROOT, 'src/cli/main.ts'), 'start'], {
    cwd,
    env: { ...env(port, databaseUrl), ...extraEnv },
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  for (let i = 0; i < 1500 && !log.includes('Fidelis is running'); i++) {
    if (child.exitCode !== null) throw new Error(`fidelis start exited: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 200));
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    banner: log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the `fidelis` command in `cwd` (a server must not hold the embedded store meanwhile). */
export function fidelis(
  cwd: string,
  databaseUrl: string | undefined,
  args: string[],
): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd,
    env: env(undefined, databaseUrl),
    encoding: 'utf8',
  });
  return { status: r.status, output: r.stdout + r.stderr };
}
