// Entitlements granted by hand (decision 0024): granted to an account for a key, from an instant,
// open-ended or until an instant, revoked at once; audited. The entitlement check reads them beside
// memberships and tier perks.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError, invalid } from '../../core/errors.ts';
import { fetchPage, type PageQuery } from '../../core/pagination.ts';
import { newId } from '../../lib/ids.ts';
import {
  findGrant,
  type GrantRow,
  grantsOfAccount,
  insertGrant,
  lockGrant,
  updateGrant,
} from './memberships-store.ts';
import type { MembershipDeps } from './memberships-terms.ts';

export interface GrantInput {
  key: string;
  validFrom?: string;
  validUntil?: string;
  reason?: string;
}

export function toGrant(row: GrantRow, now = new Date()) {
  return {
    id: row.id,
    accountId: row.accountId,
    key: row.key,
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil ? row.validUntil.toISOString() : null,
    reason: row.reason,
    grantedBy: row.grantedBy,
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
    active: !row.revokedAt && row.validFrom <= now && (!row.validUntil || row.validUntil > now),
    createdAt: row.createdAt.toISOString(),
  };
}

/** Grants an entitlement to an account by hand (audited as `entitlement.grant`). */
export async function grantEntitlement(
  { database, accounts, audit }: MembershipDeps,
  programId: string,
  accountRef: string,
  input: GrantInput,
  actor: Actor,
  now = new Date(),
) {
  const validFrom = input.validFrom ? new Date(input.validFrom) : now;
  const validUntil = input.validUntil ? new Date(input.validUntil) : null;
  if (validUntil && validUntil <= validFrom)
    throw invalid('validUntil must be after validFrom', { validUntil: 'must be after validFrom' });
  const account = await accounts.resolve(programId, accountRef);
  return database.transaction(async (tx) => {
    const row = await insertGrant(tx, {
      programId,
      id: newId('egr'),
      accountId: account.id,
      key: input.key,
      validFrom,
      validUntil,
      reason: input.reason ?? null,
      grantedBy: actorName(actor),
    });
    const grant = toGrant(row, now);
    await audit.record(tx, programId, {
      actor,
      action: 'entitlement.grant',
      resourceType: 'entitlement_grant',
      resourceId: grant.id,
      after: grant,
    });
    return grant;
  });
}

/** Revokes a grant at once (audited as `entitlement.revoke`); a revoked grant answers as it is. */
export async function revokeGrant(
  { database, audit }: MembershipDeps,
  programId: string,
  grantId: string,
  actor: Actor,
  now = new Date(),
) {
  return database.transaction(async (tx) => {
    const current = await lockGrant(tx, programId, grantId);
    if (!current) throw new FidelisError('grant_not_found', `No entitlement grant ${grantId}`);
    if (current.revokedAt) return toGrant(current, now);
    const row = await updateGrant(tx, programId, grantId, { revokedAt: now });
    const change = { before: toGrant(current, now), after: toGrant(row!, now) };
    await audit.record(tx, programId, {
      actor,
      action: 'entitlement.revoke',
      resourceType: 'entitlement_grant',
      resourceId: grantId,
      ...change,
    });
    return change.after;
  });
}

export async function getGrant({ database }: MembershipDeps, programId: string, grantId: string) {
  const row = await findGrant(database.db, programId, grantId);
  if (!row) throw new FidelisError('grant_not_found', `No entitlement grant ${grantId}`);
  return toGrant(row);
}

/** An account's grants, revoked and ended ones included, in id order. */
export async function grantsOf(
  { database, accounts }: MembershipDeps,
  programId: string,
  accountRef: string,
  query: PageQuery,
) {
  const account = await accounts.resolve(programId, accountRef);
  const now = new Date();
  return fetchPage(
    query,
    (after, limit) => grantsOfAccount(database.db, programId, account.id, after, limit),
    (r) => toGrant(r, now),
  );
}
