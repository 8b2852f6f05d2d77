// The due run of memberships: auto-renewing ones renew term by term, manually renewed ones lapse.
import { termEnd, termsDue } from '../../core/memberships/terms.ts';
import { retryOnConflict } from '../../db/errors.ts';
import { conditionMet } from './memberships-conditions.ts';
import {
  dueMemberships,
  endEntitlements,
  extendEntitlements,
  insertTerm,
  lockMembership,
  type MembershipRow,
  updateMembershipRow,
} from './memberships-store.ts';
import type { PlanDefinition } from './memberships-tables.ts';
import {
  definitionAt,
  event,
  type MembershipDeps,
  prepareCredits,
  recordEvents,
  termOf,
  writeCredits,
} from './memberships-terms.ts';
import { feeOf } from './memberships-views.ts';

/** Renews an auto-renewing membership from term `n` to `n + 1`, as of the end of term n. */
async function renewOnce(
  deps: MembershipDeps,
  programId: string,
  m: MembershipRow,
  def: PlanDefinition,
  n: number,
): Promise<boolean> {
  const term = termOf(def);
  const anchor = m.startsAt!;
  const from = termEnd(anchor, term, n);
  const to = termEnd(anchor, term, n + 1);
  const credits = await prepareCredits(deps, programId, m, def, n + 1, from, 'job');
  return retryOnConflict(() =>
    deps.database.transaction(async (tx) => {
      const current = await lockMembership(tx, programId, m.id);
      if (current?.status !== 'active' || current.term !== n) return false;
      await insertTerm(tx, {
        programId,
        membershipId: m.id,
        term: n + 1,
        kind: 'renewal',
        startsAt: from,
        endsAt: to,
        feeAmount: def.fee.minor,
        feeCurrency: def.fee.currency,
      });
      await updateMembershipRow(tx, programId, m.id, { term: n + 1, endsAt: to });
      await extendEntitlements(tx, programId, m.id, to);
      await writeCredits(deps, tx, programId, m.id, credits);
      await recordEvents(deps, tx, [
        event(programId, m.id, 'renewed', from, 'job', {
          term: n + 1,
          startsAt: from.toISOString(),
          endsAt: to.toISOString(),
          fee: feeOf(def.fee.minor, def.fee.currency),
        }),
      ]);
      return true;
    }),
  );
}

/**
 * Lapses a membership at the end of its term: a manually renewed one, or one that no longer meets its
 * plan's condition (`reason` says why, in the lapse event); its entitlements end there.
 */
async function lapse(deps: MembershipDeps, programId: string, m: MembershipRow, asOf: Date, reason?: string) {
  const { database } = deps;
  return database.transaction(async (tx) => {
    const current = await lockMembership(tx, programId, m.id);
    if (current?.status !== 'active' || current.endsAt === null || current.endsAt > asOf) return false;
    await updateMembershipRow(tx, programId, m.id, { status: 'lapsed' });
    await endEntitlements(tx, programId, m.id, current.endsAt);
    await recordEvents(deps, tx, [
      event(programId, m.id, 'lapsed', current.endsAt, 'job', {
        term: current.term,
        endedAt: current.endsAt.toISOString(),
        ...(reason === undefined ? {} : { reason: 'condition_unmet', detail: reason }),
      }),
    ]);
    return true;
  });
}

/**
 * Renews auto-renewing memberships whose term ended by `asOf` (once per term that ended: a late
 * run catches up term by term, each as of its own end) and lapses manual ones at their end.
 * Every step checks the membership's state under a row lock, so running twice or from two
 * servers at once does each step once.
 */
export async function runDue(
  deps: MembershipDeps,
  programId: string,
  asOf: Date,
  batch = 200,
): Promise<{ renewed: number; lapsed: number }> {
  const { database } = deps;
  const counts = { renewed: 0, lapsed: 0 };
  const definitions = new Map<string, PlanDefinition>();
  const definition = async (m: MembershipRow) => {
    const k = `${m.planId}:${m.planVersion}`;
    let def = definitions.get(k);
    if (!def) {
      def = await definitionAt(database.db, programId, m.planId, m.planVersion);
      definitions.set(k, def);
    }
    return def;
  };
  const tried = new Set<string>();
  for (;;) {
    const due = (await dueMemberships(database.db, programId, asOf, batch)).filter((m) => !tried.has(m.id));
    if (due.length === 0) return counts;
    for (const m of due) {
      tried.add(m.id);
      if (m.renewal === 'manual') {
        if (await lapse(deps, programId, m, asOf)) counts.lapsed++;
        continue;
      }
      const def = await definition(m);
      for (const n of termsDue(m.startsAt!, termOf(def), m.term, asOf)) {
        // The plan's condition, as of the term's end (so a late run decides as an on-time one would):
        // unmet, the membership lapses there instead of renewing (decision 0024).
        if (def.condition) {
          const end = termEnd(m.startsAt!, termOf(def), n);
          const check = await conditionMet(deps, programId, m.accountId, def.condition, end);
          if (!check.met) {
            if (await lapse(deps, programId, m, asOf, check.reason)) counts.lapsed++;
            break;
          }
        }
        if (!(await renewOnce(deps, programId, m, def, n))) break;
        counts.renewed++;
      }
    }
  }
}
