// Issue 14: no statement on the hot path whose cost grows with the program's size, whatever the
// planner's statistics say. The ledger's one-statement write (`fidelis_post_credits`) is run on its
// own connection inside a transaction, in a program of 2,400 member wallets whose statistics were
// taken while the wallets table was nearly empty (autovacuum off or behind, as after a bulk start),
// and the transaction's own table counters (`pg_stat_xact_user_tables`) say how many wallet rows it
// read. A plan that hashes or scans the program's wallets reads thousands; a bounded one a handful.
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { type Database, type Executor, selectRows } from '../../src/db/client.ts';
import { accountByRef } from '../../src/modules/accounts/accounts-reads.ts';
import type { EventInput } from '../../src/modules/events/events-service.ts';
import { walletSummaryOf } from '../../src/modules/ledger/ledger-store.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';

const ACCOUNTS = 1200;

let database: Database;
let url: string;
let services: Services;
let programId: string;

beforeAll(async () => {
  ({ database, url } = await freshPostgres(4));
  services = createServices(database);
  programId = (
    await services.programs.create(
      { name: 'Bounded', baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam', settings: {} },
      FIXTURE,
    )
  ).id;
  const lines = ['External ID,Account Name,Currency'];
  for (let i = 0; i < ACCOUNTS; i++) lines.push(`B${i},Account ${i},EUR`);
  await services.imports.importAccounts(programId, `${lines.join('\n')}\n`, {}, FIXTURE);
  for (const document of [
    {
      name: 'Points per euro',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    },
    {
      name: 'Cashback',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'percent', percent: '2', as: 'cashback', rounding: 'half_up' }],
    },
  ])
    await services.rules.create(
      programId,
      { document: document as never, effectiveFrom: new Date('2026-01-01T00:00:00Z') },
      FIXTURE,
    );
  // Statistics of a wallets table with almost nothing in it, then 2,400 wallets (points and EUR)
  // that the planner does not know of.
  await database.db.execute(sql.raw('analyze wallets'));
  for (let from = 0; from < ACCOUNTS; from += 600) {
    const batch: EventInput[] = [];
    for (let i = from; i < from + 600; i++)
      batch.push({
        id: `seed-${i}`,
        type: 'purchase',
        account: `B${i}`,
        occurredAt: '2026-11-01T10:00:00Z',
        amount: '25.00',
        currency: 'EUR',
      });
    const outcomes = await services.events.ingestBatch(programId, batch, FIXTURE);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  }
}, 120_000);

/**
 * Rows of `tables` that `run` reads (sequential scans and index fetches), on a connection of its own
 * in a transaction rolled back afterwards: the transaction's own counters.
 */
async function rowsRead(tables: string[], run: (db: Executor) => Promise<unknown>): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await run(drizzle(client) as unknown as Executor);
    const { rows } = await client.query<{ read: string }>(
      `select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0) as read
       from pg_stat_xact_user_tables where relname = any($1)`,
      [tables],
    );
    return Number(rows[0]?.read ?? 0);
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end();
  }
}

/** Wallet rows read by one call of the ledger's one-statement write of a credit. */
async function walletRowsReadCrediting(accountRef: string): Promise<number> {
  const context = await services.ledger.creditContext(programId, accountRef);
  const plan = services.ledger.planFresh(programId, [
    {
      input: {
        key: `bounded-${accountRef}`,
        account: accountRef,
        unit: 'points',
        amount: 10,
        reasonCode: 'purchase',
        explanation: 'a credit whose reads are counted',
        keyIsFresh: true,
      },
      context,
    },
  ]);
  return rowsRead(['wallets'], (db) =>
    selectRows(
      db,
      sql`select fidelis_post_credits(${programId}, ${JSON.stringify(plan.wallets)}::jsonb,
            ${JSON.stringify(plan.systems)}::jsonb, ${JSON.stringify(plan.credits)}::jsonb)`,
    ),
  );
}

describe('the one-statement ledger write', () => {
  it('reads a handful of wallet rows in a program of thousands, with stale statistics', async () => {
    const [counted] = await selectRows<{ wallets: number }>(
      database.db,
      sql`select count(*)::int as wallets from wallets where program_id = ${programId} and account_id is not null`,
    );
    expect(counted?.wallets).toBe(2 * ACCOUNTS);
    const [stats] = await selectRows<{ known: number }>(
      database.db,
      sql`select reltuples::int as known from pg_class where relname = 'wallets'`,
    );
    expect(stats?.known).toBeLessThan(100);
    // An account that already has its wallet, and one whose wallet the write creates.
    expect(await walletRowsReadCrediting('B17')).toBeLessThan(20);
    await services.accounts.create(programId, { externalId: 'B-new', name: 'New' }, FIXTURE);
    expect(await walletRowsReadCrediting('B-new')).toBeLessThan(20);
  });

  it("reads one account's wallets, not the program's, for the wallet summary", async () => {
    const day = (n: number) => new Date(Date.now() + n * 86_400_000);
    let found: Awaited<ReturnType<typeof walletSummaryOf>>;
    const read = await rowsRead(['accounts', 'wallets', 'ledger_lots'], async (db) => {
      found = await walletSummaryOf(db, programId, accountByRef(programId, 'B17'), [
        day(30),
        day(60),
        day(90),
      ]);
    });
    expect(found!.wallets.map((w) => w.unit).sort()).toEqual(['EUR', 'points']);
    expect(read).toBeLessThan(20);
  });
});
