// The commission sweep's routes refuse what they cannot do (decision 0055): a retry of an event that
// was not skipped, a body with fields, a key without the admin scope.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

describe('retrying an event the commission sweep skipped', () => {
  it('answers 404 commission_sweep_skip_not_found for an event that was not skipped, or none at all', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '150.00');
    for (const ref of ['SO-1', 'evt_nothing']) {
      const res = await p.send(p.admin, {
        method: 'POST',
        url: `/v1/commission-sweep/skipped/${ref}/retry`,
        payload: {},
      });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('commission_sweep_skip_not_found');
    }
  });

  it('answers 400 validation_failed to a body with fields, and 403 to a write key', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    const url = '/v1/commission-sweep/skipped/SO-1/retry';
    const bad = await p.send(p.admin, { method: 'POST', url, payload: { force: true } });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    const scope = await p.send(p.write, { method: 'POST', url, payload: {} });
    expect(scope.statusCode).toBe(403);
    expect(scope.json().code).toBe('insufficient_scope');
  });
});

describe('the commission sweep read', () => {
  it('answers a program that never swept with no watermark, no lag and no skipped event', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    const sweep = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
    expect(sweep).toEqual({
      sweptAt: null,
      sweptEventId: null,
      newestSettledAt: null,
      lagSeconds: 0,
      settleSeconds: 300,
      maxAttempts: 3,
      skippedCount: 0,
      events: [],
    });
  });
});
