// Partner races that only a real multi-connection PostgreSQL can show (PGlite has one connection):
// one referral converted by 20 concurrent qualifying events pays once; 20 concurrent attributions of
// one business leave one referrer; 20 concurrent claims of one invoice number leave one claim.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { claimOf, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

async function countOf(query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await selectRows<{ n: string }>(api.database.db, query);
  return Number(row!.n);
}

describe('partners under concurrency', () => {
  it('20 concurrent qualifying events convert one referral once and pay each side once', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    const nordic = await p.account('NORDIC');
    const fjord = await p.account('FJORD');
    const { id } = (await p.refer(await p.code('NORDIC'), 'FJORD')).json();
    const at = new Date().toISOString();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/events',
          payload: {
            id: `race-${n}`,
            type: 'purchase',
            account: 'FJORD',
            occurredAt: at,
            amount: '150.00',
            currency: 'EUR',
          },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const referral = await p.referral(id);
    expect(referral.status).toBe('converted');
    expect(referral.conversionEventId).toMatch(/^race-\d+$/);
    expect(await p.entries(nordic, 'referral_referrer')).toBe(1);
    expect(await p.entries(fjord, 'referral_referred')).toBe(1);
    expect(await p.wallet(nordic)).toEqual({ available: 500, pending: 0 });
    expect(await p.wallet(fjord, 'EUR')).toEqual({ available: 1000, pending: 0 });
    expect(
      await countOf(
        sql`select count(*) as n from audit_log where program_id = ${p.id} and action = 'referral.convert'`,
      ),
    ).toBe(1);
  });

  it('20 concurrent attributions of one business by 20 referrers leave exactly one referrer', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    await p.account('TARGET');
    const codes: string[] = [];
    for (let n = 0; n < 20; n++) {
      await p.account(`REF-${n}`);
      codes.push(await p.code(`REF-${n}`));
    }
    const results = await Promise.all(codes.map((code) => p.refer(code, 'TARGET')));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    const winner = results.find((r) => r.statusCode === 201)!.json();
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({
        code: 'referral_exists',
        referralId: winner.id,
        referrerAccountId: winner.referrerAccountId,
      });
    expect(await countOf(sql`select count(*) as n from referrals where program_id = ${p.id}`)).toBe(1);
  });

  it('20 concurrent submissions of one invoice number leave one claim', async () => {
    const p = await partnerProgram(api);
    await p.account('RESELLER');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/claims',
          payload: claimOf('RESELLER', n % 2 === 0 ? 'INV-RACE-1' : 'inv race 1'),
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, ...Array(19).fill(409)]);
    const first = results.find((r) => r.statusCode === 201)!.json();
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({ code: 'claim_duplicate', claimId: first.id });
    expect(await countOf(sql`select count(*) as n from sales_claims where program_id = ${p.id}`)).toBe(1);
  });
});
