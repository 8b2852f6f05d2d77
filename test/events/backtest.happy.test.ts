// Backtests (issue 18): a draft rule set evaluated again over the stored events of a period, beside
// what they were awarded — in total, per segment, per tier and per draft rule — writing nothing.
// Expected figures are computed here from the events sent, not by the service's own code.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, newProgram, type Program } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const purchase = (id: string, account: string, occurredAt: string, amount: string) => ({
  id,
  type: 'purchase',
  account,
  occurredAt,
  amount,
  currency: 'EUR',
});

describe('a backtest of draft rules over stored events', () => {
  let p: Program;
  const sent: Array<{ account: string; at: string; euros: number }> = [];

  beforeAll(async () => {
    p = await newProgram(api, { ledger: { costPerPoint: '0.02' } });
    await p.account('RETAIL', { segment: 'retail' });
    await p.account('HOTEL', { segment: 'hospitality' });
    await p.rule({
      name: 'One point per euro',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const plan: Array<[string, string, string, number]> = [
      ['b1', 'RETAIL', '2026-03-01T10:00:00Z', 100],
      ['b2', 'RETAIL', '2026-03-15T10:00:00Z', 250],
      ['b3', 'HOTEL', '2026-03-20T10:00:00Z', 40],
      ['b4', 'HOTEL', '2026-04-02T10:00:00Z', 999], // outside the period
    ];
    for (const [id, account, at, euros] of plan) {
      await p.ingested(purchase(id, account, at, `${euros}.00`));
      sent.push({ account, at, euros });
    }
    // A return inside the period is left out of the backtest.
    await p.ingested({
      id: 'r1',
      type: 'return',
      account: 'RETAIL',
      occurredAt: '2026-03-16T10:00:00Z',
      amount: '50.00',
      currency: 'EUR',
      references: { originalEventId: 'b2' },
    });
  });

  const backtest = (payload: object) =>
    p.send(p.read, { method: 'POST', url: '/v1/rules/backtests', payload });

  it('answers the draft beside what was awarded, per segment and per rule, and writes nothing', async () => {
    const before = await p.counts();
    const r = await backtest({
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      rules: [
        {
          name: 'Double points for hospitality',
          trigger: { types: ['purchase'] },
          condition: "account.segment == 'hospitality'",
          effects: [{ kind: 'per_amount', points: '2', per: '1' }],
        },
        {
          name: 'One point per euro',
          trigger: { types: ['purchase'] },
          condition: "account.segment != 'hospitality'",
          effects: [{ kind: 'per_amount', points: '1', per: '1' }],
        },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r);
    const inPeriod = sent.filter((e) => e.at >= '2026-03-01' && e.at < '2026-04-01');
    const actual = inPeriod.reduce((n, e) => n + e.euros, 0);
    const proposed = inPeriod.reduce((n, e) => n + (e.account === 'HOTEL' ? 2 : 1) * e.euros, 0);
    const cost = (points: number) => (points * 0.02).toFixed(2);
    expect(body).toMatchObject({
      mode: 'replace',
      baseCurrency: 'EUR',
      costPerPoint: '0.02',
      events: inPeriod.length,
      failed: 0,
      proposed: { points: proposed, cashback: 0, cost: cost(proposed) },
      actual: { points: actual, cashback: 0, cost: cost(actual) },
    });
    expect(body.bySegment).toEqual([
      {
        segment: 'hospitality',
        events: 1,
        proposed: { points: 80, cashback: 0, cost: cost(80) },
        actual: { points: 40, cashback: 0, cost: cost(40) },
      },
      {
        segment: 'retail',
        events: 2,
        proposed: { points: 350, cashback: 0, cost: cost(350) },
        actual: { points: 350, cashback: 0, cost: cost(350) },
      },
    ]);
    expect(body.byTier).toEqual([
      expect.objectContaining({
        tier: null,
        events: 3,
        proposed: expect.objectContaining({ points: proposed }),
      }),
    ]);
    expect(body.rules).toEqual([
      { ruleId: 'draft-1', name: 'Double points for hospitality', events: 1, points: 80, cashback: 0 },
      { ruleId: 'draft-2', name: 'One point per euro', events: 2, points: 350, cashback: 0 },
    ]);
    expect(await p.counts()).toEqual(before);
  });

  it('adds the drafts to the live rules with mode add', async () => {
    const r = await backtest({
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      mode: 'add',
      rules: [
        {
          name: 'Bonus 10 per order',
          trigger: { types: ['purchase'] },
          effects: [{ kind: 'fixed', points: 10 }],
        },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r)).toMatchObject({ events: 3, proposed: { points: 390 + 30 }, actual: { points: 390 } });
  });

  it('refuses a period that ends before it starts, and a draft that is not a rule, naming the field', async () => {
    const rule = { name: 'x', trigger: { types: ['purchase'] }, effects: [{ kind: 'fixed', points: 1 }] };
    const backwards = await backtest({
      from: '2026-04-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
      rules: [rule],
    });
    expect(backwards.statusCode).toBe(400);
    expect(json(backwards).errors).toEqual([{ path: '/body/to', message: 'must be after from' }]);
    const bad = await backtest({
      from: '2026-03-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      rules: [{ ...rule, condition: 'event.nope > 1' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(json(bad).code).toBe('rule_invalid');
    expect(JSON.stringify(json(bad).errors)).toContain('/body/rules/0');
    const none = await backtest({ from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z', rules: [] });
    expect(none.statusCode).toBe(400);
  });

  it('sees only its own program', async () => {
    const other = await newProgram(api);
    const r = await other.send(other.read, {
      method: 'POST',
      url: '/v1/rules/backtests',
      payload: {
        from: '2026-03-01T00:00:00Z',
        to: '2026-04-01T00:00:00Z',
        rules: [{ name: 'x', trigger: { types: ['purchase'] }, effects: [{ kind: 'fixed', points: 1 }] }],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r)).toMatchObject({ events: 0, proposed: { points: 0 }, actual: { points: 0 } });
    const anonymous = await api.app.inject({ method: 'POST', url: '/v1/rules/backtests', payload: {} });
    expect(anonymous.statusCode).toBe(401);
  });
});
