// Returns through the API: a return takes back exactly the share of what the original event earned
// (points and cashback, posted or still pending) that its amount is of the original amount, never
// more; spent points follow the program's clawback policy; bad references get precise codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type EventView, json, newProgram, type Program, purchase } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

/** A program awarding 1 point per EUR and 5% cashback on purchases. */
async function shop(settings: Record<string, object> = {}, pendingDays?: number): Promise<Program> {
  const p = await newProgram(api, settings);
  await p.account('ACME', { segment: 'hospitality' });
  await p.account('BETA', { segment: 'retail' });
  await p.rule({
    name: 'Points per EUR',
    trigger: { types: ['purchase'] },
    effects: [{ kind: 'per_amount', points: '1', per: '1' }],
    ...(pendingDays === undefined ? {} : { pendingDays }),
  });
  await p.rule({
    name: 'Cashback 5%',
    trigger: { types: ['purchase'] },
    effects: [{ kind: 'percent', percent: '5', as: 'cashback' }],
    ...(pendingDays === undefined ? {} : { pendingDays }),
  });
  return p;
}

const returnOf = (id: string, original: string, amount?: string, extra: object = {}) => ({
  id,
  type: 'return',
  account: 'ACME',
  occurredAt: '2026-04-10T10:00:00Z',
  ...(amount === undefined ? {} : { amount, currency: 'EUR' }),
  references: { originalEventId: original },
  ...extra,
});

const taken = (e: EventView) =>
  Object.fromEntries(e.result.reversals.map((r) => [r.kind, [r.amount, r.how, r.writtenOff]]));

async function balances(p: Program, account = 'ACME') {
  const points = await p.wallet(account, 'points');
  const cash = await p.wallet(account, 'EUR');
  return { points: points?.available ?? 0, cash: cash?.available ?? 0 };
}

describe('returns of posted awards', () => {
  it('reverses exactly half of an order: points and cashback', async () => {
    const p = await shop();
    const order = await p.ingested(purchase('o-1', 'ACME', '2026-04-01T10:00:00Z', '200.00'));
    expect(order.result.totals).toEqual({ points: 200, cashback: 1000, tierCredits: 0 });
    expect(await balances(p)).toEqual({ points: 200, cash: 1000 });

    const ret = await p.ingested(returnOf('r-1', 'o-1', '100.00'));
    expect(ret.originalEventId).toBe(order.internalId);
    expect(ret.result.rules).toEqual([]);
    expect(ret.result.awards).toEqual([]);
    expect(ret.result.totals).toEqual({ points: -100, cashback: -500, tierCredits: 0 });
    expect(taken(ret)).toEqual({ points: [100, 'reversed', 0], cashback: [500, 'reversed', 0] });
    expect(ret.result.notes).toEqual([]);
    expect(await balances(p)).toEqual({ points: 100, cash: 500 });
    // The reversal is a ledger entry linked to the credit it takes back.
    const reversal = ret.result.reversals.find((r) => r.kind === 'points')!;
    const entry = json(
      await p.send(p.read, { method: 'GET', url: `/v1/ledger/entries/${reversal.entryId}` }),
    ).entry;
    expect(entry).toMatchObject({
      type: 'reverse',
      amount: 100,
      reasonCode: 'return',
      relatedEntryId: order.result.awards.find((a) => a.kind === 'points')!.entryId,
    });
    expect(await api.services.ledger.verify(p.id)).toEqual([]);
  });

  it('takes back exactly the whole award over partial returns that add up to the order, never more', async () => {
    const p = await shop();
    const order = await p.ingested(purchase('o-2', 'ACME', '2026-04-01T10:00:00Z', '99.99'));
    // 99 points, 5% of 99.99 = 4.9995 → 499 cents.
    expect(order.result.totals).toEqual({ points: 99, cashback: 499, tierCredits: 0 });
    const first = await p.ingested(returnOf('r-2a', 'o-2', '33.33'));
    // A third of the order: 33 of 99 points, 166 of 499 cents (rounded down).
    expect(taken(first)).toEqual({ points: [33, 'reversed', 0], cashback: [166, 'reversed', 0] });
    const second = await p.ingested(returnOf('r-2b', 'o-2', '66.66'));
    expect(taken(second)).toEqual({ points: [66, 'reversed', 0], cashback: [333, 'reversed', 0] });
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
    // Anything more finds nothing left.
    const third = await p.ingested(returnOf('r-2c', 'o-2', '0.01'));
    expect(third.result.reversals).toEqual([]);
    expect(third.result.totals).toEqual({ points: 0, cashback: 0, tierCredits: 0 });
    expect(third.result.notes).toEqual([
      'the return (0.01) is more than what was left of event o-2 (0.00); only that is taken back',
    ]);
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
  });

  it('rounds each partial return so that the returns together take back the award exactly', async () => {
    const p = await shop();
    await p.ingested(purchase('o-3', 'ACME', '2026-04-01T10:00:00Z', '10.00'));
    const points: number[] = [];
    const cash: number[] = [];
    for (const [i, amount] of ['3.33', '3.33', '3.34'].entries()) {
      const r = await p.ingested(returnOf(`r-3-${i}`, 'o-3', amount));
      points.push(-r.result.totals.points);
      cash.push(-r.result.totals.cashback);
    }
    expect(points).toEqual([3, 3, 4]);
    expect(cash).toEqual([16, 17, 17]);
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
  });

  it('takes back only what is left when a return is larger than the rest of the order', async () => {
    const p = await shop();
    await p.ingested(purchase('o-4', 'ACME', '2026-04-01T10:00:00Z', '100.00'));
    const first = await p.ingested(returnOf('r-4a', 'o-4', '60.00'));
    expect(taken(first)).toEqual({ points: [60, 'reversed', 0], cashback: [300, 'reversed', 0] });
    const second = await p.ingested(returnOf('r-4b', 'o-4', '60.00'));
    expect(taken(second)).toEqual({ points: [40, 'reversed', 0], cashback: [200, 'reversed', 0] });
    expect(second.result.notes).toEqual([
      'the return (60.00) is more than what was left of event o-4 (40.00); only that is taken back',
    ]);
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
  });

  it('takes back the share of an order in another currency, in that currency', async () => {
    const p = await shop();
    await p.send(p.admin, {
      method: 'POST',
      url: '/v1/fx-rates',
      payload: {
        rates: [
          { currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' },
          { currency: 'USD', rate: '0.5', effectiveFrom: '2026-04-05' },
        ],
      },
    });
    const order = await p.ingested(
      purchase('o-usd', 'ACME', '2026-04-01T10:00:00Z', '100.00', { currency: 'USD' }),
    );
    expect(order.result.totals).toEqual({ points: 90, cashback: 450, tierCredits: 0 });
    // A quarter of the order, whatever the rate on the day of the return.
    const ret = await p.ingested(returnOf('r-usd', 'o-usd', '25.00', { currency: 'USD' }));
    expect(taken(ret)).toEqual({ points: [22, 'reversed', 0], cashback: [112, 'reversed', 0] });
    expect(await balances(p)).toEqual({ points: 68, cash: 338 });
  });

  it('returns an event without an amount whole', async () => {
    const p = await newProgram(api);
    await p.account('ACME');
    await p.rule({
      name: 'Survey',
      trigger: { types: ['survey.completed'] },
      effects: [{ kind: 'fixed', points: 50 }],
    });
    await p.ingested({
      id: 'sv-1',
      type: 'survey.completed',
      account: 'ACME',
      occurredAt: '2026-04-01T10:00:00Z',
    });
    const ret = await p.ingested(returnOf('r-sv', 'sv-1'));
    expect(taken(ret)).toEqual({ points: [50, 'reversed', 0] });
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
    const again = await p.ingested(returnOf('r-sv2', 'sv-1'));
    expect(again.result.reversals).toEqual([]);
    expect(again.result.notes).toEqual(['event sv-1 was already returned']);
    // An amount cannot be returned of an event that had none.
    const partial = await p.ingest(returnOf('r-sv3', 'sv-1', '1.00'));
    expect(partial.statusCode).toBe(422);
    expect(json(partial)).toMatchObject({ code: 'return_not_allowed', errors: [{ path: '/body/currency' }] });
  });
});

describe('returns in a batch and returns of items', () => {
  it('takes back its share when the return comes in the same batch as its order', async () => {
    const p = await shop();
    const res = await p.send(p.write, {
      method: 'POST',
      url: '/v1/events/batch',
      payload: {
        events: [
          purchase('o-b1', 'ACME', '2026-04-01T10:00:00Z', '40.00'),
          returnOf('r-b1', 'o-b1', '10.00'),
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [order, ret] = json(res).results;
    expect(order).toMatchObject({ ok: true, event: { result: { totals: { points: 40, cashback: 200 } } } });
    expect(ret, JSON.stringify(ret)).toMatchObject({ ok: true });
    expect(taken(ret.event)).toEqual({ points: [10, 'reversed', 0], cashback: [50, 'reversed', 0] });
    expect(ret.event.originalEventId).toBe(order.event.internalId);
    expect(await balances(p)).toEqual({ points: 30, cash: 150 });
    // Replayed, the batch answers the same.
    const again = json(
      await p.send(p.write, {
        method: 'POST',
        url: '/v1/events/batch',
        payload: {
          events: [
            purchase('o-b1', 'ACME', '2026-04-01T10:00:00Z', '40.00'),
            returnOf('r-b1', 'o-b1', '10.00'),
          ],
        },
      }),
    ).results;
    expect(again.map((r: { replayed: boolean }) => r.replayed)).toEqual([true, true]);
    expect(again[1].event).toEqual(ret.event);
    expect(await balances(p)).toEqual({ points: 30, cash: 150 });
  });

  it('refuses a return whose original comes later in the batch, and keeps the rest', async () => {
    const p = await shop();
    const res = await p.send(p.write, {
      method: 'POST',
      url: '/v1/events/batch',
      payload: {
        events: [
          returnOf('r-b2', 'o-b2', '10.00'),
          purchase('o-b2', 'ACME', '2026-04-01T10:00:00Z', '40.00'),
        ],
      },
    });
    const [ret, order] = json(res).results;
    expect(ret).toMatchObject({ ok: false, id: 'r-b2', code: 'original_event_not_found' });
    expect(order).toMatchObject({ ok: true });
    expect(await balances(p)).toEqual({ points: 40, cash: 200 });
  });

  it('takes back only the returned items’ share when a return lists items without a total', async () => {
    const p = await shop();
    await p.ingested({
      ...purchase('o-i1', 'ACME', '2026-04-01T10:00:00Z', '300.00'),
      items: [
        { sku: 'A', amount: '100.00' },
        { sku: 'B', amount: '200.00' },
      ],
    });
    // One item of 100.00 out of 300.00 comes back: a third, not the whole order.
    const ret = await p.ingested({ ...returnOf('r-i1', 'o-i1'), items: [{ sku: 'A', amount: '100.00' }] });
    expect(taken(ret)).toEqual({ points: [100, 'reversed', 0], cashback: [500, 'reversed', 0] });
    expect(await balances(p)).toEqual({ points: 200, cash: 1000 });
  });
});

describe('returns of pending awards', () => {
  it('cancels the returned share of a pending award and keeps the rest pending until the same date', async () => {
    const p = await shop({}, 30);
    const order = await p.ingested(purchase('o-5', 'ACME', '2026-06-01T10:00:00Z', '300.00'));
    expect(order.result.awards.map((a) => [a.kind, a.amount, a.pendingUntil])).toEqual([
      ['points', 300, '2026-07-01T10:00:00.000Z'],
      ['cashback', 1500, '2026-07-01T10:00:00.000Z'],
    ]);
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, pending: 300 });

    const ret = await p.ingested(returnOf('r-5a', 'o-5', '100.00', { occurredAt: '2026-06-10T10:00:00Z' }));
    expect(taken(ret)).toEqual({ points: [100, 'voided_pending', 0], cashback: [500, 'voided_pending', 0] });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, pending: 200 });
    expect(await p.wallet('ACME', 'EUR')).toMatchObject({ available: 0, pending: 1000 });
    const pendingLines = json(
      await p.send(p.read, { method: 'GET', url: '/v1/accounts/ACME/wallets/points/history' }),
    ).data.filter((l: { phase: string }) => l.phase === 'pending');
    expect(
      pendingLines.map((l: { requested: number; pendingUntil: string }) => [l.requested, l.pendingUntil]),
    ).toEqual([
      [200, '2026-07-01T10:00:00.000Z'],
      [300, '2026-07-01T10:00:00.000Z'],
    ]);

    // The rest is posted when the pending period ends…
    expect((await api.services.ledger.runDue(p.id, new Date('2026-06-30T10:00:00Z'))).posted).toBe(0);
    expect((await api.services.ledger.runDue(p.id, new Date('2026-07-01T10:00:00Z'))).posted).toBe(2);
    expect(await balances(p)).toEqual({ points: 200, cash: 1000 });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ pending: 0 });
    // …and a later return takes its share from the posted rest.
    const later = await p.ingested(returnOf('r-5b', 'o-5', '200.00', { occurredAt: '2026-07-05T10:00:00Z' }));
    expect(taken(later)).toEqual({ points: [200, 'reversed', 0], cashback: [1000, 'reversed', 0] });
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
    expect(await api.services.ledger.verify(p.id)).toEqual([]);
  });

  it('re-pends what is left after each of several returns while still pending', async () => {
    const p = await shop({}, 30);
    await p.ingested(purchase('o-5b', 'ACME', '2026-06-01T10:00:00Z', '300.00'));
    const first = await p.ingested(
      returnOf('r-5c', 'o-5b', '100.00', { occurredAt: '2026-06-05T10:00:00Z' }),
    );
    expect(taken(first)).toEqual({
      points: [100, 'voided_pending', 0],
      cashback: [500, 'voided_pending', 0],
    });
    const second = await p.ingested(
      returnOf('r-5d', 'o-5b', '50.00', { occurredAt: '2026-06-06T10:00:00Z' }),
    );
    expect(taken(second)).toEqual({
      points: [50, 'voided_pending', 0],
      cashback: [250, 'voided_pending', 0],
    });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, pending: 150 });
    expect(await p.wallet('ACME', 'EUR')).toMatchObject({ available: 0, pending: 750 });
    expect((await api.services.ledger.runDue(p.id, new Date('2026-07-01T10:00:00Z'))).posted).toBe(2);
    expect(await balances(p)).toEqual({ points: 150, cash: 750 });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ pending: 0, lifetime: { earned: 150 } });
    const rest = await p.ingested(
      returnOf('r-5e', 'o-5b', undefined, { occurredAt: '2026-07-02T10:00:00Z' }),
    );
    expect(taken(rest)).toEqual({ points: [150, 'reversed', 0], cashback: [750, 'reversed', 0] });
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
    expect(await api.services.ledger.verify(p.id)).toEqual([]);
  });

  it('voids a pending award whole when the whole order is returned', async () => {
    const p = await shop({}, 30);
    await p.ingested(purchase('o-6', 'ACME', '2026-06-01T10:00:00Z', '80.00'));
    const ret = await p.ingested(returnOf('r-6', 'o-6'));
    expect(taken(ret)).toEqual({ points: [80, 'voided_pending', 0], cashback: [400, 'voided_pending', 0] });
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, pending: 0 });
    expect(await api.services.ledger.runDue(p.id, new Date('2026-08-01T00:00:00Z'))).toEqual({
      expired: 0,
      posted: 0,
      voided: 0,
    });
    expect(await balances(p)).toEqual({ points: 0, cash: 0 });
  });
});

describe('returns after the points were spent', () => {
  async function spent(clawback: 'negative' | 'write_off') {
    const p = await shop({ ledger: { clawback } });
    await p.ingested(purchase('o-7', 'ACME', '2026-04-01T10:00:00Z', '100.00'));
    await api.services.ledger.debit(p.id, {
      key: 'spend-1',
      account: 'ACME',
      amount: 80,
      reasonCode: 'gift',
      explanation: 'Gift card',
    });
    expect(await balances(p)).toEqual({ points: 20, cash: 500 });
    return p;
  }

  it('leaves a debt in the wallet under the negative clawback policy', async () => {
    const p = await spent('negative');
    const ret = await p.ingested(returnOf('r-7', 'o-7'));
    expect(taken(ret)).toEqual({ points: [100, 'reversed', 0], cashback: [500, 'reversed', 0] });
    expect(ret.result.notes).toEqual([]);
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, debt: 80, net: -80 });
    // Later earnings settle the debt first.
    await p.ingested(purchase('o-8', 'ACME', '2026-04-11T10:00:00Z', '100.00'));
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 20, debt: 0, net: 20 });
    expect(await api.services.ledger.verify(p.id)).toEqual([]);
  });

  it('writes the spent part off under the write_off policy, and records it', async () => {
    const p = await spent('write_off');
    const ret = await p.ingested(returnOf('r-7', 'o-7'));
    expect(taken(ret)).toEqual({ points: [100, 'reversed', 80], cashback: [500, 'reversed', 0] });
    expect(ret.result.notes).toEqual([
      '80 points were already spent and written off (program clawback policy)',
    ]);
    expect(await p.wallet('ACME', 'points')).toMatchObject({ available: 0, debt: 0, net: 0 });
    const reversal = ret.result.reversals.find((r) => r.kind === 'points')!;
    const entry = json(
      await p.send(p.read, { method: 'GET', url: `/v1/ledger/entries/${reversal.entryId}` }),
    ).entry;
    expect(entry).toMatchObject({ type: 'reverse', amount: 100, writtenOff: 80 });
    expect(await api.services.ledger.verify(p.id)).toEqual([]);
  });
});

describe('returns that cannot be', () => {
  it('refuses bad references with precise codes and writes nothing', async () => {
    const p = await shop();
    await p.send(p.admin, {
      method: 'POST',
      url: '/v1/fx-rates',
      payload: { rates: [{ currency: 'USD', rate: '0.9', effectiveFrom: '2026-01-01' }] },
    });
    await p.ingested(purchase('o-9', 'ACME', '2026-04-01T10:00:00Z', '100.00'));
    await p.ingested(returnOf('r-9', 'o-9', '10.00'));
    const before = { counts: await p.counts(), acme: await balances(p), beta: await balances(p, 'BETA') };
    expect(before.acme).toEqual({ points: 90, cash: 450 });

    const cases: Array<[object, number, string, string]> = [
      [
        returnOf('x-1', 'no-such-order', '10.00'),
        422,
        'original_event_not_found',
        '/body/references/originalEventId',
      ],
      [returnOf('x-2', 'o-9', '10.00', { account: 'BETA' }), 422, 'return_not_allowed', '/body/account'],
      [returnOf('x-3', 'r-9', '1.00'), 422, 'return_not_allowed', '/body/references/originalEventId'],
      [returnOf('x-4', 'o-9', '10.00', { currency: 'USD' }), 422, 'return_not_allowed', '/body/currency'],
      [
        { ...returnOf('x-5', 'o-9', '10.00'), references: {} },
        400,
        'validation_failed',
        '/body/references/originalEventId',
      ],
      [returnOf('x-6', 'o-9', '10.001'), 422, 'amount_precision', '/body/amount'],
    ];
    for (const [event, status, code, path] of cases) {
      const res = await p.ingest(event);
      const context = `${JSON.stringify(event)} → ${res.body}`;
      expect(res.statusCode, context).toBe(status);
      expect(json(res).code, context).toBe(code);
      expect(json(res).errors, context).toContainEqual(expect.objectContaining({ path }));
    }
    // The return names the event by our id just as well, and the other checks are the same.
    const order = json(await p.send(p.read, { method: 'GET', url: '/v1/events/o-9' }));
    const byOurId = await p.ingest(returnOf('x-7', order.internalId, '10.00', { account: 'BETA' }));
    expect(json(byOurId).code).toBe('return_not_allowed');

    expect(await p.counts()).toEqual(before.counts);
    expect(await balances(p)).toEqual(before.acme);
    expect(await balances(p, 'BETA')).toEqual(before.beta);
    for (const id of ['x-1', 'x-2', 'x-3', 'x-4', 'x-5', 'x-6', 'x-7'])
      expect((await p.send(p.read, { method: 'GET', url: `/v1/events/${id}` })).statusCode).toBe(404);
  });
});
