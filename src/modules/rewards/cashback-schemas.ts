// Request and response schemas of charities, donations and payouts.
import Type, { type Static } from 'typebox';
import { Amount, Currency, Cursor, Limit, Name, Ref, Timestamp } from '../../http/schemas.ts';
import { ContactRef, Nullable, Text, Unit } from './rewards-schemas.ts';
import { PAYOUT_METHODS } from './rewards-tables.ts';

export const CreateCharityBody = Type.Object(
  { name: Name, description: Type.Optional(Text(4000)), url: Type.Optional(Type.String({ format: 'uri' })) },
  { additionalProperties: false },
);
export const UpdateCharityBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Text(4000))),
    url: Type.Optional(Nullable(Type.String({ format: 'uri' }))),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const CharityParams = Type.Object({ charityId: Ref('Charity id') });
export const CharitySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    url: Nullable(Type.String()),
    status: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'Charity', title: 'Charity' },
);

export const DonationBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    charityId: Ref('Charity id'),
    unit: Unit,
    amount: Type.Optional(Type.Union([Amount], { description: 'Omit to donate everything available' })),
    contactId: Type.Optional(ContactRef),
  },
  { additionalProperties: false },
);
export const DonationSchema = Type.Object({
  id: Type.String(),
  charityId: Type.String(),
  accountId: Type.String(),
  contactId: Nullable(Type.String()),
  unit: Type.String(),
  amount: Type.Integer(),
  entryId: Type.String({ description: 'The ledger entry (type donate)' }),
  createdAt: Timestamp,
});

export const PayoutBody = Type.Object(
  {
    account: Ref('Account id or externalId'),
    currency: Currency,
    amount: Type.Optional(
      Type.Union([Amount], { description: 'Minor units; omit to pay out everything available' }),
    ),
    method: Type.Enum([...PAYOUT_METHODS], {
      description: 'How the operator pays it (the money moves outside Fidelis)',
    }),
    reference: Type.Optional(Text(200, 'e.g. the IBAN or the payment reference')),
    contactId: Type.Optional(ContactRef),
  },
  { additionalProperties: false },
);
export const PayoutSchema = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  contactId: Nullable(Type.String()),
  unit: Type.String(),
  amount: Type.Integer(),
  method: Type.String(),
  reference: Nullable(Type.String()),
  entryId: Type.String({ description: 'The ledger entry (type payout)' }),
  createdAt: Timestamp,
});
export const CashListQuery = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId')),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export type CreateCharityInput = Static<typeof CreateCharityBody>;
export type UpdateCharityInput = Static<typeof UpdateCharityBody>;
export type DonationInput = Static<typeof DonationBody>;
export type PayoutInput = Static<typeof PayoutBody>;
export type CashListInput = Static<typeof CashListQuery>;

/** Donations of a period ([from, to), instants), a charity, an account (decision 0024). */
export const DonationPeriodQuery = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId')),
    charity: Type.Optional(Ref('Charity id')),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Donations made at or after this instant' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'Donations made before this instant' }),
    ),
  },
  { additionalProperties: false },
);

export const DonationListQuery = Type.Object(
  {
    ...DonationPeriodQuery.properties,
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const DonationTotalsSchema = Type.Object({
  from: Nullable(Timestamp),
  to: Nullable(Timestamp),
  data: Type.Array(
    Type.Object({
      charityId: Type.String(),
      name: Type.String(),
      unit: Type.String({ description: 'points or a currency' }),
      amount: Type.Integer({ description: 'In minor units of a currency, or points' }),
      count: Type.Integer(),
    }),
    { description: 'Per charity and unit: what the program owes it for the period' },
  ),
});

export type DonationPeriodInput = Static<typeof DonationPeriodQuery>;
export type DonationListInput = Static<typeof DonationListQuery>;
