// Payout runs on PostgreSQL (issue 16, "Benchmark"): proposing a payout run over P partners with L
// commission lines, printed beside a plain `INSERT … SELECT` of the same rows on the same server (the
// floor: writing the per-partner sums once).
//
// Set-up in plain SQL (INSERT … SELECT generate_series): P partner accounts, each with a EUR wallet
// holding what its lines add up to, and L lines spread over them, all due before the period ends (the
// lines carry no ledger entry: the run's posting of due pending credits has nothing to do, so the
// time is the run's own reads and writes). FIDELIS_BENCH_PAYOUT_PARTNERS (default 10,000) and
// FIDELIS_BENCH_PAYOUT_LINES (default 1,000,000) set the size.
import pg from 'pg';
import { createServices } from '../src/app/compose.ts';
import { systemActor } from '../src/core/access.ts';
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

const BENCH = systemActor('bench');
const PARTNERS = Number(process.env.FIDELIS_BENCH_PAYOUT_PARTNERS ?? 10_000);
const LINES = Number(process.env.FIDELIS_BENCH_PAYOUT_LINES ?? 1_000_000);
const LIMIT_MS = Math.max(600_000, LINES * 0.6);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    note('PostgreSQL is not reachable on 127.0.0.1:5432: payout-runs benchmark skipped');
    return;
  }
  const name = await createScratchDatabase('payouts');
  watchdog(LIMIT_MS, () => dropScratchDatabase(name));
  const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 2 });
  const client = new pg.Client({ connectionString: pgUrl(name) });
  try {
    await client.connect();
    await database.migrate();
    const services = createServices(database);
    const program = await services.programs.create(
      { name: 'Bench payouts', baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
      BENCH,
    );
    const loaded = await timed(async () => {
      await client.query(
        `insert into accounts (program_id, id, name, status)
         select $1, 'acc_bench_' || lpad(i::text, 7, '0'), 'Bench partner ' || i, 'enrolled'
           from generate_series(1, $2::int) i`,
        [program.id, PARTNERS],
      );
      await client.query(
        `insert into commission_lines (program_id, id, key, partner_account_id, plan_code, plan_version, kind,
                                       event_id, period, revenue_minor, rate, unit, amount, remaining,
                                       explanation, due_at, occurred_at)
         select $1, 'cml_bench_' || lpad(i::text, 9, '0'), 'bench:' || i,
                'acc_bench_' || lpad((1 + (i::bigint * 7919) % $3)::text, 7, '0'), 'bench', 1, 'percentage',
                'ord_' || i, '2026-10', 10000 + (i * 37) % 90000, '10', 'EUR',
                (1000 + (i * 37) % 9000), (1000 + (i * 37) % 9000), 'bench line',
                timestamptz '2026-10-01T00:00:00Z' + (i % 2500000) * interval '1 second',
                timestamptz '2026-10-01T00:00:00Z' + (i % 2500000) * interval '1 second'
           from generate_series(1, $2::int) i`,
        [program.id, LINES, PARTNERS],
      );
      await client.query(
        `insert into wallets (program_id, id, account_id, unit, balance, lifetime_earned)
         select program_id, 'wal_bench_' || substr(partner_account_id, 11), partner_account_id, 'EUR', sum(amount), sum(amount)
           from commission_lines where program_id = $1 group by program_id, partner_account_id`,
        [program.id],
      );
      await client.query('analyze');
    });
    const size = await client.query(
      `select count(*) as n, pg_size_pretty(pg_total_relation_size('commission_lines')) as size from commission_lines`,
    );
    note(
      `set-up: ${PARTNERS} partners, ${size.rows[0].n} commission lines (${size.rows[0].size}) in ${(loaded.ms / 1000).toFixed(1)} s`,
    );

    await client.query('create temporary table floor_payouts (account_id text, amount bigint, lines bigint)');
    const floor = await timed(() =>
      client.query(
        `insert into floor_payouts select partner_account_id, sum(amount), count(*) from commission_lines
          where program_id = $1 and unit = 'EUR' and due_at < '2026-11-01T00:00:00+01' group by 1`,
        [program.id],
      ),
    );
    const reference: Reference = { value: floor.ms, unit: 'ms' };
    note(`reference: plain INSERT … SELECT of the per-partner sums: ${floor.ms.toFixed(0)} ms`);

    const proposed = await timed(() =>
      services.partners.proposePayoutRun(program.id, { period: '2026-10' }, BENCH),
    );
    result('payout_run.propose', proposed.ms, 'ms', reference);
    note(`  ${proposed.value.payoutCount} payouts, total EUR ${(proposed.value.total / 100).toFixed(2)}`);
  } finally {
    await client.end().catch(() => {});
    await database.close();
    await dropScratchDatabase(name);
  }
}

await main();
