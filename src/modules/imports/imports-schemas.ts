import Type, { type Static } from 'typebox';
import { CalendarDate, Country, Currency, ExternalId, Locale, Name } from '../../http/schemas.ts';
import { AccountStatusSchema } from '../accounts/accounts-schemas.ts';
import { ContactRoleSchema, Email } from '../contacts/contacts-schemas.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

/** What one CSV row of an account import must hold, after empty cells are dropped. */
export const AccountImportRowSchema = Type.Object({
  externalId: ExternalId,
  name: Name,
  parentExternalId: Type.Optional(ExternalId),
  segment: Type.Optional(Text(100)),
  country: Type.Optional(Country),
  preferredCurrency: Type.Optional(Currency),
  status: Type.Optional(AccountStatusSchema),
  customerSince: Type.Optional(CalendarDate),
  attributes: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 1000 }))),
  referralCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  referredBy: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  referralProgram: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  referredByContact: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
});

export const ContactImportRowSchema = Type.Object({
  email: Email,
  account: ExternalId,
  name: Type.Optional(Text(200)),
  role: Type.Optional(ContactRoleSchema),
  birthday: Type.Optional(CalendarDate),
  locale: Type.Optional(Locale),
  marketingOptIn: Type.Optional(Type.Boolean()),
  statementOptIn: Type.Optional(Type.Boolean()),
});

export const RelationshipImportRowSchema = Type.Object({
  fromExternalId: ExternalId,
  type: Type.Literal('manages'),
  toExternalId: ExternalId,
  startedAt: Text(40),
  endedAt: Type.Optional(Text(40)),
});

export const ImportQuery = Type.Object(
  {
    skipInvalid: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Import the valid rows and report the others (default: import nothing when any row is bad)',
      }),
    ),
    dryRun: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Validate only and write nothing; the report counts what the import would create and update',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ImportReportSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('accounts'), Type.Literal('contacts'), Type.Literal('relationships')]),
    dryRun: Type.Boolean(),
    rows: Type.Integer({ description: 'Data rows in the file' }),
    created: Type.Integer(),
    updated: Type.Integer(),
    skipped: Type.Integer({ description: 'Invalid rows left out (only with skipInvalid)' }),
    errors: Type.Array(Type.Object({ line: Type.Integer(), path: Type.String(), message: Type.String() }), {
      description:
        'Each bad row: its line in the file (the header is line 1), the column and the reason; at most 1000',
    }),
    referrals: Type.Optional(
      Type.Array(
        Type.Object({
          line: Type.Integer(),
          externalId: Type.String(),
          referrerAccountId: Type.String(),
          status: Type.String({ description: 'pending, or review when a guard set to flag found something' }),
          findings: Type.Array(
            Type.Object({ guard: Type.String(), action: Type.String(), reason: Type.String() }),
          ),
        }),
        {
          description:
            'Account imports naming referrers: the referral each row recorded (a dry run: would record), in file order; at most 1000. ' +
            "The velocity guard counts the file's earlier rows of the same referrer (decision 0063)",
        },
      ),
    ),
  },
  { $id: 'ImportReport', title: 'ImportReport' },
);

export type ImportReport = Static<typeof ImportReportSchema>;
export type ImportOptions = Static<typeof ImportQuery>;
