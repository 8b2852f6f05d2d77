// The members of a tier: GET /v1/tier-ladders/{id}/members?tier= lists the accounts on that tier now,
// paged in account order, with an override in force named; an unknown tier is refused at its field,
// another program's ladder is not found.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, type TierProgram, tierProgram } from './helpers.ts';

let api: TestApi;
let p: TierProgram;
let ladderId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await testApi();
  p = await tierProgram(api);
  ladderId = await p.ladder({
    name: 'Balance',
    metric: 'operator_value',
    window: { kind: 'calendar_year' },
    tiers: [
      { code: 'silver', name: 'Silver', threshold: '0' },
      { code: 'gold', name: 'Gold', threshold: '1000' },
    ],
  });
  for (const name of ['M1', 'M2', 'M3', 'M4']) ids[name] = await p.account(name);
  const sent = await p.send(p.write, {
    method: 'POST',
    url: `/v1/tier-ladders/${ladderId}/metric-values`,
    payload: {
      values: [
        { account: 'M1', value: '1500' },
        { account: 'M2', value: '10' },
        { account: 'M3', value: '2000' },
        { account: 'M4', value: '5' },
      ],
    },
  });
  expect(sent.statusCode, sent.body).toBe(200);
});

const members = (query: string, key = p.read, ladder = ladderId) =>
  p.send(key, { method: 'GET', url: `/v1/tier-ladders/${ladder}/members?${query}` });

describe('the members of a tier', () => {
  it('lists the accounts on the tier, in account order, paged', async () => {
    const gold = [ids.M1!, ids.M3!].sort();
    const first = await members('tier=gold&limit=1');
    expect(first.statusCode, first.body).toBe(200);
    expect(json(first).data).toMatchObject([{ accountId: gold[0], tier: 'gold', override: null }]);
    expect(json(first).data[0].since).not.toBeNull();
    const next = await members(`tier=gold&limit=1&cursor=${json(first).nextCursor}`);
    expect(json(next)).toMatchObject({ data: [{ accountId: gold[1] }], nextCursor: null });
    const silver = json(await members('tier=silver')).data;
    expect(silver.map((m: { externalId: string }) => m.externalId).sort()).toEqual(['M2', 'M4']);
    expect(silver[0]).toMatchObject({ name: expect.stringMatching(/^M[24]$/), tier: 'silver' });
  });

  it('follows an override: an account set to gold by hand is listed there, with the override', async () => {
    const set = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/tier-ladders/${ladderId}/overrides`,
      payload: {
        account: 'M2',
        kind: 'set',
        tier: 'gold',
        until: '2099-01-01T00:00:00Z',
        reason: 'Key deal',
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    const gold = json(await members('tier=gold')).data;
    expect(gold.find((m: { externalId: string }) => m.externalId === 'M2')).toMatchObject({
      override: { kind: 'set', reason: 'Key deal' },
    });
    expect(json(await members('tier=silver')).data.map((m: { externalId: string }) => m.externalId)).toEqual([
      'M4',
    ]);
  });

  it('refuses an unknown tier at its field, and another program’s ladder', async () => {
    const unknown = await members('tier=platinum');
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/query/tier' }] });
    const missing = await members('');
    expect(json(missing).code).toBe('validation_failed');
    const foreign = await members('tier=gold', api.b.read);
    expect([foreign.statusCode, json(foreign).code]).toEqual([404, 'ladder_not_found']);
  });
});
