import Type, { type Static } from 'typebox';

const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code', examples: ['EUR'] });
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone',
  examples: ['Europe/Amsterdam'],
});
const Locale = Type.String({
  minLength: 2,
  maxLength: 35,
  description: 'BCP 47 language tag',
  examples: ['nl-NL'],
});
const Settings = Type.Record(
  Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,39}$' }),
  Type.Object({}, { additionalProperties: true }),
  {
    description:
      'Policies of each module, keyed by module name. A PATCH replaces the modules it names and keeps the others.',
    maxProperties: 50,
  },
);

export const ProgramSchema = Type.Object(
  {
    id: Type.String({ examples: ['prg_01JD0000000000000000000000'] }),
    name: Type.String(),
    baseCurrency: Currency,
    timeZone: TimeZone,
    defaultLocale: Locale,
    settings: Settings,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    archivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When an operator archived the program (its keys then act no more), or null',
    }),
  },
  { $id: 'Program', title: 'Program' },
);

export const CreateProgramBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    baseCurrency: Currency,
    timeZone: Type.Optional(TimeZone),
    defaultLocale: Type.Optional(Locale),
    settings: Type.Optional(Settings),
  },
  { additionalProperties: false },
);

export const UpdateProgramBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    baseCurrency: Type.Optional(Currency),
    timeZone: Type.Optional(TimeZone),
    defaultLocale: Type.Optional(Locale),
    settings: Type.Optional(Settings),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type Program = Static<typeof ProgramSchema>;
export type CreateProgramInput = Static<typeof CreateProgramBody>;
export type UpdateProgramInput = Static<typeof UpdateProgramBody>;
