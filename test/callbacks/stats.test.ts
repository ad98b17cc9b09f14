import { percentileSorted, SampleBuffer, summarize } from '../../src/stats/summary';

describe('summarize', () => {
  test('matches hand-computed values (numpy linear percentiles, population std)', () => {
    const s = summarize([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    expect(s.count).toBe(10);
    expect(s.mean).toBe(5.5);
    expect(s.median).toBe(5.5);
    expect(s.p50).toBe(5.5);
    expect(s.p95).toBeCloseTo(9.55, 12); // rank 8.55 between 9 and 10
    expect(s.p99).toBeCloseTo(9.91, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(8.25), 12);
    expect([s.min, s.max]).toEqual([1, 10]);
    expect(s.nonFinite).toBe(0);
  });

  test('one sample, empty input and non-finite samples', () => {
    expect(summarize([4])).toMatchObject({ count: 1, mean: 4, median: 4, p95: 4, p99: 4, std: 0 });
    const e = summarize([]);
    expect(e.count).toBe(0);
    expect(e.mean).toBeNaN();
    expect(e.p99).toBeNaN();
    const n = summarize([Number.NaN, 1, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY]);
    expect(n).toMatchObject({ count: 2, mean: 2, median: 2, nonFinite: 3, std: 1 });
    expect(percentileSorted([], 50)).toBeNaN();
  });

  test('SampleBuffer grows and sums finite values', () => {
    const b = new SampleBuffer(1);
    for (let i = 1; i <= 100; i++) b.push(i);
    b.push(Number.NaN);
    expect(b.length).toBe(101);
    expect(b.sum()).toBe(5050);
    expect(summarize(b.view()).p50).toBe(50.5);
    b.clear();
    expect(b.length).toBe(0);
    expect(b.view()).toHaveLength(0);
  });
});
