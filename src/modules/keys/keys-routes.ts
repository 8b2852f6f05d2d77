import Type from 'typebox';
import { principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import { type Router, routeModule } from '../../http/router.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { ApiKeySchema, CreatedKeySchema, CreateKeyBody, KeyParams } from './keys-schemas.ts';
import type { ApiKeyInfo, KeyService } from './keys-service.ts';

function view(k: ApiKeyInfo) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  };
}

export const keyRoutes = routeModule({
  schemas: [ApiKeySchema],
  routes(app: Router, { audit, keys }: { audit: AuditService; keys: KeyService }): void {
    app.get(
      '/keys',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['keys'],
          summary: "The program's API keys (never their secrets)",
          response: responses({ 200: Type.Object({ data: Type.Array(Type.Ref('ApiKey')) }) }),
        },
      },
      async (request) => ({ data: (await keys.list(principal(request).programId)).map(view) }),
    );

    app.post(
      '/keys',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['keys'],
          summary: 'Create an API key for this program; the secret is in this answer only (audited)',
          headers: IdempotencyHeaders,
          body: CreateKeyBody,
          response: responses({ 201: CreatedKeySchema }),
        },
      },
      async (request, reply) => {
        const { programId, keyId } = principal(request);
        const { name, scopes } = request.body;
        const record = audit.recorder(programId, keyId, 'key.create', 'api_key');
        const { secret, key } = await keys.create(programId, name, scopes, (db, created) =>
          record(db, view(created)),
        );
        return reply.code(201).send({ secret, key: view(key) });
      },
    );

    app.delete(
      '/keys/:keyId',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['keys'],
          summary: 'Revoke an API key at once (audited)',
          headers: IdempotencyHeaders,
          params: KeyParams,
          response: responses({ 200: Type.Ref('ApiKey') }, ['not_found']),
        },
      },
      async (request) => {
        const { programId, keyId } = principal(request);
        const record = audit.recorder(programId, keyId, 'key.revoke', 'api_key');
        const revoked = await keys.revoke(programId, request.params.keyId, (db, key) =>
          record(db, view(key)),
        );
        return view(revoked);
      },
    );
  },
});
