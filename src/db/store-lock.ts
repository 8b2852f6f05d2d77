// One process at a time on an embedded store: PGlite is a single-user PostgreSQL inside the process,
// so a second process (a CLI command next to a running server) would work on its own copy of the
// files and the two would overwrite each other's writes. A lock file in the data directory names the
// process that has the store open; another process gets a clear error instead.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'fidelis.lock';

interface Holder {
  pid: number;
  command: string;
  since: string;
}

export class StoreInUseError extends Error {
  readonly holder: Holder;
  constructor(dataDir: string, holder: Holder) {
    super(
      `The embedded store in ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}). ` +
        'Only one process may open an embedded store: use the API of that running server, or stop it first ' +
        '(or point DATABASE_URL at a PostgreSQL server, which many processes can share).',
    );
    this.name = 'StoreInUseError';
    this.holder = holder;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    return typeof value.pid === 'number'
      ? { pid: value.pid, command: String(value.command ?? 'fidelis'), since: String(value.since ?? '?') }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data directory's lock for this process, or throws StoreInUseError naming the process
 * that holds it. A lock left by a process that no longer runs is taken over. Returns the release.
 */
export function lockStore(dataDir: string, command = process.argv.slice(1).join(' ') || 'node'): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      const holder: Holder = { pid: process.pid, command, since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      // Ours (the same process opening the store twice) or a live process: refuse.
      if (holder && (holder.pid === process.pid || alive(holder.pid)))
        throw new StoreInUseError(dataDir, holder);
      // Unreadable (being written this instant) — look again before treating it as stale.
      if (!holder && attempt === 0) continue;
      rmSync(path, { force: true });
    }
  }
  const holder = readHolder(path);
  throw new StoreInUseError(dataDir, holder ?? { pid: -1, command: 'unknown', since: '?' });
}
