// Plan conditions (decision 0024): a minimum qualifying spend over the last N months, or a tier,
// checked when an account joins (a refusal naming what is missing) and at each renewal (the
// membership lapses at its term end when it no longer meets it).
import type { Static } from 'typebox';
import { FidelisError, fieldErrors } from '../../core/errors.ts';
import { addMonths, feeToMinor } from '../../core/memberships/terms.ts';
import type { PlanConditionBody } from './memberships-schemas.ts';
import type { PlanCondition } from './memberships-tables.ts';
import type { MembershipDeps } from './memberships-terms.ts';

type ConditionInput = Static<typeof PlanConditionBody>;

/**
 * Checks a plan's condition (outside any transaction: it reads the ladders) and normalises it; errors
 * name `/condition/…`. A tier condition must name a ladder of the program and tiers of that ladder.
 */
export async function checkCondition(
  deps: MembershipDeps,
  programId: string,
  input: ConditionInput | null | undefined,
): Promise<PlanCondition | undefined> {
  if (!input) return undefined;
  const errors: Array<{ path: string; message: string }> = [];
  const unexpected = (field: string) =>
    errors.push({ path: `/condition/${field}`, message: `is not a property of a ${input.kind} condition` });
  if (input.kind === 'min_spend') {
    if (input.ladder !== undefined) unexpected('ladder');
    if (input.tiers !== undefined) unexpected('tiers');
    if (input.months === undefined) errors.push({ path: '/condition/months', message: 'is required' });
    if (input.amount === undefined) errors.push({ path: '/condition/amount', message: 'is required' });
    else {
      const parsed = feeToMinor(input.amount, 6);
      if (!parsed.ok) errors.push({ path: '/condition/amount', message: parsed.reason });
    }
    if (errors.length > 0) throw fieldErrors('validation_failed', errors);
    return { kind: 'min_spend', amount: input.amount!, months: input.months! };
  }
  if (input.amount !== undefined) unexpected('amount');
  if (input.months !== undefined) unexpected('months');
  if (input.ladder === undefined) errors.push({ path: '/condition/ladder', message: 'is required' });
  if (input.tiers === undefined) errors.push({ path: '/condition/tiers', message: 'is required' });
  if (errors.length > 0) throw fieldErrors('validation_failed', errors);
  const ladders = deps.tierLadders ? await deps.tierLadders(programId) : [];
  const ladder = ladders.find((l) => l.id === input.ladder);
  if (!ladder)
    throw fieldErrors('validation_failed', [
      { path: '/condition/ladder', message: `no tier ladder ${input.ladder} in this program` },
    ]);
  const unknown = input.tiers!.map((t, i) => [t, i] as const).filter(([t]) => !ladder.tiers.includes(t));
  if (unknown.length > 0)
    throw fieldErrors(
      'validation_failed',
      unknown.map(([t, i]) => ({
        path: `/condition/tiers/${i}`,
        message: `ladder ${ladder.name} has no tier ${t} (it has ${ladder.tiers.join(', ')})`,
      })),
    );
  return { kind: 'tier', ladderId: ladder.id, tiers: [...input.tiers!] };
}

/** Whether the account meets the condition as of `at`, and if not, why (in words a person reads). */
export async function conditionMet(
  deps: MembershipDeps,
  programId: string,
  accountId: string,
  condition: PlanCondition,
  at: Date,
): Promise<{ met: true } | { met: false; reason: string }> {
  if (condition.kind === 'min_spend') {
    if (!deps.qualifyingSpend) throw new Error('memberships was built without the qualifying spend port');
    const from = addMonths(at, -condition.months);
    const spend = await deps.qualifyingSpend(programId, accountId, from, at);
    const needed = feeToMinor(condition.amount, 6);
    const have = spend.minor * 10n ** BigInt(6 - spend.digits);
    if (needed.ok && have >= BigInt(needed.minor)) return { met: true };
    const shown = formatMinor(spend.minor, spend.digits);
    return {
      met: false,
      reason: `qualifying spend of ${shown} ${spend.currency} over the last ${condition.months} months is below ${condition.amount} ${spend.currency}`,
    };
  }
  const standing = deps.tierStanding ? await deps.tierStanding(programId, accountId) : [];
  const held = standing.find((s) => s.ladderId === condition.ladderId);
  if (held && condition.tiers.includes(held.tier)) return { met: true };
  return {
    met: false,
    reason: `holds ${held ? `tier ${held.tier}` : 'no tier'} on ladder ${condition.ladderId}; needs ${condition.tiers.join(' or ')}`,
  };
}

function formatMinor(minor: bigint, digits: number): string {
  if (digits === 0) return minor.toString();
  const negative = minor < 0n;
  const s = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

/** Refuses a join whose account does not meet the plan's condition now (422 membership_condition_unmet). */
export async function requireCondition(
  deps: MembershipDeps,
  programId: string,
  accountId: string,
  planId: string,
  condition: PlanCondition | undefined,
  at: Date,
): Promise<void> {
  if (!condition) return;
  const result = await conditionMet(deps, programId, accountId, condition, at);
  if (!result.met)
    throw new FidelisError(
      'membership_condition_unmet',
      `The account does not meet plan ${planId}'s condition: ${result.reason}`,
      { condition, reason: result.reason },
    );
}
