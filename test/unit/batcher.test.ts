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

  it('runs at most maxRunning statements at once; callers arriving meanwhile gather into the next batch', async () => {
    const runs: number[][] = [];
    let running = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const b = new Batcher<number, number>(
      async (keys) => {
        runs.push(keys);
        most = Math.max(most, ++running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return new Map(keys.map((k) => [k, k * 10]));
      },
      2,
      1,
      1,
    );
    const answers = [1, 2, 3, 4, 5].map((k) => b.add(k));
    // The first batch is full at once; 3, 4 and 5 wait for it to end.
    expect(runs).toEqual([[1, 2]]);
    const released = (async () => {
      while (runs.length < 3 || gates.length) {
        const gate = gates.shift();
        if (gate) gate();
        await new Promise((r) => setImmediate(r));
      }
    })();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
    await released;
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
    expect(most).toBe(1);
  });
});
