// Periodic work inside the server process: expiry of points, time-outs of pending credits and holds,
// tier requalification at period, grace and override ends, redemptions whose approval timed out, and
// renewal or lapse of memberships, challenge completions the events' after-commit check missed,
// the RFM scores once a day, and the notifications' expiring-soon notices and statement runs.
// Every job is idempotent (its ledger keys derive from what it acts on), so several server instances
// may run it at once, and a late or repeated run writes the same journal. On the embedded store the
// scheduler also does the upkeep PostgreSQL's autovacuum would (see Database.maintain). What it writes
// is recorded as done by the system actor `job:scheduler`.
import { systemActor } from '../core/access.ts';
import type { Services } from './compose.ts';

/** Who the scheduler's writes are recorded as. */
export const SCHEDULER = systemActor('scheduler');

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function startScheduler(
  services: Services,
  log: SchedulerLog,
  intervalMs = 60_000,
  upkeepEveryMs = 15 * 60_000,
): () => Promise<void> {
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

  async function tick(): Promise<void> {
    await maintain();
    for (const program of await services.programs.list()) {
      if (stopped) return;
      try {
        const result = await services.ledger.runDue(program.id, new Date());
        if (result.expired + result.posted + result.voided > 0)
          log.info({ programId: program.id, ...result }, 'ledger due run');
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'ledger due run failed; it will be retried');
      }
      try {
        const result = await services.tiers.runDue(program.id, new Date());
        if (result.evaluated > 0) log.info({ programId: program.id, ...result }, 'tier due run');
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'tier due run failed; it will be retried');
      }
      try {
        const result = await services.redemptions.runDue(program.id, SCHEDULER);
        if (result.cancelled > 0) log.info({ programId: program.id, ...result }, 'redemption time-outs');
      } catch (error) {
        log.error(
          { err: error, programId: program.id },
          'redemption time-out run failed; it will be retried',
        );
      }
      try {
        const result = await services.memberships.runDue(program.id, new Date());
        if (result.renewed + result.lapsed > 0)
          log.info({ programId: program.id, ...result }, 'membership due run');
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'membership due run failed; it will be retried');
      }
      try {
        const result = await services.engagement.runDue(program.id, new Date(), SCHEDULER);
        if (result.completed > 0 || result.fired > 0)
          log.info({ programId: program.id, ...result }, 'engagement due run');
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'engagement due run failed; it will be retried');
      }
      try {
        const { refreshed, accounts } = await services.insight.refreshRfm(program.id);
        if (refreshed) log.info({ programId: program.id, accounts }, 'RFM scores refreshed');
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'RFM refresh failed; it will be retried');
      }
      try {
        const result = await services.notifications.runDue(program.id, new Date());
        if (result.expiringSoon + result.statements > 0)
          log.info({ programId: program.id, ...result }, 'notifications due run');
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'notifications due run failed; it will be retried');
      }
      try {
        await services.users.pruneSessions(program.id, new Date());
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'console session upkeep failed; it will be retried');
      }
      try {
        await services.portal.prune(program.id, new Date());
      } catch (error) {
        log.error({ err: error, programId: program.id }, 'portal session upkeep failed; it will be retried');
      }
    }
  }

  const timer = setInterval(() => {
    if (!running) running = tick().finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
