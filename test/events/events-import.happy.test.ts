// Events from a CSV file over the API (POST /v1/imports/events): the columns of the CLI, every row
// checked first, then ingested like a batch; the report gives every line its outcome, and re-sending
// the file is safe (events are ingested once per id).
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { json, newProgram, type Program } from './helpers.ts';

let api: TestApi;

const POINTS_PER_EUR = {
  name: 'Per EUR',
  trigger: { types: ['purchase'] },
  effects: [{ kind: 'per_amount', points: '1', per: '1' }],
};

beforeAll(async () => {
  api = await testApi();
});

async function program(): Promise<Program> {
  const p = await newProgram(api);
  await p.account('ACME');
  await p.rule(POINTS_PER_EUR);
  return p;
}

function importCsv(p: Program, csv: string, query = '', key = p.write, type = 'text/csv') {
  return p.send(key, {
    method: 'POST',
    url: `/v1/imports/events${query}`,
    headers: { 'content-type': type },
    payload: csv,
  });
}

const FILE = [
  'id,type,account,occurredAt,amount,currency,orderId,attr.channel',
  'E-1,purchase,ACME,2026-03-01T10:00:00Z,40.00,EUR,O-1,web', // line 2
  'E-2,purchase,NOBODY,2026-03-01T11:00:00Z,5.00,EUR,,', // line 3: no such account
  'E-3,purchase,ACME,2026-03-01T12:00:00Z,10.005,EUR,O-3,', // line 4: too many decimals
  '"E-4",purchase,ACME,2026-03-01T13:00:00Z,25.50,EUR,O-4,shop', // line 5
].join('\n');

describe('POST /v1/imports/events', () => {
  it('ingests each line like an event of a batch and reports every line with its outcome', async () => {
    const p = await program();
    const res = await importCsv(p, FILE);
    expect(res.statusCode, res.body).toBe(200);
    const report = json(res);
    expect(report).toMatchObject({
      kind: 'events',
      dryRun: false,
      rows: 4,
      ingested: 2,
      replayed: 0,
      checked: 0,
      refused: 2,
      skipped: 0,
    });
    expect(report.lines).toMatchObject([
      { line: 2, id: 'E-1', outcome: 'ingested', totals: { points: 40 } },
      { line: 3, id: 'E-2', outcome: 'refused', code: 'account_not_found' },
      {
        line: 4,
        id: 'E-3',
        outcome: 'refused',
        code: 'amount_precision',
        errors: [{ path: 'amount', message: expect.any(String) }],
      },
      { line: 5, id: 'E-4', outcome: 'ingested', totals: { points: 25 } },
    ]);
    expect(report.lines[0].eventId).toMatch(/^evt_/);
    const e4 = json(await p.send(p.read, { method: 'GET', url: '/v1/events/E-4' }));
    expect(e4).toMatchObject({
      internalId: report.lines[3].eventId,
      amount: '25.50',
      references: { orderId: 'O-4' },
      attributes: { channel: 'shop' },
    });
    expect((await p.wallet('ACME', 'points'))?.available).toBe(65);
  });

  it('is safe to re-send: the events already in answer replayed and nothing is credited twice', async () => {
    const p = await program();
    expect((await importCsv(p, FILE)).statusCode).toBe(200);
    const counts = await p.counts();
    const again = json(await importCsv(p, FILE));
    expect(again).toMatchObject({ ingested: 0, replayed: 2, refused: 2 });
    expect(again.lines.map((l: { outcome: string }) => l.outcome)).toEqual([
      'replayed',
      'refused',
      'refused',
      'replayed',
    ]);
    expect(await p.counts()).toEqual(counts);
    expect((await p.wallet('ACME', 'points'))?.available).toBe(65);
  });

  it('refuses a file with an invalid row, naming its line, and ingests nothing; skipInvalid ingests the others', async () => {
    const p = await program();
    const file = [
      'id,type,account,occurredAt,amount',
      'V-1,purchase,ACME,2026-03-01T10:00:00Z,10.00', // line 2
      'V-2,purchase,ACME,yesterday,10.00', // line 3: not an instant
      'V-3,purchase,ACME,2026-03-01T12:00:00Z,ten', // line 4: not an amount
    ].join('\n');
    const refused = await importCsv(p, file);
    expect(refused.statusCode, refused.body).toBe(422);
    const problem = json(refused);
    expect(problem.code).toBe('import_invalid_rows');
    expect(problem.errors).toMatchObject([
      { line: 3, path: 'occurredAt' },
      { line: 4, path: 'amount' },
    ]);
    expect((await p.counts()).events).toBe(0);

    const skipped = json(await importCsv(p, file, '?skipInvalid=true'));
    expect(skipped).toMatchObject({ rows: 3, ingested: 1, skipped: 2 });
    expect(skipped.lines).toMatchObject([
      { line: 2, id: 'V-1', outcome: 'ingested' },
      { line: 3, id: 'V-2', outcome: 'invalid', errors: [{ path: 'occurredAt' }] },
      { line: 4, id: 'V-3', outcome: 'invalid', errors: [{ path: 'amount' }] },
    ]);
    expect((await p.counts()).events).toBe(1);
  });

  it('refuses a header row with an unknown or missing column, on line 1', async () => {
    const p = await program();
    const res = await importCsv(p, 'id,type,occurredAt,colour\nH-1,purchase,2026-03-01T10:00:00Z,red\n');
    expect(res.statusCode, res.body).toBe(422);
    expect(json(res)).toMatchObject({
      code: 'import_invalid_rows',
      errors: [
        { line: 1, path: 'colour', message: 'unknown column' },
        { line: 1, path: 'account', message: 'missing column' },
      ],
    });
    const empty = await importCsv(p, '');
    expect(json(empty)).toMatchObject({ code: 'import_malformed_csv' });
  });

  it('with dryRun evaluates each line and writes nothing', async () => {
    const p = await program();
    const res = await importCsv(p, FILE, '?dryRun=true');
    expect(res.statusCode, res.body).toBe(200);
    const report = json(res);
    expect(report).toMatchObject({ dryRun: true, rows: 4, ingested: 0, checked: 2, refused: 2 });
    expect(report.lines).toMatchObject([
      { line: 2, outcome: 'checked', totals: { points: 40 } },
      { line: 3, outcome: 'refused', code: 'account_not_found' },
      { line: 4, outcome: 'refused', code: 'amount_precision' },
      { line: 5, outcome: 'checked', totals: { points: 25 } },
    ]);
    expect(await p.counts()).toEqual({ events: 0, awards: 0, entries: 0 });
  });

  it('needs the write scope and a text/csv body', async () => {
    const p = await program();
    expect((await importCsv(p, FILE, '', p.read)).statusCode).toBe(403);
    for (const type of ['application/json', 'text/plain']) {
      const payload = type === 'application/json' ? JSON.stringify(FILE) : FILE;
      const res = await importCsv(p, payload, '', p.write, type);
      expect(res.statusCode, type).toBe(415);
      expect(json(res).code).toBe('unsupported_media_type');
    }
    expect((await p.counts()).events).toBe(0);
  });
});
