import Type from 'typebox';
import { Cursor, Limit, PageOf, Timestamp } from '../../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

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
    disabledAt: Type.Union([Timestamp, Type.Null()], {
      description: 'When the user was disabled: they cannot sign in and their sessions ended',
    }),
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

const Password = Type.String({
  minLength: 10,
  maxLength: 200,
  description: 'At least 10 characters. Left out: Fidelis generates one and answers it this once.',
});

export const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 40 }) });

export const UsersQuery = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean({ description: 'true: only disabled users; false: only enabled' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const UserPage = PageOf(Type.Ref('ConsoleUser'));

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })),
    role: RoleSchema,
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PasswordBody = Type.Object(
  { password: Type.Optional(Password) },
  { additionalProperties: false },
);

export const UserWithPasswordSchema = Type.Object({
  user: Type.Ref('ConsoleUser'),
  password: Type.Optional(
    Type.String({
      description: 'The generated password, when none was given: shown this once, kept only hashed',
    }),
  ),
});
