// Settings › Program: the program's name, default locale and time zone, and the settings a program
// manager changes most — points expiry and their money value, the redemptions' approval threshold,
// the branding (with a live preview of the portal's header), the portal's address and the e-mails —
// read from GET /v1/program and saved with one PATCH /v1/program (admin and owner). A PATCH replaces
// each module's settings it names, so every module sent carries its other settings unchanged; a
// refusal lands at its field (decision 0035).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { formErrors, pointerIn } from '../components/Fields';
import { ProblemAlert } from '../components/Problem';
import { SettingsNav } from '../components/SettingsNav';
import { formatDateTime } from '../format';
import { can, useSession } from '../session';

type Program = Schemas['Program'];
type Body = NonNullable<paths['/v1/program']['patch']['requestBody']>['content']['application/json'];
type Module = Record<string, unknown>;

const FIELDS = [
  'name',
  'defaultLocale',
  'timeZone',
  'settings.ledger.expiry',
  'settings.ledger.costPerPoint',
  'settings.redemptions.approval.above.points',
  'settings.branding.displayName',
  'settings.branding.colors.primary',
  'settings.branding.colors.onPrimary',
  'settings.branding.logoUrl',
  'settings.portal.slug',
  'settings.notifications.senderName',
  'settings.notifications.expiringWithinDays',
  'settings.notifications.mail',
];

/** A problem's pointer (`/body/settings/ledger/expiry/months`) → the nearest field of the form. */
function fieldOf(path: string): string | undefined {
  const parts = pointerIn(path).split('/').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join('.');
    if (FIELDS.includes(name)) return name;
  }
  return undefined;
}

// The notices a program may mail and the contact roles they go to (the API's NOTICE_KINDS; it
// refuses an unknown one at settings.notifications.mail).
const NOTICES = [
  'points.credited',
  'points.expired',
  'points.expiring_soon',
  'tier.changed',
  'tier.downgrade_upcoming',
  'redemption.requested',
  'redemption.approval_needed',
  'redemption.approved',
  'redemption.rejected',
  'redemption.fulfilled',
  'redemption.cancelled',
  'membership.started',
  'membership.renewed',
  'membership.lapsed',
];
const ROLES = ['owner', 'admin', 'buyer', 'approver', 'viewer'];
const EXPIRY = {
  none: undefined,
  months_after_earning: 'months',
  end_of_quarter: 'quartersAfter',
  end_of_year: 'yearsAfter',
} as const;
type ExpiryKind = keyof typeof EXPIRY;
const DEFAULT_COLORS = { primary: '#1f4e79', onPrimary: '#ffffff' };

const moduleOf = (program: Program, name: string): Module => (program.settings[name] ?? {}) as Module;
const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
/** A number as typed: empty → left out; not a number → the text, for the API to refuse at its field. */
const numberOr = (s: string): number | string | undefined =>
  s === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : s;
/** The object without its undefined values. */
const defined = (o: Module): Module =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function ProgramSettings() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Program · Settings · Fidelis console';
  }, []);
  if (!can(session, 'admin'))
    return (
      <>
        <h1>Program</h1>
        <SettingsNav />
        <p className="note" role="note">
          Your role ({session.user.role}) may not change the program’s settings: they need an admin or the
          owner.
        </p>
      </>
    );
  return (
    <>
      <h1>Program</h1>
      <SettingsNav />
      <ProgramForm />
    </>
  );
}

function ProgramForm() {
  const client = useQueryClient();
  const program = useQuery({ queryKey: ['program'], queryFn: () => data(api.GET('/v1/program')) });
  const [saved, setSaved] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (body: Body) => data(api.PATCH('/v1/program', { body })),
    onMutate: () => setSaved(undefined),
    onSuccess: async (after) => {
      // Read back what the API keeps, not what was sent.
      await client.invalidateQueries({ queryKey: ['program'] });
      setSaved(after.updatedAt);
    },
  });
  if (program.isPending) return <p className="loading">Loading…</p>;
  if (!program.data) return <ProblemAlert error={program.error} />;
  const p = program.data;
  return (
    <>
      <p className="muted">
        {p.id} · base currency {p.baseCurrency} · changed {formatDateTime(p.updatedAt)}
      </p>
      {/* Keyed by the change: a save re-reads the program and the form starts from what the API keeps. */}
      <Form key={p.updatedAt} program={p} error={save.error} pending={save.isPending} onSave={save.mutate} />
      {saved && (
        <p role="status" className="note">
          Saved
        </p>
      )}
    </>
  );
}

function Form({
  program,
  error,
  pending,
  onSave,
}: {
  program: Program;
  error: unknown;
  pending: boolean;
  onSave: (body: Body) => void;
}) {
  const ledger = moduleOf(program, 'ledger');
  const redemptions = moduleOf(program, 'redemptions');
  const approval = (redemptions.approval ?? {}) as Module;
  const above = (approval.above ?? {}) as Record<string, number>;
  const branding = moduleOf(program, 'branding');
  const colors = (branding.colors ?? {}) as { primary?: string; onPrimary?: string };
  const portal = moduleOf(program, 'portal');
  const notifications = moduleOf(program, 'notifications');
  const mail = (notifications.mail ?? {}) as Record<string, string[]>;
  const expiry = (ledger.expiry ?? { kind: 'none' }) as { kind: ExpiryKind } & Record<string, number>;
  const [expiryKind, setExpiryKind] = useState<ExpiryKind>(expiry.kind);
  const [brand, setBrand] = useState({
    displayName: String(branding.displayName ?? ''),
    primary: colors.primary ?? '',
    onPrimary: colors.onPrimary ?? '',
  });
  const f = formErrors(error, fieldOf, 'program');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const count = EXPIRY[expiryKind];
    const points = numberOr(text(form, 'settings.redemptions.approval.above.points'));
    const { points: _, ...otherUnits } = above;
    const chosen = Object.fromEntries(
      NOTICES.map((n) => [n, ROLES.filter((r) => form.get(`mail:${n}:${r}`))] as const).filter(
        ([, r]) => r.length > 0,
      ),
    );
    const colours = defined({
      primary: text(form, 'settings.branding.colors.primary') || undefined,
      onPrimary: text(form, 'settings.branding.colors.onPrimary') || undefined,
    });
    onSave({
      name: text(form, 'name'),
      defaultLocale: text(form, 'defaultLocale'),
      timeZone: text(form, 'timeZone'),
      settings: {
        ledger: defined({
          ...ledger,
          expiry: count
            ? { kind: expiryKind, [count]: numberOr(text(form, 'settings.ledger.expiry')) }
            : { kind: 'none' },
          costPerPoint: text(form, 'settings.ledger.costPerPoint') || undefined,
        }),
        redemptions: {
          ...redemptions,
          approval: {
            ...approval,
            above: points === undefined ? otherUnits : { ...otherUnits, points },
          },
        },
        branding: defined({
          ...branding,
          displayName: text(form, 'settings.branding.displayName') || undefined,
          logoUrl: text(form, 'settings.branding.logoUrl') || undefined,
          colors: Object.keys(colours).length ? colours : undefined,
        }),
        portal: defined({ ...portal, slug: text(form, 'settings.portal.slug') || undefined }),
        notifications: defined({
          ...notifications,
          senderName: text(form, 'settings.notifications.senderName') || undefined,
          expiringWithinDays: numberOr(text(form, 'settings.notifications.expiringWithinDays')),
          mail: chosen,
        }),
      },
    } as Body);
  };

  const input = (
    name: string,
    label: string,
    value: unknown,
    hint?: string,
    inputMode?: 'numeric' | 'decimal',
  ) => (
    <span>
      <label htmlFor={f.field(name).id}>{label}</label>
      <input
        {...f.field(name)}
        defaultValue={value === undefined ? '' : String(value)}
        inputMode={inputMode}
      />
      {hint && <span className="muted">{hint}</span>}
      {f.errorsAt(name)}
    </span>
  );
  const colourInput = (key: 'primary' | 'onPrimary', label: string) => {
    const name = `settings.branding.colors.${key}`;
    return (
      <span>
        <label htmlFor={f.field(name).id}>{label}</label>
        <input
          {...f.field(name)}
          value={brand[key]}
          placeholder={DEFAULT_COLORS[key]}
          onChange={(e) => setBrand({ ...brand, [key]: e.target.value })}
        />
        <span className="muted">#rrggbb; empty: {DEFAULT_COLORS[key]}</span>
        {f.errorsAt(name)}
      </span>
    );
  };

  return (
    <form className="stack program" onSubmit={submit} noValidate>
      {f.alert}
      <fieldset disabled={pending}>
        <legend>The program</legend>
        <div className="grid-2">
          {input('name', 'Program name', program.name)}
          {input('defaultLocale', 'Default locale', program.defaultLocale, 'A BCP 47 tag, e.g. en-GB')}
          {input(
            'timeZone',
            'Time zone',
            program.timeZone,
            'IANA, e.g. Europe/Amsterdam: days and months end there',
          )}
        </div>
      </fieldset>
      <fieldset disabled={pending}>
        <legend>Points</legend>
        <div className="grid-2">
          <span>
            <label htmlFor="program-expiry-kind">Points expire</label>
            <select
              id="program-expiry-kind"
              value={expiryKind}
              onChange={(e) => setExpiryKind(e.target.value as ExpiryKind)}
            >
              <option value="none">never</option>
              <option value="months_after_earning">months after earning</option>
              <option value="end_of_quarter">at the end of a quarter</option>
              <option value="end_of_year">at the end of a year</option>
            </select>
          </span>
          {EXPIRY[expiryKind] &&
            input(
              'settings.ledger.expiry',
              {
                months_after_earning: 'Months',
                end_of_quarter: 'Quarters after',
                end_of_year: 'Years after',
              }[expiryKind as Exclude<ExpiryKind, 'none'>],
              expiry[EXPIRY[expiryKind]] ?? (expiryKind === 'months_after_earning' ? 12 : 0),
              undefined,
              'numeric',
            )}
          {input(
            'settings.ledger.costPerPoint',
            `Cost of a point (${program.baseCurrency})`,
            ledger.costPerPoint,
            'The liability of one point, e.g. 0.005; empty: 0.01',
            'decimal',
          )}
          {input(
            'settings.redemptions.approval.above.points',
            'Approval above (points)',
            above.points,
            'A redemption priced above this waits in the Approvals inbox; empty: no threshold',
            'numeric',
          )}
        </div>
      </fieldset>
      <fieldset disabled={pending}>
        <legend>Branding and portal</legend>
        <div className="grid-2">
          <span>
            <label htmlFor={f.field('settings.branding.displayName').id}>Display name</label>
            <input
              {...f.field('settings.branding.displayName')}
              value={brand.displayName}
              placeholder={program.name}
              onChange={(e) => setBrand({ ...brand, displayName: e.target.value })}
            />
            <span className="muted">What members see; empty: the program name</span>
            {f.errorsAt('settings.branding.displayName')}
          </span>
          {colourInput('primary', 'Header colour')}
          {colourInput('onPrimary', 'Text on the header')}
          {input('settings.branding.logoUrl', 'Logo address', branding.logoUrl, 'https://…')}
          {input(
            'settings.portal.slug',
            'Portal address',
            portal.slug,
            `/portal/{slug}; empty: ${program.id.toLowerCase()}`,
          )}
        </div>
        <Preview
          name={brand.displayName || program.name}
          primary={brand.primary}
          onPrimary={brand.onPrimary}
        />
      </fieldset>
      <fieldset disabled={pending}>
        <legend>E-mails to members</legend>
        <div className="grid-2">
          {input(
            'settings.notifications.senderName',
            'Sender name',
            notifications.senderName,
            'Empty: the program name',
          )}
          {input(
            'settings.notifications.expiringWithinDays',
            'Expiring-soon notice (days ahead)',
            notifications.expiringWithinDays,
            'Empty: 30',
            'numeric',
          )}
        </div>
        {f.errorsAt('settings.notifications.mail')}
        <div className="scroll">
          <table>
            <caption>Which contacts get which e-mail</caption>
            <thead>
              <tr>
                <th scope="col">Notice</th>
                {ROLES.map((r) => (
                  <th scope="col" key={r}>
                    {r}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {NOTICES.map((n) => (
                <tr key={n}>
                  <th scope="row">
                    <code>{n}</code>
                  </th>
                  {ROLES.map((r) => (
                    <td key={r}>
                      <input
                        type="checkbox"
                        name={`mail:${n}:${r}`}
                        aria-label={`${n} to ${r}s`}
                        defaultChecked={mail[n]?.includes(r) ?? false}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>
      <p>
        <button type="submit" disabled={pending}>
          Save the program
        </button>
      </p>
    </form>
  );
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** sRGB relative luminance (WCAG 2). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** The portal's header as members will see it, with the contrast of its text. */
function Preview({ name, primary, onPrimary }: { name: string; primary: string; onPrimary: string }) {
  const background = HEX.test(primary) ? primary : DEFAULT_COLORS.primary;
  const color = HEX.test(onPrimary) ? onPrimary : DEFAULT_COLORS.onPrimary;
  const [light, dark] = [luminance(background), luminance(color)].sort((a, b) => b - a);
  const ratio = (light! + 0.05) / (dark! + 0.05);
  return (
    <section aria-labelledby="preview-title" className="preview">
      <h2 id="preview-title">Preview of the portal header</h2>
      <div data-testid="brand-preview" className="preview-header" style={{ background, color }}>
        <strong>{name}</strong>
        <span>Balance · Rewards · History</span>
      </div>
      <p className={ratio < 4.5 ? 'field-errors' : 'muted'}>
        Contrast {ratio.toFixed(1)}:1
        {ratio < 4.5 ? ' — below 4.5:1: hard to read for many members' : ' (at least 4.5:1 is readable)'}
      </p>
    </section>
  );
}
