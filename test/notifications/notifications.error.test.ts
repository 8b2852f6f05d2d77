// Refusals of the notifications API: a month or quarter not ended, an unknown account or contact, a
// malformed period (neither YYYY-MM nor YYYY-Qn), program settings naming an unknown message type, role or language — each a problem
// naming the field, and nothing written.
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/app.ts';

describe('notifications refusals', async () => {
  const api = await testApi();
  const account = await api.call(api.a.write, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'ACME', name: 'Acme Trading' },
  });
  expect(account.statusCode, account.body).toBe(201);
  const auditCount = async () =>
    (await api.call(api.a.admin, { method: 'GET', url: '/v1/audit?limit=200' })).json().data.length;

  it('refuses a statement of a month that has not ended (409 statement_period_open)', async () => {
    const now = new Date();
    const period = `${now.getUTCFullYear() + 1}-01`;
    const r = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/ACME/statements/${period}` });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().code).toBe('statement_period_open');
  });

  it('refuses a statement of an unknown account (404 account_not_found)', async () => {
    const r = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/NOPE/statements/2026-01' });
    expect(r.statusCode, r.body).toBe(404);
    expect(r.json().code).toBe('account_not_found');
  });

  it('refuses a quarter that has not ended (409 statement_period_open)', async () => {
    const year = new Date().getUTCFullYear() + 1;
    const r = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/ACME/statements/${year}-Q1` });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().code).toBe('statement_period_open');
  });

  it('refuses a period that is neither a month nor a quarter, naming it', async () => {
    for (const period of ['2026-13', '2026-1', 'last-month', '2026-Q5', '2026-Q0', '2026-q1']) {
      const r = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/ACME/statements/${period}` });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe('validation_failed');
      expect(JSON.stringify(r.json().errors)).toContain('/params/period');
    }
  });

  it('refuses a template language that is not supported, naming it', async () => {
    const r = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/statements/2026-01?format=html&locale=de',
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(JSON.stringify(r.json().errors)).toContain('/querystring/locale');
  });

  it('refuses an opt-out of an unknown contact and writes nothing', async () => {
    const before = await auditCount();
    const r = await api.call(api.a.write, {
      method: 'PUT',
      url: '/v1/contacts/con_nope/notification-opt-out',
    });
    expect(r.statusCode, r.body).toBe(404);
    expect(r.json().code).toBe('contact_not_found');
    expect(await auditCount()).toBe(before);
  });

  it('refuses settings that mail an unknown message type, to an unknown role, or with a bad window', async () => {
    const before = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json().settings;
    for (const notifications of [
      { mail: { 'points.vanished': ['owner'] } },
      { mail: { 'points.credited': ['ceo'] } },
      { mail: { 'points.credited': [] } },
      { expiringWithinDays: 0 },
      { primaryColor: 'red' },
      { statements: { cadence: 'weekly' } },
      { statements: { send: true, extra: 1 } },
    ]) {
      const r = await api.call(api.a.admin, {
        method: 'PATCH',
        url: '/v1/program',
        payload: { settings: { notifications } },
      });
      expect(r.statusCode, `${JSON.stringify(notifications)} ${r.body}`).toBe(400);
      expect(r.json().code).toBe('validation_failed');
      expect(JSON.stringify(r.json().errors)).toContain('notifications');
    }
    const after = (await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json().settings;
    expect(after).toEqual(before);
  });

  it('lists no mails and sends none while e-mail is not configured', async () => {
    expect(api.services.notifications.enabled).toBe(false);
    expect(await api.services.notifications.dispatch()).toBe(0);
    const run = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/notifications/due-runs',
      payload: { asOf: '2026-11-02T00:00:00Z' },
    });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toEqual({
      expiringSoon: 0,
      period: '2026-10',
      statements: 0,
      alreadyScheduled: false,
      mailing: false,
    });
    const r = await api.call(api.a.read, { method: 'GET', url: '/v1/notifications/mails' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().data).toEqual([]);
  });
});
