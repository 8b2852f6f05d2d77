// Engagement tables: badges and their awards, challenges (every version kept) and their completions,
// leaderboards and the accounts they leave out.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { AutomationDocument } from '../../core/engagement/automation.ts';
import type { ChallengeDocument } from '../../core/engagement/challenge.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import { contacts } from '../contacts/contacts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

/**
 * What a completion or firing keeps of the catalog reward it owes when it was skipped (decision 0053):
 * the reward named, when it was issued later (then `redemption_id` is set and `reward_skipped` kept as
 * the trail), or when and why the operator waived it. Owed: skipped, not issued, not waived.
 */
function owedColumns() {
  return {
    rewardId: text('reward_id'),
    rewardIssuedAt: timestamp('reward_issued_at', { withTimezone: true }),
    rewardWaivedAt: timestamp('reward_waived_at', { withTimezone: true }),
    rewardWaivedReason: text('reward_waived_reason'),
  };
}

export type BadgeTranslations = Record<string, { name?: string; description?: string }>;

/** A badge the program defines, by stable code. */
export const badges = pgTable(
  'badges',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    imageUrl: text('image_url'),
    translations: jsonb('translations').$type<BadgeTranslations>().notNull().default({}),
    /** An award expires this many days after it is given, unless the award says otherwise (null: never). */
    validDays: integer('valid_days'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.code] })],
);

export const BADGE_SOURCES = ['manual', 'challenge', 'automation'] as const;
export type BadgeSource = (typeof BADGE_SOURCES)[number];

/**
 * A badge given to an account (and, optionally, one of its contacts). Append-only. An automatic award
 * has a source key (`challenge:<code>:<account>:<window>`): given once per key.
 */
export const badgeAwards = pgTable(
  'badge_awards',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    badgeCode: text('badge_code').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    awardedAt: timestamp('awarded_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    source: text('source').$type<BadgeSource>().notNull(),
    sourceKey: text('source_key'),
    note: text('note'),
    actor: text('actor').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('badge_awards_source_key_uq').on(t.programId, t.sourceKey),
    index('badge_awards_account_idx').on(t.programId, t.accountId, t.id),
    index('badge_awards_contact_idx').on(t.programId, t.contactId, t.id),
    foreignKey({
      name: 'badge_awards_badge_fk',
      columns: [t.programId, t.badgeCode],
      foreignColumns: [badges.programId, badges.code],
    }),
    foreignKey({
      name: 'badge_awards_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check('badge_awards_source_ck', sql`${t.source} in ('manual', 'challenge', 'automation')`),
  ],
);

/** A challenge by stable code, at its current version. */
export const challenges = pgTable(
  'challenges',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    document: jsonb('document').$type<ChallengeDocument>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.code] })],
);

/** Every version of every challenge, append-only. */
export const challengeVersions = pgTable(
  'challenge_versions',
  {
    programId: text('program_id').notNull(),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    document: jsonb('document').$type<ChallengeDocument>().notNull(),
    actor: text('actor').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.code, t.version] }),
    foreignKey({
      name: 'challenge_versions_challenge_fk',
      columns: [t.programId, t.code],
      foreignColumns: [challenges.programId, challenges.code],
    }),
  ],
);

/**
 * A challenge completed by an account, or by one of its contacts (a contact challenge, decision 0061),
 * in a window: written once (its key is the challenge, the subject and the window), with what it paid.
 * Append-only.
 */
export const challengeCompletions = pgTable(
  'challenge_completions',
  {
    programId: text('program_id').notNull(),
    challengeCode: text('challenge_code').notNull(),
    /** Who completed it: the account (an account challenge) or the contact (a contact challenge). */
    subjectId: text('subject_id').notNull(),
    /** The account paid (a contact's completion pays the contact's account wallet). */
    accountId: text('account_id').notNull(),
    /** The contact that completed a contact challenge (null for an account challenge). */
    contactId: text('contact_id'),
    windowKey: text('window_key').notNull(),
    version: integer('version').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    /** The occurredAt of the event with which every goal was reached. */
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    points: bigint('points', { mode: 'number' }),
    entryId: text('entry_id'),
    badgeAwardId: text('badge_award_id'),
    /** The catalog reward issued free (a redemption at price 0), or why it was not (out of stock). */
    redemptionId: text('redemption_id'),
    rewardSkipped: text('reward_skipped'),
    ...owedColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.challengeCode, t.subjectId, t.windowKey] }),
    index('challenge_completions_account_idx').on(t.programId, t.accountId),
    index('challenge_completions_contact_idx')
      .on(t.programId, t.contactId)
      .where(sql`${t.contactId} is not null`),
    index('challenge_completions_owed_idx')
      .on(t.programId, t.recordedAt)
      .where(
        sql`${t.rewardSkipped} is not null and ${t.redemptionId} is null and ${t.rewardWaivedAt} is null`,
      ),
    foreignKey({
      name: 'challenge_completions_challenge_fk',
      columns: [t.programId, t.challengeCode],
      foreignColumns: [challenges.programId, challenges.code],
    }),
    foreignKey({
      name: 'challenge_completions_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'challenge_completions_contact_fk',
      columns: [t.programId, t.contactId],
      foreignColumns: [contacts.programId, contacts.id],
    }),
    check('challenge_completions_subject_ck', sql`${t.subjectId} = coalesce(${t.contactId}, ${t.accountId})`),
  ],
);

/** An account (or a contact, in a contact challenge) that joined an opt-in challenge: counts from `joinedAt`. */
export const challengeEnrolments = pgTable(
  'challenge_enrolments',
  {
    programId: text('program_id').notNull(),
    challengeCode: text('challenge_code').notNull(),
    subjectId: text('subject_id').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
    actor: text('actor').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.challengeCode, t.subjectId] }),
    index('challenge_enrolments_joined_idx').on(t.programId, t.challengeCode, t.joinedAt),
    index('challenge_enrolments_account_idx').on(t.programId, t.challengeCode, t.accountId),
    foreignKey({
      name: 'challenge_enrolments_challenge_fk',
      columns: [t.programId, t.challengeCode],
      foreignColumns: [challenges.programId, challenges.code],
    }),
    foreignKey({
      name: 'challenge_enrolments_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'challenge_enrolments_contact_fk',
      columns: [t.programId, t.contactId],
      foreignColumns: [contacts.programId, contacts.id],
    }),
    check('challenge_enrolments_subject_ck', sql`${t.subjectId} = coalesce(${t.contactId}, ${t.accountId})`),
  ],
);

/** A lifecycle automation (birthday, client anniversary, milestone, win-back) by stable code. */
export const automations = pgTable(
  'automations',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    document: jsonb('document').$type<AutomationDocument>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.code] })],
);

/**
 * One occurrence an automation fired for (a contact's birthday in a year, an account's anniversary
 * year, a milestone, a lapse): written once, its key being the automation, the subject and the
 * occurrence, with what it paid. Append-only.
 */
export const automationFirings = pgTable(
  'automation_firings',
  {
    programId: text('program_id').notNull(),
    automationCode: text('automation_code').notNull(),
    /** The contact (birthdays) or the account. */
    subjectId: text('subject_id').notNull(),
    occurrence: text('occurrence').notNull(),
    accountId: text('account_id').notNull(),
    contactId: text('contact_id'),
    /** The local date the occurrence fell on. */
    occurredOn: text('occurred_on').notNull(),
    firedAt: timestamp('fired_at', { withTimezone: true }).notNull(),
    explanation: text('explanation').notNull(),
    points: bigint('points', { mode: 'number' }),
    entryId: text('entry_id'),
    /** Cashback in minor units of the base currency, and its ledger entry. */
    cashback: bigint('cashback', { mode: 'number' }),
    cashbackEntryId: text('cashback_entry_id'),
    badgeAwardId: text('badge_award_id'),
    /** The catalog reward issued free (a redemption at price 0), or why it was not (out of stock). */
    redemptionId: text('redemption_id'),
    rewardSkipped: text('reward_skipped'),
    ...owedColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.automationCode, t.subjectId, t.occurrence] }),
    index('automation_firings_account_idx').on(t.programId, t.accountId, t.firedAt),
    // The program's firings across automations, newest first (GET /v1/automation-firings, decision 0051).
    index('automation_firings_program_idx').on(t.programId, t.firedAt),
    index('automation_firings_owed_idx')
      .on(t.programId, t.firedAt)
      .where(
        sql`${t.rewardSkipped} is not null and ${t.redemptionId} is null and ${t.rewardWaivedAt} is null`,
      ),
    foreignKey({
      name: 'automation_firings_automation_fk',
      columns: [t.programId, t.automationCode],
      foreignColumns: [automations.programId, automations.code],
    }),
  ],
);

// Leaderboards' tables (decision 0062 split them out for length).
export * from './engagement-leaderboard-tables.ts';
