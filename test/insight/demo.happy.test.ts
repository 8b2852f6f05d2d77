// The demo program has a year of orders behind its points: its KPIs are not trivial.
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { testApi } from '../support/app.ts';

describe('the demo program', () => {
  it('has repeat customers, retention, cohorts and a balanced liability', async () => {
    const api = await testApi();
    const demo = await api.services.demo.load(FIXTURE);
    const r = await api.call(demo.apiKey, { method: 'GET', url: '/v1/reports/kpis?breakdown=segment' });
    expect(r.statusCode, r.body).toBe(200);
    const { kpis, breakdown } = JSON.parse(r.body);
    expect(kpis.activeAccounts).toBeGreaterThan(10);
    expect(kpis.orders).toBeGreaterThan(kpis.activeAccounts);
    expect(kpis.repeatCustomerRate).toBeGreaterThan(0);
    expect(kpis.retention.averageRetentionRate).toBeGreaterThan(0);
    expect(Number(kpis.clv.predicted)).toBeGreaterThan(0);
    expect(kpis.points.redeemedToDate).toBeGreaterThan(0);
    expect(breakdown.groups.length).toBeGreaterThan(1);
    const points = kpis.liability.find((l: { unit: string }) => l.unit === 'points');
    expect(points.opening + points.issued - points.redeemed - points.expired - points.adjusted).toBe(
      points.closing,
    );
    const cohorts = await api.call(demo.apiKey, { method: 'GET', url: '/v1/reports/cohorts' });
    const nps = JSON.parse((await api.call(demo.apiKey, { method: 'GET', url: '/v1/reports/nps' })).body);
    expect(nps.answers).toBe(10);
    expect(nps.nps).not.toBeNull();
    const rfm = JSON.parse((await api.call(demo.apiKey, { method: 'GET', url: '/v1/reports/rfm' })).body);
    expect(rfm.segments.length).toBeGreaterThan(2);
    const [first] = JSON.parse(cohorts.body).cohorts;
    expect(first.size).toBeGreaterThan(1);
    expect(first.retention.length).toBeGreaterThan(6);
  }, 120_000);
});
