import { describe, expect, it } from 'vitest';
import { MAIL_LOCALES, MAILED_TYPES, mailLocale, renderNotice, renderSignIn } from './mail.ts';
import { WORDS } from './words.ts';

const branding = {
  name: 'Acme <Rewards>',
  logoUrl: null,
  colors: { primary: '#112233', onPrimary: '#ffffff' },
};

describe('mail templates', () => {
  it('picks the language of a tag, then the fallback, then English', () => {
    expect(mailLocale('pl-PL', 'en')).toBe('pl');
    expect(mailLocale('FA', 'en')).toBe('fa');
    expect(mailLocale('de-DE', 'th-TH')).toBe('th');
    expect(mailLocale(null, 'nl-NL')).toBe('en');
  });

  it('has every message in every language, with the same placeholders as English', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of MAIL_LOCALES)
      for (const kind of [...MAILED_TYPES, 'statement' as const]) {
        expect(WORDS[locale].subject[kind], `${locale} ${kind}`).toBeTruthy();
        expect(holes(WORDS[locale].subject[kind]), `${locale} ${kind}`).toEqual(
          holes(WORDS.en.subject[kind]),
        );
        expect(holes(WORDS[locale].line[kind]), `${locale} ${kind}`).toEqual(holes(WORDS.en.line[kind]));
      }
  });

  it('writes Persian right to left and the others left to right, escaping what it is given', () => {
    const payload = { amount: 1234, unit: '<b>pts</b>' };
    const fa = renderNotice('points.credited', 'fa', branding, payload, 'Asia/Tehran');
    expect(fa.html).toContain('<html lang="fa" dir="rtl">');
    expect(fa.subject).toContain(new Intl.NumberFormat('fa').format(1234));
    const en = renderNotice('points.credited', 'en', branding, payload, 'UTC');
    expect(en.html).toContain('<html lang="en" dir="ltr">');
    expect(en.subject).toBe('1,234 <b>pts</b> credited');
    expect(en.html).not.toContain('<b>pts</b>');
    expect(en.html).toContain('&lt;b&gt;pts&lt;/b&gt;');
    expect(en.html).toContain('Acme &lt;Rewards&gt;');
  });

  it('words a downgrade ahead with the tier held, the date and what is needed, in the locale', () => {
    const payload = {
      fromName: 'Gold',
      toName: 'Silver',
      downgradeAt: '2027-03-31T22:00:00.000Z',
      needed: '3799.5',
    };
    const en = renderNotice('tier.downgrade_upcoming', 'en', branding, payload, 'Europe/Amsterdam');
    expect(en.subject).toBe('Your Gold status is due to end on April 1, 2027');
    expect(en.text).toContain(
      'Unless your account reaches 3,799.5 more by April 1, 2027, it will lose the tier Gold.',
    );
    const pl = renderNotice('tier.downgrade_upcoming', 'pl', branding, payload, 'Europe/Warsaw');
    expect(pl.subject).toBe('Twój poziom Gold wygaśnie 1 kwietnia 2027');
    expect(pl.text).toContain('3799,5');
  });

  it('words the sign-in mail in every language, the link escaped and right to left in Persian', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of MAIL_LOCALES)
      for (const key of ['subject', 'line', 'button', 'expires', 'ignore'] as const)
        expect(holes(WORDS[locale].signIn[key]), `${locale} ${key}`).toEqual(holes(WORDS.en.signIn[key]));
    const url = 'https://loyalty.test/portal/acme/enter#token=abc&x="y"';
    const en = renderSignIn('en', branding, url, 15);
    expect(en.subject).toBe('Your sign-in link for Acme <Rewards>');
    expect(en.html).toContain('href="https://loyalty.test/portal/acme/enter#token=abc&amp;x=&quot;y&quot;"');
    expect(en.text).toContain(url);
    expect(en.text).toContain('expires in 15 minutes');
    const fa = renderSignIn('fa', branding, url, 15);
    expect(fa.html).toContain('dir="rtl"');
    expect(fa.text).toContain('۱۵');
  });
});
