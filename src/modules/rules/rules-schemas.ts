// Earning rules over HTTP: the rule document (its meaning is checked by core/rules), versions, requests.
import Type, { type Static } from 'typebox';
import type { RuleDocument } from '../../core/rules/rule.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';

const Decimal = (description: string) =>
  Type.String({ pattern: '^\\d{1,9}(\\.\\d{1,9})?$', description, examples: ['1.5'] });
const Rounding = Type.Union(
  [Type.Literal('down'), Type.Literal('up'), Type.Literal('half_up'), Type.Literal('half_even')],
  { description: 'How fractional points or cents are rounded; down by default' },
);
const As = Type.Union([Type.Literal('points'), Type.Literal('cashback')], {
  description: 'points, or cashback into the cash wallet of the base currency (minor units)',
});
const Names = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 });
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description });

const ItemRate = Type.Object(
  {
    match: Type.Object(
      { skus: Type.Optional(Names), categories: Type.Optional(Names) },
      {
        additionalProperties: false,
        description: 'Items whose sku or category is listed; {} matches every item',
      },
    ),
    percent: Type.Optional(Decimal('Percent of the item amount (in the base currency)')),
    pointsPerUnit: Type.Optional(Decimal('Points per one unit of the base currency of the item amount')),
    pointsPerQuantity: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Points per unit bought' }),
    ),
  },
  { additionalProperties: false },
);

export const EffectSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('fixed'),
      points: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
      cashback: Type.Optional(
        Decimal('A fixed cashback in the base currency, e.g. "5.00" (instead of points)'),
      ),
      oncePerAccount: Type.Optional(
        Type.Boolean({
          description: 'A one-off bonus: given only if this rule never awarded the account before',
        }),
      ),
    },
    {
      additionalProperties: false,
      description: 'A fixed number of points, or a fixed cashback per event (exactly one of them)',
    },
  ),
  Type.Object(
    {
      kind: Type.Literal('per_amount'),
      points: Type.Optional(Decimal('Points for every `per` units of the base currency (or of `of`)')),
      cashback: Type.Optional(
        Decimal(
          'Cashback in the base currency for every `per` units (instead of points), e.g. "2.00" per night',
        ),
      ),
      per: Decimal('Amount of the base currency, or of the attribute `of`'),
      of: Type.Optional(
        Type.String({
          pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
          description:
            "Count a numeric event attribute instead of the amount (e.g. nights, kilograms); it must be a number in every triggering type's attributesSchema",
        }),
      ),
      rounding: Type.Optional(Rounding),
    },
    {
      additionalProperties: false,
      description:
        'Points (or cashback) per amount spent, e.g. 1 point per 1 EUR, or per unit of a numeric attribute, e.g. 100 points per night',
    },
  ),
  Type.Object(
    {
      kind: Type.Literal('percent'),
      percent: Decimal('Percent of the event amount'),
      as: As,
      rounding: Type.Optional(Rounding),
    },
    {
      additionalProperties: false,
      description: 'A percent of the event amount as points (per currency unit) or cashback',
    },
  ),
  Type.Object(
    {
      kind: Type.Literal('per_item'),
      as: As,
      rounding: Type.Optional(Rounding),
      rates: Type.Array(ItemRate, {
        minItems: 1,
        maxItems: 200,
        description: 'Each item takes the first rate that matches it',
      }),
    },
    { additionalProperties: false, description: 'Per line item, with rates by sku or category' },
  ),
  Type.Object(
    {
      kind: Type.Literal('multiplier'),
      factor: Type.Union(
        [Decimal('Multiplies the points every other matched rule awards'), Type.Literal('tier')],
        {
          description: 'A decimal, or "tier": the multiplier of the account\'s tier when the event occurred',
        },
      ),
    },
    { additionalProperties: false, description: 'A multiplier, e.g. 2 for a segment or tier' },
  ),
  Type.Object(
    { kind: Type.Literal('tier_credit'), credits: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }) },
    { additionalProperties: false, description: 'Tier qualification credits' },
  ),
]);

export const RuleDocumentSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    trigger: Type.Object(
      { types: Type.Array(EVENT_TYPE_NAME, { minItems: 1, maxItems: 50, uniqueItems: true }) },
      { additionalProperties: false },
    ),
    condition: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4000,
        description:
          'CEL over event (type, amount, currency, baseAmount, items, references, attributes), account (segment, country, status, tier, attributes, ancestors…), contact (present, role), program and occurredAt',
        examples: ['event.amount >= 1000.0 && account.segment == "hospitality"'],
      }),
    ),
    effects: Type.Array(EffectSchema, { minItems: 1, maxItems: 20 }),
    caps: Type.Optional(
      Type.Object(
        {
          perEvent: Type.Optional(Count('Most this rule awards for one event')),
          perAccount: Type.Optional(
            Type.Object(
              {
                day: Type.Optional(Count('per local day')),
                month: Type.Optional(Count('per local month')),
                year: Type.Optional(Count('per local year')),
              },
              { additionalProperties: false, minProperties: 1 },
            ),
          ),
          budget: Type.Optional(Count('Most this rule awards in total, program-wide')),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    validFrom: Type.Optional(
      Type.String({ format: 'date-time', description: 'Events before this do not match' }),
    ),
    validUntil: Type.Optional(
      Type.String({ format: 'date-time', description: 'Events at or after this do not match' }),
    ),
    priority: Type.Optional(
      Type.Integer({ minimum: -1000, maximum: 1000, description: 'Higher runs first; 0 by default' }),
    ),
    stacking: Type.Optional(
      Type.Union([Type.Literal('cumulative'), Type.Literal('exclusive')], {
        description:
          'exclusive: when this rule matches, the rules after it (lower priority; at equal priority, a later rule id) do not apply',
      }),
    ),
    pendingDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 730,
        description: 'Awards stay pending this many days after the event',
      }),
    ),
    expiryDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
        description:
          "Overrides the program's expiry: points expire this many days after the event, or never (null)",
      }),
    ),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false switches the rule off from effectiveFrom on' }),
    ),
  },
  { additionalProperties: false, $id: 'RuleDocument', title: 'Rule document' },
);

/** A rule document by reference (`$ref` RuleDocument), typed as the document (a bare Ref is `unknown`). */
export const RuleDocumentRef = Type.Unsafe<RuleDocument>(Type.Ref('RuleDocument'));

export const RuleSchema = Type.Object(
  {
    id: Type.String(),
    version: Type.Integer(),
    effectiveFrom: Type.String({ format: 'date-time' }),
    createdAt: Type.String({ format: 'date-time' }),
    document: Type.Ref('RuleDocument'),
  },
  { $id: 'Rule', title: 'Rule (one version)' },
);

export const WriteRuleBody = Type.Object(
  {
    document: RuleDocumentRef,
    effectiveFrom: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'When this version takes over (now by default; may be in the past, not before the current version)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RuleParams = Type.Object({ ruleId: Type.String({ minLength: 1, maxLength: 100 }) });
export const RulesQuery = Type.Object(
  {
    at: Type.Optional(
      Type.String({ format: 'date-time', description: 'The versions in force at this instant' }),
    ),
  },
  { additionalProperties: false },
);

export type WriteRuleInput = Static<typeof WriteRuleBody>;
export type RuleView = Static<typeof RuleSchema>;
