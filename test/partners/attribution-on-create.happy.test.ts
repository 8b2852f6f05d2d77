// Attribution when an account is created (decision 0048): POST /v1/accounts with referralCode and the
// account CSV import's referralCode column attribute the new account to the code's referrer in the
// transaction that creates it, with the checks of POST /v1/referrals: an unknown or deactivated code,
// or a guard that refuses, creates nothing and names the field; a second touch is refused; a file
// imported again changes nothing. Another program's code is unknown here.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function withCode(extra: object = {}): Promise<PartnerProgram & { code: string }> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend(extra) });
  await p.account('NORDIC');
  return Object.assign(p, { code: await p.code('NORDIC') });
}

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

describe('attribution when an account is created', () => {
  it('attributes the new account in its transaction; its purchase converts the referral', async () => {
    const p = await withCode();
    const r = await create(p, {
      externalId: 'FJORD',
      name: 'Fjord Builders',
      referralCode: p.code.toLowerCase(),
    });
    expect(r.statusCode, r.body).toBe(201);
    const account = r.json();
    expect(account).not.toHaveProperty('referralCode');
    const [referral] = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' })).data;
    expect(referral).toMatchObject({
      referredAccountId: account.id,
      status: 'pending',
      via: 'account',
      code: p.code,
    });
    await p.purchase('SO-1', 'FJORD', '150.00');
    expect((await p.referral(referral.id)).status).toBe('converted');
    expect(await p.wallet('NORDIC')).toMatchObject({ available: 500 });
    // Once only: a second touch is refused, naming the first referral.
    const again = await p.refer(p.code, 'FJORD');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'referral_exists', referralId: referral.id });
  });

  it('refuses an unknown or deactivated code, or a guard that refuses, creating nothing', async () => {
    const p = await withCode({ guards: { sameGroup: 'refuse' } });
    const before = await counts(p);
    const unknown = await create(p, { externalId: 'X1', name: 'X1', referralCode: 'NOPE-123' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.json()).toMatchObject({
      code: 'referral_code_not_found',
      errors: [{ path: '/body/referralCode', message: 'no such referral code' }],
    });
    // A subsidiary of the referrer itself: the same group, refused by the guard.
    const sameGroup = await create(p, {
      externalId: 'X2',
      name: 'X2',
      parentId: 'NORDIC',
      referralCode: p.code,
    });
    expect(sameGroup.statusCode, sameGroup.body).toBe(422);
    expect(sameGroup.json().code).toBe('referral_refused');
    await p.ok(
      p.write,
      { method: 'PATCH', url: `/v1/referral-codes/${p.code}`, payload: { active: false } },
      200,
    );
    const inactive = await create(p, { externalId: 'X3', name: 'X3', referralCode: p.code });
    expect(inactive.statusCode).toBe(409);
    expect(inactive.json()).toMatchObject({
      code: 'referral_code_inactive',
      errors: [{ path: '/body/referralCode' }],
    });
    const tooLong = await create(p, { externalId: 'X4', name: 'X4', referralCode: 'X'.repeat(41) });
    expect(tooLong.statusCode).toBe(400);
    expect(await counts(p)).toEqual(before);
  });

  it("does not know another program's code, and needs the write scope", async () => {
    const a = await withCode();
    const b = await withCode();
    const foreign = await create(b, { externalId: 'FJORD', name: 'Fjord', referralCode: a.code });
    if (a.code !== b.code) {
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().code).toBe('referral_code_not_found');
    }
    const readOnly = await a.send(a.read, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'FJORD', name: 'Fjord', referralCode: a.code },
    });
    expect(readOnly.statusCode).toBe(403);
    expect(await counts(a)).toEqual({ accounts: 1, referrals: 0 });
  });
});

describe('attribution by the account CSV import', () => {
  it('attributes new and existing rows in the import; a file imported again changes nothing', async () => {
    const p = await withCode();
    await p.account('OLD');
    const csv = `externalId,name,referralCode\nFJORD,Fjord Builders,${p.code}\nOLD,Old Customer,${p.code}\nPLAIN,No code,\n`;
    const first = await importCsv(p, csv);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ created: 2, updated: 1, skipped: 0 });
    const referrals = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' })).data;
    expect(referrals.map((r: { via: string }) => r.via)).toEqual(['import', 'import']);
    const again = await importCsv(p, csv);
    expect(again.statusCode, again.body).toBe(200);
    expect(await counts(p)).toEqual({ accounts: 4, referrals: 2 });
  });

  it('a refused code is a bad row with its line: nothing is imported, or the others with skipInvalid', async () => {
    const p = await withCode();
    const other = await partnerProgram(api);
    await other.ok(other.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    await other.account('ELSEWHERE');
    const otherCode = await other.code('ELSEWHERE', { code: 'ELSE-2026' });
    const csv = `externalId,name,referralCode\nFJORD,Fjord Builders,${p.code}\nBAD,Bad code,${otherCode}\n`;
    const before = await counts(p);
    const refused = await importCsv(p, csv);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'import_invalid_rows',
      errors: [{ line: 3, path: 'referralCode' }],
    });
    expect(refused.json().errors[0].message).toContain('referral_code_not_found');
    expect(await counts(p)).toEqual(before);
    const dry = await importCsv(p, csv, '?skipInvalid=true&dryRun=true');
    expect(dry.json()).toMatchObject({ created: 1, skipped: 1 });
    expect(await counts(p)).toEqual(before);
    const skipped = await importCsv(p, csv, '?skipInvalid=true');
    expect(skipped.json()).toMatchObject({ created: 1, skipped: 1 });
    expect(await counts(p)).toEqual({ accounts: before.accounts + 1, referrals: 1 });
  });
});
