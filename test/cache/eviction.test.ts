import { dropCache, getCache } from '../../src/cache';
import { uniqueName } from './helpers';

function withCache<T>(options: Parameters<typeof getCache>[1], fn: (c: ReturnType<typeof getCache>) => T): T {
  const name = uniqueName('evict');
  const c = getCache(name, options);
  try {
    return fn(c);
  } finally {
    dropCache(name);
  }
}

describe('eviction', () => {
  test('least recently used is evicted first (one shard: exact LRU)', () => {
    withCache({ maxEntries: 3, shards: 1 }, (c) => {
      const v = new Uint8Array([1]);
      c.set([1], 't', v);
      c.set([2], 't', v);
      c.set([3], 't', v);
      expect(c.get([1], 't')).toBeDefined(); // order now (MRU first): 1, 3, 2
      c.set([4], 't', v); // evicts 2
      expect([1, 2, 3, 4].map((k) => c.has([k], 't'))).toEqual([true, false, true, true]);
      c.set([3], 't', v); // replace refreshes 3: order 3, 4, 1
      c.set([5], 't', v); // evicts 1
      expect([1, 3, 4, 5].map((k) => c.has([k], 't'))).toEqual([false, true, true, true]);
      c.set([6], 't', v); // evicts 4
      expect([3, 4, 5, 6].map((k) => c.has([k], 't'))).toEqual([true, false, true, true]);
      expect(c.stats().evictions).toBe(3);
      expect(c.stats().entries).toBe(3);
    });
  });

  test('byte budget: never exceeded after a set, and mostly used', () => {
    const maxBytes = 64 * 1024;
    withCache({ maxBytes, shards: 4 }, (c) => {
      let seed = 12345;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      let maxSeen = 0;
      for (let i = 0; i < 3000; i++) {
        const len = 1 + Math.floor(rand() * 200);
        c.set([i, rand()], 'b', new Float64Array(len));
        const s = c.stats();
        expect(s.bytes).toBeLessThanOrEqual(maxBytes);
        maxSeen = Math.max(maxSeen, s.bytes);
      }
      // The largest entry is ~1.7 KB: a full cache sits within a few entries of the budget.
      expect(maxSeen).toBeGreaterThan(maxBytes - 4096);
      expect(c.stats().evictions).toBeGreaterThan(2000);
    });
  });

  test('byte accounting counts keys, tags and values', () => {
    withCache({ maxBytes: 1 << 20, shards: 1 }, (c) => {
      c.set([1], 't', new Uint8Array(1));
      const small = c.stats().bytes;
      c.clear();
      c.set([1], 't', new Uint8Array(10000));
      const bigValue = c.stats().bytes;
      c.clear();
      c.set(new Float64Array(1000), 't', new Uint8Array(1));
      const bigKey = c.stats().bytes;
      c.clear();
      c.set([1], 't'.repeat(5000), new Uint8Array(1));
      const bigTag = c.stats().bytes;
      expect(bigValue - small).toBeGreaterThanOrEqual(10000 - 32);
      expect(bigValue - small).toBeLessThan(10000 + 64);
      expect(bigKey - small).toBeGreaterThanOrEqual(7992 - 32);
      expect(bigKey - small).toBeLessThan(8000 + 64);
      expect(bigTag - small).toBeGreaterThanOrEqual(4999 - 32);
      expect(bigTag - small).toBeLessThan(5000 + 64);
    });
  });

  test('maxEntrySize: oversized values are not stored and remove a stale entry', () => {
    withCache({ maxBytes: 1 << 20, maxEntrySize: 4096 }, (c) => {
      expect(c.set([1], 't', new Uint8Array(100))).toBe(true);
      expect(c.set([1], 't', new Uint8Array(10000))).toBe(false);
      expect(c.has([1], 't')).toBe(false);
      let calls = 0;
      const v = c.getOrCompute([2], 't', () => {
        calls += 1;
        return new Uint8Array(10000);
      });
      expect(v.length).toBe(10000);
      c.getOrCompute([2], 't', () => {
        calls += 1;
        return new Uint8Array(10000);
      });
      expect(calls).toBe(2);
      expect(c.stats().rejected).toBe(2 + 1);
      expect(c.stats().entries).toBe(0);
    });
  });

  test('an entry larger than a shard share still fits: the budget is global', () => {
    withCache({ maxBytes: 256 * 1024, shards: 64 }, (c) => {
      for (let i = 0; i < 100; i++) c.set([i], 'small', new Uint8Array(100));
      expect(c.set([1000], 'big', new Uint8Array(128 * 1024))).toBe(true);
      expect(c.has([1000], 'big')).toBe(true);
      expect(c.stats().bytes).toBeLessThanOrEqual(256 * 1024);
      for (let i = 0; i < 200; i++) c.set([i, 1], 'small', new Uint8Array(1000));
      expect(c.stats().bytes).toBeLessThanOrEqual(256 * 1024);
    });
  });
});
