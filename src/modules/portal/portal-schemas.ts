import Type, { type Static } from 'typebox';
import { Cursor, Limit, Ref, Timestamp } from '../../http/schemas.ts';
import { HistoryQuery } from '../ledger/ledger-schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);
const Money = Type.Object({ currency: Type.String(), minorUnits: Type.Integer() });

export const MintLinkBody = Type.Object(
  { contact: Ref('The contact the link signs in: its id (con_…) or e-mail address') },
  { additionalProperties: false },
);

export const PortalLinkSchema = Type.Object(
  {
    id: Type.String({ examples: ['plk_01JD0000000000000000000000'] }),
    contactId: Type.String(),
    accountId: Type.String(),
    path: Type.String({
      description: "The link's path on this server, /portal/{slug}/enter#token=…",
    }),
    url: Type.String({
      description:
        'The link at the address this request reached the server by: send the member there. It opens once, within 5 minutes.',
    }),
    token: Type.String({ description: 'The one-time token (shown only here)' }),
    expiresAt: Timestamp,
  },
  { $id: 'PortalLink', title: 'PortalLink' },
);

export const BrandingSchema = Type.Object(
  {
    slug: Type.String(),
    name: Type.String(),
    logoUrl: Nullable(Type.String()),
    colors: Type.Object({ primary: Type.String(), onPrimary: Type.String() }),
    defaultLocale: Type.Optional(Type.String()),
    signInByMail: Type.Optional(
      Type.Boolean({ description: 'Whether members may ask for a sign-in link by e-mail here' }),
    ),
  },
  { $id: 'PortalBranding', title: 'PortalBranding' },
);

export const SlugParams = Type.Object({
  slug: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,62}$', description: "The portal's slug" }),
});

export const ExchangeBody = Type.Object(
  {
    slug: SlugParams.properties.slug,
    token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[\\w-]+$' }),
  },
  { additionalProperties: false },
);

export const PortalSessionSchema = Type.Object(
  {
    csrfToken: Type.String({
      description: 'Send it as the X-CSRF-Token header with every request that changes state',
    }),
    expiresAt: Timestamp,
    contact: Type.Object({
      id: Type.String(),
      accountId: Type.String(),
      name: Nullable(Type.String()),
      email: Type.String(),
      role: Type.String(),
      locale: Nullable(Type.String()),
    }),
    portal: Type.Ref('PortalBranding'),
    company: Type.Boolean({ description: "Whether the contact's role sees the company view" }),
  },
  { $id: 'PortalSession', title: 'PortalSession' },
);

export const PortalHomeSchema = Type.Object(
  {
    currency: Type.String({ description: "The program's base currency" }),
    points: Type.Object({
      available: Type.Integer(),
      pending: Type.Integer({ description: 'Earned, not yet spendable' }),
      held: Type.Integer({ description: 'Reserved for redemptions waiting for approval' }),
      value: Type.Object(Money.properties, {
        description: "What the available points are worth at the program's cost per point",
      }),
      expiring: Type.Array(Type.Object({ expiresAt: Timestamp, amount: Type.Integer() }), {
        description: 'What expires in the next 90 days, soonest first',
      }),
      lifetimeEarned: Type.Integer(),
    }),
    cash: Type.Array(
      Type.Object({ currency: Type.String(), available: Type.Integer(), pending: Type.Integer() }),
    ),
    tiers: Type.Array(
      Type.Object({
        ladderName: Type.String(),
        tier: Nullable(Type.String()),
        tierName: Nullable(Type.String()),
        securedUntil: Nullable(Timestamp),
        metric: Type.String(),
        qualifies: Nullable(
          Type.Object(
            { tier: Type.String(), name: Type.String() },
            { description: 'A higher tier the account already qualifies for, not applied yet' },
          ),
        ),
        next: Nullable(
          Type.Object({
            tier: Type.String(),
            name: Type.String(),
            threshold: Type.String(),
            needed: Type.String(),
            by: Timestamp,
          }),
        ),
      }),
    ),
  },
  { $id: 'PortalHome', title: 'PortalHome' },
);

export const LocaleQuery = Type.Optional(
  Type.String({ maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', description: 'BCP 47 tag' }),
);

export const PortalHistoryQuery = Type.Object(
  {
    type: HistoryQuery.properties.type,
    from: HistoryQuery.properties.from,
    to: HistoryQuery.properties.to,
    locale: LocaleQuery,
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const PortalListQuery = Type.Object(
  { locale: LocaleQuery, limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

export const PortalRedeemBody = Type.Object(
  {
    reward: Ref('Reward id'),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const PortalRedemptionSchema = Type.Object(
  {
    id: Type.String(),
    rewardId: Type.String(),
    rewardName: Type.String(),
    status: Type.String({
      description: 'pending_approval, approved, fulfilled, rejected, cancelled, failed',
    }),
    price: Type.Object({ amount: Type.Integer(), unit: Type.String() }),
    code: Nullable(Type.String({ description: 'The reward code, once fulfilled' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PortalRedemption', title: 'PortalRedemption' },
);

export type PortalHistoryInput = Static<typeof PortalHistoryQuery>;

export const PortalLocaleQuery = Type.Object({ locale: LocaleQuery }, { additionalProperties: false });

export const PortalCompanySchema = Type.Object(
  {
    group: Type.Object({ id: Type.String(), name: Type.String() }, { description: "The member's top group" }),
    pooling: Type.String({ description: 'own: each account its wallet; group: one wallet for the group' }),
    accounts: Type.Integer({ description: 'Accounts in the group (the first 100 are listed)' }),
    wallets: Type.Array(
      Type.Object({
        accountId: Type.String(),
        accountName: Type.String(),
        pooled: Type.Boolean(),
        available: Type.Integer(),
        pending: Type.Integer(),
        held: Type.Integer(),
      }),
    ),
    earned: Type.Object({
      since: Timestamp,
      data: Type.Array(
        Type.Object({
          accountId: Type.String(),
          accountName: Type.String(),
          contactId: Nullable(Type.String()),
          contactName: Nullable(Type.String({ description: 'Null where the journal names no contact' })),
          earned: Type.Integer(),
        }),
        { description: 'Points earned in the last year per contact (else per account), most first' },
      ),
    }),
    approver: Type.Boolean({ description: "Whether the member's role may approve redemptions" }),
    approvals: Type.Array(
      Type.Object({
        id: Type.String(),
        rewardName: Type.String(),
        price: Type.Object({ amount: Type.Integer(), unit: Type.String() }),
        requestedBy: Nullable(Type.String()),
        note: Nullable(Type.String()),
        approvals: Type.Object({ required: Type.Integer(), given: Type.Integer() }),
        createdAt: Timestamp,
      }),
      { description: "The account's redemptions waiting for this member's decision" },
    ),
  },
  { $id: 'PortalCompany', title: 'PortalCompany' },
);

export const DecisionParams = Type.Object({
  redemptionId: Ref('Redemption id'),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
});
export const PortalDecisionBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export const PortalDecisionSchema = Type.Object(
  { id: Type.String(), status: Type.String() },
  { $id: 'PortalDecision', title: 'PortalDecision' },
);

export const PortalPerksSchema = Type.Object(
  {
    memberships: Type.Array(
      Type.Object({
        id: Type.String(),
        planId: Type.String(),
        planName: Type.String(),
        planDescription: Nullable(Type.String()),
        status: Type.String(),
        renewal: Type.String(),
        startsAt: Nullable(Timestamp),
        endsAt: Nullable(Timestamp),
        term: Type.Integer(),
        fee: Type.Object({ amount: Type.String(), currency: Type.String(), minorUnits: Type.Integer() }),
      }),
    ),
    entitlements: Type.Array(
      Type.Object({
        key: Type.String(),
        kind: Type.String(),
        membershipId: Type.String(),
        planName: Nullable(Type.String()),
        validFrom: Timestamp,
        validUntil: Timestamp,
        active: Type.Boolean(),
        code: Nullable(Type.String()),
        percent: Nullable(Type.Integer()),
        unit: Nullable(Type.String()),
        amount: Nullable(Type.Integer()),
      }),
    ),
  },
  { $id: 'PortalPerks', title: 'PortalPerks' },
);

export const PortalChallengesSchema = Type.Object(
  {
    challenges: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String({ description: "In the member's language where translated" }),
        description: Nullable(Type.String()),
        status: Type.String(),
        window: Nullable(Type.Object({ key: Type.String(), start: Timestamp, end: Timestamp })),
        goals: Type.Array(
          Type.Object({
            label: Nullable(Type.String()),
            metric: Type.String(),
            value: Type.String(),
            target: Type.String(),
            done: Type.Boolean(),
          }),
        ),
        steps: Type.Integer(),
        stepsDone: Type.Integer(),
        completed: Type.Boolean(),
        timeLeftSeconds: Type.Integer(),
        points: Nullable(Type.Integer()),
        mine: Type.Boolean({ description: "A contact challenge: the member's own progress (decision 0061)" }),
      }),
    ),
    completions: Type.Array(
      Type.Object({
        challenge: Type.String(),
        name: Type.String(),
        completedAt: Timestamp,
        points: Nullable(Type.Integer()),
        mine: Type.Boolean({ description: "The member's own completion of a contact challenge" }),
      }),
    ),
    badges: Type.Array(
      Type.Object({
        id: Type.String(),
        code: Type.String(),
        name: Type.String(),
        description: Nullable(Type.String()),
        imageUrl: Nullable(Type.String()),
        awardedAt: Timestamp,
        expiresAt: Nullable(Timestamp),
        mine: Type.Boolean({ description: 'Awarded to this contact (else to the account)' }),
      }),
    ),
  },
  { $id: 'PortalChallenges', title: 'PortalChallenges' },
);

export const MailLinkBody = Type.Object(
  {
    slug: SlugParams.properties.slug,
    email: Type.String({
      minLength: 3,
      maxLength: 254,
      format: 'email',
      description: "The member's e-mail address: a contact of the portal's program gets a one-time link",
    }),
  },
  { additionalProperties: false },
);

export const MailLinkAnswerSchema = Type.Object(
  {
    accepted: Type.Literal(true),
    detail: Type.String({
      description: 'The same for every address: whether it belongs to a member is not told',
    }),
  },
  { $id: 'PortalMailLinkAnswer', title: 'PortalMailLinkAnswer' },
);
