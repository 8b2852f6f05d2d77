// Races that only a real multi-connection PostgreSQL can show (PGlite has one connection).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from './support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

const create = (body: object, headers: Record<string, string> = {}) =>
  api.call(api.a.write, { method: 'POST', url: '/v1/accounts', payload: body, headers });

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

  it('runs a write once for concurrent retries with one Idempotency-Key', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        create({ name: 'Idempotent Co', segment: 'idem-race' }, { 'idempotency-key': 'race-key-1' }),
      ),
    );
    const created = results.filter((r) => r.statusCode === 201);
    const inFlight = results.filter((r) => r.statusCode === 409);
    expect(created.length + inFlight.length).toBe(10);
    expect(inFlight.every((r) => r.json().code === 'idempotency_key_in_flight')).toBe(true);
    const ids = new Set(created.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?segment=idem-race' });
    expect(list.json().data).toHaveLength(1);
    // After the dust settles every retry gets the first answer.
    const replay = await create(
      { name: 'Idempotent Co', segment: 'idem-race' },
      { 'idempotency-key': 'race-key-1' },
    );
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe([...ids][0]);
  });

  it('keeps an import all-or-nothing while other writers change the hierarchy', async () => {
    const rows = Array.from(
      { length: 300 },
      (_, i) => `IMP-${i},Imported ${i},${i > 0 ? `IMP-${i - 1}` : ''}`,
    );
    // A chain 300 deep is too deep: the import must fail as a whole, whatever runs beside it.
    const csv = `externalId,name,parentExternalId\n${rows.join('\n')}\n`;
    const [imported, other] = await Promise.all([
      api.call(api.a.write, {
        method: 'POST',
        url: '/v1/imports/accounts',
        payload: csv,
        headers: { 'content-type': 'text/csv' },
      }),
      create({ externalId: 'SIDE-1', name: 'Side' }),
    ]);
    expect(imported.statusCode).toBe(422);
    expect(imported.json().code).toBe('import_invalid_rows');
    expect(other.statusCode).toBe(201);
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?q=Imported' });
    expect(list.json().data).toHaveLength(0);
  });
});
