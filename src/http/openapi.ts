// What every operation of the OpenAPI document carries, added to each route as it is registered:
// a stable camelCase operationId derived from its method and path (unless the route names one), and
// the problem statuses the server's own machinery can answer on it (limits, media types, rate
// limits, idempotency), so the document lists every status the server sends.
import type { RouteOptions } from 'fastify';
import Type from 'typebox';
import { ERROR_CATALOG, type ErrorCode } from '../core/errors.ts';

const problem = {
  description: 'Problem document (application/problem+json)',
  content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
};

const VERBS: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'replace',
  PATCH: 'update',
  DELETE: 'delete',
};

/** Operations whose derived name would read badly. */
const NAMED: Record<string, string> = {
  'GET /v1/audit': 'listAuditEntries',
  'GET /v1/reports/liability': 'getLiabilityReport',
  'POST /v1/imports/accounts': 'importAccounts',
  'POST /v1/imports/contacts': 'importContacts',
  'POST /v1/imports/events': 'importEvents',
  'POST /v1/fx-rates/import': 'importFxRates',
  'POST /v1/rewards/:rewardId/codes': 'importRewardCodes',
  'POST /v1/rules/simulate': 'simulateRules',
  'POST /v1/events/batch': 'createEventBatch',
  'POST /v1/tier-ladders/:ladderId/metric-values': 'recordTierMetricValues',
};

const camel = (words: string[]) =>
  words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');

const singular = (word: string) =>
  word.endsWith('ies')
    ? `${word.slice(0, -3)}y`
    : word.endsWith('s') && !word.endsWith('ss')
      ? word.slice(0, -1)
      : word;

/**
 * `GET /v1/accounts` → listAccounts, `GET /v1/accounts/:accountId` → getAccount,
 * `POST /v1/redemptions/:redemptionId/approve` → approveRedemption,
 * `GET /v1/accounts/:accountId/wallets/:unit/history` → getAccountWalletHistory.
 */
export function operationIdOf(method: string, url: string): string {
  const parts = url
    .replace(/^\/v1\//, '/')
    .split('/')
    .filter(Boolean);
  const words: string[] = [];
  let endsWithParam = false;
  parts.forEach((part, i) => {
    if (part.startsWith(':')) {
      endsWithParam = true;
      return;
    }
    endsWithParam = false;
    const pieces = part.split(/[-_.]/).filter(Boolean);
    const nextIsParam = parts[i + 1]?.startsWith(':') ?? false;
    // A collection followed by an id names one item.
    if (nextIsParam) pieces[pieces.length - 1] = singular(pieces[pieces.length - 1]!);
    words.push(...pieces.map((p) => p.toLowerCase()));
  });
  const last = parts[parts.length - 1] ?? '';
  const named = NAMED[`${method} ${url}`];
  if (named) return named;
  // POST …/{id}/approve: the last word is a verb (a plural noun there names a collection instead).
  const action =
    !endsWithParam &&
    parts.length >= 2 &&
    parts[parts.length - 2]!.startsWith(':') &&
    method === 'POST' &&
    !last.endsWith('s');
  if (action) {
    const verb = words.pop()!;
    return camel([verb, ...words]);
  }
  const isCollection = !endsWithParam && method === 'GET' && last.endsWith('s') && !last.startsWith(':');
  if (isCollection) return camel(['list', ...words]);
  if (method === 'POST' && !endsWithParam) {
    const noun = words.pop()!;
    return camel(['create', ...words, singular(noun)]);
  }
  return camel([VERBS[method] ?? method.toLowerCase(), ...words]);
}

function add(responses: Record<string, unknown>, codes: ErrorCode[]): void {
  for (const code of codes) responses[ERROR_CATALOG[code].status] ??= problem;
}

/** The onRoute hook: operationId and the statuses every /v1 operation of its kind can answer. */
export function documentRoute(route: RouteOptions): void {
  const schema = route.schema as
    | {
        hide?: boolean;
        operationId?: string;
        response?: Record<string, unknown>;
        body?: unknown;
        params?: unknown;
      }
    | undefined;
  if (!schema || schema.hide) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const method = String(methods[0]).toUpperCase();
  if (method === 'HEAD') return;
  schema.operationId ??= operationIdOf(method, route.url);
  if (!route.url.startsWith('/v1/') || !schema.response) return;
  add(schema.response, ['rate_limited']);
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
    add(schema.response, [
      'idempotency_key_reused',
      'idempotency_key_in_flight',
      'payload_too_large',
      'unsupported_media_type',
    ]);
}
