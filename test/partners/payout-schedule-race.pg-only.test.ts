// Scheduled payout runs under concurrency (decision 0048), on a real multi-connection PostgreSQL:
// due runs of one program racing (two, then ten) propose the period once, monthly and weekly (0060).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER } from '../../src/app/scheduler.ts';
import { addMonths, localDate, startOfLocalDay } from '../../src/core/calendar.ts';
import { periodIndex, periodKey, periodStartDate } from '../../src/core/partners/payout-period.ts';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

function nextMonthOn(day: number): Date {
  const today = localDate(new Date(), 'Europe/Amsterdam');
  const next = addMonths({ year: today.year, month: today.month, day: 1 }, 1);
  return new Date(startOfLocalDay({ ...next, day }, 'Europe/Amsterdam').getTime() + 3_600_000);
}

/** 01:00 on the Monday of next week (Amsterdam). */
function nextMonday(): Date {
  const week = periodIndex(localDate(new Date(), 'Europe/Amsterdam'), 'weekly');
  return new Date(
    startOfLocalDay(periodStartDate(week + 1, 'weekly'), 'Europe/Amsterdam').getTime() + 3_600_000,
  );
}

const schedules = [
  { name: 'monthly', payoutSchedule: { frequency: 'monthly', dayOfMonth: 1 }, at: () => nextMonthOn(1) },
  { name: 'weekly', payoutSchedule: { frequency: 'weekly', weekday: 'monday' }, at: nextMonday },
];

describe('scheduled payout runs under concurrency', () => {
  for (const { name, payoutSchedule, at } of schedules)
    for (const racers of [2, 10])
      it(`${racers} concurrent due runs of a ${name} schedule propose the period once`, async () => {
        const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
        await p.purchase('SO-1', 'FJORD', '500.00');
        const set = await p.send(p.admin, {
          method: 'PATCH',
          url: '/v1/program',
          payload: { settings: { commissions: { payoutSchedule } } },
        });
        expect(set.statusCode, set.body).toBe(200);
        const results = await Promise.all(
          Array.from({ length: racers }, () => api.services.partners.runDue(p.id, at(), SCHEDULER)),
        );
        expect(results.filter((r) => r.proposed !== null)).toHaveLength(1);
        if (name === 'weekly')
          expect(results.find((r) => r.proposed)!.period).toBe(
            periodKey(periodIndex(localDate(new Date(), 'Europe/Amsterdam'), 'weekly'), 'weekly'),
          );
        const [row] = await selectRows<{ runs: string; payouts: string; lines: string }>(
          api.database.db,
          sql`select (select count(*) from payout_runs where program_id = ${p.id}) as runs,
                   (select count(*) from partner_payouts where program_id = ${p.id}) as payouts,
                   (select count(*) from payout_lines where program_id = ${p.id}) as lines`,
        );
        expect(row).toEqual({ runs: '1', payouts: '1', lines: '2' });
      });
});
