// The audit log over HTTP: GET /v1/audit, filtered and paged, newest first (admin scope).
import Type from 'typebox';
import { principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { dateOf, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { Cursor, Limit, PageOf, Timestamp } from '../../http/schemas.ts';
import type { AuditService } from './audit-service.ts';

const AuditEntrySchema = Type.Object({
  id: Type.String(),
  actor: Type.String({
    description:
      'Who made the change: a console user (usr_…), an API key id (key_…), cli for the command line, or job:<name> for the server',
    examples: ['key_01JD3Q9W0X4Y5Z6A7B8C9D0E1F', 'cli', 'job:scheduler'],
  }),
  actorName: Type.Union(
    [Type.String({ description: "A console user actor's name (or e-mail)" }), Type.Null()],
    { description: 'The console user by name (or e-mail) when the actor is one (usr_…); null otherwise' },
  ),
  action: Type.String({ examples: ['program.update', 'ledger.adjust', 'account.create', 'import.accounts'] }),
  resourceType: Type.String(),
  resourceId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  at: Timestamp,
});

const AuditQuery = Type.Object(
  {
    resourceType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    resourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

const op = operations('audit');

export const auditRoutes = routeModule({
  schemas: [],
  routes(app: Router, { audit }: { audit: AuditService }): void {
    app.get(
      '/audit',
      op('admin', 'Every write of the program, newest first: who, what, when, before and after', {
        querystring: AuditQuery,
        response: responses({ 200: PageOf(AuditEntrySchema) }, ['invalid_cursor']),
      }),
      async (request) => {
        const q = request.query;
        return audit.list(principal(request).programId, {
          ...q,
          from: dateOf(q.from),
          to: dateOf(q.to),
        });
      },
    );
  },
});
