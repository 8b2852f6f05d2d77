// Bad input to the events API: each gets a precise code (and a path into the request) and writes
// nothing: no event, no award, no ledger entry, no balance change. Batches replay exactly and fail
// event by event; simulation evaluates drafts and writes nothing. Bad rules: test/rules.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EventView, json, newProgram, type Program, purchase } from './helpers.ts';

let api: TestApi;
let p: Program;

const AT = '2026-04-01T10:00:00Z';
const POINTS_PER_EUR = {
  name: 'Per EUR',
  trigger: { types: ['purchase'] },
  effects: [{ kind: 'per_amount', points: '1', per: '1' }],
};

beforeAll(async () => {
  api = await testApi();
  p = await newProgram(api);
  await p.account('ACME', { segment: 'hospitality' });
  await p.account('BETA', { segment: 'retail' });
  await p.rule(POINTS_PER_EUR);
  await p.send(p.admin, {
    method: 'POST',
    url: '/v1/fx-rates',
    payload: {
      rates: [
        { currency: 'JPY', rate: '0.0062', effectiveFrom: '2026-01-01' },
        { currency: 'USD', rate: '0.9', effectiveFrom: '2026-03-01' },
      ],
    },
  });
});

/** What an error must leave alone: the tables and ACME's balance. */
async function state(program = p) {
  return { counts: await program.counts(), acme: await program.wallets('ACME') };
}

async function expectRefused(
  event: Record<string, unknown>,
  status: number,
  code: string,
  path: string,
): Promise<Record<string, unknown>> {
  const before = await state();
  const res = await p.ingest(event);
  const context = `${JSON.stringify(event)} → ${res.body}`;
  expect(res.statusCode, context).toBe(status);
  expect(res.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  const body = json(res);
  expect(body.code, context).toBe(code);
  expect(body.errors, context).toContainEqual(expect.objectContaining({ path }));
  expect(await state(), context).toEqual(before);
  const stored = await p.send(p.read, {
    method: 'GET',
    url: `/v1/events/${encodeURIComponent(String(event.id))}`,
  });
  expect(stored.statusCode, context).toBe(404);
  expect(json(stored).code).toBe('event_not_found');
  return body;
}

describe('a bad event is refused precisely and writes nothing', () => {
  it('unknown account: 404 account_not_found', async () => {
    const body = await expectRefused(
      purchase('e-1', 'NOBODY', AT, '10.00'),
      404,
      'account_not_found',
      '/body/account',
    );
    expect(body.detail).toContain('NOBODY');
    // Not even a prospect: the program rejects unknown accounts by default.
    expect((await p.send(p.read, { method: 'GET', url: '/v1/accounts/NOBODY' })).statusCode).toBe(404);
  });

  it('a currency that is no ISO 4217 code: 422 currency_unsupported', async () => {
    await expectRefused(
      purchase('e-2', 'ACME', AT, '10.00', { currency: 'XYZ' }),
      422,
      'currency_unsupported',
      '/body/currency',
    );
    // Not even the shape of one: the schema refuses it.
    await expectRefused(
      purchase('e-2b', 'ACME', AT, '10.00', { currency: 'usd' }),
      400,
      'validation_failed',
      '/body/currency',
    );
  });

  it('no FX rate in force at occurredAt: 422 fx_rate_missing', async () => {
    // GBP has no rate at all; USD only from March.
    await expectRefused(
      purchase('e-3', 'ACME', AT, '10.00', { currency: 'GBP' }),
      422,
      'fx_rate_missing',
      '/body/currency',
    );
    const body = await expectRefused(
      purchase('e-3b', 'ACME', '2026-02-15T10:00:00Z', '10.00', { currency: 'USD' }),
      422,
      'fx_rate_missing',
      '/body/currency',
    );
    expect(body.detail).toContain('USD');
  });

  it('more decimals than the currency has: 422 amount_precision', async () => {
    await expectRefused(purchase('e-4', 'ACME', AT, '10.123'), 422, 'amount_precision', '/body/amount');
    await expectRefused(
      purchase('e-4b', 'ACME', AT, '10.5', { currency: 'JPY' }),
      422,
      'amount_precision',
      '/body/amount',
    );
    await expectRefused(
      { ...purchase('e-4c', 'ACME', AT, '10.00'), items: [{ sku: 'A', quantity: 3, unitPrice: '0.333' }] },
      422,
      'amount_precision',
      '/body/items/0/unitPrice',
    );
    await expectRefused(
      { ...purchase('e-4d', 'ACME', AT, '10.00'), items: [{ sku: 'A' }, { sku: 'B', amount: '1.001' }] },
      422,
      'amount_precision',
      '/body/items/1/amount',
    );
    // Trailing zeros are no extra precision.
    const fine = await p.ingested(purchase('e-4e', 'ACME', AT, '10.120'));
    expect(fine).toMatchObject({ amount: '10.12', baseAmount: '10.12' });
    expect(fine.result.totals.points).toBe(10);
  });

  it('an event too far in the future: 422 event_in_future, within the allowance it is accepted', async () => {
    const soon = new Date(Date.now() + 2 * 60_000).toISOString();
    const later = new Date(Date.now() + 10 * 60_000).toISOString();
    const body = await expectRefused(
      purchase('e-5', 'ACME', later, '10.00'),
      422,
      'event_in_future',
      '/body/occurredAt',
    );
    expect(body.detail).toContain('5 minutes');
    expect((await p.ingest(purchase('e-5b', 'ACME', soon, '10.00'))).statusCode).toBe(201);
    // A program that allows more clock skew.
    const q = await newProgram(api, { events: { maxFutureMinutes: 60 } });
    await q.account('ACME');
    expect((await q.ingest(purchase('e-5', 'ACME', later, '10.00'))).statusCode).toBe(201);
  });

  it('the same id with other content: 422 event_id_reused; the same content replays the first answer', async () => {
    const first = await p.ingested(purchase('e-6', 'ACME', AT, '20.00'));
    const before = await state();
    const reused = await p.ingest(purchase('e-6', 'ACME', AT, '21.00'));
    expect(reused.statusCode).toBe(422);
    expect(json(reused)).toMatchObject({ code: 'event_id_reused', errors: [{ path: '/body/id' }] });
    // Same content, keys in another order: a replay, answering the first result.
    const replay = await p.ingest({
      amount: '20.00',
      currency: 'EUR',
      occurredAt: AT,
      account: 'ACME',
      type: 'purchase',
      id: 'e-6',
    });
    expect(replay.statusCode).toBe(200);
    expect(json(replay)).toEqual(first);
    expect(await state()).toEqual(before);
  });

  it('unknown event type and unknown contact', async () => {
    await expectRefused(
      { ...purchase('e-7', 'ACME', AT, '1.00'), type: 'teleport.used' },
      422,
      'event_type_unknown',
      '/body/type',
    );
    await expectRefused(
      { ...purchase('e-8', 'ACME', AT, '1.00'), contact: 'con_nobody' },
      404,
      'contact_not_found',
      '/body/contact',
    );
    // A contact of another account is not this account's.
    const contact = json(
      await p.send(p.write, {
        method: 'POST',
        url: '/v1/accounts/BETA/contacts',
        payload: { email: 'b@beta.example' },
      }),
    );
    await expectRefused(
      { ...purchase('e-9', 'ACME', AT, '1.00'), contact: contact.id },
      404,
      'contact_not_found',
      '/body/contact',
    );
  });

  it('schema errors: unknown properties, negative amounts, bad dates', async () => {
    await expectRefused(
      { ...purchase('e-10', 'ACME', AT, '1.00'), colour: 'red' },
      400,
      'validation_failed',
      '/body/colour',
    );
    await expectRefused(purchase('e-11', 'ACME', AT, '-1.00'), 400, 'validation_failed', '/body/amount');
    await expectRefused(
      purchase('e-12', 'ACME', '2026-02-30T10:00:00Z', '1.00'),
      400,
      'validation_failed',
      '/body/occurredAt',
    );
  });

  it('creates no prospect for an event that is refused, even when the program creates prospects', async () => {
    const q = await newProgram(api, { events: { unknownAccount: 'create_prospect' } });
    await q.account('ACME');
    const res = await q.ingest({ ...purchase('e-13', 'NEW-7', AT, '1.00'), contact: 'con_nobody' });
    expect(res.statusCode).toBe(404);
    expect(json(res).code).toBe('contact_not_found');
    // A return of another account's event, from a reference the program does not know yet.
    await q.ingested(purchase('e-14', 'ACME', AT, '5.00'));
    const ret = await q.ingest({
      id: 'e-15',
      type: 'return',
      account: 'NEW-8',
      occurredAt: AT,
      references: { originalEventId: 'e-14' },
    });
    expect(ret.statusCode).toBe(422);
    expect(json(ret).code).toBe('return_not_allowed');
    const accounts = json(await q.send(q.read, { method: 'GET', url: '/v1/accounts' })).data;
    expect(accounts.map((a: { externalId: string }) => a.externalId)).toEqual(['ACME']);
  });
});

describe('bad exchange rates are refused whole', () => {
  it('refuses the base currency, a rate of 0 and a date that does not exist, naming each', async () => {
    const q = await newProgram(api);
    const res = await q.send(q.admin, {
      method: 'POST',
      url: '/v1/fx-rates',
      payload: {
        rates: [
          { currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' },
          { currency: 'EUR', rate: '1', effectiveFrom: '2026-01-01' },
          { currency: 'GBP', rate: '0', effectiveFrom: '2026-01-01' },
          { currency: 'CHF', rate: '1.1', effectiveFrom: '2026-02-30' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(json(res).code).toBe('validation_failed');
    expect(json(res).errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/rates/1/currency',
      '/body/rates/2/rate',
      '/body/rates/3/effectiveFrom',
    ]);
    expect(json(await q.send(q.read, { method: 'GET', url: '/v1/fx-rates' })).data).toEqual([]);
  });

  it('refuses one currency given twice for the same start in one request (not a 500)', async () => {
    const q = await newProgram(api);
    const twice = await q.send(q.admin, {
      method: 'POST',
      url: '/v1/fx-rates',
      payload: {
        rates: [
          { currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' },
          { currency: 'USD', rate: '0.91', effectiveFrom: '2026-01-01' },
        ],
      },
    });
    expect(twice.statusCode, twice.body).toBe(400);
    expect(json(twice)).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/rates/1/effectiveFrom' }],
    });
    // In a file: a date and the instant it stands for (local midnight in Amsterdam) are the same start.
    const file = await q.send(q.admin, {
      method: 'POST',
      url: '/v1/fx-rates/import',
      headers: { 'content-type': 'text/csv' },
      payload: 'currency,rate,effectiveFrom\nUSD,0.9,2026-02-01\nUSD,0.92,2026-01-31T23:00:00Z\n',
    });
    expect(file.statusCode, file.body).toBe(422);
    expect(json(file)).toMatchObject({ code: 'import_invalid_rows', errors: [{ line: 3 }] });
    expect(json(await q.send(q.read, { method: 'GET', url: '/v1/fx-rates' })).data).toEqual([]);
  });
});

describe('batches', () => {
  it('replaying a batch with the same ids changes nothing and answers the same results', async () => {
    const q = await newProgram(api);
    await q.account('ACME');
    await q.rule(POINTS_PER_EUR);
    const batch = {
      events: [
        purchase('b-1', 'ACME', AT, '10.00'),
        purchase('b-2', 'NOBODY', AT, '10.00'),
        purchase('b-3', 'ACME', '2026-04-02T10:00:00Z', '25.50'),
      ],
    };
    const send = () => q.send(q.write, { method: 'POST', url: '/v1/events/batch', payload: batch });
    const first = await send();
    expect(first.statusCode, first.body).toBe(200);
    const results = json(first).results;
    expect(
      results.map((r: { ok: boolean; replayed?: boolean; code?: string }) => [r.ok, r.replayed ?? r.code]),
    ).toEqual([
      [true, false],
      [false, 'account_not_found'],
      [true, false],
    ]);
    expect(results[0].event.result.totals.points).toBe(10);
    expect(results[2].event.result.totals.points).toBe(25);
    expect(results[1]).toMatchObject({ id: 'b-2', errors: [{ path: '/body/events/1/account' }] });
    const after = { counts: await q.counts(), acme: await q.wallets('ACME') };
    expect(after.counts.events).toBe(2);
    expect(after.acme[0]).toMatchObject({ available: 35 });

    const again = json(await send()).results;
    expect(again.map((r: { ok: boolean; replayed?: boolean }) => [r.ok, r.replayed])).toEqual([
      [true, true],
      [false, undefined],
      [true, true],
    ]);
    // The same results, apart from saying they are replays.
    const strip = (rs: Array<Record<string, unknown>>) => rs.map(({ replayed: _, ...r }) => r);
    expect(strip(again)).toEqual(strip(results));
    expect({ counts: await q.counts(), acme: await q.wallets('ACME') }).toEqual(after);
    // A single event of the batch replays the same way.
    const single = await q.ingest(batch.events[0]!);
    expect(single.statusCode).toBe(200);
    expect(json(single)).toEqual(results[0].event);
  });

  it('one bad event does not sink the others, and each error names its event', async () => {
    const q = await newProgram(api);
    await q.account('ACME');
    await q.rule(POINTS_PER_EUR);
    await q.ingested(purchase('stored-1', 'ACME', AT, '1.00'));
    const before = await q.counts();
    const res = await q.send(q.write, {
      method: 'POST',
      url: '/v1/events/batch',
      payload: {
        events: [
          purchase('g-1', 'ACME', AT, '10.00'),
          purchase('g-2', 'ACME', AT, '10.001'),
          purchase('g-3', 'ACME', AT, '10.00', { currency: 'GBP' }),
          purchase('stored-1', 'ACME', AT, '2.00'),
          purchase('g-4', 'ACME', AT, '4.00'),
          purchase('g-4', 'ACME', AT, '5.00'),
          purchase('g-5', 'ACME', AT, '7.00'),
          purchase('g-5', 'ACME', AT, '7.00'),
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const results = json(res).results as Array<{
      ok: boolean;
      id?: string;
      code?: string;
      replayed?: boolean;
      errors?: Array<{ path: string }>;
      event?: EventView;
    }>;
    expect(
      results.map((r) => (r.ok ? `ok ${r.event!.id}${r.replayed ? ' replayed' : ''}` : `${r.id} ${r.code}`)),
    ).toEqual([
      'ok g-1',
      'g-2 amount_precision',
      'g-3 fx_rate_missing',
      'stored-1 event_id_reused',
      'ok g-4',
      'g-4 event_id_reused',
      'ok g-5',
      'ok g-5 replayed',
    ]);
    expect(results[1]!.errors).toEqual([expect.objectContaining({ path: '/body/events/1/amount' })]);
    expect(results[5]!.errors).toEqual([expect.objectContaining({ path: '/body/events/5/id' })]);
    expect((await q.counts()).events).toBe(before.events + 3);
    expect((await q.wallet('ACME', 'points'))?.available).toBe(1 + 10 + 4 + 7);
  });

  it('names the event of each error by its index in the batch', async () => {
    const q = await newProgram(api);
    await q.account('ACME');
    await q.ingested(purchase('stored-1', 'ACME', AT, '1.00'));
    const res = await q.send(q.write, {
      method: 'POST',
      url: '/v1/events/batch',
      payload: {
        events: [
          purchase('h-1', 'ACME', AT, '10.00', { currency: 'GBP' }),
          purchase('stored-1', 'ACME', AT, '2.00'),
        ],
      },
    });
    const results = json(res).results;
    expect(results[0]).toMatchObject({
      code: 'fx_rate_missing',
      errors: [{ path: '/body/events/0/currency' }],
    });
    expect(results[1]).toMatchObject({ code: 'event_id_reused', errors: [{ path: '/body/events/1/id' }] });
  });

  it('takes a batch of 1,000 events bigger than the 1 MiB other JSON bodies get, and refuses one over 16 MiB whole', async () => {
    const q = await newProgram(api);
    await q.account('ACME');
    const note = 'x'.repeat(2000);
    const events = Array.from({ length: 1000 }, (_, i) => ({
      ...purchase(`wide-${i}`, 'ACME', AT, '1.00'),
      attributes: { note },
    }));
    expect(JSON.stringify({ events }).length).toBeGreaterThan(2 * 1024 * 1024);
    const res = await q.send(q.write, { method: 'POST', url: '/v1/events/batch', payload: { events } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect((json(res).results as Array<{ ok: boolean }>).every((r) => r.ok)).toBe(true);
    expect((await q.counts()).events).toBe(1000);

    const huge = Array.from({ length: 1000 }, (_, i) => ({
      ...purchase(`huge-${i}`, 'ACME', AT, '1.00'),
      attributes: { note: 'y'.repeat(17_000) },
    }));
    const tooBig = await q.send(q.write, {
      method: 'POST',
      url: '/v1/events/batch',
      payload: { events: huge },
    });
    expect(tooBig.statusCode).toBe(413);
    expect(json(tooBig).code).toBe('payload_too_large');
    expect((await q.counts()).events).toBe(1000);
  });

  it('refuses a batch of more than 1,000 events whole', async () => {
    const q = await newProgram(api);
    await q.account('ACME');
    const events = Array.from({ length: 1001 }, (_, i) => purchase(`big-${i}`, 'ACME', AT, '1.00'));
    const res = await q.send(q.write, { method: 'POST', url: '/v1/events/batch', payload: { events } });
    expect(res.statusCode).toBe(400);
    expect(json(res).code).toBe('validation_failed');
    expect((await q.counts()).events).toBe(0);
  });
});

describe('simulation', () => {
  it('evaluates with the live rules and writes nothing', async () => {
    const before = await state();
    const res = await p.send(p.read, {
      method: 'POST',
      url: '/v1/rules/simulate',
      payload: { events: [purchase('sim-1', 'ACME', AT, '42.50'), purchase('sim-2', 'NOBODY', AT, '1.00')] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [ok, bad] = json(res).results;
    expect(ok).toMatchObject({
      ok: true,
      id: 'sim-1',
      baseCurrency: 'EUR',
      baseAmount: '42.50',
      fxRate: null,
    });
    expect(ok.result.totals).toEqual({ points: 42, cashback: 0, tierCredits: 0 });
    expect(ok.result.awards).toMatchObject([{ amount: 42, entryId: null }]);
    expect(bad).toMatchObject({ ok: false, id: 'sim-2', code: 'account_not_found' });
    expect(await state()).toEqual(before);
    expect((await p.send(p.read, { method: 'GET', url: '/v1/events/sim-1' })).statusCode).toBe(404);
  });

  it('evaluates a draft rule set added to the live rules or replacing them', async () => {
    const before = await state();
    const draft = {
      name: 'Draft double for hospitality',
      trigger: { types: ['purchase'] },
      condition: 'account.segment == "hospitality"',
      effects: [{ kind: 'multiplier', factor: '2' }],
    };
    const bonus = {
      name: 'Draft bonus',
      trigger: { types: ['purchase'] },
      effects: [{ kind: 'fixed', points: 5 }],
    };
    const simulate = async (mode: string) =>
      json(
        await p.send(p.read, {
          method: 'POST',
          url: '/v1/rules/simulate',
          payload: { events: [purchase('sim-3', 'ACME', AT, '100.00')], rules: [draft, bonus], mode },
        }),
      ).results[0];
    const added = await simulate('add');
    expect(added.result.totals.points).toBe(210);
    const triggered = (r: { outcome: string }) => r.outcome !== 'not_triggered';
    expect(
      added.result.rules
        .filter(triggered)
        .map((r: { name: string; outcome: string }) => [r.name, r.outcome])
        .sort(),
    ).toEqual([
      ['Draft bonus', 'awarded'],
      ['Draft double for hospitality', 'multiplier_applied'],
      ['Per EUR', 'awarded'],
    ]);
    const replaced = await simulate('replace');
    expect(replaced.result.totals.points).toBe(10);
    expect(replaced.result.rules.map((r: { name: string }) => r.name).sort()).toEqual([
      'Draft bonus',
      'Draft double for hospitality',
    ]);
    expect(await state()).toEqual(before);
  });

  it('refuses an invalid draft rule with rule_invalid pointing into the drafts', async () => {
    const res = await p.send(p.read, {
      method: 'POST',
      url: '/v1/rules/simulate',
      payload: {
        events: [purchase('sim-4', 'ACME', AT, '1.00')],
        rules: [POINTS_PER_EUR, { ...POINTS_PER_EUR, condition: 'event.nothing > 1.0' }],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(json(res)).toMatchObject({ code: 'rule_invalid', errors: [{ path: '/body/rules/1/condition' }] });
  });

  it('evaluates events that were already ingested, with their contact, and their returns', async () => {
    const q = await newProgram(api);
    await q.account('ACME');
    await q.rule(POINTS_PER_EUR);
    const contact = json(
      await q.send(q.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/contacts',
        payload: { email: 'buyer@acme.example' },
      }),
    );
    const order = { ...purchase('stored-1', 'ACME', AT, '80.00'), contact: contact.id };
    await q.ingested(order);
    const giveBack = {
      id: 'stored-r',
      type: 'return',
      account: 'ACME',
      occurredAt: AT,
      amount: '20.00',
      currency: 'EUR',
      references: { originalEventId: 'stored-1' },
    };
    await q.ingested(giveBack);
    const res = await q.send(q.read, {
      method: 'POST',
      url: '/v1/rules/simulate',
      payload: { events: [order, giveBack] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [again, back] = json(res).results;
    expect(again).toMatchObject({ ok: true, id: 'stored-1' });
    expect(again.result.totals.points).toBe(80);
    expect(back).toMatchObject({ ok: true, id: 'stored-r' });
  });

  it('creates no prospect account, even when the program would for a real event', async () => {
    const q = await newProgram(api, { events: { unknownAccount: 'create_prospect' } });
    const res = await q.send(q.read, {
      method: 'POST',
      url: '/v1/rules/simulate',
      payload: { events: [{ id: 'sim-5', type: 'survey.completed', account: 'NEW-9', occurredAt: AT }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).results[0]).toMatchObject({
      ok: false,
      id: 'sim-5',
      code: 'account_not_found',
      errors: [{ path: '/body/events/0/account' }],
    });
    expect((await q.send(q.read, { method: 'GET', url: '/v1/accounts/NEW-9' })).statusCode).toBe(404);
    expect(json(await q.send(q.read, { method: 'GET', url: '/v1/accounts' })).data).toEqual([]);
  });
});
