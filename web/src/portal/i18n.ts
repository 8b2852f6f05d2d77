// The portal's languages: a message catalog each, the member's choice (or their contact locale, or
// the program's default), the writing direction, and formatting through Intl in that locale.
import { createContext, useContext } from 'react';
import { en, type Messages, type Plural } from './messages/en';
import { fa } from './messages/fa';
import { id } from './messages/id';
import { pl } from './messages/pl';
import { th } from './messages/th';

export const CATALOGS = { en, id, pl, fa, th } as const;
export type Language = keyof typeof CATALOGS;
export const LANGUAGES = Object.keys(CATALOGS) as Language[];
const RTL: readonly Language[] = ['fa'];
const CHOSEN = 'fidelis-portal-language';

/** The supported language of a BCP 47 tag (its base language), if any. */
export function languageOf(tag: string | null | undefined): Language | undefined {
  const base = tag?.toLowerCase().split('-')[0];
  return base && base in CATALOGS ? (base as Language) : undefined;
}

/** The member's choice in this browser, else their contact locale, else the program's default, else English. */
export function initialLanguage(contactLocale?: string | null, programLocale?: string | null): Language {
  let chosen: string | null = null;
  try {
    chosen = localStorage.getItem(CHOSEN);
  } catch {
    chosen = null;
  }
  return languageOf(chosen) ?? languageOf(contactLocale) ?? languageOf(programLocale) ?? 'en';
}

export function rememberLanguage(language: Language): void {
  try {
    localStorage.setItem(CHOSEN, language);
  } catch {
    // A browser that keeps nothing still switches for this visit.
  }
}

/** Sets the page's language and direction (Persian: right to left, the whole layout mirrored). */
export function applyLanguage(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = RTL.includes(language) ? 'rtl' : 'ltr';
}

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

/** Money in minor units as an exact decimal string ("1234" EUR → "12.34"). */
function decimalOf(minorUnits: number, digits: number): string {
  if (digits === 0) return String(minorUnits);
  const sign = minorUnits < 0 ? '-' : '';
  const text = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export function translator(language: Language) {
  const m: Messages = CATALOGS[language];
  const numbers = new Intl.NumberFormat(language);
  const plurals = new Intl.PluralRules(language);
  const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const number = (n: number | string) => numbers.format(n as number);
  return {
    language,
    m,
    /** A message with its values filled in. */
    t: (text: string, values: Record<string, string | number> = {}) => fill(text, values),
    /** A plural message for `n`, in the language's plural category, `n` formatted. */
    plural: (forms: Plural, n: number) => {
      const form = forms[plurals.select(n) as keyof Plural] ?? forms.other;
      return fill(form, { n: number(n) });
    },
    number,
    date: (iso: string) => dates.format(new Date(iso)),
    /** A month `YYYY-MM` by its name and year, a quarter `YYYY-Qn` as its months, in the language's calendar. */
    month: (period: string) => {
      const format = new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', timeZone: 'UTC' });
      const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
      if (quarter) {
        const [y, q] = [Number(quarter[1]), Number(quarter[2])];
        return format.formatRange(
          new Date(Date.UTC(y, (q - 1) * 3, 15)),
          new Date(Date.UTC(y, (q - 1) * 3 + 2, 15)),
        );
      }
      const [y, mo] = period.split('-').map(Number);
      return format.format(new Date(Date.UTC(y!, mo! - 1, 15)));
    },
    money: (minorUnits: number, currency: string) => {
      const format = new Intl.NumberFormat(language, { style: 'currency', currency });
      const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(decimalOf(minorUnits, digits) as unknown as number);
    },
  };
}

export type Translator = ReturnType<typeof translator>;
export const I18n = createContext<Translator>(translator('en'));
export const useI18n = () => useContext(I18n);
