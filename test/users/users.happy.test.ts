// Console users managed over /v1/users by an owner's session: create (a generated password shown
// once), list by role and paged, change role and name, disable (sessions end at once, sign-in
// refused) and enable, reset a password; each write audited, bad input answered at its field.
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

function signIn(email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  client += 1;
  return api.app.inject({
    method: 'POST',
    url: '/console/session',
    payload: { email, password },
    remoteAddress: `10.1.${client >> 8}.${client & 255}`,
  });
}

async function session(email: string, password = PASSWORD): Promise<Session> {
  const response = await signIn(email, password);
  expect(response.statusCode, response.body).toBe(201);
  return { cookie: String(response.headers['set-cookie']).split(';')[0]!, csrf: response.json().csrfToken };
}

const as = (
  s: Session,
  options: { method?: 'GET' | 'POST' | 'PATCH'; url: string; payload?: unknown },
): Promise<LightMyRequestResponse> =>
  api.app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    ...(options.payload !== undefined && { payload: options.payload as object }),
  });

let owner: Session;
let ownerId: string;

beforeAll(async () => {
  api = await testApi();
  const made = await api.services.users.create(
    api.a.programId,
    { email: 'owner@a.test', password: PASSWORD, role: 'owner', name: 'Olive Owner' },
    FIXTURE,
  );
  ownerId = made.id;
  owner = await session('owner@a.test');
});

describe('console users over the API', () => {
  it('creates a user with a generated password, shown once, that signs in', async () => {
    const res = await as(owner, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: ' Victor@A.test ', name: 'Victor Viewer', role: 'viewer' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { user, password } = res.json();
    expect(res.headers.location).toBe(`/v1/users/${user.id}`);
    expect(user).toMatchObject({
      email: 'victor@a.test',
      name: 'Victor Viewer',
      role: 'viewer',
      disabledAt: null,
    });
    expect(password).toMatch(/^[\w-]{24}$/);
    expect((await signIn('victor@a.test', password)).statusCode).toBe(201);
    // Read back: never the password.
    const read = await as(owner, { url: `/v1/users/${user.id}` });
    expect(read.json()).toEqual(user);
    expect(read.body).not.toContain(password);
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${user.id}` });
    expect(audit.json().data).toMatchObject([{ action: 'user.create', actor: ownerId }]);
    expect(audit.body).not.toContain(password);
  });

  it('creates a user with the password given, and answers no password then', async () => {
    const res = await as(owner, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'mona@a.test', role: 'manager', password: 'manager-pass-1' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().password).toBeUndefined();
    expect((await signIn('mona@a.test', 'manager-pass-1')).statusCode).toBe(201);
  });

  it('lists the users by role, paged', async () => {
    for (const n of [1, 2, 3])
      await as(owner, {
        method: 'POST',
        url: '/v1/users',
        payload: { email: `approver${n}@a.test`, role: 'approver', password: PASSWORD },
      });
    const approvers = await as(owner, { url: '/v1/users?role=approver&limit=2' });
    expect(approvers.statusCode).toBe(200);
    expect(approvers.json().data.map((u: { email: string }) => u.email)).toEqual([
      'approver1@a.test',
      'approver2@a.test',
    ]);
    const next = await as(owner, {
      url: `/v1/users?role=approver&limit=2&cursor=${approvers.json().nextCursor}`,
    });
    expect(next.json()).toMatchObject({ data: [{ email: 'approver3@a.test' }], nextCursor: null });
    const all = await as(owner, { url: '/v1/users' });
    expect(
      all
        .json()
        .data.map((u: { role: string }) => u.role)
        .sort(),
    ).toEqual(['approver', 'approver', 'approver', 'manager', 'owner', 'viewer']);
  });

  it('changes a role and a name: the new role counts from the next request', async () => {
    await api.services.users.create(
      api.a.programId,
      { email: 'rita@a.test', password: PASSWORD, role: 'viewer' },
      FIXTURE,
    );
    const rita = await session('rita@a.test');
    const id = (await as(rita, { url: '/console/session' })).json().user.id;
    const write = { method: 'POST' as const, url: '/v1/accounts', payload: { name: 'Rita Ltd' } };
    expect((await as(rita, write)).json().code).toBe('insufficient_scope');
    const changed = await as(owner, {
      method: 'PATCH',
      url: `/v1/users/${id}`,
      payload: { role: 'manager', name: 'Rita Manager' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ role: 'manager', name: 'Rita Manager' });
    expect((await as(rita, write)).statusCode).toBe(201);
    expect((await as(rita, { url: '/console/session' })).json().user.role).toBe('manager');
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${id}` });
    expect(audit.json().data[0]).toMatchObject({
      action: 'user.role_change',
      actor: ownerId,
      before: { role: 'viewer' },
      after: { role: 'manager', name: 'Rita Manager' },
    });
    // The same change again changes nothing and records nothing.
    await as(owner, { method: 'PATCH', url: `/v1/users/${id}`, payload: { role: 'manager' } });
    const again = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${id}` });
    expect(again.json().data.length).toBe(audit.json().data.length);
  });

  it('disables a user: their session ends at once and sign-in is refused; enabling lets them in again', async () => {
    const made = (
      await as(owner, {
        method: 'POST',
        url: '/v1/users',
        payload: { email: 'dan@a.test', role: 'manager', password: PASSWORD },
      })
    ).json().user;
    const dan = await session('dan@a.test');
    expect((await as(dan, { url: '/v1/accounts' })).statusCode).toBe(200);
    const disabled = await as(owner, { method: 'POST', url: `/v1/users/${made.id}/disable` });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json().disabledAt).not.toBeNull();
    const after = await as(dan, { url: '/v1/accounts' });
    expect([after.statusCode, after.json().code]).toEqual([401, 'session_expired']);
    const refused = await signIn('dan@a.test');
    expect([refused.statusCode, refused.json().code]).toEqual([401, 'invalid_credentials']);
    expect(
      (await as(owner, { url: '/v1/users?disabled=true' })).json().data.map((u: { id: string }) => u.id),
    ).toEqual([made.id]);

    const enabled = await as(owner, { method: 'POST', url: `/v1/users/${made.id}/enable` });
    expect(enabled.json().disabledAt).toBeNull();
    // The old session stays ended; a new sign-in works.
    expect((await as(dan, { url: '/v1/accounts' })).statusCode).toBe(401);
    expect((await signIn('dan@a.test')).statusCode).toBe(201);
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${made.id}` });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual([
      'user.enable',
      'user.disable',
      'user.create',
    ]);
  });

  it('resets a password: the old one and its sessions end; a generated one is answered once', async () => {
    const made = (
      await as(owner, {
        method: 'POST',
        url: '/v1/users',
        payload: { email: 'pat@a.test', role: 'viewer', password: PASSWORD },
      })
    ).json().user;
    const pat = await session('pat@a.test');
    const reset = await as(owner, { method: 'POST', url: `/v1/users/${made.id}/password`, payload: {} });
    expect(reset.statusCode, reset.body).toBe(200);
    const { password } = reset.json();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect((await as(pat, { url: '/v1/accounts' })).statusCode).toBe(401);
    expect((await signIn('pat@a.test')).statusCode).toBe(401);
    expect((await signIn('pat@a.test', password)).statusCode).toBe(201);
    const chosen = await as(owner, {
      method: 'POST',
      url: `/v1/users/${made.id}/password`,
      payload: { password: 'a chosen password' },
    });
    expect(chosen.json().password).toBeUndefined();
    expect((await signIn('pat@a.test', 'a chosen password')).statusCode).toBe(201);
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${made.id}` });
    expect(audit.json().data[0]).toMatchObject({ action: 'user.password_reset', actor: ownerId });
    expect(audit.body).not.toContain('a chosen password');
    expect(audit.body).not.toContain(password);
  });

  it('answers bad input with a problem at its field', async () => {
    const post = (payload: object) => as(owner, { method: 'POST', url: '/v1/users', payload });
    const email = await post({ email: 'not-an-address', role: 'viewer' });
    expect([email.statusCode, email.json().code, email.json().errors?.[0]?.path]).toEqual([
      400,
      'validation_failed',
      '/body/email',
    ]);
    const role = await post({ email: 'x@a.test', role: 'superuser' });
    expect([role.statusCode, role.json().code]).toEqual([400, 'validation_failed']);
    expect(role.json().errors[0].path).toBe('/body/role');
    const short = await post({ email: 'x@a.test', role: 'viewer', password: 'short' });
    expect(short.json().errors[0].path).toBe('/body/password');
    const taken = await post({ email: 'OWNER@a.test', role: 'viewer' });
    expect([taken.statusCode, taken.json().code]).toEqual([409, 'user_email_taken']);
    const unknown = await as(owner, {
      method: 'PATCH',
      url: '/v1/users/usr_nope',
      payload: { role: 'viewer' },
    });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'user_not_found']);
    const empty = await as(owner, { method: 'PATCH', url: `/v1/users/${ownerId}`, payload: {} });
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'validation_failed']);
  });
});
