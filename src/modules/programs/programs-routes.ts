import Type from 'typebox';
import { principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import { type Router, routeModule } from '../../http/router.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { ProgramSchema, UpdateProgramBody } from './programs-schemas.ts';
import type { ProgramService } from './programs-service.ts';

export const programRoutes = routeModule({
  schemas: [ProgramSchema],
  routes(app: Router, { audit, programs }: { audit: AuditService; programs: ProgramService }): void {
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
      async (request) => programs.get(principal(request).programId),
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
        const { programId, keyId } = principal(request);
        const record = audit.recorder(programId, keyId, 'program.update', 'program');
        return (
          await programs.update(programId, request.body, (tx, before, after) => record(tx, after, before))
        ).after;
      },
    );
  },
});
