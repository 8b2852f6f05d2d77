// Periodic work inside the server process: expiry of points, time-outs of pending credits and holds,
// tier requalification at period, grace and override ends, redemptions whose approval timed out, and
// renewal or lapse of memberships, challenge completions the events' after-commit check missed,
// commission lines the events' hook missed and the scheduled payout runs of partners' commissions
// (every month owed), the RFM scores once a day, and the notifications' expiring-soon notices and
// statement runs.
// Every due run is idempotent (its ledger keys derive from what it acts on), so a late or repeated run
// writes the same journal. Each program's due runs are one job of the durable queue (decision 0043):
// every instance's timer sends it each minute, and the queue keeps at most one waiting or running per
// program (`exclusive` by program), so several instances run a program's due runs once at a time; a
// run with a failed step is retried with back-off, and the program's jobs show it (`GET /v1/jobs`).
// On the embedded store the timer also does the upkeep PostgreSQL's autovacuum would (see
// Database.maintain). What it writes is recorded as done by the system actor `job:scheduler`.
import { systemActor } from '../core/access.ts';
import type { Services } from './compose.ts';

/** Who the scheduler's writes are recorded as. */
export const SCHEDULER = systemActor('scheduler');

/** The queue of the programs' due runs: one job per program at a time. */
export const DUE_RUN_QUEUE = 'program.due-run';

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export async function startScheduler(
  services: Services,
  log: SchedulerLog,
  intervalMs = 60_000,
  upkeepEveryMs = 15 * 60_000,
): Promise<() => Promise<void>> {
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastUpkeep = Date.now();

  async function maintain(): Promise<void> {
    if (Date.now() - lastUpkeep < upkeepEveryMs) return;
    lastUpkeep = Date.now();
    try {
      const started = performance.now();
      if ((await services.database.maintain()) === 'vacuumed')
        log.info({ ms: Math.round(performance.now() - started) }, 'store upkeep (vacuum, analyze)');
    } catch (error) {
      log.error({ err: error }, 'store upkeep failed; it will be retried');
    }
  }

  /** A program's due runs, each on its own: a failed one is logged, and the job fails after the others ran. */
  async function runProgram({ programId }: { programId: string }): Promise<void> {
    const failed: unknown[] = [];
    try {
      const result = await services.ledger.runDue(programId, new Date());
      if (result.expired + result.posted + result.voided > 0)
        log.info({ programId: programId, ...result }, 'ledger due run');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'ledger due run failed; it will be retried');
    }
    try {
      const result = await services.tiers.runDue(programId, new Date());
      if (result.evaluated > 0) log.info({ programId: programId, ...result }, 'tier due run');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'tier due run failed; it will be retried');
    }
    try {
      const result = await services.redemptions.runDue(programId, SCHEDULER);
      if (result.cancelled > 0) log.info({ programId: programId, ...result }, 'redemption time-outs');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'redemption time-out run failed; it will be retried');
    }
    try {
      const result = await services.memberships.runDue(programId, new Date());
      if (result.renewed + result.lapsed > 0)
        log.info({ programId: programId, ...result }, 'membership due run');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'membership due run failed; it will be retried');
    }
    try {
      const result = await services.engagement.runDue(programId, new Date(), SCHEDULER);
      if (result.completed > 0 || result.fired > 0 || result.rewardsIssued > 0)
        log.info({ programId: programId, ...result }, 'engagement due run');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'engagement due run failed; it will be retried');
    }
    try {
      const { runs, commissions } = await services.partners.runDue(programId, new Date(), SCHEDULER);
      if (runs.length > 0) log.info({ programId: programId, runs }, 'scheduled payout runs proposed');
      if (commissions.lines > 0 || commissions.converted > 0)
        log.info({ programId: programId, ...commissions }, 'commission lines the events hook missed written');
      if (commissions.failing || commissions.skipped.length > 0)
        log.error(
          { programId: programId, failing: commissions.failing, skipped: commissions.skipped },
          'commission sweep: an event failed (see GET /v1/commission-sweep)',
        );
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'partners due run failed; it will be retried');
    }
    try {
      const { refreshed, accounts } = await services.insight.refreshRfm(programId);
      if (refreshed) log.info({ programId: programId, accounts }, 'RFM scores refreshed');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'RFM refresh failed; it will be retried');
    }
    try {
      const { recomputed, accountMonths } = await services.insight.rollUpKpis(programId);
      if (recomputed || (accountMonths ?? 0) > 0)
        log.info({ programId: programId, recomputed, accountMonths }, 'KPI rollup brought up to date');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'KPI rollup failed; it will be retried');
    }
    try {
      const result = await services.notifications.runDue(programId, new Date());
      if (result.expiringSoon + result.statements > 0)
        log.info({ programId: programId, ...result }, 'notifications due run');
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'notifications due run failed; it will be retried');
    }
    try {
      await services.users.pruneSessions(programId, new Date());
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'console session upkeep failed; it will be retried');
    }
    try {
      await services.portal.prune(programId, new Date());
    } catch (error) {
      failed.push(error);
      log.error({ err: error, programId: programId }, 'portal session upkeep failed; it will be retried');
    }
    if (failed.length > 0) throw new Error(`${failed.length} due run(s) failed for ${programId}; retried`);
  }

  async function tick(): Promise<void> {
    await maintain();
    for (const program of await services.programs.list()) {
      if (stopped) return;
      try {
        await services.jobs.send(DUE_RUN_QUEUE, program.id, {}, { singletonKey: program.id });
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'could not queue the due runs; the next tick will');
      }
    }
  }

  await services.jobs.define(
    DUE_RUN_QUEUE,
    { policy: 'exclusive', retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 15 * 60 },
    runProgram,
  );
  // The server starts the queue before the scheduler; alone (a test), the scheduler starts and stops it.
  const ownsJobs = !services.jobs.started;
  if (ownsJobs) await services.jobs.start();

  const timer = setInterval(() => {
    if (!running) running = tick().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    if (ownsJobs) await services.jobs.stop();
  };
}
