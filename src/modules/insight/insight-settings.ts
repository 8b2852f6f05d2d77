// The insight module's program policies (program settings key `insight`): which event types are
// purchases for the KPIs, and what the program states for its return on investment (docs/metrics.md).
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { RoiAssumptions } from '../../core/insight/roi.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';

/** A share from 0 to 1 as a decimal string: "0", "1", "0.35". */
const SHARE = '^(0(\\.\\d{1,6})?|1(\\.0{1,6})?)$';

export const InsightSettingsSchema = Type.Object(
  {
    purchaseTypes: Type.Optional(
      Type.Array(EVENT_TYPE_NAME, {
        minItems: 1,
        maxItems: 20,
        uniqueItems: true,
        description:
          'Event types that are orders for the KPIs (repeat rate, frequency, order value, CLV, retention); returns of them take their amount back',
      }),
    ),
    roi: Type.Optional(
      Type.Object(
        {
          grossMargin: Type.Optional(
            Type.String({
              pattern: SHARE,
              description: 'Share of revenue kept as gross profit, from 0 to 1, e.g. "0.35"',
            }),
          ),
          incrementalRevenueShare: Type.Optional(
            Type.String({
              pattern: SHARE,
              description:
                'Share of net revenue that would not have come without the program, from 0 to 1, e.g. "0.08" (from a control group or a before/after study)',
            }),
          ),
          operatingCostPerMonth: Type.Optional(
            Type.String({
              pattern: '^\\d{1,12}(\\.\\d{1,4})?$',
              description:
                'Running cost of the program per month in the base currency (platform, staff, fees), e.g. "1500.00"',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'What the program states about itself to compute its return on investment (docs/metrics.md)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export interface InsightSettings {
  purchaseTypes: string[];
  roi: RoiAssumptions;
}

export const INSIGHT_DEFAULTS: InsightSettings = { purchaseTypes: ['purchase'], roi: {} };

export function insightSettings(settings: Record<string, unknown>): InsightSettings {
  const own = settings.insight;
  if (own === undefined || !Value.Check(InsightSettingsSchema, own)) return INSIGHT_DEFAULTS;
  return { ...INSIGHT_DEFAULTS, ...(own as Static<typeof InsightSettingsSchema>) };
}
