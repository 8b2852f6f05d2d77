// Streaming CSV exports: each kind reads pages of 1,000 rows by id (keyset, through the owning
// module's -reads file) and yields them as CSV text, so memory stays flat whatever the size.
import { sql } from 'drizzle-orm';
import { invalid } from '../../core/errors.ts';
import { type Executor, selectRows } from '../../db/client.ts';
import { csvLine } from '../../lib/csv.ts';
import { ACCOUNT_EXPORT_COLUMNS, accountExportPage } from '../accounts/accounts-reads.ts';
import { EVENT_EXPORT_COLUMNS, type ExportRange, eventExportPage } from '../events/events-reads.ts';
import { LEDGER_ENTRY_EXPORT_COLUMNS, ledgerEntryExportPage } from '../ledger/ledger-reads.ts';
import { REDEMPTION_EXPORT_COLUMNS, redemptionExportPage } from '../rewards/rewards-reads.ts';
import { type InsightDeps, periodOf } from './insight-kpis.ts';

export const EXPORT_PAGE = 1000;

const SURVEY_ANSWER_COLUMNS = [
  'id',
  'surveyId',
  'accountId',
  'contactId',
  'score',
  'comment',
  'locale',
  'via',
  'answeredAt',
] as const;

async function surveyAnswerPage(
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) {
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select id, survey_id, account_id, contact_id, score, comment, locale, via, answered_at
          from survey_answers where program_id = ${programId} and id > ${after}
          ${range.start ? sql`and answered_at >= ${range.start.toISOString()}` : sql``}
          ${range.end ? sql`and answered_at < ${range.end.toISOString()}` : sql``}
         order by id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.survey_id,
    r.account_id,
    r.contact_id,
    r.score,
    r.comment,
    r.locale,
    r.via,
    r.answered_at,
  ]);
}

type Page = (
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) => Promise<unknown[][]>;

/** Each export: its columns, its pages, and which instant `from`/`to` select on. */
export const EXPORTS: Record<ExportKind, { columns: readonly string[]; page: Page; by: string }> = {
  accounts: { columns: ACCOUNT_EXPORT_COLUMNS, page: accountExportPage, by: 'createdAt' },
  events: { columns: EVENT_EXPORT_COLUMNS, page: eventExportPage, by: 'occurredAt' },
  'ledger-entries': { columns: LEDGER_ENTRY_EXPORT_COLUMNS, page: ledgerEntryExportPage, by: 'effectiveAt' },
  redemptions: { columns: REDEMPTION_EXPORT_COLUMNS, page: redemptionExportPage, by: 'createdAt' },
  'survey-answers': { columns: SURVEY_ANSWER_COLUMNS, page: surveyAnswerPage, by: 'answeredAt' },
};
export type ExportKind = 'accounts' | 'events' | 'ledger-entries' | 'redemptions' | 'survey-answers';
export const EXPORT_KINDS = Object.keys(EXPORTS) as ExportKind[];

/**
 * An export as CSV text chunks (the header, then a chunk per page). The range (`from`, `to`: local
 * dates of the program's time zone, `to` included; either may be left out) is checked before the
 * first chunk, so a bad one is a 400, not a broken download.
 */
export async function exportCsv(
  { database, programs }: InsightDeps,
  programId: string,
  kind: string,
  query: { from?: string; to?: string },
  onRows?: (rows: number) => void,
): Promise<AsyncGenerator<string>> {
  const spec = EXPORTS[kind as ExportKind];
  if (!spec) throw invalid(`Unknown export ${kind}`, { kind: `one of ${EXPORT_KINDS.join(', ')}` });
  const range: ExportRange = {};
  if (query.from !== undefined || query.to !== undefined) {
    const program = await programs.get(programId);
    const period = periodOf(
      { from: query.from ?? '1970-01-01', to: query.to ?? '2999-12-31' },
      program.timeZone,
      new Date(),
      false,
    );
    if (query.from !== undefined) range.start = period.start;
    if (query.to !== undefined) range.end = period.end;
  }
  async function* chunks() {
    yield csvLine(spec!.columns);
    let after = '';
    let total = 0;
    for (;;) {
      const rows = await spec!.page(database.db, programId, range, after, EXPORT_PAGE);
      if (rows.length === 0) return;
      yield rows.map(csvLine).join('');
      total += rows.length;
      onRows?.(total);
      if (rows.length < EXPORT_PAGE) return;
      after = String(rows[rows.length - 1]![0]);
    }
  }
  return chunks();
}
