// The demo program's engagement: a badge, a quarterly "three trainings" challenge (one partner has
// completed it, another is on its way) whose tool bag is out of stock, so the completion owes it
// (decision 0053: the console's rewards owed show it on first start), and three leaderboards (the third
// over the challenge's progress, decision 0062).
import type { Actor } from '../../core/access.ts';
import type { EventInput } from '../events/events-service.ts';
import type { RewardService } from '../rewards/rewards-service.ts';

export const DEMO_BADGE = {
  code: 'trained-partner',
  name: 'Trained partner',
  description: 'Completed three product trainings in a quarter',
  imageUrl: 'https://fidelis.example/badges/trained-partner.svg',
  translations: { nl: { name: 'Getrainde partner' }, de: { name: 'Geschulter Partner' } },
  validDays: 365,
};

/**
 * The challenge's tool bag, out of stock (no unit yet): completions owe it until it is restocked (the
 * due run then issues them) or an admin waives them.
 */
export async function demoToolBag(rewards: RewardService, programId: string, actor: Actor) {
  const bag = await rewards.create(
    programId,
    {
      type: 'merchandise',
      name: 'Premium tool bag',
      description: 'Given with the Three trainings challenge',
      price: { amount: 4000, unit: 'points' },
      stock: { kind: 'counted', quantity: 0 },
    },
    actor,
  );
  return bag.id;
}

export function demoChallenge(now: Date, toolBag?: string) {
  return {
    code: 'three-trainings',
    name: 'Three trainings this quarter',
    description:
      'Complete three product trainings in a calendar quarter: 300 points, the Trained partner badge and a premium tool bag.',
    goals: [
      {
        metric: 'count' as const,
        eventTypes: ['training.completed'],
        target: '3',
        label: 'Complete three trainings',
      },
    ],
    window: { kind: 'calendar' as const, period: 'quarter' as const },
    startsAt: new Date(now.getTime() - 400 * 86_400_000).toISOString(),
    reward: { points: 300, badge: DEMO_BADGE.code, ...(toolBag && { catalogReward: toolBag }) },
  };
}

export const DEMO_LEADERBOARDS = [
  {
    code: 'partners-quarter',
    name: 'Partner points this quarter',
    metric: 'points_earned' as const,
    window: { kind: 'calendar' as const, period: 'quarter' as const },
    size: 10,
  },
  {
    code: 'benelux-spend',
    name: 'Benelux partners: spend this year',
    metric: 'qualifying_spend' as const,
    window: { kind: 'calendar' as const, period: 'year' as const },
    audience: { countries: ['NL', 'BE'] },
    size: 10,
  },
  {
    // Decision 0062: ranked by the challenge's progress (trainings this quarter), after it is created.
    code: 'trainings-quarter',
    name: 'Most trainings this quarter',
    metric: 'challenge_progress' as const,
    challenge: 'three-trainings',
    window: { kind: 'calendar' as const, period: 'quarter' as const },
    size: 10,
  },
];

/**
 * A contact challenge (decision 0061): each person's own trainings count, events naming nobody are
 * left out. The second partner's first training names one of its contacts, who is at one of two.
 */
export function demoContactChallenge(now: Date) {
  return {
    code: 'certified-in-person',
    name: 'Certified in person: two trainings yourself',
    description: 'Complete two product trainings yourself in a calendar quarter: 50 points to your company.',
    participant: 'contact' as const,
    goals: [
      {
        metric: 'count' as const,
        eventTypes: ['training.completed'],
        target: '2',
        label: 'Complete two trainings yourself',
      },
    ],
    window: { kind: 'calendar' as const, period: 'quarter' as const },
    startsAt: new Date(now.getTime() - 400 * 86_400_000).toISOString(),
    reward: { points: 50 },
  };
}

/**
 * Trainings of the last hours: the first partner completes the challenge, the second is at two of
 * three — its first training taken by `trainee` (a contact of it), when given.
 */
export function demoTrainings(externalIds: string[], now: Date, trainee?: string): EventInput[] {
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
  const course = ['safety', 'dosing', 'hygiene'];
  return [
    ...[3, 2, 1].map((h, i) => ({
      id: `DEMO-TRAINING-${externalIds[0]}-${i + 1}`,
      type: 'training.completed',
      account: externalIds[0]!,
      occurredAt: hoursAgo(h),
      attributes: { course: course[i] },
    })),
    ...[2, 1].map((h, i) => ({
      id: `DEMO-TRAINING-${externalIds[1]}-${i + 1}`,
      type: 'training.completed',
      account: externalIds[1]!,
      ...(i === 0 && trainee && { contact: trainee }),
      occurredAt: hoursAgo(h),
      attributes: { course: course[i] },
    })),
  ];
}

/** An opt-in challenge: a purchase in three consecutive months, within a year of joining. */
export function demoOptInChallenge(now: Date) {
  return {
    code: 'monthly-regular',
    name: 'A regular: three months in a row',
    description: 'Join, then order in three consecutive months within a year: 200 points.',
    enrolment: 'opt_in' as const,
    goals: [
      {
        metric: 'streak' as const,
        period: 'month' as const,
        eventTypes: ['purchase'],
        target: '3',
        label: 'Order in three consecutive months',
      },
    ],
    window: { kind: 'rolling' as const, days: 365 },
    startsAt: new Date(now.getTime() - 400 * 86_400_000).toISOString(),
    reward: { points: 200 },
  };
}

/** Lifecycle automations (decision 0025): birthdays, client anniversaries, a spend milestone, win-back. */
export function demoAutomations(now: Date) {
  const startsAt = new Date(now.getTime() - 60 * 86_400_000).toISOString();
  return [
    {
      code: 'birthday-bonus',
      name: 'Birthday bonus',
      trigger: { kind: 'birthday' as const },
      effect: { points: 50 },
      startsAt,
    },
    {
      code: 'client-anniversary',
      name: 'Client anniversary',
      trigger: { kind: 'anniversary' as const },
      effect: { points: 250, badge: DEMO_BADGE.code },
      startsAt,
    },
    {
      code: 'big-spender',
      name: 'Big spender',
      trigger: { kind: 'milestone' as const, metric: 'lifetime_spend' as const, threshold: '10000' },
      effect: { points: 500 },
      startsAt,
    },
    {
      code: 'win-back',
      name: 'Win-back',
      trigger: { kind: 'win_back' as const, days: 90, eventTypes: ['purchase'] },
      effect: { points: 100 },
      startsAt,
    },
  ];
}
