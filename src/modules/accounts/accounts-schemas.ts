import Type, { type Static } from 'typebox';
import {
  Attributes,
  CalendarDate,
  Country,
  Currency,
  Cursor,
  ExternalId,
  Limit,
  Name,
  PageOf,
  Ref,
  Timestamp,
} from '../../http/schemas.ts';
import { ACCOUNT_STATUSES } from './accounts-tables.ts';

export const AccountStatusSchema = Type.Union(
  [Type.Literal('prospect'), Type.Literal('enrolled'), Type.Literal('suspended'), Type.Literal('closed')],
  { description: `One of ${ACCOUNT_STATUSES.join(', ')}` },
);
const Segment = Type.String({ minLength: 1, maxLength: 100, examples: ['hospitality'] });

export const AccountSchema = Type.Object(
  {
    id: Type.String({ examples: ['acc_01JD0000000000000000000000'] }),
    externalId: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    parentId: Type.Union([Type.String(), Type.Null()]),
    segment: Type.Union([Type.String(), Type.Null()]),
    country: Type.Union([Type.String(), Type.Null()]),
    preferredCurrency: Type.Union([Type.String(), Type.Null()]),
    status: AccountStatusSchema,
    customerSince: Type.Union([Type.String(), Type.Null()]),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Account', title: 'Account' },
);

export const CreateAccountBody = Type.Object(
  {
    externalId: Type.Optional(ExternalId),
    name: Name,
    parentId: Type.Optional(Ref('Parent account: its id or externalId')),
    segment: Type.Optional(Segment),
    country: Type.Optional(Country),
    preferredCurrency: Type.Optional(Currency),
    status: Type.Optional(AccountStatusSchema),
    customerSince: Type.Optional(CalendarDate),
    attributes: Type.Optional(Attributes),
    referralCode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description:
          "A referrer's code: the new account is attributed to it in the same transaction, with the checks of POST /v1/referrals (an unknown or deactivated code, a guard that refuses: no account is created)",
      }),
    ),
    referredBy: Type.Optional(
      Ref(
        'The referrer account (its id or externalId), instead of a referralCode: the new account is attributed to it in the same transaction, with the same checks (decision 0060)',
      ),
    ),
    referralProgram: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description:
          'With referredBy: the referral program (its code) the referral follows; needed when the program has several active ones',
      }),
    ),
    referredByContact: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description:
          'With referredBy: the person at the referrer who referred (a contact id of the referrer account)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Object(
  {
    externalId: Type.Optional(Type.Union([ExternalId, Type.Null()])),
    name: Type.Optional(Name),
    parentId: Type.Optional(
      Type.Union([Ref('Parent account: its id or externalId; null detaches'), Type.Null()]),
    ),
    segment: Type.Optional(Type.Union([Segment, Type.Null()])),
    country: Type.Optional(Type.Union([Country, Type.Null()])),
    preferredCurrency: Type.Optional(Type.Union([Currency, Type.Null()])),
    status: Type.Optional(AccountStatusSchema),
    customerSince: Type.Optional(Type.Union([CalendarDate, Type.Null()])),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListAccountsQuery = Type.Object(
  {
    status: Type.Optional(AccountStatusSchema),
    segment: Type.Optional(Segment),
    country: Type.Optional(Country),
    parentId: Type.Optional(
      Ref('Only direct children of this account (id or externalId); "none" for top-level accounts'),
    ),
    externalId: Type.Optional(ExternalId),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name' })),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal('name'), Type.Literal('-name'), Type.Literal('createdAt'), Type.Literal('-createdAt')],
        {
          description:
            'The order: by name (ignoring case) or by creation, descending with a leading minus; ties in id order. Without it, id order. A cursor continues the order of the page it came from: send the same sort with it.',
        },
      ),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const AccountParams = Type.Object({ accountId: Ref('Account id or externalId') });

export const AccountPage = PageOf(Type.Ref('Account'));

export interface AccountTreeNode {
  account: Account;
  children: AccountTreeNode[];
}

export const AccountTreeNodeSchema = Type.Object(
  {
    account: Type.Ref('Account'),
    children: Type.Array(Type.Ref('AccountTreeNode')),
  },
  { $id: 'AccountTreeNode', title: 'AccountTreeNode' },
);

export const AccountTreeSchema = Type.Object({
  ancestors: Type.Array(Type.Ref('Account'), { description: 'From the top group down to the parent' }),
  tree: Type.Ref('AccountTreeNode'),
  truncated: Type.Boolean({ description: 'True when the subtree was cut at the size limit' }),
});

export type Account = Static<typeof AccountSchema>;
export type CreateAccountInput = Static<typeof CreateAccountBody>;
export type UpdateAccountInput = Static<typeof UpdateAccountBody>;
export type ListAccountsInput = Static<typeof ListAccountsQuery>;

export const RelationshipSchema = Type.Object(
  {
    id: Type.String({ examples: ['rel_01JD0000000000000000000000'] }),
    type: Type.Literal('manages'),
    fromAccountId: Type.String({ description: 'The managing account (the agency, the distributor)' }),
    toAccountId: Type.String({ description: 'The managed account (the client, the dealer)' }),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    active: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Relationship', title: 'Relationship' },
);

export const CreateRelationshipBody = Type.Object(
  {
    type: Type.Literal('manages', {
      description: 'manages: from manages to (not ownership: nothing is inherited)',
    }),
    from: Type.String({ minLength: 1, maxLength: 100, description: 'Account id or externalId' }),
    to: Type.String({ minLength: 1, maxLength: 100, description: 'Account id or externalId' }),
    startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })),
  },
  { additionalProperties: false },
);

export const EndRelationshipBody = Type.Object(
  { endsAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })) },
  { additionalProperties: false },
);

export const ListRelationshipsQuery = Type.Object(
  {
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Either side' })),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    type: Type.Optional(Type.Literal('manages')),
    active: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RelationshipParams = Type.Object({
  relationshipId: Type.String({ minLength: 1, maxLength: 100 }),
});
