// Opt-in joinings (SQL only): an account joins an account challenge, a contact a contact challenge
// (decision 0061); either way the row's subject is who joined. And a challenge's completions, listed
// by subject (the account or the contact) and window.
import { and, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { challengeCompletions, challengeEnrolments } from './engagement-tables.ts';

export type EnrolmentRow = typeof challengeEnrolments.$inferSelect;

/** Joins a subject to a challenge once: undefined when it had joined already. */
export async function insertEnrolment(
  db: Executor,
  row: typeof challengeEnrolments.$inferInsert,
): Promise<EnrolmentRow | undefined> {
  const [created] = await db.insert(challengeEnrolments).values(row).onConflictDoNothing().returning();
  return created;
}

const enrolmentRows = programTable(challengeEnrolments, challengeEnrolments.subjectId);

/** A subject's joining of a challenge (the account's, or the contact's in a contact challenge). */
export function findEnrolment(
  db: Executor,
  programId: string,
  code: string,
  subjectId: string,
): Promise<EnrolmentRow | undefined> {
  return enrolmentRows.findWhere(
    db,
    programId,
    eq(challengeEnrolments.challengeCode, code),
    eq(challengeEnrolments.subjectId, subjectId),
  );
}

/** The joinings to a challenge by these accounts or by their contacts, in subject order. */
export async function enrolmentsOf(
  db: Executor,
  programId: string,
  code: string,
  accountIds: string[],
): Promise<EnrolmentRow[]> {
  if (accountIds.length === 0) return [];
  return db
    .select()
    .from(challengeEnrolments)
    .where(
      and(
        eq(challengeEnrolments.programId, programId),
        eq(challengeEnrolments.challengeCode, code),
        inArray(challengeEnrolments.accountId, accountIds),
      ),
    )
    .orderBy(challengeEnrolments.subjectId);
}

/** The joinings of a challenge at or after `since`, in subject order, a page after `after`. */
export async function enrolmentsSince(
  db: Executor,
  programId: string,
  code: string,
  since: Date,
  after: string | null,
  limit: number,
): Promise<EnrolmentRow[]> {
  return db
    .select()
    .from(challengeEnrolments)
    .where(
      and(
        eq(challengeEnrolments.programId, programId),
        eq(challengeEnrolments.challengeCode, code),
        gte(challengeEnrolments.joinedAt, since),
        after === null ? undefined : gt(challengeEnrolments.subjectId, after),
      ),
    )
    .orderBy(challengeEnrolments.subjectId)
    .limit(limit);
}

/** The key a page of a challenge's completions continues after: its subject and window. */
export const completionKey = (r: { subjectId: string; windowKey: string }) => `${r.subjectId} ${r.windowKey}`;

/**
 * A challenge's completions in subject then window order, a page after `after` (a completionKey),
 * optionally of one account (its contacts' too) or of one contact.
 */
export async function completionsOfChallenge(
  db: Executor,
  programId: string,
  code: string,
  filter: { accountId?: string; contactId?: string },
  after: string | undefined,
  limit: number,
) {
  const c = challengeCompletions;
  const [subject, window] = after === undefined ? [] : after.split(' ');
  return db
    .select()
    .from(c)
    .where(
      and(
        eq(c.programId, programId),
        eq(c.challengeCode, code),
        filter.accountId === undefined ? undefined : eq(c.accountId, filter.accountId),
        filter.contactId === undefined ? undefined : eq(c.contactId, filter.contactId),
        after === undefined
          ? undefined
          : sql`(${c.subjectId}, ${c.windowKey}) > (${subject}, ${window ?? ''})`,
      ),
    )
    .orderBy(c.subjectId, c.windowKey)
    .limit(limit);
}
