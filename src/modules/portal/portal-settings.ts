// The portal's program policies (program settings key `portal`): the slug of its address. The
// program's branding (name, logo, colours) is the program's `branding` setting (decision 0024); the
// portal's own `name`, `logoUrl` and `colors` are still read where `branding` says nothing (deprecated).
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { brandingOf } from '../programs/programs-settings.ts';

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour as #rrggbb' });

export const PortalSettingsSchema = Type.Object(
  {
    slug: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
        description: 'The portal is served at /portal/{slug} (default: the program id)',
      }),
    ),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Deprecated: use settings.branding.displayName (read only where branding has none)',
      }),
    ),
    logoUrl: Type.Optional(
      Type.String({
        pattern: '^https://\\S{1,500}$',
        description: 'Deprecated: use settings.branding.logoUrl (read only where branding has none)',
      }),
    ),
    signInByMail: Type.Optional(
      Type.Boolean({
        description:
          'Members may ask for a one-time sign-in link by e-mail on the portal page (default true; only where the server sends e-mail, SMTP_URL)',
      }),
    ),
    companyRoles: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('owner'),
          Type.Literal('admin'),
          Type.Literal('buyer'),
          Type.Literal('approver'),
          Type.Literal('viewer'),
        ]),
        {
          uniqueItems: true,
          maxItems: 5,
          description:
            "Contact roles that see the company view (the group's wallets, who earned what, approvals): default owner, admin, approver",
        },
      ),
    ),
    colors: Type.Optional(
      Type.Object(
        {
          primary: Type.Optional(Colour),
          onPrimary: Type.Optional(Colour),
        },
        {
          additionalProperties: false,
          description: 'Deprecated: use settings.branding.colors (read only where branding has none)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export interface Branding {
  slug: string;
  name: string;
  logoUrl: string | null;
  colors: { primary: string; onPrimary: string };
}

/** Contact roles that see the company view by default. */
export const COMPANY_ROLES = ['owner', 'admin', 'approver'];

/** The contact roles that may see the company view in the program's portal. */
export function companyRoles(program: { settings: Record<string, unknown> }): string[] {
  const own = program.settings.portal;
  const s: Static<typeof PortalSettingsSchema> =
    own !== undefined && Value.Check(PortalSettingsSchema, own) ? own : {};
  return s.companyRoles ?? COMPANY_ROLES;
}

/** Whether the program's portal lets members ask for a sign-in link by e-mail (its setting; e-mail must also be on). */
export function signInByMail(program: { settings: Record<string, unknown> }): boolean {
  const own = program.settings.portal;
  const s: Static<typeof PortalSettingsSchema> =
    own !== undefined && Value.Check(PortalSettingsSchema, own) ? own : {};
  return s.signInByMail ?? true;
}

/** The program's portal address and branding with defaults filled in. */
export function portalSettings(program: {
  id: string;
  name: string;
  settings: Record<string, unknown>;
}): Branding {
  const own = program.settings.portal;
  const s: Static<typeof PortalSettingsSchema> =
    own !== undefined && Value.Check(PortalSettingsSchema, own) ? own : {};
  const branding = brandingOf(program, s);
  return {
    slug: s.slug ?? program.id.toLowerCase(),
    name: branding.displayName,
    logoUrl: branding.logoUrl,
    colors: branding.colors,
  };
}
