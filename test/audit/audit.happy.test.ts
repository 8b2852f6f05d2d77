// The audit log through the API (decision 0011): every write of program data or money is recorded by
// the service that writes it, in the write's transaction, with who (the API key's id), what (action,
// resource type and id), when, before and after. `GET /v1/audit` reads it back, newest first.
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
/** The ids of program a's write and admin keys: the actors of what they write. */
let writer: string;
let admin: string;

interface Entry {
  id: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

async function send(key: string, options: InjectOptions) {
  const res = await api.call(key, {
    ...options,
    headers: { 'idempotency-key': `audit-${++n}`, ...(options.headers ?? {}) },
  });
  expect(res.statusCode, `${options.method} ${options.url}: ${res.body}`).toBeLessThan(300);
  return res.json();
}

const post = (key: string, url: string, payload: object) => send(key, { method: 'POST', url, payload });
const patch = (key: string, url: string, payload: object) => send(key, { method: 'PATCH', url, payload });

/** The audit records matching the query, newest first. */
async function audit(query: Record<string, string>): Promise<Entry[]> {
  const res = await api.call(api.a.admin, {
    method: 'GET',
    url: `/v1/audit?${new URLSearchParams({ limit: '200', ...query })}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

/** The one record of this action on this resource. */
async function recordOf(action: string, resourceId: string): Promise<Entry> {
  const found = await audit({ action, resourceId });
  expect(found, `${action} ${resourceId}`).toHaveLength(1);
  return found[0]!;
}

async function keyIdOf(secret: string): Promise<string> {
  const keys = (await api.call(api.a.admin, { method: 'GET', url: '/v1/keys' })).json().data as Array<{
    id: string;
    prefix: string;
  }>;
  return keys.find((k) => secret.startsWith(k.prefix))!.id;
}

beforeAll(async () => {
  api = await testApi();
  writer = await keyIdOf(api.a.write);
  admin = await keyIdOf(api.a.admin);
  expect(writer).toMatch(/^key_/);
});

describe('accounts and contacts', () => {
  it('records an account created and changed, with its state before and after', async () => {
    const account = await post(api.a.write, '/v1/accounts', { externalId: 'AUD-1', name: 'Audited Ltd' });
    expect(await recordOf('account.create', account.id)).toMatchObject({
      actor: writer,
      resourceType: 'account',
      before: null,
      after: { id: account.id, externalId: 'AUD-1', name: 'Audited Ltd' },
    });
    await patch(api.a.write, '/v1/accounts/AUD-1', { name: 'Audited Holding', segment: 'gold' });
    expect(await recordOf('account.update', account.id)).toMatchObject({
      actor: writer,
      resourceType: 'account',
      before: { name: 'Audited Ltd', segment: null },
      after: { name: 'Audited Holding', segment: 'gold' },
    });
  });

  it('records a contact created and changed', async () => {
    await post(api.a.write, '/v1/accounts', { externalId: 'AUD-2', name: 'Contacts Ltd' });
    const contact = await post(api.a.write, '/v1/accounts/AUD-2/contacts', {
      email: 'audit.me@example.com',
      role: 'buyer',
    });
    expect(await recordOf('contact.create', contact.id)).toMatchObject({
      actor: writer,
      resourceType: 'contact',
      before: null,
      after: { id: contact.id, email: 'audit.me@example.com', role: 'buyer' },
    });
    await patch(api.a.write, `/v1/contacts/${contact.id}`, { role: 'approver' });
    expect(await recordOf('contact.update', contact.id)).toMatchObject({
      actor: writer,
      before: { role: 'buyer' },
      after: { role: 'approver' },
    });
  });

  it('records a prospect that an event creates, as created by the key that sent the event', async () => {
    await patch(api.a.admin, '/v1/program', { settings: { events: { unknownAccount: 'create_prospect' } } });
    const event = await post(api.a.write, '/v1/events', {
      id: 'aud-event-1',
      type: 'survey.completed',
      account: 'AUD-PROSPECT',
      occurredAt: '2026-04-04T10:00:00Z',
    });
    expect(await recordOf('account.create', event.accountId)).toMatchObject({
      actor: writer,
      after: { externalId: 'AUD-PROSPECT', status: 'prospect' },
    });
  });
});

describe('imports', () => {
  it('records each CSV import once, with its counts, and nothing for a dry run', async () => {
    const csv = (body: string, url: string) =>
      send(api.a.write, { method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload: body });
    const before = await audit({ resourceType: 'import' });
    const dry = await csv('externalId,name\nAUD-CSV-1,Csv One\n', '/v1/imports/accounts?dryRun=true');
    expect(dry).toMatchObject({ dryRun: true, created: 1 });
    expect(await audit({ resourceType: 'import' })).toEqual(before);

    await csv(
      'externalId,name,country\nAUD-CSV-1,Csv One,NL\nAUD-CSV-2,Csv Two,XX\nAUD-CSV-3,Csv Three,BE\n',
      '/v1/imports/accounts?skipInvalid=true',
    );
    await csv('email,accountExternalId\ncsv.person@example.com,AUD-CSV-1\n', '/v1/imports/contacts');
    const [contacts, accounts] = await audit({ resourceType: 'import' });
    expect(accounts).toMatchObject({
      actor: writer,
      action: 'import.accounts',
      before: null,
      after: { kind: 'accounts', rows: 3, created: 2, updated: 0, skipped: 1 },
    });
    expect(accounts!.resourceId).toMatch(/^imp_/);
    expect(contacts).toMatchObject({
      actor: writer,
      action: 'import.contacts',
      after: { kind: 'contacts', rows: 1, created: 1, updated: 0, skipped: 0 },
    });
    // One record per import, not one per row.
    const imported = await send(api.a.read, { method: 'GET', url: '/v1/accounts/AUD-CSV-1' });
    expect(await audit({ resourceId: imported.id })).toEqual([]);
  });
});

describe('exchange rates', () => {
  it('records each rate set, with the rate it replaced', async () => {
    await post(api.a.admin, '/v1/fx-rates', {
      rates: [{ currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' }],
    });
    // The program's day 2026-01-01 starts at 23:00 UTC the day before (Europe/Amsterdam).
    const id = 'USD@2025-12-31T23:00:00.000Z';
    const [first] = await audit({ action: 'fx_rate.set', resourceId: id });
    expect(first).toMatchObject({
      actor: admin,
      resourceType: 'fx_rate',
      before: null,
      after: { currency: 'USD', baseCurrency: 'EUR', rate: '0.9', effectiveFrom: '2025-12-31T23:00:00.000Z' },
    });
    await send(api.a.admin, {
      method: 'POST',
      url: '/v1/fx-rates/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'currency,rate,effectiveFrom\nUSD,0.85,2026-01-01\nGBP,1.15,2026-01-01\n',
    });
    const [replaced] = await audit({ action: 'fx_rate.set', resourceId: id });
    expect(replaced).toMatchObject({ actor: admin, before: { rate: '0.9' }, after: { rate: '0.85' } });
    expect(await audit({ action: 'fx_rate.set', resourceId: 'GBP@2025-12-31T23:00:00.000Z' })).toHaveLength(
      1,
    );
  });
});

describe('configuration', () => {
  it('records event types, and a rule change with the version it follows', async () => {
    await post(api.a.admin, '/v1/event-types', {
      type: 'audit.visit',
      attributesSchema: { type: 'object' },
    });
    expect(await recordOf('event_type.create', 'audit.visit')).toMatchObject({
      actor: admin,
      after: { type: 'audit.visit', builtIn: false },
    });
    const document = {
      name: 'Visits',
      trigger: { types: ['audit.visit'] },
      effects: [{ kind: 'fixed', points: 1 }],
    };
    const rule = await post(api.a.admin, '/v1/rules', { document, effectiveFrom: '2026-01-01T00:00:00Z' });
    await send(api.a.admin, {
      method: 'PUT',
      url: `/v1/rules/${rule.id}`,
      payload: { document: { ...document, name: 'Visits, doubled' }, effectiveFrom: '2026-02-01T00:00:00Z' },
    });
    expect(await recordOf('rule.create', rule.id)).toMatchObject({
      actor: admin,
      before: null,
      after: { version: 1 },
    });
    expect(await recordOf('rule.update', rule.id)).toMatchObject({
      actor: admin,
      before: { version: 1, document: { name: 'Visits' } },
      after: { version: 2, document: { name: 'Visits, doubled' } },
    });
  });

  it('records tier metric values sent by an operator', async () => {
    await post(api.a.write, '/v1/accounts', { externalId: 'AUD-TIER', name: 'Tiered' });
    const ladder = await post(api.a.admin, '/v1/tier-ladders', {
      document: {
        name: 'Balance',
        metric: 'operator_value',
        window: { kind: 'calendar_year' },
        tiers: [{ code: 'silver', name: 'Silver', threshold: '1000' }],
      },
    });
    await post(api.a.write, `/v1/tier-ladders/${ladder.id}/metric-values`, {
      values: [{ account: 'AUD-TIER', value: '1500' }],
    });
    const [values] = await audit({ action: 'tier.metric_values', resourceId: ladder.id });
    expect(values).toMatchObject({
      actor: writer,
      resourceType: 'tier_ladder',
      after: { values: [{ value: '1500' }] },
    });
  });
});

describe('money', () => {
  beforeAll(async () => {
    await post(api.a.write, '/v1/accounts', { externalId: 'AUD-CASH', name: 'Cash Ltd' });
    await post(api.a.write, '/v1/ledger/credits', {
      account: 'AUD-CASH',
      unit: 'EUR',
      amount: 10_000,
      reasonCode: 'cashback',
      explanation: 'Cashback',
    });
  });

  it('records a donation and a payout with the key that made them', async () => {
    const charity = await post(api.a.admin, '/v1/charities', { name: 'Audit Relief' });
    const donation = await post(api.a.write, '/v1/donations', {
      account: 'AUD-CASH',
      charityId: charity.id,
      unit: 'EUR',
      amount: 300,
    });
    expect(await recordOf('donation.create', donation.id)).toMatchObject({
      actor: writer,
      resourceType: 'donation',
      before: null,
      after: { id: donation.id, charityId: charity.id, amount: 300, unit: 'EUR', entryId: donation.entryId },
    });
    const payout = await post(api.a.write, '/v1/payouts', {
      account: 'AUD-CASH',
      currency: 'EUR',
      amount: 700,
      method: 'bank_transfer',
      reference: 'SEPA-1',
    });
    expect(await recordOf('payout.request', payout.id)).toMatchObject({
      actor: writer,
      resourceType: 'payout',
      after: {
        id: payout.id,
        amount: 700,
        method: 'bank_transfer',
        reference: 'SEPA-1',
        entryId: payout.entryId,
      },
    });
  });

  it('records a membership joined and cancelled', async () => {
    const plan = await post(api.a.admin, '/v1/membership-plans', {
      name: 'Audit Club',
      fee: { amount: '10.00', currency: 'EUR' },
      term: { months: 12 },
      renewal: 'auto',
      joining: 'contract',
      entitlements: [{ key: 'vip', kind: 'flag' }],
    });
    const joined = await post(api.a.write, '/v1/memberships', {
      account: 'AUD-CASH',
      plan: plan.id,
      via: 'contract',
      reference: 'CT-9',
    });
    expect(await recordOf('membership.join', joined.id)).toMatchObject({
      actor: writer,
      resourceType: 'membership',
      before: null,
      after: { id: joined.id, planId: plan.id, status: 'active', reference: 'CT-9' },
    });
    await post(api.a.write, `/v1/memberships/${joined.id}/cancel`, { note: 'Moving on' });
    expect(await recordOf('membership.cancel', joined.id)).toMatchObject({
      actor: writer,
      before: { status: 'active' },
      after: { status: 'cancelled', note: 'Moving on' },
    });
  });

  it('records a manual adjustment as the admin key that made it', async () => {
    const entry = await post(api.a.admin, '/v1/ledger/adjustments', {
      account: 'AUD-CASH',
      amount: 5,
      reasonCode: 'goodwill',
      explanation: 'Sorry',
    });
    expect(await recordOf('ledger.adjust', entry.id)).toMatchObject({
      actor: admin,
      resourceType: 'ledger_entry',
      after: { id: entry.id, amount: 5 },
    });
  });
});

describe('reading the log', () => {
  it('filters by actor, and lists newest first', async () => {
    const mine = await audit({ actor: writer });
    expect(mine.length).toBeGreaterThan(5);
    expect(mine.every((e) => e.actor === writer)).toBe(true);
    const ids = mine.map((e) => e.id);
    expect(ids).toEqual([...ids].sort().reverse());
    // Program b sees none of program a's records.
    const other = await api.call(api.b.admin, { method: 'GET', url: `/v1/audit?actor=${writer}` });
    expect(other.json().data).toEqual([]);
  });
});
