// The composition root: the one place where services are built and wired together.
import type { Database } from './db/client.ts';
import { createAccountService } from './modules/accounts/accounts-service.ts';
import { createAuditService } from './modules/audit/audit-service.ts';
import { createContactService } from './modules/contacts/contacts-service.ts';
import { createDemoService } from './modules/demo/demo-service.ts';
import { createIdempotencyService } from './modules/idempotency/idempotency-service.ts';
import { createImportService } from './modules/imports/imports-service.ts';
import { createKeyService } from './modules/keys/keys-service.ts';
import { createLedgerService } from './modules/ledger/ledger-service.ts';
import { LedgerSettingsSchema } from './modules/ledger/ledger-settings.ts';
import { createMembershipService } from './modules/memberships/memberships-service.ts';
import { createProgramService } from './modules/programs/programs-service.ts';

export function createServices(database: Database) {
  // Each module that has program policies names its settings schema here.
  const programs = createProgramService(database, { ledger: LedgerSettingsSchema });
  const keys = createKeyService(database);
  const accounts = createAccountService(database);
  const contacts = createContactService(database, accounts);
  const imports = createImportService(database, accounts, contacts);
  const idempotency = createIdempotencyService(database);
  const audit = createAuditService(database);
  const ledger = createLedgerService(database, programs, accounts);
  const memberships = createMembershipService(database, accounts, ledger, audit);
  const demo = createDemoService(programs, keys, imports, ledger);
  return {
    database,
    programs,
    keys,
    accounts,
    contacts,
    imports,
    idempotency,
    demo,
    audit,
    ledger,
    memberships,
  };
}

export type Services = ReturnType<typeof createServices>;
