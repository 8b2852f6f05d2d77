// What other modules may read of contacts directly (functions take the executor first, so a caller
// can read inside its own transaction): engagement's birthdays, the notifications module's recipients.
// Writes go through the contacts service.
import { and, asc, eq, gt, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { type Executor, selectRows, textArray } from '../../db/client.ts';
import { contacts } from './contacts-tables.ts';

export type ContactRecord = typeof contacts.$inferSelect;

/**
 * A condition for another module's SQL: the contact `contactId` of `programId` (columns or values)
 * exists and is active (not deactivated) — the portal's sessions and links hold only while it does.
 */
export function contactIsActive(programId: SQL | unknown, contactId: SQL | unknown): SQL {
  return sql`exists (select 1 from ${contacts} c where c.program_id = ${programId} and c.id = ${contactId}
                     and c.deactivated_at is null)`;
}

/** The account's active contacts with one of the roles (all roles when none given), oldest first. */
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
        isNull(contacts.deactivatedAt),
        roles ? inArray(contacts.role, roles as never) : undefined,
      ),
    )
    .orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/** The program's active contacts who opted in to statements, by id after `after`. */
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
        isNull(contacts.deactivatedAt),
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

/**
 * The active contacts whose birthday falls on one of `monthDays` ("MM-DD"), in id order, a page after
 * `after` (engagement's birthday automations).
 */
export async function birthdaysOn(
  db: Executor,
  programId: string,
  monthDays: string[],
  after: string | null,
  limit: number,
): Promise<Array<{ id: string; accountId: string; name: string | null; birthday: string }>> {
  if (monthDays.length === 0) return [];
  const rows = await selectRows<{ id: string; account_id: string; name: string | null; birthday: string }>(
    db,
    sql`select id, account_id, name, to_char(birthday, 'YYYY-MM-DD') as birthday from contacts
         where program_id = ${programId} and birthday is not null and deactivated_at is null
           and to_char(birthday, 'MM-DD') = any(${textArray(monthDays)})
           ${after === null ? sql`` : sql`and id > ${after}`}
         order by id limit ${limit}`,
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, name: r.name, birthday: r.birthday }));
}

export const CONTACT_EXPORT_COLUMNS = [
  'id',
  'accountId',
  'email',
  'name',
  'role',
  'locale',
  'birthday',
  'marketingOptIn',
  'statementOptIn',
  'createdAt',
  'deactivatedAt',
] as const;

/** A page of contacts for an export (created in the range), by id after `after`, as rows of cells. */
export async function contactExportPage(
  db: Executor,
  programId: string,
  range: { start?: Date; end?: Date },
  after: string,
  limit: number,
) {
  const rows = await db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.programId, programId),
        gt(contacts.id, after),
        range.start ? sql`${contacts.createdAt} >= ${range.start.toISOString()}` : undefined,
        range.end ? sql`${contacts.createdAt} < ${range.end.toISOString()}` : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(limit);
  return rows.map((c) => [
    c.id,
    c.accountId,
    c.email,
    c.name,
    c.role,
    c.locale,
    c.birthday,
    c.marketingOptIn,
    c.statementOptIn,
    c.createdAt.toISOString(),
    c.deactivatedAt?.toISOString() ?? null,
  ]);
}

/** The contacts of these ids (active or not; ids not found are left out). */
export function contactsByIds(
  ex: Executor,
  programId: string,
  ids: readonly string[],
): Promise<ContactRecord[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return ex
    .select()
    .from(contacts)
    .where(and(eq(contacts.programId, programId), sql`${contacts.id} = any(${textArray(ids)})`));
}
