// Contacts: the people at a member company, created, listed, read and changed through the API.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

interface Account {
  id: string;
  externalId: string | null;
}
interface Contact {
  id: string;
  accountId: string;
  email: string;
  name: string | null;
  role: string;
  birthday: string | null;
  locale: string | null;
  marketingOptIn: boolean;
  statementOptIn: boolean;
  createdAt: string;
  updatedAt: string;
}

let api: TestApi;
let acme: Account;
let bolt: Account;

async function createAccount(externalId: string, name: string): Promise<Account> {
  const res = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId, name },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function addContact(accountRef: string, payload: Record<string, unknown>): Promise<Contact> {
  const res = await api.call(api.a.write, {
    method: 'POST',
    url: `/v1/accounts/${encodeURIComponent(accountRef)}/contacts`,
    payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Every item of a list, following nextCursor page by page; also returns how many pages it took. */
async function listAll(url: string, limit: number): Promise<{ items: Contact[]; pages: number }> {
  const items: Contact[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res: LightMyRequestResponse = await api.call(api.a.read, {
      method: 'GET',
      url: `${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { data: Contact[]; nextCursor: string | null };
    expect(page.data.length).toBeLessThanOrEqual(limit);
    items.push(...page.data);
    cursor = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

beforeAll(async () => {
  api = await testApi();
  acme = await createAccount('CX-ACME', 'Acme Installers');
  bolt = await createAccount('CX-BOLT', 'Bolt Wholesale');
});

describe('creating contacts', () => {
  it('adds a contact to an account by id, with the email lower-cased and a Location header', async () => {
    const res = await api.call(api.a.write, {
      method: 'POST',
      url: `/v1/accounts/${acme.id}/contacts`,
      payload: {
        email: 'Jane.Doe@Example.COM',
        name: 'Jane Doe',
        role: 'owner',
        birthday: '1985-06-30',
        locale: 'nl-NL',
        marketingOptIn: true,
        statementOptIn: true,
      },
    });
    expect(res.statusCode).toBe(201);
    const contact: Contact = res.json();
    expect(contact.id).toMatch(/^con_[0-9A-Z]{26}$/);
    expect(res.headers.location).toBe(`/v1/contacts/${contact.id}`);
    expect(contact).toMatchObject({
      accountId: acme.id,
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
      role: 'owner',
      birthday: '1985-06-30',
      locale: 'nl-NL',
      marketingOptIn: true,
      statementOptIn: true,
    });
    expect(Number.isNaN(Date.parse(contact.createdAt))).toBe(false);

    const read = await api.call(api.a.read, { method: 'GET', url: res.headers.location as string });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(contact);
  });

  it('adds a contact to an account addressed by its externalId', async () => {
    const contact = await addContact('CX-BOLT', { email: 'piet@bolt.example', name: 'Piet' });
    expect(contact.accountId).toBe(bolt.id);
  });

  it('defaults the role to buyer, the opt-ins to false and the optional fields to null', async () => {
    const contact = await addContact(acme.id, { email: 'minimal@acme.example' });
    expect(contact).toMatchObject({
      email: 'minimal@acme.example',
      role: 'buyer',
      marketingOptIn: false,
      statementOptIn: false,
      name: null,
      birthday: null,
      locale: null,
    });
  });

  it('stores locales in canonical BCP 47 form', async () => {
    const cases: Array<[string, string]> = [
      ['EN-us', 'en-US'],
      ['nl-be', 'nl-BE'],
      ['zh-hant-tw', 'zh-Hant-TW'],
      ['DE', 'de'],
    ];
    for (const [given, canonical] of cases) {
      const contact = await addContact(acme.id, {
        email: `locale-${given.toLowerCase()}@acme.example`,
        locale: given,
      });
      expect(contact.locale, given).toBe(canonical);
      const read = await api.call(api.a.read, { method: 'GET', url: `/v1/contacts/${contact.id}` });
      expect(read.json().locale).toBe(canonical);
    }
  });

  it('trims the name it stores', async () => {
    const contact = await addContact(acme.id, { email: 'spaces@acme.example', name: '  Ann Spaces  ' });
    expect(contact.name).toBe('Ann Spaces');
  });
});

describe('listing contacts', () => {
  let pagingAccount: Account;
  const created: Contact[] = [];

  beforeAll(async () => {
    pagingAccount = await createAccount('CX-PAGING', 'Paging Partners');
    const roles = ['approver', 'buyer', 'approver', 'viewer', 'approver', 'admin', 'approver'];
    for (const [i, role] of roles.entries()) {
      created.push(await addContact(pagingAccount.id, { email: `p${i}@paging.example`, role }));
    }
  });

  it("pages through one account's contacts in creation order, by id and by externalId", async () => {
    for (const ref of [pagingAccount.id, 'CX-PAGING']) {
      const { items, pages } = await listAll(`/v1/accounts/${ref}/contacts`, 2);
      expect(items.map((c) => c.id)).toEqual(created.map((c) => c.id));
      expect(pages).toBe(Math.ceil(created.length / 2));
    }
  });

  it('filters /v1/contacts by account', async () => {
    const { items } = await listAll('/v1/contacts?accountId=CX-PAGING', 3);
    expect(items.map((c) => c.id)).toEqual(created.map((c) => c.id));
    expect(items.every((c) => c.accountId === pagingAccount.id)).toBe(true);
  });

  it('filters by role across the program, page by page, with no repeats', async () => {
    const approvers = await addContact(acme.id, { email: 'approver@acme.example', role: 'approver' });
    const { items, pages } = await listAll('/v1/contacts?role=approver', 2);
    const expected = [...created.filter((c) => c.role === 'approver').map((c) => c.id), approvers.id];
    expect(items.map((c) => c.id).sort()).toEqual(expected.sort());
    expect(new Set(items.map((c) => c.id)).size).toBe(items.length);
    expect(items.every((c) => c.role === 'approver')).toBe(true);
    expect(pages).toBeGreaterThan(1);
  });

  it('combines account and role filters', async () => {
    const { items } = await listAll(`/v1/accounts/${pagingAccount.id}/contacts?role=approver`, 50);
    expect(items.map((c) => c.id)).toEqual(created.filter((c) => c.role === 'approver').map((c) => c.id));
  });

  it('finds a contact by email regardless of case', async () => {
    const res = await api.call(api.a.read, { method: 'GET', url: '/v1/contacts?email=P3@Paging.Example' });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((c: Contact) => c.id)).toEqual([created[3]!.id]);
  });

  it('answers an empty page with a null cursor for an account without contacts', async () => {
    const empty = await createAccount('CX-EMPTY', 'Empty Ltd');
    const res = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/${empty.id}/contacts` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: [], nextCursor: null });
  });
});

describe('updating contacts', () => {
  it('moves a contact to another account (addressed by externalId)', async () => {
    const contact = await addContact(acme.id, { email: 'mover@acme.example', name: 'Mo Ver' });
    const res = await api.call(api.a.write, {
      method: 'PATCH',
      url: `/v1/contacts/${contact.id}`,
      payload: { accountId: 'CX-BOLT' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: contact.id,
      accountId: bolt.id,
      email: contact.email,
      name: 'Mo Ver',
    });

    const acmeList = await listAll(`/v1/accounts/${acme.id}/contacts`, 500);
    const boltList = await listAll(`/v1/accounts/${bolt.id}/contacts`, 500);
    expect(acmeList.items.map((c) => c.id)).not.toContain(contact.id);
    expect(boltList.items.map((c) => c.id)).toContain(contact.id);
  });

  it('changes the email (lower-cased) and frees the old address for another contact', async () => {
    const contact = await addContact(acme.id, { email: 'old.address@acme.example' });
    const res = await api.call(api.a.write, {
      method: 'PATCH',
      url: `/v1/contacts/${contact.id}`,
      payload: { email: 'New.Address@ACME.example' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().email).toBe('new.address@acme.example');

    const read = await api.call(api.a.read, { method: 'GET', url: `/v1/contacts/${contact.id}` });
    expect(read.json().email).toBe('new.address@acme.example');
    const reuse = await addContact(bolt.id, { email: 'old.address@acme.example' });
    expect(reuse.id).not.toBe(contact.id);
  });

  it('keeps its own email when only the case changes', async () => {
    const contact = await addContact(acme.id, { email: 'case@acme.example' });
    const res = await api.call(api.a.write, {
      method: 'PATCH',
      url: `/v1/contacts/${contact.id}`,
      payload: { email: 'CASE@acme.example' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().email).toBe('case@acme.example');
  });

  it('changes role, opt-ins, birthday and locale, clears the name, and leaves other fields alone', async () => {
    const contact = await addContact(acme.id, {
      email: 'changer@acme.example',
      name: 'Chan Ger',
      locale: 'fr-FR',
    });
    const res = await api.call(api.a.write, {
      method: 'PATCH',
      url: `/v1/contacts/${contact.id}`,
      payload: {
        role: 'approver',
        marketingOptIn: true,
        statementOptIn: true,
        birthday: '1990-02-28',
        locale: 'PT-br',
        name: null,
      },
    });
    expect(res.statusCode).toBe(200);
    const after: Contact = res.json();
    expect(after).toEqual({
      ...contact,
      role: 'approver',
      marketingOptIn: true,
      statementOptIn: true,
      birthday: '1990-02-28',
      locale: 'pt-BR',
      name: null,
      updatedAt: after.updatedAt,
    });
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(contact.updatedAt));

    const cleared = await api.call(api.a.write, {
      method: 'PATCH',
      url: `/v1/contacts/${contact.id}`,
      payload: { locale: null, birthday: null },
    });
    expect(cleared.json()).toMatchObject({ locale: null, birthday: null, role: 'approver' });
    const read = await api.call(api.a.read, { method: 'GET', url: `/v1/contacts/${contact.id}` });
    expect(read.json()).toEqual(cleared.json());
  });
});
