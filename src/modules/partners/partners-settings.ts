// The partners module's program policies (program settings key `claims`): how old an invoice a sales
// claim may name.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

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
