// Streaming CSV exports: each kind reads pages of 1,000 rows by id (keyset, through the owning
// module's -reads file) and yields them as CSV text, so memory stays flat whatever the size.
import { sql } from 'drizzle-orm';
import { invalid } from '../../core/errors.ts';
import { type Executor, selectRows } from '../../db/client.ts';
import { type TimeRange as ExportRange, rangeOn } from '../../db/ranges.ts';
import { csvLine } from '../../lib/csv.ts';
import { ACCOUNT_EXPORT_COLUMNS, accountExportPage } from '../accounts/accounts-reads.ts';
import { CONTACT_EXPORT_COLUMNS, contactExportPage } from '../contacts/contacts-reads.ts';
import { EVENT_EXPORT_COLUMNS, eventExportPage } from '../events/events-reads.ts';
import {
  LEDGER_ENTRY_EXPORT_COLUMNS,
  LEDGER_POSTING_EXPORT_COLUMNS,
  ledgerEntryExportPage,
  ledgerPostingExportPage,
  WALLET_EXPORT_COLUMNS,
  walletExportPage,
} from '../ledger/ledger-export-reads.ts';
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
  'responses',
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
    sql`select id, survey_id, account_id, contact_id, score, comment, responses, locale, via, answered_at
          from survey_answers where program_id = ${programId} and id > ${after}
          ${rangeOn(sql`answered_at`, range)}
         order by id limit ${limit}`,
  );
  return rows.map((r) => [
    r.id,
    r.survey_id,
    r.account_id,
    r.contact_id,
    r.score,
    r.comment,
    r.responses === null ? null : JSON.stringify(r.responses),
    r.locale,
    r.via,
    r.answered_at,
  ]);
}

const RFM_COLUMNS = [
  'accountId',
  'asOf',
  'segment',
  'r',
  'f',
  'm',
  'recencyDays',
  'lastOrderDay',
  'frequency',
  'monetaryMinor',
  'ordersToDate',
  'rhythmDays',
  'churnRisk',
] as const;

/** The scores of the last refresh (a range does not apply: there is one refresh at a time). */
async function rfmPage(db: Executor, programId: string, _range: ExportRange, after: string, limit: number) {
  const rows = await selectRows<Record<string, unknown>>(
    db,
    sql`select account_id, as_of::text as as_of, segment, r, f, m, recency_days, last_order_day::text as last_order_day,
               frequency, monetary::text as monetary, orders_to_date, rhythm_days, churn_risk
          from rfm_scores where program_id = ${programId} and account_id > ${after}
         order by account_id limit ${limit}`,
  );
  return rows.map((r) => [
    r.account_id,
    r.as_of,
    r.segment,
    r.r,
    r.f,
    r.m,
    r.recency_days,
    r.last_order_day,
    r.frequency,
    r.monetary,
    r.orders_to_date,
    r.rhythm_days,
    r.churn_risk,
  ]);
}

type Page = (
  db: Executor,
  programId: string,
  range: ExportRange,
  after: string,
  limit: number,
) => Promise<unknown[][]>;

/**
 * Each export: its columns, its pages, and which instant `from`/`to` select on (`asOf`: `to` is the
 * date the rows are as of and `from` does not apply; `none`: neither applies).
 */
export const EXPORTS: Record<
  ExportKind,
  { columns: readonly string[]; page: Page; by: string; pageSize?: number }
> = {
  accounts: { columns: ACCOUNT_EXPORT_COLUMNS, page: accountExportPage, by: 'createdAt' },
  contacts: { columns: CONTACT_EXPORT_COLUMNS, page: contactExportPage, by: 'createdAt' },
  events: { columns: EVENT_EXPORT_COLUMNS, page: eventExportPage, by: 'occurredAt' },
  'ledger-entries': { columns: LEDGER_ENTRY_EXPORT_COLUMNS, page: ledgerEntryExportPage, by: 'effectiveAt' },
  'ledger-postings': {
    columns: LEDGER_POSTING_EXPORT_COLUMNS,
    page: ledgerPostingExportPage,
    by: 'effectiveAt',
  },
  wallets: { columns: WALLET_EXPORT_COLUMNS, page: walletExportPage, by: 'asOf' },
  'rfm-scores': { columns: RFM_COLUMNS, page: rfmPage, by: 'none' },
  redemptions: { columns: REDEMPTION_EXPORT_COLUMNS, page: redemptionExportPage, by: 'createdAt' },
  'survey-answers': { columns: SURVEY_ANSWER_COLUMNS, page: surveyAnswerPage, by: 'answeredAt' },
};
export type ExportKind =
  | 'accounts'
  | 'contacts'
  | 'events'
  | 'ledger-entries'
  | 'ledger-postings'
  | 'wallets'
  | 'redemptions'
  | 'survey-answers'
  | 'rfm-scores';
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
  /** Rows per page (the kind's own by default; tests make pages small to cross many boundaries). */
  pageSize?: number,
): Promise<AsyncGenerator<string>> {
  const spec = EXPORTS[kind as ExportKind];
  if (!spec) throw invalid(`Unknown export ${kind}`, { kind: `one of ${EXPORT_KINDS.join(', ')}` });
  const range: ExportRange = {};
  if (spec.by === 'asOf' && query.from !== undefined)
    throw invalid(`The ${kind} export is as of one date (to); from does not apply`, {
      from: 'does not apply: give only to, the date the balances are as of',
    });
  if (spec.by === 'none' && (query.from !== undefined || query.to !== undefined))
    throw invalid(`The ${kind} export is of the last refresh; a range does not apply`, {
      [query.from !== undefined ? 'from' : 'to']: 'does not apply to this export',
    });
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
  const size = pageSize ?? spec.pageSize ?? EXPORT_PAGE;
  async function* chunks() {
    yield csvLine(spec!.columns);
    let after = '';
    let total = 0;
    for (;;) {
      const rows = await spec!.page(database.db, programId, range, after, size);
      if (rows.length === 0) return;
      yield rows.map(csvLine).join('');
      total += rows.length;
      onRows?.(total);
      if (rows.length < size) return;
      after = String(rows[rows.length - 1]![0]);
    }
  }
  return chunks();
}
