// The accounts on a tier of a ladder now (the console's members per tier), paged by account id. Under
// group qualification the tier is held by the group's top account, so those are the ones listed.
import { invalid } from '../../core/errors.ts';
import { fetchPage, type Page } from '../../core/pagination.ts';
import { ladderOf, type TierDeps } from './tiers-status.ts';
import { listTierMembers } from './tiers-store.ts';

export interface TierMember {
  accountId: string;
  externalId: string | null;
  name: string;
  tier: string;
  since: string | null;
  /** A hand-set tier or a freeze in force, as on the account's progress. */
  override: { kind: 'set' | 'freeze'; until: string | null; reason: string | null } | null;
}

export async function tierMembers(
  deps: TierDeps,
  programId: string,
  ladderId: string,
  query: { tier: string; limit?: number; cursor?: string },
): Promise<Page<TierMember>> {
  const ladder = await ladderOf(deps, programId, ladderId);
  if (!ladder.document.tiers.some((t) => t.code === query.tier))
    throw invalid(`The ladder has no tier ${query.tier}`, {
      tier: `not one of ${ladder.document.tiers.map((t) => t.code).join(', ')}`,
    });
  const page = await fetchPage(
    query,
    (after, limit) => listTierMembers(deps.database.db, programId, ladder.id, query.tier, after, limit),
    (row) => row,
    (row) => row.accountId,
  );
  const accounts = await deps.accounts.resolveMany(
    programId,
    page.data.map((r) => r.accountId),
  );
  return {
    nextCursor: page.nextCursor,
    data: page.data.map((r) => {
      const account = accounts.get(r.accountId);
      return {
        accountId: r.accountId,
        externalId: account?.externalId ?? null,
        name: account?.name ?? r.accountId,
        tier: query.tier,
        since: r.since?.toISOString() ?? null,
        override: r.overrideKind
          ? { kind: r.overrideKind, until: r.overrideUntil?.toISOString() ?? null, reason: r.overrideReason }
          : null,
      };
    }),
  };
}
