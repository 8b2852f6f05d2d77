// The edge of the HTTP API: what every request must satisfy before any route sees it. Text must be
// valid UTF-8 and free of NUL characters (PostgreSQL stores neither), and errors the router raises
// before a route is found leave as problem documents like every other error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FidelisError, type FieldError } from '../core/errors.ts';
import { sendProblem, toFidelisError } from './problems.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The bytes of a body as text, or a 400 problem when they are not valid UTF-8. */
export function decodeUtf8(body: Buffer, what = 'The request body'): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new FidelisError('validation_failed', `${what} is not valid UTF-8`, {
      errors: [{ path: '/body', message: 'is not valid UTF-8' }],
    });
  }
}

const pointerEscape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON pointers (within `at`) of every string or property name holding U+0000, up to a few. */
function nulsIn(value: unknown, at: string, found: string[], depth = 0): void {
  if (found.length >= 10 || depth > 64) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(at);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) nulsIn(v, `${at}/${i}`, found, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) found.push(`${at}/${pointerEscape(k)}`);
      nulsIn(v, `${at}/${pointerEscape(k)}`, found, depth + 1);
    }
  }
}

/**
 * Refuses a NUL character (U+0000) in any path parameter, query value or JSON body text, naming
 * where, before validation or any route runs: PostgreSQL cannot store it in text.
 */
export function rejectNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found: string[] = [];
    nulsIn(request.params, '/params', found);
    nulsIn(request.query, '/query', found);
    // A CSV file (a string body) is left to the CSV reader, which names the line holding the NUL.
    if (typeof request.body !== 'string') nulsIn(request.body, '/body', found);
    if (found.length === 0) return;
    const errors: FieldError[] = found.map((path) => ({
      path,
      message: 'must not contain the NUL character (U+0000)',
    }));
    throw new FidelisError('validation_failed', `${found.join(', ')}: must not contain the NUL character`, {
      errors,
    });
  });
}

/** JSON bodies decoded strictly as UTF-8 (instead of replacing bad bytes with U+FFFD). */
export function strictJsonBodies(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8(body as Buffer);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    parse(request, text, done);
  });
}

/** Errors Fastify raises before a route is chosen (a malformed URL), as problem documents. */
export function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  void sendProblem(request, reply, toFidelisError(error));
}
