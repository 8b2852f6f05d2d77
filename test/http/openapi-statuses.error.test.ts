// The OpenAPI document lists every status the server sends: each operation is sent the failures the
// server's own machinery produces (no key, a key without the scope, a body too large, a content type
// it does not take) and each answer's status must be listed for that operation. Every operation has
// a unique camelCase operationId and a summary.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
type Operation = { operationId?: string; summary?: string; responses: Record<string, unknown> };
let operations: { method: string; path: string; op: Operation }[];

beforeAll(async () => {
  api = await testApi();
  const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});

const url = (path: string) => path.replace(/\{[^}]+\}/g, 'x_1');
const isWrite = (method: string) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

describe('the OpenAPI document', () => {
  it('names every operation with a unique camelCase operationId and a summary', () => {
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map((o) => o.op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of operations) expect(o.op.summary, `${o.method} ${o.path}`).toBeTruthy();
  });

  it('lists the rate limit on every /v1 operation, and idempotency, size and media-type failures on writes', () => {
    for (const { method, path, op } of operations.filter((o) => o.path.startsWith('/v1/'))) {
      const listed = Object.keys(op.responses);
      expect(listed, `${method} ${path}`).toContain('429');
      if (isWrite(method))
        expect(listed, `${method} ${path}`).toEqual(expect.arrayContaining(['409', '413', '415', '422']));
    }
  });

  it('lists each status the server answers to missing keys, missing scopes, large bodies and unknown media types', async () => {
    const unlisted: string[] = [];
    const check = (method: string, path: string, op: Operation, status: number, what: string) => {
      if (!(String(status) in op.responses)) unlisted.push(`${method} ${path} (${what}) → ${status}`);
    };
    for (const { method, path, op } of operations.filter((o) => o.path.startsWith('/v1/'))) {
      const m = method as 'GET';
      check(method, path, op, (await api.app.inject({ method: m, url: url(path) })).statusCode, 'no key');
      const needsMore = await api.call(api.a.read, {
        method: m,
        url: url(path),
        ...(isWrite(method) ? { payload: {} } : {}),
      });
      check(method, path, op, needsMore.statusCode, 'read key');
      if (!isWrite(method)) continue;
      const wrongType = await api.call(api.a.admin, {
        method: m,
        url: url(path),
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      });
      check(method, path, op, wrongType.statusCode, 'xml body');
      const large = await api.call(api.a.admin, {
        method: m,
        url: url(path),
        headers: { 'content-type': 'application/json' },
        payload: `{"x":"${'y'.repeat(17 * 1024 * 1024)}"}`,
      });
      check(method, path, op, large.statusCode, 'large body');
    }
    expect(unlisted).toEqual([]);
  });
});
