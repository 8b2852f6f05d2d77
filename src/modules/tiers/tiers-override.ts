// Operator decisions on a tier: hold a tier until a date, freeze the current one, or lift either.
// Each is audited (resource `tier_status`, `<ladder id>:<account as given>`).
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { atDue, formatMetric, metricDigits, periodEndAfter, windowStart } from '../../core/tiers/ladder.ts';
import type { OverrideInput } from './tiers-schemas.ts';
import { changeStatus, ladderOf, metricOf, subjectOf, type TierDeps } from './tiers-status.ts';

/** An operator decision: hold a tier until a date, or freeze the current one (no downgrade). */
export async function override(
  deps: TierDeps,
  programId: string,
  ladderId: string,
  input: OverrideInput,
  actor: Actor,
  now = new Date(),
) {
  const ladder = await ladderOf(deps, programId, ladderId);
  const from = input.from === undefined ? now : new Date(input.from);
  const until = input.until === undefined ? null : new Date(input.until);
  if (until && until.getTime() <= from.getTime())
    throw fieldError('override_invalid', 'The override ends before it starts', {
      until: 'must be after from',
    });
  if (from.getTime() > now.getTime() + 300_000)
    throw fieldError('override_invalid', 'An override starts now or in the past', { from: 'in the future' });
  if (input.kind === 'set' && !ladder.document.tiers.some((t) => t.code === input.tier))
    throw fieldError('override_invalid', `The ladder has no tier ${input.tier ?? '(none given)'}`, {
      tier: 'unknown tier',
    });
  if (input.kind === 'freeze' && input.tier !== undefined)
    throw fieldError('override_invalid', 'A freeze keeps the current tier; it takes no tier', {
      tier: 'not allowed for a freeze',
    });
  const account = await deps.accounts.resolve(programId, input.account);
  const subject = await subjectOf(deps, programId, ladder.document, account.id);
  const decision = await changeStatus(
    deps,
    programId,
    ladder,
    subject,
    async (_tx, state) => {
      if (input.kind === 'set') {
        const tier = input.tier!;
        return {
          decision: {
            state: {
              ...state,
              tier,
              since: from,
              graceUntil: null,
              override: { kind: 'set', tier, until, reason: input.reason },
            },
            changes: [{ from: state.tier, to: tier, reason: 'override', at: from }],
          },
          metric: null,
        };
      }
      return {
        decision: {
          state: { ...state, override: { kind: 'freeze', tier: state.tier, until, reason: input.reason } },
          changes: [{ from: state.tier, to: state.tier, reason: 'freeze', at: from }],
        },
        metric: null,
      };
    },
    {
      actor: actorName(actor),
      note: input.reason,
      afterWrite: (tx, state) =>
        deps.audit.record(tx, programId, {
          actor,
          action: `tier.${input.kind === 'set' ? 'override' : 'freeze'}`,
          resourceType: 'tier_status',
          resourceId: `${ladderId}:${input.account}`,
          after: { ...input, tier: state.tier },
        }),
    },
  );
  return decision.state;
}

/** Lifts an override or freeze now: the account is requalified as at a period end. */
export async function liftOverride(
  deps: TierDeps,
  programId: string,
  ladderId: string,
  accountRef: string,
  actor: Actor,
  now = new Date(),
) {
  const ladder = await ladderOf(deps, programId, ladderId);
  const program = await deps.programs.get(programId);
  const digits = metricDigits(ladder.document.metric, program.baseCurrency);
  const account = await deps.accounts.resolve(programId, accountRef);
  const subject = await subjectOf(deps, programId, ladder.document, account.id);
  const doc = ladder.document;
  const decision = await changeStatus(
    deps,
    programId,
    ladder,
    subject,
    async (tx, state) => {
      if (!state.override)
        throw new FidelisError(
          'override_not_found',
          `Account ${accountRef} has no override on ladder ${ladderId}`,
        );
      const from = windowStart(doc.window, now, program.timeZone, subject.enrolledAt);
      const metric = await metricOf(tx, programId, ladder, digits, {
        members: subject.members,
        from,
        to: now,
      });
      const decided = atDue(
        doc,
        { ...state, override: { ...state.override, until: now } },
        {
          at: now,
          metric,
          digits,
          nextPeriodEnd: periodEndAfter(doc.window, now, program.timeZone, subject.enrolledAt),
        },
      );
      return { decision: decided, metric: formatMetric(metric, digits) };
    },
    {
      actor: actorName(actor),
      afterWrite: (tx, state) =>
        deps.audit.record(tx, programId, {
          actor,
          action: 'tier.override_lift',
          resourceType: 'tier_status',
          resourceId: `${ladderId}:${accountRef}`,
          after: { tier: state.tier },
        }),
    },
  );
  return decision.state;
}
