// Contacts who leave their company: deactivated over the API (audited once, history kept), listed by
// state, kept out of the portal (no new link, a minted link no longer opens, a live session ends at
// its next request) and out of mail and birthdays; reactivated, they sign in again.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  birthdaysOn,
  contactsOfAccount,
  statementContacts,
} from '../../src/modules/contacts/contacts-reads.ts';
import { asMember, exchange, json, memberOf, mint, signIn } from '../portal/portal-fixture.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let accountId: string;
let contactId: string;
let colleagueId: string;

beforeAll(async () => {
  api = await testApi();
  const { a } = api;
  const patch = await api.call(a.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: { settings: { portal: { slug: 'leavers' } } },
  });
  expect(patch.statusCode, patch.body).toBe(200);
  ({ accountId, contactId } = await memberOf(api, a.write, a.programId, 'LEAVE-1', 300));
  const changed = await api.call(a.write, {
    method: 'PATCH',
    url: `/v1/contacts/${contactId}`,
    payload: { birthday: '1990-03-14', statementOptIn: true },
  });
  expect(changed.statusCode, changed.body).toBe(200);
  const colleague = await api.call(a.write, {
    method: 'POST',
    url: '/v1/accounts/LEAVE-1/contacts',
    payload: { email: 'stays@leave-1.test', role: 'buyer', birthday: '1985-03-14', statementOptIn: true },
  });
  expect(colleague.statusCode, colleague.body).toBe(201);
  colleagueId = json(colleague).id;
});

const post = (path: string, key = api.a.write) => api.call(key, { method: 'POST', url: path });

describe('deactivating a contact', () => {
  it('ends its portal session, refuses new links and links minted before, and keeps it out of mail', async () => {
    const session = await signIn(api, api.a.write, 'leavers', contactId);
    expect((await asMember(api, session, { url: '/portal/api/home' })).statusCode).toBe(200);
    const earlier = await mint(api, api.a.write, contactId);
    expect(earlier.statusCode).toBe(201);

    const off = await post(`/v1/contacts/${contactId}/deactivate`);
    expect(off.statusCode, off.body).toBe(200);
    expect(json(off)).toMatchObject({ id: contactId, active: false });
    expect(Date.parse(json(off).deactivatedAt)).not.toBeNaN();

    expect((await asMember(api, session, { url: '/portal/api/home' })).statusCode).toBe(401);
    expect(json(await exchange(api, 'leavers', json(earlier).token))).toMatchObject({
      code: 'portal_link_invalid',
    });
    const refused = await mint(api, api.a.write, contactId);
    expect(refused.statusCode).toBe(409);
    expect(json(refused)).toMatchObject({ code: 'contact_inactive' });

    const { db } = api.database;
    const { programId } = api.a;
    expect((await contactsOfAccount(db, programId, accountId)).map((c) => c.id)).toEqual([colleagueId]);
    expect((await statementContacts(db, programId, null, 10)).map((c) => c.id)).toEqual([colleagueId]);
    expect((await birthdaysOn(db, programId, ['03-14'], null, 10)).map((c) => c.id)).toEqual([colleagueId]);
  });

  it('is audited once, answers the same when repeated, and lists by state', async () => {
    const again = await post(`/v1/contacts/${contactId}/deactivate`);
    expect(again.statusCode).toBe(200);
    expect(json(again).active).toBe(false);
    const audit = await api.call(api.a.admin, {
      method: 'GET',
      url: `/v1/audit?resourceType=contact&resourceId=${contactId}`,
    });
    expect(audit.statusCode, audit.body).toBe(200);
    const actions = json(audit).data.map((r: { action: string }) => r.action);
    expect(actions.filter((a: string) => a === 'contact.deactivate')).toHaveLength(1);

    const inactive = await api.call(api.a.read, { method: 'GET', url: '/v1/contacts?active=false' });
    expect(json(inactive).data.map((c: { id: string }) => c.id)).toEqual([contactId]);
    const active = await api.call(api.a.read, { method: 'GET', url: '/v1/contacts?active=true' });
    expect(json(active).data.map((c: { id: string }) => c.id)).toContain(colleagueId);
    expect(json(active).data.map((c: { id: string }) => c.id)).not.toContain(contactId);
    // The history stays: the contact is still read and listed with its account.
    const read = await api.call(api.a.read, { method: 'GET', url: `/v1/contacts/${contactId}` });
    expect(json(read)).toMatchObject({ id: contactId, active: false, accountId });
  });

  it('reactivated, the contact signs in again', async () => {
    const on = await post(`/v1/contacts/${contactId}/reactivate`);
    expect(on.statusCode, on.body).toBe(200);
    expect(json(on)).toMatchObject({ active: true, deactivatedAt: null });
    const session = await signIn(api, api.a.write, 'leavers', contactId);
    expect((await asMember(api, session, { url: '/portal/api/home' })).statusCode).toBe(200);
    const { db } = api.database;
    expect((await contactsOfAccount(db, api.a.programId, accountId)).map((c) => c.id).sort()).toEqual(
      [contactId, colleagueId].sort(),
    );
  });

  it('answers 404 for an unknown contact or one of another program, and needs the write scope', async () => {
    expect(json(await post('/v1/contacts/con_missing/deactivate'))).toMatchObject({
      code: 'contact_not_found',
    });
    expect((await post(`/v1/contacts/${contactId}/deactivate`, api.b.write)).statusCode).toBe(404);
    expect((await post(`/v1/contacts/${contactId}/deactivate`, api.a.read)).statusCode).toBe(403);
    const read = await api.call(api.a.read, { method: 'GET', url: `/v1/contacts/${contactId}` });
    expect(json(read).active).toBe(true);
  });
});
