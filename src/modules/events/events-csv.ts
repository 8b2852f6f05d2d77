// Events from a CSV file (the CLI's `fidelis events import`): one event per row, checked like the API's.
import Value from 'typebox/value';
import { parseCsv } from '../../lib/csv.ts';
import { EventBody } from './events-schemas.ts';
import type { EventInput } from './events-service.ts';

export interface CsvEvents {
  events: Array<{ line: number; input: EventInput }>;
  errors: Array<{ line: number; path: string; message: string }>;
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

/** A CSV cell as an attribute value: numbers and booleans become themselves, the rest stays text. */
function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * Columns: id, type, account, occurredAt (required), contact, amount, currency, items (a JSON array of
 * line items), orderId, invoiceId, originalEventId, bookingId, contractId, and attr.<name> attributes.
 */
export function eventsFromCsv(text: string): CsvEvents {
  const { headers, rows } = parseCsv(text);
  const errors: CsvEvents['errors'] = [];
  for (const h of headers)
    if (!KNOWN.has(h) && !h.startsWith('attr.')) errors.push({ line: 1, path: h, message: 'unknown column' });
  for (const required of ['id', 'type', 'account', 'occurredat'])
    if (!headers.includes(required)) errors.push({ line: 1, path: required, message: 'missing column' });
  if (errors.length > 0) return { events: [], errors };
  const events: CsvEvents['events'] = [];
  for (const { line, cells } of rows) {
    const input: Record<string, unknown> = {};
    const references: Record<string, string> = {};
    const attributes: Record<string, unknown> = {};
    let bad = false;
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
          bad = true;
        }
      } else input[column] = value;
    }
    if (Object.keys(references).length > 0) input.references = references;
    if (Object.keys(attributes).length > 0) input.attributes = attributes;
    if (bad) continue;
    if (!Value.Check(EventBody, input)) {
      for (const e of [...Value.Errors(EventBody, input)].slice(0, 5))
        errors.push({ line, path: e.instancePath.replace(/^\//, '') || '(row)', message: e.message });
      continue;
    }
    events.push({ line, input });
  }
  return { events, errors };
}
