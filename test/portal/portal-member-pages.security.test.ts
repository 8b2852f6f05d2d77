// The boundaries of the member's referrals, statements and surveys (decision 0029): each shows only the
// signed-in contact's own account; no route takes an account id; another program's survey is not
// found; answering needs the session and its CSRF header; input is validated.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, json, type MemberSession, memberOf, signIn } from './portal-fixture.ts';

let api: TestApi;
let mine: MemberSession;
let theirs: MemberSession;
let ownSurvey: string;
let otherProgramSurvey: string;

function lastMonth(): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

beforeAll(async () => {
  api = await testApi();
  const { a, b, services } = api;
  expect(
    (
      await api.call(a.admin, {
        method: 'PATCH',
        url: '/v1/program',
        payload: { settings: { portal: { slug: 'bounded' } } },
      })
    ).statusCode,
  ).toBe(200);
  const me = await memberOf(api, a.write, a.programId, 'MINE', 0);
  const them = await memberOf(api, a.write, a.programId, 'THEIRS', 0);
  await services.ledger.credit(a.programId, {
    key: 'theirs-old',
    account: 'THEIRS',
    amount: 777,
    reasonCode: 'purchase',
    explanation: 'Order',
    effectiveAt: new Date(`${lastMonth()}-12T12:00:00Z`),
  });
  await services.partners.createReferralProgram(
    a.programId,
    {
      code: 'refer',
      name: 'Refer',
      attributionDays: 30,
      conversion: { eventTypes: ['purchase'], windowDays: 90 },
      rewards: { referrer: { unit: 'points', amount: 100 } },
    },
    FIXTURE,
  );
  await services.partners.createCode(
    a.programId,
    { account: 'THEIRS', referralProgram: 'refer', code: 'THEIRS-CODE' },
    FIXTURE,
  );
  await api.call(a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'NEWCO', name: 'Newco' },
  });
  await services.partners.attribute(a.programId, { code: 'THEIRS-CODE', account: 'NEWCO' }, FIXTURE);
  ownSurvey = (
    await services.insight.createSurvey(
      a.programId,
      { name: 'A', question: { default: 'A?' }, comment: false },
      FIXTURE,
    )
  ).id;
  otherProgramSurvey = (
    await services.insight.createSurvey(b.programId, { name: 'B', question: { default: 'B?' } }, FIXTURE)
  ).id;
  mine = await signIn(api, a.write, 'bounded', me.contactId);
  theirs = await signIn(api, a.write, 'bounded', them.contactId);
}, 180_000);

describe('own data only', () => {
  it("never shows another account's referral codes or referrals", async () => {
    const r = json(await asMember(api, mine, { url: '/portal/api/referrals' }));
    expect(r).toEqual({ codes: [], referrals: [] });
    const t = json(await asMember(api, theirs, { url: '/portal/api/referrals' }));
    expect(t.codes.map((c: { code: string }) => c.code)).toEqual(['THEIRS-CODE']);
    expect(t.referrals).toHaveLength(1);
  });

  it("never shows another account's statements, and takes no account from the client", async () => {
    expect(json(await asMember(api, mine, { url: '/portal/api/statements' })).data).toEqual([]);
    const theirsList = json(await asMember(api, theirs, { url: '/portal/api/statements' })).data;
    expect(theirsList).toHaveLength(1);
    const doc = await asMember(api, mine, { url: `/portal/api/statements/${lastMonth()}` });
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toContain('MINE Ltd');
    expect(doc.body).not.toContain('THEIRS');
    for (const url of [
      `/portal/api/statements/${lastMonth()}?account=THEIRS`,
      '/portal/api/statements?account=THEIRS',
      '/portal/api/referrals?referrer=THEIRS',
    ]) {
      const r = await asMember(api, mine, { url });
      expect(r.statusCode, url).toBe(400);
      expect(json(r).code).toBe('validation_failed');
    }
    const bad = await asMember(api, mine, { url: '/portal/api/statements/2026-13' });
    expect(bad.statusCode).toBe(400);
  });

  it("refuses another program's survey as not found, and answers are per contact", async () => {
    const answer = (s: MemberSession, id: string, payload: object = { score: 8 }) =>
      asMember(api, s, { method: 'POST', url: `/portal/api/surveys/${id}/answers`, payload });
    const other = await answer(mine, otherProgramSurvey);
    expect(other.statusCode).toBe(404);
    expect(json(other).code).toBe('survey_not_found');
    const list = json(await asMember(api, mine, { url: '/portal/api/surveys' })).data;
    expect(list.map((s: { id: string }) => s.id)).toEqual([ownSurvey]);
    expect((await answer(mine, ownSurvey)).statusCode).toBe(201);
    // One contact's answer is not another's.
    expect(json(await asMember(api, theirs, { url: '/portal/api/surveys' })).data[0].answered).toBe(false);
    expect((await answer(theirs, ownSurvey, { score: 10 })).statusCode).toBe(201);
  });
});

describe('sessions, CSRF and input', () => {
  it('needs a session on every new route', async () => {
    for (const [method, url] of [
      ['GET', '/portal/api/referrals'],
      ['GET', '/portal/api/statements'],
      ['GET', `/portal/api/statements/${lastMonth()}`],
      ['GET', '/portal/api/surveys'],
      ['POST', `/portal/api/surveys/${ownSurvey}/answers`],
    ] as const) {
      const r = await api.app.inject({ method, url, ...(method === 'POST' && { payload: { score: 5 } }) });
      expect(r.statusCode, url).toBe(401);
      expect(json(r).code).toBe('portal_session_expired');
      // An API key is not a portal session.
      const keyed = await api.call(api.a.admin, {
        method,
        url,
        ...(method === 'POST' && { payload: { score: 5 } }),
      });
      expect(keyed.statusCode, url).toBe(401);
    }
  });

  it('refuses an answer without the CSRF header, and validates the score and comment', async () => {
    const url = `/portal/api/surveys/${ownSurvey}/answers`;
    const noCsrf = await api.app.inject({
      method: 'POST',
      url,
      headers: { cookie: mine.cookie },
      payload: { score: 5 },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(json(noCsrf).code).toBe('csrf_token_invalid');
    for (const payload of [
      { score: 11 },
      { score: -1 },
      { score: 5.5 },
      {},
      { score: 5, contact: 'con_x' },
    ]) {
      const r = await asMember(api, theirs, { method: 'POST', url, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json(r).code).toBe('validation_failed');
    }
  });
});
