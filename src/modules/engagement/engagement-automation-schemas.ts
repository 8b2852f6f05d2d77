// Lifecycle automation request and response schemas (decision 0025).
import Type from 'typebox';
import { Limit, Name, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { EngagementCode, Nullable } from './engagement-schemas.ts';

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
export const FiringList = Type.Object({
  data: Type.Array(
    Type.Object({
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
    }),
  ),
});
