// Bad requests to the rewards API: each gets a precise problem and changes nothing.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
let buyer: string;
let admin: string;
let viewer: string;
let elsewhere: string;

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['ACME', 'OTHER']) {
    expect((await post('/v1/accounts', { externalId, name: externalId })).statusCode).toBe(201);
  }
  const contact = async (account: string, role: string) =>
    (await post(`/v1/accounts/${account}/contacts`, { email: `${role}-${++n}@x.example`, role })).json()
      .id as string;
  buyer = await contact('ACME', 'buyer');
  admin = await contact('ACME', 'admin');
  viewer = await contact('ACME', 'viewer');
  elsewhere = await contact('OTHER', 'buyer');
  await api.services.ledger.credit(api.a.programId, {
    key: 'seed',
    account: 'ACME',
    amount: 10_000,
    reasonCode: 'seed',
    explanation: 'Seed',
  });
  // Buyers always need approval; operator staff may not approve in this program.
  const settings = await api.call(api.a.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: {
      settings: { redemptions: { approval: { requesterRoles: ['buyer'], operatorMayApprove: false } } },
    },
  });
  expect(settings.statusCode, settings.body).toBe(200);
});

function post(url: string, payload: unknown, admin = false, headers: Record<string, string> = {}) {
  return api.call(admin ? api.a.admin : api.a.write, {
    method: 'POST',
    url,
    payload: payload as object,
    headers: { ...keyIfRequired(url), ...headers },
  });
}

async function reward(body: object): Promise<string> {
  const r = await post(
    '/v1/rewards',
    {
      type: 'custom',
      name: `R${++n}`,
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'unlimited' },
      ...body,
    },
    true,
  );
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

const problem = (r: { statusCode: number; json: () => { code: string } }) =>
  `${r.statusCode} ${r.json().code}`;
const available = async () => (await api.services.ledger.summary(api.a.programId, 'ACME'))[0]?.available;

describe('catalog input', () => {
  it('refuses inconsistent rewards', async () => {
    const base = {
      type: 'custom',
      name: 'X',
      price: { amount: 10, unit: 'points' },
      stock: { kind: 'unlimited' },
    };
    const cases: Array<[object, string]> = [
      [{ ...base, price: { amount: 10, unit: 'XXX' } }, '/body/price/unit'],
      [{ ...base, fulfilment: 'code_pool' }, '/body/fulfilment'],
      [{ ...base, stock: { kind: 'codes' }, fulfilment: 'manual' }, '/body/fulfilment'],
      [
        { ...base, availableFrom: '2030-01-02T00:00:00Z', availableUntil: '2030-01-01T00:00:00Z' },
        '/body/availableUntil',
      ],
      [{ ...base, price: { amount: -1, unit: 'points' } }, '/body/price/amount'],
      [{ ...base, type: 'yacht' }, '/body/type'],
      [{ ...base, eligibility: { roles: ['janitor'] } }, '/body/eligibility/roles/0'],
    ];
    for (const [body, path] of cases) {
      const r = await post('/v1/rewards', body, true);
      expect(problem(r), JSON.stringify(body)).toBe('400 validation_failed');
      expect(r.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/rewards' });
    expect(list.json().data).toEqual([]);
    expect(problem(await post('/v1/rewards', base))).toBe('403 insufficient_scope');
  });

  it('refuses codes for a reward without a pool, bad CSV, and sessions for a reward without sessions', async () => {
    const plain = await reward({});
    expect(problem(await post(`/v1/rewards/${plain}/codes`, { codes: ['A'] }, true))).toBe(
      '400 validation_failed',
    );
    const pool = await reward({ stock: { kind: 'codes' }, type: 'discount_code' });
    const csv = (body: string, type = 'text/csv') =>
      post(`/v1/rewards/${pool}/codes`, body, true, { 'content-type': type });
    expect(problem(await csv('voucher,value\nA,1\n'))).toBe('422 import_invalid_rows');
    expect(problem(await csv('code\n"A\n'))).toBe('400 import_malformed_csv');
    expect(problem(await csv('code\n'))).toBe('400 import_malformed_csv');
    expect(problem(await post(`/v1/rewards/${pool}/codes`, JSON.stringify('A'), true))).toBe(
      '415 unsupported_media_type',
    );
    expect(problem(await post(`/v1/rewards/${pool}/codes`, { codes: [] }, true))).toBe(
      '400 validation_failed',
    );
    expect(
      problem(await post('/v1/rewards/rwd_00000000000000000000000000/codes', { codes: ['A'] }, true)),
    ).toBe('404 reward_not_found');
    const r = await api.call(api.a.read, { method: 'GET', url: `/v1/rewards/${pool}` });
    expect(r.json().stock.available).toBe(0);
    expect(
      problem(
        await post(`/v1/rewards/${plain}/sessions`, { startsAt: '2099-01-01T00:00:00Z', capacity: 1 }, true),
      ),
    ).toBe('400 validation_failed');
  });
});

describe('redemption requests', () => {
  it('refuses a session that does not exist, has started, or is not needed', async () => {
    const trip = await reward({ type: 'experience', stock: { kind: 'sessions' } });
    const past = await api.services.rewards.addSession(
      api.a.programId,
      trip,
      { startsAt: '2020-01-01T00:00:00Z', capacity: 5 },
      FIXTURE,
    );
    const before = await available();
    expect(
      problem(
        await post('/v1/redemptions', {
          reward: trip,
          account: 'ACME',
          sessionId: 'ses_00000000000000000000000000',
        }),
      ),
    ).toBe('404 session_not_found');
    expect(
      problem(await post('/v1/redemptions', { reward: trip, account: 'ACME', sessionId: past.id })),
    ).toBe('422 reward_not_available');
    const plain = await reward({});
    expect(
      problem(await post('/v1/redemptions', { reward: plain, account: 'ACME', sessionId: past.id })),
    ).toBe('400 validation_failed');
    expect(await available()).toBe(before);
  });

  it('checks contact role eligibility, contacts of other accounts, suspended accounts and archived rewards', async () => {
    const forAdmins = await reward({ eligibility: { roles: ['admin', 'owner'] } });
    const before = await available();
    const asViewer = await post('/v1/redemptions', { reward: forAdmins, account: 'ACME', contactId: viewer });
    expect(problem(asViewer)).toBe('422 reward_not_eligible');
    expect(asViewer.json().errors[0].message).toBe(
      'only contacts with the role admin or owner can redeem it',
    );
    expect(problem(await post('/v1/redemptions', { reward: forAdmins, account: 'ACME' }))).toBe(
      '422 reward_not_eligible',
    );
    expect(
      problem(await post('/v1/redemptions', { reward: forAdmins, account: 'ACME', contactId: elsewhere })),
    ).toBe('400 validation_failed');
    const browse = await api.call(api.a.read, {
      method: 'GET',
      url: `/v1/rewards?account=ACME&contact=${viewer}`,
    });
    const shown = browse.json().data.find((r: { id: string }) => r.id === forAdmins);
    expect(shown.redeemable).toMatchObject({ ok: false, eligible: false });

    const plain = await reward({});
    await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/rewards/${plain}`,
      payload: { status: 'archived' },
    });
    expect(problem(await post('/v1/redemptions', { reward: plain, account: 'ACME' }))).toBe(
      '422 reward_not_available',
    );

    const open = await reward({});
    await api.call(api.a.write, {
      method: 'PATCH',
      url: '/v1/accounts/OTHER',
      payload: { status: 'suspended' },
    });
    const suspended = await post('/v1/redemptions', { reward: open, account: 'OTHER' });
    expect(problem(suspended)).toBe('422 reward_not_eligible');
    expect(suspended.json().errors[0].message).toBe('the account is suspended');
    expect(await available()).toBe(before);
  });

  it('enforces a per-contact limit for that contact only', async () => {
    const once = await reward({ limits: { perContact: { count: 1, period: 'lifetime' } } });
    expect(
      (await post('/v1/redemptions', { reward: once, account: 'ACME', contactId: admin })).statusCode,
    ).toBe(201);
    expect(problem(await post('/v1/redemptions', { reward: once, account: 'ACME', contactId: admin }))).toBe(
      '422 redemption_limit_reached',
    );
    expect(
      (await post('/v1/redemptions', { reward: once, account: 'ACME', contactId: buyer })).statusCode,
    ).toBe(201);
  });
});

describe('decisions', () => {
  it('sends buyer requests to approval and lets only approving contacts of the account decide', async () => {
    const item = await reward({});
    const r = await post('/v1/redemptions', { reward: item, account: 'ACME', contactId: buyer });
    expect(r.json()).toMatchObject({ status: 'pending_approval', approvals: { required: 1 } });
    const id = r.json().id;
    const own = await post(`/v1/redemptions/${id}/reject`, { contactId: buyer });
    expect(problem(own)).toBe('403 approver_not_allowed');
    expect(problem(await post(`/v1/redemptions/${id}/approve`, { contactId: viewer }))).toBe(
      '403 approver_not_allowed',
    );
    expect(problem(await post(`/v1/redemptions/${id}/approve`, { contactId: elsewhere }))).toBe(
      '403 approver_not_allowed',
    );
    // Operator staff may not approve in this program, not even with an admin key.
    expect(problem(await post(`/v1/redemptions/${id}/approve`, {}, true))).toBe('403 approver_not_allowed');
    expect(
      problem(await post(`/v1/redemptions/${id}/approve`, { contactId: 'con_00000000000000000000000000' })),
    ).toBe('404 contact_not_found');
    expect(
      problem(await post('/v1/redemptions/red_00000000000000000000000000/approve', { contactId: admin })),
    ).toBe('404 redemption_not_found');
    const read = await api.call(api.a.read, { method: 'GET', url: `/v1/redemptions/${id}` });
    expect(read.json()).toMatchObject({ status: 'pending_approval', approvals: { decisions: [] } });
    expect(read.json().events.map((e: { type: string }) => e.type)).toEqual(['redemption.requested']);

    expect((await post(`/v1/redemptions/${id}/approve`, { contactId: admin })).json().status).toBe(
      'approved',
    );
    expect(problem(await post(`/v1/redemptions/${id}/reject`, { contactId: admin }))).toBe(
      '409 redemption_state_conflict',
    );
    const delivered = await post(`/v1/redemptions/${id}/fulfil`, { delivery: 'delivered' });
    expect(delivered.json()).toMatchObject({ status: 'fulfilled', delivery: 'delivered' });
    expect(problem(await post(`/v1/redemptions/${id}/fulfil`, { delivery: 'delivered' }))).toBe(
      '409 redemption_state_conflict',
    );
  });

  it('refuses steps that do not fit the status', async () => {
    const pool = await reward({ type: 'discount_code', stock: { kind: 'codes' } });
    await api.services.rewards.importCodes(api.a.programId, pool, ['Z-1'], FIXTURE);
    const done = (await post('/v1/redemptions', { reward: pool, account: 'ACME', contactId: admin })).json();
    expect(done).toMatchObject({ status: 'fulfilled', code: 'Z-1' });
    expect(problem(await post(`/v1/redemptions/${done.id}/cancel`, {}))).toBe(
      '409 redemption_state_conflict',
    );
    expect(problem(await post(`/v1/redemptions/${done.id}/fulfil`, {}))).toBe(
      '409 redemption_state_conflict',
    );
    expect(problem(await post(`/v1/redemptions/${done.id}/fail`, { reason: 'x' }))).toBe(
      '409 redemption_state_conflict',
    );
    expect(problem(await post(`/v1/redemptions/${done.id}/cancel`, { contactId: elsewhere }))).toBe(
      '400 validation_failed',
    );
  });

  it('keeps redemption events and approval decisions append-only', async () => {
    const refusal = async (query: ReturnType<typeof sql>) => {
      try {
        await api.database.db.execute(query);
        return 'changed';
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause;
        return cause?.message ?? (error as Error).message;
      }
    };
    expect(await refusal(sql`update redemption_events set type = 'x'`)).toMatch(/append-only/);
    expect(await refusal(sql`delete from redemption_events`)).toMatch(/append-only/);
    expect(await refusal(sql`delete from redemption_approvals`)).toMatch(/append-only/);
  });
});
