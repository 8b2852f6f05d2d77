import { describe, expect, it } from 'vitest';
import { MAIL_LOCALES } from './mail.ts';
import { balances, statementLine, withinReach } from './statement.ts';
import { renderStatement, type StatementFigures } from './statement-mail.ts';
import { parsePeriod, periodBefore, periodRange, periodsAfter } from './statement-period.ts';
import { reasonLabel, STATEMENT_WORDS } from './statement-words.ts';

const branding = {
  name: 'Acme <Rewards>',
  logoUrl: null,
  colors: { primary: '#112233', onPrimary: '#ffffff' },
};

describe('statement periods', () => {
  it('reads months and quarters, and nothing else', () => {
    expect(parsePeriod('2026-03')).toMatchObject({
      cadence: 'monthly',
      first: { year: 2026, month: 3 },
      months: 1,
    });
    expect(parsePeriod('2026-Q4')).toMatchObject({
      cadence: 'quarterly',
      first: { year: 2026, month: 10 },
      months: 3,
    });
    for (const bad of ['2026-13', '2026-Q5', '2026-q1', '2026-3', 'last-month', '2026-Q1x'])
      expect(parsePeriod(bad)).toBeNull();
  });

  it('spans local midnights in the zone, and follows one period with the next ones', () => {
    const q1 = parsePeriod('2026-Q1')!;
    expect(periodRange(q1, 'Europe/Warsaw')).toEqual({
      start: new Date('2025-12-31T23:00:00Z'),
      end: new Date('2026-03-31T22:00:00Z'), // summer time from 29 March
    });
    expect(periodsAfter(q1, 3).map((p) => p.id)).toEqual(['2026-Q2', '2026-Q3', '2026-Q4']);
    expect(periodsAfter(parsePeriod('2026-11')!, 3).map((p) => p.id)).toEqual([
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(periodsAfter(parsePeriod('2026-Q1')!, 2, -1).map((p) => p.id)).toEqual(['2025-Q4', '2025-Q3']);
  });

  it('names the last period that ended: a quarter only once it is over', () => {
    const tz = 'Asia/Jakarta';
    expect(periodBefore(new Date('2026-11-03T09:00:00Z'), tz, 'monthly')).toBe('2026-10');
    expect(periodBefore(new Date('2026-11-03T09:00:00Z'), tz, 'quarterly')).toBe('2026-Q3');
    expect(periodBefore(new Date('2026-12-31T16:00:00Z'), tz, 'quarterly')).toBe('2026-Q3'); // 23:00 local
    expect(periodBefore(new Date('2026-12-31T17:00:00Z'), tz, 'quarterly')).toBe('2026-Q4'); // midnight local
    expect(periodBefore(new Date('2026-01-10T00:00:00Z'), tz, 'monthly')).toBe('2025-12');
  });
});

describe('statement lines', () => {
  it('sorts every movement into one figure, so the line adds up', () => {
    const line = statementLine(
      'points',
      1000,
      1000 + 500 + 200 + 50 - 80 - 300 - 120 - 40 + 30 - 25,
      [
        { type: 'earn', reason: 'earn_rule', amount: 500 },
        { type: 'earn', reason: 'referral_referrer', amount: 200 },
        { type: 'earn', reason: 'automation_birthday', amount: 50 },
        { type: 'adjust', reason: 'goodwill', amount: -80 },
        { type: 'redeem', reason: 'reward', amount: -300 },
        { type: 'expire', reason: 'expiry', amount: -120 },
        { type: 'reverse', reason: 'return', amount: -40 },
        { type: 'reverse', reason: 'reward_refund', amount: 30 },
        { type: 'transfer', reason: 'pooling', amount: -25 },
      ],
      { soon: 7, next: [{ period: '2026-04', amount: 7 }] },
    );
    expect(line).toMatchObject({
      earned: 750,
      adjusted: -80,
      redeemed: 300,
      expired: 120,
      other: -35,
      earnedByReason: [
        { reason: 'earn_rule', amount: 500 },
        { reason: 'referral_referrer', amount: 200 },
        { reason: 'automation_birthday', amount: 50 },
      ],
      otherByType: [
        { type: 'transfer', amount: -25 },
        { type: 'reverse', amount: -10 },
      ],
    });
    expect(balances(line)).toBe(true);
    expect(reasonLabel('en', 'automation_birthday')).toBe('Automations');
    expect(reasonLabel('pl', 'goodwill')).toBe('goodwill');
  });

  it('lists up to three rewards within 125 % of the balance, closest first', () => {
    const r = (id: string, price: number) => ({ id, name: id, price, unit: 'points' });
    const list = withinReach(1000, [
      r('a', 100),
      r('b', 990),
      r('c', 1100),
      r('d', 1250),
      r('e', 1251),
      r('f', 800),
    ]);
    expect(list.map((x) => [x.id, x.short])).toEqual([
      ['b', 0],
      ['c', 100],
      ['f', 0],
    ]);
    expect(withinReach(0, [r('a', 1)])).toEqual([]);
  });
});

describe('statement mail', () => {
  const figures: StatementFigures = {
    accountName: 'Acme',
    period: '2026-Q1',
    expiringWithinDays: 30,
    lines: [
      statementLine(
        'points',
        10,
        16,
        [
          { type: 'earn', reason: 'earn_rule', amount: 9 },
          { type: 'adjust', reason: 'fix', amount: 2 },
          { type: 'redeem', reason: 'reward', amount: -3 },
          { type: 'expire', reason: 'expiry', amount: -2 },
        ],
        { soon: 4, next: [{ period: '2026-Q2', amount: 4 }] },
      ),
    ],
    tiers: [
      {
        ladderName: 'Status',
        tier: 'silver',
        tierName: 'Silver',
        metric: '1200.5',
        next: { tier: 'gold', name: 'Gold', needed: '3799.5' },
      },
    ],
    rewards: [{ id: 'rwd_1', name: 'Mug <XL>', price: 18, unit: 'points', short: 2 }],
  };

  // Intl's own range (its spaces around the dash are thin ones).
  const range = (from: number, to: number) =>
    new Intl.DateTimeFormat('en', { year: 'numeric', month: 'long', timeZone: 'UTC' }).formatRange(
      Date.UTC(2026, from, 1),
      Date.UTC(2026, to, 1),
    );

  it('lays out the figures, the tier and the rewards, escaped', () => {
    const s = renderStatement('en', branding, figures);
    expect(range(0, 2)).toMatch(/^January\s–\sMarch 2026$/);
    expect(s.subject).toBe(`Your Acme <Rewards> statement for ${range(0, 2)}`);
    expect(s.text).toContain(
      'Opening balance: 10\nEarned: 9\n  Purchases and activity: 9\nAdjusted: +2\nRedeemed: 3\nExpired: 2\nClosing balance: 16',
    );
    expect(s.text).toContain(`Expiring within 30 days: 4\nExpiring next: ${range(3, 5)}: 4`);
    expect(s.text).toContain('Status: Silver · Qualifying total: 1,200.5 · 3,799.5 more to reach Gold');
    expect(s.text).toContain('Mug <XL> · 18 points · 2 points to go');
    expect(s.html).toContain('<tr data-figure="closing">');
    expect(s.html).toContain('Mug &lt;XL&gt;');
    expect(s.html).toContain('@media only screen and (max-width:480px)');
    expect(renderStatement('id', branding, { ...figures, lines: [], tiers: [], rewards: [] }).text).toContain(
      'Tidak ada pergerakan.',
    );
  });

  it('has every label in every language; Persian right to left with its digits', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of MAIL_LOCALES)
      for (const [key, value] of Object.entries(STATEMENT_WORDS.en)) {
        const own = STATEMENT_WORDS[locale][key as keyof typeof STATEMENT_WORDS.en];
        if (typeof value === 'string') expect(holes(own as string), `${locale} ${key}`).toEqual(holes(value));
        else expect(Object.keys(own).sort(), `${locale} ${key}`).toEqual(Object.keys(value).sort());
      }
    const fa = renderStatement('fa', branding, figures);
    expect(fa.html).toContain('<html lang="fa" dir="rtl">');
    expect(fa.text).toContain('۱۶');
  });
});
