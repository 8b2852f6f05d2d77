// The reads and writes every module's store repeats on a table keyed (program_id, key): one row by
// its key (plain or locked), insert, patch, and a page in key order. A store binds its table once
// (`const plans = programTable(membershipPlans, membershipPlans.id)`) and keeps only the SQL that is
// its own. Every statement filters on the program, so no store can read across programs by mistake.
import { and, asc, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from './client.ts';

/** A condition, or nothing (left out of the `and`). */
export type Condition = SQL | undefined;

export interface ProgramTable<Row, New> {
  /** `program_id = programId and key = value`. */
  key(programId: string, value: string): SQL;
  /** `program_id = programId` and every condition given. */
  within(programId: string, ...conditions: Condition[]): SQL;
  insert(db: Executor, row: New): Promise<Row>;
  insertMany(db: Executor, rows: New[]): Promise<void>;
  find(db: Executor, programId: string, value: string): Promise<Row | undefined>;
  /** The row, locked until the transaction ends (the state a change starts from). */
  lock(db: Executor, programId: string, value: string): Promise<Row | undefined>;
  /** The first row of the program matching every condition. */
  findWhere(db: Executor, programId: string, ...conditions: Condition[]): Promise<Row | undefined>;
  /** Sets `patch` on the row; undefined when there is none (or `conditions` exclude it). */
  update(
    db: Executor,
    programId: string,
    value: string,
    patch: { [K in keyof New]?: New[K] | SQL },
    ...conditions: Condition[]
  ): Promise<Row | undefined>;
  /**
   * One page of the program's rows matching `conditions`, in key order (`asc`: after the cursor;
   * `desc`: newest first, before it).
   */
  page(
    db: Executor,
    programId: string,
    conditions: Condition[],
    cursor: string | undefined,
    limit: number,
    order?: 'asc' | 'desc',
  ): Promise<Row[]>;
  /** A list function over `page`: the filters a caller names become conditions. */
  lister<F>(
    conditions: (filters: F) => Condition[],
    order?: 'asc' | 'desc',
  ): (
    db: Executor,
    programId: string,
    filters: F,
    cursor: string | undefined,
    limit: number,
  ) => Promise<Row[]>;
}

export function programTable<T extends PgTable & { programId: PgColumn }>(
  table: T,
  keyColumn: PgColumn,
): ProgramTable<T['$inferSelect'], T['$inferInsert']> {
  type Row = T['$inferSelect'];
  const key = (programId: string, value: string) =>
    and(eq(table.programId, programId), eq(keyColumn, value))!;
  const select = (db: Executor, where: SQL) =>
    db
      .select()
      .from(table as PgTable)
      .where(where);
  const within = (programId: string, ...conditions: Condition[]) =>
    and(eq(table.programId, programId), ...conditions)!;
  const bound: ProgramTable<Row, T['$inferInsert']> = {
    key,
    within,
    async insert(db, row) {
      const [created] = await db.insert(table).values(row).returning();
      return created as Row;
    },
    async insertMany(db, rows) {
      // 1,000 rows a statement keeps every insert well under PostgreSQL's 65,535 parameters.
      for (let i = 0; i < rows.length; i += 1000) await db.insert(table).values(rows.slice(i, i + 1000));
    },
    async find(db, programId, value) {
      const [row] = await select(db, key(programId, value));
      return row as Row | undefined;
    },
    async lock(db, programId, value) {
      const [row] = await select(db, key(programId, value)).for('update');
      return row as Row | undefined;
    },
    async findWhere(db, programId, ...conditions) {
      const [row] = await select(db, within(programId, ...conditions)).limit(1);
      return row as Row | undefined;
    },
    async update(db, programId, value, patch, ...conditions) {
      const rows = (await db
        .update(table)
        .set(patch as never)
        .where(and(key(programId, value), ...conditions))
        .returning()) as Row[];
      return rows[0];
    },
    async page(db, programId, conditions, cursor, limit, order = 'asc') {
      const after =
        cursor === undefined ? undefined : order === 'asc' ? gt(keyColumn, cursor) : lt(keyColumn, cursor);
      const rows = await select(db, within(programId, ...conditions, after))
        .orderBy(order === 'asc' ? asc(keyColumn) : desc(keyColumn))
        .limit(limit);
      return rows as Row[];
    },
    lister: (conditions, order) => (db, programId, filters, cursor, limit) =>
      bound.page(db, programId, conditions(filters), cursor, limit, order),
  };
  return bound;
}

/** `column = value` when a filter names a value, nothing when it does not. */
export function equalsIf<V>(column: PgColumn, value: V | undefined): Condition {
  return value === undefined || value === null || value === '' ? undefined : eq(column, value);
}
