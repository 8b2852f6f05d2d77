import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import {
  AccountPage,
  AccountParams,
  AccountSchema,
  AccountTreeNodeSchema,
  AccountTreeSchema,
  CreateAccountBody,
  CreateRelationshipBody,
  EndRelationshipBody,
  ListAccountsQuery,
  ListRelationshipsQuery,
  RelationshipParams,
  RelationshipSchema,
  UpdateAccountBody,
} from './accounts-schemas.ts';
import type { AccountService } from './accounts-service.ts';

const op = operations('accounts');

export const accountRoutes = routeModule({
  schemas: [AccountSchema, AccountTreeNodeSchema, RelationshipSchema],
  routes(app: Router, { accounts }: { accounts: AccountService }): void {
    app.post(
      '/accounts',
      op('write', 'Create an account (a member company)', {
        description:
          "With referralCode, the account is attributed to the code's referrer in the same transaction (decision 0048): the checks of POST /v1/referrals apply first, and a refusal creates nothing. The referral reads at GET /v1/referrals?referrer=.",
        body: CreateAccountBody,
        response: responses({ 201: Type.Ref('Account') }, [
          'external_id_taken',
          'parent_not_found',
          'hierarchy_too_deep',
          'referral_code_not_found',
          'referral_code_inactive',
          'referral_refused',
        ]),
      }),
      async (request, reply) => {
        const account = await accounts.create(principal(request).programId, request.body, actor(request));
        return created(reply, account, { location: `/v1/accounts/${account.id}` });
      },
    );

    app.get(
      '/accounts',
      op('read', 'List accounts, filtered, in pages', {
        querystring: ListAccountsQuery,
        response: responses({ 200: AccountPage }, ['invalid_cursor']),
      }),
      async (request) => accounts.list(principal(request).programId, request.query),
    );

    app.get(
      '/accounts/:accountId',
      op('read', 'Read an account by id or externalId', {
        params: AccountParams,
        response: responses({ 200: Type.Ref('Account') }, ['account_not_found']),
      }),
      async (request) => accounts.get(principal(request).programId, request.params.accountId),
    );

    app.patch(
      '/accounts/:accountId',
      op('write', 'Change an account; parentId moves it in the hierarchy (null detaches it)', {
        params: AccountParams,
        body: UpdateAccountBody,
        response: responses({ 200: Type.Ref('Account') }, [
          'account_not_found',
          'external_id_taken',
          'parent_not_found',
          'hierarchy_cycle',
          'hierarchy_too_deep',
        ]),
      }),
      async (request) => {
        const { programId } = principal(request);
        return (await accounts.update(programId, request.params.accountId, request.body, actor(request)))
          .after;
      },
    );

    app.get(
      '/accounts/:accountId/tree',
      op('read', "An account's place in its hierarchy: its ancestors and its subtree", {
        params: AccountParams,
        response: responses({ 200: AccountTreeSchema }, ['account_not_found']),
      }),
      async (request) => accounts.tree(principal(request).programId, request.params.accountId),
    );

    // Relationships beyond ownership (decision 0024)

    app.post(
      '/relationships',
      op('write', 'Create a relationship between accounts (manages: an agency and its client); audited', {
        body: CreateRelationshipBody,
        response: responses({ 201: Type.Ref('Relationship') }, [
          'account_not_found',
          'relationship_cycle',
          'relationship_exists',
        ]),
      }),
      async (request, reply) => {
        const r = await accounts.createRelationship(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, r, { location: `/v1/relationships?account=${r.fromAccountId}` });
      },
    );

    app.get(
      '/relationships',
      op('read', 'Relationships between accounts, by account, side, type and whether active now', {
        querystring: ListRelationshipsQuery,
        response: responses({ 200: PageOf(Type.Ref('Relationship')) }, [
          'invalid_cursor',
          'account_not_found',
        ]),
      }),
      async (request) => accounts.listRelationships(principal(request).programId, request.query),
    );

    app.post(
      '/relationships/:relationshipId/end',
      op('write', 'End a relationship, now or at a given instant (audited)', {
        params: RelationshipParams,
        body: EndRelationshipBody,
        response: responses({ 200: Type.Ref('Relationship') }, [
          'relationship_not_found',
          'relationship_ended',
        ]),
      }),
      async (request) =>
        accounts.endRelationship(
          principal(request).programId,
          request.params.relationshipId,
          request.body.endsAt,
          actor(request),
        ),
    );
  },
});
