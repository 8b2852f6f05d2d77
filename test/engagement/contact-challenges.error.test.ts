// Bad input to contact challenges (decision 0061): a problem naming the field, and nothing written.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import {
  type EngagementProgram,
  engagementProgram,
  perContact,
  threeTrainings,
  trainedBadge,
} from './helpers.ts';

let api: TestApi;
let p: EngagementProgram;
let inge: string;
let other: string;

beforeAll(async () => {
  api = await testApi();
  p = await engagementProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
  await p.account('ACME');
  await p.account('BETA');
  const contact = async (account: string, email: string, name: string) =>
    (
      await p.ok(p.write, {
        method: 'POST',
        url: `/v1/accounts/${account}/contacts`,
        payload: { email, name },
      })
    ).id as string;
  inge = await contact('ACME', 'inge@acme.example', 'Inge');
  other = await contact('BETA', 'bo@beta.example', 'Bo');
  await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: perContact() });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: perContact({
      code: 'join-me',
      enrolment: 'opt_in',
      audience: { condition: "contact.role == 'buyer'" },
    }),
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: threeTrainings({ code: 'team-join', enrolment: 'opt_in' }),
  });
});

async function refused(
  key: string,
  method: 'POST' | 'PUT' | 'GET',
  url: string,
  payload: object | undefined,
  status: number,
  code: string,
  paths: string[] = [],
) {
  const auditBefore = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?limit=500' })).data.length;
  const r = await p.send(key, { method, url, payload });
  expect(r.statusCode, r.body).toBe(status);
  const problem = r.json();
  expect(problem.code).toBe(code);
  expect((problem.errors ?? []).map((e: { path: string }) => e.path)).toEqual(paths);
  const auditAfter = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?limit=500' })).data.length;
  expect(auditAfter).toBe(auditBefore);
  return problem;
}

describe('contact challenges refuse what contacts cannot have, naming the field, writing nothing', () => {
  it('an account challenge whose audience tests the contact', async () => {
    const problem = await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      threeTrainings({ code: 'bad', audience: { condition: "contact.role == 'buyer'" } }),
      422,
      'challenge_invalid',
      ['/body/audience/condition'],
    );
    expect(problem.detail).toContain('an account challenge has no contact');
    expect((await p.send(p.read, { method: 'GET', url: '/v1/challenges/bad' })).statusCode).toBe(404);
  });

  it("a contact challenge whose audience tests the contact's attributes (contacts have none)", async () => {
    const problem = await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      perContact({ code: 'bad', audience: { condition: "contact.attributes.team == 'north'" } }),
      422,
      'challenge_invalid',
      ['/body/audience/condition'],
    );
    expect(problem.detail).toContain('contacts have no attributes');
    expect((await p.send(p.read, { method: 'GET', url: '/v1/challenges/bad' })).statusCode).toBe(404);
  });

  it('a participant that is neither account nor contact; a change turning an account challenge bad', async () => {
    await refused(
      p.admin,
      'POST',
      '/v1/challenges',
      perContact({ code: 'bad', participant: 'team' }),
      400,
      'validation_failed',
      ['/body/participant'],
    );
    const { code: _code, ...changed } = perContact({
      participant: 'account',
      audience: { condition: "contact.locale == 'nl'" },
    });
    await refused(p.admin, 'PUT', '/v1/challenges/my-trainings', changed, 422, 'challenge_invalid', [
      '/body/audience/condition',
    ]);
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/challenges/my-trainings' })).version).toBe(1);
  });
});

describe('the participant a request names must be the challenge’s', () => {
  it('progress: a contact challenge by its account, an account challenge by a contact, an unknown contact', async () => {
    await refused(
      p.read,
      'GET',
      '/v1/challenges/my-trainings/progress?account=ACME',
      undefined,
      422,
      'challenge_participant_mismatch',
      ['/query/contact'],
    );
    await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings() });
    await refused(
      p.read,
      'GET',
      `/v1/challenges/three-trainings/progress?contact=${inge}`,
      undefined,
      422,
      'challenge_participant_mismatch',
      ['/query/contact'],
    );
    await refused(
      p.read,
      'GET',
      '/v1/challenges/my-trainings/progress?contact=con_nope',
      undefined,
      404,
      'contact_not_found',
    );
    await refused(p.read, 'GET', '/v1/contacts/con_nope/challenges', undefined, 404, 'contact_not_found');
  });

  it('joining: a contact challenge by an account, an account challenge by a contact, a contact of another account, outside the audience', async () => {
    const url = '/v1/challenges/join-me/enrolments';
    await refused(p.write, 'POST', url, { account: 'ACME' }, 422, 'challenge_participant_mismatch', [
      '/body/contact',
    ]);
    await refused(
      p.write,
      'POST',
      '/v1/challenges/team-join/enrolments',
      { contact: inge },
      422,
      'challenge_participant_mismatch',
      ['/body/contact'],
    );
    await refused(
      p.write,
      'POST',
      '/v1/challenges/team-join/enrolments',
      {},
      422,
      'challenge_participant_mismatch',
      ['/body/account'],
    );
    await refused(
      p.write,
      'POST',
      url,
      { account: 'ACME', contact: other },
      422,
      'challenge_participant_mismatch',
      ['/body/contact'],
    );
    await refused(p.write, 'POST', url, { contact: 'con_nope' }, 404, 'contact_not_found');
    await p.ok(p.write, { method: 'PATCH', url: `/v1/contacts/${other}`, payload: { role: 'viewer' } }, 200);
    await refused(p.write, 'POST', url, { contact: other }, 422, 'challenge_not_eligible', ['/body/contact']);
    // Deactivated: takes no part.
    await p.ok(p.write, { method: 'POST', url: `/v1/contacts/${inge}/deactivate` }, 200);
    await refused(p.write, 'POST', url, { contact: inge }, 422, 'challenge_not_eligible', ['/body/contact']);
    // Nothing was joined.
    const progress = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/challenges/join-me/progress?contact=${inge}`,
    });
    expect(progress).toMatchObject({ joinedAt: null, status: 'not_joined' });
  });
});
