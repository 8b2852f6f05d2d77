// Plan conditions: a bad condition (unknown ladder or tier, missing or foreign fields) is refused
// naming the field, and no plan is made; another program's ladder is unknown here.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, type TierProgram, tierProgram } from '../tiers/helpers.ts';

let api: TestApi;
let p: TierProgram;
let other: TierProgram;
let ladder: string;
let foreignLadder: string;

const doc = {
  name: 'L',
  metric: 'qualifying_spend',
  window: { kind: 'rolling_months', months: 12 },
  tiers: [
    { code: 'silver', name: 'Silver', threshold: '0' },
    { code: 'gold', name: 'Gold', threshold: '1000' },
  ],
};

beforeAll(async () => {
  api = await testApi();
  p = await tierProgram(api);
  other = await tierProgram(api);
  ladder = await p.ladder(doc);
  foreignLadder = await other.ladder(doc);
}, 300_000);

const base = {
  name: 'P',
  fee: { amount: '1.00', currency: 'EUR' },
  term: { months: 12 },
  renewal: 'auto',
  joining: 'contract',
};

describe('plan condition refusals', () => {
  it('names the field at fault and makes no plan', async () => {
    const cases: Array<[object, string]> = [
      [{ kind: 'tier', ladder, tiers: ['platinum'] }, '/body/condition/tiers/0'],
      [{ kind: 'tier', ladder: 'tld_nope', tiers: ['gold'] }, '/body/condition/ladder'],
      [{ kind: 'tier', ladder: foreignLadder, tiers: ['gold'] }, '/body/condition/ladder'],
      [{ kind: 'tier', tiers: ['gold'] }, '/body/condition/ladder'],
      [{ kind: 'min_spend', months: 3 }, '/body/condition/amount'],
      [{ kind: 'min_spend', amount: '-5', months: 3 }, '/body/condition/amount'],
      [{ kind: 'min_spend', amount: '5', months: 3, tiers: ['gold'] }, '/body/condition/tiers'],
      [{ kind: 'min_spend', amount: '5', months: 0 }, '/body/condition/months'],
      [{ kind: 'age', amount: '5' }, '/body/condition/kind'],
    ];
    for (const [condition, pointer] of cases) {
      const r = await p.send(p.admin, {
        method: 'POST',
        url: '/v1/membership-plans',
        payload: { ...base, condition },
      });
      expect(r.statusCode, `${JSON.stringify(condition)} ${r.body}`).toBe(400);
      expect(json(r).code).toBe('validation_failed');
      expect(JSON.stringify(json(r).errors)).toContain(pointer);
    }
    const plans = await p.send(p.read, { method: 'GET', url: '/v1/membership-plans' });
    expect(json(plans).data).toEqual([]);
  });

  it('refuses a bad condition on a change and keeps the plan as it was', async () => {
    const made = await p.send(p.admin, { method: 'POST', url: '/v1/membership-plans', payload: base });
    expect(made.statusCode, made.body).toBe(201);
    const r = await p.send(p.admin, {
      method: 'PATCH',
      url: `/v1/membership-plans/${json(made).id}`,
      payload: { condition: { kind: 'tier', ladder, tiers: ['bronze'] } },
    });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(json(r).errors)).toContain('/body/condition/tiers/0');
    const read = await p.send(p.read, { method: 'GET', url: `/v1/membership-plans/${json(made).id}` });
    expect(json(read)).toMatchObject({ version: 1, condition: null });
  });

  it('needs the admin scope to set a condition', async () => {
    const r = await p.send(p.write, {
      method: 'POST',
      url: '/v1/membership-plans',
      payload: { ...base, condition: { kind: 'min_spend', amount: '1', months: 1 } },
    });
    expect(r.statusCode).toBe(403);
  });
});
