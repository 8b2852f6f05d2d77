// Assembles the HTTP API: conventions (errors, request ids, idempotency, auth), OpenAPI and module routes.
import { randomUUID } from 'node:crypto';
import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import cors from '@fastify/cors';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import scalar from '@scalar/fastify-api-reference';
import ajvFormats from 'ajv-formats';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import Type from 'typebox';
import { FidelisError } from '../core/errors.ts';
import { csvBodies } from '../http/csv.ts';
import { frameworkErrors, rejectNulCharacters, strictJsonBodies } from '../http/edge.ts';
import { documentRoute, finishDocument, limitRoute, limitSchema } from '../http/openapi.ts';
import { sendProblem, toFidelisError } from '../http/problems.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { accountRoutes } from '../modules/accounts/accounts-routes.ts';
import { auditRoutes } from '../modules/audit/audit-routes.ts';
import { contactRoutes } from '../modules/contacts/contacts-routes.ts';
import { engagementRoutes } from '../modules/engagement/engagement-routes.ts';
import { eventTypeRoutes } from '../modules/event-types/event-types-routes.ts';
import { eventRoutes } from '../modules/events/events-routes.ts';
import { fxRoutes } from '../modules/fx/fx-routes.ts';
import { idempotentWrites } from '../modules/idempotency/idempotency-plugin.ts';
import { importRoutes } from '../modules/imports/imports-routes.ts';
import { exportRoutes, insightRoutes, surveyLinkRoutes } from '../modules/insight/insight-routes.ts';
import { jobRoutes } from '../modules/jobs/jobs-routes.ts';
import { operatorRoutes } from '../modules/keys/keys-operator-routes.ts';
import { authenticateKeys, limitRequests } from '../modules/keys/keys-plugin.ts';
import { keyRoutes } from '../modules/keys/keys-routes.ts';
import { ledgerProgramRoutes } from '../modules/ledger/ledger-program-routes.ts';
import { ledgerRoutes } from '../modules/ledger/ledger-routes.ts';
import { membershipRoutes } from '../modules/memberships/memberships-routes.ts';
import { notificationRoutes, unsubscribeRoutes } from '../modules/notifications/notifications-routes.ts';
import { partnerRoutes } from '../modules/partners/partners-routes.ts';
import { portalPageRoutes } from '../modules/portal/portal-pages-routes.ts';
import { portalMembers } from '../modules/portal/portal-plugin.ts';
import { portalMemberRoutes, portalRoutes } from '../modules/portal/portal-routes.ts';
import { programRoutes } from '../modules/programs/programs-routes.ts';
import { cashbackRoutes } from '../modules/rewards/cashback-routes.ts';
import { redemptionRoutes } from '../modules/rewards/redemptions-routes.ts';
import { rewardRoutes } from '../modules/rewards/rewards-routes.ts';
import { ruleRoutes } from '../modules/rules/rules-routes.ts';
import { tierRoutes } from '../modules/tiers/tiers-routes.ts';
import { sessionPrincipal } from '../modules/users/users-plugin.ts';
import { consoleSessionRoutes, userRoutes } from '../modules/users/users-routes.ts';
import { webhookRoutes } from '../modules/webhooks/webhooks-routes.ts';
import type { Services } from './compose.ts';
import { serveConsole, servePortal } from './console.ts';

/**
 * Every module's routes, in the order their shared schemas appear in /openapi.json. Each receives
 * the whole service bag but its type admits only the services the module names.
 */
const ROUTE_MODULES = [
  programRoutes,
  accountRoutes,
  contactRoutes,
  importRoutes,
  ledgerRoutes,
  ledgerProgramRoutes,
  keyRoutes,
  userRoutes,
  operatorRoutes,
  eventTypeRoutes,
  ruleRoutes,
  eventRoutes,
  fxRoutes,
  tierRoutes,
  rewardRoutes,
  redemptionRoutes,
  cashbackRoutes,
  membershipRoutes,
  engagementRoutes,
  insightRoutes,
  exportRoutes,
  auditRoutes,
  jobRoutes,
  webhookRoutes,
  portalRoutes,
  notificationRoutes,
  partnerRoutes,
] as const;

export const JSON_BODY_LIMIT = 1024 * 1024;

/** What `GET /` answers: where to go from here. */
const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fidelis</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Fidelis</h1>
<p>Loyalty and rewards for business-to-business programs. This server speaks the Fidelis API.</p>
<ul>
<li><a href="/console/">Console</a> (sign in to run a program)</li>
<li><a href="/docs">API reference</a> (every operation, with examples)</li>
<li><a href="/openapi.json">OpenAPI document</a> (for generated clients)</li>
<li><a href="/health">Health</a> and <a href="/ready">readiness</a></li>
</ul>
<p>Every call under <code>/v1</code> needs an API key: <code>Authorization: Bearer &lt;key&gt;</code>.</p>
</body></html>
`;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const buildAjvValidator = AjvCompiler();

type Compiled = ((data: unknown) => unknown) & { errors?: unknown };

/**
 * Compiles on first use instead of at start-up (AppOptions.schemas 'lazy', for tests that build
 * the app hundreds of times and call a handful of routes). Fastify reads a validator's `errors`
 * after calling it, so the wrapper passes them on.
 */
function lazily(compile: () => Compiled): Compiled {
  let compiled: Compiled | undefined;
  const run: Compiled = (data) => {
    compiled ??= compile();
    const result = compiled(data);
    run.errors = compiled.errors;
    return result;
  };
  return run;
}

/**
 * Fastify's own Ajv validators, except that request bodies are not type-coerced: query strings, path
 * params and headers are text and need coercion (`limit=2`), but a JSON body carries its own types,
 * so `{"name": 5}` is refused instead of being read as "5".
 */
const validatorFactory =
  (lazy: boolean): ValidatorFactory =>
  (externalSchemas, options) => {
    const coercing = buildAjvValidator(externalSchemas, options);
    const strict = buildAjvValidator(externalSchemas, {
      ...options,
      customOptions: { ...options?.customOptions, coerceTypes: false },
    } as typeof options);
    return (route) => {
      const compile = () => (route.httpPart === 'body' ? strict : coercing)(route) as Compiled;
      return (lazy ? lazily(compile) : compile()) as ReturnType<ReturnType<ValidatorFactory>>;
    };
  };

/**
 * Response serializers compiled once per distinct schema: every route answers the same problem
 * schema for each of its error statuses, and Fastify's own compiler builds one serializer per route
 * and status (re-reading every shared schema each time) — most of the server's start-up.
 */
const selectSerializer = SerializerSelector();
const serializerFactory =
  (lazy: boolean): typeof selectSerializer =>
  (externalSchemas, options) => {
    const compile = selectSerializer(externalSchemas, options);
    const compiled = new Map<string, ReturnType<typeof compile>>();
    const once = (route: Parameters<typeof compile>[0]) => {
      const key = JSON.stringify(route.schema);
      let serialize = compiled.get(key);
      if (!serialize) {
        serialize = compile(route);
        compiled.set(key, serialize);
      }
      return serialize;
    };
    return (route) =>
      lazy ? (lazily(() => once(route) as Compiled) as ReturnType<typeof compile>) : once(route);
  };

/**
 * No info lines per request on the hot path (decision 0012): Fastify's two JSON lines per request
 * (`incoming request`, `request completed`) cost more than some requests do. A request is logged
 * once, at debug, when it completes; a request that failed is logged as Fastify always does.
 */
class QuietRequests extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error) super.requestCompleted(error, request, reply, metadata);
    else reply.log.debug({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** CORS: '*' (default), 'null' (no browser origin), or the allowed origins. */
  corsOrigin?: '*' | 'null' | string[];
  version?: string;
  /**
   * 'eager' (default): every request validator and response serializer is compiled at start-up, so
   * a bad schema stops the server before it listens. 'lazy': each is compiled on its first request.
   */
  schemas?: 'eager' | 'lazy';
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const serverOptions: FastifyServerOptions = {
    logger: options.logger ?? false,
    bodyLimit: JSON_BODY_LIMIT,
    // false: Fastify would otherwise take any x-request-id as is; genReqId reads it and keeps only a sane one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${randomUUID()}`;
    },
    return503OnClosing: true,
    logController: new QuietRequests(),
    frameworkErrors,
    schemaController: {
      compilersFactory: {
        buildValidator: validatorFactory(options.schemas === 'lazy'),
        buildSerializer: serializerFactory(options.schemas === 'lazy'),
      },
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
      plugins: [ajvFormats as never],
    },
  };
  const app = Fastify(serverOptions);

  app.addHook('onRoute', (route) => {
    documentRoute(route);
    limitRoute(route);
  });
  // Browsers may call the API from the configured origins (API keys travel in a header, not a cookie).
  await app.register(cors, {
    origin:
      options.corsOrigin === undefined || options.corsOrigin === '*'
        ? '*'
        : options.corsOrigin === 'null'
          ? false
          : options.corsOrigin,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: [
      'location',
      'x-request-id',
      'idempotent-replayed',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
      'retry-after',
    ],
    maxAge: 600,
  });
  // Every route is rate-limited (per API key under /v1, per client address elsewhere).
  await limitRequests(app, services);
  strictJsonBodies(app, JSON_BODY_LIMIT);
  // Fastify reads text/plain by default; no route takes it, so it answers 415 like any other type.
  app.removeContentTypeParser('text/plain');
  rejectNulCharacters(app);
  for (const schema of [
    ProblemSchema,
    ...ROUTE_MODULES.flatMap((m) => m.schemas),
    ...consoleSessionRoutes.schemas,
    ...portalMemberRoutes.schemas,
    ...portalPageRoutes.schemas,
  ]) {
    limitSchema(schema);
    app.addSchema(schema);
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toFidelisError(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, problem);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new FidelisError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fidelis API',
        version: options.version ?? '0.1.0',
        description:
          'Loyalty and rewards for business-to-business programs. Every /v1 call acts for the program of its API key. ' +
          'Errors are RFC 9457 problem documents with a stable `code` (see docs/errors.md).',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A Fidelis API key' },
          consoleSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'fidelis_session',
            description:
              'The console session cookie (set by POST /console/session); a state-changing request also sends its X-CSRF-Token header',
          },
          portalSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'fidelis_portal',
            description:
              "The member portal's session cookie (set by POST /portal/api/session from a one-time link); a state-changing request also sends its X-CSRF-Token header",
          },
        },
      },
      security: [{ apiKey: [] }],
    },
    transformObject: (document) =>
      finishDocument(('openapiObject' in document ? document.openapiObject : {}) as Record<string, unknown>),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(LANDING),
  );
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', title: 'Fidelis API reference' },
  });

  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the store answers',
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ready'), store: Type.String() }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (request, reply) => {
      if (await services.database.ping())
        return { status: 'ready' as const, store: services.database.driver };
      return sendProblem(request, reply, new FidelisError('store_unavailable'));
    },
  );

  await app.register(
    async (instance) => {
      const v1 = instance.withTypeProvider<TypeBoxTypeProvider>();
      authenticateKeys(v1, { ...services, sessionPrincipal: sessionPrincipal(services.users) });
      idempotentWrites(v1, services);
      csvBodies(v1);
      for (const module of ROUTE_MODULES) module.routes(v1, services);
    },
    { prefix: '/v1' },
  );
  await app.register(
    async (instance) =>
      consoleSessionRoutes.routes(instance.withTypeProvider<TypeBoxTypeProvider>(), services),
    { prefix: '/console' },
  );
  await app.register(
    async (instance) => surveyLinkRoutes.routes(instance.withTypeProvider<TypeBoxTypeProvider>(), services),
    { prefix: '/surveys' },
  );
  await app.register(
    async (instance) => unsubscribeRoutes.routes(instance.withTypeProvider<TypeBoxTypeProvider>(), services),
    { prefix: '/unsubscribe' },
  );
  await app.register(
    async (instance) => {
      portalMembers(instance, services.portal);
      portalMemberRoutes.routes(instance.withTypeProvider<TypeBoxTypeProvider>(), services);
      portalPageRoutes.routes(instance.withTypeProvider<TypeBoxTypeProvider>(), services);
    },
    { prefix: '/portal/api' },
  );
  await serveConsole(app);
  await servePortal(app);

  return app;
}
