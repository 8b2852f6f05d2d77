// What every tier use case shares: the service's dependencies, an account's status on a ladder (read,
// mapped, written under its locks with its history), whose status and metric count, and the metric.
import { FidelisError } from '../../core/errors.ts';
import {
  type Change,
  type Decision,
  dueAt,
  eventTypesOf,
  isManagedMetric,
  type LadderDocument,
  scaleMetric,
  type TierState,
} from '../../core/tiers/ladder.ts';
import { joinedAt } from '../../core/tiers/standing.ts';
import { advisoryLock, type Database, type Executor, type Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { managedCounts, managedWindows } from '../accounts/accounts-reads.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import { type MetricWindow, metricTotals } from '../events/events-reads.ts';
import type { OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import {
  findLadder,
  insertChanges,
  type LadderRow,
  listLadders,
  lockStatusRows,
  operatorValues,
  type StatusRow,
  saveStatus,
} from './tiers-store.ts';
import type { tierChanges } from './tiers-tables.ts';

/** What the tier use cases are given (built once by createTierService). */
export interface TierDeps {
  database: Database;
  programs: ProgramService;
  accounts: AccountService;
  eventTypes: EventTypeService;
  audit: AuditService;
  /** Where tier changes are announced to webhooks (decision 0016). */
  outbox?: Pick<OutboxService, 'emit'>;
}

/** Writes tier changes to the history and announces them (`tier.changed`) in the same transaction. */
export async function recordChanges(
  deps: Pick<TierDeps, 'outbox'>,
  tx: Executor,
  programId: string,
  rows: Array<typeof tierChanges.$inferInsert>,
): Promise<void> {
  await insertChanges(tx, rows);
  await deps.outbox?.emit(
    tx,
    programId,
    rows.map((r) => ({ type: 'tier.changed' as const, payload: { ...r, programId: undefined } })),
  );
}

/**
 * The program's ladders from this instance's cache (decision 0014): at once after a ladder written
 * through this instance, at most CONFIG_CHECK_MS behind one written through another.
 */
export function laddersOf(deps: TierDeps, programId: string): Promise<LadderRow[]> {
  return deps.programs.config.get(programId, 'ladders', () => listLadders(deps.database.db, programId));
}

/** Runs inside a tier write's transaction (the audit record). */
export type AfterWrite = (tx: Tx, state: TierState) => Promise<void>;

export function toState(row: StatusRow | undefined): TierState {
  if (!row) return { tier: null, since: null, securedUntil: null, graceUntil: null, override: null };
  return {
    tier: row.tierCode,
    since: row.since,
    securedUntil: row.securedUntil,
    graceUntil: row.graceUntil,
    override: row.overrideKind
      ? {
          kind: row.overrideKind,
          tier: row.overrideTier,
          until: row.overrideUntil,
          reason: row.overrideReason ?? '',
        }
      : null,
  };
}

export function toRow(programId: string, ladderId: string, accountId: string, s: TierState) {
  return {
    programId,
    ladderId,
    accountId,
    tierCode: s.tier,
    since: s.since,
    securedUntil: s.securedUntil,
    graceUntil: s.graceUntil,
    overrideKind: s.override?.kind ?? null,
    overrideTier: s.override?.tier ?? null,
    overrideUntil: s.override?.until ?? null,
    overrideReason: s.override?.reason ?? null,
    dueAt: dueAt(s),
  };
}

/** The history rows of these changes; a tier removed by a ladder change is named as it was (`former`). */
export function changeRows(
  programId: string,
  ladder: LadderRow,
  accountId: string,
  changes: Change[],
  made: { metric: string | null; actor: string | null; note: string | null; former?: LadderDocument },
) {
  const name = (code: string | null) =>
    ladder.document.tiers.find((t) => t.code === code)?.name ??
    made.former?.tiers.find((t) => t.code === code)?.name ??
    null;
  return changes.map((c) => ({
    programId,
    id: newId('tch'),
    ladderId: ladder.id,
    accountId,
    fromCode: c.from,
    toCode: c.to,
    fromName: name(c.from),
    toName: name(c.to),
    reason: c.reason,
    metric: made.metric,
    at: c.at,
    actor: made.actor,
    note: made.note,
  }));
}

export async function ladderOf(
  deps: TierDeps,
  programId: string,
  ladderId: string,
  db: Executor = deps.database.db,
): Promise<LadderRow> {
  const row = await findLadder(db, programId, ladderId);
  if (!row) throw new FidelisError('ladder_not_found', `No tier ladder ${ladderId}`);
  return row;
}

export interface Subject {
  /** The account whose status and metric count: the account, or its top group. */
  qualifierId: string;
  members: string[];
  enrolledAt: Date;
}

/** Reads (before any transaction) which account qualifies and whose events count. */
export async function subjectOf(
  { programs, accounts }: TierDeps,
  programId: string,
  doc: LadderDocument,
  accountId: string,
): Promise<Subject> {
  const qualifierId = doc.groupQualification ? await accounts.topOf(programId, accountId) : accountId;
  const members = doc.groupQualification ? await accounts.members(programId, qualifierId) : [qualifierId];
  const program = await programs.get(programId);
  const enrolledAt = joinedAt(
    (await accounts.joinDates(programId, [qualifierId])).get(qualifierId),
    program.timeZone,
  );
  return { qualifierId, members, enrolledAt };
}

/** The metric of each subject over the window ending at its instant (exclusive end). */
export async function metricsOf(
  db: Executor,
  programId: string,
  ladder: LadderRow,
  digits: number,
  items: Array<{ key: string; members: string[]; from: Date; to: Date }>,
): Promise<Map<string, bigint>> {
  const doc = ladder.document;
  if (doc.metric === 'operator_value') {
    const values = await operatorValues(
      db,
      programId,
      ladder.id,
      items.flatMap((i) => i.members.map((accountId) => ({ key: i.key, accountId, to: i.to }))),
    );
    return new Map(
      items.map((i) => [i.key, (values.get(i.key) ?? []).reduce((s, v) => s + scaleMetric(v, digits), 0n)]),
    );
  }
  if (doc.metric === 'managed_accounts') {
    const counts = await managedCounts(db, programId, items);
    return new Map(items.map((i) => [i.key, counts.get(i.key) ?? 0n]));
  }
  // managed_spend: the managed accounts' spend, each over the part of the window it was managed in.
  const windows: MetricWindow[] = isManagedMetric(doc.metric)
    ? await managedWindows(db, programId, items)
    : items.flatMap((i) => i.members.map((accountId) => ({ key: i.key, accountId, from: i.from, to: i.to })));
  const kind = doc.metric === 'managed_spend' ? 'qualifying_spend' : doc.metric;
  const totals = await metricTotals(db, programId, kind, eventTypesOf(doc), windows);
  return new Map(items.map((i) => [i.key, totals.get(i.key) ?? 0n]));
}

/** The metric of one subject over [from, to). */
export async function metricOf(
  db: Executor,
  programId: string,
  ladder: LadderRow,
  digits: number,
  window: { members: string[]; from: Date; to: Date },
): Promise<bigint> {
  return (await metricsOf(db, programId, ladder, digits, [{ key: 'm', ...window }])).get('m') ?? 0n;
}

/** Runs `decide` on the subject's status under its locks and stores the result with its history. */
export async function changeStatus(
  { database, outbox }: TierDeps,
  programId: string,
  ladder: LadderRow,
  subject: Subject,
  decide: (tx: Tx, state: TierState) => Promise<{ decision: Decision; metric: string | null }>,
  made: { actor: string | null; note?: string | null; afterWrite?: AfterWrite; former?: LadderDocument },
): Promise<Decision> {
  return database.transaction(async (tx) => {
    await advisoryLock(tx, `tier:${programId}:${ladder.id}:${subject.qualifierId}`);
    const [row] = await lockStatusRows(tx, programId, ladder.id, [subject.qualifierId]);
    const { decision, metric } = await decide(tx, toState(row));
    if (decision.changes.length > 0 || !row) {
      await saveStatus(tx, toRow(programId, ladder.id, subject.qualifierId, decision.state));
      await recordChanges(
        { outbox },
        tx,
        programId,
        changeRows(programId, ladder, subject.qualifierId, decision.changes, {
          metric,
          actor: made.actor,
          note: made.note ?? null,
          former: made.former,
        }),
      );
    }
    await made.afterWrite?.(tx, decision.state);
    return decision;
  });
}
