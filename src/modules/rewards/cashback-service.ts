// Cash wallets out of the program: payouts (the operator moves the money) and donations to the
// charities a program lists. Both are posted ledger entries (types payout and donate). The use cases
// live in the cashback-<verb>.ts files; this factory binds them to their dependencies.
import type { Database } from '../../db/client.ts';
import type { AccountService } from '../accounts/accounts-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ContactService } from '../contacts/contacts-service.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import { allCharities, createCharity, getCharity, updateCharity } from './cashback-charities.ts';
import { donate, donationPage } from './cashback-donate.ts';
import { payout, payoutPage } from './cashback-payout.ts';

/** What every cashback use case takes first. */
export interface CashbackDeps {
  database: Database;
  accounts: AccountService;
  contacts: ContactService;
  ledger: LedgerService;
  audit: AuditService;
}

export function createCashbackService(database: Database, services: Omit<CashbackDeps, 'database'>) {
  const d: CashbackDeps = { database, ...services };
  return {
    createCharity: createCharity.bind(null, d),
    updateCharity: updateCharity.bind(null, d),
    charity: getCharity.bind(null, d),
    charities: allCharities.bind(null, d),
    donate: donate.bind(null, d),
    donations: donationPage.bind(null, d),
    payout: payout.bind(null, d),
    payouts: payoutPage.bind(null, d),
  };
}

export type CashbackService = ReturnType<typeof createCashbackService>;
