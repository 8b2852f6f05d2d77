// Lifecycle automations through the API: birthdays, client anniversaries, milestones and win-back,
// fired by the engagement due run in the program's time zone, once per occurrence however late or
// often it runs, explained in the ledger.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, type EngagementProgram, engagementProgram } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const automation = (p: EngagementProgram, payload: object) =>
  p.ok(p.admin, { method: 'POST', url: '/v1/automations', payload });

const contact = async (
  p: EngagementProgram,
  account: string,
  email: string,
  name: string,
  birthday: string,
) =>
  (
    await p.ok(p.write, {
      method: 'POST',
      url: `/v1/accounts/${account}/contacts`,
      payload: { email, name, birthday },
    })
  ).id as string;

const firings = async (p: EngagementProgram, code: string): Promise<Body[]> =>
  (await p.ok(p.read, { method: 'GET', url: `/v1/automations/${code}/firings` })).data;

describe('lifecycle automations', () => {
  it('a birthday fires once per contact per year, on the local date, late runs included, explained in the ledger', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/badges',
      payload: { code: 'birthday', name: 'Birthday' },
    });
    const created = await automation(p, {
      code: 'birthdays',
      name: 'Birthday bonus',
      trigger: { kind: 'birthday' },
      effect: { points: 100, badge: 'birthday' },
      startsAt: '2026-01-01T00:00:00Z',
    });
    expect(created).toMatchObject({ code: 'birthdays', enabled: true, trigger: { kind: 'birthday' } });
    const acme = await p.account('ACME');
    const inge = await contact(p, 'ACME', 'inge@acme.example', 'Inge de Vries', '1980-03-15');
    await contact(p, 'ACME', 'piet@acme.example', 'Piet', '1975-09-01');

    // 14 March 23:30 UTC is already 15 March in Amsterdam: Inge's birthday.
    expect(await p.due('2026-03-14T22:00:00Z')).toMatchObject({ fired: 0 });
    expect(await p.due('2026-03-14T23:30:00Z')).toMatchObject({ fired: 1 });
    expect(await p.due('2026-03-15T10:00:00Z')).toMatchObject({ fired: 0 });
    // A run three weeks late fires nothing new either.
    expect(await p.due('2026-04-05T10:00:00Z')).toMatchObject({ fired: 0 });
    expect(await p.points(acme)).toBe(100);

    const [fired] = await firings(p, 'birthdays');
    expect(fired).toMatchObject({
      subjectId: inge,
      contactId: inge,
      accountId: acme,
      occurrence: '2026',
      occurredOn: '2026-03-15',
      explanation: 'Happy birthday, Inge — 2026',
      points: 100,
    });
    const entry = await p.ok(p.read, { method: 'GET', url: `/v1/ledger/entries/${fired.entryId}` });
    expect(entry.entry).toMatchObject({
      explanation: 'Happy birthday, Inge — 2026',
      reasonCode: 'automation_birthday',
      idempotencyKey: `automation:birthdays:${inge}:2026`,
    });
    const badges = await p.ok(p.read, { method: 'GET', url: `/v1/contacts/${inge}/badges` });
    expect(badges.data).toMatchObject([{ source: 'automation', badge: { code: 'birthday' } }]);

    // Piet's birthday: the run on 20 September is 19 days late and still fires it, once.
    expect(await p.due('2026-09-20T10:00:00Z')).toMatchObject({ fired: 1 });
    expect(await p.due('2026-09-21T10:00:00Z')).toMatchObject({ fired: 0 });
    // The next year, Inge's birthday fires again.
    expect(await p.due('2027-03-15T10:00:00Z')).toMatchObject({ fired: 1 });
    expect(await p.points(acme)).toBe(300);
    expect((await firings(p, 'birthdays')).map((f) => f.occurrence).sort()).toEqual(['2026', '2026', '2027']);
  });

  it('does not fire what happened before the automation started, more than 31 days ago, or while paused', async () => {
    const p = await engagementProgram(api);
    const acme = await p.account('ACME');
    await contact(p, 'ACME', 'old@acme.example', 'Olga', '1990-02-01');
    await contact(p, 'ACME', 'leap@acme.example', 'Lea', '1992-02-29');
    await automation(p, {
      code: 'birthdays',
      name: 'Birthday bonus',
      trigger: { kind: 'birthday' },
      effect: { points: 10 },
      startsAt: '2026-02-10T00:00:00Z',
    });
    // Olga's 1 February is before the start; Lea's 29 February falls on the 28th in 2026.
    expect(await p.due('2026-02-27T12:00:00Z')).toMatchObject({ fired: 0 });
    expect(await p.due('2026-02-28T12:00:00Z')).toMatchObject({ fired: 1 });
    expect((await firings(p, 'birthdays'))[0]).toMatchObject({
      occurredOn: '2026-02-28',
      explanation: 'Happy birthday, Lea — 2026',
    });
    // Paused: Olga's 2027 birthday does not fire; after 31 days it is not made up.
    await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/automations/birthdays',
      payload: {
        name: 'Birthday bonus',
        trigger: { kind: 'birthday' },
        effect: { points: 10 },
        enabled: false,
      },
    });
    expect(await p.due('2027-02-01T12:00:00Z')).toMatchObject({ fired: 0 });
    await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/automations/birthdays',
      payload: {
        name: 'Birthday bonus',
        trigger: { kind: 'birthday' },
        effect: { points: 10 },
        enabled: true,
      },
    });
    // 10 March 2027: Olga's 1 February is 37 days ago (not made up); Lea's 28 February fires.
    expect(await p.due('2027-03-10T12:00:00Z')).toMatchObject({ fired: 1 });
    expect(await p.points(acme)).toBe(20);
    expect((await firings(p, 'birthdays')).map((f) => f.explanation).sort()).toEqual([
      'Happy birthday, Lea — 2026',
      'Happy birthday, Lea — 2027',
    ]);
  });

  it('a client anniversary fires once a year from the first year, naming the years', async () => {
    const p = await engagementProgram(api);
    const acme = await p.account('ACME', { customerSince: '2023-06-10' });
    await p.account('NEW', { customerSince: '2026-06-10' });
    await automation(p, {
      code: 'anniversary',
      name: 'Anniversary',
      trigger: { kind: 'anniversary' },
      effect: { points: 250, cashback: '25.5' },
      startsAt: '2026-01-01T00:00:00Z',
    });
    expect(await p.due('2026-06-10T08:00:00Z')).toMatchObject({ fired: 1 });
    expect(await p.due('2026-06-11T08:00:00Z')).toMatchObject({ fired: 0 });
    const [fired] = await firings(p, 'anniversary');
    expect(fired).toMatchObject({
      accountId: acme,
      occurrence: '2026',
      explanation: 'Happy anniversary, ACME — 3 years with us (2026)',
      cashback: '25.50',
    });
    expect(await p.points(acme)).toBe(250);
    // The cashback is its own credit of the EUR wallet, explained like the points.
    const eur = await p.send(p.read, { method: 'GET', url: `/v1/accounts/${acme}/wallets/EUR/history` });
    expect(eur.statusCode, eur.body).toBe(200);
    expect(eur.json().data).toMatchObject([
      { amount: 2550, entryId: fired.cashbackEntryId, explanation: fired.explanation },
    ]);
  });

  it('a spend milestone fires once when lifetime spend crosses it; win-back once per lapse', async () => {
    const p = await engagementProgram(api);
    const acme = await p.account('ACME');
    const beta = await p.account('BETA');
    await automation(p, {
      code: 'big-spender',
      name: 'Big spender',
      trigger: { kind: 'milestone', metric: 'lifetime_spend', threshold: '1000' },
      effect: { points: 500 },
      startsAt: '2026-01-01T00:00:00Z',
    });
    await automation(p, {
      code: 'miss-you',
      name: 'Win-back',
      trigger: { kind: 'win_back', days: 30, eventTypes: ['purchase'] },
      effect: { points: 50 },
      startsAt: '2026-01-01T00:00:00Z',
    });
    await p.purchase('a1', 'ACME', '2026-02-01T10:00:00Z', '600.00');
    await p.purchase('b1', 'BETA', '2026-02-01T10:00:00Z', '100.00');
    expect(await p.due('2026-02-02T10:00:00Z')).toMatchObject({ fired: 0 });
    await p.purchase('a2', 'ACME', '2026-02-05T10:00:00Z', '400.00');
    expect(await p.due('2026-02-06T10:00:00Z')).toMatchObject({ fired: 1 });
    expect(await p.due('2026-02-07T10:00:00Z')).toMatchObject({ fired: 0 });
    expect((await firings(p, 'big-spender'))[0]).toMatchObject({
      accountId: acme,
      explanation: 'Big spender: ACME reached 1000.00 EUR spent',
    });
    // BETA's last purchase was 1 February: 30 days later it has lapsed (ACME's 5 February: not yet).
    expect(await p.due('2026-03-04T10:00:00Z')).toMatchObject({ fired: 1 });
    expect(await p.due('2026-03-05T10:00:00Z')).toMatchObject({ fired: 0 });
    // ACME lapses too; BETA comes back and lapses again: a second win-back.
    await p.purchase('b2', 'BETA', '2026-03-10T10:00:00Z', '10.00');
    expect(await p.due('2026-04-20T10:00:00Z')).toMatchObject({ fired: 2 });
    expect(await p.points(beta)).toBe(100);
    expect(await p.points(acme)).toBe(550);
    const back = await firings(p, 'miss-you');
    expect(back.map((f) => f.explanation)).toContain(
      'Win-back: we miss you, BETA — nothing since 2026-03-10',
    );
  });

  it('membership and tier anniversaries fire once a year on the local date, issuing a catalog reward free while stock lasts', async () => {
    const p = await engagementProgram(api);
    const hamper = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Hamper',
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'counted', quantity: 1 },
      },
    });
    const plan = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/membership-plans',
      payload: {
        name: 'Club',
        fee: { amount: '10.00', currency: 'EUR' },
        term: { months: 12 },
        renewal: 'auto',
        joining: 'contract',
      },
    });
    const ladder = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/tier-ladders',
      payload: {
        document: {
          name: 'Partner program',
          metric: 'qualifying_spend',
          window: { kind: 'rolling_months', months: 12 },
          tiers: [
            { code: 'silver', name: 'Silver', threshold: '1000' },
            { code: 'gold', name: 'Gold', threshold: '5000' },
          ],
        },
      },
    });
    const acme = await p.account('ACME');
    const beta = await p.account('BETA');
    // ACME's first term started on 11 June 2024 in Amsterdam (22:30 UTC the day before).
    await p.ok(p.write, {
      method: 'POST',
      url: '/v1/memberships',
      payload: {
        account: 'ACME',
        plan: plan.id,
        via: 'contract',
        reference: 'C-1',
        startsAt: '2024-06-10T22:30:00Z',
      },
      headers: { 'idempotency-key': 'join-acme' },
    });
    // BETA first reached Gold on 2 September 2024 in Amsterdam.
    await p.ok(
      p.admin,
      {
        method: 'POST',
        url: `/v1/tier-ladders/${ladder.id}/overrides`,
        payload: {
          account: 'BETA',
          kind: 'set',
          tier: 'gold',
          from: '2024-09-01T22:30:00Z',
          reason: 'Contract',
        },
      },
      200,
    );
    await automation(p, {
      code: 'club-years',
      name: 'Club anniversary',
      trigger: { kind: 'membership_anniversary', plans: [plan.id] },
      effect: { points: 50, catalogReward: hamper.id },
      startsAt: '2026-01-01T00:00:00Z',
    });
    await automation(p, {
      code: 'gold-years',
      name: 'Gold anniversary',
      trigger: { kind: 'tier_anniversary', tier: 'gold' },
      effect: { points: 20, catalogReward: hamper.id },
      startsAt: '2026-01-01T00:00:00Z',
    });

    expect(await p.due('2026-06-10T21:00:00Z')).toMatchObject({ fired: 0 });
    expect(await p.due('2026-06-10T22:30:00Z')).toMatchObject({ fired: 1 });
    expect(await p.due('2026-06-20T10:00:00Z')).toMatchObject({ fired: 0 });
    const [club] = await firings(p, 'club-years');
    expect(club).toMatchObject({
      accountId: acme,
      occurrence: '2026',
      occurredOn: '2026-06-11',
      explanation: 'Happy anniversary, ACME — 2 years of Club (2026)',
      points: 50,
      rewardSkipped: null,
    });
    const hamperFor = await p.ok(p.read, { method: 'GET', url: `/v1/redemptions/${club.redemptionId}` });
    expect(hamperFor).toMatchObject({
      accountId: acme,
      status: 'approved',
      price: { amount: 0, unit: 'points' },
      holdEntryId: null,
      issuedFor: `automation:club-years:${club.subjectId}:2026`,
    });

    // The only hamper went to ACME: BETA's Gold anniversary fires, its hamper is skipped.
    expect(await p.due('2026-09-01T21:00:00Z')).toMatchObject({ fired: 0 });
    expect(await p.due('2026-09-02T10:00:00Z')).toMatchObject({ fired: 1 });
    const [gold] = await firings(p, 'gold-years');
    expect(gold).toMatchObject({
      subjectId: beta,
      accountId: beta,
      occurredOn: '2026-09-02',
      explanation: 'Happy anniversary, BETA — 2 years as Gold (2026)',
      points: 20,
      redemptionId: null,
      rewardSkipped: 'Hamper is out of stock',
    });
    // Cancelling the free redemption gives its unit back and no points (none were held); the firings stay.
    const cancelled = await p.ok(
      p.write,
      { method: 'POST', url: `/v1/redemptions/${club.redemptionId}/cancel`, payload: {} },
      200,
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', settleEntryId: null, refundEntryId: null });
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${hamper.id}` })).stock.available).toBe(1);
    expect(await p.due('2026-09-03T10:00:00Z')).toMatchObject({ fired: 0 });
    expect(await p.points(acme)).toBe(50);
    expect(await p.points(beta)).toBe(20);
  });
});
