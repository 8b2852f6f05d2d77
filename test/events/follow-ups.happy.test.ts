// Follow-ups behind the answer (decision 0021): with `followUps: 'behind'` (the server's way) an
// event is answered once it commits; the tier ladders and challenges that count it re-check after,
// queued per program, everything queued meanwhile handed over at once in commit order. settled()
// waits for them; a writer waits when too much is queued.
import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/compose.ts';
import { createEventService, type TierPort } from '../../src/modules/events/events-service.ts';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';
import { freshDatabase } from '../support/db.ts';
import { json, partnerLadder, tierProgram } from '../tiers/helpers.ts';

type Activity = Parameters<TierPort['recordActivities']>[1][number];

/** A tier port that records what it is handed and holds each call until released. */
function gatedTiers() {
  const calls: Activity[][] = [];
  const finished: number[] = [];
  let release: () => void = () => {};
  let gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const port: TierPort = {
    tiersAt: async (_programId, asked) => asked.map(() => null),
    async recordActivities(_programId, activities) {
      const n = calls.push(activities);
      await gate;
      finished.push(n);
    },
  };
  return {
    port,
    calls,
    finished,
    open() {
      release();
    },
    close() {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}

describe('follow-ups behind the answer', () => {
  let services: Services;
  let programId: string;
  const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
  const purchase = (id: string, account = 'F1') => ({
    id,
    type: 'purchase',
    account,
    occurredAt,
    amount: '10.00',
    currency: 'EUR',
  });

  beforeAll(async () => {
    services = createServices(await freshDatabase());
    const program = await services.programs.create(
      { name: 'Follow-ups', baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
      FIXTURE,
    );
    programId = program.id;
    for (const externalId of ['F1', 'F2', 'F3'])
      await services.accounts.create(programId, { externalId, name: externalId }, FIXTURE);
  });

  const eventsWith = (tiers: TierPort, options: { followUps?: 'inline' | 'behind'; maxBehind?: number }) =>
    createEventService(
      services.database,
      services.programs,
      services.accounts,
      services.contacts,
      services.ledger,
      services.fx,
      services.rules,
      services.eventTypes,
      tiers,
      undefined,
      undefined,
      options,
    );

  it('answers before the follow-up finishes, hands over what queued meanwhile at once, in order', async () => {
    const gated = gatedTiers();
    const events = eventsWith(gated.port, { followUps: 'behind' });
    await events.ingest(programId, purchase('b1'));
    // Answered while the tier check of b1 is still held.
    expect(gated.calls.map((c) => c.map((a) => a.type))).toEqual([['purchase']]);
    expect(gated.finished).toEqual([]);
    await events.ingest(programId, purchase('b2', 'F2'));
    await events.ingestBatch(programId, [purchase('b3', 'F3'), purchase('b4', 'F1')]);
    let settled = false;
    const waiting = events.settled(programId).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(gated.calls).toHaveLength(1);
    gated.open();
    await waiting;
    // b2, b3 and b4 reached the ladder together, after b1, in commit order.
    expect(gated.calls).toHaveLength(2);
    const ids = await Promise.all(
      ['F2', 'F3', 'F1'].map(async (ref) => (await services.accounts.resolve(programId, ref)).id),
    );
    expect(gated.calls[1]!.map((a) => a.accountId)).toEqual(ids);
    expect(gated.finished).toEqual([1, 2]);
  });

  it('inline (the default) runs the follow-up before answering', async () => {
    const gated = gatedTiers();
    gated.open();
    const events = eventsWith(gated.port, {});
    await events.ingest(programId, purchase('i1'));
    expect(gated.finished).toEqual([1]);
  });

  it('makes a writer wait for the drain when more than maxBehind activities are queued', async () => {
    const gated = gatedTiers();
    const events = eventsWith(gated.port, { followUps: 'behind', maxBehind: 2 });
    await events.ingest(programId, purchase('w1'));
    await events.ingest(programId, purchase('w2'));
    await events.ingest(programId, purchase('w3'));
    // Two queued behind w1's held check: at the limit, still answered.
    let answered = false;
    const fourth = events.ingest(programId, purchase('w4')).then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    gated.open();
    await fourth;
    await events.settled();
    expect(gated.calls.flat().map((a) => a.type)).toHaveLength(4);
  });

  it('a follow-up that fails does not fail the event, nor the ones queued after it', async () => {
    let n = 0;
    const seen: number[] = [];
    const events = eventsWith(
      {
        tiersAt: async (_p, asked) => asked.map(() => null),
        async recordActivities(_p, activities) {
          n++;
          seen.push(activities.length);
          if (n === 1) throw new Error('the ladder read failed');
        },
      },
      { followUps: 'behind' },
    );
    await events.ingest(programId, purchase('x1'));
    await events.ingest(programId, purchase('x2'));
    await events.settled();
    expect(seen.reduce((a, b) => a + b, 0)).toBe(2);
    expect((await services.events.get(programId, 'x1')).id).toBe('x1');
  });
});

describe('a tier upgrade behind the answer, through the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await testApi({ events: { followUps: 'behind' } });
  });

  it('is applied once the follow-ups settle', async () => {
    const p = await tierProgram(api);
    await p.ladder(partnerLadder());
    await p.account('U1');
    const at = new Date(Date.now() - 86_400_000).toISOString();
    await p.purchase('u1', 'U1', at, '1200.00');
    await api.services.events.settled();
    expect((await p.progress('U1'))[0]).toMatchObject({ tier: 'silver' });
    const changes = await p.history('U1');
    expect(changes).toMatchObject([{ to: 'silver', reason: 'threshold', at: new Date(at).toISOString() }]);
    // A replay of the event changes nothing.
    const replay = await p.send(p.write, {
      method: 'POST',
      url: '/v1/events',
      payload: {
        id: 'u1',
        type: 'purchase',
        account: 'U1',
        occurredAt: at,
        amount: '1200.00',
        currency: 'EUR',
      },
    });
    expect(json(replay).id).toBe('u1');
    await api.services.events.settled();
    expect(await p.history('U1')).toHaveLength(1);
  });
});
