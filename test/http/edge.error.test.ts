// The edge (src/http/edge.ts): NUL characters, invalid UTF-8 and router-level errors answer 400
// problem documents naming what is wrong, on every route at once, and nothing is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

const json = { 'content-type': 'application/json' };

async function accountCount(): Promise<number> {
  const res = await api.call(api.a.admin, { method: 'GET', url: '/v1/accounts?limit=500' });
  return (res.json() as { data: unknown[] }).data.length;
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status = 400,
) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  return JSON.parse(res.body) as {
    code: string;
    errors?: { path: string; message: string }[];
    detail: string;
  };
}

describe('NUL characters', () => {
  it('are refused in a path parameter, naming it', async () => {
    const p = expectProblem(await api.call(api.a.admin, { method: 'GET', url: '/v1/accounts/%00' }));
    expect(p.code).toBe('validation_failed');
    expect(p.errors).toEqual([{ path: '/params/accountId', message: expect.stringMatching(/NUL/) }]);
  });

  it('are refused in a query value, naming it', async () => {
    const p = expectProblem(
      await api.call(api.a.admin, { method: 'GET', url: '/v1/accounts?externalId=a%00b' }),
    );
    expect(p.errors?.[0]?.path).toBe('/query/externalId');
  });

  it('are refused in any JSON string (values and property names), and nothing is written', async () => {
    const before = await accountCount();
    const p = expectProblem(
      await api.call(api.a.admin, {
        method: 'POST',
        url: '/v1/accounts',
        headers: json,
        payload: '{"name":"a\\u0000b","attributes":{"k\\u0000":"v"}}',
      }),
    );
    expect(p.errors?.map((e) => e.path)).toEqual(['/body/name', '/body/attributes/k\u0000']);
    const nested = expectProblem(
      await api.call(api.a.admin, {
        method: 'POST',
        url: '/v1/events',
        headers: json,
        payload: JSON.stringify({ id: 'e-1', type: 'purchase', account: 'x', items: [{ sku: 'a\u0000' }] }),
      }),
    );
    expect(nested.errors?.[0]?.path).toBe('/body/items/0/sku');
    expect(await accountCount()).toBe(before);
  });
});

describe('invalid UTF-8', () => {
  it('in a JSON body is refused with 400 instead of being stored with replaced bytes', async () => {
    const before = await accountCount();
    const payload = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const p = expectProblem(
      await api.call(api.a.admin, { method: 'POST', url: '/v1/accounts', headers: json, payload }),
    );
    expect(p.detail).toMatch(/UTF-8/);
    expect(await accountCount()).toBe(before);
  });

  it('valid multi-byte text still goes through', async () => {
    const res = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/accounts',
      headers: json,
      payload: Buffer.from(JSON.stringify({ name: 'Bäckerei Ünal — ไทย — فارسی' }), 'utf8'),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe('Bäckerei Ünal — ไทย — فارسی');
  });
});

describe('router-level errors are problem documents', () => {
  it('a malformed percent-encoding in the path', async () => {
    const p = expectProblem(await api.call(api.a.admin, { method: 'GET', url: '/v1/accounts/%E0%A4%A' }));
    expect(p.code).toBe('validation_failed');
  });

  it('an over-long path parameter', async () => {
    const res = await api.call(api.a.admin, { method: 'GET', url: `/v1/accounts/${'x'.repeat(5000)}` });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  });
});

describe('the root', () => {
  it('answers a small landing page that points to the API reference', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('href="/docs"');
  });
});
