// Rewards owed refused (decision 0053): unknown keys, keys that owe nothing, settled ones, bad input
// and keys without the admin scope each answer a problem with a stable code and write nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { type Body, type EngagementProgram, engagementProgram, threeTrainings } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const url = (key: string, verb: 'retry' | 'waive') =>
  `/v1/engagement/rewards-owed/${encodeURIComponent(key)}/${verb}`;

async function problem(
  p: EngagementProgram,
  key: string,
  options: { method: 'POST' | 'GET'; url: string; payload?: object },
  status: number,
  code: string,
): Promise<Body> {
  const r = await p.send(key, options);
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toContain('application/problem+json');
  expect(r.json().code).toBe(code);
  return r.json();
}

/** A challenge whose counted reward ran out after the first completion: ACME was paid it, BETA is owed it. */
async function owedSetup(p: EngagementProgram) {
  const cap = await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/rewards',
    payload: {
      type: 'custom',
      name: 'Cap',
      price: { amount: 50, unit: 'points' },
      stock: { kind: 'counted', quantity: 1 },
    },
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: threeTrainings({ reward: { points: 300, catalogReward: cap.id } }),
  });
  const ids: string[] = [];
  for (const name of ['ACME', 'BETA']) {
    ids.push(await p.account(name));
    for (const n of [1, 2, 3]) await p.training(`${name}-${n}`, name, `2026-04-0${n}T09:00:00Z`);
  }
  return {
    cap: cap.id as string,
    paidKey: `challenge:three-trainings:${ids[0]}:2026-Q2`,
    owedKey: `challenge:three-trainings:${ids[1]}:2026-Q2`,
  };
}

describe('rewards owed: refusals', () => {
  it('an unknown, malformed or not-owing key is reward_owed_not_found; a paid one too', async () => {
    const p = await engagementProgram(api);
    const { paidKey } = await owedSetup(p);
    for (const key of [
      'challenge:three-trainings:acc_nobody:2026-Q2',
      'automation:none:con_nobody:2026',
      'nonsense',
      'badge:x:y:z',
      paidKey,
    ]) {
      await problem(p, p.admin, { method: 'POST', url: url(key, 'retry') }, 404, 'reward_owed_not_found');
      await problem(
        p,
        p.admin,
        { method: 'POST', url: url(key, 'waive'), payload: { reason: 'No' } },
        404,
        'reward_owed_not_found',
      );
    }
  });

  it('a retry while still out of stock (or archived) is reward_still_unavailable and writes nothing', async () => {
    const p = await engagementProgram(api);
    const { cap, owedKey } = await owedSetup(p);
    const body = await problem(
      p,
      p.admin,
      { method: 'POST', url: url(owedKey, 'retry') },
      409,
      'reward_still_unavailable',
    );
    expect(body.detail).toContain('Cap is out of stock');
    // Archived with stock: still refused, with why.
    await p.ok(p.admin, { method: 'PATCH', url: `/v1/rewards/${cap}`, payload: { stockQuantity: 3 } });
    await p.ok(p.admin, { method: 'PATCH', url: `/v1/rewards/${cap}`, payload: { status: 'archived' } });
    const archived = await problem(
      p,
      p.admin,
      { method: 'POST', url: url(owedKey, 'retry') },
      409,
      'reward_still_unavailable',
    );
    expect(archived.detail).toContain('archived');
    expect(await p.due('2026-05-10T00:00:00Z')).toMatchObject({ rewardsIssued: 0 });
    const [item] = (await p.ok(p.read, { method: 'GET', url: '/v1/engagement/rewards-owed' })).data;
    expect(item).toMatchObject({
      key: owedKey,
      status: 'owed',
      redemptionId: null,
      reward: { inStock: false },
    });
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${cap}` })).stock.available).toBe(3);
    expect((await p.ok(p.admin, { method: 'GET', url: '/v1/audit?action=reward_owed.retry' })).data).toEqual(
      [],
    );
  });

  it('a waived reward cannot be retried nor waived again; an issued one cannot be waived', async () => {
    const p = await engagementProgram(api);
    const { cap, owedKey } = await owedSetup(p);
    await p.ok(
      p.admin,
      { method: 'POST', url: url(owedKey, 'waive'), payload: { reason: 'Archived for good' } },
      200,
    );
    await problem(p, p.admin, { method: 'POST', url: url(owedKey, 'retry') }, 409, 'reward_owed_settled');
    await problem(
      p,
      p.admin,
      { method: 'POST', url: url(owedKey, 'waive'), payload: { reason: 'Again' } },
      409,
      'reward_owed_settled',
    );

    const q = await engagementProgram(api);
    const other = await owedSetup(q);
    await q.ok(q.admin, { method: 'PATCH', url: `/v1/rewards/${other.cap}`, payload: { stockQuantity: 1 } });
    await q.ok(q.admin, { method: 'POST', url: url(other.owedKey, 'retry') }, 200);
    await problem(
      q,
      q.admin,
      { method: 'POST', url: url(other.owedKey, 'waive'), payload: { reason: 'Late' } },
      409,
      'reward_owed_settled',
    );
    expect(cap).not.toBe(other.cap);
  });

  it('refuses a viewer (read) or write key on retry and waive, a waive without a reason, and a foreign cursor', async () => {
    const p = await engagementProgram(api);
    const { cap, owedKey } = await owedSetup(p);
    await p.ok(p.admin, { method: 'PATCH', url: `/v1/rewards/${cap}`, payload: { stockQuantity: 1 } });
    for (const key of [p.read, p.write]) {
      await problem(p, key, { method: 'POST', url: url(owedKey, 'retry') }, 403, 'insufficient_scope');
      await problem(
        p,
        key,
        { method: 'POST', url: url(owedKey, 'waive'), payload: { reason: 'x' } },
        403,
        'insufficient_scope',
      );
    }
    await problem(
      p,
      p.admin,
      { method: 'POST', url: url(owedKey, 'waive'), payload: {} },
      400,
      'validation_failed',
    );
    await problem(
      p,
      p.admin,
      { method: 'POST', url: url(owedKey, 'waive'), payload: { reason: '' } },
      400,
      'validation_failed',
    );
    await problem(
      p,
      p.read,
      { method: 'GET', url: '/v1/engagement/rewards-owed?cursor=bm9wZQ' },
      400,
      'invalid_cursor',
    );
    await problem(
      p,
      p.read,
      { method: 'GET', url: '/v1/engagement/rewards-owed?account=NOBODY' },
      404,
      'account_not_found',
    );
    // Nothing was issued by the refused calls.
    const [item] = (await p.ok(p.read, { method: 'GET', url: '/v1/engagement/rewards-owed' })).data;
    expect(item).toMatchObject({ key: owedKey, status: 'owed', reward: { inStock: true } });
  });
});
