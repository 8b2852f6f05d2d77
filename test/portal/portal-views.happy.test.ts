// The member portal beyond the member's own balance (decision 0022): the company view for the roles
// that may see it (the group's wallets, who earned what, approvals waiting for the signed-in
// approver, deciding them through the rewards rules), memberships and perks, challenges and badges;
// the tier a member qualifies for but has not been given yet; and portal slugs unique across programs.
import { beforeAll, describe, expect, it } from 'vitest';
import { perContact, threeTrainings, trainedBadge } from '../engagement/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, json, type MemberSession, signIn } from './portal-fixture.ts';

let api: TestApi;
const ids: Record<string, string> = {};
let buyer: MemberSession;
let approver: MemberSession;
let owner: MemberSession;
let voucher: string;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these tests
type Body = any;

async function ok(
  key: string,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
  headers?: Record<string, string>,
): Promise<Body> {
  const r = await api.call(key, {
    method,
    url,
    ...(payload !== undefined && { payload }),
    ...(headers !== undefined && { headers }),
  });
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
  return json(r);
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

beforeAll(async () => {
  api = await testApi();
  const { a } = api;
  await ok(a.admin, 'PATCH', '/v1/program', {
    settings: {
      portal: { slug: 'views' },
      redemptions: { approval: { above: { points: 100 } } },
    },
  });
  // A group with a site below it; people at both; another group beside them.
  ids.group = (await ok(a.write, 'POST', '/v1/accounts', { externalId: 'GRP', name: 'Group HQ' })).id;
  ids.site = (
    await ok(a.write, 'POST', '/v1/accounts', { externalId: 'SITE', name: 'Site North', parentId: 'GRP' })
  ).id;
  ids.other = (await ok(a.write, 'POST', '/v1/accounts', { externalId: 'OTHER', name: 'Other Ltd' })).id;
  const contact = async (account: string, email: string, name: string, role: string) =>
    (await ok(a.write, 'POST', `/v1/accounts/${account}/contacts`, { email, name, role })).id as string;
  ids.bea = await contact('GRP', 'bea@grp.test', 'Bea Buyer', 'buyer');
  ids.ann = await contact('GRP', 'ann@grp.test', 'Ann Approver', 'approver');
  ids.sam = await contact('SITE', 'sam@site.test', 'Sam Owner', 'owner');
  ids.oli = await contact('OTHER', 'oli@other.test', 'Oli Other', 'buyer');
  // Earnings: by Bea at the group, by Sam at the site, one with no contact at the site; and elsewhere.
  const credit = (account: string, amount: number, key: string, contactId?: string) =>
    api.services.ledger.credit(a.programId, {
      key,
      account,
      amount,
      reasonCode: 'purchase',
      explanation: 'Order',
      ...(contactId && { contactId }),
    });
  await credit('GRP', 1000, 'e1', ids.bea);
  await credit('GRP', 250, 'e2', ids.bea);
  await credit('SITE', 600, 'e3', ids.sam);
  await credit('SITE', 40, 'e4');
  await credit('OTHER', 9999, 'e5', ids.oli);
  voucher = (
    await ok(a.admin, 'POST', '/v1/rewards', {
      type: 'custom',
      name: 'Voucher',
      translations: { pl: { name: 'Bon' } },
      price: { amount: 300, unit: 'points' },
      stock: { kind: 'unlimited' },
    })
  ).id;
  buyer = await signIn(api, a.write, 'views', ids.bea);
  approver = await signIn(api, a.write, 'views', ids.ann);
  owner = await signIn(api, a.write, 'views', ids.sam);
}, 180_000);

describe('the company view', () => {
  it('is offered to the roles that may see it: the session says so', async () => {
    const me = async (s: MemberSession) =>
      json(await asMember(api, s, { url: '/portal/api/session' })).company;
    expect(await me(buyer)).toBe(false);
    expect(await me(approver)).toBe(true);
    expect(await me(owner)).toBe(true);
  });

  it("shows the group's wallets and who earned what, per contact where the journal names one", async () => {
    const r = await asMember(api, approver, { url: '/portal/api/company' });
    expect(r.statusCode, r.body).toBe(200);
    const c = json(r);
    expect(c).toMatchObject({ group: { id: ids.group, name: 'Group HQ' }, pooling: 'own', accounts: 2 });
    expect(
      c.wallets.map((w: { accountName: string; available: number }) => [w.accountName, w.available]),
    ).toEqual([
      ['Group HQ', 1250],
      ['Site North', 640],
    ]);
    expect(
      c.earned.data.map((e: { contactName: string | null; accountName: string; earned: number }) => [
        e.contactName,
        e.accountName,
        e.earned,
      ]),
    ).toEqual([
      ['Bea Buyer', 'Group HQ', 1250],
      ['Sam Owner', 'Site North', 600],
      [null, 'Site North', 40],
    ]);
    // The same group seen from the site below it.
    const fromSite = json(await asMember(api, owner, { url: '/portal/api/company' }));
    expect(fromSite.group.id).toBe(ids.group);
    expect(fromSite.earned.data).toHaveLength(3);
  });

  it('lists a redemption waiting for the approver, who approves it there', async () => {
    const redeemed = await asMember(api, buyer, {
      method: 'POST',
      url: '/portal/api/redemptions',
      payload: { reward: voucher },
      headers: { 'idempotency-key': 'views-1' },
    });
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    const id = json(redeemed).id;
    expect(json(redeemed).status).toBe('pending_approval');

    const waiting = json(await asMember(api, approver, { url: '/portal/api/company?locale=pl' }));
    expect(waiting.approver).toBe(true);
    expect(waiting.approvals).toEqual([
      expect.objectContaining({
        id,
        rewardName: 'Bon',
        price: { amount: 300, unit: 'points' },
        requestedBy: 'Bea Buyer',
        approvals: { required: 1, given: 0 },
      }),
    ]);
    // The requester sees nothing to approve: it is not shown to them, and they may not see the view.
    const approve = await asMember(api, approver, {
      method: 'POST',
      url: `/portal/api/approvals/${id}/approve`,
      payload: {},
    });
    expect(approve.statusCode, approve.body).toBe(200);
    expect(json(approve)).toEqual({ id, status: 'approved' });
    const mine = json(await asMember(api, buyer, { url: '/portal/api/redemptions' })).data;
    expect(mine[0]).toMatchObject({ id, status: 'approved' });
    // Recorded as the approving contact, in the redemption's history and the audit log.
    const r = await ok(api.a.admin, 'GET', `/v1/redemptions/${id}`);
    expect(r.approvals.decisions).toEqual([
      expect.objectContaining({ approver: ids.ann, decision: 'approve' }),
    ]);
    const audit = await ok(api.a.admin, 'GET', `/v1/audit?resourceType=redemption&resourceId=${id}`);
    expect(audit.data.map((e: { actor: string }) => e.actor)).toContain(ids.ann);
    expect(json(await asMember(api, approver, { url: '/portal/api/company' })).approvals).toEqual([]);
  });

  it('rejects through the same rules: the points come back', async () => {
    const redeemed = await asMember(api, buyer, {
      method: 'POST',
      url: '/portal/api/redemptions',
      payload: { reward: voucher },
      headers: { 'idempotency-key': 'views-2' },
    });
    const id = json(redeemed).id;
    const before = json(await asMember(api, buyer, { url: '/portal/api/home' })).points;
    expect(before.held).toBeGreaterThanOrEqual(300);
    const reject = await asMember(api, approver, {
      method: 'POST',
      url: `/portal/api/approvals/${id}/reject`,
      payload: { note: 'Not this month' },
    });
    expect(reject.statusCode, reject.body).toBe(200);
    expect(json(reject).status).toBe('rejected');
    const after = json(await asMember(api, buyer, { url: '/portal/api/home' })).points;
    expect([after.held, after.available]).toEqual([before.held - 300, before.available + 300]);
  });
});

describe('memberships and perks', () => {
  it("shows the account's membership, its plan, term end and perks", async () => {
    const { a } = api;
    const plan = await ok(a.admin, 'POST', '/v1/membership-plans', {
      name: 'Pro',
      description: 'For installers',
      fee: { amount: '120.00', currency: 'EUR' },
      term: { months: 12 },
      renewal: 'auto',
      joining: 'contract',
      entitlements: [
        { key: 'priority_support', kind: 'flag' },
        { key: 'discount', kind: 'discount_code', prefix: 'PRO', percent: 10 },
      ],
    });
    const joined = await ok(
      a.write,
      'POST',
      '/v1/memberships',
      {
        account: 'GRP',
        plan: plan.id,
        via: 'contract',
        reference: 'C-1',
      },
      { 'idempotency-key': 'join-grp' },
    );
    const r = await asMember(api, buyer, { url: '/portal/api/perks' });
    expect(r.statusCode, r.body).toBe(200);
    const perks = json(r);
    expect(perks.memberships).toEqual([
      expect.objectContaining({
        id: joined.id,
        planName: 'Pro',
        planDescription: 'For installers',
        status: 'active',
        renewal: 'auto',
        endsAt: joined.endsAt,
        fee: { amount: '120.00', currency: 'EUR', minorUnits: 12000 },
      }),
    ]);
    expect(perks.entitlements.map((e: { key: string }) => e.key).sort()).toEqual([
      'discount',
      'priority_support',
    ]);
    const discount = perks.entitlements.find((e: { key: string }) => e.key === 'discount');
    expect(discount).toMatchObject({ kind: 'discount_code', percent: 10, active: true, planName: 'Pro' });
    expect(discount.code).toMatch(/^PRO-/);
    // The site below the group holds no membership of its own.
    expect(json(await asMember(api, owner, { url: '/portal/api/perks' }))).toEqual({
      memberships: [],
      entitlements: [],
    });
  });
});

describe('challenges and badges', () => {
  it('shows open challenges with progress, then the completion and the badge', async () => {
    const { a } = api;
    await ok(a.admin, 'POST', '/v1/badges', trainedBadge);
    await ok(
      a.admin,
      'POST',
      '/v1/challenges',
      threeTrainings({
        startsAt: '2020-01-01T00:00:00Z',
        description: 'Follow three trainings',
        translations: {
          nl: {
            name: 'Drie trainingen',
            description: 'Volg drie trainingen',
            goals: ['Volg drie trainingen af'],
          },
        },
      }),
    );
    const training = (id: string, hours: number) =>
      ok(a.write, 'POST', '/v1/events', {
        id,
        type: 'training.completed',
        account: 'GRP',
        occurredAt: hoursAgo(hours),
      });
    await training('tr-1', 3);
    await training('tr-2', 2);
    const halfway = json(await asMember(api, buyer, { url: '/portal/api/challenges' }));
    expect(halfway.challenges).toEqual([
      expect.objectContaining({
        code: 'three-trainings',
        name: 'Three trainings this quarter',
        description: 'Follow three trainings',
        status: 'open',
        goals: [{ label: 'Complete three trainings', metric: 'count', value: '2', target: '3', done: false }],
        steps: 1,
        stepsDone: 0,
        completed: false,
        points: 300,
      }),
    ]);
    expect([halfway.completions, halfway.badges]).toEqual([[], []]);
    await training('tr-3', 1);
    const done = json(await asMember(api, buyer, { url: '/portal/api/challenges?locale=nl' }));
    // The challenge in the member's language, where the operator translated it.
    expect(done.challenges[0]).toMatchObject({
      name: 'Drie trainingen',
      description: 'Volg drie trainingen',
      goals: [expect.objectContaining({ label: 'Volg drie trainingen af', done: true })],
      status: 'completed',
      completed: true,
      stepsDone: 1,
    });
    expect(done.completions).toEqual([
      expect.objectContaining({
        challenge: 'three-trainings',
        name: 'Drie trainingen',
        points: 300,
      }),
    ]);
    // The badge in the member's language, where the operator translated it.
    expect(done.badges).toEqual([
      expect.objectContaining({ code: 'trained', name: 'Getraind', mine: false }),
    ]);
  });
});

describe('contact challenges in the portal (decision 0061)', () => {
  it("shows the member's own contact challenges, marked, and only its own completions of them", async () => {
    const { a } = api;
    await ok(a.admin, 'POST', '/v1/challenges', perContact({ startsAt: '2020-01-01T00:00:00Z' }));
    const training = (id: string, hours: number, contact: string) =>
      ok(a.write, 'POST', '/v1/events', {
        id,
        type: 'training.completed',
        account: 'GRP',
        contact,
        occurredAt: hoursAgo(hours),
      });
    for (const [n, hours] of [3, 2, 1].entries()) await training(`mine-${n}`, hours, ids.bea!);
    await training('ann-1', 1, ids.ann!);
    const bea = json(await asMember(api, buyer, { url: '/portal/api/challenges' }));
    expect(bea.challenges.find((c: { code: string }) => c.code === 'my-trainings')).toMatchObject({
      mine: true,
      status: 'completed',
      goals: [expect.objectContaining({ value: '3' })],
    });
    expect(bea.challenges.find((c: { code: string }) => c.code === 'three-trainings')).toMatchObject({
      mine: false,
    });
    expect(bea.completions).toContainEqual(
      expect.objectContaining({ challenge: 'my-trainings', mine: true, points: 300 }),
    );
    const ann = json(await asMember(api, approver, { url: '/portal/api/challenges' }));
    expect(ann.challenges.find((c: { code: string }) => c.code === 'my-trainings')).toMatchObject({
      mine: true,
      status: 'open',
      goals: [expect.objectContaining({ value: '1' })],
    });
    // Bea's own completion is hers: Ann sees the team's completions only.
    expect(ann.completions.map((c: { challenge: string }) => c.challenge)).not.toContain('my-trainings');
  });
});

describe('tiers on the home page', () => {
  it('says which tier an account qualifies for before it is applied, and never needs nothing', async () => {
    const { a } = api;
    // Orders placed before the ladder existed: the account qualifies, no activity has lifted it yet.
    for (const id of ['o-1', 'o-2'])
      await ok(a.write, 'POST', '/v1/events', {
        id,
        type: 'purchase',
        account: 'GRP',
        occurredAt: hoursAgo(5),
        amount: '10.00',
        currency: 'EUR',
      });
    await ok(a.admin, 'POST', '/v1/tier-ladders', {
      document: {
        name: 'Level',
        metric: 'orders',
        window: { kind: 'rolling_months', months: 12 },
        tiers: [
          { code: 'silver', name: 'Silver', threshold: '2' },
          { code: 'gold', name: 'Gold', threshold: '10' },
        ],
      },
    });
    const [tier] = json(await asMember(api, buyer, { url: '/portal/api/home' })).tiers;
    expect(tier).toMatchObject({
      tier: null,
      qualifies: { tier: 'silver', name: 'Silver' },
      next: { tier: 'gold', name: 'Gold', needed: '8' },
    });
  });
});

describe('portal slugs', () => {
  it('are unique across programs: a taken one is refused, naming the field, and nothing changes', async () => {
    const { a, b } = api;
    const taken = await api.call(b.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { name: 'Renamed', settings: { portal: { slug: 'views' } } },
    });
    expect(taken.statusCode, taken.body).toBe(409);
    expect(json(taken)).toMatchObject({
      code: 'portal_slug_taken',
      errors: [{ path: '/body/settings/portal/slug', message: 'is taken by another program' }],
    });
    const program = await ok(b.admin, 'GET', '/v1/program');
    expect(program.name).not.toBe('Renamed');
    // A free one is taken, and the first program keeps its own.
    await ok(b.admin, 'PATCH', '/v1/program', { settings: { portal: { slug: 'views-b' } } });
    await ok(a.admin, 'PATCH', '/v1/program', { settings: { portal: { slug: 'views', name: 'Views' } } });
    expect((await ok(api.a.admin, 'GET', '/v1/program')).settings.portal.slug).toBe('views');
  });
});
