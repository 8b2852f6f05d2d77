// The schemas of the member's referrals, statements and surveys in the portal (decision 0029).
import Type from 'typebox';
import { PERIOD_PATTERN } from '../../core/notifications/statement-period.ts';
import { Ref, Timestamp } from '../../http/schemas.ts';
import { QuestionInLocale, Responses } from '../insight/insight-question-schemas.ts';
import { LocaleQuery } from './portal-schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

const Earned = Type.Object({
  amount: Type.Integer(),
  unit: Type.String(),
  pending: Type.Boolean({ description: 'Earned, not yet spendable' }),
});

export const PortalReferralsSchema = Type.Object(
  {
    codes: Type.Array(
      Type.Object({
        code: Type.String({ description: 'The code the member passes on to a business they refer' }),
        referralProgram: Type.String(),
        campaign: Nullable(Type.String()),
        link: Nullable(
          Type.String({
            description: "The code as a link to the referral program's landing page, if it names one",
          }),
        ),
      }),
      { description: "The member's account's active referral codes" },
    ),
    referrals: Type.Array(
      Type.Object({
        id: Type.String(),
        code: Type.String(),
        referredName: Nullable(Type.String({ description: 'The referred business' })),
        status: Type.String({ description: 'pending, review, converted, rejected, expired' }),
        attributedAt: Timestamp,
        convertBy: Timestamp,
        convertedAt: Nullable(Timestamp),
        earned: Nullable(Earned),
      }),
      { description: 'The businesses the account referred, newest first (at most 100)' },
    ),
  },
  { $id: 'PortalReferrals', title: 'PortalReferrals' },
);

export const PortalStatementsSchema = Type.Object(
  {
    data: Type.Array(
      Type.Object({
        period: Type.String({ description: 'YYYY-MM or YYYY-Qn' }),
        start: Timestamp,
        end: Timestamp,
        lines: Type.Array(Type.Ref('StatementLine')),
        tiers: Type.Array(Type.Ref('StatementTier')),
        rewards: Type.Array(Type.Ref('StatementReward')),
      }),
      {
        description:
          "The last year's ended months (or quarters, the program's cadence) with anything on them, newest first",
      },
    ),
  },
  { $id: 'PortalStatements', title: 'PortalStatements' },
);

export const PeriodParams = Type.Object({
  period: Type.String({ pattern: PERIOD_PATTERN, description: 'The month (YYYY-MM) or quarter (YYYY-Qn)' }),
});

export const PortalSurveysSchema = Type.Object(
  {
    data: Type.Array(
      Type.Object({
        id: Type.String(),
        question: Type.String({ description: "In the member's language where the operator wrote it" }),
        comment: Type.Boolean({ description: 'Whether the survey takes a comment' }),
        questions: Type.Array(QuestionInLocale, {
          description: 'Questions after the score, in the member’s language',
        }),
        anonymous: Type.Boolean(),
        answered: Type.Boolean({ description: 'Whether this member answered it already' }),
      }),
    ),
  },
  { $id: 'PortalSurveys', title: 'PortalSurveys' },
);

export const SurveyParams = Type.Object({ surveyId: Ref('Survey id') });

export const PortalSurveyAnswerBody = Type.Object(
  {
    score: Type.Integer({ minimum: 0, maximum: 10, description: 'How likely to recommend, 0 to 10' }),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
    responses: Type.Optional(Responses),
    locale: LocaleQuery,
  },
  { additionalProperties: false },
);

export const PortalSurveyAnswerSchema = Type.Object(
  {
    id: Type.String(),
    surveyId: Type.String(),
    score: Type.Integer(),
    category: Type.String({ description: 'promoter, passive or detractor' }),
  },
  { $id: 'PortalSurveyAnswer', title: 'PortalSurveyAnswer' },
);

/** A route that takes no query parameters says so: an `account` or `referrer` given is refused, not ignored. */
export const NoQuery = Type.Object({}, { additionalProperties: false });
