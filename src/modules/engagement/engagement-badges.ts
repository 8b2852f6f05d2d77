// Badges: defined by the program (audited), awarded by hand (audited) or by challenges, optionally
// expiring; listed on accounts and contacts.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, fieldError } from '../../core/errors.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { newId } from '../../lib/ids.ts';
import { badgeAwarded } from './engagement-announce.ts';
import { type EngagementDeps, existing, toAward, toBadge } from './engagement-deps.ts';
import {
  type BadgeRow,
  findBadge,
  insertAward,
  insertBadge,
  listAwards,
  listBadges,
  updateBadge as patchBadge,
} from './engagement-store.ts';
import type { BadgeTranslations } from './engagement-tables.ts';

const DAY = 86_400_000;

export interface BadgeInput {
  code: string;
  name: string;
  description?: string;
  imageUrl?: string;
  translations?: BadgeTranslations;
  validDays?: number;
}

export async function createBadge(deps: EngagementDeps, programId: string, input: BadgeInput, actor: Actor) {
  const { database, audit } = deps;
  try {
    return await database.transaction(async (tx) => {
      const badge = toBadge(
        await insertBadge(tx, {
          programId,
          code: input.code,
          name: input.name,
          description: input.description ?? null,
          imageUrl: input.imageUrl ?? null,
          translations: input.translations ?? {},
          validDays: input.validDays ?? null,
        }),
      );
      await audit.record(tx, programId, {
        actor,
        action: 'badge.create',
        resourceType: 'badge',
        resourceId: badge.code,
        after: badge,
      });
      return badge;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw fieldError('badge_exists', `The program already has a badge ${input.code}`, { code: 'is taken' });
    throw error;
  }
}

export async function updateBadge(
  deps: EngagementDeps,
  programId: string,
  code: string,
  patch: Partial<Omit<BadgeInput, 'code' | 'validDays'>> & { validDays?: number | null },
  actor: Actor,
) {
  const { database, audit } = deps;
  return database.transaction(async (tx) => {
    const before = toBadge(existing(await findBadge(tx, programId, code), 'badge', code));
    const row = (await patchBadge(tx, programId, code, { ...patch, updatedAt: new Date() }))!;
    const after = toBadge(row);
    await audit.record(tx, programId, {
      actor,
      action: 'badge.update',
      resourceType: 'badge',
      resourceId: code,
      before,
      after,
    });
    return after;
  });
}

export async function getBadge(deps: EngagementDeps, programId: string, code: string) {
  return toBadge(existing(await findBadge(deps.database.db, programId, code), 'badge', code));
}

export function badgesOf(deps: EngagementDeps, programId: string, query: PageQuery) {
  return fetchPage(
    query,
    (after, limit) => listBadges(deps.database.db, programId, {}, after, limit),
    toBadge,
    (r) => r.code,
  );
}

export interface AwardInput {
  badge: string;
  contact?: string;
  expiresAt?: string;
  note?: string;
}

/** Gives a badge to an account (and one of its contacts) by hand; audited. */
export async function awardBadge(
  deps: EngagementDeps,
  programId: string,
  accountRef: string,
  input: AwardInput,
  actor: Actor,
  now = new Date(),
) {
  const { database, accounts, contacts, audit } = deps;
  const account = await accounts.resolve(programId, accountRef);
  const badge = await findBadge(database.db, programId, input.badge);
  if (!badge) throw fieldError('badge_not_found', `No badge ${input.badge}`, { badge: 'unknown badge' });
  let contactId: string | null = null;
  if (input.contact !== undefined) {
    const contact = await contacts.get(programId, input.contact).catch((error: unknown) => {
      if (error instanceof FidelisError && error.code === 'contact_not_found')
        throw fieldError('contact_not_found', `No contact ${input.contact}`, { contact: 'unknown contact' });
      throw error;
    });
    if (contact.accountId !== account.id)
      throw fieldError('validation_failed', `Contact ${input.contact} is not a contact of ${accountRef}`, {
        contact: 'not a contact of this account',
      });
    contactId = contact.id;
  }
  const expiresAt = expiryOf(badge, input.expiresAt, now);
  if (expiresAt !== null && expiresAt <= now)
    throw fieldError('validation_failed', 'expiresAt is not in the future', { expiresAt: 'in the past' });
  return database.transaction(async (tx) => {
    const row = await insertAward(tx, {
      programId,
      id: newId('bga'),
      badgeCode: badge.code,
      accountId: account.id,
      contactId,
      awardedAt: now,
      expiresAt,
      source: 'manual',
      sourceKey: null,
      note: input.note ?? null,
      actor: actorName(actor),
    });
    const award = toAward(row, toBadge(badge), now);
    await audit.record(tx, programId, {
      actor,
      action: 'badge.award',
      resourceType: 'badge_award',
      resourceId: award.id,
      after: award,
    });
    await deps.outbox?.emit(tx, programId, [badgeAwarded(row)]);
    return award;
  });
}

/** When an award of the badge expires: the date given, else the badge's validity from now, else never. */
export function expiryOf(badge: BadgeRow, given: string | undefined, now: Date): Date | null {
  if (given !== undefined) return new Date(given);
  return badge.validDays === null ? null : new Date(now.getTime() + badge.validDays * DAY);
}

/** The badges of an account (or of a contact), newest first; expired ones when asked. */
export async function awardsOf(
  deps: EngagementDeps,
  programId: string,
  of: { account?: string; contact?: string },
  query: PageQuery & { includeExpired?: boolean },
  now = new Date(),
) {
  const { database, accounts, contacts } = deps;
  const accountId = of.account === undefined ? undefined : (await accounts.resolve(programId, of.account)).id;
  const contactId = of.contact === undefined ? undefined : (await contacts.get(programId, of.contact)).id;
  const badgeCache = new Map<string, ReturnType<typeof toBadge>>();
  const page = await fetchPage(query, (after, limit) =>
    listAwards(
      database.db,
      programId,
      { accountId, contactId, includeExpired: query.includeExpired ?? false, at: now },
      after,
      limit,
    ),
  );
  const data = [];
  for (const row of page.data) {
    let badge = badgeCache.get(row.badgeCode);
    if (!badge) {
      badge = toBadge((await findBadge(database.db, programId, row.badgeCode))!);
      badgeCache.set(row.badgeCode, badge);
    }
    data.push(toAward(row, badge, now));
  }
  return { data, nextCursor: page.nextCursor };
}
