// Tier races that only a real multi-connection PostgreSQL can show (PGlite has one connection):
// concurrent events lifting one account, and two scheduled evaluations started at the same time.
import { type SQL, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { json, partnerLadder, type TierProgram, tierProgram } from './helpers.ts';

let api: TestApi;

beforeAll(async () => {
  api = await testApi();
  expect(api.database.driver).toBe('postgres');
});

const rows = <T>(query: SQL) => selectRows<T>(api.database.db, query);

describe('concurrent events for one account', () => {
  let p: TierProgram;
  beforeAll(async () => {
    p = await tierProgram(api);
    await p.ladder(partnerLadder());
  });

  /** 20 purchases of 1100 EUR (22000 in all: silver, gold, platinum) sent at the same time. */
  async function burst(account: string, occurredAt: (i: number) => string) {
    await p.account(account);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        p.send(p.write, {
          method: 'POST',
          url: '/v1/events',
          payload: {
            id: `${account}-${i}`,
            type: 'purchase',
            account,
            occurredAt: occurredAt(i),
            amount: '1100.00',
            currency: 'EUR',
          },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(201));
    return { history: await p.history(account), progress: (await p.progress(account))[0]! };
  }

  it('records one upgrade per tier reached and ends on platinum (all at the same instant)', async () => {
    for (const round of [1, 2, 3]) {
      const { history, progress } = await burst(`SAME${round}`, () => '2026-05-01T10:00:00Z');
      expect(history.map((c) => `${c.from}→${c.to} ${c.reason}`)).toEqual(
        // Which tiers a lift skips depends on who commits first; each tier reached appears once, in order.
        expect.arrayContaining([expect.stringMatching(/→platinum threshold$/)]),
      );
      const tos = history.map((c) => c.to);
      expect(new Set(tos).size, JSON.stringify(tos)).toBe(tos.length);
      expect(tos.at(-1)).toBe('platinum');
      const rank = (t: string | null) => ['silver', 'gold', 'platinum'].indexOf(t ?? '');
      expect([...tos].sort((a, b) => rank(a) - rank(b))).toEqual(tos);
      expect(progress).toMatchObject({ tier: 'platinum', metric: '22000' });
    }
  });

  it('ends on platinum when the 20 events occurred one minute apart and arrive at the same time', async () => {
    // Sent one by one, the last event's lift sees 22000 and reaches platinum. Sent together, each
    // lift sees only what has committed by then within the window ending at its own occurredAt.
    for (const round of [1, 2, 3]) {
      const { history, progress } = await burst(`SPREAD${round}`, (i) =>
        new Date(Date.UTC(2026, 4, 1, 10, i)).toISOString(),
      );
      const tos = history.map((c) => c.to);
      expect(new Set(tos).size, JSON.stringify(tos)).toBe(tos.length);
      expect(progress.metric).toBe('22000');
      expect(progress.tier, JSON.stringify(history.map((c) => [c.to, c.at, c.metric]))).toBe('platinum');
    }
  });
});

describe('two scheduled evaluations started at the same time', () => {
  const N = 500;
  const ladder = {
    name: 'Combined balance',
    metric: 'operator_value',
    window: { kind: 'calendar_year' },
    graceDays: 30,
    softLanding: true,
    tiers: [
      { code: 'gold', name: 'Gold', threshold: '100' },
      { code: 'platinum', name: 'Platinum', threshold: '200' },
      { code: 'diamond', name: 'Diamond', threshold: '300' },
    ],
  };

  /** N accounts on gold/platinum/diamond since March; from September four in five report 0. */
  async function seeded(): Promise<{ p: TierProgram; ladderId: string }> {
    const p = await tierProgram(api);
    const ladderId = await p.ladder(ladder);
    for (let i = 0; i < N; i++)
      await api.services.accounts.create(
        p.id,
        {
          externalId: `A${String(i).padStart(4, '0')}`,
          name: `A${i}`,
        },
        FIXTURE,
      );
    const send = async (at: string, value: (i: number) => string) => {
      const r = await p.send(p.write, {
        method: 'POST',
        url: `/v1/tier-ladders/${ladderId}/metric-values`,
        payload: {
          values: Array.from({ length: N }, (_, i) => ({
            account: `A${String(i).padStart(4, '0')}`,
            value: value(i),
            at,
          })),
        },
      });
      expect(r.statusCode, r.body).toBe(200);
      return json(r).data as Array<{ tier: string | null }>;
    };
    const lifted = await send('2026-03-01T00:00:00Z', (i) => ['150', '250', '350'][i % 3]!);
    expect(lifted.filter((l) => l.tier === 'diamond')).toHaveLength(166);
    await send('2026-09-01T00:00:00Z', (i) => (i % 5 === 0 ? ['150', '250', '350'][i % 3]! : '0'));
    return { p, ladderId };
  }

  async function outcome(programId: string) {
    const changes = await rows<{ account: string; line: string }>(sql`
      select a.external_id as account,
             coalesce(c.from_code, '-') || '→' || coalesce(c.to_code, '-') || ' ' || c.reason || ' '
               || to_char(c.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || ' ' || coalesce(c.metric, '') as line
        from tier_changes c join accounts a on a.program_id = c.program_id and a.id = c.account_id
       where c.program_id = ${programId}
       order by a.external_id, c.at, c.id`);
    const statuses = await rows<Record<string, string | null>>(sql`
      select a.external_id as account, s.tier_code, s.since::text, s.secured_until::text, s.grace_until::text, s.due_at::text
        from tier_status s join accounts a on a.program_id = s.program_id and a.id = s.account_id
       where s.program_id = ${programId}
       order by a.external_id`);
    const byAccount: Record<string, string[]> = {};
    for (const c of changes) {
      byAccount[c.account] = byAccount[c.account] ?? [];
      byAccount[c.account]!.push(c.line);
    }
    return { byAccount, statuses };
  }

  const AT = '2027-03-01T00:00:00Z';
  let single: Awaited<ReturnType<typeof outcome>>;

  beforeAll(async () => {
    const { p } = await seeded();
    expect(await p.due(AT)).toMatchObject({ evaluated: N, changed: (N * 4) / 5 });
    single = await outcome(p.id);
  }, 300_000);

  it('a single run: each account evaluated once, grace then one step down, or renewed', () => {
    expect(Object.keys(single.byAccount)).toHaveLength(N);
    expect(single.byAccount.A0000).toEqual(['-→gold threshold 2026-03-01T00:00:00 150']);
    expect(single.byAccount.A0001).toEqual([
      '-→platinum threshold 2026-03-01T00:00:00 250',
      'platinum→platinum grace 2026-12-31T23:00:00 0',
      'platinum→gold grace 2027-01-30T23:00:00 0',
    ]);
    expect(single.byAccount.A0002).toEqual([
      '-→diamond threshold 2026-03-01T00:00:00 350',
      'diamond→diamond grace 2026-12-31T23:00:00 0',
      'diamond→platinum grace 2027-01-30T23:00:00 0',
    ]);
    expect(single.byAccount.A0003).toEqual([
      '-→gold threshold 2026-03-01T00:00:00 150',
      'gold→gold grace 2026-12-31T23:00:00 0',
      'gold→- grace 2027-01-30T23:00:00 0',
    ]);
  });

  it('two HTTP runs at once evaluate each account once and give what a single run gives', async () => {
    const { p } = await seeded();
    const runs = await Promise.all([p.due(AT), p.due(AT)]);
    expect(runs[0]!.evaluated + runs[1]!.evaluated).toBe(N);
    expect(runs[0]!.changed + runs[1]!.changed).toBe((N * 4) / 5);
    expect(await outcome(p.id)).toEqual(single);
    expect(await p.due(AT)).toMatchObject({ evaluated: 0, changed: 0 });
  }, 300_000);

  it('two paged runs at once (pages of 25) interleave without evaluating any account twice', async () => {
    const { p } = await seeded();
    const runs = await Promise.all([
      api.services.tiers.runDue(p.id, new Date(AT), 25),
      api.services.tiers.runDue(p.id, new Date(AT), 25),
    ]);
    expect(runs[0].evaluated + runs[1].evaluated).toBe(N);
    expect(runs[0].changed + runs[1].changed).toBe((N * 4) / 5);
    const got = await outcome(p.id);
    expect(got).toEqual(single);
    // No account has a duplicate grace or downgrade.
    for (const [account, lines] of Object.entries(got.byAccount))
      expect(new Set(lines).size, account).toBe(lines.length);
  }, 300_000);
});
