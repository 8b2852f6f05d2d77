// Notifications over HTTP: the mails sent (read), a contact's e-mail opt-out (write), an account's
// monthly or quarterly statement as JSON or HTML (read), and the due run (admin).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FidelisError } from '../../core/errors.ts';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { asOfOrNow, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import {
  DueRunBody,
  DueRunResult,
  MailPage,
  MailSchema,
  MailsQuery,
  OptOutParams,
  OptOutSchema,
  StatementLineSchema,
  StatementParams,
  StatementQuery,
  StatementRewardSchema,
  StatementSchema,
  StatementTierSchema,
  UnsubscribePage,
  UnsubscribeParams,
  UnsubscribeUnknown,
} from './notifications-schemas.ts';
import { type NotificationService, toMailView } from './notifications-service.ts';

const op = operations('notifications');

export const notificationRoutes = routeModule({
  schemas: [MailSchema, StatementLineSchema, StatementTierSchema, StatementRewardSchema],
  routes(app: Router, { notifications }: { notifications: NotificationService }): void {
    app.get(
      '/notifications/mails',
      op('read', 'The e-mails made for contacts, newest first: state, attempts, address, subject', {
        querystring: MailsQuery,
        response: responses({ 200: MailPage }, ['invalid_cursor']),
      }),
      async (request) => {
        const page = await notifications.listMails(principal(request).programId, request.query);
        return { data: page.data.map(toMailView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/contacts/:contactId/notification-opt-out',
      op('read', 'Whether the contact opted out of e-mail', {
        params: OptOutParams,
        response: responses({ 200: OptOutSchema }, ['contact_not_found']),
      }),
      async (request) => notifications.optOut(principal(request).programId, request.params.contactId),
    );

    app.put(
      '/contacts/:contactId/notification-opt-out',
      op('write', 'Opt the contact out of every e-mail of the program (notices and statements)', {
        params: OptOutParams,
        response: responses({ 200: OptOutSchema }, ['contact_not_found']),
      }),
      async (request) =>
        notifications.setOptOut(principal(request).programId, request.params.contactId, true, actor(request)),
    );

    app.delete(
      '/contacts/:contactId/notification-opt-out',
      op('write', 'Let the contact receive e-mail again', {
        params: OptOutParams,
        response: responses({ 200: OptOutSchema }, ['contact_not_found']),
      }),
      async (request) =>
        notifications.setOptOut(
          principal(request).programId,
          request.params.contactId,
          false,
          actor(request),
        ),
    );

    app.get(
      '/accounts/:accountId/statements/:period',
      op(
        'read',
        "An account's statement of a month or quarter: balances, earned by reason, redeemed, expired, adjusted, expiring next, tier, rewards within reach",
        {
          description:
            "Computed from the journal of the account's member wallets up to the period's end, in the program's time zone: the same ended period always gives the same figures, whatever happened since (the tier from the tier history; only the rewards within reach read the catalog as it is). format=html previews the document the statement e-mail carries (text/html), sending nothing. A period that has not ended is refused (statement_period_open); a malformed one names the field period.",
          params: StatementParams,
          querystring: StatementQuery,
          response: responses({ 200: StatementSchema }, ['account_not_found', 'statement_period_open']),
        },
      ),
      async (request, reply) => {
        const { programId } = principal(request);
        const { accountId: id, period } = request.params;
        if (request.query.format === 'html') {
          const html = await notifications.statementHtml(programId, id, period, request.query.locale);
          return reply
            .type('text/html; charset=utf-8')
            .serializer((p: unknown) => p as string)
            .send(html);
        }
        return (await notifications.statement(programId, id, period, new Date(), request.query.locale))
          .figures;
      },
    );

    app.post(
      '/notifications/due-runs',
      op(
        'admin',
        "Run the notifications due run now: expiring-soon notices and the last period's statements",
        {
          description:
            'The server runs it every minute. Lots expiring within settings.notifications.expiringWithinDays are announced once per lot (points.expiring_soon); the statements of the last month (or quarter, settings.notifications.statements.cadence) that ended before asOf are scheduled once per period and contact.',
          body: DueRunBody,
          response: responses({ 200: DueRunResult }),
        },
      ),
      async (request) =>
        notifications.runDue(principal(request).programId, asOfOrNow(request.body?.asOf), actor(request)),
    );
  },
});

/**
 * The unsubscribe link every mail carries (no login; outside /v1): GET shows the question in the
 * contact's language and changes nothing (mail scanners open links); POST, from the page's button or
 * the mail client's one-click (RFC 8058, `List-Unsubscribe=One-Click`), opts the contact out.
 */
export const unsubscribeRoutes = routeModule({
  schemas: [],
  routes(app: Router, { notifications }: { notifications: NotificationService }): void {
    const unsubscribeOp = operations('notifications');
    // What a form or a mail client posts: the body says nothing the POST itself does not.
    const asText = (_request: unknown, body: string, done: (error: null, body: string) => void) =>
      done(null, body);
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      asText,
    );
    app.addContentTypeParser(/^multipart\/form-data/, { parseAs: 'string', bodyLimit: 4096 }, asText);
    const page = (
      request: FastifyRequest,
      reply: FastifyReply,
      { html, found }: { html: string; found: boolean },
    ) => {
      // A browser gets the page that says so; any other client the problem document.
      if (!found && !(request.headers.accept ?? '').includes('text/html'))
        throw new FidelisError('unsubscribe_link_invalid');
      return reply
        .code(found ? 200 : 404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .serializer((p: unknown) => p as string)
        .send(html);
    };
    app.get(
      '/:link',
      unsubscribeOp(
        { scope: 'public', rateLimit: { max: 60, timeWindow: 60_000 } },
        "The page an e-mail's unsubscribe link opens: the question, nothing changed yet",
        {
          operationId: 'getUnsubscribePage',
          security: [],
          params: UnsubscribeParams,
          response: { ...responses({ 200: UnsubscribePage }), 404: UnsubscribeUnknown },
        },
      ),
      async (request, reply) =>
        page(request, reply, await notifications.unsubscribePage(request.params.link)),
    );
    app.post(
      '/:link',
      unsubscribeOp(
        { scope: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
        'Unsubscribe the contact an e-mail went to from every e-mail of its program (one click, RFC 8058)',
        {
          operationId: 'unsubscribe',
          security: [],
          description:
            "Sent by the page's button or by the mail client (List-Unsubscribe-Post: List-Unsubscribe=One-Click). Idempotent; audited as the contact's own act (notification_opt_out.create). The opt-out is the same as PUT /v1/contacts/{contactId}/notification-opt-out.",
          params: UnsubscribeParams,
          response: { ...responses({ 200: UnsubscribePage }), 404: UnsubscribeUnknown },
        },
      ),
      async (request, reply) => page(request, reply, await notifications.unsubscribe(request.params.link)),
    );
  },
});
