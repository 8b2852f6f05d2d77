// Referrals through the API: codes, attribution (by the API and by an event naming a code),
// conversion on a qualifying event paid once to both sides, pending rewards, the review queue, the funnel.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { type PartnerProgram, partnerProgram, referAFriend } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function withReferralProgram(extra: object = {}): Promise<PartnerProgram> {
  const p = await partnerProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/referral-programs', payload: referAFriend(extra) });
  return p;
}

describe('a two-sided referral', () => {
  it('attributes, converts on the first qualifying purchase and pays both sides once', async () => {
    const p = await withReferralProgram();
    const nordic = await p.account('NORDIC');
    const fjord = await p.account('FJORD');
    const code = await p.code('NORDIC', { code: 'nordic-2026', campaign: 'spring' });
    expect(code).toBe('NORDIC-2026');

    const attributed = await p.refer('Nordic-2026 ', 'FJORD');
    expect(attributed.statusCode, attributed.body).toBe(201);
    expect(attributed.headers.location).toBe(`/v1/referrals/${attributed.json().id}`);
    const referral = attributed.json();
    expect(referral).toMatchObject({
      referralProgram: 'refer-a-business',
      code: 'NORDIC-2026',
      campaign: 'spring',
      referrerAccountId: nordic,
      referredAccountId: fjord,
      status: 'pending',
      findings: [],
      via: 'api',
      conversionEventId: null,
    });
    expect(new Date(referral.convertBy).getTime() - new Date(referral.attributedAt).getTime()).toBe(
      30 * 86_400_000,
    );

    // Below the condition's amount: no conversion.
    await p.purchase('small-1', 'FJORD', '40.00');
    expect((await p.referral(referral.id)).status).toBe('pending');
    expect(await p.wallet(nordic)).toEqual({ available: 0, pending: 0 });

    await p.purchase('big-1', 'FJORD', '120.00');
    const converted = await p.referral(referral.id);
    expect(converted).toMatchObject({ status: 'converted', conversionEventId: 'big-1' });
    expect(converted.referrerEntryId).toMatch(/^ent_/);
    expect(converted.referredEntryId).toMatch(/^ent_/);
    expect(await p.wallet(nordic)).toEqual({ available: 500, pending: 0 });
    expect(await p.wallet(fjord, 'EUR')).toEqual({ available: 1000, pending: 0 });

    // A resent event, and another qualifying one: nothing is paid twice.
    await p.ok(
      p.write,
      {
        method: 'POST',
        url: '/v1/events',
        payload: {
          id: 'big-1',
          type: 'purchase',
          account: 'FJORD',
          occurredAt: (await p.ok(p.read, { method: 'GET', url: '/v1/events/big-1' })).occurredAt,
          amount: '120.00',
          currency: 'EUR',
        },
      },
      200,
    );
    await p.purchase('big-2', 'FJORD', '300.00');
    expect(await p.entries(nordic, 'referral_referrer')).toBe(1);
    expect(await p.entries(fjord, 'referral_referred')).toBe(1);
    expect(await p.wallet(nordic)).toEqual({ available: 500, pending: 0 });

    // The ledger explains the line, and the audit log has the attribution and the conversion.
    const entry = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/ledger/entries/${converted.referrerEntryId}`,
    });
    expect(entry.entry).toMatchObject({
      idempotencyKey: `referral:${referral.id}:referrer`,
      reasonCode: 'referral_referrer',
      explanation: `Referral of ${fjord} converted (code NORDIC-2026)`,
    });
    const audit = await p.ok(p.admin, { method: 'GET', url: `/v1/audit?resourceId=${referral.id}` });
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual([
      'referral.convert',
      'referral.attribute',
    ]);

    const mine = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' });
    expect(mine.data.map((r: { id: string }) => r.id)).toEqual([referral.id]);
    const funnel = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/reports/referral-funnel?referralProgram=refer-a-business&campaign=spring',
    });
    expect(funnel).toEqual({
      referralProgram: 'refer-a-business',
      campaign: 'spring',
      codesIssued: 1,
      attributed: 1,
      inReview: 0,
      converted: 1,
      rewarded: 1,
      rejected: 0,
    });
  });

  it('holds rewards as pending credits for the pending period', async () => {
    const p = await withReferralProgram({
      rewards: { referrer: { unit: 'points', amount: 200 }, pendingDays: 14 },
    });
    const nordic = await p.account('NORDIC');
    const fjord = await p.account('FJORD');
    const code = await p.code('NORDIC');
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect((await p.refer(code, 'FJORD')).statusCode).toBe(201);
    await p.purchase('o-1', 'FJORD', '150.00');
    expect(await p.wallet(nordic)).toEqual({ available: 0, pending: 200 });
    expect(await p.wallet(fjord, 'EUR')).toEqual({ available: 0, pending: 0 });
    // The ledger's due run posts it once the period is over.
    const later = new Date(Date.now() + 15 * 86_400_000).toISOString();
    await p.ok(p.admin, { method: 'POST', url: '/v1/ledger/due-runs', payload: { asOf: later } }, 200);
    expect(await p.wallet(nordic)).toEqual({ available: 200, pending: 0 });
  });

  it('attributes an account through an event naming a code, and converts on it', async () => {
    const p = await withReferralProgram();
    const nordic = await p.account('NORDIC');
    const fjord = await p.account('FJORD');
    await p.code('NORDIC', { code: 'NORDIC-EVT' });
    await p.purchase('first-order', 'FJORD', '250.00', { references: { referralCode: 'nordic-evt' } });
    const list = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?referrer=NORDIC' });
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      referredAccountId: fjord,
      via: 'event',
      sourceEventId: 'first-order',
      status: 'converted',
      conversionEventId: 'first-order',
    });
    expect(await p.wallet(nordic)).toEqual({ available: 500, pending: 0 });
    // A later event naming another code does not move the account to another referrer: first touch wins.
    await p.account('OTHER');
    await p.code('OTHER', { code: 'OTHER-1' });
    await p.purchase('second-order', 'FJORD', '10.00', { references: { referralCode: 'OTHER-1' } });
    const still = await p.ok(p.read, { method: 'GET', url: '/v1/referrals' });
    expect(still.data.map((r: { referrerAccountId: string }) => r.referrerAccountId)).toEqual([nordic]);
  });
});

describe('the review queue', () => {
  it('flags a referral within one group; approval after the qualifying event pays then', async () => {
    const p = await withReferralProgram();
    const group = await p.account('GROUP');
    await p.account('SITE-A', { parentId: group });
    const siteB = await p.account('SITE-B', { parentId: group });
    const code = await p.code('SITE-A');
    const flagged = await p.refer(code, 'SITE-B');
    expect(flagged.statusCode, flagged.body).toBe(201);
    expect(flagged.json()).toMatchObject({
      status: 'review',
      findings: [
        {
          guard: 'same_group',
          action: 'flag',
          reason: `referrer and referred belong to the same group (${group})`,
        },
      ],
    });
    const id = flagged.json().id;
    await p.purchase('qualifying', 'SITE-B', '500.00');
    const noted = await p.referral(id);
    expect(noted).toMatchObject({ status: 'review', conversionEventId: 'qualifying', referrerEntryId: null });
    expect(await p.wallet(siteB, 'EUR')).toEqual({ available: 0, pending: 0 });
    const queue = await p.ok(p.read, { method: 'GET', url: '/v1/referrals?status=review' });
    expect(queue.data.map((r: { id: string }) => r.id)).toEqual([id]);

    const approved = await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/referrals/${id}/approve`, payload: { reason: 'separate franchisees' } },
      200,
    );
    expect(approved).toMatchObject({ status: 'converted', decisionReason: 'separate franchisees' });
    expect(await p.wallet(siteB, 'EUR')).toEqual({ available: 1000, pending: 0 });
    const again = await p.send(p.admin, { method: 'POST', url: `/v1/referrals/${id}/approve`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('referral_state_conflict');
    expect(await p.entries(siteB, 'referral_referred')).toBe(1);
  });

  it('flags a shared e-mail domain and the velocity limit; a rejected referral pays nothing', async () => {
    const p = await withReferralProgram({
      guards: { sameGroup: 'off', sameEmailDomain: 'flag', velocity: { max: 1, days: 30, action: 'flag' } },
    });
    const nordic = await p.account('NORDIC');
    await p.contact(nordic, 'anna@nordic.example');
    const twin = await p.account('TWIN');
    await p.contact(twin, 'ben@Nordic.example');
    const gmail = await p.account('GMAIL');
    await p.contact(nordic, 'owner@gmail.com');
    await p.contact(gmail, 'someone@gmail.com');
    const code = await p.code('NORDIC');

    const first = (await p.refer(code, 'GMAIL')).json();
    expect(first).toMatchObject({ status: 'pending', findings: [] });
    const second = (await p.refer(code, 'TWIN')).json();
    expect(second.status).toBe('review');
    expect(second.findings.map((f: { guard: string }) => f.guard)).toEqual(['same_email_domain', 'velocity']);
    expect(second.findings[0].reason).toBe('contacts of both accounts use the e-mail domain nordic.example');
    expect(second.findings[1].reason).toBe('the referrer made 1 referrals in the last 30 days (at most 1)');

    const rejected = await p.ok(
      p.admin,
      { method: 'POST', url: `/v1/referrals/${second.id}/reject`, payload: { reason: 'same owner' } },
      200,
    );
    expect(rejected).toMatchObject({ status: 'rejected', decisionReason: 'same owner' });
    await p.purchase('twin-order', 'TWIN', '900.00');
    expect(await p.referral(second.id)).toMatchObject({ status: 'rejected', conversionEventId: null });
    expect(await p.wallet(nordic)).toEqual({ available: 0, pending: 0 });
    expect(await p.wallet(twin, 'EUR')).toEqual({ available: 0, pending: 0 });
  });
});

describe('codes and referral programs', () => {
  it('deactivates a code: it attributes nobody any more; lists codes by referrer', async () => {
    const p = await withReferralProgram();
    await p.account('NORDIC');
    await p.account('FJORD');
    const code = await p.code('NORDIC', { code: 'OFF-2026' });
    const off = await p.ok(p.write, {
      method: 'PATCH',
      url: `/v1/referral-codes/${code}`,
      payload: { active: false },
    });
    expect(off).toMatchObject({ code: 'OFF-2026', active: false });
    expect(off.deactivatedAt).not.toBeNull();
    const refused = await p.refer(code, 'FJORD');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('referral_code_inactive');
    const codes = await p.ok(p.read, { method: 'GET', url: '/v1/referral-codes?account=NORDIC' });
    expect(codes.data.map((c: { code: string }) => c.code)).toEqual(['OFF-2026']);
    expect((await p.ok(p.read, { method: 'GET', url: '/v1/referral-codes/off-2026' })).active).toBe(false);
  });

  it('changes a referral program (the change applies to conversions from then on) and lists them', async () => {
    const p = await withReferralProgram();
    const changed = await p.ok(
      p.admin,
      {
        method: 'PUT',
        url: '/v1/referral-programs/refer-a-business',
        payload: {
          name: 'Refer a business (contracts)',
          conversion: { eventTypes: ['contract.signed'] },
          rewards: { referrer: { unit: 'points', amount: 1000 } },
        },
      },
      200,
    );
    expect(changed).toMatchObject({
      code: 'refer-a-business',
      active: true,
      attributionDays: 30,
      conversion: { eventTypes: ['contract.signed'], condition: null, windowDays: 90 },
      rewards: { referrer: { unit: 'points', amount: 1000 }, referred: null, pendingDays: 0 },
      guards: { sameGroup: 'flag', sameEmailDomain: 'flag', velocity: null },
    });
    const nordic = await p.account('NORDIC');
    await p.account('FJORD');
    await p.refer(await p.code('NORDIC'), 'FJORD');
    await p.purchase('ignored', 'FJORD', '999.00');
    expect(await p.wallet(nordic)).toEqual({ available: 0, pending: 0 });
    await p.event({
      id: 'signed',
      type: 'contract.signed',
      account: 'FJORD',
      occurredAt: new Date().toISOString(),
    });
    expect(await p.wallet(nordic)).toEqual({ available: 1000, pending: 0 });
    const list = await p.ok(p.read, { method: 'GET', url: '/v1/referral-programs' });
    expect(list.data.map((r: { code: string }) => r.code)).toEqual(['refer-a-business']);
  });

  it('survives a restart of the services: a new instance converts a referral made before', async () => {
    const p = await withReferralProgram();
    const nordic = await p.account('NORDIC');
    await p.account('FJORD');
    const { id } = (await p.refer(await p.code('NORDIC'), 'FJORD')).json();
    const { createServices } = await import('../../src/app/compose.ts');
    const fresh = createServices(api.database);
    await fresh.events.ingest(p.id, {
      id: 'after-restart',
      type: 'purchase',
      account: 'FJORD',
      occurredAt: new Date().toISOString(),
      amount: '100.00',
      currency: 'EUR',
    });
    expect((await p.referral(id)).status).toBe('converted');
    expect(await p.wallet(nordic)).toEqual({ available: 500, pending: 0 });
    const [row] = await selectRows<{ n: string }>(
      api.database.db,
      sql`select count(*) as n from referrals where program_id = ${p.id}`,
    );
    expect(Number(row!.n)).toBe(1);
  });
});
