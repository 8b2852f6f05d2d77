// SQL of the portal: one-time links and member sessions, both found by their token's hash.
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programTable } from '../../db/rows.ts';
import { contactIsActive } from '../contacts/contacts-reads.ts';
import { portalLinks, portalSessions } from './portal-tables.ts';

export type LinkRow = typeof portalLinks.$inferSelect;
export type PortalSessionRow = typeof portalSessions.$inferSelect;

const linkRows = programTable(portalLinks, portalLinks.id);
const sessionRows = programTable(portalSessions, portalSessions.id);

export const insertLink = linkRows.insert;
export const insertPortalSession = sessionRows.insert;

/** The link with this token hash (used or not, expired or not), or undefined. */
export async function findLinkByToken(db: Executor, tokenHash: string): Promise<LinkRow | undefined> {
  const [row] = await db.select().from(portalLinks).where(eq(portalLinks.tokenHash, tokenHash));
  return row;
}

/**
 * Marks the link used if it is still unused and unexpired: true for the one caller that did it (a
 * concurrent second exchange of the same token updates nothing).
 */
export async function useLink(db: Executor, link: LinkRow, now: Date): Promise<boolean> {
  const updated = await linkRows.update(
    db,
    link.programId,
    link.id,
    { usedAt: now },
    and(isNull(portalLinks.usedAt), gt(portalLinks.expiresAt, now)),
  );
  return updated !== undefined;
}

/** The live session with this token hash, or undefined (unknown, ended, expired, or its contact deactivated). */
export async function findLivePortalSession(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<PortalSessionRow | undefined> {
  const [row] = await db
    .select()
    .from(portalSessions)
    .where(
      and(
        eq(portalSessions.tokenHash, tokenHash),
        isNull(portalSessions.endedAt),
        gt(portalSessions.expiresAt, now),
        contactIsActive(portalSessions.programId, portalSessions.contactId),
      ),
    );
  return row;
}

export async function endPortalSession(
  db: Executor,
  programId: string,
  id: string,
  now: Date,
): Promise<void> {
  await sessionRows.update(db, programId, id, { endedAt: now }, isNull(portalSessions.endedAt));
}

/** Deletes the program's links and sessions that expired or ended before `cutoff`; how many. */
export async function deletePortalBefore(db: Executor, programId: string, cutoff: Date): Promise<number> {
  const links = await db
    .delete(portalLinks)
    .where(and(eq(portalLinks.programId, programId), lt(portalLinks.expiresAt, cutoff)))
    .returning({ id: portalLinks.id });
  const sessions = await db
    .delete(portalSessions)
    .where(
      and(
        eq(portalSessions.programId, programId),
        or(lt(portalSessions.expiresAt, cutoff), lt(portalSessions.endedAt, cutoff)),
      ),
    )
    .returning({ id: portalSessions.id });
  return links.length + sessions.length;
}
