// The points and cash ledger: every movement is one transaction that writes an immutable entry,
// its balanced postings, the lots it creates or consumes, and the wallet counters.
// Long file: the hot-path issue (14) rebuilds it as one transaction-first ledger API and splits it
// into verb files then; until then it stays whole.
import { createHash } from 'node:crypto';
import type { Actor } from '../../core/access.ts';
import { FidelisError, fieldError, invalid } from '../../core/errors.ts';
import { expiryFor } from '../../core/ledger/expiry.ts';
import { assertBalanced, type Posting } from '../../core/ledger/journal.ts';
import { type Allocation, allocate, assertAmount } from '../../core/ledger/lots.ts';
import { valueInMinorUnits } from '../../core/money.ts';
import { afterCursor, DEFAULT_LIMIT, type Page, toPage } from '../../core/pagination.ts';
import { isCurrency } from '../../core/reference.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import { retryOnConflict } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { accountByRef } from '../accounts/accounts-reads.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { MessageType, OutboxService } from '../outbox/outbox-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { type AdjustmentInput, adjustBalance } from './ledger-adjust.ts';
import {
  allocationsOf,
  changeLots,
  dueLots,
  expiringLots,
  insertAllocations,
  insertLots,
  type LotRow,
  lockLots,
  lockSpendableLots,
  lotAllocationCount,
  lotsOfEntry,
  type NewLotRow,
} from './ledger-lots-store.ts';
import {
  activityByDay,
  expiryScheduleByMonth,
  liabilityAsOf,
  memberWallets,
  netAsOf,
  postingsToUnknownWallets,
  unbalancedEntries,
  walletHistory,
  walletTotals,
} from './ledger-reports-store.ts';
import { type LedgerSettings, ledgerSettings } from './ledger-settings.ts';
import {
  changeWallet,
  dueUnresolved,
  type EntryRow,
  ensureMemberWallet,
  ensureSystemWallet,
  entriesRelatedTo,
  type FreshCredits,
  findEntry,
  findEntryByKey,
  findWallet,
  insertEntry,
  insertPostings,
  lockEntry,
  lockKey,
  lockMemberWalletsOf,
  lockWallet,
  memberWalletIds,
  type NewEntryRow,
  postingsOf,
  reversedSoFar,
  type WalletDelta,
  type WalletRow,
  type WalletSummaryRow,
  walletSummaryOf,
  walletsWithExpiry,
} from './ledger-store.ts';

export type { FreshCredits } from './ledger-store.ts';

import type { EntryType, SourceType, SystemWallet } from './ledger-tables.ts';

const DAY = 86_400_000;

export interface MovementInput {
  /** Idempotency key of this ledger write, unique per program. */
  key: string;
  account: string;
  unit?: string;
  amount: number;
  reasonCode: string;
  explanation: string;
  contactId?: string;
  sourceType?: SourceType;
  sourceId?: string;
  effectiveAt?: Date;
  actor?: string;
  /** Runs inside the write's transaction after the entry is written (e.g. the audit record). */
  afterWrite?: (tx: Tx, entry: EntryRow) => Promise<void>;
  /**
   * The caller guarantees the key is new and nobody else writes it (it derives from an id the caller
   * just made, under its own lock): no per-key lock, no replay lookup, and inside the caller's
   * transaction no savepoint of its own — a failure fails the caller's unit of work. The unique key
   * still holds.
   */
  keyIsFresh?: boolean;
}

export interface CreditInput extends MovementInput {
  type?: 'earn' | 'adjust';
  /** Pending until this time (then posted automatically), or pending until posted/voided when true. */
  pending?: boolean;
  pendingUntil?: Date;
  /** Overrides the program's expiry policy for this credit (null: never expires). */
  expiresAt?: Date | null;
}

export interface DebitInput extends MovementInput {
  type?: 'redeem' | 'donate' | 'payout' | 'adjust';
  /** Reserve only: the debit is posted or voided later (voided automatically at holdUntil). */
  hold?: boolean;
  holdUntil?: Date;
}

export interface ReverseInput {
  key: string;
  /** Part of the entry to reverse; the whole rest when omitted. */
  amount?: number;
  reasonCode: string;
  explanation: string;
  actor?: string;
  sourceType?: SourceType;
  sourceId?: string;
}

export interface TransferInput {
  key: string;
  from: string;
  to: string;
  unit?: string;
  amount: number;
  reasonCode: string;
  explanation: string;
  contactId?: string;
  actor?: string;
}

export type BatchItem = ({ op: 'credit' } & CreditInput) | ({ op: 'debit' } & DebitInput);
export type BatchResult = ({ ok: true } & WriteResult) | { ok: false; code: string; detail: string };

/** A ledger write ready to run: everything it needs was read before its transaction. */
export interface PreparedWrite {
  programId: string;
  key: string;
  content: unknown;
  write: (tx: Tx, print: string) => Promise<EntryRow>;
  keyIsFresh?: boolean;
}

/** The reads a credit needs before its transaction (see `creditContext`). */
export interface CreditContext {
  programId: string;
  accountId: string;
  ledger: LedgerSettings;
  timeZone: string;
  ownerId: string;
}

export interface WriteResult {
  entry: EntryRow;
  replayed: boolean;
}

function fingerprint(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

function checkUnit(unit: string): string {
  if (unit !== 'points' && !isCurrency(unit)) {
    throw invalid(`unit must be "points" or an ISO 4217 currency code, got ${unit}`, {
      unit: 'unknown unit',
    });
  }
  return unit;
}

function checkAmount(amount: number): void {
  try {
    assertAmount(amount);
  } catch {
    throw invalid(`amount must be a positive whole number, got ${amount}`, {
      amount: 'must be a positive whole number',
    });
  }
}

/**
 * A credit's context from what the caller has already read: the program and the top of the
 * account's hierarchy (the wallet owner when the program pools wallets by group).
 */
export function creditContextOf(
  program: { id: string; settings: Record<string, unknown>; timeZone: string },
  accountId: string,
  topId: string,
): CreditContext {
  const ledger = ledgerSettings(program.settings);
  return {
    programId: program.id,
    accountId,
    ledger,
    timeZone: program.timeZone,
    ownerId: ledger.pooling === 'group' ? topId : accountId,
  };
}

export function createLedgerService(
  database: Database,
  programs: ProgramService,
  accounts: AccountService,
  audit: AuditService,
  outbox?: Pick<OutboxService, 'emit' | 'wants'>,
) {
  /**
   * Writes postings and announces to webhooks (decision 0016) what moved a member wallet: credited,
   * debited or expired (a pending credit is announced when it posts, not when it is promised).
   */
  async function writePostings(
    tx: Tx,
    programId: string,
    rows: ReturnType<typeof postingRows>,
    entries: readonly EntryRow[],
  ): Promise<void> {
    await insertPostings(tx, rows);
    if (!outbox) return;
    const byId = new Map(entries.map((e) => [e.id, e]));
    const messages = rows.flatMap((r) => {
      const e = byId.get(r.entryId);
      if (!e || r.walletId !== e.walletId || Number(r.amount) === 0) return [];
      const type =
        e.type === 'expire' ? 'points.expired' : Number(r.amount) > 0 ? 'points.credited' : 'points.debited';
      return [
        {
          type: type as MessageType,
          payload: {
            entryId: e.id,
            entryType: e.type,
            walletId: e.walletId,
            accountId: e.accountId,
            contactId: e.contactId,
            unit: e.unit,
            amount: Math.abs(Number(r.amount)),
            reasonCode: e.reasonCode,
            explanation: e.explanation,
            sourceType: e.sourceType,
            sourceId: e.sourceId,
            effectiveAt: e.effectiveAt.toISOString(),
          },
        },
      ];
    });
    await outbox.emit(tx, programId, messages);
  }

  async function settingsOf(
    programId: string,
    db?: Tx,
  ): Promise<{ ledger: LedgerSettings; timeZone: string; baseCurrency: string }> {
    const program = await programs.get(programId, db);
    return {
      ledger: ledgerSettings(program.settings),
      timeZone: program.timeZone,
      baseCurrency: program.baseCurrency,
    };
  }

  /** The account that owns the wallet for `accountId`: itself, or its top group when wallets are pooled. */
  async function walletOwner(
    programId: string,
    accountId: string,
    pooling: LedgerSettings['pooling'],
  ): Promise<string> {
    return pooling === 'group' ? accounts.topOf(programId, accountId) : accountId;
  }

  /** The account a reference names, the program's ledger settings, and who owns the account's wallets. */
  async function ownerOf(
    programId: string,
    accountRef: string,
  ): Promise<{ accountId: string; ownerId: string; ledger: LedgerSettings }> {
    const account = await accounts.resolve(programId, accountRef);
    const { ledger } = await settingsOf(programId);
    return {
      accountId: account.id,
      ownerId: await walletOwner(programId, account.id, ledger.pooling),
      ledger,
    };
  }

  /** The wallet of an account (its group's, when pooled) in a unit, if it has one yet. */
  async function walletOf(
    programId: string,
    accountRef: string,
    unit: string,
  ): Promise<WalletRow | undefined> {
    const { ownerId } = await ownerOf(programId, accountRef);
    return findWallet(database.db, programId, ownerId, checkUnit(unit));
  }

  /**
   * System wallet ids never change once created, so each is cached for the life of the instance
   * (decision 0014) — but only an id that was committed: one created by a transaction still open
   * would dangle if it rolled back. The insert-if-missing tells: it conflicts only with a committed
   * row (it waits for a concurrent inserter's outcome) or with a row of the same transaction, which
   * `createdIn` remembers per database session (drizzle opens one per top-level transaction on
   * both drivers, shared by its savepoints). A row created here is cached by a later transaction.
   */
  const systemWallets = new Map<string, string>();
  const createdIn = new WeakMap<object, Set<string>>();
  async function systemWallet(
    tx: Tx,
    programId: string,
    code: SystemWallet,
    unit: string,
  ): Promise<{ id: string }> {
    const key = `${programId}\u0000${code}\u0000${unit}`;
    const known = systemWallets.get(key);
    if (known) return { id: known };
    const { id, created } = await ensureSystemWallet(tx, programId, newId('wal'), code, unit);
    const session = (tx as unknown as { session?: object }).session;
    if (!session) return { id };
    const mine = createdIn.get(session) ?? new Set<string>();
    if (created) createdIn.set(session, mine.add(key));
    else if (!mine.has(key)) systemWallets.set(key, id);
    return { id };
  }

  type Prepared = PreparedWrite;

  /**
   * Runs a ledger write once per key: a replay returns the first entry, other content is refused.
   * Inside `outer` it runs in a savepoint, so a failure undoes only this write.
   */
  async function execute(p: Prepared, outer?: Tx): Promise<WriteResult> {
    const print = fingerprint(p.content);
    const body = async (tx: Tx): Promise<WriteResult> => {
      if (!p.keyIsFresh) await lockKey(tx, `ledger:${p.programId}:${p.key}`);
      // A fresh key cannot have been used yet: no lookup (the unique key still guards it).
      const existing = p.keyIsFresh ? undefined : await findEntryByKey(tx, p.programId, p.key);
      if (existing) {
        if (existing.fingerprint !== print) {
          throw new FidelisError(
            'idempotency_key_reused',
            `Ledger key ${p.key} was first used for a different movement`,
          );
        }
        return { entry: existing, replayed: true };
      }
      return { entry: await p.write(tx, print), replayed: false };
    };
    if (!outer) return retryOnConflict(() => database.transaction(body));
    // A fresh key's write belongs to its caller's unit of work: it runs in the caller's transaction
    // directly (a failure fails the caller), sparing a savepoint per write — PostgreSQL slows down
    // once a transaction holds more than 64 subtransactions, which a batch of events would.
    return p.keyIsFresh ? body(outer) : outer.transaction((tx) => body(tx as Tx));
  }

  function once(
    programId: string,
    key: string,
    content: unknown,
    write: (tx: Tx, print: string) => Promise<EntryRow>,
    outer?: Tx,
  ): Promise<WriteResult> {
    return execute({ programId, key, content, write }, outer);
  }

  function entryRow(base: Omit<NewEntryRow, 'id' | 'effectiveAt'> & { effectiveAt?: Date }): NewEntryRow {
    return { ...base, id: newId('ent'), effectiveAt: base.effectiveAt ?? new Date() };
  }

  async function post(tx: Tx, programId: string, entry: EntryRow, postings: Posting[]): Promise<void> {
    await writePostings(tx, programId, postingRows(programId, entry, postings), [entry]);
  }

  /**
   * Posts a credit to a member wallet: its counters and a lot (see creditLots), then the system
   * wallet it is issued from (created on first use) and the balanced postings. Member wallet first,
   * then the system wallet, like every other write: the other order deadlocks with a concurrent
   * write that creates the same system wallet.
   */
  async function postCredit(
    tx: Tx,
    programId: string,
    wallet: WalletRow,
    entry: EntryRow,
    type: EntryType,
    amount: number,
    expiresAt: Date | null,
  ): Promise<void> {
    await creditLots(tx, programId, wallet, entry, [{ amount, expiresAt }], {
      earned: type === 'earn' ? amount : 0,
    });
    const source = await systemWallet(tx, programId, creditSource(type), entry.unit);
    await post(tx, programId, entry, [
      { walletId: source.id, unit: entry.unit, amount: -amount },
      { walletId: wallet.id, unit: entry.unit, amount },
    ]);
  }

  /** Writes a debit's postings: from the member wallet into the system wallet of its type. */
  async function postDebit(
    tx: Tx,
    programId: string,
    walletId: string,
    entry: EntryRow,
    type: EntryType,
    amount: number,
  ): Promise<void> {
    const sink = await systemWallet(tx, programId, debitSink(type), entry.unit);
    await post(tx, programId, entry, [
      { walletId, unit: entry.unit, amount: -amount },
      { walletId: sink.id, unit: entry.unit, amount },
    ]);
  }

  /**
   * Credits a member wallet: settles debt first, the rest becomes lots (one per part, each with
   * its own expiry). Returns nothing; postings are the caller's.
   */
  async function creditLots(
    tx: Tx,
    programId: string,
    wallet: WalletRow,
    entry: EntryRow,
    parts: Array<{ amount: number; expiresAt: Date | null }>,
    counters: { earned?: number },
  ): Promise<void> {
    const locked = await lockWallet(tx, programId, wallet.id);
    const total = parts.reduce((s, p) => s + p.amount, 0);
    let settle = Math.min(total, locked.debt);
    await changeWallet(tx, programId, wallet.id, {
      balance: total - settle,
      debt: -settle,
      earned: counters.earned ?? 0,
    });
    const lots = [];
    for (const part of parts) {
      const fromPart = Math.min(settle, part.amount);
      settle -= fromPart;
      const amount = part.amount - fromPart;
      if (amount > 0) lots.push(lotRow(programId, wallet.id, entry, amount, part.expiresAt));
    }
    await insertLots(tx, lots);
  }

  /** Takes `amount` from the wallet's lots (soonest-expiring first, `preferLot` first of all). */
  async function consumeLots(
    tx: Tx,
    programId: string,
    walletId: string,
    entryId: string,
    amount: number,
    preferLot?: string,
  ): Promise<Allocation[]> {
    const lots = await lockSpendableLots(tx, programId, walletId);
    const asLots = lots.map((l) => ({
      id: l.id,
      remaining: l.remaining,
      expiresAt: l.id === preferLot ? '0000' : (l.expiresAt?.toISOString() ?? null),
      earnedAt: l.earnedAt.toISOString(),
    }));
    const { allocations, uncovered } = allocate(asLots, amount);
    if (uncovered > 0) throw new Error(`wallet ${walletId} lots hold less than its available balance`);
    await changeLots(
      tx,
      programId,
      allocations.map((a) => ({ lotId: a.lotId, delta: -a.amount })),
    );
    await insertAllocations(
      tx,
      allocations.map((a) => ({ programId, entryId, lotId: a.lotId, amount: a.amount })),
    );
    return allocations;
  }

  /**
   * Applies a debit's counter change only when the wallet's available balance (balance - held)
   * covers `amount` at this very instant (the database decides, so concurrent debits cannot overdraw).
   */
  async function spend(tx: Tx, programId: string, wallet: WalletRow, change: WalletDelta, amount: number) {
    const changed = await changeWallet(tx, programId, wallet.id, change, amount);
    if (!changed) {
      throw fieldError(
        'insufficient_balance',
        `The wallet holds less than ${amount} ${wallet.unit} available`,
        { amount: 'exceeds the available balance' },
      );
    }
  }

  /** Locks the lots these allocations took from, and tells each one's expiry. */
  async function lotExpiries(
    tx: Tx,
    programId: string,
    taken: Array<{ lotId: string }>,
  ): Promise<(lotId: string) => Date | null> {
    const lots = await lockLots(
      tx,
      programId,
      taken.map((a) => a.lotId),
    );
    return (lotId) => lots.find((l) => l.id === lotId)?.expiresAt ?? null;
  }

  async function memberWallet(tx: Tx, programId: string, ownerId: string, unit: string): Promise<WalletRow> {
    return ensureMemberWallet(tx, programId, newId('wal'), ownerId, unit);
  }

  /** What a credit to the account needs to read first; read it before opening a transaction of your own. */
  async function creditContext(programId: string, accountRef: string): Promise<CreditContext> {
    const account = await accounts.resolve(programId, accountRef);
    const program = await programs.get(programId);
    const ledger = ledgerSettings(program.settings);
    const topId = ledger.pooling === 'group' ? await accounts.topOf(programId, account.id) : account.id;
    return creditContextOf(program, account.id, topId);
  }

  /** What a credit will write, worked out before any write (the same for one credit and for many). */
  function planCredit(programId: string, input: CreditInput, context: CreditContext) {
    checkAmount(input.amount);
    const unit = checkUnit(input.unit ?? 'points');
    const type = input.type ?? 'earn';
    const { accountId, ledger, timeZone, ownerId } = context;
    const effectiveAt = input.effectiveAt ?? new Date();
    const pending = input.pending === true || input.pendingUntil !== undefined;
    const expiresAt =
      input.expiresAt !== undefined
        ? input.expiresAt
        : unit === 'points'
          ? expiryFor(ledger.expiry, effectiveAt, timeZone)
          : null;
    const resolveBy = pending
      ? (input.pendingUntil ?? new Date(effectiveAt.getTime() + ledger.pendingTimeoutDays * DAY))
      : null;
    const content = {
      op: 'credit',
      type,
      account: accountId,
      unit,
      amount: input.amount,
      reason: input.reasonCode,
      pending,
      // What the client asked for, not what was derived from the clock: a retry must match.
      pendingUntil: input.pendingUntil ?? null,
      expiresAt: input.expiresAt === undefined ? 'policy' : input.expiresAt,
      contact: input.contactId ?? null,
      source: input.sourceId ?? null,
    };
    const entry = (walletId: string, print: string) =>
      entryRow({
        ...movementColumns(input, print),
        programId,
        type,
        phase: pending ? 'pending' : 'posted',
        walletId,
        accountId,
        unit,
        resolveBy,
        expiresAt,
        effectiveAt,
      });
    return { input, unit, type, pending, expiresAt, ownerId, content, entry };
  }

  async function prepareCredit(
    programId: string,
    input: CreditInput,
    context?: CreditContext,
  ): Promise<Prepared> {
    checkAmount(input.amount);
    checkUnit(input.unit ?? 'points');
    const given = context?.programId === programId ? context : undefined;
    const plan = planCredit(programId, input, given ?? (await creditContext(programId, input.account)));
    const { unit, type, pending, expiresAt, ownerId } = plan;
    return {
      programId,
      key: input.key,
      keyIsFresh: input.keyIsFresh,
      content: plan.content,
      write: async (tx: Tx, print: string) => {
        const wallet = await memberWallet(tx, programId, ownerId, unit);
        const entry = await insertEntry(tx, plan.entry(wallet.id, print));
        if (pending) {
          await changeWallet(tx, programId, wallet.id, { pending: input.amount });
        } else {
          await postCredit(tx, programId, wallet, entry, type, input.amount, expiresAt);
        }
        await input.afterWrite?.(tx, entry);
        return entry;
      },
    };
  }

  /**
   * Many credits with fresh keys (see `keyIsFresh`), planned for one set-based write:
   * `fidelis_post_credits` (migration 0014, decision 0020) creates and locks the member wallets (in
   * one order), creates the system wallets they are issued from, and writes entries, counters, lots
   * and postings in one statement — what crediting them one by one, in the given order, would write
   * (each posted credit settles the wallet's debt first). The events module sends the plan inside its
   * own one-statement write (`fidelis_write_events` calls `fidelis_post_credits`), then `announceFresh`.
   */
  function planFresh(
    programId: string,
    items: Array<{ input: CreditInput; context: CreditContext }>,
  ): FreshCredits {
    for (const { input } of items)
      if (input.afterWrite) throw new Error('fresh credits do not run afterWrite hooks');
    const wallets = new Map<string, { id: string; owner: string; unit: string }>();
    const systems = new Map<string, { id: string; code: SystemWallet; unit: string }>();
    const credits = items.map(({ input, context }, ord) => {
      const p = planCredit(programId, input, context);
      const entry = p.entry('', fingerprint(p.content));
      const walletKey = `${p.ownerId}\u0000${p.unit}`;
      if (!wallets.has(walletKey))
        wallets.set(walletKey, { id: newId('wal'), owner: p.ownerId, unit: p.unit });
      const source = creditSource(p.type);
      if (!systems.has(`${source}\u0000${p.unit}`))
        systems.set(`${source}\u0000${p.unit}`, { id: newId('wal'), code: source, unit: p.unit });
      return {
        ord,
        id: entry.id,
        key: entry.idempotencyKey,
        print: entry.fingerprint,
        type: p.type,
        pending: p.pending,
        owner: p.ownerId,
        account: entry.accountId,
        contact: entry.contactId ?? null,
        unit: p.unit,
        amount: input.amount,
        reason: entry.reasonCode,
        sourceType: entry.sourceType,
        sourceId: entry.sourceId ?? null,
        explanation: entry.explanation,
        resolveBy: entry.resolveBy ?? null,
        expiresAt: entry.expiresAt ?? null,
        actor: entry.actor ?? null,
        effectiveAt: entry.effectiveAt,
        source,
        lot: newId('lot'),
      };
    });
    return { wallets: [...wallets.values()], systems: [...systems.values()], credits };
  }

  /**
   * Announces planned fresh credits that posted (`points.credited`, decision 0016) in the caller's
   * transaction, after `postFresh` or the events' one-statement write: the wallets they went to are
   * read back (the statement created or found them), only when someone is subscribed.
   */
  async function announceFresh(tx: Executor, programId: string, plan: FreshCredits): Promise<void> {
    const posted = plan.credits.filter((c) => !c.pending);
    if (!outbox || posted.length === 0 || !(await outbox.wants(tx, programId, ['points.credited']))) return;
    const ids = await memberWalletIds(
      tx,
      programId,
      posted.map((c) => ({ owner: c.owner, unit: c.unit })),
    );
    await outbox.emit(
      tx,
      programId,
      posted.map((c) => ({
        type: 'points.credited' as const,
        payload: {
          entryId: c.id,
          entryType: c.type,
          walletId: ids.get(`${c.owner}\u0000${c.unit}`) ?? null,
          accountId: c.account,
          contactId: c.contact,
          unit: c.unit,
          amount: c.amount,
          reasonCode: c.reason,
          explanation: c.explanation,
          sourceType: c.sourceType,
          sourceId: c.sourceId,
          effectiveAt: c.effectiveAt.toISOString(),
        },
      })),
    );
  }

  async function prepareDebit(programId: string, input: DebitInput): Promise<Prepared> {
    checkAmount(input.amount);
    const unit = checkUnit(input.unit ?? 'points');
    const type = input.type ?? 'redeem';
    const { accountId, ownerId, ledger } = await ownerOf(programId, input.account);
    const effectiveAt = input.effectiveAt ?? new Date();
    const hold = input.hold === true || input.holdUntil !== undefined;
    const resolveBy = hold
      ? (input.holdUntil ?? new Date(effectiveAt.getTime() + ledger.holdTimeoutDays * DAY))
      : null;
    const content = {
      op: 'debit',
      type,
      account: accountId,
      unit,
      amount: input.amount,
      reason: input.reasonCode,
      hold,
      holdUntil: input.holdUntil ?? null,
      contact: input.contactId ?? null,
      source: input.sourceId ?? null,
    };
    return {
      programId,
      key: input.key,
      content,
      write: async (tx: Tx, print: string) => {
        const wallet = await memberWallet(tx, programId, ownerId, unit);
        await spend(
          tx,
          programId,
          wallet,
          hold
            ? { held: input.amount }
            : { balance: -input.amount, redeemed: type === 'adjust' ? 0 : input.amount },
          input.amount,
        );
        const entry = await insertEntry(
          tx,
          entryRow({
            ...movementColumns(input, print),
            programId,
            type,
            phase: hold ? 'hold' : 'posted',
            walletId: wallet.id,
            accountId,
            unit,
            resolveBy,
            effectiveAt,
          }),
        );
        await consumeLots(tx, programId, wallet.id, entry.id, input.amount);
        if (!hold) await postDebit(tx, programId, wallet.id, entry, type, input.amount);
        await input.afterWrite?.(tx, entry);
        return entry;
      },
    };
  }

  const service = {
    /** Inside `outer` (another module's transaction) the write commits or rolls back with it. */
    credit: async (programId: string, input: CreditInput, outer?: Tx, context?: CreditContext) =>
      execute(await prepareCredit(programId, input, context), outer),
    creditContext,
    planFresh,
    announceFresh,
    /**
     * Locks the member wallets of these owners, in id order, for the caller's transaction: a caller
     * that will write to several of them in several steps takes them in one order up front, so two
     * such callers queue instead of deadlocking.
     */
    lockWalletsOf: (tx: Tx, programId: string, ownerIds: string[]) =>
      lockMemberWalletsOf(tx, programId, ownerIds),

    /**
     * For another module whose own write must include a credit atomically (a membership's service
     * credit): prepare it before the transaction (the reads use the database), then write it with
     * writePrepared inside that transaction. Once per key, like every ledger write.
     */
    prepareCredit: (programId: string, input: CreditInput) => prepareCredit(programId, input),
    /** Writes a prepared credit inside the caller's transaction (in a savepoint); a replay returns the first entry. */
    writePrepared: (tx: Tx, prepared: PreparedWrite) => execute(prepared, tx),
    debit: async (programId: string, input: DebitInput) => execute(await prepareDebit(programId, input)),
    /** A correction by hand (positive credits, negative debits), audited. */
    adjust: (programId: string, input: AdjustmentInput, actor: Actor) =>
      adjustBalance({ credit: service.credit, debit: service.debit, audit }, programId, input, actor),

    /**
     * Many credits and debits in one transaction, each in its own savepoint: one bad item fails
     * alone (its result says why) and the others commit together.
     */
    async batch(programId: string, items: BatchItem[]): Promise<BatchResult[]> {
      const prepared: Array<Prepared | FidelisError> = [];
      for (const item of items) {
        try {
          prepared.push(
            item.op === 'credit' ? await prepareCredit(programId, item) : await prepareDebit(programId, item),
          );
        } catch (error) {
          if (!(error instanceof FidelisError)) throw error;
          prepared.push(error);
        }
      }
      return retryOnConflict(() =>
        database.transaction(async (tx) => {
          const results: BatchResult[] = [];
          for (const p of prepared) {
            if (p instanceof FidelisError) {
              results.push({ ok: false, code: p.code, detail: p.detail });
              continue;
            }
            try {
              results.push({ ok: true, ...(await execute(p, tx)) });
            } catch (error) {
              if (!(error instanceof FidelisError)) throw error;
              results.push({ ok: false, code: error.code, detail: error.detail });
            }
          }
          return results;
        }),
      );
    },

    /** Posts a pending credit or a hold (action post), or cancels it (action void). Once only. */
    async resolve(
      programId: string,
      entryId: string,
      action: 'post' | 'void',
      input: {
        key: string;
        explanation?: string;
        actor?: string;
        sourceType?: SourceType;
        effectiveAt?: Date;
      },
      outer?: Tx,
    ): Promise<WriteResult> {
      const content = { op: action, entry: entryId };
      return once(
        programId,
        input.key,
        content,
        async (tx, print) => {
          const original = await lockEntry(tx, programId, entryId);
          if (!original) throw entryNotFound(entryId);
          if (original.phase !== 'pending' && original.phase !== 'hold') {
            throw new FidelisError(
              'entry_not_open',
              `Entry ${entryId} is ${original.phase}: only pending credits and holds can be posted or voided`,
            );
          }
          const done = await resolutionOf(tx, programId, entryId);
          if (done)
            throw new FidelisError(
              'entry_not_open',
              `Entry ${entryId} was already ${done.phase === 'post' ? 'posted' : 'voided'} by ${done.id}`,
            );
          const unit = original.unit;
          const verb =
            action === 'post'
              ? original.phase === 'pending'
                ? 'Posted'
                : 'Captured'
              : original.phase === 'pending'
                ? 'Voided'
                : 'Released';
          const entry = await insertEntry(
            tx,
            entryRow({
              programId,
              idempotencyKey: input.key,
              fingerprint: print,
              type: original.type,
              phase: action,
              walletId: original.walletId,
              accountId: original.accountId,
              contactId: original.contactId,
              unit,
              amount: original.amount,
              reasonCode: original.reasonCode,
              sourceType: input.sourceType ?? original.sourceType,
              sourceId: original.sourceId,
              explanation: input.explanation ?? `${verb}: ${original.explanation}`,
              relatedEntryId: original.id,
              expiresAt: original.expiresAt,
              actor: input.actor ?? null,
              effectiveAt: input.effectiveAt,
            }),
          );
          const wallet = await lockWallet(tx, programId, original.walletId);
          if (original.phase === 'pending') {
            await changeWallet(tx, programId, wallet.id, { pending: -original.amount });
            if (action === 'post') {
              await postCredit(
                tx,
                programId,
                wallet,
                entry,
                original.type,
                original.amount,
                original.expiresAt,
              );
            }
          } else if (action === 'post') {
            await changeWallet(tx, programId, wallet.id, {
              held: -original.amount,
              balance: -original.amount,
              redeemed: original.type === 'adjust' ? 0 : original.amount,
            });
            await postDebit(tx, programId, wallet.id, entry, original.type, original.amount);
          } else {
            // Releasing a hold gives its lots back.
            await changeWallet(tx, programId, wallet.id, { held: -original.amount });
            const taken = await allocationsOf(tx, programId, original.id);
            await lockLots(
              tx,
              programId,
              taken.map((a) => a.lotId),
            );
            await changeLots(
              tx,
              programId,
              taken.map((a) => ({ lotId: a.lotId, delta: a.amount })),
            );
            await insertAllocations(
              tx,
              taken.map((a) => ({ programId, entryId: entry.id, lotId: a.lotId, amount: -a.amount })),
            );
          }
          return entry;
        },
        outer,
      );
    },

    /**
     * Reverses (part of) a posted credit or debit with a linked entry; credits may end in debt or
     * write-off. Inside `outer` (another module's transaction) the reversal commits or rolls back with
     * it; pass the program's ledger settings then, since a read outside the transaction would wait for it.
     */
    async reverse(
      programId: string,
      entryId: string,
      input: ReverseInput,
      outer?: Tx,
      settings?: LedgerSettings,
    ): Promise<WriteResult> {
      if (input.amount !== undefined) checkAmount(input.amount);
      const ledger = settings ?? (await settingsOf(programId, outer)).ledger;
      const content = {
        op: 'reverse',
        entry: entryId,
        amount: input.amount ?? null,
        reason: input.reasonCode,
      };
      return once(
        programId,
        input.key,
        content,
        async (tx, print) => {
          const target = await lockEntry(tx, programId, entryId);
          if (!target) throw entryNotFound(entryId);
          const postings = await postingsOf(tx, programId, target.id);
          const effect = postings
            .filter((p) => p.walletId === target.walletId)
            .reduce((s, p) => s + p.amount, 0);
          const reversible =
            (target.phase === 'posted' || target.phase === 'post') &&
            target.type !== 'transfer' &&
            target.type !== 'expire' &&
            target.type !== 'reverse' &&
            effect !== 0;
          if (!reversible) {
            throw new FidelisError(
              'entry_not_reversible',
              `Entry ${entryId} (${target.type}, ${target.phase}) cannot be reversed`,
            );
          }
          const left = Math.abs(effect) - (await reversedSoFar(tx, programId, target.id));
          const amount = input.amount ?? left;
          if (amount <= 0 || amount > left) {
            throw fieldError(
              'reversal_exceeds_entry',
              `At most ${left} ${target.unit} of entry ${entryId} can still be reversed`,
              { amount: `at most ${left}` },
            );
          }
          const unit = target.unit;
          const wallet = await lockWallet(tx, programId, target.walletId);
          const reversal = await systemWallet(tx, programId, 'reversal', unit);
          const base = {
            programId,
            idempotencyKey: input.key,
            fingerprint: print,
            type: 'reverse' as const,
            phase: 'posted' as const,
            walletId: wallet.id,
            accountId: target.accountId,
            contactId: target.contactId,
            unit,
            amount,
            reasonCode: input.reasonCode,
            sourceType: input.sourceType ?? 'api',
            sourceId: input.sourceId ?? null,
            explanation: input.explanation,
            relatedEntryId: target.id,
            actor: input.actor ?? null,
          };
          if (effect > 0) {
            // Taking back a credit: from what is available, the credit's own lot first.
            const available = wallet.balance - wallet.held;
            const covered = Math.min(amount, available);
            const uncovered = amount - covered;
            const debt = ledger.clawback === 'negative' ? uncovered : 0;
            const writtenOff = uncovered - debt;
            const entry = await insertEntry(tx, entryRow({ ...base, writtenOff }));
            if (covered > 0) {
              const [ownLot] = await lotsOfEntry(tx, programId, target.id);
              await consumeLots(tx, programId, wallet.id, entry.id, covered, ownLot?.id);
            }
            await changeWallet(tx, programId, wallet.id, { balance: -covered, debt });
            const taken = covered + debt;
            if (taken > 0) {
              await post(tx, programId, entry, [
                { walletId: wallet.id, unit, amount: -taken },
                { walletId: reversal.id, unit, amount: taken },
              ]);
            }
            return entry;
          }
          // Giving back a debit (a refund): new lots with the expiry of the lots it consumed.
          const entry = await insertEntry(tx, entryRow(base));
          // A captured hold consumed its lots when it was placed.
          const consumed = await allocationsOf(
            tx,
            programId,
            target.phase === 'post' ? target.relatedEntryId! : target.id,
          );
          const expiryOf = await lotExpiries(tx, programId, consumed);
          const parts: Array<{ amount: number; expiresAt: Date | null }> = [];
          let rest = amount;
          // Earlier partial refunds of this debit already gave back the first of its allocations.
          let skip = Math.abs(effect) - left;
          for (const a of consumed) {
            if (rest === 0) break;
            const skipped = Math.min(skip, a.amount);
            skip -= skipped;
            const part = Math.min(a.amount - skipped, rest);
            if (part === 0) continue;
            parts.push({ amount: part, expiresAt: expiryOf(a.lotId) });
            rest -= part;
          }
          if (rest > 0) parts.push({ amount: rest, expiresAt: null });
          await creditLots(tx, programId, wallet, entry, parts, {});
          await post(tx, programId, entry, [
            { walletId: reversal.id, unit, amount: -amount },
            { walletId: wallet.id, unit, amount },
          ]);
          return entry;
        },
        outer,
      );
    },

    /** Moves units between two accounts' wallets, keeping each lot's expiry. */
    async transfer(programId: string, input: TransferInput): Promise<WriteResult> {
      checkAmount(input.amount);
      const unit = checkUnit(input.unit ?? 'points');
      const from = await accounts.resolve(programId, input.from);
      const to = await accounts.resolve(programId, input.to);
      const { ledger } = await settingsOf(programId);
      if (ledger.transfers === 'none')
        throw new FidelisError('transfer_not_allowed', 'This program does not allow transfers');
      if (
        ledger.transfers === 'hierarchy' &&
        (await accounts.topOf(programId, from.id)) !== (await accounts.topOf(programId, to.id))
      ) {
        throw new FidelisError(
          'transfer_not_allowed',
          'Transfers are allowed only between accounts of the same group',
        );
      }
      const fromOwner = await walletOwner(programId, from.id, ledger.pooling);
      const toOwner = await walletOwner(programId, to.id, ledger.pooling);
      if (fromOwner === toOwner)
        throw new FidelisError('transfer_not_allowed', 'Both accounts use the same wallet');
      const content = {
        op: 'transfer',
        from: from.id,
        to: to.id,
        unit,
        amount: input.amount,
        reason: input.reasonCode,
      };
      return once(programId, input.key, content, async (tx, print) => {
        const source = await memberWallet(tx, programId, fromOwner, unit);
        const target = await memberWallet(tx, programId, toOwner, unit);
        // Lock both wallets in id order so two opposite transfers cannot deadlock.
        for (const id of [source.id, target.id].sort()) await lockWallet(tx, programId, id);
        await spend(tx, programId, source, { balance: -input.amount }, input.amount);
        const entry = await insertEntry(
          tx,
          entryRow({
            programId,
            idempotencyKey: input.key,
            fingerprint: print,
            type: 'transfer',
            phase: 'posted',
            walletId: source.id,
            counterWalletId: target.id,
            accountId: from.id,
            contactId: input.contactId ?? null,
            unit,
            amount: input.amount,
            reasonCode: input.reasonCode,
            sourceType: 'api',
            explanation: input.explanation,
            actor: input.actor ?? null,
          }),
        );
        const taken = await consumeLots(tx, programId, source.id, entry.id, input.amount);
        const expiryOf = await lotExpiries(tx, programId, taken);
        await creditLots(
          tx,
          programId,
          target,
          entry,
          taken.map((a) => ({ amount: a.amount, expiresAt: expiryOf(a.lotId) })),
          {},
        );
        await post(tx, programId, entry, [
          { walletId: source.id, unit, amount: -input.amount },
          { walletId: target.id, unit, amount: input.amount },
        ]);
        return entry;
      });
    },

    /**
     * Expires every lot due by `asOf` and resolves pending credits and holds past their time.
     * Each movement's key is derived from what it acts on, so running twice or late writes the same journal.
     */
    async runDue(
      programId: string,
      asOf: Date,
      batch = 500,
    ): Promise<{ expired: number; posted: number; voided: number }> {
      const counts = { expired: 0, posted: 0, voided: 0 };
      const seen = new Set<string>();

      const expire = async (lot: LotRow): Promise<void> => {
        // Allocations only ever grow, so their count names this state of the lot: the same
        // state always gets the same key (run twice → one entry), a later state a new one.
        const version = await lotAllocationCount(database.db, programId, lot.id);
        const key = `job:expire:${lot.id}:${version}`;
        if (seen.has(key)) return;
        seen.add(key);
        const result = await once(
          programId,
          key,
          { op: 'expire', lot: lot.id, version },
          async (tx, print) => {
            const wallet = await lockWallet(tx, programId, lot.walletId);
            const [current] = await lockLots(tx, programId, [lot.id]);
            const amount = current?.remaining ?? 0;
            if (!current || amount === 0 || (await lotAllocationCount(tx, programId, lot.id)) !== version) {
              throw new StaleLot();
            }
            const expiry = await systemWallet(tx, programId, 'expiry', wallet.unit);
            const entry = await insertEntry(
              tx,
              entryRow({
                programId,
                idempotencyKey: key,
                fingerprint: print,
                type: 'expire',
                phase: 'posted',
                walletId: wallet.id,
                accountId: wallet.accountId!,
                unit: wallet.unit,
                amount,
                reasonCode: 'expiry',
                sourceType: 'job',
                explanation: `${amount} ${wallet.unit} earned ${current.earnedAt.toISOString().slice(0, 10)} expired`,
                relatedEntryId: current.entryId,
                effectiveAt: current.expiresAt!,
              }),
            );
            await changeLots(tx, programId, [{ lotId: lot.id, delta: -amount }]);
            await insertAllocations(tx, [{ programId, entryId: entry.id, lotId: lot.id, amount }]);
            await changeWallet(tx, programId, wallet.id, { balance: -amount, expired: amount });
            await post(tx, programId, entry, [
              { walletId: wallet.id, unit: wallet.unit, amount: -amount },
              { walletId: expiry.id, unit: wallet.unit, amount },
            ]);
            return entry;
          },
        ).catch((error: unknown) => {
          if (error instanceof StaleLot) return undefined;
          throw error;
        });
        if (result && !result.replayed) counts.expired++;
      };

      const resolveDue = async (e: EntryRow): Promise<void> => {
        if (seen.has(e.id)) return;
        seen.add(e.id);
        const action = e.phase === 'pending' ? 'post' : 'void';
        try {
          const result = await service.resolve(programId, e.id, action, {
            key: `job:auto-${action}:${e.id}`,
            sourceType: 'job',
            effectiveAt: e.resolveBy ?? asOf,
            explanation: `${action === 'post' ? 'Posted' : 'Released'} automatically: ${e.explanation}`,
          });
          if (!result.replayed) counts[action === 'post' ? 'posted' : 'voided']++;
        } catch (error) {
          if (!(error instanceof FidelisError && error.code === 'entry_not_open')) throw error;
        }
      };

      // Due items are handled in the order of their time (a hold released before a lot's expiry
      // gives its units back first), so a late run writes what runs on time would have written.
      for (;;) {
        const before = seen.size;
        const lots = await dueLots(database.db, programId, asOf, batch);
        const open = await dueUnresolved(database.db, programId, asOf, batch);
        const items = [
          ...lots.map((lot) => ({ at: lot.expiresAt!.getTime(), order: 1, run: () => expire(lot) })),
          ...open.map((e) => ({ at: (e.resolveBy ?? asOf).getTime(), order: 0, run: () => resolveDue(e) })),
        ].sort((x, y) => x.at - y.at || x.order - y.order);
        for (const item of items) await item.run();
        if (seen.size === before) return counts;
      }
    },

    /**
     * Where a pending credit or hold stands: still open, or posted/voided by which entry. Reads
     * through `db` (a caller's transaction) when given.
     */
    async resolution(
      programId: string,
      entryId: string,
      db: Executor = database.db,
    ): Promise<{ entry: EntryRow; resolvedBy: EntryRow | null }> {
      const entry = await findEntry(db, programId, entryId);
      if (!entry) throw entryNotFound(entryId);
      return { entry, resolvedBy: (await resolutionOf(db, programId, entryId)) ?? null };
    },

    async entry(programId: string, entryId: string) {
      const entry = await findEntry(database.db, programId, entryId);
      if (!entry) throw entryNotFound(entryId);
      return {
        entry,
        postings: await postingsOf(database.db, programId, entryId),
        allocations: await allocationsOf(database.db, programId, entryId),
        related: await entriesRelatedTo(database.db, programId, entryId),
      };
    },

    /** The wallets of an account (its group's, when pooled) with available, pending, held and expiring amounts. */
    async summary(programId: string, accountRef: string, now = new Date()) {
      const after = (days: number) => new Date(now.getTime() + days * DAY);
      const until: [Date, Date, Date] = [after(30), after(60), after(90)];
      const { ledger } = await settingsOf(programId);
      let ownerId: string;
      let rows: Array<Omit<WalletSummaryRow, 'accountId'>>;
      if (ledger.pooling === 'group') {
        // Pooled: the wallets are the top group's, found once the account is known.
        ({ ownerId } = await ownerOf(programId, accountRef));
        rows = await walletsWithExpiry(database.db, programId, ownerId, until);
      } else {
        // Not pooled: the account and its wallets in one round trip.
        const found = await walletSummaryOf(
          database.db,
          programId,
          accountByRef(programId, accountRef),
          until,
        );
        if (!found) throw new FidelisError('account_not_found', `No account ${accountRef}`);
        ownerId = found.accountId;
        rows = found.wallets;
      }
      return rows.map((w) => ({
        walletId: w.id,
        ownerAccountId: ownerId,
        unit: w.unit,
        available: w.balance - w.held,
        net: w.balance - w.debt,
        pending: w.pending,
        held: w.held,
        debt: w.debt,
        expiring: { in30Days: w.expiring[0], in60Days: w.expiring[1], in90Days: w.expiring[2] },
        lifetime: { earned: w.lifetimeEarned, redeemed: w.lifetimeRedeemed, expired: w.lifetimeExpired },
      }));
    },

    /** What the account's wallet in `unit` loses to expiry within `days` of `now`, by expiry instant, soonest first. */
    async expiring(programId: string, accountRef: string, unit: string, days: number, now = new Date()) {
      const wallet = await walletOf(programId, accountRef, unit);
      if (!wallet) return [];
      const rows = await expiringLots(
        database.db,
        programId,
        wallet.id,
        now,
        new Date(now.getTime() + days * DAY),
        10,
      );
      return rows.map((r) => ({ expiresAt: r.expiresAt.toISOString(), amount: r.amount }));
    },

    async balanceAsOf(programId: string, accountRef: string, unit: string, asOf: Date): Promise<number> {
      const wallet = await walletOf(programId, accountRef, unit);
      return wallet ? netAsOf(database.db, programId, wallet.id, asOf) : 0;
    },

    async history(
      programId: string,
      accountRef: string,
      unit: string,
      query: { type?: string; from?: Date; to?: Date; contactId?: string; limit?: number; cursor?: string },
    ): Promise<Page<ReturnType<typeof historyLine>>> {
      const wallet = await walletOf(programId, accountRef, unit);
      if (!wallet) return { data: [], nextCursor: null };
      // History runs newest first by (effectiveAt, id): the cursor holds both, `effectiveAt|id`.
      const after = afterCursor(query.cursor);
      let before: { effectiveAt: string; id: string } | undefined;
      if (after !== undefined) {
        const [effectiveAt, id] = after.split('|');
        if (!effectiveAt || !id) throw new FidelisError('invalid_cursor');
        before = { effectiveAt, id };
      }
      const limit = query.limit ?? DEFAULT_LIMIT;
      const rows = await walletHistory(database.db, programId, wallet.id, { ...query, before }, limit + 1);
      return toPage(rows, limit, historyLine, (r) => `${r.effectiveAt.toISOString()}|${r.id}`);
    },

    /** Outstanding units per unit as of an instant, their money value, pending, held, and what expires per month. */
    async liability(programId: string, asOf: Date) {
      const { ledger, timeZone, baseCurrency } = await settingsOf(programId);
      const rows = await liabilityAsOf(database.db, programId, asOf);
      const schedule = await expiryScheduleByMonth(database.db, programId, asOf, 12, timeZone);
      return {
        asOf: asOf.toISOString(),
        baseCurrency,
        costPerPoint: ledger.costPerPoint,
        units: rows.map((r) => ({
          unit: r.unit,
          outstanding: r.outstanding,
          pending: r.pending,
          held: r.held,
          wallets: r.wallets,
          value:
            r.unit === 'points'
              ? {
                  currency: baseCurrency,
                  minorUnits: valueInMinorUnits(
                    Math.max(0, r.outstanding),
                    ledger.costPerPoint,
                    baseCurrency,
                  ),
                }
              : { currency: r.unit, minorUnits: r.outstanding },
          expiringByMonth: schedule
            .filter((s) => s.unit === r.unit)
            .map((s) => ({ month: s.month, amount: s.amount })),
        })),
      };
    },

    /** Points earned and redeemed by members per day of the program's time zone, the last `days` days to `at`. */
    async pointsActivity(programId: string, at: Date, days: number) {
      const { timeZone } = await settingsOf(programId);
      const rows = await activityByDay(database.db, programId, 'points', at, days, timeZone);
      return { asOf: at.toISOString(), timeZone, unit: 'points', days: rows };
    },

    /** Compares every member wallet with its journal and lots; an empty list means the ledger is consistent. */
    async verify(programId: string): Promise<string[]> {
      const problems: string[] = [];
      for (const id of await unbalancedEntries(database.db, programId))
        problems.push(`entry ${id} does not balance`);
      for (const id of await postingsToUnknownWallets(database.db, programId))
        problems.push(`postings name wallet ${id}, which does not exist`);
      const totals = new Map((await walletTotals(database.db, programId)).map((t) => [t.walletId, t]));
      for (const w of await memberWallets(database.db, programId)) {
        const t = totals.get(w.id) ?? { postings: 0, lots: 0 };
        if (t.postings !== w.balance - w.debt)
          problems.push(`wallet ${w.id}: postings ${t.postings} ≠ balance ${w.balance} - debt ${w.debt}`);
        if (t.lots !== w.balance - w.held)
          problems.push(`wallet ${w.id}: lots ${t.lots} ≠ balance ${w.balance} - held ${w.held}`);
      }
      return problems;
    },
  };

  return service;
}

/** A lot's state changed between the due run's read and its write: the run skips it. */
class StaleLot extends Error {}

/** The columns a credit's or a debit's entry takes from its input as given. */
function movementColumns(input: MovementInput, print: string) {
  return {
    idempotencyKey: input.key,
    fingerprint: print,
    contactId: input.contactId ?? null,
    amount: input.amount,
    reasonCode: input.reasonCode,
    sourceType: input.sourceType ?? 'api',
    sourceId: input.sourceId ?? null,
    explanation: input.explanation,
    actor: input.actor ?? null,
  };
}

/** The balanced postings of an entry as rows, in the order given. */
function postingRows(programId: string, entry: EntryRow, postings: Posting[]) {
  assertBalanced(postings);
  return postings.map((p, seq) => ({
    programId,
    entryId: entry.id,
    seq,
    walletId: p.walletId,
    unit: p.unit,
    amount: p.amount,
    effectiveAt: entry.effectiveAt,
  }));
}

/** A new lot of a credit entry in a wallet, with all of its amount remaining. */
function lotRow(
  programId: string,
  walletId: string,
  entry: EntryRow,
  amount: number,
  expiresAt: Date | null,
): NewLotRow {
  return {
    programId,
    id: newId('lot'),
    walletId,
    entryId: entry.id,
    amount,
    remaining: amount,
    earnedAt: entry.effectiveAt,
    expiresAt,
  };
}

function entryNotFound(entryId: string): FidelisError {
  return new FidelisError('entry_not_found', `No ledger entry ${entryId}`);
}

/** The entry that posted or voided a pending credit or hold, if any did. */
async function resolutionOf(db: Executor, programId: string, entryId: string): Promise<EntryRow | undefined> {
  return (await entriesRelatedTo(db, programId, entryId)).find(
    (e) => e.phase === 'post' || e.phase === 'void',
  );
}

/** The system wallet a credit of this type is issued from. */
function creditSource(type: EntryType): SystemWallet {
  return type === 'earn' ? 'issuance' : 'adjustment';
}

/** The system wallet a debit of this type pays into. */
function debitSink(type: EntryType): SystemWallet {
  switch (type) {
    case 'donate':
      return 'donation';
    case 'payout':
      return 'payout';
    case 'adjust':
      return 'adjustment';
    default:
      return 'redemption';
  }
}

/** One line of a wallet's history, in words a member understands. */
export function historyLine(r: Awaited<ReturnType<typeof walletHistory>>[number]) {
  return {
    entryId: r.id,
    type: r.type,
    phase: r.phase,
    amount: r.delta,
    requested: r.amount,
    balanceAfter: r.balanceAfter,
    unit: r.unit,
    reasonCode: r.reasonCode,
    explanation: r.explanation,
    source: { type: r.sourceType, id: r.sourceId },
    accountId: r.accountId,
    contactId: r.contactId,
    relatedEntryId: r.relatedEntryId,
    pendingUntil: r.phase === 'pending' || r.phase === 'hold' ? (r.resolveBy?.toISOString() ?? null) : null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    writtenOff: r.writtenOff,
    effectiveAt: r.effectiveAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
  };
}

/** The API shape of an entry. */
export function toEntry(e: EntryRow) {
  return {
    id: e.id,
    type: e.type,
    phase: e.phase,
    walletId: e.walletId,
    counterWalletId: e.counterWalletId,
    accountId: e.accountId,
    contactId: e.contactId,
    unit: e.unit,
    amount: e.amount,
    writtenOff: e.writtenOff,
    reasonCode: e.reasonCode,
    explanation: e.explanation,
    source: { type: e.sourceType, id: e.sourceId },
    relatedEntryId: e.relatedEntryId,
    resolveBy: e.resolveBy?.toISOString() ?? null,
    expiresAt: e.expiresAt?.toISOString() ?? null,
    idempotencyKey: e.idempotencyKey,
    actor: e.actor,
    effectiveAt: e.effectiveAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
