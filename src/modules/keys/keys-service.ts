// API keys: created (the secret shown once), registered from the configuration, authenticated by
// their hash, listed and revoked. Creating and revoking are audited.
import { createHash, randomBytes } from 'node:crypto';
import { type Actor, PROGRAM_SCOPES, type Principal, SCOPES, type Scope } from '../../core/access.ts';
import { FidelisError } from '../../core/errors.ts';
import type { Database, Executor } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { ProgramService } from '../programs/programs-service.ts';
import { findActiveKeyByHash, findKeyByHash, insertKey, listKeys, revokeKeyRow } from './keys-store.ts';

export interface ApiKeyInfo {
  id: string;
  programId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function info(row: Awaited<ReturnType<typeof insertKey>>): ApiKeyInfo {
  return {
    id: row.id,
    programId: row.programId,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as Scope[],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}

/** A key as the API and the audit log show it: without its program (and never with its secret). */
export function toApiKey(k: ApiKeyInfo) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  };
}

/** Records a key write in the audit log, in its transaction. */
function recordKey(
  audit: AuditService,
  db: Executor,
  actor: Actor,
  action: 'key.create' | 'key.revoke',
  key: ApiKeyInfo,
) {
  return audit.record(db, key.programId, {
    actor,
    action,
    resourceType: 'api_key',
    resourceId: key.id,
    after: toApiKey(key),
  });
}

/**
 * The scopes, checked: a program's keys may carry read, write and admin; `operator` only when the
 * caller says so (the CLI and FIDELIS_OPERATOR_KEY — never the API, so no key can mint a key above its own).
 */
function checkScopes(scopes: readonly string[], operator = false): Scope[] {
  const allowed: readonly string[] = operator ? SCOPES : PROGRAM_SCOPES;
  const unknown = scopes.filter((s) => !allowed.includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new FidelisError(
      'validation_failed',
      `scopes must be some of ${allowed.join(', ')}; got ${scopes.join(', ') || 'none'}`,
    );
  }
  return [...new Set(scopes)] as Scope[];
}

/** Options of a key's creation: `operator` lets it carry the operator scope (CLI and start-up only). */
export interface KeyOptions {
  operator?: boolean;
}

/**
 * How long an authenticated key is trusted without asking the store again (decision 0012). A key
 * revoked through this instance is refused at once; one revoked through another instance sharing the
 * database is refused by this one at most this long after the revocation committed.
 */
export const KEY_CACHE_TTL_MS = 1000;
/** At most this many keys are remembered (the oldest are forgotten first). */
const KEY_CACHE_SIZE = 10_000;

export function createKeyService(
  database: Database,
  audit: AuditService,
  programs?: Pick<ProgramService, 'get'>,
) {
  /** Key hash → the principal it authenticated and when the store said so. Misses are never cached. */
  const known = new Map<string, { principal: Principal; at: number }>();

  /** Counts revocations through this instance: a lookup that overlapped one is not remembered. */
  let revocations = 0;
  /** Forgets a key at once (this instance; others forget it within KEY_CACHE_TTL_MS). */
  const forget = (keyId: string) => {
    revocations++;
    for (const [hash, entry] of known) if (entry.principal.keyId === keyId) known.delete(hash);
  };

  return {
    /** Creates a key (audited); the secret is in the result and nowhere else, ever. */
    async create(
      programId: string,
      name: string,
      scopes: readonly string[],
      actor: Actor,
      options: KeyOptions = {},
    ): Promise<{ secret: string; key: ApiKeyInfo }> {
      const secret = `fdl_${randomBytes(32).toString('base64url')}`;
      return { secret, key: await this.register(programId, name, scopes, secret, actor, options) };
    },

    /**
     * An operator mints a key of a program it hosts (read, write or admin, never operator; audited in
     * that program): refused for an unknown (`not_found`) or archived (`program_archived`) program.
     */
    async mint(
      programId: string,
      name: string,
      scopes: readonly string[],
      actor: Actor,
    ): Promise<{ secret: string; key: ApiKeyInfo }> {
      if (!programs) throw new Error('the key service was built without the program service');
      const program = await programs.get(programId, database.db);
      if (program.archivedAt) throw new FidelisError('program_archived', `Program ${programId} is archived`);
      return this.create(programId, name, scopes, actor);
    },

    /**
     * Stores a key whose secret the caller chose (FIDELIS_ADMIN_KEY, FIDELIS_OPERATOR_KEY), audited; a no-op when it
     * exists already.
     */
    async register(
      programId: string,
      name: string,
      scopes: readonly string[],
      secret: string,
      actor: Actor,
      options: KeyOptions = {},
    ): Promise<ApiKeyInfo> {
      const valid = checkScopes(scopes, options.operator);
      const hash = hashKey(secret);
      const existing = await findKeyByHash(database.db, hash);
      if (existing) {
        if (existing.programId !== programId || existing.revokedAt) {
          throw new FidelisError(
            'validation_failed',
            'this key value is already used by another program or was revoked',
          );
        }
        return info(existing);
      }
      return database.transaction(async (tx) => {
        const created = info(
          await insertKey(tx, {
            programId,
            id: newId('key'),
            name,
            prefix: secret.slice(0, 10),
            hash,
            scopes: valid,
          }),
        );
        await recordKey(audit, tx, actor, 'key.create', created);
        return created;
      });
    },

    /**
     * The principal of an active key, or undefined. Remembered for KEY_CACHE_TTL_MS, so a request
     * costs no query while its key was confirmed within the last second (decision 0012).
     */
    async authenticate(secret: string, now = Date.now()): Promise<Principal | undefined> {
      const hash = hashKey(secret);
      const cached = known.get(hash);
      if (cached && now - cached.at < KEY_CACHE_TTL_MS && now >= cached.at) return cached.principal;
      const seen = revocations;
      const row = await findActiveKeyByHash(database.db, hash);
      known.delete(hash);
      if (!row) return undefined;
      const principal: Principal = Object.freeze({
        programId: row.programId,
        keyId: row.id,
        scopes: Object.freeze([...(row.scopes as Scope[])]) as Scope[],
      });
      if (seen !== revocations) return principal;
      if (known.size >= KEY_CACHE_SIZE) known.delete(known.keys().next().value!);
      known.set(hash, { principal, at: now });
      return principal;
    },

    async list(programId: string): Promise<ApiKeyInfo[]> {
      return (await listKeys(database.db, programId)).map(info);
    },

    /** Revokes a key at once (audited). */
    async revoke(programId: string, id: string, actor: Actor): Promise<ApiKeyInfo> {
      return database
        .transaction(async (tx) => {
          const row = await revokeKeyRow(tx, programId, id);
          if (!row) throw new FidelisError('not_found', `No active key ${id} in this program`);
          const revoked = info(row);
          await recordKey(audit, tx, actor, 'key.revoke', revoked);
          return revoked;
        })
        .finally(() => forget(id));
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
