import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ListOf } from '../../http/schemas.ts';
import { EventTypeBody, EventTypeSchema } from './event-types-schemas.ts';
import type { EventTypeService } from './event-types-service.ts';

const op = operations('events');

export const eventTypeRoutes = routeModule({
  schemas: [EventTypeSchema],
  routes(app: Router, { eventTypes }: { eventTypes: EventTypeService }): void {
    app.get(
      '/event-types',
      op('read', 'Built-in event types and the ones the program registered', {
        response: responses({ 200: ListOf(Type.Ref('EventType')) }),
      }),
      async (request) => ({ data: await eventTypes.list(principal(request).programId) }),
    );

    app.post(
      '/event-types',
      op('admin', 'Register a program event type with a JSON schema for its attributes (audited)', {
        body: EventTypeBody,
        response: responses({ 201: Type.Ref('EventType') }, ['event_type_exists']),
      }),
      async (request, reply) => {
        const eventType = await eventTypes.register(
          principal(request).programId,
          request.body,
          actor(request),
        );
        return created(reply, eventType);
      },
    );
  },
});
