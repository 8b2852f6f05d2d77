// SQL of the notifications module: mails, opt-outs, expiry notices and statement runs.
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import { type Executor, textArray } from '../../db/client.ts';
import {
  expiryNotices,
  notificationMails,
  notificationOptOuts,
  statementRuns,
} from './notifications-tables.ts';

export type MailRow = typeof notificationMails.$inferSelect;
export type NewMailRow = typeof notificationMails.$inferInsert;

/** Inserts the mails whose key is new, each with its unsubscribe token; answers those written. */
export async function insertMails(ex: Executor, rows: NewMailRow[]): Promise<MailRow[]> {
  if (rows.length === 0) return [];
  return ex
    .insert(notificationMails)
    .values(rows.map((row) => ({ unsubscribeToken: randomBytes(18).toString('base64url'), ...row })))
    .onConflictDoNothing({ target: [notificationMails.programId, notificationMails.key] })
    .returning();
}

/** The mail an unsubscribe link names (any program: the token alone is the secret). */
export async function findMailByUnsubscribeToken(ex: Executor, token: string): Promise<MailRow | undefined> {
  const [row] = await ex
    .select()
    .from(notificationMails)
    .where(eq(notificationMails.unsubscribeToken, token));
  return row;
}

export async function findMail(ex: Executor, programId: string, id: string): Promise<MailRow | undefined> {
  const [row] = await ex
    .select()
    .from(notificationMails)
    .where(and(eq(notificationMails.programId, programId), eq(notificationMails.id, id)));
  return row;
}

export async function updateMail(
  ex: Executor,
  programId: string,
  id: string,
  patch: Partial<Omit<NewMailRow, 'programId' | 'id'>>,
): Promise<void> {
  await ex
    .update(notificationMails)
    .set(patch)
    .where(and(eq(notificationMails.programId, programId), eq(notificationMails.id, id)));
}

/** Mails whose job is not written yet, locked (FOR UPDATE SKIP LOCKED: instances share them). */
export function lockUnqueuedMails(ex: Executor, limit: number): Promise<MailRow[]> {
  return ex
    .select()
    .from(notificationMails)
    .where(eq(notificationMails.queued, false))
    .orderBy(asc(notificationMails.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export interface MailFilters {
  contactId?: string;
  kind?: string;
  state?: string;
}

export function listMails(
  ex: Executor,
  programId: string,
  f: MailFilters,
  after: string | null,
  limit: number,
): Promise<MailRow[]> {
  return ex
    .select()
    .from(notificationMails)
    .where(
      and(
        eq(notificationMails.programId, programId),
        f.contactId ? eq(notificationMails.contactId, f.contactId) : undefined,
        f.kind ? eq(notificationMails.kind, f.kind) : undefined,
        f.state ? eq(notificationMails.state, f.state) : undefined,
        after ? lt(notificationMails.id, after) : undefined,
      ),
    )
    .orderBy(desc(notificationMails.id))
    .limit(limit);
}

export async function isOptedOut(ex: Executor, programId: string, contactId: string): Promise<boolean> {
  const [row] = await ex
    .select({ contactId: notificationOptOuts.contactId })
    .from(notificationOptOuts)
    .where(and(eq(notificationOptOuts.programId, programId), eq(notificationOptOuts.contactId, contactId)));
  return row !== undefined;
}

export async function optedOutAmong(
  ex: Executor,
  programId: string,
  contactIds: readonly string[],
): Promise<Set<string>> {
  if (contactIds.length === 0) return new Set();
  const rows = await ex
    .select({ contactId: notificationOptOuts.contactId })
    .from(notificationOptOuts)
    .where(
      and(
        eq(notificationOptOuts.programId, programId),
        sql`${notificationOptOuts.contactId} = any(${textArray(contactIds)})`,
      ),
    );
  return new Set(rows.map((r) => r.contactId));
}

/** Records the opt-out; false when it was recorded already. */
export async function insertOptOut(ex: Executor, programId: string, contactId: string): Promise<boolean> {
  const rows = await ex
    .insert(notificationOptOuts)
    .values({ programId, contactId })
    .onConflictDoNothing()
    .returning();
  return rows.length > 0;
}

/** Removes the opt-out; false when there was none. */
export async function deleteOptOut(ex: Executor, programId: string, contactId: string): Promise<boolean> {
  const rows = await ex
    .delete(notificationOptOuts)
    .where(and(eq(notificationOptOuts.programId, programId), eq(notificationOptOuts.contactId, contactId)))
    .returning();
  return rows.length > 0;
}

/** Records the lots' notices; answers the lots not announced before (for this expiry date). */
export async function insertExpiryNotices(
  ex: Executor,
  programId: string,
  lots: ReadonlyArray<{ lotId: string; expiresAt: Date }>,
): Promise<Set<string>> {
  if (lots.length === 0) return new Set();
  const rows = await ex
    .insert(expiryNotices)
    .values(lots.map((l) => ({ programId, lotId: l.lotId, expiresAt: l.expiresAt })))
    .onConflictDoNothing()
    .returning({ lotId: expiryNotices.lotId });
  return new Set(rows.map((r) => r.lotId));
}

/** Claims the program's statement run of the period; false when it was done already. */
export async function claimStatementRun(
  ex: Executor,
  programId: string,
  period: string,
  mails: number,
): Promise<boolean> {
  const rows = await ex
    .insert(statementRuns)
    .values({ programId, period, mails })
    .onConflictDoNothing()
    .returning();
  return rows.length > 0;
}

export async function setStatementRunMails(
  ex: Executor,
  programId: string,
  period: string,
  mails: number,
): Promise<void> {
  await ex
    .update(statementRuns)
    .set({ mails })
    .where(and(eq(statementRuns.programId, programId), eq(statementRuns.period, period)));
}
