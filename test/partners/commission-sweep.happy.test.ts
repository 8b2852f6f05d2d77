// The commission sweep goes on past a poison event (decision 0055): an event whose processing fails is
// tried again by the next due runs, skipped after 3 failures (the later events paid meanwhile), listed
// at GET /v1/commission-sweep with the watermark and its lag, and retried by an operator once the cause
// is gone. A referral conversion the hook missed is caught up too, once; putting a partner on the plan
// it has already does not move its assignment.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER } from '../../src/app/scheduler.ts';
import { selectRows } from '../../src/db/client.ts';
import { SWEEP_SETTLE_MS } from '../../src/modules/partners/partners-commission-catchup.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { agencyPlan, type PartnerProgram, partnerWithReferral } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const later = () => new Date(Date.now() + SWEEP_SETTLE_MS + 60_000);
const due = (p: PartnerProgram, options = {}) =>
  api.services.partners.runDue(p.id, later(), SCHEDULER, options).then((r) => r.commissions);

/** Records events as if the server stopped right after their commit: the events' hook never runs. */
async function withoutHook<T>(fn: () => Promise<T>): Promise<T> {
  const hook = api.services.partners.recordEvents;
  api.services.partners.recordEvents = async () => 0;
  try {
    return await fn();
  } finally {
    api.services.partners.recordEvents = hook;
  }
}

/**
 * A poison event: the ledger refuses the credit of its commission line (as a bug or a bad row would),
 * every time, until `cure` is called.
 */
function poison(lineKey: string) {
  const ledger = api.services.ledger;
  const credit = ledger.credit;
  ledger.credit = (async (...args: Parameters<typeof credit>) => {
    if (args[1].key === lineKey) throw new Error(`ledger refused ${lineKey}`);
    return credit(...args);
  }) as typeof credit;
  return () => {
    ledger.credit = credit;
  };
}

async function linesOf(p: PartnerProgram) {
  return selectRows<{ key: string; event_id: string }>(
    api.database.db,
    sql`select key, event_id from commission_lines where program_id = ${p.id} order by created_at, key`,
  );
}

async function idOf(p: PartnerProgram, externalId: string): Promise<string> {
  const [row] = await selectRows<{ id: string }>(
    api.database.db,
    sql`select id from events where program_id = ${p.id} and external_id = ${externalId}`,
  );
  return row!.id;
}

describe('a poison event', () => {
  it('is tried 3 times, then skipped: the later events are paid, and an operator retries it once cured', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await withoutHook(async () => {
      for (const id of ['SO-1', 'SO-2', 'SO-3']) await p.purchase(id, 'FJORD', '100.00');
    });
    const so2 = await idOf(p, 'SO-2');
    const cure = poison('commission:agency:SO-2');
    try {
      // SO-1 goes through (the conversion it carries too); SO-2 fails: the run stops before it.
      const first = await due(p);
      expect(first).toMatchObject({ events: 1, lines: 2, converted: 1, failing: so2, skipped: [] });
      expect((await due(p)).failing).toBe(so2);
      expect((await linesOf(p)).map((l) => l.event_id)).toEqual(['SO-1', 'SO-1']);
      // The third failure skips it: the watermark moves past it and SO-3 is paid.
      const third = await due(p);
      expect(third).toMatchObject({ events: 2, lines: 1, failing: null, skipped: [so2] });
      expect((await linesOf(p)).map((l) => l.event_id)).toEqual(['SO-1', 'SO-1', 'SO-3']);
      expect((await due(p)).events).toBe(0);

      const sweep = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
      expect(sweep).toMatchObject({
        sweptEventId: await idOf(p, 'SO-3'),
        skippedCount: 1,
        maxAttempts: 3,
        events: [{ eventId: so2, externalId: 'SO-2', status: 'skipped', attempts: 3 }],
      });
      expect(sweep.events[0].lastError).toContain('ledger refused commission:agency:SO-2');

      // Retried while the cause is still there: 409, the attempt counted, still skipped.
      const again = await p.send(p.admin, {
        method: 'POST',
        url: '/v1/commission-sweep/skipped/SO-2/retry',
        payload: {},
      });
      expect(again.statusCode, again.body).toBe(409);
      expect(again.json().code).toBe('commission_sweep_retry_failed');
      const still = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
      expect(still.events).toMatchObject([{ status: 'skipped', attempts: 4 }]);
    } finally {
      cure();
    }
    // Cured: the operator's retry pays it, once; it leaves the list.
    const retried = await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/commission-sweep/skipped/${so2}/retry`, payload: {} },
      200,
    );
    expect(retried).toEqual({ eventId: so2, externalId: 'SO-2', lines: 1, converted: 0 });
    const twice = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/commission-sweep/skipped/${so2}/retry`,
      payload: {},
    });
    expect(twice.statusCode).toBe(404);
    expect(twice.json().code).toBe('commission_sweep_skip_not_found');
    const keys = (await linesOf(p)).map((l) => l.key);
    expect(keys.filter((k) => !k.endsWith(':fixed')).sort()).toEqual([
      'commission:agency:SO-1',
      'commission:agency:SO-2',
      'commission:agency:SO-3',
    ]);
    expect(keys.filter((k) => k.endsWith(':fixed'))).toHaveLength(1);
    expect(await p.entries(p.nordic, 'commission')).toBe(4);
    const after = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
    expect(after).toMatchObject({ skippedCount: 0, events: [] });
  });

  it('goes back to normal when its cause goes away before the third try', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '100.00');
    await withoutHook(() => p.purchase('SO-2', 'FJORD', '100.00'));
    const cure = poison('commission:agency:SO-2');
    try {
      expect((await due(p)).failing).toBe(await idOf(p, 'SO-2'));
    } finally {
      cure();
    }
    expect(await due(p)).toMatchObject({ events: 1, lines: 1, failing: null, skipped: [] });
    const sweep = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
    expect(sweep).toMatchObject({ skippedCount: 0, events: [] });
  });
});

describe('the watermark', () => {
  it('answers its lag behind the newest settled event of a referred account', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    const none = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
    expect(none).toMatchObject({ sweptAt: null, sweptEventId: null, lagSeconds: 0, skippedCount: 0 });
    await withoutHook(async () => {
      await p.purchase('SO-1', 'FJORD', '100.00');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await p.purchase('SO-2', 'FJORD', '100.00');
    });
    // Not settled yet: nothing to lag behind.
    const fresh = await p.ok(p.read, { method: 'GET', url: '/v1/commission-sweep' });
    expect(fresh).toMatchObject({ newestSettledAt: null, lagSeconds: 0 });
    // Seen from a moment when both are settled, after a due run that read one of them.
    const at = later();
    await api.services.partners.runDue(p.id, at, SCHEDULER, { batch: 1 });
    const behind = await api.services.partners.commissionSweep(p.id, at);
    expect(behind.sweptEventId).toBe(await idOf(p, 'SO-1'));
    expect(behind.lagSeconds).toBeGreaterThanOrEqual(2);
    expect(behind.lagSeconds).toBeLessThanOrEqual(4);
    await api.services.partners.runDue(p.id, at, SCHEDULER, { batch: 1 });
    const caughtUp = await api.services.partners.commissionSweep(p.id, at);
    expect(caughtUp).toMatchObject({ sweptEventId: await idOf(p, 'SO-2'), lagSeconds: 0 });
  });
});

describe('a referral conversion the hook missed', () => {
  it('is caught up by the sweep, once after two due runs, with its rewards and fixed line', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await withoutHook(() => p.purchase('SO-1', 'FJORD', '150.00'));
    const [pending] = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals' })).data;
    expect(pending.status).toBe('pending');

    expect(await due(p)).toMatchObject({ events: 1, lines: 2, converted: 1 });
    expect(await due(p)).toMatchObject({ events: 0, lines: 0, converted: 0 });
    const referral = await p.referral(pending.id);
    expect(referral).toMatchObject({ status: 'converted', conversionEventId: 'SO-1' });
    expect(await p.entries(p.nordic, 'referral_referrer')).toBe(1);
    expect(await p.entries(referral.referredAccountId, 'referral_referred')).toBe(1);
    expect((await linesOf(p)).map((l) => l.key).sort()).toEqual([
      'commission:agency:SO-1',
      `commission:agency:${pending.id}:fixed`,
    ]);
  });

  it('is not caught up when the event does not meet the conversion condition', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await withoutHook(() => p.purchase('SO-1', 'FJORD', '50.00')); // below the 100.00 of the condition
    expect(await due(p)).toMatchObject({ events: 1, lines: 1, converted: 0 });
    const [referral] = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals' })).data;
    expect(referral.status).toBe('pending');
    expect(await p.entries(p.nordic, 'referral_referrer')).toBe(0);
  });

  it('is not paid again when the hook converted it', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '150.00'); // the hook converts and pays
    await withoutHook(() => p.purchase('SO-2', 'FJORD', '150.00'));
    for (let i = 0; i < 2; i++) expect((await due(p)).converted).toBe(0);
    expect(await p.entries(p.nordic, 'referral_referrer')).toBe(1);
    expect((await linesOf(p)).filter((l) => l.key.endsWith(':fixed'))).toHaveLength(1);
    const [referral] = (await p.ok(p.read, { method: 'GET', url: '/v1/referrals' })).data;
    expect(referral.conversionEventId).toBe('SO-1');
  });
});

describe('putting a partner on the plan it is on already', () => {
  it('keeps its assignment time, so the sweep still pays the events it missed before', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    await p.purchase('SO-1', 'FJORD', '150.00');
    const before = await p.ok(p.read, { method: 'GET', url: '/v1/commission-partners/NORDIC' });
    await withoutHook(() => p.purchase('SO-2', 'FJORD', '100.00'));
    const again = await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/commission-partners/NORDIC',
      payload: { plan: 'agency' },
    });
    expect(again.assignedAt).toBe(before.assignedAt);
    expect((await due(p)).lines).toBe(1);
    expect((await linesOf(p)).map((l) => l.event_id)).toContain('SO-2');

    // Another plan moves it: lines are paid under that plan from then on.
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/commission-plans',
      payload: agencyPlan({ code: 'reseller', name: 'Reseller' }),
    });
    const moved = await p.ok(p.admin, {
      method: 'PUT',
      url: '/v1/commission-partners/NORDIC',
      payload: { plan: 'reseller' },
    });
    expect(moved.plan).toBe('reseller');
    expect(new Date(moved.assignedAt).getTime()).toBeGreaterThan(new Date(before.assignedAt).getTime());
  });
});
