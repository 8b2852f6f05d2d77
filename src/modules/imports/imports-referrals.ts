// Referral codes in an account import (decision 0048), or referrers named without one (referredBy and
// referralProgram, decision 0060): each row's code or reference is checked with the rest of the
// file, before anything is written (through the accounts' referral port to the partners module); a
// refused code makes its row invalid (column referralCode, the refusal's code and reason). The
// attributions are then recorded in the import's transaction, after its accounts: all or nothing.
// The rows are one batch (decision 0063): the velocity guard counts the file's earlier rows of the
// same referrer, when checked and again when written under the referrers' locks.
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import type { Executor } from '../../db/client.ts';
import {
  type AccountImportRow,
  type AccountService,
  newReferralBatch,
  type ReferralOutcome,
} from '../accounts/accounts-service.ts';
import type { Checked } from './imports-check.ts';

interface Writer {
  line: number;
  /** The column naming the referrer on this row. */
  path: string;
  write: (tx: Executor, accountId: string) => Promise<ReferralOutcome | null>;
}

/** A row's referral as the import recorded it (or, on a dry run, would have). */
export interface ImportedReferral extends ReferralOutcome {
  line: number;
  externalId: string;
}

/**
 * A row's attribution refused when written, though it passed the check: a concurrent writer of the
 * same referrer or account committed in between. The import checks the file again (decision 0063).
 */
export class ReferralsChanged extends Error {
  readonly line: number;
  readonly path: string;
  readonly refusal: FidelisError;
  constructor(line: number, path: string, refusal: FidelisError) {
    super(`line ${line}: ${refusal.message}`);
    this.line = line;
    this.path = path;
    this.refusal = refusal;
  }
}

const COLUMNS = {
  code: 'referralCode',
  referredBy: 'referredBy',
  referralProgram: 'referralProgram',
  referredByContact: 'referredByContact',
};

/** The column a refusal names (its first field error), if it names one. */
function fieldOf(error: FidelisError): string | undefined {
  const errors = error.extra.errors as Array<{ path: string }> | undefined;
  return errors?.[0]?.path.replace(/^\//, '');
}

/** Checks the codes of the valid rows (moving refused rows to the errors); answers the attributions to record. */
export async function checkReferralCodes(
  accounts: AccountService,
  programId: string,
  checked: Checked<AccountImportRow>,
  actor: Actor,
  at: Date,
): Promise<Map<string, Writer>> {
  const writers = new Map<string, Writer>();
  const rows = checked.valid.filter(
    (r) =>
      r.referralCode !== undefined ||
      r.referredBy !== undefined ||
      r.referralProgram !== undefined ||
      r.referredByContact !== undefined,
  );
  if (rows.length === 0) return writers;
  const port = accounts.referrals;
  const existing = await accounts.existingExternalIds(
    programId,
    rows.map((r) => r.externalId),
  );
  const refused = new Set<number>();
  const batch = newReferralBatch();
  for (const row of rows) {
    try {
      if (!port) throw new FidelisError('validation_failed', 'referral codes need the partners module');
      const writer = await port(
        programId,
        {
          code: row.referralCode,
          referredBy: row.referredBy,
          referralProgram: row.referralProgram,
          referredByContact: row.referredByContact,
          accountId: existing.get(row.externalId) ?? null,
          parent: row.parentExternalId ?? null,
        },
        actor,
        { via: 'import', fields: COLUMNS, batch, at },
      );
      if (writer)
        writers.set(row.externalId, {
          line: row.line,
          path: row.referralCode === undefined ? 'referredBy' : 'referralCode',
          write: writer,
        });
    } catch (error) {
      if (!(error instanceof FidelisError)) throw error;
      refused.add(row.line);
      checked.errors.push({
        line: row.line,
        path: fieldOf(error) ?? (row.referralCode === undefined ? 'referredBy' : 'referralCode'),
        message: `${error.code}: ${error.message}`,
      });
      checked.invalidLines.add(row.line);
    }
  }
  if (refused.size === 0) return writers;
  // A row under a refused one (its parent in the file) cannot be written either, transitively.
  const out = new Set(checked.valid.filter((r) => refused.has(r.line)).map((r) => r.externalId));
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of checked.valid)
      if (!out.has(r.externalId) && r.parentExternalId && out.has(r.parentExternalId)) {
        out.add(r.externalId);
        grew = true;
        writers.delete(r.externalId);
        checked.invalidLines.add(r.line);
        checked.errors.push({
          line: r.line,
          path: 'parentExternalId',
          message: `parent ${r.parentExternalId} is on an invalid row`,
        });
      }
  }
  checked.valid = checked.valid.filter((r) => !out.has(r.externalId));
  checked.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return writers;
}

/**
 * Records the checked attributions in the import's transaction, once its accounts are written, in
 * file order; answers what each recorded. A refusal now is `ReferralsChanged`.
 */
export async function writeReferrals(
  accounts: AccountService,
  tx: Executor,
  programId: string,
  writers: Map<string, Writer>,
): Promise<ImportedReferral[]> {
  if (writers.size === 0) return [];
  const ids = await accounts.existingExternalIds(programId, [...writers.keys()], tx);
  const recorded: ImportedReferral[] = [];
  for (const [externalId, { line, path, write }] of writers) {
    try {
      const outcome = await write(tx, ids.get(externalId)!);
      if (outcome)
        recorded.push({
          line,
          externalId,
          status: outcome.status,
          referrerAccountId: outcome.referrerAccountId,
          findings: outcome.findings,
        });
    } catch (error) {
      if (error instanceof FidelisError && ['referral_refused', 'referral_exists'].includes(error.code))
        throw new ReferralsChanged(line, path, error);
      throw error;
    }
  }
  return recorded;
}
