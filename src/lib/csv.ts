// Reading CRM/ERP exports: CSV with a header row, a BOM or not, comma or semicolon separated.
import { parse } from 'csv-parse/sync';
import { FidelisError } from '../core/errors.ts';

export interface CsvRow {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  cells: Record<string, string>;
}

/** Lower-case letters and digits only: "External ID", "external_id" and "externalId" all read as "externalid". */
export function normaliseHeader(header: string): string {
  const trimmed = header.trim();
  const dot = trimmed.indexOf('.');
  if (dot > 0) {
    const head = trimmed.slice(0, dot).toLowerCase();
    if (head === 'attr' || head === 'attribute' || head === 'attributes')
      return `attr.${trimmed.slice(dot + 1).trim()}`;
  }
  return trimmed.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const count = (c: string) => firstLine.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

export function parseCsv(text: string): { headers: string[]; rows: CsvRow[] } {
  if (text.trim() === '')
    throw new FidelisError('import_malformed_csv', 'The file is empty; it needs a header row');
  // PostgreSQL text cannot hold NUL; a file full of them is usually UTF-16 (Excel's "Unicode text").
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const line = text.slice(0, nul).split(/\r\n?|\n/).length;
    throw new FidelisError('import_malformed_csv', 'The file holds NUL characters; send it as UTF-8 text', {
      errors: [{ line, path: '', message: 'NUL character (is the file UTF-16?)' }],
    });
  }
  // csv-parse counts a CR and an LF inside a quoted cell as two lines, which shifts every later line
  // number of a CRLF (Excel, Windows) file: one line-break style makes the counts right.
  const normalised = text.replace(/\r\n?/g, '\n');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(normalised, {
      bom: true,
      delimiter: detectDelimiter(normalised.replace(/^\uFEFF/, '')),
      relax_column_count: false,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw new FidelisError('import_malformed_csv', e.message ?? 'The file is not readable CSV', {
      errors: [{ line: e.lines ?? 0, path: '', message: e.message ?? 'unreadable' }],
    });
  }
  const [header, ...data] = records;
  if (!header) throw new FidelisError('import_malformed_csv', 'The file is empty; it needs a header row');
  const headers = header.record.map(normaliseHeader);
  const rows = data.map(({ record, info }) => {
    const cells: Record<string, string> = {};
    headers.forEach((h, i) => {
      cells[h] = record[i] ?? '';
    });
    // info.lines is the line where the record ends; a record spans as many lines as its quoted newlines.
    const spanned = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - spanned, cells };
  });
  return { headers, rows };
}

/**
 * One CSV line (RFC 4180, CRLF-free: `\n`): cells quoted when they hold a comma, quote, semicolon or
 * line break; a cell starting with = + - @ (a spreadsheet formula) is prefixed with a quote mark so
 * that opening an export cannot run it. Dates as ISO 8601 instants, null and undefined as empty.
 */
export function csvLine(cells: ReadonlyArray<unknown>): string {
  return `${cells
    .map((v) => {
      let text = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
      if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
      return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',')}\n`;
}
