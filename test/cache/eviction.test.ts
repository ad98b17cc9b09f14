import { dropCache, getCache } from '../../src/cache';
import { shrinkPolygon } from '../../src/geometry';
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
  test('default: least recently used is evicted first (one shard: exact LRU)', () => {
    withCache({ maxEntries: 3, shards: 1 }, (c) => {
      expect(c.options.eviction).toBe('lru');
      const v = new Uint8Array([1]);
      c.set([1], 't', v);
      c.set([2], 't', v);
      c.set([3], 't', v);
      expect(c.get([1], 't')).toBeDefined(); // order now (MRU first): 1, 3, 2
      c.set([4], 't', v); // evicts 2
      expect([1, 2, 3, 4].map((k) => c.has([k], 't'))).toEqual([true, false, true, true]);
      c.set([3], 't', v); // replace refreshes 3: order 3, 4, 1
      c.set([5], 't', v); // evicts 1 (CLOCK would evict 4 here: see the next test)
      expect([1, 3, 4, 5].map((k) => c.has([k], 't'))).toEqual([false, true, true, true]);
      c.set([6], 't', v); // evicts 4
      expect([3, 4, 5, 6].map((k) => c.has([k], 't'))).toEqual([true, false, true, true]);
      expect(c.stats().evictions).toBe(3);
      expect(c.stats().entries).toBe(3);
    });
  });

  // LRU hits found without the lock are queued per thread (128 per reader slot) and applied to
  // the list by the next writer; a hit that finds the queue full takes the lock. Either way the
  // order must be the one a relink per hit gives. 320 gets between two sets overflow the queue
  // twice; get, peek, has and the Visit-style slab reads all take part.
  test('lru: many reads between writes (queued hits, full queues) still give exact LRU order', () => {
    const n = 60;
    withCache({ maxEntries: n, shards: 1 }, (c) => {
      const v = new Float64Array([1, 2]);
      for (let k = 0; k < n; k++) c.set([k], 't', v);
      // Reference model: an array, most recently used first.
      const order: number[] = [];
      for (let k = n - 1; k >= 0; k--) order.push(k);
      const touch = (k: number) => {
        order.splice(order.indexOf(k), 1);
        order.unshift(k);
      };
      let seed = 7;
      const next = () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 8;
      };
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 400; i++) {
          const k = next() % n;
          if (i % 10 === 3) {
            expect(c.peek([k], 't')).toEqual(v); // no recency change
          } else if (i % 10 === 7) {
            expect(c.has([k], 't')).toBe(true); // no recency change
          } else {
            expect(c.get([k], 't')).toEqual(v);
            touch(k);
          }
        }
        // One new entry evicts exactly the least recently used one.
        const fresh = 1000 + round;
        const victim = order.pop() as number;
        c.set([fresh], 't', v);
        order.unshift(fresh);
        expect(c.has([victim], 't')).toBe(false);
        expect(c.stats().entries).toBe(n);
      }
      // The whole order, from the back: each new entry evicts the next one.
      for (let i = 0; i < 20; i++) {
        const victim = order.pop() as number;
        c.set([2000 + i], 't', v);
        order.unshift(2000 + i);
        expect(c.has([victim], 't')).toBe(false);
      }
      expect(order.every((k) => c.has([k], 't'))).toBe(true);
    });
  });

  test.each([
    ['lru', true],
    ['clock', false],
  ] as const)('%s: hits inside native code (shrinkPolygon with {cache}) order eviction the same way', (eviction, keeps4) => {
    withCache({ maxEntries: 3, shards: 1, eviction }, (c) => {
      const poly = (k: number): [number, number][] => [
        [10 * k, 0],
        [10 * k + 8, 0],
        [10 * k + 8, 5],
        [10 * k, 5],
      ];
      const shrink = (k: number) => shrinkPolygon(poly(k), { ratio: 0.4, cache: c });
      for (const k of [1, 2, 3]) shrink(k); // 3 misses, stored
      shrink(1); // native hit
      shrink(4); // miss: both policies evict 2
      shrink(3); // native hit
      shrink(5); // miss: LRU evicts 1 (least recently used); CLOCK evicts 4 (1 was re-queued)
      const before = c.stats();
      expect(before.hits).toBe(2);
      expect(before.misses).toBe(5);
      expect(before.evictions).toBe(2);
      shrink(4);
      expect(c.stats().hits - before.hits).toBe(keeps4 ? 1 : 0);
    });
  });

  test("eviction: 'clock' (one shard): unread entries go oldest first, a read entry gets one more round", () => {
    withCache({ maxEntries: 3, shards: 1, eviction: 'clock' }, (c) => {
      expect(c.options.eviction).toBe('clock');
      const v = new Uint8Array([1]);
      c.set([1], 't', v);
      c.set([2], 't', v);
      c.set([3], 't', v); // queue (front first): 3, 2, 1
      expect(c.get([1], 't')).toBeDefined(); // marks 1; the queue does not change
      c.set([4], 't', v); // 1 is oldest but marked: unmarked, re-queued (1, 4, 3, 2); evicts 2
      expect([1, 2, 3, 4].map((k) => c.has([k], 't'))).toEqual([true, false, true, true]);
      c.set([3], 't', v); // replacing 3 queues it at the front: 3, 1, 4
      // Exact LRU would evict 1 here (read before 4 was set); second chance re-queued 1 in front
      // of 4 when it met it, so the oldest unread entry is 4.
      c.set([5], 't', v); // evicts 4
      expect([1, 3, 4, 5].map((k) => c.has([k], 't'))).toEqual([true, true, false, true]);
      c.set([6], 't', v); // queue 6, 5, 3, 1: 1 is unmarked now: evicted
      expect([1, 3, 5, 6].map((k) => c.has([k], 't'))).toEqual([false, true, true, true]);
      expect(c.stats().evictions).toBe(3);
      expect(c.stats().entries).toBe(3);
    });
  });

  test.each(['lru', 'clock'] as const)('%s: with no reads, eviction is insertion order; peek and has do not count as reads', (eviction) => {
    withCache({ maxEntries: 3, shards: 1, eviction }, (c) => {
      const v = new Uint8Array([1]);
      for (const k of [1, 2, 3]) c.set([k], 't', v);
      expect(c.peek([1], 't')).toBeDefined();
      expect(c.has([1], 't')).toBe(true);
      c.set([4], 't', v); // evicts 1 (peek/has gave it no second chance)
      c.set([5], 't', v); // evicts 2
      expect([1, 2, 3, 4, 5].map((k) => c.has([k], 't'))).toEqual([false, false, true, true, true]);
    });
  });

  test.each(['lru', 'clock'] as const)('%s: read entries survive a stream of new entries longer than unread ones', (eviction) => {
    withCache({ maxEntries: 10, shards: 1, eviction }, (c) => {
      const v = new Uint8Array([1]);
      for (let k = 0; k < 10; k++) c.set([k], 't', v);
      // Keep reading 0..4 while 100 new keys stream through: they are never evicted.
      for (let k = 100; k < 200; k++) {
        for (let h = 0; h < 5; h++) expect(c.get([h], 't')).toBeDefined();
        c.set([k], 't', v);
      }
      expect([0, 1, 2, 3, 4].every((k) => c.has([k], 't'))).toBe(true);
      expect([5, 6, 7, 8, 9].some((k) => c.has([k], 't'))).toBe(false);
      expect(c.stats().entries).toBe(10);
      expect(c.stats().evictions).toBe(100);
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
      // Each entry is charged what its one allocation holds: a 64-byte block of the cache's block
      // heap (entries up to 4 KiB) or a malloc chunk, so either side may be rounded up by < 64.
      expect(bigValue - small).toBeGreaterThanOrEqual(10000 - 64);
      expect(bigValue - small).toBeLessThan(10000 + 64);
      expect(bigKey - small).toBeGreaterThanOrEqual(7992 - 64);
      expect(bigKey - small).toBeLessThan(8000 + 64);
      expect(bigTag - small).toBeGreaterThanOrEqual(4999 - 64);
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
