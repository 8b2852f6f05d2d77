// The portal's newer member routes (decision 0022: company view, approvals, perks, challenges; decision
// 0029: sign-in links by e-mail, referrals, statements, surveys), called
// with fetch until the typed client (web/src/api/schema.d.ts) is regenerated with them; their shapes
// are the server's PortalCompany, PortalPerks and PortalChallenges schemas.
import { type Problem, ProblemError } from '../api/client';

let csrfToken: string | undefined;

/** The session's CSRF token, for the state-changing calls below. */
export function setMemberCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ProblemError({ title: 'The server cannot be reached', status: 0 });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok)
    throw new ProblemError(
      json && typeof json === 'object' && 'title' in json
        ? (json as Problem)
        : { title: `The server answered ${res.status}`, status: res.status },
    );
  return json as T;
}

const withLocale = (path: string, locale: string) => `${path}?${new URLSearchParams({ locale })}`;

export interface Company {
  group: { id: string; name: string };
  pooling: string;
  accounts: number;
  wallets: Array<{
    accountId: string;
    accountName: string;
    pooled: boolean;
    available: number;
    pending: number;
    held: number;
  }>;
  earned: {
    since: string;
    data: Array<{
      accountId: string;
      accountName: string;
      contactId: string | null;
      contactName: string | null;
      earned: number;
    }>;
  };
  approver: boolean;
  approvals: Array<{
    id: string;
    rewardName: string;
    price: { amount: number; unit: string };
    requestedBy: string | null;
    note: string | null;
    approvals: { required: number; given: number };
    createdAt: string;
  }>;
}

export interface Perks {
  memberships: Array<{
    id: string;
    planName: string;
    planDescription: string | null;
    status: string;
    renewal: string;
    startsAt: string | null;
    endsAt: string | null;
    term: number;
  }>;
  entitlements: Array<{
    key: string;
    kind: string;
    membershipId: string;
    planName: string | null;
    validFrom: string;
    validUntil: string;
    active: boolean;
    code: string | null;
    percent: number | null;
    unit: string | null;
    amount: number | null;
  }>;
}

export interface Challenges {
  challenges: Array<{
    code: string;
    name: string;
    description: string | null;
    status: string;
    window: { key: string; start: string; end: string } | null;
    goals: Array<{ label: string | null; metric: string; value: string; target: string; done: boolean }>;
    steps: number;
    stepsDone: number;
    completed: boolean;
    timeLeftSeconds: number;
    points: number | null;
    /** A contact challenge: the member's own progress (decision 0061). */
    mine: boolean;
  }>;
  completions: Array<{
    challenge: string;
    name: string;
    completedAt: string;
    points: number | null;
    mine: boolean;
  }>;
  badges: Array<{
    id: string;
    code: string;
    name: string;
    description: string | null;
    imageUrl: string | null;
    awardedAt: string;
    expiresAt: string | null;
    mine: boolean;
  }>;
}

export interface Referrals {
  codes: Array<{ code: string; referralProgram: string; campaign: string | null; link: string | null }>;
  referrals: Array<{
    id: string;
    code: string;
    referredName: string | null;
    status: string;
    attributedAt: string;
    convertBy: string;
    convertedAt: string | null;
    earned: { amount: number; unit: string; pending: boolean } | null;
  }>;
}

export interface Statements {
  data: Array<{
    period: string;
    start: string;
    end: string;
    lines: Array<{
      unit: string;
      opening: number;
      earned: number;
      earnedByReason: Array<{ reason: string; amount: number }>;
      adjusted: number;
      redeemed: number;
      expired: number;
      other: number;
      closing: number;
      expiringSoon: number;
      expiringNext: Array<{ period: string; amount: number }>;
    }>;
    tiers: Array<{
      ladderName: string;
      tier: string | null;
      tierName: string | null;
      metric: string;
      next: { tier: string; name: string; needed: string } | null;
    }>;
    rewards: Array<{ id: string; name: string; price: number; unit: string; short: number }>;
  }>;
}

export interface Surveys {
  data: Array<{
    id: string;
    question: string;
    /** The survey's own questions after the score, in the member's language. */
    questions: Array<{
      key: string;
      kind: 'csat' | 'scale' | 'choice' | 'text';
      label: string;
      required: boolean;
      options: Array<{ value: string; label: string }>;
    }>;
    comment: boolean;
    anonymous: boolean;
    answered: boolean;
  }>;
}

export const memberApi = {
  mailLink: (slug: string, email: string) =>
    call<{ accepted: true; detail: string }>('POST', '/portal/api/sign-in-links', { slug, email }),
  referrals: () => call<Referrals>('GET', '/portal/api/referrals'),
  statements: () => call<Statements>('GET', '/portal/api/statements'),
  /** Where a statement downloads from (the session's cookie goes with a plain link). */
  statementHref: (period: string, locale: string) =>
    withLocale(`/portal/api/statements/${encodeURIComponent(period)}`, locale),
  surveys: (locale: string) => call<Surveys>('GET', withLocale('/portal/api/surveys', locale)),
  answer: (
    surveyId: string,
    body: { score: number; comment?: string; responses?: Record<string, number | string>; locale: string },
  ) =>
    call<{ id: string; category: string }>(
      'POST',
      `/portal/api/surveys/${encodeURIComponent(surveyId)}/answers`,
      body,
    ),

  company: (locale: string) => call<Company>('GET', withLocale('/portal/api/company', locale)),
  decide: (redemptionId: string, decision: 'approve' | 'reject') =>
    call<{ id: string; status: string }>(
      'POST',
      `/portal/api/approvals/${encodeURIComponent(redemptionId)}/${decision}`,
      {},
    ),
  perks: () => call<Perks>('GET', '/portal/api/perks'),
  challenges: (locale: string) => call<Challenges>('GET', withLocale('/portal/api/challenges', locale)),
};
