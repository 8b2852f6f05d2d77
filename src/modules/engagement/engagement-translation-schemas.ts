// Translations of engagement texts per BCP 47 language tag: badges' and challenges' names and
// descriptions, and challenges' goal labels (decisions 0041).
import Type from 'typebox';
import { Name } from '../../http/schemas.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const Translations = Type.Record(
  Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' }),
  Type.Object(
    { name: Type.Optional(Name), description: Type.Optional(Text(2000)) },
    { additionalProperties: false },
  ),
  {
    maxProperties: 50,
    // Keys that are not language tags are refused (a record's key pattern alone does not refuse them).
    additionalProperties: false,
    description: 'Name and description per BCP 47 language tag, e.g. {"nl": {"name": "…"}}',
  },
);

/** A challenge's translations: as a badge's, and each goal's label by position (null: keep it). */
export const ChallengeTranslations = Type.Record(
  Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' }),
  Type.Object(
    {
      name: Type.Optional(Name),
      description: Type.Optional(Text(2000)),
      goals: Type.Optional(
        Type.Array(Type.Union([Text(200), Type.Null()]), {
          maxItems: 10,
          description: "The goals' labels in this language, in the goals' order (null keeps the label)",
        }),
      ),
    },
    { additionalProperties: false },
  ),
  {
    maxProperties: 50,
    additionalProperties: false,
    description:
      'Name, description and goal labels per BCP 47 language tag, e.g. {"nl": {"name": "…", "goals": ["…"]}}',
  },
);
