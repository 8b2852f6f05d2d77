// A leaderboard read at 100,000 accounts on PostgreSQL (issue 17: "a leaderboard of 100,000 accounts
// answers in ≤ 50 ms"). Standings without asOf read the ranking table the due run refreshes
// (decision 0025); with asOf they are ranked at read time by one SQL statement (decision 0018). Both
// are measured, and the refresh (one INSERT … SELECT) that keeps the table.
//
// Set-up in plain SQL (INSERT … SELECT generate_series): a scratch database, a program created through
// the services, N accounts (a fifth of them in NL, segment installer) and three purchases each in May
// 2026 with amounts that make ties. Measured: the standings (top 10 plus an account's place and its
// neighbours) of a qualifying-spend leaderboard over the whole program and over an NL/installer
// audience, median of 15 reads after 3 warm-ups, each beside the bare aggregate (`select account_id,
// sum(base_amount) … group by account_id` over the same events, no ranking): the floor of reading them.
// FIDELIS_BENCH_LEADERBOARD_ACCOUNTS sets N (default 100,000).
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
  result,
  watchdog,
} from './run.ts';

const BENCH = systemActor('bench');
const ACCOUNTS = Number(process.env.FIDELIS_BENCH_LEADERBOARD_ACCOUNTS ?? 100_000);
const READS = 15;

async function load(client: pg.Client, programId: string): Promise<void> {
  await client.query(
    `insert into accounts (program_id, id, external_id, name, segment, country, status)
     select $1, 'acc_bench_' || lpad(n::text, 7, '0'), 'B-' || n, 'Bench account ' || n,
            case when n % 5 = 0 then 'installer' else 'retail' end,
            case when n % 5 = 0 then 'NL' else 'DE' end, 'enrolled'
       from generate_series(1, $2::int) n`,
    [programId, ACCOUNTS],
  );
  await client.query(
    `insert into events (program_id, id, external_id, type, account_id, occurred_at, currency, amount,
                         base_currency, base_amount, fingerprint, evaluation)
     select $1, 'evt_bench_' || a || '_' || k, 'E-' || a || '-' || k, 'purchase', 'acc_bench_' || lpad(a::text, 7, '0'),
            timestamptz '2026-05-01T08:00:00Z' + (k || ' days')::interval, 'EUR', ((a * 7 + k) % 997)::text || '.00',
            'EUR', ((a * 7 + k) % 997) * 100, 'bench', '{"rules":[],"awards":[],"totals":{}}'::jsonb
       from generate_series(1, $2::int) a, generate_series(1, 3) k`,
    [programId, ACCOUNTS],
  );
  await client.query('analyze');
}

async function median(times: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  ms.sort((x, y) => x - y);
  return ms[Math.floor(ms.length / 2)]!;
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    note('PostgreSQL is not reachable on 127.0.0.1:5432: leaderboard benchmark skipped');
    return;
  }
  const name = await createScratchDatabase('leaderboard');
  watchdog(600_000, () => dropScratchDatabase(name));
  const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 2 });
  const client = new pg.Client({ connectionString: pgUrl(name) });
  try {
    await client.connect();
    await database.migrate();
    const services = createServices(database);
    const program = await services.programs.create({ name: 'Bench leaderboard', baseCurrency: 'EUR' }, BENCH);
    const started = performance.now();
    await load(client, program.id);
    note(
      `set-up: ${ACCOUNTS} accounts, ${ACCOUNTS * 3} purchases in May 2026, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const window = { kind: 'fixed' as const, from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' };
    await services.engagement.createLeaderboard(
      program.id,
      { code: 'all', name: 'All', metric: 'qualifying_spend', window },
      BENCH,
    );
    await services.engagement.createLeaderboard(
      program.id,
      {
        code: 'nl',
        name: 'NL installers',
        metric: 'qualifying_spend',
        window,
        audience: { segments: ['installer'], countries: ['NL'] },
      },
      BENCH,
    );
    const asOf = new Date('2026-06-15T00:00:00Z');
    const bare = (where: string) => () =>
      client.query(
        `select account_id, sum(base_amount) from events
          where program_id = $1 and occurred_at >= '2026-05-01' and occurred_at < '2026-06-01' ${where}
          group by account_id`,
        [program.id],
      );
    const allBare = await median(READS, bare(''));
    const all = await median(READS, () =>
      services.engagement.standings(program.id, 'all', { account: 'B-2042', asOf }),
    );
    result('leaderboard.standings_all_ms', all, 'ms', { value: allBare, unit: 'ms (bare aggregate)' });
    const refreshStarted = performance.now();
    await services.engagement.refreshLeaderboard(program.id, 'all', asOf);
    const refresh = performance.now() - refreshStarted;
    result('leaderboard.refresh_all_ms', refresh, 'ms', { value: allBare, unit: 'ms (bare aggregate)' });
    const table = await median(READS, () =>
      services.engagement.standings(program.id, 'all', { account: 'B-2042' }),
    );
    result('leaderboard.standings_table_ms', table, 'ms', { value: all, unit: 'ms (ranked at read time)' });
    const nlBare = await median(
      READS,
      bare(
        `and account_id in (select id from accounts where program_id = $1 and segment = 'installer' and country = 'NL')`,
      ),
    );
    const nl = await median(READS, () =>
      services.engagement.standings(program.id, 'nl', { account: 'B-2040', asOf }),
    );
    result('leaderboard.standings_audience_ms', nl, 'ms', { value: nlBare, unit: 'ms (bare aggregate)' });
    const check = await services.engagement.standings(program.id, 'all', { account: 'B-2042', asOf });
    if (check.ranked !== ACCOUNTS || check.top.length !== 10 || check.account?.rank === null)
      throw new Error(`unexpected standings: ${JSON.stringify(check).slice(0, 300)}`);
    const fromTable = await services.engagement.standings(program.id, 'all', { account: 'B-2042' });
    if (
      fromTable.freshness.source !== 'ranking' ||
      JSON.stringify([fromTable.top, fromTable.account, fromTable.ranked]) !==
        JSON.stringify([check.top, check.account, check.ranked])
    )
      throw new Error(
        `the ranking table differs from the live ranking: ${JSON.stringify(fromTable).slice(0, 300)}`,
      );
    note(
      `target (issue 17): ≤ 50 ms at 100,000 accounts; top: ${check.top.map((p) => `${p.rank}:${p.value}`).join(' ')}`,
    );
  } finally {
    await client.end();
    await database.close();
    await dropScratchDatabase(name);
  }
}

await main();
