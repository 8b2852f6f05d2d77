// Leaderboards' tables: the definitions, the accounts or contacts they leave out, and the ranking
// tables of their periods (decisions 0025, 0062). Re-exported by engagement-tables.ts.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ChallengeDocument } from '../../core/engagement/challenge.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import { contacts } from '../contacts/contacts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

export interface LeaderboardDocument {
  name: string;
  /**
   * points_earned: points rules awarded (net of returns); qualifying_spend: amounts of `eventTypes` minus
   * returns; challenge_progress: a challenge's progress on one of its goals (decision 0062).
   */
  metric: 'points_earned' | 'qualifying_spend' | 'challenge_progress';
  eventTypes?: string[];
  /** challenge_progress: the challenge whose progress ranks (its subjects: accounts, or contacts). */
  challenge?: string;
  /** challenge_progress: the goal whose value ranks, by its index in the challenge's goals (0 by default). */
  goal?: number;
  window: ChallengeDocument['window'];
  /** Accounts of these segments and countries only (each list: any of; absent: all). */
  audience?: { segments?: string[]; countries?: string[] };
  /** How many places the top shows (10 by default). */
  size?: number;
}

/** A leaderboard by stable code. */
export const leaderboards = pgTable(
  'leaderboards',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    document: jsonb('document').$type<LeaderboardDocument>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.code] })],
);

/**
 * Accounts (or, on a contact challenge's leaderboard, contacts) a leaderboard leaves out (the member
 * opted out, staff). The subject is the contact when one is named, else the account (decision 0062).
 */
export const leaderboardExclusions = pgTable(
  'leaderboard_exclusions',
  {
    programId: text('program_id').notNull(),
    leaderboardCode: text('leaderboard_code').notNull(),
    subjectId: text('subject_id').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.leaderboardCode, t.subjectId] }),
    foreignKey({
      name: 'leaderboard_exclusions_leaderboard_fk',
      columns: [t.programId, t.leaderboardCode],
      foreignColumns: [leaderboards.programId, leaderboards.code],
    }),
    foreignKey({
      name: 'leaderboard_exclusions_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'leaderboard_exclusions_contact_fk',
      columns: [t.programId, t.contactId],
      foreignColumns: [contacts.programId, contacts.id],
    }),
    check(
      'leaderboard_exclusions_subject_ck',
      sql`${t.subjectId} = coalesce(${t.contactId}, ${t.accountId})`,
    ),
  ],
);

/**
 * A leaderboard's standings in one period as of its last refresh: every ranked subject (the account,
 * or the contact on a contact challenge's leaderboard, with its account), by position (ties broken by
 * subject id), with its standard competition rank. Replaced whole by each refresh.
 */
export const leaderboardRankings = pgTable(
  'leaderboard_rankings',
  {
    programId: text('program_id').notNull(),
    leaderboardCode: text('leaderboard_code').notNull(),
    periodKey: text('period_key').notNull(),
    position: integer('position').notNull(),
    subjectId: text('subject_id').notNull(),
    accountId: text('account_id').notNull(),
    rank: integer('rank').notNull(),
    total: bigint('total', { mode: 'bigint' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.leaderboardCode, t.periodKey, t.position] }),
    uniqueIndex('leaderboard_rankings_subject_uq').on(
      t.programId,
      t.leaderboardCode,
      t.periodKey,
      t.subjectId,
    ),
  ],
);

/** When a leaderboard's standings of a period were last computed, and how many accounts they rank. */
export const leaderboardRefreshes = pgTable(
  'leaderboard_refreshes',
  {
    programId: text('program_id').notNull(),
    leaderboardCode: text('leaderboard_code').notNull(),
    periodKey: text('period_key').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    /** Events up to this instant are counted. */
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull(),
    ranked: integer('ranked').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.leaderboardCode, t.periodKey] }),
    foreignKey({
      name: 'leaderboard_refreshes_leaderboard_fk',
      columns: [t.programId, t.leaderboardCode],
      foreignColumns: [leaderboards.programId, leaderboards.code],
    }),
  ],
);
