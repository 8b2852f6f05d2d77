// What a module's routes file is given: a Fastify instance that types request parts from the route's
// TypeBox schemas (so handlers need no casts), and the narrow set of services the module names.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TSchema } from 'typebox';

export type Router = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** One module's HTTP surface: the shared schemas its routes refer to by `$id`, and its routes. */
export interface RouteModule<Deps> {
  /** Schemas with an `$id` that routes reference with `Type.Ref`; the app adds each once. */
  readonly schemas: readonly TSchema[];
  /** Registers the module's routes (under /v1); `deps` holds only the services it names. */
  routes(app: Router, deps: Deps): void;
}

/** Declares a module's routes; the type parameter is the narrow set of services it may use. */
export function routeModule<Deps>(module: RouteModule<Deps>): RouteModule<Deps> {
  return module;
}
