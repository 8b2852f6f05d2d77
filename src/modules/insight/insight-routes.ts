// The insight reports: KPIs (with a breakdown) and cohort retention.

import Type from 'typebox';
import { principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { dateOf, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import {
  CohortReportSchema,
  InsightRunBody,
  InsightRunSchema,
  KpiQuery,
  KpiReportSchema,
  PeriodQuery,
  RfmListQuery,
  RfmPage,
  RfmSchema,
  RfmSummarySchema,
} from './insight-schemas.ts';
import type { InsightService } from './insight-service.ts';

const op = operations('reports');
const rfmOp = operations('insight');

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
        'Refresh the RFM scores now (the server does it once a day; force scores the day again)',
        {
          body: Type.Optional(InsightRunBody),
          response: responses({ 200: InsightRunSchema }),
        },
      ),
      async (request) => {
        const asOf = dateOf(request.body?.asOf);
        return {
          rfm: await insight.refreshRfm(principal(request).programId, {
            ...(asOf && { asOf }),
            ...(request.body?.force && { force: true }),
          }),
        };
      },
    );
  },
});
