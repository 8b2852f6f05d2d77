import Type from 'typebox';
import type { FieldError } from '../../core/errors.ts';
import { actor, principal } from '../../http/auth.ts';
import { CSV_BODY_LIMIT, CSV_ERRORS, csvBody, csvFile } from '../../http/csv.ts';
import { placeFields } from '../../http/problems.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { PageOf } from '../../http/schemas.ts';
import { importEventsCsv } from './events-csv.ts';
import {
  BacktestBody,
  BacktestSchema,
  BatchResultSchema,
  EvaluationSchema,
  EventBody,
  EventImportQuery,
  EventImportReportSchema,
  EventParams,
  EventSchema,
  EventsBatchBody,
  EventsQuery,
  SimulateBody,
  SimulationSchema,
} from './events-schemas.ts';
import type { EventService } from './events-service.ts';

/** The body limit of a batch of events (16 MiB: 1,000 events of up to about 16 KiB each). */
export const EVENTS_BATCH_BODY_LIMIT = 16 * 1024 * 1024;

const ingestErrors = [
  'account_not_found',
  'contact_not_found',
  'event_type_unknown',
  'event_attributes_invalid',
  'event_id_reused',
  'event_in_future',
  'currency_unsupported',
  'amount_precision',
  'fx_rate_missing',
  'original_event_not_found',
  'return_not_allowed',
] as const;

/** The failed outcomes of a list of events name fields of the service's input: place them in the body. */
function inBody<T extends { ok: true } | { ok: false; detail: string; errors?: FieldError[] }>(
  outcomes: T[],
): T[] {
  return outcomes.map((o) => (o.ok || !o.errors ? o : { ...o, ...placeFields('body', o.detail, o.errors) }));
}

const op = operations('events');
const importsOp = operations('imports');
const rulesOp = operations('rules');

export const eventRoutes = routeModule({
  schemas: [EventBody, EvaluationSchema, EventSchema, EventImportReportSchema],
  routes(app: Router, { events }: { events: EventService }): void {
    app.post(
      '/events',
      op(
        'write',
        'Ingest an event: evaluate the rules in force at its occurredAt and credit what they award',
        {
          description:
            'The event is stored once per id with its evaluation result (which rules matched, why others did not, what each awarded, what is pending until when). ' +
            'Sending the same event again answers 200 with the first result; the same id with other content is refused (event_id_reused). ' +
            'A return (type return, references.originalEventId) takes back the share of what the original earned that its amount is of the original amount.',
          body: EventBody,
          response: responses({ 201: Type.Ref('Event'), 200: Type.Ref('Event') }, ingestErrors),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const { event, replayed } = await events.ingest(programId, request.body, actor(request));
        return created(reply, event, { location: `/v1/events/${encodeURIComponent(event.id)}`, replayed });
      },
    );

    app.post(
      '/events/batch',
      op(
        // A thousand events with items and attributes outgrow the 1 MiB every other JSON body gets.
        { scope: 'write', bodyLimit: EVENTS_BATCH_BODY_LIMIT },
        'Ingest up to 1,000 events; each gets its own result and a bad one does not sink the others',
        {
          description:
            'Good events commit together in one transaction, written in bulk and in order (a return after the events before it); a bad one is reported with its code and detail at its index and writes nothing. ' +
            'Within a batch, rules see the tiers held before the batch; upgrades the batch causes apply from the next request. ' +
            'The body may be up to 16 MiB (other JSON bodies: 1 MiB). ' +
            'Replaying the batch changes nothing and answers the same results.',
          body: EventsBatchBody,
          response: responses({ 200: BatchResultSchema }, []),
        },
      ),
      async (request) => {
        const { programId } = principal(request);
        return { results: inBody(await events.ingestBatch(programId, request.body.events, actor(request))) };
      },
    );

    app.post(
      '/imports/events',
      importsOp(
        { scope: 'write', csv: true, bodyLimit: CSV_BODY_LIMIT },
        'Import events from a CSV file: each line ingested like an event of a batch, each with its outcome',
        {
          description:
            'Send the file as the body with Content-Type: text/csv, the columns of `fidelis events import`: id, type, account, occurredAt (required), ' +
            'contact, amount, currency, items (a JSON array of line items), orderId, invoiceId, originalEventId, bookingId, contractId, ' +
            'and attr.<name> for attributes. Headers match regardless of case, spaces and underscores. ' +
            'Every row is checked first; when any row is invalid nothing is ingested (422 import_invalid_rows, each with its line and reason) unless skipInvalid=true. ' +
            'Then the events are ingested 1,000 at a time like POST /v1/events/batch: one the ingestion refuses (unknown account, no exchange rate, …) is reported ' +
            'at its line and does not stop the others. The report lists every line with its outcome. An event is ingested once per id, ' +
            'so re-sending the file is safe: the events already in answer replayed. dryRun=true writes nothing and evaluates each row like POST /v1/rules/simulate.',
          querystring: EventImportQuery,
          body: csvBody(),
          response: responses({ 200: Type.Ref('EventImportReport') }, CSV_ERRORS),
        },
      ),
      async (request) => {
        const { programId } = principal(request);
        return importEventsCsv(events, programId, csvFile(request), request.query, actor(request));
      },
    );

    app.get(
      '/events',
      op('read', 'Events, newest first, optionally of one account or type', {
        querystring: EventsQuery,
        response: responses({ 200: PageOf(Type.Ref('Event')) }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) => events.list(principal(request).programId, request.query),
    );

    app.get(
      '/events/:eventId',
      op('read', 'One event with its evaluation result (by your id or ours)', {
        params: EventParams,
        response: responses({ 200: Type.Ref('Event') }, ['event_not_found']),
      }),
      async (request) => events.get(principal(request).programId, request.params.eventId),
    );

    app.post(
      '/rules/simulate',
      rulesOp('read', 'Evaluate events against the live rules or a draft rule set, writing nothing', {
        description:
          'Each event is checked like a real one (account, currency, rates) and evaluated with the rules in force at its occurredAt, ' +
          'or with draft rules (mode add: live + drafts; replace: drafts only). Draft rules are validated like saved ones.',
        body: SimulateBody,
        response: responses({ 200: SimulationSchema }, ['rule_invalid']),
      }),
      async (request) => {
        const { events: inputs, rules, mode } = request.body;
        const draft = rules === undefined ? undefined : { rules, mode: mode ?? 'add' };
        return { results: inBody(await events.simulate(principal(request).programId, inputs, draft)) };
      },
    );

    app.post(
      '/rules/backtests',
      rulesOp('read', 'Backtest a draft rule set over the stored events of a period, writing nothing', {
        description:
          'The events that occurred in [from, to) (returns left out, at most 200,000) are evaluated again with the draft rules ' +
          '(replace: drafts only, the default; add: live rules plus drafts), each alone as /v1/rules/simulate does, and compared ' +
          'with what they were awarded when ingested: in total, per account segment, per tier held at the event, and per draft rule, ' +
          'in points, cashback and money cost.',
        body: BacktestBody,
        response: responses({ 200: BacktestSchema }, ['rule_invalid', 'backtest_too_large']),
      }),
      async (request) => {
        const { from, to, rules, mode } = request.body;
        return events.backtest(principal(request).programId, {
          from: new Date(from),
          to: new Date(to),
          rules,
          ...(mode ? { mode } : {}),
        });
      },
    );
  },
});
