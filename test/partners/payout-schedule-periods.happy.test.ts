// Weekly and quarterly payout schedules (decision 0060): the due run proposes the previous ISO week
// ("2026-W49") from the schedule's weekday, or the previous quarter ("2026-Q4") from the day of the
// quarter's first month, once; owed periods are caught up after downtime; a person's run of the period
// leaves the schedule nothing to do, and a run of an overlapping period never pays a line twice. The
// setting is checked when it is written.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER } from '../../src/app/scheduler.ts';
import { addMonths, localDate, startOfLocalDay } from '../../src/core/calendar.ts';
import { periodIndex, periodKey, periodStartDate } from '../../src/core/partners/payout-period.ts';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, currentMonth, type PartnerProgram, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const TZ = 'Europe/Amsterdam';
const today = () => localDate(new Date(), TZ);
const at = (d: { year: number; month: number; day: number }) =>
  new Date(startOfLocalDay(d, TZ).getTime() + 3_600_000);

/** 01:00 on `weekday` (1 Monday … 7 Sunday) of the week `weeks` after this one. */
function weekOn(weeks: number, weekday: number): Date {
  const monday = periodStartDate(periodIndex(today(), 'weekly') + weeks, 'weekly');
  return at(
    localDate(new Date(Date.UTC(monday.year, monday.month - 1, monday.day + weekday - 1, 12)), 'UTC'),
  );
}
const weekKey = (weeks: number) => periodKey(periodIndex(today(), 'weekly') + weeks, 'weekly');

/** 01:00 on `day` of the first month of the quarter `quarters` after this one. */
function quarterOn(quarters: number, day: number): Date {
  const first = periodStartDate(periodIndex(today(), 'quarterly'), 'quarterly');
  return at({ ...addMonths(first, quarters * 3), day });
}
const quarterKey = (quarters: number) => periodKey(periodIndex(today(), 'quarterly') + quarters, 'quarterly');

const schedule = (p: PartnerProgram, payoutSchedule: object) =>
  p.send(p.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: { settings: { commissions: { payoutSchedule } } },
  });

const due = async (p: PartnerProgram, now: Date) =>
  (await api.services.partners.runDue(p.id, now, SCHEDULER)).runs.map((r) => r.period);

async function runsOf(p: PartnerProgram) {
  const rows = await selectRows<{ period: string; scheduled: boolean }>(
    api.database.db,
    sql`select period, scheduled from payout_runs where program_id = ${p.id} order by proposed_at, period`,
  );
  return rows.map((r) => r.period);
}

describe('weekly payout schedules', () => {
  it("proposes the previous week's run once from the weekday; its export names the week", async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const set = await schedule(p, { frequency: 'weekly', weekday: 'wednesday' });
    expect(set.statusCode, set.body).toBe(200);

    expect(await due(p, weekOn(1, 2))).toEqual([]); // Tuesday: not yet
    const first = await api.services.partners.runDue(p.id, weekOn(1, 3), SCHEDULER);
    expect(first.period).toBe(weekKey(0));
    expect(first.runs.map((r) => r.period)).toEqual([weekKey(0)]);
    expect(await due(p, weekOn(1, 3))).toEqual([]);
    expect(await due(p, weekOn(1, 7))).toEqual([]);
    expect(await runsOf(p)).toEqual([weekKey(0)]);

    const run = await p.ok(p.read, { method: 'GET', url: `/v1/payout-runs/${first.proposed}` });
    expect(run).toMatchObject({
      period: weekKey(0),
      payoutCount: 1,
      total: 10000,
      proposedBy: 'job:scheduler',
    });
    expect(run.periodStart).toBe(
      startOfLocalDay(periodStartDate(periodIndex(today(), 'weekly'), 'weekly'), TZ).toISOString(),
    );
    const csv = await p.send(p.read, { method: 'GET', url: `/v1/payout-runs/${first.proposed}/export.csv` });
    const monday = periodStartDate(periodIndex(today(), 'weekly'), 'weekly');
    const sunday = localDate(new Date(Date.UTC(monday.year, monday.month - 1, monday.day + 6, 12)), 'UTC');
    const iso = (d: typeof monday) =>
      `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
    expect(csv.body.split('\n')[1]).toMatch(
      new RegExp(`,${weekKey(0)},${first.proposed},${iso(monday)},${iso(sunday)}$`),
    );

    await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/payout-runs/${first.proposed}/approve`, payload: {} },
      200,
    );
    expect(await p.entries(p.nordic, 'commission_payout')).toBe(1);
    // A month's run over the same days finds nothing more owed: a line is paid once, whatever the period.
    const month = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/payout-runs',
      payload: { period: currentMonth() },
    });
    expect(month.payoutCount).toBe(0);
  });

  it('catches up every week owed after downtime, oldest first, once each', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    expect((await schedule(p, { frequency: 'weekly', weekday: 'monday' })).statusCode).toBe(200);
    expect(await due(p, weekOn(1, 1))).toEqual([weekKey(0)]);
    expect(await due(p, weekOn(4, 3))).toEqual([weekKey(1), weekKey(2), weekKey(3)]);
    expect(await due(p, weekOn(4, 4))).toEqual([]);
    expect(await runsOf(p)).toEqual([weekKey(0), weekKey(1), weekKey(2), weekKey(3)]);
  });

  it('leaves a week a person proposed alone; a person may propose a week; a week the year lacks is refused', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const manual = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/payout-runs',
      payload: { period: weekKey(0) },
    });
    expect(manual).toMatchObject({ period: weekKey(0), payoutCount: 1 });
    expect((await schedule(p, { frequency: 'weekly', weekday: 'monday' })).statusCode).toBe(200);
    expect(await due(p, weekOn(1, 1))).toEqual([]);
    for (const period of ['2025-W53', '2026-W54', '2026-W1']) {
      const r = await p.send(p.admin, { method: 'POST', url: '/v1/payout-runs', payload: { period } });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().code).toBe('payout_run_invalid');
    }
  });

  it('a schedule that changes frequency starts again in the new one', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    expect((await schedule(p, { frequency: 'monthly', dayOfMonth: 1 })).statusCode).toBe(200);
    await due(p, new Date());
    expect((await schedule(p, { frequency: 'weekly', weekday: 'monday' })).statusCode).toBe(200);
    expect(await due(p, weekOn(1, 1))).toEqual([weekKey(0)]);
    const [row] = await selectRows<{ since: string }>(
      api.database.db,
      sql`select schedule_since as since from commission_sweeps where program_id = ${p.id}`,
    );
    expect(row!.since).toBe(weekKey(0));
  });
});

describe('quarterly payout schedules', () => {
  it("proposes the previous quarter from the day of the quarter's first month, once, and catches up", async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    expect((await schedule(p, { frequency: 'quarterly', dayOfMonth: 5 })).statusCode).toBe(200);
    expect(await due(p, quarterOn(1, 4))).toEqual([]);
    expect(await due(p, quarterOn(1, 5))).toEqual([quarterKey(0)]);
    expect(await due(p, quarterOn(1, 28))).toEqual([]);
    const [run] = await selectRows<{ payouts: number }>(
      api.database.db,
      sql`select payout_count as payouts from payout_runs where program_id = ${p.id}`,
    );
    expect(Number(run!.payouts)).toBe(1);
    // Down for two quarters: both are proposed when the server is back.
    expect(await due(p, quarterOn(3, 6))).toEqual([quarterKey(1), quarterKey(2)]);
    expect(await runsOf(p)).toEqual([quarterKey(0), quarterKey(1), quarterKey(2)]);
  });
});

describe('schedules in other currencies', () => {
  it('proposes one run per currency and period, once; an unknown code is skipped', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const set = await schedule(p, {
      frequency: 'weekly',
      weekday: 'monday',
      currencies: ['EUR', 'USD', 'XYZ'],
    });
    expect(set.statusCode, set.body).toBe(200);
    const first = await api.services.partners.runDue(p.id, weekOn(1, 1), SCHEDULER);
    expect(first.runs.map((r) => [r.period, r.currency])).toEqual([
      [weekKey(0), 'EUR'],
      [weekKey(0), 'USD'],
    ]);
    expect(await due(p, weekOn(1, 2))).toEqual([]);
    const rows = await selectRows<{ unit: string; payouts: number }>(
      api.database.db,
      sql`select unit, payout_count as payouts from payout_runs where program_id = ${p.id} order by unit`,
    );
    expect(rows.map((r) => [r.unit, Number(r.payouts)])).toEqual([
      ['EUR', 1],
      ['USD', 0],
    ]);
    for (const currencies of [[], ['eur'], ['EUR', 'EUR'], 'EUR'])
      expect((await schedule(p, { frequency: 'weekly', weekday: 'monday', currencies })).statusCode).toBe(
        400,
      );
  });
});

describe('refused schedules', () => {
  it('refuses a weekday, day or frequency it cannot follow, naming the field, and keeps the settings', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    expect((await schedule(p, { frequency: 'weekly', weekday: 'friday' })).statusCode).toBe(200);
    for (const bad of [
      { frequency: 'weekly' },
      { frequency: 'weekly', weekday: 'someday' },
      { frequency: 'weekly', weekday: 5 },
      { frequency: 'weekly', weekday: 'Friday' },
      { frequency: 'weekly', dayOfMonth: 1 },
      { frequency: 'quarterly' },
      { frequency: 'quarterly', dayOfMonth: 29 },
      { frequency: 'quarterly', weekday: 'monday' },
      { frequency: 'yearly', dayOfMonth: 1 },
      { frequency: 'biweekly', weekday: 'monday' },
    ]) {
      const r = await schedule(p, bad);
      expect(r.statusCode, `${JSON.stringify(bad)}: ${r.body}`).toBe(400);
      expect(r.json().code).toBe('validation_failed');
      expect(JSON.stringify(r.json().errors)).toContain('settings/commissions/payoutSchedule');
    }
    const program = await p.ok(p.read, { method: 'GET', url: '/v1/program' });
    expect(program.settings.commissions).toEqual({
      payoutSchedule: { frequency: 'weekly', weekday: 'friday' },
    });
  });
});
