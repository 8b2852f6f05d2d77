// Schema pieces shared by every module's request/response schemas.
import Type from 'typebox';

export const Ref = (description: string) => Type.String({ minLength: 1, maxLength: 100, description });

export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^\\S(.*\\S)?$',
  description: 'Your own id for this record (e.g. the CRM id); unique per program, no surrounding spaces',
});
export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const Country = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2',
  examples: ['NL'],
});
export const Currency = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 code',
  examples: ['EUR'],
});
/** A positive amount: whole points, or minor units of a currency. */
export const Amount = Type.Integer({
  minimum: 1,
  maximum: 1_000_000_000_000,
  description: 'Whole points, or minor units of the currency (cents)',
});
export const CalendarDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'YYYY-MM-DD',
  examples: ['2019-04-01'],
});
export const Locale = Type.String({
  minLength: 2,
  maxLength: 35,
  description: 'BCP 47 language tag',
  examples: ['nl-NL'],
});
export const Timestamp = Type.String({ format: 'date-time' });

export const Attributes = Type.Record(
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' }),
  Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean(), Type.Null()]),
  { maxProperties: 100, description: 'Free-form attributes: up to 100 scalar values' },
);

export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'nextCursor of the previous page',
});

/** A whole list, not paged: `{ data: [...] }`. */
export const ListOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ data: Type.Array(item) });

/** One page of a list: `{ data: [...], nextCursor }`. */
export const PageOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object({ path: Type.String(), message: Type.String(), line: Type.Optional(Type.Integer()) }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem (RFC 9457)', additionalProperties: true },
);
