// Runs the benchmarks: every bench/*.bench.ts, or the one named (`npm run bench -- http`).
// Each benchmark is its own process and prints lines of the form
//   NAME.metric: value unit (reference: value unit, ratio: x.xx)
// Shared helpers for the benchmarks live here too (they only ever talk to 127.0.0.1).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';

export const BENCH_DIR = import.meta.dirname;
export const ROOT = join(BENCH_DIR, '..');
/** The local PostgreSQL server the benchmarks use when it answers (trust authentication). */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Reference {
  value: number;
  unit: string;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Prints one result line; the ratio is value / reference. */
export function result(name: string, value: number, unit: string, reference?: Reference): void {
  const ref = reference
    ? `reference: ${format(reference.value)} ${reference.unit}, ratio: ${(value / reference.value).toFixed(2)}`
    : 'reference: n/a';
  console.log(`${name}: ${format(value)} ${unit} (${ref})`);
}

export function note(text: string): void {
  console.log(`# ${text}`);
}

export function pgUrl(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** True when the local PostgreSQL server accepts connections. */
export async function postgresReachable(): Promise<boolean> {
  try {
    await adminQuery('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Creates an empty scratch database and returns its name. */
export async function createScratchDatabase(purpose: string): Promise<string> {
  const name = `fidelis_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  return name;
}

export async function dropScratchDatabase(name: string): Promise<void> {
  await adminQuery(`drop database if exists "${name}" with (force)`);
}

/** Ends the process when a benchmark runs longer than it may (it must stop by itself). */
export function watchdog(ms: number, cleanup: () => Promise<void> | void = () => {}): NodeJS.Timeout {
  const timer = setTimeout(async () => {
    console.error(`benchmark took longer than ${ms / 1000} s; stopping`);
    try {
      await cleanup();
    } finally {
      process.exit(2);
    }
  }, ms);
  timer.unref();
  return timer;
}

function run(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: 'inherit', cwd: ROOT });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main(args: string[]): Promise<number> {
  const all = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const wanted = args.filter((a) => !a.startsWith('-'));
  const chosen =
    wanted.length === 0
      ? all
      : all.filter((f) => wanted.some((w) => f === w || f === `${w}.bench.ts` || basename(w) === f));
  if (chosen.length === 0) {
    console.error(
      `no benchmark named ${wanted.join(', ')}; there are: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`,
    );
    return 1;
  }
  let failed = 0;
  for (const file of chosen) {
    console.log(`## ${file.replace('.bench.ts', '')}`);
    const code = await run(join(BENCH_DIR, file));
    if (code !== 0) {
      console.error(`${file} failed (exit ${code})`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

// A comparable two-row write transaction, for pgbench.
const PGBENCH_SCRIPT = `\\set aid random(1, 100000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 1, CURRENT_TIMESTAMP);
END;
`;

/**
 * The same machine's reference for write transactions: transactions per second of a two-row pgbench
 * script (UPDATE a balance, INSERT a history row) with `clients` clients, or undefined.
 */
export function pgbenchTps(database: string, clients: number, seconds: number): Reference | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fidelis-pgbench-'));
  try {
    const script = join(dir, 'two-rows.sql');
    writeFileSync(script, PGBENCH_SCRIPT);
    const common = ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres'];
    const init = spawnSync('pgbench', ['-i', '-s', '1', '-q', ...common, database], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (init.error || init.status !== 0) return undefined;
    const run = spawnSync(
      'pgbench',
      [
        '-n',
        '-c',
        String(clients),
        '-j',
        String(Math.min(clients, 2)),
        '-T',
        String(seconds),
        '-f',
        script,
        ...common,
        database,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const tps = /tps = ([\d.]+)/.exec(run.stdout ?? '')?.[1];
    return tps ? { value: Number(tps), unit: 'tx/s' } : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
