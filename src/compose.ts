// The composition root: the one place where services are built and wired together.
import type { Database } from './db/client.ts';
import { createAccountService } from './modules/accounts/accounts-service.ts';
import { createContactService } from './modules/contacts/contacts-service.ts';
import { createDemoService } from './modules/demo/demo-service.ts';
import { createIdempotencyService } from './modules/idempotency/idempotency-service.ts';
import { createImportService } from './modules/imports/imports-service.ts';
import { createKeyService } from './modules/keys/keys-service.ts';
import { createProgramService } from './modules/programs/programs-service.ts';

export function createServices(database: Database) {
  const programs = createProgramService(database);
  const keys = createKeyService(database);
  const accounts = createAccountService(database);
  const contacts = createContactService(database, accounts);
  const imports = createImportService(database, accounts, contacts);
  const idempotency = createIdempotencyService(database);
  const demo = createDemoService(programs, keys, imports);
  return { database, programs, keys, accounts, contacts, imports, idempotency, demo };
}

export type Services = ReturnType<typeof createServices>;
