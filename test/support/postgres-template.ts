// Vitest global setup for the postgres project: migrates a template database once per run;
// each test file then gets its own database cloned from it (see db.ts).
import pg from 'pg';
import { openDatabase } from '../../src/db/client.ts';

export const TEMPLATE = 'fidelis_test_template';

export function adminUrl(): string {
  return process.env.FIDELIS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export default async function setup(): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl()} (${(error as Error).message}). ` +
        'Start it, or set FIDELIS_TEST_DATABASE_URL; .ci/run starts the local server.',
    );
  }
  // Leftovers of an earlier, interrupted run.
  const stale = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'fidelis_t_%' or datname = $1",
    [TEMPLATE],
  );
  for (const { datname } of stale.rows)
    await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.query(`create database "${TEMPLATE}"`);
  const template = await openDatabase({ driver: 'postgres', url: urlFor(TEMPLATE), poolSize: 1 });
  await template.migrate();
  await template.close();
  await admin.end();
  return async () => {
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    await client.query(`drop database if exists "${TEMPLATE}" with (force)`);
    await client.end();
  };
}
