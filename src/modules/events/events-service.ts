// Event ingestion: an event is checked, converted to the base currency, evaluated against the rule
// versions in force at its occurredAt, and stored with its result and its ledger credits in one transaction.
import { createHash } from 'node:crypto';
import { periodOf } from '../../core/calendar.ts';
import { type ErrorCode, FidelisError } from '../../core/errors.ts';
import { expiryFor } from '../../core/ledger/expiry.ts';
import { convertMinor, divide, formatAmount, minorDigits, parseAmount } from '../../core/money.ts';
import { isCurrency } from '../../core/reference.ts';
import type { ConditionFacts } from '../../core/rules/condition.ts';
import {
  type ActiveRule,
  type Award,
  type Evaluation,
  evaluate,
  NO_USAGE,
  type RuleUsage,
} from '../../core/rules/evaluate.ts';
import type { RuleDocument } from '../../core/rules/rule.ts';
import { advisoryLocks, type Database, type Tx } from '../../db/client.ts';
import { isUniqueViolation, retryOnConflict } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { FxService } from '../fx/fx-service.ts';
import type { CreditContext, LedgerService } from '../ledger/ledger-service.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { inForce, type RuleService } from '../rules/rules-service.ts';
import type { RuleVersionRow } from '../rules/rules-store.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import type { EventTypeService } from './event-types-service.ts';
import { eventsSettings } from './events-settings.ts';
import {
  awardsOf,
  type EventRow,
  eventLock,
  findEventByExternalId,
  findEventByRef,
  insertAwards,
  insertEvent,
  listEvents,
  type NewAwardRow,
  returnsOf,
  reversalsOf,
  ruleBudgetUsed,
  ruleUsage,
} from './events-store.ts';
import type { EventItem } from './events-tables.ts';

export interface EventInput {
  /** The client's id of the event: the same id is ingested once. */
  id: string;
  type: string;
  account: string;
  contact?: string;
  occurredAt: string;
  amount?: string;
  currency?: string;
  items?: Array<{
    sku: string;
    category?: string;
    quantity?: number;
    unitPrice?: string;
    amount?: string;
    attributes?: Record<string, unknown>;
  }>;
  references?: Record<string, string>;
  attributes?: Record<string, unknown>;
}

export interface AwardView extends Award {
  entryId: string | null;
}

export interface ReversalView {
  ruleId: string;
  kind: string;
  unit: string;
  amount: number;
  entryId: string | null;
  /** voided_pending: the award was still pending, so the share was cancelled; reversed: taken back. */
  how: 'reversed' | 'voided_pending' | 'tier_credit';
  writtenOff: number;
}

export interface EventResult {
  rules: Evaluation['rules'];
  awards: AwardView[];
  totals: Evaluation['totals'];
  reversals: ReversalView[];
  notes: string[];
}

export type StoredEvent = EventRow;

export type BatchOutcome =
  | { ok: true; replayed: boolean; event: ReturnType<typeof toEventView> }
  | { ok: false; id: string | null; code: string; detail: string; errors?: unknown[] };

const BATCH_MAX = 1000;

/**
 * Event ids and accounts are locked by bucket (a hash of the id into 1,024 buckets per program), so
 * that a batch of 1,000 events holds a bounded number of locks; two ids in one bucket only queue.
 */
const LOCK_BUCKETS = 1024;

function bucketOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h % LOCK_BUCKETS;
}

const idLock = (programId: string, id: string) => `event-id:${programId}:${bucketOf(id)}`;
const accountLock = (programId: string, accountId: string) =>
  `event-account:${programId}:${bucketOf(accountId)}`;

function fail(code: ErrorCode, detail: string, path: string, message: string): FidelisError {
  return new FidelisError(code, detail, { errors: [{ path, message }] });
}

/** The same event always gets the same fingerprint, however its JSON keys were ordered. */
function fingerprint(input: EventInput): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(sorted(input)))
    .digest('hex');
}

export function toEventView(row: EventRow) {
  const result = row.evaluation as unknown as EventResult;
  return {
    id: row.externalId,
    internalId: row.id,
    type: row.type,
    accountId: row.accountId,
    contactId: row.contactId,
    occurredAt: row.occurredAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    amount: row.amount,
    currency: row.currency,
    baseCurrency: row.baseCurrency,
    baseAmount: row.baseAmount === null ? null : formatAmount(BigInt(row.baseAmount), row.baseCurrency),
    fxRate: row.fxRate,
    items: row.items,
    references: row.references,
    attributes: row.attributes,
    originalEventId: row.originalEventId,
    result,
  };
}

export type EventView = ReturnType<typeof toEventView>;

interface Prepared {
  programId: string;
  input: EventInput;
  print: string;
  occurredAt: Date;
  accountId: string;
  contactId: string | null;
  currency: string | null;
  amountMinor: bigint | null;
  baseMinor: bigint | null;
  fxRate: string | null;
  items: EventItem[];
  itemBaseMinor: Array<bigint | null>;
  references: Record<string, string>;
  attributes: Record<string, unknown>;
  facts: ConditionFacts;
  original: EventRow | null;
  /** Where the event sits in the request body, for error paths. */
  at: string;
  credit: CreditContext;
  baseCurrency: string;
  timeZone: string;
  settings: Record<string, unknown>;
}

export function createEventService(
  database: Database,
  programs: ProgramService,
  accounts: AccountService,
  contacts: ContactService,
  ledger: LedgerService,
  fx: FxService,
  rules: RuleService,
  eventTypes: EventTypeService,
  tiers?: Pick<TierService, 'tierAt' | 'recordActivity'>,
) {
  async function resolveAccount(
    programId: string,
    ref: string,
    unknown: 'reject' | 'create_prospect',
    at: string,
  ) {
    try {
      return await accounts.resolve(programId, ref);
    } catch (error) {
      if (!(error instanceof FidelisError) || error.code !== 'account_not_found') throw error;
      if (unknown === 'reject')
        throw fail('account_not_found', `No account ${ref}`, `${at}/account`, 'unknown account');
      try {
        await accounts.create(programId, { externalId: ref, name: ref, status: 'prospect' });
      } catch (created) {
        // Another event created it at the same moment: use that one.
        if (!(created instanceof FidelisError) || created.code !== 'external_id_taken') throw created;
      }
      return accounts.resolve(programId, ref);
    }
  }

  /** Money in → minor units of its currency and of the base currency (at the rate in force at occurredAt). */
  function toMinor(value: string, currency: string, path: string): bigint {
    try {
      return parseAmount(value, currency);
    } catch (error) {
      throw fail('amount_precision', (error as Error).message, path, (error as Error).message);
    }
  }

  /** Everything that can be checked and read before the event's transaction. */
  function originalMissing(ref: string, at: string): FidelisError {
    return fail(
      'original_event_not_found',
      `No event ${ref} was ingested`,
      `${at}/references/originalEventId`,
      'unknown event',
    );
  }

  /** A return must name an event of the same account that is not itself a return, in its currency. */
  function checkOriginal(
    original: EventRow,
    accountId: string,
    amountMinor: bigint | null,
    currency: string | null,
    at: string,
  ): void {
    if (original.accountId !== accountId)
      throw fail(
        'return_not_allowed',
        `Event ${original.externalId} belongs to another account`,
        `${at}/account`,
        'not the account of the original event',
      );
    if (original.type === 'return')
      throw fail(
        'return_not_allowed',
        `Event ${original.externalId} is itself a return`,
        `${at}/references/originalEventId`,
        'is a return',
      );
    if (amountMinor !== null && (original.amount === null || original.currency !== currency))
      throw fail(
        'return_not_allowed',
        original.amount === null
          ? `Event ${original.externalId} has no amount: return it whole (without an amount)`
          : `The return must be in ${original.currency}, the currency of event ${original.externalId}`,
        `${at}/currency`,
        'does not match the original event',
      );
  }

  async function prepare(
    programId: string,
    input: EventInput,
    now: Date,
    at: string,
    mode: 'ingest' | 'batch' | 'simulate' = 'ingest',
  ): Promise<Prepared> {
    const program = await programs.get(programId);
    const settings = eventsSettings(program.settings);
    const occurredAt = new Date(input.occurredAt);
    if (Number.isNaN(occurredAt.getTime()))
      throw fail('validation_failed', 'occurredAt is not a date-time', `${at}/occurredAt`, 'not a date-time');
    if (occurredAt.getTime() > now.getTime() + settings.maxFutureMinutes * 60_000)
      throw fail(
        'event_in_future',
        `occurredAt ${input.occurredAt} is more than ${settings.maxFutureMinutes} minutes ahead of ${now.toISOString()}`,
        `${at}/occurredAt`,
        'in the future',
      );
    const attributes = input.attributes ?? {};
    await eventTypes.checkEvent(programId, input.type, attributes, at);

    const hasMoney =
      input.amount !== undefined ||
      (input.items ?? []).some((i) => i.amount !== undefined || i.unitPrice !== undefined);
    const currency = input.currency ?? (hasMoney ? program.baseCurrency : null);
    if (currency !== null && !isCurrency(currency))
      throw fail(
        'currency_unsupported',
        `${currency} is not an ISO 4217 currency`,
        `${at}/currency`,
        'unknown currency',
      );
    let fxRate: string | null = null;
    if (currency !== null && currency !== program.baseCurrency)
      fxRate = await fx.rateAt(programId, currency, occurredAt, undefined, `${at}/currency`);
    const toBase = (minor: bigint) =>
      fxRate === null ? minor : convertMinor(minor, currency!, fxRate, program.baseCurrency);
    let amountMinor = input.amount === undefined ? null : toMinor(input.amount, currency!, `${at}/amount`);
    const items: EventItem[] = [];
    const itemBaseMinor: Array<bigint | null> = [];
    (input.items ?? []).forEach((item, i) => {
      const unitPrice =
        item.unitPrice === undefined
          ? null
          : toMinor(item.unitPrice, currency!, `${at}/items/${i}/unitPrice`);
      const quantity = item.quantity ?? 1;
      const given =
        item.amount === undefined ? null : toMinor(item.amount, currency!, `${at}/items/${i}/amount`);
      const minor = given ?? (unitPrice === null ? null : unitPrice * BigInt(quantity));
      items.push({
        sku: item.sku,
        category: item.category ?? '',
        quantity,
        unitPrice: item.unitPrice ?? null,
        amount: minor === null ? null : formatAmount(minor, currency!),
        attributes: item.attributes ?? {},
      });
      itemBaseMinor.push(minor === null ? null : toBase(minor));
    });
    // A return that lists its items but no total returns what those items add up to.
    if (input.type === 'return' && amountMinor === null && items.some((i) => i.amount !== null))
      amountMinor = items.reduce(
        (sum, i) => sum + (i.amount === null ? 0n : parseAmount(i.amount, currency!)),
        0n,
      );
    const baseMinor = amountMinor === null ? null : toBase(amountMinor);

    const references = input.references ?? {};
    let original: EventRow | null = null;
    if (input.type === 'return') {
      const ref = references.originalEventId;
      if (!ref)
        throw fail(
          'validation_failed',
          'A return needs references.originalEventId',
          `${at}/references/originalEventId`,
          'is required for a return',
        );
      original = (await findEventByRef(database.db, programId, ref)) ?? null;
      // In a batch the original may come earlier in the same batch: it is looked up again in the transaction.
      if (!original && mode !== 'batch') throw originalMissing(ref, at);
    }

    let contact = null;
    if (input.contact !== undefined) {
      contact = await contacts.get(programId, input.contact).catch((error) => {
        if (error instanceof FidelisError && error.code === 'contact_not_found')
          throw fail('contact_not_found', `No contact ${input.contact}`, `${at}/contact`, 'unknown contact');
        throw error;
      });
    }
    if (contact) {
      const owner = await accounts.resolve(programId, input.account).catch(() => null);
      if (owner?.id !== contact.accountId)
        throw fail(
          'contact_not_found',
          `Contact ${input.contact} is not a contact of account ${input.account}`,
          `${at}/contact`,
          'belongs to another account',
        );
    }
    // A simulation never creates anything, and a return belongs to the existing account of its original.
    const account = await resolveAccount(
      programId,
      input.account,
      mode === 'simulate' || input.type === 'return' ? 'reject' : settings.unknownAccount,
      at,
    ).catch((error) => {
      if (original && error instanceof FidelisError && error.code === 'account_not_found')
        throw fail(
          'return_not_allowed',
          `Event ${original.externalId} belongs to another account`,
          `${at}/account`,
          'not the account of the original event',
        );
      throw error;
    });
    if (original) checkOriginal(original, account.id, amountMinor, currency, at);
    const ancestors = await accounts.ancestors(programId, account.id);
    const tier = tiers ? await tiers.tierAt(programId, account.id, occurredAt) : null;
    const digits = 10 ** minorDigits(program.baseCurrency);
    const asNumber = (minor: bigint | null, cur: string | null) =>
      minor === null || cur === null ? null : Number(minor) / 10 ** minorDigits(cur);
    const facts: ConditionFacts = {
      event: {
        id: input.id,
        type: input.type,
        amount: asNumber(amountMinor, currency),
        currency,
        baseAmount: baseMinor === null ? null : Number(baseMinor) / digits,
        items: items.map((item, i) => ({
          sku: item.sku,
          category: item.category,
          quantity: item.quantity,
          unitPrice: item.unitPrice === null ? null : Number(item.unitPrice),
          amount: item.amount === null ? null : Number(item.amount),
          baseAmount: itemBaseMinor[i] == null ? null : Number(itemBaseMinor[i]) / digits,
          attributes: item.attributes,
        })),
        references,
        attributes,
      },
      account: {
        id: account.id,
        externalId: account.externalId,
        name: account.name,
        segment: account.segment,
        country: account.country,
        status: account.status,
        // The tier the account held when the event occurred (the program's first ladder).
        tier: tier?.code ?? null,
        tierMultiplier: tier?.multiplier ?? null,
        parentId: account.parentId,
        ancestors: ancestors.flatMap((a) => (a.externalId ? [a.id, a.externalId] : [a.id])),
        attributes: account.attributes,
      },
      contact: contact ? { id: contact.id, role: contact.role, attributes: {} } : null,
      program: { baseCurrency: program.baseCurrency, timeZone: program.timeZone },
      occurredAt,
    };
    return {
      programId,
      input,
      print: fingerprint(input),
      occurredAt,
      accountId: account.id,
      contactId: contact?.id ?? null,
      currency,
      amountMinor,
      baseMinor,
      fxRate,
      items,
      itemBaseMinor,
      references,
      attributes,
      facts,
      original,
      at,
      credit: await ledger.creditContext(programId, account.id),
      baseCurrency: program.baseCurrency,
      timeZone: program.timeZone,
      settings: program.settings,
    };
  }

  /** Cap room and one-off bonuses, read inside the event's transaction (after its account lock). */
  async function usageOf(tx: Tx, p: Prepared, active: ActiveRule[]): Promise<Map<string, RuleUsage>> {
    const usage = new Map<string, RuleUsage>();
    const windows = {
      day: periodOf(p.occurredAt, 'day', p.timeZone),
      month: periodOf(p.occurredAt, 'month', p.timeZone),
      year: periodOf(p.occurredAt, 'year', p.timeZone),
    };
    const span = (w: { start: Date; end: Date }): [Date, Date] => [w.start, w.end];
    const relevant = active
      .filter((r) => r.document.trigger.types.includes(p.input.type))
      .filter(
        (r) => r.document.caps || r.document.effects.some((e) => e.kind === 'fixed' && e.oncePerAccount),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const rule of relevant) {
      // A program-wide budget is shared by every account: one event at a time may spend it.
      if (rule.document.caps?.budget !== undefined)
        await eventLock(tx, `rule-budget:${p.programId}:${rule.id}`);
      const used = await ruleUsage(tx, p.programId, rule.id, p.accountId, {
        day: span(windows.day),
        month: span(windows.month),
        year: span(windows.year),
      });
      usage.set(rule.id, {
        day: used.day,
        month: used.month,
        year: used.year,
        budget: rule.document.caps?.budget !== undefined ? await ruleBudgetUsed(tx, p.programId, rule.id) : 0,
        bonusGiven: used.ever > 0,
      });
    }
    return usage;
  }

  async function earn(
    tx: Tx,
    p: Prepared,
    eventId: string,
    versions: RuleVersionRow[],
    actor: string | null,
  ) {
    const active = inForce(versions, p.occurredAt);
    const usage = await usageOf(tx, p, active);
    const evaluation = evaluate({
      facts: p.facts,
      baseMinor: p.baseMinor,
      itemBaseMinor: p.itemBaseMinor,
      baseCurrency: p.baseCurrency,
      rules: active,
      usage: (id) => usage.get(id) ?? NO_USAGE,
    });
    const awards: AwardView[] = [];
    const rows: NewAwardRow[] = [];
    for (const [seq, award] of evaluation.awards.entries()) {
      let entryId: string | null = null;
      if (award.kind !== 'tier_credit') {
        const { entry } = await ledger.credit(
          p.programId,
          {
            key: `event:${eventId}:${seq}`,
            keyIsFresh: true,
            account: p.accountId,
            unit: award.unit,
            amount: award.amount,
            type: 'earn',
            reasonCode: award.kind === 'cashback' ? 'cashback' : 'earn_rule',
            explanation: `${award.explanation} (${p.input.type} ${p.input.id})`,
            contactId: p.contactId ?? undefined,
            sourceType: 'event',
            sourceId: eventId,
            pendingUntil: award.pendingUntil ? new Date(award.pendingUntil) : undefined,
            // The program's expiry counts from when the event occurred, like a rule's own expiryDays.
            expiresAt:
              award.expiresAt === undefined
                ? award.unit === 'points'
                  ? expiryFor(p.credit.ledger.expiry, p.occurredAt, p.credit.timeZone)
                  : undefined
                : award.expiresAt === null
                  ? null
                  : new Date(award.expiresAt),
            actor: actor ?? undefined,
          },
          tx,
          p.credit,
        );
        entryId = entry.id;
      }
      awards.push({ ...award, entryId });
      rows.push({
        programId: p.programId,
        eventId,
        seq,
        ruleId: award.ruleId,
        ruleVersion: award.ruleVersion,
        accountId: p.accountId,
        kind: award.kind,
        unit: award.unit,
        amount: award.amount,
        occurredAt: p.occurredAt,
        entryId,
      });
    }
    const result: EventResult = {
      rules: evaluation.rules,
      awards,
      totals: evaluation.totals,
      reversals: [],
      notes: [],
    };
    return { result, rows };
  }

  /** A return takes back the share of the original event's awards that the returned amount is of its amount. */
  async function takeBack(tx: Tx, p: Prepared, eventId: string, actor: string | null) {
    const original = p.original!;
    const notes: string[] = [];
    const originalMinor = original.amount === null ? null : parseAmount(original.amount, original.currency!);
    const earlier = await returnsOf(tx, p.programId, original.id);
    const returnedBefore = earlier.reduce<bigint>(
      (sum, r) => sum + (r.amount === null ? (originalMinor ?? 0n) : parseAmount(r.amount, r.currency!)),
      0n,
    );
    let fraction: { n: bigint; d: bigint };
    if (originalMinor === null || originalMinor === 0n || p.amountMinor === null) {
      fraction = { n: 1n, d: 1n };
      if (earlier.length > 0 && originalMinor === null)
        notes.push(`event ${original.externalId} was already returned`);
    } else {
      let before = originalMinor;
      if (returnedBefore < originalMinor) before = returnedBefore;
      let after = before + p.amountMinor;
      if (after > originalMinor) {
        notes.push(
          `the return (${formatAmount(p.amountMinor, p.currency!)}) is more than what was left of event ${original.externalId} (${formatAmount(originalMinor - before, p.currency!)}); only that is taken back`,
        );
        after = originalMinor;
      }
      fraction = { n: after, d: originalMinor };
    }
    const settings = ledgerSettings(p.settings);
    const awards = await awardsOf(tx, p.programId, original.id);
    const reversals = await reversalsOf(tx, p.programId, original.id);
    const views: ReversalView[] = [];
    const rows: NewAwardRow[] = [];
    let seq = 0;
    for (const award of awards) {
      const mine = reversals.filter((r) => r.reversesSeq === award.seq);
      const taken = -mine.reduce((s, r) => s + r.amount, 0);
      const target = Number(divide(BigInt(award.amount) * fraction.n, fraction.d, 'down'));
      const take = target - taken;
      if (take <= 0) continue;
      const base = {
        programId: p.programId,
        eventId,
        ruleId: award.ruleId,
        ruleVersion: award.ruleVersion,
        accountId: p.accountId,
        kind: award.kind,
        unit: award.unit,
        amount: -take,
        occurredAt: award.occurredAt,
        reversesEventId: original.id,
        reversesSeq: award.seq,
      };
      const explanation = `Return ${p.input.id} of ${original.type} ${original.externalId}`;
      if (award.kind === 'tier_credit' || award.entryId === null) {
        rows.push({ ...base, seq: seq++, entryId: null });
        views.push({
          ruleId: award.ruleId,
          kind: award.kind,
          unit: award.unit,
          amount: take,
          entryId: null,
          how: 'tier_credit',
          writtenOff: 0,
        });
        continue;
      }
      const live = [...mine].reverse().find((r) => r.replacementEntryId)?.replacementEntryId ?? award.entryId;
      let { entry, resolvedBy } = await ledger.resolution(p.programId, live, tx);
      let voided: Awaited<ReturnType<typeof ledger.resolve>> | null = null;
      if (entry.phase === 'pending' && resolvedBy === null) {
        // Still pending: cancel it and keep the rest pending until the same date.
        try {
          voided = await ledger.resolve(
            p.programId,
            live,
            'void',
            {
              key: `event:${eventId}:void:${award.seq}`,
              explanation: `${explanation}: pending award cancelled`,
              actor: actor ?? undefined,
              sourceType: 'event',
            },
            tx,
          );
        } catch (error) {
          // The due run posted it a moment ago: it is reversed like any posted award below.
          if (!(error instanceof FidelisError) || error.code !== 'entry_not_open') throw error;
          ({ entry, resolvedBy } = await ledger.resolution(p.programId, live, tx));
        }
      }
      if (voided) {
        const rest = award.amount - taken - take;
        let replacement: string | null = null;
        if (rest > 0) {
          const { entry: again } = await ledger.credit(
            p.programId,
            {
              key: `event:${eventId}:repend:${award.seq}`,
              keyIsFresh: true,
              account: p.accountId,
              unit: award.unit,
              amount: rest,
              type: 'earn',
              reasonCode: entry.reasonCode,
              explanation: `${entry.explanation}; ${take} taken back by return ${p.input.id}`,
              contactId: entry.contactId ?? undefined,
              sourceType: 'event',
              sourceId: original.id,
              pendingUntil: entry.resolveBy ?? undefined,
              expiresAt: entry.expiresAt,
              actor: actor ?? undefined,
            },
            tx,
            p.credit,
          );
          replacement = again.id;
        }
        rows.push({ ...base, seq: seq++, entryId: voided.entry.id, replacementEntryId: replacement });
        views.push({
          ruleId: award.ruleId,
          kind: award.kind,
          unit: award.unit,
          amount: take,
          entryId: voided.entry.id,
          how: 'voided_pending',
          writtenOff: 0,
        });
        continue;
      }
      if (resolvedBy?.phase === 'void') {
        notes.push(`the award of rule ${award.ruleId} was voided before; nothing to take back`);
        continue;
      }
      const { entry: reversal } = await ledger.reverse(
        p.programId,
        resolvedBy?.id ?? live,
        {
          key: `event:${eventId}:reverse:${award.seq}`,
          amount: take,
          reasonCode: 'return',
          explanation,
          sourceType: 'event',
          sourceId: eventId,
          actor: actor ?? undefined,
        },
        tx,
        settings,
      );
      if (reversal.writtenOff > 0)
        notes.push(
          `${reversal.writtenOff} ${award.unit} were already spent and written off (program clawback policy)`,
        );
      rows.push({ ...base, seq: seq++, entryId: reversal.id });
      views.push({
        ruleId: award.ruleId,
        kind: award.kind,
        unit: award.unit,
        amount: take,
        entryId: reversal.id,
        how: 'reversed',
        writtenOff: reversal.writtenOff,
      });
    }
    if (views.length === 0 && notes.length === 0) notes.push('nothing left to take back');
    const sum = (kind: string) => views.filter((v) => v.kind === kind).reduce((s, v) => s - v.amount, 0);
    const result: EventResult = {
      rules: [],
      awards: [],
      totals: { points: sum('points'), cashback: sum('cashback'), tierCredits: sum('tier_credit') },
      reversals: views,
      notes,
    };
    return { result, rows };
  }

  /** Writes one prepared event inside `tx`; a replay of the same event returns the stored one. */
  async function apply(
    tx: Tx,
    p: Prepared,
    versions: RuleVersionRow[],
    actor: string | null,
  ): Promise<{ row: EventRow; replayed: boolean }> {
    await eventLock(tx, idLock(p.programId, p.input.id));
    const existing = await findEventByExternalId(tx, p.programId, p.input.id);
    if (existing) return { row: checkReplay(existing, p.print, `${p.at}/id`), replayed: true };
    await eventLock(tx, accountLock(p.programId, p.accountId));
    if (p.input.type === 'return' && !p.original) {
      const ref = p.references.originalEventId!;
      const original = await findEventByRef(tx, p.programId, ref);
      if (!original) throw originalMissing(ref, p.at);
      checkOriginal(original, p.accountId, p.amountMinor, p.currency, p.at);
      p = { ...p, original };
    }
    const eventId = newId('evt');
    const { result, rows } = p.original
      ? await takeBack(tx, p, eventId, actor)
      : await earn(tx, p, eventId, versions, actor);
    const row = await insertEvent(tx, {
      programId: p.programId,
      id: eventId,
      externalId: p.input.id,
      type: p.input.type,
      accountId: p.accountId,
      contactId: p.contactId,
      occurredAt: p.occurredAt,
      currency: p.currency,
      amount: p.amountMinor === null ? null : formatAmount(p.amountMinor, p.currency!),
      baseCurrency: p.baseCurrency,
      baseAmount: p.baseMinor,
      fxRate: p.fxRate,
      items: p.items,
      references: p.references,
      attributes: p.attributes,
      originalEventId: p.original?.id ?? null,
      fingerprint: p.print,
      evaluation: result as never,
    });
    await insertAwards(tx, rows);
    return { row, replayed: false };
  }

  function checkReplay(existing: EventRow, print: string, path = '/body/id'): EventRow {
    if (existing.fingerprint !== print)
      throw fail(
        'event_id_reused',
        `Event ${existing.externalId} was first ingested with different content`,
        path,
        'already used for another event',
      );
    return existing;
  }

  /**
   * After events commit: tier ladders that count them check for an upgrade. A failure here does not
   * undo the events; the account's next event or metric value lifts it then.
   */
  async function afterCommit(landed: Prepared[]): Promise<void> {
    if (!tiers) return;
    for (const p of landed) {
      if (p.input.type === 'return') continue;
      try {
        await tiers.recordActivity(p.programId, p.accountId, {
          type: p.input.type,
          at: p.occurredAt,
          amountMinor: p.baseMinor,
        });
      } catch {
        // Deliberately not rethrown: the event is stored and answered; see above.
      }
    }
  }

  /** A stored event with this id short-cuts everything: same content → its result; other content → error. */
  async function replayOf(programId: string, input: EventInput, at = '/body'): Promise<EventRow | null> {
    const existing = await findEventByExternalId(database.db, programId, input.id);
    return existing ? checkReplay(existing, fingerprint(input), `${at}/id`) : null;
  }

  return {
    async ingest(programId: string, input: EventInput, actor: string | null = null, now = new Date()) {
      const replay = await replayOf(programId, input);
      if (replay) return { event: toEventView(replay), replayed: true };
      const p = await prepare(programId, input, now, '/body');
      const versions = await rules.versions(programId);
      try {
        const { row, replayed } = await retryOnConflict(() =>
          database.transaction((tx) => apply(tx, p, versions, actor)),
        );
        if (!replayed) await afterCommit([p]);
        return { event: toEventView(row), replayed };
      } catch (error) {
        if (isUniqueViolation(error, 'events_external_id_uq')) {
          const again = await replayOf(programId, input);
          if (again) return { event: toEventView(again), replayed: true };
        }
        throw error;
      }
    },

    /** Up to 1,000 events in one transaction, each in a savepoint: a bad event fails alone. */
    async ingestBatch(
      programId: string,
      inputs: EventInput[],
      actor: string | null = null,
      now = new Date(),
    ): Promise<BatchOutcome[]> {
      if (inputs.length > BATCH_MAX)
        throw fail(
          'validation_failed',
          `At most ${BATCH_MAX} events per batch`,
          '/body/events',
          `more than ${BATCH_MAX}`,
        );
      const prepared: Array<Prepared | EventRow | FidelisError> = [];
      const seen = new Map<string, string>();
      for (const [i, input] of inputs.entries()) {
        try {
          const print = fingerprint(input);
          const twin = seen.get(input.id);
          if (twin !== undefined && twin !== print)
            throw fail(
              'event_id_reused',
              `Event ${input.id} appears twice in the batch with different content`,
              `/body/events/${i}/id`,
              'repeated with other content',
            );
          seen.set(input.id, print);
          prepared.push(
            (await replayOf(programId, input, `/body/events/${i}`)) ??
              (await prepare(programId, input, now, `/body/events/${i}`, 'batch')),
          );
        } catch (error) {
          if (!(error instanceof FidelisError)) throw error;
          prepared.push(error);
        }
      }
      const versions = await rules.versions(programId);
      const landed: Prepared[] = [];
      const outcomes = await retryOnConflict(() =>
        database.transaction(async (tx) => {
          landed.length = 0;
          // Every writer takes its locks in one order — event ids, then accounts, then budgeted rules,
          // each sorted — so concurrent batches and single events queue instead of deadlocking.
          const live = prepared.filter((p): p is Prepared => !(p instanceof FidelisError) && 'input' in p);
          const types = new Set(live.map((p) => p.input.type));
          const sorted = (keys: string[]) => [...new Set(keys)].sort();
          await advisoryLocks(tx, [
            ...sorted(live.map((p) => idLock(programId, p.input.id))),
            ...sorted(live.map((p) => accountLock(programId, p.accountId))),
            ...sorted(
              versions
                .filter(
                  (v) =>
                    v.document.caps?.budget !== undefined &&
                    v.document.trigger.types.some((t) => types.has(t)),
                )
                .map((v) => `rule-budget:${programId}:${v.ruleId}`),
            ),
          ]);
          const results: BatchOutcome[] = [];
          for (const [i, p] of prepared.entries()) {
            const id = inputs[i]?.id ?? null;
            if (p instanceof FidelisError) {
              results.push({
                ok: false,
                id,
                code: p.code,
                detail: p.detail,
                errors: p.extra.errors as unknown[] | undefined,
              });
              continue;
            }
            if (!('input' in p)) {
              results.push({ ok: true, replayed: true, event: toEventView(p) });
              continue;
            }
            try {
              const { row, replayed } = await tx.transaction((sp) => apply(sp as Tx, p, versions, actor));
              if (!replayed) landed.push(p);
              results.push({ ok: true, replayed, event: toEventView(row) });
            } catch (error) {
              if (!(error instanceof FidelisError)) throw error;
              results.push({
                ok: false,
                id,
                code: error.code,
                detail: error.detail,
                errors: error.extra.errors as unknown[] | undefined,
              });
            }
          }
          return results;
        }),
      );
      await afterCommit(landed);
      return outcomes;
    },

    /**
     * Evaluates events without writing anything: against the rules in force at each occurredAt, or
     * against a draft rule set (replacing the live rules, or added to them).
     */
    async simulate(
      programId: string,
      inputs: EventInput[],
      draft?: { rules: RuleDocument[]; mode: 'replace' | 'add' },
      now = new Date(),
    ) {
      const drafts: ActiveRule[] = [];
      for (const [i, doc] of (draft?.rules ?? []).entries()) {
        drafts.push({
          id: `draft-${i + 1}`,
          version: 1,
          document: await rules.validate(programId, doc, `/body/rules/${i}`),
        });
      }
      const versions = await rules.versions(programId);
      const results = [];
      for (const [i, input] of inputs.entries()) {
        try {
          const p = await prepare(programId, input, now, `/body/events/${i}`, 'simulate');
          const live = draft?.mode === 'replace' ? [] : inForce(versions, p.occurredAt);
          const active = [...live, ...drafts.filter((d) => d.document.enabled !== false)];
          const usage = await database.transaction(async (tx) => usageOf(tx, p, active));
          const evaluation = evaluate({
            facts: p.facts,
            baseMinor: p.baseMinor,
            itemBaseMinor: p.itemBaseMinor,
            baseCurrency: p.baseCurrency,
            rules: active,
            usage: (id) => usage.get(id) ?? NO_USAGE,
          });
          results.push({
            ok: true as const,
            id: input.id,
            baseCurrency: p.baseCurrency,
            baseAmount: p.baseMinor === null ? null : formatAmount(p.baseMinor, p.baseCurrency),
            fxRate: p.fxRate,
            result: {
              ...evaluation,
              awards: evaluation.awards.map((a) => ({ ...a, entryId: null })),
              reversals: [],
              notes:
                input.type === 'return'
                  ? [
                      'a return takes back its share of the original event; a simulation shows the rule evaluation only',
                    ]
                  : [],
            },
          });
        } catch (error) {
          if (!(error instanceof FidelisError)) throw error;
          results.push({
            ok: false as const,
            id: input.id,
            code: error.code,
            detail: error.detail,
            errors: error.extra.errors as unknown[] | undefined,
          });
        }
      }
      return results;
    },

    async get(programId: string, ref: string): Promise<EventView> {
      const row = await findEventByRef(database.db, programId, ref);
      if (!row) throw new FidelisError('event_not_found', `No event ${ref}`);
      return toEventView(row);
    },

    async list(
      programId: string,
      query: { account?: string; type?: string; cursor?: string; limit?: number },
    ) {
      const accountId = query.account ? (await accounts.resolve(programId, query.account)).id : undefined;
      const limit = query.limit ?? 50;
      let before: string | undefined;
      if (query.cursor !== undefined) {
        if (!/^evt_[0-9A-Za-z]{10,40}$/.test(query.cursor))
          throw new FidelisError('invalid_cursor', 'The cursor is not one Fidelis gave out');
        before = query.cursor;
      }
      const rows = await listEvents(database.db, programId, {
        accountId,
        type: query.type,
        before,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        data: page.map(toEventView),
        nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
      };
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;
