// Donation reports: a bad period or an unknown charity is refused, naming the field.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
}, 300_000);

describe('donation report refusals', () => {
  it('refuses an end before the start, a malformed instant and an unknown charity', async () => {
    for (const url of ['/v1/donations', '/v1/donations/totals', '/v1/donations/export']) {
      const order = await api.call(api.a.read, {
        method: 'GET',
        url: `${url}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      });
      expect(order.statusCode, url).toBe(400);
      expect(JSON.stringify(order.json().errors)).toContain('/query/to');
      const bad = await api.call(api.a.read, { method: 'GET', url: `${url}?from=yesterday` });
      expect(bad.statusCode).toBe(400);
      expect(JSON.stringify(bad.json().errors)).toContain('/querystring/from');
      const unknown = await api.call(api.a.read, { method: 'GET', url: `${url}?charity=chr_nope` });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('charity_not_found');
    }
  });
});
