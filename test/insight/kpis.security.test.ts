// Program isolation: a program's KPIs never count another program's events or ledger movements, and
// reading them needs a key.
import { beforeAll, describe, expect, it } from 'vitest';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let a: Program;
let b: Program;

beforeAll(async () => {
  api = await testApi();
  a = await newProgram(api);
  b = await newProgram(api);
  // The same external ids in both programs.
  await a.account('ACME');
  await b.account('ACME');
  await a.ingested({
    id: 'o1',
    type: 'purchase',
    account: 'ACME',
    occurredAt: '2026-02-01T10:00:00Z',
    amount: '10.00',
    currency: 'EUR',
  });
  await b.ingested({
    id: 'o1',
    type: 'purchase',
    account: 'ACME',
    occurredAt: '2026-02-01T10:00:00Z',
    amount: '99.00',
    currency: 'EUR',
  });
  await b.ingested({
    id: 'o2',
    type: 'purchase',
    account: 'ACME',
    occurredAt: '2026-02-02T10:00:00Z',
    amount: '1.00',
    currency: 'EUR',
  });
  const credit = await b.send(b.write, {
    method: 'POST',
    url: '/v1/ledger/credits',
    headers: { 'idempotency-key': 'k1' },
    payload: {
      account: 'ACME',
      amount: 500,
      reasonCode: 'bonus',
      explanation: 'b only',
      effectiveAt: '2026-02-01T10:00:00Z',
    },
  });
  expect(credit.statusCode, credit.body).toBe(201);
});

describe('KPIs per program', () => {
  it("counts only the key's program", async () => {
    const r = await a.send(a.read, {
      method: 'GET',
      url: '/v1/reports/kpis?from=2026-02-01&to=2026-02-28&breakdown=cohort',
    });
    expect(r.statusCode, r.body).toBe(200);
    const { kpis, breakdown } = json(r);
    expect(kpis).toMatchObject({ orders: 1, netRevenue: '10.00', liability: [], points: { issued: 0 } });
    expect(breakdown.groups).toHaveLength(1);
    const other = await b.send(b.read, {
      method: 'GET',
      url: '/v1/reports/kpis?from=2026-02-01&to=2026-02-28',
    });
    expect(json(other).kpis).toMatchObject({ orders: 2, netRevenue: '100.00', points: { issued: 500 } });
    const cohorts = await a.send(a.read, {
      method: 'GET',
      url: '/v1/reports/cohorts?from=2026-02-01&to=2026-02-28',
    });
    expect(json(cohorts).cohorts).toEqual([
      { cohort: '2026-02', size: 1, retention: [{ offset: 0, month: '2026-02', active: 1, rate: 1 }] },
    ]);
  });

  it('needs an API key', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/v1/reports/kpis' });
    expect(r.statusCode).toBe(401);
  });
});
