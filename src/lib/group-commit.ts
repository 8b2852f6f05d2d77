/**
 * Group commit (decision 0020): callers submit items one at a time; while `inFlight` writes are
 * already running, new items wait and are written together by the next write, in the order they
 * came (at most `maxItems` per write). An idle committer writes at once, so nothing waits on a timer:
 * a group forms only while the store is busy — which is exactly when sharing one statement and one
 * commit pays. When a write of several items fails, each is written again on its own, so a refusal
 * stays with the item that caused it and the others still land.
 */
export interface GroupCommitOptions {
  /** Writes running at once (1 on an embedded store: one connection). */
  inFlight: number;
  /** Items per write at most. */
  maxItems: number;
}

export function groupCommitter<T, R>(
  write: (items: T[]) => Promise<R[]>,
  options: GroupCommitOptions,
): (item: T) => Promise<R> {
  const waiting: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];

  async function alone(entry: (typeof waiting)[number]): Promise<void> {
    try {
      entry.resolve((await write([entry.item]))[0]!);
    } catch (error) {
      entry.reject(error);
    }
  }

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const group = waiting.splice(0, options.maxItems);
      if (group.length === 1) {
        await alone(group[0]!);
        continue;
      }
      let results: R[] | undefined;
      try {
        results = await write(group.map((g) => g.item));
      } catch {
        // One bad item fails the group's statement: each is written on its own instead.
        for (const entry of group) await alone(entry);
        continue;
      }
      for (const [i, entry] of group.entries()) entry.resolve(results[i]!);
    }
  }

  const kick = pump(options.inFlight, () => waiting.length, drain);

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      kick();
    });
}

/**
 * Shared reads (decision 0058), the same idea for lookups by key: callers ask for their keys one
 * request at a time; while `inFlight` lookups run, new askers wait and the next lookup reads all their
 * keys in one statement (at most `maxKeys`, but every asker whole). An idle lookup starts at once.
 * Each asker is answered by a lookup that started after it asked, so it never sees older rows than a
 * read of its own would have; and it gets only its own keys back.
 */
export function sharedLookup<K, V>(
  fetch: (keys: K[]) => Promise<Map<K, V>>,
  options: { inFlight: number; maxKeys: number },
): (keys: K[]) => Promise<Map<K, V>> {
  const waiting: Array<{ keys: K[]; resolve: (r: Map<K, V>) => void; reject: (e: unknown) => void }> = [];

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      let count = 0;
      let take = 0;
      while (take < waiting.length && (take === 0 || count + waiting[take]!.keys.length <= options.maxKeys))
        count += waiting[take++]!.keys.length;
      const group = waiting.splice(0, take);
      try {
        const found = await fetch([...new Set(group.flatMap((g) => g.keys))]);
        for (const entry of group) {
          const own = new Map<K, V>();
          for (const key of entry.keys) {
            const value = found.get(key);
            if (value !== undefined) own.set(key, value);
          }
          entry.resolve(own);
        }
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
  }

  const kick = pump(options.inFlight, () => waiting.length, drain);

  return (keys: K[]) =>
    new Promise<Map<K, V>>((resolve, reject) => {
      waiting.push({ keys, resolve, reject });
      kick();
    });
}

/**
 * Starts `drain` while work is waiting, at most `inFlight` at once. A drain that just ended may leave
 * an item pushed after its last look: it looks again when it ends.
 */
function pump(inFlight: number, waiting: () => number, drain: () => Promise<void>): () => void {
  let running = 0;
  const kick = (): void => {
    if (running >= inFlight || waiting() === 0) return;
    running++;
    void drain().finally(() => {
      running--;
      kick();
    });
  };
  return kick;
}
