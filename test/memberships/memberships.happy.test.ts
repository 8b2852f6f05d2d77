// Paid memberships with up-front entitlements, configured purely as data, through the API.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let n = 0;
const key = () => `m-${++n}`;
const DAY = 86_400_000;

beforeAll(async () => {
  api = await testApi();
  for (const externalId of ['ACME', 'BOLT', 'CRANE', 'DELTA', 'ECHO', 'FJORD', 'GAMMA', 'IOTA']) {
    const r = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId, name: externalId },
    });
    expect(r.statusCode).toBe(201);
  }
}, 300_000);

const post = (url: string, payload: object | undefined, scope: 'write' | 'admin' = 'write', k = key()) =>
  api.call(scope === 'admin' ? api.a.admin : api.a.write, {
    method: 'POST',
    url,
    payload,
    headers: { 'idempotency-key': k },
  });
const get = (url: string) => api.call(api.a.read, { method: 'GET', url });

const businessClub = {
  name: 'Business Club',
  description: 'Benefits up front for contract customers',
  fee: { amount: '490.00', currency: 'EUR' },
  term: { months: 12 },
  renewal: 'auto',
  joining: 'contract',
  entitlements: [
    { key: 'early_access:feature-x', kind: 'flag' },
    { key: 'vip_support', kind: 'flag', description: 'Priority support line' },
    { key: 'member_discount', kind: 'discount_code', prefix: 'CLUB', percent: 10 },
    { key: 'training', kind: 'free_period', months: 3 },
    { key: 'service_credit', kind: 'service_credit', unit: 'points', amount: 5000 },
  ],
};

async function createPlan(body: object): Promise<{ id: string; [k: string]: unknown }> {
  const r = await post('/v1/membership-plans', body, 'admin');
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function points(account: string): Promise<number> {
  const r = await get(`/v1/accounts/${account}/wallets`);
  return r.json().data.find((w: { unit: string }) => w.unit === 'points')?.available ?? 0;
}

const check = async (account: string, k: string) =>
  (await get(`/v1/accounts/${account}/entitlements/${k}`)).json();

describe('a paid membership with entitlements up front', () => {
  let plan: { id: string };
  let membership: { id: string; endsAt: string; startsAt: string };

  it('creates a plan as data (audited)', async () => {
    plan = await createPlan(businessClub);
    expect(plan).toMatchObject({
      status: 'active',
      version: 1,
      fee: { amount: '490.00', currency: 'EUR', minorUnits: 49000 },
      term: { months: 12 },
      renewal: 'auto',
      joining: 'contract',
    });
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${plan.id}` });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual(['membership_plan.create']);
  });

  it('joins by contract: active now, entitlements granted, first term charged, service credit landed', async () => {
    const before = await points('ACME');
    const r = await post('/v1/memberships', {
      account: 'ACME',
      plan: plan.id,
      via: 'contract',
      reference: 'C-1001',
    });
    expect(r.statusCode, r.body).toBe(201);
    membership = r.json();
    const m = r.json();
    expect(m).toMatchObject({
      status: 'active',
      via: 'contract',
      reference: 'C-1001',
      term: 1,
      renewal: 'auto',
    });
    expect(new Date(m.endsAt).getUTCFullYear() - new Date(m.startsAt).getUTCFullYear()).toBe(1);
    expect(m.terms).toEqual([
      {
        term: 1,
        kind: 'join',
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        fee: { amount: '490.00', currency: 'EUR', minorUnits: 49000 },
      },
    ]);
    const byKey = Object.fromEntries(m.entitlements.map((e: { key: string }) => [e.key, e]));
    expect(Object.keys(byKey).sort()).toEqual([
      'early_access:feature-x',
      'member_discount',
      'service_credit',
      'training',
      'vip_support',
    ]);
    expect(byKey.member_discount.code).toMatch(/^CLUB-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(byKey.member_discount.percent).toBe(10);
    expect(byKey.vip_support).toMatchObject({ active: true, validUntil: m.endsAt });
    // A free period of 3 months from the start, not the whole term.
    expect(new Date(byKey.training.validUntil).getTime()).toBeLessThan(new Date(m.endsAt).getTime());
    expect(byKey.service_credit.ledgerEntryId).toMatch(/^ent_/);
    expect(await points('ACME')).toBe(before + 5000);
  });

  it('lists and checks the entitlements: granted true for held ones, false (200) for others', async () => {
    const list = await get('/v1/accounts/ACME/entitlements');
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toHaveLength(5);
    const source = {
      kind: 'membership',
      membershipId: membership.id,
      planId: plan.id,
      until: membership.endsAt,
    };
    expect(await check('ACME', 'vip_support')).toEqual({
      granted: true,
      key: 'vip_support',
      until: membership.endsAt,
      source,
      sources: [source],
    });
    expect(await check('ACME', 'early_access:feature-x')).toMatchObject({ granted: true });
    expect(await check('ACME', 'concierge')).toEqual({
      granted: false,
      key: 'concierge',
      until: null,
      source: null,
      sources: [],
    });
    expect(await check('BOLT', 'vip_support')).toMatchObject({ granted: false });
    const unknown = await get('/v1/accounts/NOBODY/entitlements/vip_support');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('account_not_found');
  });

  it('is replay safe: the same join again answers the same membership and credits nothing more', async () => {
    const before = await points('ACME');
    const again = await post('/v1/memberships', {
      account: 'ACME',
      plan: plan.id,
      via: 'contract',
      reference: 'C-1001',
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(membership.id);
    // The same Idempotency-Key replays the first response.
    const body = { account: 'ACME', plan: plan.id, via: 'contract', reference: 'C-1001' };
    const first = await post('/v1/memberships', body, 'write', 'join-acme');
    const replay = await post('/v1/memberships', body, 'write', 'join-acme');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(first.json().id);
    expect(await points('ACME')).toBe(before);
    const history = await get('/v1/accounts/ACME/wallets/points/history');
    const credits = history
      .json()
      .data.filter((l: { reasonCode: string }) => l.reasonCode === 'membership_service_credit');
    expect(credits).toHaveLength(1);
    expect(credits[0]).toMatchObject({ amount: 5000, source: { type: 'api', id: membership.id } });
  });

  it('refuses a second membership of the same plan with another reference', async () => {
    const r = await post('/v1/memberships', {
      account: 'ACME',
      plan: plan.id,
      via: 'contract',
      reference: 'C-2002',
    });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'membership_exists', membershipId: membership.id });
  });

  it('lists members of the plan and memberships of the account, and records events', async () => {
    const members = await get(`/v1/membership-plans/${plan.id}/members`);
    expect(members.json().data.map((m: { id: string }) => m.id)).toEqual([membership.id]);
    const ofAccount = await get('/v1/accounts/ACME/memberships');
    expect(ofAccount.json().data.map((m: { id: string }) => m.id)).toEqual([membership.id]);
    const filtered = await get(`/v1/memberships?account=ACME&status=active`);
    expect(filtered.json().data.map((m: { id: string }) => m.id)).toEqual([membership.id]);
    const events = await get(`/v1/memberships/${membership.id}/events`);
    expect(events.json().data.map((e: { type: string }) => e.type)).toEqual(['activated']);
  });

  it('renews at the end of the term by the due run, late or twice, with the same result', async () => {
    const end1 = new Date(membership.endsAt);
    // Run late: two and a half terms after the start → two renewals, each as of its own term end.
    const late = new Date(end1.getTime() + 400 * DAY);
    const run = await post('/v1/memberships/due-runs', { asOf: late.toISOString() }, 'admin');
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toEqual({ renewed: 2, lapsed: 0 });
    const again = await post('/v1/memberships/due-runs', { asOf: late.toISOString() }, 'admin');
    expect(again.json()).toEqual({ renewed: 0, lapsed: 0 });
    const m = (await get(`/v1/memberships/${membership.id}`)).json();
    expect(m.term).toBe(3);
    expect(m.terms.map((t: { term: number; kind: string }) => [t.term, t.kind])).toEqual([
      [1, 'join'],
      [2, 'renewal'],
      [3, 'renewal'],
    ]);
    // Each term starts where the one before ended; a charge row per term.
    expect(m.terms[1].startsAt).toBe(m.terms[0].endsAt);
    expect(m.terms[2].startsAt).toBe(m.terms[1].endsAt);
    expect(m.terms[2].fee.minorUnits).toBe(49000);
    expect(m.endsAt).toBe(m.terms[2].endsAt);
    const vip = m.entitlements.find((e: { key: string }) => e.key === 'vip_support');
    expect(vip.validUntil).toBe(m.endsAt);
    const events = (await get(`/v1/memberships/${membership.id}/events`)).json().data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['activated', 'renewed', 'renewed']);
    expect(events[1].occurredAt).toBe(m.terms[0].endsAt);
    // A service credit per term, each once.
    const history = await get('/v1/accounts/ACME/wallets/points/history');
    const credits = history
      .json()
      .data.filter((l: { reasonCode: string }) => l.reasonCode === 'membership_service_credit');
    expect(credits).toHaveLength(3);
    expect(await api.services.ledger.verify(api.a.programId)).toEqual([]);
  });

  it('gives the same result to weekly runs on time as to one late run', async () => {
    // The same plan and membership in two programs: a's due run every week, b's once at the end.
    const start = new Date(Date.now() - 100 * DAY).toISOString();
    const joined = [] as Array<{ key: string; program: string; id: string }>;
    for (const [keys, program] of [
      [api.a, api.a.programId],
      [api.b, api.b.programId],
    ] as const) {
      const admin = (url: string, payload: object) =>
        api.call(keys.admin, { method: 'POST', url, payload, headers: { 'idempotency-key': key() } });
      await admin('/v1/accounts', { externalId: 'HARBOR', name: 'Harbor' });
      const p = (
        await admin('/v1/membership-plans', { ...businessClub, name: 'Monthly', term: { days: 30 } })
      ).json();
      const m = await admin('/v1/memberships', {
        account: 'HARBOR',
        plan: p.id,
        via: 'contract',
        reference: 'C-30',
        startsAt: start,
      });
      expect(m.statusCode, m.body).toBe(201);
      joined.push({ key: keys.read, program, id: m.json().id });
    }
    for (let d = 0; d <= 100; d += 7) {
      await api.services.memberships.runDue(api.a.programId, new Date(Date.parse(start) + d * DAY));
    }
    const end = new Date(Date.parse(start) + 100 * DAY);
    await api.services.memberships.runDue(api.a.programId, end);
    await api.services.memberships.runDue(api.b.programId, end);
    const shape = async ({ key: k, id }: { key: string; id: string }) => {
      const read = async (url: string) => (await api.call(k, { method: 'GET', url })).json();
      const m = await read(`/v1/memberships/${id}`);
      const events = (await read(`/v1/memberships/${id}/events`)).data;
      const history = (await read('/v1/accounts/HARBOR/wallets/points/history')).data;
      return {
        term: m.term,
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        terms: m.terms,
        entitlements: m.entitlements.map((e: { key: string; validUntil: string }) => [e.key, e.validUntil]),
        events: events.map((e: { type: string; occurredAt: string }) => [e.type, e.occurredAt]),
        credits: history.map((l: { amount: number; effectiveAt: string }) => [l.amount, l.effectiveAt]),
      };
    };
    const onTime = await shape(joined[0]!);
    expect(onTime.term).toBe(4);
    expect(onTime.credits).toHaveLength(4);
    expect(await shape(joined[1]!)).toEqual(onTime);
  });

  it('approval: pending with nothing granted, then approved by an admin (audited)', async () => {
    const vetted = await createPlan({
      ...businessClub,
      name: 'Vetted',
      joining: 'approval',
      renewal: 'manual',
    });
    const r = await post('/v1/memberships', {
      account: 'DELTA',
      plan: vetted.id,
      via: 'approval',
      reference: 'APP-7',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      status: 'pending',
      startsAt: null,
      endsAt: null,
      term: 0,
      terms: [],
      entitlements: [],
    });
    expect(await check('DELTA', 'vip_support')).toMatchObject({ granted: false });
    expect(await points('DELTA')).toBe(0);
    const denied = await post(`/v1/memberships/${r.json().id}/approve`, {}, 'write');
    expect(denied.statusCode).toBe(403);
    const approved = await post(`/v1/memberships/${r.json().id}/approve`, { note: 'KYC ok' }, 'admin');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'active', term: 1, note: 'KYC ok' });
    expect(await check('DELTA', 'vip_support')).toMatchObject({ granted: true });
    expect(await points('DELTA')).toBe(5000);
    const events = (await get(`/v1/memberships/${r.json().id}/events`)).json().data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['requested', 'activated']);
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${r.json().id}` });
    // Newest first: the request to join (by the write key), then its approval.
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual([
      'membership.approve',
      'membership.join',
    ]);
  });

  it('rejects a pending membership', async () => {
    const vetted = await createPlan({ ...businessClub, name: 'Vetted 2', joining: 'approval' });
    const r = await post('/v1/memberships', { account: 'DELTA', plan: vetted.id, via: 'approval' });
    const rejected = await post(`/v1/memberships/${r.json().id}/reject`, { note: 'Not a reseller' }, 'admin');
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', entitlements: [] });
    // A rejected membership does not block a new request.
    const again = await post('/v1/memberships', { account: 'DELTA', plan: vetted.id, via: 'approval' });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(r.json().id);
  });

  it('lapses a manual membership at its term end: entitlements end there, late or twice', async () => {
    const manual = await createPlan({
      ...businessClub,
      name: 'Manual',
      renewal: 'manual',
      joining: 'purchase',
    });
    const r = await post('/v1/memberships', {
      account: 'ECHO',
      plan: manual.id,
      via: 'purchase',
      reference: 'ORD-9',
    });
    expect(r.statusCode).toBe(201);
    const endsAt = r.json().endsAt as string;
    const late = new Date(Date.parse(endsAt) + 90 * DAY).toISOString();
    const first = await api.services.memberships.runDue(api.a.programId, new Date(late));
    expect(first.lapsed).toBeGreaterThanOrEqual(1);
    await api.services.memberships.runDue(api.a.programId, new Date(late));
    const m = (await get(`/v1/memberships/${r.json().id}`)).json();
    expect(m).toMatchObject({ status: 'lapsed', endsAt, term: 1 });
    expect(m.terms).toHaveLength(1);
    for (const e of m.entitlements) expect(Date.parse(e.validUntil)).toBeLessThanOrEqual(Date.parse(endsAt));
    const events = (await get(`/v1/memberships/${r.json().id}/events`)).json().data;
    expect(events.map((e: { type: string; occurredAt: string }) => [e.type, e.occurredAt])).toEqual([
      ['activated', m.startsAt],
      ['lapsed', endsAt],
    ]);
    // Lapsed: a new purchase starts a new membership.
    const renewedByHand = await post('/v1/memberships', {
      account: 'ECHO',
      plan: manual.id,
      via: 'purchase',
      reference: 'ORD-10',
    });
    expect(renewedByHand.statusCode).toBe(201);
  });

  it('cancels: entitlements end now, no renewal afterwards, a second cancel is refused', async () => {
    const p = await createPlan({ ...businessClub, name: 'Cancellable' });
    const r = await post('/v1/memberships', {
      account: 'FJORD',
      plan: p.id,
      via: 'contract',
      reference: 'C-77',
    });
    expect(await check('FJORD', 'vip_support')).toMatchObject({ granted: true });
    const cancelled = await post(`/v1/memberships/${r.json().id}/cancel`, { note: 'Contract ended' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(await check('FJORD', 'vip_support')).toMatchObject({ granted: false });
    const run = await api.services.memberships.runDue(api.a.programId, new Date(Date.now() + 800 * DAY));
    expect(run.renewed).toBeGreaterThanOrEqual(0);
    const m = (await get(`/v1/memberships/${r.json().id}`)).json();
    expect(m).toMatchObject({ status: 'cancelled', term: 1 });
    const twice = await post(`/v1/memberships/${r.json().id}/cancel`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('membership_ended');
    // The service credit stays: it was granted for a term that began.
    expect(await points('FJORD')).toBe(5000);
  });

  it('versions plan changes: new members get the new version, existing ones keep theirs', async () => {
    const p = await createPlan({ ...businessClub, name: 'Versioned' });
    const first = (
      await post('/v1/memberships', { account: 'GAMMA', plan: p.id, via: 'contract', reference: 'V1' })
    ).json();
    const changed = await api.call(api.a.admin, {
      method: 'PATCH',
      url: `/v1/membership-plans/${p.id}`,
      payload: { fee: { amount: '590', currency: 'EUR' } },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, fee: { amount: '590.00', minorUnits: 59000 } });
    expect(first.planVersion).toBe(1);
    const audit = await api.call(api.a.admin, { method: 'GET', url: `/v1/audit?resourceId=${p.id}` });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toEqual([
      'membership_plan.update',
      'membership_plan.create',
    ]);
    // In use: cannot be deleted, can be archived; then nobody can join.
    const del = await api.call(api.a.admin, { method: 'DELETE', url: `/v1/membership-plans/${p.id}` });
    expect(del.statusCode).toBe(409);
    expect(del.json().code).toBe('plan_in_use');
    const archived = await post(`/v1/membership-plans/${p.id}/archive`, {}, 'admin');
    expect(archived.json().status).toBe('archived');
    const join = await post('/v1/memberships', {
      account: 'BOLT',
      plan: p.id,
      via: 'contract',
      reference: 'V2',
    });
    expect(join.statusCode).toBe(422);
    expect(join.json().code).toBe('plan_archived');
    // An unused plan can be deleted.
    const unused = await createPlan({ ...businessClub, name: 'Unused' });
    const gone = await api.call(api.a.admin, { method: 'DELETE', url: `/v1/membership-plans/${unused.id}` });
    expect(gone.statusCode).toBe(200);
    expect((await get(`/v1/membership-plans/${unused.id}`)).json().code).toBe('plan_not_found');
  });

  it('tells other modules the active plans of an account', async () => {
    const acme = await api.services.accounts.resolve(api.a.programId, 'ACME');
    const plans = await api.services.memberships.activePlansOf(api.a.programId, acme.id);
    expect(plans.map((p) => p.name)).toEqual(['Business Club']);
    const fjord = await api.services.accounts.resolve(api.a.programId, 'FJORD');
    expect(await api.services.memberships.activePlansOf(api.a.programId, fjord.id)).toEqual([]);
  });

  it('keeps an auto-renewing membership granting past its term end until the due run; a manual one ends there', async () => {
    const startsAt = new Date(Date.now() - 45 * DAY).toISOString();
    const auto = await createPlan({ ...businessClub, name: 'Auto 30', term: { days: 30 } });
    const manual = await createPlan({
      ...businessClub,
      name: 'Manual 30',
      term: { days: 30 },
      renewal: 'manual',
      entitlements: [{ key: 'manual_perk', kind: 'flag' }],
    });
    const a = await post('/v1/memberships', {
      account: 'IOTA',
      plan: auto.id,
      via: 'contract',
      reference: 'A',
      startsAt,
    });
    await post('/v1/memberships', {
      account: 'IOTA',
      plan: manual.id,
      via: 'contract',
      reference: 'M',
      startsAt,
    });
    expect(await check('IOTA', 'vip_support')).toMatchObject({
      granted: true,
      key: 'vip_support',
      until: a.json().endsAt,
      source: { kind: 'membership', membershipId: a.json().id, planId: auto.id, until: a.json().endsAt },
    });
    expect(await check('IOTA', 'manual_perk')).toMatchObject({ granted: false });
    const listed = (await get('/v1/accounts/IOTA/entitlements')).json().data;
    const active = Object.fromEntries(listed.map((e: { key: string; active: boolean }) => [e.key, e.active]));
    // The free period runs its own 3 months from the start, whatever the term.
    expect(active).toMatchObject({ vip_support: true, manual_perk: false, training: true });
    const iota = await api.services.accounts.resolve(api.a.programId, 'IOTA');
    expect(
      (await api.services.memberships.activePlansOf(api.a.programId, iota.id)).map((p) => p.name),
    ).toEqual(['Auto 30']);
  });
});
