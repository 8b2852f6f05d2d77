// What the hot path reads on every request but rarely changes (the program row, its rule set, its
// tier ladders), cached per server instance (decision 0014). Every change to them bumps the
// program's row of cache_versions in the same transaction (by trigger); an instance reads that
// counter at most once per CONFIG_CHECK_MS per program and drops what it cached for the program
// when the counter moved. A change made through this instance is dropped at once (`forget`, called
// by the service after its transaction committed), so the instance's next request reads it.
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { cacheVersions } from './programs-tables.ts';

/** How long an instance trusts what it cached before asking cache_versions again: the staleness bound. */
export const CONFIG_CHECK_MS = 1_000;

interface ProgramEntry {
  /** Bumped by `forget`: a load that overlapped a local change is not remembered. */
  generation: number;
  /** The counter the cached values belong to (undefined: not read yet, or forgotten). */
  version?: number;
  /** When the counter was last asked for (before the read, so the bound is conservative). */
  checkedAt: number;
  values: Map<string, unknown>;
}

export interface ConfigCache {
  /** The program's value under `key`: cached, or `load`ed (and remembered) when the program changed. */
  get<T>(programId: string, key: string, load: () => Promise<T>): Promise<T>;
  /** Drops what is cached for the program; call after a transaction that changed it committed. */
  forget(programId: string): void;
}

export function createConfigCache(database: Database, checkMs = CONFIG_CHECK_MS): ConfigCache {
  const programs = new Map<string, ProgramEntry>();

  async function readVersion(programId: string): Promise<number> {
    const [row] = await database.db
      .select({ version: cacheVersions.version })
      .from(cacheVersions)
      .where(eq(cacheVersions.programId, programId));
    return Number(row?.version ?? 0);
  }

  function entryOf(programId: string): ProgramEntry {
    let entry = programs.get(programId);
    if (!entry) {
      entry = { generation: 0, checkedAt: 0, values: new Map() };
      programs.set(programId, entry);
    }
    return entry;
  }

  return {
    async get<T>(programId: string, key: string, load: () => Promise<T>): Promise<T> {
      const entry = entryOf(programId);
      const generation = entry.generation;
      const now = Date.now();
      if (entry.version === undefined || now - entry.checkedAt >= checkMs) {
        // The counter first, then the values: a value read after a change is at least as new as the
        // counter it is filed under (at worst read again once the counter is seen to move).
        const version = await readVersion(programId);
        if (entry.generation !== generation) return load();
        // The counter only grows: an answer older than one already seen (concurrent checks) is ignored.
        if (entry.version === undefined || version > entry.version) {
          entry.values.clear();
          entry.version = version;
          entry.checkedAt = now;
        } else if (version === entry.version) entry.checkedAt = Math.max(entry.checkedAt, now);
      }
      if (entry.values.has(key)) return entry.values.get(key) as T;
      const version = entry.version;
      const value = await load();
      if (entry.generation === generation && entry.version === version) entry.values.set(key, value);
      return value;
    },

    forget(programId: string): void {
      const entry = entryOf(programId);
      entry.generation += 1;
      entry.version = undefined;
      entry.values.clear();
    },
  };
}
