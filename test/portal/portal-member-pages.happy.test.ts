// The member's referrals, statements and surveys in the portal (decision 0029): the referral code and
// the businesses the account referred with status and what each earned; the last twelve months'
// statements and one downloaded as the document its e-mail carries, in the member's language; the
// program's open surveys, answered once (an NPS score and a comment), counted in the NPS report.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, json, type MemberSession, memberOf, signIn } from './portal-fixture.ts';

let api: TestApi;
let member: MemberSession;
let accountId: string;
let surveyId: string;

/** `YYYY-MM` of the month `back` months before the current one (UTC; the tests stay mid-month). */
function monthBack(back: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
const midMonth = (period: string) => new Date(`${period}-12T12:00:00Z`);

beforeAll(async () => {
  api = await testApi();
  const { a, services } = api;
  const r = await api.call(a.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: { settings: { portal: { slug: 'pages' } } },
  });
  expect(r.statusCode, r.body).toBe(200);
  const m = await memberOf(api, a.write, a.programId, 'REF', 0);
  accountId = m.accountId;
  // Two months ago: 1,000 earned; last month: 300 more, 200 spent.
  await services.ledger.credit(a.programId, {
    key: 'old',
    account: 'REF',
    amount: 1000,
    reasonCode: 'purchase',
    explanation: 'Order',
    effectiveAt: midMonth(monthBack(2)),
  });
  await services.ledger.credit(a.programId, {
    key: 'last',
    account: 'REF',
    amount: 300,
    reasonCode: 'purchase',
    explanation: 'Order',
    effectiveAt: midMonth(monthBack(1)),
  });
  await services.ledger.debit(a.programId, {
    key: 'spent',
    account: 'REF',
    amount: 200,
    reasonCode: 'redemption',
    explanation: 'Gift',
    effectiveAt: midMonth(monthBack(1)),
  });
  // A referral program; the member's code; two businesses referred, one converted by its order.
  await services.partners.createReferralProgram(
    a.programId,
    {
      code: 'refer',
      name: 'Refer a business',
      attributionDays: 30,
      conversion: { eventTypes: ['purchase'], windowDays: 90 },
      rewards: { referrer: { unit: 'points', amount: 2500 } },
      guards: { sameGroup: 'flag', sameEmailDomain: 'flag' },
      landingUrl: 'https://acme.example/join?ref={code}',
    },
    FIXTURE,
  );
  await services.partners.createCode(
    a.programId,
    { account: 'REF', referralProgram: 'refer', code: 'REF-FRIENDS', campaign: 'spring' },
    FIXTURE,
  );
  for (const [externalId, name] of [
    ['NEW1', 'Fjord Heating'],
    ['NEW2', 'Kestrel Installations'],
  ] as const) {
    await api.call(a.write, { method: 'POST', url: '/v1/accounts', payload: { externalId, name } });
    await services.partners.attribute(a.programId, { code: 'REF-FRIENDS', account: externalId }, FIXTURE);
  }
  await services.events.ingest(
    a.programId,
    {
      id: 'first-order',
      type: 'purchase',
      account: 'NEW1',
      occurredAt: new Date().toISOString(),
      amount: '500.00',
      currency: 'EUR',
    },
    FIXTURE,
  );
  await services.events.settled();
  // An open survey with a Polish wording, and a closed one.
  const survey = await services.insight.createSurvey(
    a.programId,
    {
      name: 'Partner NPS',
      question: { default: 'How likely are you to recommend us?', pl: 'Czy polecisz nas?' },
    },
    FIXTURE,
  );
  surveyId = survey.id;
  const closed = await services.insight.createSurvey(
    a.programId,
    { name: 'Old', question: { default: 'Old question?' } },
    FIXTURE,
  );
  await services.insight.closeSurvey(a.programId, closed.id, FIXTURE);
  member = await signIn(api, a.write, 'pages', m.contactId);
}, 180_000);

describe('referrals', () => {
  it('shows the code and the referred businesses with status and what each earned', async () => {
    const r = await asMember(api, member, { url: '/portal/api/referrals' });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r);
    expect(body.codes).toEqual([
      {
        code: 'REF-FRIENDS',
        referralProgram: 'refer',
        campaign: 'spring',
        link: 'https://acme.example/join?ref=REF-FRIENDS',
      },
    ]);
    const byName = Object.fromEntries(
      body.referrals.map((x: { referredName: string }) => [x.referredName, x]),
    );
    expect(byName['Fjord Heating']).toMatchObject({
      code: 'REF-FRIENDS',
      status: 'converted',
      earned: { amount: 2500, unit: 'points', pending: false },
    });
    expect(byName['Fjord Heating'].convertedAt).toEqual(expect.any(String));
    expect(byName['Kestrel Installations']).toMatchObject({ status: 'pending', earned: null });
  });
});

describe('statements', () => {
  it('lists the ended months with anything on them, newest first, with their figures', async () => {
    const r = await asMember(api, member, { url: '/portal/api/statements' });
    expect(r.statusCode, r.body).toBe(200);
    const list = json(r).data as Array<{
      period: string;
      lines: Array<Record<string, unknown>>;
      tiers: unknown[];
      rewards: unknown[];
    }>;
    expect(list.map((s) => s.period)).toEqual([monthBack(1), monthBack(2)]);
    expect(list[0]!.lines).toEqual([
      expect.objectContaining({
        unit: 'points',
        opening: 1000,
        earned: 300,
        earnedByReason: [{ reason: 'purchase', amount: 300 }],
        redeemed: 200,
        adjusted: 0,
        closing: 1100,
      }),
    ]);
    expect(list[1]!.lines).toEqual([
      expect.objectContaining({ unit: 'points', opening: 0, earned: 1000, redeemed: 0, closing: 1000 }),
    ]);
    expect(list[0]).toMatchObject({ tiers: [], rewards: [] });
  });

  it('downloads a month as the HTML document in the member’s language, and refuses an open month', async () => {
    const r = await asMember(api, member, { url: `/portal/api/statements/${monthBack(1)}?locale=pl` });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="statement-${monthBack(1)}.html"`);
    expect(r.body).toContain('lang="pl"');
    expect(r.body).toContain('Saldo końcowe');
    expect(r.body).toContain('Zakupy'); // earned by reason: purchase
    expect(r.body).toContain('REF Ltd');
    const open = await asMember(api, member, { url: `/portal/api/statements/${monthBack(0)}` });
    expect(open.statusCode).toBe(409);
    expect(json(open).code).toBe('statement_period_open');
  });
});

describe('surveys', () => {
  it('shows the open survey in the member’s language, not yet answered', async () => {
    const r = await asMember(api, member, { url: '/portal/api/surveys?locale=pl-PL' });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r).data).toEqual([
      {
        id: surveyId,
        question: 'Czy polecisz nas?',
        questions: [],
        comment: true,
        anonymous: false,
        answered: false,
      },
    ]);
  });

  it('takes the member’s answer once, and counts it in the NPS', async () => {
    const answer = (payload: object) =>
      asMember(api, member, { method: 'POST', url: `/portal/api/surveys/${surveyId}/answers`, payload });
    const r = await answer({ score: 9, comment: 'Quick deliveries', locale: 'en' });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ surveyId, score: 9, category: 'promoter' });
    const again = await answer({ score: 3 });
    expect(again.statusCode).toBe(409);
    expect(json(again).code).toBe('survey_already_answered');
    const list = json(await asMember(api, member, { url: '/portal/api/surveys' })).data;
    expect(list[0].answered).toBe(true);
    const nps = await api.call(api.a.read, { method: 'GET', url: `/v1/reports/nps?survey=${surveyId}` });
    expect(json(nps)).toMatchObject({ promoters: 1 });
    expect(json(nps).accounts).toEqual([expect.objectContaining({ accountId })]);
  });
});
