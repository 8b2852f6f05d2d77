// NPS crossed with CLV (docs/metrics.md, "NPS × CLV"): each answering account's category beside its
// historical CLV, high or low against the median of the program's customers; the six quadrants and
// the accounts, e.g. the promoters with a high CLV (advocates to ask for a reference) or the
// detractors with one (accounts to save first).
import { sql } from 'drizzle-orm';
import { type NpsCategory, npsByValue } from '../../core/insight/nps.ts';
import { formatAmount } from '../../core/money.ts';
import { selectRows } from '../../db/client.ts';
import { orderDays } from '../events/events-reads.ts';
import { periodOf } from './insight-kpis.ts';
import { insightSettings } from './insight-settings.ts';
import { findSurvey, type SurveyDeps } from './insight-surveys.ts';

export interface NpsValueQuery {
  from?: string;
  to?: string;
  survey?: string;
  category?: NpsCategory;
  clv?: 'high' | 'low';
}

const LIMIT = 1000;

export async function npsValueReport(
  deps: SurveyDeps,
  programId: string,
  query: NpsValueQuery,
  now = new Date(),
) {
  const program = await deps.programs.get(programId);
  const period = periodOf(query, program.timeZone, now);
  if (query.survey) await findSurvey(deps, programId, query.survey);
  const answers = await selectRows<{ account_id: string; score: number }>(
    deps.database.db,
    sql`select account_id, score from survey_answers
         where program_id = ${programId} and account_id is not null
           and answered_at >= ${period.start.toISOString()} and answered_at < ${period.end.toISOString()}
           ${query.survey ? sql`and survey_id = ${query.survey}` : sql``}`,
  );
  const scores = new Map<string, number[]>();
  for (const a of answers) {
    const list = scores.get(a.account_id) ?? [];
    list.push(a.score);
    scores.set(a.account_id, list);
  }
  const { purchaseTypes } = insightSettings(program.settings);
  const clv = new Map<string, number>();
  for (const d of await orderDays(deps.database.db, programId, purchaseTypes, period.end, program.timeZone))
    if (d.orders > 0) clv.set(d.accountId, (clv.get(d.accountId) ?? 0) + d.net);
  const { medianClv, rows } = npsByValue(scores, (id) => clv.get(id) ?? 0, [...clv.values()]);
  const money = (minor: number) => formatAmount(BigInt(Math.round(minor)), program.baseCurrency);
  const quadrants = (['promoter', 'passive', 'detractor'] as const).flatMap((category) =>
    (['high', 'low'] as const).map((level) => {
      const inIt = rows.filter((r) => r.category === category && r.highClv === (level === 'high'));
      return {
        category,
        clv: level,
        accounts: inIt.length,
        clvTotal: money(inIt.reduce((s, r) => s + r.clvMinor, 0)),
      };
    }),
  );
  const chosen = rows.filter(
    (r) =>
      (query.category === undefined || r.category === query.category) &&
      (query.clv === undefined || r.highClv === (query.clv === 'high')),
  );
  return {
    from: period.from,
    to: period.to,
    timeZone: program.timeZone,
    currency: program.baseCurrency,
    medianClv: medianClv === null ? null : money(medianClv),
    quadrants,
    accounts: chosen.slice(0, LIMIT).map((r) => ({
      accountId: r.accountId,
      answers: r.answers,
      averageScore: r.averageScore,
      category: r.category,
      clv: money(r.clvMinor),
      highClv: r.highClv,
    })),
    truncated: chosen.length > LIMIT,
  };
}
