// Contact challenges (decision 0061) through the API: progress and completions per contact, from the
// events that name the contact (events without one count for nobody), paid to the account's wallet
// with the contact named, the badge to the contact; audiences over the contact; opt-in by a contact;
// recomputed from history when created or changed mid-window; the reads on the contact and the
// challenge's completions.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import {
  type EngagementProgram,
  engagementProgram,
  perContact,
  threeTrainings,
  trainedBadge,
} from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
});

async function setUp(extra: object | null = {}) {
  const p = await engagementProgram(api);
  await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
  const acme = await p.account('ACME');
  const contact = async (email: string, name: string, role = 'buyer', locale?: string) =>
    (
      await p.ok(p.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/contacts',
        payload: { email, name, role, ...(locale ? { locale } : {}) },
      })
    ).id as string;
  const inge = await contact(`inge${p.id}@acme.example`, 'Inge de Vries', 'buyer', 'nl');
  const piet = await contact(`piet${p.id}@acme.example`, 'Piet Jansen', 'approver', 'en');
  if (extra !== null)
    await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: perContact(extra) });
  const training = (id: string, at: string, who?: string) =>
    p.event({
      id,
      type: 'training.completed',
      account: 'ACME',
      occurredAt: at,
      ...(who ? { contact: who } : {}),
    });
  const progressOf = (who: string, asOf: string, code = 'my-trainings') =>
    p.ok(p.read, { method: 'GET', url: `/v1/challenges/${code}/progress?contact=${who}&asOf=${asOf}` });
  return { p, acme, inge, piet, training, progressOf };
}

async function explanations(p: EngagementProgram, accountId: string): Promise<string[]> {
  const rows = await selectRows<{ explanation: string }>(
    api.database.db,
    sql`select explanation from ledger_entries where program_id = ${p.id} and account_id = ${accountId}
          and reason_code = 'challenge_completed' order by created_at`,
  );
  return rows.map((r) => r.explanation);
}

describe('a contact challenge', () => {
  it('counts only the events naming the contact, pays once to the account wallet for the contact, badge to the contact', async () => {
    const { p, acme, inge, piet, training, progressOf } = await setUp();
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: 'https://crm.example.com/hooks', eventTypes: ['challenge.completed'] },
    });
    // A team challenge beside it counts every event of the account, with or without a contact.
    await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings() });
    await training('t1', '2026-04-03T09:00:00Z', inge);
    await training('t2', '2026-04-04T09:00:00Z', inge);
    await training('t3', '2026-04-05T09:00:00Z', piet);
    await training('t4', '2026-04-06T09:00:00Z'); // no contact: the team's, nobody's own
    const halfway = await progressOf(inge, '2026-04-10T00:00:00Z');
    expect(halfway).toMatchObject({
      challenge: 'my-trainings',
      participant: 'contact',
      accountId: acme,
      contactId: inge,
      status: 'open',
      eligible: true,
      goals: [{ value: '2', target: '3', done: false }],
      completion: null,
    });
    expect(halfway.counts).toBe(
      `only the events naming contact ${inge}; events without a contact are left out (1 of 4 events of the account in this window)`,
    );
    expect((await progressOf(piet, '2026-04-10T00:00:00Z')).goals[0].value).toBe('1');
    // The team challenge completed with the four events (300 points); nobody's own challenge did.
    expect(await p.points(acme)).toBe(300);
    expect((await p.progress('three-trainings', 'ACME', '2026-04-10T00:00:00Z')).goals[0].value).toBe('4');

    await training('t5', '2026-04-07T09:00:00Z', inge);
    const resent = await p.send(p.write, {
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 't5',
        type: 'training.completed',
        account: 'ACME',
        occurredAt: '2026-04-07T09:00:00Z',
        contact: inge,
      },
    });
    expect(resent.statusCode).toBe(200); // sent again: counted once
    expect(await p.due('2026-04-08T00:00:00Z')).toMatchObject({ completed: 0 });
    const done = await progressOf(inge, '2026-04-08T00:00:00Z');
    expect(done).toMatchObject({
      status: 'completed',
      completion: { contactId: inge, windowKey: '2026-Q2' },
    });
    expect(done.completion.completedAt).toBe('2026-04-07T09:00:00.000Z');
    expect((await progressOf(piet, '2026-04-08T00:00:00Z')).status).toBe('open');
    expect(await p.points(acme)).toBe(600);
    expect(await explanations(p, acme)).toEqual([
      'Three trainings this quarter completed (2026-Q2)',
      "For Inge's completion of Three trainings of your own (2026-Q2), credited to the account (contacts have no wallet)",
    ]);
    // challenge.completed names the contact of a contact challenge's completion (null for the team's).
    const messages = await selectRows<{ challenge: string; contact_id: string | null; account_id: string }>(
      api.database.db,
      sql`select payload->>'challenge' as challenge, payload->>'contactId' as contact_id, payload->>'accountId' as account_id
            from outbox_messages where program_id = ${p.id} and type = 'challenge.completed' order by id`,
    );
    expect(messages).toEqual([
      { challenge: 'three-trainings', contact_id: null, account_id: acme },
      { challenge: 'my-trainings', contact_id: inge, account_id: acme },
    ]);
    // The badge is the contact's.
    const badges = await p.ok(p.read, { method: 'GET', url: `/v1/contacts/${inge}/badges` });
    expect(badges.data).toHaveLength(1);
    expect(badges.data[0]).toMatchObject({
      contactId: inge,
      accountId: acme,
      sourceKey: `challenge:my-trainings:${inge}:2026-Q2`,
    });
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/contacts/${piet}/badges` })).data).toHaveLength(0);

    // The reads: the contact's challenges, the account's, the challenge's completions.
    const mine = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/contacts/${piet}/challenges?asOf=2026-04-08T00:00:00Z`,
    });
    expect(mine.data.map((c: { challenge: string }) => c.challenge)).toEqual(['my-trainings']);
    expect(mine.data[0]).toMatchObject({ contactId: piet, goals: [{ value: '1' }] });
    expect(mine.completions).toEqual([]);
    const inges = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/contacts/${inge}/challenges?asOf=2026-04-08T00:00:00Z`,
    });
    expect(inges.completions).toEqual([
      expect.objectContaining({ challenge: 'my-trainings', contactId: inge, points: 300 }),
    ]);
    const account = await p.ok(p.read, {
      method: 'GET',
      url: '/v1/accounts/ACME/challenges?asOf=2026-04-08T00:00:00Z',
    });
    expect(account.data.map((c: { challenge: string }) => c.challenge)).toEqual(['three-trainings']);
    expect(
      account.completions
        .map((c: { challenge: string; contactId: string | null }) => [c.challenge, c.contactId])
        .sort(),
    ).toEqual([
      ['my-trainings', inge],
      ['three-trainings', null],
    ]);
    const completions = await p.ok(p.read, { method: 'GET', url: '/v1/challenges/my-trainings/completions' });
    expect(completions).toMatchObject({
      data: [
        { challenge: 'my-trainings', accountId: acme, contactId: inge, windowKey: '2026-Q2', points: 300 },
      ],
      nextCursor: null,
    });
    const team = await p.ok(p.read, {
      method: 'GET',
      url: `/v1/challenges/three-trainings/completions?account=ACME`,
    });
    expect(team.data).toEqual([expect.objectContaining({ accountId: acme, contactId: null })]);
  });

  it('takes the contact into its audience (contact.role, contact.locale) with the account', async () => {
    const { p, acme, inge, piet, training, progressOf } = await setUp({
      audience: {
        condition: "contact.role == 'approver' && contact.locale == 'en' && account.status == 'enrolled'",
      },
    });
    for (const [i, who] of [inge, inge, inge, piet, piet, piet].entries())
      await training(`a${i}`, `2026-05-0${i + 1}T09:00:00Z`, who);
    expect((await progressOf(inge, '2026-05-10T00:00:00Z')).eligible).toBe(false);
    const piets = await progressOf(piet, '2026-05-10T00:00:00Z');
    expect(piets, JSON.stringify(piets)).toMatchObject({ eligible: true, status: 'completed' });
    expect((await progressOf(inge, '2026-05-10T00:00:00Z')).status).toBe('open');
    expect(await p.points(acme)).toBe(300);
    expect(await explanations(p, acme)).toEqual([expect.stringContaining("For Piet's completion")]);
  });

  it('created mid-window, counts each contact from history; changed, applies to the open window per contact', async () => {
    const { p, acme, inge, piet, training, progressOf } = await setUp(null);
    await training('h1', '2026-04-03T09:00:00Z', inge);
    await training('h2', '2026-04-04T09:00:00Z', inge);
    await training('h3', '2026-04-05T09:00:00Z', inge);
    await training('h4', '2026-04-06T09:00:00Z', piet);
    await training('h5', '2026-04-07T09:00:00Z', piet);
    await training('h6', '2026-04-07T10:00:00Z'); // three events without a contact: nobody's
    await training('h7', '2026-04-07T11:00:00Z');
    await training('h8', '2026-04-07T12:00:00Z');
    // Created after the events: nothing checked it yet, the due run pays Inge from history.
    await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: perContact() });
    expect((await progressOf(inge, '2026-04-10T00:00:00Z')).status).toBe('open');
    expect(await p.due('2026-04-10T00:00:00Z')).toMatchObject({ completed: 1 });
    expect(await p.points(acme)).toBe(300);
    // Two trainings suffice now: Piet's two count from history; the event without a contact still not.
    const { code: _code, ...changed } = perContact({
      goals: [{ metric: 'count', eventTypes: ['training.completed'], target: '2' }],
    });
    await p.ok(p.admin, { method: 'PUT', url: '/v1/challenges/my-trainings', payload: changed });
    expect(await p.due('2026-04-10T00:00:00Z')).toMatchObject({ completed: 1 });
    expect(await p.due('2026-04-11T00:00:00Z')).toMatchObject({ completed: 0 });
    expect((await progressOf(piet, '2026-04-10T00:00:00Z')).completion).toMatchObject({
      contactId: piet,
      version: 2,
    });
    expect(await p.points(acme)).toBe(600);
  });

  it('is joined by a contact (opt-in): counts its events from the joining only', async () => {
    const { p, acme, inge, piet, training, progressOf } = await setUp({
      enrolment: 'opt_in',
      window: { kind: 'rolling', days: 30 },
    });
    await training('o1', new Date(Date.now() - 2 * 86_400_000).toISOString(), inge); // before joining
    const join = (contact: string) =>
      p.send(p.write, {
        method: 'POST',
        url: '/v1/challenges/my-trainings/enrolments',
        payload: { contact },
      });
    const joined = await join(inge);
    expect(joined.statusCode, joined.body).toBe(201);
    expect(joined.json()).toMatchObject({ accountId: acme, contactId: inge, joined: true });
    const again = await join(inge);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ contactId: inge, joined: false, joinedAt: joined.json().joinedAt });
    const joinedAt = new Date(joined.json().joinedAt).getTime();
    const at = (days: number) => new Date(joinedAt + days * 86_400_000).toISOString();
    await training('o2', at(0.001), inge);
    await training('o3', at(0.002), inge);
    await training('o4', at(0.0025), piet); // Piet did not join
    await training('o5', at(0.0026), piet);
    await training('o6', at(0.0027), piet);
    expect((await progressOf(piet, at(0.003))).status).toBe('not_joined');
    expect((await progressOf(inge, at(0.003))).goals[0].value).toBe('2');
    await training('o7', at(0.003), inge);
    expect((await progressOf(inge, at(0.004))).status).toBe('completed');
    expect(await p.points(acme)).toBe(300);
    expect(await p.due(at(0.005))).toMatchObject({ completed: 0 });
    expect(await p.points(acme)).toBe(300);
  });

  it('counts a contact that moved to another account there: its events in the account it left stay that account’s', async () => {
    const { p, acme, piet, training, progressOf } = await setUp();
    const beta = await p.account('BETA');
    await training('m1', '2026-05-01T09:00:00Z', piet);
    await training('m2', '2026-05-02T09:00:00Z', piet);
    await p.ok(
      p.write,
      { method: 'PATCH', url: `/v1/contacts/${piet}`, payload: { accountId: 'BETA' } },
      200,
    );
    const atBeta = (id: string, at: string) =>
      p.event({ id, type: 'training.completed', account: 'BETA', occurredAt: at, contact: piet });
    await atBeta('m3', '2026-05-03T09:00:00Z');
    expect(await progressOf(piet, '2026-05-04T00:00:00Z')).toMatchObject({
      accountId: beta,
      status: 'open',
      goals: [{ value: '1' }],
    });
    expect(await p.due('2026-05-04T00:00:00Z')).toMatchObject({ completed: 0 });
    await atBeta('m4', '2026-05-04T09:00:00Z');
    await atBeta('m5', '2026-05-05T09:00:00Z');
    expect((await progressOf(piet, '2026-05-06T00:00:00Z')).completion).toMatchObject({ contactId: piet });
    expect([await p.points(acme), await p.points(beta)]).toEqual([0, 300]);
  });
});
