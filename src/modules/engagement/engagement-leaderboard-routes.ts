// The leaderboard routes: definitions, standings (an account's or, over a contact challenge, a
// contact's own place: decision 0062), ranking refreshes, and accounts or contacts left out.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, dateOf, operations } from '../../http/route.ts';
import type { Router } from '../../http/router.ts';
import {
  ContactExclusionParams,
  CreateLeaderboardBody,
  ExclusionBody,
  ExclusionParams,
  ExclusionSchema,
  LeaderboardPage,
  LeaderboardParams,
  RefreshSchema,
  StandingsQuery,
  StandingsSchema,
} from './engagement-leaderboard-schemas.ts';
import { PageQuery } from './engagement-schemas.ts';
import type { EngagementService } from './engagement-service.ts';

const op = operations('engagement');

export function leaderboardRoutes(app: Router, engagement: EngagementService): void {
  app.post(
    '/leaderboards',
    op('admin', 'Create a leaderboard: a metric over a period, within an audience (audited)', {
      body: CreateLeaderboardBody,
      response: responses({ 201: Type.Ref('Leaderboard') }, ['leaderboard_exists']),
    }),
    async (request, reply) => {
      const board = await engagement.createLeaderboard(
        principal(request).programId,
        request.body,
        actor(request),
      );
      return created(reply, board, { location: `/v1/leaderboards/${board.code}` });
    },
  );

  app.get(
    '/leaderboards',
    op('read', 'List the leaderboards', {
      querystring: PageQuery,
      response: responses({ 200: LeaderboardPage }, ['invalid_cursor']),
    }),
    async (request) => engagement.listLeaderboards(principal(request).programId, request.query),
  );

  app.get(
    '/leaderboards/:leaderboardCode',
    op('read', 'Read a leaderboard', {
      params: LeaderboardParams,
      response: responses({ 200: Type.Ref('Leaderboard') }, ['leaderboard_not_found']),
    }),
    async (request) =>
      engagement.getLeaderboard(principal(request).programId, request.params.leaderboardCode),
  );

  app.get(
    '/leaderboards/:leaderboardCode/standings',
    op(
      'read',
      'The standings: the top places and an account’s (or contact’s) own place with its neighbours',
      {
        description:
          'Without asOf: the current period from the ranking table (refreshed every minute by the due run; ' +
          '`freshness` says when). With asOf: ranked now from the stored events up to it. Equal values share a place ' +
          'and the next place is skipped (1, 2, 2, 4). Accounts with nothing in the period have no place. ' +
          'A contact challenge’s leaderboard ranks contacts: ask for a contact’s place with contact.',
        params: LeaderboardParams,
        querystring: StandingsQuery,
        response: responses({ 200: StandingsSchema }, [
          'leaderboard_not_found',
          'account_not_found',
          'contact_not_found',
          'leaderboard_subject_mismatch',
        ]),
      },
    ),
    async (request) =>
      engagement.standings(principal(request).programId, request.params.leaderboardCode, {
        account: request.query.account,
        contact: request.query.contact,
        top: request.query.top,
        asOf: dateOf(request.query.asOf),
      }),
  );

  app.post(
    '/leaderboards/:leaderboardCode/refreshes',
    op('admin', 'Recompute the ranking table of the current period now', {
      description: 'The due run does it every minute; standings without asOf read this table.',
      params: LeaderboardParams,
      response: responses({ 201: RefreshSchema }, ['leaderboard_not_found']),
    }),
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await engagement.refreshLeaderboard(principal(request).programId, request.params.leaderboardCode),
        ),
  );

  app.put(
    '/leaderboards/:leaderboardCode/exclusions/:accountId',
    op('write', 'Leave an account out of a leaderboard (it opted out, staff) (audited)', {
      params: ExclusionParams,
      body: ExclusionBody,
      response: responses({ 200: ExclusionSchema }, ['leaderboard_not_found', 'account_not_found']),
    }),
    async (request) =>
      engagement.exclude(
        principal(request).programId,
        request.params.leaderboardCode,
        { account: request.params.accountId },
        request.body?.reason,
        actor(request),
      ),
  );

  app.delete(
    '/leaderboards/:leaderboardCode/exclusions/:accountId',
    op('write', 'Take an account back into a leaderboard (audited)', {
      params: ExclusionParams,
      response: responses({ 200: ExclusionSchema }, ['leaderboard_not_found', 'account_not_found']),
    }),
    async (request) =>
      engagement.include(
        principal(request).programId,
        request.params.leaderboardCode,
        { account: request.params.accountId },
        actor(request),
      ),
  );

  app.put(
    '/leaderboards/:leaderboardCode/contact-exclusions/:contactId',
    op('write', 'Leave a contact out of a contact challenge’s leaderboard (audited)', {
      params: ContactExclusionParams,
      body: ExclusionBody,
      response: responses({ 200: ExclusionSchema }, [
        'leaderboard_not_found',
        'contact_not_found',
        'leaderboard_subject_mismatch',
      ]),
    }),
    async (request) =>
      engagement.exclude(
        principal(request).programId,
        request.params.leaderboardCode,
        { contact: request.params.contactId },
        request.body?.reason,
        actor(request),
      ),
  );

  app.delete(
    '/leaderboards/:leaderboardCode/contact-exclusions/:contactId',
    op('write', 'Take a contact back into a contact challenge’s leaderboard (audited)', {
      params: ContactExclusionParams,
      response: responses({ 200: ExclusionSchema }, [
        'leaderboard_not_found',
        'contact_not_found',
        'leaderboard_subject_mismatch',
      ]),
    }),
    async (request) =>
      engagement.include(
        principal(request).programId,
        request.params.leaderboardCode,
        { contact: request.params.contactId },
        actor(request),
      ),
  );
}
