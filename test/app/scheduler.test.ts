import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../src/app/compose.ts';
import { DUE_RUN_QUEUE, startScheduler } from '../../src/app/scheduler.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshDatabase } from '../support/db.ts';

describe('scheduler', () => {
  it('expires due points and releases timed-out holds on its own', async () => {
    const services = createServices(await freshDatabase());
    const program = await services.programs.create({ name: 'Jobs', baseCurrency: 'EUR' }, FIXTURE);
    const account = await services.accounts.create(program.id, { name: 'Acme' }, FIXTURE);
    await services.ledger.credit(program.id, {
      key: 'old',
      account: account.id,
      amount: 40,
      reasonCode: 'bonus',
      explanation: 'Old points',
      effectiveAt: new Date(Date.now() - 10_000),
      expiresAt: new Date(Date.now() - 1000),
    });
    await services.ledger.credit(program.id, {
      key: 'new',
      account: account.id,
      amount: 60,
      reasonCode: 'bonus',
      explanation: 'x',
    });
    await services.ledger.debit(program.id, {
      key: 'hold',
      account: account.id,
      amount: 25,
      hold: true,
      holdUntil: new Date(Date.now() - 1),
      reasonCode: 'gift',
      explanation: 'Abandoned',
    });
    const errors: unknown[] = [];
    const stop = await startScheduler(services, { info: () => {}, error: (o) => errors.push(o) }, 50);
    try {
      await expect
        .poll(async () => (await services.ledger.summary(program.id, account.id))[0], {
          timeout: 10_000,
          interval: 100,
        })
        .toMatchObject({ available: 60, held: 0, lifetime: { expired: 40 } });
    } finally {
      await stop();
    }
    expect(errors).toEqual([]);
    expect(await services.ledger.verify(program.id)).toEqual([]);
    // The due runs ran as the program's jobs on the durable queue (decision 0043).
    const jobs = await services.jobs.list(program.id, { queue: DUE_RUN_QUEUE });
    expect(jobs.data.some((j) => j.state === 'completed')).toBe(true);
  });

  it("keeps one due run per program waiting or running, whichever instance's timer sends it", async () => {
    const services = createServices(await freshDatabase());
    const [a, b] = await Promise.all(
      ['A', 'B'].map((name) => services.programs.create({ name, baseCurrency: 'EUR' }, FIXTURE)),
    );
    // A timer that does not tick during the test: the sends below stand for two instances' ticks.
    const stop = await startScheduler(services, { info: () => {}, error: () => {} }, 3_600_000);
    try {
      const later = new Date(Date.now() + 600_000);
      const send = (programId: string) =>
        services.jobs.send(DUE_RUN_QUEUE, programId, {}, { singletonKey: programId, startAfter: later });
      expect(await send(a!.id)).toEqual(expect.any(String));
      expect(await send(a!.id)).toBeNull();
      expect(await send(b!.id)).toEqual(expect.any(String));
      const waiting = await services.jobs.list(a!.id, { queue: DUE_RUN_QUEUE });
      expect(waiting.data.map((j) => j.state)).toEqual(['created']);
    } finally {
      await stop();
    }
  });

  it('renews and lapses memberships whose term ended, on its own', async () => {
    const services = createServices(await freshDatabase());
    const program = await services.programs.create({ name: 'Memberships', baseCurrency: 'EUR' }, FIXTURE);
    const account = await services.accounts.create(program.id, { name: 'Acme' }, FIXTURE);
    const plan = (renewal: 'auto' | 'manual') =>
      services.memberships.createPlan(
        program.id,
        {
          name: renewal,
          fee: { amount: '1.00', currency: 'EUR' },
          term: { days: 1 },
          renewal,
          joining: 'contract',
          entitlements: [{ key: 'vip_support', kind: 'flag' }],
        },
        FIXTURE,
      );
    const startsAt = new Date(Date.now() - 36 * 3_600_000).toISOString();
    const join = async (planId: string) =>
      (
        await services.memberships.join(
          program.id,
          {
            account: account.id,
            plan: planId,
            via: 'contract',
            reference: 'C-1',
            startsAt,
          },
          FIXTURE,
        )
      ).membership.id;
    const auto = await join((await plan('auto')).id);
    const manual = await join((await plan('manual')).id);
    const errors: unknown[] = [];
    const stop = await startScheduler(services, { info: () => {}, error: (o) => errors.push(o) }, 50);
    try {
      await expect
        .poll(async () => (await services.memberships.get(program.id, manual)).status, { timeout: 10_000 })
        .toBe('lapsed');
      await expect
        .poll(async () => (await services.memberships.get(program.id, auto)).term, { timeout: 10_000 })
        .toBe(2);
    } finally {
      await stop();
    }
    expect(errors).toEqual([]);
    expect(await services.memberships.check(program.id, account.id, 'vip_support')).toMatchObject({
      granted: true,
      source: { membershipId: auto },
    });
  });
});

describe('store upkeep', () => {
  it('vacuums and analyzes the embedded store, which has no autovacuum of its own', async () => {
    const database = await freshDatabase();
    const services = createServices(database);
    if (database.driver !== 'pglite') {
      expect(await database.maintain()).toBe('autovacuum');
      return;
    }
    const program = await services.programs.create({ name: 'Upkeep', baseCurrency: 'EUR' }, FIXTURE);
    const account = await services.accounts.create(program.id, { name: 'Acme' }, FIXTURE);
    for (let i = 0; i < 5; i++)
      await services.ledger.credit(program.id, {
        key: `k${i}`,
        account: account.id,
        amount: 10,
        reasonCode: 'bonus',
        explanation: 'x',
      });
    const stats = async () =>
      (
        (await database.db.execute(
          sql`select last_vacuum, last_analyze from pg_stat_user_tables where relname = 'wallets'`,
        )) as unknown as { rows: Array<{ last_vacuum: unknown; last_analyze: unknown }> }
      ).rows[0]!;
    const before = await stats();
    expect(before.last_analyze).toBeNull();
    expect(before.last_vacuum).toBeNull();
    const logged: string[] = [];
    const stop = await startScheduler(
      services,
      { info: (_o, msg) => logged.push(msg), error: (_o, msg) => logged.push(msg) },
      20,
      50,
    );
    try {
      await expect
        .poll(async () => (await stats()).last_analyze, { timeout: 10_000, interval: 50 })
        .not.toBeNull();
    } finally {
      await stop();
    }
    const after = await stats();
    expect(after.last_vacuum).not.toBeNull();
    expect(logged).toContain('store upkeep (vacuum, analyze)');
  });
});
