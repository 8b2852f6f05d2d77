// Uses of an entitlement held through a membership (decision 0056): the operator's systems record
// each use (a support call, a free service); a plan's entitlement may allow `usesPerTerm`, counted in
// the membership's current term, and a use beyond them is refused. Audited as `entitlement.use`.
import { type Actor, actorName } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { MembershipDeps } from './memberships-terms.ts';
import { countUses, insertUse, lockHeldEntitlement } from './memberships-uses-store.ts';

export async function useEntitlement(
  { database, accounts, audit }: MembershipDeps,
  programId: string,
  accountRef: string,
  key: string,
  input: { reference?: string },
  actor: Actor,
  now = new Date(),
) {
  const account = await accounts.resolve(programId, accountRef);
  return database.transaction(async (tx) => {
    const held = await lockHeldEntitlement(tx, programId, account.id, key, now);
    if (!held)
      throw new FidelisError(
        'entitlement_not_held',
        `No active membership of ${account.id} grants ${key} now (tier perks and grants by hand count no uses)`,
      );
    const used = await countUses(tx, programId, held.id, held.term);
    if (held.usesPerTerm !== null && used >= held.usesPerTerm)
      throw new FidelisError(
        'entitlement_uses_exhausted',
        `${key} allows ${held.usesPerTerm} uses a term; term ${held.term} has used them`,
      );
    const row = await insertUse(tx, {
      programId,
      id: newId('eus'),
      entitlementId: held.id,
      accountId: account.id,
      term: held.term,
      reference: input.reference ?? null,
      usedBy: actorName(actor),
      usedAt: now,
    });
    const view = {
      id: row.id,
      entitlementId: row.entitlementId,
      accountId: row.accountId,
      key: held.key,
      term: row.term,
      reference: row.reference,
      usedBy: row.usedBy,
      usedAt: row.usedAt.toISOString(),
      used: used + 1,
      usesPerTerm: held.usesPerTerm,
    };
    await audit.record(tx, programId, {
      actor,
      action: 'entitlement.use',
      resourceType: 'entitlement',
      resourceId: held.id,
      after: view,
    });
    return view;
  });
}
