// Refusals of the partners routes: each names its code and field, and writes nothing.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { claimOf, type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function count(
  table: 'referrals' | 'referral_codes' | 'sales_claims' | 'referral_programs',
  programId: string,
) {
  const [row] = await selectRows<{ n: string }>(
    api.database.db,
    sql`select count(*) as n from ${sql.identifier(table)} where program_id = ${programId}`,
  );
  return Number(row!.n);
}

async function withReferralProgram(extra: object = {}): Promise<PartnerProgram> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend(extra) });
  return p;
}

describe('referral programs', () => {
  it('refuses a bad CEL condition, an unknown event type or currency, naming each field', async () => {
    const p = await partnerProgram(api);
    const res = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({
        conversion: { eventTypes: ['purchase', 'nope.nothing'], condition: 'event.amount >' },
        rewards: { referred: { unit: 'XXX', amount: 5 } },
      }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('referral_program_invalid');
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/conversion/eventTypes/1',
      '/body/conversion/condition',
      '/body/rewards/referred/unit',
    ]);
    expect(await count('referral_programs', p.id)).toBe(0);
  });

  it('refuses a second program of one code, and a negative reward', async () => {
    const p = await withReferralProgram();
    const twice = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend(),
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'referral_program_exists', errors: [{ path: '/body/code' }] });
    const negative = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({ code: 'neg', rewards: { referrer: { unit: 'points', amount: -5 } } }),
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().code).toBe('validation_failed');
    expect(negative.json().errors[0].path).toBe('/body/rewards/referrer/amount');
    const missing = await p.send(p.admin, { method: 'GET', url: '/v1/referral-programs/none-such' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('referral_program_not_found');
  });
});

describe('codes and attribution', () => {
  it('refuses a taken code, an unknown referral program, an unknown code', async () => {
    const p = await withReferralProgram();
    await p.account('NORDIC');
    await p.account('FJORD');
    await p.code('NORDIC', { code: 'TAKEN-1' });
    const taken = await p.send(p.write, {
      method: 'POST',
      url: '/v1/referral-codes',
      payload: { account: 'FJORD', referralProgram: 'refer-a-business', code: 'taken-1' },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'referral_code_taken', errors: [{ path: '/body/code' }] });
    const noProgram = await p.send(p.write, {
      method: 'POST',
      url: '/v1/referral-codes',
      payload: { account: 'FJORD', referralProgram: 'nope' },
    });
    expect(noProgram.statusCode).toBe(404);
    expect(noProgram.json()).toMatchObject({
      code: 'referral_program_not_found',
      errors: [{ path: '/body/referralProgram' }],
    });
    const unknown = await p.refer('NO-SUCH-CODE', 'FJORD');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'referral_code_not_found',
      errors: [{ path: '/body/code' }],
    });
    expect(await count('referral_codes', p.id)).toBe(1);
    expect(await count('referrals', p.id)).toBe(0);
  });

  it('refuses a second claim on a referred account, naming the first referrer', async () => {
    const p = await withReferralProgram();
    const nordic = await p.account('NORDIC');
    await p.account('OTHER');
    await p.account('FJORD');
    const first = (await p.refer(await p.code('NORDIC'), 'FJORD')).json();
    const second = await p.refer(await p.code('OTHER'), 'FJORD');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      code: 'referral_exists',
      referralId: first.id,
      referrerAccountId: nordic,
    });
    expect(second.json().detail).toContain(`already referred by ${nordic}`);
    expect(await count('referrals', p.id)).toBe(1);
  });

  it('refuses self-referral, a refusing guard, and an account that joined before the window', async () => {
    const p = await withReferralProgram({ guards: { sameGroup: 'refuse' } });
    const group = await p.account('GROUP');
    await p.account('SITE', { parentId: group });
    const code = await p.code('GROUP');
    const self = await p.refer(code, 'GROUP');
    expect(self.statusCode).toBe(422);
    expect(self.json()).toMatchObject({
      code: 'referral_refused',
      findings: [{ guard: 'same_account', action: 'refuse', reason: 'an account cannot refer itself' }],
    });
    const sameGroup = await p.refer(code, 'SITE');
    expect(sameGroup.statusCode).toBe(422);
    expect(sameGroup.json().findings).toEqual([
      {
        guard: 'same_group',
        action: 'refuse',
        reason: `referrer and referred belong to the same group (${group})`,
      },
    ]);
    // attributionDays 0: an account can only be attributed at the instant it joined.
    const { code: _code, ...document } = referAFriend({ attributionDays: 0 });
    await p.ok(
      p.admin,
      { method: 'PUT', url: '/v1/referral-programs/refer-a-business', payload: document },
      200,
    );
    await p.account('LATE');
    await new Promise((r) => setTimeout(r, 5));
    const late = await p.refer(code, 'LATE');
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe('referral_refused');
    expect(late.json().detail).toMatch(/more than 0 days before the attribution/);
    expect(await count('referrals', p.id)).toBe(0);
  });

  it('refuses deciding a referral that is not in review', async () => {
    const p = await withReferralProgram();
    await p.account('NORDIC');
    await p.account('FJORD');
    const { id } = (await p.refer(await p.code('NORDIC'), 'FJORD')).json();
    const approve = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/referrals/${id}/approve`,
      payload: {},
    });
    expect(approve.statusCode).toBe(409);
    expect(approve.json().code).toBe('referral_state_conflict');
    const missing = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/referrals/rfl_nope/reject',
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('referral_not_found');
  });
});

describe('sales claims', () => {
  it('refuses lines that do not add up, a future or too old invoice, naming the fields', async () => {
    const p = await partnerProgram(api);
    await p.account('RESELLER');
    const bad = await p.send(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'X-1', { amount: '1300.00', invoiceDate: '2099-01-01' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    expect(bad.json().errors).toEqual([
      { path: '/body/lines', message: 'the lines add up to 1250.00, not 1300.00' },
      { path: '/body/invoiceDate', message: 'is after today' },
    ]);
    const old = await p.send(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'X-2', { invoiceDate: '2020-02-30' }),
    });
    expect(old.json().errors).toEqual([
      { path: '/body/invoiceDate', message: '2020-02-30 is not a calendar date' },
    ]);
    const tooOld = await p.send(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'X-3', { invoiceDate: '2020-02-03' }),
    });
    expect(tooOld.json().errors[0].message).toMatch(/claims are taken within 90 days of the invoice/);
    const precision = await p.send(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'X-4', { amount: '1250.001' }),
    });
    expect(precision.json().errors[0]).toMatchObject({ path: '/body/amount' });
    expect(await count('sales_claims', p.id)).toBe(0);
  });

  it('refuses a duplicate invoice number (case, spaces and dashes ignored), naming the original', async () => {
    const p = await partnerProgram(api);
    await p.account('RESELLER');
    await p.account('OTHER');
    const first = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'INV-2026/77'),
    });
    const dup = await p.send(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('OTHER', ' inv 2026 77 '),
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({
      code: 'claim_duplicate',
      claimId: first.id,
      errors: [{ path: '/body/invoiceNumber', message: `claimed already by ${first.id}` }],
    });
    expect(await count('sales_claims', p.id)).toBe(1);
  });

  it('refuses a contact of another account and an unknown claim', async () => {
    const p = await partnerProgram(api);
    await p.account('RESELLER');
    const other = await p.account('OTHER');
    const stranger = await p.contact(other, 'x@other.example');
    const res = await p.send(p.write, {
      method: 'POST',
      url: '/v1/claims',
      payload: claimOf('RESELLER', 'C-1', { contact: stranger }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: '/body/contact', message: 'is not a contact of the account' },
    ]);
    const missing = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/claims/clm_nope/approve',
      payload: {},
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('claim_not_found');
  });
});
