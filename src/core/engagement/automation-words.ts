// The words of lifecycle automations' explanations per language, as statements have theirs
// (statement-words.ts): "Happy birthday, Inge — 2026" in en, id, pl, fa and th. The ledger line, the
// firing and the badge award keep the explanation as written when it fired (English); the member's
// portal shows it in the member's language: `explanationIn` reads the English line back into its facts
// (the kind from the line's reason code `automation_<kind>`) and writes it in that language. A line it
// cannot read (written by hand, or by an older wording) is shown as written. Operator texts (the
// automation's name, the plan or tier, the member's name) stay as written. Pure.
import type { MailLocale } from '../notifications/mail.ts';

export type AutomationKind =
  | 'birthday'
  | 'anniversary'
  | 'milestone'
  | 'win_back'
  | 'membership_anniversary'
  | 'tier_anniversary';

/** What an explanation says of an occurrence (`name` null: the member has no name). */
export interface ExplanationFacts {
  name: string | null;
  year?: number;
  years?: number;
  /** The automation's name (milestones and win-back name it). */
  automation?: string;
  threshold?: string;
  unit?: string;
  metric?: 'earned' | 'spent';
  lastOn?: string;
  /** The plan's name (membership anniversaries) or the tier's (tier anniversaries). */
  label?: string;
}

export interface AutomationWords {
  /** Said instead of a name when the member has none. */
  member: string;
  /** `{n}` years, by the language's plural rule (Intl.PluralRules); `other` when a form is missing. */
  years: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  earned: string;
  spent: string;
  /** Each kind's line: `{name}`, `{year}`, `{years}`, `{automation}`, `{threshold}`, `{unit}`, `{metric}`, `{lastOn}`, `{label}`. */
  lines: Record<AutomationKind, string>;
}

export const AUTOMATION_WORDS: Record<MailLocale, AutomationWords> = {
  en: {
    member: 'member',
    years: { one: '{n} year', other: '{n} years' },
    earned: 'earned',
    spent: 'spent',
    lines: {
      birthday: 'Happy birthday, {name} — {year}',
      anniversary: 'Happy anniversary, {name} — {years} with us ({year})',
      milestone: '{automation}: {name} reached {threshold} {unit} {metric}',
      win_back: '{automation}: we miss you, {name} — nothing since {lastOn}',
      membership_anniversary: 'Happy anniversary, {name} — {years} of {label} ({year})',
      tier_anniversary: 'Happy anniversary, {name} — {years} as {label} ({year})',
    },
  },
  id: {
    member: 'anggota',
    years: { other: '{n} tahun' },
    earned: 'diperoleh',
    spent: 'dibelanjakan',
    lines: {
      birthday: 'Selamat ulang tahun, {name} — {year}',
      anniversary: 'Selamat hari jadi, {name} — {years} bersama kami ({year})',
      milestone: '{automation}: {name} mencapai {threshold} {unit} {metric}',
      win_back: '{automation}: kami merindukan Anda, {name} — tidak ada aktivitas sejak {lastOn}',
      membership_anniversary: 'Selamat hari jadi, {name} — {years} bersama {label} ({year})',
      tier_anniversary: 'Selamat hari jadi, {name} — {years} di tingkat {label} ({year})',
    },
  },
  pl: {
    member: 'członku',
    years: { one: '{n} rok', few: '{n} lata', many: '{n} lat', other: '{n} roku' },
    earned: 'zdobyto',
    spent: 'wydano',
    lines: {
      birthday: 'Wszystkiego najlepszego z okazji urodzin, {name} — {year}',
      anniversary: 'Szczęśliwej rocznicy, {name} — {years} z nami ({year})',
      milestone: '{automation}: {name} — {metric} {threshold} {unit}',
      win_back: '{automation}: tęsknimy, {name} — nic od {lastOn}',
      membership_anniversary: 'Szczęśliwej rocznicy, {name} — {years} w {label} ({year})',
      tier_anniversary: 'Szczęśliwej rocznicy, {name} — {years} na poziomie {label} ({year})',
    },
  },
  fa: {
    member: 'عضو',
    years: { other: '{n} سال' },
    earned: 'کسب‌شده',
    spent: 'خرید',
    lines: {
      birthday: 'تولدت مبارک، {name} — {year}',
      anniversary: 'سالگرد مبارک، {name} — {years} همراهی با ما ({year})',
      milestone: '{automation}: {name} به {threshold} {unit} {metric} رسید',
      win_back: '{automation}: دلمان برایتان تنگ شده، {name} — از {lastOn} خبری نیست',
      membership_anniversary: 'سالگرد مبارک، {name} — {years} عضویت در {label} ({year})',
      tier_anniversary: 'سالگرد مبارک، {name} — {years} در سطح {label} ({year})',
    },
  },
  th: {
    member: 'สมาชิก',
    years: { other: '{n} ปี' },
    earned: 'สะสม',
    spent: 'ใช้จ่าย',
    lines: {
      birthday: 'สุขสันต์วันเกิด {name} — {year}',
      anniversary: 'สุขสันต์วันครบรอบ {name} — อยู่กับเรามา {years} ({year})',
      milestone: '{automation}: {name} มียอด{metric}ถึง {threshold} {unit}',
      win_back: '{automation}: เราคิดถึงคุณ {name} — ไม่มีความเคลื่อนไหวตั้งแต่ {lastOn}',
      membership_anniversary: 'สุขสันต์วันครบรอบ {name} — {years} กับ {label} ({year})',
      tier_anniversary: 'สุขสันต์วันครบรอบ {name} — {years} ในระดับ {label} ({year})',
    },
  },
};

const KINDS = Object.keys(AUTOMATION_WORDS.en.lines) as AutomationKind[];

/** One fill of `{…}` at a time, so a value holding braces is never filled again. */
const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

/** An occurrence's explanation in `locale`. */
export function explanationText(locale: MailLocale, kind: AutomationKind, facts: ExplanationFacts): string {
  const w = AUTOMATION_WORDS[locale];
  const years =
    facts.years === undefined
      ? ''
      : fill(w.years[new Intl.PluralRules(locale).select(facts.years)] ?? w.years.other, {
          n: String(facts.years),
        });
  return fill(w.lines[kind], {
    name: facts.name ?? w.member,
    year: String(facts.year ?? ''),
    years,
    automation: facts.automation ?? '',
    threshold: facts.threshold ?? '',
    unit: facts.unit ?? '',
    metric: facts.metric === undefined ? '' : w[facts.metric],
    lastOn: facts.lastOn ?? '',
    label: facts.label ?? '',
  });
}

/** The English lines read back into their facts (the inverse of `explanationText('en', …)`). */
const ENGLISH: Record<
  AutomationKind,
  { pattern: RegExp; facts: (m: string[]) => Omit<ExplanationFacts, 'name'> }
> = {
  birthday: { pattern: /^Happy birthday, (.+) — (\d+)$/, facts: (m) => ({ year: Number(m[2]) }) },
  anniversary: {
    pattern: /^Happy anniversary, (.+) — (\d+) years? with us \((\d+)\)$/,
    facts: (m) => ({ years: Number(m[2]), year: Number(m[3]) }),
  },
  milestone: {
    pattern: /^(.+?): (.+) reached (\S+) (\S+) (earned|spent)$/,
    facts: (m) => ({ automation: m[1], threshold: m[3], unit: m[4], metric: m[5] as 'earned' | 'spent' }),
  },
  win_back: {
    pattern: /^(.+?): we miss you, (.+) — nothing since (\S+)$/,
    facts: (m) => ({ automation: m[1], lastOn: m[3] }),
  },
  membership_anniversary: {
    pattern: /^Happy anniversary, (.+) — (\d+) years? of (.+) \((\d+)\)$/,
    facts: (m) => ({ years: Number(m[2]), label: m[3], year: Number(m[4]) }),
  },
  tier_anniversary: {
    pattern: /^Happy anniversary, (.+) — (\d+) years? as (.+) \((\d+)\)$/,
    facts: (m) => ({ years: Number(m[2]), label: m[3], year: Number(m[4]) }),
  },
};

/** Where each kind's line has the member's name (the automation's name comes first in two). */
const NAME_GROUP: Record<AutomationKind, number> = {
  birthday: 1,
  anniversary: 1,
  milestone: 2,
  win_back: 2,
  membership_anniversary: 1,
  tier_anniversary: 1,
};

/** An English explanation's facts, or null when it is not a line `explanationText('en', kind, …)` writes. */
export function readExplanation(kind: AutomationKind, text: string): ExplanationFacts | null {
  const m = ENGLISH[kind].pattern.exec(text);
  if (!m) return null;
  const name = m[NAME_GROUP[kind]]!;
  return { name: name === AUTOMATION_WORDS.en.member ? null : name, ...ENGLISH[kind].facts(m) };
}

/**
 * A ledger line's explanation in `locale`: an automation's (reason code `automation_<kind>`) written
 * in that language when it can be read, anything else as written.
 */
export function explanationIn(locale: MailLocale, reasonCode: string | null, text: string): string {
  const kind = reasonCode?.startsWith('automation_') ? reasonCode.slice('automation_'.length) : null;
  if (locale === 'en' || !kind || !(KINDS as string[]).includes(kind)) return text;
  const facts = readExplanation(kind as AutomationKind, text);
  return facts === null ? text : explanationText(locale, kind as AutomationKind, facts);
}
