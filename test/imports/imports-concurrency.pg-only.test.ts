// Import races that only a real multi-connection PostgreSQL can show (PGlite has one connection).
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
