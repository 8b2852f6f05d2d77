// Attribution by a partner reference without a code (decision 0060): `referredBy` names the referrer
// account (id or external id) on POST /v1/referrals, POST /v1/accounts, the account import's column
// and an event's references, with the rules of codes: first touch wins naming the first referrer,
// self-referral, the attribution window and the guards (refuse, or flag into review); the referral
// program is `referralProgram`, or the only active one. A refusal writes nothing.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function withProgram(extra: object = {}): Promise<PartnerProgram & { nordic: string }> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend(extra) });
  return Object.assign(p, { nordic: await p.account('NORDIC') });
}

const refer = (p: PartnerProgram, payload: object) =>
  p.send(p.write, { method: 'POST', url: '/v1/referrals', payload });
const create = (p: PartnerProgram, payload: object) =>
  p.send(p.write, { method: 'POST', url: '/v1/accounts', payload });
const importCsv = (p: PartnerProgram, csv: string, query = '') =>
  p.send(p.write, {
    method: 'POST',
    url: `/v1/imports/accounts${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });

async function counts(p: PartnerProgram) {
  const [row] = await selectRows<{ accounts: string; referrals: string }>(
    api.database.db,
    sql`select (select count(*) from accounts where program_id = ${p.id}) as accounts,
               (select count(*) from referrals where program_id = ${p.id}) as referrals`,
  );
  return { accounts: Number(row!.accounts), referrals: Number(row!.referrals) };
}

describe('attribution by a named referrer', () => {
  it('attributes through POST /v1/referrals without a code; first touch wins, naming the first referrer', async () => {
    const p = await withProgram();
    const fjord = await p.account('FJORD');
    const other = await p.account('OTHER');
    const r = await refer(p, { referredBy: 'NORDIC', account: 'FJORD' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      referralProgram: 'refer-a-business',
      code: null,
      campaign: null,
      referrerAccountId: p.nordic,
      referredAccountId: fjord,
      via: 'api',
      status: 'pending',
    });
    await p.purchase('SO-1', 'FJORD', '150.00');
    expect((await p.referral(r.json().id)).status).toBe('converted');
    expect(await p.wallet('NORDIC')).toMatchObject({ available: 500 });
    // By another referrer (its id), or a code: refused, naming the first.
    const second = await refer(p, { referredBy: other, account: 'FJORD' });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'referral_exists', referrerAccountId: p.nordic });
    expect((await p.refer(await p.code('OTHER'), 'FJORD')).json().code).toBe('referral_exists');
    expect(await counts(p)).toEqual({ accounts: 3, referrals: 1 });
  });

  it('refuses a referrer that is not an account, self-referral, both a code and a referrer, or neither', async () => {
    const p = await withProgram();
    await p.account('FJORD');
    const code = await p.code('NORDIC');
    const unknown = await refer(p, { referredBy: 'NOBODY', account: 'FJORD' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'referrer_not_found',
      errors: [{ path: '/body/referredBy' }],
    });
    const self = await refer(p, { referredBy: 'NORDIC', account: 'NORDIC' });
    expect(self.statusCode).toBe(422);
    expect(self.json().findings).toEqual([
      { guard: 'same_account', action: 'refuse', reason: 'an account cannot refer itself' },
    ]);
    const both = await refer(p, { referredBy: 'NORDIC', code, account: 'FJORD' });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/referredBy' }] });
    const neither = await refer(p, { account: 'FJORD' });
    expect(neither.statusCode).toBe(400);
    expect(neither.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/code' }] });
    expect((await counts(p)).referrals).toBe(0);
  });

  it('names the referral program when there are several; an unknown or deactivated one is refused', async () => {
    const p = await withProgram();
    await p.account('FJORD');
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({ code: 'agency-intro', name: 'Agency intro' }),
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({ code: 'retired', name: 'Retired', active: false }),
    });
    const ambiguous = await refer(p, { referredBy: 'NORDIC', account: 'FJORD' });
    expect(ambiguous.statusCode).toBe(422);
    expect(ambiguous.json()).toMatchObject({
      code: 'referral_program_required',
      errors: [{ path: '/body/referralProgram' }],
    });
    expect(ambiguous.json().detail).toContain('agency-intro');
    const unknown = await refer(p, { referredBy: 'NORDIC', referralProgram: 'nope', account: 'FJORD' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'referral_program_not_found',
      errors: [{ path: '/body/referralProgram' }],
    });
    const retired = await refer(p, { referredBy: 'NORDIC', referralProgram: 'retired', account: 'FJORD' });
    expect(retired.statusCode).toBe(409);
    expect(retired.json().code).toBe('referral_code_inactive');
    const alone = await refer(p, { referralProgram: 'agency-intro', account: 'FJORD' });
    expect(alone.statusCode).toBe(400);
    expect((await counts(p)).referrals).toBe(0);
    const named = await refer(p, { referredBy: 'NORDIC', referralProgram: 'agency-intro', account: 'FJORD' });
    expect(named.statusCode, named.body).toBe(201);
    expect(named.json().referralProgram).toBe('agency-intro');
  });

  it('applies the window and the guards: refuse, or flag into the review queue', async () => {
    const p = await withProgram({
      guards: { sameGroup: 'refuse', velocity: { max: 1, days: 30, action: 'flag' } },
    });
    await p.account('SITE', { parentId: p.nordic });
    const group = await refer(p, { referredBy: 'NORDIC', account: 'SITE' });
    expect(group.statusCode).toBe(422);
    expect(group.json().findings.map((f: { guard: string }) => f.guard)).toEqual(['same_group']);
    await p.account('A1');
    await p.account('A2');
    expect((await refer(p, { referredBy: 'NORDIC', account: 'A1' })).json().status).toBe('pending');
    const flagged = await refer(p, { referredBy: 'NORDIC', account: 'A2' });
    expect(flagged.json()).toMatchObject({ status: 'review', findings: [{ guard: 'velocity' }] });
    const review = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?status=review' });
    expect(review.data.map((r: { id: string }) => r.id)).toEqual([flagged.json().id]);

    const { code: _code, ...document } = referAFriend({ attributionDays: 0 });
    await p.ok(
      p.admin,
      { method: 'PUT', url: '/v1/referral-programs/refer-a-business', payload: document },
      200,
    );
    await p.account('LATE');
    await new Promise((r) => setTimeout(r, 5));
    const late = await refer(p, { referredBy: 'NORDIC', account: 'LATE' });
    expect(late.statusCode).toBe(422);
    expect(late.json().detail).toMatch(/more than 0 days before the attribution/);
  });
});

describe('the person at the referrer', () => {
  it('records the named contact of the referrer; another account’s or an unknown contact is refused', async () => {
    const p = await withProgram();
    await p.account('FJORD');
    const other = await p.account('OTHER');
    const anna = await p.contact(p.nordic, 'anna@nordic.example');
    const ben = await p.contact(other, 'ben@other.example');
    for (const [payload, status, code] of [
      [{ referredBy: 'NORDIC', referredByContact: ben, account: 'FJORD' }, 400, 'validation_failed'],
      [{ referredBy: 'NORDIC', referredByContact: 'con_nope', account: 'FJORD' }, 404, 'contact_not_found'],
      [{ referredByContact: anna, account: 'FJORD' }, 400, 'validation_failed'],
    ] as const) {
      const r = await refer(p, payload);
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json()).toMatchObject({ code, errors: [{ path: '/body/referredByContact' }] });
    }
    expect((await counts(p)).referrals).toBe(0);
    const r = await refer(p, { referredBy: 'NORDIC', referredByContact: anna, account: 'FJORD' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ referrerAccountId: p.nordic, referrerContactId: anna, code: null });
    const created = await create(p, {
      externalId: 'NEW',
      name: 'New',
      referredBy: 'NORDIC',
      referredByContact: anna,
    });
    expect(created.statusCode, created.body).toBe(201);
    const list = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' });
    expect(list.data.map((x: { referrerContactId: string }) => x.referrerContactId)).toEqual([anna, anna]);
    // A code names no contact.
    await p.account('CODED');
    const coded = await p.refer(await p.code('NORDIC'), 'CODED');
    expect(coded.json().referrerContactId).toBeNull();
  });
});

describe('a named referrer when an account is created, imported, or in an event', () => {
  it('POST /v1/accounts with referredBy attributes it in its transaction; a refusal creates nothing', async () => {
    const p = await withProgram({ guards: { sameGroup: 'refuse' } });
    const r = await create(p, { externalId: 'FJORD', name: 'Fjord Builders', referredBy: 'NORDIC' });
    expect(r.statusCode, r.body).toBe(201);
    const [referral] = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' })).data;
    expect(referral).toMatchObject({ referredAccountId: r.json().id, via: 'account', code: null });
    const before = await counts(p);
    for (const [payload, status, code, path] of [
      [{ externalId: 'X1', name: 'X1', referredBy: 'NOBODY' }, 404, 'referrer_not_found', '/body/referredBy'],
      [
        { externalId: 'X2', name: 'X2', referredBy: 'NORDIC', referralCode: 'ABC' },
        400,
        'validation_failed',
        '/body/referredBy',
      ],
      [
        { externalId: 'X3', name: 'X3', referralProgram: 'refer-a-business' },
        400,
        'validation_failed',
        '/body/referralProgram',
      ],
    ] as const) {
      const bad = await create(p, payload);
      expect(bad.statusCode, bad.body).toBe(status);
      expect(bad.json()).toMatchObject({ code, errors: [{ path }] });
    }
    const subsidiary = await create(p, {
      externalId: 'SUB',
      name: 'Sub',
      parentId: 'NORDIC',
      referredBy: 'NORDIC',
    });
    expect(subsidiary.statusCode).toBe(422);
    expect(subsidiary.json().code).toBe('referral_refused');
    expect(await counts(p)).toEqual(before);
  });

  it('the import takes a referredBy column; a refused referrer is a bad row; again changes nothing', async () => {
    const p = await withProgram();
    await p.account('OLD');
    const csv = `externalId,name,referredBy\nFJORD,Fjord Builders,NORDIC\nOLD,Old Customer,${p.nordic}\nPLAIN,No referrer,\n`;
    const first = await importCsv(p, csv);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ created: 2, updated: 1 });
    const referrals = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' })).data;
    expect(referrals.map((r: { via: string; code: null }) => [r.via, r.code])).toEqual([
      ['import', null],
      ['import', null],
    ]);
    expect((await importCsv(p, csv)).statusCode).toBe(200);
    expect(await counts(p)).toEqual({ accounts: 4, referrals: 2 });
    const bad = await importCsv(p, 'externalId,name,referredBy\nNEW1,New one,NOBODY\nNEW2,New two,NORDIC\n');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('import_invalid_rows');
    expect(JSON.stringify(bad.json())).toContain('referrer_not_found');
    expect(JSON.stringify(bad.json())).toContain('referredBy');
    expect(await counts(p)).toEqual({ accounts: 4, referrals: 2 });
  });

  it('an event naming the referrer attributes its account, and converts on it', async () => {
    const p = await withProgram();
    const fjord = await p.account('FJORD');
    await p.purchase('first-order', 'FJORD', '250.00', { references: { referredBy: 'NORDIC' } });
    const list = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' });
    expect(list.data).toEqual([
      expect.objectContaining({ referredAccountId: fjord, via: 'event', code: null, status: 'converted' }),
    ]);
    expect(await p.wallet(p.nordic)).toEqual({ available: 500, pending: 0 });
    // A later event naming another referrer changes nothing: first touch wins.
    await p.account('OTHER');
    await p.purchase('second-order', 'FJORD', '10.00', { references: { referredBy: 'OTHER' } });
    expect((await counts(p)).referrals).toBe(1);
  });
});
