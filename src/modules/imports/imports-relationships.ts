// CSV import of relationships between accounts (decision 0047): `From External ID, Type, To External
// ID, Started At, Ended At`. Each row is checked first (type, accounts named by externalId and known,
// real dates, an end after the start, a row repeated in the file); the accounts module then matches the
// rows with the stored relationships under its lock (repeats change nothing, an end given to an open
// one ends it, overlaps and manages cycles refuse the file). Re-running a file is safe.
import { Compile } from 'typebox/compile';
import { type CsvRow, parseCsv } from '../../lib/csv.ts';
import type { RelationshipImportRow } from '../accounts/accounts-service.ts';
import { type Checked, fail, mapHeaders, rowObject, schemaErrors } from './imports-check.ts';
import { RelationshipImportRowSchema } from './imports-schemas.ts';
import type { ImportDeps } from './imports-service.ts';

export const RELATIONSHIP_COLUMNS: Record<string, string> = {
  fromexternalid: 'fromExternalId',
  from: 'fromExternalId',
  fromaccount: 'fromExternalId',
  type: 'type',
  relationship: 'type',
  toexternalid: 'toExternalId',
  to: 'toExternalId',
  toaccount: 'toExternalId',
  startedat: 'startedAt',
  startsat: 'startedAt',
  start: 'startedAt',
  endedat: 'endedAt',
  endsat: 'endedAt',
  end: 'endedAt',
};

const checkRow = Compile(RelationshipImportRowSchema);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A cell as an instant: a date (its start, UTC) or a date-time with its offset; undefined when not one. */
export function instantOf(value: string): Date | undefined {
  if (!DATE.test(value) && !DATE_TIME.test(value)) return undefined;
  const at = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value.replace(' ', 'T'));
  if (Number.isNaN(at.getTime())) return undefined;
  // A date the calendar does not have (2026-02-30) rolls over in Date: refuse it.
  const day = value.slice(0, 10);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
    return undefined;
  return at;
}

type Candidate = Omit<RelationshipImportRow, 'fromAccountId' | 'toAccountId'>;

/** Checks each row alone and against the file; then that the accounts it names exist. */
export async function checkRelationships(
  { accounts }: Pick<ImportDeps, 'accounts'>,
  programId: string,
  rows: CsvRow[],
  fieldOf: Map<string, string>,
): Promise<Checked<RelationshipImportRow>> {
  const checked: Checked<RelationshipImportRow> = { valid: [], errors: [], invalidLines: new Set() };
  const firstLine = new Map<string, number>();
  const candidates: Candidate[] = [];
  const message = 'must be a date (YYYY-MM-DD, from 00:00 UTC) or a date-time with its offset';
  for (const row of rows) {
    const value = rowObject(row, fieldOf) as Record<string, string>;
    const errors = schemaErrors(RelationshipImportRowSchema, checkRow, value, row.line);
    const at = (field: 'startedAt' | 'endedAt') => {
      if (value[field] === undefined || errors.some((e) => e.path === field)) return null;
      const instant = instantOf(value[field]);
      if (!instant) errors.push({ line: row.line, path: field, message });
      return instant ?? null;
    };
    const startsAt = at('startedAt');
    const endsAt = at('endedAt');
    if (startsAt && endsAt && endsAt <= startsAt)
      errors.push({ line: row.line, path: 'endedAt', message: 'must be after startedAt' });
    if (value.fromExternalId !== undefined && value.fromExternalId === value.toExternalId)
      errors.push({ line: row.line, path: 'toExternalId', message: 'an account cannot manage itself' });
    if (errors.length === 0 && startsAt) {
      const key = `${value.type}|${value.fromExternalId}|${value.toExternalId}|${startsAt.toISOString()}`;
      const first = firstLine.get(key);
      if (first !== undefined)
        errors.push({ line: row.line, path: 'startedAt', message: `repeats line ${first}` });
      else firstLine.set(key, row.line);
    }
    if (errors.length > 0 || !startsAt) fail(checked, row.line, errors);
    else
      candidates.push({
        line: row.line,
        type: value.type as 'manages',
        fromExternalId: value.fromExternalId!,
        toExternalId: value.toExternalId!,
        startsAt,
        endsAt,
      });
  }
  const named = [...new Set(candidates.flatMap((c) => [c.fromExternalId, c.toExternalId]))];
  const ids = await accounts.existingExternalIds(programId, named);
  for (const c of candidates) {
    const [from, to] = [ids.get(c.fromExternalId), ids.get(c.toExternalId)];
    const errors = [
      ...(from
        ? []
        : [
            {
              line: c.line,
              path: 'fromExternalId',
              message: `no account ${c.fromExternalId} in the program`,
            },
          ]),
      ...(to
        ? []
        : [{ line: c.line, path: 'toExternalId', message: `no account ${c.toExternalId} in the program` }]),
    ];
    if (errors.length > 0) fail(checked, c.line, errors);
    else checked.valid.push({ ...c, fromAccountId: from!, toAccountId: to! });
  }
  checked.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return checked;
}

/** The parsed, checked file, ready for writeChecked. */
export async function readRelationships(deps: ImportDeps, programId: string, csv: string) {
  const { headers, rows } = parseCsv(csv);
  const fieldOf = mapHeaders(
    headers,
    RELATIONSHIP_COLUMNS,
    ['fromExternalId', 'type', 'toExternalId', 'startedAt'],
    false,
  );
  return { rows: rows.length, checked: await checkRelationships(deps, programId, rows, fieldOf) };
}
