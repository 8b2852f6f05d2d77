// Console sessions at the HTTP edge: cookie flags, CSRF, tenancy, roles, and sign-in that does not
// tell a wrong password from an unknown e-mail.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { setSessionCookie } from '../../src/modules/users/users-plugin.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const PASSWORD = 'correct horse battery';

interface Session {
  cookie: string;
  csrf: string;
}

let client = 0;

/** Each sign-in from another client address (one address may try 20 times a minute). */
async function signIn(email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  client += 1;
  return api.app.inject({
    method: 'POST',
    url: '/console/session',
    payload: { email, password },
    remoteAddress: `10.0.${client >> 8}.${client & 255}`,
  });
}

async function session(email: string): Promise<Session> {
  const response = await signIn(email);
  expect(response.statusCode).toBe(201);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: response.json().csrfToken };
}

const as = (
  s: Session,
  options: { method?: 'GET' | 'POST' | 'DELETE'; url: string; payload?: unknown; csrf?: boolean },
) =>
  api.app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    headers: { cookie: s.cookie, ...(options.csrf === false ? {} : { 'x-csrf-token': s.csrf }) },
    ...(options.payload !== undefined && { payload: options.payload as object }),
  });

beforeAll(async () => {
  api = await testApi();
  const { users } = api.services;
  for (const role of ['viewer', 'approver', 'manager', 'admin'] as const)
    await users.create(api.a.programId, { email: `${role}@a.test`, password: PASSWORD, role }, FIXTURE);
  await users.create(api.b.programId, { email: 'admin@b.test', password: PASSWORD, role: 'admin' }, FIXTURE);
  await api.call(api.a.admin, {
    method: 'POST',
    url: '/v1/accounts',
    payload: { externalId: 'CRM-A1', name: 'Alpha Ltd' },
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax cookie for the whole site, Secure only over TLS', async () => {
    const response = await signIn('viewer@a.test');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^fidelis_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect(response.json()).toMatchObject({ user: { email: 'viewer@a.test', role: 'viewer' } });
    expect(JSON.stringify(response.json())).not.toContain(cookie.split(';')[0]!.split('=')[1]!);

    // Fastify reads TLS off the socket (request.protocol): the cookie of an https request is Secure.
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) };
    setSessionCookie({ protocol: 'https' } as never, reply as never, 'token-'.repeat(5), 60);
    expect(headers['set-cookie']).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=60; Secure$/);
  });

  it('limits sign-in attempts per client address', async () => {
    const attempt = () =>
      api.app.inject({
        method: 'POST',
        url: '/console/session',
        payload: { email: `x${Math.random()}@a.test`, password: 'whatever' },
        remoteAddress: '192.0.2.1',
      });
    for (let i = 0; i < 20; i++) expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(429);
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const wrong = await signIn('manager@a.test', 'not the password');
    const unknown = await signIn('nobody@a.test', 'not the password');
    const strip = (r: LightMyRequestResponse) => {
      const { requestId: _, ...rest } = r.json();
      return { status: r.statusCode, body: rest, cookie: r.headers['set-cookie'] };
    };
    expect(strip(wrong)).toEqual(strip(unknown));
    expect(strip(wrong)).toMatchObject({
      status: 401,
      body: { code: 'invalid_credentials' },
      cookie: undefined,
    });
  });

  it('stops guessing one address after ten failures, whatever the password', async () => {
    await api.services.users.create(
      api.a.programId,
      { email: 'guessed@a.test', password: PASSWORD, role: 'viewer' },
      FIXTURE,
    );
    for (let i = 0; i < 10; i++) expect((await signIn('guessed@a.test', `guess ${i}`)).statusCode).toBe(401);
    const blocked = await signIn('guessed@a.test');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('sign_in_rate_limited');
  });
});

describe('a session', () => {
  it('reads the API of its own program with the scopes of its role', async () => {
    const viewer = await session('viewer@a.test');
    const me = await as(viewer, { url: '/console/session' });
    expect(me.json()).toMatchObject({ user: { role: 'viewer' }, csrfToken: viewer.csrf });
    const accounts = await as(viewer, { url: '/v1/accounts?q=Alpha' });
    expect(accounts.statusCode).toBe(200);
    expect(accounts.json().data.map((a: { externalId: string }) => a.externalId)).toContain('CRM-A1');
  });

  it('never sees another program', async () => {
    const other = await session('admin@b.test');
    expect((await as(other, { url: '/v1/accounts/CRM-A1' })).statusCode).toBe(404);
    const list = await as(other, { url: '/v1/accounts' });
    expect(list.json().data).toEqual([]);
  });

  it('refuses a state-changing request without the CSRF header, or with another session’s', async () => {
    const admin = await session('admin@a.test');
    const viewer = await session('viewer@a.test');
    const body = { externalId: 'CRM-CSRF', name: 'Forged Ltd' };
    const missing = await as(admin, { method: 'POST', url: '/v1/accounts', payload: body, csrf: false });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('csrf_token_invalid');
    const foreign = await as(
      { ...admin, csrf: viewer.csrf },
      { method: 'POST', url: '/v1/accounts', payload: body },
    );
    expect(foreign.json().code).toBe('csrf_token_invalid');
    const signOut = await as(admin, { method: 'DELETE', url: '/console/session', csrf: false });
    expect(signOut.json().code).toBe('csrf_token_invalid');
    const ok = await as(admin, { method: 'POST', url: '/v1/accounts', payload: body });
    expect(ok.statusCode).toBe(201);
    const audit = await api.call(api.a.admin, { method: 'GET', url: '/v1/audit?action=account.create' });
    const me = (await as(admin, { url: '/console/session' })).json().user.id;
    expect(audit.json().data.find((e: { resourceId: string }) => e.resourceId === ok.json().id).actor).toBe(
      me,
    );
  });

  it('lets a viewer read but not write, and a manager write but not manage keys', async () => {
    const viewer = await session('viewer@a.test');
    const refused = await as(viewer, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'X', name: 'X' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('insufficient_scope');
    const manager = await session('manager@a.test');
    expect((await as(manager, { url: '/v1/keys' })).json().code).toBe('insufficient_scope');
  });

  it('lets the deciding roles approve a waiting redemption as operator staff; a viewer and another program cannot', async () => {
    const admin = { authorization: `Bearer ${api.a.admin}` };
    await api.app.inject({
      method: 'PATCH',
      url: '/v1/program',
      headers: admin,
      payload: { settings: { redemptions: { approval: { always: true } } } },
    });
    await api.app.inject({
      method: 'POST',
      url: '/v1/ledger/credits',
      headers: { ...admin, 'idempotency-key': 'seed-alpha' },
      payload: {
        account: 'CRM-A1',
        amount: 10_000,
        unit: 'points',
        reasonCode: 'seed',
        explanation: 'Opening balance',
      },
    });
    const reward = await api.app.inject({
      method: 'POST',
      url: '/v1/rewards',
      headers: admin,
      payload: {
        type: 'merchandise',
        name: 'Kit',
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'counted', quantity: 5 },
      },
    });
    expect(reward.statusCode, reward.body).toBe(201);
    const request = async (n: number) => {
      const r = await api.app.inject({
        method: 'POST',
        url: '/v1/redemptions',
        headers: { ...admin, 'idempotency-key': `kit-${n}` },
        payload: { reward: reward.json().id, account: 'CRM-A1' },
      });
      expect(r.json().status, r.body).toBe('pending_approval');
      return r.json().id as string;
    };
    const first = await request(1);
    const second = await request(2);
    const decide = (s: Session, id: string, decision: 'approve' | 'reject') =>
      as(s, { method: 'POST', url: `/v1/redemptions/${id}/${decision}`, payload: { note: 'ok' } });

    const viewer = await decide(await session('viewer@a.test'), first, 'approve');
    expect([viewer.statusCode, viewer.json().code]).toEqual([403, 'insufficient_scope']);
    const foreign = await decide(await session('admin@b.test'), first, 'approve');
    expect(foreign.statusCode).toBe(404);

    const approver = await session('approver@a.test');
    const approved = await decide(approver, first, 'approve');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('approved');
    const rejected = await decide(await session('manager@a.test'), second, 'reject');
    expect(rejected.json().status).toBe('rejected');
    // The approver's admin scope is lent for the decision only.
    const write = await as(approver, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'X2', name: 'X' },
    });
    expect(write.json().code).toBe('insufficient_scope');
  });

  it('ends at sign-out: the cookie is cleared and no longer accepted', async () => {
    const viewer = await session('viewer@a.test');
    const out = await as(viewer, { method: 'DELETE', url: '/console/session' });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^fidelis_session=; .*Max-Age=0/);
    const after = await as(viewer, { url: '/v1/accounts' });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('session_expired');
    // The scheduler's upkeep forgets it a day later, and keeps the live ones.
    const live = await session('viewer@a.test');
    const dayAfter = new Date(Date.now() + 86_400_000 + 60_000);
    expect(await api.services.users.pruneSessions(api.a.programId, dayAfter)).toBeGreaterThan(0);
    expect((await as(live, { url: '/console/session' })).statusCode).toBe(200);
  });
});
