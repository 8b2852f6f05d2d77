// The program's background jobs over HTTP: GET /v1/jobs (state, attempts, last error), newest first.
import Type from 'typebox';
import { principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { Cursor, Limit, PageOf, Timestamp } from '../../http/schemas.ts';
import type { JobRow, JobService } from './jobs-service.ts';

const JobSchema = Type.Object({
  id: Type.String({ description: 'The job id (a UUID)' }),
  queue: Type.String({ description: 'What the job does', examples: ['webhook-delivery'] }),
  state: Type.String({
    description: 'created, retry (waiting for its next attempt), active, completed, cancelled or failed',
    examples: ['completed'],
  }),
  attempts: Type.Integer({ minimum: 0, description: 'Attempts made so far' }),
  retryLimit: Type.Integer({ minimum: 0, description: 'Retries allowed after the first attempt' }),
  createdAt: Timestamp,
  startAfter: Type.String({ format: 'date-time', description: 'Not run before this instant' }),
  startedAt: Type.Union([Timestamp, Type.Null()]),
  completedAt: Type.Union([Timestamp, Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed' }),
});

const JobsQuery = Type.Object(
  {
    queue: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

const view = (job: JobRow) => ({
  ...job,
  createdAt: job.createdAt.toISOString(),
  startAfter: job.startAfter.toISOString(),
  startedAt: job.startedAt?.toISOString() ?? null,
  completedAt: job.completedAt?.toISOString() ?? null,
});

const op = operations('jobs');

export const jobRoutes = routeModule({
  schemas: [],
  routes(app: Router, { jobs }: { jobs: JobService }): void {
    app.get(
      '/jobs',
      op('read', "The program's background jobs, newest first: state, attempts and last error", {
        querystring: JobsQuery,
        response: responses({ 200: PageOf(JobSchema) }, ['invalid_cursor']),
      }),
      async (request) => {
        const page = await jobs.list(principal(request).programId, request.query);
        return { data: page.data.map(view), nextCursor: page.nextCursor };
      },
    );
  },
});
