// The commission sweep's skip list under concurrency (decision 0055), on a real multi-connection
// PostgreSQL: due runs racing over a poison event skip it and pay the events after it once; operators'
// retries of a skipped event racing each other pay it once and clear it.
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
  expect(api.database.driver).toBe('postgres');
});

/** Five purchases the hook missed; the ledger refuses SO-3's commission credit until cured. */
async function withPoison(p: PartnerProgram) {
  const hook = api.services.partners.recordEvents;
  api.services.partners.recordEvents = async () => 0;
  try {
    for (let i = 1; i <= 5; i++) await p.purchase(`SO-${i}`, 'FJORD', '100.00');
  } finally {
    api.services.partners.recordEvents = hook;
  }
  const ledger = api.services.ledger;
  const credit = ledger.credit;
  ledger.credit = (async (...args: Parameters<typeof credit>) => {
    if (args[1].key === 'commission:agency:SO-3') throw new Error('ledger refused SO-3');
    return credit(...args);
  }) as typeof credit;
  return () => {
    ledger.credit = credit;
  };
}

async function state(p: PartnerProgram) {
  const [row] = await selectRows<{ keys: string; lines: string; skips: string; attempts: string | null }>(
    api.database.db,
    sql`select (select count(distinct key) from commission_lines where program_id = ${p.id}) as keys,
               (select count(*) from commission_lines where program_id = ${p.id}) as lines,
               (select count(*) from commission_sweep_skips where program_id = ${p.id} and skipped_at is not null) as skips,
               (select max(attempts)::text from commission_sweep_skips where program_id = ${p.id}) as attempts`,
  );
  return row!;
}

describe('the commission sweep skip list under concurrency', () => {
  it('10 concurrent due runs over a poison event skip it and pay every other event once', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    const cure = await withPoison(p);
    const at = new Date(Date.now() + SWEEP_SETTLE_MS + 60_000);
    try {
      await Promise.all(
        Array.from({ length: 10 }, () => api.services.partners.runDue(p.id, at, SCHEDULER, { batch: 2 })),
      );
      for (let i = 0; i < 5; i++) await api.services.partners.runDue(p.id, at, SCHEDULER, { batch: 2 });
    } finally {
      cure();
    }
    const after = await state(p);
    // SO-1, SO-2, SO-4, SO-5 and the fixed line of the conversion on SO-1: each once; SO-3 skipped.
    expect(after).toMatchObject({ keys: '5', lines: '5', skips: '1' });
    expect(Number(after.attempts)).toBeGreaterThanOrEqual(3);
    expect(await p.entries(p.nordic, 'commission')).toBe(5);
    expect(await p.entries(p.nordic, 'referral_referrer')).toBe(1);
  });

  it('10 concurrent retries of a skipped event pay it once and clear it', async () => {
    const p = await partnerWithReferral(api, agencyPlan({ holdingDays: 0 }));
    const cure = await withPoison(p);
    const at = new Date(Date.now() + SWEEP_SETTLE_MS + 60_000);
    try {
      for (let i = 0; i < 4; i++) await api.services.partners.runDue(p.id, at, SCHEDULER);
    } finally {
      cure();
    }
    expect(await state(p)).toMatchObject({ keys: '5', skips: '1' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        p.send(p.admin, { method: 'POST', url: '/v1/commission-sweep/skipped/SO-3/retry', payload: {} }),
      ),
    );
    for (const a of answers) expect([200, 404], a.body).toContain(a.statusCode);
    const done = answers.filter((a) => a.statusCode === 200);
    expect(done.length).toBeGreaterThanOrEqual(1);
    // Each retry that went through answers what it wrote: one of them wrote the line.
    expect(done.reduce((n, a) => n + a.json().lines, 0)).toBe(1);
    expect(await state(p)).toMatchObject({ keys: '6', lines: '6', skips: '0', attempts: null });
    expect(await p.entries(p.nordic, 'commission')).toBe(6);
  });
});
