// @fidelis/client: a typed client for the Fidelis API (issue 19). The types come from the OpenAPI
// document the server serves (`npm run client` regenerates openapi.d.ts; a test fails when they
// differ); requests go through openapi-fetch, so every path, parameter, body and answer is typed.
//
//   const fidelis = createFidelisClient({ baseUrl: 'http://localhost:3000', apiKey });
//   const { data, error } = await fidelis.POST('/v1/ledger/credits', {
//     params: { header: { 'idempotency-key': 'order-1001' } },
//     body: { account: 'CRM-0001', amount: 500, reasonCode: 'purchase', explanation: 'Order 1001' },
//   });
//   // error is the API's RFC 9457 problem (title, status, code, detail, errors) when refused.
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './openapi.d.ts';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type FidelisClient = Client<paths>;

export interface FidelisClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where Fidelis listens, e.g. `https://loyalty.example.com` (no trailing `/v1`). */
  baseUrl: string;
  /** A program API key (`fid_…`), sent as a bearer token. */
  apiKey: string;
}

/** A client for one program's API key; pass `fetch` in the options to use another implementation. */
export function createFidelisClient({
  baseUrl,
  apiKey,
  headers,
  ...rest
}: FidelisClientOptions): FidelisClient {
  return createClient<paths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(headers as Record<string, string> | undefined), authorization: `Bearer ${apiKey}` },
  });
}
