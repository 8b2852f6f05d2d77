// Webhooks over HTTP (admin scope to manage endpoints; read to see messages and the delivery log).
import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, dateOf, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { MESSAGE_DESCRIPTIONS } from './webhooks-catalogue.ts';
import {
  AttemptPage,
  AttemptsQuery,
  CreateWebhookEndpointBody,
  EndpointPage,
  EndpointParams,
  MessagePage,
  MessagesQuery,
  MessageTypesSchema,
  PageQuery,
  ReplayBody,
  RotateSecretBody,
  UpdateWebhookEndpointBody,
  WebhookEndpointSchema,
  WebhookEndpointWithSecret,
} from './webhooks-schemas.ts';
import type { WebhookService } from './webhooks-service.ts';

const op = operations('webhooks');

export const webhookRoutes = routeModule({
  schemas: [WebhookEndpointSchema],
  routes(app: Router, { webhooks }: { webhooks: WebhookService }): void {
    app.get(
      '/webhook-event-types',
      op('read', 'The catalogue of webhook message types', {
        response: responses({ 200: MessageTypesSchema }),
      }),
      async () => ({
        data: Object.entries(MESSAGE_DESCRIPTIONS).map(([type, description]) => ({ type, description })),
      }),
    );

    app.post(
      '/webhook-endpoints',
      op('admin', 'Add a webhook endpoint; its signing secret is in this answer only', {
        body: CreateWebhookEndpointBody,
        response: responses({ 201: WebhookEndpointWithSecret }),
      }),
      async (request, reply) => {
        const endpoint = await webhooks.create(principal(request).programId, request.body, actor(request));
        return created(reply, endpoint, { location: `/v1/webhook-endpoints/${endpoint.id}` });
      },
    );

    app.get(
      '/webhook-endpoints',
      op('admin', "The program's webhook endpoints", {
        querystring: PageQuery,
        response: responses({ 200: EndpointPage }, ['invalid_cursor']),
      }),
      async (request) => webhooks.list(principal(request).programId, request.query),
    );

    app.get(
      '/webhook-endpoints/:endpointId',
      op('admin', 'Read a webhook endpoint', {
        params: EndpointParams,
        response: responses({ 200: Type.Ref('WebhookEndpoint') }, ['webhook_endpoint_not_found']),
      }),
      async (request) => webhooks.get(principal(request).programId, request.params.endpointId),
    );

    app.patch(
      '/webhook-endpoints/:endpointId',
      op('admin', 'Change a webhook endpoint: URL, message types, description, enabled', {
        params: EndpointParams,
        body: UpdateWebhookEndpointBody,
        response: responses({ 200: Type.Ref('WebhookEndpoint') }, ['webhook_endpoint_not_found']),
      }),
      async (request) =>
        webhooks.update(
          principal(request).programId,
          request.params.endpointId,
          request.body,
          actor(request),
        ),
    );

    app.post(
      '/webhook-endpoints/:endpointId/rotate-secret',
      op('admin', 'A new signing secret (shown once); the previous one keeps signing during the overlap', {
        params: EndpointParams,
        body: RotateSecretBody,
        response: responses({ 200: WebhookEndpointWithSecret }, ['webhook_endpoint_not_found']),
      }),
      async (request) =>
        webhooks.rotateSecret(
          principal(request).programId,
          request.params.endpointId,
          request.body.overlapSeconds ?? 86_400,
          actor(request),
        ),
    );

    app.post(
      '/webhook-endpoints/:endpointId/replay',
      op('admin', 'Send one message, or the messages of a time range, to the endpoint again', {
        params: EndpointParams,
        body: ReplayBody,
        response: responses({ 202: Type.Object({ replayed: Type.Integer({ minimum: 0 }) }) }, [
          'webhook_endpoint_not_found',
          'webhook_message_not_found',
        ]),
      }),
      async (request, reply) => {
        const body = request.body;
        const result = await webhooks.replay(
          principal(request).programId,
          request.params.endpointId,
          {
            ...(body.messageId ? { messageId: body.messageId } : {}),
            ...(body.since ? { since: dateOf(body.since)! } : {}),
            ...(body.until ? { until: dateOf(body.until)! } : {}),
          },
          actor(request),
        );
        return reply.code(202).send(result);
      },
    );

    app.get(
      '/webhook-endpoints/:endpointId/attempts',
      op('admin', 'The delivery log of an endpoint, newest first: status, latency, response', {
        params: EndpointParams,
        querystring: AttemptsQuery,
        response: responses({ 200: AttemptPage }, ['webhook_endpoint_not_found', 'invalid_cursor']),
      }),
      async (request) =>
        webhooks.attempts(principal(request).programId, request.params.endpointId, request.query),
    );

    app.get(
      '/webhook-messages',
      op('admin', 'The messages written for webhooks (the outbox), newest first', {
        querystring: MessagesQuery,
        response: responses({ 200: MessagePage }, ['invalid_cursor']),
      }),
      async (request) => webhooks.messages(principal(request).programId, request.query),
    );
  },
});
