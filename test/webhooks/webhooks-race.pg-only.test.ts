// Two instances on one PostgreSQL, each dispatching and delivering: every message reaches the
// receiver exactly once (the receiver never fails here, so no retry may add a second delivery).
import { describe, expect, it } from 'vitest';
import { createServices, type ServiceOptions } from '../../src/app/compose.ts';
import { openDatabase } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';
import { startReceiver } from './receiver.ts';

describe('webhooks on two instances', () => {
  it('delivers each message once', async () => {
    const receiver = await startReceiver();
    const { url, database } = await freshPostgres(10);
    const other = await openDatabase({ driver: 'postgres', url, poolSize: 10 });
    const options: ServiceOptions = {
      jobs: { pollingIntervalSeconds: 0.5 },
      webhooks: { allowedHosts: [receiver.host], dispatchIntervalMs: 50 },
    };
    const instances = [createServices(database, options), createServices(other, options)];
    const [one] = instances;
    const program = await one!.programs.create({ name: 'Race', baseCurrency: 'EUR' }, FIXTURE);
    await one!.webhooks.create(program.id, { url: receiver.url, eventTypes: ['points.credited'] }, FIXTURE);
    await one!.accounts.create(program.id, { externalId: 'ACME', name: 'Acme' }, FIXTURE);
    for (const s of instances) {
      await s.webhooks.start();
      await s.jobs.start();
    }
    try {
      const total = 60;
      await Promise.all(
        Array.from({ length: total }, (_, n) =>
          instances[n % 2]!.ledger.credit(program.id, {
            key: `race-${n}`,
            account: 'ACME',
            amount: 1,
            reasonCode: 'race',
            explanation: `Credit ${n}`,
          }),
        ),
      );
      await receiver.waitFor(
        () => new Set(receiver.received.map((r) => r.headers['webhook-id'])).size === total,
        60_000,
      );
      await new Promise((r) => setTimeout(r, 1_500));
      const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
    } finally {
      for (const s of instances) {
        await s.webhooks.stop();
        await s.jobs.stop();
      }
      await other.close();
    }
  }, 90_000);
});
