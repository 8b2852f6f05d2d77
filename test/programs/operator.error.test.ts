// Programs over the operator API: bad input answers a problem naming the field and changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let operator: string;

beforeAll(async () => {
  api = await testApi();
  operator = (
    await api.services.keys.create(api.a.programId, 'operator', ['operator'], FIXTURE, { operator: true })
  ).secret;
}, 300_000);

const count = async () =>
  (
    await api.call(operator, { method: 'GET', url: '/v1/operator/programs?limit=500&includeArchived=true' })
  ).json().data.length;

describe('operator API refusals', () => {
  it('refuses an unknown currency, time zone or settings module, naming the field, and creates nothing', async () => {
    const before = await count();
    for (const [payload, pointer] of [
      [{ name: 'X', baseCurrency: 'XXQ' }, '/body/baseCurrency'],
      [{ name: 'X', baseCurrency: 'EUR', timeZone: 'Mars/Olympus' }, '/body/timeZone'],
      [{ name: 'X', baseCurrency: 'EUR', settings: { nobody: {} } }, '/body/settings/nobody'],
      [
        { name: 'X', baseCurrency: 'EUR', settings: { branding: { logoUrl: 'http://plain.example/x.png' } } },
        '/body/settings/branding/logoUrl',
      ],
      [
        { name: 'X', baseCurrency: 'EUR', settings: { branding: { senderName: 'Evil\r\nBcc: x' } } },
        '/body/settings/branding/senderName',
      ],
      [{ baseCurrency: 'EUR' }, '/body/name'],
    ] as const) {
      const res = await api.call(operator, { method: 'POST', url: '/v1/operator/programs', payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(JSON.stringify(res.json().errors)).toContain(pointer);
    }
    expect(await count()).toBe(before);
  });

  it('answers not_found for an unknown program and refuses minting an operator key or a key of an archived program', async () => {
    for (const res of [
      await api.call(operator, { method: 'GET', url: '/v1/operator/programs/prg_nope' }),
      await api.call(operator, { method: 'POST', url: '/v1/operator/programs/prg_nope/archive' }),
      await api.call(operator, {
        method: 'POST',
        url: '/v1/operator/programs/prg_nope/keys',
        payload: { name: 'k', scopes: ['read'] },
      }),
    ]) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().code).toBe('not_found');
    }

    const operatorScope = await api.call(operator, {
      method: 'POST',
      url: `/v1/operator/programs/${api.b.programId}/keys`,
      payload: { name: 'k', scopes: ['operator'] },
    });
    expect(operatorScope.statusCode).toBe(400);
    expect(operatorScope.json().code).toBe('validation_failed');

    const id = (
      await api.call(operator, {
        method: 'POST',
        url: '/v1/operator/programs',
        payload: { name: 'Gone', baseCurrency: 'EUR' },
      })
    ).json().id;
    await api.call(operator, { method: 'POST', url: `/v1/operator/programs/${id}/archive` });
    const late = await api.call(operator, {
      method: 'POST',
      url: `/v1/operator/programs/${id}/keys`,
      payload: { name: 'k', scopes: ['read'] },
    });
    expect(late.statusCode).toBe(403);
    expect(late.json().code).toBe('program_archived');
    const keys = await api.call(operator, { method: 'GET', url: `/v1/operator/programs/${id}/keys` });
    expect(keys.json().data).toEqual([]);
  });

  it("refuses to archive the operator key's own program (it would lock itself out)", async () => {
    const res = await api.call(operator, {
      method: 'POST',
      url: `/v1/operator/programs/${api.a.programId}/archive`,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('own_program');
    expect((await api.call(api.a.read, { method: 'GET', url: '/v1/program' })).json().archivedAt).toBeNull();
  });

  it('refuses an invalid cursor', async () => {
    const res = await api.call(operator, { method: 'GET', url: '/v1/operator/programs?cursor=zzz' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_cursor');
  });
});
