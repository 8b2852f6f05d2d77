// Events from a CSV file (`POST /v1/imports/events` and the CLI's `fidelis events import`): one event
// per row, each row checked like the API's event body, then ingested in batches; every line is reported.

import Value from 'typebox/value';
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { parseCsv } from '../../lib/csv.ts';
import {
  EventBody,
  type EventImportLine,
  type EventImportOptions,
  type EventImportReport,
} from './events-schemas.ts';
import type { BatchOutcome, EventInput, EventService } from './events-service.ts';

type RowError = { line: number; path: string; message: string };
type SimulationOutcome = Awaited<ReturnType<EventService['simulate']>>[number];

/** A data row of the file: its line, the event's id (when it has one), and the event or what is wrong. */
export interface CsvEventRow {
  line: number;
  id: string | null;
  input?: EventInput;
  errors: RowError[];
}

const REFERENCES: Record<string, string> = {
  orderid: 'orderId',
  invoiceid: 'invoiceId',
  originaleventid: 'originalEventId',
  bookingid: 'bookingId',
  contractid: 'contractId',
};
const KNOWN = new Set([
  'id',
  'type',
  'account',
  'contact',
  'occurredat',
  'amount',
  'currency',
  'items',
  ...Object.keys(REFERENCES),
]);
const REQUIRED = { id: 'id', type: 'type', account: 'account', occurredat: 'occurredAt' };

/** Events per call of the batch ingestion (its maximum). */
const CHUNK = 1000;

/** A CSV cell as an attribute value: numbers and booleans become themselves, the rest stays text. */
function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** One row as an event, or what is wrong with it. */
function eventOf(line: number, cells: Record<string, string>): CsvEventRow {
  const input: Record<string, unknown> = {};
  const references: Record<string, string> = {};
  const attributes: Record<string, unknown> = {};
  const errors: RowError[] = [];
  for (const [column, value] of Object.entries(cells)) {
    if (value === '') continue;
    if (column.startsWith('attr.')) attributes[column.slice(5)] = scalar(value);
    else if (REFERENCES[column]) references[REFERENCES[column]] = value;
    else if (column === 'occurredat') input.occurredAt = value;
    else if (column === 'items') {
      try {
        input.items = JSON.parse(value);
      } catch {
        errors.push({ line, path: 'items', message: 'is not a JSON array of items' });
      }
    } else input[column] = value;
  }
  if (Object.keys(references).length > 0) input.references = references;
  if (Object.keys(attributes).length > 0) input.attributes = attributes;
  const id = cells.id ? cells.id : null;
  if (errors.length === 0 && !Value.Check(EventBody, input)) {
    for (const e of [...Value.Errors(EventBody, input)].slice(0, 5))
      errors.push({ line, path: e.instancePath.replace(/^\//, '') || '(row)', message: e.message });
  }
  return errors.length > 0 ? { line, id, errors } : { line, id, input: input as EventInput, errors };
}

/**
 * Columns: id, type, account, occurredAt (required), contact, amount, currency, items (a JSON array of
 * line items), orderId, invoiceId, originalEventId, bookingId, contractId, and attr.<name> attributes.
 * A header row that is not usable (an unknown or missing column) refuses the file: import_invalid_rows.
 */
export function eventsFromCsv(text: string): CsvEventRow[] {
  const { headers, rows } = parseCsv(text);
  const errors: RowError[] = [];
  for (const h of headers)
    if (!KNOWN.has(h) && !h.startsWith('attr.')) errors.push({ line: 1, path: h, message: 'unknown column' });
  for (const [column, name] of Object.entries(REQUIRED))
    if (!headers.includes(column)) errors.push({ line: 1, path: name, message: 'missing column' });
  if (errors.length > 0)
    throw new FidelisError('import_invalid_rows', 'The header row is not usable; nothing was imported', {
      errors,
    });
  return rows.map(({ line, cells }) => eventOf(line, cells));
}

/** A batch outcome's field paths are within the batch (`/events/3/amount`): make them the row's (`amount`). */
function withinRow(n: number, text: string): string {
  return text.replaceAll(`/events/${n}/`, '').replaceAll(`/events/${n}`, '(row)');
}

/**
 * Imports a CSV file of events: every row is checked first, and a file with bad rows is refused
 * whole (import_invalid_rows) unless skipInvalid; then the events are ingested 1,000 at a time like
 * a batch (each commits with its batch; one the ingestion refuses does not stop the others), or on a
 * dry run evaluated like a simulation, writing nothing. Events are ingested once per id, so
 * re-sending a file answers the events already in as replayed.
 */
export async function importEventsCsv(
  events: Pick<EventService, 'ingestBatch' | 'simulate' | 'refreshStatistics'>,
  programId: string,
  csv: string,
  options: EventImportOptions,
  actor: Actor,
  onProgress?: (phase: string, done: number, total: number) => void,
): Promise<EventImportReport> {
  const rows = eventsFromCsv(csv);
  const invalid = rows.filter((r) => r.input === undefined);
  if (invalid.length > 0 && !options.skipInvalid) {
    throw new FidelisError(
      'import_invalid_rows',
      `${invalid.length} of ${rows.length} rows are invalid; nothing was imported (skipInvalid=true imports the others)`,
      { invalidRows: invalid.length, errors: invalid.flatMap((r) => r.errors).slice(0, 1000) },
    );
  }
  const dryRun = options.dryRun ?? false;
  const lines = new Map<CsvEventRow, EventImportLine>();
  for (const r of invalid)
    lines.set(r, {
      line: r.line,
      id: r.id,
      outcome: 'invalid',
      errors: r.errors.map(({ path, message }) => ({ path, message })),
    });
  const valid = rows.filter((r) => r.input !== undefined);
  for (let start = 0; start < valid.length; start += CHUNK) {
    const chunk = valid.slice(start, start + CHUNK);
    const inputs = chunk.map((r) => r.input!);
    const outcomes: Array<BatchOutcome | SimulationOutcome> = dryRun
      ? await events.simulate(programId, inputs)
      : await events.ingestBatch(programId, inputs, actor);
    outcomes.forEach((o, n) => {
      const row = chunk[n]!;
      const base = { line: row.line, id: row.id };
      if (!o.ok) {
        const errors = o.errors?.map((e) => ({ path: withinRow(n, e.path), message: e.message }));
        lines.set(row, {
          ...base,
          outcome: 'refused',
          code: o.code,
          detail: withinRow(n, o.detail),
          ...(errors ? { errors } : {}),
        });
      } else if ('event' in o) {
        const outcome = o.replayed ? 'replayed' : 'ingested';
        lines.set(row, { ...base, outcome, eventId: o.event.internalId, totals: o.event.result.totals });
      } else {
        lines.set(row, { ...base, outcome: 'checked', totals: o.result.totals });
      }
    });
    onProgress?.('events', Math.min(start + CHUNK, valid.length), valid.length);
  }
  // A file of events is a bulk write: fresh statistics at once (decision 0012).
  if (!dryRun && valid.length > 0) await events.refreshStatistics();
  const results = rows.map((r) => lines.get(r)!);
  const count = (outcome: EventImportLine['outcome']) => results.filter((l) => l.outcome === outcome).length;
  return {
    kind: 'events',
    dryRun,
    rows: rows.length,
    ingested: count('ingested'),
    replayed: count('replayed'),
    checked: count('checked'),
    refused: count('refused'),
    skipped: count('invalid'),
    lines: results,
  };
}
