// The typed client's types, generated from the OpenAPI document the server serves (issue 19):
// `npm run client` rewrites client/openapi.d.ts; test/docs/client.test.ts fails when the file no
// longer matches the served document. The console imports the same types.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { createServices } from '../src/app/compose.ts';
import { buildApp } from '../src/app/http.ts';
import { openDatabase } from '../src/db/client.ts';

export const CLIENT_TYPES = join(import.meta.dirname, '..', 'client', 'openapi.d.ts');

/** A JSON value with every object's keys sorted, so that two documents compare line by line. */
export const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        )
      : value;

/** The served OpenAPI document (on a throw-away in-memory store), keys sorted. */
export async function servedDocument(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ driver: 'pglite' });
  try {
    await database.migrate();
    const app = await buildApp(createServices(database));
    try {
      await app.ready();
      return sortKeys((await app.inject({ method: 'GET', url: '/openapi.json' })).json()) as Record<
        string,
        unknown
      >;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

/** The TypeScript text of `paths`, `components` and `operations` for a document. */
export async function clientTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as never);
  return COMMENT_HEADER + astToString(ast);
}

if (import.meta.main) writeFileSync(CLIENT_TYPES, await clientTypes(await servedDocument()));
