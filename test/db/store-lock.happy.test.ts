// One process at a time on an embedded store (src/db/store-lock.ts): a second opener — in this
// process, or a CLI command next to a running server — gets a clear error naming the holder, and
// nothing the holder wrote is lost. Runs on PGlite data directories whatever the test driver.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { LOCK_FILE, StoreInUseError } from '../../src/db/store-lock.ts';

const root = join(import.meta.dirname, '../..');
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cli(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'src/cli/main.ts'), ...args], {
    env: { ...process.env, FIDELIS_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 200_000,
  });
}

describe('the embedded store lock', { timeout: 240_000 }, () => {
  it('refuses a second opener in the same process, and frees the store on close', async () => {
    const dir = dataDir();
    const first = await openDatabase({ driver: 'pglite', dataDir: dir });
    await expect(openDatabase({ driver: 'pglite', dataDir: dir })).rejects.toThrow(StoreInUseError);
    await expect(openDatabase({ driver: 'pglite', dataDir: dir })).rejects.toThrow(
      new RegExp(`in use by process ${process.pid}`),
    );
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await openDatabase({ driver: 'pglite', dataDir: dir });
    await again.close();
  });

  it('makes a CLI command next to a running holder fail clearly, and loses nothing', async () => {
    const dir = dataDir();
    expect(cli(dir, 'programs', 'create', '--name', 'Kept', '--currency', 'EUR').status).toBe(0);
    // Another process holds the store, as a running server would.
    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { openDatabase } = await import(${JSON.stringify(join(root, 'src/db/client.ts'))});
         const db = await openDatabase({ driver: 'pglite', dataDir: ${JSON.stringify(dir)} });
         console.log('ready');
         process.stdin.on('data', async () => { await db.close(); process.exit(0); });`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
    });
    const refused = cli(dir, 'keys', 'create', '--scopes', 'admin');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`in use by process ${holder.pid}`);
    expect(refused.stderr).toMatch(/use the API of that running server, or stop it first/);
    holder.stdin!.write('stop\n');
    await new Promise((resolve) => holder.once('exit', resolve));
    const listed = cli(dir, 'programs', 'list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('Kept');
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = dataDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: Number(gone.stdout), command: 'gone', since: 'x' }),
    );
    const db = await openDatabase({ driver: 'pglite', dataDir: dir });
    await db.close();
  });
});
