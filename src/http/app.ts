// Assembles the HTTP API: conventions (errors, request ids, idempotency, auth), OpenAPI and module routes.
import { randomUUID } from 'node:crypto';
import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import ajvFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import Type from 'typebox';
import type { Services } from '../compose.ts';
import { FidelisError } from '../core/errors.ts';
import { accountRoutes } from '../modules/accounts/accounts-routes.ts';
import { AccountSchema, AccountTreeNodeSchema } from '../modules/accounts/accounts-schemas.ts';
import { auditRoutes } from '../modules/audit/audit-routes.ts';
import { contactRoutes } from '../modules/contacts/contacts-routes.ts';
import { ContactSchema } from '../modules/contacts/contacts-schemas.ts';
import { eventRoutes } from '../modules/events/events-routes.ts';
import {
  EvaluationSchema,
  EventBody,
  EventSchema,
  EventTypeSchema,
} from '../modules/events/events-schemas.ts';
import { fxRoutes } from '../modules/fx/fx-routes.ts';
import { FxRateSchema } from '../modules/fx/fx-schemas.ts';
import { importRoutes } from '../modules/imports/imports-routes.ts';
import { ImportReportSchema } from '../modules/imports/imports-schemas.ts';
import { keyRoutes } from '../modules/keys/keys-routes.ts';
import { ApiKeySchema } from '../modules/keys/keys-schemas.ts';
import { ledgerRoutes } from '../modules/ledger/ledger-routes.ts';
import { EntrySchema, WalletSchema } from '../modules/ledger/ledger-schemas.ts';
import { membershipRoutes } from '../modules/memberships/memberships-routes.ts';
import {
  EntitlementSchema,
  MembershipSchema,
  PlanSchema,
} from '../modules/memberships/memberships-schemas.ts';
import { programRoutes } from '../modules/programs/programs-routes.ts';
import { ProgramSchema } from '../modules/programs/programs-schemas.ts';
import { rewardRoutes } from '../modules/rewards/rewards-routes.ts';
import { CharitySchema, RedemptionSchema, RewardSchema } from '../modules/rewards/rewards-schemas.ts';
import { ruleRoutes } from '../modules/rules/rules-routes.ts';
import { RuleDocumentSchema, RuleSchema } from '../modules/rules/rules-schemas.ts';
import { tierRoutes } from '../modules/tiers/tiers-routes.ts';
import {
  ChangeSchema,
  LadderDocumentSchema,
  LadderSchema,
  ProgressSchema,
} from '../modules/tiers/tiers-schemas.ts';
import { registerAuth } from './auth.ts';
import { registerIdempotency } from './idempotency.ts';
import { sendProblem, toFidelisError } from './problems.ts';
import { ProblemSchema } from './schemas.ts';

export const JSON_BODY_LIMIT = 1024 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const buildAjvValidator = AjvCompiler();

/**
 * Fastify's own Ajv validators, except that request bodies are not type-coerced: query strings, path
 * params and headers are text and need coercion (`limit=2`), but a JSON body carries its own types,
 * so `{"name": 5}` is refused instead of being read as "5".
 */
const buildValidator: ValidatorFactory = (externalSchemas, options) => {
  const coercing = buildAjvValidator(externalSchemas, options);
  const strict = buildAjvValidator(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  } as typeof options);
  return (route) => (route.httpPart === 'body' ? strict : coercing)(route);
};

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  version?: string;
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
    schemaController: { compilersFactory: { buildValidator } },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
      plugins: [ajvFormats as never],
    },
  };
  const app = Fastify(serverOptions);

  for (const schema of [
    ProblemSchema,
    ProgramSchema,
    AccountSchema,
    AccountTreeNodeSchema,
    ContactSchema,
    ImportReportSchema,
    EntrySchema,
    WalletSchema,
    ApiKeySchema,
    RuleDocumentSchema,
    RuleSchema,
    EventBody,
    EvaluationSchema,
    EventSchema,
    EventTypeSchema,
    FxRateSchema,
    LadderDocumentSchema,
    LadderSchema,
    ChangeSchema,
    ProgressSchema,
    RewardSchema,
    RedemptionSchema,
    CharitySchema,
    PlanSchema,
    MembershipSchema,
    EntitlementSchema,
  ]) {
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
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Fidelis API key' } },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
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
    async (v1) => {
      registerAuth(v1, services);
      registerIdempotency(v1, services);
      programRoutes(v1, services);
      accountRoutes(v1, services);
      contactRoutes(v1, services);
      importRoutes(v1, services);
      ledgerRoutes(v1, services);
      rewardRoutes(v1, services);
      membershipRoutes(v1, services);
      auditRoutes(v1, services);
      keyRoutes(v1, services);
      fxRoutes(v1, services);
      ruleRoutes(v1, services);
      eventRoutes(v1, services);
      tierRoutes(v1, services);
    },
    { prefix: '/v1' },
  );

  return app;
}
