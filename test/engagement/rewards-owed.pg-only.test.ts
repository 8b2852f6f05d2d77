// Owed rewards issued under concurrency (decision 0053), on a real multi-connection PostgreSQL: admins'
// retries racing due runs (and each other) issue each owed reward once, and never more than the stock.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, type EngagementProgram, engagementProgram, threeTrainings } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

/** A counted reward out of stock, the challenge giving it, and four accounts that completed it: four keys owed. */
async function fourOwed(p: EngagementProgram): Promise<{ reward: string; keys: string[] }> {
  const cap = await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/rewards',
    payload: {
      type: 'custom',
      name: 'Cap',
      price: { amount: 50, unit: 'points' },
      stock: { kind: 'counted', quantity: 0 },
    },
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: threeTrainings({ reward: { points: 300, catalogReward: cap.id } }),
  });
  const keys: string[] = [];
  for (const name of ['A1', 'A2', 'A3', 'A4']) {
    const id = await p.account(name);
    for (const n of [1, 2, 3]) await p.training(`${name}-${n}`, name, `2026-04-0${n}T09:00:00Z`);
    keys.push(`challenge:three-trainings:${id}:2026-Q2`);
  }
  const owed = await p.ok(p.read, { method: 'GET', url: '/v1/engagement/rewards-owed' });
  expect(owed.data.map((o: Body) => o.key).sort()).toEqual([...keys].sort());
  return { reward: cap.id, keys };
}

async function issued(programId: string) {
  return selectRows<{ issued_for: string; n: string }>(
    api.database.db,
    sql`select issued_for, count(*) as n from redemptions
         where program_id = ${programId} and status not in ('rejected', 'cancelled') group by issued_for`,
  );
}

/** Three retries of each key and two due runs, all at once. */
function race(p: EngagementProgram, keys: string[]) {
  return Promise.all([
    ...keys.flatMap((key) =>
      [1, 2, 3].map(() =>
        p.send(p.admin, {
          method: 'POST',
          url: `/v1/engagement/rewards-owed/${encodeURIComponent(key)}/retry`,
        }),
      ),
    ),
    p.send(p.admin, {
      method: 'POST',
      url: '/v1/engagement/due-runs',
      payload: { asOf: '2026-05-10T00:00:00Z' },
    }),
    p.send(p.admin, {
      method: 'POST',
      url: '/v1/engagement/due-runs',
      payload: { asOf: '2026-05-10T00:00:00Z' },
    }),
  ]);
}

describe('owed rewards under concurrency', () => {
  it('retries racing each other and two due runs issue each owed reward once', async () => {
    const p = await engagementProgram(api);
    const { reward, keys } = await fourOwed(p);
    await p.ok(p.admin, { method: 'PATCH', url: `/v1/rewards/${reward}`, payload: { stockQuantity: 10 } });
    const answers = await race(p, keys);
    for (const r of answers) expect(r.statusCode, r.body).toBe(200);
    const rows = await issued(p.id);
    expect(rows.map((r) => r.issued_for).sort()).toEqual([...keys].sort());
    for (const r of rows) expect(Number(r.n)).toBe(1);
    // Every retry of a key answered the same redemption.
    for (const key of keys) {
      const ids = new Set(
        answers
          .slice(0, keys.length * 3)
          .map((r) => r.json())
          .filter((o: Body) => o.key === key)
          .map((o: Body) => o.redemptionId),
      );
      expect(ids.size).toBe(1);
    }
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${reward}` })).stock.available).toBe(6);
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/engagement/rewards-owed' })).data).toEqual([]);
  });

  it('with two units for four owed, the race issues exactly two and refuses the rest clearly', async () => {
    const p = await engagementProgram(api);
    const { reward, keys } = await fourOwed(p);
    await p.ok(p.admin, { method: 'PATCH', url: `/v1/rewards/${reward}`, payload: { stockQuantity: 2 } });
    const answers = await race(p, keys);
    for (const r of answers.slice(0, keys.length * 3)) {
      expect([200, 409], r.body).toContain(r.statusCode);
      if (r.statusCode === 409) expect(r.json().code).toBe('reward_still_unavailable');
    }
    for (const r of answers.slice(keys.length * 3)) expect(r.statusCode, r.body).toBe(200);
    const rows = await issued(p.id);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(Number(r.n)).toBe(1);
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${reward}` })).stock.available).toBe(0);
    const left = (await p.ok(p.read, { method: 'GET', url: '/v1/engagement/rewards-owed' })).data;
    expect(left.map((o: Body) => o.key).sort()).toEqual(
      keys.filter((k) => !rows.some((r) => r.issued_for === k)).sort(),
    );
  });
});
