// Joining a plan and the transitions an operator or member makes: approval, rejection, cancellation.
// Each is audited in its transaction.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { cancelledAt, termEnd } from '../../core/memberships/terms.ts';
import { advisoryLock, type Tx } from '../../db/client.ts';
import { isUniqueViolation, retryOnConflict } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { requireCondition } from './memberships-conditions.ts';
import type { JoinInput } from './memberships-schemas.ts';
import {
  endEntitlements,
  findLiveMembership,
  findMembership,
  findPlan,
  insertEvents,
  insertMembership,
  lockMembership,
  type MembershipRow,
  updateMembershipRow,
} from './memberships-store.ts';
import {
  activate,
  definitionAt,
  detail,
  event,
  existingMembership,
  existingPlan,
  invalidFields,
  type MembershipDeps,
  type MembershipDetail,
  notPending,
  prepareCredits,
  termOf,
} from './memberships-terms.ts';
import { toMembership } from './memberships-views.ts';

/**
 * Joins an account to a plan with its evidence. Contract and purchase joins start now (or at
 * startsAt); approval joins wait, pending, for an admin. Joining again while pending or active
 * with the same via and reference answers the existing membership (replayed); with another
 * reference it is refused (membership_exists).
 */
export async function join(
  deps: MembershipDeps,
  programId: string,
  input: JoinInput,
  actor: Actor,
): Promise<{ membership: MembershipDetail; replayed: boolean }> {
  const { database, accounts } = deps;
  const by = actorName(actor);
  const account = await accounts.resolve(programId, input.account);
  const plan = existingPlan(await findPlan(database.db, programId, input.plan), input.plan);
  if (plan.status === 'archived')
    throw fieldError('plan_archived', `Membership plan ${plan.id} is archived`, { plan: 'is archived' });
  const def = plan.definition;
  if (input.via !== def.joining)
    throw fieldError(
      'joining_condition_unmet',
      `Plan ${plan.id} is joined by ${def.joining}, not by ${input.via}`,
      {
        via: `must be ${def.joining} for this plan`,
      },
    );
  if (input.via !== 'approval' && input.reference === undefined)
    throw fieldError(
      'joining_condition_unmet',
      `A ${input.via} join needs the ${input.via === 'contract' ? 'contract' : 'order'} id as reference`,
      { reference: 'is required' },
    );
  if (input.via === 'approval' && input.startsAt !== undefined)
    throw invalidFields({ startsAt: 'a membership that needs approval starts when it is approved' });
  // The plan's condition (a minimum spend or a tier), as of now (decision 0024).
  await requireCondition(deps, programId, account.id, plan.id, def.condition, new Date());
  const pending = input.via === 'approval';
  const startsAt = input.startsAt === undefined ? new Date() : new Date(input.startsAt);
  const id = newId('mem');
  const credits = pending
    ? []
    : await prepareCredits(
        deps,
        programId,
        { id, accountId: account.id },
        def,
        1,
        new Date(Math.min(startsAt.getTime(), Date.now())),
        'api',
        by,
      );
  return retryOnConflict(() =>
    database.transaction(async (tx) => {
      await advisoryLock(tx, `membership:${programId}:${account.id}:${plan.id}`);
      const existing = await findLiveMembership(tx, programId, account.id, plan.id);
      if (existing) {
        if (existing.via === input.via && existing.reference === (input.reference ?? null)) {
          return { membership: await detail(tx, programId, existing), replayed: true };
        }
        throw new FidelisError(
          'membership_exists',
          `Account ${account.id} already has a ${existing.status} membership ${existing.id} of plan ${plan.id}`,
          { membershipId: existing.id },
        );
      }
      // Archived since it was read? (A new version meanwhile is fine: this join keeps the one it read.)
      const current = existingPlan(await findPlan(tx, programId, plan.id), plan.id);
      if (current.status === 'archived') {
        throw new FidelisError('plan_archived', `Membership plan ${plan.id} is archived`);
      }
      const row = await insertMembership(tx, {
        programId,
        id,
        planId: plan.id,
        planVersion: plan.version,
        accountId: account.id,
        status: pending ? 'pending' : 'active',
        via: input.via,
        reference: input.reference ?? null,
        renewal: def.renewal,
        startsAt: pending ? null : startsAt,
        endsAt: pending ? null : termEnd(startsAt, termOf(def), 1),
        term: pending ? 0 : 1,
        note: input.note ?? null,
      });
      if (pending) {
        await insertEvents(tx, [
          event(programId, id, 'requested', row.createdAt, by, {
            planId: plan.id,
            planVersion: plan.version,
            accountId: account.id,
            via: input.via,
            reference: input.reference ?? null,
          }),
        ]);
      } else {
        await activate(deps, tx, programId, row, def, startsAt, credits, by);
      }
      await recordTransition(deps, tx, programId, actor, 'join', null, row);
      return { membership: await detail(tx, programId, row), replayed: false };
    }),
  ).catch((error: unknown) => {
    if (isUniqueViolation(error, 'memberships_live_uq')) {
      throw new FidelisError(
        'membership_exists',
        `Account ${account.id} already has a membership of plan ${plan.id}`,
      );
    }
    throw error;
  });
}

/** Records a membership's transition in the audit log, in its transaction. */
function recordTransition(
  { audit }: MembershipDeps,
  tx: Tx,
  programId: string,
  actor: Actor,
  action: 'join' | 'approve' | 'reject' | 'cancel',
  before: MembershipRow | null,
  after: MembershipRow,
) {
  return audit.record(tx, programId, {
    actor,
    action: `membership.${action}`,
    resourceType: 'membership',
    resourceId: after.id,
    before: before && toMembership(before),
    after: toMembership(after),
  });
}

/** Activates a pending membership (admin, audited): its first term starts now. */
export async function approve(
  deps: MembershipDeps,
  programId: string,
  membershipId: string,
  actor: Actor,
  note?: string,
  now = new Date(),
) {
  const { database } = deps;
  const before = existingMembership(await findMembership(database.db, programId, membershipId), membershipId);
  if (before.status !== 'pending') throw notPending(before);
  const def = await definitionAt(database.db, programId, before.planId, before.planVersion);
  // Checked again when it starts: the account may have fallen below since it asked.
  await requireCondition(deps, programId, before.accountId, before.planId, def.condition, now);
  const credits = await prepareCredits(deps, programId, before, def, 1, now, 'admin', actorName(actor));
  return retryOnConflict(() =>
    database.transaction(async (tx) => {
      const current = existingMembership(await lockMembership(tx, programId, membershipId), membershipId);
      if (current.status !== 'pending') throw notPending(current);
      const row = await updateMembershipRow(tx, programId, membershipId, {
        status: 'active',
        startsAt: now,
        endsAt: termEnd(now, termOf(def), 1),
        term: 1,
        ...(note === undefined ? {} : { note }),
      });
      await activate(deps, tx, programId, row, def, now, credits, actorName(actor));
      const result = await detail(tx, programId, row, now);
      await recordTransition(deps, tx, programId, actor, 'approve', current, row);
      return result;
    }),
  );
}

/** Refuses a pending membership (admin, audited). */
export async function reject(
  deps: MembershipDeps,
  programId: string,
  membershipId: string,
  actor: Actor,
  note?: string,
) {
  return deps.database.transaction(async (tx) => {
    const current = existingMembership(await lockMembership(tx, programId, membershipId), membershipId);
    if (current.status !== 'pending') throw notPending(current);
    const row = await updateMembershipRow(tx, programId, membershipId, {
      status: 'rejected',
      ...(note === undefined ? {} : { note }),
    });
    await insertEvents(tx, [
      event(programId, membershipId, 'rejected', new Date(), actorName(actor), { note: note ?? null }),
    ]);
    await recordTransition(deps, tx, programId, actor, 'reject', current, row);
    return detail(tx, programId, row);
  });
}

/** Ends a pending or active membership now: no renewal, its entitlements end now. */
export async function cancel(
  deps: MembershipDeps,
  programId: string,
  membershipId: string,
  actor: Actor,
  note?: string,
  now = new Date(),
) {
  return deps.database.transaction(async (tx) => {
    const current = existingMembership(await lockMembership(tx, programId, membershipId), membershipId);
    if (current.status !== 'pending' && current.status !== 'active') {
      throw new FidelisError('membership_ended', `Membership ${membershipId} is already ${current.status}`);
    }
    const endsAt = cancelledAt(current.startsAt, current.endsAt, now);
    const row = await updateMembershipRow(tx, programId, membershipId, {
      status: 'cancelled',
      endsAt,
      ...(note === undefined ? {} : { note }),
    });
    if (endsAt) await endEntitlements(tx, programId, membershipId, endsAt);
    await insertEvents(tx, [
      event(programId, membershipId, 'cancelled', endsAt ?? now, actorName(actor), {
        was: current.status,
        endedAt: endsAt?.toISOString() ?? null,
        note: note ?? null,
      }),
    ]);
    await recordTransition(deps, tx, programId, actor, 'cancel', current, row);
    return detail(tx, programId, row, now);
  });
}
