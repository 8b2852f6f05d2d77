// The composition root: the one place where services are built and wired together.

import { minorDigits } from '../core/money.ts';
import { tierNamesOf } from '../core/rewards/eligibility.ts';
import type { Database } from '../db/client.ts';
import { createAccountService } from '../modules/accounts/accounts-service.ts';
import { createAuditService } from '../modules/audit/audit-service.ts';
import { createContactService } from '../modules/contacts/contacts-service.ts';
import { createDemoService } from '../modules/demo/demo-service.ts';
import { createEngagementService } from '../modules/engagement/engagement-service.ts';
import { createEventTypeService } from '../modules/event-types/event-types-service.ts';
import { metricTotals } from '../modules/events/events-reads.ts';
import { createEventService, type EventServiceOptions } from '../modules/events/events-service.ts';
import { EventsSettingsSchema } from '../modules/events/events-settings.ts';
import { createFxService } from '../modules/fx/fx-service.ts';
import { createIdempotencyService } from '../modules/idempotency/idempotency-service.ts';
import { createImportService } from '../modules/imports/imports-service.ts';
import { rfmFactsOf } from '../modules/insight/insight-reads.ts';
import { createInsightService } from '../modules/insight/insight-service.ts';
import { InsightSettingsSchema } from '../modules/insight/insight-settings.ts';
import { createJobService, type JobServiceOptions } from '../modules/jobs/jobs-service.ts';
import { createKeyService } from '../modules/keys/keys-service.ts';
import { KeysSettingsSchema } from '../modules/keys/keys-settings.ts';
import { createLedgerService } from '../modules/ledger/ledger-service.ts';
import { LedgerSettingsSchema } from '../modules/ledger/ledger-settings.ts';
import { createMembershipService } from '../modules/memberships/memberships-service.ts';
import {
  createNotificationService,
  type NotificationOptions,
} from '../modules/notifications/notifications-service.ts';
import { mailedTypes, NotificationsSettingsSchema } from '../modules/notifications/notifications-settings.ts';
import { createOutboxService } from '../modules/outbox/outbox-service.ts';
import { createPartnerService } from '../modules/partners/partners-service.ts';
import { ClaimsSettingsSchema, CommissionsSettingsSchema } from '../modules/partners/partners-settings.ts';
import { createPortalService, type PortalOptions } from '../modules/portal/portal-service.ts';
import { PortalSettingsSchema } from '../modules/portal/portal-settings.ts';
import { createProgramService } from '../modules/programs/programs-service.ts';
import { BrandingSettingsSchema } from '../modules/programs/programs-settings.ts';
import { createCashbackService } from '../modules/rewards/cashback-service.ts';
import { createRedemptionService } from '../modules/rewards/redemptions-service.ts';
import { createRewardService, type EligibilityFacts } from '../modules/rewards/rewards-service.ts';
import { RedemptionSettingsSchema } from '../modules/rewards/rewards-settings.ts';
import { createRuleService } from '../modules/rules/rules-service.ts';
import { accountIdsWithTier } from '../modules/tiers/tiers-reads.ts';
import { createTierService } from '../modules/tiers/tiers-service.ts';
import { userDisplayNames } from '../modules/users/users-reads.ts';
import { createUserService } from '../modules/users/users-service.ts';
import { subscriptionsOf } from '../modules/webhooks/webhooks-reads.ts';
import { createWebhookService, type WebhookOptions } from '../modules/webhooks/webhooks-service.ts';

export interface ServiceOptions {
  jobs?: JobServiceOptions;
  webhooks?: WebhookOptions;
  events?: EventServiceOptions;
  notifications?: NotificationOptions;
  portal?: PortalOptions;
}

export function createServices(database: Database, options: ServiceOptions = {}) {
  // Every writing service records its writes in the audit log itself, in the write's transaction.
  // The log names console users through the users module's reads (decision 0056).
  const audit = createAuditService(database, userDisplayNames);
  // The durable job queue (decision 0016); its workers run once `jobs.start()` is called (the server does).
  const jobs = createJobService(database, options.jobs);
  // The transactional outbox: services emit in their transactions what webhook endpoints subscribe to.
  // Messages are written for the program's webhook endpoints and for the types it mails (decision 0027).
  // Without SMTP_URL nothing is written for the mailer.
  const mailing = options.notifications?.smtpUrl !== undefined;
  const outbox = createOutboxService(database, async (ex, programId) => ({
    ...(await subscriptionsOf(ex, programId)),
    ...(mailing && { mailed: mailedTypes(await programs.get(programId, ex)) }),
  }));
  // Each module that has program policies names its settings schema here.
  const programs = createProgramService(database, audit, {
    ledger: LedgerSettingsSchema,
    events: EventsSettingsSchema,
    redemptions: RedemptionSettingsSchema,
    keys: KeysSettingsSchema,
    insight: InsightSettingsSchema,
    portal: PortalSettingsSchema,
    notifications: NotificationsSettingsSchema,
    claims: ClaimsSettingsSchema,
    commissions: CommissionsSettingsSchema,
    branding: BrandingSettingsSchema,
  });
  const keys = createKeyService(database, audit, programs);
  const users = createUserService(database, audit);
  // A referral code given when an account is created or imported reaches partners, and new
  // relationships may lift the managing accounts' tiers (later modules; decisions 0048, 0047).
  const accounts = createAccountService(database, audit, {
    referrals: (programId, input, actor, how) => partners.attributionOnWrite(programId, input, actor, how),
    onRelationships: (programId, managerIds, at) => tiers.recordRelationships(programId, managerIds, at),
  });
  const contacts = createContactService(database, accounts, audit);
  const imports = createImportService(database, accounts, contacts, audit);
  const idempotency = createIdempotencyService(database);
  const ledger = createLedgerService(database, programs, accounts, audit, outbox);
  // The entitlement check asks the tiers (a later module) for the account's tier perks (decision 0024).
  const memberships = createMembershipService(database, accounts, ledger, audit, outbox, {
    tierStanding: (programId, accountId) => tiers.standingOf(programId, accountId),
    tierAccountIds: accountIdsWithTier,
    tierLadders: async (programId) =>
      (await tiers.listLadders(programId)).map((l) => ({
        id: l.id,
        name: l.document.name,
        tiers: l.document.tiers.map((t) => t.code),
      })),
    // A plan's minimum-spend condition: the account's qualifying spend (purchases and paid invoices,
    // less returns) in the window, as tier ladders count it.
    qualifyingSpend: async (programId, accountId, from, to) => {
      const currency = (await programs.get(programId)).baseCurrency;
      const totals = await metricTotals(
        database.db,
        programId,
        'qualifying_spend',
        ['purchase', 'invoice.paid'],
        [{ key: accountId, accountId, from, to }],
      );
      return { minor: totals.get(accountId) ?? 0n, digits: minorDigits(currency), currency };
    },
  });
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
    outbox,
    rfmOf: (programId, accountIds) => rfmFactsOf(database.db, programId, accountIds),
    // Catalog rewards issued free (decision 0041): redemptions is built below, called only later.
    redemptions: {
      issueFree: (...args) => redemptions.issueFree(...args),
      freeIssueProblem: (...args) => redemptions.freeIssueProblem(...args),
    },
  });
  // Partner growth (decision 0026): referrals hear of committed events through the events' referral
  // port; an approved sales claim becomes an event (events is built just below, called only later).
  const partners = createPartnerService({
    database,
    programs,
    accounts,
    contacts,
    eventTypes,
    ledger,
    audit,
    outbox,
    ingest: (...args) => events.ingest(...args),
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
    options.events,
    partners,
    // Rule conditions on `account.rfm` (decision 0039): the scores of insight's last refresh.
    (programId, accountIds) => rfmFactsOf(database.db, programId, accountIds),
  );
  // Reward eligibility: the account's tier on the program's first ladder, its memberships and RFM segment; the
  // ladders' tier names for the reasons ("needs Diamond").
  const eligibilityFacts: EligibilityFacts = async (programId, accountId) => ({
    tier: (await tiers.currentTiers(programId, accountId))[0] ?? null,
    tierNames: tierNamesOf((await tiers.listLadders(programId)).map((l) => l.document)),
    // A reward may name a plan by its id or by its name.
    memberships: (await memberships.activePlansOf(programId, accountId)).flatMap((p) => [p.planId, p.name]),
    rfmSegment: (await rfmFactsOf(database.db, programId, [accountId])).get(accountId)?.segment ?? null,
  });
  const rewards = createRewardService(database, {
    programs,
    accounts,
    contacts,
    ledger,
    audit,
    fx,
    eligibilityFacts,
  });
  const redemptions = createRedemptionService(database, {
    programs,
    accounts,
    contacts,
    ledger,
    audit,
    fx,
    rewards,
    eligibilityFacts,
    outbox,
  });
  const cashback = createCashbackService(database, { accounts, contacts, ledger, audit });
  const webhooks = createWebhookService(database, { audit, jobs, outbox }, options.webhooks);
  const notifications = createNotificationService(
    database,
    { programs, accounts, audit, jobs, outbox, tiers },
    options.notifications,
  );
  const insight = createInsightService(database, programs, tiers, contacts, events, audit, outbox);
  const portal = createPortalService(
    database,
    {
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
      partners,
      notifications,
      insight,
    },
    options.portal,
  );
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
    partners,
    memberships,
    fx,
  );
  return {
    database,
    jobs,
    outbox,
    webhooks,
    notifications,
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
    partners,
  };
}

export type Services = ReturnType<typeof createServices>;
