// How Fastify compiles request validators (Ajv) and response serializers (fast-json-stringify):
// bodies without type coercion, one serializer per distinct schema, and optionally on first use.
import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

const buildAjvValidator = AjvCompiler();

type Compiled = ((data: unknown) => unknown) & { errors?: unknown };

/**
 * Compiles on first use instead of at start-up (AppOptions.schemas 'lazy', for tests that build
 * the app hundreds of times and call a handful of routes). Fastify reads a validator's `errors`
 * after calling it, so the wrapper passes them on.
 */
function lazily(compile: () => Compiled): Compiled {
  let compiled: Compiled | undefined;
  const run: Compiled = (data) => {
    compiled ??= compile();
    const result = compiled(data);
    run.errors = compiled.errors;
    return result;
  };
  return run;
}

/**
 * Fastify's own Ajv validators, except that request bodies are not type-coerced: query strings, path
 * params and headers are text and need coercion (`limit=2`), but a JSON body carries its own types,
 * so `{"name": 5}` is refused instead of being read as "5".
 */
export const validatorFactory =
  (lazy: boolean): ValidatorFactory =>
  (externalSchemas, options) => {
    const coercing = buildAjvValidator(externalSchemas, options);
    const strict = buildAjvValidator(externalSchemas, {
      ...options,
      customOptions: { ...options?.customOptions, coerceTypes: false },
    } as typeof options);
    return (route) => {
      const compile = () => (route.httpPart === 'body' ? strict : coercing)(route) as Compiled;
      return (lazy ? lazily(compile) : compile()) as ReturnType<ReturnType<ValidatorFactory>>;
    };
  };

/**
 * Response serializers compiled once per distinct schema: every route answers the same problem
 * schema for each of its error statuses, and Fastify's own compiler builds one serializer per route
 * and status (re-reading every shared schema each time) — most of the server's start-up.
 */
const selectSerializer = SerializerSelector();
export const serializerFactory =
  (lazy: boolean): typeof selectSerializer =>
  (externalSchemas, options) => {
    const compile = selectSerializer(externalSchemas, options);
    const compiled = new Map<string, ReturnType<typeof compile>>();
    const once = (route: Parameters<typeof compile>[0]) => {
      const key = JSON.stringify(route.schema);
      let serialize = compiled.get(key);
      if (!serialize) {
        serialize = compile(route);
        compiled.set(key, serialize);
      }
      return serialize;
    };
    return (route) =>
      lazy ? (lazily(() => once(route) as Compiled) as ReturnType<typeof compile>) : once(route);
  };
