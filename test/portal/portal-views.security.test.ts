// The company view's boundaries (decision 0022): only the roles the program names see it; a member
// sees only their own group; approvals go through the rewards rules (approver roles, never one's own
// request, each approver once, only the member's own account); writes need the session's CSRF header.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, json, type MemberSession, signIn } from './portal-fixture.ts';

let api: TestApi;
const ids: Record<string, string> = {};
const sessions: Record<string, MemberSession> = {};
let reward: string;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in these tests
type Body = any;

async function ok(
  key: string,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
): Promise<Body> {
  const r = await api.call(key, { method, url, ...(payload !== undefined && { payload }) });
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
  return json(r);
}

/** Redeems the reward as `who` (it waits for approval): the redemption's id. */
async function redeem(who: string, key: string): Promise<string> {
  const r = await asMember(api, sessions[who]!, {
    method: 'POST',
    url: '/portal/api/redemptions',
    payload: { reward },
    headers: { 'idempotency-key': key },
  });
  expect(r.statusCode, r.body).toBe(201);
  expect(json(r).status).toBe('pending_approval');
  return json(r).id;
}

const decide = (who: string, id: string, decision = 'approve', headers?: Record<string, string>) =>
  asMember(api, sessions[who]!, {
    method: 'POST',
    url: `/portal/api/approvals/${id}/${decision}`,
    payload: {},
    ...(headers && { headers }),
  });

beforeAll(async () => {
  api = await testApi();
  const { a } = api;
  await ok(a.admin, 'PATCH', '/v1/program', {
    settings: {
      portal: { slug: 'guarded', companyRoles: ['owner', 'approver', 'viewer'] },
      redemptions: { approval: { always: true, steps: 2, approverRoles: ['approver', 'owner'] } },
    },
  });
  await ok(a.write, 'POST', '/v1/accounts', { externalId: 'G1', name: 'Group one' });
  await ok(a.write, 'POST', '/v1/accounts', { externalId: 'G2', name: 'Group two' });
  const contact = async (name: string, account: string, role: string) => {
    ids[name] = (
      await ok(a.write, 'POST', `/v1/accounts/${account}/contacts`, {
        email: `${name}@${account.toLowerCase()}.test`,
        name,
        role,
      })
    ).id;
    sessions[name] = await signIn(api, a.write, 'guarded', ids[name]!);
  };
  await contact('buyer', 'G1', 'buyer');
  await contact('approver', 'G1', 'approver');
  await contact('owner', 'G1', 'owner');
  await contact('viewer', 'G1', 'viewer');
  await contact('admin', 'G1', 'admin');
  await contact('stranger', 'G2', 'approver');
  for (const [account, amount] of [
    ['G1', 5000],
    ['G2', 7000],
  ] as const)
    await api.services.ledger.credit(a.programId, {
      key: `seed:${account}`,
      account,
      amount,
      reasonCode: 'welcome',
      explanation: 'Welcome',
    });
  reward = (
    await ok(a.admin, 'POST', '/v1/rewards', {
      type: 'custom',
      name: 'Pen',
      price: { amount: 100, unit: 'points' },
      stock: { kind: 'unlimited' },
    })
  ).id;
}, 180_000);

describe('the company view', () => {
  it('is refused to roles the program does not name, whatever the default would say', async () => {
    for (const who of ['buyer', 'admin']) {
      const r = await asMember(api, sessions[who]!, { url: '/portal/api/company' });
      expect(r.statusCode, `${who}: ${r.body}`).toBe(403);
      expect(json(r).code).toBe('portal_company_forbidden');
    }
    for (const who of ['owner', 'approver', 'viewer'])
      expect((await asMember(api, sessions[who]!, { url: '/portal/api/company' })).statusCode, who).toBe(200);
  });

  it('needs the session, and takes no account or group from the client', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/portal/api/company' })).statusCode).toBe(401);
    const r = await asMember(api, sessions.stranger!, { url: '/portal/api/company?account=G1' });
    expect(r.statusCode).toBe(400);
    const own = json(await asMember(api, sessions.stranger!, { url: '/portal/api/company' }));
    expect(own.group.name).toBe('Group two');
    expect(own.wallets.map((w: { accountName: string }) => w.accountName)).toEqual(['Group two']);
  });

  it("shows a viewer no approvals, and the viewer cannot decide (the rewards service's approver roles)", async () => {
    const id = await redeem('buyer', 'viewer-1');
    const seen = json(await asMember(api, sessions.viewer!, { url: '/portal/api/company' }));
    expect([seen.approver, seen.approvals]).toEqual([false, []]);
    const r = await decide('viewer', id);
    expect(r.statusCode, r.body).toBe(403);
    expect(json(r).code).toBe('approver_not_allowed');
    expect((await ok(api.a.admin, 'GET', `/v1/redemptions/${id}`)).approvals?.decisions ?? []).toEqual([]);
  });
});

describe('deciding in the portal', () => {
  it('never lets the requester decide their own request, nor shows it to them', async () => {
    const id = await redeem('approver', 'own-1');
    const seen = json(await asMember(api, sessions.approver!, { url: '/portal/api/company' }));
    expect(seen.approvals.map((a: { id: string }) => a.id)).not.toContain(id);
    const r = await decide('approver', id);
    expect(r.statusCode, r.body).toBe(403);
    expect(json(r).code).toBe('approver_not_allowed');
  });

  it('counts each approver once (maker-checker with two approvals)', async () => {
    const id = await redeem('buyer', 'two-1');
    const first = await decide('approver', id);
    expect(first.statusCode, first.body).toBe(200);
    expect(json(first).status).toBe('pending_approval');
    const again = await decide('approver', id);
    expect(again.statusCode, again.body).toBe(409);
    expect(json(again).code).toBe('already_approved');
    // No longer waiting for the one who approved; still waiting for the owner.
    const byApprover = json(await asMember(api, sessions.approver!, { url: '/portal/api/company' }));
    expect(byApprover.approvals.map((a: { id: string }) => a.id)).not.toContain(id);
    const byOwner = json(await asMember(api, sessions.owner!, { url: '/portal/api/company' }));
    expect(byOwner.approvals.find((a: { id: string }) => a.id === id)).toMatchObject({
      approvals: { required: 2, given: 1 },
    });
    const second = await decide('owner', id);
    expect(json(second).status).toBe('approved');
  });

  it('finds no redemption of another account, whatever its id, and leaves it waiting', async () => {
    const id = await redeem('buyer', 'cross-1');
    const r = await decide('stranger', id);
    expect(r.statusCode, r.body).toBe(404);
    expect(json(r).code).toBe('redemption_not_found');
    const reject = await decide('stranger', id, 'reject');
    expect(reject.statusCode).toBe(404);
    const unknown = await decide('stranger', 'red_00000000000000000000000000');
    expect(unknown.statusCode).toBe(404);
    expect((await ok(api.a.admin, 'GET', `/v1/redemptions/${id}`)).status).toBe('pending_approval');
  });

  it('needs the CSRF header, and only approve or reject', async () => {
    const id = await redeem('buyer', 'csrf-1');
    const r = await decide('approver', id, 'approve', { 'x-csrf-token': 'forged' });
    expect(r.statusCode).toBe(403);
    expect(json(r).code).toBe('csrf_token_invalid');
    expect((await decide('approver', id, 'fulfil')).statusCode).toBe(400);
    expect((await ok(api.a.admin, 'GET', `/v1/redemptions/${id}`)).status).toBe('pending_approval');
  });
});
