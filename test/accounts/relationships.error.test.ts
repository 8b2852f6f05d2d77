// Relationships: a manages cycle, a self link, a duplicate, a bad end are refused and change nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const post = (url: string, payload: object) => api.call(api.a.write, { method: 'POST', url, payload });
const count = async () =>
  (await api.call(api.a.read, { method: 'GET', url: '/v1/relationships' })).json().data.length;

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['A', 'B', 'C'])
    expect((await post('/v1/accounts', { externalId, name: externalId })).statusCode).toBe(201);
  expect((await post('/v1/relationships', { type: 'manages', from: 'A', to: 'B' })).statusCode).toBe(201);
  expect((await post('/v1/relationships', { type: 'manages', from: 'B', to: 'C' })).statusCode).toBe(201);
}, 300_000);

describe('relationship refusals', () => {
  it('refuses a manages cycle, direct or through others, naming the field', async () => {
    for (const payload of [
      { type: 'manages', from: 'B', to: 'A' },
      { type: 'manages', from: 'C', to: 'A' },
    ]) {
      const r = await post('/v1/relationships', payload);
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json()).toMatchObject({ code: 'relationship_cycle', errors: [{ path: '/body/to' }] });
    }
    expect(await count()).toBe(2);
  });

  it('refuses a self link, an unknown type or account, a duplicate, and a bad end', async () => {
    const self = await post('/v1/relationships', { type: 'manages', from: 'A', to: 'A' });
    expect(self.statusCode).toBe(400);
    expect(JSON.stringify(self.json().errors)).toContain('/body/to');
    const type = await post('/v1/relationships', { type: 'owns', from: 'A', to: 'C' });
    expect(type.statusCode).toBe(400);
    const unknown = await post('/v1/relationships', { type: 'manages', from: 'A', to: 'NOBODY' });
    expect(unknown.json().code).toBe('account_not_found');
    const dup = await post('/v1/relationships', { type: 'manages', from: 'A', to: 'B' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('relationship_exists');
    expect(await count()).toBe(2);
    const id = (await api.call(api.a.read, { method: 'GET', url: '/v1/relationships?from=A' })).json().data[0]
      .id;
    const early = await post(`/v1/relationships/${id}/end`, { endsAt: '2000-01-01T00:00:00Z' });
    expect(early.statusCode).toBe(400);
    expect(JSON.stringify(early.json().errors)).toContain('/body/endsAt');
    expect((await post(`/v1/relationships/${id}/end`, {})).statusCode).toBe(200);
    expect((await post(`/v1/relationships/${id}/end`, {})).json().code).toBe('relationship_ended');
    expect((await post('/v1/relationships/rel_nope/end', {})).json().code).toBe('relationship_not_found');
  });
});
