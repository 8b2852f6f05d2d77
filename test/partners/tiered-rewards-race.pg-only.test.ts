// Tiered referral rewards under concurrency (decision 0048), on a real PostgreSQL: six referrals of
// one referrer converting at once each get a distinct rank, so the referrer is paid 500, 500, 750,
// 750, 1000, 1000 in some order — never two conversions counted as the same rank.
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

describe('tiered referral rewards under concurrency', () => {
  it('six concurrent conversions of one referrer are paid by six distinct ranks', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({
        rewards: {
          referrer: {
            unit: 'points',
            amount: 500,
            tiers: [
              { from: 3, amount: 750 },
              { from: 5, amount: 1000 },
            ],
          },
        },
      }),
    });
    await p.account('NORDIC');
    const code = await p.code('NORDIC');
    for (let n = 1; n <= 6; n++) {
      await p.account(`B${n}`);
      expect((await p.refer(code, `B${n}`)).statusCode).toBe(201);
    }
    const sent = await Promise.all(
      Array.from({ length: 6 }, (_, i) => p.purchase(`SO-${i + 1}`, `B${i + 1}`, '150.00')),
    );
    expect(sent).toHaveLength(6);
    const rows = await selectRows<{ status: string }>(
      api.database.db,
      sql`select status from referrals where program_id = ${p.id}`,
    );
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('converted'));
    const amounts = await selectRows<{ amount: string }>(
      api.database.db,
      sql`select p.amount from ledger_postings p
            join ledger_entries e on e.program_id = p.program_id and e.id = p.entry_id
           where e.program_id = ${p.id} and e.reason_code = 'referral_referrer' and p.amount > 0
           order by p.amount`,
    );
    expect(amounts.map((a) => Number(a.amount))).toEqual([500, 500, 750, 750, 1000, 1000]);
    expect(await p.wallet('NORDIC')).toMatchObject({ available: 4500 });
  });
});
