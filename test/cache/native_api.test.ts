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
