// Schemas of joining challenges (an account, or a contact in a contact challenge), a contact's
// challenges and a challenge's completions (decision 0061).
import Type from 'typebox';
import { Cursor, Limit, PageOf, Ref, Timestamp } from '../../http/schemas.ts';
import { Completion, Nullable } from './engagement-schemas.ts';

const ContactId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Contact id (a contact challenge)',
});

export const JoinBody = Type.Object(
  {
    account: Type.Optional(Ref('Account id or externalId (an account challenge)')),
    contact: Type.Optional(ContactId),
  },
  { additionalProperties: false },
);
export const JoinSchema = Type.Object({
  challenge: Type.String(),
  accountId: Type.String(),
  contactId: Nullable(Type.String({ description: 'The contact that joined (a contact challenge)' })),
  joinedAt: Timestamp,
  joined: Type.Boolean({ description: 'false: it had joined already (at joinedAt)' }),
});

export const ContactChallenges = Type.Object({
  data: Type.Array(Type.Ref('ChallengeProgress'), {
    description: "The contact challenges open for the contact, with the contact's own progress",
  }),
  completions: Type.Array(Type.Intersect([Type.Object({ challenge: Type.String() }), Completion])),
});

export const CompletionsQuery = Type.Object({
  account: Type.Optional(Ref('Only completions of this account (its contacts’ too)')),
  contact: Type.Optional(ContactId),
  limit: Type.Optional(Limit),
  cursor: Type.Optional(Cursor),
});

export const ChallengeCompletion = Type.Object(
  {
    challenge: Type.String(),
    accountId: Type.String({ description: 'The account paid' }),
    ...Completion.properties,
  },
  { $id: 'ChallengeCompletion' },
);
export const CompletionPage = PageOf(Type.Ref('ChallengeCompletion'));
