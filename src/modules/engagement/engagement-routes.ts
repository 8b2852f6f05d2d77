// The engagement HTTP routes: badges and awards, challenges and progress, the due run, leaderboards.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import { ContactParams } from '../contacts/contacts-schemas.ts';
import { automationRoutes } from './engagement-automation-routes.ts';
import { AUTOMATION_SCHEMAS } from './engagement-automation-schemas.ts';
import { CHALLENGE_SCHEMAS, challengeRoutes } from './engagement-challenge-routes.ts';
import { leaderboardRoutes } from './engagement-leaderboard-routes.ts';
import { LeaderboardSchema } from './engagement-leaderboard-schemas.ts';
import { owedRoutes } from './engagement-owed-routes.ts';
import {
  AccountChallenges,
  AccountChallengesQuery,
  AwardBody,
  AwardPage,
  AwardSchema,
  AwardsQuery,
  BadgePage,
  BadgeParams,
  BadgeSchema,
  ChallengePage,
  ChallengeParams,
  ChallengeSchema,
  CreateBadgeBody,
  CreateChallengeBody,
  DueRunBody,
  DueRunResult,
  PageQuery,
  ProgressSchema,
  UpdateBadgeBody,
  UpdateChallengeBody,
} from './engagement-schemas.ts';
import type { EngagementService } from './engagement-service.ts';

const op = operations('engagement');
const schemas = [BadgeSchema, AwardSchema, ChallengeSchema, ProgressSchema, LeaderboardSchema];

export const engagementRoutes = routeModule({
  schemas: [...schemas, ...AUTOMATION_SCHEMAS, ...CHALLENGE_SCHEMAS],
  routes(app: Router, { engagement }: { engagement: EngagementService }): void {
    // Badges

    app.post(
      '/badges',
      op('admin', 'Define a badge: name, description, image, translations, validity (audited)', {
        body: CreateBadgeBody,
        response: responses({ 201: Type.Ref('Badge') }, ['badge_exists']),
      }),
      async (request, reply) => {
        const badge = await engagement.createBadge(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, badge, { location: `/v1/badges/${badge.code}` });
      },
    );

    app.get(
      '/badges',
      op('read', 'List the badges', {
        querystring: PageQuery,
        response: responses({ 200: BadgePage }, ['invalid_cursor']),
      }),
      async (request) => engagement.listBadges(principal(request).programId, request.query),
    );

    app.get(
      '/badges/:badgeCode',
      op('read', 'Read a badge', {
        params: BadgeParams,
        response: responses({ 200: Type.Ref('Badge') }, ['badge_not_found']),
      }),
      async (request) => engagement.getBadge(principal(request).programId, request.params.badgeCode),
    );

    app.patch(
      '/badges/:badgeCode',
      op('admin', 'Change a badge (its awards show the change) (audited)', {
        params: BadgeParams,
        body: UpdateBadgeBody,
        response: responses({ 200: Type.Ref('Badge') }, ['badge_not_found']),
      }),
      async (request) =>
        engagement.updateBadge(
          principal(request).programId,
          request.params.badgeCode,
          request.body,
          actor(request),
        ),
    );

    app.post(
      '/accounts/:accountId/badges',
      op('write', 'Award a badge to an account (and one of its contacts) by hand (audited)', {
        params: AccountParams,
        body: AwardBody,
        response: responses({ 201: Type.Ref('BadgeAward') }, [
          'account_not_found',
          'badge_not_found',
          'contact_not_found',
        ]),
      }),
      async (request, reply) => {
        const award = await engagement.awardBadge(
          principal(request).programId,
          request.params.accountId,
          request.body,
          actor(request),
        );
        return created(reply, award);
      },
    );

    app.get(
      '/accounts/:accountId/badges',
      op('read', "An account's badges, newest first (expired ones with includeExpired)", {
        params: AccountParams,
        querystring: AwardsQuery,
        response: responses({ 200: AwardPage }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        engagement.awardsOf(
          principal(request).programId,
          { account: request.params.accountId },
          request.query,
        ),
    );

    app.get(
      '/contacts/:contactId/badges',
      op('read', "A contact's badges, newest first (expired ones with includeExpired)", {
        params: ContactParams,
        querystring: AwardsQuery,
        response: responses({ 200: AwardPage }, ['contact_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        engagement.awardsOf(
          principal(request).programId,
          { contact: request.params.contactId },
          request.query,
        ),
    );

    // Challenges

    app.post(
      '/challenges',
      op('admin', 'Create a challenge: goals across events, window, audience, reward (audited)', {
        description:
          'Progress is derived from the stored events: events since startsAt count, also those sent late. ' +
          'A completion pays its points and badge once per account and window.',
        body: CreateChallengeBody,
        response: responses({ 201: Type.Ref('Challenge') }, ['challenge_exists', 'challenge_invalid']),
      }),
      async (request, reply) => {
        const challenge = await engagement.createChallenge(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, challenge, { location: `/v1/challenges/${challenge.code}` });
      },
    );

    app.get(
      '/challenges',
      op('read', 'List the challenges', {
        querystring: PageQuery,
        response: responses({ 200: ChallengePage }, ['invalid_cursor']),
      }),
      async (request) => engagement.listChallenges(principal(request).programId, request.query),
    );

    app.get(
      '/challenges/:challengeCode',
      op('read', 'Read a challenge at its current version', {
        params: ChallengeParams,
        response: responses({ 200: Type.Ref('Challenge') }, ['challenge_not_found']),
      }),
      async (request) => engagement.getChallenge(principal(request).programId, request.params.challengeCode),
    );

    app.put(
      '/challenges/:challengeCode',
      op('admin', 'Change a challenge: a new version, applied to the open windows from history (audited)', {
        params: ChallengeParams,
        body: UpdateChallengeBody,
        response: responses({ 200: Type.Ref('Challenge') }, ['challenge_not_found', 'challenge_invalid']),
      }),
      async (request) =>
        engagement.updateChallenge(
          principal(request).programId,
          request.params.challengeCode,
          request.body,
          actor(request),
        ),
    );

    app.get(
      '/accounts/:accountId/challenges',
      op('read', 'The challenges open for an account, with its progress, and the ones it completed', {
        params: AccountParams,
        querystring: AccountChallengesQuery,
        response: responses({ 200: AccountChallenges }, ['account_not_found']),
      }),
      async (request) =>
        engagement.challengesOfAccount(
          principal(request).programId,
          request.params.accountId,
          asOfOrNow(request.query.asOf),
        ),
    );

    app.post(
      '/engagement/due-runs',
      op('admin', 'Re-check open challenge windows, fire due automations, refresh leaderboard rankings', {
        description:
          'The server runs it every minute. Completions are noticed when events commit; this run catches any ' +
          'that were missed (a crash between the commit and the check). It fires the lifecycle automations due ' +
          "as of asOf in the program's time zone (birthdays and anniversaries up to 31 days late) and refreshes " +
          'every leaderboard’s ranking table. A repeated or concurrent run pays and fires nothing twice.',
        body: DueRunBody,
        response: responses({ 200: DueRunResult }),
      }),
      async (request) =>
        engagement.runDue(principal(request).programId, asOfOrNow(request.body?.asOf), actor(request)),
    );

    leaderboardRoutes(app, engagement);
    challengeRoutes(app, engagement);
    automationRoutes(app, engagement);
    owedRoutes(app, engagement);
  },
});
