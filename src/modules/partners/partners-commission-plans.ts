// Commission plans (decision 0032): what a partner earns on the businesses it referred — a fixed
// amount per conversion, a percentage of their revenue (flat or tiered by volume in a period, for N
// months or for life), a target bonus — in cash or points. Every change bumps the plan's version
// (lines record the version they followed) and is audited. Partners are assigned one plan each.
import type { Actor } from '../../core/access.ts';
import { actorName } from '../../core/access.ts';
import { FidelisError, type FieldError, fieldErrors } from '../../core/errors.ts';
import { parseAmount } from '../../core/money.ts';
import { fetchPage } from '../../core/pagination.ts';
import { isRate } from '../../core/partners/commission.ts';
import { isCurrency } from '../../core/reference.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type {
  AssignmentsQueryInput,
  CreatePlanInput,
  UpdatePlanInput,
} from './partners-commission-schemas.ts';
import {
  activePlans,
  type CommissionPlanRow,
  deleteAssignment,
  findAssignment,
  findPlan,
  insertPlan,
  listAssignments,
  listPlans,
  lockPlan,
  updatePlan,
  upsertAssignment,
} from './partners-commission-store.ts';
import type { CommissionPlanDocument } from './partners-commission-tables.ts';
import { toAssignment, toPlan } from './partners-commission-views.ts';
import type { PartnerDeps } from './partners-deps.ts';

type Fields = Omit<CreatePlanInput, 'code' | 'active'>;

function documentOf(input: Fields): CommissionPlanDocument {
  const revenue = input.revenue ?? null;
  return {
    name: input.name,
    unit: input.unit,
    holdingDays: input.holdingDays ?? 30,
    fixed: input.fixed ?? null,
    revenue:
      revenue === null
        ? null
        : {
            eventTypes: [...new Set(revenue.eventTypes)],
            rate: revenue.rate ?? null,
            tiers: revenue.tiers ?? null,
            period: revenue.period ?? 'month',
            months: revenue.months ?? null,
          },
    bonus: input.bonus ?? null,
  };
}

/** An amount of `unit` in minor units (points: whole numbers), or the problem with it. */
export function minorOf(value: string, unit: string): bigint {
  if (unit === 'points') {
    if (!/^\d{1,15}$/.test(value))
      throw new RangeError(`${value} is not a whole, non-negative number of points`);
    return BigInt(value);
  }
  const minor = parseAmount(value, unit);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${value} is too large`);
  return minor;
}

/** What the schema cannot check: units, amounts, rates, tiers, known event types (each error names its field). */
async function validate(deps: PartnerDeps, programId: string, doc: CommissionPlanDocument): Promise<void> {
  const errors: FieldError[] = [];
  const program = await deps.programs.get(programId);
  const base = program.baseCurrency;
  const unitKnown = doc.unit === 'points' || isCurrency(doc.unit);
  if (!unitKnown) errors.push({ path: '/unit', message: `unknown currency ${doc.unit}` });
  else if (doc.unit !== 'points' && doc.unit !== base && (doc.revenue || doc.bonus))
    errors.push({
      path: '/unit',
      message: `a plan paying on revenue pays in points or the base currency ${base}, not ${doc.unit}`,
    });
  const amount = (value: string, unit: string, path: string, positive = true) => {
    try {
      const minor = minorOf(value, unit);
      if (positive && minor <= 0n) errors.push({ path, message: 'must be more than 0' });
      return minor;
    } catch (error) {
      errors.push({ path, message: (error as Error).message });
      return null;
    }
  };
  if (!doc.fixed && !doc.revenue && !doc.bonus)
    errors.push({ path: '/revenue', message: 'a plan pays something: fixed, revenue or bonus' });
  if (doc.fixed && unitKnown) amount(doc.fixed.amount, doc.unit, '/fixed/amount');
  if (doc.revenue) {
    const r = doc.revenue;
    const known = await deps.eventTypes.known(programId);
    r.eventTypes.forEach((t, i) => {
      if (!known.has(t))
        errors.push({ path: `/revenue/eventTypes/${i}`, message: `unknown event type ${t}` });
    });
    if ((r.rate === null) === (r.tiers === null))
      errors.push({ path: '/revenue/rate', message: 'give either a rate or tiers' });
    if (r.rate !== null && !isRate(r.rate))
      errors.push({ path: '/revenue/rate', message: `${r.rate} is not a percentage from 0 to 100` });
    let last = -1n;
    r.tiers?.forEach((tier, i) => {
      const from = amount(tier.from, base, `/revenue/tiers/${i}/from`, false);
      if (from !== null) {
        if (i === 0 && from !== 0n)
          errors.push({ path: `/revenue/tiers/0/from`, message: 'the first tier starts at 0' });
        if (from <= last)
          errors.push({ path: `/revenue/tiers/${i}/from`, message: 'tiers go up: each from above the last' });
        last = from;
      }
      if (!isRate(tier.rate))
        errors.push({
          path: `/revenue/tiers/${i}/rate`,
          message: `${tier.rate} is not a percentage from 0 to 100`,
        });
    });
  }
  if (doc.bonus) {
    if (!doc.revenue)
      errors.push({
        path: '/bonus',
        message: 'a target bonus counts revenue: the plan needs revenue.eventTypes',
      });
    amount(doc.bonus.target, base, '/bonus/target');
    if (unitKnown) amount(doc.bonus.amount, doc.unit, '/bonus/amount');
  }
  if (errors.length > 0) throw fieldErrors('commission_plan_invalid', errors);
}

function existingPlan(row: CommissionPlanRow | undefined, code: string): CommissionPlanRow {
  if (!row) throw new FidelisError('commission_plan_not_found', `No commission plan ${code}`);
  return row;
}

export async function createPlan(deps: PartnerDeps, programId: string, input: CreatePlanInput, actor: Actor) {
  const { code, active, ...fields } = input;
  const doc = documentOf(fields);
  await validate(deps, programId, doc);
  try {
    const created = await deps.database.transaction(async (tx) => {
      const view = toPlan(await insertPlan(tx, { programId, code, active: active ?? true, document: doc }));
      await deps.audit.record(tx, programId, {
        actor,
        action: 'commission_plan.create',
        resourceType: 'commission_plan',
        resourceId: code,
        after: view,
      });
      return view;
    });
    deps.programs.config.forget(programId);
    return created;
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldErrors('commission_plan_exists', [
        { path: '/code', message: `the program already has a commission plan ${code}` },
      ]);
    throw error;
  }
}

/** Replaces the plan (a new version): lines from then on follow it; lines written stay as they are. */
export async function updatePlanOf(
  deps: PartnerDeps,
  programId: string,
  code: string,
  input: UpdatePlanInput,
  actor: Actor,
  now = new Date(),
) {
  const { active, ...fields } = input;
  const doc = documentOf(fields);
  await validate(deps, programId, doc);
  const changed = await deps.database.transaction(async (tx) => {
    const locked = existingPlan(await lockPlan(tx, programId, code), code);
    const row = (await updatePlan(tx, programId, code, {
      document: doc,
      active: active ?? locked.active,
      version: locked.version + 1,
      updatedAt: now,
    }))!;
    const after = toPlan(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'commission_plan.update',
      resourceType: 'commission_plan',
      resourceId: code,
      before: toPlan(locked),
      after,
    });
    return after;
  });
  deps.programs.config.forget(programId);
  return changed;
}

export async function getPlan(deps: PartnerDeps, programId: string, code: string) {
  return toPlan(existingPlan(await findPlan(deps.database.db, programId, code), code));
}

export function plansOf(deps: PartnerDeps, programId: string, query: { limit?: number; cursor?: string }) {
  return fetchPage(
    query,
    (after, limit) => listPlans(deps.database.db, programId, {}, after, limit),
    toPlan,
    (r) => r.code,
  );
}

/** The program's active plans, cached per instance (a trigger bumps cache_versions on every change). */
export function activeCommissionPlans(deps: PartnerDeps, programId: string): Promise<CommissionPlanRow[]> {
  return deps.programs.config.get(programId, 'commission-plans', () =>
    activePlans(deps.database.db, programId),
  );
}

/** Puts a partner account on a plan (replacing its plan; lines written stay), audited. */
export async function assignPlan(
  deps: PartnerDeps,
  programId: string,
  accountRef: string,
  planCode: string,
  actor: Actor,
) {
  const account = await deps.accounts.resolve(programId, accountRef);
  existingPlan(await findPlan(deps.database.db, programId, planCode), planCode);
  return deps.database.transaction(async (tx) => {
    const before = await findAssignment(tx, programId, account.id);
    const view = toAssignment(
      await upsertAssignment(tx, {
        programId,
        accountId: account.id,
        planCode,
        actor: actorName(actor),
        assignedAt: new Date(),
      }),
    );
    await deps.audit.record(tx, programId, {
      actor,
      action: 'commission_partner.assign',
      resourceType: 'commission_partner',
      resourceId: account.id,
      before: before ? toAssignment(before) : undefined,
      after: view,
    });
    return view;
  });
}

export async function unassignPlan(deps: PartnerDeps, programId: string, accountRef: string, actor: Actor) {
  const account = await deps.accounts.resolve(programId, accountRef);
  await deps.database.transaction(async (tx) => {
    const before = await findAssignment(tx, programId, account.id);
    if (!before || !(await deleteAssignment(tx, programId, account.id)))
      throw new FidelisError('commission_partner_not_found', `${account.id} is on no commission plan`);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'commission_partner.unassign',
      resourceType: 'commission_partner',
      resourceId: account.id,
      before: toAssignment(before),
    });
  });
}

export async function getAssignment(deps: PartnerDeps, programId: string, accountRef: string) {
  const account = await deps.accounts.resolve(programId, accountRef);
  const row = await findAssignment(deps.database.db, programId, account.id);
  if (!row) throw new FidelisError('commission_partner_not_found', `${account.id} is on no commission plan`);
  return toAssignment(row);
}

export function assignmentsOf(deps: PartnerDeps, programId: string, query: AssignmentsQueryInput) {
  return fetchPage(
    query,
    (after, limit) => listAssignments(deps.database.db, programId, { planCode: query.plan }, after, limit),
    toAssignment,
    (r) => r.accountId,
  );
}
