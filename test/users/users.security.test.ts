// Who may manage console users: admins and owners only (sessions and admin keys), never a role above
// their own nor a user above them, never the program's last enabled owner away, never another
// program's users; a session's writes need its CSRF token.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
const PASSWORD = 'correct horse battery';
let client = 0;

interface Session {
  cookie: string;
  csrf: string;
}

async function session(email: string): Promise<Session> {
  client += 1;
  const response = await api.app.inject({
    method: 'POST',
    url: '/console/session',
    payload: { email, password: PASSWORD },
    remoteAddress: `10.2.${client >> 8}.${client & 255}`,
  });
  expect(response.statusCode, response.body).toBe(201);
  return { cookie: String(response.headers['set-cookie']).split(';')[0]!, csrf: response.json().csrfToken };
}

const as = (
  s: Session,
  options: { method?: 'GET' | 'POST' | 'PATCH'; url: string; payload?: unknown; csrf?: boolean },
): Promise<LightMyRequestResponse> =>
  api.app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    headers: { cookie: s.cookie, ...(options.csrf === false ? {} : { 'x-csrf-token': s.csrf }) },
    ...(options.payload !== undefined && { payload: options.payload as object }),
  });

const ids: Record<string, string> = {};

async function user(programId: string, email: string, role: string): Promise<string> {
  const made = await api.services.users.create(programId, { email, password: PASSWORD, role }, FIXTURE);
  ids[email] = made.id;
  return made.id;
}

const code = (res: LightMyRequestResponse) => [res.statusCode, res.json().code];

beforeAll(async () => {
  api = await testApi();
  for (const role of ['viewer', 'approver', 'manager', 'admin', 'owner'])
    await user(api.a.programId, `${role}@a.test`, role);
  await user(api.b.programId, 'owner@b.test', 'owner');
});

describe('managing console users', () => {
  it('is refused to viewers, approvers and managers on every route, changing nothing', async () => {
    const target = ids['viewer@a.test']!;
    const calls = [
      { url: '/v1/users' },
      { url: `/v1/users/${target}` },
      { method: 'POST' as const, url: '/v1/users', payload: { email: 'new@a.test', role: 'viewer' } },
      { method: 'PATCH' as const, url: `/v1/users/${target}`, payload: { role: 'approver' } },
      { method: 'POST' as const, url: `/v1/users/${target}/disable` },
      { method: 'POST' as const, url: `/v1/users/${target}/enable` },
      { method: 'POST' as const, url: `/v1/users/${target}/password`, payload: {} },
    ];
    for (const role of ['viewer', 'approver', 'manager']) {
      const s = await session(`${role}@a.test`);
      for (const call of calls)
        expect(code(await as(s, call)), `${role} ${call.url}`).toEqual([403, 'insufficient_scope']);
    }
    for (const key of [api.a.read, api.a.write]) {
      const res = await api.call(key, {
        method: 'POST',
        url: '/v1/users',
        payload: { email: 'k@a.test', role: 'viewer' },
      });
      expect(code(res)).toEqual([403, 'insufficient_scope']);
    }
    expect(await api.services.users.exists('new@a.test')).toBe(false);
    expect((await api.services.users.get(api.a.programId, target)).role).toBe('viewer');
  });

  it('never grants a role above the manager’s own, nor manages a user above it', async () => {
    const admin = await session('admin@a.test');
    const owner = ids['owner@a.test']!;
    const makeOwner = await as(admin, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'would-be-owner@a.test', role: 'owner' },
    });
    expect(code(makeOwner)).toEqual([403, 'role_above_own']);
    expect(await api.services.users.exists('would-be-owner@a.test')).toBe(false);
    const promote = await as(admin, {
      method: 'PATCH',
      url: `/v1/users/${ids['manager@a.test']}`,
      payload: { role: 'owner' },
    });
    expect(code(promote)).toEqual([403, 'role_above_own']);
    for (const call of [
      { method: 'PATCH' as const, url: `/v1/users/${owner}`, payload: { role: 'viewer' } },
      { method: 'POST' as const, url: `/v1/users/${owner}/disable` },
      { method: 'POST' as const, url: `/v1/users/${owner}/password`, payload: {} },
    ])
      expect(code(await as(admin, call)), call.url).toEqual([403, 'role_above_own']);
    expect(await api.services.users.get(api.a.programId, owner)).toMatchObject({
      role: 'owner',
      disabledAt: null,
    });
    // Up to its own: an admin makes an admin.
    const made = await as(admin, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'second-admin@a.test', role: 'admin' },
    });
    expect(made.statusCode, made.body).toBe(201);
  });

  it('lets an admin key act as an admin (no owner), an owner grant any role', async () => {
    const byKey = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'key-owner@a.test', role: 'owner' },
    });
    expect(code(byKey)).toEqual([403, 'role_above_own']);
    const keyAdmin = await api.call(api.a.admin, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'key-admin@a.test', role: 'admin' },
    });
    expect(keyAdmin.statusCode).toBe(201);
    const audit = await api.call(api.a.admin, {
      method: 'GET',
      url: `/v1/audit?resourceId=${keyAdmin.json().user.id}`,
    });
    expect(audit.json().data[0].actor).toMatch(/^key_/);
    const owner = await session('owner@a.test');
    const second = await as(owner, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'second-owner@a.test', role: 'owner', password: PASSWORD },
    });
    expect(second.statusCode, second.body).toBe(201);
    ids['second-owner@a.test'] = second.json().user.id;
  });

  it('keeps an enabled owner: the last one can be neither demoted nor disabled', async () => {
    const owner = await session('owner@a.test');
    const first = ids['owner@a.test']!;
    const other = ids['second-owner@a.test']!;
    // Two owners: one may go.
    const demoted = await as(owner, {
      method: 'PATCH',
      url: `/v1/users/${other}`,
      payload: { role: 'admin' },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    // Now the last: neither by itself nor by anyone.
    expect(
      code(await as(owner, { method: 'PATCH', url: `/v1/users/${first}`, payload: { role: 'admin' } })),
    ).toEqual([409, 'last_owner']);
    expect(code(await as(owner, { method: 'POST', url: `/v1/users/${first}/disable` }))).toEqual([
      409,
      'last_owner',
    ]);
    // A disabled owner does not count: promoted back, then disabled, it leaves one enabled owner.
    await as(owner, { method: 'PATCH', url: `/v1/users/${other}`, payload: { role: 'owner' } });
    expect((await as(owner, { method: 'POST', url: `/v1/users/${other}/disable` })).statusCode).toBe(200);
    expect(code(await as(owner, { method: 'POST', url: `/v1/users/${first}/disable` }))).toEqual([
      409,
      'last_owner',
    ]);
    expect(await api.services.users.get(api.a.programId, first)).toMatchObject({
      role: 'owner',
      disabledAt: null,
    });
    // Another program's owners do not count either (program b has one of its own).
  });

  it('never shows or touches another program’s users', async () => {
    const foreign = await session('owner@b.test');
    const list = await as(foreign, { url: '/v1/users' });
    expect(list.json().data.map((u: { email: string }) => u.email)).toEqual(['owner@b.test']);
    const target = ids['viewer@a.test']!;
    for (const call of [
      { url: `/v1/users/${target}` },
      { method: 'PATCH' as const, url: `/v1/users/${target}`, payload: { role: 'manager' } },
      { method: 'POST' as const, url: `/v1/users/${target}/disable` },
      { method: 'POST' as const, url: `/v1/users/${target}/enable` },
      { method: 'POST' as const, url: `/v1/users/${target}/password`, payload: {} },
    ]) {
      const res = await as(foreign, call);
      expect(code(res), call.url).toEqual([404, 'user_not_found']);
      expect(res.body).not.toContain('viewer@a.test');
    }
    const byKey = await api.call(api.b.admin, { method: 'GET', url: '/v1/users?role=viewer' });
    expect(byKey.json().data).toEqual([]);
    expect(await api.services.users.get(api.a.programId, target)).toMatchObject({
      role: 'viewer',
      disabledAt: null,
    });
  });

  it('needs the session’s CSRF token for every write', async () => {
    const owner = await session('owner@a.test');
    const res = await as(owner, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'forged@a.test', role: 'admin' },
      csrf: false,
    });
    expect(code(res)).toEqual([403, 'csrf_token_invalid']);
    expect(await api.services.users.exists('forged@a.test')).toBe(false);
  });

  it('does not lend an approver the admin scope on user routes', async () => {
    const approver = await session('approver@a.test');
    const res = await as(approver, { method: 'POST', url: `/v1/users/${ids['viewer@a.test']}/disable` });
    expect(code(res)).toEqual([403, 'insufficient_scope']);
  });
});
