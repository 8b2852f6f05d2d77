// Several due runs bringing one program's KPI rollup up to date at once (PostgreSQL only: PGlite has
// one connection): the per-program lock serialises them and a run replaces the rows of what it
// computes again, so nothing is counted twice, whatever mix of incremental runs and recomputes.
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
  for (let i = 0; i < 20; i++) await p.account(`C${i}`);
});

async function ingest(from: number, n: number) {
  for (let i = from; i < from + n; i++) {
    await p.ingested({
      id: `o${i}`,
      type: 'purchase',
      account: `C${i % 20}`,
      occurredAt: `2026-0${1 + (i % 5)}-${String(1 + (i % 28)).padStart(2, '0')}T22:30:00Z`,
      amount: `${10 + i}.00`,
      currency: 'EUR',
    });
    if (i % 4 === 0)
      await p.ingested({
        id: `r${i}`,
        type: 'return',
        account: `C${i % 20}`,
        occurredAt: `2026-0${2 + (i % 5)}-01T10:00:00Z`,
        amount: '5.00',
        currency: 'EUR',
        references: { originalEventId: `o${i}` },
      });
  }
}

const rows = () =>
  selectRows<Record<string, unknown>>(
    api.database.db,
    sql`select account_id, month, effect_month, orders, net from insight_order_months
         where program_id = ${p.id} order by 1, 2, 3`,
  );

const later = (s: number) => new Date(Date.now() + s * 1000);

describe('concurrent rollup runs', () => {
  it('never count twice: the rows equal one whole recompute, the report the on-request one', async () => {
    await ingest(0, 20);
    await api.services.insight.rollUpKpis(p.id, { now: later(1), settleMs: 0 });
    await ingest(20, 20);
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.services.insight.rollUpKpis(p.id, { now: later(2), settleMs: 0, recompute: i % 3 === 2 }),
      ),
    );
    expect(runs.filter((r) => r.recomputed)).toHaveLength(2);
    const concurrent = await rows();
    await api.services.insight.rollUpKpis(p.id, { now: later(3), settleMs: 0, recompute: true });
    expect(concurrent).toEqual(await rows());
    const q = { from: '2026-01-01', to: '2026-06-30' };
    const { freshness, ...rolled } = await api.services.insight.kpis(p.id, q);
    const { freshness: _f, ...direct } = await api.services.insight.kpis(p.id, q, { rollup: false });
    expect(freshness).toMatchObject({ source: 'rollup', accountMonthsReadDirectly: 0 });
    expect(rolled).toEqual(direct);
    expect(rolled.kpis.orders).toBe(40);
  });
});
