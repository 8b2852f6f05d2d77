// The KPI report against figures computed here, independently, from the events and ledger movements
// the test sends: order counts and values net of returns, repeat rate, frequency, CLV, retention,
// cohorts, the points roll-forward (balanced against the ledger), breakdowns and time-zone edges.
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { printCohorts, printKpis } from '../../src/cli/report.ts';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

const ZONE = 'Europe/Amsterdam';

interface Sent {
  id: string;
  type: 'purchase' | 'return';
  account: string;
  occurredAt: string;
  amount?: string;
  original?: string;
}

/** The history the scenario sends (Amsterdam is UTC+1 in winter, UTC+2 from 29 March 2026). */
const HISTORY: Sent[] = [
  { id: 'a1', type: 'purchase', account: 'ACME', occurredAt: '2026-01-10T10:00:00Z', amount: '100.00' },
  { id: 'a2', type: 'purchase', account: 'ACME', occurredAt: '2026-02-05T10:00:00Z', amount: '50.00' },
  { id: 'a3', type: 'purchase', account: 'ACME', occurredAt: '2026-03-03T10:00:00Z', amount: '200.00' },
  { id: 'a4', type: 'purchase', account: 'ACME', occurredAt: '2026-03-20T10:00:00Z', amount: '25.50' },
  // BETA: an order cancelled by a return without an amount (the whole order).
  { id: 'b1', type: 'purchase', account: 'BETA', occurredAt: '2026-02-20T10:00:00Z', amount: '80.00' },
  { id: 'b1r', type: 'return', account: 'BETA', occurredAt: '2026-02-25T10:00:00Z', original: 'b1' },
  // 23:30 on 31 March in Amsterdam: in March there, and in the period that ends on the 31st.
  { id: 'b2', type: 'purchase', account: 'BETA', occurredAt: '2026-03-31T21:30:00Z', amount: '40.00' },
  // 00:30 on 1 April in Amsterdam (still 31 March in UTC): after the period.
  { id: 'b3', type: 'purchase', account: 'BETA', occurredAt: '2026-03-31T22:30:00Z', amount: '70.00' },
  // CARGO: a partial return.
  { id: 'c1', type: 'purchase', account: 'CARGO', occurredAt: '2026-01-31T23:30:00Z', amount: '30.00' },
  { id: 'c2', type: 'purchase', account: 'CARGO', occurredAt: '2026-03-15T10:00:00Z', amount: '30.00' },
  {
    id: 'c2r',
    type: 'return',
    account: 'CARGO',
    occurredAt: '2026-03-16T10:00:00Z',
    amount: '10.00',
    original: 'c2',
  },
];

// ---- the reference model: plain loops over HISTORY ----

const localDay = (iso: string) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
const cents = (s: string) => Math.round(Number(s) * 100);
const eur = (c: number) => (Math.round(c) / 100).toFixed(2);
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

interface Order {
  account: string;
  day: string;
  net: number;
}

/** Orders up to `to` (local), net of the returns made up to `to`, fully returned ones dropped. */
function ordersUpTo(to: string): Order[] {
  const out: Order[] = [];
  for (const p of HISTORY.filter((e) => e.type === 'purchase' && localDay(e.occurredAt) <= to)) {
    let returned = 0;
    for (const r of HISTORY.filter(
      (e) => e.type === 'return' && e.original === p.id && localDay(e.occurredAt) <= to,
    ))
      returned += r.amount === undefined ? cents(p.amount!) : cents(r.amount);
    const net = cents(p.amount!) - returned;
    if (net > 0) out.push({ account: p.account, day: localDay(p.occurredAt), net });
  }
  return out;
}

function expectedOrders(from: string, to: string, accounts?: string[]) {
  const all = ordersUpTo(to).filter((o) => !accounts || accounts.includes(o.account));
  const inPeriod = all.filter((o) => o.day >= from);
  const perAccount = new Map<string, number>();
  for (const o of inPeriod) perAccount.set(o.account, (perAccount.get(o.account) ?? 0) + 1);
  const revenue = inPeriod.reduce((s, o) => s + o.net, 0);
  const active = perAccount.size;
  const repeat = [...perAccount.values()].filter((n) => n >= 2).length;
  const lifetime = new Map<string, number>();
  for (const o of all) lifetime.set(o.account, (lifetime.get(o.account) ?? 0) + o.net);
  return {
    activeAccounts: active,
    orders: inPeriod.length,
    netRevenue: eur(revenue),
    repeatCustomers: repeat,
    repeatCustomerRate: active ? r4(repeat / active) : null,
    purchaseFrequency: active ? r4(inPeriod.length / active) : null,
    averageOrderValue: inPeriod.length ? eur(revenue / inPeriod.length) : null,
    clvCustomers: lifetime.size,
    clvHistorical: lifetime.size
      ? eur([...lifetime.values()].reduce((s, x) => s + x, 0) / lifetime.size)
      : null,
    all,
  };
}

/** Accounts with an order in each month. */
function monthly(orders: Order[]) {
  const m = new Map<string, Set<string>>();
  for (const o of orders) {
    const k = o.day.slice(0, 7);
    if (!m.has(k)) m.set(k, new Set());
    m.get(k)!.add(o.account);
  }
  return m;
}

let p: Program;

beforeAll(async () => {
  p = await newProgram(api, { ledger: { costPerPoint: '0.005' } });
  await p.account('ACME', { segment: 'retail', country: 'NL' });
  await p.account('BETA', { segment: 'hospitality', country: 'DE' });
  await p.account('CARGO', { segment: 'retail', country: 'NL' });
  await p.account('DORMANT', { segment: 'retail', country: 'BE' });
  for (const e of HISTORY) {
    await p.ingested({
      id: e.id,
      type: e.type,
      account: e.account,
      occurredAt: e.occurredAt,
      ...(e.amount && { amount: e.amount, currency: 'EUR' }),
      ...(e.original && { references: { originalEventId: e.original } }),
    });
  }
});

const report = async (query: string) => {
  const r = await p.send(p.read, { method: 'GET', url: `/v1/reports/kpis?${query}` });
  expect(r.statusCode, r.body).toBe(200);
  return json(r);
};

describe('order KPIs', () => {
  it('match the figures computed from the events, returns and time-zone edges included', async () => {
    const body = await report('from=2026-02-01&to=2026-03-31');
    const want = expectedOrders('2026-02-01', '2026-03-31');
    expect(body).toMatchObject({ from: '2026-02-01', to: '2026-03-31', timeZone: ZONE, currency: 'EUR' });
    const k = body.kpis;
    expect({
      activeAccounts: k.activeAccounts,
      orders: k.orders,
      netRevenue: k.netRevenue,
      repeatCustomers: k.repeatCustomers,
      repeatCustomerRate: k.repeatCustomerRate,
      purchaseFrequency: k.purchaseFrequency,
      averageOrderValue: k.averageOrderValue,
      clvCustomers: k.clv.customers,
      clvHistorical: k.clv.historicalAverage,
    }).toEqual({
      ...want,
      all: undefined,
      clvCustomers: want.clvCustomers,
      clvHistorical: want.clvHistorical,
    });
    // Spelled out once, so the model above is checked too: ACME a2 a3 a4, BETA b2 (b1 returned, b3 in
    // April locally), CARGO c1 is 1 February locally and c2 is 20.00 after its return.
    expect(k.orders).toBe(6);
    expect(k.netRevenue).toBe('365.50');
    // `fidelis report kpis` prints the same figures, from the same service.
    const text = printKpis(await api.services.insight.kpis(p.id, { from: '2026-02-01', to: '2026-03-31' }));
    expect(text).toContain('net revenue            365.50 EUR');
    expect(text).toContain(`repeat-customer rate   ${(want.repeatCustomerRate! * 100).toFixed(2)}%`);
    expect(text).toContain(`average order value    ${want.averageOrderValue} EUR`);
  });

  it('retention per month: of those who ordered the month before, who ordered again', async () => {
    const body = await report('from=2026-02-01&to=2026-03-31');
    const active = monthly(ordersUpTo('2026-03-31'));
    const months = ['2026-02', '2026-03'].map((m, i) => {
      const prev = active.get(['2026-01', '2026-02'][i]!) ?? new Set();
      const now = active.get(m) ?? new Set();
      const retained = [...prev].filter((a) => now.has(a)).length;
      const rate = prev.size ? r4(retained / prev.size) : null;
      return {
        month: m,
        previous: prev.size,
        retained,
        retentionRate: rate,
        churnRate: rate === null ? null : r4(1 - rate),
      };
    });
    expect(body.kpis.retention.months).toEqual(months);
    const churns = months.map((m) => m.churnRate!).filter((c) => c !== null);
    const churn = r4(churns.reduce((s, c) => s + c, 0) / churns.length);
    expect(body.kpis.retention.averageChurnRate).toBe(churn);
    // Predicted CLV: monthly revenue per active account × expected lifetime (1 / churn, at most 120 months).
    const want = expectedOrders('2026-02-01', '2026-03-31');
    const lifetime = churn === 0 ? 120 : Math.min(120, 1 / churn);
    const days = 59; // February (28) + March (31)
    const perMonth = cents(want.netRevenue) / want.activeAccounts / (days / (365.2425 / 12));
    expect(body.kpis.clv.predicted).toBe(eur(perMonth * lifetime));
  });

  it('an empty period answers zeros and nulls, not errors', async () => {
    const body = await report('from=2025-01-01&to=2025-01-31');
    expect(body.kpis).toMatchObject({
      activeAccounts: 0,
      orders: 0,
      netRevenue: '0.00',
      repeatCustomerRate: null,
      purchaseFrequency: null,
      averageOrderValue: null,
      clv: { customers: 0, historicalAverage: null, predicted: null },
      points: { issued: 0, outstanding: 0, redemptionRate: null },
      liability: [],
    });
  });

  it('one purchase: one active account, no repeat, its value as the average', async () => {
    const body = await report('from=2026-01-10&to=2026-01-10');
    expect(body.kpis).toMatchObject({
      activeAccounts: 1,
      orders: 1,
      netRevenue: '100.00',
      repeatCustomers: 0,
      repeatCustomerRate: 0,
      purchaseFrequency: 1,
      averageOrderValue: '100.00',
    });
  });

  it('the 23:30 local purchase is on the 31st, the 00:30 one on the 1st', async () => {
    const march31 = await report('from=2026-03-31&to=2026-03-31');
    expect(march31.kpis).toMatchObject({ orders: 1, netRevenue: '40.00' });
    const april1 = await report('from=2026-04-01&to=2026-04-01');
    expect(april1.kpis).toMatchObject({ orders: 1, netRevenue: '70.00' });
    const jan31 = await report('from=2026-01-31&to=2026-01-31');
    expect(jan31.kpis.orders).toBe(0);
  });

  it('a return after the period does not change it; the return cancels the order from its day on', async () => {
    const before = await report('from=2026-02-20&to=2026-02-24');
    expect(before.kpis).toMatchObject({ orders: 1, netRevenue: '80.00' });
    const after = await report('from=2026-02-20&to=2026-02-25');
    expect(after.kpis).toMatchObject({ orders: 0, netRevenue: '0.00', activeAccounts: 0 });
  });

  it('breaks down by segment and by country with the same figures per group', async () => {
    const bySegment = await report('from=2026-02-01&to=2026-03-31&breakdown=segment');
    expect(bySegment.breakdown.dimension).toBe('segment');
    const groups = Object.fromEntries(
      bySegment.breakdown.groups.map((g: { key: string; kpis: object }) => [g.key, g.kpis]),
    );
    for (const [segment, members] of [
      ['retail', ['ACME', 'CARGO', 'DORMANT']],
      ['hospitality', ['BETA']],
    ] as const) {
      const want = expectedOrders('2026-02-01', '2026-03-31', [...members]);
      expect(groups[segment]).toMatchObject({
        orders: want.orders,
        netRevenue: want.netRevenue,
        activeAccounts: want.activeAccounts,
        repeatCustomers: want.repeatCustomers,
      });
    }
    const byCountry = await report('from=2026-02-01&to=2026-03-31&breakdown=country');
    expect(byCountry.breakdown.groups.map((g: { key: string }) => g.key)).toEqual(['DE', 'NL']);
  });

  it('tier and plan breakdowns put accounts without a tier or plan under none', async () => {
    const want = expectedOrders('2026-02-01', '2026-03-31');
    for (const dimension of ['tier', 'plan']) {
      const body = await report(`from=2026-02-01&to=2026-03-31&breakdown=${dimension}`);
      expect(body.breakdown.groups.map((g: { key: string }) => g.key)).toEqual(['none']);
      expect(body.breakdown.groups[0].kpis).toMatchObject({
        orders: want.orders,
        netRevenue: want.netRevenue,
      });
    }
  });

  it('cohorts: accounts by first-order month, the share with an order each later month', async () => {
    const r = await p.send(p.read, {
      method: 'GET',
      url: '/v1/reports/cohorts?from=2026-01-01&to=2026-03-31',
    });
    expect(r.statusCode, r.body).toBe(200);
    const orders = ordersUpTo('2026-03-31');
    const active = monthly(orders);
    const first = new Map<string, string>();
    for (const o of [...orders].sort((a, b) => (a.day < b.day ? -1 : 1)))
      if (!first.has(o.account)) first.set(o.account, o.day.slice(0, 7));
    const expected = ['2026-01', '2026-02', '2026-03']
      .map((cohort) => {
        const members = [...first].filter(([, m]) => m === cohort).map(([a]) => a);
        const later = ['2026-01', '2026-02', '2026-03'].filter((m) => m >= cohort);
        return {
          cohort,
          size: members.length,
          retention: later.map((month, offset) => {
            const n = members.filter((a) => active.get(month)?.has(a)).length;
            return { offset, month, active: n, rate: r4(n / members.length) };
          }),
        };
      })
      .filter((c) => c.size > 0);
    expect(json(r).cohorts).toEqual(expected);
    expect(expected.map((c) => c.cohort)).toEqual(['2026-01', '2026-02', '2026-03']);
    const text = printCohorts(
      await api.services.insight.cohorts(p.id, { from: '2026-01-01', to: '2026-03-31' }),
    );
    expect(text.split('\n')).toHaveLength(1 + expected.length);

    // The same table as CSV (GET /v1/exports/cohorts): a row per cohort, its share active each month.
    const csv = await p.send(p.read, {
      method: 'GET',
      url: '/v1/exports/cohorts?from=2026-01-01&to=2026-03-31',
    });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trim().split('\n')).toEqual([
      'cohort,size,month0,month1,month2',
      ...expected.map((c) => [c.cohort, c.size, ...c.retention.map((x) => x.rate)].join(',')),
    ]);
  });

  it("the KPI table as CSV has the report's figures: the program, then each group", async () => {
    const body = await report('from=2026-02-01&to=2026-03-31&breakdown=segment');
    const r = await p.send(p.read, {
      method: 'GET',
      url: '/v1/exports/kpis?from=2026-02-01&to=2026-03-31&breakdown=segment',
    });
    expect(r.statusCode, r.body).toBe(200);
    const rows = parse(r.body, { columns: true }) as Array<Record<string, string>>;
    const cell = (x: unknown) => (x === null ? '' : String(x));
    const expectRow = (row: Record<string, string>, k: typeof body.kpis) =>
      expect(row).toMatchObject({
        activeAccounts: cell(k.activeAccounts),
        orders: cell(k.orders),
        netRevenue: k.netRevenue,
        repeatCustomerRate: cell(k.repeatCustomerRate),
        averageOrderValue: cell(k.averageOrderValue),
        clvPredicted: cell(k.clv.predicted),
        pointsOutstanding: cell(k.points.outstanding),
        programCost: cell(k.programCost.cost.total),
      });
    expect(rows.map((x) => [x.dimension, x.group])).toEqual([
      ['all', 'all'],
      ...body.breakdown.groups.map((g: { key: string }) => ['segment', g.key]),
    ]);
    expectRow(rows[0]!, body.kpis);
    for (const [i, g] of (body.breakdown.groups as Array<{ kpis: typeof body.kpis }>).entries())
      expectRow(rows[i + 1]!, g.kpis);
    const bad = await p.send(p.read, { method: 'GET', url: '/v1/exports/kpis?breakdown=colour' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('points and liability', () => {
  it('roll forward: opening + issued − redeemed − expired − adjusted = closing, equal to the ledger', async () => {
    const q = await newProgram(api, { ledger: { costPerPoint: '0.005' } });
    await q.account('ACME');
    await q.account('BETA');
    const credit = async (account: string, amount: number, effectiveAt: string) => {
      const r = await q.send(q.write, {
        method: 'POST',
        url: '/v1/ledger/credits',
        headers: { 'idempotency-key': `c-${account}-${amount}-${effectiveAt}` },
        payload: { account, amount, reasonCode: 'bonus', explanation: 'test', effectiveAt },
      });
      expect(r.statusCode, r.body).toBe(201);
    };
    await credit('ACME', 1000, '2025-12-15T10:00:00Z'); // before the period: opening
    await credit('ACME', 400, '2026-01-10T10:00:00Z');
    await credit('BETA', 601, '2026-02-10T10:00:00Z');
    // Debits and adjustments happen now (after 2026-02); the period runs to today.
    const debit = await q.send(q.write, {
      method: 'POST',
      url: '/v1/ledger/debits',
      headers: { 'idempotency-key': 'd-1' },
      payload: { account: 'ACME', amount: 300, type: 'redeem', reasonCode: 'gift', explanation: 'gift card' },
    });
    expect(debit.statusCode, debit.body).toBe(201);
    const adjust = await q.send(q.admin, {
      method: 'POST',
      url: '/v1/ledger/adjustments',
      headers: { 'idempotency-key': 'a-1' },
      payload: { account: 'BETA', amount: -51, reasonCode: 'correction', explanation: 'typo' },
    });
    expect(adjust.statusCode, adjust.body).toBe(201);

    const today = localDay(new Date().toISOString());
    const r = await q.send(q.read, { method: 'GET', url: `/v1/reports/kpis?from=2026-01-01&to=${today}` });
    expect(r.statusCode, r.body).toBe(200);
    const { points, liability } = json(r).kpis;
    const opening = 1000;
    const issued = 400 + 601;
    const redeemed = 300;
    const adjusted = 51;
    const closing = opening + issued - redeemed - adjusted;
    expect(liability).toEqual([
      {
        unit: 'points',
        opening,
        issued,
        redeemed,
        expired: 0,
        adjusted,
        closing,
        value: {
          currency: 'EUR',
          opening: '5.000',
          issued: '5.005',
          redeemed: '1.500',
          expired: '0.000',
          adjusted: '0.255',
          closing: '8.250',
        },
      },
    ]);
    expect(points).toMatchObject({
      issued,
      redeemed,
      outstanding: closing,
      issuedToDate: 2001,
      redeemedToDate: 300,
      expiredToDate: 0,
      redemptionRate: r4(300 / 2001),
      breakage: { actualRate: 0, estimatedRate: 0, estimatedPoints: 0 },
    });
    // The closing balance is what the ledger says the members hold.
    const wallets = await Promise.all(['ACME', 'BETA'].map((a) => q.wallet(a, 'points')));
    expect(wallets.reduce((s, w) => s + (w?.net ?? 0), 0)).toBe(closing);
    const liabilityReport = await q.send(q.read, { method: 'GET', url: '/v1/reports/liability' });
    expect(json(liabilityReport).units.find((u: { unit: string }) => u.unit === 'points').outstanding).toBe(
      closing,
    );

    // A period before the debits: nothing redeemed yet, closing = opening + issued.
    const early = await q.send(q.read, {
      method: 'GET',
      url: '/v1/reports/kpis?from=2026-01-01&to=2026-02-28',
    });
    expect(json(early).kpis.liability[0]).toMatchObject({
      opening: 1000,
      issued: 1001,
      redeemed: 0,
      closing: 2001,
    });
  });
});

describe('program cost and ROI', () => {
  it('costs points at the cost per point, cashback and commissions as credited, operating cost by the month', async () => {
    const q = await newProgram(api, {
      ledger: { costPerPoint: '0.01' },
      insight: {
        roi: { grossMargin: '0.4', incrementalRevenueShare: '0.1', operatingCostPerMonth: '100.00' },
      },
    });
    await q.account('ACME', { segment: 'retail' });
    await q.account('BETA', { segment: 'hotel' });
    for (const [id, account, occurredAt, amount] of [
      ['r1', 'ACME', '2026-01-10T10:00:00Z', '1000.00'],
      ['r2', 'BETA', '2026-02-10T10:00:00Z', '500.00'],
    ] as const)
      await q.ingested({ id, type: 'purchase', account, occurredAt, amount, currency: 'EUR' });
    const credit = async (
      account: string,
      amount: number,
      unit: string,
      reasonCode: string,
      effectiveAt: string,
    ) => {
      const r = await q.send(q.write, {
        method: 'POST',
        url: '/v1/ledger/credits',
        headers: { 'idempotency-key': `roi-${account}-${unit}-${reasonCode}-${effectiveAt}` },
        payload: { account, amount, unit, reasonCode, explanation: 'roi test', effectiveAt },
      });
      expect(r.statusCode, r.body).toBe(201);
    };
    await credit('ACME', 1000, 'points', 'purchase', '2026-01-10T10:00:00Z');
    await credit('BETA', 500, 'points', 'purchase', '2026-02-10T10:00:00Z');
    await credit('ACME', 2000, 'EUR', 'cashback', '2026-01-10T10:00:00Z');
    await credit('BETA', 1500, 'EUR', 'commission', '2026-02-11T10:00:00Z');
    await credit('BETA', 999, 'points', 'purchase', '2026-04-02T10:00:00Z'); // after the period

    const r = await q.send(q.read, {
      method: 'GET',
      url: '/v1/reports/kpis?from=2026-01-01&to=2026-03-31&breakdown=segment',
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r);
    // Computed here: 90 days are 90 ÷ (365.2425 ÷ 12) months.
    const operating = Math.round(((100 * 90) / (365.2425 / 12)) * 100) / 100;
    const points = 1500 * 0.01;
    const total = points + 20 + 15 + operating;
    const profit = 1500 * 0.1 * 0.4;
    expect(body.kpis.programCost).toMatchObject({
      currency: 'EUR',
      cost: {
        points: '15.00',
        expectedBreakage: '0.00',
        cashback: '20.00',
        commissions: '15.00',
        operating: operating.toFixed(2),
        total: total.toFixed(2),
      },
      netRevenue: '1500.00',
      incrementalRevenue: '150.00',
      incrementalGrossProfit: '60.00',
      roi: Math.round(((profit - total) / total) * 10_000) / 10_000,
    });
    expect(body.kpis.programCost.assumptions.join(' ')).toContain('10.00% of net revenue');
    const group = (key: string) =>
      body.breakdown.groups.find((g: { key: string }) => g.key === key).kpis.programCost;
    expect(group('retail')).toMatchObject({
      cost: { points: '10.00', cashback: '20.00', commissions: '0.00', operating: null, total: '30.00' },
      incrementalGrossProfit: '40.00',
      roi: Math.round(((40 - 30) / 30) * 10_000) / 10_000,
    });
    expect(group('hotel').cost).toMatchObject({ points: '5.00', commissions: '15.00', total: '20.00' });
    const text = printKpis(await api.services.insight.kpis(q.id, { from: '2026-01-01', to: '2026-03-31' }));
    expect(text).toContain(`program cost           ${total.toFixed(2)} EUR (points 15.00,`);
    expect(text).toContain('incremental revenue    150.00 EUR (gross profit 60.00)');

    // Without the assumptions, the cost is still there and the return is not guessed.
    const bare = await newProgram(api);
    await bare.account('ONE');
    const empty = json(
      await bare.send(bare.read, { method: 'GET', url: '/v1/reports/kpis?from=2026-01-01&to=2026-03-31' }),
    );
    expect(empty.kpis.programCost).toMatchObject({
      cost: { total: '0.00', operating: null },
      incrementalRevenue: null,
      roi: null,
    });

    // A share above 1 is refused at its field.
    const bad = await q.send(q.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { insight: { roi: { grossMargin: '1.5' } } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(json(bad).errors)).toContain('grossMargin');
  });
});
