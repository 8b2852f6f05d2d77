// The SQL of earning rules: a rule's identity and its append-only versions.
import { asc, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { rules, ruleVersions } from './rules-tables.ts';

export type RuleVersionRow = typeof ruleVersions.$inferSelect;
export type NewRuleVersionRow = typeof ruleVersions.$inferInsert;

export async function insertRule(db: Executor, programId: string, id: string): Promise<void> {
  await db.insert(rules).values({ programId, id });
}

const ruleRows = programTable(rules, rules.id);
const versionRows = programTable(ruleVersions, ruleVersions.ruleId);

export const insertVersion = versionRows.insert;

/** Locks the rule's row so that two edits cannot take the same version number. */
export async function lockRule(db: Executor, programId: string, id: string): Promise<boolean> {
  return (await ruleRows.lock(db, programId, id)) !== undefined;
}

export async function latestVersion(db: Executor, programId: string, ruleId: string) {
  const [row] = await db
    .select()
    .from(ruleVersions)
    .where(versionRows.key(programId, ruleId))
    .orderBy(desc(ruleVersions.version))
    .limit(1);
  return row;
}

export async function versionsOf(db: Executor, programId: string, ruleId: string) {
  return db
    .select()
    .from(ruleVersions)
    .where(versionRows.key(programId, ruleId))
    .orderBy(asc(ruleVersions.version));
}

/** Every version of every rule of the program, oldest first (rule sets are small: hundreds at most). */
export async function allVersions(db: Executor, programId: string) {
  return db
    .select()
    .from(ruleVersions)
    .where(eq(ruleVersions.programId, programId))
    .orderBy(asc(ruleVersions.ruleId), asc(ruleVersions.version));
}
