// Idempotency-Key on writes (DESIGN.md §6): same key + same body → the first response, and the
// write happens once; same key + other body → 422; same key while the first is in flight → 409.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/modules/idempotency/idempotency-service.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

function withKey(key: string, options: InjectOptions): InjectOptions {
  return { ...options, headers: { ...(options.headers ?? {}), 'idempotency-key': key } };
}

async function accountsNamed(secret: string, name: string): Promise<Array<{ id: string; name: string }>> {
  const res = await api.call(secret, {
    method: 'GET',
    url: `/v1/accounts?q=${encodeURIComponent(name)}&limit=500`,
  });
  expect(res.statusCode).toBe(200);
  return res.json().data.filter((a: { name: string }) => a.name === name);
}

function expectReplayOf(replay: LightMyRequestResponse, first: LightMyRequestResponse): void {
  expect(replay.statusCode).toBe(first.statusCode);
  expect(replay.json()).toEqual(first.json());
  expect(replay.headers['idempotent-replayed']).toBe('true');
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  // A created resource's Location comes back with the replay too.
  expect(replay.headers.location).toBe(first.headers.location);
}

describe('replays', () => {
  it('answers a repeated create with the first response and creates the account once', async () => {
    const request = withKey('create-once-1', {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Idempotent Ltd', externalId: 'IDEM-1', segment: 'retry' },
    });
    const first = await api.call(api.a.write, request);
    expect(first.statusCode).toBe(201);
    const second = await api.call(api.a.write, request);
    const third = await api.call(api.a.write, request);
    expectReplayOf(second, first);
    expectReplayOf(third, first);
    expect(second.headers['content-type']).toMatch(/^application\/json/);

    const found = await accountsNamed(api.a.read, 'Idempotent Ltd');
    expect(found.map((a) => a.id)).toEqual([first.json().id]);
  });

  it('treats the same body with its properties in another order as the same request', async () => {
    const first = await api.call(
      api.a.write,
      withKey('order-1', {
        method: 'POST',
        url: '/v1/accounts',
        payload: { name: 'Ordered Co', segment: 's1' },
      }),
    );
    expect(first.statusCode).toBe(201);
    const second = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'order-1' },
      payload: '{"segment":"s1","name":"Ordered Co"}',
    });
    expectReplayOf(second, first);
    expect(await accountsNamed(api.a.read, 'Ordered Co')).toHaveLength(1);
  });

  it('replays the stored answer of a PATCH instead of running it again', async () => {
    const created = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Patch Target', externalId: 'IDEM-PATCH' },
    });
    expect(created.statusCode).toBe(201);
    const patch = withKey('patch-1', {
      method: 'PATCH',
      url: '/v1/accounts/IDEM-PATCH',
      payload: { name: 'Renamed Once' },
    });
    const first = await api.call(api.a.write, patch);
    expect(first.statusCode).toBe(200);
    // Someone changes the account meanwhile; a replay must not undo that.
    const other = await api.call(api.a.write, {
      method: 'PATCH',
      url: '/v1/accounts/IDEM-PATCH',
      payload: { name: 'Renamed Later' },
    });
    expect(other.statusCode).toBe(200);
    const replay = await api.call(api.a.write, patch);
    expectReplayOf(replay, first);
    expect(replay.json().name).toBe('Renamed Once');
    const read = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/IDEM-PATCH' });
    expect(read.json().name).toBe('Renamed Later');
  });

  it('replays a 409 problem as the same 409, even after the conflict has gone away', async () => {
    const original = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Holder', externalId: 'IDEM-DUP' },
    });
    expect(original.statusCode).toBe(201);
    const request = withKey('conflict-1', {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Second Holder', externalId: 'IDEM-DUP' },
    });
    const first = await api.call(api.a.write, request);
    expect(first.statusCode).toBe(409);
    expect(first.json().code).toBe('external_id_taken');

    // Free the externalId: running the request again would now succeed, a replay must not.
    const freed = await api.call(api.a.write, {
      method: 'PATCH',
      url: '/v1/accounts/IDEM-DUP',
      payload: { externalId: 'IDEM-DUP-OLD' },
    });
    expect(freed.statusCode).toBe(200);

    const replay = await api.call(api.a.write, request);
    expectReplayOf(replay, first);
    expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(replay.json().requestId).toBe(first.json().requestId);
    expect(await accountsNamed(api.a.read, 'Second Holder')).toEqual([]);
  });

  it('replays a CSV import instead of importing again', async () => {
    const request = withKey('import-1', {
      method: 'POST',
      url: '/v1/imports/accounts',
      headers: { 'content-type': 'text/csv' },
      payload: 'externalId,name\nIDEM-CSV-1,Csv One\nIDEM-CSV-2,Csv Two\n',
    });
    const first = await api.call(api.a.write, request);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: 2, updated: 0 });
    // Run again: a re-import would report updated: 2.
    const replay = await api.call(api.a.write, request);
    expectReplayOf(replay, first);
    expect(replay.json()).toMatchObject({ created: 2, updated: 0 });
  });

  it('does not burn the key on a request refused by validation', async () => {
    const invalid = await api.call(
      api.a.write,
      withKey('after-invalid', { method: 'POST', url: '/v1/accounts', payload: { name: '' } }),
    );
    expect(invalid.statusCode).toBe(400);
    const valid = await api.call(
      api.a.write,
      withKey('after-invalid', { method: 'POST', url: '/v1/accounts', payload: { name: 'Valid After All' } }),
    );
    expect(valid.statusCode).toBe(201);
    expect(valid.headers['idempotent-replayed']).toBeUndefined();
  });

  it('ignores Idempotency-Key on reads', async () => {
    const first = await api.call(api.a.read, withKey('read-1', { method: 'GET', url: '/v1/program' }));
    const second = await api.call(api.a.read, withKey('read-1', { method: 'GET', url: '/v1/accounts' }));
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json()).toHaveProperty('data');
  });
});

describe('misuse', () => {
  it('refuses the same key with another body with 422 idempotency_key_reused, writing nothing', async () => {
    const first = await api.call(
      api.a.write,
      withKey('reuse-1', { method: 'POST', url: '/v1/accounts', payload: { name: 'Reuse First' } }),
    );
    expect(first.statusCode).toBe(201);
    const other = await api.call(
      api.a.write,
      withKey('reuse-1', { method: 'POST', url: '/v1/accounts', payload: { name: 'Reuse Second' } }),
    );
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    expect(await accountsNamed(api.a.read, 'Reuse Second')).toEqual([]);
    expect(await accountsNamed(api.a.read, 'Reuse First')).toHaveLength(1);
  });

  it('refuses the same key with the same body on another path or method', async () => {
    const one = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Path One', externalId: 'IDEM-P1' },
    });
    const two = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Path Two', externalId: 'IDEM-P2' },
    });
    expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
    const body = { email: 'path.key@example.com' };
    const first = await api.call(
      api.a.write,
      withKey('path-1', { method: 'POST', url: '/v1/accounts/IDEM-P1/contacts', payload: body }),
    );
    expect(first.statusCode).toBe(201);
    const otherPath = await api.call(
      api.a.write,
      withKey('path-1', { method: 'POST', url: '/v1/accounts/IDEM-P2/contacts', payload: body }),
    );
    expect(otherPath.statusCode).toBe(422);
    expect(otherPath.json().code).toBe('idempotency_key_reused');
    const otherMethod = await api.call(
      api.a.write,
      withKey('path-1', { method: 'PATCH', url: `/v1/contacts/${first.json().id}`, payload: body }),
    );
    expect(otherMethod.statusCode).toBe(422);
    const p2 = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/IDEM-P2/contacts' });
    expect(p2.json().data).toEqual([]);
  });

  it('refuses a malformed Idempotency-Key with 400 validation_failed and writes nothing', async () => {
    const bad = ['k'.repeat(300), 'has space', 'ünïcode', ''];
    for (const key of bad) {
      const name = `Bad Key ${bad.indexOf(key)}`;
      const res = await api.call(
        api.a.write,
        withKey(key, { method: 'POST', url: '/v1/accounts', payload: { name } }),
      );
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors).toEqual([expect.objectContaining({ path: '/headers/idempotency-key' })]);
      expect(await accountsNamed(api.a.read, name)).toEqual([]);
    }
  });

  it('accepts a key of exactly 255 visible characters', async () => {
    const key = `${'~'.repeat(254)}!`;
    const request = withKey(key, { method: 'POST', url: '/v1/accounts', payload: { name: 'Long Key Co' } });
    const first = await api.call(api.a.write, request);
    expect(first.statusCode).toBe(201);
    expectReplayOf(await api.call(api.a.write, request), first);
  });
});

describe('keys per program', () => {
  it('lets program b use the key program a used, independently, with the same or another body', async () => {
    const request = withKey('shared-key', {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Shared Key Co', externalId: 'SHARED-1' },
    });
    const inA = await api.call(api.a.write, request);
    const inB = await api.call(api.b.write, request);
    expect(inA.statusCode).toBe(201);
    expect(inB.statusCode).toBe(201);
    expect(inB.headers['idempotent-replayed']).toBeUndefined();
    expect(inB.json().id).not.toBe(inA.json().id);

    const readA = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/SHARED-1' });
    const readB = await api.call(api.b.read, { method: 'GET', url: '/v1/accounts/SHARED-1' });
    expect(readA.json().id).toBe(inA.json().id);
    expect(readB.json().id).toBe(inB.json().id);

    // Each program replays its own first answer.
    expectReplayOf(await api.call(api.b.write, request), inB);
    expectReplayOf(await api.call(api.a.write, request), inA);

    const other = await api.call(
      api.b.write,
      withKey('only-in-a', { method: 'POST', url: '/v1/accounts', payload: { name: 'B Body' } }),
    );
    const firstInA = await api.call(
      api.a.write,
      withKey('only-in-a', { method: 'POST', url: '/v1/accounts', payload: { name: 'A Body' } }),
    );
    expect(other.statusCode).toBe(201);
    expect(firstInA.statusCode).toBe(201);
    expect(firstInA.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('in flight', () => {
  it('answers 409 idempotency_key_in_flight while the same request is still running, and runs once it is done', async () => {
    const body = { name: 'In Flight Co', externalId: 'IDEM-FLIGHT' };
    const key = 'in-flight-1';
    const claim = await api.services.idempotency.claim(
      api.a.programId,
      key,
      fingerprint('POST', '/v1/accounts', body),
    );
    expect(claim.kind).toBe('claimed');

    const res = await api.call(
      api.a.write,
      withKey(key, { method: 'POST', url: '/v1/accounts', payload: body }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'idempotency_key_in_flight', status: 409 });
    expect(await accountsNamed(api.a.read, 'In Flight Co')).toEqual([]);

    // A different body with the in-flight key is still a reuse, not a wait.
    const reused = await api.call(
      api.a.write,
      withKey(key, { method: 'POST', url: '/v1/accounts', payload: { name: 'Something Else' } }),
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');

    // The other program's claim of the same key does not exist: program b is not blocked.
    const inB = await api.call(
      api.b.write,
      withKey(key, { method: 'POST', url: '/v1/accounts', payload: body }),
    );
    expect(inB.statusCode).toBe(201);

    // Once the first request gave up (released on a server fault), a retry runs.
    await api.services.idempotency.release(api.a.programId, key);
    const retry = await api.call(
      api.a.write,
      withKey(key, { method: 'POST', url: '/v1/accounts', payload: body }),
    );
    expect(retry.statusCode).toBe(201);
    expect(await accountsNamed(api.a.read, 'In Flight Co')).toHaveLength(1);
  });

  it('creates one account when the same keyed request arrives twice at once', async () => {
    const request = withKey('concurrent-1', {
      method: 'POST',
      url: '/v1/accounts',
      payload: { name: 'Concurrent Co', externalId: 'IDEM-CONC' },
    });
    const answers = await Promise.all([1, 2, 3].map(() => api.call(api.a.write, request)));
    const created = answers.filter((r) => r.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of answers) {
      if (r.statusCode === 201) expect(r.json()).toEqual(created[0]!.json());
      else {
        expect(r.statusCode).toBe(409);
        expect(r.json().code).toBe('idempotency_key_in_flight');
      }
    }
    expect(await accountsNamed(api.a.read, 'Concurrent Co')).toHaveLength(1);
  });
});
