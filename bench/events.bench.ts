import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createServices, type Services } from '../src/app/compose.ts';
import { systemActor } from '../src/core/access.ts';
import type { RuleDocument } from '../src/core/rules/rule.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import type { BatchOutcome, EventInput } from '../src/modules/events/events-service.ts';
import {
  createScratchDatabase,
  dropScratchDatabase,
  note,
  pgbenchTps,
  pgUrl,
  postgresReachable,
  type Reference,
  result,
  watchdog,
} from './run.ts';

/** Who the bench's writes are recorded as. */
const BENCH = systemActor('bench');

/** Seconds each measurement runs (a batch in flight when they are up is finished and counted). */
const SECONDS = 5;
const ACCOUNTS = 1000;
const SEGMENTS = ['hospitality', 'installer', 'foodservice', 'facilities', 'construction'];
const COUNTRIES = ['NL', 'BE', 'DE'];
const CATEGORIES = ['coffee', 'cleaning', 'kitchen', 'paper', 'hardware'];
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------
// Round trips to PostgreSQL (every statement a pg client sends: BEGIN, SAVEPOINT and COMMIT included).

let statements = 0;

/** Counts what every pg client sends from now on (the benchmark's own process only). */
function countStatements(): void {
  const send = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: unknown,
    ...args: unknown[]
  ) {
    statements++;
    return send.apply(this, args);
  };
}

// ---------------------------------------------------------------------------------------------------
// The program: ten active rules, of every kind the issue lists, two of which never match.

export const RULES: RuleDocument[] = [
  {
    name: 'Points per euro',
    trigger: { types: ['purchase', 'invoice.paid'] },
    effects: [{ kind: 'per_amount', points: '1', per: '1' }],
  },
  {
    name: 'Cashback on paid invoices',
    trigger: { types: ['invoice.paid'] },
    effects: [{ kind: 'percent', percent: '2', as: 'cashback', rounding: 'half_up' }],
  },
  {
    name: 'Category rates',
    trigger: { types: ['purchase'] },
    effects: [
      {
        kind: 'per_item',
        as: 'points',
        rates: [
          { match: { categories: ['coffee'] }, percent: '10' },
          { match: { categories: ['cleaning', 'kitchen'] }, pointsPerUnit: '2' },
          { match: { skus: ['SKU-7', 'SKU-8'] }, pointsPerQuantity: 5 },
        ],
      },
    ],
  },
  {
    name: 'Hospitality double points',
    trigger: { types: ['purchase'] },
    condition: 'account.segment == "hospitality" && event.amount >= 50.0',
    effects: [{ kind: 'multiplier', factor: '2' }],
    priority: 10,
  },
  {
    name: 'Survey bonus',
    trigger: { types: ['survey.completed'] },
    effects: [{ kind: 'fixed', points: 50 }],
  },
  {
    name: 'Big order bonus, at most 300 a month',
    trigger: { types: ['purchase'] },
    condition: 'event.amount >= 500.0',
    effects: [{ kind: 'fixed', points: 100 }],
    caps: { perAccount: { month: 300 } },
  },
  {
    name: 'Return window',
    trigger: { types: ['purchase'] },
    effects: [{ kind: 'percent', percent: '5', as: 'points' }],
    pendingDays: 30,
  },
  {
    name: 'Newsletter welcome',
    trigger: { types: ['newsletter.subscribed'] },
    effects: [{ kind: 'fixed', points: 25, oncePerAccount: true }],
  },
  {
    name: 'Bookings (no such events here)',
    trigger: { types: ['booking.made'] },
    effects: [{ kind: 'per_amount', points: '3', per: '1' }],
  },
  {
    name: 'Japan launch (no such accounts here)',
    trigger: { types: ['purchase'] },
    condition: 'account.country == "JP"',
    effects: [{ kind: 'fixed', points: 500 }],
  },
];

/** The same events every run: a small seeded generator (mulberry32). */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int };
}

const euros = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** Makes events with ids `${prefix}-1`, `${prefix}-2`, …: 75% purchases, the rest invoices, surveys and so on. */
export function eventSource(prefix: string, seed: number) {
  const rand = generator(seed);
  let n = 0;
  const now = Date.now();
  return (account?: number): EventInput => {
    n++;
    const id = `${prefix}-${n}`;
    const acct = `A${account ?? rand.int(0, ACCOUNTS - 1)}`;
    const occurredAt = new Date(now - rand.int(60_000, 20 * DAY)).toISOString();
    const kind = rand.next();
    if (kind < 0.75) {
      let total = 0;
      const items = Array.from({ length: rand.int(1, 5) }, () => {
        const quantity = rand.int(1, 10);
        const unit = rand.int(150, 9_999);
        const sku = rand.int(1, 40);
        total += unit * quantity;
        return {
          sku: `SKU-${sku}`,
          category: CATEGORIES[sku % CATEGORIES.length]!,
          quantity,
          unitPrice: euros(unit),
          amount: euros(unit * quantity),
        };
      });
      return {
        id,
        type: 'purchase',
        account: acct,
        occurredAt,
        amount: euros(total),
        currency: 'EUR',
        items,
        references: { orderId: `O-${n}` },
      };
    }
    if (kind < 0.9)
      return {
        id,
        type: 'invoice.paid',
        account: acct,
        occurredAt,
        amount: euros(rand.int(5_000, 500_000)),
        currency: 'EUR',
        references: { invoiceId: `I-${n}` },
      };
    if (kind < 0.95)
      return {
        id,
        type: 'survey.completed',
        account: acct,
        occurredAt,
        attributes: { score: rand.int(1, 10) },
      };
    if (kind < 0.98) return { id, type: 'newsletter.subscribed', account: acct, occurredAt };
    return { id, type: 'training.completed', account: acct, occurredAt, attributes: { course: 'safety' } };
  };
}

export function accountsCsv(): string {
  const lines = ['External ID,Account Name,Segment,Country,Currency,Status'];
  for (let i = 0; i < ACCOUNTS; i++)
    lines.push(
      `A${i},Account ${i},${SEGMENTS[i % SEGMENTS.length]},${COUNTRIES[i % COUNTRIES.length]},EUR,enrolled`,
    );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------

interface Tally {
  events: number;
  /** Ledger entries the events wrote (awards other than tier credits). */
  entries: number;
  failed: string[];
}

/** Runs `workers` loops of `step` for SECONDS; returns units per second of the real elapsed time. */
async function timed(
  workers: number,
  step: () => Promise<number>,
): Promise<{ perSecond: number; done: number; statements: number }> {
  const before = statements;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < until) {
        // (Not `done += await step()`: that reads `done` before the await and loses updates.)
        const units = await step();
        done += units;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: done / seconds, done, statements: statements - before };
}

async function benchStore(
  label: 'postgres' | 'pglite',
  database: Database,
  pgbench: { one?: Reference; ten?: Reference },
): Promise<void> {
  const setupStarted = performance.now();
  await database.migrate();
  const services: Services = createServices(database);
  const program = await services.programs.create(
    { name: `Bench events ${label}`, baseCurrency: 'EUR' },
    BENCH,
  );
  const imported = await services.imports.importAccounts(program.id, accountsCsv(), {}, BENCH);
  if (imported.created !== ACCOUNTS || imported.errors.length > 0)
    throw new Error(`importing the accounts failed: ${JSON.stringify(imported).slice(0, 500)}`);
  const effectiveFrom = new Date(Date.now() - 60 * DAY);
  for (const document of RULES) await services.rules.create(program.id, { document, effectiveFrom }, BENCH);

  const tally: Tally = { events: 0, entries: 0, failed: [] };
  /** Every event must be new and accepted: a failure or a replay means the bench measures something else. */
  const count = (outcome: BatchOutcome) => {
    tally.events++;
    if (!outcome.ok || outcome.replayed) {
      if (tally.failed.length < 5) tally.failed.push(JSON.stringify(outcome).slice(0, 300));
      return;
    }
    tally.entries += outcome.event.result.awards.filter((a) => a.entryId !== null).length;
  };
  const ingestOne = async (next: () => EventInput) => {
    const { event, replayed } = await services.events.ingest(program.id, next(), BENCH);
    count({ ok: true, replayed, event });
    return 1;
  };
  const ingestMany = async (next: () => EventInput, size: number) => {
    const outcomes = await services.events.ingestBatch(
      program.id,
      Array.from({ length: size }, () => next()),
      BENCH,
    );
    for (const o of outcomes) count(o);
    return outcomes.length;
  };

  // Warm up (JIT, the rule and condition caches, the pool): a batch of 100 and 20 single events.
  // Wallets need no warming: a credit looks its wallets up (and creates them if missing) every time.
  const warm = eventSource(`${label}-warm`, 1);
  await ingestMany(warm, 100);
  for (let i = 0; i < 20; i++) await ingestOne(warm);
  note(
    `${label}: ${ACCOUNTS} accounts, ${RULES.length} rules, ${tally.events} warm-up events; set-up ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );
  if (tally.failed.length > 0) throw new Error(`warm-up events failed: ${tally.failed.join('\n')}`);
  // Statistics as a running system has them (autovacuum on PostgreSQL, the scheduler's upkeep on
  // PGlite): without them the plans made while the tables were empty are kept (decision 0005).
  await database.db.execute(sql`analyze`);

  // The ledger's raw entry rate: ledger.credit one by one, the same program and accounts.
  let raw = 0;
  const credit = async () => {
    raw++;
    await services.ledger.credit(program.id, {
      key: `raw-${raw}`,
      account: `A${raw % ACCOUNTS}`,
      amount: 10,
      reasonCode: 'purchase',
      explanation: 'Bench',
    });
    return 1;
  };
  const ledger1 = await timed(1, credit);
  result(`events.${label}.ledger_credit_1_writer`, ledger1.perSecond, 'entries/s', pgbench.one);
  const ledgerRef: Reference = { value: ledger1.perSecond, unit: 'entries/s' };

  /** Times one way of ingesting, prints its rate and notes what an event cost. */
  async function perEvent(
    name: string,
    workers: number,
    step: () => Promise<number>,
    reference: Reference,
  ): Promise<{ perSecond: number }> {
    const before = { ...tally };
    const measured = await timed(workers, step);
    result(`events.${label}.${name}`, measured.perSecond, 'events/s', reference);
    const events = Math.max(1, tally.events - before.events);
    const entries = (tally.entries - before.entries) / events;
    const sent = label === 'postgres' ? `, ${(measured.statements / events).toFixed(1)} statements sent` : '';
    note(
      `${name}: ${measured.done} events; per event ${entries.toFixed(2)} ledger entries${sent}; ${(measured.perSecond * entries).toFixed(0)} entries/s`,
    );
    return measured;
  }

  const one = eventSource(`${label}-single`, 2);
  const single = await perEvent('ingest_1_caller', 1, () => ingestOne(one), ledgerRef);
  let ledgerRef10: Reference | undefined;
  if (label === 'postgres') {
    const ledger10 = await timed(10, credit);
    result(`events.${label}.ledger_credit_10_writers`, ledger10.perSecond, 'entries/s', pgbench.ten);
    ledgerRef10 = { value: ledger10.perSecond, unit: 'entries/s' };
    const ten = eventSource(`${label}-ten`, 3);
    await perEvent('ingest_10_callers', 10, () => ingestOne(ten), ledgerRef10);
  }
  const b100 = eventSource(`${label}-b100`, 4);
  const batch100 = await perEvent('batch_100', 1, () => ingestMany(b100, 100), ledgerRef);
  const b1000 = eventSource(`${label}-b1000`, 5);
  const batch1000 = await perEvent('batch_1000', 1, () => ingestMany(b1000, 1000), ledgerRef);
  note(
    `${label}: batch of 100 = ${(batch100.perSecond / single.perSecond).toFixed(2)}× the single-event path, batch of 1,000 = ${(batch1000.perSecond / single.perSecond).toFixed(2)}×`,
  );

  // The same program with a spend ladder (and a tier multiplier rule): after each commit, every
  // event lets the ladder check for an upgrade, which costs round trips of its own.
  await services.tiers.createLadder(
    program.id,
    {
      name: 'Partner level',
      metric: 'qualifying_spend',
      window: { kind: 'rolling_months', months: 12 },
      tiers: [
        { code: 'silver', name: 'Silver', threshold: '5000', multiplier: '1.25' },
        { code: 'gold', name: 'Gold', threshold: '20000', multiplier: '1.5' },
      ],
    },
    BENCH,
  );
  await services.rules.create(
    program.id,
    {
      document: {
        name: 'Tier multiplier',
        trigger: { types: ['purchase', 'invoice.paid'] },
        effects: [{ kind: 'multiplier', factor: 'tier' }],
      },
      effectiveFrom,
    },
    BENCH,
  );
  const t1 = eventSource(`${label}-tier-single`, 6);
  const tierSingle = await perEvent('ingest_1_caller_with_ladder', 1, () => ingestOne(t1), ledgerRef);
  const t1000 = eventSource(`${label}-tier-b1000`, 7);
  const tierBatch = await perEvent('batch_1000_with_ladder', 1, () => ingestMany(t1000, 1000), ledgerRef);
  note(
    `${label} with a ladder: batch of 1,000 = ${(tierBatch.perSecond / tierSingle.perSecond).toFixed(2)}× the single-event path`,
  );

  if (tally.failed.length > 0) throw new Error(`events failed: ${tally.failed.join('\n')}`);
  const problems = await services.ledger.verify(program.id);
  note(
    `${label}: ${tally.events} events, ${tally.entries} ledger entries from them, ${raw} raw credits; ledger consistent: ${problems.length === 0 ? 'yes' : problems.slice(0, 3).join('; ')}`,
  );
}

async function main(): Promise<void> {
  const scratch: string[] = [];
  const dirs: string[] = [];
  const cleanup = async () => {
    for (const name of scratch.splice(0)) await dropScratchDatabase(name).catch(() => {});
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  watchdog(10 * 60_000, cleanup);
  countStatements();
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    if (await postgresReachable()) {
      const reference = await createScratchDatabase('pgbench2');
      scratch.push(reference);
      const pgbench = { one: pgbenchTps(reference, 1, SECONDS), ten: pgbenchTps(reference, 10, SECONDS) };
      const name = await createScratchDatabase('events');
      scratch.push(name);
      const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 12 });
      try {
        await benchStore('postgres', database, pgbench);
      } finally {
        await database.close();
      }
    } else {
      note('PostgreSQL is not reachable on 127.0.0.1:5432: postgres skipped, no pgbench reference');
    }

    const dir = mkdtempSync(join(tmpdir(), 'fidelis-bench-events-'));
    dirs.push(dir);
    const database = await openDatabase({ driver: 'pglite', dataDir: join(dir, 'data') });
    try {
      await benchStore('pglite', database, {});
    } finally {
      await database.close();
    }
    note(
      'events.* reference = ledger.credit one by one in the same run and store (10 writers for 10 callers)',
    );
    note('ledger_credit_* reference = pgbench tps of BEGIN; UPDATE one balance; INSERT one history row; END');
  } finally {
    await cleanup();
  }
  process.exit(0);
}

if (import.meta.main) await main();
