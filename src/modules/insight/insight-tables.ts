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
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { accounts } from '../accounts/accounts-tables.ts';
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
