// Routes of the rewards catalog: rewards, their code pools and sessions, and browsing.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { CSV_ERRORS, csvFile } from '../../http/csv.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf, PageOf } from '../../http/schemas.ts';
import {
  CodesBody,
  CodesImportSchema,
  CreateRewardBody,
  CreateSessionBody,
  ListRewardsQuery,
  RewardParams,
  RewardSchema,
  SessionSchema,
  UpdateRewardBody,
} from './rewards-schemas.ts';
import type { RewardService } from './rewards-service.ts';

const op = operations('rewards');

export const rewardRoutes = routeModule({
  schemas: [RewardSchema],
  routes(app: Router, { rewards }: { rewards: RewardService }): void {
    app.post(
      '/rewards',
      op('admin', 'Add a reward to the catalog', {
        description:
          'Price in points or in a cash wallet currency; stock unlimited, counted, a code pool (import codes next) or sessions (add sessions next).',
        body: CreateRewardBody,
        response: responses({ 201: Type.Ref('Reward') }),
      }),
      async (request, reply) => {
        const reward = await rewards.create(principal(request).programId, request.body, actor(request));
        return created(reply, reward, { location: `/v1/rewards/${reward.id}` });
      },
    );

    app.get(
      '/rewards',
      op('read', 'Browse the catalog; with account (and contact), what each can redeem and why not', {
        description:
          'With account, only active rewards are listed unless status says otherwise, and each carries redeemable: eligibility ("needs Platinum"), affordability ("380 points short") and stock.',
        querystring: ListRewardsQuery,
        response: responses({ 200: PageOf(Type.Ref('Reward')) }, [
          'invalid_cursor',
          'account_not_found',
          'contact_not_found',
        ]),
      }),
      async (request) => rewards.list(principal(request).programId, request.query),
    );

    app.get(
      '/rewards/:rewardId',
      op('read', 'A reward, with its stock (and low-stock flag) and sessions', {
        params: RewardParams,
        response: responses({ 200: Type.Ref('Reward') }, ['reward_not_found']),
      }),
      async (request) => rewards.get(principal(request).programId, request.params.rewardId),
    );

    app.patch(
      '/rewards/:rewardId',
      op('admin', 'Change a reward (price, window, eligibility, limits, counted stock) or archive it', {
        params: RewardParams,
        body: UpdateRewardBody,
        response: responses({ 200: Type.Ref('Reward') }, ['reward_not_found']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return rewards.update(programId, request.params.rewardId, request.body, actor(request));
      },
    );

    app.post(
      '/rewards/:rewardId/codes',
      op(
        { scope: 'admin', csv: true },
        "Add single-use codes to a reward's pool (JSON, or a CSV file with a code column)",
        {
          description:
            'Send {"codes": [...]} as JSON, or a CSV file (Content-Type: text/csv) with a column named code. A code the reward has already, or one given twice, refuses the whole import (409 duplicate_codes, each listed).',
          params: RewardParams,
          body: Type.Union([CodesBody, Type.String({ description: 'CSV with a code column' })]),
          response: responses({ 201: CodesImportSchema }, [
            'reward_not_found',
            'duplicate_codes',
            ...CSV_ERRORS,
          ]),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        // A JSON string is a string too: only a text/csv body is a file.
        const codes =
          typeof request.body === 'string'
            ? rewards.codesFromCsv(csvFile(request, 'Send JSON {"codes": [...]} or text/csv'))
            : request.body.codes;
        const result = await rewards.importCodes(programId, request.params.rewardId, codes, actor(request));
        return created(reply, result);
      },
    );

    app.post(
      '/rewards/:rewardId/sessions',
      op('admin', 'Add a date (session) with its capacity to an experience or session reward', {
        params: RewardParams,
        body: CreateSessionBody,
        response: responses({ 201: SessionSchema }, ['reward_not_found']),
      }),
      async (request, reply) => {
        const { programId } = principal(request);
        const session = await rewards.addSession(
          programId,
          request.params.rewardId,
          request.body,
          actor(request),
        );
        return created(reply, session);
      },
    );

    app.get(
      '/rewards/:rewardId/sessions',
      op('read', "A reward's sessions with the places left", {
        params: RewardParams,
        response: responses({ 200: ListOf(SessionSchema) }, ['reward_not_found']),
      }),
      async (request) => ({
        data: await rewards.sessions(principal(request).programId, request.params.rewardId),
      }),
    );
  },
});
