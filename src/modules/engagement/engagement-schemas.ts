// Engagement request and response schemas: badges, challenge documents and progress (leaderboards: engagement-leaderboard-schemas.ts).
import Type, { type Static } from 'typebox';
import { Cursor, Limit, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { ChallengeTranslations, Translations } from './engagement-translation-schemas.ts';

export const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

export const EngagementCode = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,59}$',
  description: 'Stable key (lower case letters, digits, _ and -)',
  examples: ['three-trainings'],
});

export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const CatalogReward = Type.String({
  minLength: 1,
  maxLength: 64,
  description:
    "A catalog reward's id, issued free (a redemption at price 0, taking its stock; skipped when out of stock)",
});

const ImageUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });
const ValidDays = Type.Integer({
  minimum: 1,
  maximum: 36_500,
  description: 'An award expires this many days after it is given (unless the award names its own expiry)',
});

// Badges

export const BadgeSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    imageUrl: Nullable(Type.String()),
    translations: Type.Record(Type.String(), Type.Unknown()),
    validDays: Nullable(Type.Integer()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Badge' },
);

export const CreateBadgeBody = Type.Object(
  {
    code: EngagementCode,
    name: Name,
    description: Type.Optional(Text(2000)),
    imageUrl: Type.Optional(ImageUrl),
    translations: Type.Optional(Translations),
    validDays: Type.Optional(ValidDays),
  },
  { additionalProperties: false },
);

export const UpdateBadgeBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Text(2000)),
    imageUrl: Type.Optional(ImageUrl),
    translations: Type.Optional(Translations),
    validDays: Type.Optional(Nullable(ValidDays)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const BadgeParams = Type.Object({ badgeCode: EngagementCode });

export const AwardSchema = Type.Object(
  {
    id: Type.String(),
    badge: Type.Ref('Badge'),
    accountId: Type.String(),
    contactId: Nullable(Type.String()),
    awardedAt: Timestamp,
    expiresAt: Nullable(Timestamp),
    expired: Type.Boolean(),
    source: Type.Union([Type.Literal('manual'), Type.Literal('challenge'), Type.Literal('automation')]),
    sourceKey: Nullable(Type.String()),
    note: Nullable(Type.String()),
  },
  { $id: 'BadgeAward' },
);

export const AwardBody = Type.Object(
  {
    badge: EngagementCode,
    contact: Type.Optional(Ref('A contact of the account (id)')),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: "Overrides the badge's validDays" }),
    ),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);

export const PageQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) });

export const AwardsQuery = Type.Object({
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
  includeExpired: Type.Optional(Type.Boolean({ description: 'Also the awards that have expired' })),
});

export const BadgePage = PageOf(Type.Ref('Badge'));
export const AwardPage = PageOf(Type.Ref('BadgeAward'));

// Challenges

export const Window = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal('fixed'), from: Timestamp, to: Timestamp },
      { additionalProperties: false, description: 'Fixed dates: [from, to)' },
    ),
    Type.Object(
      {
        kind: Type.Literal('calendar'),
        period: Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]),
      },
      {
        additionalProperties: false,
        description: "Each calendar month, quarter or year in the program's time zone, a window of its own",
      },
    ),
    Type.Object(
      { kind: Type.Literal('rolling'), days: Type.Integer({ minimum: 0, maximum: 3660 }) },
      {
        additionalProperties: false,
        description: 'Opt-in challenges only: this many days from the moment the member joined',
      },
    ),
  ],
  { description: 'When progress counts' },
);

const Goal = Type.Object(
  {
    metric: Type.Union(
      [Type.Literal('count'), Type.Literal('sum'), Type.Literal('distinct'), Type.Literal('streak')],
      {
        description:
          'count: the number of events; sum: their amount in the base currency, or a numeric attribute; distinct: the number of different values of an attribute; streak: the longest run of consecutive weeks or months (program time zone) with an event',
      },
    ),
    period: Type.Optional(
      Type.Union([Type.Literal('week'), Type.Literal('month')], {
        description: 'streak only: weeks (Monday to Sunday) or calendar months',
      }),
    ),
    eventTypes: Type.Array(EVENT_TYPE_NAME, { minItems: 1, maxItems: 20, uniqueItems: true }),
    attribute: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'sum: the numeric attribute (the amount when absent); distinct: the attribute. Each event type must declare it.',
      }),
    ),
    target: Type.String({
      pattern: '^\\d{1,15}(\\.\\d{1,6})?$',
      description: 'count, distinct and streak: a whole number of at least 1; sum: a decimal',
      examples: ['3', '50000.00'],
    }),
    label: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
);

const ChallengeFields = {
  name: Name,
  description: Type.Optional(Text(2000)),
  translations: Type.Optional(ChallengeTranslations),
  goals: Type.Array(Goal, {
    minItems: 1,
    maxItems: 10,
    description: 'Reached in the same window: all of them, or `required` of them',
  }),
  required: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10, description: 'Any N of the goals complete it (all by default)' }),
  ),
  ordered: Type.Optional(
    Type.Boolean({
      description:
        'In order: each goal counts only the events after the one with which the goal before it was reached',
    }),
  ),
  enrolment: Type.Optional(
    Type.Union([Type.Literal('automatic'), Type.Literal('opt_in')], {
      description:
        'automatic (default): every account in the audience; opt_in: members join, and count from then',
    }),
  ),
  participant: Type.Optional(
    Type.Union([Type.Literal('account'), Type.Literal('contact')], {
      description:
        "account (default, a team challenge: every contact's events count); contact: each contact progresses and completes on its own, with the events naming it",
    }),
  ),
  window: Window,
  startsAt: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Events from this instant count, also those sent late (now by default)',
    }),
  ),
  endsAt: Type.Optional(
    Type.String({ format: 'date-time', description: 'No event from this instant counts' }),
  ),
  audience: Type.Optional(
    Type.Object(
      {
        condition: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 2000,
            description:
              'A CEL condition over the account, as rules see it (account.segment, account.tier, …); a contact challenge also over contact.role, contact.locale, contact.id',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  reward: Type.Object(
    {
      points: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
      badge: Type.Optional(EngagementCode),
      catalogReward: Type.Optional(CatalogReward),
    },
    { additionalProperties: false, description: 'What a completion gives, once per account and window' },
  ),
};

export const CreateChallengeBody = Type.Object(
  { code: EngagementCode, ...ChallengeFields },
  { additionalProperties: false },
);
export const UpdateChallengeBody = Type.Object(ChallengeFields, { additionalProperties: false });

export const ChallengeSchema = Type.Object(
  {
    code: Type.String(),
    version: Type.Integer(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    translations: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    goals: Type.Array(Type.Unknown()),
    required: Type.Optional(Type.Integer()),
    ordered: Type.Optional(Type.Boolean()),
    enrolment: Type.Optional(Type.String()),
    participant: Type.Optional(Type.String()),
    window: Type.Unknown(),
    startsAt: Timestamp,
    endsAt: Type.Optional(Timestamp),
    audience: Type.Optional(Type.Unknown()),
    reward: Type.Unknown(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Challenge' },
);
export const ChallengePage = PageOf(Type.Ref('Challenge'));
export const ChallengeParams = Type.Object({ challengeCode: EngagementCode });

/** What a completion or firing says of its catalog reward (decisions 0041 and 0053). */
export const OwedFields = {
  rewardId: Nullable(Type.String({ description: 'The catalog reward it gives' })),
  redemptionId: Nullable(
    Type.String({
      description: 'The catalog reward issued free (a redemption at price 0), at once or later',
    }),
  ),
  rewardSkipped: Nullable(
    Type.String({
      description: 'Why the catalog reward was not issued at once (out of stock); kept once issued later',
    }),
  ),
  rewardIssuedAt: Nullable(Timestamp),
  rewardWaivedAt: Nullable(Timestamp),
  rewardWaivedReason: Nullable(Type.String()),
};

export const Completion = Type.Object({
  contactId: Nullable(
    Type.String({ description: 'The contact that completed a contact challenge, else null' }),
  ),
  windowKey: Type.String(),
  completedAt: Timestamp,
  recordedAt: Timestamp,
  version: Type.Integer(),
  points: Nullable(Type.Integer()),
  entryId: Nullable(Type.String()),
  badgeAwardId: Nullable(Type.String()),
  ...OwedFields,
});

export const ProgressSchema = Type.Object(
  {
    challenge: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    translations: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Name and description per language tag',
    }),
    version: Type.Integer(),
    accountId: Type.String(),
    contactId: Nullable(
      Type.String({ description: 'The contact whose progress it is (a contact challenge)' }),
    ),
    participant: Type.Union([Type.Literal('account'), Type.Literal('contact')]),
    counts: Type.String({
      description: 'Which events count (a contact challenge leaves out those without a contact)',
    }),
    asOf: Timestamp,
    window: Nullable(Type.Object({ key: Type.String(), start: Timestamp, end: Timestamp })),
    enrolment: Type.Union([Type.Literal('automatic'), Type.Literal('opt_in')]),
    joinedAt: Nullable(Timestamp),
    status: Type.Union([
      Type.Literal('open'),
      Type.Literal('completed'),
      Type.Literal('not_started'),
      Type.Literal('not_joined'),
      Type.Literal('ended'),
    ]),
    eligible: Type.Boolean({ description: "Whether the account is in the challenge's audience" }),
    goals: Type.Array(
      Type.Object({
        metric: Type.String(),
        eventTypes: Type.Array(Type.String()),
        attribute: Nullable(Type.String()),
        period: Nullable(Type.String()),
        label: Nullable(Type.String()),
        value: Type.String(),
        target: Type.String(),
        done: Type.Boolean(),
      }),
    ),
    steps: Type.Integer(),
    stepsDone: Type.Integer(),
    required: Type.Integer({ description: 'How many goals complete the challenge' }),
    ordered: Type.Boolean(),
    completed: Type.Boolean({ description: 'The required goals are reached in this window' }),
    timeLeftSeconds: Type.Integer(),
    reward: Type.Unknown(),
    completion: Nullable(Completion),
  },
  { $id: 'ChallengeProgress' },
);

export const ProgressQuery = Type.Object({
  account: Type.Optional(Ref('Account id or externalId (an account challenge)')),
  contact: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Contact id (a contact challenge)' }),
  ),
  asOf: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Progress in the window of this instant (now by default)',
    }),
  ),
});

export const AccountChallengesQuery = Type.Object({
  asOf: Type.Optional(Type.String({ format: 'date-time' })),
});

export const AccountChallenges = Type.Object({
  data: Type.Array(Type.Ref('ChallengeProgress')),
  completions: Type.Array(Type.Intersect([Type.Object({ challenge: Type.String() }), Completion])),
});

export const DueRunBody = Type.Optional(
  Type.Object(
    {
      asOf: Type.Optional(
        Type.String({ format: 'date-time', description: 'Re-check as of this instant (now by default)' }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const DueRunResult = Type.Object({
  checked: Type.Integer({ description: 'Account (or joined contact) windows of challenges re-checked' }),
  completed: Type.Integer({ description: 'Challenge completions paid' }),
  fired: Type.Integer({ description: 'Automation occurrences fired' }),
  rewardsIssued: Type.Integer({
    description: 'Owed catalog rewards issued now that their reward is in stock again (at most 100 a run)',
  }),
  refreshed: Type.Integer({ description: 'Leaderboard ranking tables refreshed' }),
});

export type CreateBadgeInput = Static<typeof CreateBadgeBody>;
