// Relationships from a CSV file (decision 0047): an agency and its clients linked in one import, the
// file re-run safely, a later file ending a link, a dry run writing nothing; audited as one import.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const importCsv = (csv: string, query = '') =>
  api.call(api.a.write, {
    method: 'POST',
    url: `/v1/imports/relationships${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });
const links = async (query = '') =>
  (await api.call(api.a.read, { method: 'GET', url: `/v1/relationships?limit=100${query}` })).json()
    .data as Array<{
    id: string;
    fromAccountId: string;
    toAccountId: string;
    startsAt: string;
    endsAt: string | null;
    active: boolean;
  }>;

const FILE = [
  'From External ID,Type,To External ID,Started At,Ended At',
  'AGENCY,manages,CLIENT-1,2026-01-01,',
  'AGENCY,manages,CLIENT-2,2026-02-01T09:30:00+01:00,',
  'AGENCY,manages,CLIENT-3,2025-01-01,2025-12-31',
  'CLIENT-1,manages,CLIENT-3,2026-03-01,',
].join('\n');

let ids: Record<string, string> = {};
beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['AGENCY', 'CLIENT-1', 'CLIENT-2', 'CLIENT-3']) {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
    expect(r.statusCode, r.body).toBe(201);
    ids = { ...ids, [externalId]: r.json().id };
  }
}, 300_000);

describe('relationship imports', () => {
  it('checks a file in a dry run without writing, then imports it', async () => {
    const dry = await importCsv(FILE, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      kind: 'relationships',
      dryRun: true,
      rows: 4,
      created: 4,
      updated: 0,
    });
    expect(await links()).toEqual([]);

    const report = await importCsv(FILE);
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json()).toEqual({
      kind: 'relationships',
      dryRun: false,
      rows: 4,
      created: 4,
      updated: 0,
      skipped: 0,
      errors: [],
    });
    const all = await links();
    expect(all).toHaveLength(4);
    const two = all.find((l) => l.toAccountId === ids['CLIENT-2'])!;
    expect(two).toMatchObject({
      fromAccountId: ids.AGENCY,
      startsAt: '2026-02-01T08:30:00.000Z',
      endsAt: null,
    });
    const three = all.find((l) => l.toAccountId === ids['CLIENT-3'] && l.fromAccountId === ids.AGENCY)!;
    expect(three).toMatchObject({ endsAt: '2025-12-31T00:00:00.000Z', active: false });
    // Not ownership: no parent set.
    const client = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/CLIENT-1' });
    expect(client.json().parentId).toBeNull();
  });

  it('re-runs the same file without a change, and ends a link from a later file', async () => {
    const again = await importCsv(FILE);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, updated: 0 });
    expect(await links()).toHaveLength(4);

    const ending = await importCsv(
      ['from,type,to,startedAt,endedAt', 'AGENCY,manages,CLIENT-1,2026-01-01,2026-06-30T00:00:00Z'].join(
        '\n',
      ),
    );
    expect(ending.statusCode, ending.body).toBe(200);
    expect(ending.json()).toMatchObject({ created: 0, updated: 1 });
    const one = (await links(`&to=CLIENT-1`))[0]!;
    expect(one).toMatchObject({ endsAt: '2026-06-30T00:00:00.000Z' });

    // After the end the same pair may start again; a link is only refused for an open overlap.
    const later = await importCsv(
      [
        'from,type,to,startedAt',
        'AGENCY,manages,CLIENT-1,2026-07-01',
        'CLIENT-2,manages,CLIENT-3,2026-07-01',
      ].join('\n'),
    );
    expect(later.statusCode, later.body).toBe(200);
    expect(later.json()).toMatchObject({ created: 2 });

    const audit = await api.call(api.a.admin, {
      method: 'GET',
      url: '/v1/audit?action=import.relationships',
    });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().data).toHaveLength(4);
  });
});
