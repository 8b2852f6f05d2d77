// TypeBox schemas of survey questions beside the NPS question (docs/metrics.md, "Survey questions"):
// their definition, the responses an answer gives, their wording in a locale, and their results.
import Type from 'typebox';
import { QUESTION_KINDS, TEXT_MAX } from '../../core/insight/questions.ts';

const Wording = Type.Record(
  Type.String({ pattern: '^(default|[a-z]{2,3}(-[A-Z]{2})?)$' }),
  Type.String({ minLength: 1, maxLength: 300 }),
  {
    description: 'Wording by locale (`default` required, shown when the locale has none)',
  },
);
const Key = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'The question’s key in answers' });
const Kind = Type.Union(
  QUESTION_KINDS.map((k) => Type.Literal(k)),
  {
    description:
      'csat: satisfaction 1–5 (satisfied at 4–5); scale: 0–10; choice: one of the options; text: free text',
  },
);

export const QuestionDefinition = Type.Object(
  {
    key: Key,
    kind: Kind,
    label: Wording,
    required: Type.Optional(Type.Boolean({ description: 'An answer must respond to it (default false)' })),
    options: Type.Optional(
      Type.Array(
        Type.Object(
          { value: Type.String({ pattern: '^[a-z0-9_-]{1,40}$' }), label: Wording },
          { additionalProperties: false },
        ),
        { maxItems: 20, description: 'A choice’s options (2 to 20)' },
      ),
    ),
  },
  { additionalProperties: false },
);
export const Questions = Type.Array(QuestionDefinition, {
  maxItems: 10,
  description: 'Questions asked after the NPS question (CSAT and custom questions), in order',
});

export const Responses = Type.Record(
  Key,
  Type.Union([Type.Integer({ minimum: 0, maximum: 10 }), Type.String({ minLength: 1, maxLength: TEXT_MAX })]),
  {
    description:
      "Responses to the survey's questions by key (a number for csat and scale, the option's value for a choice, text)",
    maxProperties: 10,
  },
);

/** A question worded in the respondent's locale. */
export const QuestionInLocale = Type.Object({
  key: Type.String(),
  kind: Kind,
  label: Type.String(),
  required: Type.Boolean(),
  options: Type.Array(Type.Object({ value: Type.String(), label: Type.String() })),
});

export const SurveyResultsSchema = Type.Object({
  surveyId: Type.String(),
  answers: Type.Integer(),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
  nps: Type.Union([Type.Number(), Type.Null()]),
  questions: Type.Array(
    Type.Object({
      key: Type.String(),
      kind: Kind,
      label: Type.String({ description: 'The default wording' }),
      answers: Type.Integer({ description: 'Answers that responded to it' }),
      satisfied: Type.Optional(Type.Integer({ description: 'csat: answers of 4 or 5' })),
      csat: Type.Optional(
        Type.Union([Type.Number(), Type.Null()], { description: 'csat: % satisfied (one decimal)' }),
      ),
      average: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
      distribution: Type.Optional(Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }))),
    }),
  ),
});
