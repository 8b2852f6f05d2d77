// Accounts (member companies) and their hierarchy. The use cases live in verb files (accounts-find,
// accounts-write, accounts-hierarchy, accounts-import); this factory binds them to the database.
import type { Actor } from '../../core/access.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { list, resolve, toAccount } from './accounts-find.ts';
import { ancestors, MAX_HIERARCHY_DEPTH, members, membersOfMany, topOf, tree } from './accounts-hierarchy.ts';
import { type AccountImportRow, importRows, type ProgressFn } from './accounts-import.ts';
import {
  createRelationship,
  endRelationship,
  listRelationships,
  type RelationshipInput,
} from './accounts-relationships.ts';
import { importRelationshipRows, type RelationshipImportRow } from './accounts-relationships-import.ts';
import type { CreateAccountInput, ListAccountsInput, UpdateAccountInput } from './accounts-schemas.ts';
import {
  type AccountUpsertColumn,
  ancestorChains,
  findAccountsByRefs,
  idsByExternalId,
  joinDates,
} from './accounts-store.ts';
import { create, update } from './accounts-write.ts';

export type { AccountImportRow, ImportResult, ProgressFn } from './accounts-import.ts';
export type { RelationshipImportRow } from './accounts-relationships-import.ts';
export type { AccountUpsertColumn } from './accounts-store.ts';
export { accountValueErrors } from './accounts-write.ts';

/**
 * A port to the partners module (a later one; wired in app/compose.ts, decision 0048): checks a referral
 * code given when an account is created (`accountId` null) or imported, throwing its refusal, and
 * answers what records the attribution in the transaction that writes the account (null: nothing to
 * record, the account was referred through this referrer already).
 */
export type ReferralPort = (
  programId: string,
  input: {
    /** A referrer's code, or the referrer account named without one (`referredBy`, decision 0060). */
    code?: string;
    referredBy?: string;
    referralProgram?: string;
    referredByContact?: string;
    accountId: string | null;
    parent: string | null;
  },
  actor: Actor,
  /** The request's names of those fields, for a refusal to point at. */
  how: {
    via: 'account' | 'import';
    fields: { code: string; referredBy: string; referralProgram: string; referredByContact: string };
    /** The rows of one import file, given in file order with the same batch (decision 0063). */
    batch?: ReferralBatch;
    /** The instant of the attribution (default: now); one for every row of a file. */
    at?: Date;
  },
) => Promise<((tx: Executor, accountId: string) => Promise<ReferralOutcome | null>) | null>;

/** What an attribution recorded: the referral's status and the guards' findings (decision 0063). */
export interface ReferralOutcome {
  status: string;
  referrerAccountId: string;
  findings: Array<{ guard: string; action: string; reason: string }>;
}

/**
 * The rows of one import file (decision 0063): the velocity guard counts the file's earlier rows of
 * the same referrer, as if they had come one by one. Made empty by the importer for each check and
 * write of the file, filled by the port: referrer id → rows attributed to it so far when checked, and
 * when written (in the import's transaction, which then holds the lock of every referrer checked).
 */
export interface ReferralBatch {
  checked: Map<string, number>;
  written: Map<string, number>;
  locked: boolean;
}

export const newReferralBatch = (): ReferralBatch => ({
  checked: new Map(),
  written: new Map(),
  locked: false,
});

/** What the use cases of accounts work with. */
export interface AccountDeps {
  database: Database;
  audit: AuditService;
  referrals?: ReferralPort;
  /** Told after relationships are created, with the managing accounts (the tiers, through app/compose.ts). */
  onRelationships?: RelationshipsCreated;
}

/** A port: relationships were created by these managing accounts (decision 0047). */
export type RelationshipsCreated = (programId: string, managerIds: string[], at: Date) => Promise<void>;

export function createAccountService(
  database: Database,
  audit: AuditService,
  ports: { referrals?: ReferralPort; onRelationships?: RelationshipsCreated } = {},
) {
  const deps: AccountDeps = { database, audit, ...ports };
  return {
    resolve: (programId: string, ref: string) => resolve(database.db, programId, ref),

    // Relationships beyond ownership (decision 0024)
    createRelationship: (programId: string, input: RelationshipInput, actor: Actor) =>
      createRelationship(deps, programId, input, actor),
    endRelationship: (programId: string, id: string, endsAt: string | undefined, actor: Actor) =>
      endRelationship(deps, programId, id, endsAt, actor),
    listRelationships: (programId: string, query: Parameters<typeof listRelationships>[2]) =>
      listRelationships(deps, programId, query),

    /** The id of the account a filter names (by id or externalId), or undefined when it names none. */
    idOf: async (programId: string, ref: string | undefined) =>
      ref === undefined ? undefined : (await resolve(database.db, programId, ref)).id,

    get: async (programId: string, ref: string) => toAccount(await resolve(database.db, programId, ref)),

    create: (programId: string, input: CreateAccountInput, actor: Actor) =>
      create(deps, programId, input, actor),

    update: (programId: string, ref: string, input: UpdateAccountInput, actor: Actor) =>
      update(deps, programId, ref, input, actor),

    list: (programId: string, query: ListAccountsInput) => list(deps, programId, query),

    /** The account and every account below it (a group's members), read through `db` when given. */
    members: (programId: string, accountId: string, db: Executor = database.db) =>
      members(db, programId, accountId),

    /** `members` of many accounts in one query: id → [itself, every account below it]. */
    membersOf: (programId: string, accountIds: string[], db: Executor = database.db) =>
      membersOfMany(db, programId, accountIds),

    /** When each account joined the program (customerSince, else its creation), through `db` when given. */
    joinDates: (programId: string, ids: string[], db: Executor = database.db) =>
      joinDates(db, programId, ids),

    ancestors: (programId: string, accountId: string) => ancestors(deps, programId, accountId),

    /** Many accounts' chains at once: id → [self, parent, …, top] (ids not found are missing). */
    chainsOf: (programId: string, accountIds: string[]) =>
      ancestorChains(database.db, programId, accountIds, MAX_HIERARCHY_DEPTH),

    /** Many references (id or externalId) at once: ref → account; unknown refs are missing. */
    resolveMany: (programId: string, refs: string[]) => findAccountsByRefs(database.db, programId, refs),

    topOf: (programId: string, accountId: string) => topOf(deps, programId, accountId),

    /** Which of these externalIds exist, mapped to account ids. */
    existingExternalIds: (programId: string, externalIds: string[], db: Executor = database.db) =>
      idsByExternalId(db, programId, externalIds),

    importRows: (
      tx: Executor,
      programId: string,
      rows: AccountImportRow[],
      columns: AccountUpsertColumn[],
      withParents: boolean,
      onProgress?: ProgressFn,
      options?: { attributeKeys?: string[] },
    ) => importRows(tx, programId, rows, columns, withParents, onProgress, options),

    /** Creates and ends relationships from an import's checked rows in the importer's transaction. */
    importRelationships: (tx: Executor, programId: string, rows: RelationshipImportRow[]) =>
      importRelationshipRows(tx, programId, rows),

    /** After an import of relationships commits: tells the port which accounts manage new ones. */
    relationshipsCreated: async (programId: string, managerIds: string[], at = new Date()) => {
      if (managerIds.length > 0) await deps.onRelationships?.(programId, managerIds, at);
    },

    tree: (programId: string, ref: string) => tree(deps, programId, ref),

    /** The referral port, for the CSV import of accounts (undefined without the partners module). */
    referrals: deps.referrals,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
