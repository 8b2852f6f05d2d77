// RFM per program: another program's key neither sees an account's scores nor refreshes them, and
// the refresh needs the admin scope; bad input names its field.
import { beforeAll, describe, expect, it } from 'vitest';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let a: Program;
let b: Program;
let acme: string;

beforeAll(async () => {
  api = await testApi();
  a = await newProgram(api);
  b = await newProgram(api);
  acme = await a.account('ACME');
  await b.account('OTHER');
  await a.ingested({
    id: 'o1',
    type: 'purchase',
    account: 'ACME',
    occurredAt: '2026-06-01T10:00:00Z',
    amount: '10.00',
    currency: 'EUR',
  });
  const r = await a.send(a.admin, {
    method: 'POST',
    url: '/v1/insight/due-runs',
    payload: { asOf: '2026-06-02T10:00:00Z' },
  });
  expect(r.statusCode, r.body).toBe(200);
});

describe('RFM isolation', () => {
  it("another program's key gets 404 for the account, by id or externalId", async () => {
    for (const ref of [acme, 'ACME']) {
      const r = await b.send(b.read, { method: 'GET', url: `/v1/accounts/${ref}/rfm` });
      expect(r.statusCode).toBe(404);
      expect(json(r).code).toBe('account_not_found');
    }
    expect((await a.send(a.read, { method: 'GET', url: '/v1/accounts/ACME/rfm' })).statusCode).toBe(200);
  });

  it("another program's refresh and lists do not touch or show these scores", async () => {
    const run = await b.send(b.admin, {
      method: 'POST',
      url: '/v1/insight/due-runs',
      payload: { force: true },
    });
    expect(json(run).rfm.accounts).toBe(0);
    expect(json(await b.send(b.read, { method: 'GET', url: '/v1/rfm-scores' })).data).toEqual([]);
    expect(json(await b.send(b.read, { method: 'GET', url: '/v1/reports/rfm' })).segments).toEqual([]);
    expect(json(await a.send(a.read, { method: 'GET', url: '/v1/rfm-scores' })).data).toHaveLength(1);
  });

  it('the refresh needs the admin scope', async () => {
    const r = await a.send(a.write, { method: 'POST', url: '/v1/insight/due-runs', payload: {} });
    expect(r.statusCode).toBe(403);
  });

  it('bad input is a 400 naming the field', async () => {
    const bad = await a.send(a.admin, {
      method: 'POST',
      url: '/v1/insight/due-runs',
      payload: { asOf: 'soon' },
    });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).errors[0].path).toMatch(/^\/body\/asOf/);
    const segment = await a.send(a.read, { method: 'GET', url: '/v1/rfm-scores?segment=whales' });
    expect(segment.statusCode).toBe(400);
    expect(json(segment).errors[0].path).toMatch(/^\/querystring\/segment/);
  });
});
