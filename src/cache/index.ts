/**
 * The polygon cache: a process-wide native cache shared by every worker thread, with exact
 * keys (polygon coordinates + an operation tag), exact LRU (or, opt-in, second-chance CLOCK) eviction and honest
 * byte accounting.
 *
 * ```ts
 * import { getCache } from 'ocr-perfkit';
 * const cache = getCache('polygons', { maxBytes: 256 * 2 ** 20 });   // same name = same cache in every thread
 * const tag = `shrink:r=${ratio}`;                                   // operation + parameters
 * const rings = cache.getOrCompute(coords, tag, () => shrink(coords, ratio));
 * console.log(cache.stats());                                        // hits, misses, evictions, bytes, hitRate, ...
 * ```
 *
 * - Keys compare bit for bit (`0` vs `-0`, or one ulp apart, are different keys); NaN/±Infinity
 *   coordinates are rejected (`ERR_INVALID_KEY`). A 64-bit hash finds candidates; the full key
 *   and tag are always compared, so a hash collision never returns another polygon's result.
 * - Values are a typed array or an array of typed arrays; `get` returns fresh copies.
 * - `maxBytes` bounds everything the cache allocates (keys, values, per-entry overhead, hash
 *   tables); `stats().bytes` matches measured malloc growth within 0.1% (scripts/cache-memory.js).
 * - Worker threads: call `getCache(name)` in each thread; all see the same entries and budget.
 *
 * Native code (geometry, targets) consults the same caches without crossing into JS: their
 * bindings take `cache.nativeHandle` and use `CacheHandle::CacheFromValue` +
 * native/cache/cache.h (see the header comment there).
 */
export type { CacheKey } from './key';
export type { CacheStats, CacheTypedArray, CacheValue, ResolvedCacheOptions } from './native';
export { type CacheOptions, cacheOptionsSchema } from './options';
export { PolygonCache } from './polygon_cache';
export { dropCache, getCache, listCaches } from './registry';
