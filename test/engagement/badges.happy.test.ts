// Badges through the API: defined by the program, awarded by hand (audited), optionally expiring,
// listed on accounts and contacts.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { engagementProgram, trainedBadge } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

describe('badges', () => {
  it('are defined, read, listed and changed (audited)', async () => {
    const p = await engagementProgram(api);
    const badge = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/badges',
      payload: { ...trainedBadge, validDays: 365 },
    });
    expect(badge).toMatchObject({ ...trainedBadge, validDays: 365 });
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: { code: 'pioneer', name: 'Pioneer' } });
    expect(await p.ok(p.read, { method: 'GET', url: '/v1/badges/trained' })).toEqual(badge);
    const page = await p.ok(p.read, { method: 'GET', url: '/v1/badges?limit=1' });
    expect(page.data.map((b: { code: string }) => b.code)).toEqual(['pioneer']);
    const next = await p.ok(p.read, { method: 'GET', url: `/v1/badges?limit=1&cursor=${page.nextCursor}` });
    expect(next.data.map((b: { code: string }) => b.code)).toEqual(['trained']);
    const changed = await p.ok(p.admin, {
      method: 'PATCH',
      url: '/v1/badges/trained',
      payload: { name: 'Fully trained', validDays: null },
    });
    expect(changed).toMatchObject({
      name: 'Fully trained',
      validDays: null,
      imageUrl: trainedBadge.imageUrl,
    });
    const audit = await p.ok(p.admin, { method: 'GET', url: '/v1/audit?resourceId=trained' });
    expect(audit.data.map((e: { action: string }) => e.action)).toEqual(['badge.update', 'badge.create']);
  });

  it('are awarded by hand to an account and one of its contacts (audited), and listed on both', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    const acme = await p.account('ACME');
    const contact = await p.ok(p.write, {
      method: 'POST',
      url: `/v1/accounts/${acme}/contacts`,
      payload: { email: 'inge@acme.example', name: 'Inge' },
    });
    const award = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/accounts/ACME/badges',
      payload: {
        badge: 'trained',
        contact: contact.id,
        note: 'Trainer of the year',
        expiresAt: '2099-01-01T00:00:00Z',
      },
    });
    expect(award).toMatchObject({
      badge: { code: 'trained' },
      accountId: acme,
      contactId: contact.id,
      source: 'manual',
      note: 'Trainer of the year',
      expiresAt: '2099-01-01T00:00:00.000Z',
      expired: false,
    });
    expect(award.id).toMatch(/^bga_/);
    const onAccount = await p.ok(p.read, { method: 'GET', url: `/v1/accounts/${acme}/badges` });
    expect(onAccount.data).toEqual([award]);
    const onContact = await p.ok(p.read, { method: 'GET', url: `/v1/contacts/${contact.id}/badges` });
    expect(onContact.data).toEqual([award]);
    const audit = await p.ok(p.admin, { method: 'GET', url: `/v1/audit?resourceId=${award.id}` });
    expect(audit.data).toEqual([
      expect.objectContaining({ action: 'badge.award', resourceType: 'badge_award' }),
    ]);
  });

  it("expire after the badge's validity: hidden from the list unless includeExpired", async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: { ...trainedBadge, validDays: 30 } });
    await p.account('ACME');
    // Given 40 days ago, valid for 30: expired ten days ago.
    const old = await api.services.engagement.awardBadge(
      p.id,
      'ACME',
      { badge: 'trained' },
      FIXTURE,
      new Date(Date.now() - 40 * 86_400_000),
    );
    const fresh = await p.ok(p.write, {
      method: 'POST',
      url: '/v1/accounts/ACME/badges',
      payload: { badge: 'trained' },
    });
    expect(new Date(fresh.expiresAt).getTime() - new Date(fresh.awardedAt).getTime()).toBe(30 * 86_400_000);
    const current = await p.ok(p.read, { method: 'GET', url: '/v1/accounts/ACME/badges' });
    expect(current.data.map((a: { id: string }) => a.id)).toEqual([fresh.id]);
    const all = await p.ok(p.read, { method: 'GET', url: '/v1/accounts/ACME/badges?includeExpired=true' });
    expect(all.data.map((a: { id: string; expired: boolean }) => [a.id, a.expired])).toEqual([
      [fresh.id, false],
      [old.id, true],
    ]);
  });
});
