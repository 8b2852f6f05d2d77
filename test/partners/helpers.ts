// Test helpers for the partners suites: a fresh program per scenario with keys of each scope, a
// referral program, short-hands for the routes and for what the ledger holds.
import { sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { periodContaining } from '../../src/core/partners/commission.ts';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import type { TestApi } from '../support/app.ts';

let programs = 0;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these tests
export type Body = any;

export interface PartnerProgram {
  id: string;
  read: string;
  write: string;
  admin: string;
  /** A second admin key: another approver (maker-checker). */
  admin2: string;
  send(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A request expecting `status`; answers the JSON body. */
  ok(key: string, options: InjectOptions, status?: number): Promise<Body>;
  account(externalId: string, extra?: object): Promise<string>;
  contact(account: string, email: string): Promise<string>;
  event(event: object): Promise<Body>;
  /** A purchase of the account, now (after any attribution made before it). */
  purchase(id: string, account: string, amount: string, extra?: object): Promise<Body>;
  code(account: string, extra?: object): Promise<string>;
  refer(code: string, account: string): Promise<LightMyRequestResponse>;
  referral(id: string): Promise<Body>;
  /** The account's wallet of `unit` (available and pending). */
  wallet(account: string, unit?: string): Promise<{ available: number; pending: number }>;
  /** The ledger entries of the account with this reason code. */
  entries(account: string, reasonCode: string): Promise<number>;
}

/** A referral program: a purchase of at least 100 EUR within 30 days; 500 points to the referrer, 10.00 EUR to the referred. */
export const referAFriend = (extra: object = {}) => ({
  code: 'refer-a-business',
  name: 'Refer a business',
  attributionDays: 30,
  conversion: { eventTypes: ['purchase'], condition: 'event.baseAmount >= 100.0', windowDays: 30 },
  rewards: { referrer: { unit: 'points', amount: 500 }, referred: { unit: 'EUR', amount: 1000 } },
  ...extra,
});

/** A new program (EUR, Europe/Amsterdam) with keys of each scope. */
export async function partnerProgram(api: TestApi): Promise<PartnerProgram> {
  const { services } = api;
  const program = await services.programs.create(
    { name: `Partners ${++programs}`, baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
    FIXTURE,
  );
  const key = async (scope: 'read' | 'write' | 'admin') =>
    (await services.keys.create(program.id, scope, [scope], FIXTURE)).secret;
  const read = await key('read');
  const write = await key('write');
  const admin = await key('admin');
  const admin2 = await key('admin');
  const send = (k: string, options: InjectOptions) =>
    api.app.inject({ ...options, headers: { authorization: `Bearer ${k}`, ...(options.headers ?? {}) } });
  const ok = async (k: string, options: InjectOptions, status = options.method === 'POST' ? 201 : 200) => {
    const r = await send(k, options);
    expect(r.statusCode, `${options.method} ${options.url}: ${r.body}`).toBe(status);
    return r.json();
  };
  const p: PartnerProgram = {
    id: program.id,
    read,
    write,
    admin,
    admin2,
    send,
    ok,
    async account(externalId, extra = {}) {
      return (
        await ok(write, {
          method: 'POST',
          url: '/v1/accounts',
          payload: { externalId, name: externalId, ...extra },
        })
      ).id;
    },
    async contact(account, email) {
      return (
        await ok(write, { method: 'POST', url: `/v1/accounts/${account}/contacts`, payload: { email } })
      ).id;
    },
    event: (event) => ok(write, { method: 'POST', url: '/v1/events', payload: event }),
    purchase: (id, account, amount, extra = {}) =>
      p.event({
        id,
        type: 'purchase',
        account,
        occurredAt: new Date().toISOString(),
        amount,
        currency: 'EUR',
        ...extra,
      }),
    async code(account, extra = {}) {
      return (
        await ok(write, {
          method: 'POST',
          url: '/v1/referral-codes',
          payload: { account, referralProgram: 'refer-a-business', ...extra },
        })
      ).code;
    },
    refer: (code, account) =>
      send(write, { method: 'POST', url: '/v1/referrals', payload: { code, account } }),
    referral: (id) => ok(read, { method: 'GET', url: `/v1/referrals/${id}` }),
    async wallet(account, unit = 'points') {
      const r = await send(read, { method: 'GET', url: `/v1/accounts/${account}/wallets` });
      expect(r.statusCode, r.body).toBe(200);
      const wallets = r.json().data as Array<{ unit: string; available: number; pending: number }>;
      const w = wallets.find((x) => x.unit === unit);
      return { available: w?.available ?? 0, pending: w?.pending ?? 0 };
    },
    async entries(account, reasonCode) {
      const [row] = await selectRows<{ n: string }>(
        api.database.db,
        sql`select count(*) as n from ledger_entries
            where program_id = ${program.id} and account_id = ${account} and reason_code = ${reasonCode}`,
      );
      return Number(row!.n);
    },
  };
  return p;
}

/** A claim body for the account, dated today (UTC, never ahead of the program's day). */
export const claimOf = (account: string, invoiceNumber: string, extra: object = {}) => ({
  account,
  invoiceNumber,
  invoiceDate: new Date().toISOString().slice(0, 10),
  amount: '1250.00',
  currency: 'EUR',
  customerName: 'Fjord Builders',
  lines: [
    { sku: 'PUMP-200', quantity: 2, amount: '1000.00' },
    { sku: 'VALVE-10', quantity: 5, amount: '250.00', attributes: { series: 'pro' } },
  ],
  documentUrl: 'https://files.example.com/invoices/inv-1.pdf',
  ...extra,
});

/** A commission plan: 50.00 EUR per conversion and 10% of purchases for 12 months, 14 days pending. */
export const agencyPlan = (extra: object = {}) => ({
  code: 'agency',
  name: 'Agency standard',
  unit: 'EUR',
  holdingDays: 14,
  fixed: { amount: '50.00' },
  revenue: { eventTypes: ['purchase'], rate: '10', period: 'month', months: 12 },
  ...extra,
});

/** A program with a referral program, the agency plan, NORDIC on it and FJORD (Fjord Builders) referred by it. */
export async function partnerWithReferral(
  api: TestApi,
  plan: object = agencyPlan(),
): Promise<PartnerProgram & { nordic: string }> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend() });
  await p.ok(p.admin, { method: 'POST', url: '/v1/commission-plans', payload: plan });
  const nordic = await p.account('NORDIC', { attributes: { taxId: 'NO-999888777' } });
  await p.account('FJORD', { name: 'Fjord Builders' });
  await p.ok(p.admin, { method: 'PUT', url: '/v1/commission-partners/NORDIC', payload: { plan: 'agency' } });
  const referred = await p.refer(await p.code('NORDIC'), 'FJORD');
  expect(referred.statusCode, referred.body).toBe(201);
  return Object.assign(p, { nordic });
}

/** This month's key in the test programs' time zone (Europe/Amsterdam). */
export const currentMonth = () => periodContaining(new Date(), 'month', 'Europe/Amsterdam').key;
