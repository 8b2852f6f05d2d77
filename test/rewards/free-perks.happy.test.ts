// Rewards at price 0 (decision 0047): a members-only workshop seat is free, yet it still takes a place
// of its session, asks for eligibility and counts towards the per-account limit; it posts nothing to
// the ledger, appears in the redemption lists, and a cancellation gives the place back.
import { beforeAll, describe, expect, it } from 'vitest';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const post = (url: string, payload: object, key?: string) =>
  api.call(key ?? api.a.write, { method: 'POST', url, payload, headers: keyIfRequired(url) });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });
const redeem = (payload: object) => post('/v1/redemptions', payload);
let workshop: string;
let seat: string;

beforeAll(async () => {
  api = await testApi();
  for (const [externalId, segment] of [
    ['MEMBER-1', 'installer'],
    ['MEMBER-2', 'installer'],
    ['MEMBER-3', 'installer'],
    ['OUTSIDER', 'retail'],
  ]) {
    const r = await post('/v1/accounts', { externalId, name: externalId, segment });
    expect(r.statusCode, r.body).toBe(201);
  }
  const r = await post(
    '/v1/rewards',
    {
      type: 'experience',
      name: 'Members-only heat pump workshop',
      price: { amount: 0, unit: 'points' },
      stock: { kind: 'sessions' },
      eligibility: { segments: ['installer'] },
      limits: { perAccount: { count: 1, period: 'year' } },
    },
    api.a.admin,
  );
  expect(r.statusCode, r.body).toBe(201);
  expect(r.json()).toMatchObject({ price: { amount: 0, unit: 'points' } });
  workshop = r.json().id;
  const s = await post(
    `/v1/rewards/${workshop}/sessions`,
    { startsAt: '2099-03-10T09:00:00Z', capacity: 2 },
    api.a.admin,
  );
  expect(s.statusCode, s.body).toBe(201);
  seat = s.json().id;
}, 300_000);

describe('free perks', () => {
  it('is redeemable with no points, and books a seat without touching the ledger', async () => {
    const browse = await get('/v1/rewards?account=MEMBER-1');
    const listed = browse.json().data.find((x: { id: string }) => x.id === workshop);
    expect(listed.redeemable).toMatchObject({ ok: true, affordable: true, eligible: true });

    const r = await redeem({ reward: workshop, account: 'MEMBER-1', sessionId: seat });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      status: 'approved',
      price: { amount: 0, unit: 'points' },
      holdEntryId: null,
      sessionId: seat,
    });
    const wallets = await get('/v1/accounts/MEMBER-1/wallets');
    expect(
      wallets.json().data.filter((w: { available: number; held: number }) => w.available || w.held),
    ).toEqual([]);
    const history = await get(`/v1/redemptions?account=MEMBER-1`);
    expect(history.json().data).toMatchObject([
      { id: r.json().id, rewardId: workshop, price: { amount: 0 } },
    ]);
    const sessions = await get(`/v1/rewards/${workshop}/sessions`);
    expect(sessions.json().data).toMatchObject([{ id: seat, remaining: 1 }]);
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });

  it('still asks for eligibility, the limit and capacity', async () => {
    const outsider = await redeem({ reward: workshop, account: 'OUTSIDER', sessionId: seat });
    expect(outsider.statusCode, outsider.body).toBe(422);
    expect(outsider.json()).toMatchObject({ code: 'reward_not_eligible' });
    const again = await redeem({ reward: workshop, account: 'MEMBER-1', sessionId: seat });
    expect(again.statusCode, again.body).toBe(422);
    expect(again.json()).toMatchObject({ code: 'redemption_limit_reached' });
    expect((await redeem({ reward: workshop, account: 'MEMBER-2', sessionId: seat })).statusCode).toBe(201);
    const full = await redeem({ reward: workshop, account: 'MEMBER-3', sessionId: seat });
    expect(full.statusCode, full.body).toBe(409);
    expect(full.json()).toMatchObject({ code: 'out_of_stock' });
    expect((await get(`/v1/redemptions?account=MEMBER-3`)).json().data).toEqual([]);
  });

  it('gives the seat back when cancelled, and waits for approval like any redemption when the policy asks', async () => {
    const mine = (await get('/v1/redemptions?account=MEMBER-2')).json().data[0];
    const cancelled = await post(
      `/v1/redemptions/${mine.id}/cancel`,
      { reason: 'Cannot make it' },
      api.a.admin,
    );
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await get(`/v1/rewards/${workshop}/sessions`)).json().data).toMatchObject([{ remaining: 1 }]);

    const policy = await api.call(api.a.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { redemptions: { approval: { always: true } } } },
    });
    expect(policy.statusCode, policy.body).toBe(200);
    const waiting = await redeem({ reward: workshop, account: 'MEMBER-3', sessionId: seat });
    expect(waiting.statusCode, waiting.body).toBe(201);
    expect(waiting.json()).toMatchObject({ status: 'pending_approval', price: { amount: 0 } });
    const approved = await post(`/v1/redemptions/${waiting.json().id}/approve`, {}, api.a.admin);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });
});
