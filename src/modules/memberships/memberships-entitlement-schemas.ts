// The schemas of entitlements granted by hand (decision 0024) and of their uses (decision 0056).
import Type from 'typebox';
import { Ref, Timestamp } from '../../http/schemas.ts';
import { EntitlementKey } from './memberships-schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

export const GrantEntitlementBody = Type.Object(
  {
    key: EntitlementKey,
    validFrom: Type.Optional(Timestamp),
    validUntil: Type.Optional(Type.String({ format: 'date-time', description: 'Open-ended when absent' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const EntitlementGrantSchema = Type.Object(
  {
    id: Type.String({ examples: ['egr_01JD0000000000000000000000'] }),
    accountId: Type.String(),
    key: Type.String(),
    validFrom: Timestamp,
    validUntil: Nullable(Timestamp),
    reason: Nullable(Type.String()),
    grantedBy: Type.String({ description: 'Who granted it (key_…, usr_…, cli, job:…)' }),
    revokedAt: Nullable(Timestamp),
    active: Type.Boolean({ description: 'Held now' }),
    createdAt: Timestamp,
  },
  { $id: 'EntitlementGrant', title: 'EntitlementGrant' },
);

export const GrantParams = Type.Object({ grantId: Ref('Entitlement grant id') });

export const UseEntitlementBody = Type.Object(
  {
    reference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "What the use was for in the operator's systems, e.g. a support ticket",
      }),
    ),
  },
  { additionalProperties: false },
);

export const EntitlementUseSchema = Type.Object(
  {
    id: Type.String({ examples: ['eus_01JD0000000000000000000000'] }),
    entitlementId: Type.String(),
    accountId: Type.String(),
    key: Type.String(),
    term: Type.Integer({ description: "The membership's term it counts in" }),
    reference: Nullable(Type.String()),
    usedBy: Type.String({ description: 'Who recorded it (key_…, usr_…, cli, job:…)' }),
    usedAt: Timestamp,
    used: Type.Integer({ description: 'Uses in the term, this one included' }),
    usesPerTerm: Nullable(Type.Integer({ description: 'Uses each term allows; null: not limited' })),
  },
  { $id: 'EntitlementUse', title: 'EntitlementUse' },
);
