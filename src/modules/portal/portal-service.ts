// The member portal (decision 0019): one-time links the operator's site mints for a contact, the
// cookie session a link opens, and what a signed-in member may see and do — always of their own
// account, read through the services that own it (ledger, tiers, rewards, redemptions).
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { valueInMinorUnits } from '../../core/money.ts';
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EngagementService } from '../engagement/engagement-service.ts';
import type { InsightService } from '../insight/insight-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { MembershipService } from '../memberships/memberships-service.ts';
import type { NotificationService } from '../notifications/notifications-service.ts';
import type { PartnerService } from '../partners/partners-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { csrfTokenOf } from '../users/users-service.ts';
import { answerSurvey, referralsOf, statementDocument, statementsOf, surveysOf } from './portal-member.ts';
import { type Branding, companyRoles, portalSettings, signInByMail } from './portal-settings.ts';
import { MAILED_LINK_MINUTES, normalAddress, type SignInLimits, signInLimiter } from './portal-sign-in.ts';
import {
  deletePortalBefore,
  endPortalSession,
  findLinkByToken,
  findLivePortalSession,
  insertLink,
  insertPortalSession,
  useLink,
} from './portal-store.ts';
import { challengesOf, companyView, decideAsMember, perksOf } from './portal-views.ts';

/** How long a minted link may be opened. */
export const LINK_MINUTES = 5;
/** How long a member's session lasts from the link's exchange. */
export const PORTAL_SESSION_HOURS = 8;
/** How far ahead "expiring soon" looks. */
const EXPIRING_DAYS = 90;

type Redemption = Awaited<ReturnType<RedemptionService['list']>>['data'][number];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface PortalDeps {
  programs: ProgramService;
  contacts: ContactService;
  ledger: LedgerService;
  tiers: TierService;
  rewards: RewardService;
  redemptions: RedemptionService;
  audit: AuditService;
  accounts: AccountService;
  memberships: MembershipService;
  engagement: EngagementService;
  partners: PartnerService;
  notifications: NotificationService;
  insight: InsightService;
}

export interface PortalOptions {
  /**
   * The address members reach the server at (FIDELIS_PUBLIC_URL), for links sent by e-mail: never
   * the request's Host header, which whoever asks for a link could set to their own site.
   */
  publicUrl?: string;
  signInLimits?: SignInLimits;
  /** What happens to a mailed sign-in that failed after the answer was given (logged by the server). */
  onMailError?: (error: unknown) => void;
}

/** Who a portal request acts for: one contact of one program. */
export interface Member {
  programId: string;
  contactId: string;
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

const memberView = (c: Contact) => ({
  id: c.id,
  accountId: c.accountId,
  name: c.name,
  email: c.email,
  role: c.role,
  locale: c.locale,
});

export function createPortalService(database: Database, deps: PortalDeps, options: PortalOptions = {}) {
  const { programs, contacts, ledger, tiers, rewards, redemptions, audit, notifications } = deps;
  const views = { database, ...deps };
  const limiter = signInLimiter(options.signInLimits);
  const publicUrl = (options.publicUrl ?? '').replace(/\/+$/, '');
  /** Mailed sign-ins still running (tests and shutdown wait for them). */
  const mailing = new Set<Promise<void>>();

  async function brandingOf(programId: string): Promise<Branding> {
    return portalSettings(await programs.get(programId));
  }

  /** A contact by id, or by e-mail address. */
  async function contactByRef(programId: string, ref: string): Promise<Contact> {
    if (!ref.includes('@')) return contacts.get(programId, ref);
    const [found] = (await contacts.list(programId, { email: ref.trim().toLowerCase(), limit: 1 })).data;
    if (!found) throw new FidelisError('contact_not_found', `No contact with e-mail ${ref}`);
    return found;
  }

  /** Redemptions as the member sees them: with the reward's name in their language. */
  async function named(programId: string, list: Redemption[], locale: string | null | undefined) {
    const names = new Map<string, string>();
    for (const r of list) {
      if (names.has(r.rewardId)) continue;
      names.set(r.rewardId, nameIn(await rewards.get(programId, r.rewardId), locale ?? undefined));
    }
    return list.map((r) => ({
      id: r.id,
      rewardId: r.rewardId,
      rewardName: names.get(r.rewardId)!,
      status: r.status,
      price: r.price,
      code: r.code,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }

  /** Whether the contact's role sees the company view (the program's `portal.companyRoles`). */
  const seesCompany = async (programId: string, contact: Contact) =>
    companyRoles(await programs.get(programId)).includes(contact.role);

  /** The contact a member is, read afresh: a contact moved to another account sees that account. */
  const contactOf = (member: Member) => contacts.get(member.programId, member.contactId);

  /** The program whose (not archived) portal is served at `slug`. */
  async function programOfSlug(slug: string) {
    for (const program of await programs.list()) {
      if (program.archivedAt) continue;
      if (portalSettings(program).slug === slug) return program;
    }
    throw new FidelisError('portal_not_found', `No portal at /portal/${slug}`);
  }

  async function mint(
    programId: string,
    contactRef: string,
    actor: Actor,
    now: Date,
    origin: string,
    minutes: number,
  ) {
    const contact = await contactByRef(programId, contactRef);
    const branding = await brandingOf(programId);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + minutes * 60_000);
    const id = newId('plk');
    await database.transaction(async (tx) => {
      await insertLink(tx, {
        programId,
        id,
        contactId: contact.id,
        tokenHash: sha256(token),
        createdBy: actor.kind === 'key' ? actor.keyId : actor.kind,
        createdAt: now,
        expiresAt,
      });
      await audit.record(tx, programId, {
        actor,
        action: 'portal_link.create',
        resourceType: 'portal_link',
        resourceId: id,
        after: { contactId: contact.id, expiresAt: expiresAt.toISOString() },
      });
    });
    return {
      id,
      contactId: contact.id,
      accountId: contact.accountId,
      path: `/portal/${branding.slug}/enter#token=${token}`,
      url: `${origin}/portal/${branding.slug}/enter#token=${token}`,
      token,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** After the answer: a contact with this address gets a link by e-mail; anyone else, nothing. */
  async function mailLink(programId: string, address: string, now: Date): Promise<void> {
    const [contact] = (await contacts.list(programId, { email: address, limit: 1 })).data;
    if (!contact) return;
    const actor: Actor = { kind: 'contact', contactId: contact.id };
    const link = await mint(programId, contact.id, actor, now, publicUrl, MAILED_LINK_MINUTES);
    await notifications.sendSignIn(programId, contact.id, {
      id: link.id,
      url: link.url,
      minutes: MAILED_LINK_MINUTES,
    });
  }

  return {
    /**
     * Mints a one-time link for a contact of the program (audited as `portal_link.create`, never
     * its token): `/portal/{slug}/enter#token=…` (`url`: with the `origin` it is served at), to open
     * within 5 minutes.
     */
    mintLink: (programId: string, contactRef: string, actor: Actor, now = new Date(), origin = '') =>
      mint(programId, contactRef, actor, now, origin, LINK_MINUTES),

    /** Whether the portal at `slug` offers signing in by e-mail (e-mail configured, not turned off). */
    signInByMail: (program: Parameters<typeof signInByMail>[0]) =>
      notifications.enabled && signInByMail(program),

    /**
     * A member asks for a sign-in link by e-mail on the portal at `slug` (decision 0029). Limited per
     * address and per client; then answered at once, the same for every address: whether it is a
     * contact of the program is found out afterwards, off the request, and only a contact gets a mail.
     */
    async requestMailLink(slug: string, email: string, client: string, now = new Date()): Promise<void> {
      const program = await programOfSlug(slug);
      if (!notifications.enabled || !signInByMail(program))
        throw new FidelisError(
          'portal_mail_sign_in_off',
          `The portal at /portal/${slug} does not sign in by e-mail`,
        );
      const address = normalAddress(email);
      limiter.check(program.id, address, client, now.getTime());
      const sending = mailLink(program.id, address, now)
        .catch((error) => options.onMailError?.(error))
        .finally(() => mailing.delete(sending));
      mailing.add(sending);
    },

    /** Waits for the mailed sign-ins under way (tests, shutdown). */
    async settled(): Promise<void> {
      while (mailing.size > 0) await Promise.all([...mailing]);
    },
    /** The branding of the portal served at `slug` (its program's setting, or the program id). */
    async portal(slug: string): Promise<Branding & { defaultLocale: string; signInByMail: boolean }> {
      const program = await programOfSlug(slug);
      return {
        ...portalSettings(program),
        defaultLocale: program.defaultLocale,
        signInByMail: notifications.enabled && signInByMail(program),
      };
    },

    /**
     * Opens a link: its token becomes a session of its contact, once. Unknown, used, expired and
     * another portal's links get the same refusal.
     */
    async exchange(slug: string, token: string, now = new Date()) {
      const link = await findLinkByToken(database.db, sha256(token));
      if (!link || link.usedAt || link.expiresAt <= now) throw new FidelisError('portal_link_invalid');
      const branding = await brandingOf(link.programId);
      if (branding.slug !== slug) throw new FidelisError('portal_link_invalid');
      const sessionToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + PORTAL_SESSION_HOURS * 3_600_000);
      const used = await database.transaction(async (tx) => {
        if (!(await useLink(tx, link, now))) return false;
        await insertPortalSession(tx, {
          programId: link.programId,
          id: newId('psn'),
          contactId: link.contactId,
          linkId: link.id,
          tokenHash: sha256(sessionToken),
          createdAt: now,
          expiresAt,
        });
        return true;
      });
      if (!used) throw new FidelisError('portal_link_invalid');
      const contact = await contacts.get(link.programId, link.contactId);
      return {
        token: sessionToken,
        csrfToken: csrfTokenOf(sessionToken),
        expiresAt: expiresAt.toISOString(),
        contact: memberView(contact),
        portal: branding,
        company: await seesCompany(link.programId, contact),
      };
    },

    /** The member of a live session token, or undefined. */
    async member(token: string, now = new Date()): Promise<Member | undefined> {
      const row = await findLivePortalSession(database.db, sha256(token), now);
      if (!row) return undefined;
      return {
        programId: row.programId,
        contactId: row.contactId,
        sessionId: row.id,
        csrfToken: csrfTokenOf(token),
        expiresAt: row.expiresAt.toISOString(),
      };
    },

    /** The signed-in member, their portal's branding and their session's CSRF token. */
    async me(member: Member) {
      const contact = await contactOf(member);
      return {
        csrfToken: member.csrfToken,
        expiresAt: member.expiresAt,
        contact: memberView(contact),
        portal: await brandingOf(member.programId),
        company: await seesCompany(member.programId, contact),
      };
    },

    async signOut(member: Member, now = new Date()): Promise<void> {
      await endPortalSession(database.db, member.programId, member.sessionId, now);
    },

    /** Forgets the program's links and sessions that ended more than a day before `asOf`. */
    prune(programId: string, asOf: Date): Promise<number> {
      return deletePortalBefore(database.db, programId, new Date(asOf.getTime() - 86_400_000));
    },

    /**
     * Home: the account's wallets (points with their money value), what is pending and what expires
     * soon (with dates), and where the account stands on each tier ladder.
     */
    async home(member: Member, now = new Date()) {
      const contact = await contactOf(member);
      const program = await programs.get(member.programId);
      const { costPerPoint } = ledgerSettings(program.settings);
      const wallets = await ledger.summary(member.programId, contact.accountId, now);
      const points = wallets.find((w) => w.unit === 'points');
      return {
        currency: program.baseCurrency,
        points: {
          available: points?.available ?? 0,
          pending: points?.pending ?? 0,
          held: points?.held ?? 0,
          value: {
            currency: program.baseCurrency,
            minorUnits: valueInMinorUnits(
              Math.max(0, points?.available ?? 0),
              costPerPoint,
              program.baseCurrency,
            ),
          },
          expiring: await ledger.expiring(member.programId, contact.accountId, 'points', EXPIRING_DAYS, now),
          lifetimeEarned: points?.lifetime.earned ?? 0,
        },
        cash: wallets
          .filter((w) => w.unit !== 'points')
          .map((w) => ({ currency: w.unit, available: w.available, pending: w.pending })),
        tiers: (await tiers.progress(member.programId, contact.accountId, now)).map((p) => ({
          ladderName: p.ladderName,
          tier: p.tier,
          tierName: p.tierName,
          securedUntil: p.securedUntil,
          metric: p.metric,
          qualifies: p.qualifies,
          next: p.next,
        })),
      };
    },

    /** The account's points history, newest first, each line with its explanation. */
    async history(
      member: Member,
      query: { type?: string; from?: string; to?: string; limit?: number; cursor?: string },
    ) {
      const contact = await contactOf(member);
      return ledger.history(member.programId, contact.accountId, 'points', {
        type: query.type,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        limit: query.limit,
        cursor: query.cursor,
      });
    },

    /** The active catalog as this member may redeem it (eligibility, affordability, stock and why not). */
    async catalog(member: Member, query: { locale?: string; limit?: number; cursor?: string }) {
      const contact = await contactOf(member);
      return rewards.list(member.programId, {
        account: contact.accountId,
        contact: contact.id,
        locale: query.locale ?? contact.locale ?? undefined,
        status: 'active',
        limit: query.limit,
        cursor: query.cursor,
      });
    },

    /** Redeems a reward for the member's account, as the member (exactly once per Idempotency-Key). */
    async redeem(member: Member, input: { reward: string; note?: string }, key: string, locale?: string) {
      const contact = await contactOf(member);
      const request = () =>
        redemptions.request(
          member.programId,
          { reward: input.reward, account: contact.accountId, contactId: contact.id, note: input.note },
          { actor: { kind: 'contact', contactId: contact.id }, admin: false },
          `portal:${contact.id}:${key}`,
        );
      let result: Awaited<ReturnType<typeof request>>;
      try {
        result = await request();
      } catch (error) {
        // The same key sent again while the first was being written: that one won; answer it.
        if (!isUniqueViolation(error, 'redemptions_request_key_uq')) throw error;
        result = await request();
      }
      const { redemption, replayed } = result;
      return {
        redemption: (await named(member.programId, [redemption], locale ?? contact.locale))[0]!,
        replayed,
      };
    },

    /** The company view, for roles the program lets see it (decision 0022). */
    async company(member: Member, query: { locale?: string }) {
      const contact = await contactOf(member);
      return companyView(views, member.programId, contact, query.locale ?? contact.locale ?? undefined);
    },

    /** Approves or rejects a redemption of the member's account, as that contact (the rewards service's rules). */
    async decide(member: Member, redemptionId: string, decision: 'approve' | 'reject', note?: string) {
      return decideAsMember(views, member.programId, await contactOf(member), redemptionId, decision, note);
    },

    /** The account's memberships and the perks they give. */
    async perks(member: Member) {
      const contact = await contactOf(member);
      return perksOf(views, member.programId, contact);
    },

    /** The account's challenges with their progress, completions and badges. */
    async challenges(member: Member, query: { locale?: string }) {
      const contact = await contactOf(member);
      return challengesOf(views, member.programId, contact, query.locale ?? contact.locale ?? undefined);
    },

    /** The member's account's referral codes and the businesses it referred, with what each earned. */
    async referrals(member: Member) {
      return referralsOf(views, member.programId, await contactOf(member));
    },

    /** The member's account's statements of the last twelve ended months. */
    async statements(member: Member) {
      return statementsOf(views, member.programId, await contactOf(member));
    },

    /** One ended month's statement document (HTML) of the member's account, in a language. */
    async statement(member: Member, period: string, query: { locale?: string }) {
      const contact = await contactOf(member);
      return statementDocument(
        views,
        member.programId,
        contact,
        period,
        query.locale ?? contact.locale ?? undefined,
      );
    },

    /** The program's open surveys, for this member (answered or not). */
    async surveys(member: Member, query: { locale?: string }) {
      const contact = await contactOf(member);
      return surveysOf(views, member.programId, contact, query.locale ?? contact.locale ?? undefined);
    },

    /** The member's answer to an open survey (once). */
    async answerSurvey(
      member: Member,
      surveyId: string,
      input: { score: number; comment?: string; locale?: string },
    ) {
      const contact = await contactOf(member);
      return answerSurvey(
        views,
        member.programId,
        contact,
        surveyId,
        input,
        input.locale ?? contact.locale ?? undefined,
      );
    },

    /** The member's own redemptions, newest first, with the reward's name (codes once fulfilled). */
    async redemptionsOf(member: Member, query: { locale?: string; limit?: number; cursor?: string }) {
      const contact = await contactOf(member);
      const page = await redemptions.list(member.programId, {
        account: contact.accountId,
        contactId: contact.id,
        limit: query.limit,
        cursor: query.cursor,
      });
      return {
        data: await named(member.programId, page.data, query.locale ?? contact.locale),
        nextCursor: page.nextCursor,
      };
    },
  };
}

/** A reward's name in `locale` where the operator translated it (the language, then its base). */
function nameIn(reward: { name: string; translations: unknown }, locale: string | undefined): string {
  if (!locale || !reward.translations || typeof reward.translations !== 'object') return reward.name;
  const t = reward.translations as Record<string, { name?: string }>;
  return t[locale]?.name ?? t[locale.split('-')[0]!]?.name ?? reward.name;
}

export type PortalService = ReturnType<typeof createPortalService>;
