// Event ingestion with 20 active challenges beside the same ingestion with none (issue 17: "challenge
// progress update per event (events/s with 20 active challenges, beside the same ingestion with
// none)"), on PostgreSQL, through the services (no HTTP): single events one after another, each
// followed by the events' after-commit check of the challenges they count for (decision 0018).
//
// Set-up: a scratch database, a program with a point-per-euro rule, 200 accounts. First N purchases
// with no challenge (the reference), then 20 quarterly challenges counting purchases (count, sum,
// distinct SKU category goals) and N more purchases of the same accounts. Each account's history
// grows by N / 200 purchases per phase. FIDELIS_BENCH_ENGAGEMENT_EVENTS sets N (default 2,000).
import { createServices } from '../src/app/compose.ts';
import { systemActor } from '../src/core/access.ts';
import { openDatabase } from '../src/db/client.ts';
import {
  createScratchDatabase,
  dropScratchDatabase,
  note,
  pgUrl,
  postgresReachable,
  result,
  watchdog,
} from './run.ts';

const BENCH = systemActor('bench');
const EVENTS = Number(process.env.FIDELIS_BENCH_ENGAGEMENT_EVENTS ?? 2000);
const ACCOUNTS = 200;
const CHALLENGES = 20;

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    note('PostgreSQL is not reachable on 127.0.0.1:5432: engagement benchmark skipped');
    return;
  }
  const name = await createScratchDatabase('engagement');
  watchdog(900_000, () => dropScratchDatabase(name));
  const database = await openDatabase({ driver: 'postgres', url: pgUrl(name), poolSize: 4 });
  try {
    await database.migrate();
    const services = createServices(database);
    const program = await services.programs.create(
      { name: 'Bench engagement', baseCurrency: 'EUR', timeZone: 'Europe/Amsterdam' },
      BENCH,
    );
    await services.rules.create(
      program.id,
      {
        document: {
          name: 'Point per euro',
          trigger: { types: ['purchase'] },
          effects: [{ kind: 'per_amount', points: '1', per: '1' }],
        },
        effectiveFrom: new Date('2026-01-01T00:00:00Z'),
      },
      BENCH,
    );
    for (let a = 1; a <= ACCOUNTS; a++)
      await services.accounts.create(program.id, { externalId: `A-${a}`, name: `Account ${a}` }, BENCH);
    const base = new Date('2026-11-01T00:00:00Z').getTime();
    const ingest = async (phase: string): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < EVENTS; i++)
        await services.events.ingest(
          program.id,
          {
            id: `${phase}-${i}`,
            type: 'purchase',
            account: `A-${(i % ACCOUNTS) + 1}`,
            occurredAt: new Date(base + i * 60_000).toISOString(),
            amount: `${10 + (i % 90)}.00`,
            currency: 'EUR',
            attributes: { category: `c${i % 7}` },
          },
          BENCH,
        );
      return EVENTS / ((performance.now() - started) / 1000);
    };
    await ingest('warm');
    const none = await ingest('none');
    for (let c = 1; c <= CHALLENGES; c++)
      await services.engagement.createChallenge(
        program.id,
        {
          code: `challenge-${c}`,
          name: `Challenge ${c}`,
          goals: [
            { metric: 'count', eventTypes: ['purchase'], target: String(1000 + c) },
            { metric: 'sum', eventTypes: ['purchase'], target: '100000' },
            { metric: 'distinct', eventTypes: ['purchase'], attribute: 'category', target: '50' },
          ],
          window: { kind: 'calendar', period: c % 2 === 0 ? 'quarter' : 'month' },
          startsAt: '2026-01-01T00:00:00Z',
          reward: { points: 100 },
        },
        BENCH,
      );
    const twenty = await ingest('twenty');
    note(`${EVENTS} single purchases of ${ACCOUNTS} accounts per phase, one after another`);
    result('engagement.ingest_with_20_challenges', twenty, 'events/s', {
      value: none,
      unit: 'events/s (no challenge)',
    });
  } finally {
    await database.close();
    await dropScratchDatabase(name);
  }
}

await main();
