import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../compose.ts';
import { principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import {
  AccountPage,
  AccountParams,
  AccountTreeSchema,
  CreateAccountBody,
  type CreateAccountInput,
  type ListAccountsInput,
  ListAccountsQuery,
  UpdateAccountBody,
  type UpdateAccountInput,
} from './accounts-schemas.ts';

type Params = { accountId: string };
const idem = ['idempotency_key_reused', 'idempotency_key_in_flight'] as const;

export function accountRoutes(app: FastifyInstance, services: Services): void {
  app.post(
    '/accounts',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account (a member company)',
        headers: IdempotencyHeaders,
        body: CreateAccountBody,
        response: responses({ 201: Type.Ref('Account') }, [
          'external_id_taken',
          'parent_not_found',
          'hierarchy_too_deep',
          ...idem,
        ]),
      },
    },
    async (request, reply) => {
      const account = await services.accounts.create(
        principal(request).programId,
        request.body as CreateAccountInput,
      );
      return reply.code(201).header('location', `/v1/accounts/${account.id}`).send(account);
    },
  );

  app.get(
    '/accounts',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['accounts'],
        summary: 'List accounts, filtered, in pages',
        querystring: ListAccountsQuery,
        response: responses({ 200: AccountPage }, ['invalid_cursor']),
      },
    },
    async (request) =>
      services.accounts.list(principal(request).programId, request.query as ListAccountsInput),
  );

  app.get(
    '/accounts/:accountId',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['accounts'],
        summary: 'Read an account by id or externalId',
        params: AccountParams,
        response: responses({ 200: Type.Ref('Account') }, ['account_not_found']),
      },
    },
    async (request) =>
      services.accounts.get(principal(request).programId, (request.params as Params).accountId),
  );

  app.patch(
    '/accounts/:accountId',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['accounts'],
        summary: 'Change an account; parentId moves it in the hierarchy (null detaches it)',
        headers: IdempotencyHeaders,
        params: AccountParams,
        body: UpdateAccountBody,
        response: responses({ 200: Type.Ref('Account') }, [
          'account_not_found',
          'external_id_taken',
          'parent_not_found',
          'hierarchy_cycle',
          'hierarchy_too_deep',
          ...idem,
        ]),
      },
    },
    async (request) => {
      const { programId } = principal(request);
      const params = request.params as Params;
      return (await services.accounts.update(programId, params.accountId, request.body as UpdateAccountInput))
        .after;
    },
  );

  app.get(
    '/accounts/:accountId/tree',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['accounts'],
        summary: "An account's place in its hierarchy: its ancestors and its subtree",
        params: AccountParams,
        response: responses({ 200: AccountTreeSchema }, ['account_not_found']),
      },
    },
    async (request) =>
      services.accounts.tree(principal(request).programId, (request.params as Params).accountId),
  );
}
