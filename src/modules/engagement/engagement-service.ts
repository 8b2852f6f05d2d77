// Engagement: badges (defined, awarded by hand or by challenges), challenges (goals across events in
// windows, progress derived from history, completion paid once) and leaderboards. The factory binds
// the use cases (engagement-<area>.ts) to the service's dependencies.
import { bindUseCases } from '../../lib/use-cases.ts';
import {
  automationsOf,
  createAutomation,
  firingsOf,
  getAutomation,
  programFirings,
  updateAutomation,
} from './engagement-automations.ts';
import { awardBadge, awardsOf, badgesOf, createBadge, getBadge, updateBadge } from './engagement-badges.ts';
import {
  challengesOf,
  createChallenge,
  getChallenge,
  joinChallenge,
  updateChallenge,
} from './engagement-challenges.ts';
import type { EngagementDeps } from './engagement-deps.ts';
import { exclude, include } from './engagement-leaderboard-exclusions.ts';
import {
  createLeaderboard,
  getLeaderboard,
  leaderboardsOf,
  refreshLeaderboard,
  standings,
} from './engagement-leaderboards.ts';
import { retryOwed, rewardsOwed, waiveOwed } from './engagement-owed.ts';
import { recordActivities, runDue } from './engagement-progress.ts';
import {
  challengeCompletions,
  challengesOfAccount,
  challengesOfContact,
  progress,
} from './engagement-standing.ts';

export function createEngagementService(deps: EngagementDeps) {
  return bindUseCases(deps, {
    // Badges
    createBadge,
    updateBadge,
    getBadge,
    listBadges: badgesOf,
    awardBadge,
    awardsOf,
    // Challenges
    createChallenge,
    updateChallenge,
    getChallenge,
    listChallenges: challengesOf,
    progress,
    challengesOfAccount,
    challengesOfContact,
    challengeCompletions,
    joinChallenge,
    /** Events that just committed: the challenges they count for are re-checked (the events port). */
    recordActivities,
    runDue,
    // Leaderboards
    createLeaderboard,
    getLeaderboard,
    listLeaderboards: leaderboardsOf,
    exclude,
    include,
    standings,
    refreshLeaderboard,
    // Lifecycle automations (fired by runDue)
    createAutomation,
    updateAutomation,
    getAutomation,
    listAutomations: automationsOf,
    firingsOf,
    // Catalog rewards owed by completions and firings (decision 0053; issued by runDue too)
    rewardsOwed,
    retryOwed,
    waiveOwed,
    programFirings,
  });
}

export type EngagementService = ReturnType<typeof createEngagementService>;
