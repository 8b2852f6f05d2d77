// Ladders of managed accounts refused where they make no sense (decision 0047): event types on a
// count, decimals on a count, instant qualification, values sent by hand, a metric that does not exist.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, type TierProgram, tierProgram } from './helpers.ts';

let api: TestApi;
let p: TierProgram;

beforeAll(async () => {
  api = await testApi();
  p = await tierProgram(api);
  await p.account('AGENCY');
}, 300_000);

const doc = (extra: object = {}, tier: object = {}) => ({
  name: 'Agency reach',
  metric: 'managed_accounts',
  window: { kind: 'calendar_year' },
  tiers: [{ code: 'partner', name: 'Partner', threshold: '2', ...tier }],
  ...extra,
});
const create = (document: object) =>
  p.send(p.admin, { method: 'POST', url: '/v1/tier-ladders', payload: { document } });
const ladders = async () =>
  json(await p.send(p.read, { method: 'GET', url: '/v1/tier-ladders' })).data.length as number;

async function refused(document: object, status: number, code: string, errors?: object[]) {
  const r = await create(document);
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toContain('application/problem+json');
  expect(json(r).code).toBe(code);
  if (errors) expect(json(r).errors).toEqual(errors);
  expect(await ladders()).toBe(0);
}

describe('ladders of managed accounts: refusals', () => {
  it('refuses event types on a count of managed accounts', () =>
    refused(doc({ eventTypes: ['purchase'] }), 422, 'ladder_invalid', [
      {
        path: '/body/document/eventTypes',
        message: 'only the qualifying_spend, orders and managed_spend metrics count events by type',
      },
    ]));

  it('refuses a count threshold with decimals, and instant qualification on managed spend', async () => {
    await refused(doc({}, { threshold: '1.5' }), 422, 'ladder_invalid', [
      { path: '/body/document/tiers/0/threshold', message: 'must be a decimal with at most 0 decimals' },
    ]);
    await refused(doc({ metric: 'managed_spend' }, { instantAmount: '100' }), 422, 'ladder_invalid', [
      {
        path: '/body/document/tiers/0/instantAmount',
        message: 'instant qualification needs the qualifying_spend metric',
      },
    ]);
    await refused(doc({ metric: 'managed_spend' }, { threshold: '10.001' }), 422, 'ladder_invalid', [
      { path: '/body/document/tiers/0/threshold', message: 'must be a decimal with at most 2 decimals' },
    ]);
  });

  it('refuses a metric that does not exist by the schema', () =>
    refused(doc({ metric: 'managed_revenue' }), 400, 'validation_failed'));

  it('refuses values sent by hand to a ladder of managed accounts', async () => {
    const r = await create(doc());
    expect(r.statusCode, r.body).toBe(201);
    const sent = await p.send(p.write, {
      method: 'POST',
      url: `/v1/tier-ladders/${json(r).id}/metric-values`,
      payload: { values: [{ account: 'AGENCY', value: '5' }] },
    });
    expect(sent.statusCode, sent.body).toBe(422);
    expect(json(sent)).toMatchObject({ code: 'ladder_invalid' });
    expect(
      json(await p.send(p.read, { method: 'GET', url: '/v1/accounts/AGENCY/tiers' })).data[0],
    ).toMatchObject({
      tier: null,
      metric: '0',
    });
  });
});
