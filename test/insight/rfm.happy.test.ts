// RFM through the API: scores recomputed here from the orders the test sends (quintiles, segments,
// churn risk), refreshed by the due run once per local day or on demand, read per account and per segment.
import { beforeAll, describe, expect, it } from 'vitest';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;
const ids = new Map<string, string>();

/** Orders per account as local (Amsterdam) dates; each is sent at 10:00 UTC that day. */
const ORDERS: Record<string, string[]> = {
  A1: ['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05', '2026-05-05', '2026-06-29'],
  A2: ['2026-06-20'],
  A3: ['2026-01-10', '2026-01-20', '2026-01-30'],
  A4: ['2025-03-01', '2026-03-01'],
  A5: ['2026-05-01', '2026-06-01', '2026-06-28'],
};
const AS_OF = '2026-06-30';
const AMOUNT = (account: string, i: number) => 100 + 10 * i + account.charCodeAt(1);

const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
/** Independent quintile: 1 + floor(5 × (how many are strictly worse) / n). */
const score = (mine: number, all: number[], better: (x: number, y: number) => boolean) =>
  1 + Math.floor((5 * all.filter((o) => better(mine, o)).length) / all.length);

/** The segment grid of docs/metrics.md, written out. */
function segment(r: number, f: number, orders: number): string {
  if (r >= 4 && f >= 4) return 'champions';
  if (r >= 4 && orders === 1) return 'new';
  if (r >= 4) return 'promising';
  if (r === 3 && f >= 4) return 'loyal';
  if (r === 3) return 'needs_attention';
  if (f >= 3) return 'at_risk';
  if (r === 2) return 'hibernating';
  return 'lost';
}

function expected() {
  const accounts = Object.keys(ORDERS);
  const windowStart = new Date(Date.parse(AS_OF) - 364 * 86_400_000).toISOString().slice(0, 10);
  const facts = accounts.map((a) => {
    const list = ORDERS[a]!;
    const last = list[list.length - 1]!;
    const inWindow = list.map((d, i) => ({ d, amount: AMOUNT(a, i) })).filter((o) => o.d >= windowStart);
    return {
      a,
      recency: days(last, AS_OF),
      frequency: inWindow.length,
      monetary: inWindow.reduce((s, o) => s + o.amount * 100, 0),
      orders: list.length,
      rhythm: list.length > 1 ? days(list[0]!, last) / (list.length - 1) : null,
    };
  });
  const rhythms = facts.flatMap((f) => (f.rhythm ? [f.rhythm] : [])).sort((x, y) => x - y);
  const mid = rhythms.length >> 1;
  const usual = rhythms.length % 2 ? rhythms[mid]! : (rhythms[mid - 1]! + rhythms[mid]!) / 2;
  return Object.fromEntries(
    facts.map((f) => {
      const r = score(
        f.recency,
        facts.map((x) => x.recency),
        (me, o) => o > me,
      );
      const fr = score(
        f.frequency,
        facts.map((x) => x.frequency),
        (me, o) => o < me,
      );
      const m = score(
        f.monetary,
        facts.map((x) => x.monetary),
        (me, o) => o < me,
      );
      return [
        f.a,
        {
          scores: { r, f: fr, m, rfm: `${r}${fr}${m}` },
          recencyDays: f.recency,
          frequency: f.frequency,
          monetaryMinor: f.monetary,
          ordersToDate: f.orders,
          churnRisk: f.recency > 2 * (f.rhythm ?? usual),
          segment: segment(r, fr, f.orders),
        },
      ];
    }),
  );
}

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  for (const a of [...Object.keys(ORDERS), 'NONE']) ids.set(a, await p.account(a));
  for (const [a, list] of Object.entries(ORDERS))
    for (const [i, d] of list.entries())
      await p.ingested({
        id: `${a}-${i}`,
        type: 'purchase',
        account: a,
        occurredAt: `${d}T10:00:00Z`,
        amount: `${AMOUNT(a, i)}.00`,
        currency: 'EUR',
      });
});

const run = async (body: object) => {
  const r = await p.send(p.admin, { method: 'POST', url: '/v1/insight/due-runs', payload: body });
  expect(r.statusCode, r.body).toBe(200);
  return json(r).rfm;
};
const rfm = async (account: string) => {
  const r = await p.send(p.read, { method: 'GET', url: `/v1/accounts/${account}/rfm` });
  expect(r.statusCode, r.body).toBe(200);
  return json(r);
};

describe('RFM scores', () => {
  it('before any refresh an account has no segment', async () => {
    expect(await rfm('A1')).toMatchObject({ segment: null, scores: null, asOf: null });
  });

  it('the due run scores every account with an order, as computed here', async () => {
    expect(await run({ asOf: `${AS_OF}T12:00:00Z` })).toEqual({ asOf: AS_OF, refreshed: true, accounts: 5 });
    const want = expected();
    for (const a of Object.keys(ORDERS)) expect(await rfm(a), a).toMatchObject({ asOf: AS_OF, ...want[a] });
    // A few named, so the model above is checked too.
    expect((await rfm('A1')).segment).toBe('champions');
    expect((await rfm('A3')).churnRisk).toBe(true);
    expect(await rfm('NONE')).toMatchObject({ segment: null, ordersToDate: 0 });
  });

  it('the same day is not scored twice unless forced', async () => {
    expect(await run({ asOf: `${AS_OF}T20:00:00Z` })).toMatchObject({ refreshed: false });
    expect(await run({ asOf: `${AS_OF}T20:00:00Z`, force: true })).toMatchObject({
      refreshed: true,
      accounts: 5,
    });
  });

  it('the summary counts accounts per segment and the list filters by segment', async () => {
    const want = expected();
    const r = await p.send(p.read, { method: 'GET', url: '/v1/reports/rfm' });
    const summary = json(r);
    expect(summary.asOf).toBe(AS_OF);
    expect(summary.segments.reduce((s: number, x: { accounts: number }) => s + x.accounts, 0)).toBe(5);
    const churning = Object.values(want).filter((w) => w.churnRisk).length;
    expect(summary.segments.reduce((s: number, x: { churnRisk: number }) => s + x.churnRisk, 0)).toBe(
      churning,
    );
    const list = await p.send(p.read, { method: 'GET', url: '/v1/rfm-scores?segment=champions&limit=10' });
    expect(list.statusCode, list.body).toBe(200);
    const champions = Object.keys(want).filter((a) => want[a]!.segment === 'champions');
    expect(champions.length).toBeGreaterThan(0);
    expect(
      json(list)
        .data.map((x: { accountId: string }) => x.accountId)
        .sort(),
    ).toEqual(champions.map((a) => ids.get(a)).sort());
  });

  it('a later refresh follows new orders', async () => {
    await p.ingested({
      id: 'A3-late',
      type: 'purchase',
      account: 'A3',
      occurredAt: '2026-07-01T10:00:00Z',
      amount: '50.00',
      currency: 'EUR',
    });
    await run({ asOf: '2026-07-02T10:00:00Z' });
    expect(await rfm('A3')).toMatchObject({
      asOf: '2026-07-02',
      recencyDays: 1,
      churnRisk: false,
      ordersToDate: 4,
    });
  });
});

describe('RFM in rules, reward eligibility, challenge audiences and the export', () => {
  it('a backtest of a draft rule on the segment uses the scores too (the live rules need not mention them)', async () => {
    const segments = new Map<string, string>();
    for (const a of Object.keys(ORDERS)) segments.set(a, (await rfm(a)).segment);
    const target = segments.get('A5')!;
    const r = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/rules/backtests',
      payload: {
        from: '2026-01-01T00:00:00Z',
        to: '2026-07-01T00:00:00Z',
        rules: [
          {
            name: 'Segment point',
            trigger: { types: ['purchase'] },
            condition: `account.rfm.segment == '${target}'`,
            effects: [{ kind: 'fixed', points: 1 }],
          },
        ],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    const orders = Object.entries(ORDERS).flatMap(([a, list]) =>
      list.filter((d) => d >= '2026-01-01' && d < '2026-07-01' && segments.get(a) === target),
    );
    expect(orders.length).toBeGreaterThan(0);
    expect(json(r).proposed.points).toBe(orders.length);
  });

  it("a rule's condition reads the account's segment and scores as of the last refresh", async () => {
    const a1 = await rfm('A1');
    const a2 = await rfm('A2');
    expect(a1.segment).not.toBe(a2.segment);
    await p.rule(
      {
        name: 'Segment bonus',
        trigger: { types: ['purchase'] },
        condition: `account.rfm.segment == '${a1.segment}' && account.rfm.r == ${a1.scores.r}`,
        effects: [{ kind: 'fixed', points: 50 }],
      },
      '2026-07-01T00:00:00Z',
    );
    await p.rule(
      {
        name: 'First-timer welcome',
        trigger: { types: ['purchase'] },
        condition: '!account.rfm.scored',
        effects: [{ kind: 'fixed', points: 7 }],
      },
      '2026-07-01T00:00:00Z',
    );
    const order = (id: string, account: string) =>
      p.ingested({
        id,
        type: 'purchase',
        account,
        occurredAt: '2026-07-03T10:00:00Z',
        amount: '10.00',
        currency: 'EUR',
      });
    expect((await order('rfm-1', 'A1')).result.totals.points).toBe(50);
    expect((await order('rfm-2', 'A2')).result.totals.points).toBe(0);
    expect((await order('rfm-3', 'NONE')).result.totals.points).toBe(7);
  });

  it('a reward can be only for some RFM segments, with the reason shown to the others', async () => {
    const a1 = await rfm('A1');
    const created = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Thank-you hamper',
        price: { amount: 1, unit: 'points' },
        stock: { kind: 'unlimited' },
        eligibility: { rfmSegments: [a1.segment] },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const seen = async (account: string) =>
      (
        json(await p.send(p.read, { method: 'GET', url: `/v1/rewards?account=${account}` })).data as Array<{
          id: string;
          redeemable: { ok: boolean; reasons: string[] };
        }>
      ).find((r) => r.id === json(created).id)!.redeemable;
    expect(await seen('A1')).toMatchObject({ ok: true, reasons: [] });
    const a2 = await seen('A2');
    expect(a2.ok).toBe(false);
    expect(a2.reasons.join(' ')).toContain(a1.segment.replaceAll('_', ' '));
    const bad = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Nope',
        price: { amount: 1, unit: 'points' },
        stock: { kind: 'unlimited' },
        eligibility: { rfmSegments: ['whales'] },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(json(bad).errors)).toContain('/body/eligibility/rfmSegments/0');
  });

  it('a challenge audience can name RFM segments', async () => {
    const a1 = await rfm('A1');
    const created = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        code: 'rfm-only',
        name: 'Segment challenge',
        goals: [{ metric: 'count', eventTypes: ['purchase'], target: '2', label: 'Order twice' }],
        window: { kind: 'calendar', period: 'quarter' },
        startsAt: '2026-07-01T00:00:00+02:00',
        audience: { condition: `account.rfm.segment == '${a1.segment}'` },
        reward: { points: 5 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const progress = async (account: string) =>
      p.send(p.read, { method: 'GET', url: `/v1/accounts/${account}/challenges?asOf=2026-07-10T00:00:00Z` });
    const mine = json(await progress('A1')).data.map((c: { challenge: string }) => c.challenge);
    const theirs = json(await progress('A2')).data.map((c: { challenge: string }) => c.challenge);
    expect(mine).toContain('rfm-only');
    expect(theirs).not.toContain('rfm-only');
  });

  it('exports the scores of the last refresh, as the API reads them', async () => {
    const r = await p.send(p.read, { method: 'GET', url: '/v1/exports/rfm-scores' });
    expect(r.statusCode, r.body).toBe(200);
    const [header, ...lines] = r.body.trim().split('\n');
    expect(header).toBe(
      'accountId,asOf,segment,r,f,m,recencyDays,lastOrderDay,frequency,monetaryMinor,ordersToDate,rhythmDays,churnRisk',
    );
    expect(lines).toHaveLength(5);
    for (const a of Object.keys(ORDERS)) {
      const api_ = await rfm(a);
      const line = lines.find((l) => l.startsWith(`${ids.get(a)},`))!.split(',');
      expect([line[2], line[3], line[4], line[5], line[12]], a).toEqual([
        api_.segment,
        String(api_.scores.r),
        String(api_.scores.f),
        String(api_.scores.m),
        String(api_.churnRisk),
      ]);
    }
    const ranged = await p.send(p.read, { method: 'GET', url: '/v1/exports/rfm-scores?to=2026-07-01' });
    expect(ranged.statusCode).toBe(400);
    expect(json(ranged).errors[0].path).toBe('/query/to');
  });
});
