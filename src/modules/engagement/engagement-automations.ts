// Lifecycle automations: birthdays (contacts), client anniversaries (the account's customerSince),
// milestones (lifetime spend or points crossing a threshold), win-back (no qualifying event for N
// days), membership and tier anniversaries, configured as data with their effect (points, cashback,
// a badge, a catalog reward issued free): defined, changed, read, and their
// firings listed. Firing them (the due run) is engagement-firing.ts.
import type { Actor } from '../../core/access.ts';
import { type AutomationDocument, automationProblems } from '../../core/engagement/automation.ts';
import { type FieldError, fieldError, fieldErrors } from '../../core/errors.ts';
import { formatAmount, minorDigits } from '../../core/money.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { planIds } from '../memberships/memberships-reads.ts';
import { type EngagementDeps, existing } from './engagement-deps.ts';
import { catalogRewardProblem } from './engagement-free-reward.ts';
import {
  type AutomationRow,
  type FiringRow,
  findAutomation,
  findBadge,
  insertAutomation,
  listAutomations,
  listFirings,
  lockAutomation,
  updateAutomation as patchAutomation,
} from './engagement-store.ts';

export function toAutomation(row: AutomationRow) {
  return {
    code: row.code,
    ...row.document,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toFiring(row: FiringRow, baseCurrency: string) {
  return {
    automation: row.automationCode,
    subjectId: row.subjectId,
    occurrence: row.occurrence,
    accountId: row.accountId,
    contactId: row.contactId,
    occurredOn: row.occurredOn,
    firedAt: row.firedAt.toISOString(),
    explanation: row.explanation,
    points: row.points,
    entryId: row.entryId,
    cashback: row.cashback === null ? null : formatAmount(BigInt(row.cashback), baseCurrency),
    cashbackEntryId: row.cashbackEntryId,
    badgeAwardId: row.badgeAwardId,
    rewardId: row.rewardId,
    redemptionId: row.redemptionId,
    rewardSkipped: row.rewardSkipped,
    rewardIssuedAt: row.rewardIssuedAt?.toISOString() ?? null,
    rewardWaivedAt: row.rewardWaivedAt?.toISOString() ?? null,
    rewardWaivedReason: row.rewardWaivedReason,
  };
}

export type AutomationInput = Omit<AutomationDocument, 'startsAt' | 'enabled'> & {
  startsAt?: string;
  enabled?: boolean;
};

/** A membership anniversary's plans and a tier anniversary's tier (and ladder) must exist. */
async function triggerProblems(
  deps: EngagementDeps,
  programId: string,
  doc: AutomationDocument,
): Promise<FieldError[]> {
  const t = doc.trigger;
  const problems: FieldError[] = [];
  if (t.kind === 'membership_anniversary' && t.plans !== undefined) {
    const known = await planIds(deps.database.db, programId);
    for (const [i, plan] of t.plans.entries())
      if (!known.has(plan)) problems.push({ path: `/trigger/plans/${i}`, message: `unknown plan ${plan}` });
  }
  if (t.kind === 'tier_anniversary') {
    const ladders = await deps.tiers.listLadders(programId);
    const on = ladders.filter((l) => t.ladder === undefined || l.id === t.ladder);
    if (t.ladder !== undefined && on.length === 0)
      problems.push({ path: '/trigger/ladder', message: `unknown ladder ${t.ladder}` });
    else if (!on.some((l) => l.document.tiers.some((x) => x.code === t.tier)))
      problems.push({
        path: '/trigger/tier',
        message: `no tier ${t.tier} on ${t.ladder === undefined ? 'any ladder' : `ladder ${t.ladder}`}`,
      });
  }
  return problems;
}

async function validate(
  deps: EngagementDeps,
  programId: string,
  doc: AutomationDocument,
): Promise<AutomationDocument> {
  const problems: FieldError[] = Object.entries(automationProblems(doc)).map(([path, message]) => ({
    path: `/${path}`,
    message,
  }));
  const t = doc.trigger;
  const types = t.kind === 'win_back' ? t.eventTypes : t.kind === 'milestone' ? (t.eventTypes ?? []) : [];
  if (types.length > 0) {
    const known = await deps.eventTypes.known(programId);
    for (const [i, type] of types.entries())
      if (!known.has(type))
        problems.push({ path: `/trigger/eventTypes/${i}`, message: `unknown event type ${type}` });
  }
  problems.push(...(await triggerProblems(deps, programId, doc)));
  if (doc.effect.cashback !== undefined && !problems.some((p) => p.path === '/effect/cashback')) {
    const digits = minorDigits((await deps.programs.get(programId)).baseCurrency);
    if ((doc.effect.cashback.split('.')[1]?.length ?? 0) > digits)
      problems.push({ path: '/effect/cashback', message: `at most ${digits} decimals in the base currency` });
  }
  if (doc.effect.badge !== undefined && !(await findBadge(deps.database.db, programId, doc.effect.badge)))
    problems.push({ path: '/effect/badge', message: `unknown badge ${doc.effect.badge}` });
  const reward = await catalogRewardProblem(
    deps,
    programId,
    doc.effect.catalogReward,
    '/effect/catalogReward',
  );
  if (reward) problems.push(reward);
  if (problems.length > 0) throw fieldErrors('automation_invalid', problems);
  return doc;
}

function documentOf(input: AutomationInput, now: Date): AutomationDocument {
  const { startsAt, enabled, ...rest } = input;
  return { ...rest, startsAt: startsAt ?? now.toISOString(), enabled: enabled ?? true };
}

export async function createAutomation(
  deps: EngagementDeps,
  programId: string,
  input: AutomationInput & { code: string },
  actor: Actor,
  now = new Date(),
) {
  const { code, ...rest } = input;
  const doc = await validate(deps, programId, documentOf(rest, now));
  try {
    return await deps.database.transaction(async (tx) => {
      const created = toAutomation(await insertAutomation(tx, { programId, code, document: doc }));
      await deps.audit.record(tx, programId, {
        actor,
        action: 'automation.create',
        resourceType: 'automation',
        resourceId: code,
        after: created,
      });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldError('automation_exists', `The program already has an automation ${code}`, {
        code: 'is taken',
      });
    throw error;
  }
}

/** Changes an automation (its occurrences already fired stay fired). */
export async function updateAutomation(
  deps: EngagementDeps,
  programId: string,
  code: string,
  input: AutomationInput,
  actor: Actor,
  now = new Date(),
) {
  const current = existing(await findAutomation(deps.database.db, programId, code), 'automation', code);
  const doc = await validate(
    deps,
    programId,
    documentOf({ ...input, startsAt: input.startsAt ?? current.document.startsAt }, now),
  );
  return deps.database.transaction(async (tx) => {
    const locked = existing(await lockAutomation(tx, programId, code), 'automation', code);
    const after = toAutomation(
      (await patchAutomation(tx, programId, code, { document: doc, updatedAt: now }))!,
    );
    await deps.audit.record(tx, programId, {
      actor,
      action: 'automation.update',
      resourceType: 'automation',
      resourceId: code,
      before: toAutomation(locked),
      after,
    });
    return after;
  });
}

export async function getAutomation(deps: EngagementDeps, programId: string, code: string) {
  return toAutomation(existing(await findAutomation(deps.database.db, programId, code), 'automation', code));
}

export function automationsOf(deps: EngagementDeps, programId: string, query: PageQuery) {
  return fetchPage(
    query,
    (after, limit) => listAutomations(deps.database.db, programId, {}, after, limit),
    toAutomation,
    (r) => r.code,
  );
}

/** The latest firings of an automation (of one account when asked), newest first. */
export async function firingsOf(
  deps: EngagementDeps,
  programId: string,
  code: string,
  query: { account?: string; limit?: number },
) {
  existing(await findAutomation(deps.database.db, programId, code), 'automation', code);
  const account =
    query.account === undefined ? undefined : await deps.accounts.resolve(programId, query.account);
  const rows = await listFirings(deps.database.db, programId, code, account?.id, query.limit ?? 50);
  const { baseCurrency } = await deps.programs.get(programId);
  return { data: rows.map((row) => toFiring(row, baseCurrency)) };
}
