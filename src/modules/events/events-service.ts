// Event ingestion: an event is checked, converted to the base currency, evaluated against the rule
// versions in force at its occurredAt, and stored with its result and its ledger credits in one transaction.
// Long file: the hot-path issue (14) rebuilds ingestion and splits this file into verb files then.
import { createHash } from 'node:crypto';
import { type Actor, actorName, systemActor } from '../../core/access.ts';
import { periodOf } from '../../core/calendar.ts';
import { FidelisError, type FieldError, fieldError, invalid } from '../../core/errors.ts';
import { expiryFor } from '../../core/ledger/expiry.ts';
import {
  convertMinor,
  divide,
  formatAmount,
  minorDigits,
  parseAmount,
  valueInMinorUnits,
} from '../../core/money.ts';
import { afterCursor, DEFAULT_LIMIT, toPage } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import { type ConditionFacts, mentionsRfm, type RfmFacts } from '../../core/rules/condition.ts';
import {
  type ActiveRule,
  type Award,
  type Evaluation,
  evaluate,
  NO_USAGE,
  type RuleUsage,
} from '../../core/rules/evaluate.ts';
import { whyNoRuleApplied } from '../../core/rules/explain.ts';
import type { RuleDocument } from '../../core/rules/rule.ts';
import { advisoryLocks, type Database, type Executor, type Tx } from '../../db/client.ts';
import { isUniqueViolation, retryOnConflict } from '../../db/errors.ts';
import { groupCommitter, sharedLookup } from '../../lib/group-commit.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EventTypeService } from '../event-types/event-types-service.ts';
import type { FxService } from '../fx/fx-service.ts';
import {
  type CreditContext,
  type CreditInput,
  creditContextOf,
  type LedgerService,
} from '../ledger/ledger-service.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { OutboxMessage, OutboxService } from '../outbox/outbox-service.ts';
import type { Program } from '../programs/programs-schemas.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RuleVersionRow } from '../rules/rules-reads.ts';
import { inForce, type RuleService } from '../rules/rules-service.ts';
import { type EventsSettings, eventsSettings } from './events-settings.ts';
import {
  awardsOf,
  type EventRow,
  eventsOccurredIn,
  findEventByRef,
  findEventsByExternalIds,
  findEventsByRefs,
  insertAwards,
  insertEvent,
  listEvents,
  type NewAwardRow,
  type NewEventRow,
  returnsOf,
  reversalsOf,
  ruleBudgetsUsed,
  ruleUsages,
  type UsageQuery,
  writeEarnings,
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

/** An event that committed, as the follow-ups (tiers, engagement) see it. */
type Activity = {
  accountId: string;
  type: string;
  at: Date;
  amountMinor: bigint | null;
  /** For referrals (decision 0026): the client's event id, its references and the facts rules saw. */
  id: string;
  references: Record<string, string>;
  facts: ConditionFacts;
  /** A return's original event (the client's id; decision 0032: commissions are clawed back). */
  originalEventId?: string;
};

export interface EventServiceOptions {
  /**
   * When the follow-ups of committed events (tier upgrades, challenge progress) run: `inline`
   * before the write answers (the default: one-shot CLI commands and tests see them at once), or
   * `behind` the answer, queued per program (the server; decision 0021).
   */
  followUps?: 'inline' | 'behind';
  /** Activities waiting behind the answers of one program beyond which writers wait (20,000). */
  maxBehind?: number;
}

const MAX_BEHIND = 20_000;

/** Stored events read per page by a backtest, and the most one backtest evaluates. */
const BACKTEST_PAGE = 1000;
const BACKTEST_MAX_EVENTS = 200_000;

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** A stored event as the input it was ingested from (its account and contact by our ids). */
function storedInput(e: EventRow): EventInput {
  return {
    id: e.externalId,
    type: e.type,
    account: e.accountId,
    ...(e.contactId ? { contact: e.contactId } : {}),
    occurredAt: e.occurredAt.toISOString(),
    ...(e.amount !== null ? { amount: e.amount } : {}),
    ...(e.currency !== null ? { currency: e.currency } : {}),
    items: e.items.map((item) => ({
      sku: item.sku,
      category: item.category,
      quantity: item.quantity,
      ...(item.unitPrice !== null ? { unitPrice: item.unitPrice } : {}),
      ...(item.amount !== null ? { amount: item.amount } : {}),
      attributes: item.attributes,
    })),
    references: e.references,
    attributes: e.attributes,
  };
}

/** An account as the accounts service answers it. */
type AccountRow = Awaited<ReturnType<AccountService['resolve']>>;

/**
 * What events need of tiers, a later module (the composition root wires the tiers service in):
 * the tier rules see, and the upgrades the events that just committed may bring.
 */
export interface TierPort {
  /**
   * The tier each account held at each instant on the program's first ladder (the one earning rules
   * see), with its multiplier; null where it held none. Many at once, in the order asked.
   */
  tiersAt(
    programId: string,
    asked: Array<{ accountId: string; at: Date }>,
  ): Promise<Array<{ code: string; multiplier: string } | null>>;
  /** Events that just committed (returns excluded), in order: each ladder that counts them checks for an upgrade. */
  recordActivities(
    programId: string,
    activities: Array<{ accountId: string; type: string; at: Date; amountMinor: bigint | null }>,
  ): Promise<void>;
}

/**
 * What events need of engagement, a later module (the composition root wires the engagement service
 * in): the events that just committed (returns excluded), so that the challenges they count for are
 * re-checked. A failure there does not undo the events (engagement's due run catches up).
 */
export interface EngagementPort {
  recordActivities(
    programId: string,
    activities: Array<{ accountId: string; type: string; at: Date }>,
  ): Promise<unknown>;
}

/**
 * What events need of partners, a later module (the composition root wires the partners service in):
 * the events that just committed, with the facts rules saw, so that a code they name attributes their
 * account, a qualifying one converts its referral, and the referred revenue pays commissions (decision
 * 0032). Returns come too (type `return`, with the original's id and the amount returned): they claw
 * commissions back. Amounts are in the base currency's minor units. A failure there does not undo the
 * events. The partners service answers at once when the program has no referral program or plan.
 */
/**
 * What events need of insight, a later module (the composition root wires it in): the RFM scores of
 * accounts as of the last refresh, read only for programs whose rules mention `account.rfm`
 * (decision 0039). An account never scored is absent.
 */
export type RfmPort = (programId: string, accountIds: string[]) => Promise<Map<string, RfmFacts>>;

export interface ReferralPort {
  recordEvents(
    programId: string,
    events: Array<{
      id: string;
      type: string;
      accountId: string;
      at: Date;
      references: Record<string, string>;
      facts: ConditionFacts;
      amountMinor: bigint | null;
      originalEventId?: string;
    }>,
  ): Promise<unknown>;
}

/**
 * A failed event of a list names its fields from the list (`/events/3/amount`); the HTTP layer
 * places them in the request.
 */
export type BatchOutcome =
  | { ok: true; replayed: boolean; event: ReturnType<typeof toEventView> }
  | { ok: false; id: string | null; code: string; detail: string; errors?: FieldError[] };

const BATCH_MAX = 1000;

/** Group commit (decision 0020): statements of one program running at once, and events per statement. */
const GROUP_IN_FLIGHT = 4;
const GROUP_MAX = 100;

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
  /** Where the event sits in the service's input, for error paths: '' alone, `/events/3` in a list. */
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
  tiers?: TierPort,
  outbox?: Pick<OutboxService, 'emit' | 'wants'>,
  engagement?: EngagementPort,
  options: EventServiceOptions = {},
  referrals?: ReferralPort,
  rfmOf?: RfmPort,
) {
  /** Whether a program's rule versions mention `account.rfm` (asked once per list of versions). */
  const rfmMentioned = new WeakMap<object, boolean>();
  async function needsRfm(programId: string): Promise<boolean> {
    if (!rfmOf) return false;
    const versions = await rules.versions(programId);
    let mentioned = rfmMentioned.get(versions);
    if (mentioned === undefined) {
      mentioned = versions.some((v) => mentionsRfm(JSON.stringify(v.document)));
      rfmMentioned.set(versions, mentioned);
    }
    return mentioned;
  }

  /**
   * What preparing a list of events reads, read once for the whole list (a batch of 1,000 events
   * costs a handful of queries, not thousands); anything missing (a prospect created on the way)
   * is read on demand.
   */
  interface Reads {
    program: Program;
    settings: EventsSettings;
    replays: Map<string, EventRow>;
    accounts: Map<string, AccountRow>;
    chains: Awaited<ReturnType<AccountService['chainsOf']>>;
    tiers: Map<EventInput, { accountId: string; tier: { code: string; multiplier: string } | null }>;
    originals: Map<string, EventRow>;
    /** The RFM scores of the accounts, when the program's rules mention them (else null). */
    rfm: Map<string, RfmFacts> | null;
    rates: Map<string, Promise<string>>;
    contacts: Map<string, Promise<Contact>>;
  }

  /**
   * `simulating`: every event is evaluated, stored ones too (ingestion answers those as replays).
   * `optimistic`: stored events are not looked for first — one event alone is written as if new,
   * and `ingest` answers a replay when its write (or a check before it) fails (decision 0020).
   */
  async function readFor(
    programId: string,
    inputs: EventInput[],
    simulating = false,
    optimistic = false,
    draftsReadRfm = false,
  ): Promise<Reads> {
    const program = await programs.get(programId);
    const replays =
      simulating || optimistic
        ? new Map<string, EventRow>()
        : await findEventsByExternalIds(
            database.db,
            programId,
            inputs.map((i) => i.id),
          );
    const fresh = inputs.filter((i) => !replays.has(i.id));
    // One event alone shares its account read with the single events arriving beside it (0058).
    const found = optimistic
      ? await accountLookupOf(programId)(fresh.map((i) => i.account))
      : await accounts.resolveMany(
          programId,
          fresh.map((i) => i.account),
        );
    // Only accounts with a parent have a chain worth reading: a top-level account's chain is itself,
    // known from its row (no hierarchy query at all when the program has no hierarchy).
    const chains = await accounts.chainsOf(
      programId,
      [...found.values()].flatMap((a) => (a.parentId === null ? [] : [a.id])),
    );
    const asked = fresh.flatMap((input) => {
      const account = found.get(input.account);
      const at = new Date(input.occurredAt);
      return account && !Number.isNaN(at.getTime()) ? [{ input, accountId: account.id, at }] : [];
    });
    const tiersFound = tiers ? await tiers.tiersAt(programId, asked) : asked.map(() => null);
    const originals = await findEventsByRefs(
      database.db,
      programId,
      fresh.flatMap((i) =>
        i.type === 'return' && i.references?.originalEventId ? [i.references.originalEventId] : [],
      ),
    );
    const rfm =
      rfmOf && (draftsReadRfm || (await needsRfm(programId)))
        ? await rfmOf(
            programId,
            [...found.values()].map((a) => a.id),
          )
        : null;
    return {
      program,
      settings: eventsSettings(program.settings),
      replays,
      accounts: found,
      chains,
      rfm,
      tiers: new Map(asked.map((q, n) => [q.input, { accountId: q.accountId, tier: tiersFound[n] ?? null }])),
      originals,
      rates: new Map(),
      contacts: new Map(),
    };
  }

  async function resolveAccount(
    programId: string,
    reads: Reads,
    ref: string,
    unknown: 'reject' | 'create_prospect',
    at: string,
    actor: Actor | null,
  ): Promise<AccountRow> {
    const known = reads.accounts.get(ref);
    if (known) return known;
    try {
      const account = await accounts.resolve(programId, ref);
      reads.accounts.set(ref, account);
      return account;
    } catch (error) {
      if (!(error instanceof FidelisError) || error.code !== 'account_not_found') throw error;
      if (unknown === 'reject')
        throw fieldError('account_not_found', `No account ${ref}`, { [`${at}/account`]: 'unknown account' });
      try {
        // Audited as created by who sent the event (`job:events` when a direct call named nobody).
        const by = actor ?? systemActor('events');
        await accounts.create(programId, { externalId: ref, name: ref, status: 'prospect' }, by);
      } catch (created) {
        // Another event created it at the same moment: use that one.
        if (!(created instanceof FidelisError) || created.code !== 'external_id_taken') throw created;
      }
      const account = await accounts.resolve(programId, ref);
      reads.accounts.set(ref, account);
      return account;
    }
  }

  /** Money in → minor units of its currency and of the base currency (at the rate in force at occurredAt). */
  function toMinor(value: string, currency: string, path: string): bigint {
    try {
      return parseAmount(value, currency);
    } catch (error) {
      throw fieldError('amount_precision', (error as Error).message, { [path]: (error as Error).message });
    }
  }

  function notItsAccount(ref: string, at: string): FidelisError {
    return fieldError('return_not_allowed', `Event ${ref} belongs to another account`, {
      [`${at}/account`]: 'not the account of the original event',
    });
  }

  function originalMissing(ref: string, at: string): FidelisError {
    return fieldError('original_event_not_found', `No event ${ref} was ingested`, {
      [`${at}/references/originalEventId`]: 'unknown event',
    });
  }

  /** A return must name an event of the same account that is not itself a return, in its currency. */
  function checkOriginal(
    original: EventRow,
    accountId: string,
    amountMinor: bigint | null,
    currency: string | null,
    at: string,
  ): void {
    if (original.accountId !== accountId) throw notItsAccount(original.externalId, at);
    if (original.type === 'return')
      throw fieldError('return_not_allowed', `Event ${original.externalId} is itself a return`, {
        [`${at}/references/originalEventId`]: 'is a return',
      });
    if (amountMinor !== null && (original.amount === null || original.currency !== currency))
      throw fieldError(
        'return_not_allowed',
        original.amount === null
          ? `Event ${original.externalId} has no amount: return it whole (without an amount)`
          : `The return must be in ${original.currency}, the currency of event ${original.externalId}`,
        { [`${at}/currency`]: 'does not match the original event' },
      );
  }

  /** Everything that can be checked and read before the event's transaction. */
  async function prepare(
    programId: string,
    reads: Reads,
    input: EventInput,
    print: string,
    now: Date,
    at: string,
    /** simulate: nothing is created (no prospects). */
    mode: 'write' | 'simulate',
    /** Who sends the event: a prospect it creates is theirs. */
    actor: Actor | null,
    /** A return whose original may be an earlier event of the same batch (found in the transaction). */
    originalInBatch = false,
  ): Promise<Prepared> {
    const { program, settings } = reads;
    const occurredAt = new Date(input.occurredAt);
    if (Number.isNaN(occurredAt.getTime()))
      throw fieldError('validation_failed', 'occurredAt is not a date-time', {
        [`${at}/occurredAt`]: 'not a date-time',
      });
    if (occurredAt.getTime() > now.getTime() + settings.maxFutureMinutes * 60_000)
      throw fieldError(
        'event_in_future',
        `occurredAt ${input.occurredAt} is more than ${settings.maxFutureMinutes} minutes ahead of ${now.toISOString()}`,
        { [`${at}/occurredAt`]: 'in the future' },
      );
    const attributes = input.attributes ?? {};
    await eventTypes.checkEvent(programId, input.type, attributes, at);

    const hasMoney =
      input.amount !== undefined ||
      (input.items ?? []).some((i) => i.amount !== undefined || i.unitPrice !== undefined);
    const currency = input.currency ?? (hasMoney ? program.baseCurrency : null);
    if (currency !== null && !isCurrency(currency))
      throw fieldError('currency_unsupported', `${currency} is not an ISO 4217 currency`, {
        [`${at}/currency`]: 'unknown currency',
      });
    let fxRate: string | null = null;
    if (currency !== null && currency !== program.baseCurrency) {
      // Many events of a batch share an instant's rate: each (currency, instant) is read once.
      const key = `${currency}|${occurredAt.toISOString()}`;
      let rate = reads.rates.get(key);
      if (!rate) {
        rate = fx.rateAt(programId, currency, occurredAt);
        reads.rates.set(key, rate);
      }
      fxRate = await rate.catch((error) => {
        if (error instanceof FidelisError && error.code === 'fx_rate_missing')
          throw fieldError(error.code, error.detail, {
            [`${at}/currency`]: `no rate for ${currency} at that time`,
          });
        throw error;
      });
    }
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
        throw fieldError('validation_failed', 'A return needs references.originalEventId', {
          [`${at}/references/originalEventId`]: 'is required for a return',
        });
      original = reads.originals.get(ref) ?? null;
      // When it may come earlier in the same batch, it is looked up again in the transaction.
      if (!original && !originalInBatch) throw originalMissing(ref, at);
    }

    let contact: Contact | null = null;
    if (input.contact !== undefined) {
      let found = reads.contacts.get(input.contact);
      if (!found) {
        found = contacts.get(programId, input.contact);
        reads.contacts.set(input.contact, found);
      }
      contact = await found.catch((error) => {
        if (error instanceof FidelisError && error.code === 'contact_not_found')
          throw fieldError('contact_not_found', `No contact ${input.contact}`, {
            [`${at}/contact`]: 'unknown contact',
          });
        throw error;
      });
      const owner =
        reads.accounts.get(input.account) ??
        (await accounts.resolve(programId, input.account).catch(() => null));
      if (owner?.id !== contact.accountId)
        throw fieldError(
          'contact_not_found',
          `Contact ${input.contact} is not a contact of account ${input.account}`,
          { [`${at}/contact`]: 'belongs to another account' },
        );
    }
    // A simulation never creates anything, and a return belongs to the existing account of its original.
    const account = await resolveAccount(
      programId,
      reads,
      input.account,
      mode === 'simulate' || input.type === 'return' ? 'reject' : settings.unknownAccount,
      at,
      actor,
    ).catch((error) => {
      if (original && error instanceof FidelisError && error.code === 'account_not_found')
        throw notItsAccount(original.externalId, at);
      throw error;
    });
    if (original) checkOriginal(original, account.id, amountMinor, currency, at);
    let chain = reads.chains.get(account.id) ?? (account.parentId === null ? [account] : undefined);
    if (!chain) {
      chain = (await accounts.chainsOf(programId, [account.id])).get(account.id) ?? [account];
      reads.chains.set(account.id, chain);
    }
    const ancestors = chain.slice(1);
    const known = reads.tiers.get(input);
    const tier =
      known?.accountId === account.id
        ? known.tier
        : tiers
          ? ((await tiers.tiersAt(programId, [{ accountId: account.id, at: occurredAt }]))[0] ?? null)
          : null;
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
        rfm: reads.rfm?.get(account.id) ?? null,
      },
      contact: contact ? { id: contact.id, role: contact.role, attributes: {} } : null,
      program: { baseCurrency: program.baseCurrency, timeZone: program.timeZone },
      occurredAt,
    };
    return {
      programId,
      input,
      print,
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
      credit: creditContextOf(program, account.id, chain.at(-1)?.id ?? account.id),
      baseCurrency: program.baseCurrency,
      timeZone: program.timeZone,
      settings: program.settings,
    };
  }

  /** The rules in force whose caps or one-off bonuses need what the account was already awarded. */
  function countedRules(p: Prepared, active: ActiveRule[]): ActiveRule[] {
    return active.filter(
      (r) =>
        r.document.trigger.types.includes(p.input.type) &&
        (r.document.caps || r.document.effects.some((e) => e.kind === 'fixed' && e.oncePerAccount)),
    );
  }

  /**
   * Cap room and one-off bonuses of many events, read in two queries; `record` adds what an event
   * of the same list was just awarded, so each event sees those before it (as if written one by one).
   */
  /** The windows of an event no capped or one-off rule counts (never read). */
  const NO_WINDOWS = {
    day: [new Date(0), new Date(0)],
    month: [new Date(0), new Date(0)],
    year: [new Date(0), new Date(0)],
  } as {
    day: [Date, Date];
    month: [Date, Date];
    year: [Date, Date];
  };

  async function usageBook(
    db: Executor,
    programId: string,
    list: Array<{ p: Prepared; active: ActiveRule[] }>,
  ) {
    const span = (w: { start: Date; end: Date }): [Date, Date] => [w.start, w.end];
    const asks = new Map<string, UsageQuery>();
    const budgets = new Set<string>();
    // Per event: its cap windows, and the rules it needs usage of (with the key of their stored usage).
    // The windows (local day, month, year) only for an event that some capped or one-off rule counts.
    const needs = list.map(({ p, active }) => {
      const rules = countedRules(p, active);
      if (rules.length === 0) return { w: NO_WINDOWS, counted: [] };
      const w = {
        day: span(periodOf(p.occurredAt, 'day', p.timeZone)),
        month: span(periodOf(p.occurredAt, 'month', p.timeZone)),
        year: span(periodOf(p.occurredAt, 'year', p.timeZone)),
      };
      const counted = rules.map((rule) => {
        const key = `${rule.id}|${p.accountId}|${w.day[0].getTime()}|${w.month[0].getTime()}|${w.year[0].getTime()}`;
        if (!asks.has(key)) asks.set(key, { ruleId: rule.id, accountId: p.accountId, ...w });
        if (rule.document.caps?.budget !== undefined) budgets.add(rule.id);
        return { rule, key };
      });
      return { w, counted };
    });
    const answers = await ruleUsages(db, programId, [...asks.values()]);
    const stored = new Map([...asks.keys()].map((key, n) => [key, answers[n]!]));
    const budgetUsed = await ruleBudgetsUsed(db, programId, [...budgets]);
    const given = new Map<string, Array<{ at: number; amount: number }>>();
    const givenBudget = new Map<string, number>();
    const inside = (at: number, w: [Date, Date]) => at >= w[0].getTime() && at < w[1].getTime();
    return {
      /** The usage the n-th event of the list sees. */
      usageOf(n: number): Map<string, RuleUsage> {
        const { p } = list[n]!;
        const { w, counted } = needs[n]!;
        const usage = new Map<string, RuleUsage>();
        for (const { rule, key } of counted) {
          const base = stored.get(key)!;
          const mine = given.get(`${rule.id}|${p.accountId}`) ?? [];
          const sum = (window: [Date, Date]) =>
            mine.reduce((s, g) => s + (inside(g.at, window) ? g.amount : 0), 0);
          usage.set(rule.id, {
            day: base.day + sum(w.day),
            month: base.month + sum(w.month),
            year: base.year + sum(w.year),
            budget:
              rule.document.caps?.budget !== undefined
                ? (budgetUsed.get(rule.id) ?? 0) + (givenBudget.get(rule.id) ?? 0)
                : 0,
            bonusGiven: base.ever > 0 || mine.length > 0,
          });
        }
        return usage;
      },
      /** What the n-th event was awarded, counted for the events after it. */
      record(n: number, awards: Award[]): void {
        const { p } = list[n]!;
        for (const a of awards) {
          if (a.kind === 'tier_credit' || a.amount <= 0) continue;
          const key = `${a.ruleId}|${p.accountId}`;
          const list = given.get(key) ?? [];
          list.push({ at: p.occurredAt.getTime(), amount: a.amount });
          given.set(key, list);
          givenBudget.set(a.ruleId, (givenBudget.get(a.ruleId) ?? 0) + a.amount);
        }
      },
    };
  }

  function evaluated(p: Prepared, active: ActiveRule[], usage: Map<string, RuleUsage>): Evaluation {
    return evaluate({
      facts: p.facts,
      baseMinor: p.baseMinor,
      itemBaseMinor: p.itemBaseMinor,
      baseCurrency: p.baseCurrency,
      rules: active,
      usage: (id) => usage.get(id) ?? NO_USAGE,
    });
  }

  function eventRow(p: Prepared, eventId: string, result: EventResult): NewEventRow {
    return {
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
    };
  }

  /** An earning event to write, with the rule versions it is evaluated against and who sent it. */
  interface Earning {
    p: Prepared;
    versions: RuleVersionRow[];
    actor: string | null;
  }

  /**
   * Evaluates and writes earning events (not returns) in order, as if one by one: each sees the
   * cap room the ones before it used. The writes are a few multi-row statements whatever the count.
   */
  async function earnMany(tx: Executor, programId: string, items: Earning[]): Promise<EventRow[]> {
    const list = items.map(({ p, versions, actor }) => ({
      p,
      versions,
      actor,
      active: inForce(versions, p.occurredAt),
    }));
    const book = await usageBook(tx, programId, list);

    const credits: Array<{ input: CreditInput; context: CreditContext }> = [];
    const pending: Array<{
      p: Prepared;
      eventId: string;
      evaluation: Evaluation;
      notes: string[];
      firstCredit: number;
    }> = [];
    for (const [n, { p, active, versions, actor }] of list.entries()) {
      const evaluation = evaluated(p, active, book.usageOf(n));
      book.record(n, evaluation.awards);
      const eventId = newId('evt');
      const notes = whyNoRuleApplied({ type: p.input.type, occurredAt: p.occurredAt }, active, versions);
      pending.push({ p, eventId, evaluation, notes, firstCredit: credits.length });
      for (const [seq, award] of evaluation.awards.entries()) {
        if (award.kind === 'tier_credit') continue;
        credits.push({
          context: p.credit,
          input: {
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
        });
      }
    }
    const plan = ledger.planFresh(programId, credits);

    const events: NewEventRow[] = [];
    const awardRows: NewAwardRow[] = [];
    for (const { p, eventId, evaluation, notes, firstCredit } of pending) {
      let next = firstCredit;
      const awards: AwardView[] = evaluation.awards.map((award) => ({
        ...award,
        entryId: award.kind === 'tier_credit' ? null : plan.credits[next++]!.id,
      }));
      for (const [seq, award] of awards.entries())
        awardRows.push({
          programId,
          eventId,
          seq,
          ruleId: award.ruleId,
          ruleVersion: award.ruleVersion,
          accountId: p.accountId,
          kind: award.kind,
          unit: award.unit,
          amount: award.amount,
          occurredAt: p.occurredAt,
          entryId: award.entryId,
        });
      const result: EventResult = {
        rules: evaluation.rules,
        awards,
        totals: evaluation.totals,
        reversals: [],
        notes,
      };
      events.push(eventRow(p, eventId, result));
    }
    // One statement writes it all (decision 0020).
    const receivedAt = await writeEarnings(tx, programId, events, awardRows, plan);
    // Announced in the same transaction (a list written without one never has anyone to tell).
    await ledger.announceFresh(tx, programId, plan);
    return events.map((row) => ({ ...row, receivedAt }) as EventRow);
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
      /** What was taken back of this award, and how. */
      const took = (entryId: string | null, how: ReversalView['how'], writtenOff = 0) =>
        views.push({
          ruleId: award.ruleId,
          kind: award.kind,
          unit: award.unit,
          amount: take,
          entryId,
          how,
          writtenOff,
        });
      if (award.kind === 'tier_credit' || award.entryId === null) {
        rows.push({ ...base, seq: seq++, entryId: null });
        took(null, 'tier_credit');
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
        took(voided.entry.id, 'voided_pending');
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
      took(reversal.id, 'reversed', reversal.writtenOff);
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

  /** Writes a prepared return inside `tx` (after the batch's locks). */
  async function applyReturn(tx: Tx, p: Prepared, actor: string | null): Promise<EventRow> {
    if (!p.original) {
      const ref = p.references.originalEventId!;
      const original = await findEventByRef(tx, p.programId, ref);
      if (!original) throw originalMissing(ref, p.at);
      checkOriginal(original, p.accountId, p.amountMinor, p.currency, p.at);
      p = { ...p, original };
    }
    const eventId = newId('evt');
    const { result, rows } = await takeBack(tx, p, eventId, actor);
    const row = await insertEvent(tx, eventRow(p, eventId, result));
    await insertAwards(tx, rows);
    return row;
  }

  function checkReplay(existing: EventRow, print: string, path = '/id'): EventRow {
    if (existing.fingerprint !== print)
      throw fieldError(
        'event_id_reused',
        `Event ${existing.externalId} was first ingested with different content`,
        { [path]: 'already used for another event' },
      );
    return existing;
  }

  /**
   * After events commit: the challenges and tier ladders that count them re-check (challenge
   * progress, tier upgrades). A failure there does not undo the events; engagement's due run catches
   * up, and the account's next event or metric value lifts its tier.
   */
  async function followUp(programId: string, all: Activity[]): Promise<void> {
    if (referrals)
      await referrals.recordEvents(programId, all).catch(() => {
        // Deliberately not rethrown: the events are stored; a referral converts on a later event.
      });
    // Returns reach only the partners (commission clawbacks), never the tiers or challenges.
    const activities = all.filter((a) => a.type !== 'return');
    if (activities.length === 0) return;
    if (engagement)
      await engagement.recordActivities(programId, activities).catch(() => {
        // Deliberately not rethrown: the events are stored; the engagement due run catches up.
      });
    if (tiers)
      await tiers.recordActivities(programId, activities).catch(() => {
        // Deliberately not rethrown: the events are stored and answered; see above.
      });
  }

  /**
   * Follow-ups behind the answer (`followUps: 'behind'`, the server's way; decision 0021): what
   * committed is queued per program and one drain per program hands everything queued so far to
   * `followUp` at once, in commit order, so a burst of single events costs one tier read, not one
   * each. When more than `maxBehind` activities wait, the writer waits for the drain (the queue
   * cannot outgrow the database). `settled()` waits until nothing is queued (shutdown, the demo, tests).
   */
  const queued = new Map<string, Activity[]>();
  const draining = new Map<string, Promise<void>>();
  async function drain(programId: string): Promise<void> {
    try {
      for (;;) {
        const activities = queued.get(programId);
        if (!activities) break;
        queued.delete(programId);
        await followUp(programId, activities);
      }
    } finally {
      draining.delete(programId);
    }
  }

  async function afterCommit(programId: string, landed: Prepared[]): Promise<void> {
    if (!tiers && !engagement && !referrals) return;
    const activities = landed
      .filter((p) => p.input.type !== 'return' || referrals)
      .map((p) => ({
        accountId: p.accountId,
        type: p.input.type,
        at: p.occurredAt,
        amountMinor: p.baseMinor,
        id: p.input.id,
        references: p.references,
        facts: p.facts,
        ...(p.input.type === 'return'
          ? { originalEventId: p.original?.externalId ?? p.references.originalEventId }
          : {}),
      }));
    if (activities.length === 0) return;
    if (options.followUps !== 'behind') return followUp(programId, activities);
    const waiting = queued.get(programId);
    if (waiting) waiting.push(...activities);
    else queued.set(programId, activities);
    let running = draining.get(programId);
    if (!running) {
      running = drain(programId);
      draining.set(programId, running);
    }
    if ((queued.get(programId)?.length ?? 0) > (options.maxBehind ?? MAX_BEHIND)) await running;
  }

  type Outcome = { ok: true; row: EventRow; replayed: boolean } | { ok: false; error: FidelisError };
  type Live =
    | { n: number; p: Prepared; unknownAccount?: undefined }
    | { n: number; p?: undefined; unknownAccount: { ref: string; at: string } };

  /**
   * Writes prepared events in one transaction, in order. Locks come first, all at once and in one
   * order — event ids, then accounts, then budgeted rules, each sorted — so concurrent batches and
   * single events queue instead of deadlocking. Runs of earning events are written together
   * (earnMany); a return is written on its own, after what came before it. In a batch each run
   * and each return is in a savepoint: a bad one fails alone (a failed run is retried event by
   * event, so only the bad event fails). Alone (`ingest`), an error fails the transaction.
   */
  async function writeAll(
    tx: Tx,
    programId: string,
    all: Live[],
    versions: RuleVersionRow[],
    actor: string | null,
    alone: boolean,
    outcomes: Array<Outcome | undefined>,
    landed: Prepared[],
  ): Promise<void> {
    const live = all.flatMap((l) => (l.p ? [{ n: l.n, p: l.p }] : []));
    const types = new Set(live.map(({ p }) => p.input.type));
    const sorted = (keys: string[]) => [...new Set(keys)].sort();
    await advisoryLocks(tx, [
      ...sorted(live.map(({ p }) => idLock(programId, p.input.id))),
      ...sorted(live.map(({ p }) => accountLock(programId, p.accountId))),
      ...sorted(
        versions
          .filter(
            (v) =>
              v.document.caps?.budget !== undefined && v.document.trigger.types.some((t) => types.has(t)),
          )
          .map((v) => `rule-budget:${programId}:${v.ruleId}`),
      ),
    ]);
    // Several events write in several steps (runs, returns, retries event by event): their wallets
    // are locked first, all in one order, as every bulk writer does.
    if (live.length > 1)
      await ledger.lockWalletsOf(
        tx,
        programId,
        live.map(({ p }) => p.credit.ownerId),
      );
    // Written by someone else since they were prepared, or earlier in this list: replays.
    const written = await findEventsByExternalIds(
      tx,
      programId,
      live.map(({ p }) => p.input.id),
    );
    const guarded = <T>(work: (db: Tx) => Promise<T>): Promise<T> =>
      alone ? work(tx) : tx.transaction((sp) => work(sp as Tx));
    const failed = (n: number, error: unknown) => {
      if (alone || !(error instanceof FidelisError)) throw error;
      outcomes[n] = { ok: false, error };
    };
    const land = (n: number, p: Prepared, row: EventRow) => {
      outcomes[n] = { ok: true, row, replayed: false };
      written.set(p.input.id, row);
      landed.push(p);
    };
    let run: Array<{ n: number; p: Prepared }> = [];
    const inRun = new Set<string>();
    const flush = async () => {
      if (run.length === 0) return;
      const group = run;
      run = [];
      inRun.clear();
      try {
        const rows = await guarded((db) =>
          earnMany(
            db,
            programId,
            group.map((g) => ({ p: g.p, versions, actor })),
          ),
        );
        for (const [i, { n, p }] of group.entries()) land(n, p, rows[i]!);
      } catch (error) {
        if (group.length === 1 || alone || !(error instanceof FidelisError))
          return failed(group[0]!.n, error);
        for (const { n, p } of group) {
          try {
            land(n, p, (await guarded((db) => earnMany(db, programId, [{ p, versions, actor }])))[0]!);
          } catch (one) {
            failed(n, one);
          }
        }
      }
    };
    for (const { n, p, unknownAccount } of all) {
      if (unknownAccount) {
        await flush();
        const { ref, at } = unknownAccount;
        failed(n, written.has(ref) ? notItsAccount(ref, at) : originalMissing(ref, at));
        continue;
      }
      // The same id twice in a run: the first is written before the second is looked at (a replay).
      if (inRun.has(p.input.id)) await flush();
      const before = written.get(p.input.id);
      if (before) {
        try {
          outcomes[n] = { ok: true, row: checkReplay(before, p.print, `${p.at}/id`), replayed: true };
        } catch (error) {
          failed(n, error);
        }
        continue;
      }
      if (p.input.type !== 'return') {
        run.push({ n, p });
        inRun.add(p.input.id);
        continue;
      }
      await flush();
      try {
        land(n, p, await guarded((db) => applyReturn(db, p, actor)));
      } catch (error) {
        failed(n, error);
      }
    }
    await flush();
  }

  /**
   * Group commit of single events, per program (decision 0020): while GROUP_IN_FLIGHT statements of
   * the program are running, the events arriving wait and are written together by the next one.
   */
  const committers = new Map<string, (item: Earning) => Promise<EventRow>>();

  /**
   * Shared account reads of single events, per program (decision 0058): while GROUP_IN_FLIGHT reads of
   * the program run, the events arriving wait and the next read finds all their accounts at once.
   */
  const accountLookups = new Map<string, (refs: string[]) => Promise<Map<string, AccountRow>>>();
  function accountLookupOf(programId: string) {
    let lookup = accountLookups.get(programId);
    if (!lookup) {
      lookup = sharedLookup<string, AccountRow>((refs) => accounts.resolveMany(programId, refs), {
        inFlight: database.driver === 'pglite' ? 1 : GROUP_IN_FLIGHT,
        maxKeys: GROUP_MAX,
      });
      accountLookups.set(programId, lookup);
    }
    return lookup;
  }
  function committerOf(programId: string) {
    let committer = committers.get(programId);
    if (!committer) {
      committer = groupCommitter<Earning, EventRow>(
        (items) => retryOnConflict(() => earnMany(database.db, programId, items)),
        { inFlight: database.driver === 'pglite' ? 1 : GROUP_IN_FLIGHT, maxItems: GROUP_MAX },
      );
      committers.set(programId, committer);
    }
    return committer;
  }

  /**
   * The events of a list when one statement can write them all on its own (decision 0020): earning
   * events only (a return reads what it takes back), each id once, and no rule in force for them
   * that counts what was already awarded (caps, budgets, one-off bonuses) — those read usage under
   * the account's lock, in the transactional way. Otherwise null.
   */
  function atOnce(live: Live[], versions: RuleVersionRow[]): Prepared[] | null {
    const ps: Prepared[] = [];
    const ids = new Set<string>();
    for (const { p } of live) {
      if (!p || p.input.type === 'return' || ids.has(p.input.id)) return null;
      if (countedRules(p, inForce(versions, p.occurredAt)).length > 0) return null;
      ids.add(p.input.id);
      ps.push(p);
    }
    return ps;
  }

  /**
   * Ingests a list of events: everything is checked and read before one transaction writes them.
   * Alone (`ingest`), an error is thrown; in a batch, each event gets its outcome.
   */
  async function ingestAll(
    programId: string,
    inputs: EventInput[],
    actor: Actor | null,
    now: Date,
    alone: boolean,
  ): Promise<Outcome[]> {
    const outcomes: Array<Outcome | undefined> = inputs.map(() => undefined);
    const reads = await readFor(programId, inputs, false, alone);
    const live: Live[] = [];
    const before = new Set<string>();
    for (const [n, input] of inputs.entries()) {
      const at = alone ? '' : `/events/${n}`;
      // A return may name an event sent earlier in the same batch: that one is found in the transaction.
      const ref = input.type === 'return' ? input.references?.originalEventId : undefined;
      const inBatch = ref !== undefined && before.has(ref) && !reads.originals.has(ref);
      before.add(input.id);
      try {
        const print = fingerprint(input);
        const replay = reads.replays.get(input.id);
        if (replay) {
          outcomes[n] = { ok: true, row: checkReplay(replay, print, `${at}/id`), replayed: true };
          continue;
        }
        live.push({
          n,
          p: await prepare(programId, reads, input, print, now, at, 'write', actor, inBatch),
        });
      } catch (error) {
        if (alone || !(error instanceof FidelisError)) throw error;
        // An unknown account for a return of an event earlier in the batch: which error it is (the
        // original is missing, or not this account's) depends on whether that event lands.
        if (inBatch && error.code === 'account_not_found')
          live.push({ n, unknownAccount: { ref: ref!, at } });
        else outcomes[n] = { ok: false, error };
      }
    }
    if (live.length > 0) {
      const versions = await rules.versions(programId);
      const landed: Prepared[] = [];
      // Webhooks subscribed to what these events announce need the outbox written in the events'
      // transaction: then they take the transactional way (decision 0020).
      const announced =
        outbox !== undefined &&
        (await outbox.wants(database.db, programId, ['event.processed', 'points.credited']));
      const earning = announced ? null : atOnce(live, versions);
      if (earning) {
        try {
          // One statement, its own transaction: no lock is taken before it (decision 0020). An event
          // alone shares its statement with the others of its program arriving meanwhile.
          const by = actor && actorName(actor);
          const rows = alone
            ? [await committerOf(programId)({ p: earning[0]!, versions, actor: by })]
            : await retryOnConflict(() =>
                earnMany(
                  database.db,
                  programId,
                  earning.map((p) => ({ p, versions, actor: by })),
                ),
              );
          for (const [i, { n }] of live.entries()) outcomes[n] = { ok: true, row: rows[i]!, replayed: false };
          await afterCommit(programId, earning);
          return outcomes as Outcome[];
        } catch (error) {
          // Alone, `ingest` answers a concurrent writer of the same id as a replay. A batch goes the
          // transactional way below, which finds such replays and lets a bad event fail alone.
          if (alone) throw error;
        }
      }
      // The one-statement way takes no id locks: a list written that way at the same moment can
      // beat this transaction to an id after it looked for replays. Then the transaction runs again
      // and finds that id written (a replay, or event_id_reused).
      await retryOnConflict(
        () =>
          database.transaction(async (tx) => {
            landed.length = 0;
            for (const { n } of live) outcomes[n] = undefined;
            await writeAll(tx, programId, live, versions, actor && actorName(actor), alone, outcomes, landed);
            await outbox?.emit(tx, programId, processedMessages(outcomes));
          }),
        5,
        ['events_external_id_uq'],
      );
      await afterCommit(programId, landed);
    }
    return outcomes as Outcome[];
  }

  /** Draft rule documents validated like saved ones (errors at `/rules/i`), as rules to evaluate. */
  async function draftRules(programId: string, documents: RuleDocument[]): Promise<ActiveRule[]> {
    const drafts: ActiveRule[] = [];
    for (const [i, doc] of documents.entries())
      drafts.push({
        id: `draft-${i + 1}`,
        version: 1,
        document: await rules.validate(programId, doc, `/rules/${i}`),
      });
    return drafts;
  }

  /**
   * Evaluates events without writing anything (the simulation and the backtest): each event checked
   * like a real one, evaluated with the live rules in force at its occurredAt plus the drafts
   * (`add`), or with the drafts only (`replace`). Each result comes with the prepared event.
   */
  async function trial(
    programId: string,
    inputs: EventInput[],
    drafts: ActiveRule[],
    mode: 'replace' | 'add' | undefined,
    now: Date,
  ) {
    const versions = await rules.versions(programId);
    const reads = await readFor(
      programId,
      inputs,
      true,
      false,
      drafts.some((d) => mentionsRfm(JSON.stringify(d.document))),
    );
    const results = [];
    for (const [i, input] of inputs.entries()) {
      try {
        const p = await prepare(
          programId,
          reads,
          input,
          fingerprint(input),
          now,
          `/events/${i}`,
          'simulate',
          null,
        );
        const live = mode === 'replace' ? [] : inForce(versions, p.occurredAt);
        const active = [...live, ...drafts.filter((d) => d.document.enabled !== false)];
        const book = await usageBook(database.db, programId, [{ p, active }]);
        const evaluation = evaluated(p, active, book.usageOf(0));
        results.push({
          prepared: p,
          result: {
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
                  : whyNoRuleApplied(
                      { type: input.type, occurredAt: p.occurredAt },
                      active,
                      mode === 'replace' ? [] : versions,
                    ),
            },
          },
        });
      } catch (error) {
        if (!(error instanceof FidelisError)) throw error;
        results.push({
          prepared: null,
          result: {
            ok: false as const,
            id: input.id,
            code: error.code,
            detail: error.detail,
            errors: error.extra.errors as FieldError[] | undefined,
          },
        });
      }
    }
    return results;
  }

  return {
    /** Resolves once every follow-up queued so far (of `programId`, or of every program) has run. */
    async settled(programId?: string): Promise<void> {
      for (;;) {
        const running = programId === undefined ? [...draining.values()] : [draining.get(programId)];
        const pending = running.filter((r) => r !== undefined);
        if (pending.length === 0) return;
        await Promise.all(pending);
      }
    },

    async ingest(programId: string, input: EventInput, actor: Actor | null = null, now = new Date()) {
      try {
        const [outcome] = await ingestAll(programId, [input], actor, now, true);
        if (!outcome!.ok) throw outcome!.error;
        return { event: toEventView(outcome!.row), replayed: outcome!.replayed };
      } catch (error) {
        // Stored before (a replay is not looked for first: it is rare, and the write finds it), or
        // by another caller at the same moment: answer its result, whatever this attempt ran into.
        if (error instanceof FidelisError || isUniqueViolation(error, 'events_external_id_uq')) {
          const again = (await findEventsByExternalIds(database.db, programId, [input.id])).get(input.id);
          if (again) return { event: toEventView(checkReplay(again, fingerprint(input))), replayed: true };
        }
        throw error;
      }
    },

    /**
     * Refreshes the planner's statistics after a bulk ingestion (an events file): every table, since
     * events write the ledger's and may create accounts too (decision 0012).
     */
    refreshStatistics: () => database.analyze(),

    /** Up to 1,000 events in one transaction: a bad event fails alone, with its own outcome. */
    async ingestBatch(
      programId: string,
      inputs: EventInput[],
      actor: Actor | null = null,
      now = new Date(),
    ): Promise<BatchOutcome[]> {
      if (inputs.length > BATCH_MAX)
        throw fieldError('validation_failed', `At most ${BATCH_MAX} events per batch`, {
          events: `more than ${BATCH_MAX}`,
        });
      const outcomes = await ingestAll(programId, inputs, actor, now, false);
      return outcomes.map(
        (o, n): BatchOutcome =>
          o.ok
            ? { ok: true, replayed: o.replayed, event: toEventView(o.row) }
            : {
                ok: false,
                id: inputs[n]?.id ?? null,
                code: o.error.code,
                detail: o.error.detail,
                errors: o.error.extra.errors as FieldError[] | undefined,
              },
      );
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
      const drafts = await draftRules(programId, draft?.rules ?? []);
      return (await trial(programId, inputs, drafts, draft?.mode, now)).map((t) => t.result);
    },

    /**
     * A backtest (issue 18): the stored events that occurred in [from, to) evaluated again with a
     * draft rule set (replacing the live rules, or added to them), beside what they were awarded when
     * ingested — in total, per account segment and per tier held at the event — writing nothing.
     * Returns are left out (they take back a share of what their original was awarded, whatever the
     * rules). Each event is evaluated alone, as the simulation does: caps and budgets count what is
     * stored, not what the draft would have awarded before it.
     */
    async backtest(
      programId: string,
      query: { from: Date; to: Date; rules: RuleDocument[]; mode?: 'replace' | 'add' },
      now = new Date(),
    ) {
      if (query.to.getTime() <= query.from.getTime())
        throw invalid('to must be after from', { to: 'must be after from' });
      const drafts = await draftRules(programId, query.rules);
      const sum = () => ({ points: 0, cashback: 0 });
      const add = (t: { points: number; cashback: number }, x: { points: number; cashback: number }) => {
        t.points += x.points;
        t.cashback += x.cashback;
      };
      type Line = { events: number; proposed: ReturnType<typeof sum>; actual: ReturnType<typeof sum> };
      const line = (): Line => ({ events: 0, proposed: sum(), actual: sum() });
      const total = line();
      const bySegment = new Map<string, Line>();
      const byTier = new Map<string, Line>();
      const byRule = new Map<
        string,
        { ruleId: string; name: string; events: number; points: number; cashback: number }
      >();
      // Every draft rule in document order (those that award nothing too), then live ones as met.
      for (const d of drafts)
        byRule.set(d.id, { ruleId: d.id, name: d.document.name, events: 0, points: 0, cashback: 0 });
      let failed = 0;
      let after: { occurredAt: Date; id: string } | undefined;
      for (;;) {
        const page = await eventsOccurredIn(
          database.db,
          programId,
          query.from,
          query.to,
          after,
          BACKTEST_PAGE,
        );
        if (page.length === 0) break;
        after = { occurredAt: page.at(-1)!.occurredAt, id: page.at(-1)!.id };
        const stored = page.filter((e) => e.type !== 'return');
        if (total.events + stored.length > BACKTEST_MAX_EVENTS)
          throw new FidelisError(
            'backtest_too_large',
            `More than ${BACKTEST_MAX_EVENTS} events occurred in the period; backtest a shorter one`,
          );
        const tried = await trial(programId, stored.map(storedInput), drafts, query.mode ?? 'replace', now);
        for (const [i, t] of tried.entries()) {
          if (!t.result.ok || !t.prepared) {
            failed++;
            continue;
          }
          const actual = stored[i]!.evaluation.totals;
          const proposed = t.result.result.totals;
          const facts = t.prepared.facts.account;
          for (const target of [
            total,
            getOr(bySegment, facts.segment ?? '', line),
            getOr(byTier, facts.tier ?? '', line),
          ]) {
            target.events++;
            add(target.proposed, proposed);
            add(target.actual, actual);
          }
          for (const r of t.result.result.rules) {
            if (r.awards.length === 0) continue;
            const k = getOr(byRule, r.ruleId, () => ({
              ruleId: r.ruleId,
              name: r.name,
              events: 0,
              points: 0,
              cashback: 0,
            }));
            k.events++;
            for (const a of r.awards) {
              if (a.kind === 'points') k.points += a.amount;
              if (a.kind === 'cashback') k.cashback += a.amount;
            }
          }
        }
        if (page.length < BACKTEST_PAGE) break;
      }
      const program = await programs.get(programId);
      const { costPerPoint } = ledgerSettings(program.settings);
      // What the awards cost the program: points at the program's cost per point, plus the cashback.
      const cost = (t: { points: number; cashback: number }) =>
        formatAmount(
          BigInt(valueInMinorUnits(Math.max(0, t.points), costPerPoint, program.baseCurrency) + t.cashback),
          program.baseCurrency,
        );
      const view = (l: Line) => ({
        events: l.events,
        proposed: { ...l.proposed, cost: cost(l.proposed) },
        actual: { ...l.actual, cost: cost(l.actual) },
      });
      return {
        from: query.from.toISOString(),
        to: query.to.toISOString(),
        mode: query.mode ?? 'replace',
        baseCurrency: program.baseCurrency,
        costPerPoint,
        events: total.events,
        failed,
        proposed: { ...total.proposed, cost: cost(total.proposed) },
        actual: { ...total.actual, cost: cost(total.actual) },
        bySegment: [...bySegment]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, l]) => ({ segment: k === '' ? null : k, ...view(l) })),
        byTier: [...byTier]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, l]) => ({ tier: k === '' ? null : k, ...view(l) })),
        rules: [...byRule.values()],
      };
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
      const limit = query.limit ?? DEFAULT_LIMIT;
      const rows = await listEvents(database.db, programId, {
        accountId,
        type: query.type,
        before: afterCursor(query.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit, toEventView);
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

/** `event.processed` for every event a transaction landed (not replays), with its result and awards. */
function processedMessages(
  outcomes: ReadonlyArray<{ ok: boolean; replayed?: boolean; row?: EventRow } | undefined>,
): OutboxMessage[] {
  return outcomes.flatMap((o) =>
    o?.ok && !o.replayed && o.row ? [{ type: 'event.processed' as const, payload: toEventView(o.row) }] : [],
  );
}
