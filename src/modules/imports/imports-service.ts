// CSV import of accounts and contacts: every row is checked first; nothing is written from a file
// with bad rows unless the caller asks to skip them. Rows are upserted, so re-running a file is safe.
// Each import that writes is one audit record with its counts.
import type { Actor } from '../../core/access.ts';
import { FidelisError, type FieldError } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/client.ts';
import { type CsvRow, parseCsv } from '../../lib/csv.ts';
import { newId } from '../../lib/ids.ts';
import type {
  AccountService,
  AccountUpsertColumn,
  ImportResult,
  ProgressFn,
} from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService, ContactUpsertColumn } from '../contacts/contacts-service.ts';
import {
  ACCOUNT_COLUMNS,
  type Checked,
  CONTACT_COLUMNS,
  checkAccounts,
  checkContacts,
  mapHeaders,
} from './imports-check.ts';
import {
  checkReferralCodes,
  type ImportedReferral,
  ReferralsChanged,
  writeReferrals,
} from './imports-referrals.ts';
import { readRelationships } from './imports-relationships.ts';
import type { ImportOptions, ImportReport } from './imports-schemas.ts';

const MAX_REPORTED_ERRORS = 1000;

/** The tables an import writes in bulk, analyzed after it. */
const ANALYZED: Record<ImportReport['kind'], string[]> = {
  accounts: ['accounts'],
  contacts: ['contacts'],
  relationships: ['account_relationships'],
};

/** What the import use cases work with. */
export interface ImportDeps {
  database: Database;
  accounts: AccountService;
  contacts: ContactService;
  audit: AuditService;
}

class DryRunRollback extends Error {
  readonly result: unknown;
  constructor(result: unknown) {
    super('dry run: rolled back');
    this.result = result;
  }
}

/** Runs fn in one transaction; when dryRun, rolls the transaction back and still returns fn's result. */
async function transactionOrRehearsal<T>(
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

/** The errors a report or a refusal shows: the first ones, each with its line. */
function reported(errors: FieldError[]) {
  return errors
    .slice(0, MAX_REPORTED_ERRORS)
    .map((e) => ({ line: e.line ?? 0, path: e.path, message: e.message }));
}

/**
 * Writes the valid rows of a checked file in one transaction (rolled back on a dry run, which so
 * finds what the real run would and counts what it would create and update) and reports. A file
 * with invalid rows is refused whole unless skipInvalid. The import is audited in its transaction
 * (`import.accounts` or `import.contacts`, with the counts), so a dry run leaves no record either.
 */
async function writeChecked<T>(
  { database, audit }: ImportDeps,
  programId: string,
  kind: ImportReport['kind'],
  rows: number,
  checked: Checked<T>,
  options: ImportOptions,
  actor: Actor,
  write: (tx: Executor) => Promise<ImportResult>,
): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  const skipped = checked.invalidLines.size;
  const result = await transactionOrRehearsal(database, dryRun, async (tx) => {
    const written = await write(tx);
    await audit.record(tx, programId, {
      actor,
      action: `import.${kind}`,
      resourceType: 'import',
      resourceId: newId('imp'),
      after: { kind, rows, created: written.created, updated: written.updated, skipped },
    });
    return written;
  });
  // Fresh statistics at once: a program that just grew by a large file would otherwise be planned
  // as if it were as small as before until autovacuum (if any) catches up (decision 0012).
  if (!dryRun && result.created + result.updated > 0) await database.analyze(ANALYZED[kind]);
  return {
    kind,
    dryRun,
    rows,
    created: result.created,
    updated: result.updated,
    skipped,
    errors: reported(checked.errors),
  };
}

function refuseInvalid<T>(checked: Checked<T>, rows: number, options: ImportOptions): void {
  if (checked.invalidLines.size === 0 || options.skipInvalid) return;
  throw new FidelisError(
    'import_invalid_rows',
    `${checked.invalidLines.size} of ${rows} rows are invalid; nothing was imported (skipInvalid=true imports the others)`,
    { invalidRows: checked.invalidLines.size, errors: reported(checked.errors) },
  );
}

/** Checks and writes of an account file before a referral refused at its write is a bad row (decision 0063). */
const REFERRAL_ATTEMPTS = 5;

async function importAccountRows(
  deps: ImportDeps,
  programId: string,
  rows: CsvRow[],
  fieldOf: Map<string, string>,
  options: ImportOptions,
  actor: Actor,
  at: Date,
  onProgress?: ProgressFn,
): Promise<ImportReport> {
  const { accounts } = deps;
  onProgress?.('validate', 0, rows.length);
  const checked = await checkAccounts(deps, programId, rows, fieldOf);
  const writers = await checkReferralCodes(accounts, programId, checked, actor, at);
  onProgress?.('validate', rows.length, rows.length);
  refuseInvalid(checked, rows.length, options);
  const fields = new Set(fieldOf.values());
  const columns: AccountUpsertColumn[] = (
    ['name', 'segment', 'country', 'preferredCurrency', 'status', 'customerSince'] as const
  ).filter((c) => fields.has(c));
  // Each attr.<name> column is a column of its own: attributes the file has no column for stay.
  const attributeKeys = [...fields].filter((f) => f.startsWith('attr.')).map((f) => f.slice(5));
  if (attributeKeys.length > 0) columns.push('attributes');
  const withParents = fields.has('parentExternalId');
  let referrals: ImportedReferral[] = [];
  const report = await writeChecked(
    deps,
    programId,
    'accounts',
    rows.length,
    checked,
    options,
    actor,
    async (tx) => {
      const written = await accounts.importRows(
        tx,
        programId,
        checked.valid,
        columns,
        withParents,
        onProgress,
        {
          attributeKeys,
        },
      );
      referrals = await writeReferrals(accounts, tx, programId, writers);
      return written;
    },
  );
  // What each row's referral recorded, the same on a dry run (its writes rolled back).
  return writers.size > 0 ? { ...report, referrals: referrals.slice(0, MAX_REPORTED_ERRORS) } : report;
}

export function createImportService(
  database: Database,
  accounts: AccountService,
  contacts: ContactService,
  audit: AuditService,
) {
  const deps: ImportDeps = { database, accounts, contacts, audit };
  return {
    /**
     * Accounts, with their referrals when the file names referrers: checked with the file, then
     * recorded in its transaction. A referral refused when written though it passed the check (a
     * concurrent writer of its referrer committed in between) checks the file again (decision 0063).
     */
    async importAccounts(
      programId: string,
      csv: string,
      options: ImportOptions,
      actor: Actor,
      onProgress?: ProgressFn,
    ): Promise<ImportReport> {
      const { headers, rows } = parseCsv(csv);
      const fieldOf = mapHeaders(headers, ACCOUNT_COLUMNS, ['externalId', 'name'], true);
      const at = new Date();
      for (let attempt = 1; ; attempt++) {
        try {
          return await importAccountRows(deps, programId, rows, fieldOf, options, actor, at, onProgress);
        } catch (error) {
          if (!(error instanceof ReferralsChanged)) throw error;
          if (attempt < REFERRAL_ATTEMPTS) continue;
          const e = error.refusal;
          throw new FidelisError(
            'import_invalid_rows',
            `1 of ${rows.length} rows is invalid; nothing was imported`,
            {
              invalidRows: 1,
              errors: [{ line: error.line, path: error.path, message: `${e.code}: ${e.message}` }],
            },
          );
        }
      }
    },

    async importContacts(
      programId: string,
      csv: string,
      options: ImportOptions,
      actor: Actor,
      onProgress?: ProgressFn,
    ): Promise<ImportReport> {
      const { headers, rows } = parseCsv(csv);
      const fieldOf = mapHeaders(headers, CONTACT_COLUMNS, ['email', 'account'], false);
      const checked = await checkContacts(deps, programId, rows, fieldOf);
      refuseInvalid(checked, rows.length, options);
      const fields = new Set(fieldOf.values());
      const columns: ContactUpsertColumn[] = ['accountId'];
      for (const c of ['name', 'role', 'birthday', 'locale', 'marketingOptIn', 'statementOptIn'] as const) {
        if (fields.has(c)) columns.push(c);
      }
      return writeChecked(deps, programId, 'contacts', rows.length, checked, options, actor, (tx) =>
        contacts.importRows(tx, programId, checked.valid, columns, onProgress),
      );
    },

    /**
     * Relationships between accounts (decision 0047): rows checked, then matched with the stored
     * relationships in the import's transaction; a row in conflict with them refuses the whole file.
     */
    async importRelationships(
      programId: string,
      csv: string,
      options: ImportOptions,
      actor: Actor,
    ): Promise<ImportReport> {
      const { rows, checked } = await readRelationships(deps, programId, csv);
      refuseInvalid(checked, rows, options);
      let managers: string[] = [];
      const report = await writeChecked(
        deps,
        programId,
        'relationships',
        rows,
        checked,
        options,
        actor,
        async (tx) => {
          const written = await accounts.importRelationships(tx, programId, checked.valid);
          managers = written.managers;
          return written;
        },
      );
      // Once committed, ladders of managed accounts may lift the managing accounts' tiers.
      if (!report.dryRun) await accounts.relationshipsCreated(programId, managers);
      return report;
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
