// The API key cache (decision 0012): a key is trusted for at most KEY_CACHE_TTL_MS without asking the
// store again. Revoked through one instance, it is refused there at once; another instance on the same
// database (PostgreSQL in the postgres project) refuses it within KEY_CACHE_TTL_MS.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_CACHE_TTL_MS } from '../../src/modules/keys/keys-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { secondInstance, type TestApi, testApi } from '../support/app.ts';

describe('API key cache across instances', () => {
  let api: TestApi;
  let other: FastifyInstance;
  beforeAll(async () => {
    api = await testApi();
    other = await secondInstance(api);
  });

  const get = (app: FastifyInstance, secret: string) =>
    app.inject({ method: 'GET', url: '/v1/program', headers: { authorization: `Bearer ${secret}` } });

  it('refuses a revoked key on the next request of the instance that revoked it, and on the other within the TTL', async () => {
    const { secret, key } = await api.services.keys.create(api.a.programId, 'cached', ['read'], FIXTURE);
    // Both instances have authenticated (and so remember) the key.
    expect((await get(api.app, secret)).statusCode).toBe(200);
    expect((await get(other, secret)).statusCode).toBe(200);
    expect((await get(other, secret)).statusCode).toBe(200);

    const revoked = await api.call(api.a.admin, { method: 'DELETE', url: `/v1/keys/${key.id}` });
    expect(revoked.statusCode).toBe(200);
    const refusedAt = Date.now() + KEY_CACHE_TTL_MS;

    const here = await get(api.app, secret);
    expect(here.statusCode).toBe(401);
    expect(here.json().code).toBe('invalid_api_key');

    await sleep(Math.max(0, refusedAt - Date.now()) + 20);
    const there = await get(other, secret);
    expect(there.statusCode).toBe(401);
    expect(there.json().code).toBe('invalid_api_key');
    // The program's other keys still work on both.
    expect((await get(other, api.a.read)).statusCode).toBe(200);
    expect((await get(api.app, api.a.read)).statusCode).toBe(200);
  });

  it('never remembers an unknown key: a key created after a refused attempt works at once', async () => {
    expect((await get(other, 'fdl_not-yet-a-key')).statusCode).toBe(401);
    await api.services.keys.register(api.a.programId, 'late', ['read'], 'fdl_not-yet-a-key', FIXTURE);
    expect((await get(other, 'fdl_not-yet-a-key')).statusCode).toBe(200);
  });
});
