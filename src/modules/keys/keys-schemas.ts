import Type, { type Static } from 'typebox';
import { Ref, Timestamp } from '../../http/schemas.ts';

export const ScopeSchema = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')], {
  description: 'read < write < admin: each includes the ones before it',
});

/** A scope a key may hold: a program's (read, write, admin) or operator, above them (never minted over the API). */
export const HeldScopeSchema = Type.Union(
  [Type.Literal('read'), Type.Literal('write'), Type.Literal('admin'), Type.Literal('operator')],
  {
    description:
      'read < write < admin < operator: each includes the ones before it; operator keys are made by the CLI or FIDELIS_OPERATOR_KEY',
  },
);

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ examples: ['key_01JD0000000000000000000000'] }),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the secret, to recognise it' }),
    scopes: Type.Array(HeldScopeSchema),
    createdAt: Timestamp,
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'ApiKey', title: 'ApiKey' },
);

export const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const CreatedKeySchema = Type.Object({
  secret: Type.String({ description: 'The key itself. Shown this once; Fidelis keeps only its hash.' }),
  key: Type.Ref('ApiKey'),
});

export const KeyParams = Type.Object({ keyId: Ref('API key id') });
export type CreateKeyInput = Static<typeof CreateKeyBody>;

export const OperatorProgramParams = Type.Object({ programId: Ref('Program id') });
export const OperatorKeyParams = Type.Object({ programId: Ref('Program id'), keyId: Ref('API key id') });
