// The redemption policies of a program (program settings key `redemptions`), with their defaults.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { Contact } from '../contacts/contacts-schemas.ts';

type ContactRole = Contact['role'];

const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('buyer'),
  Type.Literal('approver'),
  Type.Literal('viewer'),
]);

export const RedemptionSettingsSchema = Type.Object(
  {
    approval: Type.Optional(
      Type.Object(
        {
          above: Type.Optional(
            Type.Record(Type.String({ pattern: '^(points|[A-Z]{3})$' }), Type.Integer({ minimum: 0 }), {
              description:
                'Per unit ("points" or a currency): a redemption whose price is above this amount needs approval, e.g. {"points": 5000}',
            }),
          ),
          requesterRoles: Type.Optional(
            Type.Array(Role, {
              uniqueItems: true,
              description: 'Requests made by contacts with these roles always need approval, e.g. ["buyer"]',
            }),
          ),
          always: Type.Optional(Type.Boolean({ description: 'Every redemption needs approval' })),
          approverRoles: Type.Optional(
            Type.Array(Role, {
              minItems: 1,
              uniqueItems: true,
              description:
                'Roles of the contacts (of the same account) who may approve; default approver, admin, owner',
            }),
          ),
          steps: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 5,
              description: 'How many different approvers must approve (multi-step approval); default 1',
            }),
          ),
          operatorMayApprove: Type.Optional(
            Type.Boolean({
              description: "The operator's staff (an admin key, without a contact) may approve; default true",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    approvalTimeoutDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description:
          'How long the points of a redemption waiting for approval stay held; then the hold is released and approval is refused',
      }),
    ),
  },
  { additionalProperties: false },
);

export interface RedemptionSettings {
  approval: {
    above: Record<string, number>;
    requesterRoles: ContactRole[];
    always: boolean;
    approverRoles: ContactRole[];
    steps: number;
    operatorMayApprove: boolean;
  };
  approvalTimeoutDays: number;
}

export const REDEMPTION_DEFAULTS: RedemptionSettings = {
  approval: {
    above: {},
    requesterRoles: [],
    always: false,
    approverRoles: ['approver', 'admin', 'owner'],
    steps: 1,
    operatorMayApprove: true,
  },
  approvalTimeoutDays: 30,
};

export function redemptionSettings(settings: Record<string, unknown>): RedemptionSettings {
  const raw = settings.redemptions;
  if (raw === undefined || !Value.Check(RedemptionSettingsSchema, raw)) return REDEMPTION_DEFAULTS;
  const given = raw as Static<typeof RedemptionSettingsSchema>;
  return {
    approval: {
      ...REDEMPTION_DEFAULTS.approval,
      ...(given.approval ?? {}),
    } as RedemptionSettings['approval'],
    approvalTimeoutDays: given.approvalTimeoutDays ?? REDEMPTION_DEFAULTS.approvalTimeoutDays,
  };
}
