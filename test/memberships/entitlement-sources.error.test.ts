// Grants by hand: bad input answers a problem naming the field and grants nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  const r = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'ERR-1', name: 'E' },
  });
  expect(r.statusCode).toBe(201);
}, 300_000);

const grants = async () =>
  (await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/ERR-1/entitlement-grants' })).json().data;

describe('entitlement grant refusals', () => {
  it('refuses a bad key, an end before the start, an unknown property, naming the field', async () => {
    for (const [payload, pointer] of [
      [{ key: 'Not A Key!' }, '/body/key'],
      [
        { key: 'vip', validFrom: '2027-01-02T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' },
        '/body/validUntil',
      ],
      [{ key: 'vip', validUntil: 'tomorrow' }, '/body/validUntil'],
      [{ key: 'vip', source: 'tier' }, '/body/source'],
    ] as const) {
      const r = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/accounts/ERR-1/entitlement-grants',
        payload,
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe('validation_failed');
      expect(JSON.stringify(r.json().errors)).toContain(pointer);
    }
    expect(await grants()).toEqual([]);
  });

  it('answers account_not_found and grant_not_found', async () => {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts/NOBODY/entitlement-grants',
      payload: { key: 'vip' },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('account_not_found');
    const check = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/NOBODY/entitlements/vip' });
    expect(check.json().code).toBe('account_not_found');
    const revoke = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/entitlement-grants/egr_nope/revoke',
    });
    expect(revoke.statusCode).toBe(404);
    expect(revoke.json().code).toBe('grant_not_found');
  });
});
