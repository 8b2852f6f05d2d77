import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ProgramSchema, UpdateProgramBody } from './programs-schemas.ts';
import type { ProgramService } from './programs-service.ts';

const op = operations('program');

export const programRoutes = routeModule({
  schemas: [ProgramSchema],
  routes(app: Router, { programs }: { programs: ProgramService }): void {
    app.get(
      '/program',
      op('read', "The API key's program and its settings", {
        response: responses({ 200: Type.Ref('Program') }),
      }),
      async (request) => programs.get(principal(request).programId),
    );

    app.patch(
      '/program',
      op('admin', 'Change the program settings', {
        body: UpdateProgramBody,
        response: responses({ 200: Type.Ref('Program') }, []),
      }),
      async (request) =>
        (await programs.update(principal(request).programId, request.body, actor(request))).after,
    );
  },
});
