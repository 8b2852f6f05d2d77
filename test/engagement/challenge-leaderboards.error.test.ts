// Leaderboards over a challenge's progress (decision 0062) refuse bad input: a problem naming the
// field, and nothing written — an unknown or opt-in challenge, a goal it does not have, event types
// beside it, a challenge on another metric; asking a contact board by account, an account board by
// contact, leaving a contact out of an account board.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EngagementProgram, engagementProgram, perContact, threeTrainings } from './helpers.ts';

let api: TestApi;
let p: EngagementProgram;
let inge: string;

const Q2 = { kind: 'fixed', from: '2026-04-01T00:00:00+02:00', to: '2026-07-01T00:00:00+02:00' };

beforeAll(async () => {
  api = await testApi();
  p = await engagementProgram(api);
  await p.account('ACME');
  inge = (
    await p.ok(p.write, {
      method: 'POST',
      url: '/v1/accounts/ACME/contacts',
      payload: { email: `inge${p.id}@acme.example`, name: 'Inge', role: 'buyer' },
    })
  ).id;
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: threeTrainings({ reward: { points: 10 } }),
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: perContact({ reward: { points: 10 } }),
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: threeTrainings({ code: 'join-in', enrolment: 'opt_in', reward: { points: 10 } }),
  });
  for (const [code, challenge] of [
    ['team', 'three-trainings'],
    ['own', 'my-trainings'],
  ])
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: { code, name: code, metric: 'challenge_progress', challenge, window: Q2 },
    });
});

async function refused(
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  url: string,
  payload: object | undefined,
  status: number,
  code: string,
  paths: string[],
) {
  const auditBefore = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?limit=500' })).data.length;
  const r = await p.send(method === 'GET' ? p.read : method === 'POST' ? p.admin : p.write, {
    method,
    url,
    payload,
  });
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toContain('application/problem+json');
  const problem = r.json();
  expect(problem.code).toBe(code);
  expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(paths);
  const auditAfter = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?limit=500' })).data.length;
  expect(auditAfter).toBe(auditBefore);
  return problem;
}

const board = (extra: object) => ({
  code: 'bad',
  name: 'Bad',
  metric: 'challenge_progress',
  window: Q2,
  ...extra,
});

describe('a challenge_progress leaderboard refuses bad documents, naming the field, writing nothing', () => {
  it('an unknown challenge, a missing one, an opt-in one', async () => {
    const problem = await refused(
      'POST',
      '/v1/leaderboards',
      board({ challenge: 'no-such-challenge' }),
      400,
      'validation_failed',
      ['/body/challenge'],
    );
    expect(problem.detail).toContain('unknown challenge no-such-challenge');
    await refused('POST', '/v1/leaderboards', board({}), 400, 'validation_failed', ['/body/challenge']);
    await refused('POST', '/v1/leaderboards', board({ challenge: 'join-in' }), 400, 'validation_failed', [
      '/body/challenge',
    ]);
    expect((await p.send(p.read, { method: 'GET', url: '/v1/leaderboards/bad' })).statusCode).toBe(404);
  });

  it('a goal the challenge does not have, event types beside it, a challenge on another metric', async () => {
    await refused(
      'POST',
      '/v1/leaderboards',
      board({ challenge: 'three-trainings', goal: 1, eventTypes: ['purchase'] }),
      400,
      'validation_failed',
      ['/body/eventTypes', '/body/goal'],
    );
    await refused(
      'POST',
      '/v1/leaderboards',
      board({ metric: 'points_earned', challenge: 'three-trainings' }),
      400,
      'validation_failed',
      ['/body/challenge'],
    );
    expect((await p.send(p.read, { method: 'GET', url: '/v1/leaderboards/bad' })).statusCode).toBe(404);
  });
});

describe('a leaderboard’s subjects are asked for and left out as what it ranks', () => {
  it('a contact board by account, an account board by contact', async () => {
    await refused(
      'GET',
      '/v1/leaderboards/own/standings?account=ACME',
      undefined,
      422,
      'leaderboard_subject_mismatch',
      ['/query/account'],
    );
    await refused(
      'GET',
      `/v1/leaderboards/team/standings?contact=${inge}`,
      undefined,
      422,
      'leaderboard_subject_mismatch',
      ['/query/contact'],
    );
  });

  it('a contact left out of an account board, an unknown contact', async () => {
    for (const method of ['PUT', 'DELETE'] as const)
      await refused(
        method,
        `/v1/leaderboards/team/contact-exclusions/${inge}`,
        method === 'PUT' ? {} : undefined,
        422,
        'leaderboard_subject_mismatch',
        ['/params/contactId'],
      );
    const r = await p.send(p.write, {
      method: 'PUT',
      url: '/v1/leaderboards/own/contact-exclusions/ct_nobody',
      payload: {},
    });
    expect(r.statusCode, r.body).toBe(404);
    expect(r.json().code).toBe('contact_not_found');
  });
});
