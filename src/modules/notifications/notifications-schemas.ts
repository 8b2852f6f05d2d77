// Request and response schemas of the notifications module.
import Type from 'typebox';
import { PERIOD_PATTERN } from '../../core/notifications/statement-period.ts';
import { Cursor, Limit, PageOf, Timestamp } from '../../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const MailSchema = Type.Object(
  {
    id: Type.String({ examples: ['ntm_01J…'] }),
    kind: Type.String({
      description: 'The message type it reports, or statement',
      examples: ['points.credited'],
    }),
    contactId: Type.String(),
    accountId: Type.String(),
    messageId: Nullable(Type.String({ description: 'The outbox message it reports' })),
    period: Nullable(Type.String({ description: "A statement's month (YYYY-MM) or quarter (YYYY-Qn)" })),
    state: Type.String({ description: 'pending, sent, skipped (opted out, no longer a contact) or failed' }),
    attempts: Type.Integer({ minimum: 0 }),
    to: Nullable(Type.String({ description: 'The address it was sent to' })),
    subject: Nullable(Type.String()),
    locale: Nullable(Type.String({ description: 'The language it was written in' })),
    lastError: Nullable(Type.String()),
    createdAt: Timestamp,
    sentAt: Nullable(Timestamp),
  },
  { $id: 'NotificationMail' },
);

export const MailPage = PageOf(Type.Ref('NotificationMail'));

export const MailsQuery = Type.Object(
  {
    contactId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    state: Type.Optional(Type.Union(['pending', 'sent', 'skipped', 'failed'].map((s) => Type.Literal(s)))),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const OptOutParams = Type.Object({ contactId: Type.String({ minLength: 1, maxLength: 64 }) });

export const OptOutSchema = Type.Object({
  contactId: Type.String(),
  optedOut: Type.Boolean({ description: 'The contact receives no e-mail from the program' }),
});

export const StatementParams = Type.Object({
  accountId: Type.String({ minLength: 1, maxLength: 200, description: 'The account (id or externalId)' }),
  period: Type.String({
    pattern: PERIOD_PATTERN,
    description: 'The month (YYYY-MM) or the quarter (YYYY-Qn, n from 1 to 4)',
    examples: ['2026-03', '2026-Q1'],
  }),
});

export const StatementQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('html')], {
        description: 'json (default) or html (a preview of the document the e-mail carries; nothing is sent)',
      }),
    ),
    locale: Type.Optional(
      Type.Union(
        ['en', 'id', 'pl', 'fa', 'th'].map((l) => Type.Literal(l)),
        {
          description: "The language of the HTML and of the rewards' names (default: the program's)",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const Amount = (description: string) => Type.Integer({ description });

/** One unit's figures (decision 0037): opening + earned + adjusted − redeemed − expired + other = closing. */
export const StatementLineSchema = Type.Object(
  {
    unit: Type.String({ examples: ['points'] }),
    opening: Amount('Balance at the start of the period'),
    earned: Amount(
      'Credits of earn entries during the period (rules, referrals, automations, API credits …)',
    ),
    earnedByReason: Type.Array(
      Type.Object({
        reason: Type.String({
          description:
            "The entries' reason code: earn_rule, cashback, referral_referrer, referral_referred, challenge_completed, membership_service_credit, automation_*, or the code an API credit gave",
        }),
        amount: Type.Integer(),
      }),
      { description: 'earned by reason, most first (they add up to earned)' },
    ),
    adjusted: Amount('Manual adjustments during the period, signed'),
    redeemed: Amount('Redemptions, donations and payouts during the period'),
    expired: Amount('Expiries during the period'),
    other: Amount('Reversals (returns take back, refunds give back) and transfers during the period, signed'),
    otherByType: Type.Array(
      Type.Object({ type: Type.String({ description: 'reverse or transfer' }), amount: Type.Integer() }),
      { description: 'other by entry type' },
    ),
    closing: Amount('Balance at the end: opening + earned + adjusted − redeemed − expired + other'),
    expiringSoon: Amount(
      'Of the closing balance, what expires within expiringWithinDays after the end (as the journal stood at the end)',
    ),
    expiringNext: Type.Array(Type.Object({ period: Type.String(), amount: Type.Integer() }), {
      description:
        'Of the closing balance, what expires in each of the next three periods (as the journal stood at the end)',
    }),
  },
  { $id: 'StatementLine' },
);

export const StatementTierSchema = Type.Object(
  {
    ladderName: Type.String(),
    tier: Nullable(Type.String({ description: 'The tier held at the end of the period' })),
    tierName: Nullable(Type.String()),
    metric: Type.String({
      description: "The ladder's metric over its window ending with the period (decimal)",
    }),
    next: Nullable(
      Type.Object({
        tier: Type.String(),
        name: Type.String(),
        needed: Type.String({ description: 'What the metric still needed then (decimal)' }),
      }),
    ),
  },
  { $id: 'StatementTier' },
);

export const StatementRewardSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'In the language asked' }),
    price: Type.Integer(),
    unit: Type.String(),
    short: Type.Integer({ description: 'What the closing balance lacks (0: affordable)' }),
  },
  { $id: 'StatementReward' },
);

export const StatementSchema = Type.Object({
  accountId: Type.String(),
  accountName: Type.String(),
  period: Type.String({ examples: ['2026-03', '2026-Q1'] }),
  cadence: Type.Union([Type.Literal('monthly'), Type.Literal('quarterly')]),
  start: Timestamp,
  end: Timestamp,
  expiringWithinDays: Type.Integer(),
  lines: Type.Array(Type.Ref('StatementLine')),
  tiers: Type.Array(Type.Ref('StatementTier'), {
    description: 'The tier and progress at the end of the period on each ladder (from the tier history)',
  }),
  rewards: Type.Array(Type.Ref('StatementReward'), {
    description:
      'Up to three rewards within reach of the closing points balance (priced at most 25 % above it), closest to the balance first; from the catalog as it is, limited to rewards in it before the end',
  }),
});

export const DueRunBody = Type.Optional(
  Type.Object(
    {
      asOf: Type.Optional(
        Type.String({ format: 'date-time', description: 'Run as of this instant (now by default)' }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const DueRunResult = Type.Object({
  expiringSoon: Type.Integer({ description: 'Lots announced as expiring soon by this run' }),
  period: Type.String({
    description: "The month or quarter (the program's cadence) whose statements this run is for",
  }),
  statements: Type.Integer({ description: 'Statement mails scheduled by this run' }),
  alreadyScheduled: Type.Boolean({ description: "The period's statements were scheduled by an earlier run" }),
  mailing: Type.Boolean({
    description:
      'Statements are mailed: e-mail is configured (SMTP_URL) and settings.notifications.statements is not false',
  }),
});

export const UnsubscribeParams = Type.Object({
  link: Type.String({
    minLength: 16,
    maxLength: 64,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'The unsubscribe token one mail carries',
  }),
});

/** The unsubscribe pages answer HTML (a browser opens them from a mail). */
export const UnsubscribePage = {
  description: 'The page (text/html), in the language of the contact the mail went to',
  content: { 'text/html': { schema: { type: 'string' } } },
} as const;

/** An unknown link: the page for a browser (`Accept: text/html`), else a problem document. */
export const UnsubscribeUnknown = {
  description:
    'unsubscribe_link_invalid: a problem document (application/problem+json), or the page for a browser',
  content: {
    'application/problem+json': { schema: Type.Ref('Problem') },
    'text/html': { schema: { type: 'string' } },
  },
} as const;
