// Model-based property test of commissions, clawbacks and payouts: random sequences of orders of two
// referred businesses, (partial) returns, payout runs (proposed and approved, each in a later month)
// and failed payouts run against the services and against a small model of what the plan says. After
// every sequence: the lines written are exactly what the plan pays (a fixed amount on the conversion,
// 10% of each order) less what returns took back; paid + owed (due or pending in the wallet, or a
// debt) equals that net; and the journal balances.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { systemActor } from '../../src/core/access.ts';
import { clawbackOf, periodContaining } from '../../src/core/partners/commission.ts';
import { type Database, selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshDatabase } from '../support/db.ts';

const NUM_RUNS = 12;
const TZ = 'Europe/Amsterdam';
const DAY = 86_400_000;
const FIXED = 5000;
/** Approves runs: not their proposer (maker-checker). */
const CHECKER = systemActor('checker');

let database: Database;
let services: Services;
let programs = 0;

beforeAll(async () => {
  database = await freshDatabase();
  services = createServices(database);
});

type Command =
  | { kind: 'order'; who: 0 | 1; cents: number }
  | { kind: 'return'; order: number; share: number }
  | { kind: 'run' }
  | { kind: 'fail'; payout: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    who: fc.constantFrom(0 as const, 1 as const),
    cents: fc.integer({ min: 1, max: 500_000 }),
  }),
  fc.record({
    kind: fc.constant('return' as const),
    order: fc.nat(10),
    share: fc.integer({ min: 1, max: 100 }),
  }),
  fc.constant({ kind: 'run' as const }),
  fc.record({ kind: fc.constant('fail' as const), payout: fc.nat(5) }),
);

interface MOrder {
  id: string;
  account: string;
  cents: number;
  returned: number;
  /** The lines it paid: [fixed or null, percentage]. */
  fixed: number;
  percentage: number;
  fixedLeft: number;
  percentageLeft: number;
}

async function scenario(holdingDays: number, commands: Command[]): Promise<void> {
  const n = ++programs;
  const program = await services.programs.create(
    { name: `Commission model ${n}`, baseCurrency: 'EUR', timeZone: TZ },
    FIXTURE,
  );
  const id = program.id;
  const { partners, accounts, events } = services;
  await partners.createReferralProgram(
    id,
    {
      code: 'refer',
      name: 'Refer',
      conversion: { eventTypes: ['purchase'] },
      rewards: { referrer: null, referred: null },
    },
    FIXTURE,
  );
  await partners.createCommissionPlan(
    id,
    {
      code: 'plan',
      name: 'Plan',
      unit: 'EUR',
      holdingDays,
      fixed: { amount: '50.00' },
      revenue: { eventTypes: ['purchase'], rate: '10' },
    },
    FIXTURE,
  );
  for (const externalId of ['PARTNER', 'R0', 'R1'])
    await accounts.create(id, { externalId, name: externalId }, FIXTURE);
  await partners.assignCommissionPlan(id, 'PARTNER', 'plan', FIXTURE);
  const code = await partners.createCode(id, { account: 'PARTNER', referralProgram: 'refer' }, FIXTURE);
  for (const r of ['R0', 'R1']) await partners.attribute(id, { code: code.code, account: r }, FIXTURE);
  const partner = (await accounts.resolve(id, 'PARTNER')).id;

  const orders: MOrder[] = [];
  const converted = [false, false];
  const payouts: string[] = [];
  let runs = 0;
  let failed = 0;
  let paid = 0;
  for (const [i, c] of commands.entries()) {
    if (c.kind === 'order') {
      const orderId = `o${i}`;
      await events.ingest(id, {
        id: orderId,
        type: 'purchase',
        account: `R${c.who}`,
        occurredAt: new Date().toISOString(),
        amount: (c.cents / 100).toFixed(2),
        currency: 'EUR',
      });
      const fixed = converted[c.who] ? 0 : FIXED;
      converted[c.who] = true;
      const percentage = Math.round(c.cents / 10);
      orders.push({
        id: orderId,
        account: `R${c.who}`,
        cents: c.cents,
        returned: 0,
        fixed,
        percentage,
        fixedLeft: fixed,
        percentageLeft: percentage,
      });
    } else if (c.kind === 'return') {
      const o = orders[c.order % Math.max(orders.length, 1)];
      if (!o || o.returned >= o.cents) continue;
      const cents = Math.max(1, Math.floor(((o.cents - o.returned) * c.share) / 100));
      await events.ingest(id, {
        id: `r${i}`,
        type: 'return',
        account: o.account,
        occurredAt: new Date().toISOString(),
        amount: (cents / 100).toFixed(2),
        currency: 'EUR',
        references: { originalEventId: o.id },
      });
      const take = Number(
        clawbackOf(
          { amount: BigInt(o.percentage), revenue: BigInt(o.cents) },
          BigInt(o.returned),
          BigInt(cents),
        ),
      );
      o.percentageLeft -= Math.min(take, o.percentageLeft);
      o.returned += cents;
      if (o.returned >= o.cents) o.fixedLeft = 0;
    } else if (c.kind === 'run') {
      // Each run pays a later month (the lines' holding period is over by then).
      runs += 1;
      const now = new Date(Date.now() + (holdingDays + 1) * DAY + runs * 32 * DAY);
      const period = periodContaining(now, 'month', TZ).key;
      const run = await partners.proposePayoutRun(id, { period }, FIXTURE, now);
      for (const p of run.payouts) {
        expect(p.statement.closingBalance).toBe(
          p.statement.openingBalance + p.statement.commissions - p.statement.clawbacks - p.statement.payout,
        );
      }
      const approved = await partners.approvePayoutRun(id, run.id, {}, CHECKER, now);
      for (const p of approved.payouts) {
        if (p.status === 'pending') {
          payouts.push(p.id);
          paid += p.amount;
        }
      }
    } else {
      const payoutId = payouts[c.payout % Math.max(payouts.length, 1)];
      if (!payoutId) continue;
      const payout = await findPayout(id, payoutId);
      if (payout.status !== 'pending') continue;
      await partners.setPayoutStatus(id, payout.runId, payoutId, { status: 'failed' }, FIXTURE);
      paid -= payout.amount;
      failed += 1;
    }
  }

  // The lines are what the plan pays, less what returns took back.
  const planned = orders.reduce((s, o) => s + o.fixed + o.percentage, 0);
  const net = orders.reduce((s, o) => s + o.fixedLeft + o.percentageLeft, 0);
  const [lines] = await selectRows<{ paying: string; clawed: string }>(
    database.db,
    sql`select coalesce(sum(amount) filter (where amount > 0), 0) as paying,
               coalesce(-sum(amount) filter (where amount < 0), 0) as clawed
        from commission_lines where program_id = ${id}`,
  );
  expect({ paying: Number(lines!.paying), clawed: Number(lines!.clawed) }).toEqual({
    paying: planned,
    clawed: planned - net,
  });
  // Paid + owed (available, pending, less debt) = the net the plan says; failed payouts came back.
  const wallet = (await services.ledger.summary(id, partner)).find((w) => w.unit === 'EUR');
  const owed = wallet ? wallet.available + wallet.pending - wallet.debt : 0;
  expect({ paid, owed, failed }).toEqual({ paid, owed: net - paid, failed });
  // The journal balances.
  const [journal] = await selectRows<{ unbalanced: string }>(
    database.db,
    sql`select count(*) as unbalanced from (select entry_id from ledger_postings where program_id = ${id}
        group by entry_id, unit having sum(amount) <> 0) u`,
  );
  expect(Number(journal!.unbalanced)).toBe(0);
}

async function findPayout(programId: string, payoutId: string) {
  const [row] = await selectRows<{ run_id: string; status: string; amount: string }>(
    database.db,
    sql`select run_id, status, amount from partner_payouts where program_id = ${programId} and id = ${payoutId}`,
  );
  return { runId: row!.run_id, status: row!.status, amount: Number(row!.amount) };
}

describe('commissions, clawbacks and payouts (model)', () => {
  it('pay what the plan says, exactly once, and the ledger balances', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 14),
        fc.array(command, { minLength: 1, maxLength: 8 }),
        (holding, cmds) => scenario(holding, cmds),
      ),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
