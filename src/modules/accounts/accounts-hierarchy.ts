// The account hierarchy (group → … → site): checking a new parent, reading members, chains and trees.
import { fieldError } from '../../core/errors.ts';
import type { Executor } from '../../db/client.ts';
import { resolve, toAccount } from './accounts-find.ts';
import type { Account, AccountTreeNode } from './accounts-schemas.ts';
import type { AccountDeps } from './accounts-service.ts';
import {
  type AccountKey,
  type AccountRow,
  ancestorChains,
  ancestorIds,
  descendants,
  findAccountByRef,
  membersOf,
} from './accounts-store.ts';

/** Most levels a hierarchy may have (group → … → site). */
export const MAX_HIERARCHY_DEPTH = 16;
/** Most accounts a tree view returns. */
export const MAX_TREE_SIZE = 5000;

/** The account a new parent reference names; parent_not_found (on parentId) if none. */
export async function resolveParent(db: Executor, programId: string, ref: string): Promise<AccountRow> {
  const row = await findAccountByRef(db, programId, ref);
  if (!row) {
    throw fieldError('parent_not_found', `No account ${ref} to be the parent`, {
      parentId: 'no such account',
    });
  }
  return row;
}

/** Refuses a parent that would create a cycle or make the hierarchy deeper than allowed. */
export async function checkParent(
  tx: Executor,
  programId: string,
  accountId: string | null,
  parent: AccountRow,
): Promise<void> {
  const chain = await ancestorIds(tx, programId, parent.id, MAX_HIERARCHY_DEPTH);
  if (accountId && chain.includes(accountId)) {
    throw fieldError('hierarchy_cycle', `${parent.id} is ${accountId} itself or one of its descendants`, {
      parentId: 'would create a cycle',
    });
  }
  const below = accountId ? await descendants(tx, programId, accountId, MAX_HIERARCHY_DEPTH) : [];
  const height = below.reduce((max, d) => Math.max(max, d.depth), 0);
  if (chain.length + 1 + height > MAX_HIERARCHY_DEPTH) {
    throw fieldError('hierarchy_too_deep', `A hierarchy may have at most ${MAX_HIERARCHY_DEPTH} levels`, {
      parentId: 'too deep',
    });
  }
}

/** The account and every account below it (a group's members), read through `db`. */
export async function members(db: Executor, programId: string, accountId: string): Promise<string[]> {
  return (await membersOf(db, programId, [accountId], MAX_HIERARCHY_DEPTH)).get(accountId) ?? [accountId];
}

/** `members` of many accounts in one query: id → [itself, every account below it]. */
export async function membersOfMany(
  db: Executor,
  programId: string,
  accountIds: string[],
): Promise<Map<string, string[]>> {
  const found = await membersOf(db, programId, accountIds, MAX_HIERARCHY_DEPTH);
  return new Map(accountIds.map((id) => [id, found.get(id) ?? [id]]));
}

/** The account's groups, nearest first (not the account itself): ids and externalIds. */
export async function ancestors(
  { database }: AccountDeps,
  programId: string,
  accountId: string,
): Promise<AccountKey[]> {
  const chains = await ancestorChains(database.db, programId, [accountId], MAX_HIERARCHY_DEPTH);
  return (chains.get(accountId) ?? []).slice(1);
}

/** The top group of the account's hierarchy (the account itself when it has no parent). */
export async function topOf(
  { database }: AccountDeps,
  programId: string,
  accountId: string,
): Promise<string> {
  const chain = await ancestorIds(database.db, programId, accountId, MAX_HIERARCHY_DEPTH);
  return chain[chain.length - 1] ?? accountId;
}

/** The account's ancestors (top group first) and its subtree, nested. */
export async function tree(
  { database }: AccountDeps,
  programId: string,
  ref: string,
): Promise<{ ancestors: Account[]; tree: AccountTreeNode; truncated: boolean }> {
  return database.transaction(async (tx) => {
    const root = await resolve(tx, programId, ref);
    const chain = await ancestorIds(tx, programId, root.id, MAX_HIERARCHY_DEPTH);
    const ancestors: Account[] = [];
    for (const id of chain.slice(1).reverse()) ancestors.push(toAccount(await resolve(tx, programId, id)));
    const below = await descendants(tx, programId, root.id, MAX_HIERARCHY_DEPTH);
    const kept = below.sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id)).slice(0, MAX_TREE_SIZE);
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
}
