// Lifecycle automation request and response schemas (decision 0025).
import Type from 'typebox';
import { Limit, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { CatalogReward, EngagementCode, Nullable, OwedFields } from './engagement-schemas.ts';

const Trigger = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal('birthday') },
      { additionalProperties: false, description: "A contact's birthday (once a year per contact)" },
    ),
    Type.Object(
      { kind: Type.Literal('anniversary') },
      {
        additionalProperties: false,
        description: "The account's customerSince anniversary (once a year, from the first year)",
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('milestone'),
        metric: Type.Union([Type.Literal('lifetime_spend'), Type.Literal('lifetime_points')]),
        threshold: Type.String({
          pattern: '^\\d{1,15}(\\.\\d{1,6})?$',
          description: 'Base currency (spend) or points',
          examples: ['50000.00'],
        }),
        eventTypes: Type.Optional(
          Type.Array(EVENT_TYPE_NAME, { minItems: 1, maxItems: 20, uniqueItems: true }),
        ),
      },
      {
        additionalProperties: false,
        description: 'Lifetime spend or points crossing a threshold (once per account)',
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('win_back'),
        days: Type.Integer({ minimum: 0, maximum: 3660 }),
        eventTypes: Type.Array(EVENT_TYPE_NAME, { minItems: 0, maxItems: 20, uniqueItems: true }),
      },
      {
        additionalProperties: false,
        description: 'No event of these types for this many days (once per lapse)',
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('membership_anniversary'),
        plans: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
            minItems: 1,
            maxItems: 20,
            uniqueItems: true,
            description: 'Only memberships of these plans (ids); every plan when absent',
          }),
        ),
      },
      {
        additionalProperties: false,
        description:
          "The yearly date an active membership's first term started, in the program's time zone (once a year per membership, from the first year)",
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('tier_anniversary'),
        tier: Type.String({ minLength: 1, maxLength: 64, description: "The tier's code" }),
        ladder: Type.Optional(
          Type.String({ minLength: 1, maxLength: 64, description: 'Only on this ladder (any by default)' }),
        ),
      },
      {
        additionalProperties: false,
        description:
          "The yearly date an account first reached a tier it still holds, in the program's time zone (once a year per account, from the first year)",
      },
    ),
  ],
  { description: 'What fires it' },
);

const AutomationFields = {
  name: Name,
  trigger: Trigger,
  effect: Type.Object(
    {
      points: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
      cashback: Type.Optional(
        Type.String({
          maxLength: 24,
          description: 'Cash credited to the program\'s base-currency wallet, a decimal ("25.00")',
          examples: ['25.00'],
        }),
      ),
      badge: Type.Optional(EngagementCode),
      catalogReward: Type.Optional(CatalogReward),
    },
    { additionalProperties: false, description: 'What each occurrence gives (once)' },
  ),
  startsAt: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Occurrences from this instant fire (now by default)',
    }),
  ),
  enabled: Type.Optional(Type.Boolean({ description: 'Paused automations fire nothing (true by default)' })),
};

export const CreateAutomationBody = Type.Object(
  { code: EngagementCode, ...AutomationFields },
  { additionalProperties: false },
);
export const UpdateAutomationBody = Type.Object(AutomationFields, { additionalProperties: false });
export const AutomationParams = Type.Object({ automationCode: EngagementCode });

export const AutomationSchema = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    trigger: Type.Unknown(),
    effect: Type.Unknown(),
    startsAt: Timestamp,
    enabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Automation' },
);
export const AutomationPage = PageOf(Type.Ref('Automation'));

export const FiringsQuery = Type.Object({
  account: Type.Optional(Ref('Only the firings of this account (id or externalId)')),
  limit: Type.Optional(Limit),
});
export const ProgramFiringsQuery = Type.Object(
  {
    automation: Type.Optional(EngagementCode),
    account: Type.Optional(Ref('Only the firings of this account (id or externalId)')),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Fired at or after this instant' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Fired before this instant' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 700, description: 'nextCursor of the previous page' }),
    ),
  },
  { additionalProperties: false },
);

export const FiringSchema = Type.Object(
  {
    automation: Type.String(),
    subjectId: Type.String({ description: 'The contact (birthdays) or the account' }),
    occurrence: Type.String({ description: 'The year, the milestone or the lapse: fired once' }),
    accountId: Type.String(),
    contactId: Nullable(Type.String()),
    occurredOn: Type.String({ description: 'The local date it fell on' }),
    firedAt: Timestamp,
    explanation: Type.String({ examples: ['Happy birthday, Inge — 2026'] }),
    points: Nullable(Type.Integer()),
    entryId: Nullable(Type.String()),
    cashback: Nullable(Type.String({ description: 'In the base currency' })),
    cashbackEntryId: Nullable(Type.String()),
    badgeAwardId: Nullable(Type.String()),
    ...OwedFields,
  },
  { $id: 'AutomationFiring' },
);
export const FiringList = Type.Object({ data: Type.Array(Type.Ref('AutomationFiring')) });
export const FiringPage = PageOf(Type.Ref('AutomationFiring'));

/** The automation schemas the routes register (referenced by `$id`). */
export const AUTOMATION_SCHEMAS = [AutomationSchema, FiringSchema];
