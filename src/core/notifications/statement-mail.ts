// A statement as an e-mail (decisions 0027, 0037): per unit the figures from the opening to the
// closing balance with what was earned by reason, what expires next; the tier and its progress; the
// rewards within reach. A hand-written table layout (what mail clients render), fluid up to 600 px,
// columns that stack on a phone, inline styles, in the program's branding and the contact's language
// (Persian right to left: `text-align:start/end` follow the direction). Pure.
import {
  type Branding,
  escapeHtml,
  fill,
  formatDecimal,
  formatNumber,
  formatPeriod,
  type MailLocale,
  page,
  type RenderedMail,
  unsubscribeLine,
} from './mail.ts';
import type { RewardInReach, StatementLine } from './statement.ts';
import { reasonLabel, STATEMENT_WORDS, typeLabel } from './statement-words.ts';
import { WORDS } from './words.ts';

export interface TierStanding {
  ladderName: string;
  tier: string | null;
  tierName: string | null;
  /** The metric over the window ending with the period, as a decimal string. */
  metric: string;
  next: { tier: string; name: string; needed: string } | null;
}

export interface StatementFigures {
  accountName: string;
  /** `YYYY-MM` or `YYYY-Qn`. */
  period: string;
  expiringWithinDays: number;
  lines: StatementLine[];
  tiers: TierStanding[];
  rewards: RewardInReach[];
}

type Row = { key: string; label: string; value: string; sub?: boolean; strong?: boolean };

function lineRows(locale: MailLocale, figures: StatementFigures, line: StatementLine): Row[] {
  const s = STATEMENT_WORDS[locale];
  const n = (x: number) => formatNumber(locale, x);
  const signed = (x: number) => (x > 0 ? `+${n(x)}` : n(x));
  return [
    { key: 'opening', label: s.opening, value: n(line.opening) },
    { key: 'earned', label: s.earned, value: n(line.earned) },
    ...line.earnedByReason.map((r) => ({
      key: `earned:${r.reason}`,
      label: reasonLabel(locale, r.reason),
      value: n(r.amount),
      sub: true,
    })),
    ...(line.adjusted !== 0 ? [{ key: 'adjusted', label: s.adjusted, value: signed(line.adjusted) }] : []),
    { key: 'redeemed', label: s.redeemed, value: n(line.redeemed) },
    { key: 'expired', label: s.expired, value: n(line.expired) },
    ...(line.other !== 0
      ? [
          { key: 'other', label: s.other, value: signed(line.other) },
          ...line.otherByType.map((o) => ({
            key: `other:${o.type}`,
            label: typeLabel(locale, o.type),
            value: signed(o.amount),
            sub: true,
          })),
        ]
      : []),
    { key: 'closing', label: s.closing, value: n(line.closing), strong: true },
    {
      key: 'expiring-soon',
      label: fill(s.expiringSoon, { days: n(figures.expiringWithinDays) }),
      value: n(line.expiringSoon),
    },
    ...line.expiringNext.map((e) => ({
      key: `expiring:${e.period}`,
      label: `${s.expiringNext}: ${formatPeriod(locale, e.period)}`,
      value: n(e.amount),
    })),
  ];
}

const cell = 'padding:4px 6px;border-bottom:1px solid #eeeeee';

function rowHtml(r: Row): string {
  const label = r.strong ? `<strong>${escapeHtml(r.label)}</strong>` : escapeHtml(r.label);
  const value = r.strong ? `<strong>${escapeHtml(r.value)}</strong>` : escapeHtml(r.value);
  const indent = r.sub ? 'padding-inline-start:20px;color:#555555;' : '';
  return `<tr data-figure="${escapeHtml(r.key)}"><th scope="row" style="text-align:start;font-weight:normal;${indent}${cell}">${label}</th><td style="text-align:end;white-space:nowrap;${cell}">${value}</td></tr>`;
}

/** The tier and its progress, one line per ladder. */
function tierLines(locale: MailLocale, tiers: TierStanding[]): string[] {
  const s = STATEMENT_WORDS[locale];
  return tiers.map((t) => {
    const held = t.tierName ?? t.tier ?? s.noTier;
    const next = t.next
      ? fill(s.next, { needed: formatDecimal(locale, t.next.needed), tier: t.next.name })
      : s.top;
    return `${t.ladderName}: ${held} · ${fill(s.metric, { metric: formatDecimal(locale, t.metric) })} · ${next}`;
  });
}

function rewardLine(locale: MailLocale, r: RewardInReach): string {
  const s = STATEMENT_WORDS[locale];
  const price = `${formatNumber(locale, r.price)} ${r.unit}`;
  const state =
    r.short === 0 ? s.canRedeem : fill(s.short, { short: formatNumber(locale, r.short), unit: r.unit });
  return `${r.name} · ${price} · ${state}`;
}

/** A statement: one table per unit with the period's figures, the tier, the rewards within reach. */
export function renderStatement(
  locale: MailLocale,
  branding: Branding,
  figures: StatementFigures,
  unsubscribeUrl?: string,
): RenderedMail {
  const w = WORDS[locale];
  const s = STATEMENT_WORDS[locale];
  const values = { program: branding.name, period: formatPeriod(locale, figures.period) };
  const subject = fill(w.subject.statement, values);
  const intro = fill(w.line.statement, values);
  const footer = fill(w.footer, values);
  const heading = (text: string) =>
    `<h2 style="font-size:16px;margin:16px 0 4px;color:${branding.colors.primary}">${escapeHtml(text)}</h2>`;
  const tables =
    figures.lines.length === 0
      ? `<p>${escapeHtml(s.none)}</p>`
      : figures.lines
          .map(
            (line) =>
              `<table role="presentation" class="fig" data-unit="${escapeHtml(line.unit)}" width="100%" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;margin:8px 0">
<caption style="text-align:start;font-weight:bold;padding:4px 0">${escapeHtml(s.unit)}: ${escapeHtml(line.unit)}</caption>
${lineRows(locale, figures, line).map(rowHtml).join('\n')}
</table>`,
          )
          .join('\n');
  const tiers = tierLines(locale, figures.tiers);
  const rewards = figures.rewards.map((r) => rewardLine(locale, r));
  const list = (items: string[], attr: string) =>
    `<ul ${attr} style="margin:4px 0;padding-inline-start:20px">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  const body = `<h1 style="font-size:20px">${escapeHtml(subject)}</h1>
<p>${escapeHtml(figures.accountName)} · ${escapeHtml(s.period)}: ${escapeHtml(values.period)}</p>
<p>${escapeHtml(intro)}</p>
${tables}
${tiers.length > 0 ? `${heading(s.tier)}${list(tiers, 'data-section="tier"')}` : ''}
${rewards.length > 0 ? `${heading(s.rewards)}${list(rewards, 'data-section="rewards"')}` : ''}`;
  const text = [
    intro,
    `${figures.accountName} · ${s.period}: ${values.period}`,
    ...figures.lines.flatMap((line) => [
      '',
      `${s.unit}: ${line.unit}`,
      ...lineRows(locale, figures, line).map((r) => `${r.sub ? '  ' : ''}${r.label}: ${r.value}`),
    ]),
    ...(figures.lines.length === 0 ? [s.none] : []),
    ...(tiers.length > 0 ? ['', `${s.tier}:`, ...tiers.map((t) => `- ${t}`)] : []),
    ...(rewards.length > 0 ? ['', `${s.rewards}:`, ...rewards.map((r) => `- ${r}`)] : []),
    '',
    footer,
  ].join('\n');
  return {
    subject,
    html: page(locale, branding, subject, body, footer, unsubscribeUrl),
    text: `${text}\n${unsubscribeLine(locale, unsubscribeUrl)}`,
  };
}
