// Where accounts stand: progress on every ladder, the history of changes, the tier held at an instant
// (earning rules) and the current tiers (reward eligibility).
import {
  dueAt,
  formatMetric,
  metricDigits,
  periodEndAfter,
  rankOf,
  scaleMetric,
  windowStart,
} from '../../core/tiers/ladder.ts';
import { standing } from '../../core/tiers/standing.ts';
import { laddersOf, metricOf, subjectOf, type TierDeps, toState } from './tiers-status.ts';
import { changesOf, listLadders, statusesOf, statusRows, tiersAtInstants } from './tiers-store.ts';

/** Where the account stands on every ladder: tier, dates, metric, what is needed next, what happens next. */
export async function progress(deps: TierDeps, programId: string, accountRef: string, now = new Date()) {
  const { database, programs, accounts } = deps;
  const program = await programs.get(programId);
  const account = await accounts.resolve(programId, accountRef);
  const out = [];
  for (const ladder of await listLadders(database.db, programId)) {
    const doc = ladder.document;
    const digits = metricDigits(doc.metric, program.baseCurrency);
    const subject = await subjectOf(deps, programId, doc, account.id);
    const [row] = await statusRows(database.db, programId, ladder.id, [subject.qualifierId]);
    const state = toState(row);
    const from = windowStart(doc.window, now, program.timeZone, subject.enrolledAt);
    const metric = await metricOf(database.db, programId, ladder, digits, {
      members: subject.members,
      from,
      to: now,
    });
    const periodEnd = periodEndAfter(doc.window, now, program.timeZone, subject.enrolledAt);
    out.push({
      ladderId: ladder.id,
      ladderName: doc.name,
      qualifyingAccountId: subject.qualifierId,
      ...standing(doc, state, { metric, digits, windowStart: from, periodEnd, due: dueAt(state) }),
    });
  }
  return out;
}

/**
 * Where the account stood on every ladder at an instant, from the history alone (statements, decision
 * 0037): the tier it held then (the last change at or before it), the metric over the window ending
 * then, and the next tier above with what it still needed. Later changes never alter the answer,
 * except a group the account joined or left since (the group is read as it is now).
 */
export async function standingAt(deps: TierDeps, programId: string, accountId: string, at: Date) {
  const { database, programs } = deps;
  const program = await programs.get(programId);
  const out = [];
  for (const ladder of await laddersOf(deps, programId)) {
    const doc = ladder.document;
    const digits = metricDigits(doc.metric, program.baseCurrency);
    const subject = await subjectOf(deps, programId, doc, accountId);
    const [code] = await tiersAtInstants(database.db, programId, ladder.id, [
      { accountId: subject.qualifierId, at },
    ]);
    const from = windowStart(doc.window, at, program.timeZone, subject.enrolledAt);
    const metric = await metricOf(database.db, programId, ladder, digits, {
      members: subject.members,
      from,
      to: at,
    });
    const rank = rankOf(doc, code ?? null);
    const above = doc.tiers.find((t, i) => i > rank && metric < scaleMetric(t.threshold, digits));
    out.push({
      ladderId: ladder.id,
      ladderName: doc.name,
      tier: code ?? null,
      tierName: doc.tiers[rank]?.name ?? null,
      metric: formatMetric(metric, digits),
      metricKind: doc.metric,
      next: above
        ? {
            tier: above.code,
            name: above.name,
            needed: formatMetric(scaleMetric(above.threshold, digits) - metric, digits),
          }
        : null,
    });
  }
  return out;
}

/** Every tier change of the account, and of its group on ladders that qualify groups, oldest first. */
export async function history({ database, accounts }: TierDeps, programId: string, accountRef: string) {
  const account = await accounts.resolve(programId, accountRef);
  const ladders = await listLadders(database.db, programId);
  const ids = new Set([account.id]);
  for (const l of ladders)
    if (l.document.groupQualification) ids.add(await accounts.topOf(programId, account.id));
  const rows = (await Promise.all([...ids].map((id) => changesOf(database.db, programId, id)))).flat();
  return rows
    .filter(
      (r) =>
        r.accountId === account.id || ladders.find((l) => l.id === r.ladderId)?.document.groupQualification,
    )
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1))
    .map((r) => ({
      id: r.id,
      ladderId: r.ladderId,
      from: r.fromCode,
      to: r.toCode,
      fromName: r.fromName,
      toName: r.toName,
      reason: r.reason,
      metric: r.metric,
      at: r.at.toISOString(),
      actor: r.actor,
      note: r.note,
    }));
}

/**
 * The tier each account held at each instant on the program's first ladder (the one earning
 * rules see), with its multiplier; null where it held none. Many at once, in the order asked.
 */
export async function tiersAt(
  deps: TierDeps,
  programId: string,
  asked: Array<{ accountId: string; at: Date }>,
): Promise<Array<{ code: string; multiplier: string } | null>> {
  const { database, accounts } = deps;
  const [ladder] = await laddersOf(deps, programId);
  if (!ladder || asked.length === 0) return asked.map(() => null);
  let qualifiers = asked;
  if (ladder.document.groupQualification) {
    const chains = await accounts.chainsOf(
      programId,
      asked.map((q) => q.accountId),
    );
    qualifiers = asked.map((q) => ({
      ...q,
      accountId: chains.get(q.accountId)?.at(-1)?.id ?? q.accountId,
    }));
  }
  const codes = await tiersAtInstants(database.db, programId, ladder.id, qualifiers);
  return codes.map((code) =>
    code === null
      ? null
      : { code, multiplier: ladder.document.tiers.find((t) => t.code === code)?.multiplier ?? '1' },
  );
}

/** The account's current tiers (every ladder), for reward eligibility. */
export async function currentTiers(deps: TierDeps, programId: string, accountId: string): Promise<string[]> {
  const { database, accounts } = deps;
  const ladders = await laddersOf(deps, programId);
  const out: string[] = [];
  for (const l of ladders) {
    const qualifierId = l.document.groupQualification
      ? await accounts.topOf(programId, accountId)
      : accountId;
    const rows = await statusesOf(database.db, programId, qualifierId);
    const code = rows.find((r) => r.ladderId === l.id)?.tierCode;
    if (code) out.push(code);
  }
  return out;
}

/** The account's current tier on every ladder, with the ladder and the tier's perks (the entitlement check). */
export async function standingOf(
  deps: TierDeps,
  programId: string,
  accountId: string,
): Promise<Array<{ ladderId: string; ladder: string; tier: string; perks: string[] }>> {
  const { database, accounts } = deps;
  const ladders = await laddersOf(deps, programId);
  const out: Array<{ ladderId: string; ladder: string; tier: string; perks: string[] }> = [];
  for (const l of ladders) {
    const qualifierId = l.document.groupQualification
      ? await accounts.topOf(programId, accountId)
      : accountId;
    const rows = await statusesOf(database.db, programId, qualifierId);
    const code = rows.find((r) => r.ladderId === l.id)?.tierCode;
    if (!code) continue;
    const tier = l.document.tiers.find((t) => t.code === code);
    out.push({ ladderId: l.id, ladder: l.document.name, tier: code, perks: tier?.perks ?? [] });
  }
  return out;
}
