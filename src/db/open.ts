import type { Config } from '../config.ts';
import { type Database, openDatabase } from './client.ts';

/** The store the configuration names: PostgreSQL when DATABASE_URL is set, else embedded PGlite in the data dir. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.databaseUrl
    ? openDatabase({ driver: 'postgres', url: config.databaseUrl })
    : openDatabase({ driver: 'pglite', dataDir: config.dataDir });
}
