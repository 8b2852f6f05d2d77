// Streaming CSV exports: every row of the program (and no other program's), in pages of 1,000,
// filtered by local dates on each row's own instant; bad input names its field.
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;
let other: Program;

const ACCOUNTS = 2_345;

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  other = await newProgram(api);
  const lines = ['externalId,name,segment'];
  for (let i = 0; i < ACCOUNTS; i++) lines.push(`EX-${i},"Export, Co ${i}",${i % 2 ? 'retail' : '=cmd()'}`);
  const report = await api.services.imports.importAccounts(p.id, `${lines.join('\n')}\n`, {}, FIXTURE);
  expect(report.created).toBe(ACCOUNTS);
  await other.account('THEIRS');
  for (const [id, at] of [
    ['e1', '2026-03-31T21:30:00Z'], // 23:30 on 31 March in Amsterdam
    ['e2', '2026-03-31T22:30:00Z'], // 00:30 on 1 April in Amsterdam
    ['e3', '2026-04-15T10:00:00Z'],
  ] as const)
    await p.ingested({
      id,
      type: 'purchase',
      account: 'EX-1',
      occurredAt: at,
      amount: '12.50',
      currency: 'EUR',
    });
  await other.ingested({
    id: 'o1',
    type: 'purchase',
    account: 'THEIRS',
    occurredAt: '2026-04-01T10:00:00Z',
    amount: '1.00',
    currency: 'EUR',
  });
});

const csv = async (program: Program, url: string) => {
  const r = await program.send(program.read, { method: 'GET', url, headers: { accept: 'text/csv' } });
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  expect(r.headers['content-type']).toMatch(/^text\/csv/);
  return parse(r.body, { columns: true }) as Array<Record<string, string>>;
};

describe('exports', () => {
  it('streams every account of the program in pages, quoting and defusing cells', async () => {
    const rows = await csv(p, '/v1/exports/accounts');
    expect(rows).toHaveLength(ACCOUNTS);
    expect(new Set(rows.map((r) => r.id)).size).toBe(ACCOUNTS);
    expect([...rows.map((r) => r.id)].sort()).toEqual(rows.map((r) => r.id));
    const seven = rows.find((r) => r.externalId === 'EX-7')!;
    expect(seven).toMatchObject({ name: 'Export, Co 7', segment: 'retail', status: 'enrolled' });
    // A formula in a cell is prefixed so that a spreadsheet shows it as text.
    expect(rows.find((r) => r.externalId === 'EX-0')!.segment).toBe("'=cmd()");
    expect(rows.some((r) => r.externalId === 'THEIRS')).toBe(false);
  });

  it('events: from and to are local dates on occurredAt, to included', async () => {
    const march = await csv(p, '/v1/exports/events?from=2026-03-01&to=2026-03-31');
    expect(march.map((r) => r.externalId)).toEqual(['e1']);
    const april = await csv(p, '/v1/exports/events?from=2026-04-01');
    expect(april.map((r) => r.externalId)).toEqual(['e2', 'e3']);
    expect(april[0]).toMatchObject({
      type: 'purchase',
      amount: '12.50',
      baseCurrency: 'EUR',
      baseAmountMinor: '1250',
    });
    expect((await csv(other, '/v1/exports/events')).map((r) => r.externalId)).toEqual(['o1']);
  });

  it('ledger entries, redemptions and survey answers have their headers even when empty', async () => {
    const credit = await p.send(p.write, {
      method: 'POST',
      url: '/v1/ledger/credits',
      headers: { 'idempotency-key': 'x-1' },
      payload: { account: 'EX-2', amount: 40, reasonCode: 'bonus', explanation: 'Thanks; "really"' },
    });
    expect(credit.statusCode, credit.body).toBe(201);
    const entries = await csv(p, '/v1/exports/ledger-entries');
    expect(entries.find((e) => e.id === json(credit).id)).toMatchObject({
      amount: '40',
      type: 'earn',
      explanation: 'Thanks; "really"',
    });
    const r = await p.send(p.read, { method: 'GET', url: '/v1/exports/redemptions' });
    expect(r.body.split('\n')[0]).toBe(
      'id,rewardId,accountId,contactId,status,unit,amount,requestedBy,holdEntryId,settleEntryId,refundEntryId,note,reason,createdAt,updatedAt',
    );
    const answers = await p.send(p.read, { method: 'GET', url: '/v1/exports/survey-answers?to=2026-12-31' });
    expect(answers.body).toBe('id,surveyId,accountId,contactId,score,comment,locale,via,answeredAt\n');
  });

  it('bad input is a 400 naming the field', async () => {
    const kind = await p.send(p.read, { method: 'GET', url: '/v1/exports/wallets' });
    expect(kind.statusCode).toBe(404);
    const period = await p.send(p.read, {
      method: 'GET',
      url: '/v1/exports/events?from=2026-05-01&to=2026-04-01',
    });
    expect(period.statusCode).toBe(400);
    expect(json(period).errors.map((e: { path: string }) => e.path)).toEqual(['/query/to']);
    expect((await api.app.inject({ method: 'GET', url: '/v1/exports/accounts' })).statusCode).toBe(401);
  });
});
