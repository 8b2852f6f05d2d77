// Reading PostgreSQL errors the same way on both drivers (Drizzle may wrap them in a `cause`).

interface PgErrorShape {
  code?: string;
  constraint?: string;
  cause?: unknown;
}

export function pgError(error: unknown): { code?: string; constraint?: string } {
  let current: unknown = error;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const e = current as PgErrorShape;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
      return { code: e.code, constraint: e.constraint };
    current = e.cause;
  }
  return {};
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = pgError(error);
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * Runs a transaction again when PostgreSQL aborted it for a deadlock or a serialization failure,
 * or for a unique violation of one of `uniques` (a concurrent writer the transaction's next attempt
 * will find and treat as already written).
 */
export async function retryOnConflict<T>(
  run: () => Promise<T>,
  attempts = 5,
  uniques: readonly string[] = [],
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const { code, constraint } = pgError(error);
      const retried =
        code === '40P01' || code === '40001' || (code === '23505' && uniques.includes(constraint ?? ''));
      if (attempt >= attempts || !retried) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.floor(Math.random() * 20)));
    }
  }
}
