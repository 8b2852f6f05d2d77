// The insight module's program policies (program settings key `insight`): which event types are
// purchases for the KPIs (docs/metrics.md).
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';

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
  },
  { additionalProperties: false },
);

export interface InsightSettings {
  purchaseTypes: string[];
}

export const INSIGHT_DEFAULTS: InsightSettings = { purchaseTypes: ['purchase'] };

export function insightSettings(settings: Record<string, unknown>): InsightSettings {
  const own = settings.insight;
  if (own === undefined || !Value.Check(InsightSettingsSchema, own)) return INSIGHT_DEFAULTS;
  return { ...INSIGHT_DEFAULTS, ...(own as Static<typeof InsightSettingsSchema>) };
}
