// Tier ladders of issue 6, configured purely as data and exercised through the API with exact
// tiers, dates and history: a five-tier ladder on an operator-sent balance, a three-tier partner
// ladder on rolling 12-month spend (threshold and instant upgrades, renewal, grace, soft landing),
// freezes and overrides, group qualification, rules that read the tier at occurredAt, reshaping a
// ladder, and a due run that gives the same result when repeated or run late.
// The clock (Date only) is frozen per scenario: progress and "now" defaults are exact.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import {
  clockAt,
  json,
  type ProgressView,
  partnerLadder,
  steps,
  type TierProgram,
  tierProgram,
} from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

afterEach(() => {
  vi.useRealTimers();
});

const only = (progress: ProgressView[]) => {
  expect(progress).toHaveLength(1);
  return progress[0]!;
};

describe('a five-tier ladder on combined balance (operator-sent metric, calendar year)', () => {
  const balanceLadder = {
    name: 'Relationship rewards',
    metric: 'operator_value',
    window: { kind: 'calendar_year' },
    tiers: [
      { code: 'gold', name: 'Gold', threshold: '20000' },
      { code: 'platinum', name: 'Platinum', threshold: '40000', multiplier: '1.25' },
      { code: 'platinum_honors', name: 'Platinum Honors', threshold: '100000', perks: ['vip_support'] },
      { code: 'diamond', name: 'Diamond', threshold: '1000000', perks: ['dedicated_account_manager'] },
      { code: 'diamond_honors', name: 'Diamond Honors', threshold: '10000000' },
    ],
  };

  it('lifts the tier as soon as a value crosses a threshold, shows progress, and requalifies at the year end', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(balanceLadder);
    const bal = await p.account('BAL');
    const b2 = await p.account('BAL2');
    const b3 = await p.account('BAL3');
    const values = (list: object[]) =>
      p.send(p.write, {
        method: 'POST',
        url: `/v1/tier-ladders/${ladderId}/metric-values`,
        payload: { values: list },
      });

    const first = await values([{ account: 'BAL', value: '45000.50' }]);
    expect(first.statusCode, first.body).toBe(200);
    expect(json(first)).toEqual({ data: [{ accountId: bal, tier: 'platinum' }] });
    expect(await p.history('BAL')).toMatchObject([
      {
        ladderId,
        from: null,
        to: 'platinum',
        fromName: null,
        toName: 'Platinum',
        reason: 'threshold',
        metric: '45000.5',
        at: '2026-06-15T10:00:00.000Z',
      },
    ]);
    expect(only(await p.progress('BAL'))).toEqual({
      ladderId,
      ladderName: 'Relationship rewards',
      qualifyingAccountId: bal,
      tier: 'platinum',
      tierName: 'Platinum',
      since: '2026-06-15T10:00:00.000Z',
      // 1 January 2027, 00:00 in Amsterdam.
      securedUntil: '2026-12-31T23:00:00.000Z',
      graceUntil: null,
      override: null,
      multiplier: '1.25',
      perks: [],
      metric: '45000.5',
      windowStart: '2025-12-31T23:00:00.000Z',
      qualifies: null,
      next: {
        tier: 'platinum_honors',
        name: 'Platinum Honors',
        threshold: '100000',
        needed: '54999.5',
        by: '2026-12-31T23:00:00.000Z',
      },
      nextEvaluation: {
        at: '2026-12-31T23:00:00.000Z',
        outcome: 'if the metric stays 45000.5: keeps Platinum',
      },
    });

    // Several accounts in one call; a threshold is reached exactly, or missed by its last decimal.
    const many = await values([
      { account: 'BAL2', value: '20000' },
      { account: b3, value: '19999.9999' },
    ]);
    expect(json(many)).toEqual({
      data: [
        { accountId: b2, tier: 'gold' },
        { accountId: b3, tier: null },
      ],
    });
    expect(await p.history('BAL3')).toEqual([]);

    // A jump over two tiers is one change.
    clockAt('2026-07-01T10:00:00Z');
    expect(json(await values([{ account: 'BAL', value: '1500000' }])).data).toEqual([
      { accountId: bal, tier: 'diamond' },
    ]);
    // A lower value never lowers the tier before the period end.
    clockAt('2026-08-01T10:00:00Z');
    expect(json(await values([{ account: 'BAL', value: '10' }])).data).toEqual([
      { accountId: bal, tier: 'diamond' },
    ]);
    expect(steps(await p.history('BAL'))).toEqual([
      '-→platinum threshold 2026-06-15T10:00:00.000Z',
      'platinum→diamond threshold 2026-07-01T10:00:00.000Z',
    ]);
    expect(only(await p.progress('BAL'))).toMatchObject({
      tier: 'diamond',
      since: '2026-07-01T10:00:00.000Z',
      securedUntil: '2026-12-31T23:00:00.000Z',
      perks: ['dedicated_account_manager'],
      metric: '10',
      next: { tier: 'diamond_honors', needed: '9999990' },
      nextEvaluation: {
        at: '2026-12-31T23:00:00.000Z',
        outcome: 'if the metric stays 10: moves from Diamond to no tier',
      },
    });

    // The year end: no grace, no soft landing: down to what 10 qualifies for. BAL3 (no tier) is never due.
    expect(await p.due('2027-01-05T00:00:00Z')).toMatchObject({ evaluated: 2, changed: 1 });
    const history = await p.history('BAL');
    expect(history.at(-1)).toMatchObject({
      from: 'diamond',
      to: null,
      fromName: 'Diamond',
      toName: null,
      reason: 'period_end',
      metric: '10',
      at: '2026-12-31T23:00:00.000Z',
      actor: 'job',
    });
    expect(history).toHaveLength(3);
    expect(only(await p.progress('BAL'))).toMatchObject({
      tier: null,
      securedUntil: null,
      graceUntil: null,
      nextEvaluation: null,
    });
    // BAL2 still has 20000 (the latest value) and requalifies for gold: no change.
    expect(steps(await p.history('BAL2'))).toEqual(['-→gold threshold 2026-06-15T10:00:00.000Z']);
    expect(only(await p.progress('BAL2'))).toMatchObject({
      tier: 'gold',
      since: '2026-06-15T10:00:00.000Z',
      securedUntil: '2027-12-31T23:00:00.000Z',
    });
  });
});

describe('the due run names its instant asOf, like the other due runs', () => {
  const yearLadder = {
    name: 'Balance',
    metric: 'operator_value',
    window: { kind: 'calendar_year' },
    tiers: [{ code: 'gold', name: 'Gold', threshold: '20000' }],
  };
  /** A program whose account holds gold from a value in June and is due at the year end. */
  async function goldUntilYearEnd(): Promise<TierProgram> {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(yearLadder);
    await p.account('DUE');
    for (const value of ['25000', '10']) {
      const r = await p.send(p.write, {
        method: 'POST',
        url: `/v1/tier-ladders/${ladderId}/metric-values`,
        payload: { values: [{ account: 'DUE', value }] },
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    return p;
  }
  const run = (p: TierProgram, payload: object) =>
    p.send(p.admin, { method: 'POST', url: '/v1/tiers/due-runs', payload });

  it('takes asOf, and at (its deprecated name) still', async () => {
    for (const name of ['asOf', 'at']) {
      const p = await goldUntilYearEnd();
      const early = await run(p, { [name]: '2026-12-01T00:00:00Z' });
      expect(early.statusCode, early.body).toBe(200);
      expect(json(early), name).toMatchObject({ evaluated: 0, changed: 0 });
      const late = await run(p, { [name]: '2027-01-05T00:00:00Z' });
      expect(json(late), name).toMatchObject({ evaluated: 1, changed: 1 });
      expect(steps(await p.history('DUE')).at(-1), name).toBe('gold→- period_end 2026-12-31T23:00:00.000Z');
    }
  });

  it('announces a downgrade ahead once per evaluation date, with what keeping the tier needs', async () => {
    const p = await goldUntilYearEnd();
    const hook = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: 'https://hooks.example.com/tiers', eventTypes: ['tier.downgrade_upcoming'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    // KEEP holds gold too, with enough for the year end: never announced.
    await p.account('KEEP');
    const [ladder] = (await p.send(p.read, { method: 'GET', url: '/v1/tier-ladders' })).json().data;
    const kept = await p.send(p.write, {
      method: 'POST',
      url: `/v1/tier-ladders/${ladder.id}/metric-values`,
      payload: { values: [{ account: 'KEEP', value: '30000' }] },
    });
    expect(kept.statusCode, kept.body).toBe(200);
    const notices = async () =>
      (await p.send(p.admin, { method: 'GET', url: '/v1/webhook-messages?limit=100' }))
        .json()
        .data.filter((m: { type: string }) => m.type === 'tier.downgrade_upcoming');
    // Due 2026-12-31T23:00Z: not within 30 days of 15 November.
    expect(json(await run(p, { asOf: '2026-11-15T00:00:00Z' }))).toEqual({
      evaluated: 0,
      changed: 0,
      downgradesAnnounced: 0,
    });
    expect(json(await run(p, { asOf: '2026-12-02T00:00:00Z' }))).toMatchObject({ downgradesAnnounced: 1 });
    const [notice] = await notices();
    expect(notice.payload).toEqual({
      ladderId: ladder.id,
      ladderName: 'Balance',
      accountId: (await p.progress('DUE'))[0]!.qualifyingAccountId,
      fromCode: 'gold',
      fromName: 'Gold',
      toCode: null,
      toName: null,
      downgradeAt: '2026-12-31T23:00:00.000Z',
      metric: '10',
      threshold: '20000',
      needed: '19990',
    });
    // Once per evaluation date, however often the run comes.
    expect(json(await run(p, { asOf: '2026-12-03T00:00:00Z' }))).toMatchObject({ downgradesAnnounced: 0 });
    expect(await notices()).toHaveLength(1);
    // The year end downgrades it; a ladder with downgradeNoticeDays 0 announces nothing.
    expect(json(await run(p, { asOf: '2027-01-05T00:00:00Z' }))).toMatchObject({ evaluated: 2, changed: 1 });
    const silent = await tierProgram(api);
    await silent.ladder({ ...yearLadder, downgradeNoticeDays: 0 });
    await silent.account('DUE');
    const [quiet] = (await silent.send(silent.read, { method: 'GET', url: '/v1/tier-ladders' })).json().data;
    for (const value of ['25000', '10'])
      await silent.send(silent.write, {
        method: 'POST',
        url: `/v1/tier-ladders/${quiet.id}/metric-values`,
        payload: { values: [{ account: 'DUE', value }] },
      });
    expect(json(await run(silent, { asOf: '2026-12-02T00:00:00Z' }))).toMatchObject({
      downgradesAnnounced: 0,
    });
  });

  it('refuses asOf and at naming different instants; the same instant under both names is fine', async () => {
    const p = await goldUntilYearEnd();
    const both = await run(p, { asOf: '2027-01-05T00:00:00Z', at: '2026-12-01T00:00:00Z' });
    expect(both.statusCode, both.body).toBe(400);
    expect(json(both)).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/at' }] });
    expect(steps(await p.history('DUE'))).toHaveLength(1);
    const same = await run(p, { asOf: '2027-01-05T00:00:00Z', at: '2027-01-05T00:00:00.000Z' });
    expect(json(same)).toMatchObject({ evaluated: 1, changed: 1 });
  });
});

describe('history stays a timeline', () => {
  it('after a back-dated operator value, the latest change in the history is the current tier', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder({
      name: 'Balance',
      metric: 'operator_value',
      window: { kind: 'calendar_year' },
      tiers: [
        { code: 'gold', name: 'Gold', threshold: '20000' },
        { code: 'platinum', name: 'Platinum', threshold: '40000' },
        { code: 'diamond', name: 'Diamond', threshold: '100000' },
      ],
    });
    await p.account('BAL');
    const values = (list: object[]) =>
      p.send(p.write, {
        method: 'POST',
        url: `/v1/tier-ladders/${ladderId}/metric-values`,
        payload: { values: list },
      });
    expect((await values([{ account: 'BAL', value: '45000' }])).statusCode).toBe(200);
    // The operator reports, late, what the balance was an hour earlier.
    expect(
      json(await values([{ account: 'BAL', value: '150000', at: '2026-06-15T09:00:00Z' }])).data,
    ).toEqual([{ accountId: expect.any(String), tier: 'diamond' }]);
    const tier = only(await p.progress('BAL')).tier;
    const history = await p.history('BAL');
    expect(history.at(-1)!.to, JSON.stringify(steps(history))).toBe(tier);
  });
});

describe('a three-tier partner ladder on rolling 12-month spend, 90 days of grace, soft landing', () => {
  it('upgrades on events by threshold (purchases and paid invoices, net of returns) and renews at the period end with enough spend', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(partnerLadder());
    const p1 = await p.account('P1');
    await p.purchase('e1', 'P1', '2026-01-10T10:00:00Z', '600.00');
    expect(await p.history('P1')).toEqual([]);
    await p.purchase('e2', 'P1', '2026-02-10T10:00:00Z', '500.00');
    await p.event({
      id: 'e3',
      type: 'invoice.paid',
      account: 'P1',
      occurredAt: '2026-03-10T10:00:00Z',
      amount: '4000.00',
      currency: 'EUR',
    });
    await p.event({
      id: 'r1',
      type: 'return',
      account: 'P1',
      occurredAt: '2026-03-20T10:00:00Z',
      amount: '100.00',
      currency: 'EUR',
      references: { originalEventId: 'e2' },
    });
    // An event with an amount whose type does not count (the default types are purchase and invoice.paid).
    await p.event({
      id: 'x1',
      type: 'subscription.paid',
      account: 'P1',
      occurredAt: '2026-03-21T10:00:00Z',
      amount: '30000.00',
      currency: 'EUR',
    });
    expect(await p.history('P1')).toMatchObject([
      {
        ladderId,
        from: null,
        to: 'silver',
        toName: 'Silver',
        reason: 'threshold',
        metric: '1100',
        at: '2026-02-10T10:00:00.000Z',
        actor: null,
      },
      {
        from: 'silver',
        to: 'gold',
        fromName: 'Silver',
        toName: 'Gold',
        reason: 'threshold',
        metric: '5100',
        at: '2026-03-10T10:00:00.000Z',
      },
    ]);
    expect(only(await p.progress('P1'))).toEqual({
      ladderId,
      ladderName: 'Partner program',
      qualifyingAccountId: p1,
      tier: 'gold',
      tierName: 'Gold',
      since: '2026-03-10T10:00:00.000Z',
      securedUntil: '2027-03-10T10:00:00.000Z',
      graceUntil: null,
      override: null,
      multiplier: '1.5',
      perks: ['free_shipping'],
      metric: '5000',
      windowStart: '2025-06-15T10:00:00.000Z',
      qualifies: null,
      next: {
        tier: 'platinum',
        name: 'Platinum',
        threshold: '20000',
        needed: '15000',
        by: '2027-06-15T10:00:00.000Z',
      },
      nextEvaluation: { at: '2027-03-10T10:00:00.000Z', outcome: 'if the metric stays 5000: keeps Gold' },
    });

    // Before the period end it spends enough again: 4000 - 100 + 1200 in the 12 months up to 10 March 2027.
    clockAt('2027-03-01T10:00:00Z');
    await p.purchase('e5', 'P1', '2027-02-20T10:00:00Z', '1200.00');
    expect(await p.due('2027-03-09T00:00:00Z')).toMatchObject({ evaluated: 0, changed: 0 });
    expect(await p.due('2027-03-11T00:00:00Z')).toMatchObject({ evaluated: 1, changed: 0 });
    expect(steps(await p.history('P1'))).toEqual([
      '-→silver threshold 2026-02-10T10:00:00.000Z',
      'silver→gold threshold 2026-03-10T10:00:00.000Z',
    ]);
    expect(only(await p.progress('P1'))).toMatchObject({
      tier: 'gold',
      since: '2026-03-10T10:00:00.000Z',
      securedUntil: '2028-03-10T10:00:00.000Z',
      graceUntil: null,
    });
  });

  it('lifts on a late event (occurred before one already counted) to what the spend in the window qualifies for', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder(partnerLadder());
    await p.account('LATE');
    await p.purchase('newer', 'LATE', '2026-05-02T10:00:00Z', '1100.00');
    expect(steps(await p.history('LATE'))).toEqual(['-→silver threshold 2026-05-02T10:00:00.000Z']);
    // An invoice of the day before arrives afterwards: 5100 in the window, gold.
    await p.purchase('older', 'LATE', '2026-05-01T10:00:00Z', '4000.00');
    expect(only(await p.progress('LATE'))).toMatchObject({ metric: '5100', tier: 'gold' });
    const history = await p.history('LATE');
    expect(history.map((c) => c.to)).toEqual(['silver', 'gold']);
    expect(history[1]).toMatchObject({ from: 'silver', reason: 'threshold', metric: '5100' });
  });

  it('qualifies instantly on one big event, keeps the tier through a 90-day grace, then steps down one tier only', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder(partnerLadder());
    await p.account('P2');
    await p.account('P4');
    await p.account('P6');
    await p.purchase('big', 'P2', '2026-04-01T08:00:00Z', '15000.00');
    // Just below the instant amount: gold by threshold, not platinum.
    await p.purchase('almost', 'P4', '2026-05-01T10:00:00Z', '14999.99');
    await p.purchase('big6', 'P6', '2026-04-01T08:00:00Z', '15000.00');
    expect(await p.history('P2')).toMatchObject([
      { from: null, to: 'platinum', reason: 'instant', metric: '15000', at: '2026-04-01T08:00:00.000Z' },
    ]);
    expect(steps(await p.history('P4'))).toEqual(['-→gold threshold 2026-05-01T10:00:00.000Z']);
    expect(only(await p.progress('P2'))).toMatchObject({
      tier: 'platinum',
      multiplier: '2',
      perks: ['free_shipping', 'dedicated_account_manager'],
      securedUntil: '2027-04-01T08:00:00.000Z',
      next: null,
      nextEvaluation: {
        at: '2027-04-01T08:00:00.000Z',
        outcome: 'if the metric stays 15000: a 90-day grace period starts, still Platinum',
      },
    });

    // Period end without enough spend (15000 < 20000): grace, the tier is kept.
    expect(await p.due('2027-04-02T00:00:00Z')).toMatchObject({ evaluated: 2, changed: 0 });
    expect((await p.history('P2')).at(-1)).toMatchObject({
      from: 'platinum',
      to: 'platinum',
      reason: 'grace',
      metric: '15000',
      at: '2027-04-01T08:00:00.000Z',
      actor: 'job',
    });
    expect(only(await p.progress('P2'))).toMatchObject({
      tier: 'platinum',
      securedUntil: '2027-04-01T08:00:00.000Z',
      graceUntil: '2027-06-30T08:00:00.000Z',
    });

    // P6 spends enough during its grace: it keeps platinum at the grace end.
    clockAt('2027-05-02T10:00:00Z');
    await p.purchase('again6', 'P6', '2027-05-01T10:00:00Z', '20000.00');
    expect(only(await p.progress('P6'))).toMatchObject({
      tier: 'platinum',
      graceUntil: '2027-06-30T08:00:00.000Z',
      nextEvaluation: {
        at: '2027-06-30T08:00:00.000Z',
        outcome: 'if the metric stays 20000: keeps Platinum',
      },
    });

    // Grace end, nothing spent: down one tier (gold), although 0 qualifies for no tier at all.
    // P4 renews at its period end (its purchase opens the window exactly).
    expect(await p.due('2027-07-01T00:00:00Z')).toMatchObject({ evaluated: 3, changed: 1 });
    expect(steps(await p.history('P2'))).toEqual([
      '-→platinum instant 2026-04-01T08:00:00.000Z',
      'platinum→platinum grace 2027-04-01T08:00:00.000Z',
      'platinum→gold grace 2027-06-30T08:00:00.000Z',
    ]);
    expect((await p.history('P2')).at(-1)).toMatchObject({
      metric: '0',
      fromName: 'Platinum',
      toName: 'Gold',
    });
    expect(only(await p.progress('P2'))).toMatchObject({
      tier: 'gold',
      since: '2027-06-30T08:00:00.000Z',
      securedUntil: '2028-06-30T08:00:00.000Z',
      graceUntil: null,
    });
    expect(steps(await p.history('P4'))).toEqual(['-→gold threshold 2026-05-01T10:00:00.000Z']);
    expect(only(await p.progress('P4'))).toMatchObject({
      tier: 'gold',
      securedUntil: '2028-05-01T10:00:00.000Z',
    });
    expect(steps(await p.history('P6'))).toEqual([
      '-→platinum instant 2026-04-01T08:00:00.000Z',
      'platinum→platinum grace 2027-04-01T08:00:00.000Z',
    ]);
    expect(only(await p.progress('P6'))).toMatchObject({
      tier: 'platinum',
      since: '2026-04-01T08:00:00.000Z',
      securedUntil: '2028-06-30T08:00:00.000Z',
      graceUntil: null,
    });
  });

  it('without soft landing, the grace end drops to what the metric qualifies for', async () => {
    clockAt('2027-01-01T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder(partnerLadder({ softLanding: false }));
    await p.account('N1');
    await p.account('N2');
    await p.purchase('n1', 'N1', '2026-04-01T08:00:00Z', '15000.00');
    await p.purchase('n2', 'N2', '2026-04-01T08:00:00Z', '15000.00');
    await p.purchase('n2b', 'N2', '2026-12-01T10:00:00Z', '1200.00');
    expect(await p.due('2027-07-01T00:00:00Z')).toMatchObject({ evaluated: 2, changed: 2 });
    expect(steps(await p.history('N1'))).toEqual([
      '-→platinum instant 2026-04-01T08:00:00.000Z',
      'platinum→platinum grace 2027-04-01T08:00:00.000Z',
      'platinum→- grace 2027-06-30T08:00:00.000Z',
    ]);
    expect(steps(await p.history('N2'))).toEqual([
      '-→platinum instant 2026-04-01T08:00:00.000Z',
      'platinum→platinum grace 2027-04-01T08:00:00.000Z',
      'platinum→silver grace 2027-06-30T08:00:00.000Z',
    ]);
    expect(only(await p.progress('N1'))).toMatchObject({
      tier: null,
      securedUntil: null,
      nextEvaluation: null,
    });
    expect(only(await p.progress('N2'))).toMatchObject({
      tier: 'silver',
      since: '2027-06-30T08:00:00.000Z',
      securedUntil: '2028-06-30T08:00:00.000Z',
    });
  });
});

describe('other metrics and windows', () => {
  it('counts orders (purchases only by default) and lifts on the third', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder({
      name: 'Orders',
      metric: 'orders',
      window: { kind: 'calendar_year' },
      tiers: [
        { code: 'regular', name: 'Regular', threshold: '3' },
        { code: 'frequent', name: 'Frequent', threshold: '5' },
      ],
    });
    await p.account('ORD');
    await p.purchase('o1', 'ORD', '2026-02-01T10:00:00Z', '10.00');
    await p.purchase('o2', 'ORD', '2026-02-02T10:00:00Z', '10.00');
    await p.event({
      id: 'inv',
      type: 'invoice.paid',
      account: 'ORD',
      occurredAt: '2026-02-03T10:00:00Z',
      amount: '10.00',
      currency: 'EUR',
    });
    expect(await p.history('ORD')).toEqual([]);
    await p.purchase('o3', 'ORD', '2026-02-04T10:00:00Z', '10.00');
    expect(await p.history('ORD')).toMatchObject([
      { from: null, to: 'regular', reason: 'threshold', metric: '3', at: '2026-02-04T10:00:00.000Z' },
    ]);
    expect(only(await p.progress('ORD'))).toMatchObject({
      tier: 'regular',
      metric: '3',
      next: { tier: 'frequent', needed: '2', by: '2026-12-31T23:00:00.000Z' },
    });
  });

  it('sums the points earned and lifts when a rule awards enough', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder({
      name: 'Points',
      metric: 'points_earned',
      window: { kind: 'rolling_months', months: 12 },
      tiers: [{ code: 'member_plus', name: 'Member Plus', threshold: '500' }],
    });
    await p.rule({
      name: '1 point per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    await p.account('PTS');
    await p.purchase('p1', 'PTS', '2026-03-01T10:00:00Z', '499.99');
    expect(await p.history('PTS')).toEqual([]);
    await p.purchase('p2', 'PTS', '2026-03-02T10:00:00Z', '1.00');
    expect(await p.history('PTS')).toMatchObject([
      { to: 'member_plus', reason: 'threshold', metric: '500', at: '2026-03-02T10:00:00.000Z' },
    ]);
  });

  it('secures a tier until the next anniversary of joining on a program-year window', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder(partnerLadder({ window: { kind: 'program_year' } }));
    await p.account('PY', { customerSince: '2025-09-10' });
    await p.purchase('py1', 'PY', '2026-03-01T10:00:00Z', '1500.00');
    expect(only(await p.progress('PY'))).toMatchObject({
      tier: 'silver',
      // 10 September, 00:00 in Amsterdam.
      securedUntil: '2026-09-09T22:00:00.000Z',
      windowStart: '2025-09-09T22:00:00.000Z',
      metric: '1500',
    });
  });

  it('uses the local date of joining west of Greenwich too (program year in New York)', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api, 'America/New_York');
    await p.ladder(partnerLadder({ window: { kind: 'program_year' } }));
    await p.account('NY', { customerSince: '2025-09-10' });
    await p.purchase('ny1', 'NY', '2026-03-01T15:00:00Z', '1500.00');
    expect(only(await p.progress('NY'))).toMatchObject({
      tier: 'silver',
      // 10 September, 00:00 in New York (EDT).
      securedUntil: '2026-09-10T04:00:00.000Z',
      windowStart: '2025-09-10T04:00:00.000Z',
    });
  });

  it('a freeze that ends before the period end only unfreezes; the tier stays secured until the period end', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(partnerLadder());
    await p.account('FZ');
    await p.purchase('fz', 'FZ', '2026-01-15T10:00:00Z', '6000.00');
    const f = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/tier-ladders/${ladderId}/overrides`,
      payload: { account: 'FZ', kind: 'freeze', until: '2026-08-01T00:00:00Z', reason: 'Summer break' },
    });
    expect(json(f)).toEqual({ tier: 'gold' });
    expect(only(await p.progress('FZ')).nextEvaluation).toEqual({
      at: '2026-08-01T00:00:00.000Z',
      outcome: 'if the metric stays 6000: the freeze ends; Gold afterwards',
    });
    expect(await p.due('2026-08-02T00:00:00Z')).toMatchObject({ evaluated: 1, changed: 0 });
    expect(steps(await p.history('FZ'))).toEqual([
      '-→gold threshold 2026-01-15T10:00:00.000Z',
      'gold→gold freeze 2026-06-15T10:00:00.000Z',
      'gold→gold unfreeze 2026-08-01T00:00:00.000Z',
    ]);
    expect(only(await p.progress('FZ'))).toMatchObject({
      tier: 'gold',
      override: null,
      securedUntil: '2027-01-15T10:00:00.000Z',
      graceUntil: null,
      nextEvaluation: { at: '2027-01-15T10:00:00.000Z' },
    });
  });
});

describe('requalification over the period that just ended', () => {
  it('renews a calendar-year tier on the spend of the year that ended, not the empty new year', async () => {
    clockAt('2025-03-01T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder({
      name: 'Yearly',
      metric: 'qualifying_spend',
      window: { kind: 'calendar_year' },
      tiers: [
        { code: 'silver', name: 'Silver', threshold: '1000' },
        { code: 'gold', name: 'Gold', threshold: '5000' },
      ],
    });
    await p.account('Y1');
    await p.account('Y2');
    await p.purchase('y1-a', 'Y1', '2025-03-01T09:00:00Z', '6000.00');
    await p.purchase('y2-a', 'Y2', '2025-03-01T09:00:00Z', '1500.00');
    clockAt('2026-01-02T10:00:00Z');
    expect(await p.due('2026-01-02T10:00:00Z')).toMatchObject({ evaluated: 2, changed: 0 });
    const y1 = (await p.progress('Y1'))[0]!;
    expect(y1.tier).toBe('gold');
    expect(y1.securedUntil).toBe('2026-12-31T23:00:00.000Z');
    expect((await p.progress('Y2'))[0]!.tier).toBe('silver');
    expect(steps(await p.history('Y1')).length).toBe(1);
  });
});

describe('operator overrides', () => {
  it('freezes (no downgrade while frozen), holds a set tier until a date, lifts by DELETE, and audits each', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(partnerLadder());
    for (const a of ['F', 'O', 'L']) await p.account(a);
    await p.purchase('f1', 'F', '2026-01-15T10:00:00Z', '6000.00');
    await p.purchase('o1', 'O', '2026-02-01T10:00:00Z', '1500.00');
    await p.purchase('l1', 'L', '2026-01-20T10:00:00Z', '6000.00');
    const override = (body: object) =>
      p.send(p.admin, { method: 'POST', url: `/v1/tier-ladders/${ladderId}/overrides`, payload: body });
    const lift = (account: string) =>
      p.send(p.admin, { method: 'DELETE', url: `/v1/tier-ladders/${ladderId}/overrides/${account}` });

    const freeze = await override({ account: 'F', kind: 'freeze', reason: 'Sabbatical' });
    expect(freeze.statusCode, freeze.body).toBe(200);
    expect(json(freeze)).toEqual({ tier: 'gold' });
    const set = await override({
      account: 'O',
      kind: 'set',
      tier: 'platinum',
      until: '2026-09-01T00:00:00Z',
      reason: 'Strategic account',
    });
    expect(json(set)).toEqual({ tier: 'platinum' });
    expect(
      json(await override({ account: 'L', kind: 'set', tier: 'silver', reason: 'Payment dispute' })),
    ).toEqual({ tier: 'silver' });

    const fHistory = await p.history('F');
    expect(fHistory.at(-1)).toMatchObject({
      from: 'gold',
      to: 'gold',
      reason: 'freeze',
      at: '2026-06-15T10:00:00.000Z',
      note: 'Sabbatical',
    });
    expect(fHistory.at(-1)!.actor).toMatch(/^key_/);
    expect(only(await p.progress('F'))).toMatchObject({
      tier: 'gold',
      override: { kind: 'freeze', tier: 'gold', until: null, reason: 'Sabbatical' },
      nextEvaluation: null,
    });
    expect(steps(await p.history('O'))).toEqual([
      '-→silver threshold 2026-02-01T10:00:00.000Z',
      'silver→platinum override 2026-06-15T10:00:00.000Z',
    ]);
    // While the set tier holds, spend does not move it.
    await p.purchase('o2', 'O', '2026-06-10T10:00:00Z', '5000.00');
    expect(only(await p.progress('O'))).toMatchObject({
      tier: 'platinum',
      override: {
        kind: 'set',
        tier: 'platinum',
        until: '2026-09-01T00:00:00.000Z',
        reason: 'Strategic account',
      },
      nextEvaluation: {
        at: '2026-09-01T00:00:00.000Z',
        outcome: 'if the metric stays 6500: a 90-day grace period starts, still Platinum',
      },
    });
    expect(await p.history('O')).toHaveLength(2);

    // Lifting the set tier of L: requalified now, on 6000 → gold.
    clockAt('2026-06-20T10:00:00Z');
    const lifted = await lift('L');
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(json(lifted)).toEqual({ tier: 'gold' });
    expect(steps(await p.history('L'))).toEqual([
      '-→gold threshold 2026-01-20T10:00:00.000Z',
      'gold→silver override 2026-06-15T10:00:00.000Z',
      'silver→silver override_end 2026-06-20T10:00:00.000Z',
      'silver→gold period_end 2026-06-20T10:00:00.000Z',
    ]);
    expect(only(await p.progress('L'))).toMatchObject({
      tier: 'gold',
      override: null,
      since: '2026-06-20T10:00:00.000Z',
      securedUntil: '2027-06-20T10:00:00.000Z',
    });

    // O's override ends on 1 September: requalification on 6500 (gold) → grace at platinum, then one step down.
    expect(await p.due('2026-09-02T00:00:00Z')).toMatchObject({ evaluated: 1, changed: 0 });
    expect(await p.due('2026-12-01T00:00:00Z')).toMatchObject({ evaluated: 1, changed: 1 });
    expect(steps(await p.history('O'))).toEqual([
      '-→silver threshold 2026-02-01T10:00:00.000Z',
      'silver→platinum override 2026-06-15T10:00:00.000Z',
      'platinum→platinum override_end 2026-09-01T00:00:00.000Z',
      'platinum→platinum grace 2026-09-01T00:00:00.000Z',
      'platinum→gold grace 2026-11-30T00:00:00.000Z',
    ]);
    expect(only(await p.progress('O'))).toMatchObject({
      tier: 'gold',
      override: null,
      securedUntil: '2027-11-30T00:00:00.000Z',
    });

    // F stays frozen past its period end (15 January 2027): the due run does not touch it.
    expect(await p.due('2027-06-01T00:00:00Z')).toMatchObject({ evaluated: 0, changed: 0 });
    expect(only(await p.progress('F'))).toMatchObject({
      tier: 'gold',
      securedUntil: '2027-01-15T10:00:00.000Z',
    });
    // Lifted after its period end: requalified now on nothing spent → grace at gold.
    clockAt('2027-06-01T00:00:00Z');
    expect(json(await lift('F'))).toEqual({ tier: 'gold' });
    expect(steps(await p.history('F'))).toEqual([
      '-→gold threshold 2026-01-15T10:00:00.000Z',
      'gold→gold freeze 2026-06-15T10:00:00.000Z',
      'gold→gold unfreeze 2027-06-01T00:00:00.000Z',
      'gold→gold grace 2027-06-01T00:00:00.000Z',
    ]);
    expect(only(await p.progress('F'))).toMatchObject({
      tier: 'gold',
      override: null,
      graceUntil: '2027-08-30T00:00:00.000Z',
    });

    const audit = await p.send(p.admin, { method: 'GET', url: '/v1/audit?resourceType=tier_status' });
    expect(audit.statusCode, audit.body).toBe(200);
    const entries = json(audit).data as Array<{
      action: string;
      resourceId: string;
      after: Record<string, unknown>;
    }>;
    expect(entries.map((e) => `${e.action} ${e.resourceId}`)).toEqual([
      `tier.override_lift ${ladderId}:F`,
      `tier.override_lift ${ladderId}:L`,
      `tier.override ${ladderId}:L`,
      `tier.override ${ladderId}:O`,
      `tier.freeze ${ladderId}:F`,
    ]);
    expect(entries[3]!.after).toMatchObject({
      kind: 'set',
      tier: 'platinum',
      until: '2026-09-01T00:00:00Z',
      reason: 'Strategic account',
    });
    expect(entries[0]!.after).toEqual({ tier: 'gold' });
  });
});

describe('group qualification', () => {
  it("adds the children's spend up on the top group, and the children carry the group's tier", async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(partnerLadder({ groupQualification: true }));
    const group = await p.account('GRP');
    await p.account('C1', { parentId: 'GRP' });
    await p.account('C2', { parentId: 'GRP' });
    await p.account('SOLO');
    await p.purchase('c1', 'C1', '2026-03-01T10:00:00Z', '3000.00');
    await p.purchase('c2', 'C2', '2026-04-01T10:00:00Z', '2500.00');
    await p.purchase('s1', 'SOLO', '2026-04-01T10:00:00Z', '900.00');
    const expected = [
      '-→silver threshold 2026-03-01T10:00:00.000Z',
      'silver→gold threshold 2026-04-01T10:00:00.000Z',
    ];
    for (const a of ['GRP', 'C1', 'C2']) {
      expect(steps(await p.history(a))).toEqual(expected);
      expect(only(await p.progress(a))).toMatchObject({
        ladderId,
        qualifyingAccountId: group,
        tier: 'gold',
        since: '2026-04-01T10:00:00.000Z',
        metric: '5500',
        next: { tier: 'platinum', needed: '14500' },
      });
    }
    expect((await p.history('C1')).map((c) => c.metric)).toEqual(['3000', '5500']);
    expect(await p.history('SOLO')).toEqual([]);
    expect(only(await p.progress('SOLO'))).toMatchObject({ tier: null, metric: '900' });

    // At the period end the children's spend counts too: 2500 (C2, opening the window) + 3000 (C1) renews gold.
    await p.purchase('c1b', 'C1', '2026-06-01T10:00:00Z', '3000.00');
    expect(await p.due('2027-04-02T00:00:00Z')).toMatchObject({ evaluated: 1, changed: 0 });
    expect(steps(await p.history('C2'))).toEqual(expected);
    expect(only(await p.progress('C2'))).toMatchObject({
      qualifyingAccountId: group,
      tier: 'gold',
      securedUntil: '2028-04-01T10:00:00.000Z',
      graceUntil: null,
    });
  });
});

describe('rules see the tier the account held at the event', () => {
  it('applies a tier condition and the tier multiplier as of occurredAt, also for late events', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    await p.ladder(partnerLadder());
    await p.account('T');
    await p.rule({
      name: '1 point per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    await p.rule({
      name: 'Tier multiplier',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'multiplier', factor: 'tier' }],
    });
    await p.rule({
      name: 'Gold bonus',
      trigger: { types: ['purchase'] },
      condition: 'account.tier == "gold"',
      effects: [{ kind: 'fixed', points: 100 }],
    });
    type Result = {
      result: { totals: { points: number }; rules: Array<{ name: string; outcome: string; reason: string }> };
    };
    const buy = async (id: string, at: string, amount: string) =>
      (await p.event({
        id,
        type: 'purchase',
        account: 'T',
        occurredAt: at,
        amount,
        currency: 'EUR',
      })) as unknown as Result;
    const outcome = (e: Result, name: string) => e.result.rules.find((r) => r.name === name)!;

    const e1 = await buy('t1', '2026-02-01T10:00:00Z', '1000.00'); // no tier yet; silver afterwards
    expect(e1.result.totals.points).toBe(1000);
    expect(outcome(e1, 'Gold bonus').outcome).toBe('condition_false');
    expect(outcome(e1, 'Tier multiplier').reason).toBe(
      'multiplies points by 1, the multiplier of tier (none)',
    );
    const e2 = await buy('t2', '2026-03-01T10:00:00Z', '4000.00'); // silver ×1.2; gold afterwards
    expect(e2.result.totals.points).toBe(4800);
    expect(outcome(e2, 'Gold bonus').outcome).toBe('condition_false');
    const e3 = await buy('t3', '2026-04-01T10:00:00Z', '100.00'); // gold ×1.5, bonus 100 ×1.5
    expect(e3.result.totals.points).toBe(300);
    expect(outcome(e3, 'Gold bonus').outcome).toBe('awarded');
    expect(outcome(e3, 'Tier multiplier').reason).toBe(
      'multiplies points by 1.5, the multiplier of tier gold',
    );
    // Late events: before the gold upgrade they get silver, before the silver one no tier.
    const late = await buy('t4', '2026-02-15T10:00:00Z', '200.00');
    expect(late.result.totals.points).toBe(240);
    expect(outcome(late, 'Gold bonus').outcome).toBe('condition_false');
    const later = await buy('t5', '2026-01-15T10:00:00Z', '50.00');
    expect(later.result.totals.points).toBe(50);
    expect(steps(await p.history('T'))).toEqual([
      '-→silver threshold 2026-02-01T10:00:00.000Z',
      'silver→gold threshold 2026-03-01T10:00:00.000Z',
    ]);
  });
});

describe('changing a ladder', () => {
  it('keeps past changes, lifts accounts into an inserted tier (ladder_change), and uses new names from then on', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const ladderId = await p.ladder(partnerLadder());
    for (const a of ['A1', 'A2', 'A3']) await p.account(a);
    await p.purchase('a1', 'A1', '2026-03-01T10:00:00Z', '3000.00');
    await p.purchase('a2', 'A2', '2026-03-01T10:00:00Z', '12000.00');
    await p.purchase('a3', 'A3', '2026-03-01T10:00:00Z', '1200.00');
    const before = {
      A1: await p.history('A1'),
      A2: await p.history('A2'),
      A3: await p.history('A3'),
    };
    const reshaped = partnerLadder();
    reshaped.tiers.splice(1, 0, {
      code: 'silver_plus',
      name: 'Silver Plus',
      threshold: '2500',
      multiplier: '1.3',
    });
    reshaped.tiers[2]!.name = 'Gold Partner';

    clockAt('2026-06-16T10:00:00Z');
    const put = await p.send(p.admin, {
      method: 'PUT',
      url: `/v1/tier-ladders/${ladderId}`,
      payload: { document: reshaped },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(json(put).document).toEqual(reshaped);
    const got = await p.send(p.read, { method: 'GET', url: `/v1/tier-ladders/${ladderId}` });
    expect(json(got).document).toEqual(reshaped);

    const a1 = await p.history('A1');
    expect(a1.slice(0, 1)).toEqual(before.A1);
    expect(a1.slice(1)).toMatchObject([
      {
        from: 'silver',
        to: 'silver_plus',
        fromName: 'Silver',
        toName: 'Silver Plus',
        reason: 'ladder_change',
        metric: '3000',
        at: '2026-06-16T10:00:00.000Z',
      },
    ]);
    expect(a1[1]!.actor).toMatch(/^key_/);
    expect(only(await p.progress('A1'))).toMatchObject({
      tier: 'silver_plus',
      tierName: 'Silver Plus',
      multiplier: '1.3',
      since: '2026-06-16T10:00:00.000Z',
    });
    // A2 (gold, above the new tier) and A3 (below it) are untouched; their past rows keep the old names.
    expect(await p.history('A2')).toEqual(before.A2);
    expect(before.A2[0]).toMatchObject({ to: 'gold', toName: 'Gold', reason: 'threshold' });
    expect(await p.history('A3')).toEqual(before.A3);
    expect(only(await p.progress('A2'))).toMatchObject({ tier: 'gold', tierName: 'Gold Partner' });

    // New history uses the new name.
    await p.purchase('a2b', 'A2', '2026-06-10T10:00:00Z', '9000.00');
    expect((await p.history('A2')).at(-1)).toMatchObject({
      from: 'gold',
      to: 'platinum',
      fromName: 'Gold Partner',
      toName: 'Platinum',
      reason: 'threshold',
    });

    const audit = await p.send(p.admin, { method: 'GET', url: '/v1/audit?resourceType=tier_ladder' });
    expect(
      (json(audit).data as Array<{ action: string; resourceId: string }>).map(
        (e) => `${e.action} ${e.resourceId}`,
      ),
    ).toEqual([`tier_ladder.update ${ladderId}`, `tier_ladder.create ${ladderId}`]);
  });

  it('removing a tier moves its accounts to what they qualify for, and the row still names the removed tier', async () => {
    clockAt('2026-06-15T10:00:00Z');
    const p = await tierProgram(api);
    const withPlus = partnerLadder();
    withPlus.tiers.splice(1, 0, { code: 'silver_plus', name: 'Silver Plus', threshold: '2500' });
    const ladderId = await p.ladder(withPlus);
    await p.account('A1');
    await p.purchase('a1', 'A1', '2026-03-01T10:00:00Z', '3000.00');
    expect(steps(await p.history('A1'))).toEqual(['-→silver_plus threshold 2026-03-01T10:00:00.000Z']);
    clockAt('2026-06-17T10:00:00Z');
    const put = await p.send(p.admin, {
      method: 'PUT',
      url: `/v1/tier-ladders/${ladderId}`,
      payload: { document: partnerLadder() },
    });
    expect(put.statusCode, put.body).toBe(200);
    const history = await p.history('A1');
    expect(history[0]).toMatchObject({ to: 'silver_plus', toName: 'Silver Plus' });
    expect(history[1]).toMatchObject({
      from: 'silver_plus',
      to: 'silver',
      fromName: 'Silver Plus',
      toName: 'Silver',
      reason: 'ladder_change',
      metric: '3000',
      at: '2026-06-17T10:00:00.000Z',
    });
    expect(history).toHaveLength(2);
    expect(only(await p.progress('A1'))).toMatchObject({ tier: 'silver', tierName: 'Silver' });
  });
});

describe('the scheduled evaluation', () => {
  const accounts = ['D1', 'D2', 'D3', 'D4'];
  type Row = { from: string | null; to: string | null; reason: string; at: string; metric: string | null };
  type Outcome = Record<string, { history: Row[]; status: Record<string, unknown> }>;
  let late: Outcome;
  let stepped: Outcome;
  let lateRuns: Array<{ evaluated: number; changed: number }>;
  let steppedRuns: Array<{ evaluated: number; changed: number }>;

  /** The same ladder, accounts, events and override in a fresh program. */
  async function seeded(): Promise<TierProgram> {
    const p = await tierProgram(api);
    const ladderId = await p.ladder(partnerLadder());
    for (const a of accounts) await p.account(a);
    await p.purchase('d1', 'D1', '2026-04-01T08:00:00Z', '15000.00');
    await p.purchase('d2a', 'D2', '2026-02-01T10:00:00Z', '6000.00');
    await p.purchase('d2b', 'D2', '2027-01-15T10:00:00Z', '6000.00');
    await p.purchase('d3', 'D3', '2026-07-01T10:00:00Z', '1500.00');
    await p.purchase('d4', 'D4', '2026-08-01T10:00:00Z', '2000.00');
    const o = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/tier-ladders/${ladderId}/overrides`,
      payload: {
        account: 'D4',
        kind: 'set',
        tier: 'platinum',
        from: '2026-09-01T00:00:00Z',
        until: '2027-03-01T00:00:00Z',
        reason: 'Launch partner',
      },
    });
    expect(o.statusCode, o.body).toBe(200);
    return p;
  }

  async function outcome(p: TierProgram): Promise<Outcome> {
    const out: Outcome = {};
    for (const a of accounts) {
      const { tier, since, securedUntil, graceUntil, override } = only(await p.progress(a));
      const history = (await p.history(a)).map((c) => ({
        from: c.from,
        to: c.to,
        reason: c.reason,
        at: c.at,
        metric: c.metric,
      }));
      out[a] = { history, status: { tier, since, securedUntil, graceUntil, override } };
    }
    return out;
  }

  beforeAll(async () => {
    clockAt('2027-12-31T12:00:00Z');
    const l = await seeded();
    const s = await seeded();
    lateRuns = [];
    for (const at of ['2029-01-01T00:00:00Z', '2029-01-01T00:00:00Z', '2029-01-02T00:00:00Z'])
      lateRuns.push(await l.due(at));
    steppedRuns = [];
    for (const at of [
      '2027-01-01T00:00:00Z',
      '2027-03-01T00:00:00Z', // exactly D4's override end
      '2027-03-01T00:00:00Z',
      '2027-04-15T00:00:00Z',
      '2027-06-30T08:00:00Z', // exactly D1's grace end
      '2027-12-31T00:00:00Z',
      '2028-06-01T00:00:00Z',
      '2028-09-01T00:00:00Z',
      '2029-01-01T00:00:00Z',
      '2029-01-01T00:00:00Z',
    ])
      steppedRuns.push(await s.due(at));
    late = await outcome(l);
    stepped = await outcome(s);
    vi.useRealTimers();
  });

  const tierSteps = (o: Outcome, account: string) =>
    o[account]!.history.map((c) => `${c.from ?? '-'}→${c.to ?? '-'} ${c.reason} ${c.at}`);

  it('evaluates everything due in one late run; re-running it finds nothing due', () => {
    expect(lateRuns).toMatchObject([
      { evaluated: 4, changed: 4 },
      { evaluated: 0, changed: 0 },
      { evaluated: 0, changed: 0 },
    ]);
    expect(steppedRuns.at(-1)).toMatchObject({ evaluated: 0, changed: 0 });
    expect(steppedRuns[2]).toMatchObject({ evaluated: 0, changed: 0 });
  });

  it('gives the exact expected tier changes and statuses', () => {
    expect(tierSteps(late, 'D1')).toEqual([
      '-→platinum instant 2026-04-01T08:00:00.000Z',
      'platinum→platinum grace 2027-04-01T08:00:00.000Z',
      'platinum→gold grace 2027-06-30T08:00:00.000Z',
      'gold→gold grace 2028-06-30T08:00:00.000Z',
      'gold→silver grace 2028-09-28T08:00:00.000Z',
    ]);
    expect(tierSteps(late, 'D2')).toEqual([
      '-→gold threshold 2026-02-01T10:00:00.000Z',
      'gold→gold grace 2028-02-01T10:00:00.000Z',
      'gold→silver grace 2028-05-01T10:00:00.000Z',
    ]);
    expect(tierSteps(late, 'D3')).toEqual([
      '-→silver threshold 2026-07-01T10:00:00.000Z',
      'silver→silver grace 2028-07-01T10:00:00.000Z',
      'silver→- grace 2028-09-29T10:00:00.000Z',
    ]);
    expect(tierSteps(late, 'D4')).toEqual([
      '-→silver threshold 2026-08-01T10:00:00.000Z',
      'silver→platinum override 2026-09-01T00:00:00.000Z',
      'platinum→platinum override_end 2027-03-01T00:00:00.000Z',
      'platinum→platinum grace 2027-03-01T00:00:00.000Z',
      'platinum→gold grace 2027-05-30T00:00:00.000Z',
      'gold→gold grace 2028-05-30T00:00:00.000Z',
      'gold→silver grace 2028-08-28T00:00:00.000Z',
    ]);
    expect(late).toMatchObject({
      D1: { status: { tier: 'silver', securedUntil: '2029-09-28T08:00:00.000Z', graceUntil: null } },
      D2: { status: { tier: 'silver', securedUntil: '2029-05-01T10:00:00.000Z', graceUntil: null } },
      D3: { status: { tier: null, securedUntil: null, graceUntil: null } },
      D4: { status: { tier: 'silver', securedUntil: '2029-08-28T00:00:00.000Z', override: null } },
    });
  });

  it('gives the same statuses and tier changes (from, to, reason, at) late as step by step', () => {
    for (const a of accounts) {
      expect(tierSteps(stepped, a), a).toEqual(tierSteps(late, a));
      expect(stepped[a]!.status, a).toEqual(late[a]!.status);
    }
  });

  it('records on each change the metric its decision was made on, late as step by step', () => {
    // Step by step, each row carries the metric of its own window; a late run must write the same.
    expect(stepped.D1!.history.map((c) => c.metric)).toEqual(['15000', '15000', '0', '0', '0']);
    expect(stepped.D4!.history.map((c) => c.metric)).toEqual([
      '2000',
      null,
      '2000',
      '2000',
      '2000',
      '0',
      '0',
    ]);
    for (const a of accounts) expect(late[a]!.history, a).toEqual(stepped[a]!.history);
  });
});
