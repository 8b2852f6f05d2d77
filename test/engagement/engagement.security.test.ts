// Program isolation for engagement: another program's key sees none of this program's badges,
// challenges or leaderboards, cannot award or exclude on them, and its events progress nothing here.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EngagementProgram, engagementProgram, threeTrainings, trainedBadge } from './helpers.ts';

let api: TestApi;
let a: EngagementProgram;
let b: EngagementProgram;
let aAccount: string;

beforeAll(async () => {
  api = await testApi();
  a = await engagementProgram(api);
  b = await engagementProgram(api);
  await a.ok(a.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
  await a.ok(a.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings() });
  await a.ok(a.admin, {
    method: 'POST',
    url: '/v1/leaderboards',
    payload: {
      code: 'year',
      name: 'Year',
      metric: 'points_earned',
      window: { kind: 'calendar', period: 'year' },
    },
  });
  aAccount = await a.account('ALPHA-1');
  await a.ok(a.write, { method: 'POST', url: '/v1/accounts/ALPHA-1/badges', payload: { badge: 'trained' } });
  await a.ok(a.admin, {
    method: 'POST',
    url: '/v1/automations',
    payload: { code: 'bday', name: 'Birthday', trigger: { kind: 'birthday' }, effect: { points: 5 } },
  });
  await a.ok(a.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: { ...threeTrainings(), code: 'opt', enrolment: 'opt_in' },
  });
});

describe("another program's key", () => {
  it("reads none of a's badges, challenges, leaderboards, awards or progress (404, or empty lists)", async () => {
    for (const url of [
      '/v1/badges/trained',
      '/v1/challenges/three-trainings',
      `/v1/challenges/three-trainings/progress?account=${aAccount}`,
      '/v1/leaderboards/year',
      '/v1/leaderboards/year/standings',
      `/v1/accounts/${aAccount}/badges`,
      `/v1/accounts/${aAccount}/challenges`,
      '/v1/automations/bday',
      '/v1/automations/bday/firings',
    ]) {
      const r = await b.send(b.admin, { method: 'GET', url });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(404);
      // A 404 may repeat the reference it was given, nothing more of a's.
      for (const marker of ['ALPHA-1', 'Getraind', 'Three trainings this quarter', a.id])
        expect(r.body).not.toContain(marker);
    }
    for (const url of ['/v1/badges', '/v1/challenges', '/v1/leaderboards', '/v1/automations'])
      expect((await b.ok(b.read, { method: 'GET', url })).data).toEqual([]);
  });

  it("cannot award a's badge, change a's challenge, or exclude a's account", async () => {
    const bAccount = await b.account('BRAVO-1');
    const award = await b.send(b.write, {
      method: 'POST',
      url: `/v1/accounts/${bAccount}/badges`,
      payload: { badge: 'trained' },
    });
    expect([award.statusCode, award.json().code]).toEqual([404, 'badge_not_found']);
    const toA = await b.send(b.write, {
      method: 'POST',
      url: `/v1/accounts/${aAccount}/badges`,
      payload: { badge: 'trained' },
    });
    expect([toA.statusCode, toA.json().code]).toEqual([404, 'account_not_found']);
    const { code: _c, ...doc } = threeTrainings({ reward: { points: 1 } });
    const change = await b.send(b.admin, {
      method: 'PUT',
      url: '/v1/challenges/three-trainings',
      payload: doc,
    });
    expect([change.statusCode, change.json().code]).toEqual([404, 'challenge_not_found']);
    const exclude = await b.send(b.write, {
      method: 'PUT',
      url: `/v1/leaderboards/year/exclusions/${aAccount}`,
      payload: {},
    });
    expect([exclude.statusCode, exclude.json().code]).toEqual([404, 'leaderboard_not_found']);
    const join = await b.send(b.write, {
      method: 'POST',
      url: '/v1/challenges/opt/enrolments',
      payload: { account: aAccount },
    });
    expect([join.statusCode, join.json().code]).toEqual([404, 'challenge_not_found']);
    const pause = await b.send(b.admin, {
      method: 'PUT',
      url: '/v1/automations/bday',
      payload: { name: 'x', trigger: { kind: 'birthday' }, effect: { points: 1 }, enabled: false },
    });
    expect([pause.statusCode, pause.json().code]).toEqual([404, 'automation_not_found']);
    const refresh = await b.send(b.admin, { method: 'POST', url: '/v1/leaderboards/year/refreshes' });
    expect([refresh.statusCode, refresh.json().code]).toEqual([404, 'leaderboard_not_found']);
    expect((await a.ok(a.read, { method: 'GET', url: '/v1/automations/bday' })).enabled).toBe(true);
    expect((await a.ok(a.read, { method: 'GET', url: '/v1/accounts/ALPHA-1/badges' })).data).toHaveLength(1);
    expect((await a.ok(a.read, { method: 'GET', url: '/v1/challenges/three-trainings' })).version).toBe(1);
  });

  it("progresses only its own challenges: b's events and due runs pay nothing in a, and a challenge of the same code in b is b's", async () => {
    await b.ok(b.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    await b.ok(b.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings() });
    await b.account('ALPHA-1'); // the same externalId, b's own account
    for (const n of [1, 2, 3]) await b.training(`b-${n}`, 'ALPHA-1', `2026-05-0${n}T09:00:00Z`);
    await b.due('2026-05-10T00:00:00Z');
    expect((await b.progress('three-trainings', 'ALPHA-1', '2026-05-10T00:00:00Z')).completed).toBe(true);
    const aProgress = await a.progress('three-trainings', 'ALPHA-1', '2026-05-10T00:00:00Z');
    expect(aProgress).toMatchObject({ completed: false, completion: null });
    expect(aProgress.goals[0].value).toBe('0');
    expect(await a.points(aAccount)).toBe(0);
    expect((await a.ok(a.read, { method: 'GET', url: '/v1/accounts/ALPHA-1/badges' })).data).toHaveLength(1);
  });
});

describe('scopes', () => {
  it('a read key cannot join a challenge; a write key cannot define automations or refresh rankings', async () => {
    const join = await a.send(a.read, {
      method: 'POST',
      url: '/v1/challenges/opt/enrolments',
      payload: { account: aAccount },
    });
    expect(join.statusCode).toBe(403);
    const define = await a.send(a.write, {
      method: 'POST',
      url: '/v1/automations',
      payload: { code: 'w', name: 'W', trigger: { kind: 'birthday' }, effect: { points: 5 } },
    });
    expect(define.statusCode).toBe(403);
    const refresh = await a.send(a.write, { method: 'POST', url: '/v1/leaderboards/year/refreshes' });
    expect(refresh.statusCode).toBe(403);
    expect((await a.send(a.read, { method: 'GET', url: '/v1/automations/w' })).statusCode).toBe(404);
  });
});
