// Prints the OpenAPI document the server serves (on a throw-away in-memory store), keys sorted, so
// two versions can be compared with diff: `sh scripts/node.sh scripts/openapi.ts > openapi.json`.

import { createServices } from '../src/app/compose.ts';
import { buildApp } from '../src/app/http.ts';
import { openDatabase } from '../src/db/client.ts';

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        )
      : value;

const database = await openDatabase({ driver: 'pglite' });
await database.migrate();
const app = await buildApp(createServices(database));
await app.ready();
const response = await app.inject({ method: 'GET', url: '/openapi.json' });
process.stdout.write(`${JSON.stringify(sortKeys(response.json()), null, 2)}\n`);
await app.close();
await database.close();
