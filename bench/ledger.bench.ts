// Ledger write throughput on PostgreSQL: entries per second written one by one (1 and 10 writers) and
// in batches of 100, each beside pgbench running a comparable two-row transaction (UPDATE a balance,
// INSERT a history row) on the same server with the same number of clients.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../src/compose.ts';
import { openDatabase } from '../src/db/client.ts';
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

const SECONDS = 5;
const ACCOUNTS = 200;

const PGBENCH_SCRIPT = `\\set aid random(1, 100000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, 1, CURRENT_TIMESTAMP);
END;
`;

/** Transactions per second of the two-row pgbench script with `clients` clients, or undefined. */
function pgbenchTps(database: string, clients: number): Reference | undefined {
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
        String(SECONDS),
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

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    note('PostgreSQL is not reachable on 127.0.0.1:5432: ledger benchmark skipped');
    return;
  }
  const name = await createScratchDatabase('ledger');
  const reference = await createScratchDatabase('pgbench2');
  watchdog(240_000, async () => {
    await dropScratchDatabase(name);
    await dropScratchDatabase(reference);
  });
  const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 12 });
  try {
    await database.migrate();
    const services = createServices(database);
    const program = await services.programs.create({ name: 'Bench ledger', baseCurrency: 'EUR' });
    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++)
      accounts.push((await services.accounts.create(program.id, { name: `A${i}` })).id);
    let n = 0;
    const credit = () =>
      services.ledger.credit(program.id, {
        key: `b-${++n}`,
        account: accounts[n % ACCOUNTS]!,
        amount: 10,
        reasonCode: 'purchase',
        explanation: 'Bench',
      });

    // Warm up: every wallet and system wallet exists before timing.
    for (let i = 0; i < ACCOUNTS; i++) await credit();

    const timed = async (workers: number, step: () => Promise<number>): Promise<number> => {
      const until = performance.now() + SECONDS * 1000;
      let entries = 0;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (performance.now() < until) {
            // (Not `entries += await step()`: that reads entries before the await and loses updates.)
            const written = await step();
            entries += written;
          }
        }),
      );
      return entries / SECONDS;
    };

    const single = await timed(1, async () => (await credit(), 1));
    result('ledger.single_1_writer', single, 'entries/s', pgbenchTps(reference, 1));
    const parallel = await timed(10, async () => (await credit(), 1));
    const tps10 = pgbenchTps(reference, 10);
    result('ledger.single_10_writers', parallel, 'entries/s', tps10);
    const batched = await timed(2, async () => {
      const items = Array.from({ length: 100 }, () => {
        n++;
        return {
          op: 'credit' as const,
          key: `b-${n}`,
          account: accounts[n % ACCOUNTS]!,
          amount: 10,
          reasonCode: 'purchase',
          explanation: 'Bench batch',
        };
      });
      const results = await services.ledger.batch(program.id, items);
      return results.filter((r) => r.ok).length;
    });
    result('ledger.batched_100_2_writers', batched, 'entries/s', tps10);
    const problems = await services.ledger.verify(program.id);
    note(
      `entries written: ${n}; ledger consistent: ${problems.length === 0 ? 'yes' : problems.slice(0, 3).join('; ')}`,
    );
    note('reference = pgbench tps of BEGIN; UPDATE one balance; INSERT one history row; END (same clients)');
  } finally {
    await database.close();
    await dropScratchDatabase(name);
    await dropScratchDatabase(reference);
  }
  process.exit(0);
}

await main();
