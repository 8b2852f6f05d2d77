// CSV imports through the HTTP API: CRM-shaped files in, accounts and contacts out, all or nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

interface Report {
  kind: string;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  errors: Array<{ line: number; path: string; message: string }>;
}

interface Account {
  id: string;
  externalId: string | null;
  name: string;
  parentId: string | null;
  segment: string | null;
  country: string | null;
  preferredCurrency: string | null;
  status: string;
  customerSince: string | null;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

interface Contact {
  id: string;
  accountId: string;
  email: string;
  name: string | null;
  role: string;
  locale: string | null;
  marketingOptIn: boolean;
  statementOptIn: boolean;
}

function importCsv(kind: 'accounts' | 'contacts', csv: string, query = '', key = api.a.write) {
  return api.call(key, {
    method: 'POST',
    url: `/v1/imports/${kind}${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });
}

async function importOk(kind: 'accounts' | 'contacts', csv: string, query = ''): Promise<Report> {
  const response = await importCsv(kind, csv, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function account(ref: string, key = api.a.read): Promise<Account> {
  const response = await api.call(key, { method: 'GET', url: `/v1/accounts/${encodeURIComponent(ref)}` });
  expect(response.statusCode, `${ref}: ${response.body}`).toBe(200);
  return response.json();
}

async function accountStatus(ref: string, key = api.a.read): Promise<number> {
  const response = await api.call(key, { method: 'GET', url: `/v1/accounts/${encodeURIComponent(ref)}` });
  return response.statusCode;
}

async function contactsOf(accountRef: string): Promise<Contact[]> {
  const response = await api.call(api.a.read, {
    method: 'GET',
    url: `/v1/accounts/${encodeURIComponent(accountRef)}/contacts?limit=100`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
}

async function contactByEmail(email: string): Promise<Contact | undefined> {
  const response = await api.call(api.a.read, {
    method: 'GET',
    url: `/v1/contacts?email=${encodeURIComponent(email)}`,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data[0];
}

// A Salesforce/HubSpot-like export: headers in three styles, children before their parents.
const CRM_FILE = [
  'External ID,Account Name,parent_external_id,Segment,Country Code,Currency,Status,Customer Since,attr.region,Attr.Tier',
  'CRM-100-1-1,Acme Rotterdam Harbour Site,CRM-100-1,hospitality,NL,EUR,enrolled,,west,',
  'CRM-100-1,Acme Rotterdam,CRM-100,hospitality,NL,EUR,prospect,2021-03-01,west,silver',
  'CRM-100,Acme Group,,hospitality,NL,EUR,enrolled,2019-04-01,north,gold',
  'CRM-100-2,Acme Brussels,CRM-100,foodservice,BE,EUR,suspended,2020-11-15,,',
].join('\n');

describe('account imports', () => {
  it('imports a CRM-shaped file: mixed header styles, attributes, parents later in the file', async () => {
    const report = await importOk('accounts', CRM_FILE);
    expect(report).toEqual({
      kind: 'accounts',
      dryRun: false,
      rows: 4,
      created: 4,
      updated: 0,
      skipped: 0,
      errors: [],
    });

    const group = await account('CRM-100');
    const rotterdam = await account('CRM-100-1');
    const site = await account('CRM-100-1-1');
    const brussels = await account('CRM-100-2');
    expect(group).toMatchObject({
      externalId: 'CRM-100',
      name: 'Acme Group',
      parentId: null,
      segment: 'hospitality',
      country: 'NL',
      preferredCurrency: 'EUR',
      status: 'enrolled',
      customerSince: '2019-04-01',
      attributes: { region: 'north', Tier: 'gold' },
    });
    expect(rotterdam).toMatchObject({ parentId: group.id, status: 'prospect', customerSince: '2021-03-01' });
    expect(site).toMatchObject({
      parentId: rotterdam.id,
      customerSince: null,
      attributes: { region: 'west' },
    });
    expect(brussels).toMatchObject({
      parentId: group.id,
      country: 'BE',
      segment: 'foodservice',
      status: 'suspended',
      attributes: {},
    });

    const tree = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/CRM-100/tree' });
    expect(tree.statusCode).toBe(200);
    const children = tree.json().tree.children as Array<{ account: Account; children: unknown[] }>;
    expect(children.map((c) => c.account.externalId).sort()).toEqual(['CRM-100-1', 'CRM-100-2']);
  });

  it('is safe to re-run: the second run updates the same accounts and creates none', async () => {
    const file = CRM_FILE.replaceAll('CRM-100', 'RERUN-100');
    const first = await importOk('accounts', file);
    expect(first).toMatchObject({ created: 4, updated: 0 });
    const refs = ['RERUN-100', 'RERUN-100-1', 'RERUN-100-1-1', 'RERUN-100-2'];
    const before = await Promise.all(refs.map((r) => account(r)));

    const second = await importOk('accounts', file);
    expect(second).toMatchObject({ rows: 4, created: 0, updated: 4, skipped: 0, errors: [] });
    const after = await Promise.all(refs.map((r) => account(r)));
    for (const [i, a] of after.entries()) {
      const b = before[i]!;
      expect(a.id).toBe(b.id);
      expect(a.parentId).toBe(b.parentId);
      expect(a.createdAt).toBe(b.createdAt);
      expect({ ...a, updatedAt: undefined }).toEqual({ ...b, updatedAt: undefined });
    }

    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?q=Acme&limit=500' });
    const ids = (list.json().data as Account[]).filter((a) => a.externalId?.startsWith('RERUN-'));
    expect(ids).toHaveLength(4);
  });

  it('leaves the columns an update file does not have untouched', async () => {
    await importOk(
      'accounts',
      [
        'externalId,name,parentExternalId,segment,country,preferredCurrency,status,customerSince,attr.region,attr.tier',
        'UPD-1,Update Group,,installer,DE,EUR,prospect,2018-01-01,south,gold',
        'UPD-2,Update Child,UPD-1,installer,AT,EUR,enrolled,2019-02-02,south,silver',
      ].join('\n'),
    );
    const group = await account('UPD-1');
    const child = await account('UPD-2');

    // Only the name and one attribute column: everything else, including the parent link and the
    // other attribute, stays as it was.
    const report = await importOk(
      'accounts',
      'External ID;Name;attr.region\nUPD-2;Update Child Renamed;east\nUPD-1;Update Group;\n',
    );
    expect(report).toMatchObject({ rows: 2, created: 0, updated: 2, errors: [] });
    const childAfter = await account('UPD-2');
    expect(childAfter).toMatchObject({
      id: child.id,
      name: 'Update Child Renamed',
      parentId: group.id,
      segment: 'installer',
      country: 'AT',
      preferredCurrency: 'EUR',
      status: 'enrolled',
      customerSince: '2019-02-02',
      attributes: { region: 'east', tier: 'silver' },
    });
    // An empty cell in a column the file has writes "no value".
    const groupAfter = await account('UPD-1');
    expect(groupAfter).toMatchObject({
      name: 'Update Group',
      segment: 'installer',
      country: 'DE',
      status: 'prospect',
      attributes: { tier: 'gold' },
    });
    expect(groupAfter.attributes).not.toHaveProperty('region');

    // A parentExternalId column with an empty cell detaches; without the column nothing moves.
    await importOk('accounts', 'externalId,name,parentExternalId\nUPD-2,Update Child Renamed,\n');
    expect((await account('UPD-2')).parentId).toBeNull();
  });

  it('reads semicolon-separated files with a BOM and quoted cells holding separators and newlines', async () => {
    const file =
      '\uFEFFexternalId;name;segment;attr.note\n' +
      'SEMI-1;"Smith; Jones, and Partners";retail;"first line\nsecond line"\n' +
      'SEMI-2;Plain Name;retail;"said ""hello"""\n';
    const report = await importOk('accounts', file);
    expect(report).toMatchObject({ rows: 2, created: 2, errors: [] });
    expect(await account('SEMI-1')).toMatchObject({
      name: 'Smith; Jones, and Partners',
      segment: 'retail',
      attributes: { note: 'first line\nsecond line' },
    });
    expect((await account('SEMI-2')).attributes).toEqual({ note: 'said "hello"' });
  });

  describe('reports the line where a bad row starts, also after multi-line cells', () => {
    const rows = [
      'externalId,name,country',
      'ML-1,"Multi, line',
      'name over three',
      'lines",NL', // lines 2-4: valid
      'ML-2,"Bad and',
      'multi-line",XX', // lines 5-6: bad country, reported on line 5
      'ML-3,Fine,BE', // line 7
      '', // line 8: blank lines are skipped but still counted
      'ML-4,"Also bad",QQ', // line 9
    ];

    for (const [label, eol] of [
      ['LF', '\n'],
      ['CRLF', '\r\n'],
    ] as const) {
      it(`with ${label} line ends`, async () => {
        const file = rows.join(eol).replaceAll('ML-', `ML${label}-`) + eol;
        const response = await importCsv('accounts', file);
        expect(response.statusCode, response.body).toBe(422);
        const problem = response.json();
        expect(problem.code).toBe('import_invalid_rows');
        expect(problem.errors.map((e: { line: number; path: string }) => [e.line, e.path])).toEqual([
          [5, 'country'],
          [9, 'country'],
        ]);
        expect(await accountStatus(`ML${label}-1`)).toBe(404);

        const partial = await importOk('accounts', file, '?skipInvalid=true');
        expect(partial).toMatchObject({ rows: 4, created: 2, skipped: 2 });
        expect(partial.errors.map((e) => e.line)).toEqual([5, 9]);
        expect((await account(`ML${label}-1`)).name).toBe('Multi, line\nname over three\nlines');
        expect(await accountStatus(`ML${label}-2`)).toBe(404);
      });
    }
  });

  it('imports a file of several batches whose children all come before their parents', async () => {
    // 50 groups → 200 subsidiaries → 2,000 sites, listed sites first and groups last.
    const sites: string[] = [];
    const subs: string[] = [];
    const groups: string[] = [];
    for (let g = 0; g < 50; g++) {
      groups.push(`BIG-${g},Big Group ${g},`);
      for (let s = 0; s < 4; s++) {
        subs.push(`BIG-${g}-${s},Big Sub ${g}.${s},BIG-${g}`);
        for (let t = 0; t < 10; t++) sites.push(`BIG-${g}-${s}-${t},Big Site ${g}.${s}.${t},BIG-${g}-${s}`);
      }
    }
    const file = ['externalId,name,parentExternalId', ...sites, ...subs, ...groups].join('\n');
    const report = await importOk('accounts', file);
    expect(report).toMatchObject({ rows: 2250, created: 2250, updated: 0, skipped: 0, errors: [] });

    const group = await account('BIG-37');
    const sub = await account('BIG-37-2');
    const site = await account('BIG-37-2-9');
    expect(group.parentId).toBeNull();
    expect(sub.parentId).toBe(group.id);
    expect(site.parentId).toBe(sub.id);
    const tree = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/BIG-0/tree' });
    const children = tree.json().tree.children as Array<{ children: unknown[] }>;
    expect(children).toHaveLength(4);
    expect(children.map((c) => c.children.length)).toEqual([10, 10, 10, 10]);

    // The same file again, but one subsidiary moved to another group: only links change.
    const moved = file.replace('BIG-37-2,Big Sub 37.2,BIG-37', 'BIG-37-2,Big Sub 37.2,BIG-3');
    const again = await importOk('accounts', moved);
    expect(again).toMatchObject({ rows: 2250, created: 0, updated: 2250 });
    const subAfter = await account('BIG-37-2');
    expect(subAfter.id).toBe(sub.id);
    expect(subAfter.parentId).toBe((await account('BIG-3')).id);
    expect((await account('BIG-37-2-9')).parentId).toBe(sub.id);
    const groupTree = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/BIG-3/tree' });
    expect(groupTree.json().tree.children).toHaveLength(5);
  });

  it('links children to parents that exist in the program already', async () => {
    const created = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'EXIST-1', name: 'Existing Group' },
    });
    expect(created.statusCode).toBe(201);
    const parent = created.json() as Account;

    const report = await importOk(
      'accounts',
      'externalId,name,parentExternalId\nEXIST-1-A,Existing Child A,EXIST-1\nEXIST-1-A-1,Grandchild,EXIST-1-A\n',
    );
    expect(report).toMatchObject({ created: 2, updated: 0 });
    const child = await account('EXIST-1-A');
    expect(child.parentId).toBe(parent.id);
    expect((await account('EXIST-1-A-1')).parentId).toBe(child.id);
    // The existing parent itself was not rewritten.
    expect(await account('EXIST-1')).toEqual(parent);
  });

  it('never links to an account of another program', async () => {
    const other = await api.call(api.b.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'B-ONLY', name: 'Program B group' },
    });
    expect(other.statusCode).toBe(201);
    const response = await importCsv('accounts', 'externalId,name,parentExternalId\nA-KID,Kid,B-ONLY\n');
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      { line: 2, path: 'parentExternalId', message: expect.stringContaining('B-ONLY') },
    ]);
    expect(await accountStatus('A-KID')).toBe(404);
  });

  it('with skipInvalid imports the valid rows and reports the others, with rows below a bad parent', async () => {
    const file = [
      'externalId,name,parentExternalId,country,customerSince',
      'SK-1,Good Group,,NL,2020-01-01', // 2
      'SK-2,Bad Country,,XX,', // 3: invalid
      'SK-2-1,Child of bad,SK-2,NL,', // 4: its parent row is invalid
      'SK-2-1-1,Grandchild of bad,SK-2-1,NL,', // 5: and so is this one's, transitively
      'SK-1-1,Good Child,SK-1,NL,2020-02-30', // 6: no such date
      'SK-1-2,Good Child 2,SK-1,BE,', // 7
      'SK-3,,,NL,', // 8: no name
      'SK-4,Orphan,NOPE,NL,', // 9: unknown parent
      'SK-1,Duplicate,,NL,', // 10: repeats line 2
    ].join('\n');

    const refused = await importCsv('accounts', file);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'import_invalid_rows', invalidRows: 7 });
    expect(await accountStatus('SK-1')).toBe(404);

    const report = await importOk('accounts', file, '?skipInvalid=true');
    expect(report).toMatchObject({ rows: 9, created: 2, updated: 0, skipped: 7 });
    const byLine = new Map<number, string[]>();
    for (const e of report.errors)
      byLine.set(e.line, [...(byLine.get(e.line) ?? []), `${e.path}: ${e.message}`]);
    expect([...byLine.keys()]).toEqual([3, 4, 5, 6, 8, 9, 10]);
    expect(byLine.get(3)!.join()).toMatch(/^country: .*XX/);
    expect(byLine.get(4)!.join()).toMatch(/^parentExternalId: .*SK-2 .*invalid/);
    expect(byLine.get(5)!.join()).toMatch(/^parentExternalId: .*SK-2-1 .*invalid/);
    expect(byLine.get(6)!.join()).toMatch(/^customerSince/);
    expect(byLine.get(8)!.join()).toMatch(/^name/);
    expect(byLine.get(9)!.join()).toMatch(/^parentExternalId: .*NOPE/);
    expect(byLine.get(10)!.join()).toMatch(/^externalId: repeats line 2/);

    const group = await account('SK-1');
    expect(group.name).toBe('Good Group');
    expect((await account('SK-1-2')).parentId).toBe(group.id);
    for (const skipped of ['SK-2', 'SK-2-1', 'SK-2-1-1', 'SK-1-1', 'SK-3', 'SK-4']) {
      expect(await accountStatus(skipped), skipped).toBe(404);
    }
  });

  it('with dryRun validates and writes nothing', async () => {
    const file = 'externalId,name,parentExternalId\nDRY-1,Dry Group,\nDRY-2,Dry Child,DRY-1\n';
    const report = await importOk('accounts', file, '?dryRun=true');
    // It counts what the real run would do.
    expect(report).toEqual({
      kind: 'accounts',
      dryRun: true,
      rows: 2,
      created: 2,
      updated: 0,
      skipped: 0,
      errors: [],
    });
    expect(await accountStatus('DRY-1')).toBe(404);
    expect(await accountStatus('DRY-2')).toBe(404);

    const bad = await importCsv('accounts', 'externalId,name,country\nDRY-3,Dry,XX\n', '?dryRun=true');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toMatchObject([{ line: 2, path: 'country' }]);

    // A dry run of an update touches nothing either.
    await importOk('accounts', 'externalId,name\nDRY-4,Before\n');
    const before = await account('DRY-4');
    const dry = await importOk('accounts', 'externalId,name\nDRY-4,After\nDRY-5,New\n', '?dryRun=true');
    expect(dry).toMatchObject({ dryRun: true, rows: 2, created: 1, updated: 1 });
    expect(await account('DRY-4')).toEqual(before);
    expect(await accountStatus('DRY-5')).toBe(404);
  });

  it('refuses a cycle inside the file and writes nothing', async () => {
    const file =
      'externalId,name,parentExternalId\nCYC-A,Cycle A,CYC-B\nCYC-B,Cycle B,CYC-A\nCYC-C,Bystander,\n';
    const response = await importCsv('accounts', file);
    expect(response.statusCode, response.body).toBe(422);
    const problem = response.json();
    expect(problem.code).toBe('import_invalid_rows');
    expect(problem.errors.map((e: { line: number }) => e.line).sort()).toEqual([2, 3]);
    expect(problem.errors[0].path).toBe('parentExternalId');
    for (const ref of ['CYC-A', 'CYC-B', 'CYC-C']) expect(await accountStatus(ref)).toBe(404);

    // skipInvalid cannot take the cycle apart row by row: still nothing is written.
    const skipping = await importCsv('accounts', file, '?skipInvalid=true');
    expect(skipping.statusCode).toBe(422);
    expect(await accountStatus('CYC-C')).toBe(404);
  });

  it('refuses a dry run of a file with a cycle, like the real run', async () => {
    const file = 'externalId,name,parentExternalId\nDCY-A,Cycle A,DCY-B\nDCY-B,Cycle B,DCY-A\n';
    const response = await importCsv('accounts', file, '?dryRun=true');
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().code).toBe('import_invalid_rows');
    expect(await accountStatus('DCY-A')).toBe(404);
  });

  it('refuses an account that names itself as its parent', async () => {
    const response = await importCsv('accounts', 'externalId,name,parentExternalId\nSELF-1,Self,SELF-1\n');
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'import_invalid_rows',
      errors: [{ line: 2, path: 'parentExternalId' }],
    });
    expect(await accountStatus('SELF-1')).toBe(404);
  });

  it('refuses a cycle formed with existing accounts and writes nothing', async () => {
    await importOk(
      'accounts',
      'externalId,name,parentExternalId\nEXC-1,Top,\nEXC-2,Middle,EXC-1\nEXC-3,Leaf,EXC-2\n',
    );
    const [top, middle, leaf] = await Promise.all(['EXC-1', 'EXC-2', 'EXC-3'].map((r) => account(r)));

    // The top would move under its own grandchild; the file also renames and adds, which must not stick.
    const response = await importCsv(
      'accounts',
      'externalId,name,parentExternalId\nEXC-NEW,Newcomer,\nEXC-1,Top Renamed,EXC-3\n',
    );
    expect(response.statusCode, response.body).toBe(422);
    const problem = response.json();
    expect(problem.code).toBe('import_invalid_rows');
    expect(problem.errors).toContainEqual({
      line: 3,
      path: 'parentExternalId',
      message: expect.stringContaining('EXC-1'),
    });
    expect(await account('EXC-1')).toEqual(top);
    expect(await account('EXC-2')).toEqual(middle);
    expect(await account('EXC-3')).toEqual(leaf);
    expect(await accountStatus('EXC-NEW')).toBe(404);
  });

  it('refuses a hierarchy deeper than 16 levels', async () => {
    const rows = ['externalId,name,parentExternalId', 'DEEP-0,Level 0,'];
    for (let i = 1; i <= 16; i++) rows.push(`DEEP-${i},Level ${i},DEEP-${i - 1}`);
    const response = await importCsv('accounts', rows.join('\n'));
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors).toContainEqual({
      line: 18,
      path: 'parentExternalId',
      message: expect.stringMatching(/deeper/),
    });
    expect(await accountStatus('DEEP-0')).toBe(404);

    // Sixteen levels are fine.
    const ok = await importOk('accounts', rows.slice(0, -1).join('\n'));
    expect(ok.created).toBe(16);
  });

  it('refuses unknown columns, files without the required columns and malformed CSV', async () => {
    const unknown = await importCsv('accounts', 'externalId,name,segmnet\nU-1,Unknown,retail\n');
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toMatchObject([{ line: 1, path: 'segmnet' }]);

    const missing = await importCsv('accounts', 'externalId,segment\nU-2,retail\n');
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toMatchObject([{ line: 1, path: 'name' }]);

    const ragged = await importCsv('accounts', 'externalId,name\nU-3,Fine\nU-4,Too,many\n');
    expect(ragged.statusCode).toBe(400);
    expect(ragged.json().code).toBe('import_malformed_csv');
    expect(await accountStatus('U-3')).toBe(404);

    // PostgreSQL text cannot hold NUL: a clear 400 naming the line, not a failed insert.
    const nul = await importCsv('accounts', 'externalId,name\nU-5,Fine\nU-6,Bad\u0000Name\n');
    expect(nul.statusCode, nul.body).toBe(400);
    expect(nul.json()).toMatchObject({ code: 'import_malformed_csv', errors: [{ line: 3 }] });
    expect(await accountStatus('U-5')).toBe(404);
  });
});

describe('contact imports', () => {
  beforeAll(async () => {
    await importOk('accounts', 'externalId,name\nCON-ACC-1,Contact Co One\nCON-ACC-2,Contact Co Two\n');
  });

  it('imports contacts, resolving accountExternalId, with yes/no/true/1 booleans', async () => {
    const file = [
      'Email Address;Account External ID;Full Name;Role;Locale;Marketing Opt-In;statement_opt_in',
      'Anna.Jansen@Example.com;CON-ACC-1;Anna Jansen;owner;nl-nl;yes;no',
      'bob@example.com;CON-ACC-1;"Bob; the buyer";buyer;;true;1',
      'carla@example.com;CON-ACC-2;Carla;approver;de-DE;0;YES',
      'dirk@example.com;CON-ACC-2;;;;n;false',
    ].join('\n');
    const report = await importOk('contacts', file);
    expect(report).toEqual({
      kind: 'contacts',
      dryRun: false,
      rows: 4,
      created: 4,
      updated: 0,
      skipped: 0,
      errors: [],
    });

    const one = await account('CON-ACC-1');
    const two = await account('CON-ACC-2');
    const anna = await contactByEmail('anna.jansen@example.com');
    expect(anna).toMatchObject({
      accountId: one.id,
      email: 'anna.jansen@example.com',
      name: 'Anna Jansen',
      role: 'owner',
      locale: 'nl-NL',
      marketingOptIn: true,
      statementOptIn: false,
    });
    expect(await contactByEmail('bob@example.com')).toMatchObject({
      name: 'Bob; the buyer',
      role: 'buyer',
      locale: null,
      marketingOptIn: true,
      statementOptIn: true,
    });
    expect(await contactByEmail('carla@example.com')).toMatchObject({
      accountId: two.id,
      marketingOptIn: false,
      statementOptIn: true,
    });
    expect(await contactByEmail('dirk@example.com')).toMatchObject({
      name: null,
      role: 'buyer',
      marketingOptIn: false,
      statementOptIn: false,
    });
    expect((await contactsOf('CON-ACC-1')).map((c) => c.email).sort()).toEqual([
      'anna.jansen@example.com',
      'bob@example.com',
    ]);

    // Re-running updates by email: same contact, moved to another account, other columns kept.
    const again = await importOk(
      'contacts',
      'email,accountExternalId,marketingOptIn\nANNA.JANSEN@example.com,CON-ACC-2,no\n',
    );
    expect(again).toMatchObject({ rows: 1, created: 0, updated: 1 });
    expect(await contactByEmail('anna.jansen@example.com')).toMatchObject({
      id: anna!.id,
      accountId: two.id,
      name: 'Anna Jansen',
      role: 'owner',
      locale: 'nl-NL',
      marketingOptIn: false,
      statementOptIn: false,
    });
  });

  it('reports a duplicate email with the line where it first appears', async () => {
    const file = [
      'email,accountExternalId',
      'dup@example.com,CON-ACC-1', // 2
      'other@example.com,CON-ACC-1', // 3
      'DUP@Example.com,CON-ACC-2', // 4
    ].join('\n');
    const response = await importCsv('contacts', file);
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([{ line: 4, path: 'email', message: 'repeats line 2' }]);
    expect(await contactByEmail('dup@example.com')).toBeUndefined();
    expect(await contactByEmail('other@example.com')).toBeUndefined();
  });

  it('reports contacts of unknown accounts and bad values, and skips them on request', async () => {
    const file = [
      'email,accountExternalId,role,marketingOptIn,birthday',
      'ok@example.com,CON-ACC-1,viewer,yes,1990-05-17', // 2
      'nobody@example.com,NO-SUCH-ACC,buyer,no,', // 3
      'not-an-email,CON-ACC-1,buyer,no,', // 4
      'maybe@example.com,CON-ACC-1,buyer,maybe,', // 5
      'boss@example.com,CON-ACC-1,boss,no,', // 6
    ].join('\n');
    const refused = await importCsv('contacts', file);
    expect(refused.statusCode).toBe(422);
    // One error per bad cell, saying what would be right.
    expect(refused.json().errors).toEqual([
      { line: 3, path: 'accountExternalId', message: 'no account NO-SUCH-ACC in the program' },
      { line: 4, path: 'email', message: expect.any(String) },
      { line: 5, path: 'marketingOptIn', message: expect.any(String) },
      { line: 6, path: 'role', message: 'must be one of owner, admin, buyer, approver, viewer' },
    ]);
    expect(await contactByEmail('ok@example.com')).toBeUndefined();

    const report = await importOk('contacts', file, '?skipInvalid=true');
    expect(report).toMatchObject({ rows: 5, created: 1, skipped: 4 });
    expect(await contactByEmail('ok@example.com')).toMatchObject({ role: 'viewer', marketingOptIn: true });
  });

  it("cannot attach contacts to another program's accounts", async () => {
    const response = await importCsv(
      'contacts',
      'email,accountExternalId\nspy@example.com,CON-ACC-1\n',
      '',
      api.b.write,
    );
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toMatchObject([{ line: 2, path: 'accountExternalId' }]);
  });

  it('with dryRun writes no contact', async () => {
    const report = await importOk(
      'contacts',
      'email,accountExternalId\ndry@example.com,CON-ACC-1\n',
      '?dryRun=true',
    );
    expect(report).toMatchObject({ kind: 'contacts', dryRun: true, rows: 1, created: 1, errors: [] });
    expect(await contactByEmail('dry@example.com')).toBeUndefined();
  });
});

describe('import requests', () => {
  it('needs the write scope and a CSV body', async () => {
    const readOnly = await importCsv('accounts', 'externalId,name\nRO-1,Read only\n', '', api.a.read);
    expect(readOnly.statusCode).toBe(403);
    expect(await accountStatus('RO-1')).toBe(404);

    const json = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/imports/accounts',
      payload: { externalId: 'J-1', name: 'JSON' },
    });
    expect(json.statusCode).toBe(415);
  });
});
