// The commission sweep's HTTP routes (decision 0055): its watermark, lag and failing or skipped events,
// and an operator's retry of a skipped event.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import type { PartnerService } from './partners-service.ts';
import {
  RetryBody,
  RetrySchema,
  SkipParams,
  SweepEventSchema,
  SweepSchema,
} from './partners-sweep-schemas.ts';

const op = operations('commissions');

export const sweepRoutes = routeModule({
  schemas: [SweepEventSchema, SweepSchema],
  routes(app: Router, { partners }: { partners: PartnerService }): void {
    app.get(
      '/commission-sweep',
      op('read', 'The commission sweep: its watermark, its lag and the events it failed on or skipped', {
        description:
          "The partners' due run catches up commission lines and referral conversions the events' hook missed, reading settled events of referred accounts in the order recorded (decisions 0052, 0055). An event that fails stops the sweep before it and is tried again by the next due runs; after maxAttempts failures it is skipped (the sweep goes past it) until an operator retries it.",
        response: responses({ 200: Type.Ref('CommissionSweep') }),
      }),
      async (request) => partners.commissionSweep(principal(request).programId),
    );

    app.post(
      '/commission-sweep/skipped/:event/retry',
      op('admin', 'Retry an event the commission sweep skipped, once its cause is gone (audited)', {
        description:
          'Writes what the sweep would have: the referral conversion and the commission lines the event pays, at most once (their keys are derived from the referral and the event). Done, the event leaves the list; failing again (409 commission_sweep_retry_failed, the error in detail), its attempt is counted and it stays skipped.',
        params: SkipParams,
        body: RetryBody,
        response: responses({ 200: RetrySchema }, [
          'commission_sweep_skip_not_found',
          'commission_sweep_retry_failed',
        ]),
      }),
      async (request) =>
        partners.retryCommissionSweepEvent(
          principal(request).programId,
          request.params.event,
          actor(request),
        ),
    );
  },
});
