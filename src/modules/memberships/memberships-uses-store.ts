// SQL of entitlement uses (decision 0056): the entitlement a use counts against, locked; the uses of a
// page of entitlements in their memberships' current terms, one grouped query.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, selectRows } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { entitlementUses } from './memberships-tables.ts';

export type UseRow = typeof entitlementUses.$inferSelect;
const useRows = programTable(entitlementUses, entitlementUses.id);
export const insertUse = useRows.insert;

export interface HeldEntitlement {
  id: string;
  key: string;
  usesPerTerm: number | null;
  term: number;
}

/**
 * Locks the account's entitlement of `key` that an active membership grants at `at` (the one lasting
 * longest), with the membership's current term; undefined when none does.
 */
export async function lockHeldEntitlement(
  db: Executor,
  programId: string,
  accountId: string,
  key: string,
  at: Date,
): Promise<HeldEntitlement | undefined> {
  const [row] = await selectRows<HeldEntitlement>(
    db,
    sql`select en.id, en.key, en.uses_per_term as "usesPerTerm", me.term
        from entitlements en
        join memberships me on me.program_id = en.program_id and me.id = en.membership_id
        where en.program_id = ${programId} and en.account_id = ${accountId} and en.key = ${key}
          and me.status = 'active' and en.valid_from <= ${at}
          and (en.valid_until > ${at} or (me.renewal = 'auto' and en.kind <> 'free_period'))
        order by en.valid_until desc, en.id
        limit 1
        for update of en`,
  );
  return row;
}

/** The uses of one entitlement in one term. */
export async function countUses(db: Executor, programId: string, entitlementId: string, term: number) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(entitlementUses)
    .where(
      and(
        eq(entitlementUses.programId, programId),
        eq(entitlementUses.entitlementId, entitlementId),
        eq(entitlementUses.term, term),
      ),
    );
  return Number(row?.n ?? 0);
}

/** The uses of each entitlement in the term given for it, keyed by entitlement id (absent: none). */
export async function usesInTerms(
  db: Executor,
  programId: string,
  terms: ReadonlyArray<{ entitlementId: string; term: number }>,
): Promise<Map<string, number>> {
  if (terms.length === 0) return new Map();
  const rows = await db
    .select({
      entitlementId: entitlementUses.entitlementId,
      term: entitlementUses.term,
      n: sql<number>`count(*)::int`,
    })
    .from(entitlementUses)
    .where(
      and(
        eq(entitlementUses.programId, programId),
        inArray(
          entitlementUses.entitlementId,
          terms.map((t) => t.entitlementId),
        ),
      ),
    )
    .groupBy(entitlementUses.entitlementId, entitlementUses.term);
  const wanted = new Map(terms.map((t) => [t.entitlementId, t.term]));
  return new Map(
    rows.filter((r) => wanted.get(r.entitlementId) === r.term).map((r) => [r.entitlementId, Number(r.n)]),
  );
}
