// The operator's API (decision 0024): a key with the operator scope creates, lists, reads and archives
// the programs this Fidelis hosts and mints and revokes their keys, so one Fidelis hosts many programs.
import Type from 'typebox';
import { FidelisError } from '../../core/errors.ts';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { Cursor, Limit, PageOf } from '../../http/schemas.ts';
import { CreateProgramBody } from '../programs/programs-schemas.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { CreatedKeySchema, CreateKeyBody, OperatorKeyParams, OperatorProgramParams } from './keys-schemas.ts';
import { type KeyService, toApiKey } from './keys-service.ts';

const op = operations('operator');

const ListProgramsQuery = Type.Object(
  {
    includeArchived: Type.Optional(Type.Boolean({ description: 'Archived programs too (default false)' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const operatorRoutes = routeModule({
  schemas: [],
  routes(app: Router, { programs, keys }: { programs: ProgramService; keys: KeyService }): void {
    app.post(
      '/operator/programs',
      op('operator', 'Create a program this Fidelis hosts (audited in the new program)', {
        body: CreateProgramBody,
        response: responses({ 201: Type.Ref('Program') }),
      }),
      async (request, reply) => {
        const program = await programs.create(request.body, actor(request));
        return created(reply, program, { location: `/v1/operator/programs/${program.id}` });
      },
    );

    app.get(
      '/operator/programs',
      op('operator', 'The programs this Fidelis hosts, in id order (archived ones on request)', {
        querystring: ListProgramsQuery,
        response: responses({ 200: PageOf(Type.Ref('Program')) }, ['invalid_cursor']),
      }),
      async (request) => programs.page(request.query),
    );

    app.get(
      '/operator/programs/:programId',
      op('operator', 'A program this Fidelis hosts, archived or not', {
        params: OperatorProgramParams,
        response: responses({ 200: Type.Ref('Program') }, ['not_found']),
      }),
      async (request) => programs.get(request.params.programId, undefined),
    );

    app.post(
      '/operator/programs/:programId/archive',
      op(
        'operator',
        'Archive a program: its keys and console sessions act no more (audited); again, it answers the program as it is',
        {
          params: OperatorProgramParams,
          response: responses({ 200: Type.Ref('Program') }, ['not_found', 'own_program']),
        },
      ),
      async (request) => {
        const { programId } = request.params;
        if (programId === principal(request).programId)
          throw new FidelisError('own_program', 'An operator key cannot archive the program it belongs to');
        return programs.archive(programId, actor(request));
      },
    );

    app.get(
      '/operator/programs/:programId/keys',
      op('operator', "A program's API keys (never their secrets)", {
        params: OperatorProgramParams,
        response: responses({ 200: Type.Object({ data: Type.Array(Type.Ref('ApiKey')) }) }, ['not_found']),
      }),
      async (request) => {
        const program = await programs.get(request.params.programId, undefined);
        return { data: (await keys.list(program.id)).map(toApiKey) };
      },
    );

    app.post(
      '/operator/programs/:programId/keys',
      op(
        'operator',
        'Mint a key of a program (read, write or admin); the secret is in this answer only (audited in that program)',
        {
          params: OperatorProgramParams,
          body: CreateKeyBody,
          response: responses({ 201: CreatedKeySchema }, ['not_found', 'program_archived']),
        },
      ),
      async (request, reply) => {
        const { name, scopes } = request.body;
        const { secret, key } = await keys.mint(request.params.programId, name, scopes, actor(request));
        return created(reply, { secret, key: toApiKey(key) });
      },
    );

    app.delete(
      '/operator/programs/:programId/keys/:keyId',
      op('operator', 'Revoke a key of a program at once (audited in that program)', {
        params: OperatorKeyParams,
        response: responses({ 200: Type.Ref('ApiKey') }, ['not_found']),
      }),
      async (request) => {
        const { programId, keyId } = request.params;
        return toApiKey(await keys.revoke(programId, keyId, actor(request)));
      },
    );
  },
});
