import type { ImportService } from '../imports/imports-service.ts';
import type { KeyService } from '../keys/keys-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { demoCsv } from './demo-data.ts';

export interface DemoResult {
  programId: string;
  apiKey: string;
  accounts: number;
  contacts: number;
}

export function createDemoService(programs: ProgramService, keys: KeyService, imports: ImportService) {
  return {
    /** Creates the demo program with its accounts and contacts, and an admin key for it. */
    async load(name = 'Northwind Supply Partner Rewards'): Promise<DemoResult> {
      const program = await programs.create({
        name,
        baseCurrency: 'EUR',
        timeZone: 'Europe/Amsterdam',
        defaultLocale: 'en-GB',
      });
      const csv = demoCsv();
      const accounts = await imports.importAccounts(program.id, csv.accounts, {});
      const contacts = await imports.importContacts(program.id, csv.contacts, {});
      const { secret } = await keys.create(program.id, 'demo admin', ['admin']);
      return {
        programId: program.id,
        apiKey: secret,
        accounts: accounts.created,
        contacts: contacts.created,
      };
    },
  };
}
