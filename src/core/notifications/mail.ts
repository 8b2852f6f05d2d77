// E-mail notices and statements as text (decision 0027): one template per message type, in the
// languages of the programs we model (en, id, pl, fa right to left, th), numbers and dates formatted
// by Intl for the contact's locale. Pure: the caller passes the figures, the branding and the locale.

import { WORDS } from './words.ts';

export const MAIL_LOCALES = ['en', 'id', 'pl', 'fa', 'th'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** The message types that may be mailed (a subset of the outbox's catalogue) and the statement. */
export const MAILED_TYPES = [
  'points.credited',
  'points.expired',
  'points.expiring_soon',
  'tier.changed',
  'tier.downgrade_upcoming',
  'redemption.requested',
  'redemption.approved',
  'redemption.rejected',
  'redemption.fulfilled',
  'redemption.cancelled',
  'membership.started',
  'membership.renewed',
  'membership.lapsed',
] as const;
export type MailedType = (typeof MAILED_TYPES)[number];
/**
 * Notices made from a message for other contacts than its own type's: a redemption waiting for
 * approval (from `redemption.requested` in `pending_approval`) goes to the account's approvers.
 */
export const DERIVED_NOTICES = { 'redemption.approval_needed': 'redemption.requested' } as const;
export type DerivedNotice = keyof typeof DERIVED_NOTICES;
/** What a program may map to contact roles in `settings.notifications.mail`. */
export const NOTICE_KINDS = [...MAILED_TYPES, ...(Object.keys(DERIVED_NOTICES) as DerivedNotice[])] as const;
export type NoticeKind = MailedType | DerivedNotice;
export type MailKind = NoticeKind | 'statement';

/** The supported language of a BCP 47 tag (`pl-PL` → pl), else the fallback. */
export function mailLocale(tag: string | null | undefined, fallback: string): MailLocale {
  for (const candidate of [tag, fallback, 'en']) {
    const lang = (candidate ?? '').toLowerCase().split('-')[0] as MailLocale;
    if ((MAIL_LOCALES as readonly string[]).includes(lang)) return lang;
  }
  return 'en';
}

export const isRtl = (locale: MailLocale) => locale === 'fa';

export interface Branding {
  name: string;
  logoUrl: string | null;
  colors: { primary: string; onPrimary: string };
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

export const formatNumber = (locale: MailLocale, n: number) => new Intl.NumberFormat(locale).format(n);

/** An exact decimal string ("1200.50") in the locale's digits and separators, without rounding it. */
export function formatDecimal(locale: MailLocale, value: string): string {
  const [whole, fraction] = value.split('.');
  const format = new Intl.NumberFormat(locale, { minimumFractionDigits: fraction?.length ?? 0 });
  // Intl takes decimal strings exactly (no float in between).
  return format.format(`${whole}${fraction ? `.${fraction}` : ''}` as unknown as number);
}

function formatDate(locale: MailLocale, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(new Date(iso));
}

/**
 * `2026-03` as the month's name in the locale ("March 2026", "marzec 2026"); a quarter `2026-Q1` as
 * its months' range ("January – March 2026"), by Intl in both cases.
 */
export function formatPeriod(locale: MailLocale, period: string): string {
  const format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) {
    const [y, q] = [Number(quarter[1]), Number(quarter[2])];
    return format.formatRange(
      new Date(Date.UTC(y, (q - 1) * 3, 1)),
      new Date(Date.UTC(y, (q - 1) * 3 + 2, 1)),
    );
  }
  const [y, m] = period.split('-').map(Number);
  return format.format(new Date(Date.UTC(y!, m! - 1, 1)));
}

/** The values a notice's template uses, read from the message's payload. */
function noticeValues(
  locale: MailLocale,
  payload: Record<string, unknown>,
  timeZone: string,
): Record<string, string> {
  const redemption = (payload.redemption ?? {}) as Record<string, unknown>;
  const reward = (redemption.reward ?? {}) as Record<string, unknown>;
  return {
    amount: typeof payload.amount === 'number' ? formatNumber(locale, payload.amount) : '',
    unit: String(payload.unit ?? ''),
    date:
      typeof payload.expiresAt === 'string'
        ? formatDate(locale, payload.expiresAt, timeZone)
        : typeof payload.downgradeAt === 'string'
          ? formatDate(locale, payload.downgradeAt, timeZone)
          : '',
    tier: String(payload.toName ?? payload.toCode ?? ''),
    from: String(payload.fromName ?? payload.fromCode ?? ''),
    needed: typeof payload.needed === 'string' ? formatDecimal(locale, payload.needed) : '',
    reward: String(reward.name ?? redemption.rewardName ?? redemption.rewardId ?? ''),
  };
}

export function page(
  locale: MailLocale,
  branding: Branding,
  title: string,
  body: string,
  footer: string,
  unsubscribeUrl?: string,
): string {
  const dir = isRtl(locale) ? 'rtl' : 'ltr';
  const logo = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(branding.name)}" height="32">`
    : `<strong>${escapeHtml(branding.name)}</strong>`;
  return `<!doctype html>
<html lang="${locale}" dir="${dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>@media only screen and (max-width:480px){.cols>tbody>tr>td{display:block!important;width:auto!important}.fig th,.fig td{font-size:14px!important}h1{font-size:18px!important}}</style></head>
<body style="margin:0;padding:0;font-family:system-ui,sans-serif;background:#f4f4f4">
<table role="presentation" class="shell" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#ffffff">
<tr><td style="padding:16px;background:${branding.colors.primary};color:${branding.colors.onPrimary}">${logo}</td></tr>
<tr><td style="padding:16px">${body}</td></tr>
<tr><td style="padding:16px;font-size:12px;color:#555555">${escapeHtml(footer)}${
    unsubscribeUrl
      ? `<br><a href="${escapeHtml(unsubscribeUrl)}" style="color:#555555">${escapeHtml(WORDS[locale].unsubscribe.link)}</a>`
      : ''
  }</td></tr>
</table>
</body>
</html>
`;
}

export const unsubscribeLine = (locale: MailLocale, url: string | undefined) =>
  url ? `${WORDS[locale].unsubscribe.link}: ${url}\n` : '';

/**
 * The page an unsubscribe link opens (no login): the question with its button (`ask`, a form that
 * posts back to the same address: a GET never unsubscribes, since mail scanners open links), the
 * answer (`done`), or `invalid` for a token no mail carries.
 */
export function renderUnsubscribePage(
  locale: MailLocale,
  branding: Branding,
  state: 'ask' | 'done' | 'invalid',
  values: { email?: string } = {},
): string {
  const u = WORDS[locale].unsubscribe;
  const filled = { program: branding.name, email: values.email ?? '' };
  const body =
    state === 'ask'
      ? `<h1 style="font-size:20px">${escapeHtml(u.title)}</h1>
<p>${escapeHtml(fill(u.ask, filled))}</p>
<form method="post"><button type="submit" style="padding:8px 16px;background:${branding.colors.primary};color:${branding.colors.onPrimary};border:0;border-radius:4px">${escapeHtml(u.button)}</button></form>`
      : `<h1 style="font-size:20px">${escapeHtml(u.title)}</h1>
<p role="status">${escapeHtml(state === 'done' ? fill(u.done, filled) : u.invalid)}</p>`;
  return page(locale, branding, u.title, body, '');
}

/** A notice about one outbox message. */
export function renderNotice(
  kind: NoticeKind,
  locale: MailLocale,
  branding: Branding,
  payload: Record<string, unknown>,
  timeZone: string,
  unsubscribeUrl?: string,
): RenderedMail {
  const w = WORDS[locale];
  const values = { ...noticeValues(locale, payload, timeZone), program: branding.name };
  const subject = fill(w.subject[kind], values);
  const line = fill(w.line[kind], values);
  const footer = fill(w.footer, values);
  return {
    subject,
    html: page(
      locale,
      branding,
      subject,
      `<h1 style="font-size:20px">${escapeHtml(subject)}</h1><p>${escapeHtml(line)}</p>`,
      footer,
      unsubscribeUrl,
    ),
    text: `${line}\n\n${footer}\n${unsubscribeLine(locale, unsubscribeUrl)}`,
  };
}

/**
 * The portal's sign-in mail (decision 0029): a button to the one-time link, how long it works, and
 * what to do if the contact did not ask for it. The link is the only secret in it.
 */
export function renderSignIn(
  locale: MailLocale,
  branding: Branding,
  url: string,
  minutes: number,
): RenderedMail {
  const w = WORDS[locale].signIn;
  const values = { program: branding.name, minutes: formatNumber(locale, minutes) };
  const subject = fill(w.subject, values);
  const line = fill(w.line, values);
  const expires = fill(w.expires, values);
  const footer = fill(WORDS[locale].footer, values);
  const body = `<h1 style="font-size:20px">${escapeHtml(subject)}</h1>
<p>${escapeHtml(line)}</p>
<p><a href="${escapeHtml(url)}" data-sign-in style="display:inline-block;padding:12px 20px;background:${branding.colors.primary};color:${branding.colors.onPrimary};text-decoration:none;border-radius:4px">${escapeHtml(w.button)}</a></p>
<p>${escapeHtml(expires)}</p>
<p style="font-size:12px;color:#555555">${escapeHtml(w.ignore)}</p>`;
  return {
    subject,
    html: page(locale, branding, subject, body, footer),
    text: `${line}\n\n${url}\n\n${expires}\n${w.ignore}\n\n${footer}\n`,
  };
}
