import Type from 'typebox';
import { actor, principal } from '../../http/auth.ts';
import { CSV_BODY_LIMIT, CSV_ERRORS, csvBody, csvFile } from '../../http/csv.ts';
import { responses } from '../../http/responses.ts';
import { operations } from '../../http/route.ts';
import { type Router, routeModule } from '../../http/router.ts';
import { ImportQuery, ImportReportSchema } from './imports-schemas.ts';
import type { ImportService } from './imports-service.ts';

const op = operations('imports');

export const importRoutes = routeModule({
  schemas: [ImportReportSchema],
  routes(app: Router, { imports }: { imports: ImportService }): void {
    const description = (columns: string) =>
      `Send the file as the body with Content-Type: text/csv. Columns: ${columns}. Headers match regardless of case, spaces and underscores. ` +
      'Every row is checked first; when any row is bad nothing is imported (422 import_invalid_rows, each bad row with its line and reason) ' +
      'unless skipInvalid=true. Rows are upserted, so re-running the same file is safe.';

    app.post(
      '/imports/relationships',
      op(
        { scope: 'write', csv: true, bodyLimit: CSV_BODY_LIMIT },
        'Import relationships between accounts from a CSV file',
        {
          description:
            'Send the file as the body with Content-Type: text/csv. Columns: fromExternalId, type (manages), toExternalId, startedAt (required), endedAt; ' +
            'dates as YYYY-MM-DD (from 00:00 UTC) or date-times with their offset. Headers match regardless of case, spaces and underscores. ' +
            'Every row is checked first; when any row is bad nothing is imported (422 import_invalid_rows, each bad row with its line and reason) ' +
            'unless skipInvalid=true. A row that repeats a stored relationship (same accounts and start) changes nothing, or ends it when it gives an end; ' +
            'a row overlapping another relationship of the same accounts, or one that would make a manages cycle, refuses the whole file. ' +
            'Re-running the same file is safe.',
          querystring: ImportQuery,
          body: csvBody(),
          response: responses({ 200: Type.Ref('ImportReport') }, CSV_ERRORS),
        },
      ),
      async (request) =>
        imports.importRelationships(
          principal(request).programId,
          csvFile(request),
          request.query,
          actor(request),
        ),
    );

    for (const kind of ['accounts', 'contacts'] as const) {
      app.post(
        `/imports/${kind}`,
        op({ scope: 'write', csv: true, bodyLimit: CSV_BODY_LIMIT }, `Import ${kind} from a CSV file`, {
          description:
            kind === 'accounts'
              ? description(
                  'externalId and name (required), parentExternalId, segment, country, preferredCurrency, status, customerSince, attr.<name> for free-form attributes, referralCode (a referrer’s code: the account is attributed to it in the import’s transaction with the checks of POST /v1/referrals; a refused code is a bad row), or referredBy (the referrer account’s id or externalId, without a code; referralProgram names its referral program when there are several: decision 0060)',
                )
              : description(
                  'email and accountExternalId (required), name, role, birthday, locale, marketingOptIn, statementOptIn',
                ),
          querystring: ImportQuery,
          body: csvBody(),
          response: responses({ 200: Type.Ref('ImportReport') }, CSV_ERRORS),
        }),
        async (request) => {
          const csv = csvFile(request);
          const { programId } = principal(request);
          return kind === 'accounts'
            ? imports.importAccounts(programId, csv, request.query, actor(request))
            : imports.importContacts(programId, csv, request.query, actor(request));
        },
      );
    }
  },
});
