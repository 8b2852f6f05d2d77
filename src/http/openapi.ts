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

/**
 * The limits every schema states (and, for requests, enforces), where it names none of its own:
 * strings of at most 100,000 characters (a file sent as text/csv: the CSV body limit), arrays of at
 * most 10,000 items, whole numbers as int64 within JavaScript's exact range. docs/errors.md lists
 * them; a field that needs tighter bounds says so in its own schema.
 */
export const SCHEMA_LIMITS = {
  stringLength: 100_000,
  fileLength: 64 * 1024 * 1024,
  arrayItems: 10_000,
  integer: Number.MAX_SAFE_INTEGER,
} as const;

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function typesOf(node: Node): string[] {
  const t = node.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

/** Adds the default limits to a JSON schema in place (see SCHEMA_LIMITS); `file` marks a text body. */
export function limitSchema(schema: unknown, file = false, seen = new Set<unknown>()): void {
  if (!isNode(schema) || seen.has(schema)) return;
  seen.add(schema);
  const types = typesOf(schema);
  if (
    types.includes('string') &&
    schema.maxLength === undefined &&
    schema.enum === undefined &&
    schema.const === undefined
  )
    schema.maxLength = file ? SCHEMA_LIMITS.fileLength : SCHEMA_LIMITS.stringLength;
  if (types.includes('array') && schema.maxItems === undefined) schema.maxItems = SCHEMA_LIMITS.arrayItems;
  if (types.includes('integer')) {
    schema.format ??= 'int64';
    schema.minimum ??= -SCHEMA_LIMITS.integer;
    schema.maximum ??= SCHEMA_LIMITS.integer;
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains'])
    limitSchema(schema[key], false, seen);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'])
    if (Array.isArray(schema[key])) for (const s of schema[key] as unknown[]) limitSchema(s, false, seen);
  for (const key of ['properties', 'patternProperties', '$defs', 'definitions'])
    if (isNode(schema[key])) for (const s of Object.values(schema[key] as Node)) limitSchema(s, false, seen);
  if (isNode(schema.content))
    for (const [type, media] of Object.entries(schema.content as Node))
      if (isNode(media)) limitSchema(media.schema, !type.includes('json'), seen);
}

/** The onRoute part of the limits: every request part and response schema of the route. */
export function limitRoute(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema) return;
  for (const part of ['body', 'querystring', 'params', 'headers']) limitSchema(schema[part]);
  if (isNode(schema.response)) for (const r of Object.values(schema.response)) limitSchema(r);
}

const RATE_LIMIT_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: 'The browser origins allowed to read the answer (CORS_ORIGIN; * by default)',
    schema: { type: 'string', maxLength: 2000 },
  },
  'RateLimit-Limit': {
    description: 'Requests the API key may make in the current window (settings.keys.requestsPerMinute)',
    schema: { type: 'integer', format: 'int64', minimum: 0, maximum: SCHEMA_LIMITS.integer },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer', format: 'int64', minimum: 0, maximum: SCHEMA_LIMITS.integer },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window resets',
    schema: { type: 'integer', format: 'int64', minimum: 0, maximum: SCHEMA_LIMITS.integer },
  },
};

/**
 * The finished document: the rate-limit headers every answer carries (2xx and 4xx; a 429 also says
 * Retry-After), and the server the paths are relative to.
 */
export function finishDocument(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<
    string,
    Record<string, { responses?: Record<string, Node> }>
  >;
  for (const methods of Object.values(paths))
    for (const operation of Object.values(methods))
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!/^[24]/.test(status)) continue;
        response.headers = {
          ...(response.headers as Node | undefined),
          ...RATE_LIMIT_HEADERS,
          ...(status === '429' && {
            'Retry-After': {
              description: 'Seconds to wait before trying again',
              schema: { type: 'integer', format: 'int64', minimum: 0, maximum: SCHEMA_LIMITS.integer },
            },
          }),
        };
      }
  return {
    ...document,
    servers: [
      {
        url: '/',
        description: 'This server (local, staging or production: wherever it runs)',
        'x-internal': false,
      },
    ],
  };
}
