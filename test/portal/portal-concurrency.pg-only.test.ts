// Portal races only a real multi-connection PostgreSQL can show (PGlite has one connection): many
// exchanges of one link at once open one session; many redeems with one Idempotency-Key redeem once.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { asMember, exchange, json, memberOf, mint, signIn } from './portal-fixture.ts';

let api: TestApi;
let member: { accountId: string; contactId: string };

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
  const r = await api.call(api.a.admin, {
    method: 'PATCH',
    url: '/v1/program',
    payload: { settings: { portal: { slug: 'race' } } },
  });
  expect(r.statusCode, r.body).toBe(200);
  member = await memberOf(api, api.a.write, api.a.programId, 'RACE', 1000);
});

describe('portal races', () => {
  it('ten exchanges of one link at once open exactly one session', async () => {
    const token = json(await mint(api, api.a.write, member.contactId)).token;
    const answers = await Promise.all(Array.from({ length: 10 }, () => exchange(api, 'race', token)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, ...Array(9).fill(401)]);
    const [row] = await selectRows<{ n: string }>(
      api.database.db,
      sql`select count(*) as n from portal_sessions where program_id = ${api.a.programId} and contact_id = ${member.contactId}`,
    );
    expect(Number(row!.n)).toBe(1);
  });

  it('ten redeems with one Idempotency-Key at once hold the price once', async () => {
    const reward = json(
      await api.call(api.a.admin, {
        method: 'POST',
        url: '/v1/rewards',
        payload: {
          type: 'custom',
          name: 'Pen',
          price: { amount: 100, unit: 'points' },
          stock: { kind: 'unlimited' },
        },
      }),
    ).id;
    const session = await signIn(api, api.a.write, 'race', member.contactId);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        asMember(api, session, {
          method: 'POST',
          url: '/portal/api/redemptions',
          headers: { 'idempotency-key': 'race-1' },
          payload: { reward },
        }),
      ),
    );
    // No request fails for the race: each answers the one redemption (a replay answers 200).
    expect(
      answers.every((a) => a.statusCode === 201 || a.statusCode === 200),
      answers.map((a) => a.body).join('\n'),
    ).toBe(true);
    const ids = new Set(answers.map((a) => json(a).id));
    expect(ids.size).toBe(1);
    const home = json(await asMember(api, session, { url: '/portal/api/home' }));
    expect(home.points.available).toBe(900);
  });
});
