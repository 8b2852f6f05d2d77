// The demo program shows a living partner program: referrals at each stage, claims in the queue,
// commission lines pending and due, and a payout run waiting for approval.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

describe('the demo program', () => {
  it('has referrals converted, pending and in review, and Sell & Earn claims approved and queued', async () => {
    const demo = await api.services.demo.load(FIXTURE);
    const get = async (url: string) => {
      const r = await api.call(demo.apiKey, { method: 'GET', url });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    expect(
      await get('/v1/reports/referral-funnel?referralProgram=refer-a-business&campaign=autumn-2026'),
    ).toEqual({
      referralProgram: 'refer-a-business',
      campaign: 'autumn-2026',
      codesIssued: 2,
      attributed: 3,
      inReview: 1,
      converted: 1,
      rewarded: 1,
      rejected: 0,
    });
    const fjord = (await get('/v1/referrals?status=converted')).data[0];
    expect(fjord).toMatchObject({ code: 'NORTHWIND-SKAGEN', conversionEventId: 'demo-skagen-first-order' });
    const claims = await get('/v1/claims?status=submitted');
    expect(claims.data.map((c: { invoiceNumber: string }) => c.invoiceNumber)).toEqual([
      'INV-2026-0433',
      'INV-2026-0440',
    ]);
    const approved = (await get('/v1/claims?status=approved')).data[0];
    expect(approved).toMatchObject({ invoiceNumber: 'INV-2026-0412', awarded: { points: 4800 } });

    // Commissions: the reseller's line (5% of Kestrel's 240.00) is due and in the quarter's run,
    // waiting for approval; the agency's lines are pending for 30 days.
    const crm2 = await get('/v1/commission-lines?partner=CRM-0002');
    expect(
      crm2.data.map((l: { kind: string; amount: number; status: string }) => [l.kind, l.amount, l.status]),
    ).toEqual([['percentage', 1200, 'in_payout']]);
    const crm14 = await get('/v1/commission-lines?partner=CRM-0014');
    expect(
      crm14.data.map((l: { kind: string; amount: number; status: string }) => [l.kind, l.amount, l.status]),
    ).toEqual([
      ['fixed', 5000, 'pending'],
      ['percentage', 9600, 'pending'],
    ]);
    const [run] = (await get('/v1/payout-runs?status=proposed')).data;
    expect(run).toMatchObject({
      payoutCount: 1,
      total: 1200,
      payouts: [{ amount: 1200, status: 'proposed' }],
    });
  }, 300_000);
});
