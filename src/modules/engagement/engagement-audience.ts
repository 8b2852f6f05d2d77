// Who takes part in a challenge: its audience, a CEL condition over the account with the facts rules
// see (segment, country, tier on the first ladder, ancestors, attributes, RFM scores), and in a
// contact challenge over the contact too (contact.role, contact.locale, contact.id: decision 0061).
import type { ChallengeDocument } from '../../core/engagement/challenge.ts';
import { conditionContext, mentionsRfm, runCondition } from '../../core/rules/condition.ts';
import type { Contact } from '../contacts/contacts-schemas.ts';
import type { Program } from '../programs/programs-schemas.ts';
import type { EngagementDeps } from './engagement-deps.ts';

/**
 * Whether the account (and, in a contact challenge, its contact) is in the challenge's audience (its
 * CEL condition over the account as rules see it, and the contact). A deactivated contact takes no part.
 */
export async function inAudience(
  deps: EngagementDeps,
  program: Program,
  doc: ChallengeDocument,
  accountId: string,
  at: Date,
  contact: (Pick<Contact, 'id' | 'role' | 'locale'> & { deactivatedAt: unknown }) | null = null,
): Promise<boolean> {
  if (contact?.deactivatedAt) return false;
  const condition = doc.audience?.condition;
  if (condition === undefined) return true;
  const account = await deps.accounts.resolve(program.id, accountId);
  const chain = (await deps.accounts.chainsOf(program.id, [account.id])).get(account.id) ?? [];
  const tier = (await deps.tiers.currentTiers(program.id, account.id))[0] ?? null;
  const context = conditionContext({
    event: {
      id: '',
      type: '',
      amount: null,
      currency: null,
      baseAmount: null,
      items: [],
      references: {},
      attributes: {},
    },
    account: {
      id: account.id,
      externalId: account.externalId,
      name: account.name,
      segment: account.segment,
      country: account.country,
      status: account.status,
      tier,
      parentId: account.parentId,
      ancestors: chain.slice(1).flatMap((a) => (a.externalId ? [a.id, a.externalId] : [a.id])),
      attributes: account.attributes,
      rfm: mentionsRfm(condition)
        ? ((await deps.rfmOf?.(program.id, [account.id]))?.get(account.id) ?? null)
        : null,
    },
    contact: contact && { id: contact.id, role: contact.role, locale: contact.locale, attributes: {} },
    program: { baseCurrency: program.baseCurrency, timeZone: program.timeZone },
    occurredAt: at,
  });
  return runCondition(condition, context).matched;
}
