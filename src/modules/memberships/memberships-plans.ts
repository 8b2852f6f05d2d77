// Membership plans: checking and normalising a definition, creating, versioning, archiving and
// deleting plans (audited), reading them.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { feeToMinor } from '../../core/memberships/terms.ts';
import { minorDigits } from '../../core/money.ts';
import { fetchPage } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import type { Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { checkCondition } from './memberships-conditions.ts';
import type { CreatePlanInput, UpdatePlanInput } from './memberships-schemas.ts';
import {
  deletePlanRow,
  findPlan,
  insertPlan,
  insertPlanVersion,
  listPlans,
  lockPlan,
  type PlanRow,
  planHasMemberships,
  updatePlanRow,
} from './memberships-store.ts';
import type { EntitlementDefinition, PlanDefinition, PlanStatus } from './memberships-tables.ts';
import { existingPlan, invalidFields, type MembershipDeps } from './memberships-terms.ts';
import { toPlan } from './memberships-views.ts';

type PlanView = ReturnType<typeof toPlan>;

/** The properties each kind of entitlement may have, and those it must have. */
const ENTITLEMENT_FIELDS: Record<string, { allowed: string[]; required: string[] }> = {
  flag: { allowed: [], required: [] },
  discount_code: { allowed: ['prefix', 'percent'], required: ['prefix'] },
  free_period: { allowed: ['months'], required: ['months'] },
  service_credit: { allowed: ['unit', 'amount'], required: ['unit', 'amount'] },
};

/** Checks what the schema cannot (fee, currency, entitlement fields per kind) and normalises the plan. */
function definitionOf(input: CreatePlanInput): PlanDefinition {
  const errors: Record<string, string> = {};
  let minor = 0;
  if (!isCurrency(input.fee.currency)) {
    errors['fee/currency'] = `unknown currency ${input.fee.currency}`;
  } else {
    const fee = feeToMinor(input.fee.amount, minorDigits(input.fee.currency));
    if (fee.ok) minor = fee.minor;
    else errors['fee/amount'] = fee.reason;
  }
  const entitlements: EntitlementDefinition[] = [];
  const seen = new Set<string>();
  (input.entitlements ?? []).forEach((e, i) => {
    const at = `entitlements/${i}`;
    if (seen.has(e.key)) errors[`${at}/key`] = `${e.key} appears twice in the plan`;
    seen.add(e.key);
    const { allowed, required } = ENTITLEMENT_FIELDS[e.kind]!;
    for (const field of ['prefix', 'percent', 'months', 'unit', 'amount'] as const) {
      if (e[field] !== undefined && !allowed.includes(field))
        errors[`${at}/${field}`] = `is not a property of a ${e.kind} entitlement`;
      if (e[field] === undefined && required.includes(field))
        errors[`${at}/${field}`] = `is required for a ${e.kind} entitlement`;
    }
    if (e.kind === 'service_credit' && e.unit !== undefined && e.unit !== 'points' && !isCurrency(e.unit))
      errors[`${at}/unit`] = `unknown unit ${e.unit}`;
    if (e.kind === 'service_credit' && e.usesPerTerm !== undefined)
      errors[`${at}/usesPerTerm`] = 'is not a property of a service_credit entitlement';
    const description = {
      ...(e.description === undefined ? {} : { description: e.description }),
      ...(e.usesPerTerm === undefined ? {} : { usesPerTerm: e.usesPerTerm }),
    };
    switch (e.kind) {
      case 'flag':
        entitlements.push({ key: e.key, kind: 'flag', ...description });
        break;
      case 'discount_code':
        entitlements.push({
          key: e.key,
          kind: 'discount_code',
          prefix: e.prefix ?? '',
          ...(e.percent === undefined ? {} : { percent: e.percent }),
          ...description,
        });
        break;
      case 'free_period':
        entitlements.push({ key: e.key, kind: 'free_period', months: e.months ?? 0, ...description });
        break;
      case 'service_credit':
        entitlements.push({
          key: e.key,
          kind: 'service_credit',
          unit: e.unit ?? '',
          amount: e.amount ?? 0,
          ...description,
        });
        break;
    }
  });
  if (Object.keys(errors).length > 0) throw invalidFields(errors);
  const { term } = input;
  return {
    name: input.name,
    description: input.description ?? null,
    fee: { amount: input.fee.amount, currency: input.fee.currency, minor },
    term: term.months !== undefined ? { months: term.months } : { days: term.days! },
    renewal: input.renewal,
    joining: input.joining,
    entitlements,
  };
}

/** Records a plan write in the audit log, in the write's transaction. */
function recordPlan(
  { audit }: MembershipDeps,
  tx: Tx,
  programId: string,
  write: { actor: Actor; action: string; planId: string; before?: PlanView; after?: PlanView },
) {
  return audit.record(tx, programId, {
    actor: write.actor,
    action: `membership_plan.${write.action}`,
    resourceType: 'membership_plan',
    resourceId: write.planId,
    before: write.before,
    after: write.after,
  });
}

export async function createPlan(
  deps: MembershipDeps,
  programId: string,
  input: CreatePlanInput,
  actor: Actor,
) {
  const condition = await checkCondition(deps, programId, input.condition);
  const definition = { ...definitionOf(input), ...(condition ? { condition } : {}) };
  return deps.database.transaction(async (tx) => {
    const id = newId('mpl');
    const row = await insertPlan(tx, { programId, id, version: 1, definition });
    await insertPlanVersion(tx, { programId, planId: id, version: 1, definition, actor: actorName(actor) });
    const plan = toPlan(row);
    await recordPlan(deps, tx, programId, { actor, action: 'create', planId: id, after: plan });
    return plan;
  });
}

export async function getPlan({ database }: MembershipDeps, programId: string, planId: string) {
  return toPlan(existingPlan(await findPlan(database.db, programId, planId), planId));
}

export async function plansOf(
  { database }: MembershipDeps,
  programId: string,
  query: { status?: PlanStatus; limit?: number; cursor?: string },
) {
  return fetchPage(query, (after, limit) => listPlans(database.db, programId, query, after, limit), toPlan);
}

/**
 * One change of a plan, audited: the plan locked, changed by `change` (undefined: nothing to change),
 * and recorded with its state before and after.
 */
async function changePlan(
  deps: MembershipDeps,
  programId: string,
  planId: string,
  actor: Actor,
  action: 'update' | 'archive',
  change: (tx: Tx, current: PlanRow) => Promise<PlanRow | undefined>,
) {
  return deps.database.transaction(async (tx) => {
    const current = existingPlan(await lockPlan(tx, programId, planId), planId);
    const changed = await change(tx, current);
    if (!changed) return toPlan(current);
    const plan = toPlan(changed);
    await recordPlan(deps, tx, programId, { actor, action, planId, before: toPlan(current), after: plan });
    return plan;
  });
}

/** A new version of the plan (audited); existing memberships keep the version they joined. */
export async function updatePlan(
  deps: MembershipDeps,
  programId: string,
  planId: string,
  input: UpdatePlanInput,
  actor: Actor,
) {
  // Checked before the transaction: a tier condition reads the ladders.
  const condition = input.condition ? await checkCondition(deps, programId, input.condition) : undefined;
  return changePlan(deps, programId, planId, actor, 'update', async (tx, current) => {
    const d = current.definition;
    const merged: CreatePlanInput = {
      name: input.name ?? d.name,
      fee: input.fee ?? { amount: d.fee.amount, currency: d.fee.currency },
      term: input.term ?? d.term,
      renewal: input.renewal ?? d.renewal,
      joining: input.joining ?? d.joining,
      entitlements: input.entitlements ?? d.entitlements,
    };
    const description = input.description === undefined ? d.description : input.description;
    if (description !== null) merged.description = description;
    // A condition the change names replaces the plan's; null removes it; absent keeps it.
    const kept = input.condition === undefined ? d.condition : (condition ?? undefined);
    const definition = { ...definitionOf(merged), ...(kept ? { condition: kept } : {}) };
    const version = current.version + 1;
    await insertPlanVersion(tx, { programId, planId, version, definition, actor: actorName(actor) });
    return updatePlanRow(tx, programId, planId, { version, definition });
  });
}

/** Nobody can join an archived plan; its memberships run on. */
export async function archivePlan(deps: MembershipDeps, programId: string, planId: string, actor: Actor) {
  return changePlan(deps, programId, planId, actor, 'archive', async (tx, current) =>
    current.status === 'archived' ? undefined : updatePlanRow(tx, programId, planId, { status: 'archived' }),
  );
}

/** Deletes a plan nobody ever joined; one with memberships is refused (archive it instead). */
export async function deletePlan(deps: MembershipDeps, programId: string, planId: string, actor: Actor) {
  return deps.database.transaction(async (tx) => {
    const current = existingPlan(await lockPlan(tx, programId, planId), planId);
    if (await planHasMemberships(tx, programId, planId)) {
      throw new FidelisError(
        'plan_in_use',
        `Membership plan ${planId} has memberships; archive it (POST /v1/membership-plans/${planId}/archive)`,
      );
    }
    await deletePlanRow(tx, programId, planId);
    const plan = toPlan(current);
    await recordPlan(deps, tx, programId, { actor, action: 'delete', planId, before: plan });
    return plan;
  });
}
