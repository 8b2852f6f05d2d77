import Type, { type Static } from 'typebox';
import { Currency } from '../../http/schemas.ts';

export const Rate = Type.String({
  pattern: '^\\d{1,9}(\\.\\d{1,12})?$',
  description: 'Units of the base currency one unit of `currency` is worth, as a decimal string',
  examples: ['1.0834'],
});

const EffectiveFrom = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T.+)?$',
  description:
    'From when the rate applies: a date (from local midnight in the program time zone) or a date-time',
  examples: ['2026-11-01'],
});

export const FxRateSchema = Type.Object(
  {
    currency: Currency,
    baseCurrency: Currency,
    rate: Rate,
    effectiveFrom: Type.String({ format: 'date-time' }),
  },
  { $id: 'FxRate', title: 'FX rate' },
);

export const SetRatesBody = Type.Object(
  {
    rates: Type.Array(
      Type.Object(
        { currency: Currency, rate: Rate, effectiveFrom: EffectiveFrom },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const RatesQuery = Type.Object({ currency: Type.Optional(Currency) }, { additionalProperties: false });

export type SetRatesInput = Static<typeof SetRatesBody>;
export type FxRate = Static<typeof FxRateSchema>;
