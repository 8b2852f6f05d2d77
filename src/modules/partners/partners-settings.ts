// The partners module's program policies (program settings keys `claims` and `commissions`): how old
// an invoice a sales claim may name, and the least a payout run pays a partner.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { type PayoutScheduleOn, WEEKDAYS } from '../../core/partners/payout-period.ts';
import { Currency } from '../../http/schemas.ts';

export const ClaimsSettingsSchema = Type.Object(
  {
    submissionWindowDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'A sales claim must be submitted within this many days of its invoice date (default 90)',
      }),
    ),
  },
  { additionalProperties: false },
);

export interface ClaimsSettings {
  submissionWindowDays: number;
}

export const CLAIMS_DEFAULTS: ClaimsSettings = { submissionWindowDays: 90 };

/** The program's claim policies with defaults filled in. */
export function claimsSettings(settings: Record<string, unknown>): ClaimsSettings {
  const own = settings.claims;
  if (own === undefined || !Value.Check(ClaimsSettingsSchema, own)) return CLAIMS_DEFAULTS;
  return { ...CLAIMS_DEFAULTS, ...(own as Static<typeof ClaimsSettingsSchema>) };
}

const DayOfMonth = (description: string) => Type.Integer({ minimum: 1, maximum: 28, description });

/** The cash units a schedule pays in: one run per unit and period (default: the base currency). */
const Currencies = Type.Optional(
  Type.Array(Currency, {
    minItems: 1,
    maxItems: 10,
    uniqueItems: true,
    description:
      'The cash units paid: one run per currency and period (default: the base currency; decision 0060). A code the server does not know is skipped.',
  }),
);

/** When the program's due run proposes a payout run by itself (decisions 0048 and 0060). */
export const PayoutScheduleSchema = Type.Union(
  [
    Type.Object({ frequency: Type.Literal('off') }, { additionalProperties: false }),
    Type.Object(
      {
        frequency: Type.Literal('monthly'),
        dayOfMonth: DayOfMonth(
          "From this day of the month (the program's time zone) the due run proposes the previous month's run, once",
        ),
        currencies: Currencies,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        frequency: Type.Literal('quarterly'),
        dayOfMonth: DayOfMonth(
          "From this day of a quarter's first month (January, April, July, October; the program's time zone) the due run proposes the previous quarter's run (2026-Q4), once",
        ),
        currencies: Currencies,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        frequency: Type.Literal('weekly'),
        weekday: Type.Union(
          WEEKDAYS.map((d) => Type.Literal(d)),
          {
            description:
              "From this weekday (the program's time zone) the due run proposes the previous ISO week's run (2026-W49, Monday to Sunday), once",
          },
        ),
        currencies: Currencies,
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'off (default): runs are proposed on demand; monthly, quarterly or weekly: the due run proposes the previous period in the base currency',
  },
);
export type PayoutSchedule = Static<typeof PayoutScheduleSchema>;

// Program settings key `commissions`: the least a payout run pays a partner, and the payout schedule.
export const CommissionsSettingsSchema = Type.Object(
  {
    payoutSchedule: Type.Optional(PayoutScheduleSchema),
    minimumPayout: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000_000,
        description:
          'A payout run pays a partner only when at least this much is due (minor units of the run currency; default 0). A run may name its own minimum.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The program's minimum payout (minor units), 0 when none is set. */
export function minimumPayoutOf(settings: Record<string, unknown>): number {
  const own = settings.commissions;
  if (own === undefined || !Value.Check(CommissionsSettingsSchema, own)) return 0;
  return (own as Static<typeof CommissionsSettingsSchema>).minimumPayout ?? 0;
}

/** The program's payout schedule when it is on, else null (off, or no valid setting). */
export function payoutScheduleOf(settings: Record<string, unknown>): PayoutScheduleOn | null {
  const own = settings.commissions;
  if (own === undefined || !Value.Check(CommissionsSettingsSchema, own)) return null;
  const schedule = (own as Static<typeof CommissionsSettingsSchema>).payoutSchedule;
  return !schedule || schedule.frequency === 'off' ? null : (schedule as PayoutScheduleOn);
}
