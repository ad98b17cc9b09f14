// The batch offset's cached path looks its polygons up together (Cache::VisitMany: keys grouped
// by shard, one lock per group). Outputs must equal the uncached ones in every arrangement of
// hits, misses, duplicates, expired entries and colliding hashes, and the counters must add up.
import { dropCache, getCache } from '../../src/cache';
import { advanceCacheClock, openCacheForTesting, setCacheClock } from '../../src/cache/testing';
import { offsetBatch, shrinkBatch, unclipBatch } from '../../src/geometry';
import { uniqueName } from './helpers';

/** n rotated-ish quads; polygon i depends on `seed + i` only. */
function quads(n: number, seed = 0): { coords: Float64Array; ringOffsets: Uint32Array } {
  const coords = new Float64Array(n * 8);
  const ringOffsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const k = seed + i;
    const x = (k % 97) * 31.5;
    const y = Math.floor(k / 97) * 19.25;
    const w = 18 + (k % 13) * 4;
    const h = 8 + (k % 5) * 2;
    coords.set([x, y, x + w, y + (k % 3), x + w - (k % 2), y + h, x, y + h - (k % 4)], i * 8);
    ringOffsets[i + 1] = (i + 1) * 4;
  }
  return { coords, ringOffsets };
}

/** The polygons at `indices` of `src`, in that order (repeats allowed). */
function pick(src: { coords: Float64Array }, indices: number[]) {
  const coords = new Float64Array(indices.length * 8);
  indices.forEach((j, i) => {
    coords.set(src.coords.subarray(j * 8, j * 8 + 8), i * 8);
  });
  return { coords, ringOffsets: Uint32Array.from({ length: indices.length + 1 }, (_, i) => i * 4) };
}

function same(a: { coords: Float64Array; ringOffsets: Uint32Array; polygonRings: Uint32Array }, b: typeof a): void {
  expect(Array.from(a.polygonRings)).toEqual(Array.from(b.polygonRings));
  expect(Array.from(a.ringOffsets)).toEqual(Array.from(b.ringOffsets));
  expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
}

describe('batched cache lookups inside the batch offset', () => {
  test('large mixed batch (more than one lookup chunk): equal to the uncached output, counters add up', () => {
    const name = uniqueName('batch-mixed');
    const cache = getCache(name, { maxBytes: 64 << 20, shards: 8 });
    try {
      const all = quads(6000);
      const even = pick(all, Array.from({ length: 3000 }, (_, i) => 2 * i));
      shrinkBatch(even, { cache });
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 3000, entries: 3000 });
      const cached = shrinkBatch(all, { cache });
      same(cached, shrinkBatch(all));
      expect(cache.stats()).toMatchObject({ hits: 3000, misses: 6000, entries: 6000 });
      // Everything cached now: a second pass is all hits and still identical.
      same(shrinkBatch(all, { cache }), shrinkBatch(all));
      expect(cache.stats().hits).toBe(9000);
    } finally {
      dropCache(name);
    }
  });

  test('duplicates within one batch, cached and not: every copy gets the right rings', () => {
    const name = uniqueName('batch-dup');
    const cache = getCache(name, { maxBytes: 64 << 20, eviction: 'clock' });
    try {
      const base = quads(40);
      unclipBatch(pick(base, [0, 1, 2, 3]), { cache });
      const order = [5, 0, 5, 1, 5, 39, 0, 0, 7, 39, 2, 3, 3, 5];
      const input = pick(base, order);
      same(unclipBatch(input, { cache }), unclipBatch(input));
      // Repeats of an uncached polygon are all looked up before any is stored: misses.
      const s = cache.stats();
      expect(s.hits + s.misses).toBe(4 + order.length);
      expect(s).toMatchObject({ hits: 7, misses: 4 + 7, entries: 7 }); // 0..3 hit; 5, 39, 7 are stored
      same(unclipBatch(input, { cache }), unclipBatch(input));
      expect(cache.stats().hits).toBe(s.hits + order.length);
    } finally {
      dropCache(name);
    }
  });

  test('hits of every result shape (one short ring, long rings, split results, empty ones, holes) come back in order', () => {
    const name = uniqueName('batch-shapes');
    const cache = getCache(name, { maxBytes: 64 << 20 });
    try {
      // Polygons as [rings of flat xy]: a quad (shrinks to one 4-point ring), a thin quad (shrinks
      // to nothing), a dumbbell (shrinks to two rings), a 16-point curve (one long ring), a square
      // with a hole (two input rings).
      const curve: number[] = [];
      for (let i = 0; i < 8; i++) curve.push(10 + i * 12, 100 + Math.round(6 * Math.sin(i)));
      for (let i = 7; i >= 0; i--) curve.push(10 + i * 12, 130 + Math.round(6 * Math.sin(i)));
      const shapes: number[][][] = [
        [[0, 0, 60, 0, 60, 20, 0, 20]],
        [[0, 40, 60, 40, 60, 41, 0, 41]],
        [[0, 60, 40, 60, 40, 75, 80, 75, 80, 60, 120, 60, 120, 100, 80, 100, 80, 85, 40, 85, 40, 100, 0, 100]],
        [curve],
        [
          [200, 0, 300, 0, 300, 100, 200, 100],
          [230, 30, 230, 70, 270, 70, 270, 30],
        ],
      ];
      const order = [0, 2, 3, 1, 4, 4, 0, 3, 2, 1, 0];
      const build = (idx: number[]) => {
        const coords: number[] = [];
        const ringOffsets = [0];
        const polygonRings = [0];
        for (const j of idx) {
          for (const ring of shapes[j] ?? []) {
            coords.push(...ring);
            ringOffsets.push(coords.length / 2);
          }
          polygonRings.push(ringOffsets.length - 1);
        }
        return {
          coords: Float64Array.from(coords),
          ringOffsets: Uint32Array.from(ringOffsets),
          polygonRings: Uint32Array.from(polygonRings),
          deltas: -6,
        };
      };
      const input = build(order);
      const plain = offsetBatch(input);
      // The shapes really are as described.
      const pr = Array.from(plain.polygonRings);
      const ro = Array.from(plain.ringOffsets);
      expect([0, 1, 2, 3, 4].map((i) => (pr[i + 1] ?? 0) - (pr[i] ?? 0))).toEqual([1, 2, 1, 0, 2]);
      expect((ro[pr[3] ?? 0] ?? 0) - (ro[pr[2] ?? 0] ?? 0)).toBeGreaterThan(8);
      offsetBatch(build([0, 1, 2, 3, 4]), { cache }); // every shape cached
      same(offsetBatch(input, { cache }), plain);
      expect(cache.stats()).toMatchObject({ hits: order.length, misses: 5 });
    } finally {
      dropCache(name);
    }
  });

  test('every key colliding (hash mask 0): still the right rings for each polygon', () => {
    const name = uniqueName('batch-collide');
    const cache = openCacheForTesting(name, { maxBytes: 64 << 20, shards: 4 }, { hashBits: 0 });
    try {
      const input = quads(300, 11);
      shrinkBatch(pick(input, Array.from({ length: 150 }, (_, i) => i * 2 + 1)), { cache });
      same(shrinkBatch(input, { cache }), shrinkBatch(input));
      expect(cache.stats()).toMatchObject({ hits: 150, misses: 300 });
    } finally {
      dropCache(name);
    }
  });

  // Under 'clock' the batch reads shards without their locks and removes the expired entries it
  // met after the pipeline: the counters must come out as under 'lru'.
  test.each(['lru', 'clock'] as const)('expired entries are misses, recomputed and stored again (eviction %s)', (eviction) => {
    const name = uniqueName(`batch-ttl-${eviction}`);
    const cache = getCache(name, { maxBytes: 64 << 20, ttl: 1000, eviction });
    try {
      setCacheClock(cache, 0);
      const input = quads(500, 3);
      const plain = offsetBatch({ ...input, deltas: 2.5 });
      offsetBatch({ ...input, deltas: 2.5 }, { cache });
      advanceCacheClock(cache, 999);
      same(offsetBatch({ ...input, deltas: 2.5 }, { cache }), plain);
      expect(cache.stats()).toMatchObject({ hits: 500, misses: 500, expirations: 0 });
      advanceCacheClock(cache, 1);
      same(offsetBatch({ ...input, deltas: 2.5 }, { cache }), plain);
      expect(cache.stats()).toMatchObject({ hits: 500, misses: 1000, expirations: 500, entries: 500 });
      // Copies of an expired polygon in one batch: every copy a miss, the entry removed once.
      advanceCacheClock(cache, 1000);
      const dup = pick(input, [7, 3, 7, 7, 3]);
      same(offsetBatch({ ...dup, deltas: 2.5 }, { cache }), offsetBatch({ ...dup, deltas: 2.5 }));
      expect(cache.stats()).toMatchObject({ hits: 500, misses: 1005, expirations: 502, entries: 500 });
    } finally {
      dropCache(name);
    }
  });

  // Under LRU a shard with few keys in a batch is read without its lock and its hits queued for
  // the next writer (a position reserved per key, null for a miss); one with many keys is locked
  // and relinks its hits at once; a queue without room for the batch's keys sends the shard to
  // the lock. Every way must give exact LRU order: each batch's hits move to the front in batch
  // order, then its misses are stored in order (evicting from the back). The model predicts
  // every batch's hits, misses and evictions, which a wrong order soon changes.
  test('lru (one shard: one exact order): batches small and large keep exact LRU order', () => {
    const name = uniqueName('batch-lru-order');
    const capacity = 40;
    const cache = getCache(name, { maxEntries: capacity, shards: 1, eviction: 'lru' });
    try {
      const universe = quads(64, 3);
      const order: number[] = []; // the model, most recently used first
      let seed = 11;
      const next = () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 8;
      };
      for (let round = 0; round < 300; round++) {
        // Mostly small batches (shared reads, queued hits: many in a row fill the queue), some
        // large (locked); distinct polygons, mostly cached ones.
        const size = round % 7 === 6 ? 20 + (next() % 20) : 1 + (next() % 6);
        const pool = next() % 4 === 0 ? 64 : capacity + 4; // >= size: the loop below ends
        const batch: number[] = [];
        while (batch.length < size) {
          const k = next() % pool;
          if (!batch.includes(k)) batch.push(k);
        }
        const hitKeys = batch.filter((k) => order.includes(k));
        const missKeys = batch.filter((k) => !order.includes(k));
        for (const k of hitKeys) {
          order.splice(order.indexOf(k), 1);
          order.unshift(k);
        }
        let evicted = 0;
        for (const k of missKeys) {
          order.unshift(k);
          if (order.length > capacity) {
            order.pop();
            evicted += 1;
          }
        }
        const before = cache.stats();
        shrinkBatch(pick(universe, batch), { cache });
        const after = cache.stats();
        expect([after.hits - before.hits, after.misses - before.misses, after.evictions - before.evictions]).toEqual([
          hitKeys.length,
          missKeys.length,
          evicted,
        ]);
      }
    } finally {
      dropCache(name);
    }
  });

  test('a non-finite per-polygon ratio fails naming that polygon, after a partial chunk', () => {
    const name = uniqueName('batch-bad');
    const cache = getCache(name, { maxBytes: 64 << 20 });
    try {
      const input = quads(3000, 9);
      const ratios = new Float64Array(3000).fill(0.4);
      ratios[2500] = Number.NaN;
      expect(() => shrinkBatch({ ...input, ratios }, { cache })).toThrow(/polygon 2500/);
      ratios[2500] = -1;
      expect(() => shrinkBatch({ ...input, ratios }, { cache })).toThrow(/polygon 2500/);
    } finally {
      dropCache(name);
    }
  });
});
