// Tenancy and scopes of the notifications API, and HTML that cannot be injected into a statement.
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/app.ts';

describe('notifications security', async () => {
  const api = await testApi();
  const account = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'ACME', name: '<script>alert(1)</script> & Co' },
  });
  expect(account.statusCode, account.body).toBe(201);
  const contact = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts/ACME/contacts',
    payload: { email: 'ola@acme.test', role: 'owner' },
  });
  const contactId = contact.json().id as string;

  it("does not show one program's statements, opt-outs or mails to another", async () => {
    const statement = await api.call(api.b.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/statements/2026-01',
    });
    expect(statement.statusCode).toBe(404);
    const byId = await api.call(api.b.read, {
      method: 'GET',
      url: `/v1/accounts/${account.json().id}/statements/2026-01`,
    });
    expect(byId.statusCode).toBe(404);
    const optOut = await api.call(api.b.write, {
      method: 'PUT',
      url: `/v1/contacts/${contactId}/notification-opt-out`,
    });
    expect(optOut.statusCode).toBe(404);
    const mine = await api.call(api.a.read, {
      method: 'GET',
      url: `/v1/contacts/${contactId}/notification-opt-out`,
    });
    expect(mine.json()).toEqual({ contactId, optedOut: false });
  });

  it('needs the write scope to opt out and the admin scope for the due run', async () => {
    const put = await api.call(api.a.read, {
      method: 'PUT',
      url: `/v1/contacts/${contactId}/notification-opt-out`,
    });
    expect(put.statusCode).toBe(403);
    const del = await api.call(api.a.read, {
      method: 'DELETE',
      url: `/v1/contacts/${contactId}/notification-opt-out`,
    });
    expect(del.statusCode).toBe(403);
    const run = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/notifications/due-runs',
      payload: {},
    });
    expect(run.statusCode).toBe(403);
    const anonymous = await api.app.inject({ method: 'GET', url: '/v1/accounts/ACME/statements/2026-01' });
    expect(anonymous.statusCode).toBe(401);
  });

  it("escapes an account's name in the statement document", async () => {
    const r = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/statements/2026-01?format=html',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).not.toContain('<script>');
    expect(r.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });
});
