// What a signed-in member sees of their account beyond points (decision 0029): their referral codes and
// the businesses they referred (status and what each earned), their monthly statements (figures and the
// document to download), and the program's open surveys they may answer once. Always of the member's
// own account and contact, read through the services that own them.
import {
  parsePeriod,
  periodBefore,
  periodsAfter,
  type StatementCadence,
} from '../../core/notifications/statement-period.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { InsightService } from '../insight/insight-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { NotificationService } from '../notifications/notifications-service.ts';
import { notificationPolicy } from '../notifications/notifications-settings.ts';
import type { PartnerService } from '../partners/partners-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';

/** How many ended periods the statements page lists: a year of months or of quarters. */
const STATEMENT_PERIODS = { monthly: 12, quarterly: 4 } as const;
/** Most codes and referrals the referrals page lists. */
const MOST_CODES = 20;
const MOST_REFERRALS = 100;

export interface PortalMemberDeps {
  programs: ProgramService;
  accounts: AccountService;
  ledger: LedgerService;
  partners: PartnerService;
  notifications: NotificationService;
  insight: InsightService;
}

/**
 * The member's account's referral codes (the code is what the member passes on) and the businesses
 * it referred, newest first: status (pending, review, converted, rejected, expired), the deadline to
 * convert, and what the account earned for each (the referrer's reward entry, once converted).
 */
export async function referralsOf(d: PortalMemberDeps, programId: string, contact: Contact) {
  const codes = await d.partners.listCodes(programId, { account: contact.accountId, limit: MOST_CODES });
  const page = await d.partners.listReferrals(programId, {
    referrer: contact.accountId,
    limit: MOST_REFERRALS,
  });
  const referred = await d.accounts.resolveMany(
    programId,
    page.data.map((r) => r.referredAccountId),
  );
  const data = [];
  for (const r of page.data) {
    let earned: { amount: number; unit: string; pending: boolean } | null = null;
    if (r.referrerEntryId) {
      const { entry } = await d.ledger.entry(programId, r.referrerEntryId);
      earned = { amount: entry.amount, unit: entry.unit, pending: entry.phase === 'pending' };
    }
    data.push({
      id: r.id,
      code: r.code,
      referredName: referred.get(r.referredAccountId)?.name ?? null,
      status: r.status,
      attributedAt: r.attributedAt,
      convertBy: r.convertBy,
      convertedAt: r.convertedAt,
      earned,
    });
  }
  // Each code as the link its referral program's landing page makes of it, if it names one.
  const landing = new Map<string, string | null>();
  for (const c of codes.data)
    if (!landing.has(c.referralProgram))
      landing.set(
        c.referralProgram,
        (await d.partners.getReferralProgram(programId, c.referralProgram)).landingUrl,
      );
  const linkOf = (code: string, program: string) =>
    landing.get(program)?.replace('{code}', encodeURIComponent(code)) ?? null;
  return {
    codes: codes.data
      .filter((c) => c.active)
      .map((c) => ({
        code: c.code,
        referralProgram: c.referralProgram,
        campaign: c.campaign,
        link: linkOf(c.code, c.referralProgram),
      })),
    referrals: data,
  };
}

/** The last `n` periods of the cadence that ended before `now` in the time zone, newest first. */
function endedPeriods(now: Date, timeZone: string, cadence: StatementCadence, n: number): string[] {
  const last = parsePeriod(periodBefore(now, timeZone, cadence))!;
  return [last.id, ...periodsAfter(last, n - 1, -1).map((p) => p.id)];
}

/**
 * The member's account's statements of the last year's ended months (or quarters, the program's
 * statement cadence) that have anything on them (a wallet with a balance or a movement), newest
 * first, each with its figures per unit, the tier at its end and the rewards within reach.
 */
export async function statementsOf(
  d: PortalMemberDeps,
  programId: string,
  contact: Contact,
  now = new Date(),
) {
  const program = await d.programs.get(programId);
  const data = [];
  const { cadence } = notificationPolicy(program);
  for (const period of endedPeriods(now, program.timeZone, cadence, STATEMENT_PERIODS[cadence])) {
    const { figures } = await d.notifications.statement(
      programId,
      contact.accountId,
      period,
      now,
      contact.locale ?? undefined,
    );
    const lines = figures.lines.filter((l) =>
      [l.opening, l.closing, l.earned, l.adjusted, l.redeemed, l.expired, l.other].some((x) => x !== 0),
    );
    if (lines.length === 0) continue;
    data.push({
      period,
      start: figures.start,
      end: figures.end,
      lines,
      tiers: figures.tiers,
      rewards: figures.rewards,
    });
  }
  return { data };
}

/** The statement document (HTML, what its e-mail carries) of an ended month, in the member's language. */
export async function statementDocument(
  d: PortalMemberDeps,
  programId: string,
  contact: Contact,
  period: string,
  locale: string | undefined,
) {
  // An open month is refused by the statement itself (statement_period_open).
  return d.notifications.statementHtml(programId, contact.accountId, period, locale);
}

/** The program's open surveys for the member: the question in their language, answered or not. */
export async function surveysOf(
  d: PortalMemberDeps,
  programId: string,
  contact: Contact,
  locale: string | undefined,
) {
  return d.insight.surveysFor(programId, contact.id, locale);
}

/** The member's answer to an open survey of the program, once. */
export async function answerSurvey(
  d: PortalMemberDeps,
  programId: string,
  contact: Contact,
  surveyId: string,
  input: { score: number; comment?: string; responses?: Record<string, number | string> },
  locale: string | undefined,
) {
  const answer = await d.insight.answerAsContact(programId, surveyId, contact, {
    score: input.score,
    ...(input.responses !== undefined && { responses: input.responses }),
    ...(input.comment !== undefined && input.comment.trim() !== '' && { comment: input.comment.trim() }),
    ...(locale !== undefined && { locale }),
  });
  return { id: answer.id, surveyId: answer.surveyId, score: answer.score, category: answer.category };
}

/** The pages bound for the service: each reads the session's contact afresh (`contactOf`). */
export function memberPages<M extends { programId: string }>(
  d: PortalMemberDeps,
  contactOf: (member: M) => Promise<Contact>,
) {
  const localeOf = (given: string | undefined, contact: Contact) => given ?? contact.locale ?? undefined;
  return {
    /** The member's account's referral codes and the businesses it referred, with what each earned. */
    referrals: async (member: M) => referralsOf(d, member.programId, await contactOf(member)),
    /** The member's account's statements of the last twelve ended months. */
    statements: async (member: M) => statementsOf(d, member.programId, await contactOf(member)),
    /** One ended month's statement document (HTML) of the member's account, in a language. */
    async statement(member: M, period: string, query: { locale?: string }) {
      const contact = await contactOf(member);
      return statementDocument(d, member.programId, contact, period, localeOf(query.locale, contact));
    },
    /** The program's open surveys, for this member (answered or not). */
    async surveys(member: M, query: { locale?: string }) {
      const contact = await contactOf(member);
      return surveysOf(d, member.programId, contact, localeOf(query.locale, contact));
    },
    /** The member's answer to an open survey (once). */
    async answerSurvey(
      member: M,
      surveyId: string,
      input: { score: number; comment?: string; locale?: string },
    ) {
      const contact = await contactOf(member);
      return answerSurvey(d, member.programId, contact, surveyId, input, localeOf(input.locale, contact));
    },
  };
}
