// The portal's links and sessions: a link opens once, expires, opens only its own program's portal;
// a member reads and writes only their own account, whatever ids they send; writes need CSRF.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, exchange, json, type MemberSession, memberOf, mint, signIn } from './portal-fixture.ts';

let api: TestApi;
let mine: { accountId: string; contactId: string };
let theirs: { accountId: string; contactId: string };
let otherProgram: { accountId: string; contactId: string };
let session: MemberSession;
let rewardB: string;

beforeAll(async () => {
  api = await testApi();
  const { a, b } = api;
  for (const [key, slug] of [
    [a.admin, 'alpha'],
    [b.admin, 'beta'],
  ] as const) {
    const r = await api.call(key, {
      method: 'PATCH',
      url: '/v1/program',
      payload: { settings: { portal: { slug } } },
    });
    expect(r.statusCode, r.body).toBe(200);
  }
  mine = await memberOf(api, a.write, a.programId, 'MINE', 500);
  theirs = await memberOf(api, a.write, a.programId, 'THEIRS', 900);
  otherProgram = await memberOf(api, b.write, b.programId, 'OTHER', 700);
  const reward = await api.call(b.admin, {
    method: 'POST',
    url: '/v1/rewards',
    payload: {
      type: 'custom',
      name: 'B only',
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'unlimited' },
    },
  });
  rewardB = json(reward).id;
  session = await signIn(api, a.write, 'alpha', mine.contactId);
});

describe('portal links', () => {
  it('open once: a second exchange of the same token is refused', async () => {
    const token = json(await mint(api, api.a.write, mine.contactId)).token;
    expect((await exchange(api, 'alpha', token)).statusCode).toBe(201);
    const again = await exchange(api, 'alpha', token);
    expect(again.statusCode).toBe(401);
    expect(json(again).code).toBe('portal_link_invalid');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('expire after 5 minutes', async () => {
    const link = await api.services.portal.mintLink(
      api.a.programId,
      mine.contactId,
      { kind: 'cli' },
      new Date(Date.now() - 5 * 60_000 - 1000),
    );
    const r = await exchange(api, 'alpha', link.token);
    expect(json(r).code).toBe('portal_link_invalid');
  });

  it('open only their own program’s portal, and the link stays unused', async () => {
    const token = json(await mint(api, api.b.write, otherProgram.contactId)).token;
    expect(json(await exchange(api, 'alpha', token)).code).toBe('portal_link_invalid');
    expect((await exchange(api, 'beta', token)).statusCode).toBe(201);
  });

  it('are minted only for a contact of the key’s program, and only with the write scope', async () => {
    const foreign = await mint(api, api.a.write, otherProgram.contactId);
    expect(foreign.statusCode).toBe(404);
    expect(json(foreign).code).toBe('contact_not_found');
    expect(json(await mint(api, api.a.read, mine.contactId)).code).toBe('insufficient_scope');
    const anonymous = await api.app.inject({
      method: 'POST',
      url: '/v1/portal/sessions',
      payload: { contact: mine.contactId },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('an unknown or malformed token gets the same refusal as a used one', async () => {
    expect(json(await exchange(api, 'alpha', 'x'.repeat(43))).code).toBe('portal_link_invalid');
    expect((await exchange(api, 'alpha', 'short')).statusCode).toBe(400);
  });
});

describe('a member', () => {
  it('needs the cookie: without it, or with a forged one, nothing is shown', async () => {
    const none = await api.app.inject({ method: 'GET', url: '/portal/api/home' });
    expect(json(none).code).toBe('portal_session_expired');
    const forged = await asMember(
      api,
      { cookie: `fidelis_portal=${'a'.repeat(43)}`, csrf: 'x' },
      { url: '/portal/api/home' },
    );
    expect(json(forged).code).toBe('portal_session_expired');
  });

  it('sees only their own account, whatever ids the query carries', async () => {
    const home = json(await asMember(api, session, { url: '/portal/api/home' }));
    expect(home.points.available).toBe(500);
    for (const url of [
      `/portal/api/history?account=${theirs.accountId}`,
      `/portal/api/history?contactId=${theirs.contactId}`,
      `/portal/api/rewards?account=${theirs.accountId}`,
      `/portal/api/redemptions?account=${theirs.accountId}`,
    ]) {
      const r = await asMember(api, session, { url });
      expect(r.statusCode, url).toBe(400);
    }
    const history = json(await asMember(api, session, { url: '/portal/api/history' }));
    expect(history.data.every((l: { accountId: string }) => l.accountId === mine.accountId)).toBe(true);
    expect(history.data).toHaveLength(1);
  });

  it('cannot redeem for another account, nor another program’s reward', async () => {
    const forOther = await asMember(api, session, {
      method: 'POST',
      url: '/portal/api/redemptions',
      headers: { 'idempotency-key': 'sec-1' },
      payload: { reward: rewardB, account: theirs.accountId },
    });
    expect(forOther.statusCode).toBe(400);
    const foreign = await asMember(api, session, {
      method: 'POST',
      url: '/portal/api/redemptions',
      headers: { 'idempotency-key': 'sec-2' },
      payload: { reward: rewardB },
    });
    expect(json(foreign).code).toBe('reward_not_found');
  });

  it('writes only with the session’s CSRF header and an Idempotency-Key', async () => {
    const noCsrf = await api.app.inject({
      method: 'POST',
      url: '/portal/api/redemptions',
      headers: { cookie: session.cookie, 'idempotency-key': 'sec-3' },
      payload: { reward: rewardB },
    });
    expect(json(noCsrf).code).toBe('csrf_token_invalid');
    const other = await signIn(api, api.a.write, 'alpha', theirs.contactId);
    const wrongCsrf = await asMember(
      api,
      { cookie: session.cookie, csrf: other.csrf },
      {
        method: 'DELETE',
        url: '/portal/api/session',
      },
    );
    expect(json(wrongCsrf).code).toBe('csrf_token_invalid');
    const noKey = await asMember(api, session, {
      method: 'POST',
      url: '/portal/api/redemptions',
      payload: { reward: rewardB },
    });
    expect(noKey.statusCode).toBe(400);
  });

  it('is not an API key: the portal cookie opens nothing under /v1', async () => {
    const r = await api.app.inject({
      method: 'GET',
      url: '/v1/accounts',
      headers: { cookie: session.cookie },
    });
    expect(r.statusCode).toBe(401);
  });
});
