// The earning programs of issue 5, each modelled purely as data (rules + events) through the API,
// with exact amounts: cashback per category, points per euro with a segment multiplier, engagement
// events, bookings, caps, pending periods, expiry, stacking, one-off bonuses, validity, versions,
// currencies, program event types, prospects, and the explanation of every rule's outcome.
import { beforeAll, describe, expect, it } from 'vitest';
import { expiryFor } from '../../src/core/ledger/expiry.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type EventView, json, newProgram, outcomeOf, type Program, purchase } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function withAccounts(settings: Record<string, object> = {}): Promise<Program> {
  const p = await newProgram(api, settings);
  await p.account('ACME', { segment: 'hospitality', country: 'NL' });
  await p.account('BETA', { segment: 'retail', country: 'BE' });
  return p;
}

describe('cashback per product category', () => {
  it('gives each item the rate of its category as cashback into the EUR cash wallet, in cents', async () => {
    const p = await withAccounts();
    const rule = await p.rule({
      name: 'Category cashback',
      trigger: { types: ['purchase'] },
      effects: [
        {
          kind: 'per_item',
          as: 'cashback',
          rates: [
            { match: { categories: ['beverages'] }, percent: '10' },
            { match: { categories: ['dairy', 'bakery'] }, percent: '5' },
            { match: {}, percent: '2' },
          ],
        },
      ],
    });
    const e = await p.ingested({
      id: 'inv-1',
      type: 'purchase',
      account: 'ACME',
      occurredAt: '2026-03-10T09:00:00Z',
      currency: 'EUR',
      items: [
        { sku: 'COLA-24', category: 'beverages', amount: '200.00' },
        { sku: 'MILK-6', category: 'dairy', quantity: 3, unitPrice: '12.35' },
        { sku: 'PIZZA', category: 'frozen', amount: '99.99' },
      ],
    });
    // 10% of 200.00 = 20.00; 5% of 37.05 = 1.8525 → 1.85; 2% of 99.99 = 1.9998 → 1.99 (rounded down).
    expect(e.result.totals).toEqual({ points: 0, cashback: 2384, tierCredits: 0 });
    expect(e.result.awards).toHaveLength(1);
    expect(e.result.awards[0]).toMatchObject({
      ruleId: rule.id,
      ruleVersion: 1,
      kind: 'cashback',
      unit: 'EUR',
      amount: 2384,
      pendingUntil: null,
    });
    expect(e.result.awards[0]!.entryId).toMatch(/^ent_/);
    expect(e.items[1]).toMatchObject({ sku: 'MILK-6', quantity: 3, unitPrice: '12.35', amount: '37.05' });
    expect(outcomeOf(e, 'Category cashback')).toMatchObject({ outcome: 'awarded' });
    expect(outcomeOf(e, 'Category cashback').reason).toContain('3 matching items');
    const cash = await p.wallet('ACME', 'EUR');
    expect(cash).toMatchObject({ available: 2384, pending: 0, debt: 0 });
    expect(await p.wallet('ACME', 'points')).toBeUndefined();

    // An order without items earns nothing from a per-item rule, and says why.
    const bare = await p.ingested(purchase('inv-2', 'ACME', '2026-03-11T09:00:00Z', '50.00'));
    expect(bare.result.totals.cashback).toBe(0);
    expect(outcomeOf(bare, 'Category cashback')).toMatchObject({ outcome: 'nothing_to_award' });
    expect(outcomeOf(bare, 'Category cashback').reason).toContain('no item of the event matches the rule');
    expect((await p.wallet('ACME', 'EUR'))?.available).toBe(2384);
  });
});

describe('points per euro with a segment multiplier', () => {
  it('doubles the points of hospitality accounts only, and explains both', async () => {
    const p = await withAccounts();
    await p.rule({
      name: '1 point per EUR',
      trigger: { types: ['purchase', 'invoice.paid'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    await p.rule({
      name: 'Hospitality double',
      trigger: { types: ['purchase'] },
      condition: 'account.segment == "hospitality"',
      effects: [{ kind: 'multiplier', factor: '2' }],
    });
    const acme = await p.ingested(purchase('o-1', 'ACME', '2026-04-01T10:00:00Z', '123.45'));
    expect(acme.result.totals.points).toBe(246);
    expect(outcomeOf(acme, 'Hospitality double')).toMatchObject({
      outcome: 'multiplier_applied',
      reason: 'multiplies points by 2',
    });
    expect(outcomeOf(acme, '1 point per EUR').reason).toContain('× 2 (Hospitality double)');
    const beta = await p.ingested(purchase('o-2', 'BETA', '2026-04-01T10:00:00Z', '123.45'));
    expect(beta.result.totals.points).toBe(123);
    expect(outcomeOf(beta, 'Hospitality double')).toMatchObject({
      outcome: 'condition_false',
      reason: 'the condition is false: account.segment == "hospitality"',
    });
    // The multiplier is triggered by purchases only: a paid invoice of the same account is not doubled.
    const invoice = await p.ingested({
      id: 'inv-9',
      type: 'invoice.paid',
      account: 'ACME',
      occurredAt: '2026-04-02T10:00:00Z',
      amount: '10.99',
      currency: 'EUR',
    });
    expect(invoice.result.totals.points).toBe(10);
    expect(outcomeOf(invoice, 'Hospitality double')).toMatchObject({
      outcome: 'not_triggered',
      reason: 'only purchase events trigger it',
    });
    expect((await p.wallet('ACME', 'points'))?.available).toBe(256);
    expect((await p.wallet('BETA', 'points'))?.available).toBe(123);
  });

  it('rounds points per amount with the rule’s rounding mode', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Half up per 10',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '3', per: '10', rounding: 'half_up' }],
    });
    // 3 per 10 EUR on 15.00 = 4.5 → 5 (half up); on 14.99 = 4.497 → 4.
    expect(
      (await p.ingested(purchase('r-1', 'ACME', '2026-04-01T10:00:00Z', '15.00'))).result.totals.points,
    ).toBe(5);
    expect(
      (await p.ingested(purchase('r-2', 'ACME', '2026-04-01T10:00:00Z', '14.99'))).result.totals.points,
    ).toBe(4);
  });
});

describe('engagement events and bookings', () => {
  it('awards points for a survey, a newsletter sign-up and a completed training', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Survey',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 50 }],
    });
    await p.rule({
      name: 'Newsletter',
      trigger: { types: ['newsletter.subscribed'] },
      effects: [{ kind: 'fixed', points: 10 }],
    });
    await p.rule({
      name: 'Advanced training',
      trigger: { types: ['training.completed'] },
      condition: 'event.attributes.level == "advanced"',
      effects: [{ kind: 'fixed', points: 200 }],
    });
    const at = '2026-05-05T08:00:00Z';
    const survey = await p.ingested({ id: 's-1', type: 'survey.completed', account: 'ACME', occurredAt: at });
    expect(survey.result.totals.points).toBe(50);
    expect(survey.amount).toBeNull();
    const news = await p.ingested({
      id: 'n-1',
      type: 'newsletter.subscribed',
      account: 'ACME',
      occurredAt: at,
    });
    expect(news.result.totals.points).toBe(10);
    const training = await p.ingested({
      id: 't-1',
      type: 'training.completed',
      account: 'ACME',
      occurredAt: at,
      attributes: { course: 'LEAP-301', level: 'advanced' },
    });
    expect(training.result.totals.points).toBe(200);
    const basic = await p.ingested({
      id: 't-2',
      type: 'training.completed',
      account: 'ACME',
      occurredAt: at,
      attributes: { course: 'LEAP-101', level: 'basic' },
    });
    expect(basic.result.totals.points).toBe(0);
    expect(outcomeOf(basic, 'Advanced training').outcome).toBe('condition_false');
    expect(outcomeOf(basic, 'Survey')).toMatchObject({
      outcome: 'not_triggered',
      reason: 'only survey.completed events trigger it',
    });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 260, lifetime: { earned: 260 } });
  });

  it('awards points per booking and per night booked', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Per booking',
      trigger: { types: ['booking.made'] },
      effects: [{ kind: 'fixed', points: 100 }],
    });
    await p.rule({
      name: 'Per night',
      trigger: { types: ['booking.made'] },
      effects: [
        { kind: 'per_item', as: 'points', rates: [{ match: { skus: ['NIGHT'] }, pointsPerQuantity: 5 }] },
      ],
    });
    const e = await p.ingested({
      id: 'bk-1',
      type: 'booking.made',
      account: 'BETA',
      occurredAt: '2026-06-01T12:00:00Z',
      items: [
        { sku: 'NIGHT', quantity: 7 },
        { sku: 'EXCURSION', quantity: 2 },
      ],
      references: { bookingId: 'CC-7781' },
    });
    expect(e.result.totals.points).toBe(135);
    expect(e.result.awards.map((a) => a.amount).sort((x, y) => x - y)).toEqual([35, 100]);
    expect(e.references).toEqual({ bookingId: 'CC-7781' });
    expect(await p.wallet('BETA', 'points')).toMatchObject({ available: 135 });
  });
});

describe('caps', () => {
  it('caps a monthly bonus per account: the second event gets less, the third nothing, the next month is fresh', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Monthly order bonus',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 100 }],
      caps: { perAccount: { month: 150 } },
    });
    const first = await p.ingested(purchase('m-1', 'ACME', '2026-03-02T10:00:00Z', '10.00'));
    expect(first.result.totals.points).toBe(100);
    const second = await p.ingested(purchase('m-2', 'ACME', '2026-03-15T10:00:00Z', '10.00'));
    expect(second.result.totals.points).toBe(50);
    expect(outcomeOf(second, 'Monthly order bonus').reason).toContain(
      'limited to 50 by the cap of 150 per account per month (100 already awarded)',
    );
    const third = await p.ingested(purchase('m-3', 'ACME', '2026-03-20T10:00:00Z', '10.00'));
    expect(third.result.totals.points).toBe(0);
    expect(third.result.awards).toEqual([]);
    expect(outcomeOf(third, 'Monthly order bonus').outcome).toBe('nothing_to_award');
    expect(outcomeOf(third, 'Monthly order bonus').reason).toContain(
      'the cap of 150 per account per month (150 already awarded)',
    );
    // Another account has its own cap.
    expect(
      (await p.ingested(purchase('m-4', 'BETA', '2026-03-20T10:00:00Z', '10.00'))).result.totals.points,
    ).toBe(100);
    // 22:30 UTC on 31 March is 00:30 on 1 April in Amsterdam: the program's April, a fresh month.
    const april = await p.ingested(purchase('m-5', 'ACME', '2026-03-31T22:30:00Z', '10.00'));
    expect(april.result.totals.points).toBe(100);
    // A late March event still counts against March's full cap.
    const late = await p.ingested(purchase('m-6', 'ACME', '2026-03-31T21:30:00Z', '10.00'));
    expect(late.result.totals.points).toBe(0);
    expect((await p.wallet('ACME', 'points'))?.available).toBe(250);
  });

  it('caps what a rule awards per event', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Capped per euro',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      caps: { perEvent: 500 },
    });
    const big = await p.ingested(purchase('c-1', 'ACME', '2026-03-02T10:00:00Z', '1234.00'));
    expect(big.result.totals.points).toBe(500);
    expect(outcomeOf(big, 'Capped per euro').reason).toContain('limited to 500 by the cap of 500 per event');
    expect(
      (await p.ingested(purchase('c-2', 'ACME', '2026-03-02T11:00:00Z', '499.99'))).result.totals.points,
    ).toBe(499);
  });
});

describe('pending period and expiry', () => {
  it('keeps an award pending for 30 days, then the due run posts it', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Pending per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      pendingDays: 30,
    });
    const e = await p.ingested(purchase('p-1', 'ACME', '2026-06-01T10:00:00Z', '500.00'));
    expect(e.result.awards[0]).toMatchObject({ amount: 500, pendingUntil: '2026-07-01T10:00:00.000Z' });
    expect(outcomeOf(e, 'Pending per EUR').reason).toContain('pending until 2026-07-01');
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, pending: 500 });
    const entry = await p.send(p.read, {
      method: 'GET',
      url: `/v1/ledger/entries/${e.result.awards[0]!.entryId}`,
    });
    expect(json(entry).entry).toMatchObject({
      phase: 'pending',
      resolveBy: '2026-07-01T10:00:00.000Z',
      amount: 500,
    });

    expect(await api.services.ledger.runDue(p.id, new Date('2026-07-01T09:59:59Z'))).toEqual({
      expired: 0,
      posted: 0,
      voided: 0,
    });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, pending: 500 });
    expect(await api.services.ledger.runDue(p.id, new Date('2026-07-01T10:00:00Z'))).toEqual({
      expired: 0,
      posted: 1,
      voided: 0,
    });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 500, pending: 0 });
    expect(await api.services.ledger.verify(p.id)).toEqual([]);
  });

  it("overrides the program's expiry for a rule's points (days after the event, or never)", async () => {
    const p = await withAccounts({ ledger: { expiry: { kind: 'months_after_earning', months: 12 } } });
    await p.rule({
      name: 'Short-lived',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 40 }],
      expiryDays: 90,
    });
    await p.rule({
      name: 'Forever',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 7 }],
      expiryDays: null,
    });
    const e = await p.ingested({
      id: 'x-1',
      type: 'survey.completed',
      account: 'ACME',
      occurredAt: '2026-05-01T10:00:00Z',
    });
    const short = e.result.awards.find((a) => a.amount === 40)!;
    const forever = e.result.awards.find((a) => a.amount === 7)!;
    expect(short.expiresAt).toBe('2026-07-30T10:00:00.000Z');
    expect(forever.expiresAt).toBeNull();
    const entryOf = async (id: string | null) =>
      json(await p.send(p.read, { method: 'GET', url: `/v1/ledger/entries/${id}` })).entry;
    expect((await entryOf(short.entryId)).expiresAt).toBe('2026-07-30T10:00:00.000Z');
    expect((await entryOf(forever.entryId)).expiresAt).toBeNull();

    expect((await api.services.ledger.runDue(p.id, new Date('2026-07-30T09:59:59Z'))).expired).toBe(0);
    expect((await api.services.ledger.runDue(p.id, new Date('2026-07-30T10:00:00Z'))).expired).toBe(1);
    expect(await p.wallet('ACME', 'points')).toMatchObject({
      available: 7,
      lifetime: { earned: 47, expired: 40 },
    });
  });
});

describe('late events and the program expiry policy', () => {
  it("dates the program's expiry of a late event's points from its occurredAt, like a rule's expiryDays", async () => {
    const policy = { kind: 'months_after_earning', months: 12 } as const;
    const p = await withAccounts({ ledger: { expiry: policy } });
    await p.rule({
      name: 'Survey',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 30 }],
    });
    await p.rule({
      name: 'Survey, 90 days',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 3 }],
      expiryDays: 90,
    });
    // Reported months late (e.g. an ERP back-fill).
    const occurredAt = '2026-01-15T10:00:00Z';
    const e = await p.ingested({ id: 'late-1', type: 'survey.completed', account: 'ACME', occurredAt });
    const entryOf = async (amount: number) =>
      json(
        await p.send(p.read, {
          method: 'GET',
          url: `/v1/ledger/entries/${e.result.awards.find((a) => a.amount === amount)!.entryId}`,
        }),
      ).entry;
    // The override counts from the event…
    expect((await entryOf(3)).expiresAt).toBe('2026-04-15T10:00:00.000Z');
    // …and so should the program's policy: 12 months after the points were earned, not after they were sent.
    const expected = expiryFor(policy, new Date(occurredAt), 'Europe/Amsterdam')?.toISOString();
    expect(expected).toBe('2027-01-15T23:00:00.000Z');
    expect((await entryOf(30)).expiresAt).toBe(expected);
  });
});

describe('priority and stacking', () => {
  it('lets an exclusive rule of higher priority shut out the rules below it, and only those', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Welcome gift',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 1 }],
      priority: 20,
    });
    await p.rule({
      name: 'Hospitality flat',
      trigger: { types: ['purchase'] },
      condition: 'account.segment == "hospitality"',
      effects: [{ kind: 'fixed', points: 500 }],
      priority: 10,
      stacking: 'exclusive',
    });
    await p.rule({
      name: 'Order bonus',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 10 }],
      priority: 5,
    });
    await p.rule({
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const acme = await p.ingested(purchase('s-1', 'ACME', '2026-03-02T10:00:00Z', '100.00'));
    expect(acme.result.totals.points).toBe(501);
    expect(acme.result.rules.map((r) => [r.name, r.priority, r.outcome])).toEqual([
      ['Welcome gift', 20, 'awarded'],
      ['Hospitality flat', 10, 'awarded'],
      ['Order bonus', 5, 'skipped_by_exclusive_rule'],
      ['Per EUR', 0, 'skipped_by_exclusive_rule'],
    ]);
    expect(outcomeOf(acme, 'Per EUR').reason).toBe(
      'the exclusive rule "Hospitality flat" (priority 10) applied first',
    );
    // Where the exclusive rule does not match, the others stack.
    const beta = await p.ingested(purchase('s-2', 'BETA', '2026-03-02T10:00:00Z', '100.00'));
    expect(beta.result.totals.points).toBe(111);
    expect(beta.result.rules.map((r) => r.outcome)).toEqual([
      'awarded',
      'condition_false',
      'awarded',
      'awarded',
    ]);
  });
});

describe('one-off bonus and validity window', () => {
  it('gives a one-off bonus once per account', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Signing bonus',
      trigger: { types: ['contract.signed'] },
      effects: [{ kind: 'fixed', points: 1000, oncePerAccount: true }],
    });
    const at = '2026-02-01T10:00:00Z';
    const first = await p.ingested({ id: 'k-1', type: 'contract.signed', account: 'ACME', occurredAt: at });
    expect(first.result.totals.points).toBe(1000);
    expect(outcomeOf(first, 'Signing bonus').reason).toContain('1000 points (one-off bonus)');
    const again = await p.ingested({ id: 'k-2', type: 'contract.signed', account: 'ACME', occurredAt: at });
    expect(again.result.totals.points).toBe(0);
    expect(outcomeOf(again, 'Signing bonus')).toMatchObject({ outcome: 'nothing_to_award' });
    expect(outcomeOf(again, 'Signing bonus').reason).toContain(
      'the one-off bonus was already given to this account',
    );
    const other = await p.ingested({ id: 'k-3', type: 'contract.signed', account: 'BETA', occurredAt: at });
    expect(other.result.totals.points).toBe(1000);
    expect((await p.wallet('ACME', 'points'))?.available).toBe(1000);
  });

  it('applies a rule only to events inside its validity window (from inclusive, until exclusive)', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'April promo',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 25 }],
      validFrom: '2026-04-01T00:00:00Z',
      validUntil: '2026-05-01T00:00:00Z',
    });
    const before = await p.ingested(purchase('v-1', 'ACME', '2026-03-31T23:59:59Z', '1.00'));
    expect(outcomeOf(before, 'April promo')).toMatchObject({
      outcome: 'outside_validity',
      reason: 'valid from 2026-04-01T00:00:00Z',
    });
    expect(before.result.totals.points).toBe(0);
    const first = await p.ingested(purchase('v-2', 'ACME', '2026-04-01T00:00:00Z', '1.00'));
    expect(first.result.totals.points).toBe(25);
    const end = await p.ingested(purchase('v-3', 'ACME', '2026-05-01T00:00:00Z', '1.00'));
    expect(outcomeOf(end, 'April promo')).toMatchObject({
      outcome: 'outside_validity',
      reason: 'valid until 2026-05-01T00:00:00Z',
    });
    expect((await p.wallet('ACME', 'points'))?.available).toBe(25);
  });
});

describe('rule versions', () => {
  it('evaluates each event with the version in force at its occurredAt, late events included', async () => {
    const p = await withAccounts();
    const v1 = await p.rule(
      { name: 'Order points', trigger: { types: ['purchase'] }, effects: [{ kind: 'fixed', points: 10 }] },
      '2026-01-01T00:00:00Z',
    );
    const put = (document: object, effectiveFrom: string) =>
      p.send(p.admin, { method: 'PUT', url: `/v1/rules/${v1.id}`, payload: { document, effectiveFrom } });
    const v2 = await put(
      { name: 'Order points', trigger: { types: ['purchase'] }, effects: [{ kind: 'fixed', points: 20 }] },
      '2026-06-01T00:00:00Z',
    );
    expect(v2.statusCode, v2.body).toBe(200);
    expect(json(v2)).toMatchObject({ id: v1.id, version: 2, effectiveFrom: '2026-06-01T00:00:00.000Z' });

    const july = await p.ingested(purchase('ver-1', 'ACME', '2026-07-01T10:00:00Z', '5.00'));
    expect(july.result.awards).toMatchObject([{ ruleId: v1.id, ruleVersion: 2, amount: 20 }]);
    // Arrives later, but happened before version 2 took over.
    const late = await p.ingested(purchase('ver-2', 'ACME', '2026-05-31T23:59:59Z', '5.00'));
    expect(late.result.awards).toMatchObject([{ ruleId: v1.id, ruleVersion: 1, amount: 10 }]);
    expect(late.result.rules).toMatchObject([{ ruleId: v1.id, ruleVersion: 1, outcome: 'awarded' }]);

    const history = json(await p.send(p.read, { method: 'GET', url: `/v1/rules/${v1.id}/versions` }));
    expect(
      history.data.map((v: { version: number; effectiveFrom: string; document: { effects: unknown } }) => [
        v.version,
        v.effectiveFrom,
        v.document.effects,
      ]),
    ).toEqual([
      [1, '2026-01-01T00:00:00.000Z', [{ kind: 'fixed', points: 10 }]],
      [2, '2026-06-01T00:00:00.000Z', [{ kind: 'fixed', points: 20 }]],
    ]);
    expect(json(await p.send(p.read, { method: 'GET', url: `/v1/rules/${v1.id}` })).version).toBe(2);
    const asOfMay = json(await p.send(p.read, { method: 'GET', url: '/v1/rules?at=2026-05-01T00:00:00Z' }));
    expect(asOfMay.data.map((r: { version: number }) => r.version)).toEqual([1]);

    // A version may not start before the current one.
    const backwards = await put(
      { name: 'Order points', trigger: { types: ['purchase'] }, effects: [{ kind: 'fixed', points: 30 }] },
      '2026-05-01T00:00:00Z',
    );
    expect(backwards.statusCode).toBe(422);
    expect(json(backwards)).toMatchObject({
      code: 'rule_invalid',
      errors: [{ path: '/body/effectiveFrom', message: 'before the current version' }],
    });
    // Switching it off is a version too: later events do not see the rule at all.
    const off = await put(
      {
        name: 'Order points',
        trigger: { types: ['purchase'] },
        effects: [{ kind: 'fixed', points: 20 }],
        enabled: false,
      },
      '2026-08-01T00:00:00Z',
    );
    expect(json(off).version).toBe(3);
    const august = await p.ingested(purchase('ver-3', 'ACME', '2026-08-02T10:00:00Z', '5.00'));
    expect(august.result.rules).toEqual([]);
    expect(august.result.totals.points).toBe(0);
    const history2 = json(await p.send(p.read, { method: 'GET', url: `/v1/rules/${v1.id}/versions` }));
    expect(history2.data.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect((await p.wallet('ACME', 'points'))?.available).toBe(30);
  });
});

describe('currencies', () => {
  it('converts an event in another currency at the rate in force at its occurredAt and stores the rate', async () => {
    const p = await withAccounts();
    const set = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/fx-rates',
      payload: {
        rates: [
          { currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' },
          { currency: 'USD', rate: '0.8', effectiveFrom: '2026-03-01' },
        ],
      },
    });
    expect(set.statusCode, set.body).toBe(200);
    // A date starts at local midnight in the program's time zone (CET: 23:00 UTC the day before).
    expect(json(set).data).toEqual([
      { currency: 'USD', baseCurrency: 'EUR', rate: '0.9', effectiveFrom: '2025-12-31T23:00:00.000Z' },
      { currency: 'USD', baseCurrency: 'EUR', rate: '0.8', effectiveFrom: '2026-02-28T23:00:00.000Z' },
    ]);
    await p.rule({
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const feb = await p.ingested(
      purchase('fx-1', 'ACME', '2026-02-15T10:00:00Z', '100.00', { currency: 'USD' }),
    );
    expect(feb).toMatchObject({
      amount: '100.00',
      currency: 'USD',
      baseCurrency: 'EUR',
      baseAmount: '90.00',
      fxRate: '0.9',
    });
    expect(feb.result.totals.points).toBe(90);
    // 00:30 on 1 March in Amsterdam: the March rate.
    const march = await p.ingested(
      purchase('fx-2', 'ACME', '2026-02-28T23:30:00Z', '100.00', { currency: 'USD' }),
    );
    expect(march).toMatchObject({ baseAmount: '80.00', fxRate: '0.8' });
    // 33.33 × 0.9 = 29.997 → 30.00 (to the cent, half to even).
    const odd = await p.ingested(
      purchase('fx-3', 'ACME', '2026-02-16T10:00:00Z', '33.33', { currency: 'USD' }),
    );
    expect(odd).toMatchObject({ baseAmount: '30.00', fxRate: '0.9' });
    expect(odd.result.totals.points).toBe(30);
    // The stored event keeps its rate, whatever rates are set later.
    await p.send(p.admin, {
      method: 'POST',
      url: '/v1/fx-rates',
      payload: { rates: [{ currency: 'USD', rate: '0.5', effectiveFrom: '2026-01-01' }] },
    });
    const stored = json(await p.send(p.read, { method: 'GET', url: '/v1/events/fx-1' }));
    expect(stored).toMatchObject({ baseAmount: '90.00', fxRate: '0.9' });
    expect((await p.wallet('ACME', 'points'))?.available).toBe(200);
  });

  it('keeps the largest amount the schema accepts exact in the base currency', async () => {
    const p = await withAccounts();
    // 15 digits and 2 decimals: 9,999,999,999,999,999 cents, above 2^53.
    const e = await p.ingested(purchase('huge-1', 'ACME', '2026-04-01T10:00:00Z', '99999999999999.99'));
    expect(e.amount).toBe('99999999999999.99');
    expect(e.baseAmount).toBe('99999999999999.99');
  });

  it('imports rates from a CSV file and uses them (JPY has no decimals)', async () => {
    const p = await withAccounts();
    const imported = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/fx-rates/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'currency,rate,effectiveFrom\nGBP,1.15,2026-01-01\nJPY,0.0062,2026-01-01T00:00:00Z\n',
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(json(imported).data).toEqual([
      { currency: 'GBP', baseCurrency: 'EUR', rate: '1.15', effectiveFrom: '2025-12-31T23:00:00.000Z' },
      { currency: 'JPY', baseCurrency: 'EUR', rate: '0.0062', effectiveFrom: '2026-01-01T00:00:00.000Z' },
    ]);
    const listed = json(await p.send(p.read, { method: 'GET', url: '/v1/fx-rates?currency=JPY' }));
    expect(listed.data).toEqual([json(imported).data[1]]);
    // An invalid row: nothing is imported, the row is named by its line.
    const bad = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/fx-rates/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'currency,rate,effectiveFrom\nCHF,1.05,2026-01-01\nUSD,0,2026-01-01\n',
    });
    expect(bad.statusCode).toBe(422);
    expect(json(bad)).toMatchObject({ code: 'import_invalid_rows', errors: [{ line: 3, path: 'rate' }] });
    expect(json(await p.send(p.read, { method: 'GET', url: '/v1/fx-rates' })).data).toHaveLength(2);

    await p.rule({
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    const yen = await p.ingested(
      purchase('jp-1', 'ACME', '2026-02-01T10:00:00Z', '10000', { currency: 'JPY' }),
    );
    expect(yen).toMatchObject({ amount: '10000', currency: 'JPY', baseAmount: '62.00', fxRate: '0.0062' });
    expect(yen.result.totals.points).toBe(62);
    const pound = await p.ingested(
      purchase('gb-1', 'ACME', '2026-02-01T10:00:00Z', '10.00', { currency: 'GBP' }),
    );
    expect(pound).toMatchObject({ baseAmount: '11.50', fxRate: '1.15' });
    expect(pound.result.totals.points).toBe(11);
  });
});

describe('program event types', () => {
  it('registers a type with an attributes schema and uses its attributes in a rule condition', async () => {
    const p = await withAccounts();
    const rule = {
      name: 'Heavy recycling',
      trigger: { types: ['cartridge.recycled'] },
      condition: 'event.attributes.kg >= 10.0',
      effects: [{ kind: 'fixed', points: 50 }],
    };
    // Unknown until registered.
    const early = await p.send(p.admin, { method: 'POST', url: '/v1/rules', payload: { document: rule } });
    expect(early.statusCode).toBe(422);
    expect(json(early)).toMatchObject({
      code: 'rule_invalid',
      errors: [{ path: '/body/document/trigger/types/0', message: 'unknown event type cartridge.recycled' }],
    });
    const type = {
      type: 'cartridge.recycled',
      description: 'Empty cartridges handed in',
      attributesSchema: {
        type: 'object',
        properties: { kg: { type: 'number', minimum: 0 }, site: { type: 'string' } },
        required: ['kg'],
        additionalProperties: false,
      },
    };
    const registered = await p.send(p.admin, { method: 'POST', url: '/v1/event-types', payload: type });
    expect(registered.statusCode, registered.body).toBe(201);
    expect(json(registered)).toEqual({ ...type, builtIn: false });
    const twice = await p.send(p.admin, { method: 'POST', url: '/v1/event-types', payload: type });
    expect(twice.statusCode).toBe(409);
    expect(json(twice).code).toBe('event_type_exists');
    const builtIn = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/event-types',
      payload: { ...type, type: 'purchase' },
    });
    expect(json(builtIn).code).toBe('event_type_exists');
    const types = json(await p.send(p.read, { method: 'GET', url: '/v1/event-types' })).data;
    expect(types.filter((t: { builtIn: boolean }) => !t.builtIn)).toEqual([{ ...type, builtIn: false }]);
    expect(types.filter((t: { builtIn: boolean }) => t.builtIn)).toHaveLength(15);

    await p.rule(rule);
    const at = '2026-04-04T10:00:00Z';
    const heavy = await p.ingested({
      id: 'rc-1',
      type: 'cartridge.recycled',
      account: 'ACME',
      occurredAt: at,
      attributes: { kg: 12.5 },
    });
    expect(heavy.result.totals.points).toBe(50);
    const exact = await p.ingested({
      id: 'rc-2',
      type: 'cartridge.recycled',
      account: 'ACME',
      occurredAt: at,
      attributes: { kg: 10 },
    });
    expect(exact.result.totals.points).toBe(50);
    const light = await p.ingested({
      id: 'rc-3',
      type: 'cartridge.recycled',
      account: 'ACME',
      occurredAt: at,
      attributes: { kg: 9.99 },
    });
    expect(light.result.totals.points).toBe(0);
    expect(outcomeOf(light, 'Heavy recycling')).toMatchObject({
      outcome: 'condition_false',
      reason: 'the condition is false: event.attributes.kg >= 10.0',
    });
    // Attributes outside the schema are refused, and nothing is stored.
    const bad = await p.ingest({
      id: 'rc-4',
      type: 'cartridge.recycled',
      account: 'ACME',
      occurredAt: at,
      attributes: { kg: 'lots' },
    });
    expect(bad.statusCode).toBe(422);
    expect(json(bad)).toMatchObject({
      code: 'event_attributes_invalid',
      errors: [{ path: '/body/attributes/kg' }],
    });
    const missing = await p.ingest({
      id: 'rc-5',
      type: 'cartridge.recycled',
      account: 'ACME',
      occurredAt: at,
    });
    expect(json(missing).code).toBe('event_attributes_invalid');
    const unknown = await p.ingest({ id: 'rc-6', type: 'toner.recycled', account: 'ACME', occurredAt: at });
    expect(json(unknown)).toMatchObject({ code: 'event_type_unknown', errors: [{ path: '/body/type' }] });
    expect((await p.counts()).events).toBe(3);
    expect((await p.wallet('ACME', 'points'))?.available).toBe(100);
  });
});

describe('unknown accounts', () => {
  it('creates a prospect account for an unknown reference when the program says so', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Survey',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 5 }],
    });
    const event = {
      id: 'u-1',
      type: 'survey.completed',
      account: 'NEW-42',
      occurredAt: '2026-04-04T10:00:00Z',
    };
    const refused = await p.ingest(event);
    expect(refused.statusCode).toBe(404);
    expect(json(refused)).toMatchObject({ code: 'account_not_found', errors: [{ path: '/body/account' }] });
    expect((await p.send(p.read, { method: 'GET', url: '/v1/accounts/NEW-42' })).statusCode).toBe(404);

    const patched = await p.send(p.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { events: { unknownAccount: 'create_prospect' } } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const e = await p.ingested(event);
    expect(e.result.totals.points).toBe(5);
    const account = json(await p.send(p.read, { method: 'GET', url: '/v1/accounts/NEW-42' }));
    expect(account).toMatchObject({ id: e.accountId, externalId: 'NEW-42', status: 'prospect' });
    expect((await p.wallet('NEW-42', 'points'))?.available).toBe(5);
    // The next event of that reference goes to the same account.
    const next = await p.ingested({ ...event, id: 'u-2' });
    expect(next.accountId).toBe(e.accountId);
  });
});

describe('the evaluation result', () => {
  it('says for every rule what it gave or why it did not match, and is returned again on reads', async () => {
    const p = await withAccounts();
    await p.rule({
      name: 'Big orders',
      trigger: { types: ['purchase'] },
      condition: 'event.amount >= 1000.0',
      effects: [{ kind: 'fixed', points: 100 }],
    });
    await p.rule({
      name: 'Web orders',
      trigger: { types: ['purchase'] },
      condition: 'event.attributes.channel == "web"',
      effects: [{ kind: 'fixed', points: 5 }],
    });
    await p.rule({
      name: 'Survey',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 5 }],
    });
    await p.rule({
      name: 'Per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    await p.rule({
      name: 'Next year',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 1 }],
      validFrom: '2027-01-01T00:00:00Z',
    });
    const e = await p.ingested(purchase('why-1', 'ACME', '2026-04-04T10:00:00Z', '999.99'));
    const byName = Object.fromEntries(e.result.rules.map((r) => [r.name, r]));
    expect(byName['Big orders']).toMatchObject({
      outcome: 'condition_false',
      reason: 'the condition is false: event.amount >= 1000.0',
      awards: [],
    });
    expect(byName['Web orders']!.outcome).toBe('condition_error');
    expect(byName['Web orders']!.reason).toMatch(/^the condition could not be evaluated: .*channel/);
    expect(byName.Survey).toMatchObject({
      outcome: 'not_triggered',
      reason: 'only survey.completed events trigger it',
    });
    expect(byName['Per EUR']).toMatchObject({
      outcome: 'awarded',
      reason: 'Per EUR: 1 point per EUR on €999.99 = 999',
    });
    expect(byName['Next year']).toMatchObject({
      outcome: 'outside_validity',
      reason: 'valid from 2027-01-01T00:00:00Z',
    });
    expect(e.result.rules).toHaveLength(5);
    expect(e.result.totals).toEqual({ points: 999, cashback: 0, tierCredits: 0 });
    expect(e.result.awards).toHaveLength(1);
    expect(e.result.awards[0]!.explanation).toBe('Per EUR: 1 point per EUR on €999.99 = 999');

    const byClientId = json(await p.send(p.read, { method: 'GET', url: '/v1/events/why-1' }));
    const byOurId = json(await p.send(p.read, { method: 'GET', url: `/v1/events/${e.internalId}` }));
    expect(byClientId).toEqual(e);
    expect(byOurId).toEqual(e);
    // The ledger line carries the explanation, naming the event.
    const history = json(
      await p.send(p.read, { method: 'GET', url: '/v1/accounts/ACME/wallets/points/history' }),
    );
    expect(history.data).toMatchObject([
      {
        amount: 999,
        explanation: 'Per EUR: 1 point per EUR on €999.99 = 999 (purchase why-1)',
        source: { type: 'event', id: e.internalId },
      },
    ]);
    await p.ingested({
      id: 'why-2',
      type: 'survey.completed',
      account: 'ACME',
      occurredAt: '2026-04-05T10:00:00Z',
    });
    await p.ingested(purchase('why-3', 'BETA', '2026-04-06T10:00:00Z', '1.00'));
    const page1 = json(await p.send(p.read, { method: 'GET', url: '/v1/events?limit=2' }));
    expect(page1.data.map((x: EventView) => x.id)).toEqual(['why-3', 'why-2']);
    const page2 = json(
      await p.send(p.read, { method: 'GET', url: `/v1/events?limit=2&cursor=${page1.nextCursor}` }),
    );
    expect(page2).toMatchObject({ nextCursor: null });
    expect(page2.data.map((x: EventView) => x.id)).toEqual(['why-1']);
    const listed = json(
      await p.send(p.read, { method: 'GET', url: '/v1/events?account=ACME&type=purchase' }),
    );
    expect(listed.data.map((x: EventView) => x.id)).toEqual(['why-1']);
    expect(json(await p.send(p.read, { method: 'GET', url: '/v1/events?account=BETA' })).data).toMatchObject([
      { id: 'why-3' },
    ]);
    const unknown = await p.send(p.read, { method: 'GET', url: '/v1/events?account=NOBODY' });
    expect([unknown.statusCode, json(unknown).code]).toEqual([404, 'account_not_found']);
    const garbage = await p.send(p.read, { method: 'GET', url: '/v1/events?cursor=garbage' });
    expect([garbage.statusCode, json(garbage).code]).toEqual([400, 'invalid_cursor']);
    const missing = await p.send(p.read, { method: 'GET', url: '/v1/events/nothing-here' });
    expect([missing.statusCode, json(missing).code]).toEqual([404, 'event_not_found']);
  });
});

describe('an event no rule applies to', () => {
  it('says why it earns nothing: no rule in force yet, or none triggered by its type (also in simulation)', async () => {
    const p = await withAccounts();
    await p.rule(
      {
        name: 'Per EUR',
        trigger: { types: ['purchase'] },
        effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      },
      '2026-12-01T09:14:00Z',
    );
    const early = await p.ingested(purchase('early-1', 'ACME', '2026-11-20T10:00:00Z', '100.00'));
    expect(early.result).toMatchObject({
      rules: [],
      totals: { points: 0 },
      notes: ['no rule was in force at 2026-11-20T10:00:00Z; the earliest starts 2026-12-01T09:14:00Z'],
    });
    const survey = await p.ingested({
      id: 'survey-1',
      type: 'survey.completed',
      account: 'ACME',
      occurredAt: '2026-12-02T10:00:00Z',
    });
    expect(survey.result.rules).toMatchObject([{ name: 'Per EUR', outcome: 'not_triggered' }]);
    expect(survey.result.notes).toEqual([
      'no rule in force at 2026-12-02T10:00:00Z is triggered by event type survey.completed',
    ]);
    // An event some rule looks at explains itself through that rule's outcome: no note.
    const later = await p.ingested(purchase('later-1', 'ACME', '2026-12-02T10:00:00Z', '100.00'));
    expect(later.result).toMatchObject({ totals: { points: 100 }, notes: [] });

    const simulated = await p.send(p.read, {
      method: 'POST',
      url: '/v1/rules/simulate',
      payload: { events: [purchase('sim-1', 'ACME', '2026-11-20T10:00:00Z', '100.00')] },
    });
    expect(simulated.statusCode, simulated.body).toBe(200);
    expect(json(simulated).results[0].result.notes).toEqual([
      'no rule was in force at 2026-11-20T10:00:00Z; the earliest starts 2026-12-01T09:14:00Z',
    ]);
  });
});

describe('conditions over the account, its group, the contact and the items', () => {
  it('matches on country, attributes, hierarchy, contact role and items', async () => {
    const p = await newProgram(api);
    const group = await p.account('GROUP-1');
    await p.account('SITE-1', { parentId: group, country: 'NL', attributes: { stars: 4 } });
    await p.account('SOLO-1', { country: 'BE', attributes: { stars: 2 } });
    const owner = json(
      await p.send(p.write, {
        method: 'POST',
        url: '/v1/accounts/SITE-1/contacts',
        payload: { email: 'owner@site.example', role: 'owner' },
      }),
    );
    const rules: Array<[string, string, number]> = [
      ['Dutch', 'account.country == "NL"', 1],
      ['Starred', 'account.attributes.stars >= 3', 2],
      ['Group member', '"GROUP-1" in account.ancestors', 4],
      ['Owner', 'contact.present && contact.role == "owner"', 8],
      ['Beverages', 'event.items.exists(i, i.category == "beverages" && i.quantity >= 2)', 16],
    ];
    for (const [name, condition, points] of rules)
      await p.rule({
        name,
        trigger: { types: ['purchase'] },
        condition,
        effects: [{ kind: 'fixed', points }],
      });
    const items = [{ sku: 'COLA', category: 'beverages', quantity: 2, unitPrice: '1.00' }];
    const site = await p.ingested({
      ...purchase('c-1', 'SITE-1', '2026-04-01T10:00:00Z', '2.00'),
      contact: owner.id,
      items,
    });
    expect(site.result.totals.points).toBe(31);
    const solo = await p.ingested({
      ...purchase('c-2', 'SOLO-1', '2026-04-01T10:00:00Z', '2.00'),
      items: [],
    });
    expect(solo.result.totals.points).toBe(0);
    expect(solo.result.rules.map((r) => r.outcome)).toEqual(
      Array.from({ length: 5 }, () => 'condition_false'),
    );
  });
});

describe('cash and attribute effects (a travel agency)', () => {
  it('pays points per night booked and a fixed cashback per booking, and refuses a non-number attribute', async () => {
    const p = await withAccounts();
    const type = {
      type: 'hotel.booked',
      description: 'A hotel booking by an agent',
      attributesSchema: {
        type: 'object',
        properties: { nights: { type: 'integer', minimum: 1 }, hotel: { type: 'string' } },
        required: ['nights'],
      },
    };
    const registered = await p.send(p.admin, { method: 'POST', url: '/v1/event-types', payload: type });
    expect(registered.statusCode, registered.body).toBe(201);
    await p.rule({
      name: '100 points a night',
      trigger: { types: ['hotel.booked'] },
      effects: [{ kind: 'per_amount', points: '100', per: '1', of: 'nights' }],
    });
    await p.rule({
      name: '5.00 per booking',
      trigger: { types: ['hotel.booked'] },
      effects: [{ kind: 'fixed', cashback: '5.00' }],
    });
    const booked = await p.ingested({
      id: 'bk-1',
      type: 'hotel.booked',
      account: 'ACME',
      occurredAt: '2026-03-10T09:00:00Z',
      attributes: { nights: 4, hotel: 'Grand' },
    });
    expect(booked.result.totals).toEqual({ points: 400, cashback: 500, tierCredits: 0 });
    expect(outcomeOf(booked, '100 points a night').reason).toContain('per nights on 4 = 400');
    expect((await p.wallet('ACME', 'points'))?.available).toBe(400);
    expect((await p.wallet('ACME', 'EUR'))?.available).toBe(500);

    const bad = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/rules',
      payload: {
        document: {
          name: 'Per hotel',
          trigger: { types: ['hotel.booked'] },
          effects: [{ kind: 'per_amount', points: '1', per: '1', of: 'hotel' }],
        },
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(json(bad).code).toBe('rule_invalid');
    expect(json(bad).errors).toEqual([
      {
        path: '/body/document/effects/0/of',
        message:
          "hotel is not a number attribute of hotel.booked (declare it in the event type's attributesSchema)",
      },
    ]);
    const both = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/rules',
      payload: {
        document: {
          name: 'Both',
          trigger: { types: ['hotel.booked'] },
          effects: [{ kind: 'fixed', points: 5, cashback: '1.00' }],
        },
      },
    });
    expect(json(both).errors[0].path).toBe('/body/document/effects/0');
  });
});
