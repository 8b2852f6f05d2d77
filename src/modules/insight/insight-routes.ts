// The insight reports: KPIs (with a breakdown) and cohort retention.
import { principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { CohortReportSchema, KpiQuery, KpiReportSchema, PeriodQuery } from './insight-schemas.ts';
import type { InsightService } from './insight-service.ts';

const op = operations('reports');

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
  },
});
