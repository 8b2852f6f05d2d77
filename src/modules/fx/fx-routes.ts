import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { CSV_ERRORS, csvBody, csvFile } from '../../http/csv.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf } from '../../http/schemas.ts';
import { FxRateSchema, RatesQuery, SetRatesBody } from './fx-schemas.ts';
import type { FxService } from './fx-service.ts';

const op = operations('fx');

export const fxRoutes = routeModule({
  schemas: [FxRateSchema],
  routes(app: Router, { fx }: { fx: FxService }): void {
    const answer = ListOf(Type.Ref('FxRate'));

    app.post(
      '/fx-rates',
      op('admin', 'Set exchange rates into the base currency from given dates (all or none)', {
        description:
          'A rate for the same currency and effectiveFrom replaces the earlier one. Events keep the rate they were converted at.',
        body: SetRatesBody,
        response: responses({ 200: answer }),
      }),
      async (request) => {
        return { data: await fx.set(principal(request).programId, request.body.rates, actor(request)) };
      },
    );

    app.post(
      '/fx-rates/import',
      op(
        { scope: 'admin', csv: true },
        'Set exchange rates from a CSV file (columns currency, rate, effectiveFrom; all or none)',
        {
          body: csvBody('CSV with the columns currency, rate, effectiveFrom'),
          response: responses({ 200: answer }, CSV_ERRORS),
        },
      ),
      async (request) => {
        const { programId } = principal(request);
        return { data: await fx.importCsv(programId, csvFile(request), actor(request)) };
      },
    );

    app.get(
      '/fx-rates',
      op('read', 'Exchange rates, newest first per currency', {
        querystring: RatesQuery,
        response: responses({ 200: answer }),
      }),
      async (request) => ({
        data: await fx.list(principal(request).programId, request.query.currency),
      }),
    );
  },
});
