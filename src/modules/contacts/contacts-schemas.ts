import Type, { type Static } from 'typebox';
import { CalendarDate, Cursor, Limit, Locale, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { CONTACT_ROLES } from './contacts-tables.ts';

export const ContactRoleSchema = Type.Union(
  [
    Type.Literal('owner'),
    Type.Literal('admin'),
    Type.Literal('buyer'),
    Type.Literal('approver'),
    Type.Literal('viewer'),
  ],
  { description: `One of ${CONTACT_ROLES.join(', ')}` },
);
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const PersonName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

export const ContactSchema = Type.Object(
  {
    id: Type.String({ examples: ['con_01JD0000000000000000000000'] }),
    accountId: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    role: ContactRoleSchema,
    birthday: Type.Union([Type.String(), Type.Null()]),
    locale: Type.Union([Type.String(), Type.Null()]),
    marketingOptIn: Type.Boolean(),
    statementOptIn: Type.Boolean(),
    active: Type.Boolean({
      description: 'false once deactivated: no portal sign-in, no mail, kept with its history',
    }),
    deactivatedAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Contact', title: 'Contact' },
);

export const CreateContactBody = Type.Object(
  {
    email: Email,
    name: Type.Optional(PersonName),
    role: Type.Optional(ContactRoleSchema),
    birthday: Type.Optional(CalendarDate),
    locale: Type.Optional(Locale),
    marketingOptIn: Type.Optional(Type.Boolean()),
    statementOptIn: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateContactBody = Type.Object(
  {
    accountId: Type.Optional(Ref('Move the contact to this account (id or externalId)')),
    email: Type.Optional(Email),
    name: Type.Optional(Type.Union([PersonName, Type.Null()])),
    role: Type.Optional(ContactRoleSchema),
    birthday: Type.Optional(Type.Union([CalendarDate, Type.Null()])),
    locale: Type.Optional(Type.Union([Locale, Type.Null()])),
    marketingOptIn: Type.Optional(Type.Boolean()),
    statementOptIn: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListContactsQuery = Type.Object(
  {
    accountId: Type.Optional(Ref('Only contacts of this account (id or externalId)')),
    role: Type.Optional(ContactRoleSchema),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    active: Type.Optional(
      Type.Boolean({ description: 'Only active (true) or deactivated (false) contacts' }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const ContactParams = Type.Object({ contactId: Ref('Contact id') });
export const ContactPage = PageOf(Type.Ref('Contact'));

export type Contact = Static<typeof ContactSchema>;
export type CreateContactInput = Static<typeof CreateContactBody>;
export type UpdateContactInput = Static<typeof UpdateContactBody>;
export type ListContactsInput = Static<typeof ListContactsQuery>;
