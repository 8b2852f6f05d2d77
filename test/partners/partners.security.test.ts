// Who may decide on referrals and claims: a console approver (the role lends the admin scope for the
// decision only), never the claim's own submitter (maker-checker, also as a console user), never a
// write key or a viewer; another program sees none of it.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { claimOf, referAFriend } from './helpers.ts';

let api: TestApi;
const PASSWORD = 'correct horse battery staple';
interface Session {
  cookie: string;
  csrf: string;
}
let client = 0;

async function session(email: string): Promise<Session> {
  client += 1;
  const response = await api.app.inject({
    method: 'POST',
    url: '/console/session',
    payload: { email, password: PASSWORD },
    remoteAddress: `10.9.${client >> 8}.${client & 255}`,
  });
  expect(response.statusCode, response.body).toBe(201);
  return { cookie: String(response.headers['set-cookie']).split(';')[0]!, csrf: response.json().csrfToken };
}

const as = (
  s: Session,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> =>
  api.app.inject({
    method,
    url,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    ...(payload !== undefined && { payload }),
  });

beforeAll(async () => {
  api = await testApi();
  for (const role of ['viewer', 'approver', 'manager'] as const)
    await api.services.users.create(
      api.a.programId,
      { email: `${role}@partners.test`, password: PASSWORD, role },
      FIXTURE,
    );
  for (const externalId of ['RESELLER', 'GROUP']) {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
    expect(r.statusCode).toBe(201);
  }
  const group = await api.services.accounts.get(api.a.programId, 'GROUP');
  await api.services.accounts.create(
    api.a.programId,
    { externalId: 'SITE', name: 'Site', parentId: group.id },
    FIXTURE,
  );
  await api.services.partners.createReferralProgram(api.a.programId, referAFriend(), FIXTURE);
});

describe('claims', () => {
  it('a manager who submitted cannot approve; an approver can; a viewer and a write key cannot', async () => {
    const manager = await session('manager@partners.test');
    const submitted = await as(manager, 'POST', '/v1/claims', claimOf('RESELLER', 'SEC-1'));
    expect(submitted.statusCode, submitted.body).toBe(201);
    const id = submitted.json().id;
    expect(submitted.json().submittedBy).toMatch(/^usr_/);

    const own = await as(manager, 'POST', `/v1/claims/${id}/approve`, {});
    expect([own.statusCode, own.json().code]).toEqual([403, 'claim_approver_not_allowed']);
    const viewer = await as(await session('viewer@partners.test'), 'POST', `/v1/claims/${id}/approve`, {});
    expect([viewer.statusCode, viewer.json().code]).toEqual([403, 'insufficient_scope']);
    const writeKey = await api.call(api.a.write, {
      method: 'POST',
      url: `/v1/claims/${id}/approve`,
      payload: {},
    });
    expect([writeKey.statusCode, writeKey.json().code]).toEqual([403, 'insufficient_scope']);
    const foreign = await api.call(api.b.admin, {
      method: 'POST',
      url: `/v1/claims/${id}/approve`,
      payload: {},
    });
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'claim_not_found']);
    expect((await api.call(api.b.read, { method: 'GET', url: '/v1/claims' })).json().data).toEqual([]);

    const approver = await session('approver@partners.test');
    const approved = await as(approver, 'POST', `/v1/claims/${id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: expect.stringMatching(/^usr_/) });
    // The approver's admin scope is lent for the decision only.
    const write = await as(approver, 'POST', '/v1/claims', claimOf('RESELLER', 'SEC-2'));
    expect(write.json().code).toBe('insufficient_scope');
  });

  it('a read key cannot submit a claim', async () => {
    const res = await api.call(api.a.read, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'SEC-3'),
    });
    expect([res.statusCode, res.json().code]).toEqual([403, 'insufficient_scope']);
  });
});

describe('referrals', () => {
  it('an approver decides on a referral in review; another program cannot see or decide it', async () => {
    const code = await api.services.partners.createCode(
      api.a.programId,
      { account: 'GROUP', referralProgram: 'refer-a-business' },
      FIXTURE,
    );
    const referral = await api.services.partners.attribute(
      api.a.programId,
      { code: code.code, account: 'SITE' },
      FIXTURE,
    );
    expect(referral.status).toBe('review');
    const foreign = await api.call(api.b.admin, { method: 'GET', url: `/v1/referrals/${referral.id}` });
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'referral_not_found']);
    const foreignCode = await api.call(api.b.write, {
      method: 'POST',
      url: '/v1/referrals',
      payload: { code: code.code, account: 'SITE' },
    });
    expect([foreignCode.statusCode, foreignCode.json().code]).toEqual([404, 'referral_code_not_found']);
    const viewer = await as(
      await session('viewer@partners.test'),
      'POST',
      `/v1/referrals/${referral.id}/reject`,
      {},
    );
    expect(viewer.statusCode).toBe(403);
    const rejected = await as(
      await session('approver@partners.test'),
      'POST',
      `/v1/referrals/${referral.id}/reject`,
      {
        reason: 'same owner',
      },
    );
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionReason: 'same owner' });
  });
});
