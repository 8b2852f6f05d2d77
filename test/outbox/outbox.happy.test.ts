// The outbox: the services announce their changes in the change's own transaction, for a program
// with an endpoint subscribed to every type (no dispatcher runs here: the messages stay in the outbox).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/app.ts';
import { partnerLadder, tierProgram } from '../tiers/helpers.ts';

interface Message {
  id: string;
  type: string;
  payload: Record<string, unknown>;
}

describe('outbox', async () => {
  const api = await testApi();
  const p = await tierProgram(api);
  const endpoint = await p.send(p.admin, {
    method: 'POST',
    url: '/v1/webhook-endpoints',
    payload: { url: 'https://hooks.example.com/all' },
  });
  await p.account('ACME');

  const messages = async (): Promise<Message[]> =>
    (await p.send(p.admin, { method: 'GET', url: '/v1/webhook-messages?limit=500' })).json().data;
  const newOnes = async (before: Message[]) => {
    const seen = new Set(before.map((m) => m.id));
    return (await messages()).filter((m) => !seen.has(m.id)).reverse();
  };
  const money = (url: string, payload: object) =>
    p.send(p.write, { method: 'POST', url, payload, headers: { 'idempotency-key': randomUUID() } });

  it('announces ledger credits, debits and expiries', async () => {
    expect(endpoint.statusCode).toBe(201);
    const before = await messages();
    expect(
      (
        await money('/v1/ledger/credits', {
          account: 'ACME',
          amount: 500,
          reasonCode: 'purchase',
          explanation: 'Order 1',
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await money('/v1/ledger/debits', {
          account: 'ACME',
          amount: 120,
          reasonCode: 'gift',
          explanation: 'Gift',
        })
      ).statusCode,
    ).toBe(201);
    const expiring = await money('/v1/ledger/credits', {
      account: 'ACME',
      amount: 30,
      reasonCode: 'promo',
      explanation: 'Short-lived',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(expiring.statusCode).toBe(201);
    const due = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/ledger/due-runs',
      payload: { asOf: new Date(Date.now() + 120_000).toISOString() },
    });
    expect(due.statusCode).toBe(200);
    const got = await newOnes(before);
    expect(got.map((m) => [m.type, m.payload.amount, m.payload.unit])).toEqual([
      ['points.credited', 500, 'points'],
      ['points.debited', 120, 'points'],
      ['points.credited', 30, 'points'],
      ['points.expired', 30, 'points'],
    ]);
  });

  it('announces a processed event and the tier it lifted the account to', async () => {
    await p.ladder(partnerLadder());
    const before = await messages();
    await p.purchase('o-1', 'ACME', new Date(Date.now() - 86_400_000).toISOString(), '6000.00');
    const got = await newOnes(before);
    const processed = got.find((m) => m.type === 'event.processed');
    expect(processed?.payload).toMatchObject({ id: 'o-1', type: 'purchase', amount: '6000.00' });
    const changed = got.filter((m) => m.type === 'tier.changed');
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.at(-1)!.payload).toMatchObject({
      toCode: 'gold',
      reason: 'threshold',
      accountId: expect.any(String),
    });
  });

  it('announces a membership that starts', async () => {
    const plan = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/membership-plans',
      payload: {
        name: 'Partner Club',
        fee: { amount: '100.00', currency: 'EUR' },
        term: { months: 12 },
        renewal: 'auto',
        joining: 'contract',
        entitlements: [{ key: 'vip_support', kind: 'flag' }],
      },
    });
    expect(plan.statusCode).toBe(201);
    const before = await messages();
    const joined = await money('/v1/memberships', {
      account: 'ACME',
      plan: plan.json().id,
      via: 'contract',
      reference: 'C-1',
    });
    expect(joined.statusCode, joined.body).toBe(201);
    const got = await newOnes(before);
    expect(got.map((m) => m.type)).toContain('membership.started');
    expect(got.find((m) => m.type === 'membership.started')!.payload).toMatchObject({
      membershipId: joined.json().id,
    });
  });

  it('announces the steps of a redemption: requested, approved (no approval needed), cancelled', async () => {
    const reward = await p.send(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Workshop seat',
        price: { amount: 10, unit: 'points' },
        stock: { kind: 'unlimited' },
      },
    });
    expect(reward.statusCode, reward.body).toBe(201);
    const before = await messages();
    const requested = await money('/v1/redemptions', { reward: reward.json().id, account: 'ACME' });
    expect(requested.statusCode, requested.body).toBe(201);
    const id = requested.json().id;
    const cancelled = await p.send(p.write, {
      method: 'POST',
      url: `/v1/redemptions/${id}/cancel`,
      payload: {},
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const got = (await newOnes(before)).filter((m) => m.type.startsWith('redemption.'));
    expect(got.map((m) => [m.type, (m.payload.redemption as { id: string }).id])).toEqual([
      ['redemption.requested', id],
      ['redemption.approved', id],
      ['redemption.cancelled', id],
    ]);
  });

  it('announces a badge awarded by hand, a challenge completed with its badge, and a survey answered', async () => {
    const before = await messages();
    const ok = async (r: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 201) => {
      const res = await r;
      expect(res.statusCode, res.body).toBe(status);
      return res.json() as { id: string };
    };
    await ok(p.send(p.admin, { method: 'POST', url: '/v1/badges', payload: { code: 'star', name: 'Star' } }));
    await ok(
      p.send(p.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/badges',
        payload: { badge: 'star', note: 'Well done' },
      }),
    );
    await ok(
      p.send(p.admin, {
        method: 'POST',
        url: '/v1/challenges',
        payload: {
          code: 'two-trainings',
          name: 'Two trainings',
          goals: [{ metric: 'count', eventTypes: ['training.completed'], target: '2' }],
          window: { kind: 'fixed', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
          startsAt: '2026-01-01T00:00:00Z',
          reward: { points: 40, badge: 'star' },
        },
      }),
    );
    for (const id of ['TR-1', 'TR-2'])
      await ok(
        p.send(p.write, {
          method: 'POST',
          url: '/v1/events',
          payload: { id, type: 'training.completed', account: 'ACME', occurredAt: '2026-05-02T10:00:00Z' },
        }),
      );
    const contact = await ok(
      p.send(p.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/contacts',
        payload: { email: 'nps@acme.test', role: 'owner' },
      }),
    );
    const survey = await ok(
      p.send(p.admin, {
        method: 'POST',
        url: '/v1/surveys',
        payload: { name: 'NPS', question: { default: 'Recommend us?' } },
      }),
    );
    const answer = await ok(
      p.send(p.write, {
        method: 'POST',
        url: `/v1/surveys/${survey.id}/answers`,
        payload: { contact: contact.id, score: 9 },
      }),
    );

    const fresh = await newOnes(before);
    const of = (type: string) => fresh.filter((m) => m.type === type).map((m) => m.payload);
    expect(of('badge.awarded')).toEqual([
      expect.objectContaining({ badge: 'star', source: 'manual' }),
      expect.objectContaining({ badge: 'star', source: 'challenge' }),
    ]);
    expect(of('challenge.completed')).toEqual([
      expect.objectContaining({ challenge: 'two-trainings', points: 40, badge: 'star' }),
    ]);
    expect(of('survey.answered')).toEqual([
      expect.objectContaining({ surveyId: survey.id, answerId: answer.id, score: 9, category: 'promoter' }),
    ]);
  });

  it('writes nothing once no endpoint is subscribed to the type', async () => {
    const narrowed = await p.send(p.admin, {
      method: 'PATCH',
      url: `/v1/webhook-endpoints/${endpoint.json().id}`,
      payload: { eventTypes: ['redemption.approved'] },
    });
    expect(narrowed.statusCode).toBe(200);
    const before = await messages();
    expect(
      (
        await money('/v1/ledger/credits', {
          account: 'ACME',
          amount: 5,
          reasonCode: 'purchase',
          explanation: 'Quiet',
        })
      ).statusCode,
    ).toBe(201);
    expect(await newOnes(before)).toEqual([]);
  });
});
