// The challenge routes of participation: progress and joining (an account, or a contact in a contact
// challenge: decision 0061), a contact's challenges, and a challenge's completions.
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, operations } from '../../http/route.ts';
import type { Router } from '../../http/router.ts';
import { ContactParams } from '../contacts/contacts-schemas.ts';
import {
  ChallengeCompletion,
  CompletionPage,
  CompletionsQuery,
  ContactChallenges,
  JoinBody,
  JoinSchema,
} from './engagement-contact-schemas.ts';
import { AccountChallengesQuery, ChallengeParams, ProgressQuery } from './engagement-schemas.ts';
import type { EngagementService } from './engagement-service.ts';

const op = operations('engagement');

export const CHALLENGE_SCHEMAS = [ChallengeCompletion];

export function challengeRoutes(app: Router, engagement: EngagementService): void {
  app.get(
    '/challenges/:challengeCode/progress',
    op(
      'read',
      "An account's (or, in a contact challenge, a contact's) progress on a challenge: each goal's value and target, steps done, time left",
      {
        params: ChallengeParams,
        querystring: ProgressQuery,
        response: responses({ 200: Type.Ref('ChallengeProgress') }, [
          'challenge_not_found',
          'account_not_found',
          'contact_not_found',
          'challenge_participant_mismatch',
        ]),
      },
    ),
    async (request) =>
      engagement.progress(
        principal(request).programId,
        request.params.challengeCode,
        { account: request.query.account, contact: request.query.contact },
        asOfOrNow(request.query.asOf),
      ),
  );

  app.post(
    '/challenges/:challengeCode/enrolments',
    op(
      'write',
      'An account (or a contact, in a contact challenge) joins an opt-in challenge: it counts from now (audited)',
      {
        description:
          'Joining again answers the first joining (joined: false), with 200. A contact challenge is joined by ' +
          'naming the contact (`contact`), an account challenge by naming the account.',
        params: ChallengeParams,
        body: JoinBody,
        response: responses({ 201: JoinSchema, 200: JoinSchema }, [
          'challenge_not_found',
          'account_not_found',
          'contact_not_found',
          'challenge_not_opt_in',
          'challenge_not_eligible',
          'challenge_participant_mismatch',
        ]),
      },
    ),
    async (request, reply) => {
      const joined = await engagement.joinChallenge(
        principal(request).programId,
        request.params.challengeCode,
        { account: request.body.account, contact: request.body.contact },
        actor(request),
      );
      return reply.code(joined.joined ? 201 : 200).send(joined);
    },
  );

  app.get(
    '/contacts/:contactId/challenges',
    op(
      'read',
      'The contact challenges open for a contact, with its own progress, and the ones it completed',
      {
        params: ContactParams,
        querystring: AccountChallengesQuery,
        response: responses({ 200: ContactChallenges }, ['contact_not_found']),
      },
    ),
    async (request) =>
      engagement.challengesOfContact(
        principal(request).programId,
        request.params.contactId,
        asOfOrNow(request.query.asOf),
      ),
  );

  app.get(
    '/challenges/:challengeCode/completions',
    op('read', "A challenge's completions, each naming its account and (a contact challenge) its contact", {
      params: ChallengeParams,
      querystring: CompletionsQuery,
      response: responses({ 200: CompletionPage }, [
        'challenge_not_found',
        'account_not_found',
        'contact_not_found',
        'invalid_cursor',
      ]),
    }),
    async (request) =>
      engagement.challengeCompletions(
        principal(request).programId,
        request.params.challengeCode,
        request.query,
      ),
  );
}
