// Values for a JSON schema (from the served OpenAPI document), seeded: valid where the schema is
// simple, plausible elsewhere. The fuzz test sends them as they are and mutated.

export type Schema = Record<string, unknown>;

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => Math.floor(next() * (max - min + 1)) + min,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof random>;

const WORDS = [
  'CRM-0001',
  'purchase',
  'EUR',
  'points',
  'Acme',
  'gold',
  'NL',
  'x',
  'SO-1',
  '2026-11-20T10:00:00Z',
];

export function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const name = (s.$ref as string).split('/').pop()!;
    s = components[name] ?? {};
  }
  return s;
}

function stringFor(s: Schema, r: Random): string {
  if (Array.isArray(s.examples) && s.examples.length > 0 && r.chance(0.7)) return String(r.pick(s.examples));
  switch (s.format) {
    case 'date-time':
      return new Date(Date.UTC(2026, r.int(0, 11), r.int(1, 28), r.int(0, 23))).toISOString();
    case 'date':
      return `2026-0${r.int(1, 9)}-1${r.int(0, 9)}`;
    case 'email':
      return `p${r.int(0, 9999)}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${r.int(0, 99)}`;
  }
  const pattern = typeof s.pattern === 'string' ? s.pattern : '';
  if (pattern.includes('[A-Z]{3}')) return r.pick(['EUR', 'USD', 'NOK']);
  if (pattern.includes('[A-Z]{2}')) return r.pick(['NL', 'NO', 'DE']);
  if (pattern.includes('\\d{4}-\\d{2}-\\d{2}')) return '2026-05-01';
  const min = Number(s.minLength ?? 0);
  const max = Math.min(Number(s.maxLength ?? 40), 40);
  let value = r.pick(WORDS);
  while (value.length < min) value += 'x';
  return value.slice(0, Math.max(min, max));
}

/** A value for the schema (depth-limited). */
export function valueFor(schema: Schema, components: Record<string, Schema>, r: Random, depth = 0): unknown {
  const s = resolve(schema, components);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return r.pick(s.enum);
  for (const key of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(s[key])) return valueFor(r.pick(s[key] as Schema[]), components, r, depth + 1);
  if (Array.isArray(s.allOf)) return valueFor((s.allOf as Schema[])[0]!, components, r, depth + 1);
  const type = Array.isArray(s.type) ? r.pick(s.type as string[]) : (s.type as string | undefined);
  switch (type) {
    case 'string':
      return stringFor(s, r);
    case 'integer':
    case 'number': {
      const min = Math.max(Number(s.minimum ?? 0), -1e6);
      const max = Math.min(Number(s.maximum ?? 1000), 1e6);
      return type === 'integer'
        ? r.int(Math.ceil(min), Math.floor(max))
        : Number((min + r.next() * (max - min)).toFixed(2));
    }
    case 'boolean':
      return r.chance(0.5);
    case 'null':
      return null;
    case 'array': {
      if (depth > 4) return [];
      const n = r.int(Number(s.minItems ?? 0), Math.min(Number(s.maxItems ?? 3), 3));
      return Array.from({ length: n }, () => valueFor((s.items as Schema) ?? {}, components, r, depth + 1));
    }
    case 'object':
    case undefined: {
      if (depth > 5 || (type === undefined && !s.properties)) return type === 'object' ? {} : 'x';
      const out: Record<string, unknown> = {};
      const required = new Set((s.required as string[]) ?? []);
      for (const [name, prop] of Object.entries((s.properties as Record<string, Schema>) ?? {}))
        if (required.has(name) || r.chance(0.4)) out[name] = valueFor(prop, components, r, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

/** Every string leaf of a value, as a path of keys, so a mutation can pick one. */
export function stringPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

export function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), replacement);
  return copy;
}
