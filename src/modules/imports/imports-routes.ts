import Type from 'typebox';
import { FidelisError } from '../../core/errors.ts';
import { actor, principal } from '../../http/auth.ts';
import { IdempotencyHeaders, responses } from '../../http/responses.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ImportQuery, ImportReportSchema } from './imports-schemas.ts';
import type { ImportService } from './imports-service.ts';

export const CSV_BODY_LIMIT = 64 * 1024 * 1024;

export const importRoutes = routeModule({
  schemas: [ImportReportSchema],
  routes(app: Router, { imports }: { imports: ImportService }): void {
    app.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );

    const csvBody = {
      content: {
        'text/csv': {
          schema: Type.String({ description: 'CSV with a header row (comma or semicolon separated)' }),
        },
      },
    };
    const description = (columns: string) =>
      `Send the file as the body with Content-Type: text/csv. Columns: ${columns}. Headers match regardless of case, spaces and underscores. ` +
      'Every row is checked first; when any row is bad nothing is imported (422 import_invalid_rows, each bad row with its line and reason) ' +
      'unless skipInvalid=true. Rows are upserted, so re-running the same file is safe.';

    for (const kind of ['accounts', 'contacts'] as const) {
      app.post(
        `/imports/${kind}`,
        {
          bodyLimit: CSV_BODY_LIMIT,
          config: { scope: 'write' },
          schema: {
            tags: ['imports'],
            summary: `Import ${kind} from a CSV file`,
            description:
              kind === 'accounts'
                ? description(
                    'externalId and name (required), parentExternalId, segment, country, preferredCurrency, status, customerSince, attr.<name> for free-form attributes',
                  )
                : description(
                    'email and accountExternalId (required), name, role, birthday, locale, marketingOptIn, statementOptIn',
                  ),
            headers: IdempotencyHeaders,
            querystring: ImportQuery,
            body: csvBody as never,
            response: responses({ 200: Type.Ref('ImportReport') }, [
              'import_invalid_rows',
              'import_malformed_csv',
              'payload_too_large',
              'unsupported_media_type',
            ]),
          },
        },
        async (request) => {
          // A JSON string body is a string too: only the CSV content types count as a file.
          const csvType = /^text\/(csv|plain)\s*(;|$)/i.test(request.headers['content-type'] ?? '');
          if (typeof request.body !== 'string' || !csvType) {
            throw new FidelisError('unsupported_media_type', 'Send the file with Content-Type: text/csv');
          }
          const { programId } = principal(request);
          return kind === 'accounts'
            ? imports.importAccounts(programId, request.body, request.query, actor(request))
            : imports.importContacts(programId, request.body, request.query, actor(request));
        },
      );
    }
  },
});
