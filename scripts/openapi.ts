// Prints the OpenAPI document the server serves (on a throw-away in-memory store), keys sorted, so
// two versions can be compared with diff: `sh scripts/node.sh scripts/openapi.ts > openapi.json`.
import { servedDocument } from './client.ts';

process.stdout.write(`${JSON.stringify(await servedDocument(), null, 2)}\n`);
