// The events module's program policies (program settings key `events`), with their defaults.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

export const EventsSettingsSchema = Type.Object(
  {
    unknownAccount: Type.Optional(
      Type.Union([Type.Literal('reject'), Type.Literal('create_prospect')], {
        description:
          'An event for an account Fidelis does not know: reject it (account_not_found), or create a prospect account with the reference as its externalId',
      }),
    ),
    maxFutureMinutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1440,
        description: 'How far occurredAt may lie ahead of the server clock (clock skew allowance)',
      }),
    ),
  },
  { additionalProperties: false },
);

export interface EventsSettings {
  unknownAccount: 'reject' | 'create_prospect';
  maxFutureMinutes: number;
}

export const EVENTS_DEFAULTS: EventsSettings = { unknownAccount: 'reject', maxFutureMinutes: 5 };

export function eventsSettings(settings: Record<string, unknown>): EventsSettings {
  const raw = settings.events;
  if (raw === undefined || !Value.Check(EventsSettingsSchema, raw)) return EVENTS_DEFAULTS;
  return { ...EVENTS_DEFAULTS, ...(raw as Static<typeof EventsSettingsSchema>) };
}
