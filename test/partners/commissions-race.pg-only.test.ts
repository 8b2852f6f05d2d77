// Commission races that only a real multi-connection PostgreSQL can show (PGlite has one connection):
// 20 concurrent proposals of one period leave one run and one set of payouts; 20 concurrent approvals
// pay each partner once; 20 concurrent orders of referred accounts under volume tiers write lines that
// add up to the commission on the whole volume (the partner's assignment is locked while they are written).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tieredTotal } from '../../src/core/partners/commission.ts';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, currentMonth, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

async function countOf(query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await selectRows<{ n: string }>(api.database.db, query);
  return Number(row!.n);
}

describe('payout runs under concurrency', () => {
  it('20 concurrent proposals of one period leave one run; 20 concurrent approvals pay once', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const period = currentMonth();
    const proposals = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        p.send(n % 2 === 0 ? p.write : p.admin, {
          method: 'POST',
          url: '/v1/payout-runs',
          payload: { period },
        }),
      ),
    );
    const statuses = proposals.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const run = proposals.find((r) => r.statusCode === 201)!.json();
    for (const r of proposals.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({ code: 'payout_run_exists', runId: run.id });
    expect(await countOf(sql`select count(*) as n from payout_runs where program_id = ${p.id}`)).toBe(1);
    expect(await countOf(sql`select count(*) as n from partner_payouts where program_id = ${p.id}`)).toBe(1);

    // admin2 proposed nothing: the maker-checker lets it approve.
    const approver = p.admin2;
    const approvals = await Promise.all(
      Array.from({ length: 20 }, () =>
        p.send(approver, { method: 'POST', url: `/v1/payout-runs/${run.id}/approve`, payload: {} }),
      ),
    );
    expect(approvals.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    expect(await p.entries(p.nordic, 'commission_payout')).toBe(1);
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: 0, pending: 0 });
  });

  it('20 concurrent orders under volume tiers: lines add up to the commission on the whole volume', async () => {
    const p = await partnerWithReferral(
      api,
      agencyPlan({
        holdingDays: 0,
        fixed: null,
        revenue: {
          eventTypes: ['purchase'],
          tiers: [
            { from: '0', rate: '5' },
            { from: '1000.00', rate: '10' },
          ],
        },
      }),
    );
    const orders = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/events',
          payload: {
            id: `race-${n}`,
            type: 'purchase',
            account: 'FJORD',
            occurredAt: new Date().toISOString(),
            amount: '150.00',
            currency: 'EUR',
          },
        }),
      ),
    );
    expect(orders.every((r) => r.statusCode === 201)).toBe(true);
    const total = await countOf(
      sql`select coalesce(sum(amount), 0) as n from commission_lines where program_id = ${p.id} and kind = 'percentage'`,
    );
    const tiers = [
      { from: 0n, rate: '5' },
      { from: 100000n, rate: '10' },
    ];
    expect(total).toBe(Number(tieredTotal(20n * 15000n, tiers)));
    expect(await p.wallet(p.nordic, 'EUR')).toEqual({ available: total, pending: 0 });
  });
});
