import { describe, expect, it } from 'vitest';
import { MAIL_LOCALES } from '../notifications/mail.ts';
import { type AutomationDocument, explanation } from './automation.ts';
import {
  AUTOMATION_WORDS,
  type AutomationKind,
  explanationIn,
  explanationText,
  readExplanation,
} from './automation-words.ts';

const doc = (name: string, trigger: AutomationDocument['trigger']): AutomationDocument => ({
  name,
  trigger,
  effect: { points: 10 },
  startsAt: '2026-01-01T00:00:00Z',
  enabled: true,
});

/** Each kind's line as the ledger has it (English, written by `explanation`) and its facts. */
const LINES: [AutomationKind, string, ReturnType<typeof readExplanation>][] = [
  ['birthday', 'Happy birthday, Inge — 2026', { name: 'Inge', year: 2026 }],
  ['anniversary', 'Happy anniversary, ACME — 3 years with us (2026)', { name: 'ACME', years: 3, year: 2026 }],
  [
    'milestone',
    'Big spender: Kestrel Catering Group reached 10000.00 EUR spent',
    {
      name: 'Kestrel Catering Group',
      automation: 'Big spender',
      threshold: '10000.00',
      unit: 'EUR',
      metric: 'spent',
    },
  ],
  [
    'win_back',
    'Win-back: we miss you, ACME — nothing since 2026-01-31',
    { name: 'ACME', automation: 'Win-back', lastOn: '2026-01-31' },
  ],
  [
    'membership_anniversary',
    'Happy anniversary, member — 1 year of Installer Pro (2026)',
    { name: null, years: 1, label: 'Installer Pro', year: 2026 },
  ],
  [
    'tier_anniversary',
    'Happy anniversary, BETA — 5 years as Gold (2026)',
    { name: 'BETA', years: 5, label: 'Gold', year: 2026 },
  ],
];

const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("automations' explanations in the member's language", () => {
  it('has every kind in every language, each with the placeholders of the English line', () => {
    for (const locale of MAIL_LOCALES)
      for (const [kind, template] of Object.entries(AUTOMATION_WORDS.en.lines))
        expect(
          placeholders(AUTOMATION_WORDS[locale].lines[kind as AutomationKind]),
          `${locale} ${kind}`,
        ).toEqual(placeholders(template));
  });

  it('writes the English lines the ledger has always had, and reads each back into its facts', () => {
    expect(explanation(doc('Birthday bonus', { kind: 'birthday' }), { name: 'Inge', year: 2026 })).toBe(
      'Happy birthday, Inge — 2026',
    );
    expect(
      explanation(doc('Big spender', { kind: 'milestone', metric: 'lifetime_spend', threshold: '10000' }), {
        name: 'Kestrel Catering Group',
        threshold: '10000.00',
        unit: 'EUR',
      }),
    ).toBe('Big spender: Kestrel Catering Group reached 10000.00 EUR spent');
    for (const [kind, line, facts] of LINES) {
      expect(readExplanation(kind, line), line).toEqual(facts);
      expect(explanationText('en', kind, facts!)).toBe(line);
      expect(explanationIn('en', `automation_${kind}`, line)).toBe(line);
    }
  });

  it('translates each kind, with the language’s plural of years and its word for a member without a name', () => {
    const [birthday, anniversary, milestone, winBack, membership, tier] = LINES.map(([kind, line]) => ({
      reason: `automation_${kind}`,
      line,
    }));
    const t = (locale: Parameters<typeof explanationIn>[0], l: { reason: string; line: string }) =>
      explanationIn(locale, l.reason, l.line);
    expect(t('pl', birthday!)).toBe('Wszystkiego najlepszego z okazji urodzin, Inge — 2026');
    expect(t('id', birthday!)).toBe('Selamat ulang tahun, Inge — 2026');
    expect(t('fa', birthday!)).toBe('تولدت مبارک، Inge — 2026');
    expect(t('th', birthday!)).toBe('สุขสันต์วันเกิด Inge — 2026');
    expect(t('pl', anniversary!)).toBe('Szczęśliwej rocznicy, ACME — 3 lata z nami (2026)');
    expect(t('pl', tier!)).toBe('Szczęśliwej rocznicy, BETA — 5 lat na poziomie Gold (2026)');
    expect(t('pl', membership!)).toBe('Szczęśliwej rocznicy, członku — 1 rok w Installer Pro (2026)');
    expect(t('id', membership!)).toBe('Selamat hari jadi, anggota — 1 tahun bersama Installer Pro (2026)');
    expect(t('th', anniversary!)).toBe('สุขสันต์วันครบรอบ ACME — อยู่กับเรามา 3 ปี (2026)');
    expect(t('pl', milestone!)).toBe('Big spender: Kestrel Catering Group — wydano 10000.00 EUR');
    expect(t('fa', winBack!)).toBe('Win-back: دلمان برایتان تنگ شده، ACME — از 2026-01-31 خبری نیست');
    // Every language writes something else than the English line, with the operator's texts as written.
    for (const locale of MAIL_LOCALES.filter((l) => l !== 'en'))
      for (const l of [birthday, anniversary, milestone, winBack, membership, tier]) {
        expect(t(locale, l!), `${locale} ${l!.reason}`).not.toBe(l!.line);
        expect(t(locale, l!)).not.toMatch(/\{\w+\}|undefined/);
      }
  });

  it('leaves other lines as written: another reason, an unknown kind, a line it cannot read', () => {
    expect(explanationIn('pl', 'earn_rule', 'Happy birthday, Inge — 2026')).toBe(
      'Happy birthday, Inge — 2026',
    );
    expect(explanationIn('pl', 'automation_unknown', 'Happy birthday, Inge — 2026')).toBe(
      'Happy birthday, Inge — 2026',
    );
    expect(explanationIn('pl', 'automation_birthday', 'Birthday points by hand')).toBe(
      'Birthday points by hand',
    );
    expect(explanationIn('pl', null, 'Welcome bonus')).toBe('Welcome bonus');
  });
});
