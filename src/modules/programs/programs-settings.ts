// The program's branding (program settings key `branding`): the one place the console, the member
// portal and e-mails read the program's display name, logo, colours and sender name from (decision 0024).
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour as #rrggbb' });

export const BrandingSettingsSchema = Type.Object(
  {
    displayName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '\\S',
        description: 'The name members see (portal title, e-mails); default: the program name',
      }),
    ),
    logoUrl: Type.Optional(
      Type.String({ pattern: '^https://\\S{1,500}$', description: 'An https address of the logo image' }),
    ),
    colors: Type.Optional(
      Type.Object(
        { primary: Type.Optional(Colour), onPrimary: Type.Optional(Colour) },
        {
          additionalProperties: false,
          description: 'primary: header and buttons; onPrimary: text on them (keep a 4.5:1 contrast)',
        },
      ),
    ),
    senderName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '^[^\\r\\n<>"]+$',
        description:
          'The sender name of e-mails to members (no line breaks, quotes or angle brackets); default: the display name',
      }),
    ),
  },
  { additionalProperties: false },
);

export type BrandingSettings = Static<typeof BrandingSettingsSchema>;

export interface Branding {
  displayName: string;
  logoUrl: string | null;
  colors: { primary: string; onPrimary: string };
  senderName: string;
}

export const DEFAULT_COLORS = { primary: '#1f4e79', onPrimary: '#ffffff' } as const;

/**
 * The program's branding with defaults filled in. `legacy` is what a module kept before branding was
 * one setting (the portal's `name`, `logoUrl`, `colors`): used only where `branding` says nothing.
 */
export function brandingOf(
  program: { name: string; settings: Record<string, unknown> },
  legacy: { name?: string; logoUrl?: string; colors?: { primary?: string; onPrimary?: string } } = {},
): Branding {
  const own = program.settings.branding;
  const b: BrandingSettings = own !== undefined && Value.Check(BrandingSettingsSchema, own) ? own : {};
  const displayName = b.displayName ?? legacy.name ?? program.name;
  return {
    displayName,
    logoUrl: b.logoUrl ?? legacy.logoUrl ?? null,
    colors: {
      primary: b.colors?.primary ?? legacy.colors?.primary ?? DEFAULT_COLORS.primary,
      onPrimary: b.colors?.onPrimary ?? legacy.colors?.onPrimary ?? DEFAULT_COLORS.onPrimary,
    },
    senderName: b.senderName ?? displayName,
  };
}
