// Bad membership input gets a precise problem document and changes nothing.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { keyIfRequired, type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let contractPlan: string;
let approvalPlan: string;

const post = (url: string, payload: object, scope: 'write' | 'admin' = 'write') =>
  api.call(scope === 'admin' ? api.a.admin : api.a.write, {
    method: 'POST',
    url,
    payload,
    headers: keyIfRequired(url),
  });

const plan = (overrides: object = {}) => ({
  name: 'Partner Club',
  fee: { amount: '100.00', currency: 'EUR' },
  term: { months: 12 },
  renewal: 'auto',
  joining: 'contract',
  entitlements: [
    { key: 'vip_support', kind: 'flag' },
    { key: 'credit', kind: 'service_credit', unit: 'points', amount: 100 },
  ],
  ...overrides,
});

/** Every membership table and the audit log, counted: a refused request must leave them as they were. */
async function state() {
  const [row] = await selectRows<Record<string, string>>(
    api.database.db,
    sql`select (select count(*) from membership_plans) as plans,
               (select count(*) from membership_plan_versions) as versions,
               (select count(*) from memberships) as memberships,
               (select count(*) from membership_terms) as terms,
               (select count(*) from membership_events) as events,
               (select count(*) from entitlements) as entitlements,
               (select count(*) from audit_log) as audit,
               (select count(*) from ledger_entries) as entries,
               (select coalesce(max(version), 0) from membership_plans) as version,
               (select string_agg(status, ',' order by id) from memberships) as statuses`,
  );
  return row;
}

async function expectRefused(
  request: Promise<{ statusCode: number; json: () => { code: string; errors?: unknown } }>,
  status: number,
  code: string,
  errors?: Array<{ path: string; message?: string | RegExp }>,
) {
  const before = await state();
  const res = await request;
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  const body = res.json();
  expect(body.code).toBe(code);
  if (errors) {
    expect(body.errors).toEqual(
      expect.arrayContaining(
        errors.map((e) =>
          expect.objectContaining({
            path: e.path,
            ...(e.message === undefined ? {} : { message: expect.stringMatching(e.message) }),
          }),
        ),
      ),
    );
  }
  expect(await state()).toEqual(before);
}

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['ACME', 'BOLT']) {
    await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
  }
  contractPlan = (await post('/v1/membership-plans', plan(), 'admin')).json().id;
  approvalPlan = (
    await post('/v1/membership-plans', plan({ name: 'Vetted', joining: 'approval' }), 'admin')
  ).json().id;
});

describe('membership plans', () => {
  it('refuses a negative fee', async () => {
    await expectRefused(
      post('/v1/membership-plans', plan({ fee: { amount: '-10.00', currency: 'EUR' } }), 'admin'),
      400,
      'validation_failed',
      [{ path: '/body/fee/amount', message: /must not be negative/ }],
    );
  });

  it('refuses a fee with more decimals than its currency has, and an unknown currency', async () => {
    await expectRefused(
      post('/v1/membership-plans', plan({ fee: { amount: '10.001', currency: 'EUR' } }), 'admin'),
      400,
      'validation_failed',
      [{ path: '/body/fee/amount', message: /more than 2 decimals/ }],
    );
    await expectRefused(
      post('/v1/membership-plans', plan({ fee: { amount: '10', currency: 'XYZ' } }), 'admin'),
      400,
      'validation_failed',
      [{ path: '/body/fee/currency' }],
    );
  });

  it('refuses a term of zero, and a term of both months and days', async () => {
    await expectRefused(
      post('/v1/membership-plans', plan({ term: { months: 0 } }), 'admin'),
      400,
      'validation_failed',
      [{ path: '/body/term/months' }],
    );
    await expectRefused(
      post('/v1/membership-plans', plan({ term: { days: 0 } }), 'admin'),
      400,
      'validation_failed',
      [{ path: '/body/term/days' }],
    );
    await expectRefused(
      post('/v1/membership-plans', plan({ term: { months: 1, days: 3 } }), 'admin'),
      400,
      'validation_failed',
    );
  });

  it('refuses entitlements that lack what their kind needs, or repeat a key', async () => {
    await expectRefused(
      post(
        '/v1/membership-plans',
        plan({ entitlements: [{ key: 'credit', kind: 'service_credit', unit: 'points' }] }),
        'admin',
      ),
      400,
      'validation_failed',
      [{ path: '/body/entitlements/0/amount', message: /required/ }],
    );
    await expectRefused(
      post(
        '/v1/membership-plans',
        plan({ entitlements: [{ key: 'vip', kind: 'flag', months: 3 }] }),
        'admin',
      ),
      400,
      'validation_failed',
      [{ path: '/body/entitlements/0/months' }],
    );
    await expectRefused(
      post(
        '/v1/membership-plans',
        plan({
          entitlements: [
            { key: 'vip', kind: 'flag' },
            { key: 'vip', kind: 'flag' },
          ],
        }),
        'admin',
      ),
      400,
      'validation_failed',
      [{ path: '/body/entitlements/1/key' }],
    );
    await expectRefused(
      post(
        '/v1/membership-plans',
        plan({ entitlements: [{ key: 'credit', kind: 'service_credit', unit: 'ABC', amount: 5 }] }),
        'admin',
      ),
      400,
      'validation_failed',
      [{ path: '/body/entitlements/0/unit' }],
    );
  });

  it('refuses a bad change of a plan and keeps its version', async () => {
    await expectRefused(
      api.call(api.a.admin, {
        method: 'PATCH',
        url: `/v1/membership-plans/${contractPlan}`,
        payload: { fee: { amount: '-1', currency: 'EUR' } },
      }),
      400,
      'validation_failed',
      [{ path: '/body/fee/amount' }],
    );
    await expectRefused(
      api.call(api.a.admin, {
        method: 'PATCH',
        url: '/v1/membership-plans/mpl_unknown',
        payload: { name: 'X' },
      }),
      404,
      'plan_not_found',
    );
  });

  it('lets only admin keys write plans', async () => {
    await expectRefused(post('/v1/membership-plans', plan(), 'write'), 403, 'insufficient_scope');
  });
});

describe('joining', () => {
  it('refuses an unknown plan and an unknown account', async () => {
    await expectRefused(
      post('/v1/memberships', { account: 'ACME', plan: 'mpl_nope', via: 'contract', reference: 'C-1' }),
      404,
      'plan_not_found',
    );
    await expectRefused(
      post('/v1/memberships', { account: 'NOBODY', plan: contractPlan, via: 'contract', reference: 'C-1' }),
      404,
      'account_not_found',
    );
  });

  it('refuses joining via another condition than the plan’s, and a contract join without its reference', async () => {
    await expectRefused(
      post('/v1/memberships', { account: 'ACME', plan: contractPlan, via: 'purchase', reference: 'ORD-1' }),
      422,
      'joining_condition_unmet',
      [{ path: '/body/via', message: /contract/ }],
    );
    await expectRefused(
      post('/v1/memberships', { account: 'ACME', plan: approvalPlan, via: 'contract', reference: 'C-1' }),
      422,
      'joining_condition_unmet',
    );
    await expectRefused(
      post('/v1/memberships', { account: 'ACME', plan: contractPlan, via: 'contract' }),
      422,
      'joining_condition_unmet',
      [{ path: '/body/reference' }],
    );
    await expectRefused(
      post('/v1/memberships', {
        account: 'ACME',
        plan: approvalPlan,
        via: 'approval',
        startsAt: '2030-01-01T00:00:00Z',
      }),
      400,
      'validation_failed',
      [{ path: '/body/startsAt' }],
    );
  });

  it('refuses an unknown property rather than dropping it', async () => {
    await expectRefused(
      post('/v1/memberships', {
        account: 'ACME',
        plan: contractPlan,
        via: 'contract',
        reference: 'C',
        tier: 'gold',
      }),
      400,
      'validation_failed',
      [{ path: '/body/tier' }],
    );
  });
});

describe('approval', () => {
  let active: string;
  let pending: string;

  beforeAll(async () => {
    active = (
      await post('/v1/memberships', {
        account: 'BOLT',
        plan: contractPlan,
        via: 'contract',
        reference: 'C-9',
      })
    ).json().id;
    pending = (await post('/v1/memberships', { account: 'BOLT', plan: approvalPlan, via: 'approval' })).json()
      .id;
  });

  it('refuses approving or rejecting a membership that is not pending', async () => {
    await expectRefused(
      post(`/v1/memberships/${active}/approve`, {}, 'admin'),
      409,
      'membership_not_pending',
    );
    await expectRefused(post(`/v1/memberships/${active}/reject`, {}, 'admin'), 409, 'membership_not_pending');
    const approved = await post(`/v1/memberships/${pending}/approve`, {}, 'admin');
    expect(approved.statusCode).toBe(200);
    await expectRefused(
      post(`/v1/memberships/${pending}/approve`, {}, 'admin'),
      409,
      'membership_not_pending',
    );
  });

  it('refuses unknown memberships', async () => {
    await expectRefused(post('/v1/memberships/mem_nope/approve', {}, 'admin'), 404, 'membership_not_found');
    await expectRefused(post('/v1/memberships/mem_nope/cancel', {}), 404, 'membership_not_found');
    const read = await api.call(api.a.read, { method: 'GET', url: '/v1/memberships/mem_nope' });
    expect(read.json().code).toBe('membership_not_found');
  });

  it('refuses a second cancel', async () => {
    expect((await post(`/v1/memberships/${active}/cancel`, {})).statusCode).toBe(200);
    await expectRefused(post(`/v1/memberships/${active}/cancel`, {}), 409, 'membership_ended');
  });

  it('keeps the membership tables append-only where history lives', async () => {
    for (const table of ['membership_events', 'membership_terms']) {
      for (const statement of [`delete from ${table}`, `update ${table} set created_at = now()`]) {
        const error = await api.database.db.execute(sql.raw(statement)).then(
          () => undefined,
          (e: Error & { cause?: Error }) => e,
        );
        expect(String(error?.cause?.message ?? error?.message), statement).toMatch(/append-only/);
      }
    }
  });
});
