import { dropCache, getCache } from '../../src/cache';
import { cacheNative } from '../../src/cache/native';
import { advanceCacheClock, openCacheForTesting, setCacheClock } from '../../src/cache/testing';
import { typeName, uniqueName } from './helpers';

describe('native-side use of the cache', () => {
  test('the batch-offset bench hook times the cached shrink natively, with real misses', () => {
    const name = uniqueName('hook');
    const cache = getCache(name);
    try {
      // Three quads; every 2nd polygon (0 and 2) is moved below the integer grid before each rep.
      const coords = new Float64Array([0, 0, 40, 0, 40, 12, 0, 12, 50, 0, 90, 0, 90, 12, 50, 12, 0, 20, 30, 20, 30, 30, 0, 30]);
      const rings = new Uint32Array([0, 4, 8, 12]);
      const n = cacheNative();
      const r = n.cacheBenchOffsetBatch(cache.nativeHandle, coords, rings, 0.4, 3, 2);
      expect(r.cpuNs.length).toBe(3);
      for (const t of r.cpuNs) expect(t).toBeGreaterThanOrEqual(0);
      // Each rep moves 0 and 2 first: rep 1 misses all 3; reps 2 and 3 hit polygon 1 only.
      expect([r.hits, r.misses]).toEqual([2, 7]);
      expect(cache.stats().entries).toBe(7);
      // Unmoved (missEvery 0): 0 and 2 as given were never stored; then everything hits.
      expect(n.cacheBenchOffsetBatch(cache.nativeHandle, coords, rings, 0.4, 2, 0)).toMatchObject({ hits: 4, misses: 2 });
      expect(cache.stats().entries).toBe(9);
    } finally {
      dropCache(name);
    }
  });

  test('native functions taking a cache reject anything but a cache handle', () => {
    const n = cacheNative();
    for (const bad of [{}, null, 5, new Float64Array(1)]) {
      let code = '';
      try {
        n.cacheBenchOffsetBatch(bad as never, new Float64Array(0), new Uint32Array([0]), 0.4, 1, 0);
      } catch (err) {
        code = (err as { code: string }).code;
      }
      expect(code).toBe('ERR_INVALID_ARGUMENT');
    }
  });

  test('getAsync returns the same values as get, counting hits and misses', async () => {
    const name = uniqueName('get-async');
    const cache = getCache(name);
    try {
      const big = new Float32Array(300000).map((_, i) => i * 0.5);
      cache.set([1, 2], 'maps', [big, new Uint8Array([1, 2, 3]), new Float64Array(0)]);
      cache.set([3], 'one', new Int16Array([-1, 7]));
      const got = (await cache.getAsync([1, 2], 'maps')) as [Float32Array, Uint8Array, Float64Array];
      expect(got.map(typeName)).toEqual(['Float32Array', 'Uint8Array', 'Float64Array']);
      expect(got[0].length).toBe(300000);
      expect(got[0][299999]).toBe(299999 * 0.5);
      expect(Array.from(got[1])).toEqual([1, 2, 3]);
      expect(got[2].length).toBe(0);
      got[0][0] = 42; // a fresh copy
      expect(((await cache.getAsync([1, 2], 'maps')) as Float32Array[])[0]![0]).toBe(0);
      const one = await cache.getAsync(new Float64Array([3]), 'one');
      expect(typeName(one)).toBe('Int16Array');
      expect(Array.from(one as Int16Array)).toEqual([-1, 7]);
      expect(await cache.getAsync([4], 'one')).toBeUndefined();
      const s = cache.stats();
      expect([s.hits, s.misses]).toEqual([3, 1]);
      await expect(cache.getAsync([Number.NaN], 'one')).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
      await expect(cache.getAsync([1], 5 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    } finally {
      dropCache(name);
    }
  });

  test('clearAsync and purgeExpiredAsync run off the event loop and resolve', async () => {
    const name = uniqueName('async');
    const cache = openCacheForTesting(name, { ttl: 10 }, {});
    try {
      setCacheClock(cache, 0);
      for (let i = 0; i < 1000; i++) cache.set([i], 't', new Float64Array(16));
      advanceCacheClock(cache, 5);
      for (let i = 0; i < 10; i++) cache.set([i], 'fresh', new Float64Array(16));
      advanceCacheClock(cache, 5);
      await expect(cache.purgeExpiredAsync()).resolves.toBe(1000);
      expect(cache.stats().entries).toBe(10);
      await cache.clearAsync();
      expect(cache.stats().entries).toBe(0);
      expect(cache.stats().bytes).toBe(0);
    } finally {
      dropCache(name);
    }
  });
});
