// Challenges through the API: progress derived from the events' history, completion paying points and
// a badge exactly once, found by the events' after-commit check or by the due run.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EngagementProgram, engagementProgram, threeTrainings, trainedBadge } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function withChallenge(extra: object = {}): Promise<EngagementProgram> {
  const p = await engagementProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
  await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings(extra) });
  return p;
}

describe('a quarterly three-trainings challenge', () => {
  it('shows progress, then pays its points and badge once when the third training lands', async () => {
    const p = await withChallenge();
    const acme = await p.account('ACME');
    await p.training('t1', 'ACME', '2026-04-03T09:00:00Z');
    await p.training('t2', 'ACME', '2026-05-03T09:00:00Z');
    const halfway = await p.progress('three-trainings', 'ACME', '2026-05-10T00:00:00Z');
    expect(halfway).toMatchObject({
      challenge: 'three-trainings',
      version: 1,
      accountId: acme,
      status: 'open',
      eligible: true,
      window: { key: '2026-Q2', start: '2026-03-31T22:00:00.000Z', end: '2026-06-30T22:00:00.000Z' },
      goals: [{ metric: 'count', value: '2', target: '3', done: false, label: 'Complete three trainings' }],
      steps: 1,
      stepsDone: 0,
      completed: false,
      completion: null,
    });
    // 51 days and 22 hours from 10 May 00:00 UTC to 30 June 22:00 UTC.
    expect(halfway.timeLeftSeconds).toBe((51 * 24 + 22) * 3600);
    expect(await p.points(acme)).toBe(0);

    await p.training('t3', 'ACME', '2026-06-01T09:00:00Z');
    const done = await p.progress('three-trainings', 'ACME', '2026-06-02T00:00:00Z');
    expect(done).toMatchObject({ status: 'completed', completed: true, stepsDone: 1 });
    expect(done.completion).toMatchObject({
      windowKey: '2026-Q2',
      completedAt: '2026-06-01T09:00:00.000Z',
      points: 300,
      version: 1,
    });
    expect(await p.points(acme)).toBe(300);
    const badges = await p.ok(p.read, { method: 'GET', url: '/v1/accounts/ACME/badges' });
    expect(badges.data).toHaveLength(1);
    expect(badges.data[0]).toMatchObject({
      id: done.completion.badgeAwardId,
      source: 'challenge',
      sourceKey: `challenge:three-trainings:${acme}:2026-Q2`,
      badge: { code: 'trained', name: 'Trained', translations: { nl: { name: 'Getraind' } } },
      expired: false,
    });

    // More trainings, and the due run over and over: nothing is paid twice.
    await p.training('t4', 'ACME', '2026-06-05T09:00:00Z');
    await p.due('2026-06-10T00:00:00Z');
    await p.due('2026-06-10T00:00:00Z');
    expect(await p.points(acme)).toBe(300);
    expect(await p.entries(acme, 'challenge_completed')).toBe(1);
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/accounts/ACME/badges' })).data).toHaveLength(1);
  });

  it('counts each calendar quarter on its own, and pays each completed quarter', async () => {
    const p = await withChallenge();
    const acme = await p.account('ACME');
    for (const [n, at] of ['2026-06-01', '2026-06-02', '2026-07-01', '2026-07-02', '2026-07-03'].entries())
      await p.training(`q${n}`, 'ACME', `${at}T09:00:00Z`);
    expect((await p.progress('three-trainings', 'ACME', '2026-06-20T00:00:00Z')).goals[0].value).toBe('2');
    const q3 = await p.progress('three-trainings', 'ACME', '2026-07-20T00:00:00Z');
    expect(q3).toMatchObject({
      window: { key: '2026-Q3' },
      completed: true,
      completion: { windowKey: '2026-Q3' },
    });
    expect(await p.points(acme)).toBe(300);
  });

  it('counts the events since its start when it is created mid-window; the due run pays what no event checked', async () => {
    const p = await engagementProgram(api);
    const acme = await p.account('ACME');
    await p.training('e1', 'ACME', '2026-03-20T09:00:00Z'); // before the start: does not count
    await p.training('e2', 'ACME', '2026-04-02T09:00:00Z');
    await p.training('e3', 'ACME', '2026-04-03T09:00:00Z');
    await p.training('e4', 'ACME', '2026-04-04T09:00:00Z');
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: threeTrainings({ startsAt: '2026-04-01T00:00:00Z', reward: { points: 50 } }),
    });
    const progress = await p.progress('three-trainings', 'ACME', '2026-04-10T00:00:00Z');
    expect(progress).toMatchObject({ completed: true, status: 'open', completion: null });
    expect(progress.goals[0].value).toBe('3');
    expect(await p.points(acme)).toBe(0);

    expect(await p.due('2026-04-10T00:00:00Z')).toEqual({
      checked: 1,
      completed: 1,
      fired: 0,
      rewardsIssued: 0,
      refreshed: 0,
    });
    expect(await p.due('2026-04-10T00:00:00Z')).toEqual({
      checked: 1,
      completed: 0,
      fired: 0,
      rewardsIssued: 0,
      refreshed: 0,
    });
    expect(await p.points(acme)).toBe(50);
    const after = await p.progress('three-trainings', 'ACME', '2026-04-10T00:00:00Z');
    expect(after).toMatchObject({
      status: 'completed',
      completion: { completedAt: '2026-04-04T09:00:00.000Z' },
    });
  });

  it('counts a late event in the window it occurred in', async () => {
    const p = await withChallenge();
    const acme = await p.account('ACME');
    await p.training('a', 'ACME', '2026-05-01T09:00:00Z');
    await p.training('b', 'ACME', '2026-05-02T09:00:00Z');
    await p.training('c', 'ACME', '2026-07-15T09:00:00Z'); // Q3
    // Sent after Q3 began, it occurred in Q2: Q2 is completed.
    await p.training('late', 'ACME', '2026-06-30T21:00:00Z');
    const q2 = await p.progress('three-trainings', 'ACME', '2026-06-30T21:30:00Z');
    expect(q2).toMatchObject({ window: { key: '2026-Q2' }, completion: { windowKey: '2026-Q2' } });
    expect((await p.progress('three-trainings', 'ACME', '2026-07-20T00:00:00Z')).goals[0].value).toBe('1');
    expect(await p.points(acme)).toBe(300);
  });

  it('needs every goal of an all-of challenge: a count, a sum of the amount, distinct values of an attribute', async () => {
    const p = await engagementProgram(api);
    const acme = await p.account('ACME');
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        code: 'all-round',
        name: 'All-round partner',
        goals: [
          { metric: 'sum', eventTypes: ['purchase'], target: '1000.50' },
          { metric: 'distinct', eventTypes: ['training.completed'], attribute: 'course', target: '2' },
          { metric: 'sum', eventTypes: ['training.completed'], attribute: 'hours', target: '4.5' },
        ],
        window: { kind: 'fixed', from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' },
        startsAt: '2026-01-01T00:00:00Z',
        reward: { points: 1000 },
      },
    });
    await p.purchase('p1', 'ACME', '2026-05-02T10:00:00Z', '600.25');
    await p.event({
      id: 'tr1',
      type: 'training.completed',
      account: 'ACME',
      occurredAt: '2026-05-03T10:00:00Z',
      attributes: { course: 'safety', hours: 2.25 },
    });
    await p.event({
      id: 'tr2',
      type: 'training.completed',
      account: 'ACME',
      occurredAt: '2026-05-04T10:00:00Z',
      attributes: { course: 'safety', hours: 2.25 },
    });
    let view = await p.progress('all-round', 'ACME', '2026-05-10T00:00:00Z');
    expect(view.goals.map((g: { value: string; done: boolean }) => [g.value, g.done])).toEqual([
      ['600.25', false],
      ['1', false],
      ['4.5', true],
    ]);
    expect(view).toMatchObject({ steps: 3, stepsDone: 1, completed: false });
    await p.purchase('p2', 'ACME', '2026-05-05T10:00:00Z', '400.25');
    await p.event({
      id: 'tr3',
      type: 'training.completed',
      account: 'ACME',
      occurredAt: '2026-05-06T10:00:00Z',
      attributes: { course: 'sales' },
    });
    view = await p.progress('all-round', 'ACME', '2026-05-10T00:00:00Z');
    expect(view).toMatchObject({
      stepsDone: 3,
      completed: true,
      completion: { points: 1000, windowKey: 'fixed' },
    });
    expect(await p.points(acme)).toBe(1000);
  });

  it('pays only accounts in its audience (a CEL condition over the account)', async () => {
    const p = await withChallenge({ audience: { condition: 'account.segment == "installer"' } });
    const yes = await p.account('INSTALLER', { segment: 'installer' });
    const no = await p.account('RETAIL', { segment: 'retail' });
    for (const account of ['INSTALLER', 'RETAIL'])
      for (const n of [1, 2, 3]) await p.training(`${account}-${n}`, account, `2026-05-0${n}T09:00:00Z`);
    expect(await p.points(yes)).toBe(300);
    expect(await p.points(no)).toBe(0);
    await p.due('2026-05-10T00:00:00Z');
    expect(await p.points(no)).toBe(0);
    expect((await p.progress('three-trainings', 'RETAIL', '2026-05-10T00:00:00Z')).eligible).toBe(false);
    const listed = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/accounts/RETAIL/challenges?asOf=2026-05-10T00:00:00Z',
    });
    expect(listed.data).toEqual([]);
  });

  it("lists an account's open challenges with progress, and its completions", async () => {
    const p = await withChallenge();
    await p.account('ACME');
    for (const n of [1, 2, 3]) await p.training(`t${n}`, 'ACME', `2026-04-0${n}T09:00:00Z`);
    await p.training('t4', 'ACME', '2026-07-02T09:00:00Z');
    const listed = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/challenges?asOf=2026-07-10T00:00:00Z',
    });
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      challenge: 'three-trainings',
      window: { key: '2026-Q3' },
      stepsDone: 0,
    });
    expect(listed.data[0].goals[0].value).toBe('1');
    expect(listed.completions).toEqual([
      expect.objectContaining({ challenge: 'three-trainings', windowKey: '2026-Q2', points: 300 }),
    ]);
  });

  it('keeps every version; a change applies to the open window from history (audited)', async () => {
    const p = await withChallenge();
    const acme = await p.account('ACME');
    await p.training('t1', 'ACME', '2026-05-01T09:00:00Z');
    await p.training('t2', 'ACME', '2026-05-02T09:00:00Z');
    const { code: _code, ...doc } = threeTrainings();
    const changed = await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/challenges/three-trainings',
      payload: { ...doc, goals: [{ metric: 'count', eventTypes: ['training.completed'], target: '2' }] },
    });
    expect(changed).toMatchObject({
      code: 'three-trainings',
      version: 2,
      startsAt: '2026-04-01T00:00:00+02:00',
    });
    expect((await p.progress('three-trainings', 'ACME', '2026-05-10T00:00:00Z')).completed).toBe(true);
    await p.due('2026-05-10T00:00:00Z');
    expect(await p.points(acme)).toBe(300);
    const completion = (await p.progress('three-trainings', 'ACME', '2026-05-10T00:00:00Z')).completion;
    expect(completion.version).toBe(2);
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?resourceId=three-trainings' });
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual([
      'challenge.update',
      'challenge.create',
    ]);
    expect(
      (await p.ok(p.read, { method: 'GET', url: '/v1/challenges' })).data.map(
        (c: { code: string }) => c.code,
      ),
    ).toEqual(['three-trainings']);
  });

  it('issues a catalog reward free once per completion, taking a code; out of codes it is skipped with the reason', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    const gift = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'egift_card',
        name: 'Gift card',
        price: { amount: 500, unit: 'points' },
        stock: { kind: 'codes' },
      },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: `/v1/rewards/${gift.id}/codes`,
      payload: { codes: ['GIFT-1'] },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: threeTrainings({ reward: { points: 300, catalogReward: gift.id } }),
    });
    const acme = await p.account('ACME');
    const beta = await p.account('BETA');
    for (const n of [1, 2, 3]) await p.training(`a${n}`, 'ACME', `2026-04-0${n}T09:00:00Z`);
    await p.due('2026-05-10T00:00:00Z');
    await p.due('2026-05-10T00:00:00Z');
    const done = (await p.progress('three-trainings', 'ACME', '2026-05-10T00:00:00Z')).completion;
    expect(done).toMatchObject({ points: 300, rewardSkipped: null, redemptionId: expect.any(String) });
    const redemption = await p.ok(p.read, { method: 'GET', url: `/v1/redemptions/${done.redemptionId}` });
    expect(redemption).toMatchObject({
      accountId: acme,
      rewardId: gift.id,
      status: 'fulfilled',
      code: 'GIFT-1',
      price: { amount: 0, unit: 'points' },
      holdEntryId: null,
      issuedFor: `challenge:three-trainings:${acme}:2026-Q2`,
    });
    // Free: the 300 points of the completion stay whole, and the repeated due run issued nothing more.
    expect(await p.points(acme)).toBe(300);
    const listed = await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${acme}` });
    expect(listed.data).toHaveLength(1);

    // The pool is empty now: BETA's completion is paid, the reward is skipped with its reason.
    for (const n of [1, 2, 3]) await p.training(`b${n}`, 'BETA', `2026-04-0${n}T09:00:00Z`);
    const skipped = (await p.progress('three-trainings', 'BETA', '2026-05-10T00:00:00Z')).completion;
    expect(skipped).toMatchObject({
      points: 300,
      redemptionId: null,
      rewardSkipped: 'Gift card has no codes left',
    });
    expect(await p.points(beta)).toBe(300);
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${beta}` })).data).toEqual([]);
  });

  it('keeps name and description per language', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    const translations = {
      nl: {
        name: 'Drie trainingen dit kwartaal',
        description: 'Volg drie trainingen',
        goals: ['Volg drie trainingen af'],
      },
    };
    const created = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: threeTrainings({ description: 'Follow three trainings', translations }),
    });
    expect(created).toMatchObject({ description: 'Follow three trainings', translations });
    await p.account('ACME');
    const listed = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/challenges?asOf=2026-05-10T00:00:00Z',
    });
    expect(listed.data[0]).toMatchObject({ description: 'Follow three trainings', translations });
    // More goal labels than the challenge has goals: refused at the field, nothing written.
    const refused = await api.call(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: {
        ...threeTrainings({ translations: { nl: { goals: ['Eén', 'Twee'] } } }),
        code: 'two-labels',
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'challenge_invalid',
      errors: [{ path: '/body/translations/nl/goals', message: '2 labels for 1 goals' }],
    });
  });
});
