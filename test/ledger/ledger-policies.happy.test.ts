// Program policies of the ledger: pooling, expiry, clawback write-off, transfers, refunds, history paging.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/app/compose.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let services: Services;
let n = 0;
const key = () => `p-${++n}`;

beforeAll(async () => {
  api = await testApi();
  services = api.services;
});

async function program(ledger: Record<string, unknown>) {
  const p = await services.programs.create(
    {
      name: 'Policy',
      baseCurrency: 'EUR',
      timeZone: 'Europe/Amsterdam',
      settings: { ledger },
    },
    FIXTURE,
  );
  const group = await services.accounts.create(p.id, { externalId: 'G', name: 'Group' }, FIXTURE);
  const site = await services.accounts.create(
    p.id,
    { externalId: 'S', name: 'Site', parentId: 'G' },
    FIXTURE,
  );
  const other = await services.accounts.create(p.id, { externalId: 'O', name: 'Other' }, FIXTURE);
  return { id: p.id, group: group.id, site: site.id, other: other.id };
}

const credit = (programId: string, account: string, amount: number, extra: object = {}) =>
  services.ledger.credit(programId, {
    key: key(),
    account,
    amount,
    reasonCode: 'purchase',
    explanation: 'Order',
    ...extra,
  });
const debit = (programId: string, account: string, amount: number, extra: object = {}) =>
  services.ledger.debit(programId, {
    key: key(),
    account,
    amount,
    reasonCode: 'gift',
    explanation: 'Gift',
    ...extra,
  });
const points = async (programId: string, account: string) =>
  (await services.ledger.summary(programId, account)).find((w) => w.unit === 'points');

describe('ledger policies', () => {
  it('pools the wallets of a group when the program says so', async () => {
    const p = await program({ pooling: 'group' });
    await credit(p.id, p.site, 100, { contactId: 'con_someone' });
    await credit(p.id, p.group, 50);
    const site = await points(p.id, p.site);
    const group = await points(p.id, p.group);
    expect(site).toMatchObject({ available: 150, ownerAccountId: p.group });
    expect(group?.walletId).toBe(site?.walletId);
    // Each line still names the account and contact that caused it.
    const history = await services.ledger.history(p.id, p.site, 'points', {});
    expect(history.data.map((l) => [l.accountId, l.contactId])).toEqual([
      [p.group, null],
      [p.site, 'con_someone'],
    ]);
    const filtered = await services.ledger.history(p.id, p.group, 'points', { contactId: 'con_someone' });
    expect(filtered.data).toHaveLength(1);
    await expect(
      services.ledger.transfer(p.id, {
        key: key(),
        from: p.site,
        to: p.group,
        amount: 1,
        reasonCode: 'x',
        explanation: 'x',
      }),
    ).rejects.toMatchObject({ code: 'transfer_not_allowed' });
    expect(await services.ledger.verify(p.id)).toEqual([]);
  });

  it('dates lots by the expiry policy in the program time zone', async () => {
    const p = await program({ expiry: { kind: 'end_of_year', yearsAfter: 1 } });
    const { entry } = await credit(p.id, p.site, 10, { effectiveAt: new Date('2026-03-10T12:00:00Z') });
    // End of 2027 in Amsterdam is 2027-12-31T23:00Z.
    expect(entry.expiresAt?.toISOString()).toBe('2027-12-31T23:00:00.000Z');
    const never = await credit(p.id, p.site, 5, { expiresAt: null });
    expect(never.entry.expiresAt).toBeNull();
    const expiring = await services.ledger.summary(p.id, p.site, new Date('2027-12-01T00:00:00Z'));
    expect(expiring[0]?.expiring).toEqual({ in30Days: 0, in60Days: 10, in90Days: 10 });
    // Expiring at the first instant of 2028 (Amsterdam) means December 2027 is the last month of use.
    const report = await services.ledger.liability(p.id, new Date('2027-06-01T00:00:00Z'));
    expect(report.units[0]?.expiringByMonth).toEqual([{ month: '2027-12', amount: 10 }]);
  });

  it('writes off what a reversal cannot take back under write_off', async () => {
    const p = await program({ clawback: 'write_off' });
    const earn = await credit(p.id, p.site, 100);
    await debit(p.id, p.site, 70);
    const back = await services.ledger.reverse(p.id, earn.entry.id, {
      key: key(),
      reasonCode: 'return',
      explanation: 'Returned',
    });
    expect(back.entry).toMatchObject({ amount: 100, writtenOff: 70 });
    expect(await points(p.id, p.site)).toMatchObject({ available: 0, debt: 0, net: 0 });
    expect(await services.ledger.verify(p.id)).toEqual([]);
  });

  it('refunds a redemption into lots with the expiry they had', async () => {
    const p = await program({});
    await credit(p.id, p.site, 30, { expiresAt: new Date('2030-01-01T00:00:00Z') });
    await credit(p.id, p.site, 30, { expiresAt: null });
    const spent = await debit(p.id, p.site, 40);
    const refund = await services.ledger.reverse(p.id, spent.entry.id, {
      key: key(),
      amount: 35,
      reasonCode: 'cancel',
      explanation: 'Cancelled',
    });
    const detail = await services.ledger.entry(p.id, refund.entry.id);
    expect(detail.postings.reduce((s, x) => s + Math.abs(x.amount), 0)).toBe(70);
    const s = await points(p.id, p.site);
    expect(s).toMatchObject({ available: 55 });
    // 30 of the 40 came from the 2030 lot, so 30 of the refund expires in 2030 again.
    const expiring = await services.ledger.summary(p.id, p.site, new Date('2029-12-15T00:00:00Z'));
    expect(expiring[0]?.expiring.in30Days).toBe(30);
    await expect(
      services.ledger.reverse(p.id, spent.entry.id, {
        key: key(),
        amount: 6,
        reasonCode: 'cancel',
        explanation: 'x',
      }),
    ).rejects.toMatchObject({ code: 'reversal_exceeds_entry' });
    expect(await services.ledger.verify(p.id)).toEqual([]);
  });

  it('keeps cash wallets per currency beside points', async () => {
    const p = await program({});
    await credit(p.id, p.site, 1250, { unit: 'EUR', reasonCode: 'cashback', explanation: '5% back' });
    await debit(p.id, p.site, 500, {
      unit: 'EUR',
      type: 'donate',
      reasonCode: 'charity',
      explanation: 'To the food bank',
    });
    const wallets = await services.ledger.summary(p.id, p.site);
    expect(wallets.map((w) => [w.unit, w.available])).toEqual([['EUR', 750]]);
    const report = await services.ledger.liability(p.id, new Date());
    expect(report.units).toEqual([
      expect.objectContaining({ unit: 'EUR', outstanding: 750, value: { currency: 'EUR', minorUnits: 750 } }),
    ]);
    await expect(credit(p.id, p.site, 1, { unit: 'XXY' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('answers the balance and the liability as of a past instant', async () => {
    const p = await program({ costPerPoint: '0.25' });
    await credit(p.id, p.site, 100, { effectiveAt: new Date('2026-01-10T00:00:00Z') });
    await credit(p.id, p.other, 40, { effectiveAt: new Date('2026-02-10T00:00:00Z') });
    await debit(p.id, p.site, 30);
    expect(await services.ledger.balanceAsOf(p.id, p.site, 'points', new Date('2026-01-31T00:00:00Z'))).toBe(
      100,
    );
    const january = await services.ledger.liability(p.id, new Date('2026-01-31T00:00:00Z'));
    expect(january.units[0]).toMatchObject({
      unit: 'points',
      outstanding: 100,
      value: { currency: 'EUR', minorUnits: 2500 },
    });
    const now = await services.ledger.liability(p.id, new Date());
    expect(now.units[0]).toMatchObject({ outstanding: 110, value: { minorUnits: 2750 } });
  });

  it('pages through history with a cursor, newest first', async () => {
    const p = await program({});
    for (let i = 1; i <= 5; i++) await credit(p.id, p.site, i, { explanation: `Order ${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await services.ledger.history(p.id, p.site, 'points', { limit: 2, cursor });
      seen.push(...page.data.map((l) => `${l.explanation}:${l.balanceAfter}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['Order 5:15', 'Order 4:10', 'Order 3:6', 'Order 2:3', 'Order 1:1']);
  });
});

describe('the due run', () => {
  it('writes the identical journal whether it runs on time, a day late, or twice', async () => {
    const journals: string[][] = [];
    for (const runs of [
      ['2026-04-01T00:00:01Z'],
      ['2026-04-02T09:00:00Z', '2026-04-02T09:00:00Z', '2026-04-03T00:00:00Z'],
    ]) {
      const p = await program({ expiry: { kind: 'end_of_quarter', quartersAfter: 0 } });
      await credit(p.id, p.site, 100, { key: 'earn-1', effectiveAt: new Date('2026-01-15T10:00:00Z') });
      await credit(p.id, p.site, 40, { key: 'earn-2', effectiveAt: new Date('2026-02-20T10:00:00Z') });
      await debit(p.id, p.site, 30, { key: 'spend-1', effectiveAt: new Date('2026-03-01T10:00:00Z') });
      await debit(p.id, p.site, 20, {
        key: 'hold-1',
        hold: true,
        holdUntil: new Date('2026-03-31T12:00:00Z'),
        effectiveAt: new Date('2026-03-02T10:00:00Z'),
      });
      for (const at of runs) await services.ledger.runDue(p.id, new Date(at));
      const rows = await services.ledger.history(p.id, p.site, 'points', { limit: 100 });
      journals.push(
        rows.data.map((l) =>
          [l.type, l.phase, l.amount, l.requested, l.balanceAfter, l.effectiveAt, l.explanation].join('|'),
        ),
      );
      expect(await services.ledger.verify(p.id)).toEqual([]);
      expect((await points(p.id, p.site))?.available).toBe(0);
    }
    expect(journals[1]).toEqual(journals[0]);
    // The hold ended before the quarter did: its 20 points came back first and expired with the rest.
    expect(journals[0]!.filter((l) => l.startsWith('expire|'))).toHaveLength(2);
  });
});
