// The scheduled tier evaluation (tiers.runDue) over 1,000,000 accounts on PostgreSQL (issue 6: "1 million
// accounts in minutes, not hours").
//
// Set-up, in plain SQL (INSERT … SELECT generate_series, not through the API): a scratch database, a
// program and a four-tier qualifying-spend ladder (rolling 12 months, 90 days of grace, soft landing)
// created through the services, then N accounts, one purchase event each in 2025 and N tier_status rows
// that are all due at 2026-01-01. Accounts fall in classes by their number n (n % 20):
//   0–9   renew: spent 1.2 × their tier's threshold                      → keep the tier
//   10–11 upgrade: spent 1.1 × the next tier's threshold                 → one tier up (period_end)
//   12–16 grace: spent 0.5 × their threshold                             → grace until 2026-04-01
//   17–18 drop: already in grace until 2026-01-01, spent 0.1 × threshold  → one tier down (soft landing)
//   19    recover: already in grace until 2026-01-01, spent 1.2 ×         → keep the tier
// Measured: runDue at 2026-01-02 (every status due), the same again (nothing due), and runDue at
// 2026-04-02 (the grace periods end: those accounts step down). Each figure is printed beside a bare
// `UPDATE … SET updated_at = now()` over a copy of the same N status rows on the same server (one
// statement, one transaction): what it costs PostgreSQL just to rewrite every row once. The ratio is
// how many times slower than that floor the full evaluation is. Every outcome is checked with SQL at the
// end (states, tier_changes rows and the metric each change recorded); a wrong result fails the run.
//
// Where the time goes is shown per kind of statement (wall time of each round trip, measured in the pg
// client); FIDELIS_BENCH_EXPLAIN=1 also prints EXPLAIN ANALYZE of one page's statements.
// FIDELIS_BENCH_TIER_ACCOUNTS sets N (default 1,000,000; use e.g. 20000 while iterating);
// FIDELIS_BENCH_TIER_WINDOW=calendar_year runs it with a calendar-year window instead of rolling 12 months;
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

/** Who the bench's writes are recorded as. */
const BENCH = systemActor('bench');

const ACCOUNTS = Number(process.env.FIDELIS_BENCH_TIER_ACCOUNTS ?? 1_000_000);
const EXPLAIN = process.env.FIDELIS_BENCH_EXPLAIN === '1';
/** rolling_months (12, the default) or calendar_year: both make 2025 the qualification period. */
const CALENDAR = process.env.FIDELIS_BENCH_TIER_WINDOW === 'calendar_year';
/**
 * What-if: adds an index on tier_status (program_id, ladder_id, due_at, account_id), the due page's
 * order, to the scratch database before measuring (the migrations only index (…, due_at)).
 */
const PAGE = 1000;
/** Generous: 2.5 ms per account for the whole run (set-up, three evaluations, checks), at least 5 min. */
const LIMIT_MS = Math.max(300_000, ACCOUNTS * 2.5);

const YEAR_END = '2026-01-01T00:00:00Z';
const NEXT_YEAR_END = '2027-01-01T00:00:00Z';
const GRACE_END = '2026-04-01T00:00:00Z'; // YEAR_END + 90 days
/** The period end after a step-down at the grace end: the next year end, or 12 months on (rolling). */
const AFTER_GRACE_END = CALENDAR ? NEXT_YEAR_END : '2027-04-01T00:00:00Z';
const TIERS = [
  { code: 'bronze', name: 'Bronze', threshold: '1000' },
  { code: 'silver', name: 'Silver', threshold: '5000', multiplier: '1.25' },
  { code: 'gold', name: 'Gold', threshold: '20000', multiplier: '1.5', perks: ['free_shipping'] },
  { code: 'platinum', name: 'Platinum', threshold: '50000', multiplier: '2', perks: ['account_manager'] },
];

// SQL pieces shared by the set-up and the checks: the account's number, class, tier at the start
// (0-based) and the thresholds in cents.
const CODES = `array['bronze','silver','gold','platinum']`;
const THRESHOLDS = 'array[100000,500000,2000000,5000000]::bigint[]';
const CLASS = (n: string) => `(${n} % 20)`;
const TIER0 = (n: string) =>
  `(case when ${n} % 20 in (10, 11) then (${n} / 20) % 3 else (${n} / 20) % 4 end)`;

// ---------------------------------------------------------------------------------------------------
// Wall time of every statement the pg client sends, by kind (only while `timing` is on).

const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
const spent = new Map<string, { count: number; ms: number; each: number[] }>();
let timing = false;

function kindOf(text: string): string {
  const t = text.trimStart().toLowerCase();
  if (t.startsWith('begin') || t.startsWith('commit') || t.startsWith('rollback')) return 'begin/commit';
  if (t.startsWith('select') && t.includes('"tier_status"') && t.includes('skip locked'))
    return 'due page (select … for update skip locked)';
  if (t.includes('jsonb_to_recordset') && t.includes('events')) return 'metric (sum of events per account)';
  if (t.startsWith('insert into "tier_status"')) return 'status upsert (insert … on conflict)';
  if (t.startsWith('insert into "tier_changes"')) return 'tier_changes insert';
  return 'other';
}

pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const out = clientQuery.apply(this, args);
  if (timing && out && typeof (out as Promise<unknown>).then === 'function') {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const started = performance.now();
    (out as Promise<unknown>).then(
      () => {
        const kind = kindOf(text);
        const s = spent.get(kind) ?? { count: 0, ms: 0, each: [] };
        const ms = performance.now() - started;
        s.count++;
        s.ms += ms;
        s.each.push(ms);
        spent.set(kind, s);
      },
      () => {},
    );
  }
  return out;
} as typeof pg.Client.prototype.query;

/** Prints, every 30 s while an evaluation runs, how far it got (pages written so far). */
function progress(label: string): () => void {
  const started = performance.now();
  const timer = setInterval(() => {
    const pages = spent.get('status upsert (insert … on conflict)')?.count ?? 0;
    const due = spent.get('due page (select … for update skip locked)')?.each.slice(-10) ?? [];
    const avg = due.reduce((a, b) => a + b, 0) / Math.max(1, due.length);
    note(
      `${label}: ${pages * PAGE} accounts after ${((performance.now() - started) / 1000).toFixed(0)} s (due page: ${avg.toFixed(0)} ms lately)`,
    );
  }, 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

function breakdown(label: string, totalMs: number, cpu: NodeJS.CpuUsage): void {
  let server = 0;
  for (const [kind, s] of [...spent.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
    server += s.ms;
    const tenth = Math.max(1, Math.floor(s.each.length / 10));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const trend =
      s.each.length >= 20
        ? `; first 10% ${avg(s.each.slice(0, tenth)).toFixed(1)} ms each, last 10% ${avg(s.each.slice(-tenth)).toFixed(1)} ms each`
        : '';
    note(
      `${label}: ${kind}: ${s.count} × ${(s.ms / s.count).toFixed(1)} ms = ${(s.ms / 1000).toFixed(1)} s (${((100 * s.ms) / totalMs).toFixed(0)}%)${trend}`,
    );
  }
  note(
    `${label}: between statements (Node: decisions, building parameters, parsing rows): ${((totalMs - server) / 1000).toFixed(1)} s (${((100 * (totalMs - server)) / totalMs).toFixed(0)}%); the Node process used ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU in all`,
  );
  spent.clear();
}

// ---------------------------------------------------------------------------------------------------

async function load(client: pg.Client, programId: string, ladderId: string): Promise<void> {
  const n = 'i';
  await client.query(
    `insert into accounts (program_id, id, name, status)
     select $1, 'acc_bench_' || lpad(i::text, 7, '0'), 'Bench account ' || i, 'enrolled'
       from generate_series(1, $2::int) i`,
    [programId, ACCOUNTS],
  );
  // One purchase per account somewhere in 2025, its amount set by the account's class.
  const spend = `(case
      when ${CLASS(n)} < 10 or ${CLASS(n)} = 19 then (${THRESHOLDS})[${TIER0(n)} + 1] * 12 / 10
      when ${CLASS(n)} in (10, 11) then (${THRESHOLDS})[${TIER0(n)} + 2] * 11 / 10
      when ${CLASS(n)} between 12 and 16 then (${THRESHOLDS})[${TIER0(n)} + 1] / 2
      else (${THRESHOLDS})[${TIER0(n)} + 1] / 10 end)`;
  await client.query(
    `insert into events (program_id, id, external_id, type, account_id, occurred_at, received_at, currency,
                         amount, base_currency, base_amount, fingerprint, evaluation)
     select $1, 'evt_bench_' || lpad(i::text, 7, '0'), 'ext_' || i, 'purchase',
            'acc_bench_' || lpad(i::text, 7, '0'),
            timestamptz '2025-01-01T00:00:00Z' + ((i::bigint * 7919) % 364) * interval '1 day'
              + ((i * 31) % 86400) * interval '1 second',
            timestamptz '2025-12-31T00:00:00Z', 'EUR', to_char(s / 100.0, 'FM999999990.00'), 'EUR', s,
            md5(i::text), '{}'::jsonb
       from (select i, ${spend} as s from generate_series(1, $2::int) i) g`,
    [programId, ACCOUNTS],
  );
  await client.query(
    `insert into tier_status (program_id, ladder_id, account_id, tier_code, since, secured_until, grace_until,
                              due_at)
     select $1, $2, 'acc_bench_' || lpad(i::text, 7, '0'), (${CODES})[${TIER0(n)} + 1],
            timestamptz '2024-01-01T00:00:00Z',
            case when ${CLASS(n)} >= 17 then timestamptz '${YEAR_END}' - interval '90 days'
                 else timestamptz '${YEAR_END}' end,
            case when ${CLASS(n)} >= 17 then timestamptz '${YEAR_END}' end,
            timestamptz '${YEAR_END}'
       from generate_series(1, $3::int) i`,
    [programId, ladderId, ACCOUNTS],
  );
  await client.query('analyze accounts; analyze events; analyze tier_status');
}

/** Seconds a bare UPDATE of every row takes on a fresh copy of tier_status (same rows, same indexes). */
async function bareUpdateSeconds(client: pg.Client): Promise<number> {
  await client.query('create table bench_status_copy (like tier_status including all)');
  await client.query('insert into bench_status_copy select * from tier_status');
  await client.query('vacuum analyze bench_status_copy');
  const started = performance.now();
  await client.query('update bench_status_copy set updated_at = now()');
  const seconds = (performance.now() - started) / 1000;
  await client.query('drop table bench_status_copy');
  return seconds;
}

async function explainPage(
  client: pg.Client,
  programId: string,
  ladderId: string,
  at: string,
): Promise<void> {
  const show = async (label: string, text: string, values: unknown[]) => {
    const r = await client.query(`explain (analyze, buffers, costs off) ${text}`, values);
    note(`EXPLAIN ANALYZE ${label}:`);
    for (const row of r.rows as Array<{ 'QUERY PLAN': string }>) note(`  ${row['QUERY PLAN']}`);
  };
  await client.query('begin');
  try {
    // As tiers-store.dueStatuses sends it.
    await show(
      'due page',
      `select * from tier_status where program_id = $1 and ladder_id = $2 and due_at <= $3
        order by due_at, account_id limit ${PAGE} for update skip locked`,
      [programId, ladderId, at],
    );
    const page = await client.query(
      `select account_id from tier_status where program_id = $1 and ladder_id = $2 and due_at <= $3
        order by due_at, account_id limit ${PAGE}`,
      [programId, ladderId, at],
    );
    const spec = JSON.stringify(
      (page.rows as Array<{ account_id: string }>).map((r) => ({
        key: r.account_id,
        account_id: r.account_id,
        f: '2025-01-01T00:00:00.000Z',
        t: new Date(at).toISOString(),
      })),
    );
    const types = JSON.stringify(['purchase', 'invoice.paid']);
    // As events-store.metricTotals sends it for qualifying_spend.
    await show(
      'metric of one page',
      `select q.key, coalesce(sum(case when e.type <> 'return' then e.base_amount
                     when o.type in (select jsonb_array_elements_text($3::jsonb))
                       then -coalesce(e.base_amount, o.base_amount, 0)
                     else 0 end), 0)::text as total
         from jsonb_to_recordset($2::jsonb) as q(key text, account_id text, f timestamptz, t timestamptz)
         left join events e on e.program_id = $1 and e.account_id = q.account_id
          and e.occurred_at >= q.f and e.occurred_at < q.t
          and (e.type in (select jsonb_array_elements_text($3::jsonb)) or e.type = 'return')
         left join events o on o.program_id = e.program_id and o.id = e.original_event_id
        group by q.key`,
      [programId, spec, types],
    );
    // Like tiers-store.saveStatuses (which sends the rows as VALUES parameters).
    await show(
      'status upsert of one page',
      `insert into tier_status (program_id, ladder_id, account_id, tier_code, since, secured_until,
                                grace_until, override_kind, override_tier, override_until, override_reason, due_at)
       select program_id, ladder_id, account_id, tier_code, since, timestamptz '${NEXT_YEAR_END}', null, null,
              null, null, null, timestamptz '${NEXT_YEAR_END}'
         from tier_status where program_id = $1 and ladder_id = $2 and due_at <= $3
        order by due_at, account_id limit ${PAGE}
       on conflict (program_id, ladder_id, account_id) do update set
         tier_code = excluded.tier_code, since = excluded.since, secured_until = excluded.secured_until,
         grace_until = excluded.grace_until, override_kind = excluded.override_kind,
         override_tier = excluded.override_tier, override_until = excluded.override_until,
         override_reason = excluded.override_reason, due_at = excluded.due_at, updated_at = now()`,
      [programId, ladderId, at],
    );
  } finally {
    await client.query('rollback');
  }
}

interface Check {
  rows: number;
  wrong: number;
  wrong_changes: number;
  kept: number;
  upgraded: number;
  entered_grace: number;
  downgraded: number;
  lost_tier: number;
  in_grace: number;
  change_rows: number;
  expected_change_rows: number;
}

/** Compares every status and this run's tier_changes with what each account's class should give. */
async function check(
  client: pg.Client,
  programId: string,
  ladderId: string,
  stage: 'year_end' | 'grace_end',
): Promise<Check> {
  const n = 'n';
  // After the year end: tier index, due and grace end each class should have.
  const tierAfter =
    stage === 'year_end'
      ? `case when k in (10, 11) then t + 1 when k in (17, 18) then t - 1 else t end`
      : `case when k in (10, 11) then t + 1 when k >= 12 and k <= 18 then t - 1 else t end`;
  const dueAfter =
    stage === 'year_end'
      ? `case when k between 12 and 16 then timestamptz '${GRACE_END}'
              when k in (17, 18) and t = 0 then null else timestamptz '${NEXT_YEAR_END}' end`
      : `case when k between 12 and 18 and t = 0 then null
              when k between 12 and 16 then timestamptz '${AFTER_GRACE_END}'
              else timestamptz '${NEXT_YEAR_END}' end`;
  const graceAfter =
    stage === 'year_end'
      ? `case when k between 12 and 16 then timestamptz '${GRACE_END}' end`
      : 'null::timestamptz';
  const at = stage === 'year_end' ? YEAR_END : GRACE_END;
  // This run's change each class should have: 'up', 'grace' (from = to), 'down', or none.
  const changeKind =
    stage === 'year_end'
      ? `case when k in (10, 11) then 'up' when k between 12 and 16 then 'grace' when k in (17, 18) then 'down' end`
      : `case when k between 12 and 16 then 'down' end`;
  const r = await client.query(
    `with s as (
       select ts.*, ${CLASS(n)} as k, ${TIER0(n)} as t
         from (select *, substr(account_id, 11)::int as n from tier_status
                where program_id = $1 and ladder_id = $2) ts),
     c as (
       select account_id, count(*) as changes,
              min(case when from_code = to_code then 'grace'
                       when coalesce(array_position(${CODES}, to_code), 0)
                            > coalesce(array_position(${CODES}, from_code), 0) then 'up' else 'down' end) as kind,
              bool_and(metric is not null) as has_metric,
              min(metric) as metric, min(reason) as reason
         from tier_changes where program_id = $1 and ladder_id = $2 and at = $3
        group by account_id),
     x as (
       select s.*, c.changes, c.kind, c.metric, c.reason, ${changeKind} as want_kind,
              (${CODES})[(${tierAfter}) + 1] as want_tier, ${dueAfter} as want_due, ${graceAfter} as want_grace,
              e.base_amount
         from s left join c using (account_id)
         left join events e on e.program_id = s.program_id and e.id = 'evt_bench_' || lpad(s.n::text, 7, '0'))
     select count(*)::int as rows,
            count(*) filter (where tier_code is distinct from want_tier or due_at is distinct from want_due
                               or grace_until is distinct from want_grace
                               or kind is distinct from want_kind or coalesce(changes, 1) <> 1)::int as wrong,
            count(*) filter (where kind is not null and ${
              stage === 'year_end'
                ? `(metric::numeric * 100 <> base_amount or reason <> case kind when 'up' then 'period_end' else 'grace' end)`
                : `(metric is null or reason <> 'grace')`
            })::int as wrong_changes,
            count(*) filter (where kind is null and tier_code is not null and grace_until is null)::int as kept,
            count(*) filter (where kind = 'up')::int as upgraded,
            count(*) filter (where kind = 'grace')::int as entered_grace,
            count(*) filter (where kind = 'down' and tier_code is not null)::int as downgraded,
            count(*) filter (where kind = 'down' and tier_code is null)::int as lost_tier,
            count(*) filter (where grace_until is not null)::int as in_grace,
            (select count(*) from tier_changes where program_id = $1 and ladder_id = $2 and at = $3)::int
              as change_rows,
            count(*) filter (where want_kind is not null)::int as expected_change_rows
       from x`,
    [programId, ladderId, at],
  );
  return r.rows[0] as Check;
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    note('PostgreSQL is not reachable on 127.0.0.1:5432: tiers benchmark skipped');
    return;
  }
  const name = await createScratchDatabase('tiers');
  watchdog(LIMIT_MS, () => dropScratchDatabase(name));
  const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 2 });
  const client = new pg.Client({ connectionString: pgUrl(name) });
  let failed = false;
  try {
    await client.connect();
    await database.migrate();
    const services = createServices(database);
    const program = await services.programs.create({ name: 'Bench tiers', baseCurrency: 'EUR' }, BENCH);
    const ladder = await services.tiers.createLadder(
      program.id,
      {
        name: 'Partner',
        metric: 'qualifying_spend',
        window: CALENDAR ? { kind: 'calendar_year' } : { kind: 'rolling_months', months: 12 },
        graceDays: 90,
        softLanding: true,
        tiers: TIERS,
      },
      BENCH,
    );

    let started = performance.now();
    await load(client, program.id, ladder.id);
    const size = await client.query(
      `select pg_size_pretty(pg_total_relation_size('events')) as events,
              pg_size_pretty(pg_total_relation_size('tier_status')) as status`,
    );
    note(
      `ladder: qualifying_spend, ${CALENDAR ? 'calendar_year' : 'rolling 12 months'}, 90 days grace, soft landing, 4 tiers`,
    );
    note(
      `set-up: ${ACCOUNTS} accounts, ${ACCOUNTS} purchase events in 2025 (${size.rows[0].events}), ${ACCOUNTS} tier_status rows (${size.rows[0].status}) all due at ${YEAR_END}, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const bare = await bareUpdateSeconds(client);
    const perRow: Reference = { value: ACCOUNTS / bare, unit: 'rows/s' };
    const whole: Reference = { value: bare, unit: 's' };
    note(
      `reference: bare UPDATE tier_status SET updated_at = now() over ${ACCOUNTS} rows: ${bare.toFixed(1)} s`,
    );
    if (EXPLAIN) await explainPage(client, program.id, ladder.id, '2026-01-02T00:00:00Z');

    // 1. The year end: every status is due.
    timing = true;
    started = performance.now();
    let cpu = process.cpuUsage();
    let stop = progress('year end');
    const first = await services.tiers.runDue(program.id, new Date('2026-01-02T00:00:00Z'), PAGE);
    stop();
    let ms = performance.now() - started;
    cpu = process.cpuUsage(cpu);
    timing = false;
    result('tiers.year_end_accounts_per_s', first.evaluated / (ms / 1000), 'accounts/s', perRow);
    result(`tiers.year_end_${ACCOUNTS}_accounts`, ms / 1000, 's', whole);
    note(`year end: evaluated ${first.evaluated}, changed tier ${first.changed}`);
    breakdown('year end', ms, cpu);
    const afterYearEnd = await check(client, program.id, ladder.id, 'year_end');
    note(`year end check: ${JSON.stringify(afterYearEnd)}`);

    // 2. The same run again: nothing is due any more.
    started = performance.now();
    const again = await services.tiers.runDue(program.id, new Date('2026-01-02T00:00:00Z'), PAGE);
    ms = performance.now() - started;
    result('tiers.rerun_nothing_due', ms, 'ms', { value: bare * 1000, unit: 'ms' });
    note(`rerun: evaluated ${again.evaluated}, changed ${again.changed}`);

    // 3. The grace periods end: those accounts step down one tier.
    timing = true;
    started = performance.now();
    cpu = process.cpuUsage();
    stop = progress('grace end');
    const grace = await services.tiers.runDue(program.id, new Date('2026-04-02T00:00:00Z'), PAGE);
    stop();
    ms = performance.now() - started;
    cpu = process.cpuUsage(cpu);
    timing = false;
    result('tiers.grace_end_accounts_per_s', grace.evaluated / (ms / 1000), 'accounts/s', perRow);
    // Reference: the bare UPDATE's time scaled to the rows evaluated here.
    result(`tiers.grace_end_${grace.evaluated}_accounts`, ms / 1000, 's', {
      value: (bare * grace.evaluated) / ACCOUNTS,
      unit: 's',
    });
    note(`grace end: evaluated ${grace.evaluated}, changed tier ${grace.changed}`);
    breakdown('grace end', ms, cpu);
    const afterGrace = await check(client, program.id, ladder.id, 'grace_end');
    note(`grace end check: ${JSON.stringify(afterGrace)}`);

    const problems: string[] = [];
    if (first.evaluated !== ACCOUNTS) problems.push(`year end evaluated ${first.evaluated}, not ${ACCOUNTS}`);
    if (again.evaluated !== 0) problems.push(`the rerun evaluated ${again.evaluated}, not 0`);
    for (const [stage, c] of [
      ['year end', afterYearEnd],
      ['grace end', afterGrace],
    ] as const) {
      if (c.rows !== ACCOUNTS) problems.push(`${stage}: ${c.rows} status rows`);
      if (c.wrong > 0) problems.push(`${stage}: ${c.wrong} statuses not as expected`);
      if (c.wrong_changes > 0)
        problems.push(`${stage}: ${c.wrong_changes} tier_changes rows with a wrong metric or reason`);
      if (c.change_rows !== c.expected_change_rows)
        problems.push(`${stage}: ${c.change_rows} tier_changes rows, expected ${c.expected_change_rows}`);
    }
    if (grace.evaluated !== afterYearEnd.entered_grace)
      problems.push(`grace end evaluated ${grace.evaluated}, expected ${afterYearEnd.entered_grace}`);
    note(`correct: ${problems.length === 0 ? 'yes' : `NO: ${problems.join('; ')}`}`);
    failed = problems.length > 0;
  } finally {
    await client.end().catch(() => {});
    await database.close();
    await dropScratchDatabase(name);
  }
  process.exit(failed ? 1 : 0);
}

await main();
