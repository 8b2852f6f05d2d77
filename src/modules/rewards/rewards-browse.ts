// Browsing the catalog, in pages; for an account (and contact), whether and why (not) each reward
// can be redeemed.
import { afterCursor, DEFAULT_LIMIT, type Page, toPage } from '../../core/pagination.ts';
import { type Facts, redeemable } from '../../core/rewards/eligibility.ts';
import { invalidFields } from './rewards-checks.ts';
import { inCurrency } from './rewards-currencies.ts';
import type { ListRewardsInput } from './rewards-schemas.ts';
import type { RewardDeps } from './rewards-service.ts';
import { listRewards } from './rewards-store.ts';
import { currencyContext, type Reward, stockOf, toReward, valuation } from './rewards-view.ts';

/** The account (and contact) the catalog is shown for: its eligibility facts and balances. */
interface Browser {
  facts: Facts;
  preferredCurrency: string | null;
  accountStatus: string;
  wallets: Map<string, number>;
}

async function browser(
  d: RewardDeps,
  programId: string,
  query: ListRewardsInput,
): Promise<Browser | undefined> {
  if (query.contact !== undefined && query.account === undefined) {
    throw invalidFields({ contact: 'needs account' });
  }
  if (query.account === undefined) return undefined;
  const account = await d.accounts.resolve(programId, query.account);
  const contact = query.contact === undefined ? undefined : await d.contacts.get(programId, query.contact);
  if (contact && contact.accountId !== account.id) {
    throw invalidFields({ contact: 'is a contact of another account' });
  }
  const facts = await d.eligibilityFacts(programId, account.id);
  const summary = await d.ledger.summary(programId, account.id);
  return {
    facts: { segment: account.segment, country: account.country, ...facts, role: contact?.role },
    accountStatus: account.status,
    preferredCurrency: account.preferredCurrency,
    wallets: new Map(summary.map((w) => [w.unit, w.available])),
  };
}

export async function listCatalog(
  d: RewardDeps,
  programId: string,
  query: ListRewardsInput,
): Promise<Page<Reward>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = afterCursor(query.cursor);
  const now = new Date();
  const who = await browser(d, programId, query);
  const rows = await listRewards(
    d.database.db,
    programId,
    { type: query.type, status: query.status ?? (who ? 'active' : undefined) },
    after,
    limit + 1,
  );
  const { available, sessions } = await stockOf(d, programId, rows.slice(0, limit), now);
  const worth = await valuation(d, programId);
  const currency = query.currency ?? who?.preferredCurrency ?? undefined;
  const context = currency
    ? await currencyContext(d, programId, currency, rows.slice(0, limit), worth)
    : null;
  return toPage(rows, limit, (r) => {
    const left = available.get(r.id) ?? null;
    return toReward(r, {
      available: left,
      valuation: worth,
      sessions: r.stockKind === 'sessions' ? (sessions.get(r.id) ?? []) : undefined,
      locale: query.locale,
      inCurrency: currency && context ? inCurrency(r, currency, context) : undefined,
      redeemable: who
        ? redeemable(
            r,
            { status: who.accountStatus, facts: who.facts, balance: who.wallets.get(r.priceUnit) ?? 0 },
            left,
            now,
          )
        : undefined,
    });
  });
}
