// The durable job queue (decision 0016): pg-boss, on the same store as everything else (its own
// schema `pgboss`), through the PGlite adapter pg-boss ships or the `pg` pool. Jobs survive restarts
// (they are rows), are claimed with FOR UPDATE SKIP LOCKED (several instances never run one job
// twice), retry with exponential back-off, and run on cron schedules with a time zone.
// Every job carries the program it works for (`data.programId`), so a program can list its jobs.

import { sql } from 'drizzle-orm';
import { type Db as BossDb, fromDrizzle, fromPglite, type Job, PgBoss } from 'pg-boss';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { type Database, type Executor, selectRows } from '../../db/client.ts';

/** Where pg-boss keeps its tables. */
export const JOBS_SCHEMA = 'pgboss';

export interface QueuePolicy {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; doubled for each next one when `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** The longest wait between two attempts, in seconds. */
  retryDelayMax?: number;
  /** How long one attempt may run before it counts as failed (seconds). */
  expireInSeconds?: number;
  /**
   * pg-boss's queue policy: `exclusive` keeps at most one job queued or active per `singletonKey`
   * (a send while one waits or runs adds nothing); default `standard`.
   */
  policy?: 'standard' | 'exclusive';
}

export interface JobContext {
  id: string;
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
}

export type JobHandler<T> = (data: T & { programId: string }, job: JobContext) => Promise<void>;

interface Definition {
  policy: QueuePolicy;
  handler: JobHandler<never>;
  pollingIntervalSeconds: number;
}

export interface JobServiceOptions {
  /** How often an idle worker looks for work (seconds; pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  /** Workers per queue in this instance (default 2). */
  concurrency?: number;
  /** Jobs a worker claims at once and runs side by side (default 10). */
  batchSize?: number;
  /** How often schedules are checked (seconds, 1–45; pg-boss's defaults 5 and 30 when unset). */
  cronWorkerIntervalSeconds?: number;
  cronMonitorIntervalSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface JobRow {
  id: string;
  queue: string;
  state: string;
  attempts: number;
  retryLimit: number;
  createdAt: Date;
  startAfter: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  lastError: string | null;
}

function bossDb(database: Database): { db: BossDb; backend?: 'pglite' } {
  const native = database.native;
  if (native.driver === 'pglite') return { db: fromPglite(native.client), backend: 'pglite' };
  const pool = native.pool;
  return {
    db: {
      // pg-boss sends parameterless multi-statement blocks (its migrations, `BEGIN … COMMIT` locks):
      // pg's simple protocol runs them on one connection and answers an array, which pg-boss unwraps.
      executeSql: (text: string, values?: unknown[]) =>
        pool.query(text, values) as unknown as Promise<{ rows: never[] }>,
    },
  };
}

function errorText(output: unknown): string | null {
  if (output === null || output === undefined) return null;
  if (typeof output === 'object' && 'message' in output)
    return String((output as { message: unknown }).message);
  return JSON.stringify(output).slice(0, 500);
}

export function createJobService(database: Database, options: JobServiceOptions = {}) {
  const { db, backend } = bossDb(database);
  const boss = new PgBoss({
    db,
    ...(backend ? { backend } : {}),
    schema: JOBS_SCHEMA,
    ...(options.cronWorkerIntervalSeconds
      ? { cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds }
      : {}),
    ...(options.cronMonitorIntervalSeconds
      ? { cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds }
      : {}),
  });
  boss.on('error', (error: unknown) => options.onError?.(error));
  const definitions = new Map<string, Definition>();
  const queues = new Map<string, QueuePolicy>();
  let started = false;
  let installed = false;

  async function createQueue(queue: string, policy: QueuePolicy): Promise<void> {
    await boss.createQueue(queue, policy);
    // A queue's pg-boss policy is fixed when it is created; its retry settings follow the code.
    const { policy: _fixed, ...retries } = policy;
    await boss.updateQueue(queue, retries);
  }

  async function startWorker(queue: string, definition: Definition): Promise<void> {
    await boss.work(
      queue,
      {
        pollingIntervalSeconds: definition.pollingIntervalSeconds,
        // A worker claims up to `batchSize` jobs at a time and runs them side by side, settling each on
        // its own (a failed one is retried alone).
        batchSize: options.batchSize ?? 10,
        perJobResults: true,
        includeMetadata: true,
        localConcurrency: options.concurrency ?? 2,
      } as never,
      (async (jobs: Job<object>[]) =>
        Promise.all(
          jobs.map(async (job) => {
            const meta = job as unknown as { retryCount?: number; retryLimit?: number };
            try {
              await (definition.handler as JobHandler<object>)(job.data as object & { programId: string }, {
                id: job.id,
                retryCount: meta.retryCount ?? 0,
                retryLimit: meta.retryLimit ?? definition.policy.retryLimit,
              });
              return { id: job.id, status: 'completed' };
            } catch (error) {
              return { id: job.id, status: 'failed', output: { message: (error as Error).message } };
            }
          }),
        )) as never,
    );
  }

  return {
    /** Declares a queue (its retry policy) without working it here: this instance only sends to it. */
    async declare(queue: string, policy: QueuePolicy): Promise<void> {
      queues.set(queue, policy);
      if (started) await createQueue(queue, policy);
    },

    /** Declares a queue and its handler; its workers run from `start()` (or at once if started). */
    async define<T extends object>(
      queue: string,
      policy: QueuePolicy,
      handler: JobHandler<T>,
      pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2,
    ): Promise<void> {
      const definition: Definition = {
        policy,
        handler: handler as JobHandler<never>,
        pollingIntervalSeconds,
      };
      definitions.set(queue, definition);
      queues.set(queue, policy);
      if (started) {
        await createQueue(queue, policy);
        await startWorker(queue, definition);
      }
    },

    /** Installs or migrates the queue's schema (under pg-boss's own advisory lock) and starts the workers. */
    async start(): Promise<void> {
      if (started) return;
      await boss.start();
      started = true;
      for (const [queue, policy] of queues) await createQueue(queue, policy);
      for (const [queue, definition] of definitions) await startWorker(queue, definition);
    },

    /** Stops claiming work and waits (up to 5 s) for the jobs in hand; unfinished ones run again later. */
    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: 5_000, close: false } as never);
    },

    get started(): boolean {
      return started;
    },

    /**
     * Enqueues a job for a program. With `tx`, the job is written in that transaction (it runs only if
     * the transaction commits). A job `id` (a UUID) makes the send idempotent: a second send of the same
     * id adds nothing.
     */
    async send<T extends object>(
      queue: string,
      programId: string,
      data: T,
      opts: { id?: string; startAfter?: Date; singletonKey?: string } = {},
      tx?: Executor,
    ): Promise<string | null> {
      const sendOptions: Record<string, unknown> = {};
      if (opts.id) sendOptions.id = opts.id;
      if (opts.singletonKey) sendOptions.singletonKey = opts.singletonKey;
      if (opts.startAfter) sendOptions.startAfter = opts.startAfter;
      if (tx) sendOptions.db = fromDrizzle(tx as never, sql as never);
      return boss.send(queue, { ...data, programId }, sendOptions as never);
    },

    /** A cron schedule (`0 3 * * *`) in a time zone, kept in the store: one job per tick whatever the instances. */
    async schedule(queue: string, key: string, cron: string, data: object, tz = 'UTC'): Promise<void> {
      await boss.schedule(queue, cron, data, { tz, key } as never);
    },

    /** The program's jobs, newest first: queue, state, attempts, last error. */
    async list(
      programId: string,
      query: { limit?: number; cursor?: string; queue?: string },
    ): Promise<Page<JobRow>> {
      return fetchPage(
        query,
        async (after, limit) => {
          // Before any instance started the queue its tables do not exist: no jobs yet.
          if (!installed) {
            const [found] = await selectRows<{ table: string | null }>(
              database.db,
              sql`select to_regclass(${`${JOBS_SCHEMA}.job`})::text as table`,
            );
            if (!found?.table) return [];
            installed = true;
          }
          const [afterAt, afterId] = after ? after.split('|') : [];
          const rows = await selectRows<{
            id: string;
            name: string;
            state: string;
            retry_count: number;
            retry_limit: number;
            created_on: string;
            start_after: string;
            started_on: string | null;
            completed_on: string | null;
            output: unknown;
          }>(
            database.db,
            sql`select id::text as id, name, state::text as state, retry_count, retry_limit,
                       created_on, start_after, started_on, completed_on, output
                  from ${sql.identifier(JOBS_SCHEMA)}.job
                 where data->>'programId' = ${programId}
                   ${query.queue ? sql`and name = ${query.queue}` : sql``}
                   ${afterAt ? sql`and (created_on, id::text) < (${afterAt}::timestamptz, ${afterId ?? ''})` : sql``}
                 order by created_on desc, id desc
                 limit ${limit}`,
          );
          return rows.map((r) => ({
            id: r.id,
            queue: r.name,
            state: r.state,
            // The attempts made: pg-boss counts a retry when it claims the job again.
            attempts: r.state === 'created' ? 0 : r.retry_count + 1,
            retryLimit: r.retry_limit,
            createdAt: new Date(r.created_on),
            startAfter: new Date(r.start_after),
            startedAt: r.started_on ? new Date(r.started_on) : null,
            completedAt: r.completed_on ? new Date(r.completed_on) : null,
            lastError: r.state === 'completed' ? null : errorText(r.output),
          }));
        },
        undefined,
        (row) => `${row.createdAt.toISOString()}|${row.id}`,
      );
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;
