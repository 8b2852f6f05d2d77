// CORS: browsers may call the API from the configured origins (any, by default: API keys travel in a
// header, not a cookie), preflights answer, and the headers a client needs are exposed.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

describe('CORS', () => {
  it('answers a preflight for an API call with a key and an Idempotency-Key', async () => {
    const res = await api.app.inject({
      method: 'OPTIONS',
      url: '/v1/accounts',
      headers: {
        origin: 'https://crm.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-allow-headers'])).toContain('idempotency-key');
  });

  it('lets the browser read answers and the headers that matter', async () => {
    const res = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/program',
      headers: { origin: 'https://crm.example' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-expose-headers'])).toContain('ratelimit-remaining');
  });
});
