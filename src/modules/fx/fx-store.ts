import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { fxRates } from './fx-tables.ts';

export type FxRateRow = typeof fxRates.$inferSelect;

export async function upsertRates(db: Executor, rows: Array<typeof fxRates.$inferInsert>): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(fxRates)
    .values(rows)
    .onConflictDoUpdate({
      target: [fxRates.programId, fxRates.currency, fxRates.effectiveFrom],
      set: { rate: sql`excluded.rate`, actor: sql`excluded.actor`, createdAt: sql`now()` },
    });
}

/**
 * The stored rates these rows would replace (same currency and start), locked until the transaction
 * ends: what an upsert changes from.
 */
export async function lockRates(
  db: Executor,
  programId: string,
  rows: Array<{ currency: string; effectiveFrom: Date }>,
): Promise<FxRateRow[]> {
  if (rows.length === 0) return [];
  const wanted = new Set(rows.map((r) => `${r.currency}@${r.effectiveFrom.getTime()}`));
  const candidates = await db
    .select()
    .from(fxRates)
    .where(
      and(
        eq(fxRates.programId, programId),
        inArray(fxRates.currency, [...new Set(rows.map((r) => r.currency))]),
        inArray(
          fxRates.effectiveFrom,
          [...new Set(rows.map((r) => r.effectiveFrom.getTime()))].map((t) => new Date(t)),
        ),
      ),
    )
    .for('update');
  return candidates.filter((r) => wanted.has(`${r.currency}@${r.effectiveFrom.getTime()}`));
}

/** The rate of `currency` in force at `at`: the one with the latest effectiveFrom at or before it. */
export async function rateAt(db: Executor, programId: string, currency: string, at: Date) {
  const [row] = await db
    .select()
    .from(fxRates)
    .where(
      and(eq(fxRates.programId, programId), eq(fxRates.currency, currency), lte(fxRates.effectiveFrom, at)),
    )
    .orderBy(desc(fxRates.effectiveFrom))
    .limit(1);
  return row;
}

/** The rate of each of `currencies` in force at `at` (those that have one), in one statement. */
export async function ratesInForce(db: Executor, programId: string, currencies: string[], at: Date) {
  if (currencies.length === 0) return [];
  return selectRows<{ currency: string; rate: string; effective_from: Date | string }>(
    db,
    sql`select distinct on (currency) currency, rate, effective_from from fx_rates
         where program_id = ${programId} and currency = any(${textArray(currencies)})
           and effective_from <= ${at.toISOString()}::timestamptz
         order by currency, effective_from desc`,
  );
}

export async function listRates(db: Executor, programId: string, currency?: string) {
  return db
    .select()
    .from(fxRates)
    .where(and(eq(fxRates.programId, programId), currency ? eq(fxRates.currency, currency) : undefined))
    .orderBy(asc(fxRates.currency), desc(fxRates.effectiveFrom))
    .limit(5000);
}
