import { describe, expect, it } from 'vitest';
import { groupCommitter } from './group-commit.ts';

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
