// TypeBox schemas of the NPS reports and survey follow-up (definitions: docs/metrics.md, "NPS").
import Type from 'typebox';
import { ListOf, Timestamp } from '../../http/schemas.ts';
import { PeriodQuery } from './insight-schemas.ts';

const NpsFields = {
  answers: Type.Integer(),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
  nps: Type.Union([Type.Number(), Type.Null()], {
    description: '% promoters − % detractors (−100..100), one decimal',
  }),
};

export const NpsQuery = Type.Object(
  { ...PeriodQuery.properties, survey: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
export const NpsReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  ...NpsFields,
  months: Type.Array(Type.Object({ month: Type.String(), ...NpsFields })),
  accounts: Type.Array(Type.Object({ accountId: Type.String(), ...NpsFields }), {
    description: 'Per account (the answers of all its contacts); anonymous answers count only in the totals',
  }),
});

const Category = Type.Union([Type.Literal('promoter'), Type.Literal('passive'), Type.Literal('detractor')]);
export const NpsValueQuery = Type.Object(
  {
    ...NpsQuery.properties,
    category: Type.Optional(Category),
    clv: Type.Optional(
      Type.Union([Type.Literal('high'), Type.Literal('low')], {
        description: 'high: at or above the median historical CLV of the customers',
      }),
    ),
  },
  { additionalProperties: false },
);
export const NpsValueSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  currency: Type.String(),
  medianClv: Type.Union([Type.String(), Type.Null()], {
    description: "The median historical CLV of the program's customers at the period's end",
  }),
  quadrants: Type.Array(
    Type.Object({
      category: Category,
      clv: Type.String(),
      accounts: Type.Integer(),
      clvTotal: Type.String(),
    }),
  ),
  accounts: Type.Array(
    Type.Object({
      accountId: Type.String(),
      answers: Type.Integer(),
      averageScore: Type.Number(),
      category: Category,
      clv: Type.String({ description: 'Historical CLV: net revenue to the period end' }),
      highClv: Type.Boolean(),
    }),
    { description: 'Highest CLV first, at most 1,000' },
  ),
  truncated: Type.Boolean(),
});

export const DetractorsSchema = ListOf(
  Type.Object({
    answerId: Type.String(),
    accountId: Type.String(),
    contactId: Type.String(),
    score: Type.Integer(),
    comment: Type.Union([Type.String(), Type.Null()]),
    answeredAt: Timestamp,
  }),
);
