// Grants by hand: a read key cannot grant or revoke; another program never sees or touches them.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let grantId: string;

beforeAll(async () => {
  api = await testApi();
  const r = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'SEC-1', name: 'S' },
  });
  expect(r.statusCode).toBe(201);
  const g = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts/SEC-1/entitlement-grants',
    payload: { key: 'vip_support' },
  });
  expect(g.statusCode, g.body).toBe(201);
  grantId = g.json().id;
}, 300_000);

describe('entitlement grants security', () => {
  it('needs the write scope to grant and revoke', async () => {
    const grant = await api.call(api.a.read, {
      method: 'POST',
      url: '/v1/accounts/SEC-1/entitlement-grants',
      payload: { key: 'other' },
    });
    expect(grant.statusCode).toBe(403);
    const revoke = await api.call(api.a.read, {
      method: 'POST',
      url: `/v1/entitlement-grants/${grantId}/revoke`,
    });
    expect(revoke.statusCode).toBe(403);
    const check = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/SEC-1/entitlements/vip_support',
    });
    expect(check.json()).toMatchObject({ granted: true, source: { kind: 'grant', grantId } });
  });

  it("keeps another program's keys away from the grants and the check", async () => {
    expect(
      (await api.call(api.b.read, { method: 'GET', url: `/v1/entitlement-grants/${grantId}` })).json().code,
    ).toBe('grant_not_found');
    const revoke = await api.call(api.b.admin, {
      method: 'POST',
      url: `/v1/entitlement-grants/${grantId}/revoke`,
    });
    expect(revoke.statusCode).toBe(404);
    const list = await api.call(api.b.read, { method: 'GET', url: '/v1/accounts/SEC-1/entitlement-grants' });
    expect(list.json().code).toBe('account_not_found');
    const accountId = (await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/SEC-1' })).json().id;
    const grant = await api.call(api.b.write, {
      method: 'POST',
      url: `/v1/accounts/${accountId}/entitlement-grants`,
      payload: { key: 'vip_support' },
    });
    expect(grant.statusCode).toBe(404);
    const own = await api.call(api.a.read, { method: 'GET', url: `/v1/entitlement-grants/${grantId}` });
    expect(own.json()).toMatchObject({ active: true, revokedAt: null });
  });
});
