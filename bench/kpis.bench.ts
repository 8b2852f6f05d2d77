// Insight on PostgreSQL (issue 18, "Speed"): the KPI report, the cohort table, the RFM refresh and a
// streamed CSV export over a generated program, each printed beside a plain `SELECT … GROUP BY` over
// the same events on the same server (the floor: what reading the rows once costs).
//
// Set-up in plain SQL (INSERT … SELECT generate_series): N accounts and E purchase events spread over
// 2025–2026 (1 in 20 returned in full a week later). The KPIs are measured on request (every order
// read from the events, decision 0017) and through the KPI rollup (decision 0059): its full recompute
// beside a plain GROUP BY account and local month, the reports beside the GROUP BY account and day.
// FIDELIS_BENCH_KPI_ACCOUNTS (default 100,000) and FIDELIS_BENCH_KPI_EVENTS (default 1,000,000) set
// the size; the 10,000,000 events take a while to load on a small machine. The ledger-postings
// export streams FIDELIS_BENCH_KPI_POSTINGS postings (default 2,000,000; the issue's 10,000,000 is the
// same code path, longer), written as journal entries of two postings each.
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
const ACCOUNTS = Number(process.env.FIDELIS_BENCH_KPI_ACCOUNTS ?? 100_000);
const EVENTS = Number(process.env.FIDELIS_BENCH_KPI_EVENTS ?? 1_000_000);
const POSTINGS = Number(process.env.FIDELIS_BENCH_KPI_POSTINGS ?? 2_000_000);
const LIMIT_MS = Math.max(600_000, EVENTS * 0.5 + POSTINGS * 0.2);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    note('PostgreSQL is not reachable on 127.0.0.1:5432: kpis benchmark skipped');
    return;
  }
  const name = await createScratchDatabase('kpis');
  watchdog(LIMIT_MS, () => dropScratchDatabase(name));
  const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 2 });
  const client = new pg.Client({ connectionString: pgUrl(name) });
  try {
    await client.connect();
    await database.migrate();
    const services = createServices(database);
    const program = await services.programs.create(
      { name: 'Bench insight', baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
      BENCH,
    );
    const loaded = await timed(async () => {
      await client.query(
        `insert into accounts (program_id, id, name, status, segment)
         select $1, 'acc_bench_' || lpad(i::text, 7, '0'), 'Bench account ' || i, 'enrolled',
                (array['retail','hospitality','industry','public'])[1 + i % 4]
           from generate_series(1, $2::int) i`,
        [program.id, ACCOUNTS],
      );
      await client.query(
        `insert into events (program_id, id, external_id, type, account_id, occurred_at, received_at, currency,
                             amount, base_currency, base_amount, fingerprint, evaluation)
         select $1, 'evt_bench_' || lpad(i::text, 9, '0'), 'ext_' || i, 'purchase',
                'acc_bench_' || lpad((1 + (i::bigint * 7919) % $3)::text, 7, '0'),
                timestamptz '2025-01-01T00:00:00Z' + ((i::bigint * 104729) % 700) * interval '1 day'
                  + ((i * 31) % 86400) * interval '1 second',
                now(), 'EUR', '0', 'EUR', 1000 + (i * 37) % 90000, md5(i::text), '{}'::jsonb
           from generate_series(1, $2::int) i`,
        [program.id, EVENTS, ACCOUNTS],
      );
      await client.query(
        `insert into events (program_id, id, external_id, type, account_id, occurred_at, received_at, currency,
                             amount, base_currency, base_amount, original_event_id, fingerprint, evaluation)
         select program_id, 'evt_bret_' || substr(id, 11), 'ret_' || external_id, 'return', account_id,
                occurred_at + interval '7 days', now(), 'EUR', null, 'EUR', null, id, md5(id), '{}'::jsonb
           from events where program_id = $1 and type = 'purchase' and (substr(id, 11)::bigint) % 20 = 0`,
        [program.id],
      );
      await client.query('analyze');
    });
    const size = await client.query(
      `select count(*) as n, pg_size_pretty(pg_total_relation_size('events')) as size from events`,
    );
    note(
      `set-up: ${ACCOUNTS} accounts, ${size.rows[0].n} events (${size.rows[0].size}) in ${(loaded.ms / 1000).toFixed(1)} s`,
    );

    const floor = await timed(() =>
      client.query(
        `select account_id, date_trunc('day', occurred_at), count(*), sum(base_amount) from events
          where program_id = $1 and type = 'purchase' and occurred_at < '2027-01-01' group by 1, 2`,
        [program.id],
      ),
    );
    const reference: Reference = { value: floor.ms, unit: 'ms' };
    note(`reference: plain SELECT … GROUP BY account, day over the purchases: ${floor.ms.toFixed(0)} ms`);

    // On request (every order read from the events): what the rollup is measured against.
    const year = { from: '2026-01-01', to: '2026-12-31' };
    const direct = { rollup: false };
    const kpis = await timed(() => services.insight.kpis(program.id, year, direct));
    result('kpis.report', kpis.ms, 'ms', reference);
    note(
      `  orders ${kpis.value.kpis.orders}, active ${kpis.value.kpis.activeAccounts}, repeat rate ${kpis.value.kpis.repeatCustomerRate}`,
    );
    const bySegment = await timed(() =>
      services.insight.kpis(program.id, { ...year, breakdown: 'segment' }, direct),
    );
    result('kpis.report_by_segment', bySegment.ms, 'ms', reference);
    const cohorts = await timed(() => services.insight.cohorts(program.id, year, direct));
    result('kpis.cohorts', cohorts.ms, 'ms', reference);

    // The KPI rollup (decision 0059): a full recompute beside a plain GROUP BY account and local month
    // over the same purchases and returns, then the reports through it.
    const monthly = await timed(() =>
      client.query(
        `select account_id, to_char(occurred_at at time zone 'Europe/Amsterdam', 'YYYY-MM'), count(*), sum(base_amount)
           from events where program_id = $1 and type in ('purchase', 'return') group by 1, 2`,
        [program.id],
      ),
    );
    note(`reference: plain SELECT … GROUP BY account, local month: ${monthly.ms.toFixed(0)} ms`);
    const recompute = await timed(() =>
      services.insight.rollUpKpis(program.id, { recompute: true, settleMs: 0 }),
    );
    result('kpis.rollup_recompute', recompute.ms, 'ms', { value: monthly.ms, unit: 'ms (GROUP BY month)' });
    const rollupRows = await client.query(
      `select count(*) as n, pg_size_pretty(pg_total_relation_size('insight_order_months')) as size from insight_order_months`,
    );
    note(`  ${rollupRows.rows[0].n} rollup rows (${rollupRows.rows[0].size})`);
    await client.query('analyze insight_order_months');
    const rolled = await timed(() => services.insight.kpis(program.id, year));
    result('kpis.report_rollup', rolled.ms, 'ms', reference);
    note(`  ${JSON.stringify(rolled.value.freshness)}; on request ${kpis.ms.toFixed(0)} ms`);
    if (JSON.stringify(rolled.value.kpis) !== JSON.stringify(kpis.value.kpis))
      throw new Error('the KPIs through the rollup differ from those computed on request');
    const rolledBySegment = await timed(() =>
      services.insight.kpis(program.id, { ...year, breakdown: 'segment' }),
    );
    result('kpis.report_by_segment_rollup', rolledBySegment.ms, 'ms', reference);
    const rolledCohorts = await timed(() => services.insight.cohorts(program.id, year));
    result('kpis.cohorts_rollup', rolledCohorts.ms, 'ms', reference);
    // A period with partial months at both ends (read from the events by day).
    const partial = { from: '2025-12-08', to: '2026-11-15' };
    const partialDirect = await timed(() => services.insight.kpis(program.id, partial, direct));
    const partialRolled = await timed(() => services.insight.kpis(program.id, partial));
    result('kpis.report_partial_months_rollup', partialRolled.ms, 'ms', reference);
    note(`  on request ${partialDirect.ms.toFixed(0)} ms`);
    if (JSON.stringify(partialRolled.value.kpis) !== JSON.stringify(partialDirect.value.kpis))
      throw new Error(
        'the KPIs of a partial period through the rollup differ from those computed on request',
      );
    // An incremental run after 1,000 new purchases recorded since the watermark.
    await client.query(
      `insert into events (program_id, id, external_id, type, account_id, occurred_at, received_at, currency,
                           amount, base_currency, base_amount, fingerprint, evaluation)
       select $1, 'evt_bnew_' || lpad(i::text, 9, '0'), 'new_' || i, 'purchase',
              'acc_bench_' || lpad((1 + (i::bigint * 7919) % $2)::text, 7, '0'),
              timestamptz '2026-06-01T00:00:00Z' + (i % 180) * interval '1 day', now(), 'EUR', '0', 'EUR', 5000,
              md5('new' || i), '{}'::jsonb
         from generate_series(1, 1000) i`,
      [program.id, ACCOUNTS],
    );
    const fresh = await timed(() => services.insight.kpis(program.id, year));
    result('kpis.report_rollup_with_1000_unrolled', fresh.ms, 'ms', reference);
    const incremental = await timed(() => services.insight.rollUpKpis(program.id, { settleMs: 0 }));
    result('kpis.rollup_incremental_1000_events', incremental.ms, 'ms', reference);
    note(`  ${incremental.value.accountMonths} account-months computed again`);
    const rfm = await timed(() =>
      services.insight.refreshRfm(program.id, { asOf: new Date('2026-12-31T12:00:00Z'), force: true }),
    );
    result('kpis.rfm_refresh', rfm.ms, 'ms', reference);
    note(`  ${rfm.value.accounts} accounts scored`);

    let peak = process.memoryUsage().rss;
    const before = peak;
    let rows = 0;
    const exported = await timed(async () => {
      const chunks = await services.insight.exportCsv(program.id, 'events', {}, (n) => {
        rows = n;
        peak = Math.max(peak, process.memoryUsage().rss);
      });
      for await (const chunk of chunks) void chunk;
    });
    result('kpis.export_events_rows_per_s', rows / (exported.ms / 1000), 'rows/s');
    note(
      `  ${rows} rows in ${(exported.ms / 1000).toFixed(1)} s; RSS ${(before / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB`,
    );

    // The journal export: entries of two postings each (a member wallet and the issuance wallet).
    const journal = await timed(async () => {
      await client.query(
        `insert into wallets (program_id, id, account_id, unit)
         select $1, 'wal_bench_' || lpad(i::text, 7, '0'), 'acc_bench_' || lpad(i::text, 7, '0'), 'points'
           from generate_series(1, $2::int) i`,
        [program.id, ACCOUNTS],
      );
      await client.query(
        `insert into wallets (program_id, id, system_code, unit) values ($1, 'wal_bench_issuance', 'issuance', 'points')`,
        [program.id],
      );
      await client.query(
        `insert into ledger_entries (program_id, id, idempotency_key, fingerprint, type, phase, wallet_id, account_id,
                                     unit, amount, reason_code, source_type, explanation, effective_at)
         select $1, 'ent_bench_' || lpad(i::text, 9, '0'), 'bench-' || i, 'bench', 'earn', 'posted',
                'wal_bench_' || lpad((1 + i % $2)::text, 7, '0'), 'acc_bench_' || lpad((1 + i % $2)::text, 7, '0'),
                'points', 10, 'earn_rule', 'event', 'bench', timestamptz '2025-01-01' + (i % 700) * interval '1 day'
           from generate_series(1, $3::int) i`,
        [program.id, ACCOUNTS, Math.ceil(POSTINGS / 2)],
      );
      await client.query(
        `insert into ledger_postings (program_id, entry_id, seq, wallet_id, unit, amount, effective_at)
         select e.program_id, e.id, s, case s when 1 then e.wallet_id else 'wal_bench_issuance' end, 'points',
                case s when 1 then 10 else -10 end, e.effective_at
           from ledger_entries e, generate_series(1, 2) s where e.program_id = $1 and e.id like 'ent_bench_%'`,
        [program.id],
      );
      await client.query('analyze ledger_entries; analyze ledger_postings; analyze wallets');
    });
    note(`  journal of ${POSTINGS} postings loaded in ${(journal.ms / 1000).toFixed(1)} s`);
    const joined = await timed(() =>
      client.query(
        `select count(*) from ledger_postings p join wallets w on w.program_id = p.program_id and w.id = p.wallet_id
           join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id where p.program_id = $1`,
        [program.id],
      ),
    );
    peak = process.memoryUsage().rss;
    const postingsBefore = peak;
    rows = 0;
    const postings = await timed(async () => {
      const chunks = await services.insight.exportCsv(program.id, 'ledger-postings', {}, (n) => {
        rows = n;
        peak = Math.max(peak, process.memoryUsage().rss);
      });
      for await (const chunk of chunks) void chunk;
    });
    // Reference: the same join counted by one SQL statement (reading the rows, sending none).
    result('kpis.export_postings_rows_per_s', rows / (postings.ms / 1000), 'rows/s', {
      value: rows / (joined.ms / 1000),
      unit: 'rows/s counted in SQL',
    });
    note(
      `  ${rows} postings in ${(postings.ms / 1000).toFixed(1)} s; RSS ${(postingsBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    await client.end().catch(() => {});
    await database.close();
    await dropScratchDatabase(name);
  }
}

await main();
