// CSV bodies: only `Content-Type: text/csv` (a UTF-8 charset parameter allowed), only on the routes
// that read CSV (`config: { csv: true }`), decoded strictly as UTF-8. Elsewhere a CSV body answers
// 415 before it is read, like any other content type a route does not take.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type ErrorCode, FidelisError } from '../core/errors.ts';
import { decodeUtf8 } from './edge.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes a CSV file as its body (`text/csv`). */
    csv?: boolean;
  }
}

/** The body limit of a CSV file (64 MiB: 100,000 rows of a wide CRM export). */
export const CSV_BODY_LIMIT = 64 * 1024 * 1024;

/**
 * What a CSV import can refuse, besides what every write can (a body too large, a media type the
 * route does not take): rows that are not valid, or a file that is not readable CSV.
 */
export const CSV_ERRORS = ['import_invalid_rows', 'import_malformed_csv'] as const satisfies ErrorCode[];

const CSV_TYPE = /^\s*text\/csv\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether the request's Content-Type is text/csv (with any parameters). */
function sendsCsv(request: FastifyRequest): boolean {
  return CSV_TYPE.test(request.headers['content-type'] ?? '');
}

/**
 * Reads `text/csv` bodies on the routes that declare `config.csv`, as strictly decoded UTF-8 text:
 * invalid UTF-8 is a 400, a charset other than UTF-8 a 415; any other route refuses CSV with 415.
 */
export function csvBodies(app: FastifyInstance, bodyLimit = CSV_BODY_LIMIT): void {
  app.addHook('preParsing', async (request) => {
    if (!BODY_METHODS.has(request.method) || !sendsCsv(request)) return;
    if (!request.routeOptions.config.csv)
      throw new FidelisError('unsupported_media_type', 'This route does not take CSV; send JSON');
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii')
      throw new FidelisError('unsupported_media_type', `Send the CSV file as UTF-8, not ${charset}`);
  });
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    try {
      done(null, decodeUtf8(body as Buffer, 'The CSV file'));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** The CSV file the request carries, or 415 when its body is not `text/csv` (a JSON string is not a file). */
export function csvFile(
  request: FastifyRequest,
  detail = 'Send the file with Content-Type: text/csv',
): string {
  if (typeof request.body === 'string' && sendsCsv(request)) return request.body;
  throw new FidelisError('unsupported_media_type', detail);
}

/**
 * The body schema of a route that takes only a CSV file: the OpenAPI document shows it as text/csv.
 * (Typed `never`: the type provider reads JSON schemas, and the handler takes the file with csvFile.)
 */
export function csvBody(description = 'CSV with a header row (comma or semicolon separated)'): never {
  return { content: { 'text/csv': { schema: Type.String({ description }) } } } as never;
}
