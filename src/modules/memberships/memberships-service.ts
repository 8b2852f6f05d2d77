// Membership plans, memberships and their entitlements: joining (by contract, purchase or approval),
// activation, renewal and lapse by the due run, cancellation. Every transition is one transaction that
// writes the membership, its terms (the charges), its entitlements, its service credits (ledger) and
// an append-only event.
import { randomBytes } from 'node:crypto';
import { FidelisError, type FieldError } from '../../core/errors.ts';
import { encodeRandom } from '../../core/ids.ts';
import {
  addMonths,
  feeToMinor,
  minorToFee,
  type Term,
  termEnd,
  termsDue,
} from '../../core/memberships/terms.ts';
import { minorDigits } from '../../core/money.ts';
import { decodeCursor, encodeCursor, type Page } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import { isUniqueViolation, pgError } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { LedgerService, PreparedWrite } from '../ledger/ledger-service.ts';
import type { SourceType } from '../ledger/ledger-tables.ts';
import type {
  CreatePlanInput,
  EntitlementDefinitionInput,
  JoinInput,
  ListMembershipsInput,
  UpdatePlanInput,
} from './memberships-schemas.ts';
import {
  activePlansOf,
  checkEntitlement,
  deletePlanRow,
  dueMemberships,
  type EntitlementRow,
  type EventRow,
  endEntitlements,
  entitlementsOfAccount,
  entitlementsOfMembership,
  eventsOf,
  extendEntitlements,
  findLiveMembership,
  findMembership,
  findPlan,
  findPlanVersion,
  insertEntitlements,
  insertEvents,
  insertMembership,
  insertPlan,
  insertPlanVersion,
  insertTerm,
  listMemberships,
  listPlans,
  lockKey,
  type MembershipRow,
  type PlanRow,
  planHasMemberships,
  setEntitlementEntry,
  type TermRow,
  termsOf,
  updateMembershipRow,
  updatePlanRow,
} from './memberships-store.ts';
import type {
  EntitlementDefinition,
  MembershipEventType,
  MembershipStatus,
  PlanDefinition,
  PlanStatus,
} from './memberships-tables.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function invalid(errors: FieldError[]): FidelisError {
  return new FidelisError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
}

function termOf(def: PlanDefinition): Term {
  return 'months' in def.term ? { months: def.term.months } : { days: def.term.days };
}

/** Checks what the schema cannot (fee, currency, entitlement fields per kind) and normalises the plan. */
function definitionOf(input: CreatePlanInput): PlanDefinition {
  const errors: FieldError[] = [];
  let minor = 0;
  if (!isCurrency(input.fee.currency)) {
    errors.push({ path: '/body/fee/currency', message: `unknown currency ${input.fee.currency}` });
  } else {
    const fee = feeToMinor(input.fee.amount, minorDigits(input.fee.currency));
    if (fee.ok) minor = fee.minor;
    else errors.push({ path: '/body/fee/amount', message: fee.reason });
  }
  const term = input.term as { months?: number; days?: number };
  const entitlements: EntitlementDefinition[] = [];
  const seen = new Set<string>();
  (input.entitlements ?? []).forEach((e: EntitlementDefinitionInput, i) => {
    const at = `/body/entitlements/${i}`;
    if (seen.has(e.key)) errors.push({ path: `${at}/key`, message: `${e.key} appears twice in the plan` });
    seen.add(e.key);
    const allowed: Record<string, string[]> = {
      flag: [],
      discount_code: ['prefix', 'percent'],
      free_period: ['months'],
      service_credit: ['unit', 'amount'],
    };
    const required: Record<string, string[]> = {
      flag: [],
      discount_code: ['prefix'],
      free_period: ['months'],
      service_credit: ['unit', 'amount'],
    };
    for (const field of ['prefix', 'percent', 'months', 'unit', 'amount'] as const) {
      if (e[field] !== undefined && !allowed[e.kind]!.includes(field))
        errors.push({ path: `${at}/${field}`, message: `is not a property of a ${e.kind} entitlement` });
      if (e[field] === undefined && required[e.kind]!.includes(field))
        errors.push({ path: `${at}/${field}`, message: `is required for a ${e.kind} entitlement` });
    }
    if (e.kind === 'service_credit' && e.unit !== undefined && e.unit !== 'points' && !isCurrency(e.unit))
      errors.push({ path: `${at}/unit`, message: `unknown unit ${e.unit}` });
    const description = e.description === undefined ? {} : { description: e.description };
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
  if (errors.length > 0) throw invalid(errors);
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

function feeOf(minor: number, currency: string) {
  return { amount: minorToFee(minor, minorDigits(currency)), currency, minorUnits: minor };
}

export function toPlan(row: PlanRow) {
  const d = row.definition;
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    name: d.name,
    description: d.description,
    fee: feeOf(d.fee.minor, d.fee.currency),
    term: d.term,
    renewal: d.renewal,
    joining: d.joining,
    entitlements: d.entitlements,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMembership(row: MembershipRow) {
  return {
    id: row.id,
    planId: row.planId,
    planVersion: row.planVersion,
    accountId: row.accountId,
    status: row.status,
    via: row.via,
    reference: row.reference,
    renewal: row.renewal,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    term: row.term,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The API shape of an entitlement. `renews`: its membership is active and renews itself, so a
 * term-bound entitlement past its end still holds until the due run extends it.
 */
export function toEntitlement(row: EntitlementRow, now: Date, renews = false) {
  const held = row.validUntil > now || (renews && row.kind !== 'free_period');
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    accountId: row.accountId,
    membershipId: row.membershipId,
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil.toISOString(),
    active: row.validFrom <= now && held,
    code: row.code,
    percent: row.percent,
    unit: row.unit,
    amount: row.amount,
    ledgerEntryId: row.ledgerEntryId,
  };
}

function toTerm(row: TermRow) {
  return {
    term: row.term,
    kind: row.kind,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    fee: feeOf(row.feeAmount, row.feeCurrency),
  };
}

function toEvent(row: EventRow) {
  return {
    id: row.id,
    membershipId: row.membershipId,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    actor: row.actor,
    data: row.data,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A discount code nobody can guess: the plan's prefix and 10 random Crockford base32 characters. */
function discountCode(prefix: string): string {
  return `${prefix}-${encodeRandom(randomBytes(7), 10)}`;
}

/** Runs a transaction again when PostgreSQL aborted it for a deadlock or serialization failure. */
async function retryOnConflict<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = pgError(error).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.floor(Math.random() * 20)));
    }
  }
}

function page<T, R extends { id: string }>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data: data.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

function after(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = decodeCursor(cursor);
  if (id === undefined) throw new FidelisError('invalid_cursor');
  return id;
}

/** The ledger key of a service credit: one per membership, term and entitlement. */
export function serviceCreditKey(membershipId: string, term: number, entitlementKey: string): string {
  return `membership:${membershipId}:${term}:${entitlementKey}`;
}

export function createMembershipService(
  database: Database,
  accounts: AccountService,
  ledger: LedgerService,
  audit: AuditService,
) {
  async function planOrThrow(
    db: Executor,
    programId: string,
    planId: string,
    lock = false,
  ): Promise<PlanRow> {
    const plan = await findPlan(db, programId, planId, lock);
    if (!plan) throw new FidelisError('plan_not_found', `No membership plan ${planId}`);
    return plan;
  }

  async function membershipOrThrow(db: Executor, programId: string, id: string, lock = false) {
    const row = await findMembership(db, programId, id, lock);
    if (!row) throw new FidelisError('membership_not_found', `No membership ${id}`);
    return row;
  }

  async function definitionAt(db: Executor, programId: string, planId: string, version: number) {
    const row = await findPlanVersion(db, programId, planId, version);
    if (!row) throw new Error(`plan ${planId} has no version ${version}`);
    return row.definition;
  }

  /** The service credits of a term, prepared before the transaction that writes them. */
  async function prepareCredits(
    programId: string,
    m: { id: string; accountId: string },
    def: PlanDefinition,
    term: number,
    effectiveAt: Date,
    sourceType: SourceType,
    actor?: string,
  ): Promise<Array<{ key: string; prepared: PreparedWrite }>> {
    const out: Array<{ key: string; prepared: PreparedWrite }> = [];
    for (const e of def.entitlements) {
      if (e.kind !== 'service_credit') continue;
      const prepared = await ledger.prepareCredit(programId, {
        key: serviceCreditKey(m.id, term, e.key),
        account: m.accountId,
        unit: e.unit,
        amount: e.amount,
        type: 'adjust',
        reasonCode: 'membership_service_credit',
        explanation: `${e.description ?? e.key}: ${def.name} membership, term ${term}`,
        sourceType,
        sourceId: m.id,
        effectiveAt,
        actor,
      });
      out.push({ key: e.key, prepared });
    }
    return out;
  }

  async function writeCredits(
    tx: Tx,
    programId: string,
    membershipId: string,
    credits: Array<{ key: string; prepared: PreparedWrite }>,
  ): Promise<void> {
    for (const c of credits) {
      const { entry } = await ledger.writePrepared(tx, c.prepared);
      await setEntitlementEntry(tx, programId, membershipId, c.key, entry.id);
    }
  }

  function event(
    programId: string,
    membershipId: string,
    type: MembershipEventType,
    occurredAt: Date,
    actor: string | undefined,
    data: Record<string, unknown>,
  ) {
    return { programId, id: newId('mev'), membershipId, type, occurredAt, actor: actor ?? null, data };
  }

  /** Term 1 begins: the charge row, the entitlements, the service credits and the event. */
  async function activate(
    tx: Tx,
    programId: string,
    m: MembershipRow,
    def: PlanDefinition,
    startsAt: Date,
    credits: Array<{ key: string; prepared: PreparedWrite }>,
    actor: string | undefined,
  ): Promise<void> {
    const endsAt = termEnd(startsAt, termOf(def), 1);
    await insertTerm(tx, {
      programId,
      membershipId: m.id,
      term: 1,
      kind: 'join',
      startsAt,
      endsAt,
      feeAmount: def.fee.minor,
      feeCurrency: def.fee.currency,
    });
    await insertEntitlements(
      tx,
      def.entitlements.map((e) => ({
        programId,
        id: newId('etl'),
        accountId: m.accountId,
        membershipId: m.id,
        key: e.key,
        kind: e.kind,
        validFrom: startsAt,
        validUntil: e.kind === 'free_period' ? addMonths(startsAt, e.months) : endsAt,
        code: e.kind === 'discount_code' ? discountCode(e.prefix) : null,
        percent: e.kind === 'discount_code' ? (e.percent ?? null) : null,
        unit: e.kind === 'service_credit' ? e.unit : null,
        amount: e.kind === 'service_credit' ? e.amount : null,
      })),
    );
    await writeCredits(tx, programId, m.id, credits);
    await insertEvents(tx, [
      event(programId, m.id, 'activated', startsAt, actor, {
        planId: m.planId,
        planVersion: m.planVersion,
        accountId: m.accountId,
        via: m.via,
        reference: m.reference,
        term: 1,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        fee: feeOf(def.fee.minor, def.fee.currency),
      }),
    ]);
  }

  async function detail(db: Executor, programId: string, row: MembershipRow, now = new Date()) {
    return {
      ...toMembership(row),
      terms: (await termsOf(db, programId, row.id)).map(toTerm),
      entitlements: (await entitlementsOfMembership(db, programId, row.id)).map((e) =>
        toEntitlement(e, now, row.status === 'active' && row.renewal === 'auto'),
      ),
    };
  }

  /** Renews an auto-renewing membership from term `n` to `n + 1`, as of the end of term n. */
  async function renewOnce(
    programId: string,
    m: MembershipRow,
    def: PlanDefinition,
    n: number,
  ): Promise<boolean> {
    const term = termOf(def);
    const anchor = m.startsAt!;
    const from = termEnd(anchor, term, n);
    const to = termEnd(anchor, term, n + 1);
    const credits = await prepareCredits(programId, m, def, n + 1, from, 'job');
    return retryOnConflict(() =>
      database.transaction(async (tx) => {
        const current = await findMembership(tx, programId, m.id, true);
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
        await writeCredits(tx, programId, m.id, credits);
        await insertEvents(tx, [
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

  /** Lapses a manually renewed membership at the end of its term: its entitlements end there. */
  async function lapse(programId: string, m: MembershipRow, asOf: Date): Promise<boolean> {
    return database.transaction(async (tx) => {
      const current = await findMembership(tx, programId, m.id, true);
      if (current?.status !== 'active' || current.endsAt === null || current.endsAt > asOf) return false;
      await updateMembershipRow(tx, programId, m.id, { status: 'lapsed' });
      await endEntitlements(tx, programId, m.id, current.endsAt);
      await insertEvents(tx, [
        event(programId, m.id, 'lapsed', current.endsAt, 'job', {
          term: current.term,
          endedAt: current.endsAt.toISOString(),
        }),
      ]);
      return true;
    });
  }

  const service = {
    // Plans

    async createPlan(programId: string, input: CreatePlanInput, actor: string) {
      const definition = definitionOf(input);
      return database.transaction(async (tx) => {
        const id = newId('mpl');
        const row = await insertPlan(tx, { programId, id, version: 1, definition });
        await insertPlanVersion(tx, { programId, planId: id, version: 1, definition, actor });
        const plan = toPlan(row);
        await audit.record(tx, programId, {
          actor,
          action: 'membership_plan.create',
          resourceType: 'membership_plan',
          resourceId: id,
          after: plan,
        });
        return plan;
      });
    },

    async getPlan(programId: string, planId: string) {
      return toPlan(await planOrThrow(database.db, programId, planId));
    },

    async listPlans(programId: string, query: { status?: PlanStatus; limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50;
      const rows = await listPlans(database.db, programId, query, after(query.cursor), limit + 1);
      return page(rows, limit, toPlan);
    },

    /** A new version of the plan (audited); existing memberships keep the version they joined. */
    async updatePlan(programId: string, planId: string, input: UpdatePlanInput, actor: string) {
      return database.transaction(async (tx) => {
        const current = await planOrThrow(tx, programId, planId, true);
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
        const definition = definitionOf(merged);
        const version = current.version + 1;
        await insertPlanVersion(tx, { programId, planId, version, definition, actor });
        const row = await updatePlanRow(tx, programId, planId, { version, definition });
        const plan = toPlan(row);
        await audit.record(tx, programId, {
          actor,
          action: 'membership_plan.update',
          resourceType: 'membership_plan',
          resourceId: planId,
          before: toPlan(current),
          after: plan,
        });
        return plan;
      });
    },

    /** Nobody can join an archived plan; its memberships run on. */
    async archivePlan(programId: string, planId: string, actor: string) {
      return database.transaction(async (tx) => {
        const current = await planOrThrow(tx, programId, planId, true);
        if (current.status === 'archived') return toPlan(current);
        const plan = toPlan(await updatePlanRow(tx, programId, planId, { status: 'archived' }));
        await audit.record(tx, programId, {
          actor,
          action: 'membership_plan.archive',
          resourceType: 'membership_plan',
          resourceId: planId,
          before: toPlan(current),
          after: plan,
        });
        return plan;
      });
    },

    /** Deletes a plan nobody ever joined; one with memberships is refused (archive it instead). */
    async deletePlan(programId: string, planId: string, actor: string) {
      return database.transaction(async (tx) => {
        const current = await planOrThrow(tx, programId, planId, true);
        if (await planHasMemberships(tx, programId, planId)) {
          throw new FidelisError(
            'plan_in_use',
            `Membership plan ${planId} has memberships; archive it (POST /v1/membership-plans/${planId}/archive)`,
          );
        }
        await deletePlanRow(tx, programId, planId);
        const plan = toPlan(current);
        await audit.record(tx, programId, {
          actor,
          action: 'membership_plan.delete',
          resourceType: 'membership_plan',
          resourceId: planId,
          before: plan,
        });
        return plan;
      });
    },

    // Memberships

    /**
     * Joins an account to a plan with its evidence. Contract and purchase joins start now (or at
     * startsAt); approval joins wait, pending, for an admin. Joining again while pending or active
     * with the same via and reference answers the existing membership (replayed); with another
     * reference it is refused (membership_exists).
     */
    async join(
      programId: string,
      input: JoinInput,
      actor?: string,
    ): Promise<{ membership: Awaited<ReturnType<typeof detail>>; replayed: boolean }> {
      const account = await accounts.resolve(programId, input.account);
      const plan = await planOrThrow(database.db, programId, input.plan);
      if (plan.status === 'archived') {
        throw new FidelisError('plan_archived', `Membership plan ${plan.id} is archived`, {
          errors: [{ path: '/body/plan', message: 'is archived' }],
        });
      }
      const def = plan.definition;
      if (input.via !== def.joining) {
        throw new FidelisError(
          'joining_condition_unmet',
          `Plan ${plan.id} is joined by ${def.joining}, not by ${input.via}`,
          { errors: [{ path: '/body/via', message: `must be ${def.joining} for this plan` }] },
        );
      }
      if (input.via !== 'approval' && input.reference === undefined) {
        throw new FidelisError(
          'joining_condition_unmet',
          `A ${input.via} join needs the ${input.via === 'contract' ? 'contract' : 'order'} id as reference`,
          { errors: [{ path: '/body/reference', message: 'is required' }] },
        );
      }
      if (input.via === 'approval' && input.startsAt !== undefined) {
        throw invalid([
          { path: '/body/startsAt', message: 'a membership that needs approval starts when it is approved' },
        ]);
      }
      const pending = input.via === 'approval';
      const startsAt = input.startsAt === undefined ? new Date() : new Date(input.startsAt);
      const id = newId('mem');
      const credits = pending
        ? []
        : await prepareCredits(
            programId,
            { id, accountId: account.id },
            def,
            1,
            new Date(Math.min(startsAt.getTime(), Date.now())),
            'api',
            actor,
          );
      return retryOnConflict(() =>
        database.transaction(async (tx) => {
          await lockKey(tx, `membership:${programId}:${account.id}:${plan.id}`);
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
          const current = await planOrThrow(tx, programId, plan.id);
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
              event(programId, id, 'requested', row.createdAt, actor, {
                planId: plan.id,
                planVersion: plan.version,
                accountId: account.id,
                via: input.via,
                reference: input.reference ?? null,
              }),
            ]);
          } else {
            await activate(tx, programId, row, def, startsAt, credits, actor);
          }
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
    },

    /** Activates a pending membership (admin, audited): its first term starts now. */
    async approve(programId: string, membershipId: string, actor: string, note?: string, now = new Date()) {
      const before = await membershipOrThrow(database.db, programId, membershipId);
      if (before.status !== 'pending') throw notPending(before);
      const def = await definitionAt(database.db, programId, before.planId, before.planVersion);
      const credits = await prepareCredits(programId, before, def, 1, now, 'admin', actor);
      return retryOnConflict(() =>
        database.transaction(async (tx) => {
          const current = await membershipOrThrow(tx, programId, membershipId, true);
          if (current.status !== 'pending') throw notPending(current);
          const row = await updateMembershipRow(tx, programId, membershipId, {
            status: 'active',
            startsAt: now,
            endsAt: termEnd(now, termOf(def), 1),
            term: 1,
            ...(note === undefined ? {} : { note }),
          });
          await activate(tx, programId, row, def, now, credits, actor);
          const result = await detail(tx, programId, row, now);
          await audit.record(tx, programId, {
            actor,
            action: 'membership.approve',
            resourceType: 'membership',
            resourceId: membershipId,
            before: toMembership(current),
            after: toMembership(row),
          });
          return result;
        }),
      );
    },

    /** Refuses a pending membership (admin, audited). */
    async reject(programId: string, membershipId: string, actor: string, note?: string) {
      return database.transaction(async (tx) => {
        const current = await membershipOrThrow(tx, programId, membershipId, true);
        if (current.status !== 'pending') throw notPending(current);
        const row = await updateMembershipRow(tx, programId, membershipId, {
          status: 'rejected',
          ...(note === undefined ? {} : { note }),
        });
        await insertEvents(tx, [
          event(programId, membershipId, 'rejected', new Date(), actor, { note: note ?? null }),
        ]);
        await audit.record(tx, programId, {
          actor,
          action: 'membership.reject',
          resourceType: 'membership',
          resourceId: membershipId,
          before: toMembership(current),
          after: toMembership(row),
        });
        return detail(tx, programId, row);
      });
    },

    /** Ends a pending or active membership now: no renewal, its entitlements end now. */
    async cancel(programId: string, membershipId: string, actor?: string, note?: string, now = new Date()) {
      return database.transaction(async (tx) => {
        const current = await membershipOrThrow(tx, programId, membershipId, true);
        if (current.status !== 'pending' && current.status !== 'active') {
          throw new FidelisError(
            'membership_ended',
            `Membership ${membershipId} is already ${current.status}`,
          );
        }
        // Ends now, or at its term end if the due run has not yet handled that; never before it began.
        const endsAt =
          current.endsAt === null || current.startsAt === null
            ? null
            : new Date(
                Math.max(current.startsAt.getTime(), Math.min(current.endsAt.getTime(), now.getTime())),
              );
        const row = await updateMembershipRow(tx, programId, membershipId, {
          status: 'cancelled',
          endsAt,
          ...(note === undefined ? {} : { note }),
        });
        if (endsAt) await endEntitlements(tx, programId, membershipId, endsAt);
        await insertEvents(tx, [
          event(programId, membershipId, 'cancelled', endsAt ?? now, actor, {
            was: current.status,
            endedAt: endsAt?.toISOString() ?? null,
            note: note ?? null,
          }),
        ]);
        return detail(tx, programId, row, now);
      });
    },

    async get(programId: string, membershipId: string) {
      return detail(database.db, programId, await membershipOrThrow(database.db, programId, membershipId));
    },

    async list(programId: string, query: ListMembershipsInput & { planId?: string; accountId?: string }) {
      const limit = query.limit ?? 50;
      const accountId =
        query.accountId ??
        (query.account === undefined ? undefined : (await accounts.resolve(programId, query.account)).id);
      const planId = query.planId ?? query.plan;
      if (query.planId !== undefined) await planOrThrow(database.db, programId, query.planId);
      const rows = await listMemberships(
        database.db,
        programId,
        { accountId, planId, status: query.status as MembershipStatus | undefined },
        after(query.cursor),
        limit + 1,
      );
      return page(rows, limit, toMembership);
    },

    async events(programId: string, membershipId: string, query: { limit?: number; cursor?: string }) {
      await membershipOrThrow(database.db, programId, membershipId);
      const limit = query.limit ?? 50;
      const rows = await eventsOf(database.db, programId, membershipId, after(query.cursor), limit + 1);
      return page(rows, limit, toEvent);
    },

    // Entitlements

    async entitlementsOf(
      programId: string,
      accountRef: string,
      query: { limit?: number; cursor?: string },
      now = new Date(),
    ) {
      const account = await accounts.resolve(programId, accountRef);
      const limit = query.limit ?? 50;
      const rows = await entitlementsOfAccount(
        database.db,
        programId,
        account.id,
        after(query.cursor),
        limit + 1,
      );
      const data = rows.slice(0, limit);
      const last = data[data.length - 1];
      return {
        data: data.map((r) => toEntitlement(r.entitlement, now, r.renews)),
        nextCursor: rows.length > limit && last ? encodeCursor(last.entitlement.id) : null,
      };
    },

    /** Does the account hold the entitlement now? One indexed query; an unknown account is account_not_found. */
    async check(programId: string, accountRef: string, key: string, now = new Date()) {
      const row = await checkEntitlement(database.db, programId, accountRef, key, now);
      if (!row) throw new FidelisError('account_not_found', `No account ${accountRef}`);
      const granted = row.membershipId !== null;
      return {
        granted,
        key,
        until: granted ? iso(row.validUntil) : null,
        source: granted ? { membershipId: row.membershipId!, planId: row.planId! } : null,
      };
    },

    /**
     * The plans of the account's active memberships (in their term at `at`), for other modules
     * (reward eligibility, tier benefits). Takes an account id, not an externalId; pass the
     * caller's transaction as `db` when calling from inside one.
     */
    async activePlansOf(
      programId: string,
      accountId: string,
      at: Date = new Date(),
      db: Executor = database.db,
    ): Promise<Array<{ planId: string; name: string; membershipId: string; until: Date }>> {
      const rows = await activePlansOf(db, programId, accountId, at);
      return rows.map((r) => ({
        planId: r.planId,
        name: r.name,
        membershipId: r.membershipId,
        until: new Date(r.endsAt),
      }));
    },

    // The due run

    /**
     * Renews auto-renewing memberships whose term ended by `asOf` (once per term that ended: a late
     * run catches up term by term, each as of its own end) and lapses manual ones at their end.
     * Every step checks the membership's state under a row lock, so running twice or from two
     * servers at once does each step once.
     */
    async runDue(programId: string, asOf: Date, batch = 200): Promise<{ renewed: number; lapsed: number }> {
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
        const due = (await dueMemberships(database.db, programId, asOf, batch)).filter(
          (m) => !tried.has(m.id),
        );
        if (due.length === 0) return counts;
        for (const m of due) {
          tried.add(m.id);
          if (m.renewal === 'manual') {
            if (await lapse(programId, m, asOf)) counts.lapsed++;
            continue;
          }
          const def = await definition(m);
          for (const n of termsDue(m.startsAt!, termOf(def), m.term, asOf)) {
            if (!(await renewOnce(programId, m, def, n))) break;
            counts.renewed++;
          }
        }
      }
    },
  };

  function notPending(m: MembershipRow): FidelisError {
    return new FidelisError('membership_not_pending', `Membership ${m.id} is ${m.status}, not pending`);
  }

  return service;
}

export type MembershipService = ReturnType<typeof createMembershipService>;
