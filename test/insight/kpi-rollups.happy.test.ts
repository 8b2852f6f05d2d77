// The KPI rollup (decision 0059) gives exactly the on-request figures: after random purchases,
// returns (partial, whole, larger than the order, dated before it, months later) and late events
// (recorded after the watermark, occurred long before), around month and time-zone edges
// (Europe/Amsterdam), for random periods and every breakdown; incremental runs, whole recomputes
// (idempotent) and a fresh set of services over the same database (a restart) agree with it.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/compose.ts';
import { selectRows } from '../../src/db/client.ts';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;
const accounts: string[] = [];
const purchases: Array<{ id: string; account: string; at: number }> = [];
let seq = 0;
/** The simulated recording clock: every batch is recorded after the one before (as `now()` would). */
let clock = Date.parse('2026-12-01T00:00:00Z');

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  for (const [name, segment] of [
    ['ACME', 'retail'],
    ['BETA', 'hospitality'],
    ['CARGO', 'retail'],
    ['DELTA', 'industry'],
  ] as const)
    accounts.push(await p.account(name, { segment }));
});

// Instants near the local month edges of Amsterdam (UTC+1 in winter, UTC+2 in summer) and inside months.
const DAYS = [
  '2025-12-31',
  '2026-01-01',
  '2026-01-15',
  '2026-01-31',
  '2026-02-01',
  '2026-02-28',
  '2026-03-01',
  '2026-03-29',
  '2026-03-31',
  '2026-04-01',
  '2026-04-30',
  '2026-05-01',
];
const instant = fc
  .record({
    day: fc.constantFrom(...DAYS),
    hour: fc.constantFrom(0, 1, 12, 21, 22, 23),
    minute: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ day, hour, minute }) => Date.parse(`${day}T00:00:00Z`) + hour * 3_600_000 + minute * 60_000);

type Step =
  | { kind: 'purchase'; account: number; at: number; amount: number | null }
  | { kind: 'return'; of: number; offsetDays: number; amount: number | null };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('purchase' as const),
    account: fc.integer({ min: 0, max: 3 }),
    at: instant,
    amount: fc.option(fc.integer({ min: 0, max: 50_000 }), { freq: 6 }),
  }),
  fc.record({
    kind: fc.constant('return' as const),
    of: fc.nat(),
    offsetDays: fc.integer({ min: -2, max: 70 }),
    amount: fc.option(fc.integer({ min: 1, max: 60_000 }), { freq: 2 }),
  }),
);

/** Writes the steps as stored events, recorded at the simulated clock. */
async function record(steps: Step[]) {
  clock += 1_000;
  const receivedAt = new Date(clock).toISOString();
  for (const s of steps) {
    const id = `evt_rollup_${++seq}`;
    if (s.kind === 'purchase') {
      purchases.push({ id, account: accounts[s.account]!, at: s.at });
      await insert(id, 'purchase', accounts[s.account]!, s.at, s.amount, null, receivedAt);
    } else if (purchases.length > 0) {
      const o = purchases[s.of % purchases.length]!;
      await insert(
        id,
        'return',
        o.account,
        o.at + s.offsetDays * 86_400_000 + 3_600_000,
        s.amount,
        o.id,
        receivedAt,
      );
    }
  }
}

async function insert(
  id: string,
  type: string,
  account: string,
  at: number,
  amount: number | null,
  original: string | null,
  receivedAt: string,
) {
  await api.database.db.execute(
    sql`insert into events (program_id, id, external_id, type, account_id, occurred_at, received_at, currency,
                            amount, base_currency, base_amount, original_event_id, fingerprint, evaluation)
        values (${p.id}, ${id}, ${id}, ${type}, ${account}, ${new Date(at).toISOString()}, ${receivedAt}, 'EUR',
                ${amount === null ? null : (amount / 100).toFixed(2)}, 'EUR', ${amount}, ${original}, ${id}, '{}'::jsonb)`,
  );
}

const rollUp = (recompute = false) => {
  clock += 1_000;
  return api.services.insight.rollUpKpis(p.id, { now: new Date(clock), settleMs: 0, recompute });
};

const PERIOD_DAYS = [
  '2025-12-01',
  '2025-12-31',
  '2026-01-01',
  '2026-01-16',
  '2026-01-31',
  '2026-02-01',
  '2026-02-28',
  '2026-03-01',
  '2026-03-30',
  '2026-03-31',
  '2026-04-01',
  '2026-04-30',
  '2026-05-01',
  '2026-06-30',
];
const period = fc
  .tuple(fc.constantFrom(...PERIOD_DAYS), fc.constantFrom(...PERIOD_DAYS))
  .map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a }));
const breakdown = fc.constantFrom(undefined, 'segment', 'cohort', 'country', 'plan', 'tier');

/** The report through the rollup equals the on-request one (all but `freshness`). */
async function expectSame(query: { from: string; to: string }, by?: string) {
  const q = { ...query, ...(by && { breakdown: by as 'segment' }) };
  const now = new Date('2026-12-01T00:00:00Z');
  const { freshness, ...rolled } = await api.services.insight.kpis(p.id, q, { now });
  const { freshness: plain, ...direct } = await api.services.insight.kpis(p.id, q, { now, rollup: false });
  expect(freshness.source).toBe('rollup');
  expect(plain.source).toBe('events');
  expect(rolled).toEqual(direct);
  const { freshness: f2, ...cohorts } = await api.services.insight.cohorts(p.id, query, { now });
  const { freshness: _f3, ...cohortsDirect } = await api.services.insight.cohorts(p.id, query, {
    now,
    rollup: false,
  });
  expect(f2.source).toBe('rollup');
  expect(cohorts).toEqual(cohortsDirect);
  return freshness;
}

const rows = async () =>
  selectRows<Record<string, unknown>>(
    api.database.db,
    sql`select account_id, month, effect_month, orders, net from insight_order_months
         where program_id = ${p.id} order by 1, 2, 3`,
  );

describe('KPIs through the rollup', () => {
  it('equal the on-request figures after random purchases, returns and late events', {
    timeout: 180_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.array(step, { maxLength: 6 }),
        fc.array(fc.tuple(period, breakdown), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (rolledUp, recent, queries, recompute) => {
          await record(rolledUp);
          await rollUp(recompute);
          // Recorded after the watermark (late events among them): read directly from the events.
          await record(recent);
          for (const [q, by] of queries) await expectSame(q, by);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('an incremental run computes again only what was touched, and equals a whole recompute', async () => {
    await record([{ kind: 'purchase', account: 0, at: Date.parse('2026-02-10T10:00:00Z'), amount: 1234 }]);
    const incremental = await rollUp();
    expect(incremental.recomputed).toBe(false);
    expect(incremental.accountMonths).toBeGreaterThanOrEqual(1);
    const fresh = await expectSame({ from: '2026-01-01', to: '2026-03-31' });
    expect(fresh.accountMonthsReadDirectly).toBe(0);
    expect(fresh.rolledUpTo).toBe(incremental.rolledUpTo);
    const before = await rows();
    const again = await rollUp(true);
    expect(again.recomputed).toBe(true);
    expect(await rows()).toEqual(before);
    await rollUp(true);
    expect(await rows()).toEqual(before);
  });

  it('a new event shows at once (read directly), then from the rollup after the next run', async () => {
    const q = { from: '2026-01-01', to: '2026-06-30' };
    const now = new Date('2026-12-01T00:00:00Z');
    const before = await api.services.insight.kpis(p.id, q, { now });
    await record([{ kind: 'purchase', account: 3, at: Date.parse('2026-06-10T10:00:00Z'), amount: 5000 }]);
    const after = await expectSame(q);
    expect(after.accountMonthsReadDirectly).toBe(1);
    expect((await api.services.insight.kpis(p.id, q, { now })).kpis.orders).toBe(before.kpis.orders + 1);
    await rollUp();
    expect((await expectSame(q)).accountMonthsReadDirectly).toBe(0);
  });

  it('a segment change moves the account between groups, as on request', async () => {
    const r = await p.send(p.write, {
      method: 'PATCH',
      url: `/v1/accounts/${accounts[0]}`,
      payload: { segment: 'public' },
    });
    expect(r.statusCode, r.body).toBe(200);
    await expectSame({ from: '2026-01-01', to: '2026-04-30' }, 'segment');
  });

  it('survives a restart: new services over the same database read the same rollup', async () => {
    await rollUp();
    const restarted = createServices(api.database);
    const q = { from: '2026-01-16', to: '2026-03-30' };
    const now = new Date('2026-12-01T00:00:00Z');
    const a = await restarted.insight.kpis(p.id, q, { now });
    const b = await api.services.insight.kpis(p.id, q, { now, rollup: false });
    expect(a.freshness.source).toBe('rollup');
    const { freshness: _f, ...figures } = a;
    const { freshness: _g, ...direct } = b;
    expect(figures).toEqual(direct);
  });

  it('the due-run route rebuilds the rollup on demand and the report says how fresh it is', async () => {
    const run = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/insight/due-runs',
      payload: { recomputeRollups: true },
    });
    expect(run.statusCode, run.body).toBe(200);
    expect(json(run).rollups).toMatchObject({ recomputed: true, accountMonths: null });
    const r = await p.send(p.read, { method: 'GET', url: '/v1/reports/kpis?from=2026-01-01&to=2026-03-31' });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r).freshness).toEqual({
      source: 'rollup',
      rolledUpTo: json(run).rollups.rolledUpTo,
      accountMonthsReadDirectly: expect.any(Number),
    });
  });

  it('another time zone makes the rollup unusable until it is recomputed', async () => {
    const r = await p.send(p.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { timeZone: 'America/New_York' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const q = { from: '2026-01-01', to: '2026-03-31' };
    expect((await api.services.insight.kpis(p.id, q)).freshness.source).toBe('events');
    await rollUp();
    await expectSame(q);
  });
});
