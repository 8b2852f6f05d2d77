// A service is its use cases with their dependencies bound once: each use case (a function in a
// <module>-<verb>.ts file) takes the module's dependencies first, and the service hands out the rest.

type UseCase<D> = (deps: D, ...args: never[]) => unknown;

/** Each use case with its first parameter, the dependencies, already given. */
export type BoundUseCases<D, F> = {
  [K in keyof F]: F[K] extends (deps: D, ...args: infer A) => infer R ? (...args: A) => R : never;
};

export function bindUseCases<D, F extends Record<string, UseCase<D>>>(
  deps: D,
  useCases: F,
): BoundUseCases<D, F> {
  return Object.fromEntries(
    Object.entries(useCases).map(([name, useCase]) => [name, (useCase as UseCase<D>).bind(null, deps)]),
  ) as BoundUseCases<D, F>;
}
