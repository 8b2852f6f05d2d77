// The per-instance caches of decision 0014 (program, rule set, ladders): a change made through one
// instance is honoured by that instance's next request, and by another instance on the same database
// (PostgreSQL in the postgres project) within CONFIG_CHECK_MS.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_CHECK_MS } from '../../src/modules/programs/programs-cache.ts';
import { json, newProgram, type Program, purchase } from '../events/helpers.ts';
import { secondInstance, type TestApi, testApi } from '../support/app.ts';

describe('program and rule caches across instances', () => {
  let api: TestApi;
  let other: FastifyInstance;
  beforeAll(async () => {
    api = await testApi();
    other = await secondInstance(api);
  });

  const on = (app: FastifyInstance, key: string, options: InjectOptions) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  const ingest = (app: FastifyInstance, p: Program, event: object) =>
    on(app, p.write, { method: 'POST', url: '/v1/events', payload: event });
  const at = '2026-04-01T10:00:00Z';

  it('honours a settings change on the next request of the changing instance, and on the other within the bound', async () => {
    const p = await newProgram(api);
    // Both instances have read (and so cached) the program: unknown accounts are refused.
    for (const [app, n] of [
      [api.app, 1],
      [other, 2],
    ] as const) {
      const refused = await ingest(app, p, purchase(`s-${n}`, `NEW-${n}`, at, '10.00'));
      expect(refused.statusCode, refused.body).toBe(404);
      expect(json(refused).code).toBe('account_not_found');
    }

    const changed = await p.send(p.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { events: { unknownAccount: 'create_prospect' } } },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const seenBy = Date.now() + CONFIG_CHECK_MS;

    const here = await ingest(api.app, p, purchase('s-3', 'NEW-3', at, '10.00'));
    expect(here.statusCode, here.body).toBe(201);
    expect((await on(api.app, p.read, { method: 'GET', url: '/v1/program' })).json().settings).toEqual({
      events: { unknownAccount: 'create_prospect' },
    });

    await sleep(Math.max(0, seenBy - Date.now()) + 20);
    const there = await ingest(other, p, purchase('s-4', 'NEW-4', at, '10.00'));
    expect(there.statusCode, there.body).toBe(201);
    expect((await on(other, p.read, { method: 'GET', url: '/v1/program' })).json().settings).toEqual({
      events: { unknownAccount: 'create_prospect' },
    });
  });

  it('honours a new rule and a new rule version on the next request here, and on the other instance within the bound', async () => {
    const p = await newProgram(api);
    await p.account('ACME');
    // Both instances have read (and so cached) the empty rule set.
    for (const [app, n] of [
      [api.app, 1],
      [other, 2],
    ] as const) {
      const event = await ingest(app, p, purchase(`r-${n}`, 'ACME', at, '10.00'));
      expect(event.statusCode, event.body).toBe(201);
      expect(json(event).result.totals.points).toBe(0);
    }

    const rule = await p.rule({
      name: '1 point per EUR',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    let seenBy = Date.now() + CONFIG_CHECK_MS;
    const points = async (app: FastifyInstance, id: string) => {
      const event = await ingest(app, p, purchase(id, 'ACME', at, '10.00'));
      expect(event.statusCode, event.body).toBe(201);
      return json(event).result.totals.points as number;
    };
    expect(await points(api.app, 'r-3')).toBe(10);
    await sleep(Math.max(0, seenBy - Date.now()) + 20);
    expect(await points(other, 'r-4')).toBe(10);

    // A new version of the rule, made through the other instance this time.
    const updated = await on(other, p.admin, {
      method: 'PUT',
      url: `/v1/rules/${rule.id}`,
      payload: {
        document: {
          name: '3 points per EUR',
          trigger: { types: ['purchase'] },
          effects: [{ kind: 'per_amount', points: '3', per: '1' }],
        },
        effectiveFrom: '2026-01-01T00:00:00Z',
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    seenBy = Date.now() + CONFIG_CHECK_MS;
    expect(await points(other, 'r-5')).toBe(30);
    await sleep(Math.max(0, seenBy - Date.now()) + 20);
    expect(await points(api.app, 'r-6')).toBe(30);
  });
});
