import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { accounts } from '../accounts/accounts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

const amount = (name: string) => bigint(name, { mode: 'number' });

export const SYSTEM_WALLETS = [
  'issuance',
  'redemption',
  'expiry',
  'adjustment',
  'reversal',
  'donation',
  'payout',
] as const;
export type SystemWallet = (typeof SYSTEM_WALLETS)[number];

/**
 * A balance in one unit ('points' or an ISO 4217 currency): a member wallet belongs to an account,
 * a system wallet (issuance, redemption, expiry, …) is the other side of member movements.
 * Counters are a projection of the journal (rebuildable); the checks keep member wallets sound
 * even if application code were wrong: no negative balance, holds within the balance.
 */
export const wallets = pgTable(
  'wallets',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    accountId: text('account_id'),
    systemCode: text('system_code').$type<SystemWallet>(),
    unit: text('unit').notNull(),
    /** Posted units, including held ones; never below zero for member wallets. */
    balance: amount('balance').notNull().default(0),
    /** Reserved for redemptions in progress (part of balance, not spendable). */
    held: amount('held').notNull().default(0),
    /** Credits not yet posted (visible, not spendable, not in balance). */
    pending: amount('pending').notNull().default(0),
    /** Clawed-back units the member owes; settled by later credits. Net position = balance - debt. */
    debt: amount('debt').notNull().default(0),
    lifetimeEarned: amount('lifetime_earned').notNull().default(0),
    lifetimeRedeemed: amount('lifetime_redeemed').notNull().default(0),
    lifetimeExpired: amount('lifetime_expired').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    // Partial, so that a member wallet's lookup can only use the account index and a system
    // wallet's only the system one, whatever the statistics say: with both indexes whole, a
    // table never analysed (autovacuum off or behind) gave them equal costs and the planner took
    // the system index for member lookups, scanning every wallet of the program (issue 14).
    uniqueIndex('wallets_account_unit_uq')
      .on(t.programId, t.accountId, t.unit)
      .where(sql`${t.accountId} is not null`),
    uniqueIndex('wallets_system_unit_uq')
      .on(t.programId, t.systemCode, t.unit)
      .where(sql`${t.systemCode} is not null`),
    foreignKey({
      name: 'wallets_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('wallets_owner_ck', sql`(${t.accountId} is null) <> (${t.systemCode} is null)`),
    check(
      'wallets_member_sound_ck',
      sql`${t.systemCode} is not null or (${t.balance} >= 0 and ${t.held} >= 0 and ${t.held} <= ${t.balance} and ${t.pending} >= 0 and ${t.debt} >= 0)`,
    ),
  ],
);

export const ENTRY_TYPES = [
  'earn',
  'redeem',
  'expire',
  'adjust',
  'reverse',
  'transfer',
  'donate',
  'payout',
] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
/** posted: moved units now; pending: a credit waiting; hold: a debit reserved; post/void: resolve a pending or hold. */
export const ENTRY_PHASES = ['posted', 'pending', 'hold', 'post', 'void'] as const;
export type EntryPhase = (typeof ENTRY_PHASES)[number];
export const SOURCE_TYPES = ['api', 'admin', 'event', 'rule', 'redemption', 'job'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** The journal: one row per business movement. Immutable (a database trigger refuses UPDATE and DELETE). */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    /** No foreign key to programs: every movement would share-lock the program's row (decision 0020). */
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    type: text('type').$type<EntryType>().notNull(),
    phase: text('phase').$type<EntryPhase>().notNull(),
    /** The member wallet the entry is about (for a transfer: the wallet debited). */
    walletId: text('wallet_id').notNull(),
    /** The account and contact that caused the movement (with pooling, not always the wallet's owner). */
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    unit: text('unit').notNull(),
    /** Magnitude of the movement (always > 0). */
    amount: amount('amount').notNull(),
    reasonCode: text('reason_code').notNull(),
    sourceType: text('source_type').$type<SourceType>().notNull(),
    sourceId: text('source_id'),
    explanation: text('explanation').notNull(),
    /** reverse → the entry reversed; post/void → the pending or hold resolved; transfer → the receiving wallet. */
    relatedEntryId: text('related_entry_id'),
    counterWalletId: text('counter_wallet_id'),
    /** pending: posted automatically at this time; hold: voided automatically at this time. */
    resolveBy: timestamp('resolve_by', { withTimezone: true }),
    /** For credits: when the lot expires (null = never). */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Units a reversal could not take back and wrote off under the program's clawback policy. */
    writtenOff: amount('written_off').notNull().default(0),
    actor: text('actor'),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('ledger_entries_key_uq').on(t.programId, t.idempotencyKey),
    index('ledger_entries_wallet_idx').on(t.programId, t.walletId, t.effectiveAt),
    index('ledger_entries_related_idx').on(t.programId, t.relatedEntryId),
    uniqueIndex('ledger_entries_resolution_uq')
      .on(t.programId, t.relatedEntryId)
      .where(sql`${t.phase} in ('post', 'void')`),
    index('ledger_entries_resolve_by_idx')
      .on(t.programId, t.resolveBy)
      .where(sql`${t.phase} in ('pending', 'hold')`),
    check('ledger_entries_amount_ck', sql`${t.amount} > 0`),
    check('ledger_entries_written_off_ck', sql`${t.writtenOff} >= 0 and ${t.writtenOff} <= ${t.amount}`),
  ],
);

/** Postings of posted entries: per entry they sum to zero per unit. Immutable. */
export const ledgerPostings = pgTable(
  'ledger_postings',
  {
    programId: text('program_id').notNull(),
    entryId: text('entry_id').notNull(),
    seq: integer('seq').notNull(),
    walletId: text('wallet_id').notNull(),
    unit: text('unit').notNull(),
    amount: amount('amount').notNull(),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.entryId, t.seq] }),
    index('ledger_postings_wallet_idx').on(t.programId, t.walletId, t.effectiveAt),
    // No foreign key to entries: postings are written by the same statement as their entry, and
    // the check's plan, cached per connection while the journal was small, scanned the program's
    // journal once per posting (decision 0028).
    // No foreign key to wallets: every posting to a system wallet (issuance, redemption, …) would
    // share-lock that one row, which every concurrent movement of the program posts to (decision
    // 0020). Postings are written only by the ledger, to wallets it has just locked or created.
    check('ledger_postings_nonzero_ck', sql`${t.amount} <> 0`),
  ],
);

/** What remains of each credit, with its expiry. Debits consume lots soonest-expiring first. */
export const ledgerLots = pgTable(
  'ledger_lots',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    walletId: text('wallet_id').notNull(),
    entryId: text('entry_id').notNull(),
    amount: amount('amount').notNull(),
    remaining: amount('remaining').notNull(),
    earnedAt: timestamp('earned_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    index('ledger_lots_wallet_idx').on(t.programId, t.walletId, t.expiresAt).where(sql`${t.remaining} > 0`),
    index('ledger_lots_expiry_idx').on(t.programId, t.expiresAt).where(sql`${t.remaining} > 0`),
    foreignKey({
      name: 'ledger_lots_wallet_fk',
      columns: [t.programId, t.walletId],
      foreignColumns: [wallets.programId, wallets.id],
    }),
    check(
      'ledger_lots_remaining_ck',
      sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.amount} and ${t.amount} > 0`,
    ),
  ],
);

/** Which lots each entry consumed (positive) or gave back (negative, a voided hold). Immutable. */
export const ledgerLotAllocations = pgTable(
  'ledger_lot_allocations',
  {
    programId: text('program_id').notNull(),
    entryId: text('entry_id').notNull(),
    lotId: text('lot_id').notNull(),
    amount: amount('amount').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.entryId, t.lotId] }),
    index('ledger_lot_allocations_lot_idx').on(t.programId, t.lotId),
    check('ledger_lot_allocations_nonzero_ck', sql`${t.amount} <> 0`),
  ],
);
