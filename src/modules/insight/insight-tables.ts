// Insight tables: each account's RFM scores as of the last refresh, and when each program was refreshed.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Question, Responses } from '../../core/insight/questions.ts';
import { accounts } from '../accounts/accounts-tables.ts';
import { contacts } from '../contacts/contacts-tables.ts';
import { programs } from '../programs/programs-tables.ts';

/** RFM scores per account (a projection of the events, replaced whole at each refresh). */
export const rfmScores = pgTable(
  'rfm_scores',
  {
    programId: text('program_id').notNull(),
    accountId: text('account_id').notNull(),
    /** The local day scored (program time zone). */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    lastOrderDay: date('last_order_day', { mode: 'string' }).notNull(),
    recencyDays: integer('recency_days').notNull(),
    frequency: integer('frequency').notNull(),
    /** Net revenue of the window in minor units of the base currency. */
    monetary: bigint('monetary', { mode: 'number' }).notNull(),
    ordersToDate: integer('orders_to_date').notNull(),
    r: integer('r').notNull(),
    f: integer('f').notNull(),
    m: integer('m').notNull(),
    segment: text('segment').notNull(),
    rhythmDays: real('rhythm_days'),
    churnRisk: boolean('churn_risk').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.accountId] }),
    index('rfm_scores_segment_idx').on(t.programId, t.segment),
    foreignKey({
      name: 'rfm_scores_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    check(
      'rfm_scores_range_ck',
      sql`${t.r} between 1 and 5 and ${t.f} between 1 and 5 and ${t.m} between 1 and 5`,
    ),
  ],
);

/** The last RFM refresh of each program: the due run refreshes once per local day. */
export const insightRuns = pgTable(
  'insight_runs',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    kind: text('kind').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull(),
    accounts: integer('accounts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.kind] })],
);

/** The secret that signs a program's survey links (made on first use, never shown). */
export const insightSecrets = pgTable('insight_secrets', {
  programId: text('program_id')
    .primaryKey()
    .references(() => programs.id),
  secret: text('secret').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A survey: a 0–10 likelihood-to-recommend question with its translations, an optional comment. */
export const surveys = pgTable(
  'surveys',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    /** The question by locale; `default` is shown when the respondent's locale has none. */
    question: jsonb('question').$type<Record<string, string>>().notNull(),
    comment: boolean('comment').notNull(),
    /** Questions after the NPS question (CSAT, scale, choice, text; core/insight/questions.ts). */
    questions: jsonb('questions').$type<Question[]>().notNull().default([]),
    /** Anonymous: answers keep no contact and no account, only a keyed digest of the contact. */
    anonymous: boolean('anonymous').notNull(),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    check('surveys_status_ck', sql`${t.status} in ('open', 'closed')`),
  ],
);

/** Answers, once per survey and respondent (append-only). */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    programId: text('program_id').notNull(),
    id: text('id').notNull(),
    surveyId: text('survey_id').notNull(),
    /** Null for anonymous surveys. */
    accountId: text('account_id'),
    contactId: text('contact_id'),
    /** HMAC of the contact under the program's secret: one answer per contact, even anonymous. */
    respondent: text('respondent').notNull(),
    score: integer('score').notNull(),
    comment: text('comment'),
    /** Responses to the survey's questions by key; null when it has none. */
    responses: jsonb('responses').$type<Responses>(),
    locale: text('locale'),
    via: text('via').$type<'link' | 'api' | 'portal'>().notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.id] }),
    uniqueIndex('survey_answers_respondent_uq').on(t.programId, t.surveyId, t.respondent),
    index('survey_answers_time_idx').on(t.programId, t.answeredAt),
    foreignKey({
      name: 'survey_answers_survey_fk',
      columns: [t.programId, t.surveyId],
      foreignColumns: [surveys.programId, surveys.id],
    }),
    foreignKey({
      name: 'survey_answers_account_fk',
      columns: [t.programId, t.accountId],
      foreignColumns: [accounts.programId, accounts.id],
    }),
    foreignKey({
      name: 'survey_answers_contact_fk',
      columns: [t.programId, t.contactId],
      foreignColumns: [contacts.programId, contacts.id],
    }),
    check('survey_answers_score_ck', sql`${t.score} between 0 and 10`),
    check('survey_answers_anonymous_ck', sql`(${t.accountId} is null) = (${t.contactId} is null)`),
  ],
);

/**
 * The KPI rollup (decision 0059): per account, local month of the order (program time zone) and local
 * month in which a change took effect (the order itself, or a return: the later of the return's and the
 * order's instant), the change in counted orders and in net revenue (minor units of the base currency).
 * Summing the rows of an order month up to an effect month gives that month's orders as known then.
 */
export const insightOrderMonths = pgTable(
  'insight_order_months',
  {
    programId: text('program_id').notNull(),
    accountId: text('account_id').notNull(),
    /** `YYYY-MM`: the orders' local month. */
    month: text('month').notNull(),
    /** `YYYY-MM`: the local month the change took effect. */
    effectMonth: text('effect_month').notNull(),
    orders: integer('orders').notNull(),
    net: bigint('net', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.accountId, t.month, t.effectMonth] })],
);

/** Per program: what the rollup holds (every event recorded before `rolledUpTo`) and how it was built. */
export const insightRollups = pgTable('insight_rollups', {
  programId: text('program_id')
    .primaryKey()
    .references(() => programs.id),
  /** The watermark: every event recorded (`received_at`) before it is in the rollup. */
  rolledUpTo: timestamp('rolled_up_to', { withTimezone: true }).notNull(),
  /** The settings the rows were built with: another zone or purchase types make them unusable. */
  timeZone: text('time_zone').notNull(),
  purchaseTypes: jsonb('purchase_types').$type<string[]>().notNull(),
  recomputedAt: timestamp('recomputed_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
