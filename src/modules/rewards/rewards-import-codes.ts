// Filling a reward's code pool: codes given as JSON or read from a CSV file.
import type { Actor } from '../../core/access.ts';
import { FidelisError, type FieldError, fieldError } from '../../core/errors.ts';
import { parseCsv } from '../../lib/csv.ts';
import { newId } from '../../lib/ids.ts';
import { unfitForReward } from './rewards-checks.ts';
import type { RewardDeps } from './rewards-service.ts';
import { availableCodes, existingCodes, insertCodes, lockReward } from './rewards-store.ts';
import { loadReward } from './rewards-view.ts';

/** Adds codes to a reward's pool; a code the reward has already, or one given twice, refuses the whole import. */
export async function importCodes(
  d: RewardDeps,
  programId: string,
  id: string,
  codes: string[],
  actor: Actor,
): Promise<{ imported: number; available: number; low: boolean }> {
  const reward = await loadReward(d, programId, id);
  if (reward.stockKind !== 'codes') {
    throw unfitForReward(`the reward's stock is ${reward.stockKind}, not a code pool`);
  }
  const seen = new Set<string>();
  // Each code at fault by its place in the list: a repeat at its own place, an existing one at its first.
  const duplicates: Record<string, string> = {};
  codes.forEach((code, i) => {
    if (seen.has(code)) duplicates[`codes/${i}`] = `${code} appears twice`;
    seen.add(code);
  });
  return d.database.transaction(async (tx) => {
    // Under the reward's row lock, so two imports cannot both add the same code.
    await lockReward(tx, programId, id);
    for (const code of await existingCodes(tx, programId, id, [...seen])) {
      duplicates[`codes/${codes.indexOf(code)}`] = `${code} exists already`;
    }
    const found = Object.entries(duplicates);
    if (found.length > 0) {
      throw fieldError(
        'duplicate_codes',
        `${found.length} code(s) are duplicates; nothing was imported`,
        Object.fromEntries(found.slice(0, 1000)),
      );
    }
    await insertCodes(
      tx,
      codes.map((code) => ({ programId, id: newId('cod'), rewardId: id, code })),
    );
    await d.audit.record(tx, programId, {
      actor,
      action: 'reward.import_codes',
      resourceType: 'reward',
      resourceId: id,
      after: { imported: codes.length },
    });
    const available = (await availableCodes(tx, programId, [id])).get(id) ?? 0;
    return {
      imported: codes.length,
      available,
      low: reward.lowStockThreshold !== null && available <= reward.lowStockThreshold,
    };
  });
}

/** Codes from a CSV file: a column named code (or the only column). */
export function codesFromCsv(text: string): string[] {
  const { headers, rows } = parseCsv(text);
  const column = headers.includes('code') ? 'code' : headers.length === 1 ? headers[0]! : undefined;
  if (!column) {
    throw new FidelisError('import_invalid_rows', 'The file needs a column named code', {
      errors: [{ line: 1, path: 'code', message: 'missing column' }],
    });
  }
  const errors: FieldError[] = [];
  const codes: string[] = [];
  for (const row of rows) {
    const code = row.cells[column] ?? '';
    if (code === '' || code.length > 500) {
      errors.push({
        line: row.line,
        path: column,
        message: code === '' ? 'empty code' : 'longer than 500',
      });
    } else codes.push(code);
  }
  if (errors.length > 0)
    throw new FidelisError('import_invalid_rows', `${errors.length} row(s) are invalid`, { errors });
  if (codes.length === 0) throw new FidelisError('import_malformed_csv', 'The file holds no codes');
  return codes;
}
