import { createServices } from '../src/app/compose.ts';
import { systemActor } from '../src/core/access.ts';
import { openDatabase } from '../src/db/client.ts';
import {
  createScratchDatabase,
  dropScratchDatabase,
  note,
  pgbenchTps,
  pgUrl,
  postgresReachable,
  result,
  watchdog,
} from './run.ts';

/** Who the bench's writes are recorded as. */
const BENCH = systemActor('bench');

const SECONDS = 5;
const ACCOUNTS = 200;

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
    const program = await services.programs.create({ name: 'Bench ledger', baseCurrency: 'EUR' }, BENCH);
    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++)
      accounts.push((await services.accounts.create(program.id, { name: `A${i}` }, BENCH)).id);
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

    const single = await timed(1, async () => {
      await credit();
      return 1;
    });
    result('ledger.single_1_writer', single, 'entries/s', pgbenchTps(reference, 1, SECONDS));
    const parallel = await timed(10, async () => {
      await credit();
      return 1;
    });
    const tps10 = pgbenchTps(reference, 10, SECONDS);
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
