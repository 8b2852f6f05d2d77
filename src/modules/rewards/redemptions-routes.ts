// Routes of redemptions: the request, the decisions, fulfilment, the ways back, and the event feed.
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { allows } from '../../core/access.ts';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, idempotencyKey, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import {
  CancelBody,
  DecisionBody,
  EventFeedQuery,
  FailBody,
  FulfilBody,
  ListRedemptionsQuery,
  RedemptionDueBody,
  RedemptionEventSchema,
  RedemptionParams,
  RedemptionSchema,
  RequestRedemptionBody,
} from './redemptions-schemas.ts';
import type { RedemptionActor, RedemptionService } from './redemptions-service.ts';

/** Who acts: the request's key, and whether it decides as the operator's staff (admin scope). */
function actorOf(request: FastifyRequest): RedemptionActor {
  return { actor: actor(request), admin: allows(principal(request).scopes, 'admin') };
}

const op = operations('redemptions');

export const redemptionRoutes = routeModule({
  schemas: [RedemptionSchema],
  routes(app: Router, { redemptions }: { redemptions: RedemptionService }): void {
    app.post(
      '/redemptions',
      op(
        { scope: 'write', idempotencyKey: 'required' },
        'Redeem a reward for an account: hold the price, take a unit, code or place',
        {
          description:
            "Below the program's approval policy it is approved at once (a code-pool reward comes back fulfilled, with its code); otherwise it waits in pending_approval with the points held. It needs an Idempotency-Key: a retry with the same key returns the first redemption.",
          body: RequestRedemptionBody,
          response: responses({ 201: Type.Ref('Redemption'), 200: Type.Ref('Redemption') }, [
            'reward_not_found',
            'account_not_found',
            'contact_not_found',
            'session_not_found',
            'reward_not_available',
            'reward_not_eligible',
            'redemption_limit_reached',
            'insufficient_balance',
            'out_of_stock',
          ]),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const result = await redemptions.request(
          programId,
          request.body,
          actorOf(request),
          idempotencyKey(request),
        );
        return created(reply, result.redemption, {
          location: `/v1/redemptions/${result.redemption.id}`,
          replayed: result.replayed,
        });
      },
    );

    app.get(
      '/redemptions',
      op('read', 'List redemptions, newest first (e.g. status=pending_approval for an approval queue)', {
        querystring: ListRedemptionsQuery,
        response: responses({ 200: PageOf(Type.Ref('Redemption')) }, ['invalid_cursor', 'account_not_found']),
      }),
      async (request) => redemptions.list(principal(request).programId, request.query),
    );

    app.get(
      '/redemption-events',
      op('read', 'Every redemption transition, oldest first: the feed to fulfil webhook rewards from', {
        description:
          'Poll with the nextCursor of the previous answer to get only newer events (it is returned even when the page is not full). Webhook delivery of the same events is planned.',
        querystring: EventFeedQuery,
        response: responses(
          {
            200: Type.Object({
              data: Type.Array(RedemptionEventSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
          ['invalid_cursor'],
        ),
      }),
      async (request) => redemptions.events(principal(request).programId, request.query),
    );

    app.get(
      '/redemptions/:redemptionId',
      op('read', 'A redemption with its approvals, code, tracking and events', {
        params: RedemptionParams,
        response: responses({ 200: Type.Ref('Redemption') }, ['redemption_not_found']),
      }),
      async (request) => redemptions.get(principal(request).programId, request.params.redemptionId),
    );

    const decisionErrors = [
      'redemption_not_found',
      'contact_not_found',
      'approver_not_allowed',
      'redemption_state_conflict',
    ] as const;

    app.post(
      '/redemptions/:redemptionId/approve',
      op(
        'write',
        'Approve: by an approver of the same account (contactId), or by operator staff (admin key)',
        {
          description:
            'The requester cannot approve their own request; each approver approves once. The last approval the policy needs captures the held points and, for a code-pool reward, hands out the code.',
          params: RedemptionParams,
          body: DecisionBody,
          response: responses({ 200: Type.Ref('Redemption') }, [...decisionErrors, 'already_approved']),
        },
      ),
      async (request) =>
        redemptions.approve(
          principal(request).programId,
          request.params.redemptionId,
          request.body,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/reject',
      op('write', 'Reject a redemption waiting for approval: the held points come back', {
        params: RedemptionParams,
        body: DecisionBody,
        response: responses({ 200: Type.Ref('Redemption') }, decisionErrors),
      }),
      async (request) =>
        redemptions.reject(
          principal(request).programId,
          request.params.redemptionId,
          request.body,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/cancel',
      op(
        'write',
        'Cancel a redemption that is not fulfilled yet: the points come back (released or refunded)',
        {
          params: RedemptionParams,
          body: CancelBody,
          response: responses({ 200: Type.Ref('Redemption') }, decisionErrors),
        },
      ),
      async (request) =>
        redemptions.cancel(
          principal(request).programId,
          request.params.redemptionId,
          request.body ?? {},
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/fulfil',
      op('write', 'Report a manual or webhook reward shipped (with tracking) or delivered', {
        params: RedemptionParams,
        body: FulfilBody,
        response: responses({ 200: Type.Ref('Redemption') }, [
          'redemption_not_found',
          'redemption_state_conflict',
        ]),
      }),
      async (request) =>
        redemptions.fulfil(
          principal(request).programId,
          request.params.redemptionId,
          request.body ?? {},
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/fail',
      op('write', 'Fulfilment failed: the points are refunded, the unit or place given back', {
        params: RedemptionParams,
        body: FailBody,
        response: responses({ 200: Type.Ref('Redemption') }, [
          'redemption_not_found',
          'redemption_state_conflict',
        ]),
      }),
      async (request) =>
        redemptions.fail(
          principal(request).programId,
          request.params.redemptionId,
          request.body.reason,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/due-runs',
      op(
        'admin',
        'Cancel the redemptions whose hold the ledger released at its approval time-out (also every minute in the server)',
        {
          description:
            'The ledger due run (POST /v1/ledger/due-runs) releases holds at their time-out; this gives back the unit, code or place of their redemptions. ' +
            'It takes no asOf: it acts on the holds the ledger already released (run the ledger due run with asOf first to see time-outs of a later instant).',
          body: Type.Optional(RedemptionDueBody),
          response: responses({ 200: Type.Object({ cancelled: Type.Integer() }) }),
        },
      ),
      async (request) => redemptions.runDue(principal(request).programId, actor(request)),
    );
  },
});
