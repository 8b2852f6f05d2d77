// Rewards owed (decision 0053): a completion or firing whose catalog reward was skipped owes it; the
// program lists what it owes, the due run issues it once the reward is in stock again (oldest first),
// an admin retries one now or waives it, and the reward is issued once, keyed like the first attempt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { OWED_PER_RUN } from '../../src/modules/engagement/engagement-owed.ts';
import { challengeCompletions } from '../../src/modules/engagement/engagement-tables.ts';
import { type TestApi, testApi } from '../support/app.ts';
import {
  type Body,
  type EngagementProgram,
  engagementProgram,
  threeTrainings,
  trainedBadge,
} from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

const owed = async (p: EngagementProgram, query = ''): Promise<Body> =>
  p.ok(p.read, { method: 'GET', url: `/v1/engagement/rewards-owed${query}` });

const retry = (p: EngagementProgram, key: string, status = 200) =>
  p.ok(
    p.admin,
    { method: 'POST', url: `/v1/engagement/rewards-owed/${encodeURIComponent(key)}/retry` },
    status,
  );

/** A code-pool gift card with one code, and the three-trainings challenge giving it. */
async function giftChallenge(p: EngagementProgram): Promise<string> {
  await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
  const gift = await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/rewards',
    payload: {
      type: 'egift_card',
      name: 'Gift card',
      price: { amount: 500, unit: 'points' },
      stock: { kind: 'codes' },
    },
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: `/v1/rewards/${gift.id}/codes`,
    payload: { codes: ['GIFT-1'] },
  });
  await p.ok(p.admin, {
    method: 'POST',
    url: '/v1/challenges',
    payload: threeTrainings({ reward: { points: 300, catalogReward: gift.id } }),
  });
  return gift.id;
}

async function complete(p: EngagementProgram, name: string): Promise<string> {
  const id = await p.account(name);
  for (const n of [1, 2, 3]) await p.training(`${name}-${n}`, name, `2026-04-0${n}T09:00:00Z`);
  return id;
}

describe('rewards owed', () => {
  it('lists what is owed oldest first, and the due run issues it once the reward is in stock again', async () => {
    const p = await engagementProgram(api);
    const gift = await giftChallenge(p);
    const acme = await complete(p, 'ACME');
    const beta = await complete(p, 'BETA');
    const gamma = await complete(p, 'GAMMA');
    const betaKey = `challenge:three-trainings:${beta}:2026-Q2`;
    const gammaKey = `challenge:three-trainings:${gamma}:2026-Q2`;

    // ACME took the only code; BETA and GAMMA are owed it, oldest first.
    const list = await owed(p);
    expect(list.data.map((o: Body) => o.key)).toEqual([betaKey, gammaKey]);
    expect(list.data[0]).toMatchObject({
      status: 'owed',
      source: 'challenge',
      challenge: 'three-trainings',
      automation: null,
      occurrence: '2026-Q2',
      accountId: beta,
      reward: { id: gift, name: 'Gift card', inStock: false },
      reason: 'Gift card has no codes left',
      redemptionId: null,
    });
    expect((await owed(p, `?account=${acme}`)).data).toEqual([]);
    expect((await owed(p, '?account=GAMMA')).data.map((o: Body) => o.key)).toEqual([gammaKey]);
    // Paged: one at a time, the cursor continues after the first.
    const first = await owed(p, '?limit=1');
    expect(first.data.map((o: Body) => o.key)).toEqual([betaKey]);
    const second = await owed(p, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.data.map((o: Body) => o.key)).toEqual([gammaKey]);
    expect(second.nextCursor).toBeNull();

    // Still no code: the due run issues nothing.
    expect(await p.due('2026-05-10T00:00:00Z')).toMatchObject({ rewardsIssued: 0 });
    // One code comes back: the oldest (BETA) gets it, once however often the run looks.
    await p.ok(p.admin, { method: 'POST', url: `/v1/rewards/${gift}/codes`, payload: { codes: ['GIFT-2'] } });
    expect((await owed(p)).data[0].reward.inStock).toBe(true);
    expect(await p.due('2026-05-11T00:00:00Z')).toMatchObject({ rewardsIssued: 1 });
    expect(await p.due('2026-05-11T00:01:00Z')).toMatchObject({ rewardsIssued: 0 });
    expect((await owed(p)).data.map((o: Body) => o.key)).toEqual([gammaKey]);

    const done = (await p.progress('three-trainings', 'BETA', '2026-05-10T00:00:00Z')).completion;
    expect(done).toMatchObject({
      points: 300,
      rewardId: gift,
      redemptionId: expect.any(String),
      rewardSkipped: 'Gift card has no codes left',
      rewardIssuedAt: '2026-05-11T00:00:00.000Z',
      rewardWaivedAt: null,
    });
    const redemption = await p.ok(p.read, { method: 'GET', url: `/v1/redemptions/${done.redemptionId}` });
    expect(redemption).toMatchObject({
      accountId: beta,
      rewardId: gift,
      status: 'fulfilled',
      code: 'GIFT-2',
      price: { amount: 0, unit: 'points' },
      issuedFor: betaKey,
    });
    // The member's portal lists it with the account's redemptions, like one issued at once.
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${beta}` })).data).toHaveLength(
      1,
    );
    expect(await p.points(beta)).toBe(300);
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?action=reward_owed.issue' });
    expect(audit.data.map((e: Body) => e.resourceId)).toEqual([betaKey]);

    // GAMMA's is waived for good: it leaves the list, and the due run no longer tries it.
    const waived = await p.ok(
      p.admin,
      {
        method: 'POST',
        url: `/v1/engagement/rewards-owed/${encodeURIComponent(gammaKey)}/waive`,
        payload: { reason: 'Given a voucher by hand' },
      },
      200,
    );
    expect(waived).toMatchObject({
      status: 'waived',
      waivedReason: 'Given a voucher by hand',
      redemptionId: null,
    });
    await p.ok(p.admin, { method: 'POST', url: `/v1/rewards/${gift}/codes`, payload: { codes: ['GIFT-3'] } });
    expect(await p.due('2026-05-12T00:00:00Z')).toMatchObject({ rewardsIssued: 0 });
    expect((await owed(p)).data).toEqual([]);
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${gamma}` })).data).toEqual([]);
    expect(
      (await p.ok(p.admin, { method: 'GET', url: '/v1/audit?action=reward_owed.waive' })).data[0],
    ).toMatchObject({ resourceId: gammaKey, after: { waivedReason: 'Given a voucher by hand' } });
  });

  it('an admin retries a firing’s owed reward now: refused while out of stock (nothing written), then issued once', async () => {
    const p = await engagementProgram(api);
    const hamper = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Hamper',
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'counted', quantity: 0 },
      },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/automations',
      payload: {
        code: 'birthdays',
        name: 'Birthday hamper',
        trigger: { kind: 'birthday' },
        effect: { points: 10, catalogReward: hamper.id },
        startsAt: '2026-01-01T00:00:00Z',
      },
    });
    const acme = await p.account('ACME');
    const inge = (
      await p.ok(p.write, {
        method: 'POST',
        url: `/v1/accounts/${acme}/contacts`,
        payload: { email: 'inge@acme.example', name: 'Inge', birthday: '1980-03-15' },
      })
    ).id;
    expect(await p.due('2026-03-15T10:00:00Z')).toMatchObject({ fired: 1, rewardsIssued: 0 });
    const key = `automation:birthdays:${inge}:2026`;
    const [item] = (await owed(p)).data;
    expect(item).toMatchObject({
      key,
      source: 'automation',
      automation: 'birthdays',
      accountId: acme,
      contactId: inge,
      explanation: expect.stringContaining('Inge'),
      reward: { id: hamper.id, name: 'Hamper', inStock: false },
      reason: 'Hamper is out of stock',
    });

    const refused = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/engagement/rewards-owed/${encodeURIComponent(key)}/retry`,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'reward_still_unavailable',
      detail: expect.stringContaining('Hamper is out of stock'),
    });
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${acme}` })).data).toEqual([]);
    expect((await owed(p)).data).toHaveLength(1);
    expect((await p.ok(p.admin, { method: 'GET', url: '/v1/audit?action=reward_owed.retry' })).data).toEqual(
      [],
    );

    await p.ok(p.admin, { method: 'PATCH', url: `/v1/rewards/${hamper.id}`, payload: { stockQuantity: 2 } });
    const issued = await retry(p, key);
    expect(issued).toMatchObject({
      key,
      status: 'issued',
      redemptionId: expect.any(String),
      reason: 'Hamper is out of stock',
    });
    // A second retry answers the same redemption and takes nothing more.
    expect(await retry(p, key)).toMatchObject({ status: 'issued', redemptionId: issued.redemptionId });
    const redemptions = (await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${acme}` })).data;
    expect(redemptions.map((r: Body) => r.id)).toEqual([issued.redemptionId]);
    expect(redemptions[0]).toMatchObject({ status: 'approved', contactId: inge, issuedFor: key });
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${hamper.id}` })).stock.available).toBe(1);
    const [firing] = (await p.ok(p.read, { method: 'GET', url: '/v1/automations/birthdays/firings' })).data;
    expect(firing).toMatchObject({
      redemptionId: issued.redemptionId,
      rewardSkipped: 'Hamper is out of stock',
      rewardIssuedAt: expect.any(String),
    });
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?action=reward_owed.retry' });
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({
      resourceType: 'automation_firing',
      resourceId: key,
      before: { status: 'owed' },
      after: { status: 'issued' },
    });
    expect((await owed(p)).data).toEqual([]);
    // Nothing owed any more: the due run issues nothing.
    expect(await p.due('2026-03-16T10:00:00Z')).toMatchObject({ rewardsIssued: 0 });
  });

  it('the migration fills the reward of completions skipped before it, which are then owed', async () => {
    const p = await engagementProgram(api);
    const gift = await giftChallenge(p);
    const acme = await p.account('ACME');
    // A completion written before the migration: skipped, without the reward it names.
    await api.database.db.insert(challengeCompletions).values({
      programId: p.id,
      challengeCode: 'three-trainings',
      subjectId: acme,
      accountId: acme,
      windowKey: '2026-Q2',
      version: 1,
      windowStart: new Date('2026-03-31T22:00:00Z'),
      windowEnd: new Date('2026-06-30T22:00:00Z'),
      completedAt: new Date('2026-04-03T09:00:00Z'),
      points: 300,
      rewardSkipped: 'Gift card has no codes left',
    });
    expect((await owed(p)).data).toMatchObject([{ reward: null }]);
    const unknown = await p.send(p.admin, {
      method: 'POST',
      url: `/v1/engagement/rewards-owed/${encodeURIComponent(`challenge:three-trainings:${acme}:2026-Q2`)}/retry`,
    });
    expect(unknown.statusCode, unknown.body).toBe(409);
    expect(unknown.json()).toMatchObject({
      code: 'reward_still_unavailable',
      detail: expect.stringContaining('not known'),
    });
    const migration = readFileSync(join(import.meta.dirname, '../../drizzle/0040_rewards_owed.sql'), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint').filter((s) => /^\s*UPDATE/.test(s)))
      await api.database.db.execute(sql.raw(statement));
    expect((await owed(p)).data).toMatchObject([
      { key: `challenge:three-trainings:${acme}:2026-Q2`, reward: { id: gift, inStock: true } },
    ]);
  });
});

describe('the due run takes at most OWED_PER_RUN owed rewards, the oldest first', () => {
  it(`issues ${OWED_PER_RUN} of ${OWED_PER_RUN + 1} owed in one run, and the newest in the next`, async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    const cap = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'merchandise',
        name: 'Cap',
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'unlimited' },
      },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: threeTrainings({ reward: { points: 300, catalogReward: cap.id } }),
    });
    // Completions recorded a minute apart whose reward was skipped (written as the engine writes
    // them): the reward is in stock now, so all of them are owed and issuable.
    const accounts: string[] = [];
    for (let i = 0; i <= OWED_PER_RUN; i++) accounts.push(await p.account(`OWED-${i}`));
    await api.database.db.insert(challengeCompletions).values(
      accounts.map((accountId, i) => ({
        programId: p.id,
        challengeCode: 'three-trainings',
        subjectId: accountId,
        accountId,
        windowKey: '2026-Q2',
        version: 1,
        windowStart: new Date('2026-03-31T22:00:00Z'),
        windowEnd: new Date('2026-06-30T22:00:00Z'),
        completedAt: new Date('2026-04-03T09:00:00Z'),
        recordedAt: new Date(Date.UTC(2026, 3, 3, 9, i)),
        points: 300,
        rewardId: cap.id,
        rewardSkipped: 'Cap was archived',
      })),
    );
    expect((await owed(p, '?limit=200')).data).toHaveLength(OWED_PER_RUN + 1);

    expect(await p.due('2026-05-10T00:00:00Z')).toMatchObject({ rewardsIssued: OWED_PER_RUN });
    const left = (await owed(p, '?limit=200')).data;
    expect(left.map((o: Body) => o.accountId)).toEqual([accounts[OWED_PER_RUN]]);
    expect(await p.due('2026-05-10T00:01:00Z')).toMatchObject({ rewardsIssued: 1 });
    expect((await owed(p)).data).toEqual([]);
  }, 120_000);
});
