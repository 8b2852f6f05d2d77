// The console's one way to the API: a client typed from the served OpenAPI document
// (`npm run web:client` regenerates schema.d.ts), the session cookie sent along, and the session's
// CSRF token on every request that changes state.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** An RFC 9457 problem document, as every refusal of the API is. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string; line?: number }[];
}

let csrfToken: string | undefined;

/** Set by the session (sign-in, or reading the current session after a reload). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(request.method))
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

/** An error that carries the API's problem document, thrown by `data()` for TanStack Query. */
export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
}

function asProblem(error: unknown, response: Response): Problem {
  if (error && typeof error === 'object' && 'title' in error) return error as Problem;
  return { title: `The server answered ${response.status}`, status: response.status };
}

/** The data of an answer, or a ProblemError with its problem document. */
export async function data<R extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<R>,
): Promise<NonNullable<R['data']>> {
  let answer: R;
  try {
    answer = await call;
  } catch {
    throw new ProblemError({ title: 'The server cannot be reached', status: 0 });
  }
  if (answer.error !== undefined || !answer.response.ok)
    throw new ProblemError(asProblem(answer.error, answer.response));
  return answer.data as NonNullable<R['data']>;
}

/** A unique key for a write that moves points or money (the API requires one). */
export const idempotencyKey = () => crypto.randomUUID();

/**
 * Sends a file as a `text/csv` body (the import routes, a reward's codes), reporting the upload's progress (0 to 1):
 * XMLHttpRequest, as fetch reports no upload progress. Answers the JSON, or throws a ProblemError.
 */
export function uploadCsv(
  path:
    | '/v1/imports/accounts'
    | '/v1/imports/contacts'
    | '/v1/imports/relationships'
    | '/v1/imports/events'
    | `/v1/rewards/${string}/codes`,
  file: Blob,
  query: Record<string, boolean>,
  onProgress: (fraction: number) => void,
): Promise<unknown> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', search.size > 0 ? `${path}?${search}` : path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'text/csv');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ProblemError({ title: 'The server cannot be reached', status: 0 }));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else
        reject(
          new ProblemError(
            body && typeof body === 'object' && 'title' in body
              ? (body as Problem)
              : { title: `The server answered ${xhr.status}`, status: xhr.status },
          ),
        );
    };
    xhr.send(file);
  });
}
