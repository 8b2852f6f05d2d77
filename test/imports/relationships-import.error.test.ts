// A relationship file with a bad row — an unknown account, a bad date, a repeat, an overlap, a manages
// cycle — is refused whole with the row's line and column, and changes nothing (decision 0047).
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
const count = async () =>
  (await api.call(api.a.read, { method: 'GET', url: '/v1/relationships?limit=100' })).json().data.length;
const HEADER = 'From External ID,Type,To External ID,Started At,Ended At';

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['A', 'B', 'C', 'D']) {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  const r = await importCsv([HEADER, 'A,manages,B,2026-01-01,', 'B,manages,C,2026-01-01,'].join('\n'));
  expect(r.statusCode, r.body).toBe(200);
}, 300_000);

async function refused(csv: string, errors: Array<{ line: number; path: string; message?: unknown }>) {
  const r = await importCsv(csv);
  expect(r.statusCode, r.body).toBe(422);
  expect(r.headers['content-type']).toContain('application/problem+json');
  expect(r.json()).toMatchObject({ code: 'import_invalid_rows' });
  expect(r.json().errors).toEqual(errors.map((e) => ({ message: expect.any(String), ...e })));
  expect(await count()).toBe(2);
}

describe('relationship import refusals', () => {
  it('refuses rows that are bad on their own, naming line and column', async () => {
    await refused(
      [
        HEADER,
        'A,manages,D,2026-02-01,',
        'A,owns,D,2026-02-01,',
        'A,manages,NOBODY,2026-02-01,',
        'A,manages,D,2026-02-30,',
        'A,manages,D,2026-03-01,2026-02-01',
        'A,manages,A,2026-02-01,',
        'A,manages,D,2026-02-01,',
        'A,manages,D,,',
      ].join('\n'),
      [
        { line: 3, path: 'type', message: 'must be one of manages' },
        { line: 4, path: 'toExternalId', message: 'no account NOBODY in the program' },
        { line: 5, path: 'startedAt' },
        { line: 6, path: 'endedAt', message: 'must be after startedAt' },
        { line: 7, path: 'toExternalId', message: 'an account cannot manage itself' },
        { line: 8, path: 'startedAt', message: 'repeats line 2' },
        { line: 9, path: 'startedAt', message: 'is required' },
      ],
    );
  });

  it('refuses a header it does not know or a missing column', async () => {
    const r = await importCsv('from,type,to,colour\nA,manages,D,red');
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().errors).toEqual([
      { line: 1, path: 'colour', message: 'unknown column "colour"' },
      { line: 1, path: 'startedAt', message: 'the file needs a startedAt column' },
    ]);
  });

  it('refuses a manages cycle, direct or through stored links, with the row that closes it', async () => {
    await refused([HEADER, 'C,manages,A,2026-02-01,'].join('\n'), [
      { line: 2, path: 'toExternalId', message: 'would make a manages cycle' },
    ]);
    await refused([HEADER, 'C,manages,D,2026-02-01,', 'D,manages,A,2026-02-01,'].join('\n'), [
      { line: 2, path: 'toExternalId', message: 'would make a manages cycle' },
    ]);
  });

  it('refuses overlaps with a stored link or another row, and changing an ended link', async () => {
    await refused([HEADER, 'A,manages,B,2025-06-01,'].join('\n'), [{ line: 2, path: 'startedAt' }]);
    await refused([HEADER, 'A,manages,D,2026-01-01,2026-06-01', 'A,manages,D,2026-05-01,'].join('\n'), [
      { line: 3, path: 'startedAt', message: 'overlaps line 2 (the same accounts at the same time)' },
    ]);
    const end = await importCsv([HEADER, 'A,manages,B,2026-01-01,2026-03-01'].join('\n'));
    expect(end.json()).toMatchObject({ updated: 1 });
    const r = await importCsv([HEADER, 'A,manages,B,2026-01-01,2026-04-01'].join('\n'));
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().errors).toMatchObject([{ line: 2, path: 'endedAt' }]);
  });

  it('imports the good rows with skipInvalid and reports the others', async () => {
    const r = await importCsv(
      [HEADER, 'C,manages,D,2026-02-01,', 'C,manages,NOBODY,2026-02-01,'].join('\n'),
      '?skipInvalid=true',
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 1, skipped: 1, errors: [{ line: 3, path: 'toExternalId' }] });
  });
});
