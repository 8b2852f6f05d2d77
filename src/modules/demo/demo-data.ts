// A demo distributor program: business accounts in groups → subsidiaries → sites, with contacts in roles.
import type { RuleDocument } from '../../core/rules/rule.ts';
import type { LadderDocument } from '../../core/tiers/ladder.ts';
import type { EventInput } from '../events/events-service.ts';

// Deterministic (seeded), so every fresh start shows the same program.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = [
  'Alder',
  'Birch',
  'Cedar',
  'Delta',
  'Elm',
  'Fjord',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Kestrel',
  'Linden',
];
const SUFFIXES = [
  'Hospitality',
  'Installations',
  'Foodservice',
  'Facilities',
  'Builders',
  'Catering',
  'Technics',
  'Supplies',
];
const SEGMENTS = ['hospitality', 'installer', 'foodservice', 'facilities', 'construction'];
const COUNTRIES = [
  ['NL', 'EUR', 'nl-NL'],
  ['BE', 'EUR', 'nl-BE'],
  ['DE', 'EUR', 'de-DE'],
  ['GB', 'GBP', 'en-GB'],
  ['FR', 'EUR', 'fr-FR'],
] as const;
const CITIES = [
  'Amsterdam',
  'Rotterdam',
  'Utrecht',
  'Antwerp',
  'Ghent',
  'Cologne',
  'Leeds',
  'Lyon',
  'Eindhoven',
  'Bristol',
];
const FIRST = [
  'Anna',
  'Bram',
  'Chloé',
  'Daan',
  'Emma',
  'Finn',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Lotte',
  'Milan',
  'Noor',
  'Oscar',
];
const LAST = [
  'de Vries',
  'Jansen',
  'Peeters',
  'Müller',
  'Smith',
  'Dubois',
  'Bakker',
  'Visser',
  'Maes',
  'Schmidt',
];

function csvCell(value: string): string {
  return /[",\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvOf(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** About 300 accounts (60 groups, subsidiaries, sites) and 3 contacts per group/subsidiary. */
export function demoCsv(seed = 42): { accounts: string; contacts: string } {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const accounts: string[][] = [];
  const contacts: string[][] = [];
  let n = 0;
  const year = () => String(2008 + Math.floor(random() * 17));
  const addContacts = (externalId: string, company: string, roles: string[], locale: string) => {
    for (const role of roles) {
      n++;
      const first = pick(FIRST);
      const last = pick(LAST);
      const domain = company.toLowerCase().replace(/[^a-z]+/g, '') || 'example';
      const email =
        `${first}.${last}.${n}`
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z0-9.]/g, '') + `@${domain}.example`;
      contacts.push([
        email,
        externalId,
        `${first} ${last}`,
        role,
        locale,
        random() < 0.6 ? 'yes' : 'no',
        'yes',
      ]);
    }
  };
  for (let g = 1; g <= 60; g++) {
    const [country, currency, locale] = pick(COUNTRIES);
    const segment = pick(SEGMENTS);
    const company = `${pick(PREFIXES)} ${pick(SUFFIXES)}`;
    const groupId = `CRM-${String(g).padStart(4, '0')}`;
    accounts.push([
      groupId,
      `${company} Group`,
      '',
      segment,
      country,
      currency,
      'enrolled',
      `${year()}-0${1 + Math.floor(random() * 9)}-01`,
      'group',
    ]);
    addContacts(groupId, company, ['owner', 'approver', 'buyer'], locale);
    const subsidiaries = 1 + Math.floor(random() * 3);
    for (let s = 1; s <= subsidiaries; s++) {
      const subId = `${groupId}-${s}`;
      const city = pick(CITIES);
      accounts.push([
        subId,
        `${company} ${city}`,
        groupId,
        segment,
        country,
        currency,
        random() < 0.9 ? 'enrolled' : 'prospect',
        `${year()}-1${Math.floor(random() * 3)}-15`,
        'subsidiary',
      ]);
      addContacts(subId, company, ['admin', 'buyer', 'viewer'], locale);
      const sites = Math.floor(random() * 3);
      for (let t = 1; t <= sites; t++) {
        accounts.push([
          `${subId}-${t}`,
          `${company} ${city} site ${t}`,
          subId,
          segment,
          country,
          currency,
          'enrolled',
          '',
          'site',
        ]);
      }
    }
  }
  return {
    accounts: csvOf(
      [
        'externalId',
        'name',
        'parentExternalId',
        'segment',
        'country',
        'preferredCurrency',
        'status',
        'customerSince',
        'attr.level',
      ],
      accounts,
    ),
    contacts: csvOf(
      ['email', 'accountExternalId', 'name', 'role', 'locale', 'marketingOptIn', 'statementOptIn'],
      contacts,
    ),
  };
}

export interface DemoMovement {
  op: 'credit' | 'debit';
  key: string;
  account: string;
  unit: 'points' | 'EUR';
  amount: number;
  reasonCode: string;
  explanation: string;
  effectiveAt: Date;
}

/**
 * A year of activity before `now` for the given accounts (externalIds): purchases earning points,
 * cashback in euros, and some gift-card redemptions that the earlier earnings cover.
 */
export function demoMovements(externalIds: string[], now: Date, seed = 7): DemoMovement[] {
  const random = rng(seed);
  const out: DemoMovement[] = [];
  const day = 86_400_000;
  for (const account of externalIds) {
    let balance = 0;
    const orders = 2 + Math.floor(random() * 5);
    for (let i = 0; i < orders; i++) {
      const at = new Date(
        now.getTime() - (360 - Math.floor((i / orders) * 340) - Math.floor(random() * 10)) * day,
      );
      const euros = 500 + Math.floor(random() * 9500);
      const order = `SO-${account}-${i + 1}`;
      out.push({
        op: 'credit',
        key: `demo:${order}:points`,
        account,
        unit: 'points',
        amount: euros,
        reasonCode: 'purchase',
        explanation: `1 point per euro on order ${order}`,
        effectiveAt: at,
      });
      balance += euros;
      if (random() < 0.4) {
        const cents = Math.round(euros * 3);
        out.push({
          op: 'credit',
          key: `demo:${order}:cashback`,
          account,
          unit: 'EUR',
          amount: cents,
          reasonCode: 'cashback',
          explanation: `3% cashback on order ${order}`,
          effectiveAt: at,
        });
      }
      if (balance > 4000 && random() < 0.5) {
        const spend = 2500;
        out.push({
          op: 'debit',
          key: `demo:${order}:gift`,
          account,
          unit: 'points',
          amount: spend,
          reasonCode: 'gift_card',
          explanation: 'EUR 25 e-gift card',
          effectiveAt: new Date(at.getTime() + 3 * day),
        });
        balance -= spend;
      }
    }
  }
  return out;
}

/** The demo program's earning rules, as a program manager would write them. */
export function demoRules(): RuleDocument[] {
  return [
    {
      name: 'A point per euro',
      description:
        'Every purchase and paid invoice earns 1 point per euro, pending for the 14-day return window',
      trigger: { types: ['purchase', 'invoice.paid'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
      pendingDays: 14,
    },
    {
      name: 'Hospitality double points',
      trigger: { types: ['purchase'] },
      condition: 'account.segment == "hospitality"',
      effects: [{ kind: 'multiplier', factor: '2' }],
    },
    {
      name: 'Cashback on cleaning and packaging',
      trigger: { types: ['purchase'] },
      effects: [
        {
          kind: 'per_item',
          as: 'cashback',
          rates: [
            { match: { categories: ['cleaning'] }, percent: '5' },
            { match: { categories: ['packaging'] }, percent: '2' },
          ],
        },
      ],
      caps: { perAccount: { month: 50_000 } },
    },
    {
      name: 'Survey thank-you',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 250 }],
      caps: { perAccount: { year: 1000 } },
    },
    {
      name: 'Training completed',
      trigger: { types: ['training.completed'] },
      effects: [{ kind: 'fixed', points: 500 }],
      caps: { perAccount: { month: 1000 } },
    },
    {
      name: 'Welcome bonus on the first order',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 1000, oncePerAccount: true }],
    },
  ];
}

/** The last month of events for some accounts: purchases with line items, surveys, trainings. */
export function demoEvents(externalIds: string[], now: Date, seed = 11): EventInput[] {
  const random = rng(seed);
  const day = 86_400_000;
  const categories = ['cleaning', 'packaging', 'food', 'equipment'];
  const out: EventInput[] = [];
  for (const account of externalIds.slice(0, 40)) {
    const at = (n: number) =>
      new Date(now.getTime() - (30 - n) * day - Math.floor(random() * day)).toISOString();
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
      const quantity = 1 + Math.floor(random() * 10);
      return {
        sku: `SKU-${100 + Math.floor(random() * 50)}`,
        category: categories[(i + Math.floor(random() * 4)) % 4]!,
        quantity,
        unitPrice: `${5 + Math.floor(random() * 95)}.00`,
      };
    });
    const total = items.reduce((s, i) => s + i.quantity * Number(i.unitPrice), 0);
    out.push({
      id: `DEMO-PO-${account}`,
      type: 'purchase',
      account,
      occurredAt: at(Math.floor(random() * 25)),
      amount: `${total}.00`,
      currency: 'EUR',
      items,
      references: { orderId: `PO-${account}` },
    });
    if (random() < 0.3)
      out.push({ id: `DEMO-SV-${account}`, type: 'survey.completed', account, occurredAt: at(27) });
    if (random() < 0.3)
      out.push({ id: `DEMO-TR-${account}`, type: 'training.completed', account, occurredAt: at(28) });
  }
  return out;
}

/** The demo program's partner ladder: rolling 12-month spend, 90 days of grace, soft landing. */
export function demoLadder(): LadderDocument {
  return {
    name: 'Partner level',
    metric: 'qualifying_spend',
    window: { kind: 'rolling_months', months: 12 },
    graceDays: 90,
    softLanding: true,
    // A year of orders puts about a tenth of the earners below Silver and spreads the rest over the three.
    tiers: [
      { code: 'silver', name: 'Silver', threshold: '10000', perks: ['newsletter_insights'] },
      { code: 'gold', name: 'Gold', threshold: '20000', multiplier: '1.25', perks: ['free_shipping'] },
      {
        code: 'platinum',
        name: 'Platinum',
        threshold: '30000',
        instantAmount: '15000',
        multiplier: '1.5',
        perks: ['free_shipping', 'dedicated_account_manager'],
      },
    ],
  };
}
