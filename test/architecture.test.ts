// src/core is pure: no drivers, no Fastify, no node: I/O. This test reads every core file's imports.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const FORBIDDEN = [
  /^node:/,
  /^(fs|path|http|https|net|child_process|os|crypto|worker_threads|dgram|dns|tls|cluster)(\/|$)/,
  /^fastify/,
  /^@fastify\//,
  /^pg(\/|$)/,
  /^@electric-sql\//,
  /^drizzle-orm/,
  /^pino/,
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const p of patterns) for (const m of source.matchAll(p)) found.push(m[1]!);
  return found;
}

describe('architecture', () => {
  const coreFiles = files(join(root, 'src/core')).filter((f) => !f.endsWith('.test.ts'));

  it('has core files to check', () => {
    expect(coreFiles.length).toBeGreaterThan(0);
  });

  it('keeps src/core free of I/O, drivers and Fastify', () => {
    const offences: string[] = [];
    for (const file of coreFiles) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const outside = spec.startsWith('.') && !join(file, '..', spec).startsWith(join(root, 'src/core'));
        if (FORBIDDEN.some((f) => f.test(spec)) || outside)
          offences.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('reads no clock, environment or randomness in core', () => {
    const offences = coreFiles.filter((f) =>
      /\b(Date\.now|new Date\(\)|process\.|Math\.random)/.test(readFileSync(f, 'utf8')),
    );
    expect(offences.map((f) => relative(root, f))).toEqual([]);
  });

  it('detects a forbidden import (the checker itself works)', () => {
    expect(importsOf("import pg from 'pg';\nconst x = await import('node:fs');")).toEqual(['pg', 'node:fs']);
  });
});
