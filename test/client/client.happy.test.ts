// The typed client (client/index.ts) against a real listening server: typed answers, the API's
// problem on a refusal, and a money write replayed by its Idempotency-Key.
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFidelisClient, type FidelisClient } from '../../client/index.ts';
import { testApi } from '../support/app.ts';

let fidelis: FidelisClient;
let reader: FidelisClient;

beforeAll(async () => {
  const api = await testApi();
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = api.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/`;
  fidelis = createFidelisClient({ baseUrl, apiKey: api.a.admin });
  reader = createFidelisClient({ baseUrl, apiKey: api.a.read });
});

describe('the typed client', () => {
  it('creates an account, credits it once under one Idempotency-Key and reads its wallet', async () => {
    const created = await fidelis.POST('/v1/accounts', {
      body: { externalId: 'CRM-CLIENT-1', name: 'Client Test BV', country: 'NL' },
    });
    expect(created.error).toBeUndefined();
    expect(created.data?.externalId).toBe('CRM-CLIENT-1');

    const credit = () =>
      fidelis.POST('/v1/ledger/credits', {
        body: { account: 'CRM-CLIENT-1', amount: 500, reasonCode: 'purchase', explanation: 'Order 1' },
        params: { header: { 'idempotency-key': 'client-order-1' } },
      });
    const first = await credit();
    const again = await credit();
    expect(first.error).toBeUndefined();
    expect(again.data?.id).toBe(first.data?.id);

    const wallets = await reader.GET('/v1/accounts/{accountId}/wallets', {
      params: { path: { accountId: 'CRM-CLIENT-1' } },
    });
    expect(wallets.error).toBeUndefined();
    expect(wallets.data?.data.find((w) => w.unit === 'points')?.available).toBe(500);
  });

  it('answers a refusal with the API problem, its code and the field', async () => {
    const refused = await fidelis.POST('/v1/accounts', {
      body: { name: '', country: 'Netherlands' },
    });
    expect(refused.data).toBeUndefined();
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ status: 400, code: 'validation_failed' });

    const forbidden = await reader.POST('/v1/accounts', { body: { name: 'Not allowed BV' } });
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error).toMatchObject({ status: 403 });
  });
});
