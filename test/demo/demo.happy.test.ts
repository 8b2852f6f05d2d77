// The demo program, loaded once for the file (loading it is most of the cost): a year of orders
// behind its KPIs, a partner program at every stage with commissions and a payout run waiting, a
// paused webhook endpoint with messages, and a member whose portal pages each show something.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEMBER } from '../../src/modules/demo/demo-service.ts';
import { asMember, json, type MemberSession, signIn } from '../portal/portal-fixture.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let demo: Awaited<ReturnType<TestApi['services']['demo']['load']>>;
let dana: MemberSession;

beforeAll(async () => {
  api = await testApi();
  demo = await api.services.demo.load(FIXTURE);
  dana = await signIn(api, demo.apiKey, 'northwind', DEMO_MEMBER);
}, 300_000);

describe('the demo program', () => {
  it('has repeat customers, retention, cohorts and a balanced liability', async () => {
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
    // The demo states its ROI assumptions, so the report answers a return on the program's cost.
    expect(Number(kpis.programCost.cost.points)).toBeGreaterThan(0);
    expect(Number(kpis.programCost.cost.operating)).toBeGreaterThan(0);
    expect(kpis.programCost.roi).not.toBeNull();
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

  it('has referrals converted, pending and in review, Sell & Earn claims approved and queued, and commissions with a run waiting', async () => {
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
  }, 120_000);

  it('has a paused webhook endpoint and a few messages', async () => {
    const endpoints = await api.services.webhooks.list(demo.programId, {});
    expect(endpoints.data).toEqual([
      expect.objectContaining({ enabled: false, eventTypes: ['tier.changed', 'redemption.requested'] }),
    ]);
    const messages = await api.services.webhooks.messages(demo.programId, { limit: 500 });
    // The three tool-kit requests waiting for approval and the conversion approved at once.
    expect(messages.data.filter((m) => m.type === 'redemption.requested')).toHaveLength(4);
    // Nothing to deliver: a dispatch finds no enabled endpoint and writes no delivery.
    await api.services.jobs.start();
    try {
      await api.services.webhooks.dispatch();
      const log = await api.services.webhooks.attempts(demo.programId, endpoints.data[0]!.id, {});
      expect(log.data).toEqual([]);
      const jobs = await api.services.jobs.list(demo.programId, {});
      expect(jobs.data).toEqual([]);
    } finally {
      await api.services.jobs.stop();
    }
  }, 120_000);
});

describe('the demo catalog', () => {
  it('has a points-to-cash conversion one partner used: its euros are in that cash wallet', async () => {
    const page = await api.services.redemptions.list(demo.programId, { status: 'fulfilled', limit: 100 });
    const conversion = page.data.find((r) => r.price.amount === 1000 && r.delivery === 'delivered');
    expect(conversion).toBeDefined();
    const wallets = await api.services.ledger.summary(demo.programId, conversion!.accountId);
    expect(wallets.find((w) => w.unit === 'EUR')?.available).toBeGreaterThanOrEqual(1000);
    const history = await api.services.ledger.history(demo.programId, conversion!.accountId, 'EUR', {});
    expect(history.data.map((l) => l.reasonCode)).toContain('points_conversion');
  });

  it('owes the challenge completion its tool bag, out of stock (the console lists it on first start)', async () => {
    const r = await api.call(demo.apiKey, { method: 'GET', url: '/v1/engagement/rewards-owed' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().data).toEqual([
      expect.objectContaining({
        status: 'owed',
        source: 'challenge',
        challenge: 'three-trainings',
        reward: expect.objectContaining({ name: 'Premium tool bag', inStock: false }),
        reason: 'Premium tool bag is out of stock',
      }),
    ]);
  });
});

describe("the demo member's portal", () => {
  it('has a referral code, a converted referral with what it earned, and one waiting', async () => {
    const r = json(await asMember(api, dana, { url: '/portal/api/referrals' }));
    expect(r.codes).toEqual([
      {
        code: 'NORTHWIND-DANA',
        referralProgram: 'refer-a-business',
        campaign: 'installers-2026',
        link: 'https://northwind.example/partners/join?ref=NORTHWIND-DANA',
      },
    ]);
    const byName = Object.fromEntries(r.referrals.map((x: { referredName: string }) => [x.referredName, x]));
    expect(byName['Fjord Heating']).toMatchObject({
      status: 'converted',
      earned: { amount: 2500, unit: 'points' },
    });
    expect(byName['Lindqvist Plumbing']).toMatchObject({ status: 'pending', earned: null });
  });

  it('has statements of past months to download', async () => {
    const list = json(await asMember(api, dana, { url: '/portal/api/statements' })).data;
    expect(list.length).toBeGreaterThan(0);
    // With the content of decision 0037: earned by reason, the tier at the period's end.
    expect(list[0].lines[0].earnedByReason).toEqual(expect.any(Array));
    expect(list[0].tiers.length).toBeGreaterThan(0);
    const doc = await asMember(api, dana, { url: `/portal/api/statements/${list[0].period}` });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-disposition']).toContain('attachment');
    expect(doc.body).toContain('data-section="tier"');
  });

  it('has the NPS survey open, not yet answered', async () => {
    const surveys = json(await asMember(api, dana, { url: '/portal/api/surveys' })).data;
    expect(surveys).toEqual([
      expect.objectContaining({
        question: 'How likely are you to recommend Northwind Supply to a colleague?',
        answered: false,
      }),
    ]);
  });
});
