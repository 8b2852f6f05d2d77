// Commissions and payout runs through the API: a partner refers a business, the business buys, the
// commission lines appear pending (explained), a return claws back its share, the run pays what is
// due (maker-checker), a payout is sent and paid or fails (the money comes back), the CSV for finance.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import {
  agencyPlan,
  type Body,
  currentMonth,
  type PartnerProgram,
  partnerProgram,
  referAFriend,
  partnerWithReferral as withReferral,
} from './helpers.ts';

const partnerWithReferral = (plan?: object) => withReferral(api, plan);

/** The last day of a month key ("2026-11" → "30"). */
const lastDay = (month: string) =>
  String(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).getUTCDate());

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const lines = async (p: PartnerProgram, query = ''): Promise<Body[]> =>
  (await p.ok(p.read, { method: 'GET', url: `/v1/commission-lines?partner=NORDIC${query}` })).data;

/** The holding period is over: every line of the program is due (its pending credit still waits for the due run). */
async function holdingOver(p: PartnerProgram) {
  await api.database.db.execute(
    sql`update commission_lines set due_at = now() - interval '1 second' where program_id = ${p.id}`,
  );
}

describe('commissions', () => {
  it('pays a fixed and a percentage line pending, once, explained; a return claws back its share', async () => {
    const p = await partnerWithReferral();
    const plan = await p.ok(p.read, { method: 'GET', url: '/v1/commission-plans/agency' });
    expect(plan).toMatchObject({ code: 'agency', version: 1, unit: 'EUR', holdingDays: 14 });

    await p.purchase('SO-1001', 'FJORD', '1200.00');
    // A resent event pays nothing more.
    const sent = await p.ok(p.read, { method: 'GET', url: '/v1/events/SO-1001' });
    await p.ok(
      p.write,
      {
        method: 'POST',
        url: '/v1/events',
        payload: {
          id: 'SO-1001',
          type: 'purchase',
          account: 'FJORD',
          occurredAt: sent.occurredAt,
          amount: '1200.00',
          currency: 'EUR',
        },
      },
      200,
    );
    const written = await lines(p);
    expect(written.map((l) => [l.kind, l.amount, l.status])).toEqual([
      ['fixed', 5000, 'pending'],
      ['percentage', 12000, 'pending'],
    ]);
    expect(written[1].explanation).toBe('10% of purchase SO-1001 of Fjord Builders, EUR 1,200.00');
    expect(written[1]).toMatchObject({ revenue: 120000, rate: '10', plan: 'agency', planVersion: 1 });
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 0, pending: 17000 });

    // A quarter of the order comes back while the lines are pending: its share is voided.
    await p.event({
      id: 'RET-1',
      type: 'return',
      account: 'FJORD',
      occurredAt: new Date().toISOString(),
      amount: '300.00',
      currency: 'EUR',
      references: { originalEventId: 'SO-1001' },
    });
    const clawbacks = await lines(p, '&kind=clawback');
    expect(clawbacks).toHaveLength(1);
    expect(clawbacks[0]).toMatchObject({ amount: -3000, how: 'voided', eventId: 'RET-1' });
    expect(clawbacks[0].relatedLineId).toBe(written[1].id);
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 0, pending: 14000 });
    // The fixed commission stays: the conversion was not returned in full.
    expect((await lines(p, '&kind=fixed'))[0]).toMatchObject({ remaining: 5000, returned: 30000 });
  });

  it('tiers by volume in the month and a target bonus, in points', async () => {
    const p = await partnerWithReferral(
      agencyPlan({
        unit: 'points',
        holdingDays: 0,
        fixed: null,
        revenue: {
          eventTypes: ['purchase'],
          tiers: [
            { from: '0', rate: '5' },
            { from: '1000.00', rate: '10' },
          ],
        },
        bonus: { period: 'month', target: '1500.00', amount: '250' },
      }),
    );
    await p.purchase('SO-1', 'FJORD', '800.00');
    await p.purchase('SO-2', 'FJORD', '800.00');
    const paid = await lines(p);
    // 5% of 800; then 5% of 200 and 10% of 600; then the bonus (1,600 reached 1,500).
    expect(paid.map((l) => [l.kind, l.amount])).toEqual([
      ['percentage', 40],
      ['percentage', 70],
      ['bonus', 250],
    ]);
    expect(paid[1].explanation).toContain('volume EUR 800.00 → EUR 1,600.00');
    expect(await p.wallet(p.nordic, 'points')).toEqual({ available: 500 + 360, pending: 0 });
  });
});

describe('a referral converted by approval from the review queue', () => {
  it('pays the fixed commission at approval, once, under the key the events would have used', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    await p.ok(p.admin, { method: 'POST', url: '/v1/commission-plans', payload: agencyPlan() });
    const nordic = await p.account('NORDIC');
    await p.account('FJORD', { name: 'Fjord Builders', parentId: nordic });
    await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/commission-partners/NORDIC',
      payload: { plan: 'agency' },
    });
    const flagged = await p.refer(await p.code('NORDIC'), 'FJORD');
    expect(flagged.json().status, flagged.body).toBe('review');
    const id = flagged.json().id;

    // The qualifying purchase comes while the referral waits: noted, no commission yet.
    await p.purchase('SO-7', 'FJORD', '500.00');
    expect(await p.referral(id)).toMatchObject({ status: 'review', conversionEventId: 'SO-7' });
    expect(await lines(p)).toEqual([]);

    await p.ok(p.admin, { method: 'POST', url: `/v1/referrals/${id}/approve`, payload: {} }, 200);
    const written = await lines(p);
    expect(written.map((l) => [l.kind, l.amount, l.status, l.eventId, l.referralId])).toEqual([
      ['fixed', 5000, 'pending', 'SO-7', id],
    ]);
    const [key] = await selectRows<{ key: string }>(
      api.database.db,
      sql`select key from commission_lines where program_id = ${p.id}`,
    );
    expect(key?.key).toBe(`commission:agency:${id}:fixed`);
    expect(await p.wallet(nordic, 'EUR')).toEqual({ available: 0, pending: 5000 });

    // Approving again is refused; the purchase resent is a replay: still one line, one credit.
    const again = await p.send(p.admin, { method: 'POST', url: `/v1/referrals/${id}/approve`, payload: {} });
    expect(again.statusCode).toBe(409);
    const sent = await p.ok(p.read, { method: 'GET', url: '/v1/events/SO-7' });
    await p.ok(
      p.write,
      {
        method: 'POST',
        url: '/v1/events',
        payload: {
          id: 'SO-7',
          type: 'purchase',
          account: 'FJORD',
          occurredAt: sent.occurredAt,
          amount: '500.00',
          currency: 'EUR',
        },
      },
      200,
    );
    expect((await lines(p)).length).toBe(1);
    expect(await p.entries(nordic, 'commission')).toBe(1);
  });
});

describe('payout runs', () => {
  it('proposes what is due with a statement, approved by another admin, sent and paid, exported', async () => {
    const p = await partnerWithReferral();
    await p.purchase('SO-1001', 'FJORD', '1200.00');
    await p.event({
      id: 'RET-1',
      type: 'return',
      account: 'FJORD',
      occurredAt: new Date().toISOString(),
      amount: '300.00',
      currency: 'EUR',
      references: { originalEventId: 'SO-1001' },
    });
    await holdingOver(p);
    const period = currentMonth();
    const run = await p.ok(p.admin, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    expect(run).toMatchObject({ period, unit: 'EUR', status: 'proposed', payoutCount: 1, total: 14000 });
    // Proposed with a key: no name (decision 0051), its id says what it is.
    expect(run).toMatchObject({ proposedBy: expect.stringMatching(/^key_/), proposedByName: null });
    const [payout] = run.payouts;
    expect(payout).toMatchObject({
      accountId: p.nordic,
      amount: 14000,
      status: 'proposed',
      lineCount: 3,
      statement: { openingBalance: 0, commissions: 17000, clawbacks: 3000, payout: 14000, closingBalance: 0 },
    });
    // Its lines read with it (payout_lines), also when listed by payout; other lines are in none.
    const inPayout = await lines(p, `&payout=${payout.id}`);
    expect(inPayout.map((l) => [l.kind, l.status, l.payoutId])).toEqual([
      ['fixed', 'in_payout', payout.id],
      ['percentage', 'in_payout', payout.id],
      ['clawback', 'clawback', payout.id],
    ]);
    expect((await lines(p)).map((l) => l.payoutId)).toEqual([payout.id, payout.id, payout.id]);
    // The due pending credits posted for the run; the money stays in the wallet until approval.
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 14000, pending: 0 });

    // The same period again (also a second proposer): refused, naming the run.
    const again = await p.send(p.write, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'payout_run_exists', runId: run.id });

    // Maker-checker: the proposer cannot approve.
    const own = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/approve`,
      payload: {},
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('payout_run_approver_not_allowed');
    const approved = await p.ok(
      p.admin2,
      { method: 'POST', url: `/v1/payout-runs/${run.id}/approve`, payload: { reason: 'checked' } },
      200,
    );
    expect(approved.status).toBe('approved');
    expect(approved.payouts[0]).toMatchObject({ status: 'pending', entryId: expect.stringMatching(/^ent_/) });
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 0, pending: 0 });
    expect(await p.entries(p.nordic, 'commission_payout')).toBe(1);
    const twice = await p.send(p.admin2, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/cancel`,
      payload: {},
    });
    expect(twice.statusCode).toBe(409);

    const url = `/v1/payout-runs/${run.id}/payouts/${payout.id}/status`;
    await p.ok(p.admin, { method: 'POST', url, payload: { status: 'sent', reference: 'SEPA-0001' } }, 200);
    const paid = await p.ok(p.admin, { method: 'POST', url, payload: { status: 'paid' } }, 200);
    expect(paid).toMatchObject({ status: 'paid', reference: 'SEPA-0001' });
    const late = await p.send(p.admin, { method: 'POST', url, payload: { status: 'failed' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('payout_state_conflict');

    const csv = await p.send(p.read, { method: 'GET', url: `/v1/payout-runs/${run.id}/export.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\n')[1]).toBe(
      `${payout.id},${p.nordic},NORDIC,NORDIC,NO-999888777,,140.00,EUR,paid,SEPA-0001,${period},${run.id},${period}-01,${period}-${lastDay(period)}`,
    );

    // The rest of the order comes back after the payout: the rest of its commissions are clawed
    // back (reversed), a debt that later commissions settle.
    await p.event({
      id: 'RET-2',
      type: 'return',
      account: 'FJORD',
      occurredAt: new Date().toISOString(),
      amount: '900.00',
      currency: 'EUR',
      references: { originalEventId: 'SO-1001' },
    });
    const taken = await lines(p, '&kind=clawback');
    expect(taken.map((l) => [l.amount, l.how])).toEqual([
      [-3000, 'voided'],
      [-5000, 'reversed'],
      [-9000, 'reversed'],
    ]);
    // Those clawbacks came after the payout: they are in none yet (the next run counts them).
    expect((await lines(p, '&kind=clawback')).map((l) => l.payoutId)).toEqual([payout.id, null, null]);
    const wallets = (await p.ok(p.read, { method: 'GET', url: `/v1/accounts/${p.nordic}/wallets` })).data;
    expect(wallets.find((w: Body) => w.unit === 'EUR')).toMatchObject({ available: 0, debt: 14000 });
  });

  it('a failed payout gives the money back; a cancelled run frees its lines for another run', async () => {
    const p = await partnerWithReferral(agencyPlan({ holdingDays: 0 }));
    // Stamped a minute before the attribution (a client's clock): recorded after it, it still pays.
    await p.purchase('SO-1', 'FJORD', '500.00', { occurredAt: new Date(Date.now() - 60_000).toISOString() });
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 10000, pending: 0 });
    const period = currentMonth();
    const first = await p.ok(p.write, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    const cancelled = await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/payout-runs/${first.id}/cancel`, payload: { reason: 'wrong minimum' } },
      200,
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', payouts: [{ status: 'cancelled' }] });
    expect((await lines(p)).every((l) => l.payoutId === null)).toBe(true);

    // Below the minimum: nobody is paid.
    const high = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/payout-runs',
      payload: { period, minimum: '500.00' },
    });
    expect(high.payoutCount).toBe(0);
    await p.ok(p.admin, { method: 'POST', url: `/v1/payout-runs/${high.id}/cancel`, payload: {} }, 200);

    const run = await p.ok(p.write, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    await p.ok(p.admin, { method: 'POST', url: `/v1/payout-runs/${run.id}/approve`, payload: {} }, 200);
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 0, pending: 0 });
    const failed = await p.ok(
      p.admin,
      {
        method: 'POST',
        url: `/v1/payout-runs/${run.id}/payouts/${run.payouts[0].id}/status`,
        payload: { status: 'failed', reason: 'IBAN closed' },
      },
      200,
    );
    expect(failed).toMatchObject({ status: 'failed', refundEntryId: expect.stringMatching(/^ent_/) });
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 10000, pending: 0 });
    expect((await lines(p)).every((l) => l.payoutId === null)).toBe(true);
  });

  it('names a console user who proposed or decided a run to every role that reads runs (decision 0051)', async () => {
    const p = await partnerWithReferral(agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const user = async (email: string, name?: string) =>
      (
        await api.services.users.create(
          p.id,
          { email, password: 'correct horse battery', role: 'admin', ...(name && { name }) },
          FIXTURE,
        )
      ).id;
    const maker = await user(`maker-${p.id}@partners.test`, 'Mia Maker');
    const checker = await user(`checker-${p.id}@partners.test`);
    const period = currentMonth();
    const proposed = await api.services.partners.proposePayoutRun(
      p.id,
      { period },
      { kind: 'user', userId: maker },
    );
    expect(proposed).toMatchObject({ proposedBy: maker, proposedByName: 'Mia Maker', decidedByName: null });
    await api.services.partners.approvePayoutRun(p.id, proposed.id, {}, { kind: 'user', userId: checker });
    // A read key (the console's viewers and approvers have its scope) reads both, by name or e-mail.
    const read = await p.ok(p.read, { method: 'GET', url: `/v1/payout-runs/${proposed.id}` });
    expect(read).toMatchObject({
      proposedBy: maker,
      proposedByName: 'Mia Maker',
      decidedBy: checker,
      decidedByName: `checker-${p.id.toLowerCase()}@partners.test`,
    });
    const listed = (await p.ok(p.read, { method: 'GET', url: `/v1/payout-runs?period=${period}` })).data;
    expect(listed.find((r: Body) => r.id === proposed.id)).toMatchObject({ proposedByName: 'Mia Maker' });
  });
});
