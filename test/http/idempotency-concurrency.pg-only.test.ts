// Idempotency-Key races that only a real multi-connection PostgreSQL can show (PGlite has one connection).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

const create = (body: object, headers: Record<string, string> = {}) =>
  api.call(api.a.write, { method: 'POST', url: '/v1/accounts', payload: body, headers });

describe('under concurrency (PostgreSQL)', () => {
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
});
