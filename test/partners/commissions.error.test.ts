// Refusals of the commission and payout-run routes: each names its code and field, and writes nothing.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import {
  agencyPlan,
  currentMonth,
  type PartnerProgram,
  partnerProgram,
  partnerWithReferral,
} from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function count(
  table: 'commission_plans' | 'commission_lines' | 'payout_runs' | 'partner_payouts' | 'ledger_entries',
  programId: string,
) {
  const [row] = await selectRows<{ n: string }>(
    api.database.db,
    sql`select count(*) as n from ${sql.identifier(table)} where program_id = ${programId}`,
  );
  return Number(row!.n);
}

const paths = (body: { errors: Array<{ path: string }> }) => body.errors.map((e) => e.path);

describe('commission plans', () => {
  it('refuse a negative rate, a rate above 100%, an unknown currency and event type, naming each field', async () => {
    const p = await partnerProgram(api);
    const refused = async (plan: object) => {
      const r = await p.send(p.admin, { method: 'POST', url: '/v1/commission-plans', payload: plan });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().code).toBe('commission_plan_invalid');
      return paths(r.json());
    };
    expect(
      await refused(agencyPlan({ revenue: { eventTypes: ['purchase', 'nope.nothing'], rate: '-5' } })),
    ).toEqual(['/body/revenue/eventTypes/1', '/body/revenue/rate']);
    expect(await refused(agencyPlan({ revenue: { eventTypes: ['purchase'], rate: '100.5' } }))).toEqual([
      '/body/revenue/rate',
    ]);
    expect(await refused(agencyPlan({ unit: 'XXX' }))).toEqual(['/body/unit']);
    expect(await refused(agencyPlan({ unit: 'USD' }))).toEqual(['/body/unit']);
    expect(await refused(agencyPlan({ fixed: { amount: '-50.00' }, revenue: null }))).toEqual([
      '/body/fixed/amount',
    ]);
    expect(await refused(agencyPlan({ fixed: { amount: '50.001' } }))).toEqual(['/body/fixed/amount']);
    expect(
      await refused(
        agencyPlan({
          revenue: {
            eventTypes: ['purchase'],
            tiers: [
              { from: '100.00', rate: '5' },
              { from: '50.00', rate: '101' },
            ],
          },
        }),
      ),
    ).toEqual(['/body/revenue/tiers/0/from', '/body/revenue/tiers/1/from', '/body/revenue/tiers/1/rate']);
    expect(await refused(agencyPlan({ fixed: null, revenue: null }))).toEqual(['/body/revenue']);
    expect(
      await refused(agencyPlan({ revenue: null, bonus: { period: 'month', target: '0', amount: '10.00' } })),
    ).toEqual(['/body/bonus', '/body/bonus/target']);
    expect(await count('commission_plans', p.id)).toBe(0);
  });

  it('refuse a second plan of one code, an unknown plan and partner', async () => {
    const p = await partnerProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/commission-plans', payload: agencyPlan() });
    const twice = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/commission-plans',
      payload: agencyPlan(),
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'commission_plan_exists', errors: [{ path: '/body/code' }] });
    await p.account('NORDIC');
    const unknownPlan = await p.send(p.admin, {
      method: 'PUT',
      url: '/v1/commission-partners/NORDIC',
      payload: { plan: 'nope' },
    });
    expect(unknownPlan.json().code).toBe('commission_plan_not_found');
    const noAccount = await p.send(p.admin, {
      method: 'PUT',
      url: '/v1/commission-partners/NOBODY',
      payload: { plan: 'agency' },
    });
    expect(noAccount.json().code).toBe('account_not_found');
    const onNone = await p.send(p.read, { method: 'GET', url: '/v1/commission-partners/NORDIC' });
    expect(onNone.statusCode).toBe(404);
    expect(onNone.json().code).toBe('commission_partner_not_found');
    const update = await p.send(p.admin, {
      method: 'PUT',
      url: '/v1/commission-plans/agency',
      payload: { ...agencyPlan({ revenue: { eventTypes: ['purchase'], rate: '-1' } }), code: undefined },
    });
    expect(update.statusCode).toBe(422);
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/commission-plans/agency' })).version).toBe(1);
  });
});

describe('payout runs', () => {
  async function withLines(): Promise<PartnerProgram> {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    return p;
  }

  it('refuse a future period, a malformed one, an unknown currency and minimum, writing nothing', async () => {
    const p = await withLines();
    const entries = await count('ledger_entries', p.id);
    const next = new Date();
    next.setUTCFullYear(next.getUTCFullYear() + 1);
    for (const [payload, fields] of [
      [{ period: `${next.getUTCFullYear()}-01` }, ['/body/period']],
      [{ period: `${next.getUTCFullYear()}-Q1` }, ['/body/period']],
      [{ period: '2026-13' }, ['/body/period']],
      [{ period: '2026-11', currency: 'XXX' }, ['/body/currency']],
      [{ period: '2026-11', minimum: '-1' }, ['/body/minimum']],
    ] as const) {
      const r = await p.send(p.write, { method: 'POST', url: '/v1/payout-runs', payload });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().code).toBe('payout_run_invalid');
      expect(paths(r.json())).toEqual(fields);
    }
    expect(await count('payout_runs', p.id)).toBe(0);
    expect(await count('ledger_entries', p.id)).toBe(entries);
  });

  it('refuse deciding twice, an unknown run or payout, a status out of order', async () => {
    const p = await withLines();
    const period = currentMonth();
    const run = await p.ok(p.write, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
    const unknown = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/payout-runs/prn_nope/approve',
      payload: {},
    });
    expect(unknown.json().code).toBe('payout_run_not_found');
    // Not released yet: a proposed payout has no status to set.
    const early = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/payouts/${run.payouts[0].id}/status`,
      payload: { status: 'paid' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('payout_state_conflict');
    await p.ok(p.admin, { method: 'POST', url: `/v1/payout-runs/${run.id}/approve`, payload: {} }, 200);
    const before = await count('ledger_entries', p.id);
    const again = await p.send(p.admin2, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/cancel`,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('payout_run_state_conflict');
    const missing = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/payouts/ppo_nope/status`,
      payload: { status: 'sent' },
    });
    expect(missing.json().code).toBe('payout_not_found');
    const bad = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/payout-runs/${run.id}/payouts/${run.payouts[0].id}/status`,
      payload: { status: 'pending' },
    });
    expect(bad.statusCode).toBe(400);
    expect(await count('ledger_entries', p.id)).toBe(before);
  });
});
