import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { allows } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import {
  CashListQuery,
  CharityParams,
  CharitySchema,
  CreateCharityBody,
  type CreateCharityInput,
  DonationBody,
  type DonationInput,
  DonationSchema,
  PayoutBody,
  type PayoutInput,
  PayoutSchema,
  UpdateCharityBody,
  type UpdateCharityInput,
} from './cashback-schemas.ts';
import type { CashbackService } from './cashback-service.ts';
import {
  CancelBody,
  type CancelInput,
  DecisionBody,
  type DecisionInput,
  EventFeedQuery,
  FailBody,
  FulfilBody,
  type FulfilInput,
  type ListRedemptionsInput,
  ListRedemptionsQuery,
  RedemptionDueBody,
  RedemptionEventSchema,
  RedemptionParams,
  RedemptionSchema,
  RequestRedemptionBody,
  type RequestRedemptionInput,
} from './redemptions-schemas.ts';
import type { Actor, RedemptionService } from './redemptions-service.ts';
import {
  CodesBody,
  CodesImportSchema,
  CreateRewardBody,
  type CreateRewardInput,
  CreateSessionBody,
  type CreateSessionInput,
  type ListRewardsInput,
  ListRewardsQuery,
  RewardParams,
  RewardSchema,
  SessionSchema,
  UpdateRewardBody,
  type UpdateRewardInput,
} from './rewards-schemas.ts';
import type { RewardService } from './rewards-service.ts';

const idem = ['idempotency_key_reused', 'idempotency_key_in_flight'] as const;
type RewardP = { rewardId: string };
type RedemptionP = { redemptionId: string };

function actorOf(request: FastifyRequest): Actor {
  const p = principal(request);
  return { keyId: p.keyId, admin: allows(p.scopes, 'admin') };
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

export const rewardRoutes = routeModule({
  schemas: [RewardSchema, RedemptionSchema, CharitySchema],
  routes(
    app: Router,
    {
      cashback,
      redemptions,
      rewards,
    }: { cashback: CashbackService; redemptions: RedemptionService; rewards: RewardService },
  ): void {
    // The catalog

    app.post(
      '/rewards',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['rewards'],
          summary: 'Add a reward to the catalog',
          description:
            'Price in points or in a cash wallet currency; stock unlimited, counted, a code pool (import codes next) or sessions (add sessions next).',
          headers: IdempotencyHeaders,
          body: CreateRewardBody,
          response: responses({ 201: Type.Ref('Reward') }, [...idem]),
        },
      },
      async (request, reply) => {
        const reward = await rewards.create(
          principal(request).programId,
          request.body as CreateRewardInput,
          principal(request).keyId,
        );
        return reply.code(201).header('location', `/v1/rewards/${reward.id}`).send(reward);
      },
    );

    app.get(
      '/rewards',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['rewards'],
          summary: 'Browse the catalog; with account (and contact), what each can redeem and why not',
          description:
            'With account, only active rewards are listed unless status says otherwise, and each carries redeemable: eligibility ("needs Platinum"), affordability ("380 points short") and stock.',
          querystring: ListRewardsQuery,
          response: responses({ 200: PageOf(Type.Ref('Reward')) }, [
            'invalid_cursor',
            'account_not_found',
            'contact_not_found',
          ]),
        },
      },
      async (request) => rewards.list(principal(request).programId, request.query as ListRewardsInput),
    );

    app.get(
      '/rewards/:rewardId',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['rewards'],
          summary: 'A reward, with its stock (and low-stock flag) and sessions',
          params: RewardParams,
          response: responses({ 200: Type.Ref('Reward') }, ['reward_not_found']),
        },
      },
      async (request) => rewards.get(principal(request).programId, (request.params as RewardP).rewardId),
    );

    app.patch(
      '/rewards/:rewardId',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['rewards'],
          summary: 'Change a reward (price, window, eligibility, limits, counted stock) or archive it',
          headers: IdempotencyHeaders,
          params: RewardParams,
          body: UpdateRewardBody,
          response: responses({ 200: Type.Ref('Reward') }, ['reward_not_found', ...idem]),
        },
      },
      async (request) => {
        const { programId, keyId } = principal(request);
        return rewards.update(
          programId,
          (request.params as RewardP).rewardId,
          request.body as UpdateRewardInput,
          keyId,
        );
      },
    );

    app.post(
      '/rewards/:rewardId/codes',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['rewards'],
          summary: "Add single-use codes to a reward's pool (JSON, or a CSV file with a code column)",
          description:
            'Send {"codes": [...]} as JSON, or a CSV file (Content-Type: text/csv) with a column named code. A code the reward has already, or one given twice, refuses the whole import (409 duplicate_codes, each listed).',
          headers: IdempotencyHeaders,
          params: RewardParams,
          body: Type.Union([CodesBody, Type.String({ description: 'CSV with a code column' })]),
          response: responses({ 201: CodesImportSchema }, [
            'reward_not_found',
            'duplicate_codes',
            'import_invalid_rows',
            'import_malformed_csv',
            'unsupported_media_type',
            ...idem,
          ]),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const csv = /^text\/(csv|plain)\s*(;|$)/i.test(request.headers['content-type'] ?? '');
        let codes: string[];
        if (typeof request.body === 'string') {
          if (!csv)
            throw new FidelisError('unsupported_media_type', 'Send JSON {"codes": [...]} or text/csv');
          codes = rewards.codesFromCsv(request.body);
        } else {
          codes = (request.body as { codes: string[] }).codes;
        }
        const result = await rewards.importCodes(
          programId,
          (request.params as RewardP).rewardId,
          codes,
          keyId,
        );
        return reply.code(201).send(result);
      },
    );

    app.post(
      '/rewards/:rewardId/sessions',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['rewards'],
          summary: 'Add a date (session) with its capacity to an experience or session reward',
          headers: IdempotencyHeaders,
          params: RewardParams,
          body: CreateSessionBody,
          response: responses({ 201: SessionSchema }, ['reward_not_found', ...idem]),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const session = await rewards.addSession(
          programId,
          (request.params as RewardP).rewardId,
          request.body as CreateSessionInput,
          keyId,
        );
        return reply.code(201).send(session);
      },
    );

    app.get(
      '/rewards/:rewardId/sessions',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['rewards'],
          summary: "A reward's sessions with the places left",
          params: RewardParams,
          response: responses({ 200: Type.Object({ data: Type.Array(SessionSchema) }) }, [
            'reward_not_found',
          ]),
        },
      },
      async (request) => ({
        data: await rewards.sessions(principal(request).programId, (request.params as RewardP).rewardId),
      }),
    );

    // Redemptions

    app.post(
      '/redemptions',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['redemptions'],
          summary: 'Redeem a reward for an account: hold the price, take a unit, code or place',
          description:
            "Below the program's approval policy it is approved at once (a code-pool reward comes back fulfilled, with its code); otherwise it waits in pending_approval with the points held. With an Idempotency-Key a retry returns the first redemption.",
          headers: IdempotencyHeaders,
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
            ...idem,
          ]),
        },
      },
      async (request, reply) => {
        const { programId } = principal(request);
        const result = await redemptions.request(
          programId,
          request.body as RequestRedemptionInput,
          actorOf(request),
          idempotencyKey(request),
        );
        return reply
          .code(result.replayed ? 200 : 201)
          .header('location', `/v1/redemptions/${result.redemption.id}`)
          .send(result.redemption);
      },
    );

    app.get(
      '/redemptions',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['redemptions'],
          summary: 'List redemptions, newest first (e.g. status=pending_approval for an approval queue)',
          querystring: ListRedemptionsQuery,
          response: responses({ 200: PageOf(Type.Ref('Redemption')) }, [
            'invalid_cursor',
            'account_not_found',
          ]),
        },
      },
      async (request) =>
        redemptions.list(principal(request).programId, request.query as ListRedemptionsInput),
    );

    app.get(
      '/redemption-events',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['redemptions'],
          summary: 'Every redemption transition, oldest first: the feed to fulfil webhook rewards from',
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
        },
      },
      async (request) => redemptions.events(principal(request).programId, request.query as { type?: string }),
    );

    app.get(
      '/redemptions/:redemptionId',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['redemptions'],
          summary: 'A redemption with its approvals, code, tracking and events',
          params: RedemptionParams,
          response: responses({ 200: Type.Ref('Redemption') }, ['redemption_not_found']),
        },
      },
      async (request) =>
        redemptions.get(principal(request).programId, (request.params as RedemptionP).redemptionId),
    );

    const decisionErrors = [
      'redemption_not_found',
      'contact_not_found',
      'approver_not_allowed',
      'redemption_state_conflict',
      ...idem,
    ] as const;

    app.post(
      '/redemptions/:redemptionId/approve',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['redemptions'],
          summary:
            'Approve: by an approver of the same account (contactId), or by operator staff (admin key)',
          description:
            'The requester cannot approve their own request; each approver approves once. The last approval the policy needs captures the held points and, for a code-pool reward, hands out the code.',
          headers: IdempotencyHeaders,
          params: RedemptionParams,
          body: DecisionBody,
          response: responses({ 200: Type.Ref('Redemption') }, [...decisionErrors, 'already_approved']),
        },
      },
      async (request) =>
        redemptions.approve(
          principal(request).programId,
          (request.params as RedemptionP).redemptionId,
          request.body as DecisionInput,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/reject',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['redemptions'],
          summary: 'Reject a redemption waiting for approval: the held points come back',
          headers: IdempotencyHeaders,
          params: RedemptionParams,
          body: DecisionBody,
          response: responses({ 200: Type.Ref('Redemption') }, [...decisionErrors]),
        },
      },
      async (request) =>
        redemptions.reject(
          principal(request).programId,
          (request.params as RedemptionP).redemptionId,
          request.body as DecisionInput,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/cancel',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['redemptions'],
          summary:
            'Cancel a redemption that is not fulfilled yet: the points come back (released or refunded)',
          headers: IdempotencyHeaders,
          params: RedemptionParams,
          body: CancelBody,
          response: responses({ 200: Type.Ref('Redemption') }, [...decisionErrors]),
        },
      },
      async (request) =>
        redemptions.cancel(
          principal(request).programId,
          (request.params as RedemptionP).redemptionId,
          (request.body ?? {}) as CancelInput,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/fulfil',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['redemptions'],
          summary: 'Report a manual or webhook reward shipped (with tracking) or delivered',
          headers: IdempotencyHeaders,
          params: RedemptionParams,
          body: FulfilBody,
          response: responses({ 200: Type.Ref('Redemption') }, [
            'redemption_not_found',
            'redemption_state_conflict',
            ...idem,
          ]),
        },
      },
      async (request) =>
        redemptions.fulfil(
          principal(request).programId,
          (request.params as RedemptionP).redemptionId,
          (request.body ?? {}) as FulfilInput,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/:redemptionId/fail',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['redemptions'],
          summary: 'Fulfilment failed: the points are refunded, the unit or place given back',
          headers: IdempotencyHeaders,
          params: RedemptionParams,
          body: FailBody,
          response: responses({ 200: Type.Ref('Redemption') }, [
            'redemption_not_found',
            'redemption_state_conflict',
            ...idem,
          ]),
        },
      },
      async (request) =>
        redemptions.fail(
          principal(request).programId,
          (request.params as RedemptionP).redemptionId,
          (request.body as { reason: string }).reason,
          actorOf(request),
        ),
    );

    app.post(
      '/redemptions/due-runs',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['redemptions'],
          summary:
            'Cancel the redemptions whose hold the ledger released at its approval time-out (also every minute in the server)',
          description:
            'The ledger due run (POST /v1/ledger/due-runs) releases holds at their time-out; this gives back the unit, code or place of their redemptions.',
          headers: IdempotencyHeaders,
          body: Type.Optional(RedemptionDueBody),
          response: responses({ 200: Type.Object({ cancelled: Type.Integer() }) }),
        },
      },
      async (request) => redemptions.runDue(principal(request).programId),
    );

    // Charities, donations, payouts

    app.post(
      '/charities',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['cashback'],
          summary: 'List a charity members can donate to',
          headers: IdempotencyHeaders,
          body: CreateCharityBody,
          response: responses({ 201: Type.Ref('Charity') }, [...idem]),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const charity = await cashback.createCharity(programId, request.body as CreateCharityInput, keyId);
        return reply.code(201).header('location', `/v1/charities/${charity.id}`).send(charity);
      },
    );

    app.get(
      '/charities',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['cashback'],
          summary: "The program's charities",
          response: responses({ 200: Type.Object({ data: Type.Array(Type.Ref('Charity')) }) }),
        },
      },
      async (request) => ({ data: await cashback.charities(principal(request).programId) }),
    );

    app.get(
      '/charities/:charityId',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['cashback'],
          summary: 'A charity',
          params: CharityParams,
          response: responses({ 200: Type.Ref('Charity') }, ['charity_not_found']),
        },
      },
      async (request) =>
        cashback.charity(principal(request).programId, (request.params as { charityId: string }).charityId),
    );

    app.patch(
      '/charities/:charityId',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['cashback'],
          summary: 'Change or archive a charity (archived: no new donations)',
          headers: IdempotencyHeaders,
          params: CharityParams,
          body: UpdateCharityBody,
          response: responses({ 200: Type.Ref('Charity') }, ['charity_not_found', ...idem]),
        },
      },
      async (request) => {
        const { programId, keyId } = principal(request);
        return cashback.updateCharity(
          programId,
          (request.params as { charityId: string }).charityId,
          request.body as UpdateCharityInput,
          keyId,
        );
      },
    );

    app.post(
      '/donations',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['cashback'],
          summary: 'Donate (part of) a wallet — typically cashback — to a charity of the program',
          description:
            'A posted ledger entry of type donate. With an Idempotency-Key a retry returns the first donation.',
          headers: IdempotencyHeaders,
          body: DonationBody,
          response: responses({ 201: DonationSchema, 200: DonationSchema }, [
            'account_not_found',
            'contact_not_found',
            'charity_not_found',
            'charity_not_active',
            'insufficient_balance',
            ...idem,
          ]),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const result = await cashback.donate(
          programId,
          request.body as DonationInput,
          keyId,
          idempotencyKey(request),
        );
        return reply.code(result.replayed ? 200 : 201).send(result.donation);
      },
    );

    app.get(
      '/donations',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['cashback'],
          summary: 'Donations, newest first',
          querystring: CashListQuery,
          response: responses({ 200: PageOf(DonationSchema) }, ['invalid_cursor', 'account_not_found']),
        },
      },
      async (request) =>
        cashback.donations(principal(request).programId, request.query as { account?: string }),
    );

    app.post(
      '/payouts',
      {
        config: { scope: 'write' },
        schema: {
          tags: ['cashback'],
          summary: 'Pay out (part of) a cash wallet, recorded with its method and reference',
          description:
            'A posted ledger entry of type payout: the amount leaves the wallet now and the operator moves the money. A payout that did not go through is corrected by reversing its entry (POST /v1/ledger/entries/{entryId}/reverse).',
          headers: IdempotencyHeaders,
          body: PayoutBody,
          response: responses({ 201: PayoutSchema, 200: PayoutSchema }, [
            'account_not_found',
            'contact_not_found',
            'insufficient_balance',
            ...idem,
          ]),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const result = await cashback.payout(
          programId,
          request.body as PayoutInput,
          keyId,
          idempotencyKey(request),
        );
        return reply.code(result.replayed ? 200 : 201).send(result.payout);
      },
    );

    app.get(
      '/payouts',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['cashback'],
          summary: 'Payouts, newest first',
          querystring: CashListQuery,
          response: responses({ 200: PageOf(PayoutSchema) }, ['invalid_cursor', 'account_not_found']),
        },
      },
      async (request) =>
        cashback.payouts(principal(request).programId, request.query as { account?: string }),
    );
  },
});
