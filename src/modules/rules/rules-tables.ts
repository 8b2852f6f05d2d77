import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { RuleDocument } from '../../core/rules/rule.ts';
import { programs } from '../programs/programs-tables.ts';

/** An earning rule: its identity. What it says lives in its versions. */
export const rules = pgTable(
  'rules',
  {
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    id: text('id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programId, t.id] })],
);

/**
 * Every version of a rule, append-only (a trigger refuses UPDATE and DELETE): an event is evaluated
 * with the version whose effectiveFrom is the latest at or before its occurredAt.
 */
export const ruleVersions = pgTable(
  'rule_versions',
  {
    programId: text('program_id').notNull(),
    ruleId: text('rule_id').notNull(),
    version: integer('version').notNull(),
    document: jsonb('document').$type<RuleDocument>().notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true }).notNull(),
    actor: text('actor'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.programId, t.ruleId, t.version] }),
    foreignKey({
      name: 'rule_versions_rule_fk',
      columns: [t.programId, t.ruleId],
      foreignColumns: [rules.programId, rules.id],
    }),
    index('rule_versions_effective_idx').on(t.programId, t.effectiveFrom),
  ],
);
