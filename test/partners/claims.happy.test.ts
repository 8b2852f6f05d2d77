// Sales claims through the API: submit, the review queue, approval by another approver paying through
// the earning rules exactly once (the claim becomes a sales.claim_approved event), rejection.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { claimOf, type PartnerProgram, partnerProgram } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

/** A program whose rules pay 2 points per euro of an approved claim, and 50 more for a pro-series line. */
async function withClaimRules(): Promise<PartnerProgram> {
  const p = await partnerProgram(api);
  for (const document of [
    {
      name: 'Sell & Earn: 2 points per euro',
      trigger: { types: ['sales.claim_approved'] },
      effects: [{ kind: 'per_amount', points: '2', per: '1' }],
    },
    {
      name: 'Pro series bonus',
      trigger: { types: ['sales.claim_approved'] },
      condition: "event.items.exists(i, i.attributes.series == 'pro')",
      effects: [{ kind: 'fixed', points: 50 }],
    },
  ])
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rules',
      payload: { document, effectiveFrom: '2026-01-01T00:00:00Z' },
    });
  return p;
}

describe('a sales claim', () => {
  it('is submitted, waits in the queue, and once approved by another approver pays through the rules once', async () => {
    const p = await withClaimRules();
    const reseller = await p.account('RESELLER');
    const seller = await p.contact(reseller, 'sam@reseller.example');
    const submitted = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'INV-2026-001', { contact: seller }),
    });
    expect(submitted).toMatchObject({
      accountId: reseller,
      contactId: seller,
      invoiceNumber: 'INV-2026-001',
      amount: '1250.00',
      currency: 'EUR',
      customerName: 'Fjord Builders',
      status: 'submitted',
      eventId: null,
      awarded: null,
      lines: [
        { sku: 'PUMP-200', quantity: 2, amount: '1000.00', attributes: {} },
        { sku: 'VALVE-10', quantity: 5, amount: '250.00', attributes: { series: 'pro' } },
      ],
    });
    const queue = await p.ok(p.read, { method: 'GET', url: '/v1/claims?status=submitted' });
    expect(queue.data.map((c: { id: string }) => c.id)).toEqual([submitted.id]);

    // Maker-checker: the key that submitted cannot approve.
    const own = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/claims/${submitted.id}/approve`,
      payload: {},
    });
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe('claim_approver_not_allowed');
    expect(await p.wallet(reseller)).toEqual({ available: 0, pending: 0 });

    const approved = await p.ok(
      p.admin2,
      { method: 'POST', url: `/v1/claims/${submitted.id}/approve`, payload: { reason: 'invoice checked' } },
      200,
    );
    expect(approved).toMatchObject({
      status: 'approved',
      decisionReason: 'invoice checked',
      eventId: `claim:${submitted.id}`,
      awarded: { points: 2550, cashback: 0, tierCredits: 0 },
    });
    expect(await p.wallet(reseller)).toEqual({ available: 2550, pending: 0 });
    const event = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/events/${encodeURIComponent(`claim:${submitted.id}`)}`,
    });
    expect(event).toMatchObject({
      type: 'sales.claim_approved',
      accountId: reseller,
      contactId: seller,
      amount: '1250.00',
      references: { claimId: submitted.id, invoiceNumber: 'INV-2026-001' },
    });

    const twice = await p.send(p.admin2, {
      method: 'POST',
      url: `/v1/claims/${submitted.id}/approve`,
      payload: {},
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('claim_state_conflict');
    expect(await p.wallet(reseller)).toEqual({ available: 2550, pending: 0 });

    const audit = await p.ok(p.admin, { method: 'GET', url: `/v1/audit?resourceId=${submitted.id}` });
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual(['claim.approve', 'claim.submit']);
  });

  it('is rejected with a reason and pays nothing', async () => {
    const p = await withClaimRules();
    const reseller = await p.account('RESELLER');
    const claim = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'R-1'),
    });
    const rejected = await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/claims/${claim.id}/reject`, payload: { reason: 'no proof of delivery' } },
      200,
    );
    expect(rejected).toMatchObject({
      status: 'rejected',
      decisionReason: 'no proof of delivery',
      eventId: null,
    });
    const late = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/claims/${claim.id}/approve`,
      payload: {},
    });
    expect(late.statusCode).toBe(409);
    expect(await p.wallet(reseller)).toEqual({ available: 0, pending: 0 });
    const list = await p.ok(p.read, { method: 'GET', url: '/v1/claims?account=RESELLER&status=rejected' });
    expect(list.data.map((c: { id: string }) => c.id)).toEqual([claim.id]);
  });
});
