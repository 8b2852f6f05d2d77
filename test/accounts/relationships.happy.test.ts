// Typed relationships between accounts, separate from ownership (decision 0024): an agency manages its
// client businesses; created, listed, ended with dates, audited.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const post = (url: string, payload: object, key?: string) =>
  api.call(key ?? api.a.write, { method: 'POST', url, payload });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['AGENCY', 'CLIENT-1', 'CLIENT-2'])
    expect((await post('/v1/accounts', { externalId, name: externalId })).statusCode).toBe(201);
}, 300_000);

describe('manages relationships', () => {
  it('creates, lists (by side, active) and ends them, audited, without touching the hierarchy', async () => {
    const one = await post('/v1/relationships', { type: 'manages', from: 'AGENCY', to: 'CLIENT-1' });
    expect(one.statusCode, one.body).toBe(201);
    const two = await post('/v1/relationships', {
      type: 'manages',
      from: 'AGENCY',
      to: 'CLIENT-2',
      startsAt: '2026-01-01T00:00:00Z',
    });
    expect(two.statusCode, two.body).toBe(201);
    expect(one.json()).toMatchObject({ type: 'manages', active: true, endsAt: null });

    const managed = (await get('/v1/relationships?from=AGENCY&active=true')).json().data;
    expect(managed.map((r: { id: string }) => r.id)).toEqual([one.json().id, two.json().id]);
    const ofClient = (await get('/v1/relationships?account=CLIENT-1')).json().data;
    expect(ofClient.map((r: { id: string }) => r.id)).toEqual([one.json().id]);

    const ended = await post(`/v1/relationships/${two.json().id}/end`, {});
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ active: false, endsAt: expect.any(String) });
    const active = (await get('/v1/relationships?from=AGENCY&active=true')).json().data;
    expect(active.map((r: { id: string }) => r.id)).toEqual([one.json().id]);
    const inactive = (await get('/v1/relationships?active=false')).json().data;
    expect(inactive.map((r: { id: string }) => r.id)).toEqual([two.json().id]);
    // After it ended, the same pair may be linked again.
    expect(
      (await post('/v1/relationships', { type: 'manages', from: 'AGENCY', to: 'CLIENT-2' })).statusCode,
    ).toBe(201);

    // Not ownership: the managed client has no parent.
    expect((await get('/v1/accounts/CLIENT-1')).json().parentId).toBeNull();
    const audit = await api.call(api.a.admin, {
      method: 'GET',
      url: `/v1/audit?resourceId=${two.json().id}`,
    });
    expect(
      audit
        .json()
        .data.map((e: { action: string }) => e.action)
        .sort(),
    ).toEqual(['relationship.create', 'relationship.end']);
  });
});
