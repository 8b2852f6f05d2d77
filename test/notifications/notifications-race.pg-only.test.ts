// Two instances on one PostgreSQL, each with its mailer and workers: every notice reaches each
// recipient once, and due runs of both at once schedule a month's statements once.
import { describe, expect, it } from 'vitest';
import { createServices, type ServiceOptions } from '../../src/app/compose.ts';
import { openDatabase } from '../../src/db/client.ts';
import { FIXTURE } from '../support/actor.ts';
import { freshPostgres } from '../support/db.ts';
import { startMailbox } from './smtp.ts';

describe('notifications on two instances', () => {
  it('mails each notice once and schedules a period once', async () => {
    const mailbox = await startMailbox();
    const { url, database } = await freshPostgres(10);
    const other = await openDatabase({ driver: 'postgres', url, poolSize: 10 });
    const options: ServiceOptions = {
      jobs: { pollingIntervalSeconds: 0.5 },
      notifications: { smtpUrl: mailbox.url, from: 'points@fidelis.test', dispatchIntervalMs: 50 },
    };
    const instances = [createServices(database, options), createServices(other, options)];
    const [one, two] = instances;
    const program = await one!.programs.create(
      {
        name: 'Race',
        baseCurrency: 'EUR',
        timeZone: 'UTC',
        settings: { notifications: { mail: { 'points.credited': ['owner'] } } },
      },
      FIXTURE,
    );
    await one!.accounts.create(program.id, { externalId: 'ACME', name: 'Acme' }, FIXTURE);
    for (const email of ['a@acme.test', 'b@acme.test'])
      await one!.contacts.create(program.id, 'ACME', { email, role: 'owner', statementOptIn: true }, FIXTURE);
    for (const s of instances) {
      await s.notifications.start();
      await s.jobs.start();
    }
    try {
      const total = 30;
      await Promise.all(
        Array.from({ length: total }, (_, n) =>
          instances[n % 2]!.ledger.credit(program.id, {
            key: `race-${n}`,
            account: 'ACME',
            amount: n + 1,
            reasonCode: 'race',
            explanation: `Credit ${n}`,
          }),
        ),
      );
      await mailbox.waitFor(() => mailbox.received.length >= 2 * total, 60_000);
      const asOf = new Date('2026-11-02T00:00:00Z');
      const runs = await Promise.all([
        one!.notifications.runDue(program.id, asOf),
        two!.notifications.runDue(program.id, asOf),
        one!.notifications.runDue(program.id, asOf),
      ]);
      expect(runs.map((r) => r.statements).sort()).toEqual([0, 0, 2]);
      expect(runs.filter((r) => r.alreadyScheduled)).toHaveLength(2);
      await mailbox.waitFor(() => mailbox.received.length >= 2 * total + 2, 60_000);
      await new Promise((r) => setTimeout(r, 2_000));
      const ids = mailbox.received.map((m) => m.messageId);
      expect(ids).toHaveLength(2 * total + 2);
      expect(new Set(ids).size).toBe(2 * total + 2);
      for (const to of ['a@acme.test', 'b@acme.test']) {
        const subjects = mailbox.to(to).map((m) => m.subject);
        expect(new Set(subjects).size).toBe(total + 1);
      }
    } finally {
      for (const s of instances) {
        await s.notifications.stop();
        await s.jobs.stop();
      }
      await other.close();
    }
  }, 120_000);
});
