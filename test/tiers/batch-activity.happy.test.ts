// Tier movement on the batch path. `events.ingestBatch` hands all of a batch's events to
// `tiers.recordActivities` at once, which decides from one read of the statuses and one metric query
// which accounts' tiers can change, lifts only those (event by event, in order) and adds the first
// tier-less status row of the others in one statement. For events in chronological order that must
// write exactly what `events.ingest`, one event at a time, writes. Each scenario runs the same events
// through twin programs (same accounts, rule and ladders): one event at a time, in one batch, and in
// a few chunks; the tier statuses (tier, since, securedUntil, graceUntil, dueAt) and the full tier
// history of every account must agree, and match what the scenario expects. Events of one account
// at the very same instant count together in a batch: the same tiers, a shorter history.
// The ladders' windows and the late "as of now" check read the clock (`new Date()`), so the clock is
// frozen at a fixed NOW (mid-June: every event of the scenarios, up to 60 days before it, falls in
// the same calendar year) and every ingestion is given that NOW too. With the real clock, a run
// between 1 January and mid-February would have to skip the calendar-year expectations.
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { type Database, selectRows } from '../../src/db/client.ts';
import type { EventInput } from '../../src/modules/events/events-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshDatabase } from '../support/db.ts';
import { clockAt, steps } from './helpers.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The `now` of every ingestion, and the frozen clock. */
const NOW = new Date('2026-06-15T10:00:00Z');
/** `days` (and `hours`) before NOW. */
const ago = (days: number, hours = 0) => new Date(NOW.getTime() - days * DAY - hours * HOUR).toISOString();

const buy = (id: string, account: string, days: number, amount: string, type = 'purchase'): EventInput => ({
  id,
  type,
  account,
  occurredAt: ago(days),
  amount,
  currency: 'EUR',
});

/** Rolling 12 months of spend; platinum also by one event of 15000 or more. */
const spendLadder = (extra: object = {}) => ({
  name: 'Partner spend',
  metric: 'qualifying_spend',
  window: { kind: 'rolling_months', months: 12 },
  graceDays: 90,
  softLanding: true,
  tiers: [
    { code: 'silver', name: 'Silver', threshold: '1000' },
    { code: 'gold', name: 'Gold', threshold: '5000' },
    { code: 'platinum', name: 'Platinum', threshold: '20000', instantAmount: '15000' },
  ],
  ...extra,
});

interface Setup {
  accounts: Array<{ externalId: string; parentId?: string; customerSince?: string }>;
  ladders: object[];
}

let database: Database;
let services: Services;
let programs = 0;

beforeAll(async () => {
  database = await freshDatabase();
  services = createServices(database);
});

beforeEach(() => clockAt(NOW.toISOString()));

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  vi.useRealTimers();
});

/** A program with the setup; unknown accounts become prospects; 1 point per euro. */
async function twin(setup: Setup): Promise<string> {
  const program = await services.programs.create(
    {
      name: `Batch tiers ${++programs}`,
      baseCurrency: 'EUR',
      timeZone: 'Europe/Amsterdam',
      settings: { events: { unknownAccount: 'create_prospect' } },
    },
    FIXTURE,
  );
  for (const a of setup.accounts)
    await services.accounts.create(program.id, { name: a.externalId, ...a }, FIXTURE);
  for (const doc of setup.ladders) await services.tiers.createLadder(program.id, doc, FIXTURE);
  await services.rules.create(
    program.id,
    {
      document: {
        name: 'Points per euro',
        trigger: { types: ['purchase', 'invoice.paid'] },
        effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      },
      effectiveFrom: new Date(NOW.getTime() - 800 * DAY),
    },
    FIXTURE,
  );
  return program.id;
}

async function oneByOne(programId: string, inputs: EventInput[]): Promise<void> {
  for (const input of inputs) {
    const { replayed } = await services.events.ingest(programId, input, FIXTURE, NOW);
    expect(replayed).toBe(false);
  }
}

/** In chunks of the given sizes (the last size repeats); one chunk when none is given. */
async function inBatches(programId: string, inputs: EventInput[], sizes: number[] = [inputs.length]) {
  let rest = inputs;
  for (let i = 0; rest.length > 0; i++) {
    const chunk = rest.slice(0, sizes[Math.min(i, sizes.length - 1)]);
    rest = rest.slice(chunk.length);
    const outcomes = await services.events.ingestBatch(programId, chunk, FIXTURE, NOW);
    expect(outcomes.map((o) => (o.ok ? `${o.event.id} ok${o.replayed ? ' replayed' : ''}` : o))).toEqual(
      chunk.map((e) => `${e.id} ok`),
    );
  }
}

const iso = (v: unknown) =>
  v === null || v === undefined ? null : new Date(v as string | Date).toISOString();

interface StatusLine {
  ladder: string;
  account: string;
  tier: string | null;
  since: string | null;
  securedUntil: string | null;
  graceUntil: string | null;
  dueAt: string | null;
  override: string | null;
  updatedAt: string | null;
}

/** Every tier_status row of the program, by ladder name and account externalId. */
async function statusesOf(programId: string): Promise<StatusLine[]> {
  const rows = await selectRows<Record<string, unknown>>(
    database.db,
    sql`select l.document->>'name' as ladder, a.external_id as account, s.tier_code, s.since,
               s.secured_until, s.grace_until, s.due_at, s.override_kind, s.updated_at
          from tier_status s
          join accounts a on a.program_id = s.program_id and a.id = s.account_id
          join tier_ladders l on l.program_id = s.program_id and l.id = s.ladder_id
         where s.program_id = ${programId}
         order by 1, 2`,
  );
  return rows.map((r) => ({
    ladder: r.ladder as string,
    account: r.account as string,
    tier: (r.tier_code as string | null) ?? null,
    since: iso(r.since),
    securedUntil: iso(r.secured_until),
    graceUntil: iso(r.grace_until),
    dueAt: iso(r.due_at),
    override: (r.override_kind as string | null) ?? null,
    updatedAt: iso(r.updated_at),
  }));
}

/** What must agree between the twins: statuses (without their write time) and every account's history. */
async function tiersOf(programId: string, accounts: string[]) {
  const ladders = new Map(
    (await services.tiers.listLadders(programId)).map((l) => [l.id, (l.document as { name: string }).name]),
  );
  const histories: Record<string, unknown[]> = {};
  for (const account of accounts)
    histories[account] = (await services.tiers.history(programId, account)).map(
      ({ id: _id, ladderId, ...c }) => ({ ladder: ladders.get(ladderId), ...c }),
    );
  const [count] = await selectRows<{ n: string }>(
    database.db,
    sql`select count(*)::text as n from tier_changes where program_id = ${programId}`,
  );
  return {
    statuses: (await statusesOf(programId)).map(({ updatedAt: _u, ...s }) => s),
    histories,
    changes: Number(count!.n),
  };
}

/** History of one account on one ladder as "from→to reason at". */
async function stepsOn(programId: string, account: string, ladder?: string) {
  const ids = new Map(
    (await services.tiers.listLadders(programId)).map((l) => [l.id, (l.document as { name: string }).name]),
  );
  return steps(
    (await services.tiers.history(programId, account)).filter(
      (c) => ladder === undefined || ids.get(c.ladderId) === ladder,
    ),
  );
}

interface Scenario {
  setup: Setup;
  /** Ingested one at a time into every twin before the events under test. */
  before?: EventInput[];
  events: EventInput[];
  /** Chunk sizes of the chunked twin. */
  chunks: number[];
  /** Every account the histories are compared for. */
  accounts: string[];
}

/** Runs the scenario one by one, in one batch and in chunks; checks they agree; answers the twins. */
async function runScenario(s: Scenario) {
  const one = await twin(s.setup);
  const all = await twin(s.setup);
  const chunked = await twin(s.setup);
  for (const p of [one, all, chunked]) await oneByOne(p, s.before ?? []);
  await oneByOne(one, s.events);
  await inBatches(all, s.events);
  await inBatches(chunked, s.events, s.chunks);
  const expected = await tiersOf(one, s.accounts);
  // Soft: a difference of one twin does not hide the other's.
  expect.soft(await tiersOf(all, s.accounts), 'one batch vs one by one').toEqual(expected);
  expect.soft(await tiersOf(chunked, s.accounts), `chunks of ${s.chunks} vs one by one`).toEqual(expected);
  return { one, all, chunked, expected };
}

/** The accounts that have a status row on the ladder. */
const withStatus = (statuses: Array<{ ladder: string; account: string }>, ladder: string) =>
  statuses.filter((s) => s.ladder === ladder).map((s) => s.account);

describe('a batch moves tiers exactly as its events one by one do', () => {
  // X crosses silver at its 2nd event and gold at its 4th, Y spends but never crosses, Z is new
  // (a prospect made by its event), W holds silver from before and crosses gold in the batch, Q only
  // has an event the ladder does not count, K returns a purchase inside the batch (gold comes an
  // event later than without the return). The events of the accounts are interleaved.
  const spend: Scenario = {
    setup: {
      accounts: ['X', 'Y', 'W', 'Q', 'K'].map((externalId) => ({ externalId })),
      ladders: [spendLadder()],
    },
    before: [buy('w0', 'W', 60, '1200.00')],
    events: [
      buy('k1', 'K', 41, '800.00'),
      buy('x1', 'X', 40, '600.00'),
      buy('k2', 'K', 39.5, '800.00'),
      buy('y1', 'Y', 39, '200.00'),
      buy('x2', 'X', 38, '500.00'),
      {
        id: 'k3',
        type: 'return',
        account: 'K',
        occurredAt: ago(37.5),
        references: { originalEventId: 'k2' },
      },
      buy('w1', 'W', 37, '2000.00'),
      buy('k4', 'K', 36.5, '3900.00'),
      buy('y2', 'Y', 36, '300.00', 'invoice.paid'),
      buy('x3', 'X', 35, '1500.00', 'invoice.paid'),
      buy('z1', 'Z', 34, '50.00'),
      buy('w2', 'W', 33, '2500.00'),
      buy('k5', 'K', 32.5, '500.00'),
      { id: 'q1', type: 'survey.completed', account: 'Q', occurredAt: ago(33, 2) },
      buy('x4', 'X', 32, '2600.00'),
      buy('y3', 'Y', 31, '400.00'),
      buy('x5', 'X', 30, '100.00'),
    ],
    chunks: [3, 4, 5],
    accounts: ['X', 'Y', 'Z', 'W', 'Q', 'K'],
  };

  it('qualifying spend: silver and gold inside the batch, a tier held from before, no tier, a new account', async () => {
    const { one, expected } = await runScenario(spend);
    expect(await stepsOn(one, 'X')).toEqual([
      `-→silver threshold ${ago(38)}`,
      `silver→gold threshold ${ago(32)}`,
    ]);
    expect(await stepsOn(one, 'W')).toEqual([
      `-→silver threshold ${ago(60)}`,
      `silver→gold threshold ${ago(33)}`,
    ]);
    expect(await stepsOn(one, 'K')).toEqual([
      `-→silver threshold ${ago(39.5)}`,
      `silver→gold threshold ${ago(32.5)}`,
    ]);
    for (const account of ['Y', 'Z', 'Q']) expect(await stepsOn(one, account)).toEqual([]);
    // Every account with a counted event has a status (the tier-less ones too); Q's event does not count.
    expect(withStatus(expected.statuses, 'Partner spend')).toEqual(['K', 'W', 'X', 'Y', 'Z']);
    expect(expected.statuses.find((s) => s.account === 'X')).toMatchObject({
      tier: 'gold',
      since: ago(32),
      graceUntil: null,
      dueAt: expected.statuses.find((s) => s.account === 'X')!.securedUntil,
    });
    expect(expected.statuses.find((s) => s.account === 'Y')).toMatchObject({
      tier: null,
      since: null,
      securedUntil: null,
      dueAt: null,
    });
    expect(expected.changes).toBe(6);
  });

  it('a later batch of small events for accounts already at their tier lifts nothing and writes nothing', async () => {
    const { one, all, chunked, expected } = await runScenario(spend);
    const later = [
      buy('x6', 'X', 20, '100.00'),
      buy('y4', 'Y', 19, '50.00'),
      buy('w3', 'W', 18, '10.00', 'invoice.paid'),
      buy('z2', 'Z', 17, '20.00'),
      buy('x7', 'X', 16, '30.00'),
    ];
    const before = { all: await statusesOf(all), chunked: await statusesOf(chunked) };
    await oneByOne(one, later);
    // The batch path takes no tier lock and writes no status: no transaction runs at all, since
    // the events themselves are each batch's one statement (decision 0020).
    const transactions = vi.spyOn(database, 'transaction');
    await inBatches(all, later);
    expect(transactions).toHaveBeenCalledTimes(0);
    transactions.mockClear();
    await inBatches(chunked, later, [2]);
    expect(transactions).toHaveBeenCalledTimes(0);
    transactions.mockRestore();
    for (const p of [one, all, chunked]) expect(await tiersOf(p, spend.accounts)).toEqual(expected);
    expect(await statusesOf(all)).toEqual(before.all);
    expect(await statusesOf(chunked)).toEqual(before.chunked);
  });

  it('group qualification: two children (one of them through a grandchild) cross thresholds together', async () => {
    const { one, expected } = await runScenario({
      setup: {
        accounts: [
          { externalId: 'GRP' },
          { externalId: 'C1', parentId: 'GRP' },
          { externalId: 'C2', parentId: 'GRP' },
          { externalId: 'C11', parentId: 'C1' },
          { externalId: 'G2' },
          { externalId: 'D1', parentId: 'G2' },
          { externalId: 'SOLO' },
        ],
        ladders: [spendLadder({ name: 'Group spend', groupQualification: true })],
      },
      events: [
        buy('c1a', 'C1', 40, '400.00'),
        buy('d1a', 'D1', 39, '100.00'),
        buy('c2a', 'C2', 38, '300.00'),
        buy('c11', 'C11', 37, '350.00'),
        buy('solo', 'SOLO', 36, '800.00'),
        buy('c2b', 'C2', 35, '2000.00'),
        buy('grp', 'GRP', 34, '2000.00'),
        buy('d1b', 'D1', 33, '200.00'),
        buy('c1c', 'C1', 32, '100.00'),
      ],
      chunks: [2, 3],
      accounts: ['GRP', 'C1', 'C2', 'C11', 'G2', 'D1', 'SOLO'],
    });
    for (const account of ['GRP', 'C1', 'C2', 'C11'])
      expect(await stepsOn(one, account)).toEqual([
        `-→silver threshold ${ago(37)}`,
        `silver→gold threshold ${ago(34)}`,
      ]);
    for (const account of ['G2', 'D1', 'SOLO']) expect(await stepsOn(one, account)).toEqual([]);
    // The status belongs to the qualifying (top) account.
    expect(withStatus(expected.statuses, 'Group spend')).toEqual(['G2', 'GRP', 'SOLO']);
    expect(expected.changes).toBe(2);
  });

  it('instant qualification: one big event in the middle of the batch', async () => {
    const { one, expected } = await runScenario({
      setup: {
        accounts: [{ externalId: 'V' }, { externalId: 'U' }],
        ladders: [spendLadder()],
      },
      events: [
        buy('v1', 'V', 40, '300.00'),
        buy('u1', 'U', 39, '700.00'),
        buy('v2', 'V', 38, '800.00'),
        buy('u2', 'U', 37, '16000.00'),
        buy('v3', 'V', 36, '15500.00'),
        buy('v4', 'V', 35, '200.00'),
        buy('u3', 'U', 34, '100.00'),
      ],
      chunks: [3],
      accounts: ['V', 'U'],
    });
    // U jumps from no tier to platinum (its metric only reaches gold); V is silver first.
    expect(await stepsOn(one, 'U')).toEqual([`-→platinum instant ${ago(37)}`]);
    expect(await stepsOn(one, 'V')).toEqual([
      `-→silver threshold ${ago(38)}`,
      `silver→platinum instant ${ago(36)}`,
    ]);
    expect(expected.statuses.map((s) => [s.account, s.tier, s.since])).toEqual([
      ['U', 'platinum', ago(37)],
      ['V', 'platinum', ago(36)],
    ]);
  });

  it('events of one account at the same instant (dated invoices): the same tiers; in one batch they count together', async () => {
    // Non-decreasing occurredAt, as an import of invoices dated by day gives. One by one, an event
    // sees only the events of its instant sent before it: S reaches silver at its 2nd event and gold
    // at its 3rd; R's big event takes it from no tier to platinum at once. In one batch the metric at
    // an instant counts every event of that instant (they are simultaneous; decision 0007): S goes
    // to gold in one step, R to gold by its first event's instant metric and then to platinum by the
    // big event. Where each ends, and when, is the same.
    const day = ago(20);
    const setup: Setup = { accounts: [{ externalId: 'S' }, { externalId: 'R' }], ladders: [spendLadder()] };
    const events = [
      { ...buy('s1', 'S', 20, '600.00'), occurredAt: day },
      { ...buy('s2', 'S', 20, '500.00'), occurredAt: day },
      { ...buy('r1', 'R', 20, '600.00'), occurredAt: day },
      { ...buy('s3', 'S', 20, '4000.00'), occurredAt: day },
      { ...buy('r2', 'R', 20, '16000.00'), occurredAt: day },
    ];
    const one = await twin(setup);
    const all = await twin(setup);
    await oneByOne(one, events);
    await inBatches(all, events);
    expect((await tiersOf(all, ['S', 'R'])).statuses).toEqual((await tiersOf(one, ['S', 'R'])).statuses);
    expect(await stepsOn(one, 'S')).toEqual([`-→silver threshold ${day}`, `silver→gold threshold ${day}`]);
    expect(await stepsOn(one, 'R')).toEqual([`-→platinum instant ${day}`]);
    expect(await stepsOn(all, 'S')).toEqual([`-→gold threshold ${day}`]);
    expect(await stepsOn(all, 'R')).toEqual([`-→gold threshold ${day}`, `gold→platinum instant ${day}`]);
  });

  it('two ladders at once: points earned over the calendar year and orders over the program year', async () => {
    // P1 joined (customerSince) so that its program year starts again 25 days ago: its orders before
    // and after that do not add up. P2's program year began long ago.
    const local = (iso: string) => iso.slice(0, 10);
    const since = (days: number) => {
      const d = new Date(NOW.getTime() - days * DAY);
      d.setUTCFullYear(d.getUTCFullYear() - 4);
      return local(d.toISOString());
    };
    const { one, expected } = await runScenario({
      setup: {
        accounts: [
          { externalId: 'P1', customerSince: since(25) },
          { externalId: 'P2', customerSince: since(200) },
        ],
        ladders: [
          {
            name: 'Points club',
            metric: 'points_earned',
            window: { kind: 'calendar_year' },
            tiers: [
              { code: 'bronze', name: 'Bronze', threshold: '1000' },
              { code: 'silver', name: 'Silver', threshold: '3000' },
            ],
          },
          {
            name: 'Frequent buyer',
            metric: 'orders',
            window: { kind: 'program_year' },
            tiers: [
              { code: 'regular', name: 'Regular', threshold: '3' },
              { code: 'frequent', name: 'Frequent', threshold: '5' },
            ],
          },
        ],
      },
      events: [
        buy('p1a', 'P1', 45, '300.00'),
        buy('p2a', 'P2', 44, '100.00'),
        buy('p1b', 'P1', 40, '300.00'),
        buy('p2b', 'P2', 39, '100.00'),
        buy('p1c', 'P1', 35, '300.00'),
        buy('p2c', 'P2', 34, '2000.00'),
        buy('p1d', 'P1', 30, '300.00'),
        buy('p2d', 'P2', 29, '100.00'),
        buy('p2e', 'P2', 24, '900.00'),
        buy('p1e', 'P1', 20, '300.00'),
        buy('p1f', 'P1', 15, '300.00'),
        buy('p1g', 'P1', 10, '300.00'),
        buy('p1h', 'P1', 5, '300.00'),
      ],
      chunks: [4, 1, 5],
      accounts: ['P1', 'P2'],
    });
    expect(await stepsOn(one, 'P1', 'Frequent buyer')).toEqual([`-→regular threshold ${ago(35)}`]);
    expect(await stepsOn(one, 'P2', 'Frequent buyer')).toEqual([
      `-→regular threshold ${ago(34)}`,
      `regular→frequent threshold ${ago(24)}`,
    ]);
    // The calendar year (2026, in Amsterdam) holds all these events.
    expect(new Date(ago(45)).getUTCFullYear()).toBe(2026);
    expect(await stepsOn(one, 'P1', 'Points club')).toEqual([`-→bronze threshold ${ago(30)}`]);
    expect(await stepsOn(one, 'P2', 'Points club')).toEqual([
      `-→bronze threshold ${ago(34)}`,
      `bronze→silver threshold ${ago(24)}`,
    ]);
    expect(withStatus(expected.statuses, 'Points club')).toEqual(['P1', 'P2']);
    expect(withStatus(expected.statuses, 'Frequent buyer')).toEqual(['P1', 'P2']);
  });
});
