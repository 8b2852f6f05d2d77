// Schemas of the commission sweep's routes (decision 0055): its watermark, lag and skipped events.
import Type from 'typebox';
import { Ref, Timestamp } from '../../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Array>[0]>(t: T) => Type.Union([t, Type.Null()]);

export const SweepEventSchema = Type.Object(
  {
    eventId: Type.String({ description: 'Our id of the event (evt_…)' }),
    externalId: Type.String({ description: "The client's id of the event" }),
    status: Type.String({
      description:
        'failing (the sweep stopped before it and tries it again on the next due runs) or skipped (failed maxAttempts times; the sweep went past it; an operator may retry it)',
    }),
    attempts: Type.Integer(),
    lastError: Type.String(),
    firstFailedAt: Timestamp,
    lastFailedAt: Timestamp,
    skippedAt: Nullable(Timestamp),
  },
  { $id: 'CommissionSweepEvent' },
);

export const SweepSchema = Type.Object(
  {
    sweptAt: Nullable(
      Type.String({
        format: 'date-time',
        description: 'When the last event the sweep went past was recorded (null: it has not run yet)',
      }),
    ),
    sweptEventId: Nullable(Type.String({ description: 'Our id of that event (null: none yet)' })),
    newestSettledAt: Nullable(
      Type.String({
        format: 'date-time',
        description: 'When the newest settled event of a referred account was recorded',
      }),
    ),
    lagSeconds: Nullable(
      Type.Integer({
        description:
          'How far the watermark is behind newestSettledAt, in seconds (0: caught up; null: the sweep has not run yet)',
      }),
    ),
    settleSeconds: Type.Integer({ description: 'Events younger than this wait for a later due run' }),
    maxAttempts: Type.Integer({ description: 'Failed attempts after which an event is skipped' }),
    skippedCount: Type.Integer({ description: 'Events skipped (all of them)' }),
    events: Type.Array(Type.Ref('CommissionSweepEvent'), {
      description: 'The events failing or skipped, in the order recorded (at most 100)',
    }),
  },
  { $id: 'CommissionSweep' },
);

export const SkipParams = Type.Object({ event: Ref("The skipped event (our id or the client's id)") });

export const RetryBody = Type.Object({}, { additionalProperties: false });

export const RetrySchema = Type.Object({
  eventId: Type.String(),
  externalId: Type.String(),
  lines: Type.Integer({ description: 'Commission lines (and clawbacks) written' }),
  converted: Type.Integer({ description: 'Referrals converted on the event' }),
});
