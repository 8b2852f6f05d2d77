// Account races that only a real multi-connection PostgreSQL can show (PGlite has one connection).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

const create = (body: object) =>
  api.call(api.a.write, { method: 'POST', url: '/v1/accounts', payload: body });

describe('under concurrency (PostgreSQL)', () => {
  it('never lets two opposite parent moves form a cycle', async () => {
    for (let round = 0; round < 10; round++) {
      const x = (await create({ externalId: `X-${round}`, name: 'X' })).json();
      const y = (await create({ externalId: `Y-${round}`, name: 'Y' })).json();
      const [r1, r2] = await Promise.all([
        api.call(api.a.write, { method: 'PATCH', url: `/v1/accounts/${x.id}`, payload: { parentId: y.id } }),
        api.call(api.a.write, { method: 'PATCH', url: `/v1/accounts/${y.id}`, payload: { parentId: x.id } }),
      ]);
      const statuses = [r1.statusCode, r2.statusCode].sort();
      expect(statuses).toEqual([200, 422]);
      expect([r1, r2].find((r) => r.statusCode === 422)!.json().code).toBe('hierarchy_cycle');
    }
  });

  it('creates one account for many concurrent requests with the same externalId', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => create({ externalId: 'RACE-1', name: 'Race' })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?externalId=RACE-1' });
    expect(list.json().data).toHaveLength(1);
  });
});
