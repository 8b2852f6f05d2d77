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
