// Bad tier input gets a precise error (code, status, the offending field) and changes nothing:
// after each refusal the ladders, the account's progress and history, and the tier tables and the
// audit log of the program are exactly as before.
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { clockAt, json, partnerLadder, type TierProgram, tierProgram } from './helpers.ts';

let api: TestApi;
let p: TierProgram;
let spendLadder: string;
let operatorLadder: string;

const operatorDoc = {
  name: 'Combined balance',
  metric: 'operator_value',
  window: { kind: 'calendar_year' },
  tiers: [
    { code: 'gold', name: 'Gold', threshold: '20000' },
    { code: 'platinum', name: 'Platinum', threshold: '40000' },
  ],
};

beforeAll(async () => {
  api = await testApi();
  clockAt('2026-06-15T10:00:00Z');
  p = await tierProgram(api);
  spendLadder = await p.ladder(partnerLadder());
  operatorLadder = await p.ladder(operatorDoc);
  await p.account('ACME');
  await p.account('BETA');
  await p.purchase('a1', 'ACME', '2026-03-01T10:00:00Z', '6000.00');
  const v = await p.send(p.write, {
    method: 'POST',
    url: `/v1/tier-ladders/${operatorLadder}/metric-values`,
    payload: { values: [{ account: 'ACME', value: '25000' }] },
  });
  expect(v.statusCode, v.body).toBe(200);
  const f = await p.send(p.admin, {
    method: 'POST',
    url: `/v1/tier-ladders/${spendLadder}/overrides`,
    payload: { account: 'BETA', kind: 'freeze', reason: 'On a break' },
  });
  expect(f.statusCode, f.body).toBe(200);
  vi.useRealTimers();
});

beforeEach(() => clockAt('2026-06-15T12:00:00Z'));
afterEach(() => {
  vi.useRealTimers();
});

/** Everything a refused request must leave as it was. */
async function snapshot() {
  const get = async (url: string) => {
    const r = await p.send(p.admin, { method: 'GET', url });
    expect(r.statusCode, r.body).toBe(200);
    return json(r);
  };
  const [counts] = await selectRows<Record<string, string>>(
    api.database.db,
    sql`select (select count(*) from tier_ladders where program_id = ${p.id})::text as ladders,
               (select count(*) from tier_status where program_id = ${p.id})::text as statuses,
               (select count(*) from tier_changes where program_id = ${p.id})::text as changes,
               (select count(*) from tier_metric_values where program_id = ${p.id})::text as metric_values,
               (select count(*) from audit_log where program_id = ${p.id})::text as audit,
               (select max(updated_at)::text from tier_status where program_id = ${p.id}) as status_updated`,
  );
  return {
    ladders: await get('/v1/tier-ladders'),
    acme: await get('/v1/accounts/ACME/tiers'),
    beta: await get('/v1/accounts/BETA/tiers'),
    acmeHistory: await get('/v1/accounts/ACME/tier-history'),
    betaHistory: await get('/v1/accounts/BETA/tier-history'),
    counts,
  };
}

/** Sends the request, expects the error, and checks that nothing changed. */
async function refused(
  request: () => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
  errors?: Array<{ path: string; message?: string | RegExp }>,
) {
  const before = await snapshot();
  const r = await request();
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toContain('application/problem+json');
  const body = json(r);
  expect(body.code).toBe(code);
  if (errors) {
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(errors.map((e) => e.path));
    errors.forEach((e, i) => {
      if (typeof e.message === 'string') expect(body.errors[i].message).toBe(e.message);
      else if (e.message) expect(body.errors[i].message).toMatch(e.message);
    });
  }
  expect(await snapshot()).toEqual(before);
  return body;
}

const createLadder = (document: object, key = p.admin) =>
  p.send(key, { method: 'POST', url: '/v1/tier-ladders', payload: { document } });
const putLadder = (id: string, document: object) =>
  p.send(p.admin, { method: 'PUT', url: `/v1/tier-ladders/${id}`, payload: { document } });
const override = (body: object, ladderId = spendLadder) =>
  p.send(p.admin, { method: 'POST', url: `/v1/tier-ladders/${ladderId}/overrides`, payload: body });
const values = (list: object[], ladderId = operatorLadder) =>
  p.send(p.write, {
    method: 'POST',
    url: `/v1/tier-ladders/${ladderId}/metric-values`,
    payload: { values: list },
  });
const tiers = (...list: Array<[string, string]>) =>
  list.map(([code, threshold]) => ({ code, name: code.toUpperCase(), threshold }));

describe('ladder documents', () => {
  it('refuses overlapping thresholds, naming each tier that does not rise above the one before', async () => {
    await refused(
      () =>
        createLadder(
          partnerLadder({
            tiers: tiers(['silver', '1000'], ['gold', '1000'], ['platinum', '900'], ['diamond', '5000']),
          }),
        ),
      422,
      'ladder_invalid',
      [
        {
          path: '/body/document/tiers/1/threshold',
          message:
            'overlaps: must be above the threshold of silver (tiers are listed from lowest to highest)',
        },
        { path: '/body/document/tiers/2/threshold', message: /must be above the threshold of gold/ },
      ],
    );
    // The same on a change of an existing ladder.
    await refused(
      () => putLadder(spendLadder, partnerLadder({ tiers: tiers(['silver', '5000'], ['gold', '4999.99']) })),
      422,
      'ladder_invalid',
      [{ path: '/body/document/tiers/1/threshold', message: /must be above the threshold of silver/ }],
    );
  });

  it('refuses a tier code used twice', async () => {
    await refused(
      () => createLadder(partnerLadder({ tiers: tiers(['silver', '1000'], ['silver', '2000']) })),
      422,
      'ladder_invalid',
      [{ path: '/body/document/tiers/1/code', message: 'code silver is used twice' }],
    );
  });

  it('refuses an unknown metric by the schema', async () => {
    const body = await refused(
      () => createLadder(partnerLadder({ metric: 'revenue' })),
      400,
      'validation_failed',
    );
    expect(body.errors.map((e: { path: string }) => e.path)).toContain('/body/document/metric');
  });

  it('refuses an instant amount on a metric other than qualifying spend', async () => {
    await refused(
      () =>
        createLadder({
          name: 'Points ladder',
          metric: 'points_earned',
          window: { kind: 'calendar_year' },
          tiers: [
            { code: 'silver', name: 'Silver', threshold: '1000' },
            { code: 'gold', name: 'Gold', threshold: '5000', instantAmount: '2500' },
          ],
        }),
      422,
      'ladder_invalid',
      [
        {
          path: '/body/document/tiers/1/instantAmount',
          message: 'instant qualification needs the qualifying_spend metric',
        },
      ],
    );
  });

  it('refuses more decimals than the metric has, event types on a metric without events, and unknown event types', async () => {
    await refused(
      () => createLadder(partnerLadder({ tiers: tiers(['silver', '1000.001']) })),
      422,
      'ladder_invalid',
      [{ path: '/body/document/tiers/0/threshold', message: 'must be a decimal with at most 2 decimals' }],
    );
    await refused(
      () =>
        createLadder({
          ...operatorDoc,
          metric: 'points_earned',
          eventTypes: ['purchase'],
          tiers: tiers(['a', '1']),
        }),
      422,
      'ladder_invalid',
      [{ path: '/body/document/eventTypes' }],
    );
    await refused(
      () => createLadder(partnerLadder({ eventTypes: ['purchase', 'invoice.sent'] })),
      422,
      'ladder_invalid',
      [{ path: '/body/document/eventTypes/1', message: 'unknown event type invoice.sent' }],
    );
  });

  it('refuses changing the metric of an existing ladder', async () => {
    await refused(
      () => putLadder(spendLadder, partnerLadder({ metric: 'orders', tiers: tiers(['a', '1'], ['b', '5']) })),
      422,
      'ladder_invalid',
      [{ path: '/body/document/metric', message: 'must stay qualifying_spend' }],
    );
  });

  it('answers ladder_not_found for an unknown ladder on every route, and for a ladder of another program', async () => {
    const b = await tierProgram(api);
    const other = await b.ladder(partnerLadder());
    for (const id of ['tld_nope', other]) {
      await refused(
        () => p.send(p.read, { method: 'GET', url: `/v1/tier-ladders/${id}` }),
        404,
        'ladder_not_found',
      );
      await refused(() => putLadder(id, partnerLadder()), 404, 'ladder_not_found');
      await refused(() => values([{ account: 'ACME', value: '1' }], id), 404, 'ladder_not_found');
      await refused(
        () => override({ account: 'ACME', kind: 'freeze', reason: 'x' }, id),
        404,
        'ladder_not_found',
      );
      await refused(
        () => p.send(p.admin, { method: 'DELETE', url: `/v1/tier-ladders/${id}/overrides/BETA` }),
        404,
        'ladder_not_found',
      );
    }
    // The other program's ladder is untouched by all that.
    const seen = await b.send(b.read, { method: 'GET', url: `/v1/tier-ladders/${other}` });
    expect(json(seen).document).toEqual(partnerLadder());
  });

  it('lets only admin keys write ladders', async () => {
    await refused(() => createLadder(partnerLadder(), p.write), 403, 'insufficient_scope');
  });
});

describe('overrides', () => {
  it('refuses an override whose end is before (or at) its start', async () => {
    await refused(
      () =>
        override({
          account: 'ACME',
          kind: 'set',
          tier: 'platinum',
          from: '2026-06-10T00:00:00Z',
          until: '2026-06-01T00:00:00Z',
          reason: 'Backwards',
        }),
      422,
      'override_invalid',
      [{ path: '/body/until', message: 'must be after from' }],
    );
    await refused(
      () =>
        override({
          account: 'ACME',
          kind: 'freeze',
          from: '2026-06-10T00:00:00Z',
          until: '2026-06-10T00:00:00Z',
          reason: 'Empty',
        }),
      422,
      'override_invalid',
      [{ path: '/body/until' }],
    );
    // Without `from` it starts now (12:00 on 15 June): an end in the past is before it.
    await refused(
      () =>
        override({ account: 'ACME', kind: 'set', tier: 'gold', until: '2026-06-15T11:59:59Z', reason: 'x' }),
      422,
      'override_invalid',
      [{ path: '/body/until' }],
    );
  });

  it('refuses an override that starts in the future', async () => {
    await refused(
      () =>
        override({ account: 'ACME', kind: 'set', tier: 'gold', from: '2026-07-01T00:00:00Z', reason: 'x' }),
      422,
      'override_invalid',
      [{ path: '/body/from', message: 'in the future' }],
    );
  });

  it('refuses a tier the ladder does not have, or none, for a set override', async () => {
    await refused(
      () => override({ account: 'ACME', kind: 'set', tier: 'diamond', reason: 'x' }),
      422,
      'override_invalid',
      [{ path: '/body/tier', message: 'unknown tier' }],
    );
    await refused(() => override({ account: 'ACME', kind: 'set', reason: 'x' }), 422, 'override_invalid', [
      { path: '/body/tier', message: 'unknown tier' },
    ]);
  });

  it('refuses a freeze that names a tier', async () => {
    await refused(
      () => override({ account: 'ACME', kind: 'freeze', tier: 'gold', reason: 'x' }),
      422,
      'override_invalid',
      [{ path: '/body/tier', message: 'not allowed for a freeze' }],
    );
  });

  it('refuses an override for an unknown account', async () => {
    await refused(
      () => override({ account: 'NOBODY', kind: 'set', tier: 'gold', reason: 'x' }),
      404,
      'account_not_found',
    );
  });

  it('answers override_not_found when lifting an account without an override', async () => {
    await refused(
      () => p.send(p.admin, { method: 'DELETE', url: `/v1/tier-ladders/${spendLadder}/overrides/ACME` }),
      404,
      'override_not_found',
    );
    // BETA has a freeze on the spend ladder, not on the operator ladder.
    await refused(
      () => p.send(p.admin, { method: 'DELETE', url: `/v1/tier-ladders/${operatorLadder}/overrides/BETA` }),
      404,
      'override_not_found',
    );
  });
});

describe('metric values', () => {
  it('refuses values for a ladder that does not qualify on operator values', async () => {
    await refused(() => values([{ account: 'ACME', value: '50000' }], spendLadder), 422, 'ladder_invalid', [
      { path: '/body/values', message: 'the ladder metric is not operator_value' },
    ]);
  });

  it('refuses the whole batch when one account is unknown, one value is in the future or has too many decimals', async () => {
    await refused(
      () =>
        values([
          { account: 'ACME', value: '50000' },
          { account: 'NOBODY', value: '1' },
        ]),
      404,
      'account_not_found',
    );
    await refused(
      () =>
        values([
          { account: 'ACME', value: '50000' },
          { account: 'BETA', value: '50000', at: '2026-06-16T00:00:00Z' },
        ]),
      400,
      'validation_failed',
      [{ path: '/body/values/1/at', message: 'in the future' }],
    );
    await refused(() => values([{ account: 'ACME', value: '50000.12345' }]), 400, 'validation_failed', [
      { path: '/body/values/0/value' },
    ]);
  });
});
