// RFC 9457 problem documents: every error leaves Fidelis in this shape, with a stable `code`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, type ErrorCode, FidelisError, type FieldError } from '../core/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return `urn:fidelis:problem:${code}`;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Where the service input of this route comes from, so field errors a service raises
     * (`/contactId`) point into the request (`/body/contactId`). Default: body for writes, else query.
     */
    fieldsIn?: RequestPart;
  }
}

type RequestPart = 'body' | 'query' | 'params' | 'headers';
// Pointers already in the request; Fastify's own schema errors name the query string `querystring`.
const PARTS = /^\/(body|query|querystring|params|headers)(\/|$)/;

/** Field errors raised by a service name fields of its input; place them in the request. */
function inRequest(request: FastifyRequest, errors: FieldError[]): FieldError[] {
  const part =
    request.routeOptions?.config?.fieldsIn ??
    (['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) ? 'body' : 'query');
  return errors.map((e) =>
    e.path.startsWith('/') && !PARTS.test(e.path) ? { ...e, path: `/${part}${e.path}` } : e,
  );
}

export function buildProblem(request: FastifyRequest, error: FidelisError): Problem {
  const errors = error.extra.errors as FieldError[] | undefined;
  return {
    ...error.extra,
    ...(Array.isArray(errors) ? { errors: inRequest(request, errors) } : {}),
    type: problemType(error.code),
    title: ERROR_CATALOG[error.code].title,
    status: error.status,
    detail: error.detail,
    instance: request.url.split('?')[0] ?? request.url,
    code: error.code,
    requestId: String(request.id),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: FidelisError): FastifyReply {
  return reply.status(error.status).type(PROBLEM_CONTENT_TYPE).send(buildProblem(request, error));
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Turns whatever was thrown into a FidelisError, so no error leaves without a stable code. */
export function toFidelisError(error: unknown): FidelisError {
  if (error instanceof FidelisError) return error;
  const e = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'body';
    const errors = e.validation.map((v) => fieldError(where, v));
    const detail = errors.map((x) => `${x.path}: ${x.message}`).join('; ');
    return new FidelisError('validation_failed', detail, { errors });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FidelisError('payload_too_large', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FidelisError('unsupported_media_type', e.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new FidelisError('malformed_json', e.message);
  }
  if (e instanceof SyntaxError && e.statusCode === 400) return new FidelisError('malformed_json', e.message);
  if (e.code === 'FST_ERR_BAD_URL' || e.code === 'FST_ERR_ASYNC_CONSTRAINT') {
    return new FidelisError('validation_failed', e.message);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new FidelisError('validation_failed', e.message);
  }
  return new FidelisError('internal_error');
}

function fieldError(where: string, v: ValidationIssue): FieldError {
  let path = `/${where}${v.instancePath ?? ''}`;
  let message = v.message ?? 'is not valid';
  if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
    path = `${path}/${v.params.additionalProperty}`;
    message = 'is not a known property';
  } else if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
    path = `${path}/${v.params.missingProperty}`;
    message = 'is required';
  }
  return { path, message };
}
