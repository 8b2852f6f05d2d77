// The webhook messages of engagement (written by the outbox in the change's transaction):
// challenge.completed and badge.awarded.
import type { ChallengeWindowAt } from '../../core/engagement/challenge.ts';
import type { OutboxMessage } from '../outbox/outbox-service.ts';
import type { BadgeAwardRow, ChallengeRow } from './engagement-store.ts';

/** badge.awarded: who got which badge, how, until when. */
export function badgeAwarded(award: BadgeAwardRow): OutboxMessage {
  return {
    type: 'badge.awarded',
    payload: {
      accountId: award.accountId,
      contactId: award.contactId,
      badge: award.badgeCode,
      awardId: award.id,
      source: award.source,
      awardedAt: award.awardedAt.toISOString(),
      expiresAt: award.expiresAt?.toISOString() ?? null,
    },
  };
}

/** challenge.completed (and badge.awarded for its badge, if it pays one). */
export function challengeCompleted(
  challenge: ChallengeRow,
  accountId: string,
  /** The contact that completed a contact challenge (null: the account's completion). */
  contactId: string | null,
  window: ChallengeWindowAt,
  completedAt: Date,
  paid: {
    points: string | number | null;
    entryId: string | null;
    award: BadgeAwardRow | undefined;
    redemptionId: string | null;
  },
): OutboxMessage[] {
  return [
    {
      type: 'challenge.completed',
      payload: {
        accountId,
        contactId,
        challenge: challenge.code,
        name: challenge.document.name,
        version: challenge.version,
        window: { key: window.key, start: window.start.toISOString(), end: window.end.toISOString() },
        completedAt: completedAt.toISOString(),
        points: paid.points,
        entryId: paid.entryId,
        badge: paid.award?.badgeCode ?? null,
        redemptionId: paid.redemptionId,
      },
    },
    ...(paid.award ? [badgeAwarded(paid.award)] : []),
  ];
}
