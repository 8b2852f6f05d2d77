// Bad input (DESIGN.md §2.6, docs/errors.md): every one gets a precise 4xx problem document with a
// stable code, and leaves the store exactly as it was. No request in this file may answer 5xx.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;

interface Account {
  id: string;
  externalId: string | null;
  name: string;
  parentId: string | null;
}
interface Contact {
  id: string;
  accountId: string;
  email: string;
  name: string | null;
}

/** Sends a request with program a's admin key (or none); no answer may be a 5xx. */
async function send(
  options: InjectOptions,
  key: string | null = api.a.admin,
): Promise<LightMyRequestResponse> {
  const res = key === null ? await api.app.inject(options) : await api.call(key, options);
  expect(res.statusCode, `${options.method} ${options.url} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
  return res;
}

async function listAll<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const res = await send({
      method: 'GET',
      url: `${url}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    });
    expect(res.statusCode).toBe(200);
    const page = res.json() as { data: T[]; nextCursor: string | null };
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Everything program a holds that a request could change. */
async function snapshot() {
  const program = await send({ method: 'GET', url: '/v1/program' });
  return {
    program: program.json(),
    accounts: await listAll<Account>('/v1/accounts'),
    contacts: await listAll<Contact>('/v1/contacts'),
  };
}

function pathOf(url: string): string {
  return url.split('?')[0]!;
}

/** Asserts an RFC 9457 problem document with this status and code, shaped as docs/errors.md says. */
function expectProblem(res: LightMyRequestResponse, url: string, status: number, code: string) {
  expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body.code).toBe(code);
  expect(body.type).toBe(`urn:fidelis:problem:${code}`);
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.instance).toBe(pathOf(url));
  expect(typeof body.requestId).toBe('string');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  return body as { detail: string; errors?: Array<{ path: string; message: string; line?: number }> };
}

/** Sends a bad request, asserts its problem document and that program a's data did not change. */
async function rejects(
  options: InjectOptions & { url: string },
  status: number,
  code: string,
  key: string | null = api.a.admin,
) {
  const before = await snapshot();
  const res = await send(options, key);
  const problem = expectProblem(res, options.url, status, code);
  expect(await snapshot()).toEqual(before);
  return problem;
}

function paths(problem: { errors?: Array<{ path: string }> }): string[] {
  return (problem.errors ?? []).map((e) => e.path);
}

let acme: Account;
let acmeSite: Account;
let acmeShop: Account;
let bolt: Account;
let jane: Contact;
let piet: Contact;

async function create(payload: Record<string, unknown>): Promise<Account> {
  const res = await send({ method: 'POST', url: '/v1/accounts', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function addContact(account: string, payload: Record<string, unknown>): Promise<Contact> {
  const res = await send({ method: 'POST', url: `/v1/accounts/${account}/contacts`, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  api = await testApi();
  acme = await create({ externalId: 'ERR-ACME', name: 'Acme Group', country: 'NL' });
  acmeSite = await create({ externalId: 'ERR-ACME-SITE', name: 'Acme Site', parentId: acme.id });
  acmeShop = await create({ externalId: 'ERR-ACME-SHOP', name: 'Acme Shop', parentId: acmeSite.id });
  bolt = await create({ externalId: 'ERR-BOLT', name: 'Bolt BV' });
  jane = await addContact(acme.id, { email: 'jane@acme.example', name: 'Jane' });
  piet = await addContact(bolt.id, { email: 'piet@bolt.example', name: 'Piet' });
});

describe('schema violations → 400 validation_failed', () => {
  const wrongTypes: Array<[string, string, string, Record<string, unknown>, string]> = [
    ['a number for a string', 'POST', '/v1/accounts', { name: 5 }, '/body/name'],
    ['a boolean for a string', 'POST', '/v1/accounts', { name: true }, '/body/name'],
    ['an array for a string', 'POST', '/v1/accounts', { name: ['Acme'] }, '/body/name'],
    ['an object for a string', 'POST', '/v1/accounts', { name: { first: 'A' } }, '/body/name'],
    ['null for a required string', 'POST', '/v1/accounts', { name: null }, '/body/name'],
    ['a string for attributes', 'POST', '/v1/accounts', { name: 'X', attributes: 'x' }, '/body/attributes'],
    [
      'a nested object attribute',
      'POST',
      '/v1/accounts',
      { name: 'X', attributes: { a: { b: 1 } } },
      '/body/attributes/a',
    ],
    ['an unknown status', 'POST', '/v1/accounts', { name: 'X', status: 'vip' }, '/body/status'],
    ['a number for a name in a PATCH', 'PATCH', '/v1/accounts/ERR-BOLT', { name: 42 }, '/body/name'],
    [
      'a string for a boolean',
      'POST',
      '/v1/accounts/ERR-ACME/contacts',
      { email: 'opt@acme.example', marketingOptIn: 'true' },
      '/body/marketingOptIn',
    ],
    ['a number for a boolean', 'PATCH', '/v1/contacts/{jane}', { statementOptIn: 1 }, '/body/statementOptIn'],
    ['an unknown role', 'PATCH', '/v1/contacts/{jane}', { role: 'ceo' }, '/body/role'],
    ['a malformed email', 'POST', '/v1/accounts/ERR-ACME/contacts', { email: 'not-an-email' }, '/body/email'],
    [
      'a number for a program setting module',
      'PATCH',
      '/v1/program',
      { settings: { points: 5 } },
      '/body/settings/points',
    ],
    ['a number for the program name', 'PATCH', '/v1/program', { name: 7 }, '/body/name'],
  ];

  it.each(wrongTypes)('refuses %s', async (_label, method, url, payload, field) => {
    const target = url.replace('{jane}', jane.id);
    const problem = await rejects(
      { method: method as 'POST', url: target, payload },
      400,
      'validation_failed',
    );
    expect(paths(problem).some((p) => p.startsWith(field))).toBe(true);
  });

  it('rejects unknown body properties instead of stripping them', async () => {
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['POST', '/v1/accounts', { name: 'Sneaky', nickname: 'S' }, '/body/nickname'],
      ['PATCH', '/v1/accounts/ERR-BOLT', { name: 'Bolt BV', programId: 'prg_x' }, '/body/programId'],
      ['POST', '/v1/accounts/ERR-ACME/contacts', { email: 'extra@acme.example', id: 'con_mine' }, '/body/id'],
      ['PATCH', `/v1/contacts/${jane.id}`, { name: 'J', isAdmin: true }, '/body/isAdmin'],
      ['PATCH', '/v1/program', { name: 'P', id: 'prg_other' }, '/body/id'],
    ];
    for (const [method, url, payload, field] of cases) {
      const problem = await rejects({ method: method as 'POST', url, payload }, 400, 'validation_failed');
      expect(problem.errors).toContainEqual({ path: field, message: expect.any(String) });
    }
  });

  it('rejects unknown query parameters and bad paging values', async () => {
    for (const url of [
      '/v1/accounts?colour=red',
      '/v1/accounts?limit=0',
      '/v1/accounts?limit=501',
      '/v1/accounts?limit=ten',
      '/v1/contacts?role=ceo',
      '/v1/accounts?status=vip',
      '/v1/imports/accounts?skipInvalid=maybe',
    ]) {
      const request: InjectOptions & { url: string } = url.startsWith('/v1/imports')
        ? { method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload: 'externalId,name\nQ,Q\n' }
        : { method: 'GET', url };
      const problem = await rejects(request, 400, 'validation_failed');
      expect(paths(problem).every((p) => p.startsWith('/querystring'))).toBe(true);
    }
  });

  it('names each missing required field', async () => {
    const account = await rejects(
      { method: 'POST', url: '/v1/accounts', payload: {} },
      400,
      'validation_failed',
    );
    expect(paths(account)).toContain('/body/name');
    const contact = await rejects(
      { method: 'POST', url: '/v1/accounts/ERR-ACME/contacts', payload: { name: 'No Email' } },
      400,
      'validation_failed',
    );
    expect(paths(contact)).toContain('/body/email');
  });

  it('reports every bad field at once', async () => {
    const problem = await rejects(
      { method: 'POST', url: '/v1/accounts', payload: { name: '', country: 'nl', status: 'vip', extra: 1 } },
      400,
      'validation_failed',
    );
    const reported = paths(problem);
    for (const field of ['/body/name', '/body/country', '/body/status', '/body/extra']) {
      expect(
        reported.some((p) => p.startsWith(field)),
        field,
      ).toBe(true);
    }
  });

  it('refuses a PATCH with an empty body or no body', async () => {
    for (const url of ['/v1/accounts/ERR-BOLT', `/v1/contacts/${piet.id}`, '/v1/program']) {
      await rejects({ method: 'PATCH', url, payload: {} }, 400, 'validation_failed');
      await rejects({ method: 'PATCH', url }, 400, 'validation_failed');
    }
  });

  it('refuses blank names and externalIds with surrounding spaces', async () => {
    await rejects(
      { method: 'POST', url: '/v1/accounts', payload: { name: '   ' } },
      400,
      'validation_failed',
    );
    await rejects(
      { method: 'POST', url: '/v1/accounts', payload: { name: 'Padded', externalId: ' PAD ' } },
      400,
      'validation_failed',
    );
  });
});

describe('unreadable and oversized bodies', () => {
  it('answers a body over 1 MiB, or a 1 MB string field, with 413 or 400 — never a 5xx', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const justUnder = 'y'.repeat(1_000_000);
    const bodies = [
      { name: huge },
      { name: 'Big', segment: justUnder },
      { name: 'Big', attributes: { note: justUnder } },
    ];
    for (const payload of bodies) {
      const before = await snapshot();
      const res = await send({ method: 'POST', url: '/v1/accounts', payload });
      const allowed = [
        [413, 'payload_too_large'],
        [400, 'validation_failed'],
      ];
      const code = res.json().code;
      expect(allowed).toContainEqual([res.statusCode, code]);
      expectProblem(res, '/v1/accounts', res.statusCode, code);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    for (const payload of ['{"name":', '{name: "x"}', "{'name':'x'}", '{"name":"x",}', '']) {
      await rejects(
        { method: 'POST', url: '/v1/accounts', headers: { 'content-type': 'application/json' }, payload },
        400,
        'malformed_json',
      );
    }
    await rejects(
      {
        method: 'PATCH',
        url: `/v1/contacts/${jane.id}`,
        headers: { 'content-type': 'application/json' },
        payload: '{"name": "Jane"',
      },
      400,
      'malformed_json',
    );
  });

  it('refuses JSON that is not an object', async () => {
    for (const payload of ['[]', 'null', '"Acme"', '42']) {
      await rejects(
        { method: 'POST', url: '/v1/accounts', headers: { 'content-type': 'application/json' }, payload },
        400,
        'validation_failed',
      );
    }
  });

  it('refuses a body in a content type the route does not read with 415', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': 'application/xml' },
        payload: '<account><name>X</name></account>',
      },
      415,
      'unsupported_media_type',
    );
    await rejects(
      {
        method: 'POST',
        url: '/v1/accounts',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=X',
      },
      415,
      'unsupported_media_type',
    );
  });
});

describe('conflicts → 409', () => {
  it('refuses a second account with a taken externalId, on create and on change', async () => {
    const created = await rejects(
      { method: 'POST', url: '/v1/accounts', payload: { name: 'Acme Again', externalId: 'ERR-ACME' } },
      409,
      'external_id_taken',
    );
    expect(paths(created)).toContain('/body/externalId');
    await rejects(
      {
        method: 'PATCH',
        url: '/v1/accounts/ERR-BOLT',
        payload: { externalId: 'ERR-ACME', name: 'Renamed Bolt' },
      },
      409,
      'external_id_taken',
    );
  });

  it('refuses a taken contact email whatever its case, on create and on change', async () => {
    for (const email of ['jane@acme.example', 'JANE@ACME.EXAMPLE', 'Jane@Acme.Example']) {
      const problem = await rejects(
        { method: 'POST', url: '/v1/accounts/ERR-BOLT/contacts', payload: { email } },
        409,
        'email_taken',
      );
      expect(paths(problem)).toContain('/body/email');
    }
    await rejects(
      {
        method: 'PATCH',
        url: `/v1/contacts/${piet.id}`,
        payload: { email: 'JANE@acme.example', name: 'Changed' },
      },
      409,
      'email_taken',
    );
  });
});

describe('hierarchy → 422', () => {
  it('refuses a parent that would make a cycle, by id or externalId, deep or direct', async () => {
    for (const parentId of [acmeShop.id, 'ERR-ACME-SHOP', acmeSite.id]) {
      const problem = await rejects(
        { method: 'PATCH', url: '/v1/accounts/ERR-ACME', payload: { parentId, name: 'Cyclic' } },
        422,
        'hierarchy_cycle',
      );
      expect(paths(problem)).toContain('/body/parentId');
    }
  });

  it('refuses an account as its own parent', async () => {
    await rejects(
      { method: 'PATCH', url: `/v1/accounts/${bolt.id}`, payload: { parentId: bolt.id } },
      422,
      'hierarchy_cycle',
    );
    await rejects(
      { method: 'PATCH', url: '/v1/accounts/ERR-BOLT', payload: { parentId: 'ERR-BOLT' } },
      422,
      'hierarchy_cycle',
    );
  });

  it('refuses an unknown parent on create and on change', async () => {
    const problem = await rejects(
      { method: 'POST', url: '/v1/accounts', payload: { name: 'Orphan', parentId: 'NO-SUCH-PARENT' } },
      422,
      'parent_not_found',
    );
    expect(paths(problem)).toContain('/body/parentId');
    await rejects(
      {
        method: 'PATCH',
        url: '/v1/accounts/ERR-BOLT',
        payload: { parentId: 'acc_00000000000000000000000000', name: 'X' },
      },
      422,
      'parent_not_found',
    );
  });

  it('refuses a hierarchy deeper than 16 levels', async () => {
    let parent = await create({ name: 'Depth 1', externalId: 'DEPTH-1' });
    for (let level = 2; level <= 16; level++) {
      parent = await create({ name: `Depth ${level}`, externalId: `DEPTH-${level}`, parentId: parent.id });
    }
    await rejects(
      { method: 'POST', url: '/v1/accounts', payload: { name: 'Depth 17', parentId: 'DEPTH-16' } },
      422,
      'hierarchy_too_deep',
    );
    await rejects(
      { method: 'PATCH', url: '/v1/accounts/ERR-BOLT', payload: { parentId: 'DEPTH-16' } },
      422,
      'hierarchy_too_deep',
    );
  });
});

describe('reference values → 400 validation_failed', () => {
  it('refuses unknown countries, currencies and dates that do not exist', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ country: 'XX' }, '/body/country'],
      [{ country: 'nl' }, '/body/country'],
      [{ country: 'NLD' }, '/body/country'],
      [{ preferredCurrency: 'XYZ' }, '/body/preferredCurrency'],
      [{ preferredCurrency: 'eur' }, '/body/preferredCurrency'],
      [{ customerSince: '2023-02-29' }, '/body/customerSince'],
      [{ customerSince: '2023-13-01' }, '/body/customerSince'],
      [{ customerSince: '01-02-2023' }, '/body/customerSince'],
    ];
    for (const [fields, field] of cases) {
      const created = await rejects(
        { method: 'POST', url: '/v1/accounts', payload: { name: 'Ref Check', ...fields } },
        400,
        'validation_failed',
      );
      expect(paths(created)).toContain(field);
      const changed = await rejects(
        { method: 'PATCH', url: '/v1/accounts/ERR-BOLT', payload: { name: 'Ref Check', ...fields } },
        400,
        'validation_failed',
      );
      expect(paths(changed)).toContain(field);
    }
  });

  it('refuses a contact birthday that does not exist and a malformed locale', async () => {
    const birthday = await rejects(
      {
        method: 'POST',
        url: '/v1/accounts/ERR-ACME/contacts',
        payload: { email: 'b@acme.example', birthday: '1990-02-30' },
      },
      400,
      'validation_failed',
    );
    expect(paths(birthday)).toContain('/body/birthday');
    const locale = await rejects(
      { method: 'PATCH', url: `/v1/contacts/${jane.id}`, payload: { locale: 'en_US!!', name: 'Changed' } },
      400,
      'validation_failed',
    );
    expect(paths(locale)).toContain('/body/locale');
  });
});

describe('lookups and paging', () => {
  it('refuses a cursor it did not give out with 400 invalid_cursor', async () => {
    const notOurs = [
      'garbage',
      Buffer.from('{"after":5}').toString('base64url'),
      Buffer.from('{"before":"acc_1"}').toString('base64url'),
      Buffer.from(`{"after":"${'a'.repeat(100)}"}`).toString('base64url'),
    ];
    for (const cursor of notOurs) {
      for (const base of ['/v1/accounts', '/v1/contacts', `/v1/accounts/${acme.id}/contacts`]) {
        await rejects({ method: 'GET', url: `${base}?cursor=${cursor}` }, 400, 'invalid_cursor');
      }
    }
  });

  it('answers an unknown route with 404 not_found, with or without a key', async () => {
    for (const [method, url] of [
      ['GET', '/v1/nothing-here'],
      ['DELETE', `/v1/accounts/${acme.id}`],
      ['PUT', '/v1/program'],
      ['GET', '/v2/accounts'],
    ] as const) {
      await rejects({ method, url }, 404, 'not_found');
      await rejects({ method, url }, 404, 'not_found', null);
    }
    const anonymous = await send({ method: 'GET', url: '/nowhere' }, null);
    expectProblem(anonymous, '/nowhere', 404, 'not_found');
  });

  it('answers unknown accounts and contacts with their own 404 codes', async () => {
    await rejects({ method: 'GET', url: '/v1/accounts/NO-SUCH' }, 404, 'account_not_found');
    await rejects({ method: 'GET', url: '/v1/accounts/NO-SUCH/tree' }, 404, 'account_not_found');
    await rejects({ method: 'GET', url: '/v1/accounts/NO-SUCH/contacts' }, 404, 'account_not_found');
    await rejects(
      { method: 'PATCH', url: '/v1/accounts/NO-SUCH', payload: { name: 'X' } },
      404,
      'account_not_found',
    );
    await rejects(
      { method: 'POST', url: '/v1/accounts/NO-SUCH/contacts', payload: { email: 'x@nowhere.example' } },
      404,
      'account_not_found',
    );
    await rejects({ method: 'GET', url: '/v1/contacts?accountId=NO-SUCH' }, 404, 'account_not_found');
    await rejects(
      { method: 'GET', url: '/v1/contacts/con_00000000000000000000000000' },
      404,
      'contact_not_found',
    );
    await rejects(
      { method: 'PATCH', url: '/v1/contacts/con_00000000000000000000000000', payload: { name: 'X' } },
      404,
      'contact_not_found',
    );
    await rejects(
      { method: 'PATCH', url: `/v1/contacts/${jane.id}`, payload: { accountId: 'NO-SUCH', name: 'Moved?' } },
      404,
      'account_not_found',
    );
  });
});

describe('CSV imports', () => {
  const csv = { 'content-type': 'text/csv' };

  it('answers an unreadable file with 400 import_malformed_csv', async () => {
    const files = [
      'externalId,name\n"IMP-1,Unclosed quote\n',
      'externalId,name\nIMP-1,Too,Many,Cells\n',
      'externalId,name\nIMP-1\n',
      '',
      '   \n',
    ];
    for (const payload of files) {
      await rejects(
        { method: 'POST', url: '/v1/imports/accounts', headers: csv, payload },
        400,
        'import_malformed_csv',
      );
    }
    await rejects(
      {
        method: 'POST',
        url: '/v1/imports/contacts',
        headers: csv,
        payload: 'email,accountExternalId\n"a@b.example,X\n',
      },
      400,
      'import_malformed_csv',
    );
  });

  it('refuses a file with bad rows with 422 import_invalid_rows, naming each line, and imports nothing', async () => {
    const file = [
      'externalId,name,country,parentExternalId', // line 1
      'IMP-OK-1,Good Row Ltd,NL,', // line 2: fine
      'IMP-BAD-2,,NL,', // line 3: no name
      'IMP-BAD-3,Bad Country BV,XX,', // line 4: unknown country
      'IMP-OK-4,"Multi', // lines 5–6: one record over two lines, fine
      'Line Ltd",DE,IMP-OK-1',
      'IMP-BAD-5,Orphan,BE,NO-SUCH-PARENT', // line 7: unknown parent
      'IMP-OK-1,Repeat,NL,', // line 8: externalId repeats line 2
    ].join('\n');
    const problem = await rejects(
      { method: 'POST', url: '/v1/imports/accounts', headers: csv, payload: file },
      422,
      'import_invalid_rows',
    );
    const errors = problem.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(Number.isInteger(e.line), JSON.stringify(e)).toBe(true);
      expect(typeof e.path).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
    expect([...new Set(errors.map((e) => e.line))].sort((x, y) => x! - y!)).toEqual([3, 4, 7, 8]);
    expect(errors.find((e) => e.line === 4)?.path).toBe('country');
    expect(errors.find((e) => e.line === 7)?.path).toBe('parentExternalId');
    // All or nothing: the good rows are not there either.
    const lookup = await send({ method: 'GET', url: '/v1/accounts?externalId=IMP-OK-1' });
    expect(lookup.json().data).toEqual([]);
  });

  it('refuses a contacts file with bad rows and imports none of its good rows', async () => {
    const file = [
      'email,accountExternalId,role',
      'good.one@acme.example,ERR-ACME,buyer', // line 2: fine
      'not-an-email,ERR-ACME,buyer', // line 3
      'good.two@acme.example,NO-SUCH-ACCOUNT,buyer', // line 4
      'good.three@acme.example,ERR-ACME,emperor', // line 5
    ].join('\n');
    const problem = await rejects(
      { method: 'POST', url: '/v1/imports/contacts', headers: csv, payload: file },
      422,
      'import_invalid_rows',
    );
    expect([...new Set((problem.errors ?? []).map((e) => e.line))].sort()).toEqual([3, 4, 5]);
  });

  it('refuses a header row with an unknown or missing column, on line 1', async () => {
    const unknown = await rejects(
      {
        method: 'POST',
        url: '/v1/imports/accounts',
        headers: csv,
        payload: 'externalId,name,colour\nIMP-C,C,red\n',
      },
      422,
      'import_invalid_rows',
    );
    expect(unknown.errors?.map((e) => e.line)).toEqual([1]);
    const missing = await rejects(
      { method: 'POST', url: '/v1/imports/accounts', headers: csv, payload: 'name\nNo Id Ltd\n' },
      422,
      'import_invalid_rows',
    );
    expect(missing.errors?.every((e) => e.line === 1)).toBe(true);
  });

  it('refuses an import sent as anything but CSV with 415 unsupported_media_type', async () => {
    const file = 'externalId,name\nIMP-JSON,Json Ltd\n';
    const cases: InjectOptions[] = [
      { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ csv: file }) },
      { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(file) },
      { headers: { 'content-type': 'application/xml' }, payload: '<csv/>' },
      { headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(file) },
    ];
    for (const kind of ['accounts', 'contacts']) {
      for (const options of cases) {
        await rejects(
          { ...options, method: 'POST', url: `/v1/imports/${kind}` },
          415,
          'unsupported_media_type',
        );
      }
    }
    const lookup = await send({ method: 'GET', url: '/v1/accounts?externalId=IMP-JSON' });
    expect(lookup.json().data).toEqual([]);
  });
});

describe('partial writes', () => {
  it('leaves every field alone when one field of a PATCH is refused', async () => {
    const before = (await send({ method: 'GET', url: '/v1/accounts/ERR-BOLT' })).json();
    await rejects(
      {
        method: 'PATCH',
        url: '/v1/accounts/ERR-BOLT',
        payload: { name: 'Half Done', segment: 'x', parentId: 'NOPE' },
      },
      422,
      'parent_not_found',
    );
    await rejects(
      { method: 'PATCH', url: '/v1/accounts/ERR-BOLT', payload: { name: 'Half Done', parentId: 'ERR-BOLT' } },
      422,
      'hierarchy_cycle',
    );
    const after = (await send({ method: 'GET', url: '/v1/accounts/ERR-BOLT' })).json();
    expect(after).toEqual(before);
  });
});
