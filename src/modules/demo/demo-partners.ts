// The demo's partner program (decision 0026): a two-sided referral program, codes of two groups, three
// newcomers referred (one converted by its first order, one waiting for it, one flagged for review
// because it belongs to its referrer's group), and Sell & Earn claims (one approved, two in the queue).
// The portal's demo member's company has a code too, with one business converted and one waiting for
// its first order: the portal's referrals page (decision 0029). Commissions (decision 0032): two plans,
// CRM-0002 on a monthly reseller plan (paid at once: the line of Kestrel's small first order is due) and
// CRM-0014 on the agency plan (its lines pending for 30 days), and the quarter's payout run waiting for
// approval.
import { type Actor, systemActor } from '../../core/access.ts';
import { periodContaining } from '../../core/partners/commission.ts';
import type { EventService } from '../events/events-service.ts';
import type { ImportService } from '../imports/imports-service.ts';
import type { PartnerService } from '../partners/partners-service.ts';
import type { RuleService } from '../rules/rules-service.ts';

/** Who approves the demo's claim: not who submitted it (maker-checker). */
const DEMO_REVIEWER = systemActor('demo-reviewer');

/** The calendar quarter of `now` in the demo's time zone (Europe/Amsterdam), as a payout run names it. */
const quarterOf = (now: Date) => periodContaining(now, 'quarter', 'Europe/Amsterdam').key;

/** An agency plan (fixed + 10% for a year, 30 days pending, a quarterly bonus) and a reseller plan (tiers, paid at once). */
async function commissionPlans(partners: PartnerService, programId: string, actor: Actor): Promise<void> {
  await partners.createCommissionPlan(
    programId,
    {
      code: 'agency-standard',
      name: 'Agency standard',
      unit: 'EUR',
      holdingDays: 30,
      fixed: { amount: '50.00' },
      revenue: { eventTypes: ['purchase'], rate: '10', period: 'month', months: 12 },
      bonus: { period: 'quarter', target: '10000.00', amount: '250.00' },
    },
    actor,
  );
  await partners.createCommissionPlan(
    programId,
    {
      code: 'reseller-monthly',
      name: 'Reseller monthly',
      unit: 'EUR',
      holdingDays: 0,
      revenue: {
        eventTypes: ['purchase'],
        tiers: [
          { from: '0', rate: '5' },
          { from: '5000.00', rate: '8' },
        ],
        period: 'month',
      },
    },
    actor,
  );
  await partners.assignCommissionPlan(programId, 'CRM-0002', 'reseller-monthly', actor);
  await partners.assignCommissionPlan(programId, 'CRM-0014', 'agency-standard', actor);
}

const today = (now: Date) => now.toISOString().slice(0, 10);
const daysAgo = (now: Date, days: number) => today(new Date(now.getTime() - days * 86_400_000));

export async function loadPartnerDemo(
  deps: { partners: PartnerService; imports: ImportService; events: EventService; rules: RuleService },
  programId: string,
  actor: Actor,
  now = new Date(),
): Promise<{ accounts: number; referrals: number; claims: number; payoutRuns: number }> {
  const { partners, imports, events, rules } = deps;
  const newcomers = await imports.importAccounts(
    programId,
    'externalId,name,status\nNEW-0001,Skagen Builders,prospect\nNEW-0002,Kestrel Installations,prospect\nNEW-0003,Fjord Heating,prospect\nNEW-0004,Lindqvist Plumbing,prospect\n',
    {},
    actor,
  );
  await partners.createReferralProgram(
    programId,
    {
      code: 'refer-a-business',
      name: 'Refer a business',
      attributionDays: 30,
      conversion: { eventTypes: ['purchase'], condition: 'event.baseAmount >= 250.0', windowDays: 90 },
      rewards: { referrer: { unit: 'points', amount: 2500 }, referred: { unit: 'EUR', amount: 5000 } },
      guards: { sameGroup: 'flag', sameEmailDomain: 'flag', velocity: { max: 10, days: 30, action: 'flag' } },
      landingUrl: 'https://northwind.example/partners/join?ref={code}',
    },
    actor,
  );
  const first = await partners.createCode(
    programId,
    {
      account: 'CRM-0001',
      referralProgram: 'refer-a-business',
      code: 'NORTHWIND-SKAGEN',
      campaign: 'autumn-2026',
    },
    actor,
  );
  const second = await partners.createCode(
    programId,
    { account: 'CRM-0002', referralProgram: 'refer-a-business', campaign: 'autumn-2026' },
    actor,
  );
  await commissionPlans(partners, programId, actor);
  await partners.attribute(programId, { code: first.code, account: 'NEW-0001' }, actor, now);
  await partners.attribute(programId, { code: second.code, account: 'NEW-0002' }, actor, now);
  // Its own subsidiary: the same group, so the referral waits in the review queue.
  await partners.attribute(programId, { code: first.code, account: 'CRM-0001-1' }, actor, now);
  // Skagen Builders' first order converts its referral: both sides are paid.
  await events.ingest(
    programId,
    {
      id: 'demo-skagen-first-order',
      type: 'purchase',
      account: 'NEW-0001',
      occurredAt: now.toISOString(),
      amount: '1840.00',
      currency: 'EUR',
      references: { orderId: 'SO-NEW-0001' },
    },
    actor,
  );
  // Kestrel's first order is too small to convert its referral; it pays CRM-0002 a commission all the same.
  await events.ingest(
    programId,
    {
      id: 'demo-kestrel-first-order',
      type: 'purchase',
      account: 'NEW-0002',
      occurredAt: now.toISOString(),
      amount: '240.00',
      currency: 'EUR',
      references: { orderId: 'SO-NEW-0002' },
    },
    actor,
  );
  // The portal's demo member's company (CRM-0014) refers two businesses: one has ordered, one not yet.
  const members = await partners.createCode(
    programId,
    {
      account: 'CRM-0014',
      referralProgram: 'refer-a-business',
      code: 'NORTHWIND-DANA',
      campaign: 'installers-2026',
    },
    actor,
  );
  await partners.attribute(programId, { code: members.code, account: 'NEW-0003' }, actor, now);
  await partners.attribute(programId, { code: members.code, account: 'NEW-0004' }, actor, now);
  await events.ingest(
    programId,
    {
      id: 'demo-fjord-first-order',
      type: 'purchase',
      account: 'NEW-0003',
      occurredAt: now.toISOString(),
      amount: '960.00',
      currency: 'EUR',
      references: { orderId: 'SO-NEW-0003' },
    },
    actor,
  );
  // The quarter's commissions that are due (once the orders' follow-ups ran), proposed for payout:
  // another admin approves.
  await events.settled(programId);
  // (Its cutoff is the moment it is proposed: the lines were written after `now`.)
  const proposedAt = new Date();
  await partners.proposePayoutRun(programId, { period: quarterOf(proposedAt) }, actor, proposedAt);
  // Sell & Earn: two points per euro of an approved claim.
  await rules.create(
    programId,
    {
      document: {
        name: 'Sell & Earn: 2 points per euro claimed',
        trigger: { types: ['sales.claim_approved'] },
        effects: [{ kind: 'per_amount', points: '2', per: '1' }],
      },
      effectiveFrom: new Date(now.getTime() - 86_400_000),
    },
    actor,
  );
  const claim = (invoiceNumber: string, date: string, amount: string, sku: string, quantity: number) =>
    partners.submitClaim(
      programId,
      {
        account: 'CRM-0003',
        invoiceNumber,
        invoiceDate: date,
        amount,
        currency: 'EUR',
        customerName: 'Harbour Hotel Group',
        lines: [{ sku, quantity, amount }],
        documentUrl: `https://files.northwind.example/claims/${invoiceNumber}.pdf`,
      },
      actor,
      now,
    );
  const approved = await claim('INV-2026-0412', daysAgo(now, 12), '2400.00', 'HEATPUMP-12', 2);
  await partners.approveClaim(programId, approved.id, { reason: 'Invoice matched' }, DEMO_REVIEWER, now);
  await claim('INV-2026-0433', daysAgo(now, 5), '860.00', 'VALVE-PRO', 20);
  await claim('INV-2026-0440', daysAgo(now, 1), '1299.00', 'BOILER-30', 1);
  return { accounts: newcomers.created, referrals: 5, claims: 3, payoutRuns: 1 };
}
