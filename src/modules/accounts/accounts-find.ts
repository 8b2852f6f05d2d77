// Reading accounts: one by id or externalId, and filtered lists in pages.
import { FidelisError } from '../../core/errors.ts';
import { afterCursor, DEFAULT_LIMIT, type Page, toPage } from '../../core/pagination.ts';
import type { Executor } from '../../db/client.ts';
import { listAccounts } from './accounts-list-store.ts';
import type { Account, ListAccountsInput } from './accounts-schemas.ts';
import type { AccountDeps } from './accounts-service.ts';
import { type AccountRow, findAccountByRef } from './accounts-store.ts';

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    externalId: row.externalId,
    name: row.name,
    parentId: row.parentId,
    segment: row.segment,
    country: row.country,
    preferredCurrency: row.preferredCurrency,
    status: row.status,
    customerSince: row.customerSince,
    attributes: row.attributes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The account a reference (id or externalId) names, read through `db`; account_not_found if none. */
export async function resolve(db: Executor, programId: string, ref: string): Promise<AccountRow> {
  const row = await findAccountByRef(db, programId, ref);
  if (!row) throw new FidelisError('account_not_found', `No account ${ref}`);
  return row;
}

export async function list(
  { database }: AccountDeps,
  programId: string,
  query: ListAccountsInput,
): Promise<Page<Account>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = afterCursor(query.cursor);
  let parentId: string | null | undefined;
  if (query.parentId === 'none') parentId = null;
  else if (query.parentId !== undefined) {
    const parent = await findAccountByRef(database.db, programId, query.parentId);
    if (!parent) return { data: [], nextCursor: null };
    parentId = parent.id;
  }
  const rows = await listAccounts(
    database.db,
    programId,
    { ...query, parentId },
    after,
    limit + 1,
    query.sort,
  );
  return toPage(rows, limit, toAccount);
}
