// The durable job queue (pg-boss) on the driver of the Vitest project: retries with back-off, a cron
// schedule, a job that outlives the instance that queued it, and GET /v1/jobs.
import { describe, expect, it } from 'vitest';
import { createJobService } from '../../src/modules/jobs/jobs-service.ts';
import { testApi } from '../support/app.ts';

const until = async (check: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('job queue', async () => {
  const api = await testApi();

  it('retries a failing job with growing delays and shows its attempts and last error', async () => {
    const jobs = createJobService(api.database, { pollingIntervalSeconds: 0.5 });
    const attempts: number[] = [];
    await jobs.define<{ n: number }>(
      'flaky',
      { retryLimit: 3, retryDelay: 1, retryBackoff: true },
      async (data, job) => {
        attempts.push(Date.now());
        expect(data).toMatchObject({ n: 7, programId: api.a.programId });
        expect(job.retryCount).toBe(attempts.length - 1);
        if (attempts.length < 3) throw new Error(`boom ${attempts.length}`);
      },
    );
    await jobs.start();
    try {
      await jobs.send('flaky', api.a.programId, { n: 7 });
      // Between attempts the job waits in `retry`, with the error of the attempt that failed.
      let waiting: { state: string; attempts: number; lastError: string | null } | undefined;
      await until(async () => {
        const response = await api.call(api.a.read, { method: 'GET', url: '/v1/jobs?queue=flaky' });
        expect(response.statusCode).toBe(200);
        waiting = response.json().data[0];
        return waiting?.state === 'retry';
      });
      expect(waiting?.lastError).toBe(`boom ${waiting?.attempts}`);
      await until(() => attempts.length === 3);
      await until(
        async () => (await jobs.list(api.a.programId, { queue: 'flaky' })).data[0]?.state === 'completed',
      );
      const [first, second, third] = attempts as [number, number, number];
      // Back-off: the second wait is longer than the first (1 s, then 2 s, plus polling).
      expect(second - first).toBeGreaterThanOrEqual(900);
      expect(third - second).toBeGreaterThan(second - first);
      const done = await api.call(api.a.read, { method: 'GET', url: '/v1/jobs?queue=flaky' });
      expect(done.json().data[0]).toMatchObject({ state: 'completed', attempts: 3, lastError: null });
      // Another program sees none of it.
      const other = await api.call(api.b.read, { method: 'GET', url: '/v1/jobs' });
      expect(other.json().data).toEqual([]);
    } finally {
      await jobs.stop();
    }
  }, 40_000);

  it('runs a cron schedule', async () => {
    const jobs = createJobService(api.database, {
      pollingIntervalSeconds: 0.5,
      cronWorkerIntervalSeconds: 1,
      cronMonitorIntervalSeconds: 1,
    });
    const ran: string[] = [];
    await jobs.define<object>('tick', { retryLimit: 0, retryDelay: 0, retryBackoff: false }, async (data) => {
      ran.push(data.programId);
    });
    await jobs.start();
    try {
      // Every second (a six-field expression), in a time zone.
      await jobs.schedule('tick', 'a', '* * * * * *', { programId: api.a.programId }, 'Europe/Amsterdam');
      await until(() => ran.length >= 1, 25_000);
      expect(new Set(ran)).toEqual(new Set([api.a.programId]));
    } finally {
      await jobs.stop();
    }
  }, 40_000);

  it('runs a job queued by an instance that stopped before running it, once', async () => {
    const first = createJobService(api.database);
    await first.declare('parcel', { retryLimit: 1, retryDelay: 1, retryBackoff: false });
    await first.start();
    // Queued with no worker for it, then the instance goes away.
    await first.send('parcel', api.a.programId, { what: 'left behind' });
    await first.stop();

    const second = createJobService(api.database, { pollingIntervalSeconds: 0.5 });
    const seen: string[] = [];
    await second.define<{ what: string }>(
      'parcel',
      { retryLimit: 1, retryDelay: 1, retryBackoff: false },
      async (data) => {
        seen.push(data.what);
      },
    );
    await second.start();
    try {
      await until(() => seen.length === 1);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(seen).toEqual(['left behind']);
    } finally {
      await second.stop();
    }
  }, 40_000);

  it('adds nothing when the same job id is sent twice', async () => {
    const jobs = createJobService(api.database);
    await jobs.declare('twice', { retryLimit: 0, retryDelay: 0, retryBackoff: false });
    await jobs.start();
    try {
      const id = '0a2f5f8e-1a8b-4c4c-9d8e-5a7f1e2d3c4b';
      await jobs.send('twice', api.a.programId, {}, { id });
      await jobs.send('twice', api.a.programId, {}, { id });
      const page = await jobs.list(api.a.programId, { queue: 'twice' });
      expect(page.data.map((j) => j.id)).toEqual([id]);
    } finally {
      await jobs.stop();
    }
  });
});
