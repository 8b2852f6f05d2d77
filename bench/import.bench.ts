// Importing 100,000 accounts (a generated CRM export: 1,000 groups → 9,000 subsidiaries → 90,000 sites)
// through the import service, on PostgreSQL (a fresh database) and on embedded PGlite (a fresh data
// directory). Reference: `pgbench -i -s 1`, which loads 100,000 pgbench_accounts rows into a scratch
// database on the same server (skipped when pgbench or the server is missing).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../src/app/compose.ts';
import { systemActor } from '../src/core/access.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import {
  createScratchDatabase,
  dropScratchDatabase,
  note,
  pgUrl,
  postgresReachable,
  type Reference,
  result,
  watchdog,
} from './run.ts';

/** Who the bench's writes are recorded as. */
const BENCH = systemActor('bench');

const GROUPS = 1000;
const SUBSIDIARIES = 9;
const SITES = 10;
const ROWS = GROUPS * (1 + SUBSIDIARIES * (1 + SITES));
const SEGMENTS = ['hospitality', 'installer', 'foodservice', 'facilities', 'construction'];
const COUNTRIES: Array<[string, string]> = [
  ['NL', 'EUR'],
  ['BE', 'EUR'],
  ['DE', 'EUR'],
  ['GB', 'GBP'],
  ['US', 'USD'],
];

/** The file a CRM would export: every account with its parent, a few columns and one attribute. */
export function generateCsv(): string {
  const lines = [
    'External ID,Account Name,Parent External ID,Segment,Country,Currency,Status,Customer Since,attr.level',
  ];
  for (let g = 0; g < GROUPS; g++) {
    const [country, currency] = COUNTRIES[g % COUNTRIES.length]!;
    const segment = SEGMENTS[g % SEGMENTS.length];
    const group = `G${g}`;
    lines.push(
      `${group},"Group ${g}, Holding",,${segment},${country},${currency},enrolled,20${10 + (g % 15)}-01-01,group`,
    );
    for (let s = 0; s < SUBSIDIARIES; s++) {
      const sub = `${group}-S${s}`;
      lines.push(
        `${sub},Group ${g} Subsidiary ${s},${group},${segment},${country},${currency},enrolled,,subsidiary`,
      );
      for (let t = 0; t < SITES; t++) {
        lines.push(
          `${sub}-T${t},Group ${g} Site ${s}.${t},${sub},${segment},${country},${currency},prospect,,site`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Seconds `pgbench -i -s 1` takes against a scratch database, or undefined when it cannot run. */
async function pgbenchReference(): Promise<Reference | undefined> {
  const which = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  if (which.error || which.status !== 0) {
    note('pgbench is not installed: no reference');
    return undefined;
  }
  const name = await createScratchDatabase('pgbench');
  try {
    const started = performance.now();
    const run = spawnSync(
      'pgbench',
      ['-i', '-s', '1', '-q', '-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', name],
      {
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) {
      note(`pgbench -i failed: ${(run.stderr || run.stdout).trim().split('\n').pop()}`);
      return undefined;
    }
    note(
      `reference: ${run.stdout.trim().split('\n').pop() ?? ''} ${run.stderr.trim().split('\n').pop() ?? ''}`,
    );
    return { value: seconds, unit: 's' };
  } finally {
    await dropScratchDatabase(name);
  }
}

async function importInto(
  label: string,
  database: Database,
  csv: string,
  reference?: Reference,
): Promise<void> {
  await database.migrate();
  const services = createServices(database);
  const program = await services.programs.create({ name: `Bench ${label}`, baseCurrency: 'EUR' }, BENCH);

  for (const run of ['first', 'rerun'] as const) {
    const phases: string[] = [];
    let phase = 'parse';
    let phaseStart = performance.now();
    const started = performance.now();
    const report = await services.imports.importAccounts(program.id, csv, {}, BENCH, (name, done, total) => {
      if (name !== phase) {
        const now = performance.now();
        if (phase) phases.push(`${phase} ${((now - phaseStart) / 1000).toFixed(1)} s`);
        phase = name;
        phaseStart = now;
      }
      if (done === total && name === 'parents') {
        phases.push(`${phase} ${((performance.now() - phaseStart) / 1000).toFixed(1)} s`);
        phase = 'hierarchy check';
        phaseStart = performance.now();
      }
    });
    const seconds = (performance.now() - started) / 1000;
    phases.push(`${phase} ${((performance.now() - phaseStart) / 1000).toFixed(1)} s`);
    const expected = run === 'first' ? { created: ROWS, updated: 0 } : { created: 0, updated: ROWS };
    if (
      report.created !== expected.created ||
      report.updated !== expected.updated ||
      report.errors.length > 0
    ) {
      throw new Error(`unexpected import report on ${label}: ${JSON.stringify(report).slice(0, 500)}`);
    }
    const name = run === 'first' ? `import.${label}` : `import.${label}.rerun`;
    result(
      `${name}.rows_per_second`,
      ROWS / seconds,
      'rows/s',
      reference && { value: ROWS / reference.value, unit: 'rows/s' },
    );
    result(`${name}.seconds`, seconds, 's', reference);
    note(`${name} phases: ${phases.join(', ')}`);
  }
  // The hierarchy really is there: a site's parent's parent is its group.
  const site = await services.accounts.get(program.id, 'G999-S8-T9');
  const sub = await services.accounts.get(program.id, site.parentId ?? '');
  const group = await services.accounts.get(program.id, sub.parentId ?? '');
  if (group.externalId !== 'G999') throw new Error(`hierarchy not imported: ${JSON.stringify(group)}`);
}

async function main(): Promise<void> {
  const scratch: string[] = [];
  const dirs: string[] = [];
  const cleanup = async () => {
    for (const name of scratch.splice(0)) await dropScratchDatabase(name).catch(() => {});
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  watchdog(20 * 60_000, cleanup);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  const csv = generateCsv();
  note(`${ROWS} rows, ${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB of CSV, 3 levels`);

  try {
    const postgres = await postgresReachable();
    const reference = postgres ? await pgbenchReference() : undefined;
    if (postgres) {
      const name = await createScratchDatabase('import');
      scratch.push(name);
      const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 4 });
      try {
        await importInto('postgres', database, csv, reference);
      } finally {
        await database.close();
      }
    } else {
      note('PostgreSQL is not reachable on 127.0.0.1:5432: postgres skipped, no reference');
    }

    const dir = mkdtempSync(join(tmpdir(), 'fidelis-bench-'));
    dirs.push(dir);
    const database = await openDatabase({ driver: 'pglite', dataDir: join(dir, 'data') });
    try {
      await importInto('pglite', database, csv, reference);
    } finally {
      await database.close();
    }
  } finally {
    await cleanup();
  }
}

if (import.meta.main) await main();
