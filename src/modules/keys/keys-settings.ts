// The keys module's program policies (program settings key `keys`): how many requests each API key
// may make per minute, with its default.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

export const KeysSettingsSchema = Type.Object(
  {
    requestsPerMinute: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000_000,
        description:
          'Requests each API key of the program may make per minute and server instance; more answer 429 rate_limited with Retry-After',
      }),
    ),
  },
  { additionalProperties: false },
);

export interface KeysSettings {
  requestsPerMinute: number;
}

export const KEYS_DEFAULTS: KeysSettings = { requestsPerMinute: 60_000 };

/** The program's key policies with defaults filled in. */
export function keysSettings(settings: Record<string, unknown>): KeysSettings {
  const own = settings.keys;
  if (own === undefined || !Value.Check(KeysSettingsSchema, own)) return KEYS_DEFAULTS;
  return { ...KEYS_DEFAULTS, ...(own as Static<typeof KeysSettingsSchema>) };
}
