// The console's API types are the typed client's (client/openapi.d.ts, generated from the served
// OpenAPI document by `npm run client`).
export type { components, operations, paths } from '../../../client/openapi';
