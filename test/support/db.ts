// A fresh, migrated store for one test file, on the driver the Vitest project names.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { atFileEnd } from './file-end.ts';
import { adminUrl, urlFor } from './postgres-template.ts';

export type TestDriver = 'pglite' | 'postgres';

export function testDriver(): TestDriver {
  const driver = process.env.FIDELIS_TEST_DRIVER;
  if (driver !== 'pglite' && driver !== 'postgres') {
    throw new Error('FIDELIS_TEST_DRIVER must be pglite or postgres (the Vitest projects set it)');
  }
  return driver;
}

async function createDatabaseFromTemplate(name: string, template: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    // Two clones of one template at the same instant can collide; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}

/** Opens a fresh store for this test file and closes (and drops) it after the file. */
export async function freshDatabase(): Promise<Database> {
  if (testDriver() === 'pglite') {
    // The run's migrated store (pglite-template.ts), loaded rather than built again.
    const dump = new Blob([readFileSync(inject('pgliteTemplate'))]);
    const database = await openDatabase({ driver: 'pglite', client: new PGlite({ loadDataDir: dump }) });
    atFileEnd(() => database.close());
    return database;
  }
  return (await freshPostgres(20)).database;
}

/**
 * A fresh PostgreSQL database cloned from the run's migrated template, with its URL (for a child
 * process to connect to); closed and dropped after the file.
 */
export async function freshPostgres(poolSize: number): Promise<{ url: string; database: Database }> {
  const template = inject('pgTemplate');
  // The run's pid is in the template's name; clones carry it too, for the stale-database sweep.
  const runPid = template.split('_')[2];
  const name = `fidelis_t_${runPid}_${randomBytes(6).toString('hex')}`;
  await createDatabaseFromTemplate(name, template);
  const url = urlFor(name);
  const database = await openDatabase({ driver: 'postgres', url, poolSize });
  atFileEnd(async () => {
    await database.close();
    await dropDatabase(name);
  });
  return { url, database };
}
