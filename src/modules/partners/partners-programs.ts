// Referral programs: what converts a referral (event types, a CEL condition, a window), what it pays
// to whom, and the fraud guards. Cached per instance for the events' after-commit hook (decision 0014):
// a program with none pays no query for referrals on ingestion.
import type { Actor } from '../../core/access.ts';
import { FidelisError, type FieldError, fieldErrors } from '../../core/errors.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { DEFAULT_GUARDS } from '../../core/partners/referral.ts';
import { isCurrency } from '../../core/reference.ts';
import { conditionProblem } from '../../core/rules/condition.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { type PartnerDeps, toReferralProgram } from './partners-deps.ts';
import type { CreateReferralProgramInput, UpdateReferralProgramInput } from './partners-schemas.ts';
import {
  activeReferralPrograms,
  findReferralProgram,
  insertReferralProgram,
  listReferralPrograms,
  lockReferralProgram,
  type ReferralProgramRow,
  updateReferralProgram,
} from './partners-store.ts';
import type { ReferralProgramDocument } from './partners-tables.ts';

type Fields = Omit<CreateReferralProgramInput, 'code' | 'active'>;

function documentOf(input: Fields): ReferralProgramDocument {
  return {
    name: input.name,
    attributionDays: input.attributionDays ?? 30,
    conversion: {
      eventTypes: [...new Set(input.conversion.eventTypes)],
      condition: input.conversion.condition ?? null,
      windowDays: input.conversion.windowDays ?? 90,
    },
    rewards: {
      referrer: input.rewards.referrer ?? null,
      referred: input.rewards.referred ?? null,
      pendingDays: input.rewards.pendingDays ?? 0,
    },
    guards: {
      sameGroup: input.guards?.sameGroup ?? DEFAULT_GUARDS.sameGroup,
      sameEmailDomain: input.guards?.sameEmailDomain ?? DEFAULT_GUARDS.sameEmailDomain,
      velocity: input.guards?.velocity ?? DEFAULT_GUARDS.velocity,
    },
    landingUrl: input.landingUrl ?? null,
  };
}

/** What the schema cannot check: known event types, a valid CEL condition, real currencies. */
async function validate(deps: PartnerDeps, programId: string, doc: ReferralProgramDocument): Promise<void> {
  const errors: FieldError[] = [];
  const known = await deps.eventTypes.known(programId);
  doc.conversion.eventTypes.forEach((t, i) => {
    if (!known.has(t))
      errors.push({ path: `/conversion/eventTypes/${i}`, message: `unknown event type ${t}` });
  });
  if (doc.conversion.condition !== null) {
    const problem = conditionProblem(doc.conversion.condition);
    if (problem) errors.push({ path: '/conversion/condition', message: problem });
  }
  for (const side of ['referrer', 'referred'] as const) {
    const unit = doc.rewards[side]?.unit;
    if (unit !== undefined && unit !== 'points' && !isCurrency(unit))
      errors.push({ path: `/rewards/${side}/unit`, message: `unknown currency ${unit}` });
  }
  (doc.rewards.referrer?.tiers ?? []).forEach((tier, i, tiers) => {
    const before = tiers[i - 1];
    if (before && tier.from <= before.from)
      errors.push({
        path: `/rewards/referrer/tiers/${i}/from`,
        message: `tiers go up: ${tier.from} is not above the previous tier's ${before.from}`,
      });
  });
  if (errors.length > 0) throw fieldErrors('referral_program_invalid', errors);
}

export function existingProgram(row: ReferralProgramRow | undefined, code: string): ReferralProgramRow {
  if (!row) throw new FidelisError('referral_program_not_found', `No referral program ${code}`);
  return row;
}

export async function createReferralProgram(
  deps: PartnerDeps,
  programId: string,
  input: CreateReferralProgramInput,
  actor: Actor,
) {
  const { code, active, ...fields } = input;
  const doc = documentOf(fields);
  await validate(deps, programId, doc);
  try {
    const created = await deps.database.transaction(async (tx) => {
      const view = toReferralProgram(
        await insertReferralProgram(tx, { programId, code, active: active ?? true, document: doc }),
      );
      await deps.audit.record(tx, programId, {
        actor,
        action: 'referral_program.create',
        resourceType: 'referral_program',
        resourceId: code,
        after: view,
      });
      return view;
    });
    deps.programs.config.forget(programId);
    return created;
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldErrors('referral_program_exists', [
        { path: '/code', message: `the program already has a referral program ${code}` },
      ]);
    throw error;
  }
}

/** Replaces the program's document (and active flag); conversions from then on follow it. */
export async function updateReferralProgramOf(
  deps: PartnerDeps,
  programId: string,
  code: string,
  input: UpdateReferralProgramInput,
  actor: Actor,
  now = new Date(),
) {
  const { active, ...fields } = input;
  const doc = documentOf(fields);
  await validate(deps, programId, doc);
  const changed = await deps.database.transaction(async (tx) => {
    const locked = existingProgram(await lockReferralProgram(tx, programId, code), code);
    const row = (await updateReferralProgram(tx, programId, code, {
      document: doc,
      active: active ?? locked.active,
      updatedAt: now,
    }))!;
    const after = toReferralProgram(row);
    await deps.audit.record(tx, programId, {
      actor,
      action: 'referral_program.update',
      resourceType: 'referral_program',
      resourceId: code,
      before: toReferralProgram(locked),
      after,
    });
    return after;
  });
  deps.programs.config.forget(programId);
  return changed;
}

export async function getReferralProgram(deps: PartnerDeps, programId: string, code: string) {
  return toReferralProgram(
    existingProgram(await findReferralProgram(deps.database.db, programId, code), code),
  );
}

export function referralProgramsOf(deps: PartnerDeps, programId: string, query: PageQuery) {
  return fetchPage(
    query,
    (after, limit) => listReferralPrograms(deps.database.db, programId, {}, after, limit),
    toReferralProgram,
    (r) => r.code,
  );
}

/** The program's active referral programs, cached per instance (no query while nothing changed). */
export function activePrograms(deps: PartnerDeps, programId: string): Promise<ReferralProgramRow[]> {
  return deps.programs.config.get(programId, 'referral-programs', () =>
    activeReferralPrograms(deps.database.db, programId),
  );
}
