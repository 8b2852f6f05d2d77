// The KPI rollup is per program: one program's recompute neither reads nor replaces another's rows,
// and a due-run body with a bad `recomputeRollups` is a 400 problem naming it (nothing is run).
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { json, newProgram, type Program } from '../events/helpers.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let a: Program;
let b: Program;

beforeAll(async () => {
  api = await testApi();
  a = await newProgram(api);
  b = await newProgram(api);
  await a.account('ACME');
  await a.ingested({
    id: 'o1',
    type: 'purchase',
    account: 'ACME',
    occurredAt: '2026-03-10T10:00:00Z',
    amount: '12.00',
    currency: 'EUR',
  });
});

const rowsOf = async (programId: string) =>
  selectRows<{ account_id: string; orders: number }>(
    api.database.db,
    sql`select account_id, orders from insight_order_months where program_id = ${programId}`,
  );

describe('KPI rollup isolation', () => {
  it("another program's recompute leaves these rows alone and sees none of them", async () => {
    const run = (p: Program) =>
      p.send(p.admin, { method: 'POST', url: '/v1/insight/due-runs', payload: { recomputeRollups: true } });
    expect((await run(a)).statusCode).toBe(200);
    const before = await rowsOf(a.id);
    expect(before).toHaveLength(1);
    const other = await run(b);
    expect(other.statusCode, other.body).toBe(200);
    expect(json(other).rollups.recomputed).toBe(true);
    expect(await rowsOf(b.id)).toEqual([]);
    expect(await rowsOf(a.id)).toEqual(before);
    const report = await b.send(b.read, {
      method: 'GET',
      url: '/v1/reports/kpis?from=2026-01-01&to=2026-12-31',
    });
    expect(json(report).kpis.orders).toBe(0);
    expect(json(report).freshness.source).toBe('rollup');
  });

  it('a recomputeRollups that is not a boolean is a 400 problem naming it', async () => {
    const r = await a.send(a.admin, {
      method: 'POST',
      url: '/v1/insight/due-runs',
      payload: { recomputeRollups: 'yes please' },
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(json(r).errors.map((e: { path: string }) => e.path)).toContain('/body/recomputeRollups');
  });

  it('a read key cannot run it', async () => {
    const r = await a.send(a.read, {
      method: 'POST',
      url: '/v1/insight/due-runs',
      payload: { recomputeRollups: true },
    });
    expect(r.statusCode).toBe(403);
  });
});
