import { dropCache, getCache } from '../../src/cache';
import { uniqueName } from './helpers';

describe('stats arithmetic', () => {
  test('counters follow a known sequence of operations', () => {
    const name = uniqueName('stats');
    const c = getCache(name, { maxEntries: 10, shards: 1 });
    try {
      expect(c.stats()).toEqual({
        hits: 0,
        misses: 0,
        sets: 0,
        evictions: 0,
        expirations: 0,
        deletes: 0,
        rejected: 0,
        contended: 0,
        entries: 0,
        bytes: 0,
        hitRate: 0,
      });
      const v = new Float64Array([1, 2, 3]);
      for (let i = 0; i < 15; i++) c.set([i], 't', v); // 15 sets, 5 evictions (0..4)
      let hits = 0;
      let misses = 0;
      for (let i = 0; i < 15; i++) {
        if (c.get([i], 't') === undefined) misses += 1;
        else hits += 1;
      }
      expect([hits, misses]).toEqual([10, 5]);
      expect(c.delete([14], 't')).toBe(true);
      expect(c.delete([0], 't')).toBe(false);
      c.set([5], 't', v); // replace: a set, no new entry
      const s = c.stats();
      expect(s.sets).toBe(16);
      expect(s.evictions).toBe(5);
      expect(s.deletes).toBe(1);
      expect(s.hits).toBe(10);
      expect(s.misses).toBe(5);
      expect(s.hitRate).toBeCloseTo(10 / 15, 12);
      expect(s.entries).toBe(15 - s.evictions - s.deletes);
      expect(s.bytes).toBeGreaterThan(s.entries * (8 + 1 + 24));
      // has/peek do not count
      c.has([5], 't');
      c.peek([5], 't');
      expect(c.stats().hits).toBe(10);
      // clear keeps counters
      c.clear();
      const after = c.stats();
      expect(after.entries).toBe(0);
      expect(after.bytes).toBe(0);
      expect(after.sets).toBe(16);
    } finally {
      dropCache(name);
    }
  });

  test('bytes equals the sum of the entries charged (add then remove returns to the start)', () => {
    const name = uniqueName('stats-bytes');
    const c = getCache(name, { shards: 1 });
    try {
      c.set([0], 'warm', new Uint8Array(1)); // allocates the hash table
      const base = c.stats().bytes;
      for (let i = 1; i <= 10; i++) c.set([i], 't', new Float32Array(i * 10));
      const full = c.stats().bytes;
      expect(full).toBeGreaterThan(base + 10 * 55 * 4 - 1);
      for (let i = 1; i <= 10; i++) c.delete([i], 't');
      expect(c.stats().bytes).toBe(base);
    } finally {
      dropCache(name);
    }
  });
});
