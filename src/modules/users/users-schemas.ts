import Type from 'typebox';
import { Timestamp } from '../../http/schemas.ts';

export const RoleSchema = Type.Union(
  [
    Type.Literal('viewer'),
    Type.Literal('approver'),
    Type.Literal('manager'),
    Type.Literal('admin'),
    Type.Literal('owner'),
  ],
  {
    description:
      'viewer: read; approver: read and decide approvals; manager: write and decide approvals; admin and owner: admin',
  },
);

export const ConsoleUserSchema = Type.Object(
  {
    id: Type.String({ examples: ['usr_01JD0000000000000000000000'] }),
    programId: Type.String(),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    role: RoleSchema,
    createdAt: Timestamp,
  },
  { $id: 'ConsoleUser', title: 'ConsoleUser' },
);

export const ConsoleSessionSchema = Type.Object(
  {
    user: Type.Ref('ConsoleUser'),
    csrfToken: Type.String({
      description: 'Send it as the X-CSRF-Token header with every request that changes state',
    }),
    expiresAt: Timestamp,
  },
  { $id: 'ConsoleSession', title: 'ConsoleSession' },
);

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
