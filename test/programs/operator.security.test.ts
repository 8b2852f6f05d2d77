// Programs over the operator API: only an operator key reaches it, no program key can mint an operator
// key, and an archived program's keys and console sessions act no more.
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

describe('operator API security', () => {
  it('refuses every operator route to read, write and admin keys, and without a key', async () => {
    const routes = [
      { method: 'GET', url: '/v1/operator/programs' },
      { method: 'POST', url: '/v1/operator/programs', payload: { name: 'X', baseCurrency: 'EUR' } },
      { method: 'GET', url: `/v1/operator/programs/${api.b.programId}` },
      { method: 'POST', url: `/v1/operator/programs/${api.b.programId}/archive` },
      { method: 'GET', url: `/v1/operator/programs/${api.b.programId}/keys` },
      {
        method: 'POST',
        url: `/v1/operator/programs/${api.b.programId}/keys`,
        payload: { name: 'k', scopes: ['admin'] },
      },
    ] as const;
    for (const route of routes) {
      for (const key of [api.a.read, api.a.write, api.a.admin]) {
        const res = await api.call(key, route);
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(res.json().code).toBe('insufficient_scope');
      }
      const anonymous = await api.app.inject(route);
      expect(anonymous.statusCode).toBe(401);
    }
    // Nothing changed: program b is not archived and has its three keys.
    const b = await api.call(api.b.read, { method: 'GET', url: '/v1/program' });
    expect(b.json().archivedAt).toBeNull();
    expect((await api.services.keys.list(api.b.programId)).length).toBe(3);
  });

  it('never lets an admin key mint an operator key, through the API or the service', async () => {
    const res = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/keys',
      payload: { name: 'escalate', scopes: ['operator'] },
    });
    expect(res.statusCode).toBe(400);
    await expect(api.services.keys.create(api.a.programId, 'x', ['operator'], FIXTURE)).rejects.toMatchObject(
      {
        code: 'validation_failed',
      },
    );
    const keys = await api.call(api.a.admin, { method: 'GET', url: '/v1/keys' });
    expect(keys.json().data.filter((k: { scopes: string[] }) => k.scopes.includes('operator'))).toHaveLength(
      1,
    );
  });

  it("an archived program's console sessions act no more either", async () => {
    const made = (
      await api.call(operator, {
        method: 'POST',
        url: '/v1/operator/programs',
        payload: { name: 'Console', baseCurrency: 'EUR' },
      })
    ).json();
    await api.services.users.create(
      made.id,
      { email: 'boss@console.example', role: 'admin', password: 'correct horse battery staple' },
      FIXTURE,
    );
    const login = await api.app.inject({
      method: 'POST',
      url: '/console/session',
      payload: { email: 'boss@console.example', password: 'correct horse battery staple' },
    });
    expect(login.statusCode, login.body).toBe(201);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const before = await api.app.inject({ method: 'GET', url: '/v1/program', headers: { cookie } });
    expect(before.statusCode, before.body).toBe(200);
    await api.call(operator, { method: 'POST', url: `/v1/operator/programs/${made.id}/archive` });
    const after = await api.app.inject({ method: 'GET', url: '/v1/program', headers: { cookie } });
    expect(after.statusCode).toBe(403);
    expect(after.json().code).toBe('program_archived');
  });

  it('an operator key of a revoked or unknown value is refused', async () => {
    const { secret, key } = await api.services.keys.create(api.a.programId, 'op2', ['operator'], FIXTURE, {
      operator: true,
    });
    expect((await api.call(secret, { method: 'GET', url: '/v1/operator/programs' })).statusCode).toBe(200);
    await api.services.keys.revoke(api.a.programId, key.id, FIXTURE);
    const res = await api.call(secret, { method: 'GET', url: '/v1/operator/programs' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_api_key');
  });
});
