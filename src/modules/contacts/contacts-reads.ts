// What other modules may read of contacts directly (executor first, so a caller can read inside its
// own transaction): the notifications module finds an account's recipients here.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { contacts } from './contacts-tables.ts';

export type ContactRecord = typeof contacts.$inferSelect;

/** The account's contacts with one of the roles (all roles when none given), oldest first. */
export function contactsOfAccount(
  ex: Executor,
  programId: string,
  accountId: string,
  roles?: readonly string[],
): Promise<ContactRecord[]> {
  return ex
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.programId, programId),
        eq(contacts.accountId, accountId),
        roles ? inArray(contacts.role, roles as never) : undefined,
      ),
    )
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/** The program's contacts who opted in to statements, by id after `after`. */
export function statementContacts(
  ex: Executor,
  programId: string,
  after: string | null,
  limit: number,
): Promise<ContactRecord[]> {
  return ex
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.programId, programId),
        eq(contacts.statementOptIn, true),
        after ? gt(contacts.id, after) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(limit);
}

export async function contactById(
  ex: Executor,
  programId: string,
  id: string,
): Promise<ContactRecord | undefined> {
  const [row] = await ex
    .select()
    .from(contacts)
    .where(and(eq(contacts.programId, programId), eq(contacts.id, id)));
  return row;
}
