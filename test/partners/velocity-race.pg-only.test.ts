// The velocity guard under concurrency (decision 0063), on a real PostgreSQL: the count is read again
// under the referrer's advisory lock in the writing transaction, so concurrent imports, API
// attributions and account creations of one referrer never slip under the limit together. With a
// limit of 10 in 30 days, exactly 10 referrals are pending and the rest in review (flag), or exactly
// 10 are written and the rest refused (refuse).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows, textArray } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

async function withVelocity(action: 'flag' | 'refuse'): Promise<PartnerProgram> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/referral-programs',
    payload: referAFriend({
      guards: { sameGroup: 'off', sameEmailDomain: 'off', velocity: { max: 10, days: 30, action } },
    }),
  });
  await p.account('NORDIC');
  return p;
}

const importFile = (p: PartnerProgram, prefix: string, rows: number, query = '') =>
  p.send(p.write, {
    method: 'POST',
    url: `/v1/imports/accounts${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: [
      'externalId,name,referredBy',
      ...Array.from({ length: rows }, (_, i) => `${prefix}-${i},${prefix} ${i},NORDIC`),
    ].join('\n'),
  });

const referApi = (p: PartnerProgram, account: string) =>
  p.send(p.write, { method: 'POST', url: '/v1/referrals', payload: { referredBy: 'NORDIC', account } });

async function statuses(p: PartnerProgram): Promise<Record<string, number>> {
  const rows = await selectRows<{ status: string; n: string }>(
    api.database.db,
    sql`select status, count(*) as n from referrals where program_id = ${p.id} group by status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('the velocity limit under concurrency', () => {
  it('20 concurrent API attributions of one referrer: exactly 10 pending, 10 in review', async () => {
    const p = await withVelocity('flag');
    const accounts = Array.from({ length: 20 }, (_, i) => `API-${i}`);
    for (const a of accounts) await p.account(a);
    const answers = await Promise.all(accounts.map((a) => referApi(p, a)));
    for (const r of answers) expect(r.statusCode, r.body).toBe(201);
    expect(await statuses(p)).toEqual({ pending: 10, review: 10 });
  });

  it('two concurrent imports and API attributions of one referrer: the limit holds exactly', async () => {
    const p = await withVelocity('flag');
    const accounts = Array.from({ length: 6 }, (_, i) => `API-${i}`);
    for (const a of accounts) await p.account(a);
    const answers = await Promise.all([
      importFile(p, 'A', 8),
      importFile(p, 'B', 8),
      ...accounts.map((a) => referApi(p, a)),
      ...[0, 1].map((i) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/accounts',
          payload: { externalId: `NEW-${i}`, name: `New ${i}`, referredBy: 'NORDIC' },
        }),
      ),
    ]);
    for (const r of answers) expect([200, 201], r.body).toContain(r.statusCode);
    expect(await statuses(p)).toEqual({ pending: 10, review: 14 });
    // Each import's report says what it stored.
    for (const r of answers.slice(0, 2)) {
      const reported = r.json().referrals as Array<{ externalId: string; status: string }>;
      expect(reported).toHaveLength(8);
      const rows = await selectRows<{ externalId: string; status: string }>(
        api.database.db,
        sql`select a.external_id as "externalId", f.status from referrals f
              join accounts a on a.program_id = f.program_id and a.id = f.referred_account_id
             where f.program_id = ${p.id} and a.external_id = any(${textArray(reported.map((x) => x.externalId))})`,
      );
      const byId = new Map(rows.map((x) => [x.externalId, x.status]));
      for (const x of reported) expect(byId.get(x.externalId)).toBe(x.status);
    }
  });

  it('refusing: concurrent imports (skipping refused rows) and API attributions write exactly 10', async () => {
    const p = await withVelocity('refuse');
    const accounts = Array.from({ length: 6 }, (_, i) => `API-${i}`);
    for (const a of accounts) await p.account(a);
    const answers = await Promise.all([
      importFile(p, 'A', 6, '?skipInvalid=true'),
      importFile(p, 'B', 6, '?skipInvalid=true'),
      ...accounts.map((a) => referApi(p, a)),
    ]);
    const [a, b, ...api] = answers;
    for (const r of [a!, b!]) expect(r.statusCode, r.body).toBe(200);
    for (const r of api) expect([201, 422], r.body).toContain(r.statusCode);
    for (const r of api.filter((x) => x.statusCode === 422))
      expect(r.json()).toMatchObject({
        code: 'referral_refused',
        findings: [{ guard: 'velocity', action: 'refuse' }],
      });
    expect(await statuses(p)).toEqual({ pending: 10 });
    const imported = a!.json().referrals?.length ?? 0;
    const imported2 = b!.json().referrals?.length ?? 0;
    const viaApi = api.filter((x) => x.statusCode === 201).length;
    expect(imported + imported2 + viaApi).toBe(10);
    // A row left out is an account not created, as POST /v1/accounts with a refused referrer.
    expect(a!.json().created + b!.json().created).toBe(imported + imported2);
  });
});
