// Who may touch commissions and payout runs: plans, assignments, approvals, cancellations and payout
// statuses are the admin scope's; a read key reads; another program's keys see and touch nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, currentMonth, partnerProgram, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

describe('commission security', () => {
  it('keeps money decisions to admins and every row to its own program', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const period = currentMonth();
    const run = await p.ok(p.write, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    const payout = run.payouts[0];

    // A write key may propose but not define plans, approve, cancel or set payout statuses.
    for (const [method, url, payload] of [
      ['POST', '/v1/commission-plans', agencyPlan({ code: 'other' })],
      ['PUT', '/v1/commission-plans/agency', { ...agencyPlan(), code: undefined }],
      ['PUT', '/v1/commission-partners/NORDIC', { plan: 'agency' }],
      ['DELETE', '/v1/commission-partners/NORDIC', undefined],
      ['POST', `/v1/payout-runs/${run.id}/approve`, {}],
      ['POST', `/v1/payout-runs/${run.id}/cancel`, {}],
      ['POST', `/v1/payout-runs/${run.id}/payouts/${payout.id}/status`, { status: 'sent' }],
    ] as const) {
      const r = await p.send(p.write, { method, url, ...(payload !== undefined && { payload }) });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
    const readOnly = await p.send(p.read, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    expect(readOnly.statusCode).toBe(403);

    // Another program: 404 for every row of this one, empty lists, its own period free.
    const other = await partnerProgram(api);
    for (const url of [
      '/v1/commission-plans/agency',
      `/v1/payout-runs/${run.id}`,
      `/v1/payout-runs/${run.id}/export.csv`,
      `/v1/payout-runs/${run.id}/payouts/${payout.id}`,
      '/v1/commission-partners/NORDIC',
    ]) {
      const r = await other.send(other.read, { method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
    }
    for (const url of [
      '/v1/commission-lines',
      '/v1/payout-runs',
      '/v1/commission-plans',
      '/v1/commission-partners',
    ]) {
      expect((await other.ok(other.read, { method: 'GET', url })).data, url).toEqual([]);
    }
    const approve = await other.send(other.admin, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/approve`,
      payload: {},
    });
    expect(approve.statusCode).toBe(404);
    const status = await other.send(other.admin, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/payouts/${payout.id}/status`,
      payload: { status: 'failed' },
    });
    expect(status.statusCode).toBe(404);
    const own = await other.ok(other.write, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    expect(own.payoutCount).toBe(0);
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/payout-runs/${run.id}` })).status).toBe('proposed');
  });
});
