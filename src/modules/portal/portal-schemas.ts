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

export const PortalHistoryQuery = Type.Object(
  {
    type: HistoryQuery.properties.type,
    from: HistoryQuery.properties.from,
    to: HistoryQuery.properties.to,
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

const LocaleQuery = Type.Optional(
  Type.String({ maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', description: 'BCP 47 tag' }),
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
