import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf } from '../../http/schemas.ts';
import { ApiKeySchema, CreatedKeySchema, CreateKeyBody, KeyParams } from './keys-schemas.ts';
import { type KeyService, toApiKey } from './keys-service.ts';

const op = operations('keys');

export const keyRoutes = routeModule({
  schemas: [ApiKeySchema],
  routes(app: Router, { keys }: { keys: KeyService }): void {
    app.get(
      '/keys',
      op('admin', "The program's API keys (never their secrets)", {
        response: responses({ 200: ListOf(Type.Ref('ApiKey')) }),
      }),
      async (request) => ({ data: (await keys.list(principal(request).programId)).map(toApiKey) }),
    );

    app.post(
      '/keys',
      op('admin', 'Create an API key for this program; the secret is in this answer only (audited)', {
        body: CreateKeyBody,
        response: responses({ 201: CreatedKeySchema }),
      }),
      async (request, reply) => {
        const { name, scopes } = request.body;
        const { secret, key } = await keys.create(principal(request).programId, name, scopes, actor(request));
        return created(reply, { secret, key: toApiKey(key) });
      },
    );

    app.delete(
      '/keys/:keyId',
      op('admin', 'Revoke an API key at once (audited)', {
        params: KeyParams,
        response: responses({ 200: Type.Ref('ApiKey') }, ['not_found']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return toApiKey(await keys.revoke(programId, request.params.keyId, actor(request)));
      },
    );
  },
});
