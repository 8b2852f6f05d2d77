// The rewards owed by challenge completions and automation firings (decision 0053), registered by
// engagement-routes.ts: the program-wide list, an admin's retry of one, and waiving one for good.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import type { Router } from '../../http/router.ts';
import { Cursor, Limit, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { Nullable } from './engagement-schemas.ts';
import type { EngagementService } from './engagement-service.ts';

const op = operations('engagement');

export const OwedSchema = Type.Object(
  {
    key: Type.String({
      description:
        'The completion or firing: challenge:<code>:<account>:<window> or automation:<code>:<subject>:<occurrence>; the issuedFor of the redemption once issued',
    }),
    status: Type.Union([Type.Literal('owed'), Type.Literal('issued'), Type.Literal('waived')]),
    source: Type.Union([Type.Literal('challenge'), Type.Literal('automation')]),
    challenge: Nullable(Type.String({ description: 'The challenge completed' })),
    automation: Nullable(Type.String({ description: 'The automation that fired' })),
    occurrence: Type.String({ description: "The challenge's window, or the automation's occurrence" }),
    accountId: Type.String(),
    contactId: Nullable(Type.String()),
    explanation: Nullable(Type.String({ description: "The firing's explanation (null for a completion)" })),
    reward: Nullable(
      Type.Object({
        id: Type.String(),
        name: Nullable(Type.String({ description: 'Null when the reward was deleted' })),
        inStock: Type.Boolean({ description: 'Whether a retry could issue it now' }),
      }),
    ),
    reason: Nullable(Type.String({ description: 'Why it was skipped (kept once issued, as the trail)' })),
    owedSince: Timestamp,
    redemptionId: Nullable(Type.String({ description: 'The redemption issued later' })),
    issuedAt: Nullable(Timestamp),
    waivedAt: Nullable(Timestamp),
    waivedReason: Nullable(Type.String()),
  },
  { title: 'RewardOwed' },
);

const OwedQuery = Type.Object({
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
  account: Type.Optional(Ref('Only the rewards this account is owed (id or external id)')),
  reward: Type.Optional(Ref('Only the rewards owed of this catalog reward')),
});

const OwedParams = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 300, description: 'The key of the reward owed (URL-encoded)' }),
});

const WaiveBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why the program will not give it' }) },
  { additionalProperties: false },
);

export function owedRoutes(app: Router, engagement: EngagementService): void {
  app.get(
    '/engagement/rewards-owed',
    op('read', 'The catalog rewards the program owes: completions and firings whose reward was skipped', {
      description:
        'A challenge completion or automation firing whose catalog reward was out of stock (or archived) when it ' +
        'was paid owes it, oldest first, until it is issued later (by the engagement due run once the reward is ' +
        'in stock again, or a retry) or waived. Each with the account, what earned it, the reward (and whether ' +
        'it is in stock now) and why it was skipped.',
      querystring: OwedQuery,
      response: responses({ 200: PageOf(OwedSchema) }, ['invalid_cursor', 'account_not_found']),
    }),
    async (request) => engagement.rewardsOwed(principal(request).programId, request.query),
  );

  app.post(
    '/engagement/rewards-owed/:key/retry',
    op('admin', 'Issue an owed catalog reward now (audited)', {
      description:
        'Through the same free issue as the completion or firing, keyed by its key, so it is issued once however ' +
        'often it is retried or the due run tries it at the same time. The completion or firing records the ' +
        'redemption and when it was issued; the skip reason stays. Issued already: answers it as it is. Still ' +
        'out of stock or archived: reward_still_unavailable, nothing written.',
      params: OwedParams,
      response: responses({ 200: OwedSchema }, [
        'reward_owed_not_found',
        'reward_still_unavailable',
        'reward_owed_settled',
      ]),
    }),
    async (request) => engagement.retryOwed(principal(request).programId, request.params.key, actor(request)),
  );

  app.post(
    '/engagement/rewards-owed/:key/waive',
    op('admin', 'Waive an owed catalog reward for good, with a reason (audited)', {
      description:
        'For a reward archived for good, or given by hand: it leaves the list and the due run no longer tries it.',
      params: OwedParams,
      body: WaiveBody,
      response: responses({ 200: OwedSchema }, ['reward_owed_not_found', 'reward_owed_settled']),
    }),
    async (request) =>
      engagement.waiveOwed(principal(request).programId, request.params.key, request.body, actor(request)),
  );
}
