// The notifications' program policies (program settings key `notifications`, decision 0027): which
// message types are mailed to which contacts of the account, the sender's name, the window of the
// "expiring soon" notice, and whether monthly statements are sent.
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import {
  type Branding,
  DERIVED_NOTICES,
  NOTICE_KINDS,
  type NoticeKind,
} from '../../core/notifications/mail.ts';
import { STATEMENT_CADENCES, type StatementCadence } from '../../core/notifications/statement-period.ts';
import { brandingOf as programBranding } from '../programs/programs-settings.ts';

const Roles = Type.Array(
  Type.Union(['owner', 'admin', 'buyer', 'approver', 'viewer'].map((r) => Type.Literal(r))),
  { minItems: 1, maxItems: 5, uniqueItems: true, description: 'The contact roles that receive it' },
);

export const NotificationsSettingsSchema = Type.Object(
  {
    senderName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "The sender's name (default: the program name)",
      }),
    ),
    logoUrl: Type.Optional(
      Type.String({ pattern: '^https://\\S{1,500}$', description: "An https address of the mails' logo" }),
    ),
    primaryColor: Type.Optional(
      Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: "The mails' header colour as #rrggbb" }),
    ),
    mail: Type.Optional(
      Type.Object(Object.fromEntries(NOTICE_KINDS.map((t) => [t, Type.Optional(Roles)])), {
        additionalProperties: false,
        description:
          'Message type → the roles of the account contacts it is mailed to (unlisted: not mailed); redemption.approval_needed: a redemption waiting for approval, to the approvers (never to its requester)',
      }),
    ),
    expiringWithinDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description: 'points.expiring_soon announces lots expiring within this many days (default 30)',
      }),
    ),
    statements: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              send: Type.Optional(
                Type.Boolean({ description: 'Whether statements are mailed (default true)' }),
              ),
              cadence: Type.Optional(
                Type.Union(
                  STATEMENT_CADENCES.map((c) => Type.Literal(c)),
                  {
                    description:
                      'monthly (YYYY-MM, default) or quarterly (YYYY-Qn, mailed once the quarter has ended)',
                  },
                ),
              ),
            },
            { additionalProperties: false },
          ),
        ],
        {
          description:
            'Statements to contacts with statementOptIn: true or false (monthly, mailed or not), or { send, cadence }',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export type NotificationsSettings = Static<typeof NotificationsSettingsSchema>;

export interface NotificationPolicy {
  senderName: string;
  logoUrl: string | null;
  primaryColor: string;
  mail: Partial<Record<NoticeKind, string[]>>;
  expiringWithinDays: number;
  statements: boolean;
  cadence: StatementCadence;
}

export function notificationPolicy(program: {
  name: string;
  settings: Record<string, unknown>;
}): NotificationPolicy {
  const own = program.settings.notifications;
  const s: NotificationsSettings =
    own !== undefined && Value.Check(NotificationsSettingsSchema, own) ? own : {};
  return {
    senderName: s.senderName ?? program.name,
    logoUrl: s.logoUrl ?? null,
    primaryColor: s.primaryColor ?? '#1f4e79',
    mail: (s.mail ?? {}) as Partial<Record<NoticeKind, string[]>>,
    expiringWithinDays: s.expiringWithinDays ?? 30,
    statements: typeof s.statements === 'object' ? (s.statements.send ?? true) : (s.statements ?? true),
    cadence: (typeof s.statements === 'object' && s.statements.cadence) || 'monthly',
  };
}

/** The message types the program mails (the outbox writes them even without a webhook endpoint). */
export function mailedTypes(program: { name: string; settings: Record<string, unknown> }): Set<string> {
  const { mail } = notificationPolicy(program);
  return new Set(
    Object.entries(mail)
      .filter(([, roles]) => (roles?.length ?? 0) > 0)
      .map(([t]) => (t in DERIVED_NOTICES ? DERIVED_NOTICES[t as keyof typeof DERIVED_NOTICES] : t)),
  );
}

/**
 * What a program's mails and pages look like: the program's branding (`settings.branding`: display
 * name, logo, colours, sender name), where it says nothing what `settings.notifications` said before
 * branding was one setting (sender name, logo, primary colour).
 */
export function brandingOf(program: {
  id: string;
  name: string;
  settings: Record<string, unknown>;
}): Branding & { senderName: string } {
  const own = program.settings.notifications as NotificationsSettings | undefined;
  const legacy = own !== undefined && Value.Check(NotificationsSettingsSchema, own) ? own : {};
  const b = programBranding(program, {
    ...(legacy.senderName ? { name: legacy.senderName } : {}),
    ...(legacy.logoUrl ? { logoUrl: legacy.logoUrl } : {}),
    ...(legacy.primaryColor ? { colors: { primary: legacy.primaryColor } } : {}),
  });
  const branded = program.settings.branding as { senderName?: string } | undefined;
  return {
    name: b.displayName,
    logoUrl: b.logoUrl,
    colors: b.colors,
    // The branding's sender name, else the one notifications named, else the display name.
    senderName: branded?.senderName ?? legacy.senderName ?? b.displayName,
  };
}
