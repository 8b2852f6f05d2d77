// Operations surface: liveness, readiness, the OpenAPI document, the docs page and request ids.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { testDriver } from '../support/db.ts';
import { servedRoutes } from '../support/routes.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

interface Operation {
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApi {
  openapi: string;
  security?: Array<Record<string, string[]>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string }>;
    schemas: Record<string, unknown>;
  };
  paths: Record<string, Record<string, Operation>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete'];

async function openApi(): Promise<OpenApi> {
  const res = await api.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  return res.json();
}

/** "METHOD /path/{param}" for every operation of the document under /v1. */
function documentedRoutes(spec: OpenApi): string[] {
  return Object.entries(spec.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

function expectRequestId(res: LightMyRequestResponse): string {
  const id = res.headers['x-request-id'];
  expect(typeof id).toBe('string');
  expect((id as string).length).toBeGreaterThan(0);
  return id as string;
}

describe('liveness and readiness', () => {
  it('answers /health with 200 ok without an API key', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready with 200 and the name of the store in use', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', store: testDriver() });
  });
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and served without an API key', async () => {
    const spec = await openApi();
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('lists every /v1 route the server answers, and no route it does not answer', async () => {
    const documented = documentedRoutes(await openApi());
    const served = servedRoutes(api.app).filter((r) => r.split(' ')[1]!.startsWith('/v1/'));
    // The API's resources as DESIGN.md §6 names them; the document must cover at least these.
    const expected = [
      'GET /v1/program',
      'PATCH /v1/program',
      'POST /v1/accounts',
      'GET /v1/accounts',
      'GET /v1/accounts/{accountId}',
      'PATCH /v1/accounts/{accountId}',
      'GET /v1/accounts/{accountId}/tree',
      'POST /v1/accounts/{accountId}/contacts',
      'GET /v1/accounts/{accountId}/contacts',
      'GET /v1/contacts',
      'GET /v1/contacts/{contactId}',
      'PATCH /v1/contacts/{contactId}',
      'POST /v1/imports/accounts',
      'POST /v1/imports/contacts',
    ];
    expect(documented).toEqual(expect.arrayContaining(expected));
    expect(served.length).toBeGreaterThanOrEqual(expected.length);
    expect(documented).toEqual(served);
  });

  it('gives every /v1 operation a bearer security requirement', async () => {
    const spec = await openApi();
    const bearerSchemes = Object.entries(spec.components.securitySchemes)
      .filter(([, s]) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer')
      .map(([name]) => name);
    expect(bearerSchemes.length).toBeGreaterThan(0);
    const unsecured: string[] = [];
    for (const route of documentedRoutes(spec)) {
      const [method, path] = route.split(' ') as [string, string];
      const op = spec.paths[path]![method.toLowerCase()]!;
      // An operation's own `security` overrides the document's; absent, the document's applies.
      const effective = op.security ?? spec.security ?? [];
      const ok =
        effective.length > 0 &&
        effective.every((req) => Object.keys(req).some((name) => bearerSchemes.includes(name)));
      if (!ok) unsecured.push(route);
    }
    expect(unsecured).toEqual([]);
  });

  it('documents the problem responses (401, 403, 400) of every /v1 operation as problem+json', async () => {
    const spec = await openApi();
    expect(spec.components.schemas).toHaveProperty('Problem');
    const missing: string[] = [];
    for (const route of documentedRoutes(spec)) {
      const [method, path] = route.split(' ') as [string, string];
      const op = spec.paths[path]![method.toLowerCase()]!;
      const needed = ['400', '401', '403', ...(path.includes('{') ? ['404'] : [])];
      for (const status of needed) {
        const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
        if (!schema?.$ref?.endsWith('/Problem')) missing.push(`${route} → ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents only routes that exist: each answers 401 without a key, not 404', async () => {
    for (const route of documentedRoutes(await openApi())) {
      const [method, path] = route.split(' ') as [string, string];
      const url = path.replace(/\{\w+\}/g, 'x');
      const res = await api.app.inject({ method: method as 'GET', url });
      expect(res.statusCode, route).toBe(401);
    }
  });
});

describe('API reference page', () => {
  it('redirects /docs to the reference page, which is HTML pointing at /openapi.json', async () => {
    const first = await api.app.inject({ method: 'GET', url: '/docs' });
    let res = first;
    if (first.statusCode >= 300 && first.statusCode < 400) {
      const location = first.headers.location;
      expect(typeof location).toBe('string');
      res = await api.app.inject({
        method: 'GET',
        url: new URL(location as string, 'http://x/docs').pathname,
      });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toContain('/openapi.json');
  });

  it('serves /docs/ directly as HTML', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('request ids', () => {
  it('puts an x-request-id on every response, successes and problems alike, unique per request', async () => {
    const responses = [
      await api.app.inject({ method: 'GET', url: '/health' }),
      await api.app.inject({ method: 'GET', url: '/ready' }),
      await api.app.inject({ method: 'GET', url: '/openapi.json' }),
      await api.app.inject({ method: 'GET', url: '/v1/program' }),
      await api.app.inject({ method: 'GET', url: '/no/such/route' }),
      await api.call(api.a.read, { method: 'GET', url: '/v1/program' }),
      await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/nope' }),
      await api.call(api.a.write, { method: 'POST', url: '/v1/accounts', payload: {} }),
    ];
    const ids = responses.map(expectRequestId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const res of responses.filter((r) => r.statusCode >= 400)) {
      expect(res.json().requestId).toBe(res.headers['x-request-id']);
    }
  });

  it('echoes a client-sent x-request-id in the header and in problem documents', async () => {
    const ok = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/program',
      headers: { 'x-request-id': 'trace-4711.a:b' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-request-id']).toBe('trace-4711.a:b');

    const problem = await api.call(api.a.read, {
      method: 'GET',
      url: '/v1/accounts/does-not-exist',
      headers: { 'x-request-id': 'trace-4712' },
    });
    expect(problem.statusCode).toBe(404);
    expect(problem.headers['x-request-id']).toBe('trace-4712');
    expect(problem.json().requestId).toBe('trace-4712');
  });

  it('replaces an unsafe or oversized client x-request-id with its own', async () => {
    for (const given of ['has spaces in it', 'x'.repeat(500), 'semi;colon', '<script>']) {
      const res = await api.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': given } });
      expect(res.statusCode).toBe(200);
      const id = expectRequestId(res);
      expect(id).not.toBe(given);
    }
  });
});
