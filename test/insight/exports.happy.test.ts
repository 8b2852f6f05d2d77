// Streaming CSV exports: every row of the program (and no other program's), in pages of 1,000,
// filtered by local dates on each row's own instant; bad input names its field.
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it, vi } from 'vitest';
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
    expect(answers.body).toBe(
      'id,surveyId,accountId,contactId,score,comment,responses,locale,via,answeredAt\n',
    );
  });

  it('bad input is a 400 naming the field', async () => {
    const kind = await p.send(p.read, { method: 'GET', url: '/v1/exports/balances' });
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

describe('contacts, postings and wallets as of a date', () => {
  const ORDERS = [
    ['w1', 'EX-5', '2026-03-10T10:00:00Z', '100.00'],
    ['w2', 'EX-5', '2026-05-10T10:00:00Z', '50.00'],
    ['w3', 'EX-6', '2026-04-10T10:00:00Z', '30.00'],
  ] as const;

  beforeAll(async () => {
    await p.rule({
      name: 'A point a euro',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    });
    // Each order is sent (and its points written to the journal) at the instant it occurred.
    try {
      for (const [id, account, occurredAt, amount] of ORDERS) {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(new Date(occurredAt));
        await p.ingested({ id, type: 'purchase', account, occurredAt, amount, currency: 'EUR' });
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('wallets: the balance as of the end of `to` (local), or now with holds, pending and debt', async () => {
    const points = (rows: Array<Record<string, string>>, account: string) =>
      rows.filter((r) => r.accountId === account && r.unit === 'points');
    const id = async (ext: string) =>
      json(await p.send(p.read, { method: 'GET', url: `/v1/accounts/${ext}` })).id as string;
    const [five, six] = [await id('EX-5'), await id('EX-6')];
    // Points earned by the orders sent, summed here: 1 a euro, effective when each order occurred.
    const earned = (account: string, endIso: string) =>
      ORDERS.filter(([, a, at]) => a === account && at < endIso).reduce(
        (s, [, , , amount]) => s + Number.parseInt(amount, 10),
        0,
      );
    const march = await csv(p, '/v1/exports/wallets?to=2026-03-31');
    expect(points(march, five).map((r) => r.balance)).toEqual([
      String(earned('EX-5', '2026-03-31T22:00:00Z')),
    ]);
    expect(points(march, six).map((r) => r.balance)).toEqual(['0']);
    expect(points(march, five)[0]).toMatchObject({
      held: '',
      pending: '',
      debt: '',
      asOf: '2026-03-31T22:00:00.000Z',
    });
    const now = await csv(p, '/v1/exports/wallets');
    for (const [ext, account] of [
      ['EX-5', five],
      ['EX-6', six],
    ] as const) {
      const fromApi = (await p.wallets(ext)).map((w) => [
        w.unit,
        String(w.available + w.held),
        String(w.held),
        String(w.pending),
        String(w.debt),
      ]);
      const fromCsv = now
        .filter((r) => r.accountId === account)
        .map((r) => [r.unit, r.balance, r.held, r.pending, r.debt]);
      expect(fromCsv).toEqual(fromApi);
      expect(fromCsv[0]![1]).toBe(String(earned(ext, '9999')));
    }
    const from = await p.send(p.read, { method: 'GET', url: '/v1/exports/wallets?from=2026-01-01' });
    expect(from.statusCode).toBe(400);
    expect(json(from).errors[0].path).toBe('/query/from');
  });

  it("postings: every entry's postings balance to zero; a period selects on the posting's instant", async () => {
    const postings = await csv(p, '/v1/exports/ledger-postings');
    const entries = await csv(p, '/v1/exports/ledger-entries');
    const sums = new Map<string, number>();
    for (const r of postings)
      sums.set(`${r.entryId} ${r.unit}`, (sums.get(`${r.entryId} ${r.unit}`) ?? 0) + Number(r.amount));
    expect([...sums.values()].every((v) => v === 0)).toBe(true);
    expect(new Set(postings.map((r) => r.entryId))).toEqual(new Set(entries.map((e) => e.id)));
    expect(postings.map((r) => r.id)).toEqual(postings.map((r) => `${r.entryId}/${r.seq}`));
    // Pages of 3 cross the boundaries inside entries (two postings each): the same rows, none twice.
    let text = '';
    for await (const chunk of await api.services.insight.exportCsv(p.id, 'ledger-postings', {}, undefined, 3))
      text += chunk;
    expect(parse(text, { columns: true })).toEqual(postings);
    expect(postings.length).toBeGreaterThan(6);
    const may = await csv(p, '/v1/exports/ledger-postings?from=2026-05-01&to=2026-05-31');
    const member = may.filter((r) => r.accountId !== '');
    expect(member.map((r) => [r.amount, r.entryType, r.unit])).toEqual([['50', 'earn', 'points']]);
    expect(may).toHaveLength(2);
  });

  it('contacts: every contact of the program with its opt-ins', async () => {
    const made = await p.send(p.write, {
      method: 'POST',
      url: '/v1/accounts/EX-5/contacts',
      payload: { email: 'buyer@ex5.example', name: 'Bea Buyer', role: 'buyer', statementOptIn: true },
    });
    expect(made.statusCode, made.body).toBe(201);
    const rows = await csv(p, '/v1/exports/contacts');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: json(made).id,
      email: 'buyer@ex5.example',
      name: 'Bea Buyer',
      role: 'buyer',
      statementOptIn: 'true',
      marketingOptIn: 'false',
    });
    expect(await csv(other, '/v1/exports/contacts')).toEqual([]);
  });
});
