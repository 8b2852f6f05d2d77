// Scheduled payout runs (decision 0048): with a monthly payout schedule, the program's due run proposes
// the previous month's run from the schedule's day on, once (a second due run, a cancelled scheduled run
// or a run proposed by a person leave nothing more to do); a person approves it (maker-checker). The
// setting is checked when it is written.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER } from '../../src/app/scheduler.ts';
import { addMonths, localDate, startOfLocalDay } from '../../src/core/calendar.ts';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, currentMonth, type PartnerProgram, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

/** An instant on `day` of next month (Amsterdam), when this month is the previous one. */
function nextMonthOn(day: number): Date {
  const today = localDate(new Date(), 'Europe/Amsterdam');
  const next = addMonths({ year: today.year, month: today.month, day: 1 }, 1);
  return new Date(startOfLocalDay({ ...next, day }, 'Europe/Amsterdam').getTime() + 3_600_000);
}

const schedule = (p: PartnerProgram, payoutSchedule: object) =>
  p.send(p.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: { settings: { commissions: { payoutSchedule } } },
  });

async function runsOf(p: PartnerProgram) {
  return selectRows<{ id: string; period: string; status: string; scheduled: boolean; proposed_by: string }>(
    api.database.db,
    sql`select id, period, status, scheduled, proposed_by from payout_runs where program_id = ${p.id} order by scheduled desc, proposed_at`,
  );
}

describe('scheduled payout runs', () => {
  it("proposes the previous month's run once from the schedule's day; a person approves it", async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const set = await schedule(p, { frequency: 'monthly', dayOfMonth: 3 });
    expect(set.statusCode, set.body).toBe(200);

    // Before the day: nothing.
    expect(await api.services.partners.runDue(p.id, nextMonthOn(2), SCHEDULER)).toMatchObject({
      proposed: null,
      period: null,
      runs: [],
    });
    const first = await api.services.partners.runDue(p.id, nextMonthOn(3), SCHEDULER);
    expect(first.period).toBe(currentMonth());
    expect(first.proposed).toMatch(/^prn_/);
    // A second due run that day, and one later in the month, add nothing.
    expect((await api.services.partners.runDue(p.id, nextMonthOn(3), SCHEDULER)).proposed).toBeNull();
    expect((await api.services.partners.runDue(p.id, nextMonthOn(20), SCHEDULER)).proposed).toBeNull();
    expect(await runsOf(p)).toEqual([
      {
        id: first.proposed,
        period: currentMonth(),
        status: 'proposed',
        scheduled: true,
        proposed_by: 'job:scheduler',
      },
    ]);

    const run = await p.ok(p.read, { method: 'GET', url: `/v1/payout-runs/${first.proposed}` });
    expect(run).toMatchObject({
      status: 'proposed',
      payoutCount: 1,
      total: 10000,
      proposedBy: 'job:scheduler',
    });
    expect(run.payouts[0]).toMatchObject({ accountId: p.nordic, amount: 10000 });
    const approved = await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/payout-runs/${first.proposed}/approve`, payload: {} },
      200,
    );
    expect(approved.status).toBe('approved');
    expect(await p.entries(p.nordic, 'commission_payout')).toBe(1);
  });

  it('does not propose again after its run was cancelled; a person may still propose the period', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    expect((await schedule(p, { frequency: 'monthly', dayOfMonth: 1 })).statusCode).toBe(200);
    const { proposed } = await api.services.partners.runDue(p.id, nextMonthOn(1), SCHEDULER);
    await p.ok(p.admin, { method: 'POST', url: `/v1/payout-runs/${proposed}/cancel`, payload: {} }, 200);
    expect((await api.services.partners.runDue(p.id, nextMonthOn(2), SCHEDULER)).proposed).toBeNull();
    const manual = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/payout-runs',
      payload: { period: currentMonth() },
    });
    expect(manual).toMatchObject({ status: 'proposed', payoutCount: 1 });
    expect((await runsOf(p)).map((r) => [r.status, r.scheduled])).toEqual([
      ['cancelled', true],
      ['proposed', false],
    ]);
  });

  it('leaves a period a person proposed alone, and does nothing when the schedule is off or unset', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    expect((await api.services.partners.runDue(p.id, nextMonthOn(5), SCHEDULER)).proposed).toBeNull();
    expect((await schedule(p, { frequency: 'off' })).statusCode).toBe(200);
    expect((await api.services.partners.runDue(p.id, nextMonthOn(5), SCHEDULER)).proposed).toBeNull();
    expect(await runsOf(p)).toEqual([]);
    await p.ok(p.admin, { method: 'POST', url: '/v1/payout-runs', payload: { period: currentMonth() } });
    expect((await schedule(p, { frequency: 'monthly', dayOfMonth: 1 })).statusCode).toBe(200);
    expect((await api.services.partners.runDue(p.id, nextMonthOn(5), SCHEDULER)).proposed).toBeNull();
    expect((await runsOf(p)).map((r) => r.scheduled)).toEqual([false]);
  });

  it('refuses a schedule it cannot follow, naming the field, and keeps the settings as they were', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    expect((await schedule(p, { frequency: 'monthly', dayOfMonth: 10 })).statusCode).toBe(200);
    for (const bad of [
      { frequency: 'monthly' },
      { frequency: 'monthly', dayOfMonth: 29 },
      { frequency: 'monthly', dayOfMonth: 0 },
      { frequency: 'weekly', dayOfMonth: 1 },
      { frequency: 'off', dayOfMonth: 1 },
    ]) {
      const r = await schedule(p, bad);
      expect(r.statusCode, `${JSON.stringify(bad)}: ${r.body}`).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      const body = r.json();
      expect(body.code).toBe('validation_failed');
      expect(JSON.stringify(body.errors)).toContain('settings/commissions/payoutSchedule');
    }
    const program = await p.ok(p.read, { method: 'GET', url: '/v1/program' });
    expect(program.settings.commissions).toEqual({
      payoutSchedule: { frequency: 'monthly', dayOfMonth: 10 },
    });
  });
});
