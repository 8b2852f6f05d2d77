// A contact challenge's completion under concurrency (decision 0061), on a real multi-connection
// PostgreSQL (PGlite has one connection): 20 concurrent events of one contact that each reach the
// same completion pay it once — one completion, one ledger credit to the account, one badge to the
// contact, one free catalog reward — and due runs racing afterwards pay nothing more.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { engagementProgram, perContact, trainedBadge } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

async function paid(programId: string, accountId: string, contactId: string) {
  const [row] = await selectRows<Record<string, string | null>>(
    api.database.db,
    sql`select (select count(*) from challenge_completions where program_id = ${programId} and contact_id = ${contactId}) as completions,
               (select count(*) from challenge_completions where program_id = ${programId}) as all_completions,
               (select count(*) from ledger_entries where program_id = ${programId} and account_id = ${accountId}
                  and reason_code = 'challenge_completed') as entries,
               (select count(*) from badge_awards where program_id = ${programId} and contact_id = ${contactId}) as awards,
               (select count(*) from redemptions where program_id = ${programId} and account_id = ${accountId}) as redemptions,
               (select sum(balance) from wallets where program_id = ${programId} and account_id = ${accountId}) as points`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v ?? 0)]));
}

describe('a contact challenge completion is paid once under concurrency', () => {
  it('20 concurrent events of one contact reaching the completion pay it once; racing due runs pay nothing more', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    const cap = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Cap',
        price: { amount: 50, unit: 'points' },
        stock: { kind: 'counted', quantity: 5 },
      },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/challenges',
      payload: perContact({ reward: { points: 300, badge: 'trained', catalogReward: cap.id } }),
    });
    const acme = await p.account('ACME');
    const inge = (
      await p.ok(p.write, {
        method: 'POST',
        url: '/v1/accounts/ACME/contacts',
        payload: { email: 'inge@acme.example', name: 'Inge' },
      })
    ).id as string;
    const event = (id: string, contact?: string) =>
      p.send(p.write, {
        method: 'POST',
        url: '/v1/events',
        payload: {
          id,
          type: 'training.completed',
          account: 'ACME',
          occurredAt: '2026-05-03T09:00:00Z',
          ...(contact ? { contact } : {}),
        },
      });
    expect((await event('t1', inge)).statusCode).toBe(201);
    expect((await event('t2', inge)).statusCode).toBe(201);
    // Events without a contact do not bring Inge (or anybody) to the completion.
    for (const n of [1, 2, 3]) expect((await event(`anon-${n}`)).statusCode).toBe(201);
    expect(await paid(p.id, acme, inge)).toMatchObject({ all_completions: 0, points: 0 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => event(`race-${n}`, inge)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const once = { completions: 1, all_completions: 1, entries: 1, awards: 1, redemptions: 1, points: 300 };
    expect(await paid(p.id, acme, inge)).toEqual(once);
    await Promise.all(Array.from({ length: 5 }, () => p.due('2026-05-10T00:00:00Z')));
    expect(await paid(p.id, acme, inge)).toEqual(once);
    const completions = await p.ok(p.read, { method: 'GET', url: '/v1/challenges/my-trainings/completions' });
    expect(completions.data).toEqual([
      expect.objectContaining({ accountId: acme, contactId: inge, redemptionId: expect.any(String) }),
    ]);
  });
});
