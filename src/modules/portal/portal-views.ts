// What a signed-in member sees beyond their own balance: the company view (for roles the program lets
// see it: the group's wallets, who earned what, redemptions waiting for this approver and deciding
// them), the account's memberships and perks, and its challenges and badges. Always of the member's
// own account and group, read through the services that own them.

import { FidelisError } from '../../core/errors.ts';
import { valueInMinorUnits } from '../../core/money.ts';
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { EngagementService } from '../engagement/engagement-service.ts';
import { earnedBy } from '../ledger/ledger-reads.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import { ledgerSettings } from '../ledger/ledger-settings.ts';
import type { MembershipService } from '../memberships/memberships-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import type { RedemptionService } from '../rewards/redemptions-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';
import { redemptionSettings } from '../rewards/rewards-settings.ts';
import type { TierService } from '../tiers/tiers-service.ts';
import { companyRoles } from './portal-settings.ts';

/** Most accounts of a group the company view lists, and most earners. */
const MOST_ACCOUNTS = 100;
const MOST_EARNERS = 50;
/** "Who earned what" looks back a year. */
const EARNED_DAYS = 365;
/** How far ahead "expiring soon" looks. */
const EXPIRING_DAYS = 90;

export interface PortalViewDeps {
  database: Database;
  programs: ProgramService;
  accounts: AccountService;
  contacts: ContactService;
  ledger: LedgerService;
  rewards: RewardService;
  redemptions: RedemptionService;
  memberships: MembershipService;
  engagement: EngagementService;
  tiers: TierService;
}

/** A name in `locale` where the operator translated it (the language, then its base). */
export function translated(
  name: string,
  translations: unknown,
  locale: string | null | undefined,
  field: 'name' | 'description' = 'name',
): string | null {
  if (!locale || !translations || typeof translations !== 'object') return null;
  const t = translations as Record<string, Record<string, string | undefined>>;
  return t[locale]?.[field] ?? t[locale.split('-')[0]!]?.[field] ?? (field === 'name' ? name : null);
}

/** A challenge goal's label in `locale` where the operator translated it (the language, then its base). */
function goalLabel(
  label: string | null,
  translations: unknown,
  locale: string | null | undefined,
  i: number,
) {
  if (!locale || !translations || typeof translations !== 'object') return label;
  const t = translations as Record<string, { goals?: Array<string | null> } | undefined>;
  return t[locale]?.goals?.[i] ?? t[locale.split('-')[0]!]?.goals?.[i] ?? label;
}

/** Refuses a contact whose role does not see the company view (the program's `portal.companyRoles`). */
async function maySee(d: PortalViewDeps, programId: string, contact: Contact): Promise<void> {
  const roles = companyRoles(await d.programs.get(programId));
  if (!roles.includes(contact.role))
    throw new FidelisError(
      'portal_company_forbidden',
      `The company view is for ${roles.join(', ')}; this contact is ${contact.role}`,
    );
}

/** Redemptions of the account waiting for this contact's decision (never their own request, nor one they decided). */
async function waitingFor(d: PortalViewDeps, programId: string, contact: Contact, locale?: string) {
  const { approval } = redemptionSettings((await d.programs.get(programId)).settings);
  if (!approval.approverRoles.includes(contact.role)) return { approver: false, data: [] };
  const page = await d.redemptions.list(programId, {
    account: contact.accountId,
    status: 'pending_approval',
    limit: 100,
  });
  const rewardNames = new Map<string, string>();
  const names = new Map<string, string>();
  const data = [];
  for (const r of page.data) {
    if (r.contactId === contact.id) continue;
    if (r.approvals.decisions.some((a) => a.approver === contact.id)) continue;
    if (!rewardNames.has(r.rewardId)) {
      const reward = await d.rewards.get(programId, r.rewardId);
      rewardNames.set(r.rewardId, translated(reward.name, reward.translations, locale) ?? reward.name);
    }
    let requestedBy: string | null = null;
    if (r.contactId) {
      if (!names.has(r.contactId)) {
        const c = await d.contacts.get(programId, r.contactId);
        names.set(r.contactId, c.name ?? c.email);
      }
      requestedBy = names.get(r.contactId)!;
    }
    data.push({
      id: r.id,
      rewardName: rewardNames.get(r.rewardId)!,
      price: r.price,
      requestedBy,
      note: r.note,
      approvals: {
        required: r.approvals.required,
        given: r.approvals.decisions.filter((a) => a.decision === 'approve').length,
      },
      createdAt: r.createdAt,
    });
  }
  return { approver: true, data };
}

/**
 * The company view: the group the member's account belongs to (its top account and every account
 * below it), the points wallets (the group's one wallet when the program pools, else each account's),
 * who earned what in the last year (per contact where the journal names one, else per account), and
 * the redemptions waiting for this member's approval.
 */
export async function companyView(
  d: PortalViewDeps,
  programId: string,
  contact: Contact,
  locale: string | undefined,
  now = new Date(),
) {
  await maySee(d, programId, contact);
  const program = await d.programs.get(programId);
  const { pooling } = ledgerSettings(program.settings);
  const topId = await d.accounts.topOf(programId, contact.accountId);
  const memberIds = (await d.accounts.members(programId, topId)).slice(0, MOST_ACCOUNTS);
  const accounts = await d.accounts.resolveMany(programId, memberIds);
  const nameOf = (id: string) => accounts.get(id)?.name ?? id;
  const owners = pooling === 'group' ? [topId] : memberIds;
  const wallets = [];
  for (const owner of owners) {
    const points = (await d.ledger.summary(programId, owner, now)).find((w) => w.unit === 'points');
    if (!points && owner !== contact.accountId && owner !== topId) continue;
    wallets.push({
      accountId: owner,
      accountName: nameOf(owner),
      pooled: pooling === 'group',
      available: points?.available ?? 0,
      pending: points?.pending ?? 0,
      held: points?.held ?? 0,
    });
  }
  const since = new Date(now.getTime() - EARNED_DAYS * 86_400_000);
  const rows = await earnedBy(d.database.db, programId, owners, since, MOST_EARNERS);
  const people = new Map<string, string>();
  const earners = [];
  for (const row of rows) {
    let contactName: string | null = null;
    if (row.contactId) {
      if (!people.has(row.contactId)) {
        const c = await d.contacts.get(programId, row.contactId).catch(() => undefined);
        people.set(row.contactId, c ? (c.name ?? c.email) : row.contactId);
      }
      contactName = people.get(row.contactId)!;
    }
    earners.push({
      accountId: row.accountId,
      accountName: nameOf(row.accountId),
      contactId: row.contactId,
      contactName,
      earned: row.earned,
    });
  }
  const approvals = await waitingFor(d, programId, contact, locale);
  return {
    group: { id: topId, name: nameOf(topId) },
    pooling,
    accounts: memberIds.length,
    wallets,
    earned: { since: since.toISOString(), data: earners },
    approver: approvals.approver,
    approvals: approvals.data,
  };
}

/**
 * Approves or rejects a redemption of the member's own account as that contact, through the rewards
 * service's rules (approver roles, the requester never deciding, each approver once). A redemption of
 * another account is not found, whatever its id.
 */
export async function decideAsMember(
  d: PortalViewDeps,
  programId: string,
  contact: Contact,
  redemptionId: string,
  decision: 'approve' | 'reject',
  note: string | undefined,
) {
  const found = await d.redemptions.get(programId, redemptionId).catch((error) => {
    if (error instanceof FidelisError) return undefined;
    throw error;
  });
  if (!found || found.accountId !== contact.accountId)
    throw new FidelisError('redemption_not_found', `No redemption ${redemptionId}`);
  const by = { actor: { kind: 'contact' as const, contactId: contact.id }, admin: false };
  const input = { contactId: contact.id, ...(note !== undefined && { note }) };
  const r =
    decision === 'approve'
      ? await d.redemptions.approve(programId, redemptionId, input, by)
      : await d.redemptions.reject(programId, redemptionId, input, by);
  return { id: r.id, status: r.status };
}

/** The account's memberships (plan, status, term end, renewal) and the perks they give now. */
export async function perksOf(d: PortalViewDeps, programId: string, contact: Contact, now = new Date()) {
  const page = await d.memberships.list(programId, { accountId: contact.accountId, limit: 50 });
  const plans = new Map<string, Awaited<ReturnType<MembershipService['getPlan']>>>();
  const memberships: Array<{ id: string; planId: string } & Record<string, unknown>> = [];
  for (const m of page.data) {
    if (!plans.has(m.planId)) plans.set(m.planId, await d.memberships.getPlan(programId, m.planId));
    const plan = plans.get(m.planId)!;
    memberships.push({
      id: m.id,
      planId: m.planId,
      planName: plan.name,
      planDescription: plan.description,
      status: m.status,
      renewal: m.renewal,
      startsAt: m.startsAt,
      endsAt: m.endsAt,
      term: m.term,
      fee: plan.fee,
    });
  }
  const entitlements = (
    await d.memberships.entitlementsOf(programId, contact.accountId, { limit: 100 }, now)
  ).data.map((e) => ({
    key: e.key,
    kind: e.kind,
    membershipId: e.membershipId,
    planName: plans.get(memberships.find((m) => m.id === e.membershipId)?.planId ?? '')?.name ?? null,
    validFrom: e.validFrom,
    validUntil: e.validUntil,
    active: e.active,
    code: e.code,
    percent: e.percent,
    unit: e.unit,
    amount: e.amount,
  }));
  return { memberships, entitlements };
}

/**
 * The account's open challenges with their progress, the member's own contact challenges (decision
 * 0061: its own progress, `mine`), the completions of the account and of the member, and the badges.
 */
export async function challengesOf(
  d: PortalViewDeps,
  programId: string,
  contact: Contact,
  locale: string | undefined,
  now = new Date(),
) {
  const team = await d.engagement.challengesOfAccount(programId, contact.accountId, now);
  const own = await d.engagement.challengesOfContact(programId, contact.id, now);
  const data = [...team.data, ...own.data];
  // Other contacts' completions of contact challenges are theirs; the team's and the member's show.
  const completions = team.completions.filter((c) => c.contactId === null || c.contactId === contact.id);
  const challengeNames = new Map<string, string>();
  // Names and descriptions in the member's language where the operator translated them (decision 0041).
  for (const c of data) challengeNames.set(c.challenge, translated(c.name, c.translations, locale) ?? c.name);
  const badges = (
    await d.engagement.awardsOf(programId, { account: contact.accountId }, { limit: 100 }, now)
  ).data.map((a) => ({
    id: a.id,
    code: a.badge.code,
    name: translated(a.badge.name, a.badge.translations, locale) ?? a.badge.name,
    description: translated(a.badge.name, a.badge.translations, locale, 'description') ?? a.badge.description,
    imageUrl: a.badge.imageUrl,
    awardedAt: a.awardedAt,
    expiresAt: a.expiresAt,
    mine: a.contactId === contact.id,
  }));
  return {
    challenges: data.map((c) => ({
      code: c.challenge,
      name: challengeNames.get(c.challenge) ?? c.name,
      description: translated(c.name, c.translations, locale, 'description') ?? c.description,
      status: c.status,
      window: c.window,
      goals: c.goals.map((g, i) => ({
        label: goalLabel(g.label, c.translations, locale, i),
        metric: g.metric,
        value: g.value,
        target: g.target,
        done: g.done,
      })),
      steps: c.steps,
      stepsDone: c.stepsDone,
      completed: c.completed,
      timeLeftSeconds: c.timeLeftSeconds,
      points: pointsOf(c.reward),
      mine: c.contactId === contact.id,
    })),
    completions: completions.map((c) => ({
      challenge: c.challenge,
      name: challengeNames.get(c.challenge) ?? c.challenge,
      completedAt: c.completedAt,
      points: c.points,
      mine: c.contactId === contact.id,
    })),
    badges,
  };
}

/** The points a challenge's reward pays, if it names them. */
function pointsOf(reward: unknown): number | null {
  if (!reward || typeof reward !== 'object') return null;
  const points = (reward as { points?: unknown }).points;
  return typeof points === 'number' ? points : null;
}

/**
 * Home: the account's wallets (points with their money value), what is pending and what expires
 * soon (with dates), and where the account stands on each tier ladder.
 */
export async function homeOf(d: PortalViewDeps, programId: string, contact: Contact, now = new Date()) {
  const program = await d.programs.get(programId);
  const { costPerPoint } = ledgerSettings(program.settings);
  const wallets = await d.ledger.summary(programId, contact.accountId, now);
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
      expiring: await d.ledger.expiring(programId, contact.accountId, 'points', EXPIRING_DAYS, now),
      lifetimeEarned: points?.lifetime.earned ?? 0,
    },
    cash: wallets
      .filter((w) => w.unit !== 'points')
      .map((w) => ({ currency: w.unit, available: w.available, pending: w.pending })),
    tiers: (await d.tiers.progress(programId, contact.accountId, now)).map((p) => ({
      ladderName: p.ladderName,
      tier: p.tier,
      tierName: p.tierName,
      securedUntil: p.securedUntil,
      metric: p.metric,
      qualifies: p.qualifies,
      next: p.next,
    })),
  };
}
