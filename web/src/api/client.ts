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
  errors?: { path: string; message: string }[];
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
