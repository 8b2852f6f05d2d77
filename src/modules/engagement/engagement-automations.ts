// Lifecycle automations: birthdays (contacts), client anniversaries (the account's customerSince),
// milestones (lifetime spend or points crossing a threshold), win-back (no qualifying event for N
// days), membership and tier anniversaries, configured as data with their effect (points, cashback,
// a badge, a catalog reward issued free): defined, changed, read, and their
// firings listed. Firing them (the due run) is engagement-firing.ts.
import type { Actor } from '../../core/access.ts';
import { type AutomationDocument, automationProblems } from '../../core/engagement/automation.ts';
import { FidelisError, type FieldError, fieldError, fieldErrors, invalid } from '../../core/errors.ts';
import { formatAmount, minorDigits } from '../../core/money.ts';
import { afterCursor, fetchPage, type PageQuery, toPage } from '../../core/pagination.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { planIds } from '../memberships/memberships-reads.ts';
import { type EngagementDeps, existing } from './engagement-deps.ts';
import { type FiringPosition, firingPosition, listProgramFirings } from './engagement-firings-store.ts';
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

export interface ProgramFiringsQuery extends PageQuery {
  automation?: string;
  account?: string;
  since?: string;
  until?: string;
}

/** A firing's key as a cursor's: fired at (ISO), automation, subject, occurrence (decision 0051). */
function positionOf(cursor: string | undefined): FiringPosition | undefined {
  const after = afterCursor(cursor, 400);
  if (after === undefined) return undefined;
  try {
    const position: unknown = JSON.parse(after);
    if (
      Array.isArray(position) &&
      position.length === 4 &&
      position.every((p) => typeof p === 'string') &&
      !Number.isNaN(Date.parse(String(position[0])))
    )
      return position as FiringPosition;
  } catch {}
  throw new FidelisError('invalid_cursor');
}

/**
 * The program's firings across automations, newest first, a page at a time: of one automation, of
 * one account, fired in [since, until) when asked (decision 0051).
 */
export async function programFirings(deps: EngagementDeps, programId: string, query: ProgramFiringsQuery) {
  const since = query.since === undefined ? undefined : new Date(query.since);
  const until = query.until === undefined ? undefined : new Date(query.until);
  if (since && until && until <= since)
    throw invalid('The range ends before it starts', { '/until': 'must be after since' });
  const after = positionOf(query.cursor);
  if (query.automation !== undefined)
    existing(
      await findAutomation(deps.database.db, programId, query.automation),
      'automation',
      query.automation,
    );
  const account =
    query.account === undefined ? undefined : await deps.accounts.resolve(programId, query.account);
  const limit = query.limit ?? 50;
  const rows = await listProgramFirings(
    deps.database.db,
    programId,
    { automation: query.automation, accountId: account?.id, since, until },
    after,
    limit + 1,
  );
  const { baseCurrency } = await deps.programs.get(programId);
  return toPage(
    rows,
    limit,
    (row) => toFiring(row, baseCurrency),
    (row) => JSON.stringify(firingPosition(row)),
  );
}
