// The edge (src/http/edge.ts, src/http/csv.ts): NUL characters, invalid UTF-8 and router-level errors
// answer 400 problem documents naming what is wrong, on every route at once, and nothing is written;
// CSV bodies are read only as text/csv and only by the routes that take a file.
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

describe('CSV bodies', () => {
  const post = (url: string, type: string, payload: string | Buffer) =>
    api.call(api.a.admin, { method: 'POST', url, headers: { 'content-type': type }, payload });
  const file = (id: string, name = 'Csv Ltd') => `externalId,name\n${id},${name}\n`;
  const exists = async (id: string) =>
    (await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/${id}` })).statusCode === 200;

  it('are read as text/csv, with or without a UTF-8 charset', async () => {
    expect((await post('/v1/imports/accounts', 'text/csv', file('CSV-1'))).statusCode).toBe(200);
    const res = await post('/v1/imports/accounts', 'text/csv; charset=utf-8', file('CSV-2', 'Bäckerei Ünal'));
    expect(res.statusCode, res.body).toBe(200);
    const account = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/CSV-2' });
    expect(account.json().name).toBe('Bäckerei Ünal');
  });

  it('are refused with 415 as text/plain or in another charset, and nothing is imported', async () => {
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'text/csv; charset=iso-8859-1']) {
      const p = expectProblem(await post('/v1/imports/accounts', type, file('CSV-PLAIN')), 415);
      expect(p.code, type).toBe('unsupported_media_type');
    }
    expect(await exists('CSV-PLAIN')).toBe(false);
  });

  it('holding invalid UTF-8 are refused with 400 instead of being imported with replaced bytes', async () => {
    const payload = Buffer.concat([Buffer.from('externalId,name\nCSV-BAD,Caf'), Buffer.from([0xe9, 0x0a])]);
    const p = expectProblem(await post('/v1/imports/accounts', 'text/csv', payload));
    expect(p.code).toBe('validation_failed');
    expect(p.detail).toMatch(/UTF-8/);
    expect(await exists('CSV-BAD')).toBe(false);
  });

  it('sent to a route that does not take a file answer 415, not a validation error', async () => {
    for (const type of ['text/csv', 'text/plain']) {
      const p = expectProblem(await post('/v1/accounts', type, 'name\nCsv To Json Ltd\n'), 415);
      expect(p.code, type).toBe('unsupported_media_type');
    }
  });

  it('are taken by every route that reads a file, and only as text/csv there too', async () => {
    const rates = 'currency,rate,effectiveFrom\nGBP,1.15,2026-01-01\n';
    expect((await post('/v1/fx-rates/import', 'text/csv', rates)).statusCode).toBe(200);
    expect(expectProblem(await post('/v1/fx-rates/import', 'text/plain', rates), 415).code).toBe(
      'unsupported_media_type',
    );
    const json = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/fx-rates/import',
      payload: { rates: [] },
    });
    expect(expectProblem(json, 415).code).toBe('unsupported_media_type');
    const reward = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'discount_code',
        name: 'Csv codes',
        price: { amount: 10, unit: 'points' },
        stock: { kind: 'codes' },
      },
    });
    expect(reward.statusCode, reward.body).toBe(201);
    const codes = `/v1/rewards/${reward.json().id}/codes`;
    expect(expectProblem(await post(codes, 'text/plain', 'code\nA-1\n'), 415).code).toBe(
      'unsupported_media_type',
    );
    const imported = await post(codes, 'text/csv; charset=UTF-8', 'code\nA-1\n');
    expect(imported.statusCode, imported.body).toBe(201);
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
