// One event of the commission sweep (decisions 0052, 0055): the referral it converts, if the hook missed
// that too (the rewards and fixed commission line, once: keys derived from the referral), then its
// commission lines. Each write is its own transaction (a conversion, a partner's lines, a clawback),
// so a failing event undoes nothing of the events before it; its keys make a second pass write nothing.
import { minorDigits } from '../../core/money.ts';
import type { ConditionFacts } from '../../core/rules/condition.ts';
import type { RecordedEvent } from '../events/events-reads.ts';
import { type CommissionEvent, recordCommissions } from './partners-commissions.ts';
import { type CommittedEvent, convertOn } from './partners-conversion.ts';
import type { PartnerDeps } from './partners-deps.ts';
import { activePrograms } from './partners-programs.ts';
import { unconvertedReferralsOf } from './partners-store.ts';

export const toCommissionEvent = (e: RecordedEvent): CommissionEvent => ({
  id: e.id,
  type: e.type,
  accountId: e.accountId,
  at: e.occurredAt,
  references: e.references,
  amountMinor: e.amountMinor,
  recordedAt: new Date(e.receivedAt),
  ...(e.originalEventId ? { originalEventId: e.originalEventId } : {}),
});

/**
 * The facts a conversion condition reads, rebuilt from the stored event and the account as it is now:
 * the tier, RFM scores and ancestors the hook saw are not stored, so they read as absent (decision 0055).
 */
async function factsOf(deps: PartnerDeps, programId: string, e: RecordedEvent): Promise<ConditionFacts> {
  const program = await deps.programs.get(programId);
  const account = await deps.accounts.resolve(programId, e.accountId);
  const digits = 10 ** minorDigits(program.baseCurrency);
  const sameCurrency = e.currency === program.baseCurrency;
  const decimal = (v: string | null) => (v === null ? null : Number(v));
  return {
    event: {
      id: e.id,
      type: e.type,
      amount: decimal(e.amount),
      currency: e.currency,
      baseAmount: e.amountMinor === null ? null : Number(e.amountMinor) / digits,
      items: e.items.map((item) => ({
        sku: item.sku,
        category: item.category,
        quantity: item.quantity,
        unitPrice: decimal(item.unitPrice),
        amount: decimal(item.amount),
        baseAmount: sameCurrency ? decimal(item.amount) : null,
        attributes: item.attributes,
      })),
      references: e.references,
      attributes: e.attributes,
    },
    account: {
      id: account.id,
      externalId: account.externalId,
      name: account.name,
      segment: account.segment,
      country: account.country,
      status: account.status,
      tier: null,
      tierMultiplier: null,
      parentId: account.parentId,
      ancestors: [],
      attributes: account.attributes,
      rfm: null,
    },
    contact: null,
    program: { baseCurrency: program.baseCurrency, timeZone: program.timeZone },
    occurredAt: e.occurredAt,
  };
}

export interface SweptEvent {
  lines: number;
  converted: number;
}

/** Catches one recorded event up: its referral conversion (if it qualifies), then its commission lines. */
export async function sweepEvent(
  deps: PartnerDeps,
  programId: string,
  event: RecordedEvent,
  now: Date,
): Promise<SweptEvent> {
  let converted = 0;
  if (event.type !== 'return') {
    const programs = await activePrograms(deps, programId);
    // Facts are rebuilt only for an account with a referral left to convert (most have none).
    if (
      programs.some((p) => p.document.conversion.eventTypes.includes(event.type)) &&
      (await unconvertedReferralsOf(deps.database.db, programId, [event.accountId])).length > 0
    ) {
      const committed: CommittedEvent = {
        ...toCommissionEvent(event),
        facts: await factsOf(deps, programId, event),
      };
      converted = await convertOn(deps, programId, [committed], now, programs);
    }
  }
  const lines = await recordCommissions(deps, programId, [toCommissionEvent(event)], now);
  return { lines, converted };
}
