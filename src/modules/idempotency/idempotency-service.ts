import { createHash } from 'node:crypto';
import { FidelisError } from '../../core/errors.ts';
import type { Database } from '../../db/client.ts';
import { claimKey, completeKey, findKey, releaseKey, takeOverStale } from './idempotency-store.ts';

/** An in-flight claim older than this is taken to belong to a process that died. */
export const STALE_AFTER_MS = 2 * 60 * 1000;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; statusCode: number; body: unknown; headers: Record<string, string> };

export function fingerprint(method: string, path: string, body: unknown): string {
  const canonical =
    typeof body === 'string' || body === undefined ? (body ?? '') : JSON.stringify(sortKeys(body));
  return createHash('sha256').update(`${method} ${path}\n${canonical}`).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function createIdempotencyService(database: Database) {
  return {
    /** Claims the key for this request, or answers how to reply to a repeat of it. */
    async claim(programId: string, key: string, print: string): Promise<Claim> {
      if (await claimKey(database.db, programId, key, print)) return { kind: 'claimed' };
      const row = await findKey(database.db, programId, key);
      if (!row) return this.claim(programId, key, print); // released between the two statements
      if (row.fingerprint !== print) {
        throw new FidelisError(
          'idempotency_key_reused',
          `Idempotency-Key ${key} was first used for a different request`,
        );
      }
      if (row.state === 'done')
        return {
          kind: 'replay',
          statusCode: row.statusCode ?? 200,
          body: row.responseBody,
          headers: row.responseHeaders ?? {},
        };
      if (await takeOverStale(database.db, programId, key, print, new Date(Date.now() - STALE_AFTER_MS))) {
        return { kind: 'claimed' };
      }
      throw new FidelisError(
        'idempotency_key_in_flight',
        `A request with Idempotency-Key ${key} is still in progress`,
      );
    },

    complete: (
      programId: string,
      key: string,
      statusCode: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => completeKey(database.db, programId, key, statusCode, body, headers),

    /** Forgets a claim whose request failed on the server's side, so that a retry runs again. */
    release: (programId: string, key: string) => releaseKey(database.db, programId, key),
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
