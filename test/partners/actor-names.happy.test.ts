// Claims, referrals and the audit log name the console users who acted (decision 0056, after 0051's
// payout runs): `submittedByName` / `decidedByName` for every role that reads them, `actorName` in the
// audit log; null for an API key, whose id says what it is.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, claimOf, type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

/** A console user of the program (admin), by name when given: its id. */
async function user(p: PartnerProgram, email: string, name?: string): Promise<string> {
  return (
    await api.services.users.create(
      p.id,
      { email, password: 'correct horse battery', role: 'admin', ...(name && { name }) },
      FIXTURE,
    )
  ).id;
}

describe('names of the console users who acted', () => {
  it('names the submitter and decider of a claim in every read, and the actor in the audit log', async () => {
    const p = await partnerProgram(api);
    await p.account('RESELLER');
    const maker = await user(p, `maker-${p.id}@names.test`, 'Mia Maker');
    const checker = await user(p, `checker-${p.id}@names.test`);
    const checkerEmail = `checker-${p.id.toLowerCase()}@names.test`;
    const submitted = await api.services.partners.submitClaim(p.id, claimOf('RESELLER', 'N-1'), {
      kind: 'user',
      userId: maker,
    });
    expect(submitted).toMatchObject({
      submittedBy: maker,
      submittedByName: 'Mia Maker',
      decidedByName: null,
    });
    const rejected = await api.services.partners.rejectClaim(
      p.id,
      submitted.id,
      { reason: 'no proof' },
      { kind: 'user', userId: checker },
    );
    expect(rejected).toMatchObject({ decidedBy: checker, decidedByName: checkerEmail });

    // A read key (the console's viewers and approvers) reads both, one claim and the list.
    const read = await p.ok(p.read, { method: 'GET', url: `/v1/claims/${submitted.id}` });
    expect(read).toMatchObject({ submittedByName: 'Mia Maker', decidedByName: checkerEmail });
    // A claim submitted with a key: no name.
    const byKey = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'N-2'),
    });
    expect(byKey).toMatchObject({ submittedBy: expect.stringMatching(/^key_/), submittedByName: null });
    const listed = (await p.ok(p.read, { method: 'GET', url: '/v1/claims?account=RESELLER' })).data as Body[];
    expect(
      Object.fromEntries(listed.map((c) => [c.invoiceNumber, [c.submittedByName, c.decidedByName]])),
    ).toEqual({
      'N-1': ['Mia Maker', checkerEmail],
      'N-2': [null, null],
    });

    // The audit log: the users by name, the key by its id only.
    const audit = (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?resourceType=sales_claim' }))
      .data as Body[];
    expect(audit.map((e) => [e.action, e.actor, e.actorName])).toEqual([
      ['claim.submit', byKey.submittedBy, null],
      ['claim.reject', checker, checkerEmail],
      ['claim.submit', maker, 'Mia Maker'],
    ]);
  });

  it('names the decider of a referral', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({
        guards: { sameGroup: 'off', sameEmailDomain: 'off', velocity: { max: 1, days: 30, action: 'flag' } },
      }),
    });
    await p.account('NORDIC');
    await p.account('FJORD');
    await p.account('TWIN');
    const code = await p.code('NORDIC');
    const first = (await p.refer(code, 'FJORD')).json();
    expect(first).toMatchObject({ status: 'pending', decidedBy: null, decidedByName: null });
    const second = (await p.refer(code, 'TWIN')).json();
    expect(second.status).toBe('review');
    const checker = await user(p, `referrals-${p.id}@names.test`, 'Rita Reviewer');
    const rejected = await api.services.partners.rejectReferral(
      p.id,
      second.id,
      { reason: 'same owner' },
      { kind: 'user', userId: checker },
    );
    expect(rejected).toMatchObject({ decidedBy: checker, decidedByName: 'Rita Reviewer' });
    expect(await p.referral(second.id)).toMatchObject({ decidedByName: 'Rita Reviewer' });
    const listed = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' }))
      .data as Body[];
    expect(Object.fromEntries(listed.map((r) => [r.id, r.decidedByName]))).toEqual({
      [first.id]: null,
      [second.id]: 'Rita Reviewer',
    });
  });
});
