// The ledger's program-wide HTTP routes: the due run (expiry and time-outs), the liability report and
// the points activity per day.
import Type from 'typebox';
import { principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import {
  ActivityQuery,
  AsOfQuery,
  LiabilitySchema,
  PointsActivitySchema,
  RunDueBody,
} from './ledger-schemas.ts';
import type { LedgerService } from './ledger-service.ts';

const op = operations('ledger');
const reportsOp = operations('reports');

export const ledgerProgramRoutes = routeModule({
  schemas: [],
  routes(app: Router, { ledger }: { ledger: LedgerService }): void {
    app.post(
      '/ledger/due-runs',
      op('admin', 'Run the expiry and time-out job now (it also runs every minute in the server)', {
        body: Type.Optional(RunDueBody),
        response: responses({
          200: Type.Object({ expired: Type.Integer(), posted: Type.Integer(), voided: Type.Integer() }),
        }),
      }),
      async (request) => ledger.runDue(principal(request).programId, asOfOrNow(request.body?.asOf)),
    );

    app.get(
      '/reports/liability',
      reportsOp('read', 'Points and cash liability as of an instant, valued at the cost per point', {
        querystring: AsOfQuery,
        response: responses({ 200: LiabilitySchema }),
      }),
      async (request) => ledger.liability(principal(request).programId, asOfOrNow(request.query.asOf)),
    );

    app.get(
      '/reports/points-activity',
      reportsOp('read', 'Points earned and redeemed by members per day (program time zone), the last days', {
        querystring: ActivityQuery,
        response: responses({ 200: PointsActivitySchema }),
      }),
      async (request) =>
        ledger.pointsActivity(
          principal(request).programId,
          asOfOrNow(request.query.asOf),
          request.query.days ?? 30,
        ),
    );
  },
});
