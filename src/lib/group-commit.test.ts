import { describe, expect, it } from 'vitest';
import { groupCommitter, sharedLookup } from './group-commit.ts';

/** A write that takes a turn of the event loop and records the groups it was given. */
function recorder(fail?: (item: number) => boolean) {
  const groups: number[][] = [];
  let running = 0;
  let mostAtOnce = 0;
  const write = async (items: number[]) => {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    groups.push([...items]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    if (fail && items.some(fail)) throw new Error(`refused ${items.filter(fail).join(',')}`);
    return items.map((i) => i * 10);
  };
  return { write, groups, mostAtOnce: () => mostAtOnce };
}

describe('groupCommitter', () => {
  it('writes an item at once when idle, and groups the items that arrive while it writes', async () => {
    const r = recorder();
    const submit = groupCommitter(r.write, { inFlight: 1, maxItems: 100 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => submit(i)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(r.groups).toEqual([[1], [2, 3, 4, 5]]);
    expect(r.mostAtOnce()).toBe(1);
  });

  it('runs up to inFlight writes at once and never more than maxItems per write', async () => {
    const r = recorder();
    const submit = groupCommitter(r.write, { inFlight: 2, maxItems: 3 });
    const items = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(await Promise.all(items.map((i) => submit(i)))).toEqual(items.map((i) => i * 10));
    expect(r.mostAtOnce()).toBe(2);
    expect(Math.max(...r.groups.map((g) => g.length))).toBe(3);
    expect(r.groups.flat().sort((a, b) => a - b)).toEqual(items);
  });

  it('keeps a refusal with the item that caused it: the others of its group still land', async () => {
    const r = recorder((i) => i === 3);
    const submit = groupCommitter(r.write, { inFlight: 1, maxItems: 100 });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => submit(i)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      10,
      20,
      'refused 3',
      40,
    ]);
    // [1] alone, then [2, 3, 4] together (refused), then each of them on its own.
    expect(r.groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('serves an item submitted just as the last write ends', async () => {
    const r = recorder();
    const submit = groupCommitter(r.write, { inFlight: 1, maxItems: 100 });
    const first = submit(1);
    const second = first.then(() => submit(2));
    expect(await second).toBe(20);
  });
});

describe('sharedLookup', () => {
  /** A table of key → value whose version moves; each fetch records its keys and the version it read. */
  function table() {
    let version = 0;
    const fetches: Array<{ keys: string[]; version: number }> = [];
    let running = 0;
    let mostAtOnce = 0;
    const fetch = async (keys: string[]) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      const read = version;
      fetches.push({ keys: [...keys], version: read });
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (keys.includes('broken')) throw new Error('the store failed');
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `${k}@${read}`]));
    };
    return { fetch, fetches, bump: () => version++, mostAtOnce: () => mostAtOnce };
  }

  it('reads at once when idle, then together for the askers that arrive meanwhile, each getting its own keys', async () => {
    const t = table();
    const lookup = sharedLookup(t.fetch, { inFlight: 1, maxKeys: 100 });
    const answers = await Promise.all(
      [['a'], ['b', 'c'], ['c', 'missing'], ['d']].map((keys) => lookup(keys)),
    );
    expect(t.fetches.map((f) => f.keys)).toEqual([['a'], ['b', 'c', 'missing', 'd']]);
    expect(answers.map((m) => Object.fromEntries(m))).toEqual([
      { a: 'a@0' },
      { b: 'b@0', c: 'c@0' },
      { c: 'c@0' },
      { d: 'd@0' },
    ]);
    expect(t.mostAtOnce()).toBe(1);
  });

  it('answers each asker by a read that started after it asked', async () => {
    const t = table();
    const lookup = sharedLookup(t.fetch, { inFlight: 1, maxKeys: 100 });
    const first = lookup(['a']); // reads version 0 at once
    t.bump(); // a change commits while that read runs
    const second = lookup(['a']); // asked after the change: must not get the read in flight
    expect((await first).get('a')).toBe('a@0');
    expect((await second).get('a')).toBe('a@1');
  });

  it('keeps at most inFlight reads running and never splits an asker over maxKeys', async () => {
    const t = table();
    const lookup = sharedLookup(t.fetch, { inFlight: 2, maxKeys: 3 });
    await Promise.all(
      [['a'], ['b'], ['c', 'd'], ['e', 'f'], ['g'], ['h', 'i', 'j', 'k']].map((k) => lookup(k)),
    );
    expect(t.mostAtOnce()).toBe(2);
    for (const f of t.fetches) expect(f.keys.length <= 3 || f.keys.join() === 'h,i,j,k').toBe(true);
    expect(t.fetches.flatMap((f) => f.keys).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
      'k',
    ]);
  });

  it('fails the askers of a failed read only; later askers are read again', async () => {
    const t = table();
    const lookup = sharedLookup(t.fetch, { inFlight: 1, maxKeys: 100 });
    const idle = lookup(['a']);
    const failing = Promise.allSettled([lookup(['broken']), lookup(['b'])]);
    await idle;
    const [broken, b] = await failing;
    expect(broken.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect((await lookup(['b'])).get('b')).toBe('b@0');
  });
});
