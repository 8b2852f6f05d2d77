// Attribution at account creation under concurrency (decision 0048), on a real PostgreSQL: 10
// concurrent creations of one externalId with a code leave one account and one referral (the losers
// get external_id_taken and write no referral); 10 concurrent imports of one file with codes leave
// each account referred once.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

async function counts(programId: string) {
  const [row] = await selectRows<{ accounts: string; referrals: string }>(
    api.database.db,
    sql`select (select count(*) from accounts where program_id = ${programId}) as accounts,
               (select count(*) from referrals where program_id = ${programId}) as referrals`,
  );
  return { accounts: Number(row!.accounts), referrals: Number(row!.referrals) };
}

describe('attribution at account creation under concurrency', () => {
  it('10 concurrent creations of one account with a code: one account, one referral', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    await p.account('NORDIC');
    const code = await p.code('NORDIC');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/accounts',
          payload: { externalId: 'FJORD', name: 'Fjord', referralCode: code },
        }),
      ),
    );
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of answers.filter((x) => x.statusCode !== 201))
      expect(r.json().code).toBe('external_id_taken');
    expect(await counts(p.id)).toEqual({ accounts: 2, referrals: 1 });
  });

  it('10 concurrent imports of one file with codes: each account referred once', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    await p.account('NORDIC');
    const code = await p.code('NORDIC');
    const csv = `externalId,name,referralCode\nA1,A one,${code}\nA2,A two,${code}\n`;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/imports/accounts',
          headers: { 'content-type': 'text/csv' },
          payload: csv,
        }),
      ),
    );
    expect(answers.some((r) => r.statusCode === 200)).toBe(true);
    // Imports are serialised by the hierarchy lock: the later ones find the accounts referred by the same referrer.
    for (const r of answers.filter((x) => x.statusCode !== 200))
      expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(await counts(p.id)).toEqual({ accounts: 3, referrals: 2 });
  });
});
