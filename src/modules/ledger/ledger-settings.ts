// The ledger's program policies (program settings key `ledger`), with their defaults.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { ExpiryPolicy } from '../../core/ledger/expiry.ts';

export const ExpiryPolicySchema = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('months_after_earning'), months: Type.Integer({ minimum: 1, maximum: 240 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('end_of_quarter'), quartersAfter: Type.Integer({ minimum: 0, maximum: 40 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('end_of_year'), yearsAfter: Type.Integer({ minimum: 0, maximum: 20 }) },
    { additionalProperties: false },
  ),
]);

export const LedgerSettingsSchema = Type.Object(
  {
    pooling: Type.Optional(
      Type.Union([Type.Literal('own'), Type.Literal('group')], {
        description:
          'own: every account keeps its own wallets; group: accounts share the wallets of their top group',
      }),
    ),
    expiry: Type.Optional(ExpiryPolicySchema),
    clawback: Type.Optional(
      Type.Union([Type.Literal('negative'), Type.Literal('write_off')], {
        description:
          'When a reversal takes back points already spent: negative records a debt settled by later credits; write_off forgives the rest',
      }),
    ),
    transfers: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('hierarchy'), Type.Literal('any')], {
        description: 'Who may transfer to whom: nobody, accounts of the same top group, or any two accounts',
      }),
    ),
    costPerPoint: Type.Optional(
      Type.String({
        pattern: '^\\d{1,9}(\\.\\d{1,9})?$',
        description: 'Money value of one point in the base currency, e.g. "0.005"',
      }),
    ),
    holdTimeoutDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 365, description: 'Holds are voided after this many days' }),
    ),
    pendingTimeoutDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 730,
        description: 'Pending credits without a date are posted after this many days',
      }),
    ),
  },
  { additionalProperties: false },
);

export interface LedgerSettings {
  pooling: 'own' | 'group';
  expiry: ExpiryPolicy;
  clawback: 'negative' | 'write_off';
  transfers: 'none' | 'hierarchy' | 'any';
  costPerPoint: string;
  holdTimeoutDays: number;
  pendingTimeoutDays: number;
}

export const LEDGER_DEFAULTS: LedgerSettings = {
  pooling: 'own',
  expiry: { kind: 'none' },
  clawback: 'negative',
  transfers: 'hierarchy',
  costPerPoint: '0.01',
  holdTimeoutDays: 30,
  pendingTimeoutDays: 90,
};

export function ledgerSettings(settings: Record<string, unknown>): LedgerSettings {
  const raw = settings.ledger;
  if (raw === undefined || !Value.Check(LedgerSettingsSchema, raw)) return LEDGER_DEFAULTS;
  return { ...LEDGER_DEFAULTS, ...(raw as Static<typeof LedgerSettingsSchema>) };
}
