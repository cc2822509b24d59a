import { Batcher } from '../../src/shared/batcher';

describe('gathering concurrent single-row statements into one', () => {
  it('runs one statement for callers arriving together and answers each with its own row', async () => {
    const runs: string[][] = [];
    const b = new Batcher<string, string>(async (keys) => {
      runs.push(keys);
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    });
    expect(await Promise.all(['a', 'b', 'c'].map((k) => b.add(k)))).toEqual(['A', 'B', 'C']);
    expect(runs).toEqual([['a', 'b', 'c']]);
  });

  it('answers a key asked twice in one batch only once, so a delivery cannot be claimed twice', async () => {
    const b = new Batcher<string, string>(async (keys) => new Map(keys.map((k) => [k, 'claimed'])));
    expect(await Promise.all([b.add('d1'), b.add('d1')])).toEqual(['claimed', undefined]);
  });

  it('starts a new statement when the batch is full, and fails every caller of a failed one', async () => {
    const runs: number[] = [];
    const b = new Batcher<number, number>(async (keys) => {
      runs.push(keys.length);
      if (keys.includes(3)) throw new Error('connection lost');
      return new Map(keys.map((k) => [k, k]));
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4].map((k) => b.add(k)));
    expect(runs).toEqual([2, 2]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });
});
