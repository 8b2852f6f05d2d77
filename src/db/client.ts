// The store: embedded PGlite (a data directory, or memory) or PostgreSQL through a `pg` pool.
// Both are reached through the same Drizzle API; store code never knows which one it has.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockStore } from './store-lock.ts';

// No relational schema is passed to Drizzle: queries name their tables, so the bottom layer needs no module.
export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** What store functions take: the database, or a transaction on it. */
export type Executor = Db | Tx;

export type StoreOptions =
  | { driver: 'postgres'; url: string; poolSize?: number }
  | { driver: 'pglite'; dataDir?: string; client?: PGlite };

export interface Database {
  readonly driver: 'postgres' | 'pglite';
  readonly db: Db;
  /**
   * The driver's own client, for a library that speaks SQL by itself (the job queue, decision 0016):
   * the PGlite instance, or the `pg` pool.
   */
  readonly native: { driver: 'pglite'; client: PGlite } | { driver: 'postgres'; pool: pg.Pool };
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Applies every pending migration (safe to call from several processes at once on PostgreSQL). */
  migrate(): Promise<void>;
  /** True when the store answers a trivial query. */
  ping(): Promise<boolean>;
  /**
   * Routine upkeep the store does not do by itself: PGlite is a single-user backend without
   * autovacuum workers, so dead rows pile up and the planner's statistics stay those of an empty
   * database (plans that were right for ten rows are kept for a million). There it runs
   * `VACUUM (ANALYZE)` (of the tables that have rows); PostgreSQL's autovacuum does this on its
   * own, so there it does nothing.
   */
  maintain(): Promise<'vacuumed' | 'autovacuum'>;
  /**
   * Refreshes the planner's statistics of these tables now (`ANALYZE`; every table when none are
   * named), on both stores. Called after every bulk import: until statistics are fresh the planner
   * takes a program's tables for the size they had before, and autovacuum may be late or off
   * (PGlite has none). Its cost is bounded by the sample (300 × the statistics target rows a table),
   * not by the table's size.
   */
  analyze(tables?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));
// Any constant works; it only has to be the same in every Fidelis process.
const MIGRATION_LOCK = 4_242_001;

export async function openDatabase(options: StoreOptions): Promise<Database> {
  if (options.driver === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Queries in flight still see their error.
    });
    const db = drizzlePg({ client: pool }) as unknown as Db;
    return {
      driver: 'postgres',
      db,
      native: { driver: 'postgres', pool },
      transaction: (fn) => db.transaction(fn),
      async migrate() {
        // One migrator at a time, with a transaction-level lock: no session state, so it also holds
        // behind PgBouncer in transaction pooling mode (decision 0020), where a session lock could be
        // taken on one server connection and released on another. Drizzle's own BEGIN inside this
        // transaction is a no-op (a warning); its COMMIT commits this transaction, releasing the lock
        // once the migrations are in; a failed migration rolls it all back.
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
          await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_DIR });
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      },
      ping: () => ping(db),
      maintain: async () => 'autovacuum',
      analyze: (tables) => analyze(db, tables),
      close: () => pool.end(),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // One process at a time on an embedded data directory (see store-lock.ts).
  const release = options.dataDir && !options.client ? lockStore(options.dataDir) : () => {};
  let client: PGlite;
  try {
    client = options.client ?? new PGlite(options.dataDir);
    await client.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  await client.waitReady;
  const pgliteDb = drizzlePglite({ client });
  const db = pgliteDb as unknown as Db;
  return {
    driver: 'pglite',
    db,
    native: { driver: 'pglite', client },
    transaction: (fn) => db.transaction(fn),
    migrate: () => migratePglite(pgliteDb, { migrationsFolder: MIGRATIONS_DIR }),
    ping: () => ping(db),
    async maintain() {
      // Only the tables that have rows (decision 0012): a table analyzed while empty is planned as
      // empty from then on — and PGlite's one session keeps plans made so (foreign-key checks) until
      // the next upkeep — while one never analyzed is taken for at least 10 pages.
      const tables = await selectRows<{ name: string }>(
        db,
        sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = current_schema() and c.relkind = 'r' order by c.relname`,
      );
      const filled: string[] = [];
      for (const { name } of tables)
        if ((await selectRows(db, sql`select 1 from ${sql.identifier(name)} limit 1`)).length > 0)
          filled.push(`"${name.replaceAll('"', '""')}"`);
      if (filled.length > 0) await db.execute(sql.raw(`vacuum (analyze) ${filled.join(', ')}`));
      return 'vacuumed';
    },
    analyze: (tables) => analyze(db, tables),
    async close() {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** Serialises every writer of `key` until the transaction ends (a transaction-level advisory lock). */
export async function advisoryLock(db: Executor, key: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** Takes many advisory locks in the given order, in one round trip. */
export async function advisoryLocks(db: Executor, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.execute(
    sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0)))
          from (select k from unnest(${textArray(keys)}) with ordinality as t(k, n) order by n) ordered`,
  );
}

/**
 * PostgreSQL's text form of an array of strings (`{"a","b"}`), each element quoted and escaped; null
 * elements are NULL.
 */
export function arrayLiteral(values: ReadonlyArray<string | null>): string {
  const quoted = values.map((v) =>
    v === null ? 'NULL' : `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
  );
  return `{${quoted.join(',')}}`;
}

/**
 * One array parameter, typed: `= any(${textArray(ids)})`, `unnest(${textArray(a)}, ${textArray(b)})`.
 * An array parameter keeps a statement's plan the same whatever the statistics say (the planner knows
 * the array's length), where `in (select … from jsonb_…)` may be planned as a scan of the whole table.
 * The same on both drivers: the array travels as its text form and is cast in the statement.
 */
export function textArray(values: ReadonlyArray<string | null>, type: ArrayType = 'text'): SQL {
  return sql`${arrayLiteral(values)}::${sql.raw(type)}[]`;
}

export type ArrayType = 'text' | 'int' | 'bigint' | 'timestamptz';

/**
 * Multi-row writes in slices: PostgreSQL takes at most 65,535 parameters per statement, so a wide
 * row type goes in slices of `size` rows (one statement each).
 */
export async function inSlices<T>(
  rows: T[],
  size: number,
  write: (slice: T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** Runs a raw SELECT and returns its rows (the same on both drivers). */
export async function selectRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function analyze(db: Db, tables: readonly string[] = []): Promise<void> {
  for (const table of tables)
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  await db.execute(sql.raw(tables.length === 0 ? 'analyze' : `analyze ${tables.join(', ')}`));
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
