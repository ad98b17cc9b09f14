/**
 * Test hooks of the cache (not part of the public API): forced hash collisions and a manual
 * clock for TTL tests.
 */
import { cacheNative } from './native';
import { type CacheOptions, parseCacheOptions } from './options';
import { PolygonCache } from './polygon_cache';

/** Testing-only creation options. */
export interface CacheTestingOptions {
  /** Keep only this many low bits of every key hash: 0 makes every key collide. */
  hashBits?: number;
}

/** Like `getCache`, with testing hooks applied when the cache is created. */
export function openCacheForTesting(name: string, options: CacheOptions, testing: CacheTestingOptions): PolygonCache {
  const parsed = parseCacheOptions(options, `cache "${name}"`);
  return new PolygonCache(new (cacheNative().CacheHandle)(name, parsed, testing));
}

/** Switches the cache to a manual clock reading `ms` (TTL checks use it from then on). */
export function setCacheClock(cache: PolygonCache, ms: number): void {
  cache.nativeHandle.debugSetClock(ms);
}

/** Advances the cache's manual clock by `ms`. */
export function advanceCacheClock(cache: PolygonCache, ms: number): void {
  cache.nativeHandle.debugAdvanceClock(ms);
}

/** Bytes the process holds through malloc (glibc mallinfo2), 0 when unknown. */
export function processMallocBytes(): number {
  return cacheNative().cacheMallocBytes();
}
