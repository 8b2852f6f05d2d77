// The partners' due run catches up (decision 0052): commission lines the events' hook missed (a crash
// between an event's commit and the hook) are written by the next due runs, once, from a watermark the
// program keeps in the database; and a payout schedule proposes every month it owes, oldest first,
// after a server was down for whole months.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/compose.ts';
import { SCHEDULER } from '../../src/app/scheduler.ts';
import { addMonths, localDate, startOfLocalDay } from '../../src/core/calendar.ts';
import { selectRows } from '../../src/db/client.ts';
import { SWEEP_SETTLE_MS } from '../../src/modules/partners/partners-commission-catchup.ts';
import { MAX_PERIODS_BACK, owedPeriods } from '../../src/modules/partners/partners-payout-schedule.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, currentMonth, type PartnerProgram, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const monthly = (dayOfMonth: number) => ({ frequency: 'monthly' as const, dayOfMonth });

/** A sweep's answer with nothing failing, skipped or converted. */
const swept = (events: number, lines: number, more: boolean, converted = 0) => ({
  events,
  lines,
  converted,
  more,
  failing: null,
  skipped: [],
});

/** A due run late enough to read events recorded just now (past the sweep's settling time). */
const later = () => new Date(Date.now() + SWEEP_SETTLE_MS + 60_000);

/** Records events as if the server stopped right after their commit: the events' hook never runs. */
async function withoutHook<T>(services: TestApi['services'], fn: () => Promise<T>): Promise<T> {
  const hook = services.partners.recordEvents;
  services.partners.recordEvents = async () => 0;
  try {
    return await fn();
  } finally {
    services.partners.recordEvents = hook;
  }
}

async function linesOf(p: PartnerProgram) {
  return selectRows<{ key: string; kind: string; amount: string; event_id: string; returned_minor: string }>(
    api.database.db,
    sql`select key, kind, amount::text, event_id, returned_minor::text from commission_lines
         where program_id = ${p.id} order by created_at, key`,
  );
}

async function sweepRow(p: PartnerProgram) {
  const [row] = await selectRows<{ swept_id: string; schedule_since: string | null }>(
    api.database.db,
    sql`select swept_id, schedule_since from commission_sweeps where program_id = ${p.id}`,
  );
  return row;
}

/** An instant on `day` of the month `months` after this one (Amsterdam). */
function monthOn(months: number, day: number): Date {
  const today = localDate(new Date(), 'Europe/Amsterdam');
  const month = addMonths({ year: today.year, month: today.month, day: 1 }, months);
  return new Date(startOfLocalDay({ ...month, day }, 'Europe/Amsterdam').getTime() + 3_600_000);
}

const monthKey = (months: number) => {
  const today = localDate(new Date(), 'Europe/Amsterdam');
  const m = addMonths({ year: today.year, month: today.month, day: 1 }, months);
  return `${m.year}-${String(m.month).padStart(2, '0')}`;
};

describe('commission lines the hook missed', () => {
  it('are written by the next due run, once however many due runs follow', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '200.00'); // the hook runs: its line is there already
    await withoutHook(api.services, () => p.purchase('SO-2', 'FJORD', '500.00'));
    expect((await linesOf(p)).map((l) => l.event_id)).toEqual(['SO-1', 'SO-1']); // fixed + 10%

    const first = await api.services.partners.runDue(p.id, later(), SCHEDULER);
    expect(first.commissions).toEqual(swept(2, 1, false));
    const second = await api.services.partners.runDue(p.id, later(), SCHEDULER);
    expect(second.commissions).toEqual(swept(0, 0, false));

    const missed = (await linesOf(p)).filter((l) => l.event_id === 'SO-2');
    expect(missed).toEqual([
      {
        key: 'commission:agency:SO-2',
        kind: 'percentage',
        amount: '5000',
        event_id: 'SO-2',
        returned_minor: '0',
      },
    ]);
    expect(await p.entries(p.nordic, 'commission')).toBe(3);
    const listed = await p.ok(p.read, { method: 'GET', url: '/v1/commission-lines?event=SO-2' });
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0].explanation).toContain('SO-2');
  });

  it('waits for events to settle: an event recorded just now is left for a later due run', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await withoutHook(api.services, () => p.purchase('SO-1', 'FJORD', '500.00'));
    expect((await api.services.partners.runDue(p.id, new Date(), SCHEDULER)).commissions.events).toBe(0);
    expect(await linesOf(p)).toEqual([]);
    // The referral converts on it too (the hook missed that as well): fixed + 10% (decision 0055).
    expect((await api.services.partners.runDue(p.id, later(), SCHEDULER)).commissions.lines).toBe(2);
  });

  it('takes back a missed return once, the returned amount counted once', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    const ret = (id: string, amount: string) =>
      p.event({
        id,
        type: 'return',
        account: 'FJORD',
        occurredAt: new Date().toISOString(),
        amount,
        currency: 'EUR',
        references: { originalEventId: 'SO-1' },
      });
    await ret('RET-1', '100.00'); // through the hook
    await withoutHook(api.services, () => ret('RET-2', '50.00'));
    for (let i = 0; i < 2; i++) await api.services.partners.runDue(p.id, later(), SCHEDULER);
    const lines = await linesOf(p);
    expect(lines.filter((l) => l.kind === 'clawback').map((l) => [l.event_id, l.amount])).toEqual([
      ['RET-1', '-1000'],
      ['RET-2', '-500'],
    ]);
    expect(lines.find((l) => l.key === 'commission:agency:SO-1')?.returned_minor).toBe('15000');
  });

  it('reads a bounded batch per due run; the next goes on from the watermark it left', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await withoutHook(api.services, async () => {
      for (const id of ['SO-1', 'SO-2', 'SO-3']) await p.purchase(id, 'FJORD', '100.00');
    });
    const step = () => api.services.partners.runDue(p.id, later(), SCHEDULER, { batch: 2 });
    // SO-1 converts the referral (its fixed line too: decision 0055).
    expect((await step()).commissions).toEqual(swept(2, 3, true, 1));
    expect((await step()).commissions).toEqual(swept(1, 1, false));
    expect((await step()).commissions).toEqual(swept(0, 0, false));
    expect((await linesOf(p)).map((l) => l.event_id)).toEqual(['SO-1', 'SO-1', 'SO-2', 'SO-3']);
  });

  it('keeps its watermark in the database: a restarted server goes on from it', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await withoutHook(api.services, () => p.purchase('SO-1', 'FJORD', '100.00'));
    // Fixed (the missed conversion, decision 0055) + 10%.
    expect((await api.services.partners.runDue(p.id, later(), SCHEDULER)).commissions.lines).toBe(2);
    const [evt] = await selectRows<{ id: string }>(
      api.database.db,
      sql`select id from events where program_id = ${p.id} and external_id = 'SO-1'`,
    );
    expect((await sweepRow(p))?.swept_id).toBe(evt!.id);

    // A new server on the same database (nothing in memory): it reads on from the watermark only.
    const restarted = createServices(api.database);
    await withoutHook(api.services, () => p.purchase('SO-2', 'FJORD', '100.00'));
    const after = await restarted.partners.runDue(p.id, later(), SCHEDULER);
    expect(after.commissions).toEqual(swept(1, 1, false));
    expect((await linesOf(p)).map((l) => l.event_id)).toEqual(['SO-1', 'SO-1', 'SO-2']);
  });

  it('pays no event recorded before the partner was put on its plan (the hook would not have)', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.send(p.admin, { method: 'DELETE', url: '/v1/commission-partners/NORDIC' });
    await p.purchase('SO-1', 'FJORD', '100.00');
    await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/commission-partners/NORDIC',
      payload: { plan: 'agency' },
    });
    expect((await api.services.partners.runDue(p.id, later(), SCHEDULER)).commissions).toMatchObject({
      events: 1,
      lines: 0,
    });
    expect(await linesOf(p)).toEqual([]);
  });
});

describe('scheduled payout runs after a server was down', () => {
  const schedule = (p: PartnerProgram, payoutSchedule: object) =>
    p.ok(p.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { commissions: { payoutSchedule } } },
    });
  const runs = async (p: PartnerProgram) =>
    (
      await selectRows<{ period: string; scheduled: boolean }>(
        api.database.db,
        sql`select period, scheduled from payout_runs where program_id = ${p.id} order by proposed_at, period`,
      )
    ).map((r) => r.period);

  it('proposes every month owed, oldest first, once each', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '500.00');
    await schedule(p, { frequency: 'monthly', dayOfMonth: 1 });
    const first = await api.services.partners.runDue(p.id, monthOn(1, 1), SCHEDULER);
    expect(first.runs.map((r) => r.period)).toEqual([currentMonth()]);
    expect((await sweepRow(p))?.schedule_since).toBe(currentMonth());

    // Down from then until the 2nd of the month after next: two months owed.
    const back = await api.services.partners.runDue(p.id, monthOn(3, 2), SCHEDULER);
    expect(back.runs.map((r) => r.period)).toEqual([monthKey(1), monthKey(2)]);
    expect(back.proposed).toBe(back.runs[1]!.id);
    expect((await api.services.partners.runDue(p.id, monthOn(3, 3), SCHEDULER)).runs).toEqual([]);
    expect(await runs(p)).toEqual([currentMonth(), monthKey(1), monthKey(2)]);
  });

  it('owes nothing from before the schedule was on, nor for months it was off', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await schedule(p, { frequency: 'monthly', dayOfMonth: 1 });
    expect((await api.services.partners.runDue(p.id, monthOn(1, 1), SCHEDULER)).runs).toHaveLength(1);
    await schedule(p, { frequency: 'off' });
    await api.services.partners.runDue(p.id, monthOn(2, 1), SCHEDULER);
    expect((await sweepRow(p))?.schedule_since).toBeNull();
    await schedule(p, { frequency: 'monthly', dayOfMonth: 1 });
    const again = await api.services.partners.runDue(p.id, monthOn(4, 1), SCHEDULER);
    expect(again.runs.map((r) => r.period)).toEqual([monthKey(3)]);
  });

  it(`goes back at most ${MAX_PERIODS_BACK} months`, () => {
    const now = new Date('2027-12-15T12:00:00Z');
    expect(owedPeriods(now, 'Europe/Amsterdam', monthly(10), '2026-01')).toHaveLength(MAX_PERIODS_BACK);
    expect(owedPeriods(now, 'Europe/Amsterdam', monthly(10), '2026-01')[0]).toBe('2026-12');
    expect(owedPeriods(now, 'Europe/Amsterdam', monthly(20), '2027-09')).toEqual(['2027-09', '2027-10']);
    expect(owedPeriods(now, 'Europe/Amsterdam', monthly(10), '2027-12')).toEqual([]);
  });
});
