import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { responses } from '../../http/responses.ts';
import { created, operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { AccountParams } from '../accounts/accounts-schemas.ts';
import {
  ContactPage,
  ContactParams,
  ContactSchema,
  CreateContactBody,
  ListContactsQuery,
  UpdateContactBody,
} from './contacts-schemas.ts';
import type { ContactService } from './contacts-service.ts';

const op = operations('contacts');

export const contactRoutes = routeModule({
  schemas: [ContactSchema],
  routes(app: Router, { contacts }: { contacts: ContactService }): void {
    app.post(
      '/accounts/:accountId/contacts',
      op('write', 'Add a contact (a person) to an account', {
        params: AccountParams,
        body: CreateContactBody,
        response: responses({ 201: Type.Ref('Contact') }, ['account_not_found', 'email_taken']),
      }),
      async (request, reply) => {
        const { programId } = principal(request);
        const contact = await contacts.create(
          programId,
          request.params.accountId,
          request.body,
          actor(request),
        );
        return created(reply, contact, { location: `/v1/contacts/${contact.id}` });
      },
    );

    app.get(
      '/accounts/:accountId/contacts',
      op('read', "An account's contacts", {
        params: AccountParams,
        querystring: Type.Omit(ListContactsQuery, ['accountId']),
        response: responses({ 200: ContactPage }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) => {
        const { programId } = principal(request);
        return contacts.list(programId, { ...request.query, accountId: request.params.accountId });
      },
    );

    app.get(
      '/contacts',
      op('read', 'List contacts, filtered, in pages', {
        querystring: ListContactsQuery,
        response: responses({ 200: ContactPage }, ['account_not_found', 'invalid_cursor']),
      }),
      async (request) => contacts.list(principal(request).programId, request.query),
    );

    app.get(
      '/contacts/:contactId',
      op('read', 'Read a contact', {
        params: ContactParams,
        response: responses({ 200: Type.Ref('Contact') }, ['contact_not_found']),
      }),
      async (request) => contacts.get(principal(request).programId, request.params.contactId),
    );

    app.patch(
      '/contacts/:contactId',
      op('write', 'Change a contact (accountId moves it to another account)', {
        params: ContactParams,
        body: UpdateContactBody,
        response: responses({ 200: Type.Ref('Contact') }, [
          'contact_not_found',
          'account_not_found',
          'email_taken',
        ]),
      }),
      async (request) => {
        const { programId } = principal(request);
        return (await contacts.update(programId, request.params.contactId, request.body, actor(request)))
          .after;
      },
    );

    for (const [verb, active, summary] of [
      [
        'deactivate',
        false,
        'Deactivate a contact who left: no portal sign-in, no mail, history kept (audited)',
      ],
      ['reactivate', true, 'Make a deactivated contact active again (audited)'],
    ] as const)
      app.post(
        `/contacts/:contactId/${verb}`,
        op('write', summary, {
          params: ContactParams,
          response: responses({ 200: Type.Ref('Contact') }, ['contact_not_found']),
        }),
        async (request) =>
          contacts.setActive(principal(request).programId, request.params.contactId, active, actor(request)),
      );
  },
});
