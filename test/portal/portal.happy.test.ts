// The member portal through its API: a link minted by the operator's site opens a cookie session,
// and the member sees their balance, history, catalog and redemptions, and redeems.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, exchange, json, type MemberSession, memberOf, mint, signIn } from './portal-fixture.ts';

let api: TestApi;
let session: MemberSession;
let ids: { accountId: string; contactId: string };
let cheap: string;
let dear: string;
let gold: string;

beforeAll(async () => {
  api = await testApi();
  const { a } = api;
  const patch = await api.call(a.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: {
      settings: {
        portal: { slug: 'acme' },
        branding: { displayName: 'Acme Rewards', colors: { primary: '#7a1f1f' } },
        ledger: { costPerPoint: '0.01', expiry: { kind: 'months_after_earning', months: 2 } },
        redemptions: { approval: { above: { points: 500 } } },
      },
    },
  });
  expect(patch.statusCode, patch.body).toBe(200);
  ids = await memberOf(api, a.write, a.programId, 'ACME-1', 1200);
  const reward = async (payload: object) => {
    const r = await api.call(a.admin, { method: 'POST', url: '/v1/rewards', payload });
    expect(r.statusCode, r.body).toBe(201);
    return json(r).id as string;
  };
  cheap = await reward({
    type: 'custom',
    name: 'Mug',
    translations: { pl: { name: 'Kubek' } },
    price: { amount: 200, unit: 'points' },
    stock: { kind: 'unlimited' },
  });
  dear = await reward({
    type: 'egift_card',
    name: 'Gift card',
    price: { amount: 800, unit: 'points' },
    stock: { kind: 'codes' },
  });
  const codes = await api.call(a.admin, {
    method: 'POST',
    url: `/v1/rewards/${dear}/codes`,
    payload: { codes: ['GIFT-0001'] },
  });
  expect(codes.statusCode, codes.body).toBeLessThan(300);
  gold = await reward({
    type: 'custom',
    name: 'Trip',
    price: { amount: 5000, unit: 'points' },
    stock: { kind: 'unlimited' },
  });
  session = await signIn(api, a.write, 'acme', ids.contactId);
});

describe('the member portal', () => {
  it('mints a link to the program’s portal that opens once into an HttpOnly cookie session', async () => {
    const link = await mint(api, api.a.write, ids.contactId);
    expect(link.statusCode, link.body).toBe(201);
    const body = json(link);
    expect(body.path).toBe(`/portal/acme/enter#token=${body.token}`);
    expect(body.url).toBe(`http://localhost:80/portal/acme/enter#token=${body.token}`);
    expect(body).toMatchObject({ contactId: ids.contactId, accountId: ids.accountId });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const opened = await exchange(api, 'acme', body.token);
    expect(opened.statusCode, opened.body).toBe(201);
    const cookie = String(opened.headers['set-cookie']);
    expect(cookie).toMatch(
      /^fidelis_portal=[\w-]{43}; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=28800$/,
    );
    expect(json(opened)).toMatchObject({
      contact: { id: ids.contactId, accountId: ids.accountId, name: 'Bea Buyer' },
      portal: { slug: 'acme', name: 'Acme Rewards', colors: { primary: '#7a1f1f', onPrimary: '#ffffff' } },
    });
    expect(json(opened)).not.toHaveProperty('token');
    const audit = json(
      await api.call(api.a.admin, { method: 'GET', url: '/v1/audit?resourceType=portal_link' }),
    );
    expect(audit.data[0]).toMatchObject({ action: 'portal_link.create', resourceId: body.id });
    expect(JSON.stringify(audit.data[0])).not.toContain(body.token);
  });

  it('serves the branding of a portal by its slug', async () => {
    const r = await api.app.inject({ method: 'GET', url: '/portal/api/portals/acme' });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r)).toMatchObject({ slug: 'acme', name: 'Acme Rewards', logoUrl: null });
    const none = await api.app.inject({ method: 'GET', url: '/portal/api/portals/nobody-here' });
    expect(json(none).code).toBe('portal_not_found');
  });

  it('shows the balance with its money value, pending, expiring with dates, and the history explained', async () => {
    const home = await asMember(api, session, { url: '/portal/api/home' });
    expect(home.statusCode, home.body).toBe(200);
    const h = json(home);
    expect(h.points).toMatchObject({
      available: 1200,
      pending: 0,
      value: { currency: 'EUR', minorUnits: 1200 },
    });
    expect(h.points.expiring).toHaveLength(1);
    expect(h.points.expiring[0].amount).toBe(1200);
    const days = (Date.parse(h.points.expiring[0].expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(55);
    expect(days).toBeLessThan(63);
    const history = json(await asMember(api, session, { url: '/portal/api/history' }));
    expect(history.data).toEqual([
      expect.objectContaining({
        type: 'earn',
        amount: 1200,
        explanation: 'Welcome bonus',
        balanceAfter: 1200,
      }),
    ]);
    const redeems = json(await asMember(api, session, { url: '/portal/api/history?type=redeem' }));
    expect(redeems.data).toEqual([]);
  });

  it('shows the catalog with eligibility in the member’s language, and why not', async () => {
    const list = json(await asMember(api, session, { url: '/portal/api/rewards?locale=pl' })).data as Array<{
      id: string;
      name: string;
      redeemable: { ok: boolean; shortBy: number | null; reasons: string[] };
    }>;
    const byId = Object.fromEntries(list.map((r) => [r.id, r]));
    expect(byId[cheap]).toMatchObject({ name: 'Kubek', redeemable: { ok: true } });
    expect(byId[gold]).toMatchObject({
      redeemable: { ok: false, shortBy: 3800, reasons: ['3800 points short'] },
    });
  });

  it('redeems once per Idempotency-Key; a redemption above the policy waits, then shows its code once approved', async () => {
    const redeem = (key: string, reward: string) =>
      asMember(api, session, {
        method: 'POST',
        url: '/portal/api/redemptions',
        headers: { 'idempotency-key': key },
        payload: { reward },
      });
    const first = await redeem('r-1', dear);
    expect(first.statusCode, first.body).toBe(201);
    const waiting = json(first);
    expect(waiting).toMatchObject({ rewardName: 'Gift card', status: 'pending_approval', code: null });
    const again = await redeem('r-1', dear);
    expect(again.statusCode).toBe(200);
    expect(json(again).id).toBe(waiting.id);
    const home = json(await asMember(api, session, { url: '/portal/api/home' }));
    expect(home.points).toMatchObject({ available: 400, held: 800 });

    const approve = await api.call(api.a.admin, {
      method: 'POST',
      url: `/v1/redemptions/${waiting.id}/approve`,
      payload: {},
    });
    expect(approve.statusCode, approve.body).toBe(200);
    const mine = json(await asMember(api, session, { url: '/portal/api/redemptions' })).data;
    expect(mine).toEqual([
      expect.objectContaining({ id: waiting.id, status: 'fulfilled', code: 'GIFT-0001' }),
    ]);
    const audit = json(
      await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${waiting.id}` }),
    ).data as Array<{ action: string; actor: string }>;
    expect(audit.find((e) => e.action === 'redemption.requested')?.actor).toBe(ids.contactId);
  });

  it('signs out: the cookie no longer opens anything', async () => {
    const other = await signIn(api, api.a.write, 'acme', ids.contactId);
    const out = await asMember(api, other, { method: 'DELETE', url: '/portal/api/session' });
    expect(out.statusCode, out.body).toBe(204);
    const after = await asMember(api, other, { url: '/portal/api/home' });
    expect(json(after).code).toBe('portal_session_expired');
  });
});
