// Two instances on one PostgreSQL, each with its own connection pool and workers, share a queue:
// every job runs exactly once.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { createJobService } from '../../src/modules/jobs/jobs-service.ts';
import { freshPostgres } from '../support/db.ts';

describe('job queue on two instances', () => {
  it('runs each job once', async () => {
    const { url, database } = await freshPostgres(10);
    const other = await openDatabase({ driver: 'postgres', url, poolSize: 10 });
    const runs = new Map<number, string[]>();
    const policy = { retryLimit: 0, retryDelay: 0, retryBackoff: false };
    const instances = [
      createJobService(database, { pollingIntervalSeconds: 0.5 }),
      createJobService(other, { pollingIntervalSeconds: 0.5 }),
    ];
    for (const [i, jobs] of instances.entries())
      await jobs.define<{ n: number }>('race', policy, async (data) => {
        runs.set(data.n, [...(runs.get(data.n) ?? []), `instance ${i}`]);
        await new Promise((r) => setTimeout(r, 5));
      });
    await Promise.all(instances.map((jobs) => jobs.start()));
    try {
      const total = 200;
      await Promise.all(
        Array.from({ length: total }, (_, n) => instances[n % 2]!.send('race', 'prg_race', { n })),
      );
      const end = Date.now() + 30_000;
      while (runs.size < total && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(runs.size).toBe(total);
      expect([...runs.values()].filter((by) => by.length !== 1)).toEqual([]);
      // Both instances took part.
      expect(new Set([...runs.values()].flat()).size).toBe(2);
    } finally {
      await Promise.all(instances.map((jobs) => jobs.stop()));
      await other.close();
    }
  }, 60_000);
});
