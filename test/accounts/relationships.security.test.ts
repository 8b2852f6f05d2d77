// Relationships: a read key cannot write them; another program cannot see, link or end them.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let id: string;
let agencyId: string;
beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['AG', 'CL'])
    await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
  const r = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/relationships',
    payload: { type: 'manages', from: 'AG', to: 'CL' },
  });
  expect(r.statusCode, r.body).toBe(201);
  id = r.json().id;
  agencyId = r.json().fromAccountId;
}, 300_000);

describe('relationship security', () => {
  it('needs the write scope to create or end', async () => {
    const create = await api.call(api.a.read, {
      method: 'POST',
      url: '/v1/relationships',
      payload: { type: 'manages', from: 'CL', to: 'AG' },
    });
    expect(create.statusCode).toBe(403);
    expect(
      (await api.call(api.a.read, { method: 'POST', url: `/v1/relationships/${id}/end`, payload: {} }))
        .statusCode,
    ).toBe(403);
  });

  it("keeps program a's relationships from program b", async () => {
    expect((await api.call(api.b.read, { method: 'GET', url: '/v1/relationships' })).json().data).toEqual([]);
    const end = await api.call(api.b.write, {
      method: 'POST',
      url: `/v1/relationships/${id}/end`,
      payload: {},
    });
    expect(end.json().code).toBe('relationship_not_found');
    await api.call(api.b.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'MINE', name: 'M' },
    });
    const link = await api.call(api.b.write, {
      method: 'POST',
      url: '/v1/relationships',
      payload: { type: 'manages', from: 'MINE', to: agencyId },
    });
    expect(link.json().code).toBe('account_not_found');
    const own = await api.call(api.a.read, { method: 'GET', url: '/v1/relationships' });
    expect(own.json().data).toMatchObject([{ id, active: true }]);
  });
});
