import { dropCache, getCache } from '../../src/cache';
import { cacheNative } from '../../src/cache/native';
import { advanceCacheClock, openCacheForTesting, setCacheClock } from '../../src/cache/testing';
import { typeName, uniqueName } from './helpers';

describe('native-side use of the cache', () => {
  test('per-ring native lookups (flat rings) are visible from JS and vice versa', () => {
    const name = uniqueName('flat');
    const cache = getCache(name);
    try {
      // Two squares and a triangle, flat layout.
      const coords = new Float64Array([0, 0, 1, 0, 1, 1, 0, 1, 5, 5, 6, 5, 6, 6, 5, 6, 9, 9, 10, 9, 9, 10]);
      const rings = new Uint32Array([0, 4, 8, 11]);
      const n = cacheNative();
      const first = n.cacheBenchBatchLookup(cache.nativeHandle, coords, rings, 'offset:d=0', true);
      expect(first).toEqual({ hits: 0, misses: 3, outDoubles: 0 });
      const second = n.cacheBenchBatchLookup(cache.nativeHandle, coords, rings, 'offset:d=0', false);
      expect(second).toEqual({ hits: 3, misses: 0, outDoubles: 22 });
      // Key layout of PolygonKeyBuilder: [param 1.5, ring count 1, ring point count 4, coords...].
      const keyOf = (c: Float64Array) => Float64Array.from([1.5, 1, c.length / 2, ...c]);
      const got = cache.get(keyOf(coords.subarray(8, 16)), 'offset:d=0') as [Float64Array, Uint32Array];
      expect(got.map(typeName)).toEqual(['Float64Array', 'Uint32Array']);
      expect(Array.from(got[0])).toEqual([5, 5, 6, 5, 6, 6, 5, 6]);
      expect(Array.from(got[1])).toEqual([0, 4]);
      // A JS value of another shape under the same key is treated as a miss natively.
      cache.set(keyOf(coords.subarray(16, 22)), 'offset:d=0', new Float32Array([1]));
      expect(n.cacheBenchBatchLookup(cache.nativeHandle, coords, rings, 'offset:d=0', false).hits).toBe(2);
    } finally {
      dropCache(name);
    }
  });

  test('native functions taking a cache reject anything but a cache handle', () => {
    const n = cacheNative();
    for (const bad of [{}, null, 5, new Float64Array(1)]) {
      let code = '';
      try {
        n.cacheBenchBatchLookup(bad as never, new Float64Array(0), new Uint32Array([0]), 't', false);
      } catch (err) {
        code = (err as { code: string }).code;
      }
      expect(code).toBe('ERR_INVALID_ARGUMENT');
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
