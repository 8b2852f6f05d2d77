import { FidelisError, type FieldError } from '../../core/errors.ts';
import { decodeCursor, type Page, toPage } from '../../core/pagination.ts';
import { isCalendarDate, isCountry, isCurrency } from '../../core/reference.ts';
import type { Database, Executor } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type {
  Account,
  AccountTreeNode,
  CreateAccountInput,
  ListAccountsInput,
  UpdateAccountInput,
} from './accounts-schemas.ts';
import {
  type AccountKey,
  type AccountRow,
  type AccountUpsertColumn,
  ancestorChains,
  ancestorIds,
  descendants,
  findAccountByRef,
  findAccountsByRefs,
  hierarchyProblems,
  idsByExternalId,
  insertAccount,
  joinDates,
  listAccounts,
  lockHierarchy,
  membersOf,
  type NewAccountRow,
  setParentsByExternalId,
  updateAccountRow,
  upsertAccountsByExternalId,
} from './accounts-store.ts';

/** One valid row of an account import, with its line in the file. */
export interface AccountImportRow {
  line: number;
  externalId: string;
  name: string;
  parentExternalId?: string | null;
  segment?: string | null;
  country?: string | null;
  preferredCurrency?: string | null;
  status?: Account['status'];
  customerSince?: string | null;
  attributes?: Record<string, unknown>;
}

export interface ImportResult {
  created: number;
  updated: number;
}

export type ProgressFn = (phase: string, done: number, total: number) => void;

class DryRunRollback extends Error {
  readonly result: unknown;
  constructor(result: unknown) {
    super('dry run: rolled back');
    this.result = result;
  }
}

/** Runs fn in one transaction; when dryRun, rolls the transaction back and still returns fn's result. */
export async function transactionOrRehearsal<T>(
  database: Database,
  dryRun: boolean,
  fn: (tx: Executor) => Promise<T>,
): Promise<T> {
  try {
    return await database.transaction(async (tx) => {
      const result = await fn(tx);
      if (dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result as T;
    throw error;
  }
}

const IMPORT_BATCH = 1000;

/** Most levels a hierarchy may have (group → … → site). */
export const MAX_HIERARCHY_DEPTH = 16;
/** Most accounts a tree view returns. */
export const MAX_TREE_SIZE = 5000;

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

/** Checks of values the schema cannot express (known country, currency, real date). */
export function accountValueErrors(
  input: { country?: string | null; preferredCurrency?: string | null; customerSince?: string | null },
  prefix = '/body',
): FieldError[] {
  const errors: FieldError[] = [];
  if (input.country && !isCountry(input.country)) {
    errors.push({ path: `${prefix}/country`, message: `unknown country ${input.country}` });
  }
  if (input.preferredCurrency && !isCurrency(input.preferredCurrency)) {
    errors.push({
      path: `${prefix}/preferredCurrency`,
      message: `unknown currency ${input.preferredCurrency}`,
    });
  }
  if (input.customerSince && !isCalendarDate(input.customerSince)) {
    errors.push({ path: `${prefix}/customerSince`, message: `not a calendar date: ${input.customerSince}` });
  }
  return errors;
}

export function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) {
    throw new FidelisError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
      errors,
    });
  }
}

function externalIdTaken(externalId: string | null | undefined): FidelisError {
  return new FidelisError('external_id_taken', `An account with externalId ${externalId} exists already`, {
    errors: [{ path: '/body/externalId', message: 'is taken' }],
  });
}

/** The rows ordered so that a parent in the file comes before its children (cycles last, as they were). */
function parentsFirst(rows: AccountImportRow[]): AccountImportRow[] {
  const byId = new Map(rows.map((r) => [r.externalId, r]));
  const depth = new Map<string, number>();
  const depthOf = (start: AccountImportRow): number => {
    const chain: AccountImportRow[] = [];
    const onChain = new Set<string>();
    let base = 0;
    for (let r: AccountImportRow | undefined = start; r; ) {
      const known = depth.get(r.externalId);
      if (known !== undefined) {
        base = known + 1;
        break;
      }
      if (onChain.has(r.externalId)) {
        base = Number.MAX_SAFE_INTEGER - rows.length; // a cycle: after everything else
        break;
      }
      chain.push(r);
      onChain.add(r.externalId);
      r = r.parentExternalId ? byId.get(r.parentExternalId) : undefined;
    }
    for (let k = chain.length - 1; k >= 0; k--)
      depth.set(chain[k]!.externalId, base + (chain.length - 1 - k));
    return depth.get(start.externalId)!;
  };
  return rows
    .map((r, i) => ({ r, i, d: depthOf(r) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.r);
}

export function createAccountService(database: Database) {
  async function resolve(db: Executor, programId: string, ref: string): Promise<AccountRow> {
    const row = await findAccountByRef(db, programId, ref);
    if (!row) throw new FidelisError('account_not_found', `No account ${ref}`);
    return row;
  }

  async function resolveParent(db: Executor, programId: string, ref: string): Promise<AccountRow> {
    const row = await findAccountByRef(db, programId, ref);
    if (!row) {
      throw new FidelisError('parent_not_found', `No account ${ref} to be the parent`, {
        errors: [{ path: '/body/parentId', message: 'no such account' }],
      });
    }
    return row;
  }

  /** Refuses a parent that would create a cycle or make the hierarchy deeper than allowed. */
  async function checkParent(tx: Executor, programId: string, accountId: string | null, parent: AccountRow) {
    const chain = await ancestorIds(tx, programId, parent.id, MAX_HIERARCHY_DEPTH);
    if (accountId && chain.includes(accountId)) {
      throw new FidelisError(
        'hierarchy_cycle',
        `${parent.id} is ${accountId} itself or one of its descendants`,
        {
          errors: [{ path: '/body/parentId', message: 'would create a cycle' }],
        },
      );
    }
    const below = accountId ? await descendants(tx, programId, accountId, MAX_HIERARCHY_DEPTH) : [];
    const height = below.reduce((max, d) => Math.max(max, d.depth), 0);
    if (chain.length + 1 + height > MAX_HIERARCHY_DEPTH) {
      throw new FidelisError(
        'hierarchy_too_deep',
        `A hierarchy may have at most ${MAX_HIERARCHY_DEPTH} levels`,
        {
          errors: [{ path: '/body/parentId', message: 'too deep' }],
        },
      );
    }
  }

  return {
    resolve: (programId: string, ref: string) => resolve(database.db, programId, ref),

    async get(programId: string, ref: string): Promise<Account> {
      return toAccount(await resolve(database.db, programId, ref));
    },

    async create(programId: string, input: CreateAccountInput): Promise<Account> {
      throwIfErrors(accountValueErrors(input));
      try {
        return await database.transaction(async (tx) => {
          let parentId: string | null = null;
          if (input.parentId) {
            await lockHierarchy(tx, programId);
            const parent = await resolveParent(tx, programId, input.parentId);
            await checkParent(tx, programId, null, parent);
            parentId = parent.id;
          }
          const row = await insertAccount(tx, {
            programId,
            id: newId('acc'),
            externalId: input.externalId ?? null,
            name: input.name.trim(),
            parentId,
            segment: input.segment ?? null,
            country: input.country ?? null,
            preferredCurrency: input.preferredCurrency ?? null,
            status: input.status ?? 'enrolled',
            customerSince: input.customerSince ?? null,
            attributes: input.attributes ?? {},
          });
          return toAccount(row);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'accounts_external_id_uq')) throw externalIdTaken(input.externalId);
        throw error;
      }
    },

    async update(
      programId: string,
      ref: string,
      input: UpdateAccountInput,
    ): Promise<{ before: Account; after: Account }> {
      throwIfErrors(accountValueErrors(input));
      try {
        return await database.transaction(async (tx) => {
          if (input.parentId !== undefined) await lockHierarchy(tx, programId);
          const current = await resolve(tx, programId, ref);
          const patch: Partial<NewAccountRow> = {};
          if (input.parentId !== undefined) {
            if (input.parentId === null) patch.parentId = null;
            else {
              const parent = await resolveParent(tx, programId, input.parentId);
              await checkParent(tx, programId, current.id, parent);
              patch.parentId = parent.id;
            }
          }
          if (input.externalId !== undefined) patch.externalId = input.externalId;
          if (input.name !== undefined) patch.name = input.name.trim();
          if (input.segment !== undefined) patch.segment = input.segment;
          if (input.country !== undefined) patch.country = input.country;
          if (input.preferredCurrency !== undefined) patch.preferredCurrency = input.preferredCurrency;
          if (input.status !== undefined) patch.status = input.status;
          if (input.customerSince !== undefined) patch.customerSince = input.customerSince;
          if (input.attributes !== undefined) patch.attributes = input.attributes;
          const row = await updateAccountRow(tx, programId, current.id, patch);
          return { before: toAccount(current), after: toAccount(row!) };
        });
      } catch (error) {
        if (isUniqueViolation(error, 'accounts_external_id_uq')) throw externalIdTaken(input.externalId);
        throw error;
      }
    },

    async list(programId: string, query: ListAccountsInput): Promise<Page<Account>> {
      const limit = query.limit ?? 50;
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && after === undefined) throw new FidelisError('invalid_cursor');
      let parentId: string | null | undefined;
      if (query.parentId === 'none') parentId = null;
      else if (query.parentId !== undefined) {
        const parent = await findAccountByRef(database.db, programId, query.parentId);
        if (!parent) return { data: [], nextCursor: null };
        parentId = parent.id;
      }
      const rows = await listAccounts(database.db, programId, { ...query, parentId }, after, limit + 1);
      return toPage(rows.map(toAccount), limit);
    },

    /** The account and every account below it (a group's members), read through `db` when given. */
    async members(programId: string, accountId: string, db: Executor = database.db): Promise<string[]> {
      return (await membersOf(db, programId, [accountId], MAX_HIERARCHY_DEPTH)).get(accountId) ?? [accountId];
    },

    /** `members` of many accounts in one query: id → [itself, every account below it]. */
    async membersOf(programId: string, accountIds: string[], db: Executor = database.db) {
      const found = await membersOf(db, programId, accountIds, MAX_HIERARCHY_DEPTH);
      return new Map(accountIds.map((id) => [id, found.get(id) ?? [id]]));
    },

    /** When each account joined the program (customerSince, else its creation), through `db` when given. */
    joinDates: (programId: string, ids: string[], db: Executor = database.db) =>
      joinDates(db, programId, ids),

    /** The account's groups, nearest first (not the account itself): ids and externalIds. */
    async ancestors(programId: string, accountId: string): Promise<AccountKey[]> {
      const chains = await ancestorChains(database.db, programId, [accountId], MAX_HIERARCHY_DEPTH);
      return (chains.get(accountId) ?? []).slice(1);
    },

    /** Many accounts' chains at once: id → [self, parent, …, top] (ids not found are missing). */
    chainsOf: (programId: string, accountIds: string[]) =>
      ancestorChains(database.db, programId, accountIds, MAX_HIERARCHY_DEPTH),

    /** Many references (id or externalId) at once: ref → account; unknown refs are missing. */
    resolveMany: (programId: string, refs: string[]) => findAccountsByRefs(database.db, programId, refs),

    async topOf(programId: string, accountId: string): Promise<string> {
      const chain = await ancestorIds(database.db, programId, accountId, MAX_HIERARCHY_DEPTH);
      return chain[chain.length - 1] ?? accountId;
    },

    /** Which of these externalIds exist, mapped to account ids. */
    existingExternalIds: (programId: string, externalIds: string[]) =>
      idsByExternalId(database.db, programId, externalIds),

    /**
     * Upserts valid import rows by externalId in one transaction: all or nothing.
     * Only the given columns are written on existing accounts; parents are linked when withParents.
     */
    async importRows(
      programId: string,
      rows: AccountImportRow[],
      columns: AccountUpsertColumn[],
      withParents: boolean,
      onProgress: ProgressFn = () => {},
      options: { attributeKeys?: string[]; dryRun?: boolean } = {},
    ): Promise<ImportResult> {
      // Parents first: a row's parent is then mostly written by an earlier batch and linked as the
      // row is written; only the rest (a parent in the same batch, cycles) needs a second pass.
      const ordered = withParents ? parentsFirst(rows) : rows;
      const position = new Map(ordered.map((r, i) => [r.externalId, i]));
      return transactionOrRehearsal(database, options.dryRun ?? false, async (tx) => {
        await lockHierarchy(tx, programId);
        let created = 0;
        const unlinked: Array<{ child: string; parent: string | null }> = [];
        for (let i = 0; i < ordered.length; i += IMPORT_BATCH) {
          const batch = ordered.slice(i, i + IMPORT_BATCH).map((r) => {
            const parentAt = r.parentExternalId ? position.get(r.parentExternalId) : undefined;
            if (withParents && parentAt !== undefined && parentAt >= i) {
              unlinked.push({ child: r.externalId, parent: r.parentExternalId ?? null });
            }
            return {
              programId,
              id: newId('acc'),
              externalId: r.externalId,
              name: r.name,
              parentExternalId: r.parentExternalId ?? null,
              segment: r.segment ?? null,
              country: r.country ?? null,
              preferredCurrency: r.preferredCurrency ?? null,
              status: r.status ?? 'enrolled',
              customerSince: r.customerSince ?? null,
              attributes: r.attributes ?? {},
            } satisfies NewAccountRow & { parentExternalId: string | null };
          });
          const result = await upsertAccountsByExternalId(tx, batch, columns, {
            attributeKeys: options.attributeKeys,
            withParents,
          });
          created += result.filter((r) => r.created).length;
          onProgress('accounts', Math.min(i + IMPORT_BATCH, ordered.length), ordered.length);
        }
        if (withParents) {
          if (unlinked.length === 0) onProgress('parents', 0, 0);
          for (let i = 0; i < unlinked.length; i += IMPORT_BATCH) {
            await setParentsByExternalId(tx, programId, unlinked.slice(i, i + IMPORT_BATCH));
            onProgress('parents', Math.min(i + IMPORT_BATCH, unlinked.length), unlinked.length);
          }
          const problems = await hierarchyProblems(tx, programId, MAX_HIERARCHY_DEPTH - 1);
          if (problems.cycles.length > 0 || problems.tooDeep.length > 0) {
            const lineOf = new Map(rows.map((r) => [r.externalId, r.line]));
            const errors: FieldError[] = [
              ...problems.cycles.map((a) => ({
                line: lineOf.get(a.externalId ?? '') ?? 0,
                path: 'parentExternalId',
                message: `account ${a.externalId ?? a.id} would be its own ancestor`,
              })),
              ...problems.tooDeep.map((a) => ({
                line: lineOf.get(a.externalId ?? '') ?? 0,
                path: 'parentExternalId',
                message: `account ${a.externalId ?? a.id} would sit deeper than ${MAX_HIERARCHY_DEPTH} levels`,
              })),
            ];
            throw new FidelisError(
              'import_invalid_rows',
              `${errors.length} rows would break the account hierarchy`,
              {
                errors: errors.slice(0, 1000),
                invalidRows: errors.length,
              },
            );
          }
        }
        return { created, updated: rows.length - created };
      });
    },

    /** The account's ancestors (top group first) and its subtree, nested. */
    async tree(
      programId: string,
      ref: string,
    ): Promise<{ ancestors: Account[]; tree: AccountTreeNode; truncated: boolean }> {
      return database.transaction(async (tx) => {
        const root = await resolve(tx, programId, ref);
        const chain = await ancestorIds(tx, programId, root.id, MAX_HIERARCHY_DEPTH);
        const ancestors: Account[] = [];
        for (const id of chain.slice(1).reverse())
          ancestors.push(toAccount(await resolve(tx, programId, id)));
        const below = await descendants(tx, programId, root.id, MAX_HIERARCHY_DEPTH);
        const kept = below
          .sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id))
          .slice(0, MAX_TREE_SIZE);
        const nodes = new Map<string, AccountTreeNode>();
        const top: AccountTreeNode = { account: toAccount(root), children: [] };
        nodes.set(root.id, top);
        for (const row of kept) {
          const node: AccountTreeNode = { account: toAccount(row), children: [] };
          nodes.set(row.id, node);
          nodes.get(row.parentId ?? '')?.children.push(node);
        }
        return { ancestors, tree: top, truncated: below.length > kept.length };
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
