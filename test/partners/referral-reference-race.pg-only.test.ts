// Attribution by a named referrer under concurrency (decision 0060), on a real PostgreSQL: 20
// concurrent attributions of one account, each naming another referrer, leave one referral; the
// others are refused naming the referrer that won. 10 concurrent creations of one account naming its
// referrer leave one account and one referral.
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

async function referrals(programId: string) {
  return selectRows<{ referrer: string; code: string | null }>(
    api.database.db,
    sql`select referrer_account_id as referrer, code from referrals where program_id = ${programId}`,
  );
}

describe('attribution by a named referrer under concurrency', () => {
  it('20 concurrent attributions of one account by 20 referrers: one referrer', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    const referrers = await Promise.all(Array.from({ length: 20 }, (_, i) => p.account(`PARTNER-${i}`)));
    await p.account('FJORD');
    const answers = await Promise.all(
      referrers.map((_, i) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/referrals',
          payload: { referredBy: `PARTNER-${i}`, account: 'FJORD' },
        }),
      ),
    );
    const won = answers.filter((r) => r.statusCode === 201);
    expect(won).toHaveLength(1);
    const winner = won[0]!.json().referrerAccountId;
    for (const r of answers.filter((x) => x.statusCode !== 201))
      expect(r.json(), r.body).toMatchObject({ code: 'referral_exists', referrerAccountId: winner });
    expect(await referrals(p.id)).toEqual([{ referrer: winner, code: null }]);
  });

  it('10 concurrent creations of one account naming its referrer: one account, one referral', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
    const nordic = await p.account('NORDIC');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/accounts',
          payload: { externalId: 'FJORD', name: 'Fjord', referredBy: 'NORDIC' },
        }),
      ),
    );
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of answers.filter((x) => x.statusCode !== 201))
      expect(r.json().code).toBe('external_id_taken');
    expect(await referrals(p.id)).toEqual([{ referrer: nordic, code: null }]);
  });
});
