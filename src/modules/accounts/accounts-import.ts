// Writing the valid rows of an account import inside the importer's transaction: upserted by
// externalId in batches, parents linked, then the whole program's hierarchy checked.
import { FidelisError, type FieldError } from '../../core/errors.ts';
import type { Executor } from '../../db/client.ts';
import { MAX_HIERARCHY_DEPTH } from './accounts-hierarchy.ts';
import {
  type AccountUpsertColumn,
  hierarchyProblems,
  lockHierarchy,
  setParentsByExternalId,
  upsertAccountsByExternalId,
} from './accounts-store.ts';
import { type NewAccountFields, newAccountRow } from './accounts-write.ts';

/** One valid row of an account import, with its line in the file; the parent is named by externalId. */
export interface AccountImportRow extends Omit<NewAccountFields, 'externalId' | 'parentId'> {
  line: number;
  externalId: string;
  parentExternalId?: string | null;
  /** A referrer's code: the account is attributed to it in the import's transaction (decision 0048). */
  referralCode?: string;
  /** Or the referrer account named without a code (id or externalId; decision 0060), and its referral program. */
  referredBy?: string;
  referralProgram?: string;
  referredByContact?: string;
}

export interface ImportResult {
  created: number;
  updated: number;
}

export type ProgressFn = (phase: string, done: number, total: number) => void;

const IMPORT_BATCH = 1000;

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

/** import_invalid_rows naming the line of each account that would sit on a cycle or too deep. */
async function checkHierarchy(tx: Executor, programId: string, rows: AccountImportRow[]): Promise<void> {
  const problems = await hierarchyProblems(tx, programId, MAX_HIERARCHY_DEPTH - 1);
  if (problems.cycles.length === 0 && problems.tooDeep.length === 0) return;
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
  throw new FidelisError('import_invalid_rows', `${errors.length} rows would break the account hierarchy`, {
    errors: errors.slice(0, 1000),
    invalidRows: errors.length,
  });
}

/**
 * Upserts valid import rows by externalId inside the caller's transaction `tx` (all or nothing with it).
 * Only the given columns are written on existing accounts; parents are linked when withParents.
 */
export async function importRows(
  tx: Executor,
  programId: string,
  rows: AccountImportRow[],
  columns: AccountUpsertColumn[],
  withParents: boolean,
  onProgress: ProgressFn = () => {},
  options: { attributeKeys?: string[] } = {},
): Promise<ImportResult> {
  // Parents first: a row's parent is then mostly written by an earlier batch and linked as the
  // row is written; only the rest (a parent in the same batch, cycles) needs a second pass.
  const ordered = withParents ? parentsFirst(rows) : rows;
  const position = new Map(ordered.map((r, i) => [r.externalId, i]));
  await lockHierarchy(tx, programId);
  let created = 0;
  const unlinked: Array<{ child: string; parent: string | null }> = [];
  for (let i = 0; i < ordered.length; i += IMPORT_BATCH) {
    const batch = ordered.slice(i, i + IMPORT_BATCH).map((r) => {
      const parentAt = r.parentExternalId ? position.get(r.parentExternalId) : undefined;
      if (withParents && parentAt !== undefined && parentAt >= i) {
        unlinked.push({ child: r.externalId, parent: r.parentExternalId ?? null });
      }
      return { ...newAccountRow(programId, r), parentExternalId: r.parentExternalId ?? null };
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
    await checkHierarchy(tx, programId, rows);
  }
  return { created, updated: rows.length - created };
}
