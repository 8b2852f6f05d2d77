// Vitest global setup for the postgres project: migrates a template database once per run;
// each test file then gets its own database cloned from it (see db.ts). Every name carries the
// pid of the run, so several runs on one server never touch each other's databases.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

export function adminUrl(): string {
  return process.env.FIDELIS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl()} (${(error as Error).message}). ` +
        'Start it, or set FIDELIS_TEST_DATABASE_URL; .ci/run starts the local server.',
    );
  }
  // Leftovers of earlier runs that died before cleaning up.
  const stale = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname ~ '^fidelis_t[a-z]*_[0-9]+_'",
  );
  for (const { datname } of stale.rows) {
    const pid = Number(datname.split('_')[2]);
    if (!alive(pid)) await admin.query(`drop database if exists "${datname}" with (force)`);
  }
  const template = `fidelis_tpl_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`create database "${template}"`);
  const database = await openDatabase({ driver: 'postgres', url: urlFor(template), poolSize: 1 });
  await database.migrate();
  await database.close();
  await admin.end();
  project.provide('pgTemplate', template);
  return async () => {
    const client = new pg.Client({ connectionString: adminUrl() });
    await client.connect();
    await client.query(`drop database if exists "${template}" with (force)`);
    await client.end();
  };
}
