// The composition root: the one place where services are built and wired together.
import { tierNamesOf } from '../core/rewards/eligibility.ts';
import type { Database } from '../db/client.ts';
import { createAccountService } from '../modules/accounts/accounts-service.ts';
import { createAuditService } from '../modules/audit/audit-service.ts';
import { createContactService } from '../modules/contacts/contacts-service.ts';
import { createDemoService } from '../modules/demo/demo-service.ts';
import { createEngagementService } from '../modules/engagement/engagement-service.ts';
import { createEventTypeService } from '../modules/event-types/event-types-service.ts';
import { createEventService } from '../modules/events/events-service.ts';
import { EventsSettingsSchema } from '../modules/events/events-settings.ts';
import { createFxService } from '../modules/fx/fx-service.ts';
import { createIdempotencyService } from '../modules/idempotency/idempotency-service.ts';
import { createImportService } from '../modules/imports/imports-service.ts';
import { createInsightService } from '../modules/insight/insight-service.ts';
import { InsightSettingsSchema } from '../modules/insight/insight-settings.ts';
import { createJobService, type JobServiceOptions } from '../modules/jobs/jobs-service.ts';
import { createKeyService } from '../modules/keys/keys-service.ts';
import { KeysSettingsSchema } from '../modules/keys/keys-settings.ts';
import { createLedgerService } from '../modules/ledger/ledger-service.ts';
import { LedgerSettingsSchema } from '../modules/ledger/ledger-settings.ts';
import { createMembershipService } from '../modules/memberships/memberships-service.ts';
import { createOutboxService } from '../modules/outbox/outbox-service.ts';
import { createPortalService } from '../modules/portal/portal-service.ts';
import { PortalSettingsSchema } from '../modules/portal/portal-settings.ts';
import { createProgramService } from '../modules/programs/programs-service.ts';
import { createCashbackService } from '../modules/rewards/cashback-service.ts';
import { createRedemptionService } from '../modules/rewards/redemptions-service.ts';
import { createRewardService, type EligibilityFacts } from '../modules/rewards/rewards-service.ts';
import { RedemptionSettingsSchema } from '../modules/rewards/rewards-settings.ts';
import { createRuleService } from '../modules/rules/rules-service.ts';
import { createTierService } from '../modules/tiers/tiers-service.ts';
import { createUserService } from '../modules/users/users-service.ts';
import { subscriptionsOf } from '../modules/webhooks/webhooks-reads.ts';
import { createWebhookService, type WebhookOptions } from '../modules/webhooks/webhooks-service.ts';

export interface ServiceOptions {
  jobs?: JobServiceOptions;
  webhooks?: WebhookOptions;
}

export function createServices(database: Database, options: ServiceOptions = {}) {
  // Every writing service records its writes in the audit log itself, in the write's transaction.
  const audit = createAuditService(database);
  // The durable job queue (decision 0016); its workers run once `jobs.start()` is called (the server does).
  const jobs = createJobService(database, options.jobs);
  // The transactional outbox: services emit in their transactions what webhook endpoints subscribe to.
  const outbox = createOutboxService(database, subscriptionsOf);
  // Each module that has program policies names its settings schema here.
  const programs = createProgramService(database, audit, {
    ledger: LedgerSettingsSchema,
    events: EventsSettingsSchema,
    redemptions: RedemptionSettingsSchema,
    keys: KeysSettingsSchema,
    insight: InsightSettingsSchema,
    portal: PortalSettingsSchema,
  });
  const keys = createKeyService(database, audit);
  const users = createUserService(database, audit);
  const accounts = createAccountService(database, audit);
  const contacts = createContactService(database, accounts, audit);
  const imports = createImportService(database, accounts, contacts, audit);
  const idempotency = createIdempotencyService(database);
  const ledger = createLedgerService(database, programs, accounts, audit, outbox);
  const memberships = createMembershipService(database, accounts, ledger, audit, outbox);
  const fx = createFxService(database, programs, audit);
  const eventTypes = createEventTypeService(database, audit);
  const rules = createRuleService(database, eventTypes, audit, programs.config);
  const tiers = createTierService(database, programs, accounts, eventTypes, audit, outbox);
  const engagement = createEngagementService({
    database,
    programs,
    accounts,
    contacts,
    eventTypes,
    ledger,
    tiers,
    audit,
  });
  const events = createEventService(
    database,
    programs,
    accounts,
    contacts,
    ledger,
    fx,
    rules,
    eventTypes,
    tiers,
    outbox,
    engagement,
  );
  // Reward eligibility: the account's tier on the program's first ladder, and its memberships; the
  // ladders' tier names for the reasons ("needs Diamond").
  const eligibilityFacts: EligibilityFacts = async (programId, accountId) => ({
    tier: (await tiers.currentTiers(programId, accountId))[0] ?? null,
    tierNames: tierNamesOf((await tiers.listLadders(programId)).map((l) => l.document)),
    // A reward may name a plan by its id or by its name.
    memberships: (await memberships.activePlansOf(programId, accountId)).flatMap((p) => [p.planId, p.name]),
  });
  const rewards = createRewardService(database, {
    programs,
    accounts,
    contacts,
    ledger,
    audit,
    eligibilityFacts,
  });
  const redemptions = createRedemptionService(database, {
    programs,
    accounts,
    contacts,
    ledger,
    audit,
    rewards,
    eligibilityFacts,
    outbox,
  });
  const cashback = createCashbackService(database, { accounts, contacts, ledger, audit });
  const webhooks = createWebhookService(database, { audit, jobs, outbox }, options.webhooks);
  const insight = createInsightService(database, programs, tiers, contacts, events, audit);
  const portal = createPortalService(database, {
    programs,
    contacts,
    ledger,
    tiers,
    rewards,
    redemptions,
    audit,
    accounts,
    memberships,
    engagement,
  });
  const demo = createDemoService(
    programs,
    keys,
    users,
    imports,
    ledger,
    rules,
    events,
    tiers,
    rewards,
    redemptions,
    webhooks,
    engagement,
    insight,
    contacts,
    memberships,
  );
  return {
    database,
    jobs,
    outbox,
    webhooks,
    programs,
    keys,
    users,
    accounts,
    contacts,
    imports,
    idempotency,
    demo,
    audit,
    ledger,
    fx,
    eventTypes,
    rules,
    events,
    tiers,
    rewards,
    redemptions,
    cashback,
    memberships,
    engagement,
    insight,
    portal,
  };
}

export type Services = ReturnType<typeof createServices>;
