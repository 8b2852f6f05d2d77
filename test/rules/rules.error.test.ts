// Bad rule documents are refused with rule_invalid and a path into the request, and change nothing:
// the rule set stays as it was, a bad new version leaves the current one in force.
import { beforeAll, describe, expect, it } from 'vitest';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;

const POINTS_PER_EUR = {
  name: 'Per EUR',
  trigger: { types: ['purchase'] },
  effects: [{ kind: 'per_amount', points: '1', per: '1' }],
};

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  await p.rule(POINTS_PER_EUR);
});

describe('a bad rule is refused with rule_invalid and a path into the document', () => {
  const cases: Array<[string, object, string]> = [
    ['malformed CEL', { condition: 'event.amount >= ' }, '/body/document/condition'],
    ['a field that does not exist', { condition: 'event.colour == "red"' }, '/body/document/condition'],
    [
      'an account field that does not exist',
      { condition: 'account.vatNumber == "NL1"' },
      '/body/document/condition',
    ],
    ['a condition that is no true/false', { condition: 'event.amount + 1.0' }, '/body/document/condition'],
    [
      'a condition comparing a number with a string',
      { condition: 'event.amount == "100"' },
      '/body/document/condition',
    ],
    ['an unknown trigger type', { trigger: { types: ['teleport.used'] } }, '/body/document/trigger/types/0'],
    [
      'a rate of 0',
      { effects: [{ kind: 'per_amount', points: '0', per: '1' }] },
      '/body/document/effects/0/points',
    ],
    [
      'points and cashback in one rule',
      {
        effects: [
          { kind: 'fixed', points: 1 },
          { kind: 'percent', percent: '1', as: 'cashback' },
        ],
      },
      '/body/document/effects',
    ],
    [
      'validUntil before validFrom',
      { validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z' },
      '/body/document/validUntil',
    ],
    [
      'a cashback item rate in points',
      { effects: [{ kind: 'per_item', as: 'cashback', rates: [{ match: {}, pointsPerQuantity: 1 }] }] },
      '/body/document/effects/0/rates/0',
    ],
  ];
  for (const [what, change, path] of cases) {
    it(what, async () => {
      const before = json(await p.send(p.read, { method: 'GET', url: '/v1/rules' }));
      const res = await p.send(p.admin, {
        method: 'POST',
        url: '/v1/rules',
        payload: { document: { ...POINTS_PER_EUR, name: what, ...change } },
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(json(res).code).toBe('rule_invalid');
      expect(json(res).errors).toContainEqual(expect.objectContaining({ path }));
      expect(json(await p.send(p.read, { method: 'GET', url: '/v1/rules' }))).toEqual(before);
    });
  }

  it('refuses a bad new version and keeps the current one', async () => {
    const rule = await p.rule({
      ...POINTS_PER_EUR,
      name: 'Versioned',
      trigger: { types: ['survey.completed'] },
    });
    const res = await p.send(p.admin, {
      method: 'PUT',
      url: `/v1/rules/${rule.id}`,
      payload: { document: { ...POINTS_PER_EUR, condition: 'event.amount >=' } },
    });
    expect(res.statusCode).toBe(422);
    expect(json(res)).toMatchObject({ code: 'rule_invalid', errors: [{ path: '/body/document/condition' }] });
    const versions = json(await p.send(p.read, { method: 'GET', url: `/v1/rules/${rule.id}/versions` })).data;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1]);
    const missing = await p.send(p.admin, {
      method: 'PUT',
      url: '/v1/rules/rul_nothere',
      payload: { document: POINTS_PER_EUR },
    });
    expect(missing.statusCode).toBe(404);
    expect(json(missing).code).toBe('rule_not_found');
    for (const url of ['/v1/rules/rul_nothere', '/v1/rules/rul_nothere/versions'])
      expect(json(await p.send(p.read, { method: 'GET', url })).code).toBe('rule_not_found');
  });
});
