// Leaderboard request and response schemas.
import Type from 'typebox';
import { Country, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { EngagementCode, Nullable, Text, Window } from './engagement-schemas.ts';

const LeaderboardFields = {
  name: Name,
  metric: Type.Union(
    [Type.Literal('points_earned'), Type.Literal('qualifying_spend'), Type.Literal('challenge_progress')],
    {
      description:
        'points earned from rules (net of returns), spend in the base currency (net of returns), or a ' +
        'challenge’s progress on one of its goals (a contact challenge’s leaderboard ranks its contacts)',
    },
  ),
  challenge: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'challenge_progress: the code of the challenge whose progress ranks (not an opt-in one)',
    }),
  ),
  goal: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 19,
      description:
        'challenge_progress: the goal whose value ranks, by its index in the challenge’s goals (0)',
    }),
  ),
  eventTypes: Type.Optional(
    Type.Array(EVENT_TYPE_NAME, {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      description: 'qualifying_spend: the event types that count (purchase and invoice.paid by default)',
    }),
  ),
  window: Window,
  audience: Type.Optional(
    Type.Object(
      {
        segments: Type.Optional(Type.Array(Text(100), { minItems: 1, maxItems: 50, uniqueItems: true })),
        countries: Type.Optional(Type.Array(Country, { minItems: 1, maxItems: 250, uniqueItems: true })),
      },
      {
        additionalProperties: false,
        description: 'Accounts of any of these segments and any of these countries',
      },
    ),
  ),
  size: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, description: 'Places in the top (10 by default)' }),
  ),
};

export const CreateLeaderboardBody = Type.Object(
  { code: EngagementCode, ...LeaderboardFields },
  { additionalProperties: false },
);

export const LeaderboardSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    metric: Type.String(),
    eventTypes: Type.Optional(Type.Array(Type.String())),
    challenge: Type.Optional(Type.String()),
    goal: Type.Optional(Type.Integer()),
    window: Type.Unknown(),
    audience: Type.Optional(Type.Unknown()),
    size: Type.Optional(Type.Integer()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Leaderboard' },
);
export const LeaderboardPage = PageOf(Type.Ref('Leaderboard'));
export const LeaderboardParams = Type.Object({ leaderboardCode: EngagementCode });
export const ExclusionParams = Type.Object({
  leaderboardCode: EngagementCode,
  accountId: Ref('Account id or externalId'),
});
export const ContactExclusionParams = Type.Object({
  leaderboardCode: EngagementCode,
  contactId: Type.String({ minLength: 1, maxLength: 100, description: 'The contact id' }),
});
export const ExclusionBody = Type.Optional(
  Type.Object({ reason: Type.Optional(Text(500)) }, { additionalProperties: false }),
);
export const ExclusionSchema = Type.Object({
  leaderboard: Type.String(),
  accountId: Type.String(),
  contactId: Type.Optional(Type.String({ description: 'A contact left out (or taken back) by itself' })),
  excluded: Type.Boolean(),
});

const Place = Type.Object({
  rank: Type.Integer(),
  accountId: Type.String(),
  externalId: Nullable(Type.String()),
  name: Nullable(Type.String()),
  contactId: Type.Optional(
    Type.String({ description: 'On a contact challenge’s leaderboard: the contact ranked' }),
  ),
  contactName: Type.Optional(Nullable(Type.String())),
  value: Type.String({
    description: 'Points, an amount in the base currency, or the ranked goal’s value (challenge_progress)',
  }),
});

export const StandingsQuery = Type.Object({
  account: Type.Optional(
    Ref('An account whose own place and neighbours are answered too (id or externalId)'),
  ),
  contact: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'On a contact challenge’s leaderboard: a contact whose own place and neighbours are answered too',
    }),
  ),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  asOf: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'Standings in the period of this instant, up to it, ranked now from the events (without it: the current period from the ranking table)',
    }),
  ),
});

export const StandingsSchema = Type.Object({
  leaderboard: Type.String(),
  name: Type.String(),
  metric: Type.String(),
  challenge: Type.Optional(Type.String({ description: 'challenge_progress: the challenge ranked' })),
  subject: Type.Optional(
    Type.Union([Type.Literal('account'), Type.Literal('contact')], {
      description: 'challenge_progress: who is ranked (a contact challenge’s contacts, else accounts)',
    }),
  ),
  unit: Type.String(),
  period: Type.Object({ key: Type.String(), start: Timestamp, end: Timestamp }),
  asOf: Timestamp,
  freshness: Type.Object(
    {
      source: Type.Union([Type.Literal('ranking'), Type.Literal('live')], {
        description:
          'ranking: the ranking table of the current period, refreshed by the due run every minute; live: ranked now as of asOf',
      }),
      refreshedAt: Type.String({ format: 'date-time', description: 'Events up to this instant are counted' }),
      ageSeconds: Type.Integer({ description: 'How old the standings are' }),
    },
    { description: 'How fresh the standings are' },
  ),
  ranked: Type.Integer({ description: 'How many accounts (or contacts) have a place' }),
  top: Type.Array(Place),
  account: Nullable(
    Type.Object({
      accountId: Type.String(),
      rank: Nullable(Type.Integer()),
      value: Nullable(Type.String()),
      neighbours: Type.Array(Place),
    }),
  ),
  contact: Type.Optional(
    Type.Object({
      contactId: Type.String(),
      accountId: Type.String(),
      rank: Nullable(Type.Integer()),
      value: Nullable(Type.String()),
      neighbours: Type.Array(Place),
    }),
  ),
});

export const RefreshSchema = Type.Object({
  leaderboard: Type.String(),
  period: Type.Object({ key: Type.String(), start: Timestamp, end: Timestamp }),
  refreshedAt: Timestamp,
  ranked: Type.Integer(),
});
