import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../compose.ts';
import { principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import { UpdateProgramBody } from './programs-schemas.ts';

export function programRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/program',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['program'],
        summary: "The API key's program and its settings",
        response: responses({ 200: Type.Ref('Program') }),
      },
    },
    async (request) => services.programs.get(principal(request).programId),
  );

  app.patch(
    '/program',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['program'],
        summary: 'Change the program settings',
        headers: IdempotencyHeaders,
        body: UpdateProgramBody,
        response: responses({ 200: Type.Ref('Program') }, [
          'idempotency_key_reused',
          'idempotency_key_in_flight',
        ]),
      },
    },
    async (request) => {
      const body = request.body as Type.Static<typeof UpdateProgramBody>;
      const { programId, keyId } = principal(request);
      const audit = services.audit.recorder(programId, keyId, 'program.update', 'program');
      return (
        await services.programs.update(programId, body, (tx, before, after) => audit(tx, after, before))
      ).after;
    },
  );
}
