// Commission lines (decision 0032), from the events of referred accounts that just committed (the
// events' referral port): a converted referral's fixed commission, a percentage of revenue (flat or
// tiered by the partner's volume in the period) and a target bonus, each a line explained and written
// through the ledger as a pending credit keyed by plan and event (`commission:<plan>:<event>`), so a
// resent event never pays twice. Lines of one partner are written under a lock of its assignment
// (volumes and tiers read in order). A return of the revenue claws back its share: voided while the
// line is pending, reversed after it posted (the ledger's clawback policy: a debt, or written off).
import { actorName } from '../../core/access.ts';
import { addMonths, localDate, startOfLocalDay } from '../../core/calendar.ts';
import { minorDigits } from '../../core/money.ts';
import { fetchPage } from '../../core/pagination.ts';
import {
  clawbackOf,
  percentOf,
  periodContaining,
  reachesTarget,
  tieredLine,
} from '../../core/partners/commission.ts';
import type { Tx } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { CreditContext } from '../ledger/ledger-service.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import { activeCommissionPlans, minorOf } from './partners-commission-plans.ts';
import type { LinesQueryInput } from './partners-commission-schemas.ts';
import {
  type CommissionLineRow,
  type CommissionPlanRow,
  findAssignment,
  insertLine,
  lineByKey,
  listLines,
  lockAssignment,
  lockLinesOfEvent,
  type NewCommissionLineRow,
  referralsOfReferred,
  updateLine,
  volumeIn,
} from './partners-commission-store.ts';
import { moneyWords, toLine } from './partners-commission-views.ts';
import type { CommittedEvent } from './partners-conversion.ts';
import { type PartnerDeps, REFERRALS_JOB } from './partners-deps.ts';
import type { ReferralRow } from './partners-store.ts';
import { applyReturn } from './partners-sweep-store.ts';

/** What commissions read of a committed event (not the facts rules saw); the sweep adds when it was recorded. */
export type CommissionEvent = Omit<CommittedEvent, 'facts'> & { recordedAt?: Date };

const DAY_MS = 86_400_000;
const JOB = actorName(REFERRALS_JOB);

type Program = Awaited<ReturnType<PartnerDeps['programs']['get']>>;

/** What one partner's lines for one event need, read before the transaction. */
export interface Paying {
  program: Program;
  plan: CommissionPlanRow;
  referral: ReferralRow;
  referredName: string;
  context: CreditContext;
  event: Pick<CommittedEvent, 'id' | 'type' | 'at' | 'amountMinor'>;
  now: Date;
}

/** A line to write: its row (without ids) and the minor units it pays. */
type Planned = Omit<NewCommissionLineRow, 'id' | 'programId' | 'entryId' | 'remaining' | 'dueAt'> & {
  amount: number;
};

/** How much earlier than its attribution an event may be stamped and still pay (client clocks, batches). */
const CLOCK_SLACK_MS = 3_600_000;

/**
 * Whether the revenue of an event at `at` counts: from the attribution (less the slack: the hook only
 * sees events recorded after it, some stamped a moment before) to `months` after it.
 */
function withinMonths(referral: ReferralRow, months: number | null, at: Date, timeZone: string): boolean {
  if (at.getTime() < referral.attributedAt.getTime() - CLOCK_SLACK_MS) return false;
  if (months === null) return true;
  const until = startOfLocalDay(addMonths(localDate(referral.attributedAt, timeZone), months), timeZone);
  return at.getTime() < until.getTime();
}

/** The lines one event pays its referrer's partner under its plan (the volume read under the lock). */
async function planLines(tx: Tx, p: Paying): Promise<Planned[]> {
  const { plan, referral, event, program } = p;
  const doc = plan.document;
  const base = program.baseCurrency;
  const divisor = doc.unit === 'points' ? 10n ** BigInt(minorDigits(base)) : 1n;
  const revenue = event.amountMinor ?? null;
  const common = {
    partnerAccountId: referral.referrerAccountId,
    planCode: plan.code,
    planVersion: plan.version,
    referralId: referral.id,
    referredAccountId: referral.referredAccountId,
    eventId: event.id,
    unit: doc.unit,
    occurredAt: event.at,
  };
  const lines: Planned[] = [];
  const of = `${event.type} ${event.id} of ${p.referredName}`;
  if (doc.fixed && referral.status === 'converted' && referral.conversionEventId === event.id) {
    lines.push({
      ...common,
      key: `commission:${plan.code}:${referral.id}:fixed`,
      kind: 'fixed',
      revenueMinor: revenue === null ? null : Number(revenue),
      amount: Number(minorOf(doc.fixed.amount, doc.unit)),
      explanation: `Fixed commission: referral of ${p.referredName} converted on ${event.id}`,
    });
  }
  const r = doc.revenue;
  if (
    !r ||
    revenue === null ||
    revenue <= 0n ||
    !r.eventTypes.includes(event.type) ||
    !withinMonths(referral, r.months, event.at, program.timeZone)
  )
    return lines;
  const period = periodContaining(event.at, r.period, program.timeZone);
  const before = await volumeIn(tx, program.id, common.partnerAccountId, plan.code, period.key);
  const revenueWords = moneyWords(revenue, base);
  const tiers = r.tiers?.map((t) => ({ from: minorOf(t.from, base), rate: t.rate })) ?? null;
  const amount = tiers ? tieredLine(before, revenue, tiers, divisor) : percentOf(revenue, r.rate!, divisor);
  lines.push({
    ...common,
    key: `commission:${plan.code}:${event.id}`,
    kind: 'percentage',
    period: period.key,
    revenueMinor: Number(revenue),
    rate: r.rate,
    amount: Number(amount),
    explanation: tiers
      ? `Tiered commission on ${of}, ${revenueWords} (${period.key} volume ${moneyWords(before, base)} → ${moneyWords(before + revenue, base)})`
      : `${r.rate}% of ${of}, ${revenueWords}`,
  });
  const bonus = doc.bonus;
  if (bonus) {
    const window = periodContaining(event.at, bonus.period, program.timeZone);
    const bonusBefore =
      window.key === period.key
        ? before
        : await volumeIn(tx, program.id, common.partnerAccountId, plan.code, window.key);
    const target = minorOf(bonus.target, base);
    if (reachesTarget(bonusBefore, bonusBefore + revenue, target))
      lines.push({
        ...common,
        key: `commission:${plan.code}:${common.partnerAccountId}:bonus:${window.key}`,
        kind: 'bonus',
        period: window.key,
        amount: Number(minorOf(bonus.amount, doc.unit)),
        explanation: `Target bonus: ${moneyWords(target, base)} of referred revenue reached in ${window.key} (on ${event.id})`,
      });
  }
  return lines;
}

/** Writes one event's lines for a partner, once: the assignment is locked, keys already used are skipped. */
export async function payEvent(deps: PartnerDeps, p: Paying): Promise<number> {
  const programId = p.program.id;
  const holding = p.plan.document.holdingDays;
  const dueAt = new Date(p.now.getTime() + holding * DAY_MS);
  return deps.database.transaction(async (tx) => {
    const assignment = await lockAssignment(tx, programId, p.referral.referrerAccountId);
    if (assignment?.planCode !== p.plan.code) return 0;
    const planned = await planLines(tx, p);
    let written = 0;
    for (const line of planned) {
      if (await lineByKey(tx, programId, line.key)) continue;
      let entryId: string | null = null;
      if (line.amount > 0) {
        const { entry } = await deps.ledger.credit(
          programId,
          {
            key: line.key,
            account: line.partnerAccountId,
            unit: line.unit,
            amount: line.amount,
            type: 'earn',
            reasonCode: 'commission',
            explanation: line.explanation,
            sourceType: 'event',
            sourceId: line.eventId ?? undefined,
            ...(holding > 0 ? { pendingUntil: dueAt } : {}),
            expiresAt: null,
            actor: JOB,
          },
          tx,
          p.context,
        );
        entryId = entry.id;
      }
      const row = await insertLine(tx, {
        ...line,
        programId,
        id: newId('cml'),
        remaining: line.amount,
        entryId,
        dueAt,
      });
      await deps.outbox?.emit(tx, programId, [{ type: 'commission.created', payload: toLine(row, p.now) }]);
      written++;
    }
    return written;
  });
}

/** A return takes back its share of every line its original event paid. */
async function clawBack(
  deps: PartnerDeps,
  program: Program,
  ret: CommissionEvent,
  now: Date,
): Promise<number> {
  const programId = program.id;
  const originalId = ret.originalEventId ?? ret.references.originalEventId;
  const returned = ret.amountMinor ?? 0n;
  if (!originalId || returned <= 0n) return 0;
  const settings = ledgerSettings(program.settings);
  // What a replacement credit needs is read first: a read outside the transaction would wait for it.
  const contexts = new Map<string, CreditContext>();
  for (const line of await listLines(deps.database.db, programId, { eventId: originalId }, undefined, 1000))
    if (!contexts.has(line.partnerAccountId))
      contexts.set(line.partnerAccountId, await deps.ledger.creditContext(programId, line.partnerAccountId));
  if (contexts.size === 0) return 0;
  return deps.database.transaction(async (tx) => {
    let taken = 0;
    for (const line of await lockLinesOfEvent(tx, programId, originalId)) {
      const key = `${line.key}:clawback:${ret.id}`;
      if (await lineByKey(tx, programId, key)) continue;
      // Once per line and return, even when it takes nothing back: the hook and the sweep may both come.
      if (!(await applyReturn(tx, programId, line.id, ret.id))) continue;
      const revenue = BigInt(line.revenueMinor ?? 0);
      const returnedBefore = BigInt(line.returnedMinor);
      const full = returnedBefore + returned >= revenue;
      const share =
        line.kind === 'fixed'
          ? full
            ? BigInt(line.remaining)
            : 0n
          : clawbackOf({ amount: BigInt(line.amount), revenue }, returnedBefore, returned);
      const take = Math.min(Number(share), line.remaining);
      const patch: Partial<CommissionLineRow> = { returnedMinor: Number(returnedBefore + returned) };
      if (take <= 0 || line.entryId === null) {
        await updateLine(tx, programId, line.id, patch);
        continue;
      }
      const explanation = `Clawback: ${ret.id} returned ${moneyWords(returned, program.baseCurrency)} of ${line.eventId} (${line.explanation})`;
      const { entry, resolvedBy } = await deps.ledger.resolution(programId, line.entryId, tx);
      let how: 'voided' | 'reversed';
      let entryId: string;
      let dueAt = now;
      if (entry.phase === 'pending' && resolvedBy === null) {
        const voided = await deps.ledger.resolve(
          programId,
          entry.id,
          'void',
          { key: `${key}:void`, explanation, actor: JOB, sourceType: 'event' },
          tx,
        );
        const rest = line.remaining - take;
        if (rest > 0) {
          const again = await deps.ledger.credit(
            programId,
            {
              key: `${key}:repend`,
              account: line.partnerAccountId,
              unit: line.unit,
              amount: rest,
              type: 'earn',
              reasonCode: 'commission',
              explanation: `${line.explanation}; ${take} taken back by ${ret.id}`,
              sourceType: 'event',
              sourceId: line.eventId ?? undefined,
              pendingUntil: entry.resolveBy ?? line.dueAt,
              expiresAt: null,
              actor: JOB,
            },
            tx,
            contexts.get(line.partnerAccountId),
          );
          patch.entryId = again.entry.id;
        }
        how = 'voided';
        entryId = voided.entry.id;
        dueAt = line.dueAt;
      } else {
        if (resolvedBy?.phase === 'void') continue;
        const reversed = await deps.ledger.reverse(
          programId,
          resolvedBy?.id ?? entry.id,
          {
            key,
            amount: take,
            reasonCode: 'commission_clawback',
            explanation,
            sourceType: 'event',
            sourceId: ret.id,
            actor: JOB,
          },
          tx,
          settings,
        );
        how = 'reversed';
        entryId = reversed.entry.id;
      }
      await updateLine(tx, programId, line.id, { ...patch, remaining: line.remaining - take });
      const row = await insertLine(tx, {
        programId,
        id: newId('cml'),
        key,
        partnerAccountId: line.partnerAccountId,
        planCode: line.planCode,
        planVersion: line.planVersion,
        kind: 'clawback',
        referralId: line.referralId,
        referredAccountId: line.referredAccountId,
        eventId: ret.id,
        relatedLineId: line.id,
        period: line.period,
        revenueMinor: Number(returned),
        unit: line.unit,
        amount: -take,
        remaining: 0,
        explanation,
        entryId,
        how,
        dueAt,
        occurredAt: ret.at,
      });
      await deps.outbox?.emit(tx, programId, [{ type: 'commission.clawed_back', payload: toLine(row, now) }]);
      taken++;
    }
    return taken;
  });
}

/**
 * Commission lines of events that just committed (after referrals converted on them). Answers how
 * many lines were written. With no active commission plan (cached per instance) it returns at once.
 */
export async function recordCommissions(
  deps: PartnerDeps,
  programId: string,
  events: CommissionEvent[],
  now = new Date(),
): Promise<number> {
  if (events.length === 0) return 0;
  const plans = await activeCommissionPlans(deps, programId);
  if (plans.length === 0) return 0;
  const program = await deps.programs.get(programId);
  let written = 0;
  for (const ret of events.filter((e) => e.type === 'return'))
    written += await clawBack(deps, program, ret, now);
  const sales = events.filter((e) => e.type !== 'return').sort((a, b) => a.at.getTime() - b.at.getTime());
  if (sales.length === 0) return written;
  const referrals = await referralsOfReferred(deps.database.db, programId, [
    ...new Set(sales.map((e) => e.accountId)),
  ]);
  const byCode = new Map(plans.map((p) => [p.code, p]));
  for (const referral of referrals) {
    const assignment = await findAssignment(deps.database.db, programId, referral.referrerAccountId);
    const plan = assignment && byCode.get(assignment.planCode);
    if (!plan) continue;
    const referred = await deps.accounts.resolve(programId, referral.referredAccountId);
    const context = await deps.ledger.creditContext(programId, referral.referrerAccountId);
    // The sweep (decision 0052) pays only what the hook would have: not an event recorded before the
    // partner was put on its plan.
    const paid = (e: CommissionEvent) => !e.recordedAt || e.recordedAt >= assignment!.assignedAt;
    for (const event of sales.filter((e) => e.accountId === referral.referredAccountId && paid(e)))
      written += await payEvent(deps, {
        program,
        plan,
        referral,
        referredName: referred.name,
        context,
        event,
        now,
      });
  }
  return written;
}

export async function linesOf(deps: PartnerDeps, programId: string, query: LinesQueryInput) {
  const filters = {
    partnerAccountId: await deps.accounts.idOf(programId, query.partner),
    payoutId: query.payout,
    kind: query.kind,
    eventId: query.event,
  };
  const now = new Date();
  return fetchPage(
    query,
    (after, limit) => listLines(deps.database.db, programId, filters, after, limit),
    (row) => toLine(row, now),
  );
}
