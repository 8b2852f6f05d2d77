// The member portal (decision 0019): one-time links the operator's site mints for a contact, the
// cookie session a link opens, and what a signed-in member may see and do — always of their own
// account, read through the services that own it (ledger, tiers, rewards, redemptions).
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
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
import type { MembershipService } from '../memberships/memberships-service.ts';
import type { NotificationService } from '../notifications/notifications-service.ts';
import type { PartnerService } from '../partners/partners-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { csrfTokenOf } from '../users/users-service.ts';
import { memberHistory } from './portal-history.ts';
import { memberPages } from './portal-pages.ts';
import { type Branding, companyRoles, portalSettings, signInByMail } from './portal-settings.ts';
import { createMailSignIn, type SignInOptions } from './portal-sign-in.ts';
import {
  deletePortalBefore,
  endPortalSession,
  findLinkByToken,
  findLivePortalSession,
  insertLink,
  insertPortalSession,
  useLink,
} from './portal-store.ts';
import { challengesOf, companyView, decideAsMember, homeOf, perksOf } from './portal-views.ts';

/** How long a minted link may be opened. */
export const LINK_MINUTES = 5;
/** How long a member's session lasts from the link's exchange. */
export const PORTAL_SESSION_HOURS = 8;

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

/** The portal's options: where mailed links point, the sign-in limits, what to do with a failed mail. */
export type PortalOptions = SignInOptions;

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
  const { programs, contacts, ledger, rewards, redemptions, audit, notifications } = deps;
  const views = { database, ...deps };

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
    if (!contact.active)
      throw new FidelisError('contact_inactive', `${contact.id} is deactivated: it signs in to no portal`);
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

  const mailSignIn = createMailSignIn({ contacts, notifications, programOfSlug, mint }, options);

  return {
    /**
     * Mints a one-time link for a contact of the program (audited as `portal_link.create`, never
     * its token): `/portal/{slug}/enter#token=…` (`url`: with the `origin` it is served at), to open
     * within 5 minutes.
     */
    mintLink: (programId: string, contactRef: string, actor: Actor, now = new Date(), origin = '') =>
      mint(programId, contactRef, actor, now, origin, LINK_MINUTES),

    /** Sign-in links by e-mail: `requestMailLink`, and `settled` to wait for the mails under way. */
    ...mailSignIn,

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
      const contact = await contacts.get(link.programId, link.contactId);
      if (!contact.active) throw new FidelisError('portal_link_invalid');
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
      return homeOf(views, member.programId, await contactOf(member), now);
    },

    /** The account's points history, newest first, each line explained in the member's language. */
    async history(
      member: Member,
      query: { type?: string; from?: string; to?: string; limit?: number; cursor?: string; locale?: string },
    ) {
      return memberHistory({ ledger, programs }, member.programId, await contactOf(member), query);
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

    /** The member's referrals, statements and surveys (decision 0029; portal-pages.ts). */
    ...memberPages(views, contactOf),

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
