// Several instances refreshing one program's RFM scores at once (PostgreSQL only: PGlite has one
// connection): the per-program lock serialises them; each day is scored once unless forced, and the
// table always holds exactly one row per scored account.
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let p: Program;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
  p = await newProgram(api);
  for (let i = 0; i < 30; i++) {
    await p.account(`C${i}`);
    await p.ingested({
      id: `o${i}`,
      type: 'purchase',
      account: `C${i}`,
      occurredAt: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
      amount: `${10 + i}.00`,
      currency: 'EUR',
    });
  }
});

const count = async () =>
  Number(
    (
      await selectRows<{ n: string }>(
        api.database.db,
        sql`select count(*)::text as n from rfm_scores where program_id = ${p.id}`,
      )
    )[0]!.n,
  );

describe('concurrent refreshes', () => {
  it('score a day once, whoever wins', async () => {
    const asOf = new Date('2026-06-01T10:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api.services.insight.refreshRfm(p.id, { asOf })),
    );
    expect(results.filter((r) => r.refreshed)).toHaveLength(1);
    expect(results.every((r) => r.accounts === 30 && r.asOf === '2026-06-01')).toBe(true);
    expect(await count()).toBe(30);
  });

  it('forced refreshes all run, one after the other, and leave one row per account', async () => {
    const asOf = new Date('2026-06-02T10:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api.services.insight.refreshRfm(p.id, { asOf, force: true })),
    );
    expect(results.every((r) => r.refreshed)).toBe(true);
    expect(await count()).toBe(30);
  });
});
