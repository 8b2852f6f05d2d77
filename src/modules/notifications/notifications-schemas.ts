// Request and response schemas of the notifications module.
import Type from 'typebox';
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
    period: Nullable(Type.String({ description: "A statement's month (YYYY-MM)" })),
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
  period: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'The month, YYYY-MM' }),
});

export const StatementQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('html')], {
        description: 'json (default) or html (the document the e-mail carries)',
      }),
    ),
    locale: Type.Optional(
      Type.Union(
        ['en', 'id', 'pl', 'fa', 'th'].map((l) => Type.Literal(l)),
        {
          description: "The HTML's language (default: the program's)",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const StatementSchema = Type.Object({
  accountId: Type.String(),
  accountName: Type.String(),
  period: Type.String({ examples: ['2026-03'] }),
  start: Timestamp,
  end: Timestamp,
  expiringWithinDays: Type.Integer(),
  lines: Type.Array(
    Type.Object({
      unit: Type.String({ examples: ['points'] }),
      opening: Type.Integer({ description: 'Balance at the start of the period' }),
      earned: Type.Integer({ description: 'Credits during the period' }),
      spent: Type.Integer({ description: 'Debits during the period (redemptions, transfers, adjustments)' }),
      expired: Type.Integer({ description: 'Expiries during the period' }),
      closing: Type.Integer({ description: 'Balance at the end: opening + earned − spent − expired' }),
      expiringSoon: Type.Integer({
        description: 'Of the closing balance, what expires within expiringWithinDays after the end',
      }),
    }),
  ),
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
  period: Type.String({ description: 'The month whose statements this run is for' }),
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
