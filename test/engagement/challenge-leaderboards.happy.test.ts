// Leaderboards over a challenge's progress (decision 0062) through the API: an account (team)
// challenge ranks accounts, a contact challenge ranks its contacts (events without a contact count for
// nobody), both with standard competition ranks (1, 2, 2, 4), the top and an own place with its
// neighbours, live and from the ranking table; contacts and accounts left out and taken back.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, engagementProgram, perContact, threeTrainings } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

/** The second quarter of 2026, fixed: the ranking table's period whatever the day the tests run. */
const Q2 = { kind: 'fixed', from: '2026-04-01T00:00:00+02:00', to: '2026-07-01T00:00:00+02:00' };
const AS_OF = '2026-06-30T12:00:00Z';

const places = (list: Body[]) => list.map((x) => `${x.rank} ${x.contactName ?? x.externalId} ${x.value}`);

describe('a leaderboard over an account challenge', () => {
  it('ranks accounts by the goal’s value in the period, ties the standard way, live and from the table', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: threeTrainings({
        reward: { points: 10 },
        goals: [
          { metric: 'count', eventTypes: ['training.completed'], target: '3' },
          { metric: 'sum', eventTypes: ['purchase'], target: '500' },
        ],
      }),
    });
    const trainings: Record<string, number> = { A: 4, B: 2, C: 2, D: 1, E: 0 };
    for (const [account, n] of Object.entries(trainings)) {
      await p.account(account);
      for (let i = 0; i < n; i++)
        await p.training(`${account}-t${i}`, account, `2026-05-0${i + 1}T09:00:00Z`);
    }
    await p.training('A-march', 'A', '2026-03-20T09:00:00Z'); // before the challenge and the period
    await p.purchase('E-buy', 'E', '2026-05-10T10:00:00Z', '120.50');
    await p.purchase('B-buy', 'B', '2026-05-11T10:00:00Z', '80.00');

    const board = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'q2-trainings',
        name: 'Most trainings in Q2',
        metric: 'challenge_progress',
        challenge: 'three-trainings',
        window: Q2,
        size: 3,
      },
    });
    expect(board).toMatchObject({ metric: 'challenge_progress', challenge: 'three-trainings' });

    const live = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/leaderboards/q2-trainings/standings?account=D&asOf=${AS_OF}`,
    });
    expect(live).toMatchObject({
      metric: 'challenge_progress',
      challenge: 'three-trainings',
      subject: 'account',
      unit: 'events',
      ranked: 4,
      freshness: { source: 'live' },
    });
    expect(places(live.top)).toEqual(['1 A 4', '2 B 2', '2 C 2']);
    expect(live.account).toMatchObject({ rank: 4, value: '1' });
    expect(places(live.account.neighbours)).toEqual(['2 B 2', '2 C 2']);
    expect(live.top[0].contactId).toBeUndefined();

    // The period is over: the ranking table holds the same standings.
    const table = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/leaderboards/q2-trainings/standings?account=D',
    });
    expect(table.freshness.source).toBe('ranking');
    expect(places(table.top)).toEqual(['1 A 4', '2 B 2', '2 C 2']);
    expect(table.account).toMatchObject({ rank: 4, value: '1' });

    // The second goal: the amount spent, in the base currency.
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'q2-spend-goal',
        name: 'Spend toward the goal',
        metric: 'challenge_progress',
        challenge: 'three-trainings',
        goal: 1,
        window: Q2,
      },
    });
    const spend = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/leaderboards/q2-spend-goal/standings?asOf=${AS_OF}`,
    });
    expect(spend.unit).toBe('EUR');
    expect(places(spend.top)).toEqual(['1 E 120.5', '2 B 80']);
  });
});

describe('a leaderboard over a contact challenge', () => {
  async function setUp() {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: perContact({ reward: { points: 5 } }),
    });
    await p.account('ACME');
    await p.account('BETA');
    const contact = async (account: string, name: string) =>
      (
        await p.ok(p.write, {
          method: 'POST',
          url: `/v1/accounts/${account}/contacts`,
          payload: { email: `${name.toLowerCase()}${p.id}@example.com`, name, role: 'buyer' },
        })
      ).id as string;
    const people = {
      inge: await contact('ACME', 'Inge'),
      piet: await contact('ACME', 'Piet'),
      kees: await contact('BETA', 'Kees'),
      jan: await contact('BETA', 'Jan'),
      mia: await contact('BETA', 'Mia'),
    };
    const trainings: Array<[string, string, number]> = [
      ['ACME', people.inge, 3],
      ['ACME', people.piet, 2],
      ['BETA', people.kees, 2],
      ['BETA', people.jan, 1],
    ];
    for (const [account, who, n] of trainings)
      for (let i = 0; i < n; i++)
        await p.event({
          id: `${who}-t${i}`,
          type: 'training.completed',
          account,
          contact: who,
          occurredAt: `2026-05-0${i + 1}T09:00:00Z`,
        });
    // Without a contact: the team's, nobody's own.
    for (let i = 0; i < 5; i++)
      await p.event({
        id: `acme-team-${i}`,
        type: 'training.completed',
        account: 'ACME',
        occurredAt: `2026-05-1${i}T09:00:00Z`,
      });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'my-trainings-q2',
        name: 'Most trainings of your own',
        metric: 'challenge_progress',
        challenge: 'my-trainings',
        window: Q2,
      },
    });
    return { p, people };
  }

  it('ranks contacts with their accounts, ties the standard way, a contact’s own place and neighbours', async () => {
    const { p, people } = await setUp();
    for (const url of [
      `/v1/leaderboards/my-trainings-q2/standings?contact=${people.jan}&asOf=${AS_OF}`,
      `/v1/leaderboards/my-trainings-q2/standings?contact=${people.jan}`,
    ]) {
      const s = await p.ok(p.read, { method: 'GET', url });
      expect(s).toMatchObject({ subject: 'contact', ranked: 4, account: null });
      expect(places(s.top)).toEqual(['1 Inge 3', '2 Piet 2', '2 Kees 2', '4 Jan 1']);
      expect(s.top[0]).toMatchObject({ contactId: people.inge, externalId: 'ACME' });
      expect(s.top[2]).toMatchObject({ contactId: people.kees, externalId: 'BETA' });
      expect(s.contact).toMatchObject({ contactId: people.jan, rank: 4, value: '1' });
      expect(places(s.contact.neighbours)).toEqual(['2 Piet 2', '2 Kees 2']);
    }
    const idle = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/leaderboards/my-trainings-q2/standings?contact=${people.mia}`,
    });
    expect(idle.contact).toMatchObject({ rank: null, value: null, neighbours: [] });
  });

  it('ranks only who is in the challenge’s audience: a contact it leaves out is not ranked', async () => {
    const { p, people } = await setUp();
    await p.ok(p.write, { method: 'PATCH', url: `/v1/contacts/${people.piet}`, payload: { role: 'viewer' } });
    const { code: _code, ...change } = perContact({
      reward: { points: 5 },
      audience: { condition: 'contact.role == "buyer"' },
    }) as Body;
    await p.ok(p.admin, { method: 'PUT', url: '/v1/challenges/my-trainings', payload: change });
    const s = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/leaderboards/my-trainings-q2/standings?contact=${people.piet}&asOf=${AS_OF}`,
    });
    expect(places(s.top)).toEqual(['1 Inge 3', '2 Kees 2', '3 Jan 1']);
    expect(s.contact).toMatchObject({ rank: null, value: null });
  });

  it('leaves a contact out (audited) and takes it back; an account left out takes its contacts', async () => {
    const { p, people } = await setUp();
    const url = '/v1/leaderboards/my-trainings-q2/standings';
    const out = await p.ok(p.write, {
      method: 'PUT',
      url: `/v1/leaderboards/my-trainings-q2/contact-exclusions/${people.piet}`,
      payload: { reason: 'opted out' },
    });
    expect(out).toMatchObject({ leaderboard: 'my-trainings-q2', contactId: people.piet, excluded: true });
    expect(places((await p.ok(p.read, { method: 'GET', url })).top)).toEqual([
      '1 Inge 3',
      '2 Kees 2',
      '3 Jan 1',
    ]);
    // Live standings leave it out too.
    expect(places((await p.ok(p.read, { method: 'GET', url: `${url}?asOf=${AS_OF}` })).top)).toEqual([
      '1 Inge 3',
      '2 Kees 2',
      '3 Jan 1',
    ]);
    await p.ok(p.write, {
      method: 'PUT',
      url: '/v1/leaderboards/my-trainings-q2/exclusions/BETA',
      payload: {},
    });
    expect(places((await p.ok(p.read, { method: 'GET', url })).top)).toEqual(['1 Inge 3']);
    await p.ok(p.write, { method: 'DELETE', url: '/v1/leaderboards/my-trainings-q2/exclusions/BETA' });
    const back = await p.ok(p.write, {
      method: 'DELETE',
      url: `/v1/leaderboards/my-trainings-q2/contact-exclusions/${people.piet}`,
    });
    expect(back).toMatchObject({ contactId: people.piet, excluded: false });
    expect(places((await p.ok(p.read, { method: 'GET', url })).top)).toHaveLength(4);
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?resourceId=my-trainings-q2' });
    expect(audit.data.map((e: Body) => e.action)).toEqual([
      'leaderboard.include',
      'leaderboard.include',
      'leaderboard.exclude',
      'leaderboard.exclude',
      'leaderboard.create',
    ]);
    expect(audit.data[3].after).toMatchObject({ contactId: people.piet, reason: 'opted out' });
  });
});
