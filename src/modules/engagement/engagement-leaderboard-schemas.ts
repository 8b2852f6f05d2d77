// Leaderboard request and response schemas.
import Type from 'typebox';
import { Country, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { EngagementCode, Nullable, Text, Window } from './engagement-schemas.ts';

const LeaderboardFields = {
  name: Name,
  metric: Type.Union([Type.Literal('points_earned'), Type.Literal('qualifying_spend')], {
    description: 'points earned from rules (net of returns), or spend in the base currency (net of returns)',
  }),
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
export const ExclusionBody = Type.Optional(
  Type.Object({ reason: Type.Optional(Text(500)) }, { additionalProperties: false }),
);
export const ExclusionSchema = Type.Object({
  leaderboard: Type.String(),
  accountId: Type.String(),
  excluded: Type.Boolean(),
});

const Place = Type.Object({
  rank: Type.Integer(),
  accountId: Type.String(),
  externalId: Nullable(Type.String()),
  name: Nullable(Type.String()),
  value: Type.String({ description: 'Points, or an amount in the base currency' }),
});

export const StandingsQuery = Type.Object({
  account: Type.Optional(
    Ref('An account whose own place and neighbours are answered too (id or externalId)'),
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
  ranked: Type.Integer({ description: 'How many accounts have a place' }),
  top: Type.Array(Place),
  account: Nullable(
    Type.Object({
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
