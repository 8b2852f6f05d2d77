// The member's referrals, statements and surveys under /portal/api (decision 0029): for the member of
// the cookie session only — no route takes an account or contact id, and the lists refuse unknown query
// parameters rather than ignore them.
import Type from 'typebox';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import {
  NoQuery,
  PeriodParams,
  PortalReferralsSchema,
  PortalStatementsSchema,
  PortalSurveyAnswerBody,
  PortalSurveyAnswerSchema,
  PortalSurveysSchema,
  SurveyParams,
} from './portal-pages-schemas.ts';
import { member } from './portal-plugin.ts';
import { PortalLocaleQuery } from './portal-schemas.ts';
import type { PortalService } from './portal-service.ts';

const op = operations('portal');
const cookieAuth = [{ portalSession: [] }];

export const portalPageRoutes = routeModule({
  schemas: [PortalReferralsSchema, PortalStatementsSchema, PortalSurveysSchema, PortalSurveyAnswerSchema],
  routes(app: Router, { portal }: { portal: PortalService }): void {
    app.get(
      '/referrals',
      op(
        { scope: 'public', member: true },
        "The member's account's referral codes and the businesses it referred, with what each earned",
        {
          security: cookieAuth,
          querystring: NoQuery,
          response: responses({ 200: Type.Ref('PortalReferrals') }, [
            'portal_session_expired',
            'rate_limited',
          ]),
        },
      ),
      async (request) => portal.referrals(member(request)),
    );

    app.get(
      '/statements',
      op({ scope: 'public', member: true }, "The member's account's statements of the last twelve months", {
        description:
          'The figures of each ended month with anything on it (opening, earned, spent, expired, closing, expiring soon per unit), computed from the ledger as GET /v1/accounts/{id}/statements/{period}.',
        security: cookieAuth,
        querystring: NoQuery,
        response: responses({ 200: Type.Ref('PortalStatements') }, [
          'portal_session_expired',
          'rate_limited',
        ]),
      }),
      async (request) => portal.statements(member(request)),
    );

    app.get(
      '/statements/:period',
      op(
        { scope: 'public', member: true },
        "Download one month's statement of the member's account (the HTML document its e-mail carries)",
        {
          description:
            "text/html, as an attachment (statement-YYYY-MM.html), in the member's language (locale, else the contact's).",
          security: cookieAuth,
          params: PeriodParams,
          querystring: PortalLocaleQuery,
          response: responses({ 200: Type.String({ description: 'The statement as an HTML document' }) }, [
            'portal_session_expired',
            'statement_period_open',
            'account_not_found',
            'rate_limited',
          ]),
        },
      ),
      async (request, reply) => {
        const html = await portal.statement(member(request), request.params.period, request.query);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-disposition', `attachment; filename="statement-${request.params.period}.html"`)
          .serializer((p: unknown) => p as string)
          .send(html);
      },
    );

    app.get(
      '/surveys',
      op({ scope: 'public', member: true }, "The program's open surveys, for the member: answered or not", {
        security: cookieAuth,
        querystring: PortalLocaleQuery,
        response: responses({ 200: Type.Ref('PortalSurveys') }, ['portal_session_expired', 'rate_limited']),
      }),
      async (request) => portal.surveys(member(request), request.query),
    );

    app.post(
      '/surveys/:surveyId/answers',
      op({ scope: 'public', member: true }, 'Answer an open survey as the member (once)', {
        description:
          'A score from 0 to 10 and, where the survey asks for one, a comment. Like an answer by link, it becomes a survey.completed event (without the score) that earning rules may reward.',
        security: cookieAuth,
        params: SurveyParams,
        body: PortalSurveyAnswerBody,
        response: responses({ 201: Type.Ref('PortalSurveyAnswer') }, [
          'portal_session_expired',
          'csrf_token_invalid',
          'survey_not_found',
          'survey_closed',
          'survey_already_answered',
          'rate_limited',
          'payload_too_large',
          'unsupported_media_type',
        ]),
      }),
      async (request, reply) =>
        reply
          .code(201)
          .send(await portal.answerSurvey(member(request), request.params.surveyId, request.body)),
    );
  },
});
