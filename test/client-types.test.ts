// The typed client's types (client/openapi.d.ts) must be what the served OpenAPI document generates
// today: a route or schema changed without `npm run client` fails here.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CLIENT_TYPES, clientTypes, servedDocument } from '../scripts/client.ts';

it('client/openapi.d.ts matches the served OpenAPI document (run `npm run client` after an API change)', async () => {
  const fresh = await clientTypes(await servedDocument());
  const kept = readFileSync(CLIENT_TYPES, 'utf8');
  expect(kept === fresh, 'client/openapi.d.ts is stale: run `npm run client`').toBe(true);
}, 120_000);
