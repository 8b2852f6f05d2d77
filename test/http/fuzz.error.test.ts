// A schema-driven fuzz run of every operation in /openapi.json, on both stores: requests built from
// each operation's own schemas, sent as they are and mutated (a NUL character, invalid UTF-8, an
// over-long string, path or parameter, a wrong type, a wrong content type, a missing body). Every
// answer must be below 500, every error a problem document, and every status listed for its
// operation. FIDELIS_FUZZ_RUNS sets the requests per operation (default 12); FIDELIS_FUZZ_SEED the seed.
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { random, resolve, type Schema, setAt, stringPaths, valueFor } from '../support/schema-values.ts';

const RUNS = Number(process.env.FIDELIS_FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FIDELIS_FUZZ_SEED ?? 20261206);

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema: Schema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
};

let api: TestApi;
let operations: { method: string; path: string; op: Operation }[];
let components: Record<string, Schema>;

beforeAll(async () => {
  api = await testApi();
  const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  components = doc.components.schemas;
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});

const MUTATIONS = [
  'none',
  'none',
  'nul',
  'long-string',
  'wrong-type',
  'utf8',
  'content-type',
  'long-path',
  'no-body',
  'nul-path',
] as const;

function request(
  method: string,
  path: string,
  op: Operation,
  seed: number,
): { options: InjectOptions; mutation: string } {
  const r = random(seed);
  const mutation = r.pick(MUTATIONS);
  const params = op.parameters ?? [];
  let url = path;
  for (const p of params.filter((p) => p.in === 'path')) {
    let v = String(valueFor(p.schema, components, r));
    if (mutation === 'long-path') v = 'p'.repeat(5000);
    if (mutation === 'nul-path') v = `a%00${v}`;
    url = url.replace(`{${p.name}}`, mutation === 'nul-path' ? v : encodeURIComponent(v));
  }
  const query = new URLSearchParams();
  for (const p of params.filter((p) => p.in === 'query'))
    if (p.required || r.chance(0.3)) query.set(p.name, String(valueFor(p.schema, components, r)));
  const qs = query.toString();
  const headers: Record<string, string> = {};
  for (const p of params.filter((p) => p.in === 'header'))
    if (p.required || r.chance(0.5)) headers[p.name] = `fuzz-${seed}`;
  const options: InjectOptions = { method: method as 'GET', url: qs ? `${url}?${qs}` : url, headers };
  const json = op.requestBody?.content['application/json'];
  const csv = op.requestBody?.content['text/csv'];
  if (json && mutation !== 'no-body') {
    let body = valueFor(json.schema, components, r);
    const strings = stringPaths(body);
    if (mutation === 'nul' && strings.length > 0) body = setAt(body, r.pick(strings), 'a\u0000b');
    if (mutation === 'long-string' && strings.length > 0)
      body = setAt(body, r.pick(strings), 'z'.repeat(100_001));
    if (mutation === 'wrong-type') body = setAt(body, r.pick([...strings, []]), 12345);
    headers['content-type'] = mutation === 'content-type' ? 'application/xml' : 'application/json';
    options.payload =
      mutation === 'utf8'
        ? Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])
        : mutation === 'content-type'
          ? '<x/>'
          : JSON.stringify(body);
  } else if (csv && mutation !== 'no-body') {
    headers['content-type'] = mutation === 'content-type' ? 'application/xml' : 'text/csv';
    options.payload =
      mutation === 'utf8'
        ? Buffer.from([0x63, 0x6f, 0x64, 0x65, 0x0a, 0xff, 0xfe])
        : mutation === 'nul'
          ? 'code\na\u0000b\n'
          : 'code\nX-1\n';
  }
  return { options, mutation };
}

describe('fuzzing every operation', () => {
  it(`answers ${RUNS} built and mutated requests per operation with no 5xx, only problem documents, only listed statuses`, async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [index, { method, path, op }] of operations.entries()) {
      for (let run = 0; run < RUNS; run++) {
        const seed = SEED + index * 1000 + run;
        const { options, mutation } = request(method, path, op, seed);
        const res = await api.call(api.a.admin, options);
        sent++;
        const where = `${op.operationId} seed ${seed} (${mutation}) ${method} ${String(options.url).slice(0, 120)} → ${res.statusCode}`;
        if (res.statusCode >= 500) failures.push(`${where}: ${res.body.slice(0, 200)}`);
        else if (
          res.statusCode >= 400 &&
          !String(res.headers['content-type']).startsWith('application/problem+json')
        )
          failures.push(`${where}: not a problem document (${res.headers['content-type']})`);
        else if (!(String(res.statusCode) in op.responses)) failures.push(`${where}: status not listed`);
      }
    }
    expect(sent).toBe(operations.length * RUNS);
    expect(failures).toEqual([]);
  }, 600_000);

  it('builds requests the server accepts for most operations (the fuzzer reaches the handlers)', async () => {
    // Unmutated reads of collections must succeed: a fuzzer whose requests all fail validation proves nothing.
    const lists = operations.filter(
      (o) => o.method === 'GET' && !o.path.includes('{') && o.path.startsWith('/v1/'),
    );
    let ok = 0;
    for (const { path } of lists)
      if ((await api.call(api.a.admin, { method: 'GET', url: path })).statusCode === 200) ok++;
    expect(ok).toBeGreaterThan(lists.length * 0.8);
    expect(resolve({ $ref: '#/components/schemas/Account' }, components).type).toBe('object');
  });
});
