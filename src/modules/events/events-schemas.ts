// Events over HTTP: an event in, its stored view and evaluation result out; batches and simulation.
import Type, { type Static } from 'typebox';
import { Currency, Limit } from '../../http/schemas.ts';
import { EVENT_TYPE_NAME } from '../event-types/event-types-schemas.ts';
import { RuleDocumentRef } from '../rules/rules-schemas.ts';

const Amount = Type.String({
  pattern: '^\\d{1,15}(\\.\\d{1,12})?$',
  description:
    'A non-negative decimal in the event currency, with at most as many decimals as the currency has',
  examples: ['1234.50'],
});
const Scalars = Type.Record(
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' }),
  Type.Unknown(),
  {
    maxProperties: 100,
    description: 'Free attributes (checked against the JSON schema of a program-defined type)',
  },
);

export const EventBody = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^\\S(.*\\S)?$',
      description:
        'Your id of the event: an event is ingested once per id; sending it again answers the first result',
    }),
    type: EVENT_TYPE_NAME,
    account: Type.String({ minLength: 1, maxLength: 100, description: 'Account id or externalId' }),
    contact: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Contact id (of that account)' }),
    ),
    occurredAt: Type.String({ format: 'date-time' }),
    amount: Type.Optional(Amount),
    currency: Type.Optional(Currency),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sku: Type.String({ minLength: 1, maxLength: 100 }),
            category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
            unitPrice: Type.Optional(Amount),
            amount: Type.Optional(
              Type.Union([Amount], { description: 'Line amount; unitPrice × quantity when absent' }),
            ),
            attributes: Type.Optional(Scalars),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
    references: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.String({ maxLength: 200 }), {
        maxProperties: 20,
        description: 'orderId, invoiceId, …; a return names the event it returns in originalEventId',
      }),
    ),
    attributes: Type.Optional(Scalars),
  },
  { additionalProperties: false, $id: 'EventInput', title: 'Event' },
);

/** An event by reference (`$ref` EventInput), typed as the event (a bare Ref is `unknown`). */
const EventInputRef = Type.Unsafe<Static<typeof EventBody>>(Type.Ref('EventInput'));

export const EventsBatchBody = Type.Object(
  { events: Type.Array(EventInputRef, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

const Award = Type.Object({
  ruleId: Type.String(),
  ruleVersion: Type.Integer(),
  kind: Type.Union([Type.Literal('points'), Type.Literal('cashback'), Type.Literal('tier_credit')]),
  unit: Type.String(),
  amount: Type.Integer({
    description: 'Points, cashback in minor units of the base currency, or tier credits',
  }),
  pendingUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  explanation: Type.String({ description: 'What the rule gave and why, in plain words' }),
  entryId: Type.Union([Type.String(), Type.Null()]),
});

export const EvaluationSchema = Type.Object(
  {
    rules: Type.Array(
      Type.Object({
        ruleId: Type.String(),
        ruleVersion: Type.Integer(),
        name: Type.String(),
        priority: Type.Integer(),
        outcome: Type.String({
          description:
            'awarded, nothing_to_award, multiplier_applied, not_triggered, outside_validity, condition_false, condition_error, skipped_by_exclusive_rule',
        }),
        reason: Type.String(),
        awards: Type.Array(Type.Unknown()),
      }),
    ),
    awards: Type.Array(Award),
    totals: Type.Object({ points: Type.Integer(), cashback: Type.Integer(), tierCredits: Type.Integer() }),
    reversals: Type.Array(
      Type.Object({
        ruleId: Type.String(),
        kind: Type.String(),
        unit: Type.String(),
        amount: Type.Integer(),
        entryId: Type.Union([Type.String(), Type.Null()]),
        how: Type.String({
          description: 'reversed, voided_pending (the award was still pending) or tier_credit',
        }),
        writtenOff: Type.Integer(),
      }),
    ),
    notes: Type.Array(Type.String(), {
      description:
        'Why an event earned nothing when no rule looked at it (none in force at its occurredAt, naming the earliest that starts later, or none triggered by its type); for a return, what could not be taken back',
    }),
  },
  { $id: 'EventResult', title: 'Evaluation result' },
);

export const EventSchema = Type.Object(
  {
    id: Type.String({ description: 'Your id of the event' }),
    internalId: Type.String({ examples: ['evt_01JD0000000000000000000000'] }),
    type: Type.String(),
    accountId: Type.String(),
    contactId: Type.Union([Type.String(), Type.Null()]),
    occurredAt: Type.String({ format: 'date-time' }),
    receivedAt: Type.String({ format: 'date-time' }),
    amount: Type.Union([Type.String(), Type.Null()]),
    currency: Type.Union([Type.String(), Type.Null()]),
    baseCurrency: Type.String(),
    baseAmount: Type.Union([Type.String(), Type.Null()], { description: 'The amount in the base currency' }),
    fxRate: Type.Union([Type.String(), Type.Null()], {
      description: 'The rate used, when the event was in another currency',
    }),
    items: Type.Array(Type.Unknown()),
    references: Type.Record(Type.String(), Type.String()),
    attributes: Type.Record(Type.String(), Type.Unknown()),
    originalEventId: Type.Union([Type.String(), Type.Null()]),
    result: Type.Ref('EventResult'),
  },
  { $id: 'Event', title: 'Event' },
);

export const BatchResultSchema = Type.Object({
  results: Type.Array(
    Type.Union([
      Type.Object({ ok: Type.Literal(true), replayed: Type.Boolean(), event: Type.Ref('Event') }),
      Type.Object({
        ok: Type.Literal(false),
        id: Type.Union([Type.String(), Type.Null()]),
        code: Type.String(),
        detail: Type.String(),
        errors: Type.Optional(Type.Array(Type.Unknown())),
      }),
    ]),
  ),
});

export const SimulateBody = Type.Object(
  {
    events: Type.Array(EventInputRef, { minItems: 1, maxItems: 100 }),
    rules: Type.Optional(
      Type.Array(RuleDocumentRef, {
        maxItems: 100,
        description: 'A draft rule set to try; nothing is saved',
      }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('replace'), Type.Literal('add')], {
        description: 'replace: only the draft rules; add: the live rules plus the drafts (default)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BacktestBody = Type.Object(
  {
    from: Type.String({
      format: 'date-time',
      description: 'Events that occurred from this instant (inclusive)',
    }),
    to: Type.String({ format: 'date-time', description: 'up to this instant (exclusive)' }),
    rules: Type.Array(RuleDocumentRef, {
      minItems: 1,
      maxItems: 100,
      description: 'The draft rule set to try; nothing is saved',
    }),
    mode: Type.Optional(
      Type.Union([Type.Literal('replace'), Type.Literal('add')], {
        description: 'replace: only the draft rules (default); add: the live rules plus the drafts',
      }),
    ),
  },
  { additionalProperties: false },
);

const Awarded = Type.Object({
  points: Type.Integer(),
  cashback: Type.Integer({ description: 'Minor units of the base currency' }),
  cost: Type.String({ description: 'Points at the cost per point plus cashback, in the base currency' }),
});

const BacktestLine = {
  events: Type.Integer(),
  proposed: Awarded,
  actual: Awarded,
};

export const BacktestSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  mode: Type.Union([Type.Literal('replace'), Type.Literal('add')]),
  baseCurrency: Type.String(),
  costPerPoint: Type.String(),
  events: Type.Integer({ description: 'Stored events evaluated (returns left out)' }),
  failed: Type.Integer({ description: 'Events that no longer evaluate (e.g. a currency without a rate)' }),
  proposed: Awarded,
  actual: Awarded,
  bySegment: Type.Array(Type.Object({ segment: Type.Union([Type.String(), Type.Null()]), ...BacktestLine })),
  byTier: Type.Array(
    Type.Object({
      tier: Type.Union([Type.String(), Type.Null()], { description: 'The tier held at the event' }),
      ...BacktestLine,
    }),
  ),
  rules: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      name: Type.String(),
      events: Type.Integer({ description: 'Events the rule awarded something' }),
      points: Type.Integer(),
      cashback: Type.Integer(),
    }),
  ),
});

export const SimulationSchema = Type.Object({
  results: Type.Array(
    Type.Union([
      Type.Object({
        ok: Type.Literal(true),
        id: Type.String(),
        baseCurrency: Type.String(),
        baseAmount: Type.Union([Type.String(), Type.Null()]),
        fxRate: Type.Union([Type.String(), Type.Null()]),
        result: Type.Ref('EventResult'),
      }),
      Type.Object({
        ok: Type.Literal(false),
        id: Type.String(),
        code: Type.String(),
        detail: Type.String(),
        errors: Type.Optional(Type.Array(Type.Unknown())),
      }),
    ]),
  ),
});

export const EventImportQuery = Type.Object(
  {
    skipInvalid: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Ingest the valid rows and report the others (default: ingest nothing when any row is invalid)',
      }),
    ),
    dryRun: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Write nothing: check each row and evaluate it against the rules in force, as POST /v1/rules/simulate does',
      }),
    ),
  },
  { additionalProperties: false },
);

const Totals = Type.Object({ points: Type.Integer(), cashback: Type.Integer(), tierCredits: Type.Integer() });

export const EventImportLineSchema = Type.Object({
  line: Type.Integer({ description: 'The line in the file where the row starts (the header is line 1)' }),
  id: Type.Union([Type.String(), Type.Null()], { description: "The row's event id (null when it has none)" }),
  outcome: Type.Union(
    [
      Type.Literal('ingested'),
      Type.Literal('replayed'),
      Type.Literal('refused'),
      Type.Literal('invalid'),
      Type.Literal('checked'),
    ],
    {
      description:
        'ingested; replayed (an event with this id was ingested before); refused by the ingestion (code, detail); ' +
        'invalid (the row breaks the columns, left out with skipInvalid); checked (a dry run would ingest it)',
    },
  ),
  eventId: Type.Optional(Type.String({ description: 'Our id of the stored event' })),
  totals: Type.Optional(Totals),
  code: Type.Optional(Type.String({ description: 'Why the ingestion refused the event (an error code)' })),
  detail: Type.Optional(Type.String()),
  errors: Type.Optional(
    Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
      description: 'What is wrong, each at its column or field',
    }),
  ),
});

export const EventImportReportSchema = Type.Object(
  {
    kind: Type.Literal('events'),
    dryRun: Type.Boolean(),
    rows: Type.Integer({ description: 'Data rows in the file' }),
    ingested: Type.Integer(),
    replayed: Type.Integer({ description: 'Rows whose event id was ingested before: nothing changed' }),
    checked: Type.Integer({ description: 'Rows a dry run found good' }),
    refused: Type.Integer({
      description: 'Rows the ingestion refused (unknown account, no exchange rate, …)',
    }),
    skipped: Type.Integer({ description: 'Invalid rows left out (only with skipInvalid)' }),
    lines: Type.Array(EventImportLineSchema, { description: 'Every row in file order, with its outcome' }),
  },
  { $id: 'EventImportReport', title: 'EventImportReport' },
);

export const EventParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 200 }) });
export const EventsQuery = Type.Object(
  {
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    type: Type.Optional(EVENT_TYPE_NAME),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    limit: Type.Optional(Limit),
  },
  { additionalProperties: false },
);

export type EventBodyInput = Static<typeof EventBody>;
export type SimulateInput = Static<typeof SimulateBody>;
export type EventImportOptions = Static<typeof EventImportQuery>;
export type EventImportLine = Static<typeof EventImportLineSchema>;
export type EventImportReport = Static<typeof EventImportReportSchema>;
