// What other modules may read of console users: the name people know a user by (decision 0051).
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { type Executor, textArray } from '../../db/client.ts';
import { consoleUsers } from './users-tables.ts';

/**
 * The display name (the name, else the e-mail address) of each of the program's console users among
 * `actors` (actor names as the audit log has them: `usr_…`; others are left out).
 */
export async function userDisplayNames(
  db: Executor,
  programId: string,
  actors: ReadonlyArray<string | null>,
): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a): a is string => !!a?.startsWith('usr_')))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: consoleUsers.id, name: consoleUsers.name, email: consoleUsers.email })
    .from(consoleUsers)
    .where(
      and(eq(consoleUsers.programId, programId), sql`${consoleUsers.id} = any(${textArray(ids)})` as SQL),
    );
  return new Map(rows.map((r) => [r.id, r.name ?? r.email]));
}
