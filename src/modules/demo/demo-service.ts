// The demo program: a year of a B2B partner program (accounts, contacts, points, rules, events, a
// tier ladder, a challenge, a badge and leaderboards) and an admin key for it, built through the services like any other writer.
import type { Actor } from '../../core/access.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EngagementService } from '../engagement/engagement-service.ts';
import type { EventService } from '../events/events-service.ts';
import type { FxService } from '../fx/fx-service.ts';
import type { ImportService } from '../imports/imports-service.ts';
import type { InsightService } from '../insight/insight-service.ts';
import type { KeyService } from '../keys/keys-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { MembershipService } from '../memberships/memberships-service.ts';
import type { PartnerService } from '../partners/partners-service.ts';
import { portalSettings } from '../portal/portal-settings.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';
import type { RuleService } from '../rules/rules-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import type { UserService } from '../users/users-service.ts';
import type { WebhookService } from '../webhooks/webhooks-service.ts';
import { loadCatalogDemo } from './demo-catalog.ts';
import { demoCsv, demoEvents, demoLadder, demoMovements, demoRules } from './demo-data.ts';
import {
  DEMO_BADGE,
  DEMO_LEADERBOARDS,
  demoAutomations,
  demoChallenge,
  demoContactChallenge,
  demoOptInChallenge,
  demoToolBag,
  demoTrainings,
} from './demo-engagement.ts';
import { demoOrders } from './demo-orders.ts';
import { loadPartnerDemo } from './demo-partners.ts';

/** The demo program's portal address (/portal/northwind) and its demo member's e-mail. */
export const DEMO_PORTAL_SLUG = 'northwind';
export const DEMO_MEMBER = 'dana.demo@northwind.example';
/** An approver at the demo member's company: the portal's company view and its approvals. */
export const DEMO_APPROVER = 'olu.approver@northwind.example';

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
  /** Challenge completions the demo's events brought. */
  completions: number;
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
  webhooks: WebhookService | undefined,
  engagement: EngagementService,
  insight: InsightService,
  contactService: ContactService,
  partners?: PartnerService,
  memberships?: MembershipService,
  fx?: FxService,
) {
  return {
    /** Creates the demo program with its accounts and contacts, and an admin key for it (audited as `actor`'s). */
    async load(actor: Actor, name = 'Northwind Supply Partner Rewards'): Promise<DemoResult> {
      // A portal slug is one program's: a second demo in the store is at /portal/northwind-2, …
      const taken = new Set((await programs.list()).map((p) => portalSettings(p).slug));
      let slug = DEMO_PORTAL_SLUG;
      for (let n = 2; taken.has(slug); n++) slug = `${DEMO_PORTAL_SLUG}-${n}`;
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
            // What the program states for its ROI in the KPI report (docs/metrics.md): 30% gross margin,
            // 8% of revenue caused by the program (its last control-group study), 2,500 EUR a month to run.
            insight: {
              roi: { grossMargin: '0.30', incrementalRevenueShare: '0.08', operatingCostPerMonth: '2500.00' },
            },
            // The member portal at /portal/northwind (decision 0019), in the program's branding (0024).
            portal: { slug },
            branding: {
              displayName: 'Northwind Partner Rewards',
              colors: { primary: '#0b5563' },
              senderName: 'Northwind Partner Team',
            },
            // E-mail (decision 0027, when SMTP_URL is set): tier changes and expiring points to the
            // owners and admins, redemption decisions to the owners and buyers; monthly statements.
            notifications: {
              senderName: 'Northwind Partner Rewards',
              primaryColor: '#0b5563',
              mail: {
                'tier.changed': ['owner', 'admin'],
                'tier.downgrade_upcoming': ['owner', 'admin'],
                'points.expiring_soon': ['owner', 'admin'],
                'redemption.approved': ['owner', 'buyer'],
                'redemption.rejected': ['owner', 'buyer'],
              },
              expiringWithinDays: 30,
            },
          },
        },
        actor,
      );
      const csv = demoCsv();
      const accounts = await imports.importAccounts(program.id, csv.accounts, {}, actor);
      const contacts = await imports.importContacts(program.id, csv.contacts, {}, actor);
      // The portal's demo member, known by e-mail (`fidelis portal link`): a buyer of a group that has
      // points to spend and a year of orders that holds Silver, just short of Gold, so the catalog
      // shows why a reward is out of reach ("needs Gold", "… points short").
      await imports.importContacts(
        program.id,
        `email,accountExternalId,name,role,locale\n${DEMO_MEMBER},CRM-0014,Dana Demo,buyer,en-GB\n${DEMO_APPROVER},CRM-0014,Olu Approver,approver,en-GB\n`,
        {},
        actor,
      );
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
      // The ladder before the orders behind that year, so each group reaches its tier as its
      // orders arrive (a ladder made afterwards would place nobody until their next order).
      await tiers.createLadder(program.id, demoLadder(), actor);
      // The orders behind that year (before any rule: their points are the credits above).
      const orders = demoOrders(movements);
      let ordersIngested = 0;
      for (let i = 0; i < orders.length; i += 500)
        ordersIngested += (await events.ingestBatch(program.id, orders.slice(i, i + 500), actor)).filter(
          (r) => r.ok,
        ).length;
      await events.settled(program.id);
      // Earning rules in force for the past year, and a month of events evaluated by them.
      const ruleFrom = new Date(Date.now() - 400 * 86_400_000);
      const documents = demoRules();
      for (const document of documents)
        await rules.create(program.id, { document, effectiveFrom: ruleFrom }, actor);
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
      // A badge, a quarterly challenge and leaderboards before the events: the events complete it.
      await engagement.createBadge(program.id, DEMO_BADGE, actor);
      // Its tool bag is out of stock: the completion below owes it (the console's rewards owed).
      const toolBag = await demoToolBag(rewards, program.id, actor);
      await engagement.createChallenge(program.id, demoChallenge(new Date(), toolBag), actor);
      for (const board of DEMO_LEADERBOARDS) await engagement.createLeaderboard(program.id, board, actor);
      // An opt-in streak challenge the first partner joined, and lifecycle automations the due run fires.
      await engagement.createChallenge(program.id, demoOptInChallenge(new Date()), actor);
      await engagement.joinChallenge(program.id, 'monthly-regular', { account: earners[0]! }, actor);
      await engagement.createChallenge(program.id, demoContactChallenge(new Date()), actor);
      const trainee = (await contactService.list(program.id, { accountId: earners[1]!, limit: 1 })).data[0];
      for (const automation of demoAutomations(new Date()))
        await engagement.createAutomation(program.id, automation, actor);
      const ingested = await events.ingestBatch(
        program.id,
        [...demoEvents(earners, new Date()), ...demoTrainings(earners, new Date(), trainee?.id)],
        actor,
      );
      // The events' tier upgrades and challenge progress may run behind their answers (decision 0021);
      // then what the events' after-commit check may have missed, as the scheduler would.
      await events.settled(program.id);
      await engagement.runDue(program.id, new Date(), actor);
      const completions = (await engagement.challengesOfAccount(program.id, earners[0]!)).completions.length;
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
      // Exchange rates into EUR, so a member who uses pounds or dollars sees the catalog in them
      // (decision 0057): the voucher states its pound value, everything else is converted.
      await fx?.set(
        program.id,
        [
          { currency: 'GBP', rate: '1.17', effectiveFrom: `${new Date().getUTCFullYear()}-01-01` },
          { currency: 'USD', rate: '0.92', effectiveFrom: `${new Date().getUTCFullYear()}-01-01` },
        ],
        actor,
      );
      // For the portal: a voucher with codes (above the threshold: it waits for approval, then
      // shows its code), and a cap any member can take at once.
      const voucher = await rewards.create(
        program.id,
        {
          type: 'egift_card',
          name: 'Service voucher',
          description: 'A €25 voucher for any Northwind service visit',
          translations: {
            id: { name: 'Voucher servis' },
            pl: { name: 'Bon serwisowy' },
            fa: { name: 'کارت هدیه خدمات' },
            th: { name: 'บัตรกำนัลบริการ' },
          },
          price: { amount: 2500, unit: 'points' },
          faceValue: { amount: 2500, currency: 'EUR' },
          currencyValues: [{ currency: 'GBP', faceValue: 2200 }],
          stock: { kind: 'codes' },
        },
        actor,
      );
      await rewards.importCodes(
        program.id,
        voucher.id,
        Array.from({ length: 20 }, (_, i) => `NW-SV-${String(i + 1).padStart(4, '0')}`),
        actor,
      );
      // The cap, the trip out of reach, and a points-to-cash conversion one partner has used.
      await loadCatalogDemo(rewards, redemptions, program.id, earners[3]!, actor);
      // A paid plan the demo member's company holds: the portal's memberships and perks page.
      if (memberships) {
        const plan = await memberships.createPlan(
          program.id,
          {
            name: 'Installer Pro',
            description: 'Priority support, a service discount and points every year',
            fee: { amount: '240.00', currency: 'EUR' },
            term: { months: 12 },
            renewal: 'auto',
            joining: 'contract',
            entitlements: [
              // Twelve priority support calls a term, each recorded by the support desk (decision 0056).
              {
                key: 'priority_support',
                kind: 'flag',
                description: 'Priority support line',
                usesPerTerm: 12,
              },
              { key: 'service_discount', kind: 'discount_code', prefix: 'PRO', percent: 10 },
              { key: 'welcome_points', kind: 'service_credit', unit: 'points', amount: 500 },
            ],
          },
          actor,
        );
        await memberships.join(
          program.id,
          { account: 'CRM-0014', plan: plan.id, via: 'contract', reference: 'NW-PRO-0014' },
          actor,
        );
      }
      const requesters = earners.slice(0, 3);
      for (const [i, account] of requesters.entries())
        await redemptions.request(
          program.id,
          { reward: kit.id, account, note: i === 0 ? 'For the new service van' : undefined },
          { actor, admin: true },
          `demo:kit:${account}`,
        );
      // An NPS survey, answered through the signed links of a dozen contacts (each answer a
      // survey.completed event that the thank-you rule rewards, whatever the score).
      const survey = await insight.createSurvey(
        program.id,
        {
          name: 'Partner NPS 2026',
          question: {
            default: 'How likely are you to recommend Northwind Supply to a colleague?',
            nl: 'Hoe waarschijnlijk is het dat u Northwind Supply aanbeveelt aan een collega?',
            de: 'Wie wahrscheinlich ist es, dass Sie Northwind Supply einem Kollegen empfehlen?',
          },
          // A CSAT question on deliveries and how the partner orders (GET /v1/surveys/{id}/results).
          questions: [
            {
              key: 'delivery',
              kind: 'csat',
              label: {
                default: 'How satisfied are you with our deliveries?',
                nl: 'Hoe tevreden bent u over onze leveringen?',
              },
              required: true,
            },
            {
              key: 'channel',
              kind: 'choice',
              label: { default: 'How do you usually order?' },
              options: [
                { value: 'web', label: { default: 'Web shop' } },
                { value: 'rep', label: { default: 'Sales rep' } },
                { value: 'edi', label: { default: 'EDI' } },
              ],
            },
          ],
        },
        actor,
      );
      const people = (await contactService.list(program.id, { limit: 12 })).data;
      const links = await insight.linksFor(
        program.id,
        survey.id,
        people.map((c) => c.id),
      );
      const scores = [10, 9, 9, 8, 10, 6, 7, 9, 3, 10, 8, 9];
      const comments: Record<number, string> = {
        3: 'Deliveries were late twice this quarter',
        6: 'Portal is slow',
      };
      for (const [i, link] of links.data.slice(0, 10).entries()) {
        const score = scores[i % scores.length]!;
        await insight.answerByLink(link.token, {
          score,
          ...(comments[score] && { comment: comments[score] }),
          responses: {
            delivery: score >= 9 ? 5 : score >= 7 ? 4 : 2,
            ...(i % 3 !== 2 && { channel: ['web', 'rep', 'edi'][i % 3]! }),
          },
        });
      }
      // Referrals and Sell & Earn claims (decision 0026).
      const partnerDemo = partners
        ? await loadPartnerDemo({ partners, imports, events, rules }, program.id, actor)
        : { accounts: 0 };
      // RFM segments from that history (the server refreshes them daily).
      await insight.refreshRfm(program.id);
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
        accounts: accounts.created + partnerDemo.accounts,
        contacts: contacts.created,
        entries,
        pendingApprovals: requesters.length,
        rules: documents.length,
        events: ordersIngested + ingested.filter((r) => r.ok).length,
        completions,
      };
    },
  };
}
