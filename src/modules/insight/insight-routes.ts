// The insight reports: KPIs (with a breakdown) and cohort retention.

import { Readable } from 'node:stream';
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, dateOf, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import { EXPORT_KINDS, EXPORTS } from './insight-exports.ts';
import {
  DetractorsSchema,
  NpsQuery,
  NpsReportSchema,
  NpsValueQuery,
  NpsValueSchema,
} from './insight-nps-schemas.ts';
import { SurveyResultsSchema } from './insight-question-schemas.ts';
import {
  AnswerSchema,
  ApiAnswerBody,
  CohortReportSchema,
  CsvResponse,
  ExportQuery,
  InsightRunBody,
  InsightRunSchema,
  KpiQuery,
  KpiReportSchema,
  LinkAnswerBody,
  LinkParams,
  LinksBody,
  LinksSchema,
  LinkViewQuery,
  LinkViewSchema,
  PeriodQuery,
  RfmListQuery,
  RfmPage,
  RfmSchema,
  RfmSummarySchema,
  SurveyBody,
  SurveyList,
  SurveyParams,
  SurveySchema,
} from './insight-schemas.ts';
import type { InsightService } from './insight-service.ts';

const op = operations('reports');
const rfmOp = operations('insight');
const surveyOp = operations('surveys');

export const insightRoutes = routeModule({
  schemas: [],
  routes(app: Router, { insight }: { insight: InsightService }): void {
    app.get(
      '/reports/kpis',
      op(
        'read',
        'Program KPIs for a period (program time zone), optionally per segment, tier, country, plan or cohort',
        {
          querystring: KpiQuery,
          response: responses({ 200: KpiReportSchema }),
        },
      ),
      async (request) => insight.kpis(principal(request).programId, request.query),
    );

    app.get(
      '/reports/cohorts',
      op('read', 'Cohort retention: accounts by first-order month, the share with an order N months later', {
        querystring: PeriodQuery,
        response: responses({ 200: CohortReportSchema }),
      }),
      async (request) => insight.cohorts(principal(request).programId, request.query),
    );

    app.get(
      '/reports/rfm',
      op('read', 'Accounts per RFM segment, and how many are at risk of churning, as of the last refresh', {
        response: responses({ 200: RfmSummarySchema }),
      }),
      async (request) => insight.rfmSummary(principal(request).programId),
    );

    app.get(
      '/rfm-scores',
      rfmOp('read', 'The scored accounts with their RFM scores and segment, by account id', {
        querystring: RfmListQuery,
        response: responses({ 200: RfmPage }),
      }),
      async (request) => insight.rfmList(principal(request).programId, request.query),
    );

    app.get(
      '/accounts/:accountId/rfm',
      rfmOp('read', "An account's recency, frequency and monetary scores, segment and churn risk", {
        params: AccountParams,
        response: responses({ 200: RfmSchema }, ['account_not_found']),
      }),
      async (request) => insight.rfmOf(principal(request).programId, request.params.accountId),
    );

    app.post(
      '/insight/due-runs',
      rfmOp(
        'admin',
        'Refresh the RFM scores and the KPI rollup now (the server does both in its due run; force scores the day again, recomputeRollups rebuilds the rollup whole)',
        {
          body: Type.Optional(InsightRunBody),
          response: responses({ 200: InsightRunSchema }),
        },
      ),
      async (request) => {
        const asOf = dateOf(request.body?.asOf);
        const programId = principal(request).programId;
        return {
          rfm: await insight.refreshRfm(programId, {
            ...(asOf && { asOf }),
            ...(request.body?.force && { force: true }),
          }),
          rollups: await insight.rollUpKpis(programId, {
            ...(request.body?.recomputeRollups && { recompute: true }),
          }),
        };
      },
    );

    app.post(
      '/surveys',
      surveyOp(
        'admin',
        'Create an NPS survey (0–10 question with translations, optional comment, anonymous or not)',
        {
          body: SurveyBody,
          response: responses({ 201: SurveySchema }),
        },
      ),
      async (request, reply) => {
        const survey = await insight.createSurvey(principal(request).programId, request.body, actor(request));
        return created(reply, survey, { location: `/v1/surveys/${survey.id}` });
      },
    );

    app.get(
      '/surveys',
      surveyOp('read', "List the program's surveys", { response: responses({ 200: SurveyList }) }),
      async (request) => insight.listSurveys(principal(request).programId),
    );

    app.get(
      '/surveys/:surveyId',
      surveyOp('read', 'Read a survey', {
        params: SurveyParams,
        response: responses({ 200: SurveySchema }, ['survey_not_found']),
      }),
      async (request) => insight.getSurvey(principal(request).programId, request.params.surveyId),
    );

    app.post(
      '/surveys/:surveyId/close',
      surveyOp('admin', 'Close a survey: it takes no more answers', {
        params: SurveyParams,
        response: responses({ 200: SurveySchema }, ['survey_not_found']),
      }),
      async (request) =>
        insight.closeSurvey(principal(request).programId, request.params.surveyId, actor(request)),
    );

    app.post(
      '/surveys/:surveyId/links',
      surveyOp('write', 'Signed answer links for contacts: each answers once, without logging in', {
        params: SurveyParams,
        body: LinksBody,
        response: responses({ 200: LinksSchema }, ['survey_not_found', 'contact_not_found']),
      }),
      async (request) =>
        insight.linksFor(principal(request).programId, request.params.surveyId, request.body.contacts),
    );

    app.post(
      '/surveys/:surveyId/answers',
      surveyOp(
        'write',
        "Record a contact's answer (once per contact); it also sends a survey.completed event",
        {
          params: SurveyParams,
          body: ApiAnswerBody,
          response: responses({ 201: AnswerSchema }, [
            'survey_not_found',
            'contact_not_found',
            'survey_already_answered',
            'survey_closed',
          ]),
        },
      ),
      async (request, reply) =>
        created(
          reply,
          await insight.answerByApi(
            principal(request).programId,
            request.params.surveyId,
            request.body,
            actor(request),
          ),
        ),
    );

    app.get(
      '/surveys/:surveyId/results',
      surveyOp('read', "A survey's results: its NPS and each question's CSAT, average and distribution", {
        params: SurveyParams,
        response: responses({ 200: SurveyResultsSchema }, ['survey_not_found']),
      }),
      async (request) => insight.surveyResults(principal(request).programId, request.params.surveyId),
    );

    app.get(
      '/surveys/:surveyId/detractors',
      surveyOp('read', 'Detractors (scores 0–6) with their contact and comment, for follow-up', {
        params: SurveyParams,
        response: responses({ 200: DetractorsSchema }, ['survey_not_found']),
      }),
      async (request) => insight.detractors(principal(request).programId, request.params.surveyId),
    );

    app.get(
      '/reports/nps',
      op('read', 'Net Promoter Score for a period: totals, per month and per account', {
        querystring: NpsQuery,
        response: responses({ 200: NpsReportSchema }, ['survey_not_found']),
      }),
      async (request) => insight.npsReport(principal(request).programId, request.query),
    );

    app.get(
      '/reports/nps-value',
      op('read', "NPS crossed with CLV: each answering account's category beside its historical CLV", {
        description:
          'The six quadrants (promoter, passive, detractor × CLV at or above the median, or below) and the accounts, highest CLV first; `category` and `clv` filter the accounts, e.g. the promoters with a high CLV.',
        querystring: NpsValueQuery,
        response: responses({ 200: NpsValueSchema }, ['survey_not_found']),
      }),
      async (request) => insight.npsValueReport(principal(request).programId, request.query),
    );
  },
});

/** Streaming CSV exports (a separate route module only to keep the reports above readable). */
export const exportRoutes = routeModule({
  schemas: [],
  routes(app: Router, { insight }: { insight: InsightService }): void {
    const exportOp = operations('exports');
    const ranges = (by: string) =>
      by === 'asOf'
        ? '`to` (a local date of the program, included) is the day the balances are as of (the end of that day); without it, as of now, with the holds, pending credits and debt of now; `from` does not apply.'
        : by === 'none'
          ? 'The scores of the last refresh; `from` and `to` do not apply.'
          : `\`from\` and \`to\` are local dates of the program (either may be left out, \`to\` included) on ${by}.`;
    app.get(
      '/exports/kpis',
      exportOp('read', 'The KPI report as a CSV table: the program, then each group of the breakdown', {
        operationId: 'exportKpis',
        description:
          "One row for the program (`dimension` all) and one per group when `breakdown` is given; the columns are the KPI report's main figures (docs/metrics.md), money as exact decimals, rates as shares.",
        querystring: KpiQuery,
        response: responses({ 200: CsvResponse }),
      }),
      async (request, reply) => {
        const text = await insight.kpiCsv(principal(request).programId, request.query);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="kpis.csv"')
          .send(text);
      },
    );
    app.get(
      '/exports/cohorts',
      exportOp(
        'read',
        'The cohort table as CSV: each first-order month and its share active every month after',
        {
          operationId: 'exportCohorts',
          querystring: PeriodQuery,
          response: responses({ 200: CsvResponse }),
        },
      ),
      async (request, reply) => {
        const text = await insight.cohortCsv(principal(request).programId, request.query);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cohorts.csv"')
          .send(text);
      },
    );
    for (const kind of EXPORT_KINDS)
      app.get(
        `/exports/${kind}`,
        exportOp(
          'read',
          `Stream the ${kind.replace('-', ' ')} as CSV${EXPORTS[kind].by === 'none' ? '' : EXPORTS[kind].by === 'asOf' ? ', as of a date' : ', optionally for a period'}`,
          {
            operationId: `export${kind.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`,
            description: `${ranges(EXPORTS[kind].by)} Columns: ${EXPORTS[kind].columns.join(', ')}. Rows come in key order, read 1,000 at a time, so memory stays flat.`,
            querystring: ExportQuery,
            response: responses({ 200: CsvResponse }),
          },
        ),
        async (request, reply) => {
          const chunks = await insight.exportCsv(principal(request).programId, kind, request.query);
          const { from, to } = request.query;
          const name = `${kind}${from ? `-from-${from}` : ''}${to ? `-to-${to}` : ''}.csv`;
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}"`)
            .send(Readable.from(chunks));
        },
      );
  },
});

/** The survey links, answered without an API key (registered under /surveys, outside /v1). */
export const surveyLinkRoutes = routeModule({
  schemas: [],
  routes(app: Router, { insight }: { insight: InsightService }): void {
    const linkOp = operations('surveys');
    app.get(
      '/:link',
      linkOp(
        { scope: 'public', rateLimit: { max: 60, timeWindow: 60_000 } },
        'The question a survey link asks, and whether it was answered',
        {
          operationId: 'getSurveyLink',
          security: [],
          params: LinkParams,
          querystring: LinkViewQuery,
          response: responses({ 200: LinkViewSchema }, ['survey_link_invalid']),
        },
      ),
      async (request) => insight.linkView(request.params.link, request.query.locale),
    );
    app.post(
      '/:link',
      linkOp(
        { scope: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
        'Answer through a signed link (no login): once per contact',
        {
          operationId: 'answerSurveyLink',
          security: [],
          params: LinkParams,
          body: LinkAnswerBody,
          response: responses({ 201: AnswerSchema }, [
            'survey_link_invalid',
            'survey_already_answered',
            'survey_closed',
            'payload_too_large',
            'unsupported_media_type',
          ]),
        },
      ),
      async (request, reply) => created(reply, await insight.answerByLink(request.params.link, request.body)),
    );
  },
});
