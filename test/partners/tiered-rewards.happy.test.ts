// Tiered referral rewards (decision 0048): the referrer's reward grows with the number of its converted
// referrals in the referral program (amount up to the first tier, then each tier's amount from its
// `from` on), explained on the credit; tiers that do not go up are refused, naming the field, and
// nothing is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const tiered = () =>
  referAFriend({
    rewards: {
      referrer: {
        unit: 'points',
        amount: 500,
        tiers: [
          { from: 3, amount: 750 },
          { from: 5, amount: 1000 },
        ],
      },
    },
  });

async function referAndConvert(p: PartnerProgram, code: string, n: number) {
  await p.account(`B${n}`);
  const r = await p.refer(code, `B${n}`);
  expect(r.statusCode, r.body).toBe(201);
  await p.purchase(`SO-${n}`, `B${n}`, '150.00');
  return r.json().id as string;
}

describe('tiered referral rewards', () => {
  it('pays the referrer by the rank of each converted referral: 500, 500, 750, 750, 1000, 1000', async () => {
    const p = await partnerProgram(api);
    const program = await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: tiered() });
    expect(program.rewards.referrer.tiers).toEqual([
      { from: 3, amount: 750 },
      { from: 5, amount: 1000 },
    ]);
    await p.account('NORDIC');
    const code = await p.code('NORDIC');
    const paid: number[] = [];
    for (let n = 1; n <= 6; n++) {
      const id = await referAndConvert(p, code, n);
      const referral = await p.referral(id);
      expect(referral.status).toBe('converted');
      const entry = await p.ok(p.read, {
        method: 'GET',
        url: `/v1/ledger/entries/${referral.referrerEntryId}`,
      });
      paid.push(entry.postings.find((x: Body) => x.amount > 0).amount);
      expect(entry.entry.explanation).toContain(
        n < 3
          ? "base reward, before the referrer's converted referral no. 3"
          : `tier from the referrer's converted referral no. ${n < 5 ? 3 : 5}`,
      );
    }
    expect(paid).toEqual([500, 500, 750, 750, 1000, 1000]);
    expect(await p.wallet('NORDIC')).toMatchObject({ available: 4500 });
  });

  it('refuses tiers that do not go up, or start below the second referral, and writes nothing', async () => {
    const p = await partnerProgram(api);
    const down = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({
        rewards: {
          referrer: {
            unit: 'points',
            amount: 500,
            tiers: [
              { from: 5, amount: 750 },
              { from: 5, amount: 1000 },
            ],
          },
        },
      }),
    });
    expect(down.statusCode, down.body).toBe(422);
    expect(down.json()).toMatchObject({
      code: 'referral_program_invalid',
      errors: [{ path: '/body/rewards/referrer/tiers/1/from' }],
    });
    const first = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/referral-programs',
      payload: referAFriend({
        rewards: { referrer: { unit: 'points', amount: 500, tiers: [{ from: 1, amount: 750 }] } },
      }),
    });
    expect(first.statusCode).toBe(400);
    expect(JSON.stringify(first.json().errors)).toContain('tiers/0/from');
    const list = await p.ok(p.read, { method: 'GET', url: '/v1/referral-programs' });
    expect(list.data).toEqual([]);
  });
});
