import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { equalsIf, programTable } from '../../db/rows.ts';
import { consoleSessions, consoleUsers } from './users-tables.ts';

export type UserRow = typeof consoleUsers.$inferSelect;
export type SessionRow = typeof consoleSessions.$inferSelect;

const userRows = programTable(consoleUsers, consoleUsers.id);
const sessionRows = programTable(consoleSessions, consoleSessions.id);

export const insertUser = userRows.insert;
export const findUser = userRows.find;
export const lockUser = userRows.lock;
export const updateUser = userRows.update;

/** A page of the program's users in id order, by role and by whether they are disabled. */
export const listUsers = userRows.lister((f: { role?: string; disabled?: boolean }) => [
  equalsIf(consoleUsers.role, f.role),
  f.disabled === undefined
    ? undefined
    : f.disabled
      ? isNotNull(consoleUsers.disabledAt)
      : isNull(consoleUsers.disabledAt),
]);

/**
 * The program's enabled owners, locked until the transaction ends: two changes that could each take
 * away an owner wait for one another, and the second sees what the first left.
 */
export async function lockOwners(db: Executor, programId: string): Promise<UserRow[]> {
  return db
    .select()
    .from(consoleUsers)
    .where(userRows.within(programId, eq(consoleUsers.role, 'owner'), isNull(consoleUsers.disabledAt)))
    .orderBy(consoleUsers.id)
    .for('update');
}

/** Ends every live session of the user at `now`; how many. */
export async function endSessionsOf(
  db: Executor,
  programId: string,
  userId: string,
  now: Date,
): Promise<number> {
  const ended = await db
    .update(consoleSessions)
    .set({ endedAt: now })
    .where(sessionRows.within(programId, eq(consoleSessions.userId, userId), isNull(consoleSessions.endedAt)))
    .returning({ id: consoleSessions.id });
  return ended.length;
}
export const insertSession = sessionRows.insert;

/** The user with this e-mail (of any program: an address signs in to one program). */
export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(consoleUsers).where(eq(consoleUsers.email, email));
  return row;
}

/** The live session with this token hash and its user, or undefined (unknown, ended or expired). */
export async function findLiveSession(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const [row] = await db
    .select({ session: consoleSessions, user: consoleUsers })
    .from(consoleSessions)
    .innerJoin(
      consoleUsers,
      and(eq(consoleUsers.programId, consoleSessions.programId), eq(consoleUsers.id, consoleSessions.userId)),
    )
    .where(
      and(
        eq(consoleSessions.tokenHash, tokenHash),
        isNull(consoleSessions.endedAt),
        gt(consoleSessions.expiresAt, now),
        isNull(consoleUsers.disabledAt),
      ),
    );
  return row;
}

export async function endSession(db: Executor, programId: string, id: string, now: Date): Promise<void> {
  await sessionRows.update(db, programId, id, { endedAt: now }, isNull(consoleSessions.endedAt));
}

/** Deletes the program's sessions that expired or ended before `cutoff`; how many. */
export async function deleteSessionsBefore(db: Executor, programId: string, cutoff: Date): Promise<number> {
  const deleted = await db
    .delete(consoleSessions)
    .where(
      and(
        eq(consoleSessions.programId, programId),
        or(lt(consoleSessions.expiresAt, cutoff), lt(consoleSessions.endedAt, cutoff)),
      ),
    )
    .returning({ id: consoleSessions.id });
  return deleted.length;
}
