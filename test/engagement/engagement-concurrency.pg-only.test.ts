// Completion races that only a real multi-connection PostgreSQL can show (PGlite has one connection):
// the same completion reached by 20 concurrent events, and due runs racing each other and events.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { engagementProgram, threeTrainings, trainedBadge } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

async function paid(programId: string, accountId: string) {
  const [row] = await selectRows<{
    completions: string;
    entries: string;
    awards: string;
    points: string | null;
  }>(
    api.database.db,
    sql`select (select count(*) from challenge_completions where program_id = ${programId} and account_id = ${accountId}) as completions,
               (select count(*) from ledger_entries where program_id = ${programId} and account_id = ${accountId}
                  and reason_code = 'challenge_completed') as entries,
               (select count(*) from badge_awards where program_id = ${programId} and account_id = ${accountId}) as awards,
               (select sum(balance) from wallets where program_id = ${programId} and account_id = ${accountId}) as points`,
  );
  return {
    completions: Number(row!.completions),
    entries: Number(row!.entries),
    awards: Number(row!.awards),
    points: Number(row!.points ?? 0),
  };
}

describe('a completion is paid once under concurrency', () => {
  it('20 concurrent events that each reach the same completion pay it once (and issue its reward once)', async () => {
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
      payload: threeTrainings({ reward: { points: 300, badge: 'trained', catalogReward: cap.id } }),
    });
    const acme = await p.account('ACME');
    await p.training('t1', 'ACME', '2026-05-01T09:00:00Z');
    await p.training('t2', 'ACME', '2026-05-02T09:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/events',
          payload: {
            id: `race-${n}`,
            type: 'training.completed',
            account: 'ACME',
            occurredAt: '2026-05-03T09:00:00Z',
            attributes: { course: `c${n}` },
          },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(await paid(p.id, acme)).toEqual({ completions: 1, entries: 1, awards: 1, points: 300 });
    // And due runs racing each other afterwards pay nothing more.
    await Promise.all(Array.from({ length: 5 }, () => p.due('2026-05-10T00:00:00Z')));
    expect(await paid(p.id, acme)).toEqual({ completions: 1, entries: 1, awards: 1, points: 300 });
    const free = await p.ok(p.read, { method: 'GET', url: `/v1/redemptions?account=${acme}` });
    expect(free.data.map((r: { price: { amount: number } }) => r.price.amount)).toEqual([0]);
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${cap.id}` })).stock.available).toBe(4);
  });

  it('concurrent due runs over completions no event checked pay each once', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: trainedBadge });
    const accounts: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      accounts.push(await p.account(`ACC-${n}`));
      for (const t of [1, 2, 3]) await p.training(`a${n}-t${t}`, `ACC-${n}`, `2026-05-0${t}T09:00:00Z`);
    }
    // Created after the events: only the due runs can find these completions.
    await p.ok(p.admin, { method: 'POST', url: '/v1/challenges', payload: threeTrainings() });
    const runs = await Promise.all(Array.from({ length: 6 }, () => p.due('2026-05-10T00:00:00Z')));
    expect(runs.reduce((sum, r) => sum + r.completed, 0)).toBe(5);
    for (const account of accounts)
      expect(await paid(p.id, account)).toEqual({ completions: 1, entries: 1, awards: 1, points: 300 });
  });
});

describe('an automation fires each occurrence once under concurrency', () => {
  it('two due runs at once fire each birthday once (points, badge and firing)', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, { method: 'POST', url: '/v1/badges', payload: { code: 'cake', name: 'Cake' } });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/automations',
      payload: {
        code: 'birthdays',
        name: 'Birthday bonus',
        trigger: { kind: 'birthday' },
        effect: { points: 100, badge: 'cake' },
        startsAt: '2026-01-01T00:00:00Z',
      },
    });
    const accounts: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      accounts.push(await p.account(`B-${n}`));
      for (const c of [1, 2])
        await p.ok(p.write, {
          method: 'POST',
          url: `/v1/accounts/B-${n}/contacts`,
          payload: { email: `c${c}@b${n}.example`, name: `Contact ${c}`, birthday: `1980-06-0${c}` },
        });
    }
    const runs = await Promise.all([p.due('2026-06-03T10:00:00Z'), p.due('2026-06-03T10:00:00Z')]);
    expect(runs.reduce((sum, r) => sum + r.fired, 0)).toBe(8);
    // And late, repeated runs afterwards fire nothing more.
    await Promise.all([
      p.due('2026-06-20T10:00:00Z'),
      p.due('2026-06-20T10:00:00Z'),
      p.due('2026-06-04T00:00:00Z'),
    ]);
    for (const account of accounts) {
      const [row] = await selectRows<{
        firings: string;
        entries: string;
        awards: string;
        points: string | null;
      }>(
        api.database.db,
        sql`select (select count(*) from automation_firings where program_id = ${p.id} and account_id = ${account}) as firings,
                   (select count(*) from ledger_entries where program_id = ${p.id} and account_id = ${account}
                      and reason_code = 'automation_birthday') as entries,
                   (select count(*) from badge_awards where program_id = ${p.id} and account_id = ${account}) as awards,
                   (select sum(balance) from wallets where program_id = ${p.id} and account_id = ${account}) as points`,
      );
      expect(row).toEqual({ firings: '2', entries: '2', awards: '2', points: '200' });
    }
  });
});

describe('anniversaries with a catalog reward under concurrency', () => {
  it('two due runs at once fire each membership anniversary once, taking one unit each', async () => {
    const p = await engagementProgram(api);
    const hamper = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/rewards',
      payload: {
        type: 'custom',
        name: 'Hamper',
        price: { amount: 100, unit: 'points' },
        stock: { kind: 'counted', quantity: 10 },
      },
    });
    const plan = await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/membership-plans',
      payload: {
        name: 'Club',
        fee: { amount: '10.00', currency: 'EUR' },
        term: { months: 12 },
        renewal: 'auto',
        joining: 'contract',
      },
    });
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/automations',
      payload: {
        code: 'club-years',
        name: 'Club anniversary',
        trigger: { kind: 'membership_anniversary' },
        effect: { points: 50, catalogReward: hamper.id },
        startsAt: '2026-01-01T00:00:00Z',
      },
    });
    const accounts: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      accounts.push(await p.account(`M-${n}`));
      await p.ok(p.write, {
        method: 'POST',
        url: '/v1/memberships',
        payload: {
          account: `M-${n}`,
          plan: plan.id,
          via: 'contract',
          reference: `C-${n}`,
          startsAt: `2024-06-0${n}T10:00:00Z`,
        },
        headers: { 'idempotency-key': `join-${n}` },
      });
    }
    const runs = await Promise.all([p.due('2026-06-05T10:00:00Z'), p.due('2026-06-05T10:00:00Z')]);
    expect(runs.reduce((sum, r) => sum + r.fired, 0)).toBe(4);
    await Promise.all([p.due('2026-06-20T10:00:00Z'), p.due('2026-06-20T10:00:00Z')]);
    for (const account of accounts) {
      const [row] = await selectRows<{ firings: string; redemptions: string; points: string | null }>(
        api.database.db,
        sql`select (select count(*) from automation_firings where program_id = ${p.id} and account_id = ${account}
                      and redemption_id is not null) as firings,
                   (select count(*) from redemptions where program_id = ${p.id} and account_id = ${account}
                      and amount = 0) as redemptions,
                   (select sum(balance) from wallets where program_id = ${p.id} and account_id = ${account}) as points`,
      );
      expect(row).toEqual({ firings: '1', redemptions: '1', points: '50' });
    }
    expect((await p.ok(p.read, { method: 'GET', url: `/v1/rewards/${hamper.id}` })).stock.available).toBe(6);
  });
});

describe('ranking refreshes under concurrency', () => {
  it('five refreshes of the same standings at once all succeed and leave one whole ranking', async () => {
    const p = await engagementProgram(api);
    await p.ok(p.admin, {
      method: 'POST',
      url: '/v1/leaderboards',
      payload: {
        code: 'y',
        name: 'Y',
        metric: 'qualifying_spend',
        window: { kind: 'calendar', period: 'year' },
      },
    });
    const now = new Date(Date.now() - 60_000).toISOString();
    for (const n of [1, 2, 3, 4, 5, 6]) {
      await p.account(`R-${n}`);
      await p.purchase(`r-${n}`, `R-${n}`, now, `${n}0.00`);
    }
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        p.send(p.admin, { method: 'POST', url: '/v1/leaderboards/y/refreshes' }),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(5).fill(201));
    const standings = await p.ok(p.read, { method: 'GET', url: '/v1/leaderboards/y/standings' });
    expect(standings.ranked).toBe(6);
    expect(standings.top.map((x: { externalId: string }) => x.externalId)).toEqual([
      'R-6',
      'R-5',
      'R-4',
      'R-3',
      'R-2',
      'R-1',
    ]);
  });
});
