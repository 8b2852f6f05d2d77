// The demo program: a year of a B2B partner program (accounts, contacts, points, rules, events, a
// tier ladder) and an admin key for it, built through the services like any other writer.
import type { Actor } from '../../core/access.ts';
import type { EventService } from '../events/events-service.ts';
import type { ImportService } from '../imports/imports-service.ts';
import type { KeyService } from '../keys/keys-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';
import type { RuleService } from '../rules/rules-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import type { UserService } from '../users/users-service.ts';
import type { WebhookService } from '../webhooks/webhooks-service.ts';
import { demoCsv, demoEvents, demoLadder, demoMovements, demoRules } from './demo-data.ts';

export interface DemoResult {
  programId: string;
  apiKey: string;
  /** Console sign-ins: an owner and an approver (e-mail and password). */
  logins: DemoLogin[];
  accounts: number;
  contacts: number;
  entries: number;
  /** Redemptions waiting for approval. */
  pendingApprovals: number;
  rules: number;
  events: number;
}

export interface DemoLogin {
  email: string;
  password: string;
  role: 'owner' | 'approver';
}

/**
 * The demo's console logins. The passwords are public on purpose: the demo program is sample data
 * for a local start; a real program's users are created with `fidelis users create`.
 */
export const DEMO_LOGINS: DemoLogin[] = [
  { email: 'owner@demo.fidelis.local', password: 'demo-owner-pass', role: 'owner' },
  { email: 'approver@demo.fidelis.local', password: 'demo-approver-pass', role: 'approver' },
];

export function createDemoService(
  programs: ProgramService,
  keys: KeyService,
  users: UserService,
  imports: ImportService,
  ledger: LedgerService,
  rules: RuleService,
  events: EventService,
  tiers: TierService,
  rewards: RewardService,
  redemptions: RedemptionService,
  webhooks?: WebhookService,
) {
  return {
    /** Creates the demo program with its accounts and contacts, and an admin key for it (audited as `actor`'s). */
    async load(actor: Actor, name = 'Northwind Supply Partner Rewards'): Promise<DemoResult> {
      const program = await programs.create(
        {
          name,
          baseCurrency: 'EUR',
          timeZone: 'Europe/Amsterdam',
          defaultLocale: 'en-GB',
          settings: {
            ledger: {
              expiry: { kind: 'end_of_year', yearsAfter: 1 },
              costPerPoint: '0.005',
              clawback: 'negative',
            },
            // A redemption above 2,000 points waits for an approver (the console's approvals inbox).
            redemptions: { approval: { above: { points: 2000 } } },
          },
        },
        actor,
      );
      const csv = demoCsv();
      const accounts = await imports.importAccounts(program.id, csv.accounts, {}, actor);
      const contacts = await imports.importContacts(program.id, csv.contacts, {}, actor);
      // A year of points and cashback for the groups and subsidiaries (sites earn through them).
      const earners = [...csv.accounts.matchAll(/^(CRM-\d{4}(?:-\d)?),/gm)].map((m) => m[1]!);
      const movements = demoMovements(earners, new Date());
      let entries = 0;
      for (let i = 0; i < movements.length; i += 500) {
        const results = await ledger.batch(
          program.id,
          movements.slice(i, i + 500).map((m) => ({ ...m, sourceType: 'api' as const })),
        );
        entries += results.filter((r) => r.ok).length;
      }
      // Earning rules in force for the past year, and a month of events evaluated by them.
      const ruleFrom = new Date(Date.now() - 400 * 86_400_000);
      const documents = demoRules();
      for (const document of documents)
        await rules.create(program.id, { document, effectiveFrom: ruleFrom }, actor);
      await tiers.createLadder(program.id, demoLadder(), actor);
      // A webhook endpoint for the CRM, subscribed while the demo's tier changes and redemption requests
      // happen (so its message log has them), then paused: nothing is sent to its example address.
      const hook = await webhooks?.create(
        program.id,
        {
          url: 'https://crm.northwind.example/hooks/fidelis',
          eventTypes: ['tier.changed', 'redemption.requested'],
          description: 'Northwind CRM (paused in the demo)',
        },
        actor,
      );
      const ingested = await events.ingestBatch(program.id, demoEvents(earners, new Date()), actor);
      // A catalog item above the approval threshold, and requests for it waiting in the inbox.
      const kit = await rewards.create(
        program.id,
        {
          type: 'merchandise',
          name: 'Installer tool kit',
          price: { amount: 5000, unit: 'points' },
          stock: { kind: 'counted', quantity: 25 },
        },
        actor,
      );
      const requesters = earners.slice(0, 3);
      for (const [i, account] of requesters.entries())
        await redemptions.request(
          program.id,
          { reward: kit.id, account, note: i === 0 ? 'For the new service van' : undefined },
          { actor, admin: true },
          `demo:kit:${account}`,
        );
      if (hook) await webhooks?.update(program.id, hook.id, { enabled: false }, actor);
      const { secret } = await keys.create(program.id, 'demo admin', ['admin'], actor);
      // The console logins, unless another demo program of this store has them already.
      const logins: DemoLogin[] = [];
      for (const login of DEMO_LOGINS) {
        if (await users.exists(login.email)) continue;
        await users.create(program.id, { ...login, name: `Demo ${login.role}` }, actor);
        logins.push(login);
      }
      return {
        programId: program.id,
        apiKey: secret,
        logins,
        accounts: accounts.created,
        contacts: contacts.created,
        entries,
        pendingApprovals: requesters.length,
        rules: documents.length,
        events: ingested.filter((r) => r.ok).length,
      };
    },
  };
}
