// The demo member sees something on each of the portal's pages of decision 0029: a referral code with a
// business converted (and what it earned) and one waiting, statements of the past months, and the
// demo's NPS survey open for them.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEMBER } from '../../src/modules/demo/demo-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, json, type MemberSession, signIn } from './portal-fixture.ts';

let api: TestApi;
let dana: MemberSession;

beforeAll(async () => {
  api = await testApi();
  const demo = await api.services.demo.load(FIXTURE);
  dana = await signIn(api, demo.apiKey, 'northwind', DEMO_MEMBER);
}, 300_000);

describe("the demo member's portal", () => {
  it('has a referral code, a converted referral with what it earned, and one waiting', async () => {
    const r = json(await asMember(api, dana, { url: '/portal/api/referrals' }));
    expect(r.codes).toEqual([
      {
        code: 'NORTHWIND-DANA',
        referralProgram: 'refer-a-business',
        campaign: 'installers-2026',
        link: 'https://northwind.example/partners/join?ref=NORTHWIND-DANA',
      },
    ]);
    const byName = Object.fromEntries(r.referrals.map((x: { referredName: string }) => [x.referredName, x]));
    expect(byName['Fjord Heating']).toMatchObject({
      status: 'converted',
      earned: { amount: 2500, unit: 'points' },
    });
    expect(byName['Lindqvist Plumbing']).toMatchObject({ status: 'pending', earned: null });
  });

  it('has statements of past months to download', async () => {
    const list = json(await asMember(api, dana, { url: '/portal/api/statements' })).data;
    expect(list.length).toBeGreaterThan(0);
    const doc = await asMember(api, dana, { url: `/portal/api/statements/${list[0].period}` });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-disposition']).toContain('attachment');
  });

  it('has the NPS survey open, not yet answered', async () => {
    const surveys = json(await asMember(api, dana, { url: '/portal/api/surveys' })).data;
    expect(surveys).toEqual([
      expect.objectContaining({
        question: 'How likely are you to recommend Northwind Supply to a colleague?',
        answered: false,
      }),
    ]);
  });
});
